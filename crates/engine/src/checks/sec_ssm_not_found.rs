use super::{ev, lookup, Check, Found, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::refs;

pub static CHECK: Check = Check {
    id: "SEC-SSM-NOT-FOUND",
    title: "A referenced SSM parameter does not exist",
    severity: Severity::Error,
    group: "Secrets and logs",
    what: "For every secret whose valueFrom is an SSM parameter name or ARN, looks the parameter up with \
           ssm:DescribeParameters (never GetParameters with decryption).",
    why: "The agent fetches every parameter before starting the containers: 'ResourceInitializationError: \
          unable to pull secrets or registry auth: … invalid ssm parameters: /prod/db'.",
    fix: "Create the parameter, or fix the name (a name in another Region needs the full ARN):\n  \
          aws ssm describe-parameters --parameter-filters Key=Name,Values=/prod/db",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html"],
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for c in &td.containers {
        let refs_iter = c.secrets.iter().chain(
            c.log_configuration
                .iter()
                .flat_map(|l| l.secret_options.iter()),
        );
        for s in refs_iter.filter(|s| !refs::is_secrets_manager(&s.value_from)) {
            any = true;
            match lookup(cx, &cx.snap.resources.parameters, &s.value_from, "ssm", "DescribeParameters") {
                Found::Yes(_) => {}
                Found::Unknown(why) => unknown = Some(why),
                Found::Missing => findings.push(CHECK.finding(
                    format!("Secret {} of container {} comes from SSM parameter {}, which does not exist.", s.name, c.name, s.value_from),
                    vec![s.value_from.clone()],
                    vec![ev(&s.value_from, "ssm:DescribeParameters: no such parameter")],
                    "Create the parameter (aws ssm put-parameter --type SecureString …) or fix the name in valueFrom.".into(),
                )),
            }
        }
    }
    if !any {
        return Outcome::na("no SSM parameter referenced");
    }
    Outcome::from_findings(findings, unknown)
}
