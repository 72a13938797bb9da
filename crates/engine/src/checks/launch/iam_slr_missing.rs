use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Policy};
use crate::report::Severity;
use fd_snapshot::Fetched;

pub static CHECK: Check = Check {
    id: "IAM-SLR-MISSING",
    title: "The account has no ECS service-linked role",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Looks up the ECS service-linked role AWSServiceRoleForECS (iam:GetRole) and evaluates \
           its trust policy for the service principal ecs.amazonaws.com performing \
           sts:AssumeRole (with aws:SourceAccount set to the account, when known): an Allow and \
           no Deny. A trust policy that cannot be parsed, or a condition on another key, makes \
           the check unknown.",
    why: "ECS uses this role to create and attach the task's network interface (awsvpc). Without it \
          services cannot be created or place tasks: 'Unable to assume the service linked role. \
          Please verify that the ECS service linked role exists.' ECS normally creates it the first \
          time a cluster is created; an SCP or a deleted role in a locked-down account leaves it \
          missing.",
    fix: "Create the role (it carries the AWS-managed AmazonECSServiceRolePolicy):\n  \
          aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html"],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

const NAME: &str = "AWSServiceRoleForECS";

fn run(cx: &Cx) -> Outcome {
    let arn = format!(
        "arn:{}:iam::{}:role/aws-service-role/ecs.amazonaws.com/{NAME}",
        fd_snapshot::refs::partition_for_region(&cx.snap.region),
        cx.snap.account_id.as_deref().unwrap_or("ACCOUNT")
    );
    match &cx.snap.iam.service_linked_role {
        None => Outcome::unknown(format!(
            "iam:GetRole for {NAME} was not made (not in the snapshot)"
        )),
        Some(Fetched::Unreadable { call, reason }) => {
            Outcome::unknown(format!("{call} for {NAME} failed: {reason}"))
        }
        Some(Fetched::Absent { call, .. }) => Outcome::from_findings(
            vec![CHECK.finding(
                format!("The account has no ECS service-linked role {NAME}: ECS cannot manage the task's network interface, so the task cannot be placed."),
                vec![arn.clone()],
                vec![ev(&arn, format!("{call}: NoSuchEntity"))],
                "aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com (an SCP may deny iam:CreateServiceLinkedRole: ask the organisation's administrators).".into(),
            )],
            None,
        ),
        Some(Fetched::Found { value }) => {
            let Some(trust) = value.trust_policy.as_deref() else {
                return Outcome::unknown(format!(
                    "the trust policy of {} was not returned",
                    value.arn
                ));
            };
            let policy = match Policy::parse(&format!("trust policy of {NAME}"), trust) {
                Ok(p) => p,
                Err(e) => {
                    return Outcome::unknown(format!(
                        "the trust policy of {} cannot be evaluated: {e}",
                        value.arn
                    ))
                }
            };
            let mut ctx = Context::new();
            if let Some(acct) = cx
                .snap
                .account_id
                .as_deref()
                .or_else(|| iam::account_of(&value.arn))
            {
                ctx.set("aws:SourceAccount", acct.to_string());
            }
            let d = iam::evaluate_trust(&policy, iam::ECS_SERVICE, &value.arn, &ctx);
            match d.is_allowed() {
                Some(true) => Outcome::pass_because(format!("{} exists", value.arn)),
                None => Outcome::unknown(d.describe()),
                Some(false) => Outcome::from_findings(
                    vec![CHECK.finding(
                        format!("{} exists but ecs.amazonaws.com cannot assume it: {}.", value.arn, d.describe()),
                        vec![value.arn.clone()],
                        vec![ev(&value.arn, format!("trust policy: {}", trust.split_whitespace().collect::<Vec<_>>().join(" ")))],
                        "Delete the role and let ECS recreate it: aws iam delete-service-linked-role --role-name AWSServiceRoleForECS, then aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com.".into(),
                    )],
                    None,
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::ServiceLinkedRole;

    #[test]
    fn missing_found_unknown() {
        let mut snap = testkit::healthy_nat();
        snap.iam.service_linked_role = None;
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.iam.service_linked_role = Some(Fetched::Absent {
            call: "iam:GetRole".into(),
            detail: None,
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0].resources[0].ends_with("/AWSServiceRoleForECS"));
        snap.iam.service_linked_role = Some(Fetched::Unreadable {
            call: "iam:GetRole".into(),
            reason: "AccessDenied".into(),
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.iam.service_linked_role = Some(Fetched::found(ServiceLinkedRole {
            arn: "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS".into(),
            trust_policy: Some(r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into()),
        }));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    /// The service-linked role with `trust` as its trust policy (`Statement` array body).
    fn with_trust(statements: &str) -> fd_snapshot::Snapshot {
        let mut snap = testkit::healthy_nat();
        snap.iam.service_linked_role = Some(Fetched::found(ServiceLinkedRole {
            arn: "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS".into(),
            trust_policy: Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
            )),
        }));
        snap
    }

    const ALLOW_ECS: &str = r#"{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}"#;

    #[test]
    fn trust_policies_that_let_ecs_assume_the_role_pass() {
        for trust in [
            ALLOW_ECS.to_string(),
            // A list of services, a wildcard action, an unrelated Deny.
            r#"{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs.amazonaws.com"]},"Action":"sts:*"}"#.into(),
            format!(r#"{ALLOW_ECS},{{"Effect":"Deny","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}"#),
            // A condition the evaluator can decide: the account is known.
            r#"{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}"#.into(),
        ] {
            let out = testkit::run(&CHECK, &with_trust(&trust));
            assert_eq!(out.status, CheckStatus::Pass, "{trust}: {:?}", out.detail);
        }
    }

    #[test]
    fn trust_policies_that_only_mention_ecs_fail() {
        for trust in [
            // Denied outright, or after an Allow.
            r#"{"Effect":"Deny","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}"#.to_string(),
            format!(r#"{ALLOW_ECS},{{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}}"#),
            // Another service, whose name contains the text.
            r#"{"Effect":"Allow","Principal":{"Service":"notecs.amazonaws.com"},"Action":"sts:AssumeRole"}"#.into(),
            r#"{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}"#.into(),
            // The text only in a condition of another principal's statement.
            r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalServiceName":"ecs.amazonaws.com"}}}"#.into(),
            // The right principal, another action; or the principal excluded.
            r#"{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:TagSession"}"#.into(),
            r#"{"Effect":"Allow","NotPrincipal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}"#.into(),
            // No statement at all (the Sid mentions it).
            String::new(),
        ] {
            let out = testkit::run(&CHECK, &with_trust(&trust));
            assert_eq!(out.status, CheckStatus::Fail, "{trust}: {:?}", out.detail);
            let f = &out.findings[0];
            assert!(f.message.contains("ecs.amazonaws.com cannot assume it"), "{}", f.message);
            assert!(f.resources[0].ends_with("/AWSServiceRoleForECS"));
        }
    }

    #[test]
    fn unparsable_or_undecidable_trust_policies_are_unknown() {
        let mut snap = with_trust(ALLOW_ECS);
        if let Some(Fetched::Found { value }) = snap.iam.service_linked_role.as_mut() {
            value.trust_policy = Some(r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole""#.into());
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains("cannot be evaluated"));
        // Text that names the principal but is not a policy.
        let mut snap = with_trust(ALLOW_ECS);
        if let Some(Fetched::Found { value }) = snap.iam.service_linked_role.as_mut() {
            value.trust_policy = Some("ecs.amazonaws.com".into());
        }
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // A condition on a key whose value is not known.
        let trust = r#"{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod"}}}"#;
        assert_eq!(
            testkit::status(&CHECK, &with_trust(trust)),
            CheckStatus::Unknown
        );
    }
}
