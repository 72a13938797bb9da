//! EC2: the network a Fargate task lives in (subnets, VPC, DNS settings, route tables, gateways,
//! endpoints, security groups, network ACLs, prefix lists), mapped into the snapshot model.
//!
//! Lookups by ID use *filters* (`subnet-id`, `group-id`, `network-interface-id`) rather than
//! the `…Ids` parameters: with a filter an ID that does not exist is simply absent from the
//! answer, whereas with `SubnetIds` one bad ID fails the whole call and hides the good ones.
//! Everything that can be paginated is paginated (moto ignores `MaxResults` and answers in one
//! page; AWS may not).
//!
//! The `map_*` functions are pure: SDK type in, model type out. An item that lacks a field the
//! model requires (an ID, a CIDR) is skipped rather than invented.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types as t;
use aws_sdk_ec2::Client;
use fd_snapshot as m;
use fd_snapshot::{Op, Scope};
use futures::future::join_all;
use ipnet::{IpNet, Ipv4Net};

use crate::calls::Recorder;

/// How many IDs go into one filter. AWS accepts up to 200 values per filter on most Describe
/// calls; 100 leaves room.
const IDS_PER_FILTER: usize = 100;

/// What the network phase starts from: the subnets and security groups the targets use, and
/// the task ENIs already read while resolving the targets.
#[derive(Debug, Default)]
pub(crate) struct NetworkInputs {
    pub subnet_ids: BTreeSet<String>,
    pub security_group_ids: BTreeSet<String>,
    pub network_interfaces: BTreeMap<String, m::NetworkInterface>,
}

/// Reads the network around `inputs`: first the subnets and task security groups, then, for
/// their VPCs and concurrently, all their subnets and security groups and everything that decides whether a task in those subnets can
/// reach ECR, S3, CloudWatch Logs, Secrets Manager …; last, the prefix list entries and the
/// ENIs of endpoints and NAT gateways that the previous step pointed at. The VPCs of the
/// input subnets go to `vpcs_known` as soon as the subnets are read (the private DNS reads
/// wait for them).
pub(crate) async fn collect_network(
    client: &Client,
    rec: &Recorder,
    region: &str,
    inputs: NetworkInputs,
    vpcs_known: futures::channel::oneshot::Sender<BTreeSet<String>>,
) -> m::NetworkData {
    let mut net = m::NetworkData {
        network_interfaces: inputs.network_interfaces.into(),
        ..Default::default()
    };

    let (subnets, task_sgs) = futures::join!(
        describe_subnets(client, rec, "subnet-id", &inputs.subnet_ids),
        describe_security_groups(client, rec, "group-id", &inputs.security_group_ids),
    );
    net.subnets = subnets.into();
    net.security_groups = task_sgs.into();
    // The VPCs of the task subnets: what the private DNS reads need, as soon as it is known.
    // (A dropped receiver only means nobody waits for them.)
    let _ = vpcs_known.send(net.subnets.values().map(|s| s.vpc_id.clone()).collect());

    let vpc_ids: BTreeSet<String> = net
        .subnets
        .values()
        .map(|s| s.vpc_id.clone())
        .chain(net.security_groups.values().map(|g| g.vpc_id.clone()))
        .collect();
    if vpc_ids.is_empty() {
        return net;
    }

    let (
        (vpcs, dhcp_options),
        azs,
        route_tables,
        internet_gateways,
        (nat_gateways, nat_enis),
        vpc_endpoints,
        vpc_sgs,
        vpc_subnets,
        network_acls,
        managed_prefix_lists,
    ) = futures::join!(
        vpcs_and_dhcp_options(client, rec, &vpc_ids),
        describe_availability_zones(client, rec),
        describe_route_tables(client, rec, &vpc_ids),
        describe_internet_gateways(client, rec, &vpc_ids),
        describe_nat_gateways(client, rec, &vpc_ids),
        describe_vpc_endpoints(client, rec, &vpc_ids),
        describe_security_groups(client, rec, "vpc-id", &vpc_ids),
        describe_subnets(client, rec, "vpc-id", &vpc_ids),
        describe_network_acls(client, rec, &vpc_ids),
        describe_managed_prefix_lists(client, rec),
    );
    net.vpcs = vpcs.into();
    net.dhcp_options = dhcp_options.into();
    net.availability_zones = azs.into();
    net.route_tables = route_tables.into();
    net.internet_gateways = internet_gateways.into();
    net.nat_gateways = nat_gateways.into();
    net.vpc_endpoints = vpc_endpoints.into();
    net.security_groups.extend(vpc_sgs);
    net.subnets.extend(vpc_subnets);
    net.network_acls = network_acls.into();

    // Prefix lists whose CIDRs matter: those a route or a security group rule points at, and
    // S3's (a gateway endpoint route uses it; rules for ECR image layers on S3 refer to it).
    let wanted = wanted_prefix_lists(&net, &managed_prefix_lists, region);
    let eni_ids: BTreeSet<String> = endpoint_enis(&net)
        .into_iter()
        .chain(nat_enis)
        .filter(|id| !net.network_interfaces.keys().any(|k| k == id))
        .collect();
    // The peering connections routes name: what they carry (the peer VPC's CIDR blocks)
    // decides whether a route into one leads anywhere.
    let pcx_ids: BTreeSet<String> = net
        .route_tables
        .values()
        .flat_map(|t| t.routes.iter())
        .filter(|r| r.target.starts_with("pcx-"))
        .map(|r| r.target.clone())
        .collect();
    let (prefix_lists, enis, peerings) = futures::join!(
        join_all(wanted.into_iter().map(|(id, name)| async move {
            let cidrs = get_prefix_list_entries(client, rec, &id).await;
            (id.clone(), m::PrefixList { id, name, cidrs })
        })),
        describe_network_interfaces(client, rec, &eni_ids),
        describe_peering_connections(client, rec, &pcx_ids),
    );
    net.prefix_lists = prefix_lists.into_iter().collect();
    net.network_interfaces.extend(enis);
    net.peering_connections = peerings.into();
    net
}

/// Reads VPC peering connections by ID.
async fn describe_peering_connections(
    client: &Client,
    rec: &Recorder,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, m::PeeringConnection> {
    let mut out = BTreeMap::new();
    for chunk in chunks(ids) {
        let stream = client
            .describe_vpc_peering_connections()
            .filters(filter("vpc-peering-connection-id", &chunk))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeVpcPeeringConnections,
                Some(Scope::filter("vpc-peering-connection-id", &chunk)),
                stream,
            )
            .await;
        for p in pages.iter().flat_map(|p| p.vpc_peering_connections()) {
            if let Some(p) = map_peering_connection(p) {
                out.insert(p.id.clone(), p);
            }
        }
    }
    out
}

