//! Property tests for the pure network evaluators in `fd_engine::net`.
//!
//! Each property compares the real function with a brute-force oracle written here from the AWS
//! rules, independently of the implementation: the oracles work on plain `u32` addresses with
//! mask arithmetic (not `ipnet`'s containment) and enumerate every concrete address (and port)
//! of the small networks the generators produce. The generators keep everything inside a few
//! small blocks around 10.0.0.0/24 so enumeration stays cheap and overlaps are frequent.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use fd_engine::net::ipset;
use fd_engine::net::nacl::{self, NaclDecision};
use fd_engine::net::route::{self, Lookup};
use fd_engine::net::sg::{self, Peer, SgDecision};
use fd_snapshot::{
    NaclEntry, NetworkAcl, PrefixList, Route, RouteDestination, RouteTable, SecurityGroup, SgPeer,
    SgRule,
};
use ipnet::{IpNet, Ipv4Net};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Plain-integer helpers for the oracles
// ---------------------------------------------------------------------------------------------

const TEN: u32 = 0x0a00_0000; // 10.0.0.0

/// A CIDR as (network address, prefix length), host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: u32,
    len: u8,
}

impl Cidr {
    fn new(addr: u32, len: u8) -> Self {
        Cidr {
            addr: addr & mask(len),
            len,
        }
    }

    fn contains_addr(self, a: u32) -> bool {
        (a & mask(self.len)) == self.addr
    }

    /// First and last address, inclusive.
    fn range(self) -> (u32, u32) {
        (self.addr, self.addr | !mask(self.len))
    }

    fn addrs(self) -> impl Iterator<Item = u32> {
        let (lo, hi) = self.range();
        lo..=hi
    }

    fn contains_net(self, other: Cidr) -> bool {
        let (a, b) = self.range();
        let (c, d) = other.range();
        a <= c && d <= b
    }

    fn net(self) -> IpNet {
        IpNet::V4(Ipv4Net::new(Ipv4Addr::from(self.addr), self.len).unwrap())
    }
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

/// Back from `ipnet` to plain integers (IPv4 only in these tests).
fn cidr_of(net: &IpNet) -> Cidr {
    match net {
        IpNet::V4(n) => Cidr {
            addr: u32::from(n.addr()),
            len: n.prefix_len(),
        },
        IpNet::V6(_) => panic!("unexpected IPv6 network {net}"),
    }
}

/// A network of prefix length `lo..=hi` anywhere inside `base` (a network address).
fn net_inside(base: u32, base_len: u8, lo: u8, hi: u8) -> impl Strategy<Value = Cidr> {
    (lo..=hi, any::<u32>()).prop_map(move |(len, bits)| {
        let len = len.max(base_len);
        Cidr::new(base | (bits & !mask(base_len)), len)
    })
}

/// Small CIDRs that overlap a lot: mostly inside 10.0.0.0/24, plus a few larger or disjoint
/// blocks around it.
fn small_cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        6 => net_inside(TEN, 24, 24, 32),
        1 => Just(Cidr::new(0, 0)),
        1 => Just(Cidr::new(TEN, 16)),
        1 => Just(Cidr::new(TEN, 23)),
        1 => net_inside(TEN | 0x100, 24, 24, 32), // 10.0.1.0/24: disjoint from the test range
    ]
}

fn port_range(max: u16) -> impl Strategy<Value = (u16, u16)> {
    (0..=max, 0..=max).prop_map(|(a, b)| (a.min(b), a.max(b)))
}

// ---------------------------------------------------------------------------------------------
// 1. Route longest-prefix match
// ---------------------------------------------------------------------------------------------

const PROPAGATED: &str = "EnableVgwRoutePropagation";

#[derive(Debug, Clone)]
enum RouteSpec {
    Static(Cidr),
    Propagated(Cidr),
    /// Index into the prefix-list ids below.
    PrefixList(usize),
}

/// `pl-0`..`pl-2` readable, `pl-x` unreadable (entries `None`), `pl-missing` absent.
const PL_IDS: [&str; 5] = ["pl-0", "pl-1", "pl-2", "pl-x", "pl-missing"];

