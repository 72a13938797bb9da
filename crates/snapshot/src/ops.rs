//! The AWS operations fargate-doctor calls, typed: the collector records each call under one of
//! them and the engine asks for the outcome of one of them, so that the two cannot disagree on
//! a spelling. In the snapshot file a call is still `service` + `operation` text (stable, and
//! readable by people and older versions).

use std::fmt;

macro_rules! ops {
    ($($variant:ident = $service:literal : $name:literal,)*) => {
        /// One read-only AWS operation the collector makes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Op {
            $($variant,)*
        }

        impl Op {
            /// Every operation, in the order of this list.
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];

            /// The service as the snapshot names it (`ec2`, `ecs`, `iam` …).
            pub const fn service(self) -> &'static str {
                match self {
                    $(Op::$variant => $service,)*
                }
            }

            /// The API operation (`DescribeVpcs`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Op::$variant => $name,)*
                }
            }
        }
    };
}

ops! {
    Ec2DescribeAvailabilityZones = "ec2": "DescribeAvailabilityZones",
    Ec2DescribeDhcpOptions = "ec2": "DescribeDhcpOptions",
    Ec2DescribeInternetGateways = "ec2": "DescribeInternetGateways",
    Ec2DescribeManagedPrefixLists = "ec2": "DescribeManagedPrefixLists",
    Ec2DescribeNatGateways = "ec2": "DescribeNatGateways",
    Ec2DescribeNetworkAcls = "ec2": "DescribeNetworkAcls",
    Ec2DescribeNetworkInterfaces = "ec2": "DescribeNetworkInterfaces",
    Ec2DescribeRouteTables = "ec2": "DescribeRouteTables",
    Ec2DescribeSecurityGroups = "ec2": "DescribeSecurityGroups",
    Ec2DescribeSubnets = "ec2": "DescribeSubnets",
    Ec2DescribeVpcAttribute = "ec2": "DescribeVpcAttribute",
    Ec2DescribeVpcEndpoints = "ec2": "DescribeVpcEndpoints",
    Ec2DescribeVpcPeeringConnections = "ec2": "DescribeVpcPeeringConnections",
    Ec2DescribeVpcs = "ec2": "DescribeVpcs",
    Ec2GetManagedPrefixListEntries = "ec2": "GetManagedPrefixListEntries",
    EcrBatchGetImage = "ecr": "BatchGetImage",
    EcrDescribeImages = "ecr": "DescribeImages",
    EcrDescribePullThroughCacheRules = "ecr": "DescribePullThroughCacheRules",
    EcrDescribeRepositories = "ecr": "DescribeRepositories",
    EcrGetRepositoryPolicy = "ecr": "GetRepositoryPolicy",
    EcsDescribeServices = "ecs": "DescribeServices",
    EcsDescribeTaskDefinition = "ecs": "DescribeTaskDefinition",
    EcsDescribeTasks = "ecs": "DescribeTasks",
    EcsListClusters = "ecs": "ListClusters",
    EcsListServices = "ecs": "ListServices",
    EcsListTasks = "ecs": "ListTasks",
    EfsDescribeAccessPoints = "efs": "DescribeAccessPoints",
    EfsDescribeFileSystemPolicy = "efs": "DescribeFileSystemPolicy",
    EfsDescribeFileSystems = "efs": "DescribeFileSystems",
    EfsDescribeMountTargetSecurityGroups = "efs": "DescribeMountTargetSecurityGroups",
    EfsDescribeMountTargets = "efs": "DescribeMountTargets",
    IamGetPolicy = "iam": "GetPolicy",
    IamGetPolicyVersion = "iam": "GetPolicyVersion",
    IamGetRole = "iam": "GetRole",
    IamGetRolePolicy = "iam": "GetRolePolicy",
    IamListAttachedRolePolicies = "iam": "ListAttachedRolePolicies",
    IamListRolePolicies = "iam": "ListRolePolicies",
    KmsDescribeKey = "kms": "DescribeKey",
    KmsGetKeyPolicy = "kms": "GetKeyPolicy",
    LogsDescribeLogGroups = "logs": "DescribeLogGroups",
    Route53ListHostedZonesByVpc = "route53": "ListHostedZonesByVPC",
    Route53ListResourceRecordSets = "route53": "ListResourceRecordSets",
    ResolverGetResolverRule = "route53resolver": "GetResolverRule",
    ResolverListFirewallDomainLists = "route53resolver": "ListFirewallDomainLists",
    ResolverListFirewallDomains = "route53resolver": "ListFirewallDomains",
    ResolverListFirewallRuleGroupAssociations = "route53resolver": "ListFirewallRuleGroupAssociations",
    ResolverListFirewallRules = "route53resolver": "ListFirewallRules",
    ResolverListResolverRuleAssociations = "route53resolver": "ListResolverRuleAssociations",
    S3GetBucketLocation = "s3": "GetBucketLocation",
    S3GetBucketPolicy = "s3": "GetBucketPolicy",
    S3HeadObject = "s3": "HeadObject",
    SecretsManagerDescribeSecret = "secretsmanager": "DescribeSecret",
    SecretsManagerGetResourcePolicy = "secretsmanager": "GetResourcePolicy",
    SsmDescribeParameters = "ssm": "DescribeParameters",
    StsGetCallerIdentity = "sts": "GetCallerIdentity",
}

impl Op {
    /// The operation of `service`/`name`, if fargate-doctor makes it.
    pub fn parse(service: &str, name: &str) -> Option<Op> {
        Op::ALL
            .iter()
            .copied()
            .find(|o| o.service() == service && o.name() == name)
    }
}

/// `ec2:DescribeVpcs`.
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for op in Op::ALL {
            assert_eq!(Op::parse(op.service(), op.name()), Some(*op));
        }
        let mut names: Vec<String> = Op::ALL.iter().map(|o| o.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Op::ALL.len());
        assert_eq!(Op::Ec2DescribeVpcs.to_string(), "ec2:DescribeVpcs");
    }
}
