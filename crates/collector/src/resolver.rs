//! Route 53 Resolver: the Resolver rules and the DNS Firewall rule groups associated with the
//! targets' VPCs, mapped into [`m::DnsData`]. A forwarding rule for `amazonaws.com` (or `.`)
//! sends the AWS names elsewhere; a DNS Firewall rule that blocks them makes them unresolvable.
//!
//! Calls and their scopes:
//! - `ListResolverRuleAssociations`: the VPC ID (filter `VPCId`, every page);
//! - `GetResolverRule`: the rule ID (once per rule, however many VPCs use it);
//! - `ListFirewallRuleGroupAssociations`: the VPC ID (every page);
//! - `ListFirewallRules`: the rule group ID (every page);
//! - `ListFirewallDomainLists`: unscoped, only when a rule names a domain list: it tells AWS
//!   managed lists (threat lists whose domains cannot be listed) from the account's own;
//! - `ListFirewallDomains`: the domain list ID (every page), for the account's own lists.
//!
//! A Fargate task resolves through its own VPC's resolver, in its own Region: one client.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_route53resolver::types as t;
use aws_sdk_route53resolver::Client;
use fd_snapshot::{self as m, Fetched, Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::{fetched, CallFailure, Recorder};
use crate::dns::dns_name;

const CONCURRENCY: usize = 4;

/// What an AWS managed domain list gets instead of its domains.
const MANAGED: &str = "an AWS managed domain list of malicious domains (its domains cannot be \
                       listed; AWS service names are not on it)";

/// The Resolver rules and DNS Firewall rule groups of each VPC of `vpc_ids`.
pub(crate) async fn collect_resolver(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> (
    BTreeMap<String, Fetched<Vec<m::ResolverRuleAssociation>>>,
    BTreeMap<String, Fetched<Vec<m::FirewallRuleGroupAssociation>>>,
) {
    let rules = async {
        let listed: Vec<(&String, Listing<t::ResolverRuleAssociation>)> =
            per_key(vpc_ids, |vpc| rule_associations(client, rec, vpc)).await;
        // A rule shared by several VPCs is read once.
        let ids: BTreeSet<&str> = listed_items(&listed)
            .filter_map(|a| a.resolver_rule_id())
            .collect();
        let read: BTreeMap<&str, Fetched<m::ResolverRule>> =
            per_key(ids, |id| resolver_rule(client, rec, id)).await;
        by_vpc(&listed, Op::ResolverListResolverRuleAssociations, |a| {
            let rule_id = a.resolver_rule_id().unwrap_or_default().to_string();
            m::ResolverRuleAssociation {
                id: a.id().unwrap_or_default().to_string(),
                rule: read
                    .get(rule_id.as_str())
                    .cloned()
                    .unwrap_or_else(|| Fetched::Unreadable {
                        call: Op::ResolverGetResolverRule.to_string(),
                        reason: "the association names no rule".into(),
                    }),
                rule_id,
                status: a.status().map(|s| s.as_str().to_string()),
            }
        })
    };
    let firewall = async {
        let listed: Vec<(&String, Listing<t::FirewallRuleGroupAssociation>)> =
            per_key(vpc_ids, |vpc| group_associations(client, rec, vpc)).await;
        let group_ids: BTreeSet<&str> = listed_items(&listed)
            .filter_map(|a| a.firewall_rule_group_id())
            .collect();
        let group_rules: BTreeMap<&str, Listing<t::FirewallRule>> =
            per_key(group_ids, |id| firewall_rules(client, rec, id)).await;
        let list_ids: BTreeSet<&str> = group_rules
            .values()
            .filter_map(|r| r.as_ref().ok())
            .flatten()
            .filter_map(|r| r.firewall_domain_list_id())
            .collect();
        let domains = domain_lists(client, rec, &list_ids).await;
        by_vpc(
            &listed,
            Op::ResolverListFirewallRuleGroupAssociations,
            |a| group(a, &group_rules, &domains),
        )
    };
    futures::join!(rules, firewall)
}

/// A listing: every item, or the failure that ended it.
type Listing<T> = Result<Vec<T>, CallFailure>;

/// `read` of every key, at most [`CONCURRENCY`] at a time, paired with its key.
async fn per_key<K, V, C, F>(keys: impl IntoIterator<Item = K>, read: impl Fn(K) -> F) -> C
where
    K: Clone,
    F: std::future::Future<Output = V>,
    C: FromIterator<(K, V)>,
{
    stream::iter(keys)
        .map(|k| {
            let read = read(k.clone());
            async move { (k, read.await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// Every item of the listings that succeeded.
fn listed_items<'a, T>(listed: &'a [(&String, Listing<T>)]) -> impl Iterator<Item = &'a T> {
    listed.iter().filter_map(|(_, r)| r.as_ref().ok()).flatten()
}

/// The snapshot's map of one listing per VPC, each item converted by `convert`.
fn by_vpc<T, U>(
    listed: &[(&String, Listing<T>)],
    op: Op,
    convert: impl Fn(&T) -> U,
) -> BTreeMap<String, Fetched<Vec<U>>> {
    listed
        .iter()
        .map(|(vpc, found)| {
            let found = found
                .as_ref()
                .map_err(Clone::clone)
                .map(|items| items.iter().map(&convert).collect());
            (vpc.to_string(), fetched(op, found))
        })
        .collect()
}

fn group(
    a: &t::FirewallRuleGroupAssociation,
    group_rules: &BTreeMap<&str, Result<Vec<t::FirewallRule>, CallFailure>>,
    domains: &BTreeMap<String, DomainList>,
) -> m::FirewallRuleGroupAssociation {
    let group_id = a.firewall_rule_group_id().unwrap_or_default();
    let rules = match group_rules.get(group_id) {
        Some(Ok(rules)) => Fetched::found(
            rules
                .iter()
                .map(|r| {
                    let list = r.firewall_domain_list_id().map(str::to_string);
                    let read = list.as_ref().and_then(|id| domains.get(id));
                    m::FirewallRule {
                        name: r.name().map(str::to_string),
                        priority: r.priority().unwrap_or(i32::MAX),
                        action: r
                            .action()
                            .map(|x| x.as_str().to_string())
                            .unwrap_or_default(),
                        domain_list_managed_by: read.and_then(|d| d.managed_by.clone()),
                        qtype: r.qtype().map(str::to_string),
                        domains: match (&list, read) {
                            (Some(_), Some(d)) => d.domains.clone(),
                            (Some(id), None) => Fetched::Unreadable {
                                call: Op::ResolverListFirewallDomains.to_string(),
                                reason: format!("domain list {id} was not read"),
                            },
                            (None, _) => Fetched::Absent {
                                call: Op::ResolverListFirewallRules.to_string(),
                                detail: Some("the rule names no domain list".into()),
                            },
                        },
                        domain_list_id: list,
                    }
                })
                .collect(),
        ),
        Some(Err(f)) => fetched(Op::ResolverListFirewallRules, Err(f.clone())),
        None => Fetched::Unreadable {
            call: Op::ResolverListFirewallRules.to_string(),
            reason: "the association names no rule group".into(),
        },
    };
    m::FirewallRuleGroupAssociation {
        id: a.id().unwrap_or_default().to_string(),
        rule_group_id: group_id.to_string(),
        name: a.name().map(str::to_string),
        priority: a.priority().unwrap_or(i32::MAX),
        status: a.status().map(|s| s.as_str().to_string()),
        rules,
    }
}

/// ListResolverRuleAssociations for one VPC, every page.
async fn rule_associations(
    client: &Client,
    rec: &Recorder,
    vpc: &str,
) -> Result<Vec<t::ResolverRuleAssociation>, CallFailure> {
    let filter = t::Filter::builder().name("VPCId").values(vpc).build();
    let stream = client
        .list_resolver_rule_associations()
        .filters(filter)
        .into_paginator()
        .send();
    let op = Op::ResolverListResolverRuleAssociations;
    let listed = rec
        .items(op, Some(Scope::key(vpc)), stream, |p| {
            p.resolver_rule_associations()
        })
        .await?;
    // The filter is the server's; an emulator may ignore it.
    Ok(listed
        .into_iter()
        .filter(|a| a.vpc_id().is_none_or(|v| v == vpc))
        .collect())
}

/// GetResolverRule.
async fn resolver_rule(client: &Client, rec: &Recorder, id: &str) -> Fetched<m::ResolverRule> {
    let out = rec
        .call(
            Op::ResolverGetResolverRule,
            Some(Scope::key(id)),
            client.get_resolver_rule().resolver_rule_id(id).send(),
        )
        .await;
    let rule = out.map(|o| {
        let r = o.resolver_rule();
        m::ResolverRule {
            domain_name: r
                .and_then(|r| r.domain_name())
                .map(|d| match d {
                    "." => ".".to_string(),
                    d => dns_name(d),
                })
                .unwrap_or_default(),
            rule_type: r
                .and_then(|r| r.rule_type())
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            name: r.and_then(|r| r.name()).map(str::to_string),
            target_ips: r
                .map(|r| r.target_ips())
                .unwrap_or_default()
                .iter()
                .filter_map(|a| {
                    let ip = a.ip().or(a.ipv6())?;
                    Some(format!("{ip}:{}", a.port().unwrap_or(53)))
                })
                .collect(),
        }
    });
    fetched(Op::ResolverGetResolverRule, rule)
}

/// ListFirewallRuleGroupAssociations for one VPC, every page.
async fn group_associations(
    client: &Client,
    rec: &Recorder,
    vpc: &str,
) -> Result<Vec<t::FirewallRuleGroupAssociation>, CallFailure> {
    let stream = client
        .list_firewall_rule_group_associations()
        .vpc_id(vpc)
        .into_paginator()
        .send();
    let op = Op::ResolverListFirewallRuleGroupAssociations;
    rec.items(op, Some(Scope::key(vpc)), stream, |p| {
        p.firewall_rule_group_associations()
    })
    .await
}

/// ListFirewallRules of one rule group, every page.
async fn firewall_rules(
    client: &Client,
    rec: &Recorder,
    group: &str,
) -> Result<Vec<t::FirewallRule>, CallFailure> {
    let stream = client
        .list_firewall_rules()
        .firewall_rule_group_id(group)
        .into_paginator()
        .send();
    let op = Op::ResolverListFirewallRules;
    rec.items(op, Some(Scope::key(group)), stream, |p| p.firewall_rules())
        .await
}

/// A domain list as a rule sees it.
#[derive(Clone)]
struct DomainList {
    /// `ManagedOwnerName` of an AWS managed list.
    managed_by: Option<String>,
    domains: Fetched<Vec<String>>,
}

/// The domains of each list of `ids`; AWS managed lists are named as such, not listed.
async fn domain_lists(
    client: &Client,
    rec: &Recorder,
    ids: &BTreeSet<&str>,
) -> BTreeMap<String, DomainList> {
    if ids.is_empty() {
        return BTreeMap::new();
    }
    let stream = client.list_firewall_domain_lists().into_paginator().send();
    let (pages, _) = rec
        .pages(Op::ResolverListFirewallDomainLists, None, stream)
        .await;
    // When the listing fails, every list is read as the account's own.
    let managed: BTreeMap<&str, &str> = pages
        .iter()
        .flat_map(|p| p.firewall_domain_lists())
        .filter_map(|l| Some((l.id()?, l.managed_owner_name().filter(|o| !o.is_empty())?)))
        .collect();
    let read: Vec<(&str, DomainList)> = per_key(ids.iter().copied(), |id| {
        let managed_by = managed.get(id).map(|o| o.to_string());
        async move {
            let domains = if managed_by.is_some() {
                Fetched::Absent {
                    call: Op::ResolverListFirewallDomains.to_string(),
                    detail: Some(MANAGED.into()),
                }
            } else {
                domains(client, rec, id).await
            };
            DomainList {
                managed_by,
                domains,
            }
        }
    })
    .await;
    read.into_iter()
        .map(|(id, d)| (id.to_string(), d))
        .collect()
}

/// ListFirewallDomains of one list, every page, normalised like zone names.
async fn domains(client: &Client, rec: &Recorder, list: &str) -> Fetched<Vec<String>> {
    let stream = client
        .list_firewall_domains()
        .firewall_domain_list_id(list)
        .into_paginator()
        .send();
    let op = Op::ResolverListFirewallDomains;
    let found = rec
        .items(op, Some(Scope::key(list)), stream, |p| p.domains())
        .await
        .map(|domains| {
            let unique: BTreeSet<String> = domains.iter().map(|d| firewall_domain(d)).collect();
            unique.into_iter().collect()
        });
    fetched(op, found)
}

/// A domain list entry as DNS Firewall stores it (`*.Example.com.`) → `*.example.com`; `*`
/// stays `*`.
fn firewall_domain(d: &str) -> String {
    match d.trim() {
        "*" | "*." => "*".into(),
        d => dns_name(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised() {
        assert_eq!(firewall_domain("*.AmazonAWS.com."), "*.amazonaws.com");
        assert_eq!(firewall_domain("*"), "*");
        assert_eq!(firewall_domain("*."), "*");
        assert_eq!(
            firewall_domain("logs.us-east-1.amazonaws.com"),
            "logs.us-east-1.amazonaws.com"
        );
    }
}
