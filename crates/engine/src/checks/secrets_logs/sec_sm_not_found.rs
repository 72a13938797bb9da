use crate::checks::{capitalize, ev, missing_secrets, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "SEC-SM-NOT-FOUND",
    title: "A referenced Secrets Manager secret does not exist",
    severity: Severity::Error,
    group: "Secrets and logs",
    what: "For every secrets[].valueFrom and logConfiguration.secretOptions[].valueFrom that is a \
           Secrets Manager ARN, strips the JSON-key/version suffix and looks the secret up with \
           secretsmanager:DescribeSecret in its Region (never GetSecretValue). Deleted (scheduled) \
           secrets count as missing.",
    why: "The agent fetches every secret before starting the containers; one missing secret stops the \
          task: 'ResourceInitializationError: unable to pull secrets or registry auth: … \
          ResourceNotFoundException: Secrets Manager can't find the specified secret.'",
    fix: "Fix the ARN (Region, account, the 6-character suffix), or create/restore the secret:\n  \
          aws secretsmanager describe-secret --secret-id ARN\n  aws secretsmanager restore-secret --secret-id ARN",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    missing_secrets(
        cx,
        false,
        "no Secrets Manager secret referenced",
        |s, id, problem| {
            CHECK.finding(
            format!("{} comes from {id}, which {problem}.", capitalize(&s.why())),
            vec![id.to_string()],
            vec![ev(id, format!("secretsmanager:DescribeSecret: {problem}"))],
            "Point valueFrom at an existing secret (full ARN with its suffix), or restore the secret.".into(),
        )
        },
    )
}
