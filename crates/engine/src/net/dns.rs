//! The DNS model: what the VPC resolver does with a name the task looks up, as Route 53
//! Resolver evaluates it. DNS Firewall first (rule groups in association-priority order, rules in
//! rule-priority order; the first ALLOW or BLOCK whose domain list matches decides, ALERT goes
//! on); then the most specific of the Resolver rules (FORWARD, SYSTEM, DELEGATE), the private
//! hosted zones associated with the VPC and an interface endpoint's own private DNS zone (an
//! equally specific rule wins over a zone); then the usual public answer.
//!
//! [`VpcDns::resolve`] answers with a [`NameOutcome`] that is three-valued *as a whole*: a
//! verdict that holds whatever an unread input says stands, and names what was not read (a zone
//! that shadows a name is an error with or without a DNS Firewall rule: a firewall can only
//! block more). Checks and the path model read it; none re-evaluates DNS.

use std::net::IpAddr;

use fd_snapshot::{
    Fetched, FirewallRule, FirewallRuleGroupAssociation, Found, HostedZone, RecordAnswer,
    ResolverRule, ResolverRuleAssociation, Snapshot,
};

/// The number of labels of a domain (`.` has none): the measure of "more specific".
pub fn labels(domain: &str) -> usize {
    if domain == "." {
        0
    } else {
        domain.split('.').count()
    }
}

/// Whether a zone or Resolver rule for `domain` covers `host` (the name itself or a subdomain,
/// label by label; `.` covers every name).
pub fn covers(domain: &str, host: &str) -> bool {
    domain == "."
        || host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Whether a DNS Firewall domain list entry matches `host`: `*` matches every name,
/// `*.example.com` every subdomain of example.com (not example.com), anything else exactly.
pub fn firewall_matches(entry: &str, host: &str) -> bool {
    match entry.strip_prefix("*.") {
        _ if entry == "*" => true,
        Some(parent) => host
            .strip_suffix(parent)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
        None => entry == host,
    }
}

/// The most specific zone that covers `host`.
pub fn covering<'z>(zones: &'z [HostedZone], host: &str) -> Option<&'z HostedZone> {
    zones
        .iter()
        .filter(|z| covers(&z.name, host))
        .max_by_key(|z| labels(&z.name))
}

/// Whether `records` answer for `host` (an exact name, or a wildcard above it).
pub fn answers(records: &[String], host: &str) -> bool {
    matching_record(records, host).is_some()
}

/// What DNS Firewall does with a name.
pub enum Firewall<'a> {
    Allowed,
    Blocked {
        group: &'a FirewallRuleGroupAssociation,
        rule: &'a FirewallRule,
        entry: &'a str,
    },
    Unknown(String),
}

/// Whether a rule applies to the task's address queries (`A`): rules without a query type
/// apply to every type.
pub fn applies_to_a(rule: &FirewallRule) -> bool {
    rule.qtype
        .as_deref()
        .is_none_or(|q| q.eq_ignore_ascii_case("A"))
}

