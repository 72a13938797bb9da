//! End-to-end tests of the network part: the real `fargate-doctor` binary against a real moto
//! server, one scenario per test (built by `tests/moto/seed.py`, see its docstrings).
//!
//! Run with `scripts/test` (or `scripts/test --test network`). Each test starts its own moto.
//!
//! What `resources[0]` is assumed to be (contract §3: "the exact broken one first"):
//!
//! | check                                   | resources[0]                                      |
//! |-----------------------------------------|---------------------------------------------------|
//! | NET-ROUTE-NO-DEFAULT, NET-PUBLIC-NO-PUBLICIP, NET-PUBLICIP-NO-IGW-ROUTE, NET-ROUTE-OPAQUE, REG-INTERNET-REQUIRED | the task subnet (as in the contract's example) |
//! | NET-ROUTE-BLACKHOLE                     | the route table that holds the dead route         |
//! | NET-NAT-IN-PRIVATE-SUBNET, NET-NAT-NOT-AVAILABLE | the NAT gateway                          |
//! | NET-SG-TASK-EGRESS, NET-SG-TASK-EGRESS-S3-PREFIXLIST | the task security group              |
//! | NET-SG-ENDPOINT-INGRESS                 | the endpoint's security group                     |
//! | NET-NACL-PATH                           | the network ACL                                   |
//! | NET-DNS-VPC-RESOLUTION-DISABLED, NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES | the VPC               |
//! | NET-DNS-CUSTOM-DHCP                     | the DHCP options set                              |
//! | VPCE-*-MISSING (ecr.dkr, ecr.api, s3, logs, secretsmanager, ssm) | the VPC (nothing else exists to name) |
//! | VPCE-S3-NOT-ASSOCIATED                  | the S3 gateway endpoint (then the route table)    |
//! | VPCE-PRIVATE-DNS-DISABLED, VPCE-NOT-USABLE | the endpoint                                   |
//! | ENI-SUBNET-NO-FREE-IP, CAP-AZ-UNSUPPORTED, CAP-SINGLE-AZ | the subnet                       |
//! | ENI-CONFIG-INVALID                      | the missing subnet / the foreign security group   |
//! | PLAT-TASKSIZE-INVALID                   | the task definition ARN                           |
//! | PLAT-PV-INCOMPATIBLE                    | the service ARN or the task definition ARN        |
//!
//! Where a check could defensibly report either `pass` or `not_applicable`, the tests accept
//! both (`assert_ok`); VPCE-* and NET-NAT-* are `not_applicable` wherever no endpoint/NAT is on
//! the path (checks.md). Finding order is asserted only for the stopped task, whose network
//! finding must come first.

mod common;

use common::*;
use serde_json::Value;

fn preflight_args<'a>(seed: &'a Value, td: &'a str, subnets: &'a str) -> Vec<&'a str> {
    vec![
        "preflight",
        "--cluster",
        s(seed, "cluster"),
        "--task-definition",
        td,
        "--subnets",
        subnets,
        "--security-groups",
        s(seed, "task_sg"),
    ]
}

const VPCE_CHECKS: &[&str] = &[
    "VPCE-ECR-DKR-MISSING",
    "VPCE-ECR-API-MISSING",
    "VPCE-S3-GATEWAY-MISSING",
    "VPCE-S3-NOT-ASSOCIATED",
    "VPCE-LOGS-MISSING",
    "VPCE-SECRETSMANAGER-MISSING",
    "VPCE-SSM-MISSING",
    "VPCE-PRIVATE-DNS-DISABLED",
    "VPCE-NOT-USABLE",
];

/// What a private subnet with no path at all may report as errors (ECR image + awslogs).
const NO_PATH_ERRORS: &[&str] = &[
    "NET-ROUTE-NO-DEFAULT",
    "VPCE-ECR-DKR-MISSING",
    "VPCE-ECR-API-MISSING",
    "VPCE-S3-GATEWAY-MISSING",
    "VPCE-LOGS-MISSING",
];

const NAT_CHECKS: &[&str] = &["NET-NAT-IN-PRIVATE-SUBNET", "NET-NAT-NOT-AVAILABLE"];

// =============================================================================================
// Healthy configurations
// =============================================================================================

#[test]
fn healthy_public_subnets_with_public_ip() {
    let c = service_case("healthy-public");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    let t = target(&c.json);
    assert_eq!(t["kind"], "service");
    assert_eq!(t["cluster"], "prod");
    assert_eq!(t["name"], "web");
    assert_eq!(t["arn"], c.s("service_arn"));
    assert_eq!(t["platform_version"], "1.4.0");
    assert_eq!(c.json["schema_version"], 1);
    assert_eq!(c.json["tool"]["name"], "fargate-doctor");
    c.statuses(
        &[
            "NET-ROUTE-NO-DEFAULT",
            "NET-PUBLIC-NO-PUBLICIP",
            "NET-SG-TASK-EGRESS",
            "NET-NACL-PATH",
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-DNS-CUSTOM-DHCP",
            "CAP-SINGLE-AZ",
            "CAP-AZ-UNSUPPORTED",
            "ENI-SUBNET-NO-FREE-IP",
            "ENI-CONFIG-INVALID",
            "PLAT-TASKSIZE-INVALID",
            "NET-PUBLICIP-NO-IGW-ROUTE",
            "NET-ROUTE-BLACKHOLE",
        ],
        "pass",
    )
    .ok(&[
        "PLAT-PV-INCOMPATIBLE", // 1.4.0: nothing to be incompatible with
        "NET-ROUTE-OPAQUE",
        "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
        "NET-SG-ENDPOINT-INGRESS",
        "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        "REG-INTERNET-REQUIRED",
    ])
    .statuses(VPCE_CHECKS, "not_applicable")
    .statuses(NAT_CHECKS, "not_applicable");
    for check in fd_engine::checks::ALL {
        check_status(&c.json, check.id); // every check the tool knows is listed
    }
}

