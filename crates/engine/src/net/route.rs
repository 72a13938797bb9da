//! Route selection the way a VPC router does it (AWS VPC guide, "How route priority works"):
//! the subnet's explicitly associated table, else the VPC's main table; then the longest prefix
//! that contains the destination; for equal prefixes a static route beats a prefix-list route,
//! which beats a propagated one. Prefix-list routes (the S3 gateway endpoint's `pl-…`) take
//! part through their member CIDRs. A route table has at most a few hundred routes, so a linear
//! scan with a sort key is simpler to explain than a trie and fast enough.

use fd_snapshot::{Found, NetworkData, Route, RouteDestination, RouteTable, Snapshot, Subnet};
use ipnet::IpNet;

/// The route table a subnet uses.
#[derive(Debug, Clone, Copy)]
pub struct TableChoice<'a> {
    pub table: &'a RouteTable,
    /// True for an explicit subnet association, false for the main-table fallback.
    pub explicit: bool,
}

impl TableChoice<'_> {
    pub fn how(&self) -> &'static str {
        if self.explicit {
            "explicit association"
        } else {
            "main route table"
        }
    }
}

/// The table for `subnet`: its explicit association, else its VPC's main table.
pub fn table_for_subnet<'a>(net: &'a NetworkData, subnet: &Subnet) -> Option<TableChoice<'a>> {
    if let Some(table) = net
        .route_tables
        .values()
        .find(|t| t.subnet_associations.iter().any(|s| s == &subnet.id))
    {
        return Some(TableChoice {
            table,
            explicit: true,
        });
    }
    net.route_tables
        .values()
        .find(|t| t.main && t.vpc_id == subnet.vpc_id)
        .map(|table| TableChoice {
            table,
            explicit: false,
        })
}

/// The CIDRs of prefix list `id`; `None` when they are not known: its entries or the list
/// could not be read, or the list is absent (AWS does not let a route or a rule use a list that
/// does not exist, so that is a snapshot without it): undecided, for a route and a rule alike.
pub fn prefix_list_cidrs<'a>(snap: &'a Snapshot, id: &str) -> Option<&'a Vec<IpNet>> {
    match snap.prefix_list(id) {
        Found::Yes(p) => p.cidrs.as_ref(),
        Found::Missing | Found::Unknown(_) => None,
    }
}

/// The outcome of a lookup for one destination network.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    /// The route that carries every address of the destination, and its effective prefix length.
    Route(&'a Route, u8),
    /// No route contains the destination.
    None,
    /// A prefix-list route might match, but the list's entries could not be read.
    Unknown(String),
}

fn rank(route: &Route) -> u8 {
    match (&route.destination, route.origin.as_deref()) {
        (_, Some("EnableVgwRoutePropagation")) => 2,
        (RouteDestination::PrefixList(_), _) => 1,
        _ => 0,
    }
}

/// Longest-prefix match of `dest` (a whole network: the route must contain all of it).
pub fn lookup<'a>(table: &'a RouteTable, dest: &IpNet, snap: &Snapshot) -> Lookup<'a> {
    let mut best: Option<(&Route, u8)> = None;
    // A prefix-list route whose entries could not be read: it may hold any entry.
    let mut unreadable: Option<&str> = None;
    for route in &table.routes {
        let len = match &route.destination {
            RouteDestination::Cidr(c) => c.contains(dest).then_some(c.prefix_len()),
            RouteDestination::PrefixList(id) => match prefix_list_cidrs(snap, id) {
                Some(cidrs) => cidrs
                    .iter()
                    .filter(|c| c.contains(dest))
                    .map(|c| c.prefix_len())
                    .max(),
                None => {
                    unreadable.get_or_insert(id);
                    continue;
                }
            },
        };
        let Some(len) = len else { continue };
        let better = match best {
            None => true,
            Some((b, blen)) => len > blen || (len == blen && rank(route) < rank(b)),
        };
        if better {
            best = Some((route, len));
        }
    }
    if let Some(id) = unreadable {
        // AWS: the longest prefix wins, and at equal length a static route beats a prefix-list
        // route. An entry of the unread list contains `dest` only with a prefix no longer than
        // `dest`'s own, so a static route of exactly that length wins whatever the list holds;
        // anything else could be beaten by an entry we cannot see.
        return match best {
            Some((r, len)) if len == dest.prefix_len() && rank(r) == 0 => Lookup::Route(r, len),
            _ => Lookup::Unknown(format!(
                "the entries of prefix list {id} (route in {}) could not be read",
                table.id
            )),
        };
    }
    match best {
        Some((r, len)) => Lookup::Route(r, len),
        None => Lookup::None,
    }
}

/// "10.0.0.0/16 -> local, 0.0.0.0/0 -> nat-1": a table's routes, for evidence.
pub fn describe_routes(table: &RouteTable) -> String {
    if table.routes.is_empty() {
        return "no routes".into();
    }
    let parts: Vec<String> = table.routes.iter().map(describe_route).collect();
    format!("routes: {}", parts.join(", "))
}

pub fn describe_route(route: &Route) -> String {
    let dest = match &route.destination {
        RouteDestination::Cidr(c) => c.to_string(),
        RouteDestination::PrefixList(p) => p.clone(),
    };
    if route.state == "active" {
        format!("{dest} -> {}", route.target)
    } else {
        format!("{dest} -> {} ({})", route.target, route.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fd_snapshot::PrefixList;

    fn route(dest: &str, target: &str) -> Route {
        let destination = if dest.starts_with("pl-") {
            RouteDestination::PrefixList(dest.into())
        } else {
            RouteDestination::Cidr(dest.parse().unwrap())
        };
        Route {
            destination,
            target: target.into(),
            state: "active".into(),
            origin: Some("CreateRoute".into()),
        }
    }

    fn table(routes: Vec<Route>) -> RouteTable {
        RouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_associations: vec![],
            routes,
        }
    }

    #[test]
    fn gateway_endpoint_prefix_list_beats_default_route() {
        let t = table(vec![
            route("10.0.0.0/16", "local"),
            route("0.0.0.0/0", "nat-1"),
            route("pl-s3", "vpce-s3"),
        ]);
        let mut pls = Snapshot::new("us-east-1");
        pls.network.prefix_lists.insert(
            "pl-s3".to_string(),
            PrefixList {
                id: "pl-s3".into(),
                name: "com.amazonaws.us-east-1.s3".into(),
                cidrs: Some(vec!["52.216.0.0/15".parse().unwrap()]),
            },
        );
        match lookup(&t, &"52.216.0.0/15".parse().unwrap(), &pls) {
            Lookup::Route(r, 15) => assert_eq!(r.target, "vpce-s3"),
            other => panic!("{other:?}"),
        }
        match lookup(&t, &"44.0.0.0/8".parse().unwrap(), &pls) {
            Lookup::Route(r, 0) => assert_eq!(r.target, "nat-1"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_prefix_list_is_unknown_not_absent() {
        let t = table(vec![route("pl-x", "vpce-1")]);
        let mut pls = Snapshot::new("us-east-1");
        pls.network.prefix_lists.insert(
            "pl-x".to_string(),
            PrefixList {
                id: "pl-x".into(),
                name: "x".into(),
                cidrs: None,
            },
        );
        assert!(matches!(
            lookup(&t, &"1.2.3.0/24".parse().unwrap(), &pls),
            Lookup::Unknown(_)
        ));
    }
}
