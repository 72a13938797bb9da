use crate::checks::permissions::{permission_check, NeedKind};
use crate::checks::{Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-EXEC-ENVFILES",
    title: "The execution role cannot read an environment file",
    severity: Severity::Error,
    group: "Execution role",
    what: "For every environmentFiles object (platform 1.4.0 and later, where the task's execution \
           role downloads them), evaluates whether the execution role may s3:GetObject the object and \
           s3:GetBucketLocation its bucket: its identity policies within its permissions boundary, \
           together with the bucket policy (s3:GetBucketPolicy). Objects encrypted with a customer \
           KMS key (kms:Decrypt) are not evaluated.",
    why: "The agent downloads the files with the execution role before the containers start: \
          'ResourceInitializationError: failed to download env files: … operation error S3: \
          HeadObject, https response error StatusCode: 403, api error Forbidden: Forbidden.' \
          AmazonECSTaskExecutionRolePolicy does not include S3.",
    fix: "Allow the execution role to read the files:\n  \
          aws iam put-role-policy --role-name ROLE --policy-name env-files --policy-document \
          '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\
          \"Resource\":\"arn:aws:s3:::BUCKET/path/app.env\"},{\"Effect\":\"Allow\",\"Action\":\
          \"s3:GetBucketLocation\",\"Resource\":\"arn:aws:s3:::BUCKET\"}]}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/use-environment-file.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    permission_check(&CHECK, cx, NeedKind::EnvFiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{Fetched, InlinePolicy, S3Bucket};

    const ARN: &str = "arn:aws:s3:::cfg/web/app.env";

    fn snap(policy: Fetched<String>) -> fd_snapshot::Snapshot {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].environment_files = vec![ARN.into()];
        snap.s3.buckets.insert(
            "cfg".into(),
            Fetched::found(S3Bucket {
                name: "cfg".into(),
                region: "us-east-1".into(),
                policy,
            }),
        );
        snap
    }

    fn no_policy() -> Fetched<String> {
        Fetched::Absent {
            call: "s3:GetBucketPolicy".into(),
            detail: None,
        }
    }

    #[test]
    fn role_without_s3_fails_naming_the_role() {
        let s = snap(no_policy());
        let out = testkit::run(&CHECK, &s);
        assert_eq!(out.status, CheckStatus::Fail);
        let role = s.targets[0]
            .task_definition
            .as_ref()
            .and_then(|k| {
                testkit::found(s.task_definition(k))
                    .execution_role_arn
                    .clone()
            })
            .unwrap_or_default();
        assert_eq!(out.findings[0].resources[0], role);
    }

    #[test]
    fn allowed_role_passes_and_unreadable_bucket_policy_is_unknown() {
        let mut s = snap(no_policy());
        let role = s.iam.roles.values_mut().next().expect("role");
        role.inline_policies.get_or_insert_with(Vec::new).push(InlinePolicy {
            name: "env".into(),
            document: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::cfg/*","arn:aws:s3:::cfg"]}]}"#.into()),
        });
        assert_eq!(testkit::status(&CHECK, &s), CheckStatus::Pass);
        if let Some(Fetched::Found { value }) = s.s3.buckets.get_mut("cfg") {
            value.policy = Fetched::Unreadable {
                call: "s3:GetBucketPolicy".into(),
                reason: "AccessDenied".into(),
            };
        }
        assert_eq!(testkit::status(&CHECK, &s), CheckStatus::Unknown);
        // A bucket policy that denies the role wins.
        if let Some(Fetched::Found { value }) = s.s3.buckets.get_mut("cfg") {
            value.policy = Fetched::found(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::cfg/*"}]}"#.into());
        }
        assert_eq!(testkit::status(&CHECK, &s), CheckStatus::Fail);
    }

    #[test]
    fn not_applicable_without_env_files() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::NotApplicable
        );
    }
}