pub fn firewall<'a>(groups: &[&'a FirewallRuleGroupAssociation], host: &str) -> Firewall<'a> {
    for group in groups {
        let rules = match &group.rules {
            Fetched::Found { value } => value,
            // An associated group that "does not exist" is not an empty group.
            Fetched::Absent { call, detail } => {
                return Firewall::Unknown(format!(
                    "DNS Firewall rule group {} is associated with the VPC, but {call} found nothing ({})",
                    group.rule_group_id,
                    detail.as_deref().unwrap_or("not found")
                ))
            }
            Fetched::Unreadable { call, reason } => {
                return Firewall::Unknown(format!(
                    "the rules of DNS Firewall rule group {} could not be read ({call}: {reason})",
                    group.rule_group_id
                ))
            }
        };
        let mut ordered: Vec<&FirewallRule> = rules.iter().collect();
        ordered.sort_by_key(|r| r.priority);
        for rule in ordered {
            // Rules without a domain list (DNS Firewall Advanced threat protection) inspect
            // query patterns, not names: named as not checked in the check's text.
            let Some(list) = rule.domain_list_id.as_deref() else {
                continue;
            };
            if !applies_to_a(rule) {
                continue;
            }
            let rule_name = rule.name.as_deref().unwrap_or("?");
            let entry = match &rule.domains {
                Fetched::Found { value } => value.iter().find(|e| firewall_matches(e, host)),
                // AWS managed lists hold known-malicious domains, never AWS service names.
                Fetched::Absent { .. } if rule.domain_list_managed_by.is_some() => None,
                Fetched::Absent { call, .. } => {
                    return Firewall::Unknown(format!(
                        "domain list {list} (rule {rule_name} of DNS Firewall rule group {}): {call} found nothing",
                        group.rule_group_id
                    ))
                }
                Fetched::Unreadable { call, reason } => {
                    return Firewall::Unknown(format!(
                        "the domains of list {list} (rule {rule_name} of DNS Firewall rule group {}) could not be read ({call}: {reason})",
                        group.rule_group_id
                    ))
                }
            };
            let Some(entry) = entry else { continue };
            match rule.action.as_str() {
                "ALLOW" => return Firewall::Allowed,
                "BLOCK" => return Firewall::Blocked { group, rule, entry },
                "ALERT" => {}
                other => {
                    return Firewall::Unknown(format!(
                        "rule {rule_name} of DNS Firewall rule group {} matches {host} with an action this tool does not know ('{other}')",
                        group.rule_group_id
                    ))
                }
            }
        }
    }
    Firewall::Allowed
}

/// Who answers a name the firewall lets through.
pub enum Answer<'a> {
    /// The VPC resolver, by the usual rules.
    Resolver,
    Zone(&'a HostedZone),
    Forwarded(&'a ResolverRuleAssociation, &'a ResolverRule),
    Unknown(String),
}

pub fn answer<'a>(
    zones: &'a [HostedZone],
    rules: &'a [ResolverRuleAssociation],
    host: &str,
    endpoint_zone: Option<&str>,
) -> Answer<'a> {
    // The most specific FORWARD / SYSTEM / DELEGATE rule that covers the name.
    let mut best: Option<(&ResolverRuleAssociation, &ResolverRule)> = None;
    for a in rules.iter().filter(|a| active(a.status.as_deref())) {
        let rule = match &a.rule {
            Fetched::Found { value } => value,
            // An associated rule that "does not exist" is not proof of no rule.
            Fetched::Absent { call, .. } => {
                return Answer::Unknown(format!(
                    "Resolver rule {} is associated with the VPC, but {call} found nothing",
                    a.rule_id
                ))
            }
            Fetched::Unreadable { call, reason } => {
                return Answer::Unknown(format!(
                    "Resolver rule {} is associated with the VPC but could not be read ({call}: {reason})",
                    a.rule_id
                ))
            }
        };
        if rule.rule_type == "RECURSIVE" {
            continue;
        }
        if rule.domain_name.is_empty() {
            return Answer::Unknown(format!(
                "Resolver rule {} ({}) has no domain name",
                a.rule_id, rule.rule_type
            ));
        }
        if !covers(&rule.domain_name, host) {
            continue;
        }
        if best.is_none_or(|(_, b)| labels(&rule.domain_name) > labels(&b.domain_name)) {
            best = Some((a, rule));
        }
    }
    // A SYSTEM rule only undoes forwarding: the resolver then answers as usual, zones included.
    let forwarded = best.filter(|(_, r)| r.rule_type != "SYSTEM");
    // Without rules, the most specific zone answers: an associated private hosted zone or, for
    // a name an interface endpoint serves, the endpoint's own (correct) zone.
    let zone = covering(zones, host);
    let endpoint = endpoint_zone.map(labels);
    let answering = zone.map(|z| labels(&z.name)).max(endpoint);
    match forwarded {
        // The most specific name wins; an equally specific rule takes precedence over a zone.
        Some((a, r)) if answering.is_none_or(|l| labels(&r.domain_name) >= l) => {
            Answer::Forwarded(a, r)
        }
        _ => match zone {
            Some(z) if endpoint.is_none_or(|e| labels(&z.name) > e) => Answer::Zone(z),
            _ => Answer::Resolver,
        },
    }
}

