use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-LOGS",
    title: "The execution role cannot write to the awslogs log group",
    severity: Severity::Error,
    group: "Execution role",
    what: "Evaluates whether the execution role may call logs:CreateLogStream and logs:PutLogEvents on the awslogs group's streams (and logs:CreateLogGroup on the group when awslogs-create-group is true), with the same IAM semantics as IAM-EXEC-ECR.",
    why: "The log driver creates the stream before the container starts; without permission the task stops with 'ResourceInitializationError: failed to initialize logging driver: … AccessDeniedException … logs:CreateLogStream'.",
    fix: "Allow the actions on arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:* (AmazonECSTaskExecutionRolePolicy allows them on *); awslogs-create-group also needs logs:CreateLogGroup:\n  aws iam put-role-policy --role-name ROLE --policy-name logs --policy-document file://logs.json",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    permission_check(&CHECK, cx, NeedKind::Logs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_the_managed_policy() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_the_role_has_no_policy() {
        let mut snap = healthy_nat();
        testkit::without_policies(&mut snap);
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
