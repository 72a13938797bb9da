use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-SECRETS",
    title: "The execution role cannot read a referenced secret or parameter",
    severity: Severity::Error,
    group: "Execution role",
    what: "For every secret the task injects, evaluates whether the execution role may call secretsmanager:GetSecretValue on the secret (together with the secret's resource policy) or ssm:GetParameters on the parameter, and kms:Decrypt on a customer managed KMS key that encrypts it (together with the key policy). Never reads a secret value.",
    why: "The agent fetches all secrets before starting the containers: 'ResourceInitializationError: unable to pull secrets or registry auth: … AccessDeniedException: … is not authorized to perform: secretsmanager:GetSecretValue' (or ssm:GetParameters, kms:Decrypt).",
    fix: "Allow the action on the exact ARN (Secrets Manager ARNs end in a 6-character suffix: use name-* in policies), and kms:Decrypt on the customer key if there is one:\n  aws iam put-role-policy --role-name ROLE --policy-name secrets --policy-document file://secrets.json",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    permission_check(&CHECK, cx, NeedKind::Secrets)
}
