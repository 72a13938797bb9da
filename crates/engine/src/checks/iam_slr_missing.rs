use super::{ev, Check, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::Fetched;

pub static CHECK: Check = Check {
    id: "IAM-SLR-MISSING",
    title: "The account has no ECS service-linked role",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Looks up the ECS service-linked role AWSServiceRoleForECS (iam:GetRole) and checks that \
           it trusts ecs.amazonaws.com.",
    why: "ECS uses this role to create and attach the task's network interface (awsvpc). Without it \
          services cannot be created or place tasks: 'Unable to assume the service linked role. \
          Please verify that the ECS service linked role exists.' ECS normally creates it the first \
          time a cluster is created; an SCP or a deleted role in a locked-down account leaves it \
          missing.",
    fix: "Create the role (it carries the AWS-managed AmazonECSServiceRolePolicy):\n  \
          aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html"],
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
            if trust.contains("ecs.amazonaws.com") {
                Outcome::pass_because(format!("{} exists", value.arn))
            } else {
                Outcome::from_findings(
                    vec![CHECK.finding(
                        format!("{} exists but its trust policy does not name ecs.amazonaws.com.", value.arn),
                        vec![value.arn.clone()],
                        vec![ev(&value.arn, format!("trust policy: {}", value.trust_policy.as_deref().unwrap_or_default()))],
                        "Delete the role and let ECS recreate it: aws iam delete-service-linked-role --role-name AWSServiceRoleForECS, then aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com.".into(),
                    )],
                    None,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit;
    use super::*;
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
}
