//! The network path model: CIDR sets, route selection, security groups, network ACLs, the
//! destinations a task needs, and the path evaluation that ties them together.

pub mod dest;
pub mod dns;
pub mod efs;
pub mod export;
pub mod ipset;
pub mod nacl;
pub mod path;
pub mod route;
pub mod sg;