/// The private DNS zone of the interface endpoint that serves `host`: the registry and S3
/// endpoints answer for a wildcard (`*.dkr.ecr.<region>.amazonaws.com`,
/// `*.s3.<region>.amazonaws.com`), the others for their exact name.
pub fn endpoint_zone(host: &str) -> String {
    match host.split_once('.') {
        Some((_, rest)) if rest.starts_with("dkr.ecr.") || rest.starts_with("s3.") => {
            rest.to_string()
        }
        _ => host.to_string(),
    }
}

/// Associations that are in effect (or about to be).
pub fn active(status: Option<&str>) -> bool {
    !matches!(status, Some("DELETING" | "FAILED" | "OVERRIDDEN"))
}

/// One of the three VPC-level lists, or why it is not known.
pub fn per_vpc<'a, T>(
    map: &'a std::collections::BTreeMap<String, Fetched<Vec<T>>>,
    vpc: &str,
    op: &str,
) -> Result<&'a [T], String> {
    match map.get(vpc) {
        None => Err(format!("{op} for {vpc} was not made (not in the snapshot)")),
        Some(f) => match f.lookup() {
            Found::Yes(v) => Ok(v.as_slice()),
            // A listing that answers "not found" is odd, not empty.
            Found::Missing => Err(format!("{op} for {vpc} answered not found")),
            Found::Unknown(why) => Err(why),
        },
    }
}

/// The resolver configuration of one VPC, read once: each of the three lists, or why it is not
/// known.
pub struct VpcDns<'a> {
    pub vpc: String,
    pub zones: Result<&'a [HostedZone], String>,
    pub rules: Result<&'a [ResolverRuleAssociation], String>,
    /// Active firewall rule group associations, in priority order.
    pub groups: Result<Vec<&'a FirewallRuleGroupAssociation>, String>,
}

/// What happens to one name, decided once.
pub enum NameOutcome<'a> {
    /// The VPC resolver (or a zone with a record for it) answers the name.
    Resolves,
    /// A DNS Firewall rule blocks it: certain whatever else could not be read (the firewall
    /// decides before zones and rules).
    Blocked {
        group: &'a FirewallRuleGroupAssociation,
        rule: &'a FirewallRule,
        entry: &'a str,
    },
    /// A private hosted zone answers for the name and has no record for it. Certain whatever
    /// the firewall says (it could only block more); `firewall_unread` says what was not read.
    Shadowed {
        zone: &'a HostedZone,
        firewall_unread: Option<String>,
    },
    /// A Resolver rule sends the query elsewhere. The far servers cannot be checked (a
    /// warning); with the firewall unread, whether the name is blocked is not known either.
    Forwarded {
        association: &'a ResolverRuleAssociation,
        rule: &'a ResolverRule,
        firewall_unread: Option<String>,
    },
    /// Not decidable from what could be read.
    Unknown(String),
}

impl<'a> VpcDns<'a> {
    pub fn of(snap: &'a Snapshot, vpc: &str) -> Self {
        let dns = &snap.dns;
        let groups = per_vpc(
            &dns.firewall_rule_groups,
            vpc,
            "route53resolver:ListFirewallRuleGroupAssociations",
        )
        .map(|g| {
            let mut g: Vec<_> = g.iter().filter(|g| active(g.status.as_deref())).collect();
            g.sort_by_key(|g| g.priority);
            g
        });
        VpcDns {
            vpc: vpc.to_string(),
            zones: per_vpc(&dns.private_zones, vpc, "route53:ListHostedZonesByVPC"),
            rules: per_vpc(
                &dns.resolver_rules,
                vpc,
                "route53resolver:ListResolverRuleAssociations",
            ),
            groups,
        }
    }

