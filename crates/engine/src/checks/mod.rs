//! The checks. One check, one file: each file holds a `pub static CHECK` with its public ID,
//! title, severity and explanation (what it checks, why it stops a task, how to fix it, links),
//! and the function that runs it. `explain`, `rules` and the generated docs read from here.
//!
//! [`ALL`] is in root-cause order: when several checks fail, findings are reported in this
//! order (after errors before warnings), so that the thing to fix first comes first.

use crate::context::Cx;
use crate::report::{CheckResult, CheckStatus, Evidence, Finding, Severity};

mod support;
pub use support::*;

mod cap_arm64_unsupported;
mod cap_az_unsupported;
mod cap_single_az;
mod ecr_image_digest_gone;
mod ecr_image_not_found;
mod ecr_kms_key_unusable;
mod ecr_pull_through;
mod ecr_repo_not_found;
mod ecr_repo_policy;
mod efs_access_point_not_found;
mod efs_fs_not_found;
mod efs_iam_denied;
mod efs_mount_target_missing;
mod efs_nfs_blocked;
mod eni_config_invalid;
mod eni_subnet_no_free_ip;
mod envfile_not_found;
mod exec_role;
mod iam_exec_ecr;
mod iam_exec_envfiles;
mod iam_exec_logs;
mod iam_exec_missing;
mod iam_exec_privreg;
mod iam_exec_secrets;
mod iam_exec_trust;
mod iam_guardrails;
mod iam_slr_missing;
mod img_arch_mismatch;
mod img_os_mismatch;
mod img_ref_invalid;
mod img_too_large;
mod img_windows_foreign_layers;
mod launch_taskdef_no_execrole;
mod log_config_invalid;
mod log_group_missing;
mod net_dns_custom_dhcp;
mod net_dns_privatedns_needs_hostnames;
mod net_dns_resolver_overrides;
mod net_dns_vpc_resolution_disabled;
mod net_ipv6_only;
mod net_nacl_path;
mod net_nat_in_private_subnet;
mod net_nat_not_available;
mod net_public_no_publicip;
mod net_publicip_no_igw_route;
mod net_route_blackhole;
mod net_route_no_default;
mod net_route_opaque;
mod net_sg_endpoint_ingress;
mod net_sg_task_egress;
mod net_sg_task_egress_s3_prefixlist;
mod plat_pv_incompatible;
mod plat_tasksize_invalid;
mod reg_creds_missing;
mod reg_internet_required;
mod sec_sm_not_found;
mod sec_ssm_not_found;
mod td_feature_not_checked;
#[cfg(test)]
pub(crate) mod testkit;
mod vpce_cross_region;
mod vpce_ecr_api_missing;
mod vpce_ecr_dkr_missing;
mod vpce_logs_missing;
mod vpce_not_usable;
mod vpce_policy_denies;
mod vpce_private_dns_disabled;
mod vpce_s3_gateway_missing;
mod vpce_s3_not_associated;
mod vpce_s3_policy_denies_envfiles;
mod vpce_s3_policy_denies_layer_bucket;
mod vpce_secretsmanager_missing;
mod vpce_ssm_missing;

