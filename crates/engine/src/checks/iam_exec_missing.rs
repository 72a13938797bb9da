use super::{ev, Check, Found, Outcome};
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
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(role) = cx.execution_role() else {
        return Outcome::na("the task has no execution role");
    };
    match cx.snap.role(role) {
        Found::Yes(r) => Outcome::pass_because(format!("{} exists", r.arn)),
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
