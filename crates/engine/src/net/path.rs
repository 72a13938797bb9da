//! The network path model: for one task subnet and one destination, the path AWS would take and
//! every place it can break. Checks read these results; none of them re-derives a route.
//!
//! Order of reasoning, as a packet meets it:
//! 1. DNS: an interface endpoint with private DNS (and the VPC's DNS attributes on) makes the
//!    service's name resolve to the endpoint's ENIs inside the VPC; otherwise the name resolves
//!    to the service's public addresses.
//! 2. Route: the subnet's table (explicit or main), longest prefix for those addresses (the S3
//!    gateway endpoint's prefix-list route wins over 0.0.0.0/0 for S3's ranges).
//! 3. Target: IGW (needs a public IP and an attachment), NAT (available, public, in a subnet
//!    that routes to an IGW), gateway endpoint, or something we cannot see through.
//! 4. Security groups: task egress on 443; endpoint ingress on 443 from the task.
//! 5. Network ACLs: request and return on every subnet boundary crossed.

use fd_snapshot::{Found, Op};
use fd_snapshot::{
    NatGateway, NetworkAcl, RouteDestination, SecurityGroup, Snapshot, Subnet, VpcEndpoint,
};
use ipnet::IpNet;

use super::dest::Destination;
use super::dns::{VpcDns, ZoneAddresses};
use super::ipset;
use super::nacl::{self, NaclDecision};
use super::route::{self, Lookup, TableChoice};
use super::sg::{self, Peer, SgDecision};

/// A three-way answer: fine, a problem, or not decidable from what could be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Eval<T> {
    Ok,
    Issue(T),
    Unknown(String),
}

/// Why an interface endpoint that exists cannot carry the traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointProblem {
    NotAvailable(String),
    PrivateDnsDisabled,
    /// Private DNS is on, but the VPC's `enableDnsSupport`/`enableDnsHostnames` is off.
    VpcDnsAttributesOff {
        support: bool,
        hostnames: bool,
    },
    NoSubnets,
}

/// What the VPC offers as an endpoint for the destination's service.
#[derive(Debug, Clone)]
pub enum EndpointUse<'a> {
    /// The destination has no endpoint service (public registry), or is in another Region.
    NotApplicable,
    /// No interface endpoint for this service in the VPC.
    Missing,
    /// ec2:DescribeVpcEndpoints could not be read.
    Unknown(String),
    Interface {
        endpoint: &'a VpcEndpoint,
        problems: Vec<EndpointProblem>,
        /// No endpoint subnet in the task subnet's AZ (traffic crosses zones; a warning);
        /// `Err(why)` when an endpoint subnet could not be read.
        other_az_only: Result<bool, String>,
    },
    /// S3: gateway endpoints in the VPC, and whether one is in the subnet's route table.
    Gateway {
        endpoints: Vec<&'a VpcEndpoint>,
        associated: Option<&'a VpcEndpoint>,
    },
}

impl EndpointUse<'_> {
    pub fn usable_interface(&self) -> Option<&VpcEndpoint> {
        match self {
            EndpointUse::Interface {
                endpoint, problems, ..
            } if problems.is_empty() => Some(endpoint),
            _ => None,
        }
    }
}

/// Where the route for the destination's public addresses leads.
#[derive(Debug, Clone)]
pub enum Hop<'a> {
    NoRoute,
    Unknown(String),
    Blackhole {
        route: String,
        /// The dead target (`nat-…`, `igw-…`, or whatever the blackhole route names).
        target: String,
        why: String,
    },
    Igw {
        id: String,
        attached: bool,
    },
    Nat {
        id: String,
        nat: Option<&'a NatGateway>,
        /// The NAT subnet's route towards the internet: `Ok`, or what it is instead.
        upstream: Eval<NatUpstreamIssue>,
    },
    GatewayEndpoint {
        id: String,
    },
    /// A target we cannot see through (TGW, VGW, NAT instance, firewall …).
    Opaque {
        target: String,
    },
    /// The addresses a private hosted zone gives the name are inside this VPC (the `local`
    /// route): what listens there is beyond what the tool can verify.
    Local,
    /// A VPC peering connection that carries the addresses: they are inside the peer VPC's
    /// CIDR block `cidr`. What answers there (a centralised interface endpoint) is beyond it.
    PeerVpc {
        id: String,
        peer_vpc: String,
        cidr: IpNet,
    },
    /// A VPC peering connection asked to carry addresses outside the peer VPC (the service's
    /// public addresses): peering is not transitive, the peer's NAT or internet gateway is never
    /// used, and the traffic is dropped. Certain whether or not the connection was read.
    PeeringNotTransitive {
        id: String,
        /// The peer VPC and its CIDR blocks, or why the connection could not be read (which
        /// changes nothing: public addresses never cross peering).
        peer: Result<String, String>,
    },
}

