use crate::checks::{ev, fetched, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "ENVFILE-NOT-FOUND",
    title: "An environment file does not exist in S3",
    severity: Severity::Error,
    group: "Environment files",
    what: "For every environmentFiles entry: the value must be an S3 object ARN \
           (arn:aws:s3:::bucket/key) whose key ends in .env; its bucket must exist \
           (s3:GetBucketLocation) and the object must exist (s3:HeadObject — the content is never \
           read: an env file holds secrets).",
    why: "The Fargate agent downloads every env file before starting the containers; a missing \
          object or bucket stops the task: 'ResourceInitializationError: failed to download env \
          files: … operation error S3: HeadObject, https response error StatusCode: 404' (or 403 \
          when the role may not list the bucket).",
    fix: "Upload the file, or fix the ARN in the container definition's environmentFiles and register \
          a new revision:\n  \
          aws s3 cp app.env s3://BUCKET/path/app.env",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/use-environment-file.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.needs.env_files.is_empty() {
        return Outcome::na("no container has environmentFiles");
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    for f in &cx.needs.env_files {
        let Some((bucket, key)) = &f.object else {
            findings.push(CHECK.finding(
                format!(
                    "{} is not an S3 object ARN (arn:aws:s3:::bucket/key.env).",
                    crate::checks::capitalize(&f.why())
                ),
                vec![f.arn.clone()],
                vec![ev(
                    &f.arn,
                    "environmentFiles[].value must be an S3 object ARN",
                )],
                "Use the object's ARN, arn:aws:s3:::BUCKET/path/file.env, with type s3.".into(),
            ));
            continue;
        };
        if !key.ends_with(".env") {
            findings.push(CHECK.finding(
                format!(
                    "{}: the object key {key} does not end in .env, which ECS requires of an environment file.",
                    crate::checks::capitalize(&f.why())
                ),
                vec![f.arn.clone()],
                vec![ev(&f.arn, "file extension is not .env")],
                format!("Rename the object to a .env name (aws s3 mv s3://{bucket}/{key} s3://{bucket}/{key}.env) and update environmentFiles."),
            ));
            continue;
        }
        let bucket_arn = format!("arn:{}:s3:::{bucket}", f.partition);
        let mut first = f.arn.clone();
        let problem = match fetched(&cx.snap.s3.buckets, bucket, "S3 bucket") {
            Found::Missing => {
                first = bucket_arn.clone();
                Some(format!("bucket {bucket} does not exist"))
            }
            Found::Unknown(why) => {
                unknown = Some(why);
                None
            }
            Found::Yes(_) => match fetched(&cx.snap.s3.objects, &f.arn, "S3 object") {
                Found::Yes(_) => None,
                Found::Missing => Some(format!("there is no object {key} in bucket {bucket}")),
                Found::Unknown(why) => {
                    unknown = Some(why);
                    None
                }
            },
        };
        if let Some(problem) = problem {
            findings.push(CHECK.finding(
                format!("{}: {problem}.", crate::checks::capitalize(&f.why())),
                vec![first, f.arn.clone(), bucket_arn],
                vec![ev(&f.arn, format!("s3:HeadObject / s3:GetBucketLocation: {problem}"))],
                format!("Upload the env file (aws s3 cp FILE s3://{bucket}/{key}) or point environmentFiles at the right object."),
            ));
        }
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{Fetched, S3Bucket, S3Object};

    const ARN: &str = "arn:aws:s3:::cfg/web/app.env";

    fn with_env_file(value: &str) -> fd_snapshot::Snapshot {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].environment_files = vec![value.into()];
        snap
    }

    fn bucket() -> Fetched<S3Bucket> {
        Fetched::found(S3Bucket {
            name: "cfg".into(),
            region: "us-east-1".into(),
            policy: Fetched::Absent {
                call: "s3:GetBucketPolicy".into(),
                detail: None,
            },
        })
    }

    #[test]
    fn env_file_cases() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::NotApplicable
        );
        let mut snap = with_env_file(ARN);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.s3.buckets.insert("cfg".into(), bucket());
        snap.s3.objects.insert(
            ARN.into(),
            Fetched::Absent {
                call: "s3:HeadObject".into(),
                detail: None,
            },
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], ARN);
        snap.s3.objects.insert(
            ARN.into(),
            Fetched::Unreadable {
                call: "s3:HeadObject".into(),
                reason: "Forbidden".into(),
            },
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        snap.s3.objects.insert(
            ARN.into(),
            Fetched::found(S3Object {
                bucket: "cfg".into(),
                key: "web/app.env".into(),
                size_bytes: Some(10),
            }),
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let snap = with_env_file("arn:aws:s3:::cfg/web/app.txt");
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
        let snap = with_env_file("s3://cfg/web/app.env");
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
    }
}
