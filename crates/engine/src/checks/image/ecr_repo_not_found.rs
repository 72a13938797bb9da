use crate::checks::{ev, repository as repository_of, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::needs::EcrImage;

pub static CHECK: Check = Check {
    id: "ECR-REPO-NOT-FOUND",
    title: "The ECR repository in the image URI does not exist",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For each private ECR image, parses account, Region and repository from the URI \
           (<account>.dkr.ecr.<region>.amazonaws.com/<repository>) and looks the repository up with \
           ecr:DescribeRepositories in that account and Region.",
    why: "A wrong account, Region or name means there is nothing to pull: 'CannotPullContainerError: … \
          repository … not found' or 'failed to resolve ref … not found'.",
    fix: "Fix the image URI in the task definition, or create/replicate the repository and push the image:\n  \
          aws ecr describe-repositories --registry-id ACCOUNT --region REGION --repository-names NAME",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html"],
    needs: Needs::TaskDefinition,
    explains: &["ECR-IMAGE-NOT-FOUND", "ECR-IMAGE-DIGEST-GONE", "ECR-KMS-KEY-UNUSABLE", "ECR-REPO-POLICY", "IMG-ARCH-MISMATCH", "IMG-OS-MISMATCH", "IMG-TOO-LARGE"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for i in cx.needs.ecr_images() {
        let Some(EcrImage {
            account,
            region,
            repository,
            repository_arn: arn,
            ..
        }) = i.ecr()
        else {
            continue;
        };
        any = true;
        match repository_of(cx, &arn) {
            Found::Yes(_) => {}
            Found::Unknown(why) => unknown = Some(why),
            // A pull-through cache rule creates the repository on the first pull: then
            // ECR-PULL-THROUGH judges whether that pull can happen.
            Found::Missing
                if cx
                    .snap
                    .ecr
                    .pull_through_rules
                    .get(&format!("{account}:{region}"))
                    .and_then(|f| f.value())
                    .is_some_and(|rules| {
                        crate::registry::matching_rule(rules, repository).is_some()
                    }) => {}
            Found::Missing => findings.push(CHECK.finding(
                format!(
                    "Container {} uses {}, but repository {repository} does not exist in account {account}, Region {region}.",
                    i.container, i.image
                ),
                vec![arn.clone()],
                {
                    let mut evidence =
                        vec![ev(&arn, "ecr:DescribeRepositories: RepositoryNotFoundException")];
                    // Said, not hidden: a rule we could not read might create the repository.
                    if let Some(fd_snapshot::Fetched::Unreadable { call, reason }) = cx
                        .snap
                        .ecr
                        .pull_through_rules
                        .get(&format!("{account}:{region}"))
                    {
                        evidence.push(ev(
                            &arn,
                            format!(
                                "the registry's pull-through cache rules could not be read ({call}: {reason}): if a rule covers {repository}, the first pull creates it (see ECR-PULL-THROUGH)"
                            ),
                        ));
                    }
                    evidence
                },
                format!("Check the account, Region and name in the image URI, or create {repository} and push the image there."),
            )),
        }
    }
    if !any {
        return Outcome::na("no private ECR image");
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_when_the_repository_exists() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_describe_repositories_finds_nothing() {
        let mut snap = healthy_nat();
        let keys = snap.ecr.repositories.keys().cloned().collect();
        testkit::not_found(
            &mut snap,
            fd_snapshot::Op::EcrDescribeRepositories,
            keys,
            |s, k| {
                s.ecr.repositories.remove(k);
            },
        );
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