impl Hop<'_> {
    /// True when the route aims the traffic at an internet egress (IGW, NAT, or an
    /// opaque hop that may lead to one): the VPC-endpoint requirements do not apply then.
    ///
    /// A blackhole route counts too: it shows the subnet was meant to use a gateway, and
    /// NET-ROUTE-BLACKHOLE names the fix; asking for endpoints as well would only add noise.
    ///
    /// A name that a private hosted zone answers with addresses in this VPC or in a peer VPC
    /// reached by peering counts as well: the service is served there, not by this VPC's
    /// endpoints. A peering connection asked to carry public addresses does not: it leads
    /// nowhere.
    pub fn aims_at_internet(&self) -> bool {
        matches!(
            self,
            Hop::Igw { .. }
                | Hop::Nat { .. }
                | Hop::Opaque { .. }
                | Hop::Blackhole { .. }
                | Hop::Local
                | Hop::PeerVpc { .. }
        )
    }

    /// True when the route hands the traffic to something the tool cannot see beyond: a
    /// transit gateway, a firewall, an appliance, or addresses inside this or a peer VPC.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Hop::Opaque { .. } | Hop::Local | Hop::PeerVpc { .. })
    }
}

/// Why a NAT gateway's own subnet does not lead to the internet.
#[derive(Debug, Clone, PartialEq)]
pub struct NatUpstreamIssue {
    /// The route table of the NAT gateway's subnet.
    pub table: String,
    /// What that table does instead ("has no 0.0.0.0/0 route (routes: …)").
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct RouteEval<'a> {
    /// The route that carries the traffic ("0.0.0.0/0 -> nat-1"), when there is one.
    pub matched: Option<String>,
    pub hop: Hop<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SgIssue {
    /// The groups that should allow the flow (the task's, or the endpoint's).
    pub groups: Vec<String>,
    pub endpoint: Option<String>,
    pub uncovered: Option<IpNet>,
    pub wanted: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NaclIssue {
    pub acl: String,
    /// What the remote side is ("public addresses", "S3 (pl-…)", "vpce-… 10.0.1.5").
    pub remote_label: String,
    pub subnet: String,
    /// "task subnet", "endpoint subnet", "NAT gateway subnet".
    pub role: &'static str,
    pub egress: bool,
    /// "request" or "return".
    pub leg: &'static str,
    pub rule: Option<String>,
    pub remote: IpNet,
    pub ports: (u16, u16),
}

/// How the destination is reached from the subnet.
#[derive(Debug, Clone)]
pub struct PathEval<'a> {
    pub dest: Destination,
    pub endpoint: EndpointUse<'a>,
    pub route: RouteEval<'a>,
    /// True when the traffic goes to an interface endpoint (DNS resolves inside the VPC).
    pub via_interface: bool,
    /// The addresses a private hosted zone answers the destination's name with, when one does
    /// (and no interface endpoint of this VPC serves it): the path goes there.
    pub zone_addresses: Option<ZoneAddresses>,
    /// Why it is not known whether a private hosted zone or Resolver rule answers the name
    /// (their lists could not be read): the path is then judged on the name's public
    /// addresses, and NET-DNS-RESOLVER-OVERRIDES is unknown for it.
    pub answer_unread: Option<String>,
    /// Task security-group egress.
    pub task_egress: Eval<SgIssue>,
    /// Endpoint security-group ingress (interface endpoints only).
    pub endpoint_ingress: Eval<SgIssue>,
    pub nacl: Eval<Vec<NaclIssue>>,
}

impl PathEval<'_> {
    /// True when the route and target let the traffic leave (security groups and NACLs aside).
    pub fn routed_ok(&self, assign_public_ip: bool) -> bool {
        if self.via_interface {
            return true;
        }
        match &self.route.hop {
            Hop::Igw { attached, .. } => *attached && assign_public_ip,
            Hop::Nat { nat, upstream, .. } => {
                nat.is_some_and(nat_usable) && matches!(upstream, Eval::Ok)
            }
            Hop::GatewayEndpoint { .. } | Hop::Opaque { .. } | Hop::Local | Hop::PeerVpc { .. } => {
                true
            }
            _ => false,
        }
    }
}

pub fn nat_usable(n: &NatGateway) -> bool {
    n.state == "available" && n.connectivity_type.as_deref() != Some("private")
}

/// Linux picks client ports from 32768–60999, Windows from 49152–65535: the return traffic of
/// a task's connection comes back to one of them.
pub fn task_ephemeral_ports(windows: bool) -> (u16, u16) {
    if windows {
        (49152, 65535)
    } else {
        (32768, 60999)
    }
}

/// NAT gateways use source ports 1024–65535 towards the internet.
const NAT_PORTS: (u16, u16) = (1024, 65535);

pub struct PathInput<'a, 'b> {
    pub snapshot: &'a Snapshot,
    pub subnet: &'a Subnet,
    pub table: Option<TableChoice<'a>>,
    pub task_groups: &'b [&'a SecurityGroup],
    pub task_group_ids: &'b [String],
    pub windows: bool,
    /// The VPC's resolver configuration (`None` when the VPC is not known).
    pub dns: Option<&'b VpcDns<'a>>,
}