/// Every check, in root-cause order.
pub static ALL: &[&Check] = &[
    &eni_config_invalid::CHECK,
    &iam_slr_missing::CHECK,
    &launch_taskdef_no_execrole::CHECK,
    &log_config_invalid::CHECK,
    &iam_exec_missing::CHECK,
    &iam_exec_trust::CHECK,
    &plat_tasksize_invalid::CHECK,
    &plat_pv_incompatible::CHECK,
    &cap_az_unsupported::CHECK,
    &cap_arm64_unsupported::CHECK,
    &eni_subnet_no_free_ip::CHECK,
    &img_ref_invalid::CHECK,
    &ecr_repo_not_found::CHECK,
    &ecr_pull_through::CHECK,
    &ecr_image_not_found::CHECK,
    &ecr_image_digest_gone::CHECK,
    &ecr_kms_key_unusable::CHECK,
    &img_os_mismatch::CHECK,
    &img_arch_mismatch::CHECK,
    &img_too_large::CHECK,
    &reg_creds_missing::CHECK,
    &sec_sm_not_found::CHECK,
    &sec_ssm_not_found::CHECK,
    &log_group_missing::CHECK,
    &efs_fs_not_found::CHECK,
    &efs_access_point_not_found::CHECK,
    &envfile_not_found::CHECK,
    &net_dns_vpc_resolution_disabled::CHECK,
    &net_dns_resolver_overrides::CHECK,
    &net_route_blackhole::CHECK,
    &net_nat_not_available::CHECK,
    &net_nat_in_private_subnet::CHECK,
    &net_public_no_publicip::CHECK,
    &vpce_not_usable::CHECK,
    &vpce_private_dns_disabled::CHECK,
    &net_dns_privatedns_needs_hostnames::CHECK,
    &vpce_s3_not_associated::CHECK,
    &net_route_no_default::CHECK,
    &efs_mount_target_missing::CHECK,
    &net_ipv6_only::CHECK,
    &reg_internet_required::CHECK,
    &img_windows_foreign_layers::CHECK,
    &vpce_cross_region::CHECK,
    &vpce_ecr_dkr_missing::CHECK,
    &vpce_ecr_api_missing::CHECK,
    &vpce_s3_gateway_missing::CHECK,
    &vpce_logs_missing::CHECK,
    &vpce_secretsmanager_missing::CHECK,
    &vpce_ssm_missing::CHECK,
    &vpce_s3_policy_denies_layer_bucket::CHECK,
    &vpce_s3_policy_denies_envfiles::CHECK,
    &vpce_policy_denies::CHECK,
    &iam_exec_ecr::CHECK,
    &ecr_repo_policy::CHECK,
    &iam_exec_logs::CHECK,
    &iam_exec_secrets::CHECK,
    &iam_exec_privreg::CHECK,
    &iam_exec_envfiles::CHECK,
    &efs_iam_denied::CHECK,
    &net_sg_task_egress::CHECK,
    &net_sg_task_egress_s3_prefixlist::CHECK,
    &net_sg_endpoint_ingress::CHECK,
    &net_nacl_path::CHECK,
    &efs_nfs_blocked::CHECK,
    &net_route_opaque::CHECK,
    &net_publicip_no_igw_route::CHECK,
    &net_dns_custom_dhcp::CHECK,
    &iam_guardrails::CHECK,
    &cap_single_az::CHECK,
    &td_feature_not_checked::CHECK,
];

/// A check: its public identity and documentation, and the function that runs it.
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    /// Severity of a failure (a check may also report a `warning` finding and status `warn`).
    pub severity: Severity,
    /// Section of `checks.md` the check belongs to.
    pub group: &'static str,
    /// What it checks, and the AWS fields it reads.
    pub what: &'static str,
    /// Why a failure stops a task, and the error text the task shows.
    pub why: &'static str,
    /// How to fix it, with an AWS CLI command.
    pub fix: &'static str,
    pub docs: &'static [&'static str],
    /// The checks whose findings are consequences of this one's (fixing this fixes them), when
    /// they name a resource in common: a missing repository behind a missing image. They are
    /// reported under this finding's root cause ([`crate::causes`]).
    pub explains: &'static [&'static str],
    /// The checks whose fixes, taken together, are another way out of this one's problem: no
    /// route to the internet, or the VPC endpoints that make it unnecessary.
    pub alternatives: Option<&'static Alternatives>,
    pub run: fn(&Cx) -> Outcome,
}

/// Another way out of a problem: the fixes of these checks' findings, together
/// ([`Check::alternatives`]).
#[derive(Debug)]
pub struct Alternatives {
    pub ids: &'static [&'static str],
    /// What one fix creates: `VPC endpoint` ("create this VPC endpoint").
    pub one: &'static str,
    /// The plural: `VPC endpoints` ("create these 4 VPC endpoints").
    pub many: &'static str,
}