#[test]
fn healthy_private_subnets_with_nat_and_strict_nacl() {
    // Also: explicit AmazonProvidedDNS DHCP options, and a custom NACL on the task subnets that
    // allows exactly egress 443 + ingress 1024-65535.
    let c = service_case("healthy-nat");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(
        &[
            "NET-ROUTE-NO-DEFAULT",
            "NET-NAT-IN-PRIVATE-SUBNET",
            "NET-NAT-NOT-AVAILABLE",
            "NET-NACL-PATH",
            "NET-DNS-CUSTOM-DHCP",
            "NET-SG-TASK-EGRESS",
            "NET-ROUTE-BLACKHOLE",
            "CAP-SINGLE-AZ",
        ],
        "pass",
    )
    .ok(&[
        "NET-PUBLIC-NO-PUBLICIP",
        "NET-PUBLICIP-NO-IGW-ROUTE",
        "NET-ROUTE-OPAQUE",
    ])
    .statuses(VPCE_CHECKS, "not_applicable");
}

#[test]
fn healthy_private_subnets_with_endpoints_only() {
    // ecr.api, ecr.dkr, logs interface endpoints (private DNS, SG accepting 443 from the task
    // SG) + S3 gateway endpoint on the task route table; task SG egress: 443 to the endpoint SG
    // and to the S3 prefix list only. PV LATEST (= 1.4.0: ecr.api is needed).
    let c = service_case("healthy-endpoints");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(
        &[
            "VPCE-ECR-DKR-MISSING",
            "VPCE-ECR-API-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
            // The task depends on the S3 gateway endpoint, and it is associated: pass, like
            // VPCE-S3-GATEWAY-MISSING (not "not_applicable": it was checked and holds).
            "VPCE-S3-NOT-ASSOCIATED",
            "VPCE-LOGS-MISSING",
            "VPCE-PRIVATE-DNS-DISABLED",
            "VPCE-NOT-USABLE",
            "NET-SG-ENDPOINT-INGRESS",
            "NET-SG-TASK-EGRESS",
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
            "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
            "NET-ROUTE-NO-DEFAULT",
            "NET-NACL-PATH",
        ],
        "pass",
    )
    .statuses(
        &["VPCE-SECRETSMANAGER-MISSING", "VPCE-SSM-MISSING"],
        "not_applicable",
    )
    .statuses(NAT_CHECKS, "not_applicable")
    .ok(&["NET-PUBLIC-NO-PUBLICIP", "REG-INTERNET-REQUIRED"]);
}

// =============================================================================================
// Platform, capacity, ENI
// =============================================================================================

#[test]
fn pv_1_3_0_with_arm64() {
    let c = service_case("pv13-arm64");
    c.exit(1).verdict("fail");
    let f = c.reports_any(
        "PLAT-PV-INCOMPATIBLE",
        "error",
        &[c.s("task_definition"), c.s("service_arn")],
    );
    assert!(resources(f).contains(&c.s("task_definition")), "{f}");
    assert_eq!(target(&c.json)["platform_version"], "1.3.0");
    c.only_errors(&["PLAT-PV-INCOMPATIBLE"]);
}

#[test]
fn pv_1_3_0_with_json_key_secret() {
    let c = service_case("pv13-json-key-secret");
    c.exit(1).verdict("fail");
    c.reports_any(
        "PLAT-PV-INCOMPATIBLE",
        "error",
        &[c.s("task_definition"), c.s("service_arn")],
    );
    // Internet path via IGW: the secret needs no endpoint.
    c.status("VPCE-SECRETSMANAGER-MISSING", "not_applicable");
    c.only_errors(&["PLAT-PV-INCOMPATIBLE"]);
}

#[test]
fn invalid_task_size() {
    let c = service_case("task-size-invalid"); // cpu 256, memory 4096
    c.exit(1).verdict("fail");
    c.fails("PLAT-TASKSIZE-INVALID", c.s("task_definition"));
    c.ok(&["PLAT-PV-INCOMPATIBLE"]);
    c.only_errors(&["PLAT-TASKSIZE-INVALID"]);
}

#[test]
fn all_subnets_in_one_az_warns() {
    let c = service_case("single-az");
    c.exit(0).verdict("pass");
    c.reports_any("CAP-SINGLE-AZ", "warning", &c.list("subnets"));
}

#[test]
fn subnet_in_az_without_fargate() {
    // ca-central-1d is cac1-az4 in moto; Fargate (Linux) runs only in cac1-az1/az2 there.
    let c = service_case("az-unsupported");
    c.exit(1).verdict("fail");
    c.fails("CAP-AZ-UNSUPPORTED", c.s("unsupported_subnet"));
    c.never_names("CAP-AZ-UNSUPPORTED", c.s("supported_subnet"));
    c.status("CAP-SINGLE-AZ", "pass");
    c.only_errors(&["CAP-AZ-UNSUPPORTED"]);
}

