use fd_snapshot::{Collection, FactOrigin};

use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-MISSING",
    title: "The execution role does not exist",
    severity: Severity::Error,
    group: "Execution role",
    what: "Looks up the execution role named by the task definition (or the task's override) with \
           iam:GetRole.",
    why: "ECS cannot assume a role that does not exist: 'ECS was unable to assume the role … that was \
          provided for this task.' A role deleted or renamed after the task definition was registered \
          (or created in another account) is the usual cause.",
    fix: "Create the role (trusted by ecs-tasks.amazonaws.com, with AmazonECSTaskExecutionRolePolicy) or \
          point the task definition at an existing one:\n  aws iam create-role --role-name NAME \
          --assume-role-policy-document file://ecs-tasks-trust.json",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"],
    needs: Needs::TaskDefinition,
    explains: &["IAM-EXEC-TRUST", "IAM-EXEC-ECR", "IAM-EXEC-LOGS", "IAM-EXEC-SECRETS", "IAM-EXEC-PRIVREG", "IAM-EXEC-ENVFILES", "IAM-GUARDRAILS", "ECR-REPO-POLICY", "VPCE-POLICY-DENIES"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(role) = cx.execution_role() else {
        return Outcome::na("the task has no execution role");
    };
    match cx.snap.role(role) {
        Found::Yes(r) => match cx.snap.origin(Collection::Role, role) {
            // A role the deploy's files create does not exist yet, and is not looked up.
            Some(FactOrigin::Provided(origin)) => {
                Outcome::pass_because(format!("{} is created by {origin}", r.arn))
            }
            _ => Outcome::pass_because(format!("{} exists", r.arn)),
        },
        Found::Unknown(why) => Outcome::unknown(why),
        Found::Missing => Outcome::from_findings(
            vec![CHECK.finding(
                format!("The execution role {role} does not exist (iam:GetRole: NoSuchEntity)."),
                vec![role.to_string()],
                vec![ev(role, "iam:GetRole returned NoSuchEntity")],
                "Create the role or set executionRoleArn to an existing role, then register a new task definition revision.".into(),
            )],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_nat, run};
    use crate::report::CheckStatus;
    use fd_snapshot::{ApiCall, CallOutcome, Op, Origin, Provided, Snapshot};

    fn role_arn(snap: &Snapshot) -> String {
        let cx = Cx::new(snap, &snap.targets[0]);
        cx.execution_role().expect("execution role").to_string()
    }

    /// What iam:GetRole says of a role that does not exist.
    fn no_such_role(snap: &mut Snapshot, arn: &str) {
        snap.iam.roles.remove(arn);
        snap.calls.push(ApiCall {
            outcome: CallOutcome::NotFound,
            error_code: Some("NoSuchEntity".into()),
            ..ApiCall::of_key(Op::IamGetRole, arn)
        });
    }

    fn from_template(arn: &str) -> Provided {
        Provided {
            collection: Collection::Role,
            key: arn.to_string(),
            origin: Origin::File {
                path: "template.yaml".into(),
                line: Some(12),
                address: Some("ExecutionRole".into()),
            },
        }
    }

    #[test]
    fn passes_when_the_role_exists() {
        let snap = healthy_nat();
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass);
        assert!(out.detail.unwrap().ends_with(" exists"));
    }

    #[test]
    fn fails_when_get_role_finds_nothing() {
        let mut snap = healthy_nat();
        let arn = role_arn(&snap);
        no_such_role(&mut snap, &arn);
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources, vec![arn]);
    }

    #[test]
    fn unknown_when_get_role_was_denied() {
        let mut snap = healthy_nat();
        let arn = role_arn(&snap);
        snap.iam.roles.remove(&arn);
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            error_code: Some("AccessDenied".into()),
            ..ApiCall::of_key(Op::IamGetRole, &arn)
        });
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains("iam:GetRole was denied"));
    }

    /// A role that the deploy's template creates is found in the snapshot, with the template as
    /// its origin: even if a GetRole of it found nothing (it does not exist yet), it is never
    /// missing.
    #[test]
    fn a_role_a_file_creates_is_found_never_missing() {
        let mut snap = healthy_nat();
        let arn = role_arn(&snap);
        let role = found_role(&snap, &arn);
        no_such_role(&mut snap, &arn);
        snap.iam.roles.insert(arn.clone(), role);
        snap.provided.push(from_template(&arn));
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass, "{:?}", out.detail);
        assert_eq!(
            out.detail.unwrap(),
            format!("{arn} is created by template.yaml:12 (ExecutionRole)")
        );
        // The file says it creates the role but the snapshot lacks its description: unknown,
        // naming the file, and still never missing.
        snap.iam.roles.remove(&arn);
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(
            out.detail
                .unwrap()
                .contains("template.yaml:12 (ExecutionRole)"),
            "the unknown names the file"
        );
    }

    fn found_role(snap: &Snapshot, arn: &str) -> fd_snapshot::Role {
        crate::checks::testkit::found(snap.role(arn)).clone()
    }
}