/// Addresses from a small universe so that routes and destinations collide often:
/// {10, 11, 192}.{0,1}.{0..3}.{any}.
fn route_addr() -> impl Strategy<Value = u32> {
    (
        prop::sample::select(vec![10u32, 11, 192]),
        0u32..2,
        0u32..4,
        any::<u8>(),
    )
        .prop_map(|(a, b, c, d)| (a << 24) | (b << 16) | (c << 8) | u32::from(d))
}

fn route_cidr() -> impl Strategy<Value = Cidr> {
    (
        route_addr(),
        prop::sample::select(vec![0u8, 1, 7, 8, 15, 16, 22, 23, 24, 26, 28, 30, 31, 32]),
    )
        .prop_map(|(a, len)| Cidr::new(a, len))
}

fn route_spec(with_unreadable: bool) -> impl Strategy<Value = RouteSpec> {
    let pl_max = if with_unreadable { PL_IDS.len() } else { 3 };
    prop_oneof![
        4 => route_cidr().prop_map(RouteSpec::Static),
        2 => route_cidr().prop_map(RouteSpec::Propagated),
        2 => (0..pl_max).prop_map(RouteSpec::PrefixList),
    ]
}

fn prefix_list_members() -> impl Strategy<Value = Vec<Vec<Cidr>>> {
    prop::collection::vec(prop::collection::vec(route_cidr(), 0..4), 3)
}

fn build_table(specs: &[RouteSpec]) -> RouteTable {
    let routes = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (destination, origin) = match s {
                RouteSpec::Static(c) => (RouteDestination::Cidr(c.net()), "CreateRoute"),
                RouteSpec::Propagated(c) => (RouteDestination::Cidr(c.net()), PROPAGATED),
                RouteSpec::PrefixList(p) => (
                    RouteDestination::PrefixList(PL_IDS[*p].into()),
                    "CreateRoute",
                ),
            };
            Route {
                destination,
                // Unique targets identify the chosen route.
                target: format!("t-{i}"),
                state: if i % 5 == 4 { "blackhole" } else { "active" }.into(),
                origin: Some(origin.into()),
            }
        })
        .collect();
    RouteTable {
        id: "rtb-prop".into(),
        vpc_id: "vpc-1".into(),
        main: true,
        subnet_associations: vec![],
        routes,
    }
}

/// A snapshot holding just `pls` (what route and security group evaluation read).
fn snapshot_with(pls: &BTreeMap<String, PrefixList>) -> fd_snapshot::Snapshot {
    let mut snap = fd_snapshot::Snapshot::new("us-east-1");
    snap.network.prefix_lists = pls.clone().into();
    snap
}

fn build_prefix_lists(members: &[Vec<Cidr>]) -> BTreeMap<String, PrefixList> {
    let mut pls: BTreeMap<String, PrefixList> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let id = PL_IDS[i].to_string();
            let pl = PrefixList {
                id: id.clone(),
                name: format!("list {i}"),
                cidrs: Some(m.iter().map(|c| c.net()).collect()),
            };
            (id, pl)
        })
        .collect();
    pls.insert(
        "pl-x".into(),
        PrefixList {
            id: "pl-x".into(),
            name: "unreadable".into(),
            cidrs: None,
        },
    );
    pls
}

/// AWS priority among routes of equal prefix length: static, then prefix list, then propagated.
fn oracle_rank(spec: &RouteSpec) -> u8 {
    match spec {
        RouteSpec::Static(_) => 0,
        RouteSpec::PrefixList(_) => 1,
        RouteSpec::Propagated(_) => 2,
    }
}

/// The prefix length with which `spec` matches: the route's own CIDR, or the longest member of
/// its prefix list, that contains the whole of `dest` (a single address is a /32).
fn oracle_match_len(spec: &RouteSpec, members: &[Vec<Cidr>], dest: Cidr) -> Option<u8> {
    match spec {
        RouteSpec::Static(c) | RouteSpec::Propagated(c) => c.contains_net(dest).then_some(c.len),
        RouteSpec::PrefixList(p) => members[*p]
            .iter()
            .filter(|m| m.contains_net(dest))
            .map(|m| m.len)
            .max(),
    }
}

