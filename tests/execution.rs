//! End-to-end tests of the "part 2" checks (launch, execution role, image and registry, secrets,
//! logs, endpoint policies, and the explanation of a stopped task's message): the real
//! `fargate-doctor` binary against a real moto server, one scenario per test (built by
//! `tests/moto/seed.py`, see its docstrings).
//!
//! Run with `scripts/test` (or `scripts/test --test execution`). Each test starts its own moto.
//!
//! What `resources[0]` is assumed to be (contract §3: "the exact broken one first"):
//!
//! | check                                   | resources[0]                                      |
//! |-----------------------------------------|---------------------------------------------------|
//! | LAUNCH-TASKDEF-NO-EXECROLE              | the task definition ARN                           |
//! | IAM-EXEC-MISSING, IAM-EXEC-TRUST        | the role ARN                                      |
//! | IAM-EXEC-ECR, -LOGS, -SECRETS, -PRIVREG | the role ARN (then the resource it cannot use)    |
//! | IAM-GUARDRAILS                          | the permissions boundary policy ARN               |
//! | ECR-REPO-NOT-FOUND, ECR-REPO-POLICY     | the repository ARN                                |
//! | ECR-IMAGE-NOT-FOUND, IMG-*-MISMATCH     | the image as written in the task definition       |
//! | REG-CREDS-MISSING, SEC-SM-NOT-FOUND     | the secret ARN (without JSON key / version suffix)|
//! | SEC-SSM-NOT-FOUND                       | the parameter as written in valueFrom             |
//! | LOG-GROUP-MISSING                       | the log group name                                |
//! | VPCE-POLICY-DENIES, VPCE-S3-POLICY-DENIES-LAYER-BUCKET | the endpoint                       |
//! | VPCE-CROSS-REGION                       | a task subnet                                     |
//!
//! Unless the scenario says otherwise the network is public subnets with a public IP, so the
//! only errors are the ones the scenario builds (`only_errors`).

mod common;

use common::*;
use serde_json::Value;

const ROLE: &str = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app";
const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";
/// The secret seed.py references but never creates (valueFrom adds `:password::`).
const MISSING_SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const LOG_GROUP_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app";

// =============================================================================================
// Healthy configurations: every part-2 check passes or does not apply
// =============================================================================================

#[test]
fn healthy_public_passes_every_check() {
    let c = service_case("healthy-public");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    assert!(target(&c.json)["failure"].is_null(), "no failure message");
    c.statuses(
        &[
            "LAUNCH-TASKDEF-NO-EXECROLE",
            "IAM-EXEC-MISSING",
            "IAM-EXEC-TRUST",
            "IAM-EXEC-ECR",
            "IAM-EXEC-LOGS",
            "IAM-GUARDRAILS",
            "ECR-REPO-NOT-FOUND",
            "ECR-IMAGE-NOT-FOUND",
            "ECR-REPO-POLICY",
            "IMG-ARCH-MISMATCH",
            "IMG-OS-MISMATCH",
            "LOG-GROUP-MISSING",
        ],
        "pass",
    )
    .statuses(
        &[
            "IAM-EXEC-SECRETS",
            "IAM-EXEC-PRIVREG",
            "REG-CREDS-MISSING",
            "SEC-SM-NOT-FOUND",
            "SEC-SSM-NOT-FOUND",
            "VPCE-POLICY-DENIES", // no interface endpoint on the path
            "VPCE-S3-POLICY-DENIES-LAYER-BUCKET", // no S3 gateway endpoint
            "VPCE-CROSS-REGION",
        ],
        "not_applicable",
    );
}

#[test]
fn healthy_endpoints_default_policies_allow() {
    // moto gives interface and gateway endpoints its default full-access policy.
    let c = service_case("healthy-endpoints");
    c.exit(0).verdict("pass");
    c.statuses(
        &["VPCE-POLICY-DENIES", "VPCE-S3-POLICY-DENIES-LAYER-BUCKET"],
        "pass",
    )
    .statuses(&["VPCE-CROSS-REGION"], "not_applicable");
}

// =============================================================================================
// Launch and execution role
// =============================================================================================

#[test]
fn task_definition_without_execution_role() {
    // moto registers a FARGATE task definition with an ECR image and no executionRoleArn.
    let c = service_case("no-exec-role");
    c.exit(1).verdict("fail");
    c.fails("LAUNCH-TASKDEF-NO-EXECROLE", c.s("task_definition"));
    c.only_errors(&["LAUNCH-TASKDEF-NO-EXECROLE"]);
    c.statuses(
        &["IAM-EXEC-MISSING", "IAM-EXEC-TRUST", "IAM-EXEC-ECR"],
        "not_applicable",
    );
}

