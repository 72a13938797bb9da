use crate::checks::{ev, missing_secrets, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "REG-CREDS-MISSING",
    title: "repositoryCredentials names a secret that does not exist",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For containers with repositoryCredentials (a private registry other than ECR), looks the \
           credentialsParameter secret up with secretsmanager:DescribeSecret (never GetSecretValue).",
    why: "Without the secret the agent cannot authenticate to the registry: 'ResourceInitializationError: \
          unable to pull secrets or registry auth: … unable to get registry auth from asm … \
          ResourceNotFoundException'.",
    fix: "Create the secret with the registry credentials ({\"username\":…,\"password\":…}) or fix the ARN:\n  \
          aws secretsmanager create-secret --name NAME --secret-string file://creds.json",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    missing_secrets(cx, true, "no repositoryCredentials", |s, id, problem| {
        CHECK.finding(
            format!(
                "Container {} authenticates to its registry with secret {}, which {problem}.",
                s.container, s.value_from
            ),
            vec![id.to_string()],
            vec![ev(id, format!("secretsmanager:DescribeSecret: {problem}"))],
            "Create the credentials secret (or restore it) and reference its ARN in repositoryCredentials.credentialsParameter.".into(),
        )
    })
}
