use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-ECR",
    title: "The execution role cannot pull from ECR",
    severity: Severity::Error,
    group: "Execution role",
    what: "Evaluates, the way IAM does (explicit deny wins, identity policies intersected with the permissions boundary, wildcards, NotAction/NotResource, conditions), whether the execution role may call ecr:GetAuthorizationToken on * and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on each image's repository. The request context knows aws:SourceVpce when the call goes through an interface endpoint; conditions on keys the tool cannot know make the check unknown.",
    why: "Without these permissions the agent cannot get a registry token or the manifest: 'CannotPullContainerError: … AccessDeniedException: User: arn:aws:sts::…:assumed-role/… is not authorized to perform: ecr:BatchGetImage' or 'unable to retrieve ecr registry auth … AccessDenied'.",
    fix: "Attach the managed policy, or add the missing actions:\n  aws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    permission_check(&CHECK, cx, NeedKind::Ecr)
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
