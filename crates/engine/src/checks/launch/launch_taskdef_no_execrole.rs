use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "LAUNCH-TASKDEF-NO-EXECROLE",
    title: "The task needs an execution role, but has none",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Reads executionRoleArn of the task definition (and the task's override) and fails when \
           it is empty while the task needs one: a private ECR image, the awslogs log driver, secrets \
           or log secretOptions, repositoryCredentials, or environment files.",
    why: "The execution role is what the Fargate agent uses to pull from ECR, write logs and read \
          secrets. ECS refuses such a task definition ('Fargate requires task definition to have \
          execution role ARN to support ECR images.'), so this is found in templates or snapshots \
          that were never registered.",
    fix: "Create a role trusted by ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy and \
          set it as executionRoleArn:\n  aws iam attach-role-policy --role-name ecsTaskExecutionRole \
          --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"],
    needs: Needs::TaskDefinition,
    explains: &["IAM-EXEC-ECR", "IAM-EXEC-LOGS", "IAM-EXEC-SECRETS", "IAM-EXEC-PRIVREG", "IAM-EXEC-ENVFILES"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    if let Some(role) = cx.execution_role() {
        return Outcome::pass_because(format!("execution role {role}"));
    }
    let n = &cx.needs;
    let mut needs: Vec<String> = Vec::new();
    for i in n.ecr_images() {
        needs.push(format!(
            "container {} pulls private ECR image {}",
            i.container, i.image
        ));
    }
    for (l, _) in n.awslogs() {
        needs.push(format!(
            "container {} uses the awslogs log driver",
            l.container
        ));
    }
    for s in &n.secrets {
        needs.push(format!("{} needs it", s.why()));
    }
    for f in &n.env_files {
        needs.push(format!("{} needs it", f.why()));
    }
    if needs.is_empty() {
        return Outcome::na("nothing in the task definition needs an execution role");
    }
    let name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    Outcome::from_findings(
        vec![CHECK.finding(
            format!("{name} has no executionRoleArn, but {}.", needs.join("; ")),
            vec![name.clone()],
            needs.iter().map(|n| ev(&name, n.clone())).collect(),
            "Set executionRoleArn to a role trusted by ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy, and register a new revision.".into(),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_an_execution_role() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    /// A private ECR image and awslogs need the execution role.
    #[test]
    fn fails_without_one() {
        let mut snap = healthy_nat();
        testkit::td(&mut snap).execution_role_arn = None;
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
