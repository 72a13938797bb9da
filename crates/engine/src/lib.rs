//! The fargate-doctor engine: pure and deterministic. Input: a [`fd_snapshot::Snapshot`].
//! Output: a [`Report`] with findings and the status of every check. No AWS SDK, no I/O.
//!
//! Data flows one way: [`context::Cx`] resolves a target (task definition, subnets, security
//! groups) and evaluates the network path from each subnet to each destination
//! ([`net::path`]); the [`checks`] read those results and produce findings.

pub mod causes;
pub mod checks;
pub mod classify;
pub mod context;
pub mod failure;
pub mod iam;
pub use fd_snapshot::image;
pub mod net;
pub mod outcome;
pub mod platform;
pub mod registry;
pub mod report;
pub mod roles;

pub use report::*;

use fd_snapshot::{Snapshot, Snapshots};

/// Diagnoses every target of the snapshot.
pub fn diagnose(snapshot: &Snapshot) -> Vec<TargetReport> {
    snapshot
        .targets
        .iter()
        .map(|target| {
            let cx = context::Cx::new(snapshot, target);
            let (mut findings, checks) = checks::run_all(&cx);
            let failure = failure::explain_failure(&cx, &mut findings, &checks);
            let root_causes = causes::root_causes(&findings);
            let paths = net::export::paths(&cx, &findings);
            let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
                Verdict::Fail
            } else if !target.unread.is_empty()
                || checks.iter().any(|c| c.status == CheckStatus::Unknown)
            {
                Verdict::Incomplete
            } else {
                Verdict::Pass
            };
            TargetReport {
                region: Some(snapshot.region.clone()),
                account_id: snapshot.account_id.clone(),
                kind: target.kind.as_str().to_string(),
                cluster: target.cluster.clone(),
                name: target.name.clone(),
                arn: target.arn.clone(),
                platform_version: target.platform_version.clone(),
                stopped_reason: target.stopped_reason.clone(),
                verdict,
                failure,
                findings,
                root_causes,
                paths,
                checks,
                unread: target.unread.clone(),
            }
        })
        .collect()
}

/// A full report: the targets' diagnoses plus tool identity and statistics: `stats` says how
/// many AWS calls this run made (0 for an offline `diagnose`) and how long it took.
pub fn report(snapshot: &Snapshot, stats: Stats) -> Report {
    report_of(diagnose(snapshot), stats)
}

/// [`report`] of every partition a run read (`scan --region A --region B`): each partition is
/// diagnosed on its own (its facts mean something only in its account and Region), and the
/// report lists the targets of all of them, in the order of the partitions.
pub fn report_all(snapshots: &Snapshots, stats: Stats) -> Report {
    let targets = snapshots.partitions().iter().flat_map(diagnose).collect();
    report_of(targets, stats)
}

fn report_of(targets: Vec<TargetReport>, stats: Stats) -> Report {
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "fargate-doctor".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        targets,
        stats,
    }
}
