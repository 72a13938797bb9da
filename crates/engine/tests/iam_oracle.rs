//! Oracle table for the IAM evaluator (`fd_engine::iam`).
//!
//! Each row is a scenario: the policies involved, one request, and the decision AWS makes
//! according to the IAM policy-evaluation documentation (single-account and cross-account
//! logic, permissions boundaries, condition operators, KMS key policies, role trust policies)
//! and the ECS/ECR documentation quoted in shared/reference/fargate-start-failures.md.
//!
//! Pipeline per row: identity policies ∩ boundary → resource policy (same / cross account) or
//! KMS key policy → VPC endpoint policy. `identity: None` skips the identity side (an endpoint
//! policy evaluated on its own, as for the pre-signed S3 layer download). `trust` rows evaluate
//! only the trust policy.

use fd_engine::iam::{self, Context, Decision, Layer, Policy, Request};

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

type Named = (&'static str, &'static str);

const ACCT: &str = "123456789012";
const EXEC_ROLE: &str = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
const EXEC_SESSION: &str =
    "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/3f8c1e0d2b7a4c9e";
const OTHER_ACCT_ROLE: &str = "arn:aws:iam::444455556666:role/ecsTaskExecutionRole";
const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/team/app";
const LOG_GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:log-stream:x";
const LAYER_OBJECT: &str = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/0a1b2c";
const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// The AWS managed policy, verbatim in substance [D ECS-EXEC].
const EXEC_MANAGED: Named = (
    "AmazonECSTaskExecutionRolePolicy",
    r#"{
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Action": [
          "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
          "logs:CreateLogStream", "logs:PutLogEvents"
        ],
        "Resource": "*"
      }]
    }"#,
);

const LOGS_ONLY: Named = (
    "inline:logs-only",
    r#"{"Version":"2012-10-17","Statement":{"Sid":"Logs","Effect":"Allow",
        "Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}}"#,
);

const ALLOW_ALL: Named = (
    "AdministratorAccess",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
);

const DENY_ECR: Named = (
    "inline:deny-ecr",
    r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"DenyEcr","Effect":"Deny","Action":"ecr:*","Resource":"*"}]}"#,
);

/// AWS docs NotAction example: deny everything except IAM.
const DENY_ALL_BUT_IAM: Named = (
    "inline:deny-all-but-iam",
    r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"DenyAllExceptIAM","Effect":"Deny","NotAction":"iam:*","Resource":"*"}]}"#,
);

const NOT_RESOURCE: Named = (
    "inline:s3-except-secrets",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
        "NotResource":["arn:aws:s3:::acme-secrets","arn:aws:s3:::acme-secrets/*"]}]}"#,
);

const TEAM_WILDCARDS: Named = (
    "inline:team-pull",
    r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"TeamRepos","Effect":"Allow","Action":"ecr:Get*",
         "Resource":"arn:aws:ecr:*:123456789012:repository/team/*"},
        {"Sid":"AppLogs","Effect":"Allow","Action":"logs:PutLogEvents",
         "Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app-?:*"}]}"#,
);

const UPPER_TEAM: Named = (
    "inline:upper-team",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage",
        "Resource":"arn:aws:ecr:us-east-1:123456789012:repository/Team/*"}]}"#,
);

const BOUNDARY_LOGS: Named = (
    "arn:aws:iam::123456789012:policy/boundary-logs-only",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#,
);

const BOUNDARY_ECR_LOGS: Named = (
    "arn:aws:iam::123456789012:policy/boundary-ecr-logs",
    r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["ecr:*","logs:*"],"Resource":"*"}]}"#,
);

const BOUNDARY_DENY_PULL: Named = (
    "arn:aws:iam::123456789012:policy/boundary-deny-pull",
    r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"NoPull","Effect":"Deny","Action":"ecr:BatchGetImage","Resource":"*"}]}"#,
);

/// Only via one interface endpoint (IAM-EXEC-ECR-CONDITION pattern).
const ONLY_VIA_VPCE: Named = (
    "inline:only-via-vpce",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"ViaVpce","Effect":"Allow",
        "Action":"ecr:*","Resource":"*",
        "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#,
);

/// The classic "deny unless through my endpoint" guardrail.
const DENY_OUTSIDE_VPCE: Named = (
    "inline:deny-outside-vpce",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideVpce","Effect":"Deny",
        "Action":"ecr:*","Resource":"*",
        "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#,
);

const ONLY_VIA_ANY_VPCE: Named = (
    "inline:null-check",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AnyVpce","Effect":"Allow",
        "Action":"secretsmanager:GetSecretValue","Resource":"*",
        "Condition":{"Null":{"aws:SourceVpce":"false"}}}]}"#,
);

const VPCE_IF_EXISTS: Named = (
    "inline:vpce-if-exists",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"VpceIfExists","Effect":"Allow",
        "Action":"ssm:GetParameters","Resource":"*",
        "Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-0abc"}}}]}"#,
);

const TAG_KEYS_ANY: Named = (
    "inline:tag-keys-any",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AnyTeamTag","Effect":"Allow",
        "Action":"ecs:TagResource","Resource":"*",
        "Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","owner"]}}}]}"#,
);

const TAG_KEYS_ALL: Named = (
    "inline:tag-keys-all",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyAllowedTags","Effect":"Allow",
        "Action":"ecs:TagResource","Resource":"*",
        "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","owner"]}}}]}"#,
);

