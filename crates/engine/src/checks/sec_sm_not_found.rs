use super::{capitalize, ev, secret_problem, Check, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::needs::SecretUse;

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
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.td.is_none() {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for (s, id, _) in cx
        .needs
        .secrets_manager()
        .filter(|(s, _, _)| s.usage != SecretUse::RegistryCredentials)
    {
        any = true;
        let problem = match secret_problem(cx, id) {
            Ok(None) => continue,
            Ok(Some(problem)) => problem,
            Err(why) => {
                unknown = Some(why);
                continue;
            }
        };
        findings.push(CHECK.finding(
            format!("{} comes from {id}, which {problem}.", capitalize(&s.why())),
            vec![id.to_string()],
            vec![ev(id, format!("secretsmanager:DescribeSecret: {problem}"))],
            "Point valueFrom at an existing secret (full ARN with its suffix), or restore the secret.".into(),
        ));
    }
    if !any {
        return Outcome::na("no Secrets Manager secret referenced");
    }
    Outcome::from_findings(findings, unknown)
}
