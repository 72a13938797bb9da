use crate::checks::{capitalize, ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::needs::SecretSource;

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
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for s in &cx.needs.secrets {
        let SecretSource::Ssm { value_from, .. } = &s.source else {
            continue;
        };
        any = true;
        match cx.snap.parameter(value_from) {
            Found::Yes(_) => {}
            Found::Unknown(why) => unknown = Some(why),
            Found::Missing => findings.push(CHECK.finding(
                format!("{} comes from SSM parameter {value_from}, which does not exist.", capitalize(&s.why())),
                vec![value_from.clone()],
                vec![ev(value_from, "ssm:DescribeParameters: no such parameter")],
                "Create the parameter (aws ssm put-parameter --type SecureString …) or fix the name in valueFrom.".into(),
            )),
        }
    }
    if !any {
        return Outcome::na("no SSM parameter referenced");
    }
    Outcome::from_findings(findings, unknown)
}
