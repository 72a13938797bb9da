//! ECR: the private repositories and images the containers use, mapped into [`m::EcrData`].
//! Each image is read in its own Region (the image host says which), with the registry ID set
//! to the account in the host, so cross-account images are looked up where they live.
//!
//! Calls and their scopes:
//! - `DescribeRepositories`, `GetRepositoryPolicy`: the repository ARN
//!   ([`refs::repository_arn`]); each repository is read once;
//! - `DescribeImages`, `BatchGetImage`: the image string exactly as the container definition
//!   gives it.
//!
//! - `DescribePullThroughCacheRules`: `<account>:<region>` of a registry, read only when one of
//!   its repositories does not exist (a pull-through cache rule would create it on first pull).
//!
//! `RepositoryPolicyNotFoundException` (no policy) is recorded `not_found` and leaves
//! [`m::Repository::policy`] `None`. An image that does not exist is absent from
//! [`m::EcrData::images`], with `DescribeImages` `not_found`; so is one whose repository does
//! not exist (`RepositoryNotFoundException`). An image pinned to a digest by a service's
//! deployment ([`refs::pinned_image`]) is just another image reference: `repo@sha256:…`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecr::types as t;
use aws_sdk_ecr::Client;
use fd_snapshot::image::{self, ImageSource};
use fd_snapshot::{self as m, refs, CallOutcome};
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::{fetched, CallFailure, Recorder};
use crate::regional::Regional;

const CONCURRENCY: usize = 4;

/// Everything BatchGetImage may return: multi-platform indexes first, then single manifests.
const ACCEPTED_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
];

/// A private ECR image reference, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EcrImage {
    /// The image string as the container definition gives it.
    pub image: String,
    pub account: String,
    pub region: String,
    pub repository: String,
    /// The tag or digest.
    pub reference: String,
    pub repository_arn: String,
}

impl EcrImage {
    /// `None` for an image that is not in a private ECR registry.
    pub fn parse(image: &str) -> Option<Self> {
        match image::parse(image) {
            ImageSource::PrivateEcr {
                account,
                region,
                repository,
                reference,
                ..
            } => Some(EcrImage {
                image: image.to_string(),
                repository_arn: refs::repository_arn(
                    refs::partition_for_region(&region),
                    &region,
                    &account,
                    &repository,
                ),
                account,
                region,
                repository,
                reference,
            }),
            ImageSource::Other { .. } | ImageSource::Invalid { .. } => None,
        }
    }
}

