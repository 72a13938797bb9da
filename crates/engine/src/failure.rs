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
        let source = match t.origin_of("stopped_reason") {
            // An event's stopped reason: the task may be gone by the time the API is read.
            Some(origin) => format!("stopped_reason, from {origin}"),
            None => "stopped_reason".into(),
        };
        return Some((r.to_string(), source));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::healthy_nat;
    use fd_snapshot::{FieldOrigin, Origin};

    const REASON: &str = "ResourceInitializationError: unable to pull secrets or registry auth: \
        execution resource retrieval failed: unable to retrieve ecr registry auth: service call \
        has been retried 3 time(s): RequestError: send request failed caused by: Post \
        \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 52.46.0.1:443: i/o timeout";

    fn explained(snap: &fd_snapshot::Snapshot) -> FailureExplanation {
        let cx = Cx::new(snap, &snap.targets[0]);
        explain_failure(&cx, &mut [], &[]).expect("an explanation")
    }

    /// A stopped reason that an EventBridge event carried says so: it is evidence from the
    /// moment of failure, not from an API read.
    #[test]
    fn an_event_stopped_reason_names_the_event() {
        let mut snap = healthy_nat();
        snap.targets[0].stopped_reason = Some(REASON.into());
        assert_eq!(explained(&snap).source, "stopped_reason");
        snap.targets[0].origins.push(FieldOrigin {
            field: "stopped_reason".into(),
            origin: Origin::Event {
                id: "3f0c4b2e".into(),
                field: "detail.stoppedReason".into(),
            },
        });
        let fx = explained(&snap);
        assert_eq!(
            fx.source,
            "stopped_reason, from event 3f0c4b2e detail.stoppedReason"
        );
        assert_eq!(fx.message, REASON);
        assert_eq!(fx.family.as_deref(), Some("ResourceInitializationError"));
    }
}