/// Evaluate the path from `input.subnet` to `dest`.
pub fn evaluate<'a>(input: &PathInput<'a, '_>, dest: &Destination) -> PathEval<'a> {
    let snap = input.snapshot;
    let endpoint = endpoint_use(input, dest);
    let via_interface = endpoint.usable_interface().is_some();
    // Without an interface endpoint of this VPC, a private hosted zone may answer the name
    // (centralised endpoints in a shared services VPC): the path goes to its addresses.
    let zone = match input.dns {
        Some(dns) if !via_interface => dns.zone_addresses(snap, &dest.host),
        _ => None,
    };
    let answer_unread = match input.dns {
        Some(dns) if !via_interface => match dns.answer(&dest.host, None) {
            super::dns::Answer::Unknown(why) => Some(why),
            _ => None,
        },
        _ => None,
    };
    let (zone_addresses, dest_nets, route) = match zone {
        None => {
            let nets = destination_nets(snap, dest);
            let route = route_eval(input, &nets);
            let route = match input.dns {
                Some(dns) if !via_interface => unless_privately_answered(input, dns, dest, route),
                _ => route,
            };
            (None, nets, route)
        }
        Some(Err(why)) => (
            None,
            vec![],
            RouteEval {
                matched: None,
                hop: Hop::Unknown(why),
            },
        ),
        Some(Ok(z)) => {
            let nets: Vec<IpNet> = z
                .addresses
                .iter()
                .filter(|a| a.is_ipv4())
                .map(|a| IpNet::from(*a))
                .collect();
            let route = if nets.is_empty() {
                RouteEval {
                    matched: None,
                    hop: Hop::Unknown(format!(
                        "{} answers {} with IPv6 addresses only, and the path model is IPv4",
                        z.zone, dest.host
                    )),
                }
            } else {
                route_eval(input, &nets)
            };
            (Some(z), nets, route)
        }
    };

    let (task_egress, endpoint_ingress, nacl) = if let Some(ep) = endpoint.usable_interface() {
        let targets = endpoint_targets(snap, ep);
        (
            sg_task_egress_to_endpoint(input, ep, &targets),
            sg_endpoint_ingress(input, ep),
            nacl_endpoint_path(input, &targets),
        )
    } else {
        match &route.hop {
            Hop::NoRoute | Hop::Blackhole { .. } => (Eval::Ok, Eval::Ok, Eval::Ok),
            // The route could not be read: the traffic still goes to the destination's
            // addresses (S3's are its prefix list's whichever way they are routed), so an
            // egress that allows them is allowed; anything else, and the network ACLs of
            // the subnets the unknown route crosses, is undecided.
            Hop::Unknown(why) => {
                let s3_pl = dest
                    .service
                    .is_s3()
                    .then(|| s3_prefix_list(snap, &dest.region).map(|p| p.id.clone()))
                    .flatten();
                let egress = match sg_task_egress_public(input, &dest_nets, s3_pl) {
                    Eval::Ok => Eval::Ok,
                    Eval::Issue(_) => Eval::Unknown(why.clone()),
                    Eval::Unknown(u) => Eval::Unknown(u),
                };
                (egress, Eval::Ok, Eval::Unknown(why.clone()))
            }
            hop => {
                let s3_pl = match hop {
                    Hop::GatewayEndpoint { .. } => {
                        s3_prefix_list(snap, &dest.region).map(|p| p.id.clone())
                    }
                    _ => None,
                };
                let label = match &zone_addresses {
                    Some(z) => zone_label(z),
                    None => dest_label(input.snapshot, dest, hop),
                };
                let egress = match &zone_addresses {
                    Some(_) => sg_task_egress(
                        input,
                        &Peer {
                            nets: dest_nets.clone(),
                            groups: vec![],
                            prefix_lists: vec![],
                        },
                        None,
                        format!("TCP 443 to {label}"),
                    ),
                    None => sg_task_egress_public(input, &dest_nets, s3_pl),
                };
                (
                    egress,
                    Eval::Ok,
                    nacl_routed_path(input, hop, &dest_nets, &label),
                )
            }
        }
    };
    PathEval {
        dest: dest.clone(),
        endpoint,
        route,
        via_interface,
        zone_addresses,
        answer_unread,
        task_egress,
        endpoint_ingress,
        nacl,
    }
}

/// A name whose public addresses find no way out (no route, or a peering connection asked to
/// carry them) while the private hosted zones or Resolver rules of the VPC could not be read,
/// or a Resolver rule forwards the name to servers the tool cannot see: if one of them answered the name with private addresses (centralised endpoints in a shared
/// services VPC), a route of this table to a peering connection, transit gateway, virtual
/// private gateway or appliance could carry them, so the failure is not certain. Without such a
/// route it stands: a private answer could only be an address inside this VPC, and nothing a
/// private zone can say gives the public addresses a route.
fn unless_privately_answered<'a>(
    input: &PathInput<'a, '_>,
    dns: &VpcDns<'a>,
    dest: &Destination,
    route: RouteEval<'a>,
) -> RouteEval<'a> {
    if !matches!(route.hop, Hop::NoRoute | Hop::PeeringNotTransitive { .. }) {
        return route;
    }
    let why = match dns.answer(&dest.host, None) {
        super::dns::Answer::Unknown(why) => why,
        super::dns::Answer::Forwarded(association, rule) => format!(
            "Resolver rule {} ({}) forwards it to {}, whose answers cannot be seen",
            association.rule_id,
            rule.domain_name,
            if rule.target_ips.is_empty() {
                "its target servers".to_string()
            } else {
                rule.target_ips.join(", ")
            }
        ),
        _ => return route,
    };
    let Some(choice) = input.table else {
        return route;
    };
    let carrier = choice.table.routes.iter().find(|r| {
        r.state != "blackhole"
            && !matches!(
                r.target.split('-').next().unwrap_or_default(),
                "local" | "igw" | "nat" | "vpce" | "eigw"
            )
    });
    let Some(carrier) = carrier else {
        return route;
    };
    RouteEval {
        matched: route.matched,
        hop: Hop::Unknown(format!(
            "{} has no way out to its public addresses, but whether a private hosted zone or \
             Resolver rule answers it with private addresses that route {} could carry \
             (centralised endpoints) is not known: {why}",
            dest.host,
            route::describe_route(carrier)
        )),
    }
}

