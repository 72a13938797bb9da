use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::VolumeKind;

pub static CHECK: Check = Check {
    id: "TD-FEATURE-NOT-CHECKED",
    title: "The task definition uses something no check evaluates",
    severity: Severity::Info,
    group: "Task definition coverage",
    what: "Names every part of the task definition that fargate-doctor does not evaluate: FSx for \
           Windows File Server, Docker and launch-configured (EBS) volumes, an EFS rootDirectory \
           (its existence cannot be seen without mounting), an App Mesh proxy configuration, \
           inference accelerators, FireLens and non-awslogs log destinations, gMSA credential specs, \
           and the encryption of environment files.",
    why: "'0 fail' must mean 'everything the task uses was checked'. When the task relies on \
          something no check reads, a clean report says nothing about it: this finding says so, so \
          that you keep looking there.",
    fix: "Check the named features by hand (their AWS documentation lists the requirements), e.g. for \
          an FSx for Windows volume:\n  \
          aws fsx describe-file-systems --file-system-ids fs-…",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    let mut unchecked: Vec<String> = Vec::new();
    for v in &td.volumes {
        match &v.kind {
            VolumeKind::FsxWindows { file_system_id } => unchecked.push(format!(
                "volume {} (FSx for Windows File Server {file_system_id}: its domain join, credentials and SMB path)",
                v.name
            )),
            VolumeKind::Docker { driver } => unchecked.push(format!(
                "volume {} (Docker volume{}; Fargate supports only bind mounts, EFS and EBS)",
                v.name,
                driver.as_deref().map(|d| format!(", driver {d}")).unwrap_or_default()
            )),
            VolumeKind::ConfiguredAtLaunch => unchecked.push(format!(
                "volume {} (configured at launch: the service's or RunTask's EBS volume configuration and its infrastructure role)",
                v.name
            )),
            VolumeKind::Efs(e) if e.root_directory.as_deref().is_some_and(|d| d != "/") && e.access_point_id.is_none() => {
                unchecked.push(format!(
                    "volume {} (EFS rootDirectory {}: whether the directory exists cannot be read without mounting)",
                    v.name,
                    e.root_directory.as_deref().unwrap_or_default()
                ))
            }
            VolumeKind::Efs(_) | VolumeKind::Bind { .. } => {}
        }
    }
    if let Some(p) = &td.proxy_configuration {
        unchecked.push(format!(
            "proxyConfiguration ({p}): the proxy container and its mesh"
        ));
    }
    if !td.inference_accelerators.is_empty() {
        unchecked.push(format!(
            "inferenceAccelerators ({})",
            td.inference_accelerators.join(", ")
        ));
    }
    for c in &td.containers {
        if let Some(f) = &c.firelens {
            unchecked.push(format!(
                "firelensConfiguration ({f}) of container {}: the log router's configuration and destinations",
                c.name
            ));
        }
        if !c.credential_specs.is_empty() {
            unchecked.push(format!(
                "credentialSpecs of container {} (gMSA: the domain and the credential spec file)",
                c.name
            ));
        }
    }
    for l in &cx.needs.logs {
        if l.awslogs.is_none() && l.driver != "awsfirelens" {
            unchecked.push(format!(
                "log driver {} of container {}: reaching its destination",
                l.driver, l.container
            ));
        }
    }
    if !cx.needs.env_files.is_empty() {
        unchecked.push(
            "the encryption of environment files (a customer KMS key on the bucket or object needs kms:Decrypt for the execution role), and the owner of their buckets (a bucket in another account must also grant the execution role in its bucket policy)"
                .into(),
        );
    }
    if cx.needs.efs.iter().any(|e| e.config.iam) {
        unchecked.push(
            "the trust policy of the task role that EFS IAM authorization uses (ecs-tasks.amazonaws.com must be able to assume it)"
                .into(),
        );
    }
    if cx
        .needs
        .efs
        .iter()
        .any(|e| e.config.access_point_id.is_some())
    {
        unchecked.push(
            "the root directory of EFS access points (whether it exists, or is created with CreationInfo)"
                .into(),
        );
    }
    if unchecked.is_empty() {
        return Outcome::pass_because("every part of the task definition is evaluated by a check");
    }
    let name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "Not checked by fargate-doctor: {}. A clean report says nothing about these.",
                unchecked.join("; ")
            ),
            vec![name.clone()],
            unchecked.iter().map(|u| ev(&name, u.clone())).collect(),
            "Verify these by hand; the rest of the report covers everything else the task needs."
                .into(),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::Volume;

    #[test]
    fn names_an_fsx_volume_and_passes_otherwise() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        testkit::td(&mut snap).volumes.push(Volume {
            name: "share".into(),
            kind: VolumeKind::FsxWindows {
                file_system_id: "fs-0abc".into(),
            },
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].severity, Severity::Info);
        assert!(out.findings[0]
            .message
            .contains("FSx for Windows File Server fs-0abc"));
        assert_ne!(out.status, CheckStatus::Fail);
    }

    #[test]
    fn unknown_without_task_definition() {
        let mut snap = testkit::healthy_nat();
        snap.ecs.task_definitions.clear();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