#[test]
fn no_execution_role_needed_for_a_public_image() {
    let c = service_case("hub-no-exec-role"); // nginx, no awslogs, no secrets
    c.exit(0).verdict("pass");
    c.statuses(&["LAUNCH-TASKDEF-NO-EXECROLE"], "not_applicable");
}

#[test]
fn execution_role_does_not_exist() {
    let c = service_case("exec-role-missing");
    c.exit(1).verdict("fail");
    c.fails("IAM-EXEC-MISSING", c.s("role"));
    c.only_errors(&["IAM-EXEC-MISSING"]);
    c.statuses(&["LAUNCH-TASKDEF-NO-EXECROLE"], "pass");
}

#[test]
fn execution_role_trusted_by_ec2_only() {
    let c = service_case("exec-role-ec2-trust");
    c.exit(1).verdict("fail");
    c.fails("IAM-EXEC-TRUST", ROLE);
    c.only_errors(&["IAM-EXEC-TRUST"]);
    c.statuses(&["IAM-EXEC-MISSING", "IAM-EXEC-ECR"], "pass");
}

#[test]
fn execution_role_without_ecr_permissions() {
    let c = service_case("exec-role-logs-only"); // inline logs:* only
    c.exit(1).verdict("fail");
    c.fails("IAM-EXEC-ECR", ROLE);
    c.names_all("IAM-EXEC-ECR", &[REPO]);
    c.only_errors(&["IAM-EXEC-ECR"]);
    c.statuses(&["IAM-EXEC-LOGS", "ECR-REPO-POLICY"], "pass");
}

#[test]
fn explicit_deny_beats_the_managed_policy() {
    let c = service_case("exec-role-ecr-deny"); // managed policy + inline Deny ecr:BatchGetImage
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-ECR", ROLE);
    assert!(resources(f).contains(&REPO), "{f}");
    assert!(message(f).contains("ecr:BatchGetImage"), "{f}");
    // The fix names the Deny, not "add an Allow".
    let fix = f["remediation"].as_str().unwrap();
    assert!(fix.starts_with("Remove or narrow the Deny in "), "{fix}");
    c.only_errors(&["IAM-EXEC-ECR"]);
    c.statuses(&["ECR-REPO-POLICY"], "pass"); // the identity side denies, not the repository
}

#[test]
fn execution_role_without_logs_permissions() {
    let c = service_case("exec-role-ecr-only"); // inline ECR pull actions only, awslogs
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-LOGS", ROLE);
    // Then the log group: a real ARN, not the made-up stream the calls are evaluated on.
    assert_eq!(resources(f).get(1).copied(), Some(LOG_GROUP_ARN), "{f}");
    c.only_errors(&["IAM-EXEC-LOGS"]);
    c.statuses(&["IAM-EXEC-ECR", "LOG-GROUP-MISSING"], "pass");
}

#[test]
fn permissions_boundary_takes_ecr_away() {
    let c = service_case("exec-role-boundary"); // managed policy; boundary allows logs:* only
    c.exit(1).verdict("fail");
    c.warns("IAM-GUARDRAILS", c.s("boundary"));
    let f = c.fails("IAM-EXEC-ECR", ROLE);
    // The fix points at the boundary: the role's own policies already allow the pull.
    let fix = f["remediation"].as_str().unwrap();
    assert!(
        fix.contains(&format!("permissions boundary {}", c.s("boundary"))),
        "{fix}"
    );
    c.only_errors(&["IAM-EXEC-ECR"]);
    c.statuses(&["IAM-EXEC-LOGS"], "pass");
}

#[test]
fn secret_not_readable_by_the_role() {
    let c = service_case("secret-not-readable"); // managed policy only
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-SECRETS", ROLE);
    assert_eq!(resources(f).get(1).copied(), Some(c.s("secret")), "{f}");
    c.only_errors(&["IAM-EXEC-SECRETS"]);
    c.statuses(&["SEC-SM-NOT-FOUND"], "pass");
}