#[test]
fn subnet_without_free_ip() {
    // A /28 with 11 ENIs: moto reports AvailableIpAddressCount 0.
    let c = service_case("no-free-ip");
    c.exit(1).verdict("fail");
    c.fails("ENI-SUBNET-NO-FREE-IP", c.s("full_subnet"));
    c.never_names("ENI-SUBNET-NO-FREE-IP", c.s("ok_subnet"));
    c.only_errors(&["ENI-SUBNET-NO-FREE-IP"]);
}

#[test]
fn security_group_from_another_vpc() {
    let c = service_case("foreign-sg");
    c.exit(1).verdict("fail");
    c.fails("ENI-CONFIG-INVALID", c.s("foreign_sg"));
    c.only_errors(&["ENI-CONFIG-INVALID"]);
}

#[test]
fn service_subnet_deleted_after_creation() {
    let c = service_case("deleted-subnet");
    c.exit(1).verdict("fail");
    c.fails("ENI-CONFIG-INVALID", c.s("deleted_subnet"));
    c.only_errors(&["ENI-CONFIG-INVALID"]);
    c.allow(
        &["CAP-SINGLE-AZ"],
        "with its other subnet deleted, the service is left in one zone",
    );
}

// =============================================================================================
// Routing
// =============================================================================================

#[test]
fn private_subnets_without_any_egress() {
    let c = service_case("no-default-route");
    c.exit(1).verdict("fail");
    let f = c.reports_any("NET-ROUTE-NO-DEFAULT", "error", &c.list("subnets"));
    assert!(resources(f).contains(&c.s("route_table")), "{f}");
    c.names_all("NET-ROUTE-NO-DEFAULT", &c.list("subnets"));
    // With no path at all, every needed endpoint is missing too.
    c.statuses(
        &[
            "VPCE-ECR-DKR-MISSING",
            "VPCE-ECR-API-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-LOGS-MISSING",
        ],
        "fail",
    );
    c.only_errors(NO_PATH_ERRORS);
    c.statuses(NAT_CHECKS, "not_applicable");
    c.ok(&["REG-INTERNET-REQUIRED"]); // private ECR image: not a third-party registry
}

#[test]
fn only_the_broken_subnet_is_named() {
    // Subnet nat_ok routes to a NAT gateway; subnet no_route has only the local route.
    let c = service_case("mixed-subnets");
    c.exit(1).verdict("fail");
    let f = c.fails("NET-ROUTE-NO-DEFAULT", c.s("no_route_subnet"));
    assert!(resources(f).contains(&c.s("no_route_route_table")), "{f}");
    c.never_names("NET-ROUTE-NO-DEFAULT", c.s("nat_ok_subnet"));
    c.only_errors(NO_PATH_ERRORS);
    for f in findings(&c.json) {
        if f["severity"] == "error" {
            assert!(
                !resources(f).contains(&c.s("nat_ok_subnet")),
                "error finding names the healthy subnet: {f}"
            );
        }
    }
}

#[test]
fn igw_route_without_public_ip() {
    let c = service_case("public-no-public-ip");
    c.exit(1).verdict("fail");
    c.reports_any("NET-PUBLIC-NO-PUBLICIP", "error", &c.list("subnets"));
    c.names_all("NET-PUBLIC-NO-PUBLICIP", &c.list("subnets"));
    c.only_errors(&["NET-PUBLIC-NO-PUBLICIP"]);
}

#[test]
fn public_ip_but_nat_route_warns() {
    let c = service_case("public-ip-via-nat");
    c.exit(0).verdict("pass");
    c.reports_any("NET-PUBLICIP-NO-IGW-ROUTE", "warning", &c.list("subnets"));
    c.names_all("NET-PUBLICIP-NO-IGW-ROUTE", &c.list("subnets"));
    c.status("NET-ROUTE-NO-DEFAULT", "pass");
}

#[test]
fn route_to_deleted_nat_is_a_blackhole() {
    // moto keeps the route `active`; the NAT gateway itself says State=deleted.
    let c = service_case("blackhole-deleted-nat");
    c.exit(1).verdict("fail");
    let f = c.fails("NET-ROUTE-BLACKHOLE", c.s("route_table"));
    assert!(resources(f).contains(&c.s("nat")), "{f}");
    c.names_all("NET-ROUTE-BLACKHOLE", &c.list("subnets"));
    c.only_errors(&["NET-ROUTE-BLACKHOLE", "NET-NAT-NOT-AVAILABLE"]);
}

#[test]
fn nat_gateway_in_a_private_subnet() {
    let c = service_case("nat-in-private-subnet");
    c.exit(1).verdict("fail");
    c.fails("NET-NAT-IN-PRIVATE-SUBNET", c.s("nat"));
    c.names_all("NET-NAT-IN-PRIVATE-SUBNET", &c.list("subnets"));
    c.status("NET-NAT-NOT-AVAILABLE", "pass");
    c.only_errors(&["NET-NAT-IN-PRIVATE-SUBNET"]);
}