/// A task without an internet path can still start if the VPC has an endpoint for every
/// service it needs: the endpoint checks report each missing one.
pub static ENDPOINTS_INSTEAD: Alternatives = Alternatives {
    ids: &[
        "VPCE-ECR-API-MISSING",
        "VPCE-ECR-DKR-MISSING",
        "VPCE-S3-GATEWAY-MISSING",
        "VPCE-LOGS-MISSING",
        "VPCE-SECRETSMANAGER-MISSING",
        "VPCE-SSM-MISSING",
    ],
    one: "VPC endpoint",
    many: "VPC endpoints",
};

/// What one check concluded for one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: CheckStatus,
    pub detail: Option<String>,
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn pass() -> Self {
        Outcome {
            status: CheckStatus::Pass,
            detail: None,
            findings: vec![],
        }
    }
    pub fn pass_because(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::Pass,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    pub fn na(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::NotApplicable,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    pub fn unknown(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::Unknown,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    /// From findings: `fail` if any is an error, `warn` if only warnings; with no findings,
    /// `unknown` if some part could not be decided, else `pass`.
    pub fn from_findings(findings: Vec<Finding>, unknown: Option<String>) -> Self {
        let status = if findings.iter().any(|f| f.severity == Severity::Error) {
            CheckStatus::Fail
        } else if !findings.is_empty() {
            CheckStatus::Warn
        } else if unknown.is_some() {
            CheckStatus::Unknown
        } else {
            CheckStatus::Pass
        };
        Outcome {
            status,
            detail: unknown,
            findings,
        }
    }
}

impl Check {
    /// The one place where a check's partial verdict becomes its status (three-valued, decided
    /// centrally, not per check): an error found stands whatever could not be read (`fail`,
    /// with the unread part in `detail`); but a check that can find errors and found only
    /// warnings while part of its input was unread is `unknown`, not `warn` — the unread part
    /// may hold the error, and a `warn` would let the run exit 0.
    pub fn settle(&self, mut out: Outcome) -> Outcome {
        if self.severity == Severity::Error && out.status == CheckStatus::Warn {
            if let Some(why) = out.detail.take() {
                out.status = CheckStatus::Unknown;
                out.detail = Some(format!(
                    "found only warnings, and could not decide the rest: {why}"
                ));
            }
        }
        out
    }

    /// The checks that can explain this one's findings (their finding is then the root
    /// cause, this one's reported under it): those that declare it in `explains` or
    /// `alternatives`.
    pub fn explained_by(&self) -> Vec<&'static str> {
        ALL.iter()
            .filter(|c| {
                c.explains.contains(&self.id)
                    || c.alternatives.is_some_and(|a| a.ids.contains(&self.id))
            })
            .map(|c| c.id)
            .collect()
    }

    /// How this check's findings are grouped into root causes, in sentences (for `explain`
    /// and `docs/checks.md`); empty when it is related to no other check.
    pub fn relations_text(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.explains.is_empty() {
            out.push(format!(
                "Root cause of: {} (their findings about the same resource are reported under \
                 this one).",
                self.explains.join(", ")
            ));
        }
        if let Some(a) = self.alternatives {
            out.push(format!(
                "Other way out: create the {} that {} report missing, instead of this fix.",
                a.many,
                a.ids.join(", ")
            ));
        }
        let by = self.explained_by();
        if !by.is_empty() {
            out.push(format!(
                "Reported under: {} (when one of them fails about the same resource, it is the \
                 root cause).",
                by.join(", ")
            ));
        }
        out
    }

    /// A finding of this check at its own severity.
    pub fn finding(
        &self,
        message: String,
        resources: Vec<String>,
        evidence: Vec<Evidence>,
        remediation: String,
    ) -> Finding {
        self.finding_at(self.severity, message, resources, evidence, remediation)
    }

    pub fn finding_at(
        &self,
        severity: Severity,
        message: String,
        resources: Vec<String>,
        evidence: Vec<Evidence>,
        remediation: String,
    ) -> Finding {
        let mut resources_dedup: Vec<String> = Vec::new();
        for r in resources {
            if !resources_dedup.contains(&r) {
                resources_dedup.push(r);
            }
        }
        Finding {
            id: self.id.to_string(),
            severity,
            title: self.title.to_string(),
            message,
            resources: resources_dedup,
            evidence,
            remediation,
            docs: self.docs.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// Looks a check up by ID (case-insensitive).
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// Runs every check on one target: findings in root-cause order, and every check's status.
/// The checks whose verdict does not rest on the task definition: they judge the target's
/// subnets, security groups, VPC and the account. Every other check reads the task definition
/// (its containers, images, roles, log configuration, secrets, volumes, or the destinations
/// those imply).
const READS_NO_TASK_DEFINITION: &[&str] = &[
    "ENI-CONFIG-INVALID",
    "IAM-SLR-MISSING",
    "CAP-AZ-UNSUPPORTED",
    "CAP-SINGLE-AZ",
    "ENI-SUBNET-NO-FREE-IP",
    "NET-DNS-VPC-RESOLUTION-DISABLED",
    "NET-DNS-CUSTOM-DHCP",
];

/// Decided once for every check: without the task definition, a check that reads it cannot
/// pass or be not applicable ("no private ECR image" is not known when the images are not).
/// Its errors and warnings stand.
fn settle_td(check: &Check, cx: &Cx, out: Outcome) -> Outcome {
    if READS_NO_TASK_DEFINITION.contains(&check.id)
        || !matches!(out.status, CheckStatus::Pass | CheckStatus::NotApplicable)
    {
        return out;
    }
    match cx.td_missing() {
        Some(why) => Outcome::unknown(why),
        None => out,
    }
}

/// One check's outcome with the central rules applied (the fixtures' too).
pub(crate) fn decide(check: &Check, cx: &Cx) -> Outcome {
    settle_td(check, cx, check.settle((check.run)(cx)))
}

pub fn run_all(cx: &Cx) -> (Vec<Finding>, Vec<CheckResult>) {
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    let mut results = Vec::new();
    for (i, check) in ALL.iter().enumerate() {
        // A target whose own description could not be read has nothing any check could
        // judge: not "not applicable" (its network configuration and task definition are not
        // absent, only unknown).
        let out = match &cx.target.description_unread {
            Some(u) => Outcome::unknown(format!(
                "{} {} itself could not be read: {u}",
                cx.target.kind.as_str(),
                cx.target.name
            )),
            None => decide(check, cx),
        };
        results.push(CheckResult {
            id: check.id.to_string(),
            status: out.status,
            detail: out.detail,
        });
        findings.extend(out.findings.into_iter().map(|f| (i, f)));
    }
    findings.sort_by_key(|(i, f)| (f.severity, *i));
    (findings.into_iter().map(|(_, f)| f).collect(), results)
}

/// `docs/checks.md`: every check's explanation, generated from the checks themselves.
pub fn docs_markdown() -> String {
    let mut out = String::from(
        "# fargate-doctor checks\n\n<!-- Generated from crates/engine/src/checks by \
         `UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand. -->\n\n\
         | ID | severity | title |\n|---|---|---|\n",
    );
    for c in ALL {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            c.id,
            c.id.to_ascii_lowercase(),
            c.severity.as_str(),
            c.title
        ));
    }
    for c in ALL {
        out.push_str(&format!(
            "\n## {}\n\n**{}** — severity `{}`, {}.\n\n### What it checks\n{}\n\n### Why it stops a task\n{}\n\n### How to fix it\n{}\n",
            c.id,
            c.title,
            c.severity.as_str(),
            c.group,
            squash(c.what),
            squash(c.why),
            fix_markdown(c.fix),
        ));
        let relations = c.relations_text();
        if !relations.is_empty() {
            out.push_str("\n### Root causes\n");
            for r in relations {
                out.push_str(&format!("- {r}\n"));
            }
        }
        if !c.docs.is_empty() {
            out.push_str("\n### References\n");
            for d in c.docs {
                out.push_str(&format!("- <{d}>\n"));
            }
        }
    }
    out
}

/// Joins the continuation lines of a `\`-wrapped string literal into one paragraph.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Fix text: prose lines as text, indented command lines as a code block.
fn fix_markdown(s: &str) -> String {
    let mut out = Vec::new();
    for line in s.lines() {
        if line.starts_with("  ") {
            out.push(format!("```sh\n{}\n```", line.trim()));
        } else {
            out.push(squash(line));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod settle_tests {
    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding {
            id: "X".into(),
            severity,
            title: "x".into(),
            message: "m".into(),
            resources: vec![],
            evidence: vec![],
            remediation: "r".into(),
            docs: vec![],
        }
    }

    fn check(severity: Severity) -> Check {
        Check {
            id: "X",
            title: "x",
            severity,
            group: "g",
            what: "",
            why: "",
            fix: "",
            docs: &[],
            explains: &[],
            alternatives: None,
            run: |_| Outcome::pass(),
        }
    }

    #[test]
    fn an_error_stands_whatever_was_unread() {
        let out = check(Severity::Error).settle(Outcome::from_findings(
            vec![finding(Severity::Error)],
            Some("ListFirewallRuleGroupAssociations denied".into()),
        ));
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.detail.unwrap().contains("denied"));
    }

    #[test]
    fn only_warnings_with_an_unread_part_of_an_error_check_are_unknown() {
        let out = check(Severity::Error).settle(Outcome::from_findings(
            vec![finding(Severity::Warning)],
            Some("denied".into()),
        ));
        assert_eq!(out.status, CheckStatus::Unknown);
        assert_eq!(out.findings.len(), 1, "the warnings are kept");
        // Fully read: the warning is the verdict.
        let out = check(Severity::Error).settle(Outcome::from_findings(
            vec![finding(Severity::Warning)],
            None,
        ));
        assert_eq!(out.status, CheckStatus::Warn);
        // A warning check cannot hide an error: its warning stands.
        let out = check(Severity::Warning).settle(Outcome::from_findings(
            vec![finding(Severity::Warning)],
            Some("denied".into()),
        ));
        assert_eq!(out.status, CheckStatus::Warn);
    }
}

#[cfg(test)]
mod td_missing_tests {
    use super::*;

    /// A task definition that could not be read leaves nothing "not applicable" that reads
    /// it: the containers, images, roles and destinations it would name are unknown.
    #[test]
    fn an_unread_task_definition_leaves_its_checks_unknown() {
        let mut snap = testkit::healthy_nat();
        let key = snap.targets[0].task_definition.clone().expect("td");
        snap.ecs.task_definitions.clear();
        snap.calls.push(fd_snapshot::ApiCall {
            outcome: fd_snapshot::CallOutcome::Denied,
            error_code: Some("AccessDeniedException".into()),
            message: Some("denied".into()),
            ..fd_snapshot::ApiCall::of(fd_snapshot::Op::EcsDescribeTaskDefinition, Some(key.into()))
        });
        let cx = Cx::new(&snap, &snap.targets[0]);
        let (_, results) = run_all(&cx);
        let decided: Vec<String> = results
            .iter()
            .filter(|r| r.status != CheckStatus::Unknown)
            .filter(|r| !READS_NO_TASK_DEFINITION.contains(&r.id.as_str()))
            .map(|r| format!("{} {:?} {:?}", r.id, r.status, r.detail))
            .collect();
        assert!(decided.is_empty(), "{decided:#?}");
        let unknown = results.iter().find(|r| r.id == "IAM-EXEC-ECR").unwrap();
        assert!(unknown
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("DescribeTaskDefinition"));
        // The subnet checks still decide.
        let single_az = results.iter().find(|r| r.id == "CAP-SINGLE-AZ").unwrap();
        assert_eq!(single_az.status, CheckStatus::Pass);
    }
}
