//! What the engine produces: one [`TargetReport`] per target, with findings and the status of
//! every check. Serialises to the contract's JSON shape (`shared/spec/contract.md` §3).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Fail,
    Warn,
    Unknown,
    Pass,
    NotApplicable,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::Unknown => "unknown",
            CheckStatus::Pass => "pass",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fail,
    Incomplete,
    Pass,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::Incomplete => "incomplete",
            Verdict::Pass => "pass",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The resource the detail is about (`rtb-09`, `sg-01`, `acl-02`).
    pub resource: String,
    /// What was read there that proves the finding ("routes: 10.0.0.0/16 -> local").
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    /// The resources the finding is about, the exact broken one first.
    pub resources: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub remediation: String,
    pub docs: Vec<String>,
}

/// Findings that share one cause (contract §3 `root_causes`): the finding at the root, the
/// ways out, and every finding the cause explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCause {
    /// The root finding's title.
    pub title: String,
    /// The root finding's severity.
    pub severity: Severity,
    /// The root finding's resources, the exact broken one first.
    pub resources: Vec<String>,
    /// The ways out, each one enough on its own: the root finding's fix first, then (for a
    /// missing route) the VPC endpoints that would make it unnecessary.
    pub fixes: Vec<String>,
    /// The IDs of the findings this cause explains, the root first, in the findings' order.
    pub findings: Vec<String>,
    /// The same findings as positions (from 0) in the target's `findings`: a check may report
    /// more than one finding with its ID.
    #[serde(default)]
    pub positions: Vec<usize>,
}

/// One evaluated network path (contract §3 `paths`): from a task subnet to one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathReport {
    pub subnet: String,
    /// The destination, as findings name it: "ECR API (auth token) (api.ecr.us-east-1.amazonaws.com)".
    pub destination: String,
    /// subnet → route table → target (gateway, NAT, endpoint, or `no_route`) → destination;
    /// an interface endpoint path is subnet → endpoint → destination.
    pub hops: Vec<HopReport>,
    pub verdict: PathVerdict,
    /// The finding that breaks the path, when it is broken.
    pub finding: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopReport {
    /// `subnet`, `security_group` and `network_acl` (only where they stop the traffic or
    /// cannot be judged), `route_table`, `internet_gateway`, `nat_gateway`, `interface_endpoint`,
    /// `gateway_endpoint`, `peering`, `opaque`, `local`, `blackhole`, `no_route`, `unknown`,
    /// `destination`.
    pub kind: String,
    pub id: String,
    pub verdict: PathVerdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathVerdict {
    Ok,
    Broken,
    /// Not decidable from what was read, or beyond what the tool can see (a transit gateway).
    Unknown,
}

impl PathVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            PathVerdict::Ok => "ok",
            PathVerdict::Broken => "broken",
            PathVerdict::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub status: CheckStatus,
    /// Why the check is `unknown` or `not_applicable`, or what passed; absent when obvious.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetReport {
    /// The Region of the target (a scan may cover several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account of the target, when the run knew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    pub kind: String,
    pub cluster: String,
    pub name: String,
    pub arn: Option<String>,
    pub platform_version: Option<String>,
    pub stopped_reason: Option<String>,
    pub verdict: Verdict,
    /// What the failure message says, and which finding explains it (absent when the target
    /// has no failure message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureExplanation>,
    pub findings: Vec<Finding>,
    /// The findings grouped by the cause they share, most likely first; every finding is in
    /// exactly one.
    #[serde(default)]
    pub root_causes: Vec<RootCause>,
    /// The evaluated network paths, per task subnet and destination.
    #[serde(default)]
    pub paths: Vec<PathReport>,
    pub checks: Vec<CheckResult>,
    /// Parts of the target that could not be read (its stopped tasks, its running tasks …),
    /// each with the call and the reason: the verdict is then at best `incomplete`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

/// The classification of a target's failure message and how the findings relate to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureExplanation {
    /// The message that was classified (the stopped reason, a container reason or an event).
    pub message: String,
    /// Where it came from: `stopped_reason`, `container <name>`, `stopped task <arn>`, `event`.
    pub source: String,
    /// `CannotPullContainerError`, `ResourceInitializationError` …
    pub family: Option<String>,
    /// `network_timeout`, `access_denied`, `not_found` …
    pub kind: String,
    /// `ecr_auth`, `registry`, `s3_layers`, `secrets_manager` …
    pub resource: String,
    /// The address in `dial tcp <ip>:443`, and where it is (`inside_vpc`, `s3`, `public`).
    pub address: Option<String>,
    pub summary: String,
    /// The check IDs that could explain it, most likely first.
    pub candidates: Vec<String>,
    /// The finding that explains it (listed first among the findings), if any.
    pub explained_by: Option<String>,
    /// Candidate checks that ran and passed: ruled out as the cause.
    pub ruled_out: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub api_calls: u64,
    /// The longest chain of AWS calls that had to wait for one another (0 without AWS).
    #[serde(default)]
    pub rounds: u64,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub targets: Vec<TargetReport>,
    pub stats: Stats,
}

/// The JSON report's schema version (contract §3).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

impl Report {
    /// Process exit code per the contract: 1 if any error finding, else 3 if any check unknown,
    /// else 0. (2 is for "could not diagnose" and is decided by the CLI.)
    pub fn exit_code(&self) -> u8 {
        self.exit_code_failing_on(Severity::Error)
    }

    /// [`Report::exit_code`] with `fail_on` the lowest severity that makes exit 1
    /// (`--fail-on warning`: a warning finding fails the run too).
    pub fn exit_code_failing_on(&self, fail_on: Severity) -> u8 {
        // Error < Warning < Info: a finding fails the run when it is at least as severe.
        let any_error = self
            .targets
            .iter()
            .any(|t| t.findings.iter().any(|f| f.severity <= fail_on));
        let any_unknown = self.targets.iter().any(|t| {
            !t.unread.is_empty() || t.checks.iter().any(|c| c.status == CheckStatus::Unknown)
        });
        if any_error {
            1
        } else if any_unknown {
            3
        } else {
            0
        }
    }
}