#[test]
fn secret_policy_without_the_arn_suffix() {
    // Allowed on ...:secret:db exactly; the secret's ARN is ...:secret:db-XXXXXX.
    let c = service_case("secret-policy-without-suffix");
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-SECRETS", ROLE);
    assert_eq!(resources(f).get(1).copied(), Some(c.s("secret")), "{f}");
    c.only_errors(&["IAM-EXEC-SECRETS"]);
}

#[test]
fn secrets_readable_through_name_prefix_policies() {
    // Secret with a JSON key, SSM SecureStrings by name and by ARN; the role may read db-* and
    // parameter/app/* only.
    let c = service_case("secrets-readable");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(
        &["IAM-EXEC-SECRETS", "SEC-SM-NOT-FOUND", "SEC-SSM-NOT-FOUND"],
        "pass",
    );
}

#[test]
fn secret_with_a_customer_managed_key_readable() {
    // The role may GetSecretValue and kms:Decrypt with the secret's customer managed key.
    let c = service_case("secrets-cmk");
    c.exit(0).verdict("pass");
    assert_no_errors(&c.json);
    c.statuses(&["IAM-EXEC-SECRETS", "SEC-SM-NOT-FOUND"], "pass");
}

#[test]
fn registry_credentials_not_readable_by_the_role() {
    let c = service_case("privreg-not-readable"); // Docker Hub image, managed policy only
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-PRIVREG", ROLE);
    assert_eq!(resources(f).get(1).copied(), Some(c.s("creds")), "{f}");
    c.only_errors(&["IAM-EXEC-PRIVREG"]);
    c.statuses(&["REG-CREDS-MISSING", "REG-INTERNET-REQUIRED"], "pass");
}

#[test]
fn registry_credentials_readable() {
    let c = service_case("privreg-ok");
    c.exit(0).verdict("pass");
    c.statuses(&["IAM-EXEC-PRIVREG", "REG-CREDS-MISSING"], "pass");
    // No private ECR image: the ECR checks do not apply.
    c.statuses(&["IAM-EXEC-ECR", "ECR-REPO-NOT-FOUND"], "not_applicable");
}

#[test]
fn registry_credentials_secret_missing() {
    let c = service_case("privreg-secret-missing");
    c.exit(1).verdict("fail");
    c.fails("REG-CREDS-MISSING", MISSING_SECRET);
    c.only_errors(&["REG-CREDS-MISSING"]);
}

// =============================================================================================
// Image and registry
// =============================================================================================

#[test]
fn repository_does_not_exist() {
    let c = service_case("ecr-repo-missing");
    c.exit(1).verdict("fail");
    c.fails(
        "ECR-REPO-NOT-FOUND",
        "arn:aws:ecr:us-east-1:123456789012:repository/missing",
    );
    c.only_errors(&["ECR-REPO-NOT-FOUND"]);
    c.ok(&["ECR-IMAGE-NOT-FOUND", "IMG-ARCH-MISMATCH"]);
    c.allow(
        &["ECR-PULL-THROUGH"],
        "moto 5.2.5 answers DescribePullThroughCacheRules with an HTML 500: unreadable",
    );
}

#[test]
fn tag_never_pushed() {
    let c = service_case("ecr-tag-missing");
    c.exit(1).verdict("fail");
    c.fails("ECR-IMAGE-NOT-FOUND", c.s("image"));
    c.only_errors(&["ECR-IMAGE-NOT-FOUND"]);
    c.statuses(&["ECR-REPO-NOT-FOUND"], "pass");
}

#[test]
fn repository_policy_denies_the_role() {
    let c = service_case("ecr-repo-policy-deny");
    c.exit(1).verdict("fail");
    let f = c.fails("ECR-REPO-POLICY", REPO);
    assert!(resources(f).contains(&ROLE), "{f}");
    c.only_errors(&["ECR-REPO-POLICY"]);
    c.statuses(&["IAM-EXEC-ECR"], "pass"); // the role's own policies allow it
}

#[test]
fn arm64_task_with_an_amd64_only_image() {
    let c = service_case("arm64-amd64-only-image");
    c.exit(1).verdict("fail");
    c.fails("IMG-ARCH-MISMATCH", IMAGE);
    c.only_errors(&["IMG-ARCH-MISMATCH"]);
    c.statuses(&["IMG-OS-MISMATCH"], "pass");
    c.ok(&["PLAT-PV-INCOMPATIBLE"]); // LATEST runs ARM64
}

#[test]
fn arm64_task_with_a_multi_arch_image() {
    let c = service_case("arm64-multiarch");
    c.exit(0).verdict("pass");
    c.statuses(&["IMG-ARCH-MISMATCH", "IMG-OS-MISMATCH"], "pass");
}

