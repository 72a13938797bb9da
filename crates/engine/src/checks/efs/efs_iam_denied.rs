use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{ev, fetched, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Policy, Request};
use crate::report::{CheckStatus, Severity};
use crate::roles::EFS_DEFAULT_POLICY;
use fd_snapshot::Fetched;

pub static CHECK: Check = Check {
    id: "EFS-IAM-DENIED",
    title: "EFS authorization denies the task",
    severity: Severity::Error,
    group: "EFS volumes",
    what: "For every EFS volume: with IAM authorization ENABLED the task must have a task role, and \
           that role must be allowed elasticfilesystem:ClientMount (and ClientWrite unless every \
           mount point is read-only) on the file system, by its own policies within its permissions \
           boundary or by the file system policy (elasticfilesystem:DescribeFileSystemPolicy), with \
           no explicit Deny in either; the request carries aws:SecureTransport (the volume's \
           transitEncryption), elasticfilesystem:AccessedViaMountTarget and the access point ARN. \
           Without IAM authorization the client is anonymous, so the file system policy must allow \
           any principal. Without a file system policy EFS's default policy lets every client that \
           reaches a mount target in.",
    why: "The mount is refused: 'ResourceInitializationError: failed to invoke EFS utils commands \
          to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting \
          127.0.0.1:/''. A file system policy that requires encryption in transit refuses a volume \
          without transitEncryption the same way.",
    fix: "Give the task a role allowed to mount (or adjust the file system policy), e.g.:\n  \
          aws iam put-role-policy --role-name TASK_ROLE --policy-name efs --policy-document \
          '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\
          [\"elasticfilesystem:ClientMount\",\"elasticfilesystem:ClientWrite\"],\"Resource\":\
          \"arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-…\"}]}'",
    docs: &[
        "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    if cx.needs.efs.is_empty() {
        return Outcome::na("the task definition has no EFS volume");
    }
    let td_name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let mut findings = Vec::new();
    let mut unknown = None;
    let iam_volumes: Vec<&str> = cx
        .needs
        .efs
        .iter()
        .filter(|e| e.config.iam)
        .map(|e| e.volume.as_str())
        .collect();
    match &cx.needs.task_role {
        None if !iam_volumes.is_empty() => findings.push(CHECK.finding(
            format!(
                "EFS volume {} uses IAM authorization, but {td_name} has no task role to authorize with.",
                iam_volumes.join(", ")
            ),
            vec![td_name.clone()],
            vec![ev(&td_name, "taskRoleArn: none; authorizationConfig.iam: ENABLED")],
            "Set taskRoleArn to a role allowed elasticfilesystem:ClientMount (and ClientWrite) on the file system, and register a new revision.".into(),
        )),
        Some(role) if !iam_volumes.is_empty() => {
            if let Found::Missing = cx.snap.role(role) {
                findings.push(CHECK.finding(
                    format!("EFS volume {} uses IAM authorization with task role {role}, which does not exist.", iam_volumes.join(", ")),
                    vec![role.clone(), td_name.clone()],
                    vec![ev(role, "iam:GetRole: NoSuchEntity")],
                    "Create the task role (trusted by ecs-tasks.amazonaws.com) or fix taskRoleArn.".into(),
                ));
            }
        }
        _ => {}
    }
    for e in &cx.needs.efs {
        let id = &e.config.file_system_id;
        let fs = match fetched(&cx.snap.efs.file_systems, id, "EFS file system") {
            Found::Yes(fs) => fs,
            Found::Missing => continue, // EFS-FS-NOT-FOUND
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        let doc = match &fs.policy {
            Fetched::Unreadable { call, reason } => {
                unknown = Some(format!("{call} failed for {id}: {reason}"));
                continue;
            }
            Fetched::Absent { .. } => EFS_DEFAULT_POLICY,
            Fetched::Found { value } => value.as_str(),
        };
        if e.config.iam {
            continue; // evaluated with the task role below
        }
        // Without IAM authorization the NFS client is anonymous: only statements for any
        // principal can allow it.
        let policy = match Policy::parse(&format!("file system policy of {id}"), doc) {
            Ok(p) => p,
            Err(err) => {
                unknown = Some(format!(
                    "the file system policy of {id} cannot be evaluated: {err}"
                ));
                continue;
            }
        };
        let ctx = Context::new()
            .with(
                "aws:SecureTransport",
                e.config.transit_encryption.to_string(),
            )
            .with("elasticfilesystem:AccessedViaMountTarget", "true");
        let resource = fs.arn.clone().unwrap_or_else(|| id.clone());
        let mut actions = vec!["elasticfilesystem:ClientMount"];
        if !e.read_only {
            actions.push("elasticfilesystem:ClientWrite");
        }
        for action in actions {
            let d = iam::evaluate_resource_policy(
                &policy,
                &Request::with_unknown_principal(action, &resource, &ctx),
            );
            match d.is_allowed() {
                Some(true) => {}
                None => unknown = Some(format!("{action} on {id}: {}", d.describe())),
                Some(false) => {
                    findings.push(CHECK.finding(
                        format!(
                            "Volume {} mounts {id} without IAM authorization (an anonymous client{}), and the file system policy does not allow {action}: {}.",
                            e.volume,
                            if e.config.transit_encryption { "" } else { ", without encryption in transit" },
                            d.describe()
                        ),
                        vec![id.clone(), td_name.clone()],
                        vec![ev(id, format!("file system policy: {}", doc.split_whitespace().collect::<Vec<_>>().join(" ")))],
                        "Enable transitEncryption and IAM authorization on the volume with a task role the policy allows, or let the policy allow the mount.".into(),
                    ));
                    break;
                }
            }
        }
    }
    if !iam_volumes.is_empty() && cx.needs.task_role.is_some() {
        let role = permission_check(&CHECK, cx, NeedKind::Efs);
        findings.extend(role.findings);
        if role.status == CheckStatus::Unknown {
            unknown = unknown.or(role.detail);
        }
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, efs_file_system, efs_volume};
    use fd_snapshot::{InlinePolicy, Role};

    const TASK_ROLE: &str = "arn:aws:iam::123456789012:role/app-task";

    fn with_task_role(snap: &mut fd_snapshot::Snapshot, inline: Option<&str>) {
        testkit::td(snap).task_role_arn = Some(TASK_ROLE.into());
        snap.iam.roles.insert(
            TASK_ROLE.into(),
            Role {
                arn: TASK_ROLE.into(),
                name: "app-task".into(),
                trust_policy: None,
                attached_policies: Some(vec![]),
                inline_policies: Some(
                    inline
                        .map(|d| InlinePolicy {
                            name: "efs".into(),
                            document: Some(d.into()),
                        })
                        .into_iter()
                        .collect(),
                ),
                permissions_boundary: None,
            },
        );
    }

    fn set_policy(snap: &mut fd_snapshot::Snapshot, policy: Fetched<String>) {
        if let Some(Fetched::Found { value }) = snap.efs.file_systems.get_mut("fs-1") {
            value.policy = policy;
        }
    }

    #[test]
    fn iam_without_task_role_fails() {
        let mut snap = testkit::healthy_nat();
        efs_volume(&mut snap, "fs-1", None, true);
        efs_file_system(&mut snap, "fs-1", &[]);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0].resources[0].contains("task-definition/app"));
    }

    #[test]
    fn policy_for_another_role_names_the_task_role() {
        let mut snap = testkit::healthy_nat();
        efs_volume(&mut snap, "fs-1", None, true);
        efs_file_system(&mut snap, "fs-1", &[]);
        with_task_role(&mut snap, None);
        // The default policy allows every client that reaches a mount target.
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        set_policy(&mut snap, Fetched::found(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/other"},"Action":["elasticfilesystem:ClientMount","elasticfilesystem:ClientWrite"],"Resource":"*"}]}"#.into()));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], TASK_ROLE);
        // The role's own policy allows it (same account): allowed.
        let mut snap2 = snap.clone();
        with_task_role(
            &mut snap2,
            Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"elasticfilesystem:Client*","Resource":"*"}]}"#,
            ),
        );
        assert_eq!(testkit::status(&CHECK, &snap2), CheckStatus::Pass);
        set_policy(
            &mut snap,
            Fetched::Unreadable {
                call: "efs:DescribeFileSystemPolicy".into(),
                reason: "AccessDenied".into(),
            },
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn secure_transport_required_but_volume_unencrypted() {
        let mut snap = testkit::healthy_nat();
        efs_volume(&mut snap, "fs-1", None, false);
        if let fd_snapshot::VolumeKind::Efs(v) = &mut testkit::td(&mut snap).volumes[0].kind {
            v.transit_encryption = false;
        }
        efs_file_system(&mut snap, "fs-1", &[]);
        set_policy(&mut snap, Fetched::found(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["elasticfilesystem:ClientMount","elasticfilesystem:ClientWrite"],"Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#.into()));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "fs-1");
    }

    #[test]
    fn not_applicable_without_efs() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::NotApplicable
        );
    }
}