/// Adds the subnets and security groups that only a later phase revealed (EFS mount targets),
/// with the network ACLs of those subnets, to `net`. What the network phase already read (every
/// subnet, group and ACL of the targets' VPCs) is not read again, so a mount target in the
/// task's VPC costs no call; one in another VPC costs a lookup by ID.
pub(crate) async fn complete_network(
    client: &Client,
    rec: &Recorder,
    net: &mut m::NetworkData,
    subnet_ids: &BTreeSet<String>,
    security_group_ids: &BTreeSet<String>,
) {
    let Missing {
        subnets,
        groups,
        without_acl,
    } = missing(net, subnet_ids, security_group_ids);
    let (new_subnets, new_groups, new_acls) = futures::join!(
        describe_subnets(client, rec, "subnet-id", &subnets),
        describe_security_groups(client, rec, "group-id", &groups),
        network_acls_by(client, rec, "association.subnet-id", &without_acl),
    );
    net.subnets.extend(new_subnets);
    net.security_groups.extend(new_groups);
    net.network_acls.extend(new_acls);
}

/// What [`complete_network`] has to read.
#[derive(Debug, PartialEq, Eq)]
struct Missing {
    subnets: BTreeSet<String>,
    groups: BTreeSet<String>,
    /// Subnets whose network ACL is unknown. Every subnet is associated with exactly one ACL,
    /// so one already read that lists the subnet covers it.
    without_acl: BTreeSet<String>,
}

