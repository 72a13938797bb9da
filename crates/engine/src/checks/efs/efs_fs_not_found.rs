use crate::checks::{ev, fetched, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "EFS-FS-NOT-FOUND",
    title: "The EFS file system of a volume does not exist",
    severity: Severity::Error,
    group: "EFS volumes",
    what: "For every volume with an efsVolumeConfiguration, looks its fileSystemId up \
           (elasticfilesystem:DescribeFileSystems) in the task's account and Region, and checks that \
           its LifeCycleState is available.",
    why: "The Fargate agent mounts every volume before starting the containers; a file system that \
          does not exist (wrong ID, deleted, another Region or account) or is still creating or \
          deleting stops the task: 'ResourceInitializationError: failed to invoke EFS utils commands \
          to set up EFS volumes: stderr: Failed to resolve \"fs-….efs.<region>.amazonaws.com\"'.",
    fix: "Put the ID of an existing, available file system in the task definition's \
          efsVolumeConfiguration.fileSystemId and register a new revision:\n  \
          aws efs describe-file-systems --query 'FileSystems[].[FileSystemId,Name,LifeCycleState]'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &["EFS-ACCESS-POINT-NOT-FOUND", "EFS-MOUNT-TARGET-MISSING", "EFS-IAM-DENIED", "EFS-NFS-BLOCKED"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.needs.efs.is_empty() {
        return Outcome::na("the task definition has no EFS volume");
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    for e in &cx.needs.efs {
        let id = &e.config.file_system_id;
        let problem = match fetched(&cx.snap.efs.file_systems, id, "EFS file system") {
            Found::Yes(fs) if fs.life_cycle_state.eq_ignore_ascii_case("available") => continue,
            Found::Yes(fs) => format!("is {}, not available", fs.life_cycle_state),
            Found::Missing => format!(
                "does not exist in account {} Region {}",
                cx.snap.account_id.as_deref().unwrap_or("(unknown)"),
                cx.snap.region
            ),
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        findings.push(CHECK.finding(
            format!("Volume {} uses EFS file system {id}, which {problem}.", e.volume),
            vec![id.clone()],
            vec![ev(id, format!("elasticfilesystem:DescribeFileSystems: {problem}"))],
            format!(
                "Point volume {} at an existing, available file system (aws efs describe-file-systems), or create it, and register a new task definition revision.",
                e.volume
            ),
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, efs_volume};
    use crate::report::CheckStatus;
    use fd_snapshot::Fetched;

    #[test]
    fn missing_available_unknown_na() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
        efs_volume(&mut snap, "fs-1", None, false);
        // Not read at all (a snapshot from before EFS was collected): unknown, never pass.
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.efs.file_systems.insert(
            "fs-1".into(),
            Fetched::Absent {
                call: "efs:DescribeFileSystems".into(),
                detail: None,
            },
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "fs-1");
        snap.efs.file_systems.insert(
            "fs-1".into(),
            Fetched::Unreadable {
                call: "efs:DescribeFileSystems".into(),
                reason: "AccessDeniedException".into(),
            },
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        testkit::efs_file_system(&mut snap, "fs-1", &[]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }
}