const MFA_AGE: Named = (
    "inline:recent-mfa",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*",
        "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},
                     "Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
);

const SOURCE_IP: Named = (
    "inline:office-only",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}]}"#,
);

const USERNAME_VAR: Named = (
    "inline:home-prefix",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
        "Resource":"arn:aws:s3:::acme-home/${aws:username}/*"}]}"#,
);

/// ECR repository policies (no Resource element: the repository itself).
const REPO_GRANTS_OTHER_ACCT: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPullFromDev","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::777788889999:root"},
        "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#,
);

const REPO_GRANTS_PROD_ACCT: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPullFromProd","Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::777788889999:root","444455556666"]},
        "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#,
);

const REPO_GRANTS_EXEC_ROLE: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowExecRole","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole"},
        "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#,
);

const REPO_GRANTS_SESSION: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowSession","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/3f8c1e0d2b7a4c9e"},
        "Action":"ecr:BatchGetImage"}]}"#,
);

const REPO_GRANTS_OWN_ACCT: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccount","Effect":"Allow",
        "Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}]}"#,
);

const REPO_DENY_ALL_BUT_CI: Named = (
    "repository policy of team/app",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyCi","Effect":"Deny",
        "NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/ci"},"Action":"ecr:*"}]}"#,
);

/// S3 gateway endpoint policies [D ECR-VPCE].
const S3_EP_LAYER_BUCKET: Named = (
    "endpoint policy of vpce-0s3gw",
    r#"{"Statement":[{"Sid":"Access-to-specific-bucket-only","Principal":"*",
        "Action":["s3:GetObject"],"Effect":"Allow",
        "Resource":["arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"]}]}"#,
);

const S3_EP_COMPANY_ONLY: Named = (
    "endpoint policy of vpce-0s3gw",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"CompanyBucketsOnly","Principal":"*",
        "Effect":"Allow","Action":"s3:*",
        "Resource":["arn:aws:s3:::acme-artifacts","arn:aws:s3:::acme-artifacts/*"]}]}"#,
);

const S3_EP_ROLE_ONLY: Named = (
    "endpoint policy of vpce-0s3gw",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"RoleOnly","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole"},
        "Action":"s3:GetObject","Resource":"*"}]}"#,
);

/// ECR interface endpoint policy scoped to the execution role [D ECR-VPCE example].
const ECR_EP_EXEC_ROLE: Named = (
    "endpoint policy of vpce-0ecrdkr",
    r#"{"Statement":[{"Sid":"AllowPull","Principal":{"AWS":["arn:aws:iam::123456789012:role/ecsTaskExecutionRole"]},
        "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:GetAuthorizationToken"],
        "Effect":"Allow","Resource":"*"}]}"#,
);

/// Trust policies.
const TRUST_ECS_TASKS: Named = (
    "trust policy of ecsTaskExecutionRole",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow",
        "Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
);

const TRUST_ECS_CONFUSED_DEPUTY: Named = (
    "trust policy of ecsTaskExecutionRole",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"EcsTasks","Effect":"Allow",
        "Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole",
        "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"},
                     "StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#,
);

/// KMS key policies.
const KEY_DEFAULT: Named = (
    "key policy of key/1234abcd",
    r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{
        "Sid":"Enable IAM User Permissions","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#,
);

const KEY_ADMINS_ONLY: Named = (
    "key policy of key/1234abcd",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"KeyAdmins","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/KeyAdmin"},"Action":"kms:*","Resource":"*"}]}"#,
);

const KEY_GRANTS_EXEC_ROLE: Named = (
    "key policy of key/1234abcd",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"ExecRoleDecrypt","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole"},
        "Action":"kms:Decrypt","Resource":"*"}]}"#,
);

const KEY_GRANTS_PROD_ROLE: Named = (
    "key policy of key/1234abcd",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"ProdExecRoleDecrypt","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::444455556666:role/ecsTaskExecutionRole"},
        "Action":"kms:Decrypt","Resource":"*"}]}"#,
);

const KMS_DECRYPT: Named = (
    "inline:kms-decrypt",
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"Decrypt","Effect":"Allow",
        "Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/*"}]}"#,
);

