//! Exact set reasoning over CIDR blocks, written by hand: `ipnet` gives containment and
//! splitting but no "is this network fully covered by these blocks" or set difference, and
//! both are a few lines of recursion over halves.

use ipnet::IpNet;

/// True when every address of `net` lies in at least one of `blocks`.
pub fn covered(net: &IpNet, blocks: &[IpNet]) -> bool {
    if blocks.iter().any(|b| b.contains(net)) {
        return true;
    }
    // Only a block strictly inside `net` can cover part of it; without one, nothing does.
    if !blocks.iter().any(|b| net.contains(b)) {
        return false;
    }
    match halves(net) {
        Some((a, b)) => covered(&a, blocks) && covered(&b, blocks),
        None => false,
    }
}

/// The first sub-network of `net` (largest first) that no block covers, if any: an example
/// address range the user can look at.
pub fn first_uncovered(net: &IpNet, blocks: &[IpNet]) -> Option<IpNet> {
    if blocks.iter().any(|b| b.contains(net)) {
        return None;
    }
    if !blocks.iter().any(|b| net.contains(b)) {
        return Some(*net);
    }
    let (a, b) = halves(net)?;
    first_uncovered(&a, blocks).or_else(|| first_uncovered(&b, blocks))
}

/// `net` cut into pieces none of which is partly inside a block of `boundaries`: each piece is
/// either inside a block or disjoint from it.
pub fn split_at(net: &IpNet, boundaries: &[IpNet]) -> Vec<IpNet> {
    if !boundaries.iter().any(|b| net.contains(b) && b != net) {
        return vec![*net];
    }
    match halves(net) {
        Some((a, b)) => {
            let mut out = split_at(&a, boundaries);
            out.extend(split_at(&b, boundaries));
            out
        }
        None => vec![*net],
    }
}

/// `net` minus `excluded`, as a list of CIDR blocks.
pub fn subtract(net: &IpNet, excluded: &[IpNet]) -> Vec<IpNet> {
    if excluded.iter().any(|e| e.contains(net)) {
        return vec![];
    }
    if !excluded.iter().any(|e| net.contains(e)) {
        return vec![*net];
    }
    match halves(net) {
        Some((a, b)) => {
            let mut out = subtract(&a, excluded);
            out.extend(subtract(&b, excluded));
            out
        }
        None => vec![],
    }
}

/// The two halves of a network, or `None` for a single address.
pub fn halves(net: &IpNet) -> Option<(IpNet, IpNet)> {
    let len = net.prefix_len() + 1;
    if len > net.max_prefix_len() {
        return None;
    }
    let mut it = net.subnets(len).ok()?;
    Some((it.next()?, it.next()?))
}

/// True when the two networks share at least one address.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(b) || b.contains(a)
}

/// The public IPv4 address space: everything but the private, shared, loopback, link-local,
/// multicast and reserved blocks. A destination on "the internet" is somewhere in here; we do
/// not know which address DNS will return, so a path must work for all of it.
pub fn public_ipv4() -> Vec<IpNet> {
    subtract(
        &"0.0.0.0/0".parse().expect("static CIDR"),
        &not_public_ipv4(),
    )
}

/// True when `net` is IPv4 and lies entirely in the public space of [`public_ipv4`] (no part of
/// it is private, shared, loopback, link-local, multicast or reserved).
pub fn is_public(net: &IpNet) -> bool {
    matches!(net, IpNet::V4(_)) && !not_public_ipv4().iter().any(|e| overlaps(e, net))
}

fn not_public_ipv4() -> Vec<IpNet> {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    ]
    .iter()
    .map(|s| s.parse().expect("static CIDR"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn public_pieces_are_public() {
        assert!(is_public(&n("52.46.134.163/32")));
        assert!(!is_public(&n("0.0.0.0/1")));
        assert!(!is_public(&n("10.1.2.3/32")));
        assert!(!is_public(&n("100.64.0.1/32")));
        assert!(public_ipv4().iter().all(is_public));
    }

    #[test]
    fn coverage_by_pieces() {
        assert!(covered(
            &n("0.0.0.0/0"),
            &[n("0.0.0.0/1"), n("128.0.0.0/1")]
        ));
        assert!(!covered(
            &n("0.0.0.0/0"),
            &[n("0.0.0.0/1"), n("128.0.0.0/2")]
        ));
        assert_eq!(
            first_uncovered(&n("10.0.0.0/24"), &[n("10.0.0.0/25")]),
            Some(n("10.0.0.128/25"))
        );
    }

    #[test]
    fn split_at_route_boundaries() {
        let pieces = split_at(&n("32.0.0.0/3"), &[n("52.0.0.0/8"), n("0.0.0.0/0")]);
        assert!(pieces.contains(&n("52.0.0.0/8")));
        assert!(pieces
            .iter()
            .all(|p| !overlaps(p, &n("52.0.0.0/8")) || n("52.0.0.0/8").contains(p)));
        assert!(covered(&n("32.0.0.0/3"), &pieces));
    }

    #[test]
    fn public_space_excludes_private() {
        let p = public_ipv4();
        assert!(covered(&n("52.216.0.0/15"), &p));
        assert!(!p.iter().any(|b| overlaps(b, &n("10.1.2.0/24"))));
        assert!(!p.iter().any(|b| overlaps(b, &n("172.20.0.0/16"))));
    }
}