pub fn s3_prefix_list<'a>(snap: &'a Snapshot, region: &str) -> Option<&'a fd_snapshot::PrefixList> {
    let name = format!("com.amazonaws.{region}.s3");
    snap.network.prefix_lists.values().find(|p| p.name == name)
}

/// How the remote side of a routed path is described in findings.
fn dest_label(snap: &Snapshot, dest: &Destination, hop: &Hop<'_>) -> String {
    match (dest.service, s3_prefix_list(snap, &dest.region)) {
        (s, Some(pl)) if s.is_s3() && pl.cidrs.is_some() => {
            format!("S3's address ranges (prefix list {})", pl.id)
        }
        _ if matches!(hop, Hop::GatewayEndpoint { .. }) => "S3's address ranges".into(),
        _ => "public addresses (0.0.0.0/0 outside the private ranges)".into(),
    }
}

/// How the addresses a private hosted zone gives a name are described in findings.
pub fn zone_label(z: &ZoneAddresses) -> String {
    let addresses: Vec<String> = z.addresses.iter().map(|a| a.to_string()).collect();
    match &z.endpoint {
        Some(e) => format!(
            "{} (endpoint {e}, from private hosted zone {})",
            addresses.join(", "),
            z.zone
        ),
        None => format!(
            "{} (from private hosted zone {})",
            addresses.join(", "),
            z.zone
        ),
    }
}

/// The addresses the destination's name resolves to when no interface endpoint is used: S3's
/// ranges (from its managed prefix list) for image layers, the public internet otherwise.
fn destination_nets(snap: &Snapshot, dest: &Destination) -> Vec<IpNet> {
    if dest.service.is_s3() {
        if let Some(cidrs) = s3_prefix_list(snap, &dest.region).and_then(|p| p.cidrs.clone()) {
            let v4: Vec<IpNet> = cidrs
                .into_iter()
                .filter(|c| matches!(c, IpNet::V4(_)))
                .collect();
            if !v4.is_empty() {
                return v4;
            }
        }
    }
    ipset::public_ipv4()
}

fn endpoint_use<'a>(input: &PathInput<'a, '_>, dest: &Destination) -> EndpointUse<'a> {
    let snap = input.snapshot;
    let Some(service_name) = dest.endpoint_service_name() else {
        return EndpointUse::NotApplicable;
    };
    // VPC endpoints do not serve other Regions.
    if dest.region != snap.region {
        return EndpointUse::NotApplicable;
    }
    if let Some(c) = snap.call_failure(Op::Ec2DescribeVpcEndpoints) {
        return EndpointUse::Unknown(c.describe_failure());
    }
    let vpc_id = &input.subnet.vpc_id;
    let in_vpc = |t: &str| {
        snap.network
            .vpc_endpoints
            .values()
            .filter(|e| &e.vpc_id == vpc_id && e.service_name == service_name)
            .filter(move |e| e.endpoint_type.eq_ignore_ascii_case(t))
            .collect::<Vec<_>>()
    };
    if dest.service.is_s3() {
        let endpoints = in_vpc("Gateway");
        let table = input.table.map(|t| t.table.id.as_str());
        let associated = endpoints
            .iter()
            .find(|e| table.is_some_and(|t| e.route_table_ids.iter().any(|r| r == t)))
            .copied();
        return EndpointUse::Gateway {
            endpoints,
            associated,
        };
    }
    let candidates = in_vpc("Interface");
    // An absent or unreadable VPC, like an unreadable DNS attribute below, does not make the
    // endpoint unusable here: NET-DNS-VPC-RESOLUTION-DISABLED and NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES
    // are `unknown` for it.
    let vpc = snap.vpc(vpc_id).evidence();
    let assess = |e: &'a VpcEndpoint| {
        let mut problems = Vec::new();
        if !e.state.eq_ignore_ascii_case("available") {
            problems.push(EndpointProblem::NotAvailable(e.state.clone()));
        }
        if !e.private_dns_enabled {
            problems.push(EndpointProblem::PrivateDnsDisabled);
        } else if let Some(v) = vpc {
            let support = v.enable_dns_support.unwrap_or(true);
            let hostnames = v.enable_dns_hostnames.unwrap_or(true);
            if !support || !hostnames {
                problems.push(EndpointProblem::VpcDnsAttributesOff { support, hostnames });
            }
        }
        if e.subnet_ids.is_empty() {
            problems.push(EndpointProblem::NoSubnets);
        }
        let other_az_only = other_az_only(snap, e, input.subnet);
        EndpointUse::Interface {
            endpoint: e,
            problems,
            other_az_only,
        }
    };
    let mut assessed: Vec<EndpointUse<'a>> = candidates.into_iter().map(assess).collect();
    if assessed.is_empty() {
        return EndpointUse::Missing;
    }
    let best = assessed
        .iter()
        .position(|a| a.usable_interface().is_some())
        .unwrap_or(0);
    assessed.swap_remove(best)
}