#[test]
fn private_nat_gateway_used_for_internet() {
    let c = service_case("private-nat");
    c.exit(1).verdict("fail");
    c.fails("NET-NAT-NOT-AVAILABLE", c.s("nat"));
    c.names_all("NET-NAT-NOT-AVAILABLE", &c.list("subnets"));
    c.status("NET-NAT-IN-PRIVATE-SUBNET", "pass");
    c.only_errors(&["NET-NAT-NOT-AVAILABLE"]);
}

#[test]
fn default_route_to_transit_gateway_is_opaque() {
    let c = service_case("opaque-tgw");
    let f = c.reports_any("NET-ROUTE-OPAQUE", "warning", &c.list("subnets"));
    assert!(resources(f).contains(&c.s("tgw")), "{f}");
    c.names_all("NET-ROUTE-OPAQUE", &c.list("subnets"));
    // What lies beyond the transit gateway is unknown: no error may be claimed.
    assert_no_errors(&c.json);
    assert_ne!(c.code, 1, "{}", summary(&c.json));
}

#[test]
fn a_default_route_into_a_peering_connection_is_no_way_out() {
    // 0.0.0.0/0 -> pcx to a hub VPC with a NAT gateway: peering is not transitive.
    let c = service_case("peering-default-route");
    c.exit(1).verdict("fail");
    let f = c.fails_any("NET-ROUTE-NO-DEFAULT", &c.list("subnets"));
    assert!(resources(f).contains(&c.s("pcx")), "{f}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "{} is a VPC peering connection: peering is not transitive, the peer's NAT gateway cannot be used",
            c.s("pcx")
        )),
        "{message}"
    );
    // Read from the API: the evidence names the hub VPC and its CIDR block.
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains(c.s("hub_vpc")) && evidence.contains("10.99.0.0/16"),
        "{evidence}"
    );
    // It is not "opaque": the tool knows where it leads.
    c.status("NET-ROUTE-OPAQUE", "not_applicable");
}

#[test]
fn centralised_endpoints_in_a_peered_hub_with_shared_zones_pass() {
    // Only 10.99.0.0/16 -> pcx; private zones answer the ECR, S3 and Logs names with hub
    // addresses: a usable path, whose far end (the endpoints' groups) is named as unverified.
    let c = service_case("hub-endpoints-peering");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(
        &["NET-ROUTE-NO-DEFAULT", "NET-DNS-RESOLVER-OVERRIDES"],
        "pass",
    );
    let f = c.reports_any("NET-ROUTE-OPAQUE", "warning", &c.list("subnets"));
    assert!(resources(f).contains(&c.s("pcx")), "{f}");
    assert!(
        f["message"].as_str().unwrap().contains(c.s("hub_vpc")),
        "{f}"
    );
}

#[test]
fn ipv6_only_subnets_that_moto_describes_badly_are_unknown_not_pass() {
    // moto 5.2.5 answers DescribeSubnets for an IPv6-native subnet with AvailableIpAddressCount
    // 18446744073709551611, which the SDK cannot parse as an integer: the read fails, and every
    // network check must say unknown (naming the call), never pass. The shape AWS really returns
    // (no CidrBlock) is modelled and tested in the collector (map_subnet) and the checks'
    // fixtures (NET-IPV6-ONLY, ENI-SUBNET-NO-FREE-IP, NET-ROUTE-NO-DEFAULT).
    let c = service_case("ipv6-only-ipv4-uri");
    c.exit(3).verdict("incomplete");
    c.statuses(&["NET-IPV6-ONLY", "NET-ROUTE-NO-DEFAULT"], "unknown");
    assert_no_errors(&c.json);
}

// =============================================================================================
// DNS
// =============================================================================================

#[test]
fn vpc_dns_resolution_disabled() {
    let c = service_case("dns-support-disabled");
    c.exit(1).verdict("fail");
    c.fails("NET-DNS-VPC-RESOLUTION-DISABLED", c.s("vpc"));
    c.only_errors(&["NET-DNS-VPC-RESOLUTION-DISABLED"]);
}

#[test]
fn private_dns_endpoints_without_dns_hostnames() {
    let c = service_case("private-dns-no-hostnames");
    c.exit(1).verdict("fail");
    let f = c.fails("NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES", c.s("vpc"));
    for service in ["ecr.api", "ecr.dkr", "logs"] {
        assert!(resources(f).contains(&c.endpoint(service)), "{f}");
    }
    c.status("NET-DNS-VPC-RESOLUTION-DISABLED", "pass");
    // The private names resolve publicly, and there is no public path.
    c.only_errors(&["NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES", "NET-ROUTE-NO-DEFAULT"]);
}

#[test]
fn custom_dns_servers_warn() {
    let c = service_case("custom-dhcp");
    c.exit(0).verdict("pass");
    c.warns("NET-DNS-CUSTOM-DHCP", c.s("dhcp_options"));
}

// =============================================================================================
// Security groups and NACLs
// =============================================================================================

#[test]
fn task_security_group_without_egress() {
    let c = service_case("sg-no-egress");
    c.exit(1).verdict("fail");
    c.fails("NET-SG-TASK-EGRESS", c.s("task_sg"));
    c.names_all("NET-SG-TASK-EGRESS", &c.list("subnets"));
    c.only_errors(&["NET-SG-TASK-EGRESS"]);
}