/// Scan every route; the best is the longest match, then the lowest rank. Returns the winning
/// (length, rank) and the indices of every route that achieves it.
fn oracle_route(
    specs: &[RouteSpec],
    members: &[Vec<Cidr>],
    dest: Cidr,
) -> Option<((u8, u8), Vec<usize>)> {
    let scored: Vec<(usize, u8, u8)> = specs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| oracle_match_len(s, members, dest).map(|l| (i, l, oracle_rank(s))))
        .collect();
    let best_len = scored.iter().map(|&(_, l, _)| l).max()?;
    let best_rank = scored
        .iter()
        .filter(|&&(_, l, _)| l == best_len)
        .map(|&(_, _, r)| r)
        .min()?;
    let winners = scored
        .iter()
        .filter(|&&(_, l, r)| l == best_len && r == best_rank)
        .map(|&(i, _, _)| i)
        .collect();
    Some(((best_len, best_rank), winners))
}

fn check_route_lookup(
    specs: &[RouteSpec],
    members: &[Vec<Cidr>],
    dest: Cidr,
) -> Result<(), TestCaseError> {
    let table = build_table(specs);
    let pls = build_prefix_lists(members);
    let got = route::lookup(&table, &dest.net(), &snapshot_with(&pls));
    let unreadable = specs
        .iter()
        .any(|s| matches!(s, RouteSpec::PrefixList(p) if *p >= 3));
    if unreadable {
        // AWS's rule: longest prefix, then static over prefix list. An entry of the unread list
        // containing `dest` is at most as long as `dest`: a static route exactly as long wins
        // whatever the list holds; otherwise the unread list could be the best match.
        // The readable routes only: the unread lists match nothing here.
        let mut readable_members = members.to_vec();
        readable_members.resize(PL_IDS.len(), Vec::new());
        match (oracle_route(specs, &readable_members, dest), got) {
            (Some(((len, 0), winners)), Lookup::Route(r, got_len)) if len == dest.len => {
                let i: usize = r.target.strip_prefix("t-").unwrap().parse().unwrap();
                prop_assert_eq!(got_len, len);
                prop_assert!(
                    winners.contains(&i),
                    "chose {:?}, oracle {:?}",
                    specs[i],
                    winners
                );
            }
            (Some(((len, 0), _)), got) if len == dest.len => {
                prop_assert!(
                    false,
                    "a static /{len} route wins regardless, lookup {got:?}"
                )
            }
            (_, got) => prop_assert!(matches!(got, Lookup::Unknown(_)), "{got:?}"),
        }
        return Ok(());
    }
    match (oracle_route(specs, members, dest), got) {
        (None, Lookup::None) => {}
        (Some(((len, rank), winners)), Lookup::Route(r, got_len)) => {
            let i: usize = r.target.strip_prefix("t-").unwrap().parse().unwrap();
            prop_assert!(std::ptr::eq(r, &table.routes[i]));
            prop_assert_eq!(got_len, len, "prefix length of {:?}", specs[i]);
            prop_assert_eq!(oracle_rank(&specs[i]), rank, "rank of {:?}", specs[i]);
            prop_assert!(
                winners.contains(&i),
                "chose {:?}, oracle winners {:?}",
                specs[i],
                winners
            );
        }
        (want, got) => prop_assert!(false, "oracle {want:?}, lookup {got:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Single-address destinations: `lookup` picks the route an exhaustive scan picks.
    #[test]
    fn route_lookup_single_address_matches_oracle(
        specs in prop::collection::vec(route_spec(false), 0..10),
        members in prefix_list_members(),
        dests in prop::collection::vec(route_addr(), 1..8),
        from_routes in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let mut dests: Vec<Cidr> = dests.into_iter().map(|a| Cidr::new(a, 32)).collect();
        // Also probe addresses exactly on the route boundaries (first and last address).
        let mut bounds = Vec::new();
        for s in &specs {
            if let RouteSpec::Static(c) | RouteSpec::Propagated(c) = s {
                let (lo, hi) = c.range();
                bounds.extend([lo, hi, lo.wrapping_sub(1), hi.wrapping_add(1)]);
            }
        }
        for m in members.iter().flatten() {
            let (lo, hi) = m.range();
            bounds.extend([lo, hi]);
        }
        if !bounds.is_empty() {
            for ix in &from_routes {
                dests.push(Cidr::new(*ix.get(&bounds), 32));
            }
        }
        for d in dests {
            check_route_lookup(&specs, &members, d)?;
        }
    }

    /// Whole-network destinations: the documented contract is "the route must contain all of
    /// the destination"; the oracle checks containment with integer ranges.
    #[test]
    fn route_lookup_network_matches_oracle(
        specs in prop::collection::vec(route_spec(false), 0..10),
        members in prefix_list_members(),
        dests in prop::collection::vec(route_cidr(), 1..8),
    ) {
        for d in dests {
            check_route_lookup(&specs, &members, d)?;
        }
    }

    /// A prefix-list route whose entries are unreadable (or absent) makes the lookup Unknown,
    /// unless a static route as long as the destination wins regardless (AWS's rule).
    #[test]
    fn route_lookup_unreadable_prefix_list_is_unknown(
        mut specs in prop::collection::vec(route_spec(true), 0..10),
        members in prefix_list_members(),
        dest in route_addr(),
        exact in any::<bool>(),
    ) {
        // Often a static route exactly as long as the destination: it wins over any list.
        if exact {
            specs.push(RouteSpec::Static(Cidr::new(dest, 32)));
        }
        check_route_lookup(&specs, &members, Cidr::new(dest, 32))?;
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Network ACLs
// ---------------------------------------------------------------------------------------------

const NACL_MAX_PORT: u16 = 64;

fn nacl_entry() -> impl Strategy<Value = NaclEntry> {
    (
        any::<bool>(), // egress
        prop::sample::select(vec!["-1", "6", "6", "6", "17"]),
        any::<bool>(), // allow
        small_cidr(),
        prop::option::weighted(0.9, port_range(NACL_MAX_PORT)),
    )
        .prop_map(|(egress, protocol, allow, cidr, ports)| NaclEntry {
            rule_number: 0, // assigned below, unique
            egress,
            protocol: protocol.into(),
            action: if allow { "allow" } else { "deny" }.into(),
            cidr: cidr.net(),
            port_from: ports.map(|p| i32::from(p.0)),
            port_to: ports.map(|p| i32::from(p.1)),
        })
}

fn nacl() -> impl Strategy<Value = NetworkAcl> {
    (
        prop::collection::vec(nacl_entry(), 0..7),
        prop::collection::btree_set(1i32..300, 7),
        any::<bool>(), // include the default `*` rules AWS lists as 32767
    )
        .prop_flat_map(|(mut entries, numbers, star)| {
            for (e, n) in entries.iter_mut().zip(numbers) {
                e.rule_number = n;
            }
            if star {
                for egress in [false, true] {
                    entries.push(NaclEntry {
                        rule_number: 32767,
                        egress,
                        protocol: "-1".into(),
                        action: "deny".into(),
                        cidr: "0.0.0.0/0".parse().unwrap(),
                        port_from: None,
                        port_to: None,
                    });
                }
            }
            Just(entries).prop_shuffle()
        })
        .prop_map(|entries| NetworkAcl {
            id: "acl-prop".into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            subnet_associations: vec![],
            entries,
        })
}

/// The entry that decides one TCP packet: ascending rule number, the first entry whose
/// direction, protocol, CIDR and port range match. `None`: nothing matched (implicit deny).
fn oracle_nacl_rule(acl: &NetworkAcl, egress: bool, addr: u32, port: u16) -> Option<&NaclEntry> {
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    entries.into_iter().find(|e| {
        let proto = match e.protocol.as_str() {
            "-1" => true,
            "6" | "tcp" => match (e.port_from, e.port_to) {
                (Some(a), Some(b)) => a <= i32::from(port) && i32::from(port) <= b,
                _ => true,
            },
            _ => false,
        };
        proto && cidr_of(&e.cidr).contains_addr(addr)
    })
}

fn oracle_nacl_allows(acl: &NetworkAcl, egress: bool, addr: u32, port: u16) -> bool {
    oracle_nacl_rule(acl, egress, addr, port).is_some_and(|e| e.action == "allow")
}

/// The same ACL and query with every port moved up by `65535 - NACL_MAX_PORT`.
fn shift_ports(mut acl: NetworkAcl, ports: (u16, u16)) -> (NetworkAcl, (u16, u16)) {
    const UP: u16 = u16::MAX - NACL_MAX_PORT;
    for e in &mut acl.entries {
        e.port_from = e.port_from.map(|p| p + i32::from(UP));
        e.port_to = e.port_to.map(|p| p + i32::from(UP));
    }
    (acl, (ports.0 + UP, ports.1 + UP))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Allowed iff every (address, port) packet of the set is allowed; a denial names a block
    /// inside the query whose packets are all denied, each by the rule it names.
    #[test]
    fn nacl_matches_packet_oracle(
        acl in nacl(),
        egress in any::<bool>(),
        remote in net_inside(TEN, 24, 24, 32),
        ports in port_range(NACL_MAX_PORT),
        top in any::<bool>(),
    ) {
        // Half the cases move every port to the top of the range (65471..=65535), where the
        // range splitting meets the u16 limit.
        let (acl, ports) = if top { shift_ports(acl, ports) } else { (acl, ports) };
        let got = nacl::evaluate(&acl, egress, remote.net(), ports);
        let packets = || remote.addrs().flat_map(|a| (ports.0..=ports.1).map(move |p| (a, p)));
        let all_allowed = packets().all(|(a, p)| oracle_nacl_allows(&acl, egress, a, p));
        match got {
            NaclDecision::Allowed => prop_assert!(
                all_allowed,
                "evaluate says Allowed but the oracle denies {:?}",
                packets().find(|&(a, p)| !oracle_nacl_allows(&acl, egress, a, p))
                    .map(|(a, p)| (Ipv4Addr::from(a), p))
            ),
            NaclDecision::Denied { rule, remote: block, ports: bports } => {
                prop_assert!(!all_allowed, "evaluate says Denied but the oracle allows everything");
                let block = cidr_of(&block);
                prop_assert!(remote.contains_net(block), "block {block:?} outside {remote:?}");
                prop_assert!(
                    ports.0 <= bports.0 && bports.0 <= bports.1 && bports.1 <= ports.1,
                    "ports {bports:?} outside {ports:?}"
                );
                for a in block.addrs() {
                    for p in bports.0..=bports.1 {
                        let decider = oracle_nacl_rule(&acl, egress, a, p)
                            .filter(|e| e.rule_number < 32767);
                        prop_assert!(
                            !oracle_nacl_allows(&acl, egress, a, p),
                            "packet {}:{p} in the denied block is allowed",
                            Ipv4Addr::from(a)
                        );
                        prop_assert_eq!(decider, rule.as_ref(), "decider of {}:{}", Ipv4Addr::from(a), p);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Security groups
// ---------------------------------------------------------------------------------------------

const SG_IDS: [&str; 3] = ["sg-a", "sg-b", "sg-c"];
/// Readable lists `pl-0`..`pl-2`, unreadable `pl-x`.
const SG_PLS: [&str; 4] = ["pl-0", "pl-1", "pl-2", "pl-x"];
const SG_MAX_PORT: u16 = 64;

fn sg_peer(with_refs: bool) -> BoxedStrategy<SgPeer> {
    let cidr = small_cidr().prop_map(|c| SgPeer::Cidr(c.net()));
    if with_refs {
        prop_oneof![
            5 => cidr,
            1 => prop::sample::select(SG_IDS.to_vec()).prop_map(|s| SgPeer::SecurityGroup(s.into())),
            2 => prop::sample::select(SG_PLS.to_vec()).prop_map(|s| SgPeer::PrefixList(s.into())),
        ]
        .boxed()
    } else {
        cidr.boxed()
    }
}

fn sg_rule(with_refs: bool) -> impl Strategy<Value = SgRule> {
    (
        prop::sample::select(vec!["-1", "tcp", "tcp", "tcp", "udp", "6"]),
        port_range(SG_MAX_PORT),
        sg_peer(with_refs),
    )
        .prop_map(|(protocol, (from, to), peer)| {
            let (from_port, to_port) = if protocol == "-1" {
                (None, None)
            } else {
                (Some(i32::from(from)), Some(i32::from(to)))
            };
            SgRule {
                protocol: protocol.into(),
                from_port,
                to_port,
                peer,
                description: None,
                rule_id: None,
            }
        })
}

fn security_groups(with_refs: bool) -> impl Strategy<Value = Vec<SecurityGroup>> {
    prop::collection::vec(
        (
            prop::collection::vec(sg_rule(with_refs), 0..4),
            prop::collection::vec(sg_rule(with_refs), 0..4),
        ),
        0..4,
    )
    .prop_map(|gs| {
        gs.into_iter()
            .enumerate()
            .map(|(i, (ingress, egress))| SecurityGroup {
                id: format!("sg-task-{i}"),
                name: None,
                vpc_id: "vpc-1".into(),
                ingress,
                egress,
            })
            .collect()
    })
}

fn sg_prefix_lists() -> impl Strategy<Value = BTreeMap<String, PrefixList>> {
    prop::collection::vec(prop::collection::vec(net_inside(TEN, 24, 24, 32), 0..4), 3).prop_map(
        |lists| {
            let mut out: BTreeMap<String, PrefixList> = lists
                .into_iter()
                .enumerate()
                .map(|(i, m)| {
                    let id = SG_PLS[i].to_string();
                    let pl = PrefixList {
                        id: id.clone(),
                        name: id.clone(),
                        cidrs: Some(m.into_iter().map(|c| c.net()).collect()),
                    };
                    (id, pl)
                })
                .collect();
            out.insert(
                "pl-x".into(),
                PrefixList {
                    id: "pl-x".into(),
                    name: "unreadable".into(),
                    cidrs: None,
                },
            );
            out
        },
    )
}

fn peer(with_refs: bool) -> impl Strategy<Value = Peer> {
    let nets = prop::collection::vec(net_inside(TEN, 24, 24, 32), 0..3);
    let refs = if with_refs { 3 } else { 0 };
    (
        nets,
        prop::sample::subsequence(SG_IDS.to_vec(), 0..=refs),
        prop::sample::subsequence(SG_PLS[..3].to_vec(), 0..=refs),
    )
        .prop_map(|(nets, groups, pls)| Peer {
            nets: nets.into_iter().map(|c| c.net()).collect(),
            groups: groups.into_iter().map(String::from).collect(),
            prefix_lists: pls.into_iter().map(String::from).collect(),
        })
}

fn oracle_sg_rule_applies(rule: &SgRule, port: u16) -> bool {
    match rule.protocol.as_str() {
        "-1" => true,
        "tcp" | "6" => {
            let (from, to) = (rule.from_port.unwrap(), rule.to_port.unwrap());
            from <= i32::from(port) && i32::from(port) <= to
        }
        _ => false,
    }
}

fn oracle_sg_rules(
    groups: &[SecurityGroup],
    egress: bool,
    port: u16,
) -> impl Iterator<Item = &SgRule> {
    groups
        .iter()
        .flat_map(move |g| if egress { &g.egress } else { &g.ingress })
        .filter(move |r| oracle_sg_rule_applies(r, port))
}

/// Does some applicable rule allow traffic with the single address `addr`?
fn oracle_sg_allows_addr(
    groups: &[SecurityGroup],
    egress: bool,
    port: u16,
    pls: &BTreeMap<String, PrefixList>,
    addr: u32,
) -> bool {
    oracle_sg_rules(groups, egress, port).any(|r| match &r.peer {
        SgPeer::Cidr(c) => cidr_of(c).contains_addr(addr),
        SgPeer::PrefixList(id) => pls
            .get(id)
            .and_then(|p| p.cidrs.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| cidr_of(c).contains_addr(addr))),
        SgPeer::SecurityGroup(_) => false,
    })
}

fn oracle_sg_allows_identity(
    groups: &[SecurityGroup],
    egress: bool,
    port: u16,
    peer: &Peer,
) -> bool {
    oracle_sg_rules(groups, egress, port).any(|r| match &r.peer {
        SgPeer::SecurityGroup(id) => peer.groups.contains(id),
        SgPeer::PrefixList(id) => peer.prefix_lists.contains(id),
        SgPeer::Cidr(_) => false,
    })
}

fn check_sg(
    groups: &[SecurityGroup],
    egress: bool,
    port: u16,
    peer: &Peer,
    pls: &BTreeMap<String, PrefixList>,
) -> Result<(), TestCaseError> {
    let refs: Vec<&SecurityGroup> = groups.iter().collect();
    let got = sg::evaluate(&refs, egress, port, peer, &snapshot_with(pls));
    let peer_addrs = || peer.nets.iter().flat_map(|n| cidr_of(n).addrs());
    let by_identity = oracle_sg_allows_identity(groups, egress, port, peer);
    let by_addresses = !peer.nets.is_empty()
        && peer_addrs().all(|a| oracle_sg_allows_addr(groups, egress, port, pls, a));
    match got {
        SgDecision::Allowed(rules) => {
            prop_assert!(
                by_identity || by_addresses,
                "Allowed, but the oracle finds {:?} uncovered",
                peer_addrs()
                    .find(|&a| !oracle_sg_allows_addr(groups, egress, port, pls, a))
                    .map(Ipv4Addr::from)
            );
            prop_assert!(!rules.is_empty(), "Allowed without naming a rule");
        }
        SgDecision::Unknown(why) => {
            // Only when what could be read does not allow it and an applicable rule references
            // an unreadable (or absent) prefix list that might.
            prop_assert!(
                !by_identity && !by_addresses,
                "Unknown ({why}) but the oracle allows"
            );
            prop_assert!(
                oracle_sg_rules(groups, egress, port).any(|r| matches!(&r.peer,
                    SgPeer::PrefixList(id) if !peer.prefix_lists.contains(id)
                        && pls.get(id).is_none_or(|p| p.cidrs.is_none()))),
                "Unknown ({why}) without an unreadable prefix list"
            );
        }
        SgDecision::Denied { uncovered } => {
            prop_assert!(
                oracle_sg_rules(groups, egress, port).all(|r| !matches!(&r.peer,
                    SgPeer::PrefixList(id) if !peer.prefix_lists.contains(id)
                        && pls.get(id).is_none_or(|p| p.cidrs.is_none()))),
                "Denied although an unreadable prefix list might allow it"
            );
            prop_assert!(
                !by_identity && !by_addresses,
                "Denied ({uncovered:?}) but the oracle allows (identity: {by_identity})"
            );
            match uncovered {
                None => prop_assert!(peer.nets.is_empty(), "no example of an uncovered network"),
                Some(u) => {
                    let u = cidr_of(&u);
                    prop_assert!(
                        peer.nets.iter().any(|n| cidr_of(n).contains_net(u)),
                        "example {u:?} is not part of the peer"
                    );
                    for a in u.addrs() {
                        prop_assert!(
                            !oracle_sg_allows_addr(groups, egress, port, pls, a),
                            "example {u:?} contains the allowed address {}",
                            Ipv4Addr::from(a)
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// CIDR rules only: allowed iff every address of every peer network is covered by some
    /// rule that applies to TCP `port`.
    #[test]
    fn sg_cidr_rules_match_address_oracle(
        groups in security_groups(false),
        egress in any::<bool>(),
        port in 0..=SG_MAX_PORT,
        peer in peer(false),
        pls in sg_prefix_lists(),
    ) {
        check_sg(&groups, egress, port, &peer, &pls)?;
    }

    /// With references to security groups and prefix lists: a rule naming one of the peer's
    /// groups or lists allows regardless of addresses; a rule naming another prefix list allows
    /// the list's member addresses.
    #[test]
    fn sg_with_references_matches_oracle(
        groups in security_groups(true),
        egress in any::<bool>(),
        port in 0..=SG_MAX_PORT,
        peer in peer(true),
        pls in sg_prefix_lists(),
    ) {
        check_sg(&groups, egress, port, &peer, &pls)?;
    }

    /// A rule that references one of the peer's groups allows the flow even when no address
    /// of the peer is covered (or the peer's addresses are unknown).
    #[test]
    fn sg_reference_to_peer_group_allows(
        mut groups in security_groups(false),
        egress in any::<bool>(),
        port in 0..=SG_MAX_PORT,
        mut peer in peer(false),
        which in 0..SG_IDS.len(),
        pls in sg_prefix_lists(),
    ) {
        let rule = SgRule {
            protocol: "tcp".into(),
            from_port: Some(i32::from(port)),
            to_port: Some(i32::from(port)),
            peer: SgPeer::SecurityGroup(SG_IDS[which].into()),
            description: None,
            rule_id: None,
        };
        let g = SecurityGroup {
            id: "sg-ref".into(),
            name: None,
            vpc_id: "vpc-1".into(),
            ingress: vec![rule.clone()],
            egress: vec![rule],
        };
        groups.push(g);
        peer.groups.push(SG_IDS[which].into());
        let refs: Vec<&SecurityGroup> = groups.iter().collect();
        let got = sg::evaluate(&refs, egress, port, &peer, &snapshot_with(&pls));
        prop_assert!(matches!(got, SgDecision::Allowed(_)), "{got:?}");
        check_sg(&groups, egress, port, &peer, &pls)?;
    }
}

// ---------------------------------------------------------------------------------------------
// 4. ipset
// ---------------------------------------------------------------------------------------------

fn ipset_blocks() -> impl Strategy<Value = Vec<Cidr>> {
    prop::collection::vec(
        prop_oneof![
            6 => net_inside(TEN, 24, 24, 32),
            1 => net_inside(TEN, 22, 22, 24),
            1 => net_inside(TEN | 0x100, 24, 24, 32),
            1 => Just(Cidr::new(0, 0)),
        ],
        0..6,
    )
}

fn nets(cs: &[Cidr]) -> Vec<IpNet> {
    cs.iter().map(|c| c.net()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `covered` and `first_uncovered` agree with per-address enumeration.
    #[test]
    fn ipset_covered_matches_enumeration(
        net in net_inside(TEN, 24, 24, 32),
        blocks in ipset_blocks(),
    ) {
        let bs = nets(&blocks);
        let in_blocks = |a: u32| blocks.iter().any(|b| b.contains_addr(a));
        let oracle = net.addrs().all(in_blocks);
        prop_assert_eq!(ipset::covered(&net.net(), &bs), oracle);
        match ipset::first_uncovered(&net.net(), &bs) {
            None => prop_assert!(oracle, "first_uncovered found nothing, but not covered"),
            Some(u) => {
                let u = cidr_of(&u);
                prop_assert!(!oracle, "first_uncovered {u:?} of a covered network");
                prop_assert!(net.contains_net(u), "{u:?} outside {net:?}");
                prop_assert!(u.addrs().all(|a| !in_blocks(a)), "{u:?} is partly covered");
                // "First": no address before it is uncovered.
                prop_assert!(
                    (net.range().0..u.addr).all(in_blocks),
                    "an uncovered address precedes {u:?}"
                );
            }
        }
    }

    /// `subtract` partitions `net \ excl` into disjoint blocks inside `net`.
    #[test]
    fn ipset_subtract_partitions(
        net in net_inside(TEN, 24, 24, 32),
        excl in ipset_blocks(),
    ) {
        let out: Vec<Cidr> = ipset::subtract(&net.net(), &nets(&excl))
            .iter()
            .map(cidr_of)
            .collect();
        for (i, o) in out.iter().enumerate() {
            prop_assert!(net.contains_net(*o), "{o:?} outside {net:?}");
            for a in o.addrs() {
                prop_assert!(!excl.iter().any(|e| e.contains_addr(a)), "{o:?} meets an excluded block");
            }
            for p in &out[i + 1..] {
                prop_assert!(!o.addrs().any(|a| p.contains_addr(a)), "{o:?} and {p:?} overlap");
            }
        }
        for a in net.addrs() {
            let excluded = excl.iter().any(|e| e.contains_addr(a));
            let n = out.iter().filter(|o| o.contains_addr(a)).count();
            prop_assert_eq!(n, usize::from(!excluded), "address {}", Ipv4Addr::from(a));
        }
    }
}
