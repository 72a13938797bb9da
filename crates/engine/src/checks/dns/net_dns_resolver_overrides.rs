use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dns::{endpoint_zone, NameOutcome};
use crate::report::Severity;
use fd_snapshot::{
    Fetched, FirewallRule, FirewallRuleGroupAssociation, HostedZone, ResolverRule,
    ResolverRuleAssociation,
};

/// A name the task looks up.
struct Host {
    name: String,
    what: String,
    /// The private DNS zone of the interface endpoint that answers it, if one does.
    endpoint_zone: Option<String>,
}

pub static CHECK: Check = Check {
    id: "NET-DNS-RESOLVER-OVERRIDES",
    title: "A private hosted zone, Resolver rule or DNS Firewall rule overrides a name the task needs",
    severity: Severity::Error,
    group: "Network path",
    what: "Reads what the VPC resolver does with every name the task looks up — the ECR, S3, Logs, \
           Secrets Manager and SSM names (through an interface endpoint's private DNS or not), \
           public registries, and its EFS file systems' names:\n\
           - DNS Firewall (route53resolver:ListFirewallRuleGroupAssociations, ListFirewallRules, \
           ListFirewallDomains): the rule groups associated with the VPC, in priority order, and \
           in each the rules in priority order; the first ALLOW or BLOCK rule whose domain list \
           matches the name decides (ALERT rules go on). A BLOCK is an error.\n\
           - Resolver rules (route53resolver:ListResolverRuleAssociations, GetResolverRule): the \
           most specific FORWARD or SYSTEM rule that covers the name; a FORWARD (or DELEGATE) \
           rule sends the query to DNS servers this tool cannot see: a warning.\n\
           - Private hosted zones (route53:ListHostedZonesByVPC, ListResourceRecordSets): the most \
           specific zone that covers a name the VPC resolver answers must hold a record for it \
           (a wildcard counts). An equally specific Resolver rule takes precedence over a zone; \
           an interface endpoint's private DNS zone (`*.dkr.ecr.REGION.amazonaws.com`, \
           `api.ecr.REGION.amazonaws.com` …) is overridden only by an equally or more specific \
           rule or zone.\n\
           Not checked: zones, rules and firewall rule groups that reach the VPC through a Route 53 \
           Profile; DNS Firewall Advanced rules (no domain list); the names a CNAME chain leads \
           to (DNS Firewall inspects them too); what the DNS servers behind a forwarding rule \
           answer.",
    why: "A private hosted zone answers authoritatively for its whole name: a zone \
          'us-east-1.amazonaws.com' or 'amazonaws.com' created for one record makes every other name \
          under it NXDOMAIN inside the VPC. A DNS Firewall rule that blocks '*.amazonaws.com' (or \
          '*' with an allow list that forgets the AWS names) answers NXDOMAIN or NODATA. A Resolver \
          forwarding rule for 'amazonaws.com' or '.' sends the names to DNS servers elsewhere, which \
          answer with public addresses (not the interface endpoints') or not at all. The pull then \
          fails as if the network were down: 'dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no \
          such host'.",
    fix: "Private hosted zone: add the missing records, narrow the zone to the one name it was \
          created for, or disassociate it:\n  \
          aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id Z… --vpc VPCRegion=REGION,VPCId=vpc-…\n\
          DNS Firewall: allow the AWS names before the blocking rule (a lower priority number):\n  \
          aws route53resolver create-firewall-domain-list --name aws-service-names\n  \
          aws route53resolver update-firewall-domains --firewall-domain-list-id rslvr-fdl-… --operation ADD --domains '*.amazonaws.com'\n  \
          aws route53resolver create-firewall-rule --firewall-rule-group-id rslvr-frg-… --firewall-domain-list-id rslvr-fdl-… --priority 1 --action ALLOW --name allow-aws\n\
          Resolver forwarding rule: let the VPC resolver answer the AWS names with a SYSTEM rule:\n  \
          aws route53resolver create-resolver-rule --rule-type SYSTEM --domain-name REGION.amazonaws.com --creator-request-id aws-names\n  \
          aws route53resolver associate-resolver-rule --resolver-rule-id rslvr-rr-… --vpc-id vpc-…",
    docs: &[
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-rule-settings.html",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(dns) = cx.dns.as_ref() else {
        return Outcome::unknown("the task's VPC is not known");
    };
    let vpc = dns.vpc.clone();

    // Every name the task looks up, once.
    let mut hosts: Vec<Host> = Vec::new();
    for p in cx.paths.iter().flat_map(|sp| sp.paths.iter()) {
        if hosts.iter().any(|h| h.name == p.dest.host) {
            continue;
        }
        hosts.push(Host {
            name: p.dest.host.clone(),
            what: p.dest.service.label().to_string(),
            endpoint_zone: p.via_interface.then(|| endpoint_zone(&p.dest.host)),
        });
    }
    for e in &cx.needs.efs {
        let name = format!(
            "{}.efs.{}.amazonaws.com",
            e.config.file_system_id, cx.snap.region
        );
        if !hosts.iter().any(|h| h.name == name) {
            hosts.push(Host {
                name,
                what: format!("EFS volume {}", e.volume),
                endpoint_zone: None,
            });
        }
    }

    // What could not be read and could change the verdict.
    let mut unknown = None;
    // What could not be read but changes nothing about an error found (named in it).
    let mut firewall_unread = None;
    // Per (group, rule): the names it blocks and the list entries that matched them.
    type Blocked<'r> = (
        &'r FirewallRuleGroupAssociation,
        &'r FirewallRule,
        Vec<String>,
        Vec<&'r str>,
    );
    let mut blocked: Vec<Blocked> = Vec::new();
    let mut shadowed: Vec<(&HostedZone, Vec<String>)> = Vec::new();
    let mut forwarded: Vec<(&ResolverRuleAssociation, &ResolverRule, Vec<String>)> = Vec::new();
    for host in &hosts {
        let named = format!("{} ({})", host.name, host.what);
        match dns.resolve(&host.name, host.endpoint_zone.as_deref()) {
            NameOutcome::Resolves => {}
            NameOutcome::Unknown(why) => unknown = Some(why),
            NameOutcome::Blocked { group, rule, entry } => {
                match blocked
                    .iter_mut()
                    .find(|(g, r, _, _)| g.id == group.id && std::ptr::eq(*r, rule))
                {
                    Some((_, _, names, entries)) => {
                        names.push(named);
                        if !entries.contains(&entry) {
                            entries.push(entry);
                        }
                    }
                    None => blocked.push((group, rule, vec![named], vec![entry])),
                }
            }
            NameOutcome::Shadowed {
                zone,
                firewall_unread: fw,
            } => {
                if fw.is_some() {
                    firewall_unread = fw;
                }
                match shadowed.iter_mut().find(|(z, _)| z.id == zone.id) {
                    Some((_, names)) => names.push(named),
                    None => shadowed.push((zone, vec![named])),
                }
            }
            NameOutcome::Forwarded {
                association: a,
                rule: r,
                firewall_unread: fw,
            } => {
                // The far servers' answer is a warning; whether the firewall blocks the name
                // (an error) is not known.
                if let Some(why) = fw {
                    unknown = Some(why);
                }
                match forwarded.iter_mut().find(|(x, _, _)| x.id == a.id) {
                    Some((_, _, names)) => names.push(named),
                    None => forwarded.push((a, r, vec![named])),
                }
            }
        }
    }

    let region = &cx.snap.region;
    let mut findings = Vec::new();
    for (group, rule, names, entries) in blocked {
        let list = rule.domain_list_id.as_deref().unwrap_or("?");
        let rule_name = rule.name.as_deref().unwrap_or("(unnamed)");
        findings.push(CHECK.finding(
            format!(
                "DNS Firewall rule group {}{} is associated with {vpc}, and its rule {rule_name} (priority {}, action BLOCK, domain list {list}, matching '{}') blocks {}: inside the VPC these names do not resolve.",
                group.rule_group_id,
                group.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
                rule.priority,
                entries.join("', '"),
                names.join(", ")
            ),
            vec![group.rule_group_id.clone(), list.to_string(), vpc.clone()],
            vec![
                ev(
                    &group.rule_group_id,
                    format!("association {} at priority {}", group.id, group.priority),
                ),
                ev(list, format!("rule {rule_name}: BLOCK at priority {}", rule.priority)),
            ],
            format!(
                "Allow the AWS names before rule {rule_name} (a lower priority number than {}), or take them out of {list}: aws route53resolver create-firewall-rule --firewall-rule-group-id {} --firewall-domain-list-id <a list with *.amazonaws.com> --priority <below {}> --action ALLOW --name allow-aws --creator-request-id allow-aws",
                rule.priority, group.rule_group_id, rule.priority
            ),
        ));
    }
    for (zone, names) in shadowed {
        findings.push(CHECK.finding(
            format!(
                "Private hosted zone {} ({}) is associated with {vpc} and has no record for {}: inside the VPC these names do not resolve.{}",
                zone.id,
                zone.name,
                names.join(", "),
                firewall_unread
                    .as_deref()
                    .map(|why| format!(" (DNS Firewall could not be read — {why} — but a firewall rule could only block more.)"))
                    .unwrap_or_default()
            ),
            vec![zone.id.clone(), vpc.clone()],
            vec![ev(
                &zone.id,
                match &zone.records {
                    Fetched::Found { value } => format!("records: {}", value.join(", ")),
                    _ => "records: not read".into(),
                },
            )],
            format!(
                "Add the records to {} (or remove what the zone shadows by narrowing it), or disassociate it: aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id {} --vpc VPCRegion={region},VPCId={vpc}",
                zone.id, zone.id
            ),
        ));
    }
    for (a, rule, names) in forwarded {
        let to = if rule.target_ips.is_empty() {
            "DNS servers outside the VPC".to_string()
        } else {
            rule.target_ips.join(", ")
        };
        findings.push(CHECK.finding_at(
            Severity::Warning,
            format!(
                "Route 53 Resolver rule {} ({} {}{}) is associated with {vpc}: queries for {} go to {to}, which fargate-doctor cannot check. They must answer these names (interface endpoint names with the endpoint's private addresses), or the task cannot reach them.",
                a.rule_id,
                rule.rule_type,
                rule.domain_name,
                rule.name.as_deref().map(|n| format!(", '{n}'")).unwrap_or_default(),
                names.join(", ")
            ),
            vec![a.rule_id.clone(), vpc.clone()],
            vec![ev(
                &a.rule_id,
                format!("{} {} → {to} (association {})", rule.rule_type, rule.domain_name, a.id),
            )],
            format!(
                "Let the VPC resolver answer the AWS names with a SYSTEM rule, or make the servers at {to} forward them to the VPC resolver (the VPC CIDR base + 2): aws route53resolver create-resolver-rule --rule-type SYSTEM --domain-name {region}.amazonaws.com --creator-request-id aws-names && aws route53resolver associate-resolver-rule --resolver-rule-id <the new rule> --vpc-id {vpc}"
            ),
        ));
    }
    if findings.is_empty() && unknown.is_none() {
        return Outcome::pass_because(format!(
            "no DNS Firewall rule blocks, no Resolver rule forwards and no private hosted zone shadows the {} names the task looks up ({} zones, {} Resolver rules and {} firewall rule groups associated with {vpc})",
            hosts.len(),
            dns.zones.as_ref().map_or(0, |z| z.len()),
            dns.rules.as_ref().map_or(0, |r| r.len()),
            dns.groups.as_ref().map_or(0, |g| g.len()),
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::net::dns::firewall_matches;
    use crate::report::CheckStatus;
    use fd_snapshot::Fetched;

    fn zone(name: &str, records: &[&str]) -> HostedZone {
        HostedZone {
            id: "Z1".into(),
            name: name.into(),
            records: Fetched::found(records.iter().map(|r| r.to_string()).collect()),
            answers: None,
        }
    }

    fn vpc_of(snap: &fd_snapshot::Snapshot) -> String {
        testkit::found(snap.subnet(&testkit::subnets(snap)[0]))
            .vpc_id
            .clone()
    }

    /// `snap` with nothing at the resolver level but `zones`.
    fn with_dns(
        mut snap: fd_snapshot::Snapshot,
        zones: Fetched<Vec<HostedZone>>,
        rules: Vec<ResolverRuleAssociation>,
        groups: Vec<FirewallRuleGroupAssociation>,
    ) -> fd_snapshot::Snapshot {
        let vpc = vpc_of(&snap);
        snap.dns.private_zones.insert(vpc.clone(), zones);
        snap.dns
            .resolver_rules
            .insert(vpc.clone(), Fetched::found(rules));
        snap.dns
            .firewall_rule_groups
            .insert(vpc, Fetched::found(groups));
        snap
    }

    fn with_zones(zones: Fetched<Vec<HostedZone>>) -> fd_snapshot::Snapshot {
        with_dns(testkit::healthy_nat(), zones, vec![], vec![])
    }

    fn rule(id: &str, kind: &str, domain: &str) -> ResolverRuleAssociation {
        ResolverRuleAssociation {
            id: format!("rslvr-rrassoc-{id}"),
            rule_id: format!("rslvr-rr-{id}"),
            status: Some("COMPLETE".into()),
            rule: Fetched::found(ResolverRule {
                domain_name: domain.into(),
                rule_type: kind.into(),
                name: None,
                target_ips: vec!["10.99.0.2:53".into()],
            }),
        }
    }

    fn fw_rule(priority: i32, action: &str, domains: &[&str]) -> FirewallRule {
        FirewallRule {
            name: Some(format!("{action}-{priority}").to_lowercase()),
            priority,
            action: action.into(),
            domain_list_id: Some(format!("rslvr-fdl-{priority}")),
            domain_list_managed_by: None,
            qtype: None,
            domains: Fetched::found(domains.iter().map(|d| d.to_string()).collect()),
        }
    }

    fn group(id: &str, priority: i32, rules: Vec<FirewallRule>) -> FirewallRuleGroupAssociation {
        FirewallRuleGroupAssociation {
            id: format!("rslvr-frgassoc-{id}"),
            rule_group_id: format!("rslvr-frg-{id}"),
            name: None,
            priority,
            status: Some("COMPLETE".into()),
            rules: Fetched::found(rules),
        }
    }

    fn none() -> Fetched<Vec<HostedZone>> {
        Fetched::found(vec![])
    }

    #[test]
    fn firewall_block_is_an_error_naming_the_group_first() {
        let snap = with_dns(
            testkit::healthy_endpoints(),
            none(),
            vec![],
            vec![group(
                "a",
                100,
                vec![fw_rule(10, "BLOCK", &["*.amazonaws.com"])],
            )],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.resources[0], "rslvr-frg-a");
        assert_eq!(f.resources[1], "rslvr-fdl-10");
        // Interface endpoint names go through the firewall too.
        assert!(
            f.message.contains("api.ecr.us-east-1.amazonaws.com"),
            "{}",
            f.message
        );
    }

    #[test]
    fn firewall_order_allow_first_alert_goes_on() {
        // An ALLOW at a lower priority number wins over a later BLOCK of everything.
        let allow_first = vec![
            fw_rule(1, "ALLOW", &["*.amazonaws.com"]),
            fw_rule(2, "BLOCK", &["*"]),
        ];
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, allow_first)],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        // Rules are ordered by priority, not by their place in the list; groups likewise.
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![
                group("late", 200, vec![fw_rule(1, "ALLOW", &["*"])]),
                group(
                    "early",
                    101,
                    vec![fw_rule(5, "BLOCK", &["*"]), fw_rule(3, "ALERT", &["*"])],
                ),
            ],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "rslvr-frg-early");
        // `*.amazonaws.com` does not match `amazonaws.com`; other names do not match.
        assert!(!firewall_matches("*.amazonaws.com", "amazonaws.com"));
        assert!(firewall_matches(
            "*.amazonaws.com",
            "logs.us-east-1.amazonaws.com"
        ));
        assert!(!firewall_matches("*.example.com", "badexample.com"));
        assert!(firewall_matches(
            "logs.us-east-1.amazonaws.com",
            "logs.us-east-1.amazonaws.com"
        ));
    }

    #[test]
    fn unreadable_firewall_or_rule_is_unknown() {
        let mut g = group("a", 100, vec![fw_rule(10, "BLOCK", &[])]);
        g.rules = Fetched::Unreadable {
            call: "route53resolver:ListFirewallRules".into(),
            reason: "AccessDeniedException".into(),
        };
        let snap = with_dns(testkit::healthy_nat(), none(), vec![], vec![g]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        let mut r = fw_rule(10, "BLOCK", &[]);
        r.domains = Fetched::Unreadable {
            call: "route53resolver:ListFirewallDomains".into(),
            reason: "throttled".into(),
        };
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, vec![r])],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains("rslvr-fdl-10"));
        let mut a = rule("x", "FORWARD", "amazonaws.com");
        a.rule = Fetched::Unreadable {
            call: "route53resolver:GetResolverRule".into(),
            reason: "AccessDeniedException".into(),
        };
        let snap = with_dns(testkit::healthy_nat(), none(), vec![a], vec![]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // Not collected at all (an older snapshot): unknown.
        let mut old = testkit::healthy_nat();
        let vpc = vpc_of(&old);
        old.dns.firewall_rule_groups.remove(&vpc);
        old.dns.private_zones.insert(vpc.clone(), none());
        old.dns.resolver_rules.insert(vpc, Fetched::found(vec![]));
        assert_eq!(testkit::status(&CHECK, &old), CheckStatus::Unknown);
    }

    #[test]
    fn forwarding_rule_is_a_warning() {
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![rule("fwd", "FORWARD", "amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert_eq!(out.findings[0].severity, Severity::Warning);
        assert_eq!(out.findings[0].resources[0], "rslvr-rr-fwd");
        assert!(out.findings[0].message.contains("10.99.0.2:53"));
        // A SYSTEM rule for the Region's names takes them back; a rule elsewhere does not matter.
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![
                rule("fwd", "FORWARD", "."),
                rule("sys", "SYSTEM", "us-east-1.amazonaws.com"),
                rule("corp", "FORWARD", "corp.example"),
            ],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        // Docker Hub names of other images would still be forwarded; this task uses ECR only.
        assert_eq!(out.status, CheckStatus::Pass, "{:?}", out.findings);
        // A deleted association does not count.
        let mut gone = rule("fwd", "FORWARD", "amazonaws.com");
        gone.status = Some("DELETING".into());
        let snap = with_dns(testkit::healthy_nat(), none(), vec![gone], vec![]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn endpoint_names_are_overridden_only_by_a_rule_for_that_name() {
        let snap = with_dns(
            testkit::healthy_endpoints(),
            none(),
            vec![rule("fwd", "FORWARD", "us-east-1.amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        for f in &out.findings {
            assert!(
                !f.message.contains("api.ecr.us-east-1.amazonaws.com ("),
                "{}",
                f.message
            );
        }
        let snap = with_dns(
            testkit::healthy_endpoints(),
            none(),
            vec![rule("fwd", "FORWARD", "api.ecr.us-east-1.amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert!(out.findings[0]
            .message
            .contains("api.ecr.us-east-1.amazonaws.com"));
    }

    #[test]
    fn registry_endpoint_zone_is_the_wildcard_parent() {
        // The ecr.dkr endpoint answers *.dkr.ecr.<region>.amazonaws.com: an equally specific
        // forwarding rule takes the registry name.
        let snap = with_dns(
            testkit::healthy_endpoints(),
            none(),
            vec![rule("fwd", "FORWARD", "dkr.ecr.us-east-1.amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert!(out.findings[0]
            .message
            .contains("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
        assert_eq!(
            endpoint_zone("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            "dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(
            endpoint_zone("api.ecr.us-east-1.amazonaws.com"),
            "api.ecr.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn odd_answers_are_unknown_not_empty() {
        // An action this tool does not know, a rule group or rule "not found", a listing that
        // answers not found, a rule without a domain name.
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, vec![fw_rule(1, "", &["*"])])],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        let mut g = group("a", 100, vec![]);
        g.rules = Fetched::Absent {
            call: "route53resolver:ListFirewallRules".into(),
            detail: None,
        };
        let snap = with_dns(testkit::healthy_nat(), none(), vec![], vec![g]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        let mut r = fw_rule(1, "BLOCK", &[]);
        r.domains = Fetched::Absent {
            call: "route53resolver:ListFirewallDomains".into(),
            detail: None,
        };
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, vec![r.clone()])],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // ... unless the list is an AWS managed threat list.
        r.domain_list_managed_by = Some("Route 53 Resolver DNS Firewall".into());
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, vec![r])],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let mut snap = with_zones(none());
        let vpc = vpc_of(&snap);
        snap.dns.firewall_rule_groups.insert(
            vpc,
            Fetched::Absent {
                call: "route53resolver:ListFirewallRuleGroupAssociations".into(),
                detail: None,
            },
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        let mut a = rule("x", "FORWARD", "");
        let snap = with_dns(testkit::healthy_nat(), none(), vec![a.clone()], vec![]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        a.rule = Fetched::Absent {
            call: "route53resolver:GetResolverRule".into(),
            detail: None,
        };
        let snap = with_dns(testkit::healthy_nat(), none(), vec![a], vec![]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn rules_for_other_query_types_do_not_apply() {
        let mut allow_txt = fw_rule(1, "ALLOW", &["*.amazonaws.com"]);
        allow_txt.qtype = Some("TXT".into());
        let mut block_aaaa = fw_rule(2, "BLOCK", &["*"]);
        block_aaaa.qtype = Some("AAAA".into());
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group("a", 100, vec![allow_txt.clone(), block_aaaa])],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        // An ALLOW limited to TXT does not let the address queries through a BLOCK of all.
        let snap = with_dns(
            testkit::healthy_nat(),
            none(),
            vec![],
            vec![group(
                "a",
                100,
                vec![allow_txt, fw_rule(2, "BLOCK", &["*"])],
            )],
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
    }

    #[test]
    fn most_specific_of_zone_and_rule_wins() {
        // A zone more specific than a forwarding rule answers (and shadows ECR here).
        let snap = with_dns(
            testkit::healthy_nat(),
            Fetched::found(vec![zone("us-east-1.amazonaws.com", &[])]),
            vec![rule("fwd", "FORWARD", "amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings.iter().any(|f| f.resources[0] == "Z1"));
        // An equally specific rule takes precedence over the zone: a warning, not the zone.
        let snap = with_dns(
            testkit::healthy_nat(),
            Fetched::found(vec![zone("us-east-1.amazonaws.com", &[])]),
            vec![rule("fwd", "FORWARD", "us-east-1.amazonaws.com")],
            vec![],
        );
        let out = testkit::run(&CHECK, &snap);
        assert!(out
            .findings
            .iter()
            .all(|f| f.resources[0] == "rslvr-rr-fwd"));
        assert!(!out.findings.is_empty());
    }

    #[test]
    fn region_zone_without_records_shadows_ecr() {
        let snap = with_zones(Fetched::found(vec![zone(
            "us-east-1.amazonaws.com",
            &["foo.us-east-1.amazonaws.com"],
        )]));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "Z1");
        assert!(out.findings[0]
            .message
            .contains("api.ecr.us-east-1.amazonaws.com"));
    }

    #[test]
    fn records_and_wildcards_answer() {
        let snap = with_zones(Fetched::found(vec![zone(
            "us-east-1.amazonaws.com",
            &[
                "api.ecr.us-east-1.amazonaws.com",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "logs.us-east-1.amazonaws.com",
                "*.s3.us-east-1.amazonaws.com",
            ],
        )]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let snap = with_zones(Fetched::found(vec![zone("example.internal", &[])]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn unreadable_is_unknown() {
        let snap = with_zones(Fetched::Unreadable {
            call: "route53:ListHostedZonesByVPC".into(),
            reason: "AccessDenied".into(),
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // Not collected at all (an older snapshot): unknown too.
        let mut old = with_zones(none());
        old.dns.private_zones.clear();
        assert_eq!(testkit::status(&CHECK, &old), CheckStatus::Unknown);
        let snap = with_zones(Fetched::found(vec![HostedZone {
            id: "Z1".into(),
            name: "amazonaws.com".into(),
            records: Fetched::Absent {
                call: "route53:ListResourceRecordSets".into(),
                detail: Some("not read".into()),
            },
            answers: None,
        }]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    fn firewall_denied(mut snap: fd_snapshot::Snapshot) -> fd_snapshot::Snapshot {
        let vpc = vpc_of(&snap);
        snap.dns.firewall_rule_groups.insert(
            vpc,
            Fetched::Unreadable {
                call: "route53resolver:ListFirewallRuleGroupAssociations".into(),
                reason: "AccessDeniedException".into(),
            },
        );
        snap
    }

    #[test]
    fn a_shadowing_zone_is_an_error_even_with_the_firewall_unread() {
        // A firewall rule could only block more: an ALLOW cannot unshadow the name.
        let snap = firewall_denied(with_zones(Fetched::found(vec![zone(
            "us-east-1.amazonaws.com",
            &["foo.us-east-1.amazonaws.com"],
        )])));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{out:?}");
        assert!(out.findings[0]
            .message
            .contains("ListFirewallRuleGroupAssociations"));
    }

    #[test]
    fn names_that_resolve_with_the_firewall_unread_are_unknown() {
        let snap = firewall_denied(with_zones(Fetched::found(vec![])));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out
            .detail
            .unwrap()
            .contains("ListFirewallRuleGroupAssociations"));
    }

    #[test]
    fn a_forwarding_rule_with_the_firewall_unread_is_unknown_not_a_warning() {
        let snap = firewall_denied(with_dns(
            testkit::healthy_nat(),
            none(),
            vec![rule("x", "FORWARD", "amazonaws.com")],
            vec![],
        ));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown, "{out:?}");
        assert_eq!(out.findings[0].severity, Severity::Warning);
    }
}