#[test]
fn task_egress_misses_s3_prefix_list() {
    let c = service_case("sg-no-s3-prefix-list");
    c.exit(1).verdict("fail");
    c.fails("NET-SG-TASK-EGRESS-S3-PREFIXLIST", c.s("task_sg"));
    c.names_all("NET-SG-TASK-EGRESS-S3-PREFIXLIST", &c.list("subnets"));
    c.status("NET-SG-ENDPOINT-INGRESS", "pass");
    c.only_errors(&["NET-SG-TASK-EGRESS-S3-PREFIXLIST", "NET-SG-TASK-EGRESS"]);
}

#[test]
fn endpoint_security_group_without_ingress() {
    let c = service_case("endpoint-sg-no-ingress");
    c.exit(1).verdict("fail");
    c.fails("NET-SG-ENDPOINT-INGRESS", c.s("endpoint_sg"));
    c.names_all("NET-SG-ENDPOINT-INGRESS", &c.list("subnets"));
    c.status("NET-SG-TASK-EGRESS-S3-PREFIXLIST", "pass");
    c.only_errors(&["NET-SG-ENDPOINT-INGRESS"]);
}

#[test]
fn nacl_blocks_return_traffic() {
    // Egress 443 allowed, ingress only 443: the replies to ephemeral ports are dropped.
    let c = service_case("nacl-no-return");
    c.exit(1).verdict("fail");
    c.fails("NET-NACL-PATH", c.s("nacl"));
    // Both task subnets use this NACL: both are broken and must be named.
    c.names_all("NET-NACL-PATH", &c.list("subnets"));
    c.only_errors(&["NET-NACL-PATH"]);
}

// =============================================================================================
// VPC endpoints
// =============================================================================================

#[test]
fn ecr_dkr_endpoint_missing() {
    let c = service_case("vpce-ecr-dkr-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-ECR-DKR-MISSING", c.s("vpc"));
    c.names_all("VPCE-ECR-DKR-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-ECR-DKR-MISSING", "NET-ROUTE-NO-DEFAULT"]);
    c.statuses(
        &[
            "VPCE-ECR-API-MISSING",
            "VPCE-LOGS-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
        ],
        "pass",
    );
}

#[test]
fn ecr_api_endpoint_missing_on_1_4_0() {
    let c = service_case("vpce-ecr-api-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-ECR-API-MISSING", c.s("vpc"));
    c.names_all("VPCE-ECR-API-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-ECR-API-MISSING", "NET-ROUTE-NO-DEFAULT"]);
    c.status("VPCE-ECR-DKR-MISSING", "pass");
}

#[test]
fn ecr_api_endpoint_not_needed_on_1_3_0() {
    let c = service_case("vpce-ecr-api-pv13");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.status("VPCE-ECR-API-MISSING", "not_applicable").statuses(
        &[
            "VPCE-ECR-DKR-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-LOGS-MISSING",
            "PLAT-PV-INCOMPATIBLE",
        ],
        "pass",
    );
}

#[test]
fn s3_gateway_endpoint_missing() {
    let c = service_case("vpce-s3-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-S3-GATEWAY-MISSING", c.s("vpc"));
    c.names_all("VPCE-S3-GATEWAY-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-S3-GATEWAY-MISSING", "NET-ROUTE-NO-DEFAULT"]);
    c.status("VPCE-ECR-DKR-MISSING", "pass");
}

#[test]
fn s3_gateway_endpoint_on_another_route_table() {
    // The endpoint is on the main route table; the task subnets use their own table.
    let c = service_case("vpce-s3-not-associated");
    c.exit(1).verdict("fail");
    let f = c.fails("VPCE-S3-NOT-ASSOCIATED", c.s("s3_endpoint"));
    assert!(resources(f).contains(&c.s("route_table")), "{f}");
    c.names_all("VPCE-S3-NOT-ASSOCIATED", &c.list("subnets"));
    c.status("VPCE-S3-GATEWAY-MISSING", "pass");
    c.only_errors(&["VPCE-S3-NOT-ASSOCIATED", "NET-ROUTE-NO-DEFAULT"]);
}

#[test]
fn logs_endpoint_missing_with_awslogs() {
    let c = service_case("vpce-logs-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-LOGS-MISSING", c.s("vpc"));
    c.names_all("VPCE-LOGS-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-LOGS-MISSING", "NET-ROUTE-NO-DEFAULT"]);
}

#[test]
fn healthy_endpoints_for_secrets_and_parameters() {
    // The passing case of VPCE-SECRETSMANAGER-MISSING and VPCE-SSM-MISSING: both services are
    // needed (a secret and a parameter), there is no internet path, and both endpoints exist.
    let c = service_case("healthy-endpoints-secrets");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(
        &[
            "VPCE-SECRETSMANAGER-MISSING",
            "VPCE-SSM-MISSING",
            "VPCE-ECR-DKR-MISSING",
            "VPCE-ECR-API-MISSING",
            "VPCE-LOGS-MISSING",
            "NET-SG-ENDPOINT-INGRESS",
            "IAM-EXEC-SECRETS",
            "SEC-SM-NOT-FOUND",
            "SEC-SSM-NOT-FOUND",
        ],
        "pass",
    );
}

