//! Network ACL evaluation. NACLs are stateless: the request and its return traffic are judged
//! separately, each direction on every subnet boundary the packet crosses; rules are read in
//! ascending rule number, the first that matches decides, and the `*` rule denies the rest.
//!
//! We do not know the exact addresses and ports of a flow (DNS picks the address, the kernel the
//! source port), so a flow is a set: a remote network × a destination-port range. The flow is
//! allowed only if every packet in the set is. Written by hand because no crate evaluates NACLs;
//! the recursion splits the set wherever a rule covers only part of it, so the answer is exact.

use fd_snapshot::{NaclEntry, NetworkAcl};
use ipnet::IpNet;

use super::ipset;

#[derive(Debug, Clone, PartialEq)]
pub enum NaclDecision {
    Allowed,
    /// Denied by `rule` (`None`: the implicit `*` rule) for `remote` × `ports`.
    Denied {
        rule: Option<NaclEntry>,
        remote: IpNet,
        ports: (u16, u16),
    },
}

fn proto_matches(entry: &NaclEntry) -> bool {
    matches!(entry.protocol.as_str(), "-1" | "6" | "tcp")
}

fn entry_ports(entry: &NaclEntry) -> (u16, u16) {
    if entry.protocol == "-1" {
        return (0, 65535);
    }
    match (entry.port_from, entry.port_to) {
        (Some(a), Some(b)) => (a.clamp(0, 65535) as u16, b.clamp(0, 65535) as u16),
        _ => (0, 65535),
    }
}

/// Decide TCP packets in direction `egress` whose remote address is in `remote` and whose
/// destination port is in `ports` (inclusive).
pub fn evaluate(acl: &NetworkAcl, egress: bool, remote: IpNet, ports: (u16, u16)) -> NaclDecision {
    let mut entries: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|e| e.egress == egress && proto_matches(e) && e.rule_number < 32767)
        .collect();
    entries.sort_by_key(|e| e.rule_number);
    decide(&entries, remote, ports)
}

fn decide(entries: &[&NaclEntry], remote: IpNet, ports: (u16, u16)) -> NaclDecision {
    for (i, e) in entries.iter().enumerate() {
        let (lo, hi) = entry_ports(e);
        if hi < ports.0 || lo > ports.1 || !ipset::overlaps(&e.cidr, &remote) {
            continue;
        }
        if e.cidr.contains(&remote) && lo <= ports.0 && ports.1 <= hi {
            return if e.action.eq_ignore_ascii_case("allow") {
                NaclDecision::Allowed
            } else {
                NaclDecision::Denied {
                    rule: Some((*e).clone()),
                    remote,
                    ports,
                }
            };
        }
        // Partial overlap: split the set and decide each piece from this rule on.
        let rest = &entries[i..];
        let pieces: Vec<(IpNet, (u16, u16))> = if !e.cidr.contains(&remote) {
            match ipset::halves(&remote) {
                Some((a, b)) => vec![(a, ports), (b, ports)],
                None => vec![],
            }
        } else {
            let mut p = Vec::new();
            if ports.0 < lo {
                p.push((remote, (ports.0, lo - 1)));
            }
            p.push((remote, (lo.max(ports.0), hi.min(ports.1))));
            if hi < ports.1 {
                p.push((remote, (hi + 1, ports.1)));
            }
            p
        };
        for (r, pr) in pieces {
            if let d @ NaclDecision::Denied { .. } = decide(rest, r, pr) {
                return d;
            }
        }
        return NaclDecision::Allowed;
    }
    NaclDecision::Denied {
        rule: None,
        remote,
        ports,
    }
}

/// The NACL associated with `subnet_id`.
pub fn acl_for_subnet<'a>(
    acls: impl IntoIterator<Item = &'a NetworkAcl>,
    subnet_id: &str,
) -> Option<&'a NetworkAcl> {
    acls.into_iter()
        .find(|a| a.subnet_associations.iter().any(|s| s == subnet_id))
}

pub fn describe_entry(e: &NaclEntry) -> String {
    let proto = match e.protocol.as_str() {
        "-1" => "all".to_string(),
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        p => p.to_string(),
    };
    let ports = match (e.protocol.as_str(), e.port_from, e.port_to) {
        ("-1", _, _) => String::new(),
        (_, Some(a), Some(b)) if a == b => format!(" port {a}"),
        (_, Some(a), Some(b)) => format!(" ports {a}-{b}"),
        _ => String::new(),
    };
    format!(
        "rule {} {} {proto}{ports} {} {}",
        e.rule_number,
        if e.egress { "egress" } else { "ingress" },
        if e.egress { "to" } else { "from" },
        e.cidr,
    ) + &format!(" {}", e.action.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn entry(
        n: i32,
        egress: bool,
        proto: &str,
        action: &str,
        cidr: &str,
        ports: Option<(i32, i32)>,
    ) -> NaclEntry {
        NaclEntry {
            rule_number: n,
            egress,
            protocol: proto.into(),
            action: action.into(),
            cidr: cidr.parse().unwrap(),
            port_from: ports.map(|p| p.0),
            port_to: ports.map(|p| p.1),
        }
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            subnet_associations: vec![],
            entries,
        }
    }

    #[test]
    fn lower_number_deny_wins_for_part_of_the_range() {
        let a = acl(vec![
            entry(100, false, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            entry(50, false, "6", "deny", "0.0.0.0/0", Some((40000, 40010))),
        ]);
        match evaluate(&a, false, "0.0.0.0/0".parse().unwrap(), (32768, 60999)) {
            NaclDecision::Denied {
                rule: Some(r),
                ports,
                ..
            } => {
                assert_eq!(r.rule_number, 50);
                assert_eq!(ports, (40000, 40010));
            }
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn implicit_deny_when_no_rule_matches() {
        let a = acl(vec![entry(
            100,
            true,
            "6",
            "allow",
            "0.0.0.0/0",
            Some((443, 443)),
        )]);
        assert_eq!(
            evaluate(&a, true, "1.0.0.0/8".parse().unwrap(), (443, 443)),
            NaclDecision::Allowed
        );
        assert!(matches!(
            evaluate(&a, false, "1.0.0.0/8".parse().unwrap(), (32768, 60999)),
            NaclDecision::Denied { rule: None, .. }
        ));
    }
}