fn missing(
    net: &m::NetworkData,
    subnet_ids: &BTreeSet<String>,
    security_group_ids: &BTreeSet<String>,
) -> Missing {
    Missing {
        subnets: subnet_ids
            .iter()
            .filter(|id| !net.subnets.keys().any(|k| k == *id))
            .cloned()
            .collect(),
        groups: security_group_ids
            .iter()
            .filter(|id| !net.security_groups.keys().any(|k| k == *id))
            .cloned()
            .collect(),
        without_acl: subnet_ids
            .iter()
            .filter(|id| {
                !net.network_acls
                    .values()
                    .any(|acl| acl.subnet_associations.contains(id))
            })
            .cloned()
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

fn filter(name: &str, values: &[String]) -> t::Filter {
    t::Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}

fn chunks(ids: &BTreeSet<String>) -> Vec<Vec<String>> {
    let all: Vec<String> = ids.iter().cloned().collect();
    all.chunks(IDS_PER_FILTER).map(<[String]>::to_vec).collect()
}

/// `filter_name` is `subnet-id` (the targets' subnets) or `vpc-id` (every subnet of the VPCs:
/// where the NAT gateways and endpoint ENIs live, and their zones).
async fn describe_subnets(
    client: &Client,
    rec: &Recorder,
    filter_name: &str,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, m::Subnet> {
    let mut out = BTreeMap::new();
    for chunk in chunks(ids) {
        let stream = client
            .describe_subnets()
            .filters(filter(filter_name, &chunk))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeSubnets,
                Some(Scope::filter(filter_name, &chunk)),
                stream,
            )
            .await;
        for subnet in pages.iter().flat_map(|p| p.subnets()) {
            match (map_subnet(subnet), subnet.subnet_id()) {
                (Some(s), _) => {
                    out.insert(s.id.clone(), s);
                }
                // Only the targets' own subnets (read by ID) matter: another subnet of the
                // VPC that cannot be modelled is simply left out.
                (None, Some(id)) if filter_name == "subnet-id" => rec.unmodelled(
                    Op::Ec2DescribeSubnets,
                    id,
                    "the subnet has no address block (IPv4 or IPv6), or lacks its VPC or zone",
                ),
                (None, _) => {}
            }
        }
    }
    out
}

/// `filter_name` is `group-id` (the task's groups) or `vpc-id` (every group of the VPCs:
/// endpoint groups and groups referenced by rules matter too).
async fn describe_security_groups(
    client: &Client,
    rec: &Recorder,
    filter_name: &str,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, m::SecurityGroup> {
    let mut out = BTreeMap::new();
    for chunk in chunks(ids) {
        let stream = client
            .describe_security_groups()
            .filters(filter(filter_name, &chunk))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeSecurityGroups,
                Some(Scope::filter(filter_name, &chunk)),
                stream,
            )
            .await;
        for group in pages.iter().flat_map(|p| p.security_groups()) {
            if let Some(g) = map_security_group(group) {
                out.insert(g.id.clone(), g);
            }
        }
    }
    out
}

/// Reads ENIs by ID (task ENIs, endpoint and NAT gateway ENIs).
pub(crate) async fn describe_network_interfaces(
    client: &Client,
    rec: &Recorder,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, m::NetworkInterface> {
    let mut out = BTreeMap::new();
    for chunk in chunks(ids) {
        let stream = client
            .describe_network_interfaces()
            .filters(filter("network-interface-id", &chunk))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeNetworkInterfaces,
                Some(Scope::filter("network-interface-id", &chunk)),
                stream,
            )
            .await;
        for eni in pages.iter().flat_map(|p| p.network_interfaces()) {
            if let Some(e) = map_network_interface(eni) {
                out.insert(e.id.clone(), e);
            }
        }
    }
    out
}

/// DescribeVpcs and the two DNS attributes of every VPC, concurrently; then the DHCP options
/// sets the VPCs use (which needs DescribeVpcs' answer).
async fn vpcs_and_dhcp_options(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> (BTreeMap<String, m::Vpc>, BTreeMap<String, m::DhcpOptions>) {
    let ids: Vec<String> = vpc_ids.iter().cloned().collect();
    let vpcs_fut = async {
        let stream = client
            .describe_vpcs()
            .filters(filter("vpc-id", &ids))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeVpcs,
                Some(Scope::filter("vpc-id", &ids)),
                stream,
            )
            .await;
        pages
            .iter()
            .flat_map(|p| p.vpcs())
            .filter_map(map_vpc)
            .map(|v| (v.id.clone(), v))
            .collect::<BTreeMap<_, _>>()
    };
    let attrs_fut = join_all(ids.iter().map(|id| async move {
        let (support, hostnames) = futures::join!(
            vpc_attribute(client, rec, id, t::VpcAttributeName::EnableDnsSupport),
            vpc_attribute(client, rec, id, t::VpcAttributeName::EnableDnsHostnames),
        );
        (id.clone(), support, hostnames)
    }));
    let (mut vpcs, attrs) = futures::join!(vpcs_fut, attrs_fut);
    for (id, support, hostnames) in attrs {
        if let Some(vpc) = vpcs.get_mut(&id) {
            vpc.enable_dns_support = support;
            vpc.enable_dns_hostnames = hostnames;
        }
    }

    let dhcp_ids: Vec<String> = vpcs
        .values()
        .filter_map(|v| v.dhcp_options_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut dhcp = BTreeMap::new();
    if !dhcp_ids.is_empty() {
        let stream = client
            .describe_dhcp_options()
            .filters(filter("dhcp-options-id", &dhcp_ids))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeDhcpOptions,
                Some(Scope::filter("dhcp-options-id", &dhcp_ids)),
                stream,
            )
            .await;
        for opts in pages.iter().flat_map(|p| p.dhcp_options()) {
            if let Some(d) = map_dhcp_options(opts) {
                dhcp.insert(d.id.clone(), d);
            }
        }
    }
    (vpcs, dhcp)
}

/// One DNS attribute of one VPC; `None` when it could not be read.
async fn vpc_attribute(
    client: &Client,
    rec: &Recorder,
    vpc_id: &str,
    attribute: t::VpcAttributeName,
) -> Option<bool> {
    let want_support = attribute == t::VpcAttributeName::EnableDnsSupport;
    let out = rec
        .call(
            Op::Ec2DescribeVpcAttribute,
            Some(Scope::Part {
                of: vpc_id.to_string(),
                part: attribute.as_str().to_string(),
            }),
            client
                .describe_vpc_attribute()
                .vpc_id(vpc_id)
                .attribute(attribute)
                .send(),
        )
        .await
        .ok()?;
    let value = if want_support {
        out.enable_dns_support()
    } else {
        out.enable_dns_hostnames()
    };
    value.and_then(|v| v.value())
}

async fn describe_availability_zones(
    client: &Client,
    rec: &Recorder,
) -> BTreeMap<String, m::AvailabilityZone> {
    // Not paginated. Without parameters it lists the zones of the Region the account can use.
    let Ok(out) = rec
        .call(
            Op::Ec2DescribeAvailabilityZones,
            None,
            client.describe_availability_zones().send(),
        )
        .await
    else {
        return BTreeMap::new();
    };
    let mut zones = BTreeMap::new();
    for z in out.availability_zones() {
        match (map_availability_zone(z), z.zone_name()) {
            (Some(m), _) => {
                zones.insert(m.name.clone(), m);
            }
            (None, Some(name)) => rec.unmodelled(
                Op::Ec2DescribeAvailabilityZones,
                name,
                "the zone has no zone ID",
            ),
            (None, None) => {}
        }
    }
    zones
}

async fn describe_route_tables(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> BTreeMap<String, m::RouteTable> {
    let ids: Vec<String> = vpc_ids.iter().cloned().collect();
    let stream = client
        .describe_route_tables()
        .filters(filter("vpc-id", &ids))
        .into_paginator()
        .send();
    let (pages, _) = rec
        .pages(
            Op::Ec2DescribeRouteTables,
            Some(Scope::filter("vpc-id", &ids)),
            stream,
        )
        .await;
    pages
        .iter()
        .flat_map(|p| p.route_tables())
        .filter_map(map_route_table)
        .map(|r| (r.id.clone(), r))
        .collect()
}

async fn describe_internet_gateways(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> BTreeMap<String, m::InternetGateway> {
    let ids: Vec<String> = vpc_ids.iter().cloned().collect();
    let stream = client
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", &ids))
        .into_paginator()
        .send();
    let (pages, _) = rec
        .pages(
            Op::Ec2DescribeInternetGateways,
            Some(Scope::filter("attachment.vpc-id", &ids)),
            stream,
        )
        .await;
    pages
        .iter()
        .flat_map(|p| p.internet_gateways())
        .filter_map(map_internet_gateway)
        .map(|g| (g.id.clone(), g))
        .collect()
}

/// The NAT gateways of the VPCs, and the IDs of their ENIs (which the model does not keep on
/// the gateway; they are read into `network_interfaces`).
async fn describe_nat_gateways(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> (BTreeMap<String, m::NatGateway>, BTreeSet<String>) {
    let ids: Vec<String> = vpc_ids.iter().cloned().collect();
    let stream = client
        .describe_nat_gateways()
        .filter(filter("vpc-id", &ids))
        .into_paginator()
        .send();
    let (pages, _) = rec
        .pages(
            Op::Ec2DescribeNatGateways,
            Some(Scope::filter("vpc-id", &ids)),
            stream,
        )
        .await;
    let nats: Vec<&t::NatGateway> = pages.iter().flat_map(|p| p.nat_gateways()).collect();
    let enis = nats
        .iter()
        .flat_map(|n| n.nat_gateway_addresses())
        .filter_map(|a| owned(a.network_interface_id()))
        .collect();
    let map = nats
        .into_iter()
        .filter_map(map_nat_gateway)
        .map(|n| (n.id.clone(), n))
        .collect();
    (map, enis)
}

async fn describe_vpc_endpoints(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> BTreeMap<String, m::VpcEndpoint> {
    let ids: Vec<String> = vpc_ids.iter().cloned().collect();
    let stream = client
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", &ids))
        .into_paginator()
        .send();
    let (pages, _) = rec
        .pages(
            Op::Ec2DescribeVpcEndpoints,
            Some(Scope::filter("vpc-id", &ids)),
            stream,
        )
        .await;
    pages
        .iter()
        .flat_map(|p| p.vpc_endpoints())
        .filter_map(map_vpc_endpoint)
        .map(|e| (e.id.clone(), e))
        .collect()
}

async fn describe_network_acls(
    client: &Client,
    rec: &Recorder,
    vpc_ids: &BTreeSet<String>,
) -> BTreeMap<String, m::NetworkAcl> {
    network_acls_by(client, rec, "vpc-id", vpc_ids).await
}

/// `filter_name` is `vpc-id` (every ACL of the VPCs) or `association.subnet-id` (the ACLs of
/// subnets outside them).
async fn network_acls_by(
    client: &Client,
    rec: &Recorder,
    filter_name: &str,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, m::NetworkAcl> {
    let mut out = BTreeMap::new();
    for chunk in chunks(ids) {
        let stream = client
            .describe_network_acls()
            .filters(filter(filter_name, &chunk))
            .into_paginator()
            .send();
        let (pages, _) = rec
            .pages(
                Op::Ec2DescribeNetworkAcls,
                Some(Scope::filter(filter_name, &chunk)),
                stream,
            )
            .await;
        for acl in pages.iter().flat_map(|p| p.network_acls()) {
            if let Some(a) = map_network_acl(acl) {
                out.insert(a.id.clone(), a);
            }
        }
    }
    out
}

/// Every managed prefix list visible to the account (AWS-managed and customer-managed), as
/// `(id, name)`. Only the ones that matter get their entries read.
async fn describe_managed_prefix_lists(client: &Client, rec: &Recorder) -> Vec<(String, String)> {
    let stream = client
        .describe_managed_prefix_lists()
        .into_paginator()
        .send();
    let (pages, _) = rec
        .pages(Op::Ec2DescribeManagedPrefixLists, None, stream)
        .await;
    pages
        .iter()
        .flat_map(|p| p.prefix_lists())
        .filter_map(|pl| {
            Some((
                pl.prefix_list_id()?.to_string(),
                pl.prefix_list_name().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// The CIDRs of one prefix list; `None` when they could not be read completely.
async fn get_prefix_list_entries(client: &Client, rec: &Recorder, id: &str) -> Option<Vec<IpNet>> {
    let stream = client
        .get_managed_prefix_list_entries()
        .prefix_list_id(id)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(
            Op::Ec2GetManagedPrefixListEntries,
            Some(Scope::key(id)),
            stream,
        )
        .await;
    if failure.is_some() {
        return None;
    }
    Some(
        pages
            .iter()
            .flat_map(|p| p.entries())
            .filter_map(|e| parse_net(e.cidr()))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// What to read next
// ---------------------------------------------------------------------------------------------

/// The prefix lists (`(id, name)`) whose entries are needed: those referenced by a route or a
/// security group rule, plus the Region's S3 list.
fn wanted_prefix_lists(
    net: &m::NetworkData,
    all: &[(String, String)],
    region: &str,
) -> Vec<(String, String)> {
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    for rt in net.route_tables.values() {
        for route in &rt.routes {
            if let m::RouteDestination::PrefixList(id) = &route.destination {
                referenced.insert(id);
            }
        }
    }
    for sg in net.security_groups.values() {
        for rule in sg.ingress.iter().chain(&sg.egress) {
            if let m::SgPeer::PrefixList(id) = &rule.peer {
                referenced.insert(id);
            }
        }
    }
    all.iter()
        .filter(|(id, name)| referenced.contains(id.as_str()) || is_s3_prefix_list(name, region))
        .cloned()
        .collect()
}

/// `com.amazonaws.us-east-1.s3`, or `cn.com.amazonaws.cn-north-1.s3` in the China partition.
fn is_s3_prefix_list(name: &str, region: &str) -> bool {
    name == format!("com.amazonaws.{region}.s3") || name == format!("cn.com.amazonaws.{region}.s3")
}

/// The ENIs of the interface endpoints (their private IPs and subnets).
fn endpoint_enis(net: &m::NetworkData) -> BTreeSet<String> {
    net.vpc_endpoints
        .values()
        .flat_map(|e| e.network_interface_ids.iter().cloned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mapping (pure)
// ---------------------------------------------------------------------------------------------

fn parse_net(cidr: Option<&str>) -> Option<IpNet> {
    cidr?.trim().parse().ok()
}

fn parse_v4(cidr: Option<&str>) -> Option<Ipv4Net> {
    cidr?.trim().parse().ok()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// `Available` → `available`, `pendingAcceptance` stays: EC2 enums are documented in one case
/// and sometimes returned in another; the model uses AWS's lower camel case.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A subnet needs its IDs, its zone, and an address block: IPv4, or IPv6 (an IPv6-only
/// subnet has no IPv4 block).
pub(crate) fn map_subnet(s: &t::Subnet) -> Option<m::Subnet> {
    let ipv6_cidr_blocks: Vec<IpNet> = s
        .ipv6_cidr_block_association_set()
        .iter()
        .filter(|a| {
            // A block counts unless its state says it is going or gone; a state code this SDK
            // does not know (moto writes one) is taken as live.
            !a.ipv6_cidr_block_state()
                .and_then(|st| st.state())
                .is_some_and(|code| {
                    matches!(
                        code.as_str(),
                        "disassociating" | "disassociated" | "failing" | "failed"
                    )
                })
        })
        .filter_map(|a| parse_net(a.ipv6_cidr_block()))
        .collect();
    let cidr_block = parse_v4(s.cidr_block());
    if cidr_block.is_none() && ipv6_cidr_blocks.is_empty() {
        return None;
    }
    Some(m::Subnet {
        id: s.subnet_id()?.to_string(),
        vpc_id: s.vpc_id()?.to_string(),
        cidr_block,
        availability_zone: s.availability_zone()?.to_string(),
        availability_zone_id: owned(s.availability_zone_id()),
        available_ip_address_count: s
            .available_ip_address_count()
            .and_then(|n| u32::try_from(n).ok()),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        ipv6_native: s.ipv6_native().unwrap_or(false),
        ipv6_cidr_blocks,
        enable_dns64: s.enable_dns64().unwrap_or(false),
    })
}

/// A CIDR association counts unless its state says otherwise (`disassociated`, `failed` …).
fn associated(state: Option<&t::VpcCidrBlockState>) -> bool {
    state
        .and_then(|s| s.state())
        .is_none_or(|code| code.as_str() == "associated")
}

pub(crate) fn map_vpc(v: &t::Vpc) -> Option<m::Vpc> {
    let mut cidr_blocks: Vec<Ipv4Net> = parse_v4(v.cidr_block()).into_iter().collect();
    for assoc in v.cidr_block_association_set() {
        if associated(assoc.cidr_block_state()) {
            if let Some(net) = parse_v4(assoc.cidr_block()) {
                if !cidr_blocks.contains(&net) {
                    cidr_blocks.push(net);
                }
            }
        }
    }
    let ipv6_cidr_blocks = v
        .ipv6_cidr_block_association_set()
        .iter()
        .filter(|a| associated(a.ipv6_cidr_block_state()))
        .filter_map(|a| parse_net(a.ipv6_cidr_block()))
        .collect();
    Some(m::Vpc {
        id: v.vpc_id()?.to_string(),
        cidr_blocks,
        ipv6_cidr_blocks,
        // moto reports "default" for a VPC without a DHCP options set: AmazonProvidedDNS.
        dhcp_options_id: owned(v.dhcp_options_id()).filter(|id| id != "default"),
        enable_dns_support: None,
        enable_dns_hostnames: None,
    })
}

pub(crate) fn map_dhcp_options(d: &t::DhcpOptions) -> Option<m::DhcpOptions> {
    Some(m::DhcpOptions {
        id: d.dhcp_options_id()?.to_string(),
        domain_name_servers: d
            .dhcp_configurations()
            .iter()
            .filter(|c| c.key() == Some("domain-name-servers"))
            .flat_map(|c| c.values())
            .filter_map(|v| owned(v.value()))
            .collect(),
    })
}

pub(crate) fn map_availability_zone(z: &t::AvailabilityZone) -> Option<m::AvailabilityZone> {
    Some(m::AvailabilityZone {
        name: z.zone_name()?.to_string(),
        zone_id: z.zone_id()?.to_string(),
        zone_type: owned(z.zone_type()),
    })
}

pub(crate) fn map_route_table(rt: &t::RouteTable) -> Option<m::RouteTable> {
    Some(m::RouteTable {
        id: rt.route_table_id()?.to_string(),
        vpc_id: rt.vpc_id()?.to_string(),
        main: rt.associations().iter().any(|a| a.main() == Some(true)),
        subnet_associations: rt
            .associations()
            .iter()
            .filter_map(|a| owned(a.subnet_id()))
            .collect(),
        routes: rt.routes().iter().filter_map(map_route).collect(),
    })
}

pub(crate) fn map_route(r: &t::Route) -> Option<m::Route> {
    let destination = if let Some(pl) = owned(r.destination_prefix_list_id()) {
        m::RouteDestination::PrefixList(pl)
    } else {
        let cidr = parse_net(r.destination_cidr_block())
            .or_else(|| parse_net(r.destination_ipv6_cidr_block()))?;
        m::RouteDestination::Cidr(cidr)
    };
    // For a route to an instance AWS sets both the ENI and the instance; the ENI is what
    // carries the traffic.
    let target = [
        r.gateway_id(),
        r.nat_gateway_id(),
        r.transit_gateway_id(),
        r.vpc_peering_connection_id(),
        r.network_interface_id(),
        r.instance_id(),
        r.egress_only_internet_gateway_id(),
        r.local_gateway_id(),
        r.carrier_gateway_id(),
        r.core_network_arn(),
        r.odb_network_arn(),
    ]
    .into_iter()
    .find_map(owned)?;
    Some(m::Route {
        destination,
        target,
        state: r
            .state()
            .map(|s| s.as_str().to_ascii_lowercase())
            .unwrap_or_else(|| "active".to_string()),
        origin: r.origin().map(|o| o.as_str().to_string()),
    })
}

pub(crate) fn map_peering_connection(p: &t::VpcPeeringConnection) -> Option<m::PeeringConnection> {
    fn side(v: Option<&t::VpcPeeringConnectionVpcInfo>) -> Option<m::PeerVpc> {
        let v = v?;
        Some(m::PeerVpc {
            vpc_id: v.vpc_id()?.to_string(),
            owner_id: owned(v.owner_id()),
            region: owned(v.region()),
            cidr_blocks: v
                .cidr_block_set()
                .iter()
                .filter_map(|c| parse_net(c.cidr_block()))
                .chain(
                    v.ipv6_cidr_block_set()
                        .iter()
                        .filter_map(|c| parse_net(c.ipv6_cidr_block())),
                )
                .chain(
                    // Older answers (and moto) give only the primary block.
                    v.cidr_block_set()
                        .is_empty()
                        .then(|| parse_net(v.cidr_block()))
                        .flatten(),
                )
                .collect(),
        })
    }
    Some(m::PeeringConnection {
        id: p.vpc_peering_connection_id()?.to_string(),
        status: p
            .status()
            .and_then(|s| s.code())
            .map(|c| c.as_str().to_string())
            .unwrap_or_else(|| "unknown".into()),
        requester: side(p.requester_vpc_info())?,
        accepter: side(p.accepter_vpc_info())?,
    })
}

pub(crate) fn map_internet_gateway(g: &t::InternetGateway) -> Option<m::InternetGateway> {
    Some(m::InternetGateway {
        id: g.internet_gateway_id()?.to_string(),
        attached_vpcs: g
            .attachments()
            .iter()
            .filter(|a| {
                a.state()
                    .is_some_and(|s| matches!(s.as_str(), "available" | "attached"))
            })
            .filter_map(|a| owned(a.vpc_id()))
            .collect(),
    })
}

pub(crate) fn map_nat_gateway(n: &t::NatGateway) -> Option<m::NatGateway> {
    let addresses = n.nat_gateway_addresses();
    Some(m::NatGateway {
        id: n.nat_gateway_id()?.to_string(),
        vpc_id: n.vpc_id()?.to_string(),
        subnet_id: n.subnet_id()?.to_string(),
        state: n
            .state()
            .map(|s| s.as_str().to_ascii_lowercase())
            .unwrap_or_default(),
        connectivity_type: n.connectivity_type().map(|c| c.as_str().to_string()),
        public_ips: addresses
            .iter()
            .filter_map(|a| owned(a.public_ip()))
            .collect(),
        private_ips: addresses
            .iter()
            .filter_map(|a| owned(a.private_ip()))
            .collect(),
        failure_message: owned(n.failure_message()),
    })
}

pub(crate) fn map_vpc_endpoint(e: &t::VpcEndpoint) -> Option<m::VpcEndpoint> {
    Some(m::VpcEndpoint {
        id: e.vpc_endpoint_id()?.to_string(),
        vpc_id: e.vpc_id()?.to_string(),
        service_name: e.service_name()?.to_string(),
        endpoint_type: e
            .vpc_endpoint_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        state: e
            .state()
            .map(|s| lower_first(s.as_str()))
            .unwrap_or_default(),
        private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
        subnet_ids: e.subnet_ids().to_vec(),
        security_group_ids: e
            .groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        network_interface_ids: e.network_interface_ids().to_vec(),
        route_table_ids: e.route_table_ids().to_vec(),
        policy_document: owned(e.policy_document()),
    })
}

pub(crate) fn map_network_interface(n: &t::NetworkInterface) -> Option<m::NetworkInterface> {
    Some(m::NetworkInterface {
        id: n.network_interface_id()?.to_string(),
        subnet_id: n.subnet_id()?.to_string(),
        private_ip: owned(n.private_ip_address()),
        public_ip: n.association().and_then(|a| owned(a.public_ip())),
        security_group_ids: n
            .groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        interface_type: n.interface_type().map(|t| t.as_str().to_string()),
        description: owned(n.description()),
    })
}

pub(crate) fn map_security_group(g: &t::SecurityGroup) -> Option<m::SecurityGroup> {
    Some(m::SecurityGroup {
        id: g.group_id()?.to_string(),
        name: owned(g.group_name()),
        vpc_id: g.vpc_id()?.to_string(),
        ingress: flatten_permissions(g.ip_permissions()),
        egress: flatten_permissions(g.ip_permissions_egress()),
    })
}

/// One [`m::SgRule`] per peer: an `IpPermission` groups several CIDRs, groups and prefix lists
/// under one protocol and port range.
pub(crate) fn flatten_permissions(perms: &[t::IpPermission]) -> Vec<m::SgRule> {
    let mut rules = Vec::new();
    for p in perms {
        let Some(protocol) = owned(p.ip_protocol()) else {
            continue;
        };
        let all_traffic = protocol == "-1";
        let (from_port, to_port) = if all_traffic {
            (None, None)
        } else {
            (p.from_port(), p.to_port())
        };
        let mut push = |peer: m::SgPeer, description: Option<&str>| {
            rules.push(m::SgRule {
                protocol: protocol.clone(),
                from_port,
                to_port,
                peer,
                description: owned(description),
                rule_id: None,
            });
        };
        for r in p.ip_ranges() {
            if let Some(net) = parse_net(r.cidr_ip()) {
                push(m::SgPeer::Cidr(net), r.description());
            }
        }
        for r in p.ipv6_ranges() {
            if let Some(net) = parse_net(r.cidr_ipv6()) {
                push(m::SgPeer::Cidr(net), r.description());
            }
        }
        for pair in p.user_id_group_pairs() {
            if let Some(id) = owned(pair.group_id()) {
                push(m::SgPeer::SecurityGroup(id), pair.description());
            }
        }
        for pl in p.prefix_list_ids() {
            if let Some(id) = owned(pl.prefix_list_id()) {
                push(m::SgPeer::PrefixList(id), pl.description());
            }
        }
    }
    rules
}

pub(crate) fn map_network_acl(n: &t::NetworkAcl) -> Option<m::NetworkAcl> {
    Some(m::NetworkAcl {
        id: n.network_acl_id()?.to_string(),
        vpc_id: n.vpc_id()?.to_string(),
        is_default: n.is_default().unwrap_or(false),
        subnet_associations: n
            .associations()
            .iter()
            .filter_map(|a| owned(a.subnet_id()))
            .collect(),
        entries: n.entries().iter().filter_map(map_nacl_entry).collect(),
    })
}

pub(crate) fn map_nacl_entry(e: &t::NetworkAclEntry) -> Option<m::NaclEntry> {
    Some(m::NaclEntry {
        rule_number: e.rule_number()?,
        egress: e.egress().unwrap_or(false),
        protocol: owned(e.protocol())?,
        action: e.rule_action()?.as_str().to_ascii_lowercase(),
        cidr: parse_net(e.cidr_block()).or_else(|| parse_net(e.ipv6_cidr_block()))?,
        port_from: e.port_range().and_then(|r| r.from()),
        port_to: e.port_range().and_then(|r| r.to()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test CIDR")
    }

    #[test]
    fn route_to_cidr_and_prefix_list() {
        let r = t::Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id("nat-1")
            .state(t::RouteState::Active)
            .origin(t::RouteOrigin::CreateRoute)
            .build();
        let m = map_route(&r).expect("mapped");
        assert_eq!(m.destination, m::RouteDestination::Cidr(net("0.0.0.0/0")));
        assert_eq!(m.target, "nat-1");
        assert_eq!(m.state, "active");
        assert_eq!(m.origin.as_deref(), Some("CreateRoute"));

        let r = t::Route::builder()
            .destination_prefix_list_id("pl-63a5400a")
            .gateway_id("vpce-1")
            .state(t::RouteState::Blackhole)
            .build();
        let m = map_route(&r).expect("mapped");
        assert_eq!(
            m.destination,
            m::RouteDestination::PrefixList("pl-63a5400a".into())
        );
        assert_eq!(m.target, "vpce-1");
        assert_eq!(m.state, "blackhole");
    }

    #[test]
    fn route_prefers_eni_over_instance_and_skips_targetless() {
        let r = t::Route::builder()
            .destination_cidr_block("10.1.0.0/16")
            .instance_id("i-1")
            .network_interface_id("eni-1")
            .build();
        assert_eq!(map_route(&r).expect("mapped").target, "eni-1");
        let r = t::Route::builder()
            .destination_cidr_block("10.1.0.0/16")
            .build();
        assert!(map_route(&r).is_none());
        let r = t::Route::builder()
            .destination_ipv6_cidr_block("::/0")
            .egress_only_internet_gateway_id("eigw-1")
            .build();
        let m = map_route(&r).expect("mapped");
        assert_eq!(m.destination, m::RouteDestination::Cidr(net("::/0")));
        assert_eq!(m.target, "eigw-1");
    }

    #[test]
    fn route_table_main_and_associations() {
        let rt = t::RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .associations(t::RouteTableAssociation::builder().main(true).build())
            .associations(
                t::RouteTableAssociation::builder()
                    .main(false)
                    .subnet_id("subnet-1")
                    .build(),
            )
            .routes(
                t::Route::builder()
                    .destination_cidr_block("10.0.0.0/16")
                    .gateway_id("local")
                    .build(),
            )
            .build();
        let m = map_route_table(&rt).expect("mapped");
        assert!(m.main);
        assert_eq!(m.subnet_associations, vec!["subnet-1".to_string()]);
        assert_eq!(m.routes.len(), 1);
        assert_eq!(m.routes[0].target, "local");
    }

    #[test]
    fn sg_rules_are_flattened_per_peer() {
        let perm = t::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(443)
            .to_port(443)
            .ip_ranges(t::IpRange::builder().cidr_ip("10.0.0.0/16").build())
            .ipv6_ranges(t::Ipv6Range::builder().cidr_ipv6("::/0").build())
            .user_id_group_pairs(t::UserIdGroupPair::builder().group_id("sg-2").build())
            .prefix_list_ids(t::PrefixListId::builder().prefix_list_id("pl-1").build())
            .build();
        let all = t::IpPermission::builder()
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .ip_ranges(
                t::IpRange::builder()
                    .cidr_ip("0.0.0.0/0")
                    .description("all out")
                    .build(),
            )
            .build();
        let rules = flatten_permissions(&[perm, all]);
        assert_eq!(rules.len(), 5);
        assert_eq!(rules[0].peer, m::SgPeer::Cidr(net("10.0.0.0/16")));
        assert_eq!(rules[0].from_port, Some(443));
        assert_eq!(rules[1].peer, m::SgPeer::Cidr(net("::/0")));
        assert_eq!(rules[2].peer, m::SgPeer::SecurityGroup("sg-2".into()));
        assert_eq!(rules[3].peer, m::SgPeer::PrefixList("pl-1".into()));
        assert_eq!(rules[4].protocol, "-1");
        assert_eq!(rules[4].from_port, None);
        assert_eq!(rules[4].to_port, None);
        assert_eq!(rules[4].description.as_deref(), Some("all out"));
    }

    #[test]
    fn nacl_entries() {
        let e = t::NetworkAclEntry::builder()
            .rule_number(100)
            .protocol("6")
            .rule_action(t::RuleAction::Allow)
            .egress(true)
            .cidr_block("0.0.0.0/0")
            .port_range(t::PortRange::builder().from(443).to(443).build())
            .build();
        let m = map_nacl_entry(&e).expect("mapped");
        assert_eq!(m.rule_number, 100);
        assert!(m.egress);
        assert_eq!(m.protocol, "6");
        assert_eq!(m.action, "allow");
        assert_eq!(m.port_from, Some(443));
        let e = t::NetworkAclEntry::builder()
            .rule_number(32767)
            .protocol("-1")
            .rule_action(t::RuleAction::Deny)
            .ipv6_cidr_block("::/0")
            .build();
        let m = map_nacl_entry(&e).expect("mapped");
        assert_eq!(m.action, "deny");
        assert!(!m.egress);
        assert_eq!(m.cidr, net("::/0"));
        assert_eq!(m.port_from, None);
    }

    #[test]
    fn vpc_default_dhcp_options_and_cidrs() {
        let v = t::Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .dhcp_options_id("default")
            .cidr_block_association_set(
                t::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.0.0.0/16")
                    .build(),
            )
            .cidr_block_association_set(
                t::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.1.0.0/16")
                    .cidr_block_state(
                        t::VpcCidrBlockState::builder()
                            .state(t::VpcCidrBlockStateCode::Associated)
                            .build(),
                    )
                    .build(),
            )
            .cidr_block_association_set(
                t::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.2.0.0/16")
                    .cidr_block_state(
                        t::VpcCidrBlockState::builder()
                            .state(t::VpcCidrBlockStateCode::Disassociated)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let m = map_vpc(&v).expect("mapped");
        assert_eq!(m.dhcp_options_id, None);
        assert_eq!(
            m.cidr_blocks,
            vec![
                "10.0.0.0/16".parse::<Ipv4Net>().expect("cidr"),
                "10.1.0.0/16".parse::<Ipv4Net>().expect("cidr")
            ]
        );
        let v = t::Vpc::builder()
            .vpc_id("vpc-2")
            .cidr_block("10.0.0.0/16")
            .dhcp_options_id("dopt-1")
            .build();
        assert_eq!(
            map_vpc(&v).expect("mapped").dhcp_options_id.as_deref(),
            Some("dopt-1")
        );
    }

    #[test]
    fn subnet_requires_ids_and_cidr() {
        let s = t::Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .availability_zone("us-east-1a")
            .availability_zone_id("use1-az1")
            .available_ip_address_count(250)
            .map_public_ip_on_launch(true)
            .build();
        let m = map_subnet(&s).expect("mapped");
        assert_eq!(m.available_ip_address_count, Some(250));
        assert!(m.map_public_ip_on_launch);
        assert!(!m.ipv6_native);
        assert!(m.ipv6_cidr_blocks.is_empty());
        assert!(!m.enable_dns64);
        let s = t::Subnet::builder().subnet_id("subnet-2").build();
        assert!(map_subnet(&s).is_none());
    }

    #[test]
    fn an_ipv6_only_subnet_is_modelled_without_an_ipv4_block() {
        // The shape AWS returns for an IPv6-native subnet: no CidrBlock at all.
        let block = |cidr: &str, state: &str| {
            t::SubnetIpv6CidrBlockAssociation::builder()
                .ipv6_cidr_block(cidr)
                .ipv6_cidr_block_state(
                    t::SubnetCidrBlockState::builder()
                        .state(t::SubnetCidrBlockStateCode::from(state))
                        .build(),
                )
                .build()
        };
        let s = t::Subnet::builder()
            .subnet_id("subnet-6")
            .vpc_id("vpc-1")
            .availability_zone("us-east-1a")
            .ipv6_native(true)
            .enable_dns64(true)
            .ipv6_cidr_block_association_set(block("2600:1f18:1:100::/64", "associated"))
            .ipv6_cidr_block_association_set(block("2600:1f18:1:200::/64", "disassociated"))
            .build();
        let m = map_subnet(&s).expect("mapped");
        assert_eq!(m.cidr_block, None);
        assert!(m.ipv6_only() && m.enable_dns64);
        assert_eq!(
            m.ipv6_cidr_blocks,
            vec!["2600:1f18:1:100::/64".parse().unwrap()]
        );
        assert_eq!(m.task_net().to_string(), "2600:1f18:1:100::/64");
        // Neither block: not a subnet the model can hold.
        let s = t::Subnet::builder()
            .subnet_id("subnet-7")
            .vpc_id("vpc-1")
            .availability_zone("us-east-1a")
            .ipv6_native(true)
            .build();
        assert!(map_subnet(&s).is_none());
    }

    #[test]
    fn dhcp_domain_name_servers() {
        let d = t::DhcpOptions::builder()
            .dhcp_options_id("dopt-1")
            .dhcp_configurations(
                t::DhcpConfiguration::builder()
                    .key("domain-name")
                    .values(t::AttributeValue::builder().value("corp").build())
                    .build(),
            )
            .dhcp_configurations(
                t::DhcpConfiguration::builder()
                    .key("domain-name-servers")
                    .values(t::AttributeValue::builder().value("10.0.0.2").build())
                    .values(t::AttributeValue::builder().value("10.0.0.3").build())
                    .build(),
            )
            .build();
        let m = map_dhcp_options(&d).expect("mapped");
        assert_eq!(m.domain_name_servers, vec!["10.0.0.2", "10.0.0.3"]);
    }

    #[test]
    fn endpoint_state_and_groups() {
        let e = t::VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-1")
            .vpc_id("vpc-1")
            .service_name("com.amazonaws.us-east-1.ecr.dkr")
            .vpc_endpoint_type(t::VpcEndpointType::Interface)
            .state(t::State::Available)
            .private_dns_enabled(true)
            .subnet_ids("subnet-1")
            .groups(
                t::SecurityGroupIdentifier::builder()
                    .group_id("sg-1")
                    .build(),
            )
            .network_interface_ids("eni-1")
            .build();
        let m = map_vpc_endpoint(&e).expect("mapped");
        assert_eq!(m.state, "available");
        assert_eq!(m.endpoint_type, "Interface");
        assert_eq!(m.security_group_ids, vec!["sg-1"]);
        assert_eq!(m.network_interface_ids, vec!["eni-1"]);
        assert!(m.private_dns_enabled);
        assert_eq!(lower_first("pendingAcceptance"), "pendingAcceptance");
        assert_eq!(lower_first("PendingAcceptance"), "pendingAcceptance");
    }

    #[test]
    fn igw_attachments_and_nat() {
        let g = t::InternetGateway::builder()
            .internet_gateway_id("igw-1")
            .attachments(
                t::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .state(t::AttachmentStatus::from("available"))
                    .build(),
            )
            .attachments(
                t::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-2")
                    .state(t::AttachmentStatus::Detached)
                    .build(),
            )
            .build();
        assert_eq!(
            map_internet_gateway(&g).expect("mapped").attached_vpcs,
            vec!["vpc-1"]
        );

        let n = t::NatGateway::builder()
            .nat_gateway_id("nat-1")
            .vpc_id("vpc-1")
            .subnet_id("subnet-1")
            .state(t::NatGatewayState::Available)
            .nat_gateway_addresses(
                t::NatGatewayAddress::builder()
                    .public_ip("1.2.3.4")
                    .private_ip("10.0.0.5")
                    .network_interface_id("eni-9")
                    .build(),
            )
            .build();
        let m = map_nat_gateway(&n).expect("mapped");
        assert_eq!(m.state, "available");
        assert_eq!(m.connectivity_type, None);
        assert_eq!(m.public_ips, vec!["1.2.3.4"]);
        assert_eq!(m.private_ips, vec!["10.0.0.5"]);
    }

    #[test]
    fn prefix_lists_wanted() {
        let mut net = m::NetworkData::default();
        net.route_tables.insert(
            "rtb-1".into(),
            m::RouteTable {
                id: "rtb-1".into(),
                vpc_id: "vpc-1".into(),
                main: true,
                subnet_associations: vec![],
                routes: vec![m::Route {
                    destination: m::RouteDestination::PrefixList("pl-tgw".into()),
                    target: "tgw-1".into(),
                    state: "active".into(),
                    origin: None,
                }],
            },
        );
        let all = vec![
            (
                "pl-s3".to_string(),
                "com.amazonaws.us-east-1.s3".to_string(),
            ),
            (
                "pl-ddb".to_string(),
                "com.amazonaws.us-east-1.dynamodb".to_string(),
            ),
            ("pl-tgw".to_string(), "corp".to_string()),
        ];
        let wanted = wanted_prefix_lists(&net, &all, "us-east-1");
        let ids: Vec<&str> = wanted.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, vec!["pl-s3", "pl-tgw"]);
    }

    #[test]
    fn subnet_ipv6_blocks_and_dns64() {
        let block = |cidr: &str, state: t::SubnetCidrBlockStateCode| {
            t::SubnetIpv6CidrBlockAssociation::builder()
                .ipv6_cidr_block(cidr)
                .ipv6_cidr_block_state(t::SubnetCidrBlockState::builder().state(state).build())
                .build()
        };
        let s = t::Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .availability_zone("us-east-1a")
            .ipv6_cidr_block_association_set(block(
                "2600:1f18:1::/64",
                t::SubnetCidrBlockStateCode::Associated,
            ))
            .ipv6_cidr_block_association_set(block(
                "2600:1f18:2::/64",
                t::SubnetCidrBlockStateCode::Disassociated,
            ))
            .enable_dns64(true)
            .build();
        let m = map_subnet(&s).expect("mapped");
        assert_eq!(m.ipv6_cidr_blocks, vec![net("2600:1f18:1::/64")]);
        assert!(m.enable_dns64);
    }

    #[test]
    fn only_what_the_network_phase_did_not_read() {
        let mut net = m::NetworkData::default();
        let subnet = |id: &str| m::Subnet {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            cidr_block: Some("10.0.1.0/24".parse().expect("cidr")),
            availability_zone: "us-east-1a".into(),
            availability_zone_id: None,
            available_ip_address_count: None,
            map_public_ip_on_launch: false,
            ipv6_native: false,
            ipv6_cidr_blocks: vec![],
            enable_dns64: false,
        };
        net.subnets
            .insert("subnet-task".into(), subnet("subnet-task"));
        net.security_groups.insert(
            "sg-task".into(),
            m::SecurityGroup {
                id: "sg-task".into(),
                name: None,
                vpc_id: "vpc-1".into(),
                ingress: vec![],
                egress: vec![],
            },
        );
        net.network_acls.insert(
            "acl-1".into(),
            m::NetworkAcl {
                id: "acl-1".into(),
                vpc_id: "vpc-1".into(),
                is_default: true,
                subnet_associations: vec!["subnet-task".into()],
                entries: vec![],
            },
        );
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        // A mount target in the task's VPC: nothing more to read.
        assert_eq!(
            missing(&net, &ids(&["subnet-task"]), &ids(&["sg-task"])),
            Missing {
                subnets: ids(&[]),
                groups: ids(&[]),
                without_acl: ids(&[])
            }
        );
        // One in another VPC: its subnet, its group and its subnet's ACL.
        assert_eq!(
            missing(
                &net,
                &ids(&["subnet-task", "subnet-far"]),
                &ids(&["sg-far"])
            ),
            Missing {
                subnets: ids(&["subnet-far"]),
                groups: ids(&["sg-far"]),
                without_acl: ids(&["subnet-far"])
            }
        );
    }
}
