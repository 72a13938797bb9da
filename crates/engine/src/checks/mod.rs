//! The checks. One check, one file, in the directory of its family (`network/`, `endpoints/`,
//! `dns/`, `iam/`, `image/`, `secrets_logs/`, `efs/`, `launch/`): each file holds a
//! `pub static CHECK` with its public ID,
//! title, severity and explanation (what it checks, why it stops a task, how to fix it, links),
//! and the function that runs it. `explain`, `rules` and the generated docs read from here.
//!
//! [`ALL`] is in root-cause order: when several checks fail, findings are reported in this
//! order (after errors before warnings), so that the thing to fix first comes first.

use crate::context::Cx;
pub use crate::outcome::Outcome;
use crate::report::{CheckResult, CheckStatus, Evidence, Finding, Severity};

// The checks, one family per directory, as their IDs group them (ruff groups its rules by
// linter the same way). A check never imports another check; what several share is in
// `support` (small helpers of the check files) and `permissions` (a role's permissions,
// evaluated as IAM does).
mod dns;
mod efs;
mod endpoints;
mod iam;
mod image;
mod launch;
mod network;
mod secrets_logs;

mod support;
pub use support::*;

mod permissions;
#[cfg(test)]
pub(crate) mod testkit;

/// Every check, in root-cause order.
pub static ALL: &[&Check] = &[
    &launch::eni_config_invalid::CHECK,
    &launch::iam_slr_missing::CHECK,
    &launch::launch_taskdef_no_execrole::CHECK,
    &secrets_logs::log_config_invalid::CHECK,
    &iam::iam_exec_missing::CHECK,
    &iam::iam_exec_trust::CHECK,
    &launch::plat_tasksize_invalid::CHECK,
    &launch::plat_pv_incompatible::CHECK,
    &launch::cap_az_unsupported::CHECK,
    &launch::cap_arm64_unsupported::CHECK,
    &launch::eni_subnet_no_free_ip::CHECK,
    &image::img_ref_invalid::CHECK,
    &image::ecr_repo_not_found::CHECK,
    &image::ecr_pull_through::CHECK,
    &image::ecr_image_not_found::CHECK,
    &image::ecr_image_digest_gone::CHECK,
    &image::ecr_kms_key_unusable::CHECK,
    &image::img_os_mismatch::CHECK,
    &image::img_arch_mismatch::CHECK,
    &image::img_too_large::CHECK,
    &image::reg_creds_missing::CHECK,
    &secrets_logs::sec_sm_not_found::CHECK,
    &secrets_logs::sec_ssm_not_found::CHECK,
    &secrets_logs::log_group_missing::CHECK,
    &efs::efs_fs_not_found::CHECK,
    &efs::efs_access_point_not_found::CHECK,
    &secrets_logs::envfile_not_found::CHECK,
    &dns::net_dns_vpc_resolution_disabled::CHECK,
    &dns::net_dns_resolver_overrides::CHECK,
    &network::net_route_blackhole::CHECK,
    &network::net_nat_not_available::CHECK,
    &network::net_nat_in_private_subnet::CHECK,
    &network::net_public_no_publicip::CHECK,
    &endpoints::vpce_not_usable::CHECK,
    &endpoints::vpce_private_dns_disabled::CHECK,
    &dns::net_dns_privatedns_needs_hostnames::CHECK,
    &endpoints::vpce_s3_not_associated::CHECK,
    &network::net_route_no_default::CHECK,
    &efs::efs_mount_target_missing::CHECK,
    &network::net_ipv6_only::CHECK,
    &image::reg_internet_required::CHECK,
    &image::img_windows_foreign_layers::CHECK,
    &endpoints::vpce_cross_region::CHECK,
    &endpoints::vpce_ecr_dkr_missing::CHECK,
    &endpoints::vpce_ecr_api_missing::CHECK,
    &endpoints::vpce_s3_gateway_missing::CHECK,
    &endpoints::vpce_logs_missing::CHECK,
    &endpoints::vpce_secretsmanager_missing::CHECK,
    &endpoints::vpce_ssm_missing::CHECK,
    &endpoints::vpce_s3_policy_denies_layer_bucket::CHECK,
    &endpoints::vpce_s3_policy_denies_envfiles::CHECK,
    &endpoints::vpce_policy_denies::CHECK,
    &iam::iam_exec_ecr::CHECK,
    &image::ecr_repo_policy::CHECK,
    &iam::iam_exec_logs::CHECK,
    &iam::iam_exec_secrets::CHECK,
    &iam::iam_exec_privreg::CHECK,
    &iam::iam_exec_envfiles::CHECK,
    &efs::efs_iam_denied::CHECK,
    &network::net_sg_task_egress::CHECK,
    &network::net_sg_task_egress_s3_prefixlist::CHECK,
    &network::net_sg_endpoint_ingress::CHECK,
    &network::net_nacl_path::CHECK,
    &efs::efs_nfs_blocked::CHECK,
    &network::net_route_opaque::CHECK,
    &network::net_publicip_no_igw_route::CHECK,
    &dns::net_dns_custom_dhcp::CHECK,
    &iam::iam_guardrails::CHECK,
    &launch::cap_single_az::CHECK,
    &launch::td_feature_not_checked::CHECK,
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
    /// What it reads, decided centrally before and after it runs ([`decide`]): no check
    /// file repeats these guards.
    pub needs: Needs,
    /// The checks whose findings are consequences of this one's (fixing this fixes them), when
    /// they name a resource in common: a missing repository behind a missing image. They are
    /// reported under this finding's root cause ([`crate::causes`]).
    pub explains: &'static [&'static str],
    /// The checks whose fixes, taken together, are another way out of this one's problem: no
    /// route to the internet, or the VPC endpoints that make it unnecessary.
    pub alternatives: Option<&'static Alternatives>,
    pub run: fn(&Cx) -> Outcome,
}

