use super::exec_role::{evaluate, needs, repo_policy_denies, role_policies, NeedKind};
use super::{ev, Check, Outcome};
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
