//! Ties the failure message to the findings: classify what the task said (its stopped reason,
//! else a container reason, else the newest stopped task of a service, else a failure event),
//! move the finding that explains it to the front, and say plainly when none does, with the
//! candidate checks that were ruled out.

use ipnet::IpNet;

use crate::classify::{self, ClassifyContext};
use crate::context::Cx;
use crate::net::path::s3_prefix_list;
use crate::report::{CheckResult, CheckStatus, FailureExplanation, Finding};

/// The message to explain, and where it came from.
fn failure_message(cx: &Cx) -> Option<(String, String)> {
    let t = cx.target;
    if let Some(r) = t.stopped_reason.as_deref().filter(|r| !r.trim().is_empty()) {
        // A container reason usually carries the detail (the stopped reason may only say
        // "Essential container in task exited" or be truncated).
        if let Some(c) = t
            .container_reasons
            .iter()
            .find(|c| !c.reason.trim().is_empty())
        {
            if says_too_little(&classify_one(cx, r)) {
                return Some((c.reason.clone(), format!("container {}", c.container)));
            }
        }
        return Some((r.to_string(), "stopped_reason".into()));
    }
    if let Some(c) = t
        .container_reasons
        .iter()
        .find(|c| !c.reason.trim().is_empty())
    {
        return Some((c.reason.clone(), format!("container {}", c.container)));
    }
    for st in &t.stopped_tasks {
        if let Some(r) = st
            .stopped_reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
        {
            return Some((r.to_string(), format!("stopped task {}", st.arn)));
        }
    }
    t.events
        .iter()
        .find(|e| {
            let m = e.message.to_ascii_lowercase();
            m.contains("unable to") || m.contains("error") || m.contains("failed")
        })
        .map(|e| (e.message.clone(), "event".into()))
}

/// The stopped reason alone says too little (no rule, only the family, or "container exited").
fn says_too_little(c: &classify::Classification) -> bool {
    matches!(
        c.kind,
        classify::Kind::Unknown | classify::Kind::Unspecified | classify::Kind::NotAStartFailure
    )
}

fn context(cx: &Cx) -> ClassifyContext {
    let snap = cx.snap;
    ClassifyContext {
        vpc_cidrs: cx
            .vpc
            .map(|v| {
                v.cidr_blocks
                    .iter()
                    .map(|c| IpNet::V4(*c))
                    .chain(v.ipv6_cidr_blocks.iter().copied())
                    .collect()
            })
            .unwrap_or_default(),
        s3_cidrs: s3_prefix_list(snap, &snap.region)
            .and_then(|p| p.cidrs.clone())
            .unwrap_or_default(),
    }
}

fn classify_one(cx: &Cx, message: &str) -> classify::Classification {
    classify::classify(message, &context(cx))
}

/// Classifies the target's failure message, reorders `findings` so that the finding that
/// explains it comes first (candidates in their order of likelihood), and reports what was
/// ruled out.
pub fn explain_failure(
    cx: &Cx,
    findings: &mut [Finding],
    checks: &[CheckResult],
) -> Option<FailureExplanation> {
    let (message, source) = failure_message(cx)?;
    let c = classify_one(cx, &message);
    let rank = |f: &Finding| {
        c.candidates
            .iter()
            .position(|id| *id == f.id)
            .unwrap_or(usize::MAX)
    };
    // Stable: findings that no candidate names keep their root-cause order after the others.
    findings.sort_by_key(|f| (rank(f), f.severity));
    let explained_by = findings
        .first()
        .filter(|f| rank(f) != usize::MAX)
        .map(|f| f.id.clone());
    let ruled_out = c
        .candidates
        .iter()
        .filter(|id| {
            checks
                .iter()
                .any(|r| r.id == **id && r.status == CheckStatus::Pass)
        })
        .map(|id| id.to_string())
        .collect();
    Some(FailureExplanation {
        message,
        source,
        family: c.family.map(str::to_string),
        kind: c.kind.as_str().to_string(),
        resource: c.resource.as_str().to_string(),
        address: c.address.map(|(ip, k)| format!("{ip} ({})", k.as_str())),
        summary: c.summary.clone(),
        candidates: c.candidates.iter().map(|s| s.to_string()).collect(),
        explained_by,
        ruled_out,
    })
}