#[test]
fn windows_task_with_a_linux_image() {
    let c = service_case("windows-linux-image"); // image: linux/amd64 + linux/arm64
    c.exit(1).verdict("fail");
    c.fails("IMG-OS-MISMATCH", IMAGE);
    // The image has an amd64 manifest: the architecture matches, the operating system does
    // not. One cause, one finding: IMG-ARCH-MISMATCH must not repeat IMG-OS-MISMATCH.
    c.ok(&["IMG-ARCH-MISMATCH"]);
    c.only_errors(&["IMG-OS-MISMATCH"]);
}

#[test]
fn windows_task_with_a_windows_image() {
    let c = service_case("windows-image");
    c.exit(0).verdict("pass");
    c.statuses(&["IMG-OS-MISMATCH", "IMG-ARCH-MISMATCH"], "pass");
}

// =============================================================================================
// Secrets and logs
// =============================================================================================

#[test]
fn secret_missing_with_a_json_key_suffix() {
    // valueFrom = MISSING_SECRET + ":password::"; the finding names the secret itself.
    let c = service_case("secret-missing");
    c.exit(1).verdict("fail");
    c.fails("SEC-SM-NOT-FOUND", MISSING_SECRET);
    c.only_errors(&["SEC-SM-NOT-FOUND"]);
    c.statuses(&["SEC-SSM-NOT-FOUND"], "not_applicable");
}

#[test]
fn parameters_missing_by_name_and_by_arn() {
    let c = service_case("parameter-missing");
    c.exit(1).verdict("fail");
    c.fails("SEC-SSM-NOT-FOUND", "/app/missing");
    c.names_all("SEC-SSM-NOT-FOUND", &[c.s("missing_by_arn")]);
    c.only_errors(&["SEC-SSM-NOT-FOUND"]);
    c.statuses(&["SEC-SM-NOT-FOUND"], "not_applicable");
}

#[test]
fn secret_in_another_region_through_nat() {
    // The secret is looked up in its own Region (eu-west-1), and NAT reaches it.
    let c = service_case("secret-other-region-nat");
    c.exit(0).verdict("pass");
    c.statuses(
        &["SEC-SM-NOT-FOUND", "IAM-EXEC-SECRETS", "VPCE-CROSS-REGION"],
        "pass",
    );
}

#[test]
fn log_group_missing() {
    let c = service_case("log-group-missing");
    c.exit(1).verdict("fail");
    c.fails("LOG-GROUP-MISSING", "/ecs/app");
    c.only_errors(&["LOG-GROUP-MISSING"]);
}

#[test]
fn log_group_in_another_region_than_awslogs_region() {
    // awslogs-region eu-west-1; /ecs/app exists in us-east-1 only.
    let c = service_case("log-group-other-region");
    c.exit(1).verdict("fail");
    c.fails("LOG-GROUP-MISSING", "/ecs/app");
    c.only_errors(&["LOG-GROUP-MISSING"]);
}

#[test]
fn log_group_created_by_the_driver() {
    // awslogs-create-group "true", no group, and the role may logs:CreateLogGroup.
    let c = service_case("log-group-auto-create");
    c.exit(0).verdict("pass");
    c.statuses(&["LOG-GROUP-MISSING"], "not_applicable")
        .statuses(&["IAM-EXEC-LOGS"], "pass");
}

#[test]
fn log_group_auto_create_needs_create_log_group() {
    // Same, but the role has only the managed policy (no logs:CreateLogGroup).
    let c = service_case("log-group-auto-create-denied");
    c.exit(1).verdict("fail");
    let f = c.fails("IAM-EXEC-LOGS", ROLE);
    assert!(message(f).contains("logs:CreateLogGroup"), "{f}");
    assert_eq!(resources(f).get(1).copied(), Some(LOG_GROUP_ARN), "{f}");
    c.only_errors(&["IAM-EXEC-LOGS"]);
    c.statuses(&["LOG-GROUP-MISSING"], "not_applicable");
}

// =============================================================================================
// Endpoint policies and Regions
// =============================================================================================

#[test]
fn ecr_api_endpoint_policy_for_another_role() {
    let c = service_case("vpce-policy-other-role");
    c.exit(1).verdict("fail");
    let f = c.fails("VPCE-POLICY-DENIES", c.endpoint("ecr.api"));
    assert!(resources(f).contains(&ROLE), "{f}");
    c.only_errors(&["VPCE-POLICY-DENIES"]);
    c.statuses(&["IAM-EXEC-ECR"], "pass");
}