#[test]
fn secretsmanager_endpoint_missing() {
    let c = service_case("vpce-secretsmanager-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-SECRETSMANAGER-MISSING", c.s("vpc"));
    c.names_all("VPCE-SECRETSMANAGER-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-SECRETSMANAGER-MISSING", "NET-ROUTE-NO-DEFAULT"]);
    c.status("VPCE-SSM-MISSING", "not_applicable");
    c.status("VPCE-LOGS-MISSING", "pass");
}

#[test]
fn ssm_endpoint_missing() {
    // No awslogs in this task definition: the logs endpoint is not needed.
    let c = service_case("vpce-ssm-missing");
    c.exit(1).verdict("fail");
    c.fails("VPCE-SSM-MISSING", c.s("vpc"));
    c.names_all("VPCE-SSM-MISSING", &c.list("subnets"));
    c.only_errors(&["VPCE-SSM-MISSING", "NET-ROUTE-NO-DEFAULT"]);
    c.statuses(
        &["VPCE-LOGS-MISSING", "VPCE-SECRETSMANAGER-MISSING"],
        "not_applicable",
    );
}

#[test]
fn endpoint_with_private_dns_disabled() {
    let c = service_case("vpce-private-dns-disabled");
    c.exit(1).verdict("fail");
    c.fails("VPCE-PRIVATE-DNS-DISABLED", c.endpoint("ecr.dkr"));
    c.names_all("VPCE-PRIVATE-DNS-DISABLED", &c.list("subnets"));
    c.only_errors(&["VPCE-PRIVATE-DNS-DISABLED", "NET-ROUTE-NO-DEFAULT"]);
}

#[test]
fn endpoints_absent_from_a_task_az_warn() {
    // Task subnets in us-east-1a and 1b; every interface endpoint only in 1a. The error variant
    // (endpoint state not `available`) cannot be built in moto: its endpoints are always
    // `available` until deleted (see endpoint_deleted_is_not_usable).
    let c = service_case("vpce-other-az");
    c.exit(0).verdict("pass");
    let eps: Vec<&str> = ["ecr.api", "ecr.dkr", "logs"]
        .iter()
        .map(|s| c.endpoint(s))
        .collect();
    c.reports_any("VPCE-NOT-USABLE", "warning", &eps);
    c.names_all("VPCE-NOT-USABLE", &eps);
    c.never_names("VPCE-NOT-USABLE", c.list("subnets")[0]); // 1a has the endpoints
}

#[test]
fn endpoint_deleted_is_not_usable() {
    // moto keeps a deleted endpoint listed with State=deleted. Either reading is right: it is
    // "not usable", or it is as good as missing. It must not count as present.
    let c = service_case("vpce-deleted");
    c.exit(1).verdict("fail");
    let dkr = c.endpoint("ecr.dkr");
    if check_status(&c.json, "VPCE-NOT-USABLE") == "fail" {
        c.fails("VPCE-NOT-USABLE", dkr);
    } else {
        c.fails("VPCE-ECR-DKR-MISSING", c.s("vpc"));
    }
    c.only_errors(&[
        "VPCE-NOT-USABLE",
        "VPCE-ECR-DKR-MISSING",
        "NET-ROUTE-NO-DEFAULT",
    ]);
}

#[test]
fn docker_hub_image_without_internet() {
    let c = service_case("dockerhub-private");
    c.exit(1).verdict("fail");
    c.reports_any("REG-INTERNET-REQUIRED", "error", &c.list("subnets"));
    c.names_all("REG-INTERNET-REQUIRED", &c.list("subnets"));
    c.only_errors(&["REG-INTERNET-REQUIRED", "NET-ROUTE-NO-DEFAULT"]);
    // Not an ECR image: the ECR endpoints are not needed.
    c.statuses(
        &[
            "VPCE-ECR-DKR-MISSING",
            "VPCE-ECR-API-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
        ],
        "not_applicable",
    );
}

// =============================================================================================
// Other commands: preflight, task, snapshots, rules, explain, errors
// =============================================================================================

#[test]
fn preflight_with_and_without_public_ip() {
    let moto = Moto::start();
    let seed = moto.seed("healthy-public");
    let subnets = list(&seed, "subnets").join(",");
    let td = s(&seed, "hub_task_definition"); // nginx:latest from Docker Hub

    let mut args = preflight_args(&seed, td, &subnets);
    args.push("--assign-public-ip");
    let (code, json, stderr) = moto.run(&args);
    assert_exit((code, &json, &stderr), 0);
    assert_eq!(target(&json)["kind"], "preflight");
    assert_no_errors(&json);
    assert_status(&json, "REG-INTERNET-REQUIRED", "pass");
    assert_status(&json, "VPCE-ECR-DKR-MISSING", "not_applicable");

    let args = preflight_args(&seed, td, &subnets);
    let (code, json, stderr) = moto.run(&args);
    assert_exit((code, &json, &stderr), 1);
    assert_eq!(target(&json)["kind"], "preflight");
    let f = expect_finding(&json, "NET-PUBLIC-NO-PUBLICIP");
    assert_eq!(f["severity"], "error");
    assert!(list(&seed, "subnets").contains(&resources(f)[0]), "{f}");
}

