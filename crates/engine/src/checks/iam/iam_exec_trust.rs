use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Policy};
use crate::report::Severity;
use fd_snapshot::TargetKind;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-TRUST",
    title: "The execution role's trust policy does not let ECS tasks assume it",
    severity: Severity::Error,
    group: "Execution role",
    what: "Evaluates the execution role's trust policy (iam:GetRole AssumeRolePolicyDocument) for the \
           service principal ecs-tasks.amazonaws.com performing sts:AssumeRole, with aws:SourceAccount \
           set to the task's account (and aws:SourceArn for a known task). Conditions on other keys \
           make the check unknown.",
    why: "If ECS cannot assume the role nothing else works: 'ECS was unable to assume the role … that \
          was provided for this task. Please verify that the role being passed has the proper trust \
          relationship and permissions'. A role created for EC2 or Lambda (wrong service principal) is \
          the classic cause.",
    fix: "Trust ecs-tasks.amazonaws.com:\n  aws iam update-assume-role-policy --role-name ROLE \
          --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(arn) = cx.execution_role() else {
        return Outcome::na("the task has no execution role");
    };
    let role = match cx.snap.role(arn) {
        Found::Yes(r) => r,
        Found::Missing => return Outcome::na(format!("{arn} does not exist (IAM-EXEC-MISSING)")),
        Found::Unknown(why) => return Outcome::unknown(why),
    };
    let Some(doc) = &role.trust_policy else {
        return Outcome::unknown(format!("the trust policy of {arn} was not read"));
    };
    let trust = match Policy::parse(&format!("trust policy of {}", role.name), doc) {
        Ok(p) => p,
        Err(e) => return Outcome::unknown(format!("the trust policy cannot be evaluated: {e}")),
    };
    let mut ctx = Context::new();
    if let Some(acct) = cx
        .snap
        .account_id
        .as_deref()
        .or_else(|| iam::account_of(arn))
    {
        ctx.set("aws:SourceAccount", acct.to_string());
    }
    if cx.target.kind == TargetKind::Task {
        if let Some(t) = &cx.target.arn {
            ctx.set("aws:SourceArn", t.clone());
        }
    }
    let d = iam::evaluate_trust(&trust, iam::ECS_TASKS_SERVICE, &role.arn, &ctx);
    match d.is_allowed() {
        Some(true) => Outcome::pass_because(d.describe()),
        None => Outcome::unknown(d.describe()),
        Some(false) => Outcome::from_findings(
            vec![CHECK.finding(
                format!(
                    "ecs-tasks.amazonaws.com cannot assume the execution role {}: {}.",
                    role.arn,
                    d.describe()
                ),
                vec![role.arn.clone()],
                vec![ev(&role.arn, format!("trust policy: {}", doc.split_whitespace().collect::<Vec<_>>().join(" ")))],
                format!("Add an Allow for Principal {{\"Service\": \"ecs-tasks.amazonaws.com\"}} and Action sts:AssumeRole to the trust policy of {}.", role.name),
            )],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    fn with_trust(doc: &str) -> fd_snapshot::Snapshot {
        let mut snap = testkit::healthy_nat();
        for r in snap.iam.roles.values_mut() {
            r.trust_policy = Some(doc.into());
        }
        snap
    }

    #[test]
    fn trust_cases() {
        let ecs = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(testkit::status(&CHECK, &with_trust(ecs)), CheckStatus::Pass);
        let ec2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(testkit::status(&CHECK, &with_trust(ec2)), CheckStatus::Fail);
        // A statement without a Principal grants nothing in a trust policy.
        let none = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#;
        assert_eq!(
            testkit::status(&CHECK, &with_trust(none)),
            CheckStatus::Fail
        );
    }
}
