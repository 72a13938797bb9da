use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::image::{self, ImageSource};
use crate::report::Severity;
use fd_snapshot::{refs, RunningDigests, TargetKind};

pub static CHECK: Check = Check {
    id: "ECR-IMAGE-DIGEST-GONE",
    title: "The image digest the service's tasks are pinned to no longer exists",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For a service, takes the image digests its running tasks were started with \
           (ecs:DescribeTasks containers[].imageDigest: ECS resolves a tag to a digest when a \
           deployment starts, and every task of that deployment pulls that digest) and looks each \
           private ECR digest up in its repository with ecr:DescribeImages. Not applicable to a \
           single task or a preflight (they resolve the tag when they start: ECR-IMAGE-NOT-FOUND), \
           nor to a service without a running task whose digest could be read. A container whose \
           task definition sets versionConsistency to disabled is not pinned; the snapshot does \
           not record that setting, so such a container is checked as if it were pinned.",
    why:
        "'Amazon ECS forces image version stability. If the original image is no longer available \
          you get this error.' When a lifecycle policy or a cleanup deletes the digest (a moved \
          tag leaves the old image untagged, and 'untagged' rules expire it), new tasks of the \
          same deployment — scale-out, replacement of a failed task — fail with \
          'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to \
          resolve ref …@sha256:…: not found', while the tag still exists.",
    fix: "Start a new deployment, which resolves the tag again, then keep deployed images out of \
          the lifecycle policy's reach (or deploy immutable tags):\n  aws ecs update-service \
          --cluster C --service S --force-new-deployment\n  aws ecr get-lifecycle-policy \
          --repository-name NAME",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let target = cx.target;
    let digests = match &target.deployed_digests {
        RunningDigests::Found(digests) => digests,
        // The running tasks (and so their digests) could not be read.
        RunningDigests::Unreadable { call, reason } => {
            return Outcome::unknown(format!(
                "the running tasks of {} (their image digests) could not be read: {call} failed ({reason})",
                target.name
            ));
        }
    };
    if digests.is_empty() {
        return Outcome::na(match target.kind {
            TargetKind::Task => {
                "a task resolves its image tags when it starts (ECR-IMAGE-NOT-FOUND checks them)"
            }
            TargetKind::Preflight => {
                "a preflight has no deployment yet: its tags are resolved when it starts"
            }
            TargetKind::Service => {
                "the service has no running task whose image digests could be read"
            }
        });
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for d in digests {
        let ImageSource::PrivateEcr {
            account,
            region,
            repository,
            reference,
            ..
        } = image::parse(&d.image)
        else {
            continue;
        };
        if reference == d.digest {
            continue; // pinned in the task definition itself: ECR-IMAGE-NOT-FOUND's
        }
        let arn = refs::repository_arn(
            refs::partition_for_region(&region),
            &region,
            &account,
            &repository,
        );
        match crate::checks::repository(cx, &arn) {
            Found::Yes(_) => {}
            Found::Missing => continue, // ECR-REPO-NOT-FOUND speaks for it
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        }
        any = true;
        // The tag may still point at the pinned digest.
        // (Otherwise, read or not, the pinned digest's own lookup below decides.)
        if matches!(cx.snap.image(&d.image), Found::Yes(i) if i.digest.as_deref() == Some(d.digest.as_str()))
        {
            continue;
        }
        let key = refs::pinned_image(&d.image, &d.digest);
        match cx.snap.image(&key) {
            Found::Yes(_) => {}
            Found::Unknown(why) => unknown = Some(why),
            Found::Missing => {
                // Evidence only: said when the tag was read.
                let now = match cx.snap.image(&d.image) {
                    Found::Yes(i) => i
                        .digest
                        .as_deref()
                        .map(|g| format!("; tag {reference} now points at {g}"))
                        .unwrap_or_default(),
                    Found::Missing | Found::Unknown(_) => String::new(),
                };
                findings.push(CHECK.finding(
                    format!(
                        "Container {} of service {} is pinned to {key} (what tag {reference} resolved to at deployment), which no longer exists in {repository}{now}: new tasks of this deployment cannot pull it.",
                        d.container, target.name
                    ),
                    vec![key.clone(), arn.clone()],
                    vec![
                        ev(&key, "ecr:DescribeImages: ImageNotFoundException"),
                        ev(
                            target.arn.as_deref().unwrap_or(&target.name),
                            format!("running tasks: container {} imageDigest {}", d.container, d.digest),
                        ),
                    ],
                    format!(
                        "aws ecs update-service --cluster {} --service {} --force-new-deployment (resolves tag {reference} again); then check the lifecycle policy of {repository} (aws ecr get-lifecycle-policy --repository-name {repository}) so that it keeps deployed images.",
                        target.cluster, target.name
                    ),
                ));
            }
        }
    }
    if !any && unknown.is_none() && findings.is_empty() {
        return Outcome::na("no pinned digest of a private ECR image in an existing repository");
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::Op;
    use fd_snapshot::{ApiCall, CallOutcome, DeployedDigest};

    const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";
    const OLD: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn pinned(snap: &mut fd_snapshot::Snapshot, digest: &str) -> String {
        snap.targets[0].deployed_digests = vec![DeployedDigest {
            container: "app".into(),
            image: IMAGE.into(),
            digest: digest.into(),
        }]
        .into();
        refs::pinned_image(IMAGE, digest)
    }

    fn call(key: &str, outcome: CallOutcome) -> ApiCall {
        ApiCall {
            outcome,
            ..ApiCall::of(fd_snapshot::Op::EcrDescribeImages, Some(key.into()))
        }
    }

    #[test]
    fn deleted_digest_fails() {
        let mut snap = testkit::healthy_nat();
        let key = pinned(&mut snap, OLD);
        snap.calls.push(call(&key, CallOutcome::NotFound));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.resources[0],
            format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@{OLD}")
        );
        assert_eq!(
            f.resources[1],
            "arn:aws:ecr:us-east-1:123456789012:repository/app"
        );
        assert!(f.remediation.contains("--force-new-deployment"));
    }

    #[test]
    fn digest_the_tag_still_points_at_passes() {
        let mut snap = testkit::healthy_nat();
        let current = testkit::found(snap.image(IMAGE)).digest.clone().unwrap();
        pinned(&mut snap, &current);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn existing_old_digest_passes() {
        let mut snap = testkit::healthy_nat();
        let key = pinned(&mut snap, OLD);
        let mut img = testkit::found(snap.image(IMAGE)).clone();
        img.reference = OLD.into();
        img.digest = Some(OLD.into());
        snap.ecr.images.insert(key, img);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn service_without_digests_is_not_applicable() {
        let snap = testkit::healthy_nat();
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::NotApplicable);
        assert!(out.detail.unwrap().contains("no running task"));
    }

    #[test]
    fn the_decision_is_the_typed_fact_not_the_unread_text() {
        // Read, none: whatever the target's human-readable notes say.
        let mut snap = testkit::healthy_nat();
        snap.targets[0]
            .unread
            .push("the running tasks of web: ecs:ListTasks failed (AccessDenied)".into());
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
        // Not read: unknown, whatever the notes say (or do not).
        snap.targets[0].unread.clear();
        snap.targets[0].deployed_digests = RunningDigests::Unreadable {
            call: "ecs:DescribeTasks".into(),
            reason: "ThrottlingException: slow down".into(),
        };
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn unread_digest_is_unknown() {
        let mut snap = testkit::healthy_nat();
        let key = pinned(&mut snap, OLD);
        snap.calls.push(call(&key, CallOutcome::Denied));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // Not looked up at all: unknown too.
        snap.calls.pop();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn unreadable_running_tasks_or_repository_are_unknown() {
        let mut snap = testkit::healthy_nat();
        snap.targets[0].deployed_digests = RunningDigests::Unreadable {
            call: "ecs:ListTasks".into(),
            reason: "AccessDeniedException: denied".into(),
        };
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        let why = out.detail.unwrap();
        assert!(
            why.contains("ecs:ListTasks failed (AccessDeniedException: denied)"),
            "{why}"
        );
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app";
        let mut snap = testkit::healthy_nat();
        pinned(&mut snap, "sha256:0123");
        snap.ecr.repositories.remove(repo);
        snap.calls.push(fd_snapshot::ApiCall {
            outcome: fd_snapshot::CallOutcome::Throttled,
            ..fd_snapshot::ApiCall::of(Op::EcrDescribeRepositories, Some(repo.into()))
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
