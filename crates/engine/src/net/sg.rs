//! Security group evaluation. Security groups are stateful and allow-only: a flow is allowed
//! when any rule of any group on the ENI allows it in the direction it is initiated (egress on
//! the task, ingress on the endpoint); return traffic needs no rule.

use fd_snapshot::{SecurityGroup, SgPeer, SgRule, Snapshot};
use ipnet::IpNet;

use super::ipset;

/// Who is on the other side of the flow.
#[derive(Debug, Clone, Default)]
pub struct Peer {
    /// Every address the peer may use; a rule must allow all of them.
    pub nets: Vec<IpNet>,
    /// Security groups on the peer's ENIs: a rule referencing one of them allows the flow.
    pub groups: Vec<String>,
    /// Prefix lists the peer belongs to (the S3 list for the gateway endpoint).
    pub prefix_lists: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SgDecision {
    /// Allowed; the rules that allow it (`sg-1: tcp 443 to 0.0.0.0/0`).
    Allowed(Vec<String>),
    /// Not allowed for (part of) the peer; an example network that no rule covers.
    Denied { uncovered: Option<IpNet> },
    /// Not allowed by what could be read, but a rule references a prefix list whose entries
    /// could not be read, and it might cover the rest.
    Unknown(String),
}

fn proto_port_match(rule: &SgRule, port: u16) -> bool {
    match rule.protocol.as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => match (rule.from_port, rule.to_port) {
            (Some(from), Some(to)) => from <= i32::from(port) && i32::from(port) <= to,
            // A TCP rule without ports does not occur in AWS; treat it as all ports.
            _ => true,
        },
        _ => false,
    }
}

/// Whether `groups` allow TCP `port` towards (`egress`) or from (ingress) `peer`.
pub fn evaluate(
    groups: &[&SecurityGroup],
    egress: bool,
    port: u16,
    peer: &Peer,
    snap: &Snapshot,
) -> SgDecision {
    let mut allowing = Vec::new();
    let mut cidrs = Vec::new();
    let mut unreadable: Option<String> = None;
    for g in groups {
        let rules = if egress { &g.egress } else { &g.ingress };
        for rule in rules.iter().filter(|r| proto_port_match(r, port)) {
            match &rule.peer {
                SgPeer::SecurityGroup(id) if peer.groups.contains(id) => {
                    allowing.push(format!("{}: {}", g.id, describe_rule(rule, egress)));
                }
                SgPeer::PrefixList(id) if peer.prefix_lists.contains(id) => {
                    allowing.push(format!("{}: {}", g.id, describe_rule(rule, egress)));
                }
                SgPeer::PrefixList(id) => {
                    let Some(c) = super::route::prefix_list_cidrs(snap, id) else {
                        unreadable = Some(format!(
                            "{} references prefix list {id}, whose entries could not be read",
                            g.id
                        ));
                        continue;
                    };
                    {
                        if c.iter()
                            .any(|c| peer.nets.iter().any(|n| ipset::overlaps(c, n)))
                        {
                            allowing.push(format!("{}: {}", g.id, describe_rule(rule, egress)));
                        }
                        cidrs.extend(c.iter().copied());
                    }
                }
                SgPeer::Cidr(c) => {
                    if peer.nets.iter().any(|n| ipset::overlaps(c, n)) {
                        allowing.push(format!("{}: {}", g.id, describe_rule(rule, egress)));
                    }
                    cidrs.push(*c);
                }
                SgPeer::SecurityGroup(_) => {}
            }
        }
    }
    // A reference to the peer's group or prefix list covers the peer entirely.
    let by_identity = groups.iter().any(|g| {
        let rules = if egress { &g.egress } else { &g.ingress };
        rules
            .iter()
            .filter(|r| proto_port_match(r, port))
            .any(|r| match &r.peer {
                SgPeer::SecurityGroup(id) => peer.groups.contains(id),
                SgPeer::PrefixList(id) => peer.prefix_lists.contains(id),
                SgPeer::Cidr(_) => false,
            })
    });
    if by_identity {
        return SgDecision::Allowed(allowing);
    }
    let denied = |uncovered| match &unreadable {
        Some(why) => SgDecision::Unknown(why.clone()),
        None => SgDecision::Denied { uncovered },
    };
    if peer.nets.is_empty() {
        return denied(None);
    }
    for n in &peer.nets {
        if let Some(u) = ipset::first_uncovered(n, &cidrs) {
            return denied(Some(u));
        }
    }
    SgDecision::Allowed(allowing)
}

pub fn describe_rule(rule: &SgRule, egress: bool) -> String {
    let proto = match rule.protocol.as_str() {
        "-1" | "all" => "all traffic".to_string(),
        p => match (rule.from_port, rule.to_port) {
            (Some(a), Some(b)) if a == b => format!("{p} {a}"),
            (Some(a), Some(b)) => format!("{p} {a}-{b}"),
            _ => p.to_string(),
        },
    };
    let peer = match &rule.peer {
        SgPeer::Cidr(c) => c.to_string(),
        SgPeer::SecurityGroup(g) => g.clone(),
        SgPeer::PrefixList(p) => p.clone(),
    };
    format!("{proto} {} {peer}", if egress { "to" } else { "from" })
}

/// "egress: tcp 443 to sg-1, all traffic to 0.0.0.0/0" (or "egress: none").
pub fn describe_rules(group: &SecurityGroup, egress: bool) -> String {
    let rules = if egress {
        &group.egress
    } else {
        &group.ingress
    };
    let dir = if egress { "egress" } else { "ingress" };
    if rules.is_empty() {
        return format!("{dir}: no rules");
    }
    let parts: Vec<String> = rules.iter().map(|r| describe_rule(r, egress)).collect();
    format!("{dir}: {}", parts.join(", "))
}
