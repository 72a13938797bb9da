//! End-to-end tests of the "Beyond the seeds" checks (`shared/spec/checks.md`): EFS volumes,
//! S3 environment files, the ECS service-linked role, private hosted zones and Resolver rules, log configuration,
//! image size against ephemeral storage, and task-definition features no check evaluates. The
//! real `fargate-doctor` binary against a real moto server, one scenario per test (built by
//! `tests/moto/seed.py`, see its docstrings).
//!
//! Run with `scripts/test` (or `scripts/test --test beyond`). Each test starts its own moto.
//!
//! What `resources[0]` is assumed to be (contract §3: "the exact broken one first"):
//!
//! | check                          | resources[0]                                              |
//! |--------------------------------|-----------------------------------------------------------|
//! | EFS-FS-NOT-FOUND               | the `fileSystemId` as the volume names it                 |
//! | EFS-ACCESS-POINT-NOT-FOUND     | the `accessPointId` as the volume names it                |
//! | EFS-MOUNT-TARGET-MISSING       | the task subnet whose AZ has no mount target (only it)    |
//! | EFS-NFS-BLOCKED                | the mount target's security group that drops TCP 2049     |
//! | EFS-IAM-DENIED                 | the task role; the task definition when it has none       |
//! | ENVFILE-NOT-FOUND              | the env-file object ARN as written in `environmentFiles`  |
//! | IAM-EXEC-ENVFILES              | the execution role (then the object it cannot read)       |
//! | VPCE-S3-POLICY-DENIES-ENVFILES | the S3 gateway endpoint                                   |
//! | IAM-SLR-MISSING                | the role ARN AWS gives it (`SLR` below, path `aws-service-role/…`) |
//! | NET-DNS-RESOLVER-OVERRIDES     | the private hosted zone ID (bare); the Resolver rule ID (warning) |
//! | LOG-CONFIG-INVALID             | the task definition ARN                                   |
//! | IMG-TOO-LARGE                  | the image as written in the task definition               |
//! | TD-FEATURE-NOT-CHECKED (info)  | the task definition ARN; the message names the feature    |
//!
//! A check whose only finding is `info` has the status `warn` (an info finding is not a pass,
//! and not a failure: the verdict stays `pass`, exit 0).
//!
//! Every seeded account holds the ECS service-linked role (seed.py creates it, moto never does),
//! except `slr-missing`.

mod common;

use common::*;
use serde_json::Value;

const ROLE: &str = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
const TASK_ROLE: &str = "arn:aws:iam::123456789012:role/appTaskRole";
const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";
/// The env file every env-file scenario references (`ENV_BUCKET/ENV_KEY` in seed.py).
const ENV_FILE: &str = "arn:aws:s3:::app-config-123456789012/web/app.env";
/// Named by the volume of `efs-fs-missing`; never created.
const MISSING_FS: &str = "fs-0123456789abcdef0";
/// Named by the volume of `efs-ap-missing`; never created.
const MISSING_ACCESS_POINT: &str = "fsap-0123456789abcdef0";
const SLR: &str =
    "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS";

/// Every check the EFS scenarios are about.
const EFS_CHECKS: &[&str] = &[
    "EFS-FS-NOT-FOUND",
    "EFS-ACCESS-POINT-NOT-FOUND",
    "EFS-MOUNT-TARGET-MISSING",
    "EFS-NFS-BLOCKED",
    "EFS-IAM-DENIED",
];

/// The IDs of the checks whose status is `unknown`.
fn unknown_checks(json: &Value) -> Vec<&str> {
    target(json)["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("target has no checks array:\n{}", pretty(json)))
        .iter()
        .filter(|c| c["status"] == "unknown")
        .filter_map(|c| c["id"].as_str())
        .collect()
}

/// A passing case whose only undecided checks may be `allowed`: exit 0 and verdict `pass` when
/// nothing is unknown, else exit 3 and verdict `incomplete` (contract §2).
fn passes_unless_unknown(c: &Case, allowed: &[&str]) {
    assert_no_errors(&c.json);
    let unknown = unknown_checks(&c.json);
    for id in &unknown {
        assert!(
            allowed.contains(id),
            "check {id} is unknown (allowed: {allowed:?})\n{}",
            summary(&c.json)
        );
    }
    if unknown.is_empty() {
        c.exit(0).verdict("pass");
    } else {
        c.exit(3).verdict("incomplete");
    }
}

/// The check reports an `info` finding (status `warn`) naming `first` first.
fn informs<'a>(c: &'a Case, id: &str, first: &str) -> &'a Value {
    assert_fails(&c.json, id, "info", first)
}

// =============================================================================================
// EFS volumes
// =============================================================================================

/// The EFS and env-file scenarios hold an env file: its encryption (a customer KMS key) is named
/// as not checked, an `info` finding.
const ENV_FILE_ENCRYPTION: &str = "the env file's encryption is named as not checked (info)";