#[test]
fn ecr_dkr_and_logs_endpoint_policies_for_another_role() {
    let c = service_case("vpce-policy-dkr-logs-other-role");
    c.exit(1).verdict("fail");
    let (dkr, logs) = (c.endpoint("ecr.dkr"), c.endpoint("logs"));
    c.fails_any("VPCE-POLICY-DENIES", &[dkr, logs]);
    c.names_all("VPCE-POLICY-DENIES", &[dkr, logs, ROLE]);
    c.never_names("VPCE-POLICY-DENIES", c.endpoint("ecr.api"));
    c.only_errors(&["VPCE-POLICY-DENIES"]);
    c.statuses(&["IAM-EXEC-ECR", "IAM-EXEC-LOGS"], "pass");
}

#[test]
fn ecr_api_endpoint_policy_for_the_execution_role() {
    let c = service_case("vpce-policy-exec-role");
    c.exit(0).verdict("pass");
    c.statuses(&["VPCE-POLICY-DENIES"], "pass");
}

#[test]
fn s3_endpoint_policy_blocks_layers_even_with_nat() {
    // NAT network + S3 gateway endpoint on the task route table allowing only
    // my-company-bucket: the prefix-list route wins over 0.0.0.0/0 -> NAT.
    let c = service_case("nat-s3-policy-company-bucket");
    c.exit(1).verdict("fail");
    let f = c.fails("VPCE-S3-POLICY-DENIES-LAYER-BUCKET", c.s("s3_endpoint"));
    for subnet in c.list("subnets") {
        assert!(resources(f).contains(&subnet), "{f}");
    }
    c.only_errors(&["VPCE-S3-POLICY-DENIES-LAYER-BUCKET"]);
}

#[test]
fn s3_endpoint_policy_allows_the_layer_bucket() {
    let c = service_case("nat-s3-policy-layer-bucket");
    c.exit(0).verdict("pass");
    c.statuses(&["VPCE-S3-POLICY-DENIES-LAYER-BUCKET"], "pass");
}

#[test]
fn log_group_in_another_region_with_endpoints_only() {
    // awslogs-region eu-west-1 (the group exists there); endpoints in us-east-1 only.
    let c = service_case("vpce-cross-region-logs");
    c.exit(1).verdict("fail");
    c.fails_any("VPCE-CROSS-REGION", &c.list("subnets"));
    c.only_errors(&["VPCE-CROSS-REGION", "NET-ROUTE-NO-DEFAULT"]);
    c.statuses(&["LOG-GROUP-MISSING", "VPCE-LOGS-MISSING"], "pass");
}

#[test]
fn log_group_in_another_region_through_nat() {
    let c = service_case("nat-cross-region-logs");
    c.exit(0).verdict("pass");
    c.statuses(&["VPCE-CROSS-REGION", "LOG-GROUP-MISSING"], "pass");
}

// =============================================================================================
// The failure message of a stopped task
// =============================================================================================

#[test]
fn stopped_task_explained_by_the_missing_repository() {
    // NAT network; "CannotPullContainerError: … failed to resolve ref …/missing:1: … not found".
    let c = task_case("stopped-repo-missing");
    c.exit(1).verdict("fail");
    c.allow(
        &["ECR-PULL-THROUGH"],
        "moto 5.2.5 answers DescribePullThroughCacheRules with an HTML 500: unreadable",
    );
    let failure = c.failure();
    assert_eq!(failure["message"], c.s("stopped_reason"));
    assert_eq!(failure["explained_by"], "ECR-REPO-NOT-FOUND", "{failure}");
    assert_eq!(findings(&c.json)[0]["id"], "ECR-REPO-NOT-FOUND");
    c.fails(
        "ECR-REPO-NOT-FOUND",
        "arn:aws:ecr:us-east-1:123456789012:repository/missing",
    );
    c.only_errors(&["ECR-REPO-NOT-FOUND"]);
}