/// What a check reads, so that what it cannot decide without is decided once, in [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The target's subnets, security groups, VPC or the account only: decided without the
    /// task definition.
    TargetOnly,
    /// The task definition (its containers, images, roles, logs, secrets, volumes): without it
    /// the check cannot pass or be not applicable ("no private ECR image" is not known when the
    /// images are not), so such an outcome becomes `unknown` naming the unread task definition.
    /// Decided after it runs: an error it finds from the target alone (a role override that
    /// does not exist) stands.
    TaskDefinition,
    /// The evaluated IPv4 paths, and so the network configuration and the task definition:
    /// not applicable without a network or when every subnet is IPv6-only (NET-IPV6-ONLY
    /// decides those), unknown when either could not be read; decided before it runs.
    Ipv4Paths,
    /// The NFS paths to EFS mount targets: as [`Needs::Ipv4Paths`], for EFS volumes.
    NfsPaths,
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

/// Decided once for every check that reads the task definition: without it, such a check
/// cannot pass or be not applicable. Its errors and warnings stand.
fn settle_td(check: &Check, cx: &Cx, out: Outcome) -> Outcome {
    if check.needs == Needs::TargetOnly
        || !matches!(out.status, CheckStatus::Pass | CheckStatus::NotApplicable)
    {
        return out;
    }
    match cx.td_missing() {
        Some(why) => Outcome::unknown(why),
        None => out,
    }
}

/// What a check's declared [`Needs`] decide before it runs, if anything.
fn gate(check: &Check, cx: &Cx) -> Option<Outcome> {
    match check.needs {
        Needs::TargetOnly | Needs::TaskDefinition => None,
        Needs::Ipv4Paths => gate_paths(cx),
        Needs::NfsPaths => gate_nfs_paths(cx),
    }
}

/// One check's outcome with the central rules applied (the fixtures' too).
pub(crate) fn decide(check: &Check, cx: &Cx) -> Outcome {
    match gate(check, cx) {
        Some(out) => out,
        None => settle_td(check, cx, check.settle((check.run)(cx))),
    }
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
            needs: Needs::TaskDefinition,
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
            .filter(|r| find(&r.id).is_some_and(|c| c.needs != Needs::TargetOnly))
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