/// Whether `e` has subnets but none in `subnet`'s zone: `Err` when an endpoint subnet that could
/// be in it was not readable. A subnet AWS says does not exist is in no zone.
fn other_az_only(snap: &Snapshot, e: &VpcEndpoint, subnet: &Subnet) -> Result<bool, String> {
    if e.subnet_ids.is_empty() {
        return Ok(false);
    }
    let mut unread = None;
    for s in &e.subnet_ids {
        match snap.subnet(s) {
            Found::Yes(s) if s.availability_zone == subnet.availability_zone => return Ok(false),
            Found::Yes(_) | Found::Missing => {}
            Found::Unknown(why) => {
                unread.get_or_insert(why);
            }
        }
    }
    match unread {
        Some(why) => Err(why),
        None => Ok(true),
    }
}

fn route_eval<'a>(input: &PathInput<'a, '_>, dest_nets: &[IpNet]) -> RouteEval<'a> {
    let snap = input.snapshot;
    let Some(choice) = input.table else {
        let reason = match snap.call_failure(Op::Ec2DescribeRouteTables) {
            Some(c) => c.describe_failure(),
            None => format!(
                "no route table is associated with {} and its VPC has no main route table in the snapshot",
                input.subnet.id
            ),
        };
        return RouteEval {
            matched: None,
            hop: Hop::Unknown(reason),
        };
    };
    // A route more specific than a destination block (52.0.0.0/8 -> pcx-… inside the public
    // space) carries part of it: split the blocks at route boundaries so that every piece has
    // one route, and judge each piece.
    let mut boundaries: Vec<IpNet> = Vec::new();
    for r in &choice.table.routes {
        match &r.destination {
            RouteDestination::Cidr(c) => boundaries.push(*c),
            RouteDestination::PrefixList(id) => {
                // Unknown entries: `route::lookup` says so for the piece they may cover.
                if let Some(cidrs) = route::prefix_list_cidrs(snap, id) {
                    boundaries.extend(cidrs.iter().copied());
                }
            }
        }
    }
    let pieces: Vec<IpNet> = dest_nets
        .iter()
        .flat_map(|n| ipset::split_at(n, &boundaries))
        .collect();
    let mut first: Option<RouteEval<'a>> = None;
    for net in &pieces {
        let ev = match route::lookup(choice.table, net, snap) {
            Lookup::None => RouteEval {
                matched: None,
                hop: Hop::NoRoute,
            },
            Lookup::Unknown(why) => RouteEval {
                matched: None,
                hop: Hop::Unknown(why),
            },
            Lookup::Route(r, _) => RouteEval {
                matched: Some(route::describe_route(r)),
                hop: hop_for(input, r, net),
            },
        };
        let bad = !matches!(
            ev.hop,
            Hop::Igw { attached: true, .. }
                | Hop::GatewayEndpoint { .. }
                | Hop::Local
                | Hop::PeerVpc { .. }
        ) && !matches!(&ev.hop, Hop::Nat { nat: Some(n), upstream: Eval::Ok, .. } if nat_usable(n));
        if bad {
            // The first part of the destination that does not get out is the one to report.
            return ev;
        }
        first.get_or_insert(ev);
    }
    first.unwrap_or(RouteEval {
        matched: None,
        hop: Hop::NoRoute,
    })
}

fn hop_for<'a>(input: &PathInput<'a, '_>, r: &fd_snapshot::Route, net: &IpNet) -> Hop<'a> {
    let snap = input.snapshot;
    let desc = route::describe_route(r);
    let t = r.target.as_str();
    let blackhole = |why: String| Hop::Blackhole {
        route: desc.clone(),
        target: t.to_string(),
        why,
    };
    if r.state == "blackhole" {
        return blackhole("the route's state is blackhole: its target no longer exists".into());
    }
    if t.starts_with("igw-") {
        return match snap.internet_gateway(t) {
            Found::Yes(g) if g.attached_vpcs.contains(&input.subnet.vpc_id) => Hop::Igw {
                id: t.to_string(),
                attached: true,
            },
            Found::Yes(_) => blackhole(format!(
                "internet gateway {t} is not attached to {}",
                input.subnet.vpc_id
            )),
            Found::Missing => blackhole(format!("internet gateway {t} does not exist")),
            Found::Unknown(why) => Hop::Unknown(why),
        };
    }
    if t.starts_with("nat-") {
        return match snap.nat_gateway(t) {
            Found::Yes(n) if n.state == "deleted" || n.state == "deleting" => {
                blackhole(format!("NAT gateway {t} is {}", n.state))
            }
            Found::Yes(n) => Hop::Nat {
                id: t.to_string(),
                nat: Some(n),
                upstream: nat_upstream(input, n),
            },
            Found::Missing => blackhole(format!("NAT gateway {t} does not exist")),
            Found::Unknown(why) => Hop::Unknown(why),
        };
    }
    if t.starts_with("vpce-") {
        let prefix_list_route = matches!(r.destination, RouteDestination::PrefixList(_));
        return match snap.vpc_endpoint(t) {
            Found::Yes(e)
                if e.endpoint_type.eq_ignore_ascii_case("Gateway") && prefix_list_route =>
            {
                Hop::GatewayEndpoint { id: t.to_string() }
            }
            // A Gateway Load Balancer endpoint (a firewall): opaque.
            Found::Yes(_) => Hop::Opaque {
                target: t.to_string(),
            },
            // Only gateway endpoints are targets of prefix-list routes.
            Found::Missing if prefix_list_route => Hop::GatewayEndpoint { id: t.to_string() },
            Found::Missing => Hop::Opaque {
                target: t.to_string(),
            },
            Found::Unknown(why) => Hop::Unknown(why),
        };
    }
    if t.starts_with("pcx-") {
        return peering_hop(snap, &input.subnet.vpc_id, t, net);
    }
    if t == "local" {
        // Public addresses never match the local route unless the VPC uses public CIDRs; the
        // addresses a private hosted zone gives a name may.
        return if ipset::is_public(net) {
            Hop::Opaque {
                target: "local".into(),
            }
        } else {
            Hop::Local
        };
    }
    Hop::Opaque {
        target: t.to_string(),
    }
}

