//! Fixtures for the per-check tests (each check file tests its own behaviour on a snapshot,
//! without moto): a healthy base snapshot collected from a moto scenario, and small helpers to
//! break one thing in it.

use fd_snapshot::{Snapshot, TaskDefinition};

use super::{Check, Outcome};
use crate::context::Cx;
use crate::report::CheckStatus;

/// A service on two private subnets (two zones) with a NAT gateway, one private ECR image,
/// awslogs, the AmazonECSTaskExecutionRolePolicy role: nothing wrong.
pub fn healthy_nat() -> Snapshot {
    fd_snapshot::load_str(
        include_str!("../../tests/fixtures/healthy-nat.json"),
        std::path::Path::new("healthy-nat.json"),
    )
    .expect("healthy-nat fixture")
}

/// The same service on private subnets with interface endpoints (ecr.api, ecr.dkr, logs) and
/// an S3 gateway endpoint, no NAT gateway: nothing wrong.
pub fn healthy_endpoints() -> Snapshot {
    fd_snapshot::load_str(
        include_str!("../../tests/fixtures/healthy-endpoints.json"),
        std::path::Path::new("healthy-endpoints.json"),
    )
    .expect("healthy-endpoints fixture")
}

/// Any engine fixture (`crates/engine/tests/fixtures/NAME.json`, collected from the moto
/// scenario of that name).
pub fn fixture(name: &str) -> Snapshot {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.json"));
    fd_snapshot::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that `check` fails on the engine fixture `name` and that its first finding names
/// one of the task's subnets.
pub fn assert_fails_naming_a_subnet(check: &Check, name: &str) {
    let snap = fixture(name);
    let out = run(check, &snap);
    assert_eq!(out.status, CheckStatus::Fail, "{name}: {:?}", out.detail);
    let subnets = subnets(&snap);
    assert!(
        out.findings[0]
            .resources
            .iter()
            .any(|r| subnets.contains(r)),
        "{name}: the finding names a task subnet: {:?}",
        out.findings[0].resources
    );
}

/// Asserts that `check` passes on `snap`, showing its detail when it does not.
pub fn assert_passes(check: &Check, snap: &Snapshot) {
    let out = run(check, snap);
    assert_eq!(out.status, CheckStatus::Pass, "{:?}", out.detail);
}

/// What AWS says of resources that do not exist: removes `keys` from a map of the snapshot
/// (through `remove`) and records a not-found lookup of each with `op`.
pub fn not_found(
    snap: &mut Snapshot,
    op: fd_snapshot::Op,
    keys: Vec<String>,
    remove: impl Fn(&mut Snapshot, &str),
) {
    assert!(!keys.is_empty(), "nothing to remove");
    for k in keys {
        remove(snap, &k);
        snap.calls.push(fd_snapshot::ApiCall {
            outcome: fd_snapshot::CallOutcome::NotFound,
            error_code: Some("NotFound".into()),
            ..fd_snapshot::ApiCall::of_key(op, k)
        });
    }
}

/// Every role of the snapshot read, with no policy attached or inline: allowed nothing.
pub fn without_policies(snap: &mut Snapshot) {
    for r in snap.iam.roles.values_mut() {
        r.attached_policies = Some(vec![]);
        r.inline_policies = Some(vec![]);
    }
}

/// Runs `check` on the snapshot's first target.
/// The value of a lookup the test knows is there.
pub fn found<'a, T>(f: fd_snapshot::Found<'a, T>) -> &'a T {
    match f {
        fd_snapshot::Found::Yes(v) => v,
        fd_snapshot::Found::Missing => panic!("not found"),
        fd_snapshot::Found::Unknown(why) => panic!("unknown: {why}"),
    }
}

pub fn run(check: &Check, snap: &Snapshot) -> Outcome {
    let cx = Cx::new(snap, &snap.targets[0]);
    super::decide(check, &cx)
}

pub fn status(check: &Check, snap: &Snapshot) -> CheckStatus {
    run(check, snap).status
}

/// The first target's task definition.
pub fn td(snap: &mut Snapshot) -> &mut TaskDefinition {
    let key = snap.targets[0]
        .task_definition
        .clone()
        .expect("task definition");
    snap.ecs
        .task_definitions
        .get_mut(&key)
        .expect("task definition body")
}

