use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-PRIVREG",
    title: "The execution role cannot read the private registry credentials",
    severity: Severity::Error,
    group: "Execution role",
    what: "For containers with repositoryCredentials, evaluates whether the execution role may call secretsmanager:GetSecretValue on the credentials secret (with its resource policy) and kms:Decrypt on its customer managed key, if any.",
    why: "Without the credentials the pull from the private registry fails: 'ResourceInitializationError: unable to pull secrets or registry auth: … unable to get registry auth from asm … AccessDeniedException'.",
    fix: "Allow secretsmanager:GetSecretValue on the credentials secret (and kms:Decrypt on its key) in a policy of the execution role.",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    permission_check(&CHECK, cx, NeedKind::PrivateRegistry)
}
