//! The network path: routes, gateways, NAT, public IPs, security groups and network ACLs between the task and what it needs.

pub(super) mod net_ipv6_only;
pub(super) mod net_nacl_path;
pub(super) mod net_nat_in_private_subnet;
pub(super) mod net_nat_not_available;
pub(super) mod net_public_no_publicip;
pub(super) mod net_publicip_no_igw_route;
pub(super) mod net_route_blackhole;
pub(super) mod net_route_no_default;
pub(super) mod net_route_opaque;
pub(super) mod net_sg_endpoint_ingress;
pub(super) mod net_sg_task_egress;
pub(super) mod net_sg_task_egress_s3_prefixlist;