    /// Who answers `host` (firewall aside). `endpoint_zone` is the private DNS zone of the
    /// interface endpoint that serves it, if one does.
    pub fn answer(&self, host: &str, endpoint_zone: Option<&str>) -> Answer<'a> {
        match (&self.zones, &self.rules) {
            (Ok(zones), Ok(rules)) => answer(zones, rules, host, endpoint_zone),
            (Err(why), _) | (_, Err(why)) => Answer::Unknown(why.clone()),
        }
    }

    /// What DNS Firewall does with `host`.
    pub fn firewall(&self, host: &str) -> Firewall<'a> {
        match &self.groups {
            Ok(groups) => firewall(groups, host),
            Err(why) => Firewall::Unknown(why.clone()),
        }
    }

    /// The whole decision for `host`, three-valued: an outcome that every possible value of
    /// an unread input would give stands.
    pub fn resolve(&self, host: &str, endpoint_zone: Option<&str>) -> NameOutcome<'a> {
        let firewall_unread = match self.firewall(host) {
            Firewall::Blocked { group, rule, entry } => {
                return NameOutcome::Blocked { group, rule, entry }
            }
            Firewall::Allowed => None,
            Firewall::Unknown(why) => Some(why),
        };
        match self.answer(host, endpoint_zone) {
            Answer::Unknown(why) => NameOutcome::Unknown(why),
            Answer::Forwarded(association, rule) => NameOutcome::Forwarded {
                association,
                rule,
                firewall_unread,
            },
            Answer::Zone(zone) => match zone_record(zone, host) {
                ZoneRecord::None => NameOutcome::Shadowed {
                    zone,
                    firewall_unread,
                },
                ZoneRecord::Unknown(why) => NameOutcome::Unknown(why),
                ZoneRecord::Has(_) => match firewall_unread {
                    Some(why) => NameOutcome::Unknown(why),
                    None => NameOutcome::Resolves,
                },
            },
            Answer::Resolver => match firewall_unread {
                Some(why) => NameOutcome::Unknown(why),
                None => NameOutcome::Resolves,
            },
        }
    }

    /// What a private hosted zone makes `host` resolve to, when one answers it (no Resolver
    /// rule wins and no interface endpoint's zone is more specific): `None` when no zone
    /// answers, else the addresses or why they are not known. The path model routes to these
    /// addresses instead of the service's public ones.
    pub fn zone_addresses(
        &self,
        snap: &Snapshot,
        host: &str,
    ) -> Option<Result<ZoneAddresses, String>> {
        let Answer::Zone(zone) = self.answer(host, None) else {
            return None;
        };
        let record = match zone_record(zone, host) {
            // A shadowed name does not resolve: NET-DNS-RESOLVER-OVERRIDES speaks for it.
            ZoneRecord::None => return None,
            ZoneRecord::Unknown(why) => return Some(Err(why)),
            ZoneRecord::Has(r) => r,
        };
        let unknown = |detail: String| {
            Some(Err(format!(
                "{host} is answered by private hosted zone {} ({}), {detail}",
                zone.id, zone.name
            )))
        };
        let Some(answer) = record else {
            return unknown(
                "whose record values are not in the snapshot (collected by an older version)"
                    .into(),
            );
        };
        if !answer.addresses.is_empty() {
            return Some(Ok(ZoneAddresses {
                zone: zone.id.clone(),
                addresses: answer.addresses.clone(),
                endpoint: None,
            }));
        }
        let Some(target) = answer.target.as_deref() else {
            return unknown("whose record has no value".into());
        };
        // An interface endpoint's own DNS name (`vpce-0abc…-xyz.api.ecr.REGION.vpce.amazonaws.com`,
        // optionally with a zone prefix) resolves to its network interfaces' addresses.
        let Some(id) = endpoint_id_of_dns_name(target) else {
            return unknown(format!(
                "with a CNAME or alias to {target}, which this tool does not resolve"
            ));
        };
        let ep = match snap.vpc_endpoint(&id) {
            Found::Yes(e) => e,
            Found::Missing => {
                return unknown(format!(
                    "with an alias to {target}: endpoint {id} was not found"
                ))
            }
            Found::Unknown(why) => return unknown(format!("with an alias to {target}: {why}")),
        };
        let mut addresses = Vec::new();
        for eni in &ep.network_interface_ids {
            match snap.network_interface(eni) {
                Found::Yes(ni) => {
                    if let Some(ip) = ni.private_ip.as_deref().and_then(|i| i.parse().ok()) {
                        addresses.push(ip);
                    }
                }
                Found::Missing => {}
                Found::Unknown(why) => {
                    return unknown(format!(
                        "with an alias to endpoint {id}, whose interface {eni} could not be read: {why}"
                    ))
                }
            }
        }
        if addresses.is_empty() {
            return unknown(format!(
                "with an alias to endpoint {id}, which has no network interface with an address"
            ));
        }
        Some(Ok(ZoneAddresses {
            zone: zone.id.clone(),
            addresses,
            endpoint: Some(id),
        }))
    }
}