/// Reads the repositories and images of the private ECR images among `images`.
pub(crate) async fn collect_ecr(
    clients: &Regional<Client>,
    rec: &Recorder,
    images: &BTreeSet<String>,
) -> m::EcrData {
    let images: Vec<EcrImage> = images.iter().filter_map(|i| EcrImage::parse(i)).collect();
    // One image per repository stands for it.
    let repositories: BTreeMap<&str, &EcrImage> = images
        .iter()
        .map(|i| (i.repository_arn.as_str(), i))
        .collect();

    let repos_fut = stream::iter(repositories.into_values())
        .map(|i| async move { (i, read_repository(clients, rec, i).await) })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let images_fut = stream::iter(&images)
        .map(|i| async move { (i.image.clone(), read_image(clients, rec, i).await) })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let (repos, images) = futures::join!(repos_fut, images_fut);

    let mut repositories = BTreeMap::new();
    // `<account>:<region>` → (account, region) of registries with a missing repository.
    let mut registries: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for (i, repo) in repos {
        match repo {
            Ok(r) => {
                repositories.insert(r.arn.clone(), r);
            }
            Err(CallOutcome::NotFound) => {
                registries.insert(
                    registry_key(&i.account, &i.region),
                    (i.account.as_str(), i.region.as_str()),
                );
            }
            Err(_) => {}
        }
    }
    let pull_through_rules: BTreeMap<_, _> = stream::iter(registries)
        .map(|(key, (account, region))| async move {
            (key, pull_through_rules(clients, rec, account, region).await)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    m::EcrData {
        repositories: repositories.into(),
        images: images
            .into_iter()
            .filter_map(|(key, image)| Some((key, image?)))
            .collect(),
        pull_through_rules,
    }
}

/// The key of [`m::EcrData::pull_through_rules`].
pub(crate) fn registry_key(account: &str, region: &str) -> String {
    format!("{account}:{region}")
}

/// DescribePullThroughCacheRules of one registry, every page. Emulators that do not implement
/// it answer with an HTML error page: that is `Unreadable`, like any failure.
async fn pull_through_rules(
    clients: &Regional<Client>,
    rec: &Recorder,
    account: &str,
    region: &str,
) -> m::Fetched<Vec<m::PullThroughRule>> {
    let client = clients.get(region);
    let stream = client
        .describe_pull_through_cache_rules()
        .registry_id(account)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(
            Op::EcrDescribePullThroughCacheRules,
            Some(Scope::Key(registry_key(account, region))),
            stream,
        )
        .await;
    let result = match failure {
        Some(f) => Err(f),
        None => Ok(pages
            .iter()
            .flat_map(|p| p.pull_through_cache_rules())
            .filter_map(map_pull_through_rule)
            .collect()),
    };
    fetched(Op::EcrDescribePullThroughCacheRules, result)
}

pub(crate) fn map_pull_through_rule(r: &t::PullThroughCacheRule) -> Option<m::PullThroughRule> {
    Some(m::PullThroughRule {
        prefix: r
            .ecr_repository_prefix()
            .filter(|p| !p.is_empty())?
            .to_string(),
        upstream_url: r
            .upstream_registry_url()
            .filter(|u| !u.is_empty())
            .map(str::to_string),
        credential_arn: r
            .credential_arn()
            .filter(|a| !a.is_empty())
            .map(str::to_string),
    })
}

/// DescribeRepositories and GetRepositoryPolicy, concurrently. The error is DescribeRepositories'
/// outcome (`not_found`: the repository does not exist).
async fn read_repository(
    clients: &Regional<Client>,
    rec: &Recorder,
    i: &EcrImage,
) -> Result<m::Repository, CallOutcome> {
    let client = clients.get(&i.region);
    let scope = Some(Scope::key(&i.repository_arn));
    let describe = rec.call_judged(
        Op::EcrDescribeRepositories,
        scope.clone(),
        client
            .describe_repositories()
            .registry_id(&i.account)
            .repository_names(&i.repository)
            .send(),
        |out| {
            out.repositories()
                .is_empty()
                .then(|| not_found("DescribeRepositories returned no repository"))
        },
    );
    let policy = rec.call(
        Op::EcrGetRepositoryPolicy,
        scope,
        client
            .get_repository_policy()
            .registry_id(&i.account)
            .repository_name(&i.repository)
            .send(),
    );
    let (describe, policy) = futures::join!(describe, policy);
    let out = describe.map_err(|f| f.outcome)?;
    // The judge above turned an empty answer into `not_found`.
    let first = out.repositories().first().ok_or(CallOutcome::NotFound)?;
    let mut repo = map_repository(first, i);
    repo.policy = policy
        .ok()
        .and_then(|p| p.policy_text().map(str::to_string));
    Ok(repo)
}

pub(crate) fn map_repository(r: &t::Repository, i: &EcrImage) -> m::Repository {
    let encryption = r.encryption_configuration();
    m::Repository {
        arn: r
            .repository_arn()
            .map_or_else(|| i.repository_arn.clone(), str::to_string),
        name: r
            .repository_name()
            .map_or_else(|| i.repository.clone(), str::to_string),
        registry_id: r
            .registry_id()
            .map_or_else(|| i.account.clone(), str::to_string),
        region: i.region.clone(),
        uri: r.repository_uri().map(str::to_string),
        policy: None,
        encryption_type: encryption.map(|e| e.encryption_type().as_str().to_string()),
        kms_key: encryption
            .and_then(|e| e.kms_key())
            .filter(|k| !k.is_empty())
            .map(str::to_string),
    }
}

fn not_found(message: &str) -> CallFailure {
    CallFailure {
        outcome: CallOutcome::NotFound,
        code: None,
        message: Some(message.to_string()),
        transport: None,
    }
}

/// The image ID of a tag or a digest (`sha256:…`; a tag cannot contain `:`).
pub(crate) fn image_identifier(reference: &str) -> t::ImageIdentifier {
    let id = t::ImageIdentifier::builder();
    if reference.contains(':') {
        id.image_digest(reference).build()
    } else {
        id.image_tag(reference).build()
    }
}

/// DescribeImages (digest, media type) and BatchGetImage (the manifest, for the platforms),
/// concurrently. The image is kept unless DescribeImages says it does not exist, or neither
/// call could read it.
async fn read_image(clients: &Regional<Client>, rec: &Recorder, i: &EcrImage) -> Option<m::Image> {
    let client = clients.get(&i.region);
    let scope = Some(Scope::key(&i.image));
    let describe = rec.call_judged(
        Op::EcrDescribeImages,
        scope.clone(),
        client
            .describe_images()
            .registry_id(&i.account)
            .repository_name(&i.repository)
            .image_ids(image_identifier(&i.reference))
            .send(),
        |out| {
            out.image_details()
                .is_empty()
                .then(|| not_found("DescribeImages returned no image"))
        },
    );
    let manifest = rec.call_judged(
        Op::EcrBatchGetImage,
        scope,
        client
            .batch_get_image()
            .registry_id(&i.account)
            .repository_name(&i.repository)
            .image_ids(image_identifier(&i.reference))
            .set_accepted_media_types(Some(
                ACCEPTED_MEDIA_TYPES.iter().map(|s| s.to_string()).collect(),
            ))
            .send(),
        |out| {
            if !out.images().is_empty() {
                return None;
            }
            Some(match out.failures().first() {
                Some(f) => batch_failure(f),
                None => not_found("BatchGetImage returned no image"),
            })
        },
    );
    let (describe, manifest) = futures::join!(describe, manifest);
    let detail = match &describe {
        Ok(out) => out.image_details().first(),
        Err(f) if f.outcome == CallOutcome::NotFound => return None,
        Err(_) => None,
    };
    let batch = manifest.as_ref().ok().and_then(|out| out.images().first());
    let mut image = map_image(i, detail, batch)?;
    if let Some(platforms) = image.platforms.as_mut() {
        // A manifest list has no size of its own: what a task pulls is its platform's image.
        let reads = platforms
            .iter_mut()
            .map(|p| read_platform_image(&client, rec, i, p));
        futures::future::join_all(reads).await;
    }
    Some(image)
}

/// The size and foreign layers of one platform image of a manifest list, by its digest
/// (DescribeImages and BatchGetImage, scoped `image@digest`). A failed read leaves them `None`:
/// the checks that need them say `unknown`.
async fn read_platform_image(
    client: &Client,
    rec: &Recorder,
    i: &EcrImage,
    p: &mut m::ImagePlatform,
) {
    let Some(digest) = p.digest.clone() else {
        return;
    };
    let scope = Some(Scope::Key(fd_snapshot::refs::pinned_image(
        &i.image, &digest,
    )));
    let id = t::ImageIdentifier::builder().image_digest(&digest).build();
    let describe = rec.call(
        Op::EcrDescribeImages,
        scope.clone(),
        client
            .describe_images()
            .registry_id(&i.account)
            .repository_name(&i.repository)
            .image_ids(id.clone())
            .send(),
    );
    let manifest = rec.call(
        Op::EcrBatchGetImage,
        scope,
        client
            .batch_get_image()
            .registry_id(&i.account)
            .repository_name(&i.repository)
            .image_ids(id)
            .set_accepted_media_types(Some(
                ACCEPTED_MEDIA_TYPES.iter().map(|s| s.to_string()).collect(),
            ))
            .send(),
    );
    let (describe, manifest) = futures::join!(describe, manifest);
    p.size_bytes = describe.ok().and_then(|o| {
        o.image_details()
            .first()
            .and_then(|d| d.image_size_in_bytes())
    });
    p.foreign_layers = manifest.ok().and_then(|o| {
        o.images()
            .first()
            .and_then(|im| im.image_manifest())
            .and_then(manifest_foreign_layers)
    });
}

/// An image from DescribeImages' detail and BatchGetImage's manifest, either of which may be
/// missing (not both).
pub(crate) fn map_image(
    i: &EcrImage,
    detail: Option<&t::ImageDetail>,
    batch: Option<&t::Image>,
) -> Option<m::Image> {
    if detail.is_none() && batch.is_none() {
        return None;
    }
    let manifest_text = batch.and_then(|b| b.image_manifest());
    Some(m::Image {
        repository_arn: i.repository_arn.clone(),
        reference: i.reference.clone(),
        digest: detail
            .and_then(|d| d.image_digest())
            .or_else(|| batch.and_then(|b| b.image_id()?.image_digest()))
            .map(str::to_string),
        manifest_media_type: detail
            .and_then(|d| d.image_manifest_media_type())
            .or_else(|| batch.and_then(|b| b.image_manifest_media_type()))
            .map(str::to_string),
        platforms: manifest_text.and_then(manifest_platforms),
        size_bytes: detail.and_then(|d| d.image_size_in_bytes()),
        foreign_layers: manifest_text.and_then(manifest_foreign_layers),
    })
}

/// A BatchGetImage `failures[]` entry as a failure: `ImageNotFound` is `not_found`.
fn batch_failure(f: &t::ImageFailure) -> CallFailure {
    let code = f.failure_code().map(|c| c.as_str().to_string());
    CallFailure {
        outcome: if code.as_deref() == Some("ImageNotFound") {
            CallOutcome::NotFound
        } else {
            CallOutcome::Failed
        },
        code,
        message: f.failure_reason().map(str::to_string),
        transport: None,
    }
}

/// The platforms a manifest list / OCI image index offers (`manifests[].platform`), without
/// the `unknown/unknown` entries (BuildKit's attestation manifests).
///
/// A single-platform manifest gives `None`: its OS and architecture are in the config blob,
/// which would take a layer download (`GetDownloadUrlForLayer` and an S3 request) to read, and
/// this collector does not fetch it.
pub(crate) fn manifest_platforms(manifest: &str) -> Option<Vec<m::ImagePlatform>> {
    let json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    let entries = json.get("manifests")?.as_array()?;
    Some(
        entries
            .iter()
            .filter_map(|entry| {
                let platform = entry.get("platform")?;
                let field = |name: &str| {
                    platform
                        .get(name)
                        .and_then(|v| v.as_str())
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                let os = field("os")?;
                let architecture = field("architecture")?;
                if os == "unknown" && architecture == "unknown" {
                    return None;
                }
                Some(m::ImagePlatform {
                    os,
                    architecture,
                    variant: field("variant"),
                    digest: entry
                        .get("digest")
                        .and_then(|d| d.as_str())
                        .map(str::to_string),
                    size_bytes: None,
                    foreign_layers: None,
                })
            })
            .collect(),
    )
}

/// The digests of a single-image manifest's foreign layers (`…foreign.diff.tar.gzip`: Windows
/// base layers, pulled from Microsoft's registry rather than ECR). `None` for a manifest list
/// or an OCI index (its platform manifests were not read) and for text that is not a manifest.
pub(crate) fn manifest_foreign_layers(manifest: &str) -> Option<Vec<String>> {
    let json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    if json.get("manifests").is_some() {
        return None;
    }
    let layers = json.get("layers")?.as_array()?;
    Some(
        layers
            .iter()
            .filter(|l| {
                l.get("mediaType")
                    .and_then(|t| t.as_str())
                    .is_some_and(|t| t.contains("foreign"))
            })
            .filter_map(|l| l.get("digest")?.as_str().map(str::to_string))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_list_platforms_skip_attestations() {
        let index = r#"{
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:a",
             "size": 1, "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:b",
             "size": 1, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:c",
             "size": 1, "platform": {"architecture": "unknown", "os": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                             "vnd.docker.reference.digest": "sha256:a"}}
          ]
        }"#;
        let platforms = manifest_platforms(index).expect("an index");
        assert_eq!(
            platforms,
            vec![
                m::ImagePlatform {
                    digest: Some("sha256:a".into()),
                    size_bytes: None,
                    foreign_layers: None,
                    os: "linux".into(),
                    architecture: "amd64".into(),
                    variant: None
                },
                m::ImagePlatform {
                    digest: Some("sha256:b".into()),
                    size_bytes: None,
                    foreign_layers: None,
                    os: "linux".into(),
                    architecture: "arm64".into(),
                    variant: Some("v8".into())
                },
            ]
        );
    }

    #[test]
    fn single_manifest_has_no_platforms() {
        let manifest = r#"{
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
          "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                     "digest": "sha256:c", "size": 1},
          "layers": []
        }"#;
        assert_eq!(manifest_platforms(manifest), None);
        assert_eq!(manifest_platforms("not json"), None);
    }

    #[test]
    fn identifiers() {
        let tag = image_identifier("1.2");
        assert_eq!(tag.image_tag(), Some("1.2"));
        assert_eq!(tag.image_digest(), None);
        let digest = image_identifier("sha256:ff");
        assert_eq!(digest.image_digest(), Some("sha256:ff"));
        assert_eq!(digest.image_tag(), None);
    }

    #[test]
    fn ecr_images() {
        let i = EcrImage::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1")
            .expect("private ECR");
        assert_eq!(i.region, "eu-west-1");
        assert_eq!(i.repository, "team/app");
        assert_eq!(i.reference, "1");
        assert_eq!(
            i.repository_arn,
            "arn:aws:ecr:eu-west-1:123456789012:repository/team/app"
        );
        assert_eq!(EcrImage::parse("nginx:latest"), None);
        assert_eq!(EcrImage::parse("public.ecr.aws/nginx/nginx"), None);
    }

    #[test]
    fn repository_mapping() {
        let i = EcrImage::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app").expect("ecr");
        let r = t::Repository::builder()
            .repository_arn("arn:aws:ecr:us-east-1:123456789012:repository/app")
            .repository_name("app")
            .registry_id("123456789012")
            .repository_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/app")
            .encryption_configuration(
                t::EncryptionConfiguration::builder()
                    .encryption_type(t::EncryptionType::Kms)
                    .kms_key("arn:aws:kms:us-east-1:123456789012:key/k")
                    .build()
                    .expect("encryption"),
            )
            .build();
        let m = map_repository(&r, &i);
        assert_eq!(m.arn, i.repository_arn);
        assert_eq!(m.encryption_type.as_deref(), Some("KMS"));
        assert_eq!(
            m.kms_key.as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/k")
        );
        assert_eq!(m.region, "us-east-1");
    }

    #[test]
    fn foreign_layers_of_single_manifests_only() {
        let windows = r#"{
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
          "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                     "digest": "sha256:c", "size": 1},
          "layers": [
            {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
             "digest": "sha256:base", "size": 1,
             "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:base"]},
            {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
             "digest": "sha256:app", "size": 1}
          ]
        }"#;
        assert_eq!(
            manifest_foreign_layers(windows),
            Some(vec!["sha256:base".to_string()])
        );
        let linux = r#"{"schemaVersion": 2, "layers": [
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:l"}]}"#;
        assert_eq!(manifest_foreign_layers(linux), Some(vec![]));
        let index = r#"{"schemaVersion": 2, "manifests": []}"#;
        assert_eq!(manifest_foreign_layers(index), None);
        assert_eq!(manifest_foreign_layers("<html>"), None);
    }

    #[test]
    fn image_mapping_with_size() {
        let i = EcrImage::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1").expect("ecr");
        let detail = t::ImageDetail::builder()
            .image_digest("sha256:d")
            .image_size_in_bytes(123_456_789)
            .image_manifest_media_type("application/vnd.docker.distribution.manifest.v2+json")
            .build();
        let batch = t::Image::builder()
            .image_manifest(r#"{"schemaVersion": 2, "layers": []}"#)
            .build();
        let m = map_image(&i, Some(&detail), Some(&batch)).expect("image");
        assert_eq!(m.size_bytes, Some(123_456_789));
        assert_eq!(m.digest.as_deref(), Some("sha256:d"));
        assert_eq!(m.foreign_layers, Some(vec![]));
        assert_eq!(m.platforms, None);
        // Without the manifest: no foreign layer list, the size still known.
        let m = map_image(&i, Some(&detail), None).expect("image");
        assert_eq!(m.foreign_layers, None);
        assert_eq!(m.size_bytes, Some(123_456_789));
        assert_eq!(map_image(&i, None, None), None);
    }

    #[test]
    fn pinned_images_are_read_by_digest() {
        let image = refs::pinned_image(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
            "sha256:ab",
        );
        let i = EcrImage::parse(&image).expect("ecr");
        assert_eq!(i.image, image);
        assert_eq!(i.reference, "sha256:ab");
        assert_eq!(
            image_identifier(&i.reference).image_digest(),
            Some("sha256:ab")
        );
    }

    #[test]
    fn pull_through_rule_mapping() {
        let r = t::PullThroughCacheRule::builder()
            .ecr_repository_prefix("docker-hub")
            .upstream_registry_url("registry-1.docker.io")
            .credential_arn(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub",
            )
            .build();
        let m = map_pull_through_rule(&r).expect("rule");
        assert_eq!(m.prefix, "docker-hub");
        assert_eq!(m.upstream_url.as_deref(), Some("registry-1.docker.io"));
        assert!(m.credential_arn.is_some());
        assert_eq!(
            map_pull_through_rule(&t::PullThroughCacheRule::builder().build()),
            None
        );
        assert_eq!(
            registry_key("123456789012", "us-east-1"),
            "123456789012:us-east-1"
        );
    }
}
