//! The keyed maps of a snapshot, by name: how the facts that files and events give
//! ([`crate::Provided`]) say which map they belong to. Each has its accessor and operation in
//! [`crate::lookup`](self), whose table must name every one (a `match` there checks it).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    AvailabilityZone,
    Vpc,
    DhcpOptions,
    Subnet,
    RouteTable,
    InternetGateway,
    NatGateway,
    VpcEndpoint,
    PeeringConnection,
    NetworkInterface,
    SecurityGroup,
    NetworkAcl,
    PrefixList,
    TaskDefinition,
    Role,
    Repository,
    Image,
    Secret,
    Parameter,
    LogGroup,
    KmsKey,
}