#[test]
fn efs_volume_with_iam_and_an_env_file_passes() {
    // NAT network; a mount target per AZ (2049 from the task SG), an access point, IAM
    // authorization with a task role allowed by its own policy and by the file system policy
    // (aws:SecureTransport, transitEncryption ENABLED), and an S3 env file the role may read.
    let c = service_case("efs-healthy");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(EFS_CHECKS, "pass").statuses(
        &["ENVFILE-NOT-FOUND", "IAM-EXEC-ENVFILES", "IAM-SLR-MISSING"],
        "pass",
    );
    // No S3 gateway endpoint on the path; PV 1.4.0 supports EFS and env files.
    c.ok(&["VPCE-S3-POLICY-DENIES-ENVFILES", "PLAT-PV-INCOMPATIBLE"]);
}

#[test]
fn efs_file_system_does_not_exist() {
    let c = service_case("efs-fs-missing");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("EFS-FS-NOT-FOUND", MISSING_FS);
    // Without the file system there are no mount targets or policy to blame.
    c.only_errors(&["EFS-FS-NOT-FOUND"]);
}

#[test]
fn efs_access_point_does_not_exist() {
    let c = service_case("efs-ap-missing");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("EFS-ACCESS-POINT-NOT-FOUND", MISSING_ACCESS_POINT);
    c.only_errors(&["EFS-ACCESS-POINT-NOT-FOUND"]);
    c.statuses(
        &[
            "EFS-FS-NOT-FOUND",
            "EFS-MOUNT-TARGET-MISSING",
            "EFS-NFS-BLOCKED",
        ],
        "pass",
    );
}

#[test]
fn efs_mount_target_in_one_az_only() {
    // Mount target in AZ a (the first subnet) only: tasks in the second subnet (AZ b) fail.
    let c = service_case("efs-mount-target-one-az");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    let subnets = c.list("subnets");
    c.exit(1).verdict("fail");
    c.fails("EFS-MOUNT-TARGET-MISSING", subnets[1]);
    c.never_names("EFS-MOUNT-TARGET-MISSING", subnets[0]);
    c.only_errors(&["EFS-MOUNT-TARGET-MISSING"]);
    c.statuses(&["EFS-FS-NOT-FOUND", "EFS-IAM-DENIED"], "pass");
}

#[test]
fn efs_mount_target_security_group_without_nfs() {
    // The mount targets' SG accepts 443 from the task SG, not 2049.
    let c = service_case("efs-mt-sg-no-nfs");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("EFS-NFS-BLOCKED", c.s("mount_target_sg"));
    c.only_errors(&["EFS-NFS-BLOCKED"]);
    c.statuses(&["EFS-MOUNT-TARGET-MISSING", "EFS-IAM-DENIED"], "pass");
}

#[test]
fn efs_iam_authorization_without_a_task_role() {
    let c = service_case("efs-iam-no-task-role");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("EFS-IAM-DENIED", c.s("task_definition"));
    c.only_errors(&["EFS-IAM-DENIED"]);
    c.statuses(&["EFS-MOUNT-TARGET-MISSING", "EFS-NFS-BLOCKED"], "pass");
}

#[test]
fn efs_file_system_policy_for_another_role() {
    // The file system policy allows ClientMount/ClientWrite to otherTaskRole only; the task
    // role has no policy of its own.
    let c = service_case("efs-iam-policy-other-role");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("EFS-IAM-DENIED", TASK_ROLE);
    c.only_errors(&["EFS-IAM-DENIED"]);
}

// =============================================================================================
// S3 environment files
// =============================================================================================

#[test]
fn env_file_object_does_not_exist() {
    let c = service_case("envfile-missing"); // the bucket exists, web/app.env does not
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("ENVFILE-NOT-FOUND", ENV_FILE);
    c.only_errors(&["ENVFILE-NOT-FOUND"]);
}

#[test]
fn execution_role_cannot_read_the_env_file() {
    let c = service_case("envfile-exec-no-s3"); // managed policy only
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("IAM-EXEC-ENVFILES", ROLE);
    c.names_all("IAM-EXEC-ENVFILES", &[ENV_FILE]);
    c.only_errors(&["IAM-EXEC-ENVFILES"]);
    c.statuses(&["ENVFILE-NOT-FOUND"], "pass");
}

#[test]
fn s3_endpoint_policy_allows_layers_but_not_the_env_file_bucket() {
    // NAT network + S3 gateway endpoint on the task route table allowing s3:GetObject on the
    // ECR layer bucket only: the image pulls, the env file does not download.
    let c = service_case("envfile-vpce-s3-policy");
    c.allow(&["TD-FEATURE-NOT-CHECKED"], ENV_FILE_ENCRYPTION);
    c.exit(1).verdict("fail");
    c.fails("VPCE-S3-POLICY-DENIES-ENVFILES", c.s("s3_endpoint"));
    c.only_errors(&["VPCE-S3-POLICY-DENIES-ENVFILES"]);
    c.statuses(
        &[
            "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
            "ENVFILE-NOT-FOUND",
            "IAM-EXEC-ENVFILES",
        ],
        "pass",
    );
}

// =============================================================================================
// The service-linked role
// =============================================================================================

