use crate::checks::{ev, fetched, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "EFS-ACCESS-POINT-NOT-FOUND",
    title: "The EFS access point of a volume does not exist",
    severity: Severity::Error,
    group: "EFS volumes",
    what: "For every EFS volume with authorizationConfig.accessPointId, looks the access point up \
           (elasticfilesystem:DescribeAccessPoints) and checks that it is available and belongs to the \
           volume's fileSystemId.",
    why: "The EFS mount helper mounts through the access point; one that does not exist, is being \
          deleted, or belongs to another file system makes the mount fail and the task stop with \
          'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes'.",
    fix: "Use an access point of the volume's own file system and register a new revision:\n  \
          aws efs describe-access-points --file-system-id fs-… \
          --query 'AccessPoints[].[AccessPointId,LifeCycleState,RootDirectory.Path]'",
    docs: &[
        "https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let with_ap: Vec<_> = cx
        .needs
        .efs
        .iter()
        .filter_map(|e| e.config.access_point_id.as_ref().map(|ap| (e, ap)))
        .collect();
    if with_ap.is_empty() {
        return Outcome::na("no EFS volume uses an access point");
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    for (e, ap) in with_ap {
        let fs = &e.config.file_system_id;
        let problem = match fetched(&cx.snap.efs.access_points, ap, "EFS access point") {
            Found::Yes(a) if &a.file_system_id != fs => format!(
                "belongs to file system {}, not to the volume's {fs}",
                a.file_system_id
            ),
            Found::Yes(a) if !a.life_cycle_state.eq_ignore_ascii_case("available") => {
                format!("is {}, not available", a.life_cycle_state)
            }
            Found::Yes(_) => continue,
            Found::Missing => "does not exist".to_string(),
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        findings.push(CHECK.finding(
            format!("Volume {} mounts {fs} through access point {ap}, which {problem}.", e.volume),
            vec![ap.clone(), fs.clone()],
            vec![ev(ap, format!("elasticfilesystem:DescribeAccessPoints: {problem}"))],
            format!(
                "Create an access point on {fs} (aws efs create-access-point --file-system-id {fs} …) or use an existing one of {fs} in volume {}, and register a new revision.",
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
    use fd_snapshot::{AccessPoint, Fetched};

    fn ap(fs: &str) -> Fetched<AccessPoint> {
        Fetched::found(AccessPoint {
            id: "fsap-1".into(),
            file_system_id: fs.into(),
            life_cycle_state: "available".into(),
            root_directory: None,
        })
    }

    #[test]
    fn access_point_cases() {
        let mut snap = testkit::healthy_nat();
        efs_volume(&mut snap, "fs-1", None, false);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
        let mut snap = testkit::healthy_nat();
        efs_volume(&mut snap, "fs-1", Some("fsap-1"), true);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.efs.access_points.insert(
            "fsap-1".into(),
            Fetched::Absent {
                call: "efs:DescribeAccessPoints".into(),
                detail: None,
            },
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "fsap-1");
        snap.efs.access_points.insert("fsap-1".into(), ap("fs-2"));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0]
            .message
            .contains("belongs to file system fs-2"));
        snap.efs.access_points.insert("fsap-1".into(), ap("fs-1"));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }
}