/// A route to peering connection `id` for the addresses `net`. Peering carries only addresses
/// inside the peer VPC's CIDR blocks: public addresses are never carried, whatever the
/// connection says (so an unread connection changes nothing for them); private ones are
/// carried when the connection is active and a peer CIDR block holds them.
fn peering_hop<'a>(snap: &Snapshot, vpc: &str, id: &str, net: &IpNet) -> Hop<'a> {
    let found = snap.peering_connection(id);
    let peer = match &found {
        Found::Yes(p) => {
            let side = p.peer_of(vpc);
            let cidrs: Vec<String> = side.cidr_blocks.iter().map(|c| c.to_string()).collect();
            Ok(format!(
                "peer VPC {}{} ({}), status {}",
                side.vpc_id,
                side.owner_id
                    .as_deref()
                    .map(|o| format!(" in account {o}"))
                    .unwrap_or_default(),
                if cidrs.is_empty() {
                    "no CIDR block listed".to_string()
                } else {
                    cidrs.join(", ")
                },
                p.status
            ))
        }
        Found::Missing => Err("which AWS does not list (deleted?)".to_string()),
        Found::Unknown(why) => Err(format!("not read ({why})")),
    };
    if ipset::is_public(net) {
        return Hop::PeeringNotTransitive {
            id: id.to_string(),
            peer,
        };
    }
    match found {
        Found::Yes(p) => {
            let side = p.peer_of(vpc);
            let inside = side.cidr_blocks.iter().find(|c| c.contains(net));
            match inside {
                Some(cidr) if p.status == "active" => Hop::PeerVpc {
                    id: id.to_string(),
                    peer_vpc: side.vpc_id.clone(),
                    cidr: *cidr,
                },
                Some(_) => Hop::Blackhole {
                    route: format!("{net} -> {id}"),
                    target: id.to_string(),
                    why: format!("peering connection {id} is {}, not active", p.status),
                },
                None => Hop::PeeringNotTransitive {
                    id: id.to_string(),
                    peer,
                },
            }
        }
        Found::Missing => Hop::Blackhole {
            route: format!("{net} -> {id}"),
            target: id.to_string(),
            why: format!("peering connection {id} does not exist"),
        },
        Found::Unknown(why) => Hop::Unknown(format!(
            "{net} is routed to peering connection {id}, which could not be read: {why}"
        )),
    }
}

/// Does the NAT gateway's own subnet route to an attached internet gateway?
fn nat_upstream(input: &PathInput<'_, '_>, nat: &NatGateway) -> Eval<NatUpstreamIssue> {
    let snap = input.snapshot;
    let subnet = match snap.subnet(&nat.subnet_id) {
        Found::Yes(s) => s,
        Found::Missing => {
            return Eval::Unknown(format!(
                "the NAT gateway's subnet {} is not in the snapshot",
                nat.subnet_id
            ))
        }
        Found::Unknown(why) => return Eval::Unknown(why),
    };
    let Some(choice) = route::table_for_subnet(&snap.network, subnet) else {
        return Eval::Unknown(format!("no route table found for {}", subnet.id));
    };
    let any: IpNet = "0.0.0.0/0".parse().expect("static");
    let issue = |detail: String| {
        Eval::Issue(NatUpstreamIssue {
            table: choice.table.id.clone(),
            detail: format!("{} ({}) {detail}", choice.table.id, choice.how()),
        })
    };
    match route::lookup(choice.table, &any, snap) {
        Lookup::Route(r, _) if r.target.starts_with("igw-") && r.state == "active" => {
            match snap.internet_gateway(&r.target) {
                Found::Yes(g) if g.attached_vpcs.contains(&subnet.vpc_id) => Eval::Ok,
                Found::Yes(_) => issue(format!(
                    "routes 0.0.0.0/0 to {}, which is not attached to {}",
                    r.target, subnet.vpc_id
                )),
                Found::Missing => issue(format!(
                    "routes 0.0.0.0/0 to {}, which does not exist",
                    r.target
                )),
                Found::Unknown(why) => Eval::Unknown(why),
            }
        }
        Lookup::Route(r, _) => issue(format!(
            "routes 0.0.0.0/0 to {} instead of an internet gateway",
            route::describe_route(r)
        )),
        Lookup::None => issue(format!(
            "has no 0.0.0.0/0 route ({})",
            route::describe_routes(choice.table)
        )),
        Lookup::Unknown(why) => Eval::Unknown(why),
    }
}

