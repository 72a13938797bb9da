use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::refs;

pub static CHECK: Check = Check {
    id: "ECR-KMS-KEY-UNUSABLE",
    title: "The repository's KMS key cannot be used",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For each private ECR image whose repository exists and is encrypted with KMS \
           (ecr:DescribeRepositories encryptionConfiguration, encryptionType KMS or KMS_DSSE), \
           reads the key (kms:DescribeKey) and fails when its state is not Enabled (Disabled, \
           PendingDeletion, PendingImport …) or the key no longer exists. An AWS managed key \
           (aws/ecr) cannot be disabled and passes. The execution role needs no kms:Decrypt of its \
           own: ECR decrypts through a grant it created on the key for the repository, so the \
           role is not evaluated against the key policy. That grant is not verified (kms:ListGrants \
           is not read): a revoked grant breaks pulls the same way and is not detected.",
    why: "ECR decrypts image layers with the key on every pull: 'If you revoke the grant … Amazon \
          ECR cannot access this data … or decrypt them when they are pulled.' With a disabled or \
          deleted key the pull fails (ECR answers KmsException; AWS documents no specific Fargate \
          stopped reason for it, expect a CannotPullContainerError on the manifest or a layer).",
    fix: "Re-enable the key (or cancel its deletion); a deleted key's images cannot be recovered, \
          so push the image to a repository with a usable key:\n  aws kms enable-key --key-id KEY\n  \
          aws kms cancel-key-deletion --key-id KEY",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

/// True for an AWS managed key referenced by its alias (`alias/aws/ecr`, or its ARN form): AWS
/// manages its state, it cannot be disabled or deleted.
fn aws_managed_alias(reference: &str) -> bool {
    let resource = refs::parse_arn(reference).map_or(reference, |a| a.resource);
    resource.starts_with("alias/aws/")
}

fn run(cx: &Cx) -> Outcome {
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut seen: Vec<String> = Vec::new();
    let mut kms = 0;
    let mut aes = 0;
    for i in cx.needs.ecr_images() {
        let Some(arn) = i.repository_arn() else {
            continue;
        };
        if seen.contains(&arn) {
            continue;
        }
        seen.push(arn.clone());
        let repo = match crate::checks::repository(cx, &arn) {
            Found::Yes(r) => r,
            Found::Missing => continue, // ECR-REPO-NOT-FOUND speaks for it
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        let Some(kind) = repo.encryption_type.as_deref() else {
            unknown = Some(format!(
                "the encryption configuration of {arn} is not in the snapshot"
            ));
            continue;
        };
        if !kind.starts_with("KMS") {
            aes += 1;
            continue;
        }
        kms += 1;
        let Some(key) = repo.kms_key.as_deref() else {
            continue; // KMS without a key of its own: the AWS managed key aws/ecr
        };
        if aws_managed_alias(key) {
            continue;
        }
        let (key_arn, problem) = match cx.snap.kms_key(key) {
            Found::Yes(k) => match k.key_state.as_deref() {
                Some("Enabled") => continue,
                Some(state) => (k.arn.clone(), format!("is {state}")),
                None => {
                    unknown = Some(format!("the state of KMS key {key} was not read"));
                    continue;
                }
            },
            Found::Missing => (key.to_string(), "does not exist (deleted)".to_string()),
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        findings.push(CHECK.finding(
            format!(
                "KMS key {key_arn} {problem}, and repository {} ({kind}) is encrypted with it: ECR cannot decrypt {} for the pull.",
                repo.name, i.image
            ),
            vec![key_arn.clone(), arn.clone()],
            vec![
                ev(&arn, format!("encryptionConfiguration: {kind}, kmsKey {key}")),
                ev(&key_arn, format!("kms:DescribeKey: key {problem}")),
            ],
            if problem.starts_with("is PendingDeletion") {
                format!("aws kms cancel-key-deletion --key-id {key_arn}, then aws kms enable-key --key-id {key_arn}")
            } else if problem.starts_with("is Disabled") {
                format!("aws kms enable-key --key-id {key_arn}")
            } else {
                format!(
                    "Make {key_arn} usable again, or push the image to a repository encrypted with a usable key and point the task definition at it."
                )
            },
        ));
    }
    if kms == 0 && unknown.is_none() {
        return Outcome::na(if aes > 0 {
            "the repositories use AES256 (S3-managed) encryption"
        } else {
            "no private ECR image in an existing repository"
        });
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::Op;
    use fd_snapshot::{ApiCall, CallOutcome, KmsKey};

    const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn kms(snap: &mut fd_snapshot::Snapshot, state: Option<&str>) {
        let repo = snap.ecr.repositories.get_mut(REPO).unwrap();
        repo.encryption_type = Some("KMS".into());
        repo.kms_key = Some(KEY.into());
        if let Some(state) = state {
            snap.resources.kms_keys.insert(
                KEY.into(),
                KmsKey {
                    arn: KEY.into(),
                    key_manager: Some("CUSTOMER".into()),
                    key_state: Some(state.into()),
                    policy: None,
                },
            );
        }
    }

    #[test]
    fn disabled_key_fails() {
        let mut snap = testkit::healthy_nat();
        kms(&mut snap, Some("Disabled"));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.resources, vec![KEY.to_string(), REPO.to_string()]);
        assert!(f.remediation.contains("aws kms enable-key"));
    }

    #[test]
    fn deleted_key_fails() {
        let mut snap = testkit::healthy_nat();
        kms(&mut snap, None);
        snap.calls.push(ApiCall {
            outcome: CallOutcome::NotFound,
            ..ApiCall::of(fd_snapshot::Op::KmsDescribeKey, Some(KEY.into()))
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0].message.contains("does not exist"));
    }

    #[test]
    fn enabled_key_passes() {
        let mut snap = testkit::healthy_nat();
        kms(&mut snap, Some("Enabled"));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn aes256_is_not_applicable() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unread_key_is_unknown() {
        let mut snap = testkit::healthy_nat();
        kms(&mut snap, None);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            ..ApiCall::of(fd_snapshot::Op::KmsDescribeKey, Some(KEY.into()))
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains("denied"));
    }

    #[test]
    fn an_unreadable_repository_is_unknown_not_not_applicable() {
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app";
        let mut snap = testkit::healthy_nat();
        snap.ecr.repositories.remove(repo);
        snap.calls.push(fd_snapshot::ApiCall {
            outcome: fd_snapshot::CallOutcome::Denied,
            ..fd_snapshot::ApiCall::of(Op::EcrDescribeRepositories, Some(repo.into()))
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