#[test]
fn service_linked_role_missing() {
    let c = service_case("slr-missing"); // healthy-nat without AWSServiceRoleForECS
    c.exit(1).verdict("fail");
    c.fails("IAM-SLR-MISSING", SLR);
    c.only_errors(&["IAM-SLR-MISSING"]);
}

#[test]
fn service_linked_role_present() {
    let c = service_case("healthy-nat");
    assert_eq!(c.s("service_linked_role"), SLR);
    c.exit(0).verdict("pass");
    c.statuses(&["IAM-SLR-MISSING"], "pass");
}

// =============================================================================================
// DNS: private hosted zones
// =============================================================================================

#[test]
fn private_hosted_zone_shadows_the_region_domain() {
    // healthy-nat + a private zone us-east-1.amazonaws.com on the VPC with no records for
    // api.ecr, <account>.dkr.ecr, logs or s3.
    let c = service_case("phz-shadow");
    c.exit(1).verdict("fail");
    c.fails("NET-DNS-RESOLVER-OVERRIDES", c.s("hosted_zone"));
    c.only_errors(&["NET-DNS-RESOLVER-OVERRIDES"]);
}

#[test]
fn private_hosted_zone_with_every_needed_record() {
    let c = service_case("phz-with-records");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(&["NET-DNS-RESOLVER-OVERRIDES"], "pass");
    // The names resolve to addresses inside the VPC (read from the zone's records): what
    // listens there is named as not verifiable.
    let f = c.reports_any("NET-ROUTE-OPAQUE", "warning", &c.list("subnets"));
    assert!(f["message"].as_str().unwrap().contains("10.0.1.10"), "{f}");
}

#[test]
fn resolver_rule_forwards_the_aws_names() {
    // healthy-nat + a Resolver FORWARD rule for amazonaws.com: a warning naming the rule, no
    // error (the DNS servers it forwards to cannot be checked).
    let c = service_case("resolver-forward-aws");
    c.exit(0).verdict("pass");
    let f = c.warns("NET-DNS-RESOLVER-OVERRIDES", c.s("resolver_rule"));
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("10.99.0.2:53"), "{message}");
    assert!(
        message.contains("api.ecr.us-east-1.amazonaws.com"),
        "{message}"
    );
    assert_no_errors(&c.json);
}

#[test]
fn system_rule_takes_the_aws_names_back_from_a_forward_all_rule() {
    let c = service_case("resolver-forward-all-system-aws");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(&["NET-DNS-RESOLVER-OVERRIDES"], "pass");
}

// =============================================================================================
// Log configuration
// =============================================================================================

#[test]
fn awslogs_without_region() {
    let c = service_case("awslogs-no-region");
    c.exit(1).verdict("fail");
    c.fails("LOG-CONFIG-INVALID", c.s("task_definition"));
    c.only_errors(&["LOG-CONFIG-INVALID"]);
}

// =============================================================================================
// Image size against ephemeral storage
// =============================================================================================

/// A single-platform image: its OS and architecture are in the config blob, which moto cannot
/// serve, so the platform checks may be undecided.
const PLATFORM_CHECKS: &[&str] = &["IMG-ARCH-MISMATCH", "IMG-OS-MISMATCH"];

#[test]
fn image_larger_than_default_ephemeral_storage() {
    // app:1 is 31 GiB compressed; the task has the default 20 GiB.
    let c = service_case("image-too-large");
    c.exit(1).verdict("fail");
    c.fails("IMG-TOO-LARGE", IMAGE);
    c.only_errors(&["IMG-TOO-LARGE"]);
    c.allow(
        &["IMG-OS-MISMATCH", "IMG-ARCH-MISMATCH"],
        "a single-platform image: its platform is in the config blob, which moto cannot serve",
    );
}

#[test]
fn image_fits_the_configured_ephemeral_storage() {
    // The same 31 GiB image with ephemeralStorage.sizeInGiB 200.
    let c = service_case("image-large-enough-storage");
    c.statuses(&["IMG-TOO-LARGE"], "pass");
    passes_unless_unknown(&c, PLATFORM_CHECKS);
}

// =============================================================================================
// Features no check evaluates
// =============================================================================================

#[test]
fn fsx_volume_is_named_as_not_checked() {
    // A Windows task (windows/amd64 image) with an FSx for Windows File Server volume.
    let c = service_case("td-fsx-volume");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    let f = informs(&c, "TD-FEATURE-NOT-CHECKED", c.s("task_definition"));
    assert!(message(f).to_lowercase().contains("fsx"), "{f}");
}

#[test]
fn proxy_configuration_is_named_as_not_checked() {
    let c = service_case("td-proxy-configuration"); // App Mesh proxyConfiguration
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    let f = informs(&c, "TD-FEATURE-NOT-CHECKED", c.s("task_definition"));
    assert!(message(f).to_lowercase().contains("proxy"), "{f}");
}

#[test]
fn nothing_unchecked_in_a_plain_task_definition() {
    let c = service_case("healthy-public");
    c.ok(&["TD-FEATURE-NOT-CHECKED"]);
}
