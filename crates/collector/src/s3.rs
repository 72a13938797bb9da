//! S3: the objects the containers' `environmentFiles` name, and their buckets, mapped into
//! [`m::S3Data`]. Only metadata is read: `HeadObject`, never `GetObject` (an environment file
//! holds configuration, often secrets).
//!
//! Calls and their scopes:
//! - `GetBucketLocation`, `GetBucketPolicy`: the bucket name;
//! - `HeadObject`: the environment file's ARN exactly as given (the key of
//!   [`m::S3Data::objects`]).
//!
//! The bucket's Region comes first (GetBucketLocation, through the partition's global
//! endpoint, which answers for a bucket in any Region); the policy and the object are then read
//! in that Region, as a request to another Region's endpoint is redirected, not answered.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use aws_sdk_s3::Client;
use fd_snapshot::{self as m, Fetched};
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::{fetched, Recorder};
use crate::references::EnvFile;
use crate::regional::Regional;

const CONCURRENCY: usize = 4;

/// An S3 client. Behind an endpoint override (an emulator, a proxy) bucket names cannot be
/// resolved as host names, so requests put the bucket in the path instead.
pub(crate) fn client(config: &SdkConfig) -> Client {
    let overridden = config.endpoint_url().is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some_and(|v| !v.is_empty());
    let conf = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(overridden)
        .build();
    Client::from_conf(conf)
}

/// Reads the buckets of `env_files`, then the objects. `region` is the snapshot's.
pub(crate) async fn collect_s3(
    clients: &Regional<Client>,
    rec: &Recorder,
    region: &str,
    env_files: &BTreeSet<EnvFile>,
) -> m::S3Data {
    let names: BTreeSet<&str> = env_files.iter().map(|f| f.bucket.as_str()).collect();
    let buckets: BTreeMap<String, Fetched<m::S3Bucket>> = stream::iter(names)
        .map(|name| async move { (name.to_string(), bucket(clients, rec, region, name).await) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let objects = stream::iter(env_files)
        .map(|f| {
            let bucket = buckets.get(&f.bucket);
            async move { (f.arn.clone(), object(clients, rec, region, f, bucket).await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    m::S3Data { objects, buckets }
}

/// GetBucketLocation, then GetBucketPolicy in the bucket's Region.
async fn bucket(
    clients: &Regional<Client>,
    rec: &Recorder,
    region: &str,
    name: &str,
) -> Fetched<m::S3Bucket> {
    let scope = Some(Scope::key(name));
    let location = rec
        .call(
            Op::S3GetBucketLocation,
            scope.clone(),
            clients
                .get(global_region(region))
                .get_bucket_location()
                .bucket(name)
                .send(),
        )
        .await;
    let bucket_region = match location {
        Ok(out) => bucket_region(out.location_constraint().map(|c| c.as_str())),
        Err(f) => return fetched(Op::S3GetBucketLocation, Err(f)),
    };
    let policy = rec
        .call(
            Op::S3GetBucketPolicy,
            scope,
            clients
                .get(&bucket_region)
                .get_bucket_policy()
                .bucket(name)
                .send(),
        )
        .await
        .and_then(|out| {
            out.policy()
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .ok_or_else(|| crate::calls::CallFailure {
                    outcome: m::CallOutcome::NotFound,
                    code: None,
                    message: Some("GetBucketPolicy returned no policy".into()),
                    transport: None,
                })
        });
    Fetched::found(m::S3Bucket {
        name: name.to_string(),
        region: bucket_region,
        policy: fetched(Op::S3GetBucketPolicy, policy),
    })
}

/// HeadObject in the bucket's Region (the snapshot's when the bucket could not be read). A
/// bucket that does not exist holds no object: no call is made for it.
async fn object(
    clients: &Regional<Client>,
    rec: &Recorder,
    region: &str,
    f: &EnvFile,
    bucket: Option<&Fetched<m::S3Bucket>>,
) -> Fetched<m::S3Object> {
    let object_region = match bucket {
        Some(Fetched::Found { value }) => value.region.as_str(),
        Some(Fetched::Absent { call, .. }) => {
            return Fetched::Absent {
                call: call.clone(),
                detail: Some(format!("bucket {} does not exist", f.bucket)),
            }
        }
        Some(Fetched::Unreadable { .. }) | None => region,
    };
    let result = rec
        .call(
            Op::S3HeadObject,
            Some(Scope::key(&f.arn)),
            clients
                .get(object_region)
                .head_object()
                .bucket(&f.bucket)
                .key(&f.key)
                .send(),
        )
        .await
        .map(|out| map_object(f, out.content_length()));
    fetched(Op::S3HeadObject, result)
}

pub(crate) fn map_object(f: &EnvFile, content_length: Option<i64>) -> m::S3Object {
    m::S3Object {
        bucket: f.bucket.clone(),
        key: f.key.clone(),
        size_bytes: content_length,
    }
}

/// The Region of a GetBucketLocation answer: no constraint is `us-east-1`, `EU` (the legacy
/// name) is `eu-west-1`.
pub(crate) fn bucket_region(constraint: Option<&str>) -> String {
    match constraint.map(str::trim) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    }
}

/// The Region whose S3 endpoint answers GetBucketLocation for every bucket of the partition.
pub(crate) fn global_region(region: &str) -> &'static str {
    match fd_snapshot::refs::partition_for_region(region) {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_regions() {
        assert_eq!(bucket_region(None), "us-east-1");
        assert_eq!(bucket_region(Some("")), "us-east-1");
        assert_eq!(bucket_region(Some("EU")), "eu-west-1");
        assert_eq!(bucket_region(Some("ap-south-1")), "ap-south-1");
        use aws_sdk_s3::types::BucketLocationConstraint as C;
        assert_eq!(bucket_region(Some(C::Eu.as_str())), "eu-west-1");
        assert_eq!(
            bucket_region(Some(C::from("eu-central-2").as_str())),
            "eu-central-2"
        );
    }

    #[test]
    fn global_regions() {
        assert_eq!(global_region("eu-west-3"), "us-east-1");
        assert_eq!(global_region("cn-northwest-1"), "cn-north-1");
        assert_eq!(global_region("us-gov-east-1"), "us-gov-west-1");
    }

    #[test]
    fn object_mapping() {
        let f = EnvFile {
            arn: "arn:aws:s3:::cfg/web/app.env".into(),
            bucket: "cfg".into(),
            key: "web/app.env".into(),
        };
        let o = map_object(&f, Some(42));
        assert_eq!(o.bucket, "cfg");
        assert_eq!(o.key, "web/app.env");
        assert_eq!(o.size_bytes, Some(42));
    }
}
