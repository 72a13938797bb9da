//! DNS: the VPC's resolver settings, DHCP options, private hosted zones, Resolver rules and DNS Firewall.

pub(super) mod net_dns_custom_dhcp;
pub(super) mod net_dns_privatedns_needs_hostnames;
pub(super) mod net_dns_resolver_overrides;
pub(super) mod net_dns_vpc_resolution_disabled;
