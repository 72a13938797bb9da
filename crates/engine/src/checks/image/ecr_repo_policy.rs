use crate::checks::permissions::{evaluate, needs, repo_policy_denies, role_policies, NeedKind};
use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "ECR-REPO-POLICY",
    title: "The repository policy denies the role, or a cross-account repository does not grant it",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For each private ECR image, evaluates the repository policy (ecr:GetRepositoryPolicy) \
           together with the execution role's policies for ecr:BatchGetImage and \
           ecr:GetDownloadUrlForLayer: an explicit Deny in the repository policy, or — for a repository \
           in another account — the absence of a grant to the role or its account.",
    why: "Cross-account pulls need both sides: the role's own policy and the repository policy of the \
          owning account. Without the grant the pull fails with 'CannotPullContainerError: … 403 \
          Forbidden' / 'not authorized to perform: ecr:BatchGetImage'.",
    fix: "In the repository's account, grant the role (or its account):\n  aws ecr set-repository-policy \
          --repository-name NAME --policy-text file://pull-from-ACCOUNT.json   (Allow ecr:BatchGetImage, \
          ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability to arn:aws:iam::ACCOUNT:role/ROLE)",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let ecr: Vec<_> = needs(cx)
        .into_iter()
        .filter(|n| n.kind == NeedKind::Ecr && n.action != "ecr:GetAuthorizationToken")
        .collect();
    if ecr.is_empty() {
        return Outcome::na("no private ECR image");
    }
    let rp = match role_policies(cx) {
        Ok(rp) => rp,
        Err(o) => return o,
    };
    let mut findings = Vec::new();
    let mut unknown = None;
    for n in &ecr {
        if let Some(why) = &n.resource_policy_unreadable {
            // The policy may deny the role: without it there is no answer.
            unknown = Some(why.clone());
            continue;
        }
        let e = evaluate(cx, rp, n);
        if e.effective.is_allowed().is_none() {
            if let Some(r) = &e.resource {
                if r.is_allowed().is_none() {
                    unknown = Some(r.describe());
                }
            }
            continue;
        }
        if !repo_policy_denies(&e, n) {
            continue;
        }
        if findings
            .iter()
            .any(|f: &crate::report::Finding| f.resources[0] == n.resource)
        {
            continue;
        }
        let why = match (&e.resource, &n.resource_policy) {
            (Some(r), Some((name, _))) => format!("{name}: {}", r.describe()),
            _ => format!(
                "the repository is in account {} and has no repository policy granting {}",
                n.resource_account.as_deref().unwrap_or("?"),
                rp.role.arn
            ),
        };
        findings.push(CHECK.finding(
            format!("{} cannot pull from {} ({}): {why}.", rp.role.arn, n.resource, n.why),
            vec![n.resource.clone(), rp.role.arn.clone()],
            vec![ev(&n.resource, format!("{}: {}", n.action, e.effective.describe()))],
            format!("Grant {} ecr:BatchGetImage and ecr:GetDownloadUrlForLayer in the repository policy of {}, and remove any Deny that matches it.", rp.role.arn, n.resource),
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{ApiCall, CallOutcome};

    const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app";

    #[test]
    fn unreadable_repository_policy_is_unknown_not_pass() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            error_code: Some("AccessDeniedException".into()),
            ..ApiCall::of(fd_snapshot::Op::EcrGetRepositoryPolicy, Some(REPO.into()))
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out
            .detail
            .unwrap()
            .contains("ecr:GetRepositoryPolicy was denied"));
    }

    #[test]
    fn a_deny_in_the_repository_policy_fails() {
        let mut snap = testkit::healthy_nat();
        snap.ecr.repositories.get_mut(REPO).expect("repository").policy = Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#
                .into(),
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], REPO);
    }
}