/// The first target's subnets, in order.
pub fn subnets(snap: &Snapshot) -> Vec<String> {
    snap.targets[0]
        .network_configuration
        .as_ref()
        .map(|n| n.subnets.clone())
        .unwrap_or_default()
}

/// The first target's security groups.
pub fn task_groups(snap: &Snapshot) -> Vec<String> {
    snap.targets[0]
        .network_configuration
        .as_ref()
        .map(|n| n.security_groups.clone())
        .unwrap_or_default()
}

/// Adds an EFS volume on `fs_id` (optionally through an access point, with IAM authorization)
/// mounted read-write by every container.
pub fn efs_volume(snap: &mut Snapshot, fs_id: &str, access_point: Option<&str>, iam: bool) {
    use fd_snapshot::{EfsVolume, MountPoint, Volume, VolumeKind};
    let td = td(snap);
    td.volumes.push(Volume {
        name: "data".into(),
        kind: VolumeKind::Efs(EfsVolume {
            file_system_id: fs_id.into(),
            transit_encryption: true,
            access_point_id: access_point.map(str::to_string),
            iam,
            ..Default::default()
        }),
    });
    for c in &mut td.containers {
        c.mount_points.push(MountPoint {
            source_volume: "data".into(),
            container_path: Some("/data".into()),
            read_only: false,
        });
    }
}

/// An available file system with the default policy and one mount target per `(subnet, sg)`
/// (address: the subnet's 10th host).
pub fn efs_file_system(snap: &mut Snapshot, fs_id: &str, targets: &[(&str, &str)]) {
    use fd_snapshot::{Fetched, FileSystem, MountTarget};
    let mount_targets = targets
        .iter()
        .enumerate()
        .map(|(i, (subnet, sg))| {
            let s = found(snap.subnet(subnet));
            MountTarget {
                id: format!("fsmt-{i}"),
                subnet_id: subnet.to_string(),
                vpc_id: Some(s.vpc_id.clone()),
                availability_zone: Some(s.availability_zone.clone()),
                availability_zone_id: s.availability_zone_id.clone(),
                ip_address: s
                    .cidr_block
                    .and_then(|c| c.hosts().nth(9))
                    .map(|h| h.to_string()),
                network_interface_id: None,
                life_cycle_state: "available".into(),
                security_groups: Fetched::found(vec![sg.to_string()]),
            }
        })
        .collect();
    snap.efs.file_systems.insert(
        fs_id.into(),
        Fetched::found(FileSystem {
            id: fs_id.into(),
            arn: Some(format!(
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{fs_id}"
            )),
            life_cycle_state: "available".into(),
            mount_targets: Fetched::found(mount_targets),
            policy: Fetched::Absent {
                call: "efs:DescribeFileSystemPolicy".into(),
                detail: None,
            },
        }),
    );
}

/// A security group in the first subnet's VPC with the given ingress rules (TCP from/to, peer
/// security group) and allow-all egress.
pub fn security_group(snap: &mut Snapshot, id: &str, ingress_tcp: &[(i32, i32, &str)]) {
    use fd_snapshot::{SecurityGroup, SgPeer, SgRule};
    let vpc = found(snap.subnet(&subnets(snap)[0])).vpc_id.clone();
    let rule = |from: Option<i32>, to: Option<i32>, proto: &str, peer: SgPeer| SgRule {
        protocol: proto.into(),
        from_port: from,
        to_port: to,
        peer,
        description: None,
        rule_id: None,
    };
    snap.network.security_groups.insert(
        id.into(),
        SecurityGroup {
            id: id.into(),
            name: Some(id.into()),
            vpc_id: vpc,
            ingress: ingress_tcp
                .iter()
                .map(|(f, t, g)| {
                    rule(
                        Some(*f),
                        Some(*t),
                        "tcp",
                        SgPeer::SecurityGroup(g.to_string()),
                    )
                })
                .collect(),
            egress: vec![rule(
                None,
                None,
                "-1",
                SgPeer::Cidr("0.0.0.0/0".parse().expect("cidr")),
            )],
        },
    );
}