/// The endpoint's ENIs: (subnet, address as a /32), falling back to the endpoint subnets'
/// CIDRs when the ENIs could not be read.
fn endpoint_targets(snap: &Snapshot, ep: &VpcEndpoint) -> Vec<(String, IpNet)> {
    let mut out = Vec::new();
    for eni in &ep.network_interface_ids {
        // An ENI that is absent or unreadable: the subnets' CIDRs below stand for it.
        if let Found::Yes(ni) = snap.network_interface(eni) {
            if let Some(ip) = ni
                .private_ip
                .as_deref()
                .and_then(|i| i.parse::<std::net::IpAddr>().ok())
            {
                out.push((ni.subnet_id.clone(), IpNet::from(ip)));
            }
        }
    }
    if out.is_empty() {
        for s in &ep.subnet_ids {
            if let Found::Yes(sub) = snap.subnet(s) {
                out.push((s.clone(), sub.task_net()));
            }
        }
    }
    out
}

pub(crate) fn sg_unknown(snap: &Snapshot) -> Option<String> {
    snap.call_failure(Op::Ec2DescribeSecurityGroups)
        .map(|c| c.describe_failure())
}

fn sg_task_egress_to_endpoint(
    input: &PathInput<'_, '_>,
    ep: &VpcEndpoint,
    targets: &[(String, IpNet)],
) -> Eval<SgIssue> {
    let peer = Peer {
        nets: targets.iter().map(|t| t.1).collect(),
        groups: ep.security_group_ids.clone(),
        prefix_lists: vec![],
    };
    let wanted = format!(
        "TCP 443 to the endpoint {} (its security groups {} or its addresses)",
        ep.id,
        ep.security_group_ids.join(", ")
    );
    sg_task_egress(input, &peer, Some(&ep.id), wanted)
}

/// Do the task's security groups allow TCP 443 out to `peer`?
fn sg_task_egress(
    input: &PathInput<'_, '_>,
    peer: &Peer,
    endpoint: Option<&str>,
    wanted: String,
) -> Eval<SgIssue> {
    if let Some(why) = sg_unknown(input.snapshot) {
        return Eval::Unknown(why);
    }
    // A stopped task's ENI is gone, and with it the record of its groups: no groups known is
    // not "no egress allowed".
    if input.task_groups.is_empty() {
        return Eval::Unknown(
            "the task's security groups are not known (none in its network configuration, or \
             none of them could be found)"
                .into(),
        );
    }
    match sg::evaluate(input.task_groups, true, 443, peer, input.snapshot) {
        SgDecision::Allowed(_) => Eval::Ok,
        SgDecision::Unknown(why) => Eval::Unknown(why),
        SgDecision::Denied { uncovered } => Eval::Issue(SgIssue {
            groups: input.task_group_ids.to_vec(),
            endpoint: endpoint.map(str::to_string),
            uncovered,
            wanted,
        }),
    }
}

fn sg_endpoint_ingress(input: &PathInput<'_, '_>, ep: &VpcEndpoint) -> Eval<SgIssue> {
    let snap = input.snapshot;
    if let Some(why) = sg_unknown(snap) {
        return Eval::Unknown(why);
    }
    let mut groups: Vec<&SecurityGroup> = Vec::new();
    for g in &ep.security_group_ids {
        match snap.security_group(g) {
            Found::Yes(sg) => groups.push(sg),
            Found::Missing => {
                return Eval::Unknown(format!(
                    "a security group of {} ({}) is not in the snapshot",
                    ep.id,
                    ep.security_group_ids.join(", ")
                ))
            }
            Found::Unknown(why) => return Eval::Unknown(why),
        }
    }
    let peer = Peer {
        nets: vec![input.subnet.task_net()],
        groups: input.task_group_ids.to_vec(),
        prefix_lists: vec![],
    };
    match sg::evaluate(&groups, false, 443, &peer, snap) {
        SgDecision::Allowed(_) => Eval::Ok,
        SgDecision::Unknown(why) => Eval::Unknown(why),
        // A rule referencing the task's groups might allow it, but they are not known.
        SgDecision::Denied { .. } if input.task_group_ids.is_empty() => Eval::Unknown(
            "the task's security groups are not known, and the endpoint's rules do not accept \
             its subnet by address"
                .into(),
        ),
        SgDecision::Denied { uncovered } => Eval::Issue(SgIssue {
            groups: ep.security_group_ids.clone(),
            endpoint: Some(ep.id.clone()),
            uncovered,
            wanted: format!(
                "TCP 443 from the task (its security groups {}, or its subnets' CIDRs)",
                input.task_group_ids.join(", ")
            ),
        }),
    }
}

fn sg_task_egress_public(
    input: &PathInput<'_, '_>,
    dest_nets: &[IpNet],
    s3_prefix_list: Option<String>,
) -> Eval<SgIssue> {
    let wanted = match &s3_prefix_list {
        Some(pl) => format!("TCP 443 to the S3 prefix list {pl} (or 0.0.0.0/0)"),
        None => "TCP 443 to 0.0.0.0/0 (the service's public addresses)".to_string(),
    };
    let peer = Peer {
        nets: dest_nets.to_vec(),
        groups: vec![],
        prefix_lists: s3_prefix_list.into_iter().collect(),
    };
    sg_task_egress(input, &peer, None, wanted)
}