#[test]
fn preflight_with_a_nonexistent_subnet() {
    let moto = Moto::start();
    let seed = moto.seed("healthy-public");
    let missing = "subnet-0123456789abcdef0";
    let subnets = format!("{},{missing}", list(&seed, "subnets")[0]);
    let mut args = preflight_args(&seed, s(&seed, "task_definition"), &subnets);
    args.extend(["--assign-public-ip", "--platform-version", "1.4.0"]);
    let (code, json, stderr) = moto.run(&args);
    assert_exit((code, &json, &stderr), 1);
    assert_fails(&json, "ENI-CONFIG-INVALID", "error", missing);
}

#[test]
fn stopped_task_reason_is_echoed_and_explained() {
    // run_task then stop_task(reason=ECR auth i/o timeout) in a subnet without any egress.
    let moto = Moto::start();
    let seed = moto.seed("stopped-task");
    let by_id = moto.run(&["task", "--cluster", "prod", s(&seed, "task_id")]);
    let (code, json, stderr) = &by_id;
    assert_exit((*code, json, stderr), 1);
    let t = target(json);
    assert_eq!(t["kind"], "task");
    assert_eq!(t["stopped_reason"], s(&seed, "stopped_reason"));
    assert_eq!(t["verdict"], "fail");
    let subnet = list(&seed, "subnets")[0];
    assert_fails(json, "NET-ROUTE-NO-DEFAULT", "error", subnet);
    // The finding that explains the stopped reason (a network one) comes first.
    let first = findings(json)[0]["id"].as_str().unwrap_or_default();
    assert!(
        first == "NET-ROUTE-NO-DEFAULT" || first == "VPCE-ECR-API-MISSING",
        "first finding {first} does not explain an ECR network timeout\n{}",
        summary(json)
    );

    let (code2, json2, _) = moto.run(&["task", "--cluster", "prod", s(&seed, "task_arn")]);
    assert_eq!(code2, *code);
    assert_eq!(target(&json2)["findings"], t["findings"]);
    assert_eq!(target(&json2)["checks"], t["checks"]);
}

#[test]
fn saved_snapshot_diagnoses_identically() {
    let moto = Moto::start();
    let seed = moto.seed("sg-no-s3-prefix-list");
    let dir = TempDir::new("snapshot");
    let file = dir.join("snap.json");
    let file = file.to_str().expect("utf-8 path");

    let (code, live, stderr) = moto.run(&[
        "--save-snapshot",
        file,
        "service",
        "--cluster",
        s(&seed, "cluster"),
        s(&seed, "service"),
    ]);
    assert_exit((code, &live, &stderr), 1);
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(file).expect("--save-snapshot wrote the file"),
    )
    .expect("the snapshot is JSON");
    assert_eq!(saved["region"], "us-east-1");

    drop(moto); // offline means offline
    let (code2, offline, stderr2) = offline_json(&["diagnose", file]);
    assert_exit((code2, &offline, &stderr2), code);
    let (a, b) = (target(&live), target(&offline));
    assert_eq!(a["findings"], b["findings"], "findings differ offline");
    assert_eq!(a["checks"], b["checks"], "checks differ offline");
    assert_eq!(a["verdict"], b["verdict"]);
    assert_eq!(a["kind"], b["kind"]);
}