/// Every route of the snapshot's route tables to a NAT gateway goes to `target` instead (a
/// `0.0.0.0/0 -> pcx-…` or `-> tgw-…` "hub" default route).
pub fn default_route_to(snap: &mut Snapshot, target: &str) {
    for t in snap.network.route_tables.values_mut() {
        for r in &mut t.routes {
            if r.target.starts_with("nat-") {
                r.target = target.to_string();
            }
        }
    }
}

/// An active VPC peering connection `id` from the first subnet's VPC to a hub VPC
/// `vpc-hub` (10.99.0.0/16), routed from every route table that has a default route.
pub fn peering_to_hub(snap: &mut Snapshot, id: &str) {
    use fd_snapshot::{PeerVpc, PeeringConnection, Route, RouteDestination};
    let vpc = found(snap.subnet(&subnets(snap)[0])).vpc_id.clone();
    let hub: ipnet::IpNet = "10.99.0.0/16".parse().expect("cidr");
    snap.network.peering_connections.insert(
        id.into(),
        PeeringConnection {
            id: id.into(),
            status: "active".into(),
            requester: PeerVpc {
                vpc_id: vpc,
                owner_id: Some("123456789012".into()),
                region: Some("us-east-1".into()),
                cidr_blocks: vec![],
            },
            accepter: PeerVpc {
                vpc_id: "vpc-hub".into(),
                owner_id: Some("123456789012".into()),
                region: Some("us-east-1".into()),
                cidr_blocks: vec![hub],
            },
        },
    );
    for t in snap.network.route_tables.values_mut() {
        t.routes.push(Route {
            destination: RouteDestination::Cidr(hub),
            target: id.into(),
            state: "active".into(),
            origin: None,
        });
    }
}

/// Private hosted zones associated with the first subnet's VPC, one per name the task needs,
/// each answering its name with an address in the hub VPC (10.99.0.10, .11 …): centralised
/// interface endpoints shared through a private hosted zone. Resolver rules and DNS Firewall
/// read as empty.
pub fn hub_zones(snap: &mut Snapshot) {
    use fd_snapshot::{Fetched, HostedZone, RecordAnswer};
    let hosts: Vec<String> = {
        let cx = Cx::new(snap, &snap.targets[0]);
        let mut h: Vec<String> = cx.dests.iter().map(|d| d.host.clone()).collect();
        h.dedup();
        h
    };
    let zones = hosts
        .iter()
        .enumerate()
        .map(|(i, host)| HostedZone {
            id: format!("ZHUB{i}"),
            name: host.clone(),
            records: Fetched::found(vec![host.clone()]),
            answers: Some(
                [(
                    host.clone(),
                    RecordAnswer {
                        addresses: vec![format!("10.99.0.{}", 10 + i).parse().expect("ip")],
                        target: None,
                    },
                )]
                .into(),
            ),
        })
        .collect();
    let vpc = found(snap.subnet(&subnets(snap)[0])).vpc_id.clone();
    snap.dns
        .private_zones
        .insert(vpc.clone(), Fetched::found(zones));
    snap.dns
        .resolver_rules
        .insert(vpc.clone(), Fetched::found(vec![]));
    snap.dns
        .firewall_rule_groups
        .insert(vpc, Fetched::found(vec![]));
}

/// The private hosted zones of the first subnet's VPC could not be listed
/// (route53:ListHostedZonesByVPC denied).
pub fn zones_unread(snap: &mut Snapshot) {
    let vpc = found(snap.subnet(&subnets(snap)[0])).vpc_id.clone();
    snap.dns.private_zones.insert(
        vpc,
        fd_snapshot::Fetched::Unreadable {
            call: "route53:ListHostedZonesByVPC".into(),
            reason: "AccessDenied".into(),
        },
    );
}

/// The first target's subnets become IPv6-only as AWS describes them: `Ipv6Native`, no IPv4
/// block, one IPv6 /64 each.
pub fn ipv6_only_subnets(snap: &mut Snapshot) {
    for (i, s) in subnets(snap).into_iter().enumerate() {
        let sub = snap.network.subnets.get_mut(&s).expect("subnet");
        sub.ipv6_native = true;
        sub.cidr_block = None;
        sub.available_ip_address_count = Some(0);
        sub.ipv6_cidr_blocks = vec![format!("2600:1f18:1:{}00::/64", i + 1)
            .parse()
            .expect("cidr")];
    }
}