fn acl_of<'a>(snap: &'a Snapshot, subnet_id: &str) -> Result<&'a NetworkAcl, String> {
    if let Some(c) = snap.call_failure(Op::Ec2DescribeNetworkAcls) {
        return Err(c.describe_failure());
    }
    nacl::acl_for_subnet(snap.network.network_acls.values(), subnet_id)
        .ok_or_else(|| format!("no network ACL association for {subnet_id} in the snapshot"))
}

pub(crate) struct NaclLeg {
    label: String,
    subnet: String,
    role: &'static str,
    egress: bool,
    leg: &'static str,
    remote: IpNet,
    ports: (u16, u16),
}

pub(crate) fn run_legs(snap: &Snapshot, legs: Vec<NaclLeg>) -> Eval<Vec<NaclIssue>> {
    let mut issues = Vec::new();
    for leg in legs {
        let acl = match acl_of(snap, &leg.subnet) {
            Ok(a) => a,
            Err(why) => return Eval::Unknown(why),
        };
        if let NaclDecision::Denied {
            rule,
            remote,
            ports,
        } = nacl::evaluate(acl, leg.egress, leg.remote, leg.ports)
        {
            let issue = NaclIssue {
                acl: acl.id.clone(),
                remote_label: leg.label.clone(),
                subnet: leg.subnet.clone(),
                role: leg.role,
                egress: leg.egress,
                leg: leg.leg,
                rule: rule.as_ref().map(nacl::describe_entry),
                remote,
                ports,
            };
            if !issues.iter().any(|i: &NaclIssue| {
                i.acl == issue.acl
                    && i.egress == issue.egress
                    && i.leg == issue.leg
                    && i.rule == issue.rule
            }) {
                issues.push(issue);
            }
        }
    }
    if issues.is_empty() {
        Eval::Ok
    } else {
        Eval::Issue(issues)
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn leg(
    label: &str,
    subnet: &str,
    role: &'static str,
    egress: bool,
    leg: &'static str,
    remote: IpNet,
    ports: (u16, u16),
) -> NaclLeg {
    NaclLeg {
        label: label.to_string(),
        subnet: subnet.to_string(),
        role,
        egress,
        leg,
        remote,
        ports,
    }
}

fn nacl_endpoint_path(
    input: &PathInput<'_, '_>,
    targets: &[(String, IpNet)],
) -> Eval<Vec<NaclIssue>> {
    let task = &input.subnet;
    let task_net = task.task_net();
    let task_label = format!("the task subnet {} ({})", task.id, task.cidr_label());
    let eph = task_ephemeral_ports(input.windows);
    let mut legs = Vec::new();
    for (subnet, addr) in targets {
        // Traffic that stays inside one subnet does not cross its network ACL.
        if subnet == &task.id {
            continue;
        }
        let ep_label = format!("the endpoint's interface {addr} in {subnet}");
        legs.extend([
            leg(
                &ep_label,
                &task.id,
                "task subnet",
                true,
                "request",
                *addr,
                (443, 443),
            ),
            leg(
                &ep_label,
                &task.id,
                "task subnet",
                false,
                "return",
                *addr,
                eph,
            ),
            leg(
                &task_label,
                subnet,
                "endpoint subnet",
                false,
                "request",
                task_net,
                (443, 443),
            ),
            leg(
                &task_label,
                subnet,
                "endpoint subnet",
                true,
                "return",
                task_net,
                eph,
            ),
        ]);
    }
    run_legs(input.snapshot, legs)
}

fn nacl_routed_path(
    input: &PathInput<'_, '_>,
    hop: &Hop<'_>,
    dest_nets: &[IpNet],
    dest_label: &str,
) -> Eval<Vec<NaclIssue>> {
    let task = &input.subnet;
    let task_net = task.task_net();
    let task_label = format!("the task subnet {} ({})", task.id, task.cidr_label());
    let eph = task_ephemeral_ports(input.windows);
    let mut legs = Vec::new();
    for net in dest_nets {
        legs.push(leg(
            dest_label,
            &task.id,
            "task subnet",
            true,
            "request",
            *net,
            (443, 443),
        ));
        legs.push(leg(
            dest_label,
            &task.id,
            "task subnet",
            false,
            "return",
            *net,
            eph,
        ));
    }
    if let Hop::Nat { nat: Some(n), .. } = hop {
        if n.subnet_id != task.id {
            let s = n.subnet_id.as_str();
            legs.push(leg(
                &task_label,
                s,
                "NAT gateway subnet",
                false,
                "request",
                task_net,
                (443, 443),
            ));
            legs.push(leg(
                &task_label,
                s,
                "NAT gateway subnet",
                true,
                "return",
                task_net,
                eph,
            ));
            for net in dest_nets {
                legs.push(leg(
                    dest_label,
                    s,
                    "NAT gateway subnet",
                    true,
                    "request",
                    *net,
                    (443, 443),
                ));
                legs.push(leg(
                    dest_label,
                    s,
                    "NAT gateway subnet",
                    false,
                    "return",
                    *net,
                    NAT_PORTS,
                ));
            }
        }
    }
    run_legs(input.snapshot, legs)
}