#[test]
fn stopped_task_that_no_finding_explains() {
    // ECR auth i/o timeout, but the NAT network is healthy: the message is echoed, nothing
    // explains it, and the candidates that ran clean are listed as ruled out.
    let c = task_case("stopped-auth-timeout-healthy");
    assert_no_errors(&c.json);
    let failure = c.failure();
    assert_eq!(failure["message"], c.s("stopped_reason"));
    assert!(failure["explained_by"].is_null(), "{failure}");
    let ruled_out = failure["ruled_out"].as_array().expect("ruled_out list");
    assert!(!ruled_out.is_empty(), "{failure}");
    assert!(
        ruled_out.iter().any(|id| id == "NET-ROUTE-NO-DEFAULT"),
        "{failure}"
    );

    let out = c.moto.run_raw(&[
        "--region",
        REGION,
        "--endpoint-url",
        &c.moto.endpoint,
        "--format",
        "human",
        "task",
        "--cluster",
        c.s("cluster"),
        c.s("task_id"),
    ]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("no finding explains"), "{human}");
    assert_eq!(out.status.code(), Some(c.code), "{human}");
}

// =============================================================================================
// Offline
// =============================================================================================

/// Seed `scenario`, save the snapshot of `service --cluster prod web`, stop moto, and return
/// the seed output and the snapshot (to be edited and diagnosed offline).
fn saved_snapshot(scenario: &str) -> (Value, Value) {
    let moto = Moto::start();
    let seed = moto.seed(scenario);
    let dir = TempDir::new("snapshot");
    let file = dir.join("snap.json");
    let file = file.to_str().expect("utf-8 path");
    let (code, json, stderr) = moto.run(&[
        "--save-snapshot",
        file,
        "service",
        "--cluster",
        "prod",
        "web",
    ]);
    assert_exit((code, &json, &stderr), 0);
    let text = std::fs::read_to_string(file).expect("--save-snapshot wrote the file");
    (
        seed,
        serde_json::from_str(&text).expect("the snapshot is JSON"),
    )
}

/// `diagnose` an (edited) snapshot offline.
fn diagnose(snapshot: &Value) -> (i32, Value, String) {
    let dir = TempDir::new("edited");
    let file = dir.join("edited.json");
    std::fs::write(&file, snapshot.to_string()).expect("write the snapshot");
    offline_json(&["diagnose", file.to_str().expect("utf-8 path")])
}

#[test]
fn offline_task_definition_without_execution_role() {
    // The healthy snapshot with executionRoleArn removed: the same failure as no-exec-role.
    let (seed, mut snap) = saved_snapshot("healthy-public");
    let tds = snap["ecs"]["task_definitions"].as_object_mut();
    for td in tds.expect("task definitions").values_mut() {
        let removed = td
            .as_object_mut()
            .and_then(|t| t.remove("execution_role_arn"));
        assert_eq!(removed, Some(Value::from(ROLE)));
    }
    let (code, json, stderr) = diagnose(&snap);
    assert_exit((code, &json, &stderr), 1);
    assert_fails(
        &json,
        "LAUNCH-TASKDEF-NO-EXECROLE",
        "error",
        s(&seed, "task_definition"),
    );
    assert_eq!(error_ids(&json), ["LAUNCH-TASKDEF-NO-EXECROLE"]);
}

#[test]
fn offline_cross_account_repository() {
    // moto does not serve another account's repository to this one (DescribeRepositories with
    // registryId 111122223333 says RepositoryNotFound), so the healthy snapshot's repository is
    // moved to account 111122223333 offline: without a grant in its policy the role cannot pull.
    let (_, snap) = saved_snapshot("healthy-public");
    let text = snap
        .to_string()
        .replace("123456789012.dkr.ecr", "111122223333.dkr.ecr")
        .replace(":123456789012:repository/", ":111122223333:repository/")
        .replace(
            r#""registry_id":"123456789012""#,
            r#""registry_id":"111122223333""#,
        );
    let mut snap: Value = serde_json::from_str(&text).expect("still JSON");
    let repo = "arn:aws:ecr:us-east-1:111122223333:repository/app";
    let (code, json, stderr) = diagnose(&snap);
    assert_exit((code, &json, &stderr), 1);
    assert_fails(&json, "ECR-REPO-POLICY", "error", repo);
    assert_status(&json, "IAM-EXEC-ECR", "pass");
    assert_eq!(error_ids(&json), ["ECR-REPO-POLICY"]);

    // The repository policy grants the role: pass.
    let grant = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    }]});
    snap["ecr"]["repositories"][repo]["policy"] = grant.to_string().into();
    let (code, json, stderr) = diagnose(&snap);
    assert_exit((code, &json, &stderr), 0);
    assert_status(&json, "ECR-REPO-POLICY", "pass");
}
