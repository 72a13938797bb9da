use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::needs::EcrImage;

pub static CHECK: Check = Check {
    id: "ECR-IMAGE-NOT-FOUND",
    title: "The image tag or digest does not exist in the repository",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For each private ECR image whose repository exists, looks the tag (default latest) or digest \
           up with ecr:DescribeImages.",
    why: "The pull fails on the manifest: 'CannotPullContainerError: … manifest unknown' / 'not found'. \
          Typical causes: the pipeline deployed before the push finished, a lifecycle policy expired the \
          tag or digest, or 'latest' was never pushed.",
    fix: "Push the tag, or point the task definition at an existing one:\n  aws ecr describe-images \
          --repository-name NAME --query 'imageDetails[].imageTags'",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html"],
    needs: Needs::TaskDefinition,
    explains: &["ECR-IMAGE-DIGEST-GONE", "IMG-ARCH-MISMATCH", "IMG-OS-MISMATCH", "IMG-TOO-LARGE"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for i in cx.needs.ecr_images() {
        let Some(EcrImage {
            repository,
            reference,
            repository_arn: arn,
            ..
        }) = i.ecr()
        else {
            continue;
        };
        match cx.snap.repository(&arn) {
            Found::Yes(_) => {}
            Found::Missing => continue, // ECR-REPO-NOT-FOUND speaks for it
            Found::Unknown(why) => {
                // An image that was read exists; otherwise the missing image may be a missing
                // repository, or not missing at all.
                if let Found::Yes(_) = cx.snap.image(&i.image) {
                    any = true;
                } else {
                    unknown = Some(why);
                }
                continue;
            }
        }
        any = true;
        match cx.snap.image(&i.image) {
            Found::Yes(_) => {}
            Found::Unknown(why) => unknown = Some(why),
            Found::Missing => findings.push(CHECK.finding(
                format!(
                    "Container {} uses {}, but {repository} has no image {reference}.",
                    i.container, i.image
                ),
                vec![i.image.clone(), arn.clone()],
                vec![ev(
                    &arn,
                    format!("ecr:DescribeImages {reference}: ImageNotFoundException"),
                )],
                format!("Push {reference} to {repository}, or use a tag or digest that exists."),
            )),
        }
    }
    if !any && unknown.is_none() {
        return Outcome::na("no private ECR image in an existing repository");
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_when_the_image_exists() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_describe_images_finds_nothing() {
        let mut snap = healthy_nat();
        let keys = snap.ecr.images.keys().cloned().collect();
        testkit::not_found(
            &mut snap,
            fd_snapshot::Op::EcrDescribeImages,
            keys,
            |s, k| {
                s.ecr.images.remove(k);
            },
        );
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
