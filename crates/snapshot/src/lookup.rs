//! The keyed reads of a snapshot: [`Snapshot`] accessors that answer found / missing / unknown
//! from a [`Keyed`] map, the facts files and events gave, and the read log of calls. Above the
//! model (which only holds [`Keyed`] maps), so that neither imports the other both ways.

use crate::keyed::{Found, Keyed};
use crate::model::*;
use crate::read::{ApiCall, CallOutcome, FactOrigin, Provided};
use crate::Collection;
use crate::Op;

/// When a successful call of an op, not scoped exactly to a key, proves the key absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    /// The op filters by this ID filter (`subnet-id`): a successful call whose filter listed
    /// the key covers it.
    IdFilter(&'static str),
    /// The call read a whole account/Region, or every item of some VPCs: the key (an ID of
    /// something in a VPC) does not say which VPC it would be in, so any successful call of the
    /// op counts as covering it.
    AnySuccess,
    /// A lookup by name: only a call scoped exactly to the key covers it.
    Exact,
}

impl Coverage {
    fn id_filter(self) -> Option<&'static str> {
        match self {
            Coverage::IdFilter(f) => Some(f),
            Coverage::AnySuccess | Coverage::Exact => None,
        }
    }

    /// Whether a successful call of the op proves `key` absent when it did not return it.
    fn covers(self, c: &ApiCall, key: &str) -> bool {
        match self {
            Coverage::Exact => false,
            Coverage::AnySuccess => true,
            Coverage::IdFilter(f) => c.scope.as_ref().is_some_and(|s| s.names(key, Some(f))),
        }
    }
}

/// The one keyed read. Conservative, since the worst answer is a false "pass":
/// 1. in the map → `Yes`;
/// 2. a file or an event gave the key ([`Snapshot::provided`]) but the map lacks it → `Unknown`
///    naming that origin: a thing a template will create is never looked up, so never missing;
/// 3. a call of `op` about `key` alone ([`crate::Scope::is_only`]) → its outcome (`ok`/`not_found` → `Missing`,
///    otherwise `Unknown(that call's failure)`);
/// 4. any call of `op` failed → `Unknown` (naming that call): the key may have been in it;
/// 5. a successful call of `op` that covers `key` (see [`Coverage`]) → `Missing`;
/// 6. otherwise → `Unknown("<op> for <key> is not in the snapshot")`.
fn lookup<'a, T>(
    snap: &Snapshot,
    map: &'a Keyed<T>,
    collection: Collection,
    key: &str,
    op: Op,
    coverage: Coverage,
) -> Found<'a, T> {
    if let Some(v) = map.find(key) {
        return Found::Yes(v);
    }
    if let Some(p) = snap.provided_of(collection, key) {
        return Found::Unknown(format!(
            "{key} comes from {}, but the snapshot does not describe it",
            p.origin
        ));
    }
    let of_op = || snap.calls.iter().filter(move |c| c.is(op));
    if let Some(c) = of_op().rev().find(|c| {
        c.scope
            .as_ref()
            .is_some_and(|s| s.is_only(key, coverage.id_filter()))
    }) {
        return if c.failed() {
            Found::Unknown(c.describe_failure())
        } else {
            Found::Missing
        };
    }
    if let Some(c) = of_op().find(|c| c.failed()) {
        return Found::Unknown(c.describe_failure());
    }
    if of_op().any(|c| c.outcome == CallOutcome::Ok && coverage.covers(c, key)) {
        return Found::Missing;
    }
    Found::Unknown(format!("{op} for {key} is not in the snapshot"))
}

/// Where a key of a map came from: the file or event that gave it, else the first successful
/// call of `op` that read it (scoped to it, or covering it).
fn origin<'a, T>(
    snap: &'a Snapshot,
    map: &Keyed<T>,
    collection: Collection,
    key: &str,
    op: Op,
    coverage: Coverage,
) -> Option<FactOrigin<'a>> {
    if let Some(p) = snap.provided_of(collection, key) {
        return Some(FactOrigin::Provided(&p.origin));
    }
    map.find(key)?;
    let ok = |c: &&ApiCall| c.is(op) && c.outcome == CallOutcome::Ok;
    snap.calls
        .iter()
        .filter(ok)
        .find(|c| {
            c.scope
                .as_ref()
                .is_some_and(|s| s.names(key, coverage.id_filter()))
        })
        .or_else(|| {
            snap.calls
                .iter()
                .filter(ok)
                .find(|c| coverage.covers(c, key))
        })
        .map(FactOrigin::Call)
}