#[test]
fn diagnose_rejects_an_invalid_snapshot() {
    let dir = TempDir::new("bad-snapshot");
    let bad = dir.join("broken-snapshot.json");
    std::fs::write(
        &bad,
        r#"{"schema_version": 1, "region": 42, "targets": []}"#,
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let (code, _, stderr) = offline_json(&["diagnose", bad]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("broken-snapshot.json"),
        "stderr should name the file: {stderr}"
    );

    let missing = dir.join("no-such-snapshot.json");
    let (code, _, stderr) = offline_json(&["diagnose", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stderr.contains("no-such-snapshot.json"), "stderr: {stderr}");
}

#[test]
fn explain_known_and_unknown_ids() {
    let out = offline(&["explain", "NET-ROUTE-NO-DEFAULT"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("NET-ROUTE-NO-DEFAULT"), "{stdout}");

    let out = offline(&["explain", "NOPE"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn unknown_service_or_cluster_exits_2() {
    let moto = Moto::start();
    moto.seed("healthy-public");
    let (code, _, stderr) = moto.run(&["service", "--cluster", "prod", "nope"]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("nope"),
        "stderr should name the service: {stderr}"
    );

    let (code, _, stderr) = moto.run(&["service", "--cluster", "no-such-cluster", "web"]);
    assert_eq!(code, 2, "stderr: {stderr}");
}

#[test]
fn flags_may_follow_the_subcommand() {
    let moto = Moto::start();
    moto.seed("public-no-public-ip");
    let (code, before, stderr) = moto.run(&["service", "--cluster", "prod", "web"]);
    assert_exit((code, &before, &stderr), 1);
    let out = moto.run_raw(&[
        "service",
        "--cluster",
        "prod",
        "web",
        "--region",
        REGION,
        "--endpoint-url",
        &moto.endpoint,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let after: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(target(&before)["findings"], target(&after)["findings"]);
    assert_eq!(target(&before)["checks"], target(&after)["checks"]);
}

/// A scan of 200 services (and one broken one) completes: every service is a target, the
/// broken one fails naming its subnet, the others pass; the reads are batched (DescribeServices
/// 10 at a time, the cluster's tasks listed once, one DescribeTaskDefinition for the shared
/// revision), so the calls per extra service stay well under one.
#[test]
fn a_scan_of_200_services_names_the_broken_one() {
    let moto = Moto::start();
    let seed = moto.seed_with("fleet", &[("FD_SEED_SERVICES", "200")]);
    let (code, all, stderr) = moto.run(&["scan", "--cluster", "prod"]);
    assert_exit((code, &all, &stderr), 1);
    let targets = all["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 201, "{stderr}");
    let broken = s(&seed, "broken_subnet");
    for t in targets {
        let failing: Vec<&str> = t["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .filter_map(|f| f["id"].as_str())
            .collect();
        if t["name"] == "broken" {
            assert_eq!(t["verdict"], "fail");
            assert!(failing.contains(&"NET-ROUTE-NO-DEFAULT"), "{failing:?}");
            assert!(t.to_string().contains(broken));
        } else {
            assert_eq!(t["verdict"], "pass", "{}: {failing:?}", t["name"]);
        }
    }
    let calls = all["stats"]["api_calls"].as_u64().expect("stats.api_calls");
    assert!(
        calls < 201 / 2 + 40,
        "{calls} calls for 201 services: the scan reads per service"
    );
}

/// `scan` with several Regions reads them side by side into one report: each service is
/// diagnosed in its own Region, with the findings a run in that Region alone gives, and the
/// report (and a saved snapshot) keeps the two apart although both are `prod/web`.
#[test]
fn scan_of_two_regions_reports_both_in_one_report() {
    let moto = Moto::start();
    let east = moto.seed("mixed-subnets");
    let west = moto.seed("az-unsupported");
    assert_eq!(s(&west, "region"), "ca-central-1");
    let service = |region: &str, name: &str| {
        let (code, json, stderr) = moto.run_in(region, &["service", "--cluster", "prod", name]);
        assert_exit((code, &json, &stderr), 1);
        json["targets"][0].clone()
    };
    let alone = [
        service("us-east-1", s(&east, "service")),
        service("ca-central-1", s(&west, "service")),
    ];
    let dir = TempDir::new("regions");
    let saved = dir.join("two.json");
    let (code, all, stderr) = moto.run_in(
        "us-east-1,ca-central-1",
        &[
            "scan",
            "--all-clusters",
            "--save-snapshot",
            saved.to_str().unwrap(),
        ],
    );
    assert_exit((code, &all, &stderr), 1);
    let targets = all["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "{}", pretty(&all));
    // The Regions were read side by side: some rounds, never more than the calls.
    let (calls, rounds) = (
        all["stats"]["api_calls"].as_u64().unwrap(),
        all["stats"]["rounds"].as_u64().unwrap(),
    );
    assert!(
        rounds >= 3 && rounds < calls,
        "{rounds} rounds for {calls} calls"
    );
    for (got, want) in targets.iter().zip(&alone) {
        assert_eq!(got["region"], want["region"]);
        assert_eq!(got["name"], want["name"]);
        assert_eq!(got["findings"], want["findings"], "{}", got["region"]);
    }
    assert_eq!(targets[0]["region"], "us-east-1");
    assert_eq!(targets[1]["region"], "ca-central-1");
    let west_ids: Vec<&str> = targets[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(west_ids.contains(&"CAP-AZ-UNSUPPORTED"), "{west_ids:?}");
    // The saved snapshot holds both partitions and diagnoses to the same report.
    let (code, again, stderr) = offline_json(&["diagnose", saved.to_str().unwrap()]);
    assert_exit((code, &again, &stderr), 1);
    assert_eq!(again["targets"], all["targets"]);
    let out = offline(&["diagnose", saved.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("prod/web in ca-central-1"), "{text}");
    // Several Regions (here as two flags) are for a scan only.
    let (code, _, stderr) = moto.run(&[
        "service",
        "--cluster",
        "prod",
        s(&east, "service"),
        "--region",
        "us-east-1",
        "--region",
        "ca-central-1",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("are for `scan`"), "{stderr}");
}

/// `scan` diagnoses every service of a cluster (or of every cluster) in one report, with the
/// same findings as diagnosing each service alone.
#[test]
fn scan_reports_every_service_like_service_does() {
    let moto = Moto::start();
    let seed = moto.seed("mixed-subnets");
    let (code, one, stderr) = moto.run(&["service", "--cluster", "prod", s(&seed, "service")]);
    assert_exit((code, &one, &stderr), 1);
    for args in [
        &["scan", "--cluster", "prod"][..],
        &["scan", "--all-clusters"][..],
    ] {
        let (code, all, stderr) = moto.run(args);
        assert_exit((code, &all, &stderr), 1);
        // Standard error is not a terminal here: no progress spinner in it.
        assert!(stderr.trim().is_empty(), "{args:?}: {stderr}");
        let targets = all["targets"].as_array().unwrap();
        assert_eq!(targets.len(), 1, "{args:?}: {}", pretty(&all));
        assert_eq!(targets[0]["kind"], "service");
        assert_eq!(targets[0]["cluster"], "prod");
        assert_eq!(
            targets[0]["findings"], one["targets"][0]["findings"],
            "{args:?}"
        );
    }
    let (code, _, stderr) = moto.run(&["scan", "--cluster", "no-such-cluster"]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stderr.contains("no-such-cluster"), "{stderr}");
}