const KMS_DECRYPT_ANY: Named = (
    "inline:kms-decrypt-any",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#,
);

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Ctx {
    Is(&'static str),
    Many(&'static [&'static str]),
    Absent,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Allowed by (policy source, statement index).
    Allow(&'static str, usize),
    /// Explicitly denied by (policy source, statement index).
    Deny(&'static str, usize),
    /// Implicitly denied; the layer lacking an Allow.
    Implicit(Layer),
    /// Unknown because of this key; `is_allowed()` must equal the second field.
    Unknown(&'static str, Option<bool>),
}

struct Case {
    name: &'static str,
    identity: Option<&'static [Named]>,
    boundary: Option<Named>,
    resource_policy: Option<Named>,
    cross_account: bool,
    key_policy: Option<Named>,
    endpoint: Option<Named>,
    trust: Option<Named>,
    principal: Option<&'static str>,
    action: &'static str,
    resource: &'static str,
    context: &'static [(&'static str, Ctx)],
    expect: Expect,
}

const BASE: Case = Case {
    name: "",
    identity: Some(&[]),
    boundary: None,
    resource_policy: None,
    cross_account: false,
    key_policy: None,
    endpoint: None,
    trust: None,
    principal: Some(EXEC_ROLE),
    action: "",
    resource: "*",
    context: &[],
    expect: Expect::Implicit(Layer::Identity),
};

use Expect::*;

const CASES: &[Case] = &[
    // --- Identity policies: basics ----------------------------------------------------------
    Case {
        name: "managed exec policy allows ecr:GetAuthorizationToken on *",
        identity: Some(&[EXEC_MANAGED]),
        action: "ecr:GetAuthorizationToken",
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "managed exec policy allows logs:PutLogEvents on a log stream ARN",
        identity: Some(&[EXEC_MANAGED]),
        action: "logs:PutLogEvents",
        resource: LOG_GROUP,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "managed exec policy lacks logs:CreateLogGroup (awslogs-create-group)",
        identity: Some(&[EXEC_MANAGED]),
        action: "logs:CreateLogGroup",
        resource: LOG_GROUP,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "managed exec policy lacks secretsmanager:GetSecretValue",
        identity: Some(&[EXEC_MANAGED]),
        action: "secretsmanager:GetSecretValue",
        resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "no identity policy at all: implicit deny",
        identity: Some(&[]),
        action: "ecr:GetAuthorizationToken",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "action names are case-insensitive",
        identity: Some(&[EXEC_MANAGED]),
        action: "ECR:getauthorizationtoken",
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "explicit deny beats allow (deny in a second policy)",
        identity: Some(&[EXEC_MANAGED, DENY_ECR]),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Deny("inline:deny-ecr", 0),
        ..BASE
    },
    Case {
        name: "explicit deny beats AdministratorAccess",
        identity: Some(&[ALLOW_ALL, DENY_ECR]),
        action: "ecr:GetAuthorizationToken",
        expect: Deny("inline:deny-ecr", 0),
        ..BASE
    },
    Case {
        name: "Deny + NotAction iam:* denies s3:GetObject despite Allow *",
        identity: Some(&[ALLOW_ALL, DENY_ALL_BUT_IAM]),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-artifacts/app.env",
        expect: Deny("inline:deny-all-but-iam", 0),
        ..BASE
    },
    Case {
        name: "Deny + NotAction iam:* leaves iam:GetRole allowed",
        identity: Some(&[ALLOW_ALL, DENY_ALL_BUT_IAM]),
        action: "iam:GetRole",
        resource: EXEC_ROLE,
        expect: Allow("AdministratorAccess", 0),
        ..BASE
    },
    Case {
        name: "NotResource: an object outside the excluded bucket is allowed",
        identity: Some(&[NOT_RESOURCE]),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-artifacts/app.env",
        expect: Allow("inline:s3-except-secrets", 0),
        ..BASE
    },
    Case {
        name: "NotResource: an object in the excluded bucket is not allowed",
        identity: Some(&[NOT_RESOURCE]),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-secrets/app.env",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "wildcards: ecr:Get* on repository/team/* matches GetDownloadUrlForLayer",
        identity: Some(&[TEAM_WILDCARDS]),
        action: "ecr:GetDownloadUrlForLayer",
        resource: REPO,
        expect: Allow("inline:team-pull", 0),
        ..BASE
    },
    Case {
        name: "wildcards: ecr:Get* does not match BatchGetImage",
        identity: Some(&[TEAM_WILDCARDS]),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "wildcards: repository/team/* does not match another account",
        identity: Some(&[TEAM_WILDCARDS]),
        action: "ecr:GetDownloadUrlForLayer",
        resource: "arn:aws:ecr:us-east-1:999999999999:repository/team/app",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "wildcards: ? matches exactly one character (app-1)",
        identity: Some(&[TEAM_WILDCARDS]),
        action: "logs:PutLogEvents",
        resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app-1:log-stream:x",
        expect: Allow("inline:team-pull", 1),
        ..BASE
    },
    Case {
        name: "wildcards: ? does not match two characters (app-10)",
        identity: Some(&[TEAM_WILDCARDS]),
        action: "logs:PutLogEvents",
        resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app-10:log-stream:x",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "resources are case-sensitive (Team/* vs team/app)",
        identity: Some(&[UPPER_TEAM]),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    // --- Permissions boundaries ---------------------------------------------------------------
    Case {
        name: "boundary without the action: implicit deny although identity allows",
        identity: Some(&[EXEC_MANAGED]),
        boundary: Some(BOUNDARY_LOGS),
        action: "ecr:GetAuthorizationToken",
        expect: Implicit(Layer::Boundary),
        ..BASE
    },
    Case {
        name: "boundary allows but identity does not: implicit deny",
        identity: Some(&[LOGS_ONLY]),
        boundary: Some(BOUNDARY_ECR_LOGS),
        action: "ecr:GetAuthorizationToken",
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "both identity and boundary allow: allowed, identity statement cited",
        identity: Some(&[EXEC_MANAGED]),
        boundary: Some(BOUNDARY_ECR_LOGS),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "explicit deny inside the boundary wins",
        identity: Some(&[EXEC_MANAGED]),
        boundary: Some(BOUNDARY_DENY_PULL),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Deny("arn:aws:iam::123456789012:policy/boundary-deny-pull", 1),
        ..BASE
    },
    // --- Resource policies (ECR repository) ----------------------------------------------------
    Case {
        name: "cross-account: identity allows, repo policy grants only another account: deny",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some(OTHER_ACCT_ROLE),
        resource_policy: Some(REPO_GRANTS_OTHER_ACCT),
        cross_account: true,
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Resource),
        ..BASE
    },
    Case {
        name: "cross-account: identity allows and repo policy grants the account: allow",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some(OTHER_ACCT_ROLE),
        resource_policy: Some(REPO_GRANTS_PROD_ACCT),
        cross_account: true,
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "cross-account: repo policy grants the account but identity lacks it: deny",
        identity: Some(&[LOGS_ONLY]),
        principal: Some(OTHER_ACCT_ROLE),
        resource_policy: Some(REPO_GRANTS_PROD_ACCT),
        cross_account: true,
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "cross-account without any repository policy: deny",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some(OTHER_ACCT_ROLE),
        cross_account: true,
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Resource),
        ..BASE
    },
    Case {
        name: "same account: repo policy naming the role allows without identity policy",
        identity: Some(&[LOGS_ONLY]),
        resource_policy: Some(REPO_GRANTS_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("repository policy of team/app", 0),
        ..BASE
    },
    Case {
        name: "same account: role-ARN grant also matches the assumed-role session",
        identity: Some(&[LOGS_ONLY]),
        principal: Some(EXEC_SESSION),
        resource_policy: Some(REPO_GRANTS_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("repository policy of team/app", 0),
        ..BASE
    },
    Case {
        name: "same account: identity alone allows, repo policy silent",
        identity: Some(&[EXEC_MANAGED]),
        resource_policy: Some(REPO_GRANTS_OTHER_ACCT),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "same account: account-principal grant only delegates to IAM: deny",
        identity: Some(&[LOGS_ONLY]),
        resource_policy: Some(REPO_GRANTS_OWN_ACCT),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "same account: grant to role ARN is limited by the boundary",
        identity: Some(&[LOGS_ONLY]),
        boundary: Some(BOUNDARY_LOGS),
        resource_policy: Some(REPO_GRANTS_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::IdentityAndBoundary),
        ..BASE
    },
    Case {
        name: "same account: grant to the exact session ARN is not limited by the boundary",
        identity: Some(&[LOGS_ONLY]),
        boundary: Some(BOUNDARY_LOGS),
        principal: Some(EXEC_SESSION),
        resource_policy: Some(REPO_GRANTS_SESSION),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("repository policy of team/app", 0),
        ..BASE
    },
    Case {
        name: "same account: repo Deny with NotPrincipal beats the identity allow",
        identity: Some(&[EXEC_MANAGED]),
        resource_policy: Some(REPO_DENY_ALL_BUT_CI),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Deny("repository policy of team/app", 0),
        ..BASE
    },
    Case {
        name: "same account: repo Deny with NotPrincipal spares the named role",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some("arn:aws:iam::123456789012:role/ci"),
        resource_policy: Some(REPO_DENY_ALL_BUT_CI),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    // --- VPC endpoint policies -----------------------------------------------------------------
    Case {
        name: "S3 gateway endpoint policy allowing the layer bucket: layer download allowed",
        identity: None,
        principal: None,
        endpoint: Some(S3_EP_LAYER_BUCKET),
        action: "s3:GetObject",
        resource: LAYER_OBJECT,
        expect: Allow("endpoint policy of vpce-0s3gw", 0),
        ..BASE
    },
    Case {
        name: "S3 gateway endpoint policy for the company bucket only: layer download denied",
        identity: None,
        principal: None,
        endpoint: Some(S3_EP_COMPANY_ONLY),
        action: "s3:GetObject",
        resource: LAYER_OBJECT,
        expect: Implicit(Layer::Endpoint),
        ..BASE
    },
    Case {
        name: "S3 endpoint policy naming a role, principal of the download not known: unknown",
        identity: None,
        principal: None,
        endpoint: Some(S3_EP_ROLE_ONLY),
        action: "s3:GetObject",
        resource: LAYER_OBJECT,
        expect: Unknown("aws:PrincipalArn", None),
        ..BASE
    },
    Case {
        name: "ECR endpoint policy scoped to the exec role: its session may pull",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some(EXEC_SESSION),
        endpoint: Some(ECR_EP_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "ECR endpoint policy scoped to another role: implicit deny by the endpoint",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some("arn:aws:sts::123456789012:assumed-role/otherTaskRole/abc"),
        endpoint: Some(ECR_EP_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Endpoint),
        ..BASE
    },
    Case {
        name: "ECR endpoint policy does not list logs actions (logs through the ECR endpoint)",
        identity: Some(&[EXEC_MANAGED]),
        endpoint: Some(ECR_EP_EXEC_ROLE),
        action: "logs:PutLogEvents",
        resource: LOG_GROUP,
        expect: Implicit(Layer::Endpoint),
        ..BASE
    },
    Case {
        name: "endpoint allows but identity does not: identity gap cited",
        identity: Some(&[LOGS_ONLY]),
        endpoint: Some(ECR_EP_EXEC_ROLE),
        action: "ecr:BatchGetImage",
        resource: REPO,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    // --- Conditions ------------------------------------------------------------------------------
    Case {
        name: "StringEquals aws:SourceVpce, key unknown: Unknown",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "ecr:GetAuthorizationToken",
        expect: Unknown("aws:SourceVpce", None),
        ..BASE
    },
    Case {
        name: "StringEquals aws:SourceVpce, matching value: allowed",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceVpce", Ctx::Is("vpce-0abc"))],
        expect: Allow("inline:only-via-vpce", 0),
        ..BASE
    },
    Case {
        name: "StringEquals aws:SourceVpce, key absent (no endpoint): implicit deny",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceVpce", Ctx::Absent)],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "context keys are case-insensitive (AWS:SOURCEVPCE given)",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("AWS:SOURCEVPCE", Ctx::Is("vpce-0abc"))],
        expect: Allow("inline:only-via-vpce", 0),
        ..BASE
    },
    Case {
        name: "condition values are case-sensitive (VPCE-0ABC)",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceVpce", Ctx::Is("VPCE-0ABC"))],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "Deny StringNotEquals aws:SourceVpce, key unknown, definite allow: Unknown",
        identity: Some(&[EXEC_MANAGED, DENY_OUTSIDE_VPCE]),
        action: "ecr:GetAuthorizationToken",
        expect: Unknown("aws:SourceVpce", None),
        ..BASE
    },
    Case {
        name: "Deny StringNotEquals aws:SourceVpce, key absent: explicit deny",
        identity: Some(&[EXEC_MANAGED, DENY_OUTSIDE_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceVpce", Ctx::Absent)],
        expect: Deny("inline:deny-outside-vpce", 0),
        ..BASE
    },
    Case {
        name: "Deny StringNotEquals aws:SourceVpce, via that endpoint: allowed",
        identity: Some(&[EXEC_MANAGED, DENY_OUTSIDE_VPCE]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceVpce", Ctx::Is("vpce-0abc"))],
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "unknown Deny condition without any Allow: denied either way",
        identity: Some(&[DENY_OUTSIDE_VPCE]),
        action: "ecr:GetAuthorizationToken",
        expect: Unknown("aws:SourceVpce", Some(false)),
        ..BASE
    },
    Case {
        name: "unknown Deny condition but a definite Deny elsewhere: explicit deny",
        identity: Some(&[EXEC_MANAGED, DENY_OUTSIDE_VPCE, DENY_ECR]),
        action: "ecr:GetAuthorizationToken",
        expect: Deny("inline:deny-ecr", 0),
        ..BASE
    },
    Case {
        name: "unknown Allow condition but another definite Allow: allowed",
        identity: Some(&[ONLY_VIA_VPCE, EXEC_MANAGED]),
        action: "ecr:GetAuthorizationToken",
        expect: Allow("AmazonECSTaskExecutionRolePolicy", 0),
        ..BASE
    },
    Case {
        name: "unknown Allow condition but the resource does not match anyway: implicit deny",
        identity: Some(&[ONLY_VIA_VPCE]),
        action: "logs:PutLogEvents",
        resource: LOG_GROUP,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "Null aws:SourceVpce false, key absent: implicit deny",
        identity: Some(&[ONLY_VIA_ANY_VPCE]),
        action: "secretsmanager:GetSecretValue",
        resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        context: &[("aws:SourceVpce", Ctx::Absent)],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "Null aws:SourceVpce false, key present: allowed",
        identity: Some(&[ONLY_VIA_ANY_VPCE]),
        action: "secretsmanager:GetSecretValue",
        resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        context: &[("aws:SourceVpce", Ctx::Is("vpce-0zzz"))],
        expect: Allow("inline:null-check", 0),
        ..BASE
    },
    Case {
        name: "StringEqualsIfExists with the key absent: applies",
        identity: Some(&[VPCE_IF_EXISTS]),
        action: "ssm:GetParameters",
        resource: "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
        context: &[("aws:SourceVpce", Ctx::Absent)],
        expect: Allow("inline:vpce-if-exists", 0),
        ..BASE
    },
    Case {
        name: "StringEqualsIfExists with another value: does not apply",
        identity: Some(&[VPCE_IF_EXISTS]),
        action: "ssm:GetParameters",
        resource: "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
        context: &[("aws:SourceVpce", Ctx::Is("vpce-0zzz"))],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "ForAnyValue:StringEquals, one tag key matches: allowed",
        identity: Some(&[TAG_KEYS_ANY]),
        action: "ecs:TagResource",
        context: &[("aws:TagKeys", Ctx::Many(&["env", "team"]))],
        expect: Allow("inline:tag-keys-any", 0),
        ..BASE
    },
    Case {
        name: "ForAnyValue:StringEquals, no tag key matches: implicit deny",
        identity: Some(&[TAG_KEYS_ANY]),
        action: "ecs:TagResource",
        context: &[("aws:TagKeys", Ctx::Many(&["env"]))],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "ForAllValues:StringEquals, one tag key outside the set: implicit deny",
        identity: Some(&[TAG_KEYS_ALL]),
        action: "ecs:TagResource",
        context: &[("aws:TagKeys", Ctx::Many(&["team", "env"]))],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "ForAllValues with the key absent is vacuously true (AWS docs pitfall)",
        identity: Some(&[TAG_KEYS_ALL]),
        action: "ecs:TagResource",
        context: &[("aws:TagKeys", Ctx::Absent)],
        expect: Allow("inline:tag-keys-all", 0),
        ..BASE
    },
    Case {
        name: "NumericLessThan + Bool, both satisfied: allowed",
        identity: Some(&[MFA_AGE]),
        action: "iam:GetRole",
        resource: EXEC_ROLE,
        context: &[
            ("aws:MultiFactorAuthAge", Ctx::Is("120")),
            ("aws:MultiFactorAuthPresent", Ctx::Is("true")),
        ],
        expect: Allow("inline:recent-mfa", 0),
        ..BASE
    },
    Case {
        name: "NumericLessThan too old, Bool unknown: definitely not applicable",
        identity: Some(&[MFA_AGE]),
        action: "iam:GetRole",
        resource: EXEC_ROLE,
        context: &[("aws:MultiFactorAuthAge", Ctx::Is("7200"))],
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "Deny NotIpAddress: request from the office range is not denied",
        identity: Some(&[ALLOW_ALL, SOURCE_IP]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceIp", Ctx::Is("203.0.113.7"))],
        expect: Allow("AdministratorAccess", 0),
        ..BASE
    },
    Case {
        name: "Deny NotIpAddress: request from elsewhere is denied",
        identity: Some(&[ALLOW_ALL, SOURCE_IP]),
        action: "ecr:GetAuthorizationToken",
        context: &[("aws:SourceIp", Ctx::Is("198.51.100.9"))],
        expect: Deny("inline:office-only", 0),
        ..BASE
    },
    Case {
        name: "policy variable ${aws:username} resolved from the context",
        identity: Some(&[USERNAME_VAR]),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-home/alice/notes.txt",
        context: &[("aws:username", Ctx::Is("alice"))],
        expect: Allow("inline:home-prefix", 0),
        ..BASE
    },
    Case {
        name: "policy variable ${aws:username} unknown (a role has none known): Unknown",
        identity: Some(&[USERNAME_VAR]),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-home/alice/notes.txt",
        expect: Unknown("aws:username", None),
        ..BASE
    },
    // --- Trust policies --------------------------------------------------------------------------
    Case {
        name: "trust policy with Service ecs-tasks.amazonaws.com: allowed",
        trust: Some(TRUST_ECS_TASKS),
        principal: Some(iam::ECS_TASKS_SERVICE),
        resource: EXEC_ROLE,
        expect: Allow("trust policy of ecsTaskExecutionRole", 0),
        ..BASE
    },
    Case {
        name: "trust policy with Service ecs-tasks.amazonaws.com, asked for ec2: implicit deny",
        trust: Some(TRUST_ECS_TASKS),
        principal: Some("ec2.amazonaws.com"),
        resource: EXEC_ROLE,
        expect: Implicit(Layer::Trust),
        ..BASE
    },
    Case {
        name: "trust policy with SourceArn/SourceAccount conditions, values unknown: Unknown",
        trust: Some(TRUST_ECS_CONFUSED_DEPUTY),
        principal: Some(iam::ECS_TASKS_SERVICE),
        resource: EXEC_ROLE,
        expect: Unknown("aws:SourceArn", None),
        ..BASE
    },
    Case {
        name: "trust policy with SourceArn/SourceAccount conditions, values given: allowed",
        trust: Some(TRUST_ECS_CONFUSED_DEPUTY),
        principal: Some(iam::ECS_TASKS_SERVICE),
        resource: EXEC_ROLE,
        context: &[
            (
                "aws:SourceArn",
                Ctx::Is("arn:aws:ecs:us-east-1:123456789012:task/prod/0abc"),
            ),
            ("aws:SourceAccount", Ctx::Is(ACCT)),
        ],
        expect: Allow("trust policy of ecsTaskExecutionRole", 0),
        ..BASE
    },
    Case {
        name: "trust policy conditions, SourceArn in another Region: implicit deny",
        trust: Some(TRUST_ECS_CONFUSED_DEPUTY),
        principal: Some(iam::ECS_TASKS_SERVICE),
        resource: EXEC_ROLE,
        context: &[
            (
                "aws:SourceArn",
                Ctx::Is("arn:aws:ecs:eu-west-1:123456789012:task/prod/0abc"),
            ),
            ("aws:SourceAccount", Ctx::Is(ACCT)),
        ],
        expect: Implicit(Layer::Trust),
        ..BASE
    },
    // --- KMS key policies ------------------------------------------------------------------------
    Case {
        name: "default key policy (root enables IAM) + identity allows kms:Decrypt: allowed",
        identity: Some(&[EXEC_MANAGED, KMS_DECRYPT]),
        key_policy: Some(KEY_DEFAULT),
        action: "kms:Decrypt",
        resource: KEY,
        expect: Allow("inline:kms-decrypt", 0),
        ..BASE
    },
    Case {
        name: "default key policy + no identity allow: implicit deny by IAM",
        identity: Some(&[EXEC_MANAGED]),
        key_policy: Some(KEY_DEFAULT),
        action: "kms:Decrypt",
        resource: KEY,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "key policy without root statement, no grant to the role: deny despite IAM allow",
        identity: Some(&[EXEC_MANAGED, KMS_DECRYPT]),
        key_policy: Some(KEY_ADMINS_ONLY),
        action: "kms:Decrypt",
        resource: KEY,
        expect: Implicit(Layer::KeyPolicy),
        ..BASE
    },
    Case {
        name: "key policy granting the role directly: allowed without identity policy",
        identity: Some(&[EXEC_MANAGED]),
        key_policy: Some(KEY_GRANTS_EXEC_ROLE),
        action: "kms:Decrypt",
        resource: KEY,
        expect: Allow("key policy of key/1234abcd", 0),
        ..BASE
    },
    Case {
        name: "key policy granting the role directly, cross-account: identity must allow too",
        identity: Some(&[EXEC_MANAGED]),
        principal: Some(OTHER_ACCT_ROLE),
        key_policy: Some(KEY_GRANTS_PROD_ROLE),
        cross_account: true,
        action: "kms:Decrypt",
        resource: KEY,
        expect: Implicit(Layer::Identity),
        ..BASE
    },
    Case {
        name: "key policy granting another account's role, cross-account, identity allows",
        identity: Some(&[KMS_DECRYPT_ANY]),
        principal: Some(OTHER_ACCT_ROLE),
        key_policy: Some(KEY_GRANTS_PROD_ROLE),
        cross_account: true,
        action: "kms:Decrypt",
        resource: KEY,
        expect: Allow("key policy of key/1234abcd", 0),
        ..BASE
    },
];

// ---------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------

fn parse((source, json): Named) -> Policy {
    Policy::parse(source, json).unwrap_or_else(|e| panic!("{e}"))
}

fn run(case: &Case) -> Decision {
    let mut ctx = Context::new();
    for (key, value) in case.context {
        match value {
            Ctx::Is(v) => ctx.set(key, *v),
            Ctx::Many(vs) => ctx.set_values(key, vs.iter().copied()),
            Ctx::Absent => ctx.set_absent(key),
        }
    }
    if let Some(trust) = case.trust {
        let principal = case.principal.expect("trust rows name the service");
        return iam::evaluate_trust(&parse(trust), principal, case.resource, &ctx);
    }
    let req = match case.principal {
        Some(p) => Request::new(p, case.action, case.resource, &ctx),
        None => Request::with_unknown_principal(case.action, case.resource, &ctx),
    };
    let same_account = !case.cross_account;

    let identity: Option<Decision> = case.identity.map(|list| {
        let policies: Vec<Policy> = list.iter().copied().map(parse).collect();
        let refs: Vec<&Policy> = policies.iter().collect();
        let boundary = case.boundary.map(parse);
        iam::evaluate_identity(&refs, boundary.as_ref(), &req)
    });
    let mut decision = identity;
    if let Some(kp) = case.key_policy {
        let key = iam::evaluate_key_policy(&parse(kp), &req);
        decision = Some(iam::with_key_policy(
            key,
            decision.expect("identity"),
            same_account,
        ));
    } else if case.resource_policy.is_some() || case.cross_account {
        let res = case
            .resource_policy
            .map(|p| iam::evaluate_resource_policy(&parse(p), &req));
        decision = Some(iam::with_resource_policy(
            decision.expect("identity"),
            res,
            same_account,
        ));
    }
    if let Some(ep) = case.endpoint {
        let ep = iam::evaluate_endpoint_policy(&parse(ep), &req);
        decision = Some(match decision {
            Some(inner) => iam::with_endpoint_policy(inner, Some(ep)),
            None => ep,
        });
    }
    decision.expect("a row evaluates something")
}

fn check(case: &Case, got: &Decision) -> Result<(), String> {
    let ok = match (case.expect, got) {
        (Allow(policy, index), Decision::Allow(s))
        | (Deny(policy, index), Decision::ExplicitDeny(s)) => {
            s.policy == policy && s.index == index
        }
        (Implicit(layer), Decision::ImplicitDeny(gap)) => gap.layer == layer,
        (Unknown(key, allowed), Decision::Unknown { key: k, .. }) => {
            k.eq_ignore_ascii_case(key) && got.is_allowed() == allowed
        }
        _ => false,
    };
    // Every decision must explain itself; definite ones name the policy they cite.
    let text = got.describe();
    let cites = match got {
        Decision::Allow(s) | Decision::ExplicitDeny(s) => text.contains(&s.policy),
        _ => !text.is_empty(),
    };
    if ok && cites {
        Ok(())
    } else {
        Err(format!(
            "{}\n    expected {:?}\n    got      {got:?}\n    describe {text}",
            case.name, case.expect
        ))
    }
}

#[test]
fn oracle_table() {
    assert!(CASES.len() >= 30, "the table should have at least 30 rows");
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|c| check(c, &run(c)).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn row_names_are_unique() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len());
}

// ---------------------------------------------------------------------------------------------
// Descriptions and parse errors
// ---------------------------------------------------------------------------------------------

#[test]
fn describe_sentences() {
    let ctx = Context::new();
    let deny = parse(DENY_OUTSIDE_VPCE);
    let managed = parse(EXEC_MANAGED);
    let req = Request::new(EXEC_ROLE, "ecr:BatchGetImage", REPO, &ctx);

    let d = iam::evaluate(&[&managed], &req);
    assert_eq!(
        d.describe(),
        "allowed by Statement[0] of policy AmazonECSTaskExecutionRolePolicy"
    );

    let d = iam::evaluate(&[&managed, &deny], &req);
    assert_eq!(
        d.describe(),
        "cannot be decided: statement 'DenyOutsideVpce' (Statement[0]) of policy \
         inline:deny-outside-vpce has a condition on aws:SourceVpce, whose value in this \
         request is not known"
    );

    let absent = Context::new().with_absent("aws:SourceVpce");
    let req = Request::new(EXEC_ROLE, "ecr:BatchGetImage", REPO, &absent);
    let d = iam::evaluate(&[&managed, &deny], &req);
    assert_eq!(
        d.describe(),
        "explicitly denied by statement 'DenyOutsideVpce' (Statement[0]) of policy \
         inline:deny-outside-vpce"
    );

    let logs = parse(LOGS_ONLY);
    let req = Request::new(EXEC_ROLE, "ecr:BatchGetImage", REPO, &ctx);
    let d = iam::evaluate_identity(&[&logs], None, &req);
    assert_eq!(
        d.describe(),
        "implicitly denied: no identity-based policy (inline:logs-only) allows it"
    );

    let d = iam::evaluate(&[&deny], &req);
    assert!(d.describe().ends_with("(it is denied either way)"), "{d}");
}

#[test]
fn parse_errors_name_the_policy_and_the_problem() {
    let cases: &[(&str, &str)] = &[
        ("{not json", "invalid JSON"),
        (r#"[]"#, "must be a JSON object"),
        (r#"{"Version":"2012-10-17"}"#, "no Statement element"),
        (
            r#"{"Version":"2020-01-01","Statement":[]}"#,
            "Version must be",
        ),
        (
            r#"{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}"#,
            "Statement[0]: Effect must be \"Allow\" or \"Deny\", got \"Permit\"",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Resource":"*"}]}"#,
            "Statement[1]: has neither Action nor NotAction",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}}"#,
            "Statement[0]: has both Action and NotAction",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":["s3:*",3],"Resource":"*"}}"#,
            "Action must hold strings",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Actions":"s3:*","Resource":"*"}}"#,
            "unknown element \"Actions\"",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"s3:*"}}"#,
            "Principal: a string principal must be \"*\"",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"Role":"x"},"Action":"s3:*"}}"#,
            "unknown principal type \"Role\"",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":"x"}}}"#,
            "Condition operator StringEquals",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
            "neither \"*\" nor of the form service:action",
        ),
    ];
    for (json, needle) in cases {
        let err = Policy::parse("inline:broken", json).expect_err(json);
        let text = err.to_string();
        assert!(text.starts_with("policy 'inline:broken': "), "{text}");
        assert!(text.contains(needle), "{text} should contain {needle}");
    }
}

#[test]
fn statement_object_and_array_forms_are_equivalent() {
    let one = parse(LOGS_ONLY);
    assert_eq!(one.statements().len(), 1);
    assert_eq!(one.statements()[0].sid.as_deref(), Some("Logs"));
    let trust = parse(TRUST_ECS_TASKS);
    assert!(trust.statements()[0].resource.is_none());
}

#[test]
fn unsupported_operator_is_unknown_not_a_guess() {
    let p = Policy::parse(
        "inline:dates",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*",
            "Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}"#,
    )
    .unwrap();
    let ctx = Context::new().with("aws:CurrentTime", "2026-01-01T00:00:00Z");
    let req = Request::new(EXEC_ROLE, "ecr:GetAuthorizationToken", "*", &ctx);
    let d = iam::evaluate(&[&p], &req);
    assert!(matches!(
        &d,
        Decision::Unknown {
            cause: iam::UnknownCause::Unsupported(_),
            ..
        }
    ));
    assert!(d.describe().contains("DateLessThan"), "{d}");
}

#[test]
fn closed_world_context_treats_missing_keys_as_absent() {
    let p = parse(ONLY_VIA_VPCE);
    let ctx = Context::new().absent_unless_given();
    let req = Request::new(EXEC_ROLE, "ecr:GetAuthorizationToken", "*", &ctx);
    assert!(matches!(
        iam::evaluate(&[&p], &req),
        Decision::ImplicitDeny(_)
    ));
}

#[test]
fn principal_keys_are_derived_from_the_request_principal() {
    let p = Policy::parse(
        "inline:own-account",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}]}"#,
    )
    .unwrap();
    let ctx = Context::new();
    let mine = Request::new(EXEC_SESSION, "s3:GetObject", LAYER_OBJECT, &ctx);
    assert_eq!(iam::evaluate(&[&p], &mine).is_allowed(), Some(true));
    let other = Request::new(OTHER_ACCT_ROLE, "s3:GetObject", LAYER_OBJECT, &ctx);
    assert_eq!(iam::evaluate(&[&p], &other).is_allowed(), Some(false));
    let unknown = Request::with_unknown_principal("s3:GetObject", LAYER_OBJECT, &ctx);
    assert_eq!(iam::evaluate(&[&p], &unknown).is_allowed(), None);
}

#[test]
fn unknown_identity_with_same_account_resource_grant_is_decided_by_the_grant() {
    // The identity side is undecided (Allow under an unknown condition, or nothing), but a
    // same-account repository policy naming the role allows in every case.
    let ctx = Context::new();
    let req = Request::new(EXEC_ROLE, "ecr:BatchGetImage", REPO, &ctx);
    let id = iam::evaluate_identity(&[&parse(ONLY_VIA_VPCE)], None, &req);
    assert!(matches!(id, Decision::Unknown { .. }));
    let res = iam::evaluate_resource_policy(&parse(REPO_GRANTS_EXEC_ROLE), &req);
    let d = iam::with_resource_policy(id.clone(), Some(res), true);
    assert!(matches!(&d, Decision::Allow(s) if s.policy == "repository policy of team/app"));
    // Cross-account the identity side still matters.
    let res = iam::evaluate_resource_policy(&parse(REPO_GRANTS_EXEC_ROLE), &req);
    let d = iam::with_resource_policy(id, Some(res), false);
    assert_eq!(d.is_allowed(), None);
    // And an endpoint policy that allows keeps it undecided; one that denies decides.
    let ep = iam::evaluate_endpoint_policy(&parse(S3_EP_COMPANY_ONLY), &req);
    let d = iam::with_endpoint_policy(d, Some(ep));
    assert!(
        matches!(&d, Decision::ImplicitDeny(g) if g.layer == Layer::Endpoint),
        "{d:?}"
    );
}