impl Snapshot {
    /// The file or event entry that gave `key` of `collection`, if one did.
    pub fn provided_of(&self, collection: Collection, key: &str) -> Option<&Provided> {
        self.provided
            .iter()
            .find(|p| p.collection == collection && p.key == key)
    }
}

macro_rules! accessors {
    ($($(#[$doc:meta])* $name:ident ($variant:ident): $ty:ty => $($field:ident).+, $op:ident, $cov:expr;)*) => {
        impl Collection {
            /// Every collection, in the order of the accessor list.
            pub const ALL: &'static [Collection] = &[$(Collection::$variant,)*];

            /// The operation that reads this collection from AWS.
            pub const fn op(self) -> Op {
                match self {
                    $(Collection::$variant => Op::$op,)*
                }
            }
        }

        impl Snapshot {
            $(
                $(#[$doc])*
                pub fn $name(&self, key: &str) -> Found<'_, $ty> {
                    #[allow(unused_imports)]
                    use Coverage::*;
                    lookup(self, &self.$($field).+, Collection::$variant, key, Op::$op, $cov)
                }
            )*

            /// Where `key` of `collection` came from: the file or event that gave it (even when
            /// the snapshot lacks its description), or the successful AWS call that read it;
            /// `None` when neither did.
            pub fn origin(&self, collection: Collection, key: &str) -> Option<FactOrigin<'_>> {
                #[allow(unused_imports)]
                use Coverage::*;
                match collection {
                    $(Collection::$variant => origin(self, &self.$($field).+, collection, key, Op::$op, $cov),)*
                }
            }
        }
    };
}

accessors! {
    /// By zone name. DescribeAvailabilityZones is unscoped (every zone of the Region the
    /// account can use): any successful call covers every name.
    availability_zone (AvailabilityZone): AvailabilityZone => network.availability_zones, Ec2DescribeAvailabilityZones, AnySuccess;
    /// By VPC ID. DescribeVpcs filters by `vpc-id`: covered when a successful call listed it.
    vpc (Vpc): Vpc => network.vpcs, Ec2DescribeVpcs, IdFilter("vpc-id");
    /// By DHCP options ID. DescribeDhcpOptions filters by `dhcp-options-id`: covered when a
    /// successful call listed it.
    dhcp_options (DhcpOptions): DhcpOptions => network.dhcp_options, Ec2DescribeDhcpOptions, IdFilter("dhcp-options-id");
    /// By subnet ID. DescribeSubnets filters by `subnet-id` (the targets' subnets, mount target
    /// subnets) or by `vpc-id` (every subnet of the VPCs): covered only when a successful call
    /// listed the subnet ID itself (a VPC-wide read does not say which VPC a missing ID is in).
    subnet (Subnet): Subnet => network.subnets, Ec2DescribeSubnets, IdFilter("subnet-id");
    /// By route table ID. DescribeRouteTables reads every table of the targets' VPCs: any
    /// successful call covers (a table ID does not name its VPC).
    route_table (RouteTable): RouteTable => network.route_tables, Ec2DescribeRouteTables, AnySuccess;
    /// By gateway ID. DescribeInternetGateways reads the gateways attached to the targets' VPCs:
    /// any successful call covers (a gateway routed to but detached is indeed not there).
    internet_gateway (InternetGateway): InternetGateway => network.internet_gateways, Ec2DescribeInternetGateways, AnySuccess;
    /// By NAT gateway ID. DescribeNatGateways reads the targets' VPCs: any successful call
    /// covers.
    nat_gateway (NatGateway): NatGateway => network.nat_gateways, Ec2DescribeNatGateways, AnySuccess;
    /// By endpoint ID. DescribeVpcEndpoints reads the targets' VPCs: any successful call covers.
    vpc_endpoint (VpcEndpoint): VpcEndpoint => network.vpc_endpoints, Ec2DescribeVpcEndpoints, AnySuccess;
    /// By peering connection ID. DescribeVpcPeeringConnections filters by
    /// `vpc-peering-connection-id` (the connections routes name): covered when a successful
    /// call listed it.
    peering_connection (PeeringConnection): PeeringConnection => network.peering_connections, Ec2DescribeVpcPeeringConnections, IdFilter("vpc-peering-connection-id");
    /// By ENI ID. DescribeNetworkInterfaces filters by `network-interface-id`: covered when a
    /// successful call listed it.
    network_interface (NetworkInterface): NetworkInterface => network.network_interfaces, Ec2DescribeNetworkInterfaces, IdFilter("network-interface-id");
    /// By group ID. DescribeSecurityGroups filters by `group-id` (the task's groups, mount
    /// target groups) or `vpc-id` (every group of the VPCs): covered only when a successful call
    /// listed the group ID itself.
    security_group (SecurityGroup): SecurityGroup => network.security_groups, Ec2DescribeSecurityGroups, IdFilter("group-id");
    /// By ACL ID. DescribeNetworkAcls reads the targets' VPCs (or filters by associated subnet):
    /// any successful call covers.
    network_acl (NetworkAcl): NetworkAcl => network.network_acls, Ec2DescribeNetworkAcls, AnySuccess;
    /// By prefix list ID. DescribeManagedPrefixLists is unscoped (every list visible to the
    /// account): any successful call covers. A list that exists but whose entries could not be
    /// read is `Yes` with `cidrs: None`.
    prefix_list (PrefixList): PrefixList => network.prefix_lists, Ec2DescribeManagedPrefixLists, AnySuccess;
    /// By the reference a target gives (`family:revision` or the ARN): only
    /// DescribeTaskDefinition scoped to it covers.
    task_definition (TaskDefinition): TaskDefinition => ecs.task_definitions, EcsDescribeTaskDefinition, Exact;
    /// By the role ARN as the task definition gives it: only GetRole scoped to it covers.
    role (Role): Role => iam.roles, IamGetRole, Exact;
    /// By repository ARN: only DescribeRepositories scoped to it covers.
    repository (Repository): Repository => ecr.repositories, EcrDescribeRepositories, Exact;
    /// By the image reference as the container definition gives it: only DescribeImages scoped
    /// to it covers.
    image (Image): Image => ecr.images, EcrDescribeImages, Exact;
    /// By secret ID ([`crate::refs::secret_id`]): only DescribeSecret scoped to it covers.
    secret (Secret): Secret => resources.secrets, SecretsManagerDescribeSecret, Exact;
    /// By `valueFrom` as given: only DescribeParameters scoped to it covers.
    parameter (Parameter): Parameter => resources.parameters, SsmDescribeParameters, Exact;
    /// By `<region>:<name>` ([`crate::refs::log_group_key`]): only DescribeLogGroups scoped to it
    /// covers.
    log_group (LogGroup): LogGroup => resources.log_groups, LogsDescribeLogGroups, Exact;
    /// By the key ID, alias or ARN as referenced: only DescribeKey scoped to it covers.
    kms_key (KmsKey): KmsKey => resources.kms_keys, KmsDescribeKey, Exact;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(op: Op, scope: Option<&str>, outcome: CallOutcome) -> ApiCall {
        ApiCall {
            outcome,
            error_code: (outcome != CallOutcome::Ok).then(|| "Code".to_string()),
            ..ApiCall::of(op, scope.map(|s| crate::Scope::from_legacy(op, s)))
        }
    }

    fn subnet(id: &str) -> Subnet {
        Subnet {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            cidr_block: Some("10.0.0.0/24".parse().unwrap()),
            availability_zone: "us-east-1a".into(),
            availability_zone_id: None,
            available_ip_address_count: None,
            map_public_ip_on_launch: false,
            ipv6_native: false,
            ipv6_cidr_blocks: vec![],
            enable_dns64: false,
        }
    }

    fn snap(calls: Vec<ApiCall>) -> Snapshot {
        let mut s = Snapshot::new("us-east-1");
        s.network
            .subnets
            .insert("subnet-a".into(), subnet("subnet-a"));
        s.calls = calls;
        s
    }

    #[test]
    fn found() {
        let s = snap(vec![call(
            Op::Ec2DescribeSubnets,
            Some("subnet-a"),
            CallOutcome::Ok,
        )]);
        assert!(matches!(s.subnet("subnet-a"), Found::Yes(x) if x.id == "subnet-a"));
    }

    #[test]
    fn scoped_not_found_is_missing() {
        let s = snap(vec![call(
            Op::IamGetRole,
            Some("arn:r"),
            CallOutcome::NotFound,
        )]);
        assert_eq!(s.role("arn:r"), Found::Missing);
    }

    #[test]
    fn scoped_denied_is_unknown_with_that_call() {
        let s = snap(vec![
            call(Op::IamGetRole, Some("arn:other"), CallOutcome::NotFound),
            call(Op::IamGetRole, Some("arn:r"), CallOutcome::Denied),
        ]);
        assert_eq!(
            s.role("arn:r"),
            Found::Unknown("iam:GetRole was denied for arn:r (Code)".into())
        );
        // The last call for the scope wins (a retry that answered).
        let s = snap(vec![
            call(Op::IamGetRole, Some("arn:r"), CallOutcome::Throttled),
            call(Op::IamGetRole, Some("arn:r"), CallOutcome::NotFound),
        ]);
        assert_eq!(s.role("arn:r"), Found::Missing);
    }

    #[test]
    fn op_failed_elsewhere_is_unknown() {
        // The subnet-ID read covered subnet-b and succeeded, but the VPC-wide read failed.
        let s = snap(vec![
            call(
                Op::Ec2DescribeSubnets,
                Some("subnet-a,subnet-b"),
                CallOutcome::Ok,
            ),
            call(Op::Ec2DescribeSubnets, Some("vpc-1"), CallOutcome::Failed),
        ]);
        assert_eq!(
            s.subnet("subnet-b"),
            Found::Unknown("ec2:DescribeSubnets failed for vpc-1 (Code)".into())
        );
        // A failed GetRole of another role: this one may not have been read either.
        let s = snap(vec![call(
            Op::IamGetRole,
            Some("arn:other"),
            CallOutcome::Denied,
        )]);
        assert!(matches!(s.role("arn:r"), Found::Unknown(why) if why.contains("arn:other")));
    }

    #[test]
    fn covered_success_is_missing() {
        // By ID list.
        let s = snap(vec![call(
            Op::Ec2DescribeSubnets,
            Some("subnet-a,subnet-b"),
            CallOutcome::Ok,
        )]);
        assert_eq!(s.subnet("subnet-b"), Found::Missing);
        // A VPC-wide read does not cover an ID that is not in its list.
        let s = snap(vec![call(
            Op::Ec2DescribeSubnets,
            Some("vpc-1"),
            CallOutcome::Ok,
        )]);
        assert!(matches!(s.subnet("subnet-b"), Found::Unknown(_)));
        // Whole VPCs / account.
        let s = snap(vec![call(
            Op::Ec2DescribeInternetGateways,
            Some("vpc-1"),
            CallOutcome::Ok,
        )]);
        assert_eq!(s.internet_gateway("igw-1"), Found::Missing);
        let s = snap(vec![call(
            Op::Ec2DescribeAvailabilityZones,
            None,
            CallOutcome::Ok,
        )]);
        assert_eq!(s.availability_zone("us-east-1z"), Found::Missing);
        // A lookup by name is only covered by its own call.
        let s = snap(vec![call(
            Op::IamGetRole,
            Some("arn:other"),
            CallOutcome::Ok,
        )]);
        assert!(matches!(s.role("arn:r"), Found::Unknown(_)));
    }

    fn from_event(collection: Collection, key: &str) -> Provided {
        Provided {
            collection,
            key: key.into(),
            origin: crate::Origin::Event {
                id: "ev-1".into(),
                field: "detail.attachments[0].details[subnetId]".into(),
            },
        }
    }

    #[test]
    fn a_provided_key_is_never_answered_from_calls() {
        // The event named subnet-a and the snapshot describes it: found, with the event as its
        // origin, whatever DescribeSubnets later said.
        let mut s = snap(vec![call(
            Op::Ec2DescribeSubnets,
            Some("subnet-a"),
            CallOutcome::Ok,
        )]);
        s.provided.push(from_event(Collection::Subnet, "subnet-a"));
        assert!(matches!(s.subnet("subnet-a"), Found::Yes(_)));
        assert!(matches!(
            s.origin(Collection::Subnet, "subnet-a"),
            Some(FactOrigin::Provided(crate::Origin::Event { id, .. })) if id == "ev-1"
        ));
        // A file creates a role the snapshot does not describe: unknown, naming the file, even
        // though GetRole found nothing.
        let mut s = snap(vec![call(
            Op::IamGetRole,
            Some("arn:r"),
            CallOutcome::NotFound,
        )]);
        s.provided.push(Provided {
            collection: Collection::Role,
            key: "arn:r".into(),
            origin: crate::Origin::File {
                path: "main.tfplan.json".into(),
                line: None,
                address: Some("aws_iam_role.exec".into()),
            },
        });
        assert_eq!(
            s.role("arn:r"),
            Found::Unknown(
                "arn:r comes from main.tfplan.json (aws_iam_role.exec), but the snapshot does \
                 not describe it"
                    .into()
            )
        );
        // Another collection's entry of the same key does not count.
        assert_eq!(
            s.repository("arn:r"),
            Found::Unknown("ecr:DescribeRepositories for arn:r is not in the snapshot".into())
        );
    }

    #[test]
    fn the_origin_of_a_read_key_is_the_call_that_read_it() {
        let s = snap(vec![
            call(Op::Ec2DescribeSubnets, Some("vpc-1"), CallOutcome::Ok),
            call(
                Op::Ec2DescribeSubnets,
                Some("subnet-z,subnet-a"),
                CallOutcome::Ok,
            ),
        ]);
        let Some(FactOrigin::Call(c)) = s.origin(Collection::Subnet, "subnet-a") else {
            panic!("no call origin");
        };
        assert_eq!(
            c.scope,
            Some(crate::Scope::filter(
                "subnet-id",
                &["subnet-z".to_string(), "subnet-a".to_string()]
            ))
        );
        assert_eq!(
            FactOrigin::Call(c).to_string(),
            "ec2:DescribeSubnets for subnet-z,subnet-a"
        );
        assert_eq!(s.origin(Collection::Subnet, "subnet-b"), None);
    }

    #[test]
    fn nothing_recorded_is_unknown() {
        let s = snap(vec![]);
        assert_eq!(
            s.subnet("subnet-b"),
            Found::Unknown("ec2:DescribeSubnets for subnet-b is not in the snapshot".into())
        );
        assert_eq!(
            s.kms_key("alias/k"),
            Found::Unknown("kms:DescribeKey for alias/k is not in the snapshot".into())
        );
    }

    /// The saved snapshots (examples, engine fixtures) load as they are, and write back to the
    /// same data.
    #[test]
    fn saved_snapshots_load_unchanged() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut n = 0;
        for dir in ["examples", "crates/engine/tests/fixtures"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let snap = crate::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
                let text = serde_json::to_string(&snap).unwrap();
                assert_eq!(
                    crate::load_str(&text, &path).unwrap(),
                    snap,
                    "{}",
                    path.display()
                );
                n += 1;
            }
        }
        assert!(n >= 10, "{n}");
    }

    #[test]
    fn serialises_as_a_plain_map() {
        let mut k: Keyed<u32> = Keyed::new();
        k.insert("b".into(), 2);
        k.insert("a".into(), 1);
        let text = serde_json::to_string(&k).unwrap();
        assert_eq!(text, r#"{"a":1,"b":2}"#);
        let back: Keyed<u32> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, k);
    }
}