/// The addresses a private hosted zone answers a name with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneAddresses {
    pub zone: String,
    pub addresses: Vec<IpAddr>,
    /// The interface endpoint an alias record points to, when it does.
    pub endpoint: Option<String>,
}

/// Whether a zone holds a record for a name.
enum ZoneRecord<'z> {
    /// It does, with its values when the snapshot has them.
    Has(Option<&'z RecordAnswer>),
    None,
    Unknown(String),
}

fn zone_record<'z>(zone: &'z HostedZone, host: &str) -> ZoneRecord<'z> {
    match zone.records.lookup() {
        Found::Yes(records) => match matching_record(records, host) {
            Some(name) => ZoneRecord::Has(zone.answers.as_ref().and_then(|a| a.get(name))),
            None => ZoneRecord::None,
        },
        Found::Missing => ZoneRecord::Unknown(format!(
            "the records of private hosted zone {} ({}), which covers {host}, were not read",
            zone.id, zone.name
        )),
        Found::Unknown(why) => ZoneRecord::Unknown(format!(
            "the records of private hosted zone {} ({}), which covers {host}: {why}",
            zone.id, zone.name
        )),
    }
}

/// The record of `records` that answers `host`: the exact name first, else the closest
/// wildcard above it (DNS wildcard rules).
fn matching_record<'r>(records: &'r [String], host: &str) -> Option<&'r str> {
    if let Some(r) = records.iter().find(|r| r.as_str() == host) {
        return Some(r);
    }
    records
        .iter()
        .filter(|r| {
            r.strip_prefix("*.")
                .is_some_and(|suffix| host.ends_with(&format!(".{suffix}")))
        })
        .max_by_key(|r| r.len())
        .map(String::as_str)
}

/// `vpce-0123456789abcdef0-abcdefgh.api.ecr.us-east-1.vpce.amazonaws.com` (or with a zone
/// prefix, `us-east-1a.vpce-…`) → `vpce-0123456789abcdef0`.
pub fn endpoint_id_of_dns_name(name: &str) -> Option<String> {
    if !name.ends_with(".vpce.amazonaws.com") {
        return None;
    }
    let label = name
        .split('.')
        .find(|l| l.starts_with("vpce-"))?
        .strip_prefix("vpce-")?;
    let id = label.split('-').next()?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit())).then(|| format!("vpce-{id}"))
}
