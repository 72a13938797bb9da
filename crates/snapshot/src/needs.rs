//! What a task needs and from whom: the one walk over a task definition's containers and
//! volumes. The collector decides what to read from it and the engine what to check, so that
//! "what was read" and "what is checked" agree by construction. Built once per target.

use std::collections::BTreeMap;

use crate::image::{self, ImageSource};
use crate::refs;
use crate::{EfsVolume, LogConfiguration, TaskDefinition, VolumeKind};

/// Everything one task definition (with a task's overrides) needs outside ECS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskNeeds {
    /// The execution role: the task's override, else the task definition's.
    pub execution_role: Option<String>,
    /// The task role (what the containers and EFS IAM authorization use).
    pub task_role: Option<String>,
    pub images: Vec<ImageNeed>,
    pub logs: Vec<LogNeed>,
    pub secrets: Vec<SecretNeed>,
    pub env_files: Vec<EnvFileNeed>,
    pub efs: Vec<EfsNeed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageNeed {
    pub container: String,
    /// The image exactly as the container definition gives it.
    pub image: String,
    pub source: ImageSource,
}

/// A private ECR image's parts, and its repository's ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub repository: &'a str,
    /// The tag or `sha256:` digest.
    pub reference: &'a str,
    pub repository_arn: String,
}

impl ImageNeed {
    /// The image's ECR parts, when it is a private ECR image.
    pub fn ecr(&self) -> Option<EcrImage<'_>> {
        match &self.source {
            ImageSource::PrivateEcr {
                account,
                region,
                repository,
                reference,
                ..
            } => Some(EcrImage {
                account,
                region,
                repository,
                reference,
                repository_arn: self.repository_arn()?,
            }),
            ImageSource::Other { .. } | ImageSource::Invalid { .. } => None,
        }
    }

    /// "image X of container Y".
    pub fn why(&self) -> String {
        format!("image {} of container {}", self.image, self.container)
    }

    /// The repository ARN of a private ECR image.
    pub fn repository_arn(&self) -> Option<String> {
        match &self.source {
            ImageSource::PrivateEcr {
                account,
                region,
                repository,
                ..
            } => Some(refs::repository_arn(
                refs::partition_for_region(region),
                region,
                account,
                repository,
            )),
            _ => None,
        }
    }
}

/// One container's log configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogNeed {
    pub container: String,
    pub driver: String,
    pub options: BTreeMap<String, String>,
    /// Set for the `awslogs` driver.
    pub awslogs: Option<AwsLogs>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsLogs {
    /// `awslogs-group`; `None` when missing (LOG-CONFIG-INVALID).
    pub group: Option<String>,
    /// `awslogs-region`, else the task's Region.
    pub region: String,
    /// True when `awslogs-region` is set.
    pub region_given: bool,
    pub stream_prefix: Option<String>,
    /// `awslogs-create-group == true`.
    pub create_group: bool,
}

/// Where a secret (or registry credential) is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// Secrets Manager: the secret ID ([`refs::secret_id`]: no JSON key or version selectors).
    SecretsManager { id: String, region: String },
    /// SSM Parameter Store: the `valueFrom` as given (a name or an ARN).
    Ssm { value_from: String, region: String },
}

impl SecretSource {
    pub fn region(&self) -> &str {
        match self {
            SecretSource::SecretsManager { region, .. } | SecretSource::Ssm { region, .. } => {
                region
            }
        }
    }
}

/// What the secret is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretUse {
    /// `secrets[].name` (an environment variable).
    Env(String),
    /// `logConfiguration.secretOptions[].name`.
    LogOption(String),
    /// `repositoryCredentials.credentialsParameter`.
    RegistryCredentials,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeed {
    pub container: String,
    pub usage: SecretUse,
    /// The `valueFrom` (or `credentialsParameter`) as given.
    pub value_from: String,
    pub source: SecretSource,
    /// A Secrets Manager reference with a JSON key, version stage or version ID (needs
    /// platform 1.4.0).
    pub selects_part: bool,
}

impl SecretNeed {
    pub fn why(&self) -> String {
        match &self.usage {
            SecretUse::Env(n) => format!("secret {n} of container {}", self.container),
            SecretUse::LogOption(n) => {
                format!("log secretOption {n} of container {}", self.container)
            }
            SecretUse::RegistryCredentials => {
                format!("repositoryCredentials of container {}", self.container)
            }
        }
    }
}

/// One `environmentFiles` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileNeed {
    pub container: String,
    /// The object ARN as given (`arn:aws:s3:::bucket/path/app.env`).
    pub arn: String,
    /// Bucket and key, when the value is an S3 object ARN.
    pub object: Option<(String, String)>,
    pub partition: String,
}

impl EnvFileNeed {
    pub fn why(&self) -> String {
        format!(
            "environmentFiles {} of container {}",
            self.arn, self.container
        )
    }
    pub fn bucket(&self) -> Option<&str> {
        self.object.as_ref().map(|(b, _)| b.as_str())
    }
    pub fn bucket_arn(&self) -> Option<String> {
        self.bucket()
            .map(|b| format!("arn:{}:s3:::{b}", self.partition))
    }
}

/// One EFS volume and the containers that mount it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfsNeed {
    pub volume: String,
    pub config: EfsVolume,
    /// Containers that mount the volume.
    pub containers: Vec<String>,
    /// True when every mount point of the volume is read-only (no `ClientWrite` needed).
    pub read_only: bool,
}

impl TaskNeeds {
    /// What `td` needs, with a task's `overrides.executionRoleArn`, in `region` (the default
    /// Region of references that name none).
    pub fn of(td: &TaskDefinition, execution_role_override: Option<&str>, region: &str) -> Self {
        let mut n = TaskNeeds {
            execution_role: execution_role_override
                .map(str::to_string)
                .or_else(|| td.execution_role_arn.clone()),
            task_role: td.task_role_arn.clone(),
            ..Default::default()
        };
        for c in &td.containers {
            n.images.push(ImageNeed {
                container: c.name.clone(),
                image: c.image.clone(),
                source: image::parse(&c.image),
            });
            if let Some(l) = &c.log_configuration {
                n.logs.push(log_need(&c.name, l, region));
            }
            let env = c
                .secrets
                .iter()
                .map(|s| (SecretUse::Env(s.name.clone()), s));
            let log = c
                .log_configuration
                .iter()
                .flat_map(|l| l.secret_options.iter())
                .map(|s| (SecretUse::LogOption(s.name.clone()), s));
            for (usage, s) in env.chain(log) {
                n.secrets
                    .push(secret_need(&c.name, usage, &s.value_from, region, false));
            }
            if let Some(cred) = &c.repository_credentials {
                n.secrets.push(secret_need(
                    &c.name,
                    SecretUse::RegistryCredentials,
                    cred,
                    region,
                    true,
                ));
            }
            for f in &c.environment_files {
                let arn = refs::parse_arn(f).filter(|a| a.service == "s3");
                n.env_files.push(EnvFileNeed {
                    container: c.name.clone(),
                    arn: f.clone(),
                    object: arn.and_then(|a| {
                        let (b, k) = a.resource.split_once('/')?;
                        (!b.is_empty() && !k.is_empty()).then(|| (b.to_string(), k.to_string()))
                    }),
                    partition: arn
                        .map(|a| a.partition.to_string())
                        .unwrap_or_else(|| refs::partition_for_region(region).to_string()),
                });
            }
        }
        for v in &td.volumes {
            let VolumeKind::Efs(cfg) = &v.kind else {
                continue;
            };
            let mounts: Vec<_> = td
                .containers
                .iter()
                .flat_map(|c| {
                    c.mount_points
                        .iter()
                        .filter(|m| m.source_volume == v.name)
                        .map(move |m| (c.name.clone(), m.read_only))
                })
                .collect();
            let mut containers: Vec<String> = Vec::new();
            for (c, _) in &mounts {
                if !containers.contains(c) {
                    containers.push(c.clone());
                }
            }
            n.efs.push(EfsNeed {
                volume: v.name.clone(),
                config: cfg.clone(),
                read_only: !mounts.is_empty() && mounts.iter().all(|(_, ro)| *ro),
                containers,
            });
        }
        n
    }

    /// The secrets read from Secrets Manager (IDs without selectors), with their Regions.
    pub fn secrets_manager(&self) -> impl Iterator<Item = (&SecretNeed, &str, &str)> {
        self.secrets.iter().filter_map(|s| match &s.source {
            SecretSource::SecretsManager { id, region } => Some((s, id.as_str(), region.as_str())),
            SecretSource::Ssm { .. } => None,
        })
    }

    /// The `awslogs` configurations.
    pub fn awslogs(&self) -> impl Iterator<Item = (&LogNeed, &AwsLogs)> {
        self.logs
            .iter()
            .filter_map(|l| l.awslogs.as_ref().map(|a| (l, a)))
    }

    /// The private ECR images.
    pub fn ecr_images(&self) -> impl Iterator<Item = &ImageNeed> {
        self.images
            .iter()
            .filter(|i| matches!(i.source, ImageSource::PrivateEcr { .. }))
    }
}

fn log_need(container: &str, l: &LogConfiguration, region: &str) -> LogNeed {
    let awslogs = (l.log_driver == "awslogs").then(|| AwsLogs {
        group: l.options.get("awslogs-group").cloned(),
        region: l
            .options
            .get("awslogs-region")
            .cloned()
            .unwrap_or_else(|| region.to_string()),
        region_given: l.options.contains_key("awslogs-region"),
        stream_prefix: l.options.get("awslogs-stream-prefix").cloned(),
        create_group: l
            .options
            .get("awslogs-create-group")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
    });
    LogNeed {
        container: container.to_string(),
        driver: l.log_driver.clone(),
        options: l.options.clone(),
        awslogs,
    }
}

fn secret_need(
    container: &str,
    usage: SecretUse,
    value_from: &str,
    region: &str,
    always_secrets_manager: bool,
) -> SecretNeed {
    let arn = refs::parse_arn(value_from);
    let ref_region = arn
        .as_ref()
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .unwrap_or(region)
        .to_string();
    let sm = always_secrets_manager || refs::is_secrets_manager(value_from);
    let source = if sm {
        SecretSource::SecretsManager {
            id: refs::secret_id(value_from),
            region: ref_region,
        }
    } else {
        SecretSource::Ssm {
            value_from: value_from.to_string(),
            region: ref_region,
        }
    };
    // `secret:<name>:<json-key>:<version-stage>:<version-id>`: any selector set.
    let selects_part = sm
        && arn.is_some_and(|a| {
            a.resource
                .splitn(3, ':')
                .nth(2)
                .is_some_and(|sel| sel.split(':').any(|p| !p.is_empty()))
        });
    SecretNeed {
        container: container.to_string(),
        usage,
        value_from: value_from.to_string(),
        source,
        selects_part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ContainerDefinition, MountPoint, SecretRef, Volume};

    #[test]
    fn one_walk_over_everything() {
        let sm = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        let td = TaskDefinition {
            family: "web".into(),
            execution_role_arn: Some("arn:aws:iam::123456789012:role/exec".into()),
            task_role_arn: Some("arn:aws:iam::123456789012:role/task".into()),
            volumes: vec![Volume {
                name: "data".into(),
                kind: VolumeKind::Efs(EfsVolume {
                    file_system_id: "fs-1".into(),
                    iam: true,
                    ..Default::default()
                }),
            }],
            containers: vec![ContainerDefinition {
                name: "app".into(),
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1".into(),
                repository_credentials: Some("dockerhub".into()),
                secrets: vec![
                    SecretRef {
                        name: "PW".into(),
                        value_from: format!("{sm}:password::"),
                    },
                    SecretRef {
                        name: "P".into(),
                        value_from: "/prod/db".into(),
                    },
                ],
                log_configuration: Some(LogConfiguration {
                    log_driver: "awslogs".into(),
                    options: [("awslogs-group".to_string(), "/ecs/web".to_string())].into(),
                    secret_options: vec![],
                }),
                environment_files: vec!["arn:aws:s3:::cfg-bucket/web/app.env".into()],
                mount_points: vec![MountPoint {
                    source_volume: "data".into(),
                    container_path: Some("/data".into()),
                    read_only: true,
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let n = TaskNeeds::of(
            &td,
            Some("arn:aws:iam::123456789012:role/other"),
            "us-east-1",
        );
        assert_eq!(
            n.execution_role.as_deref(),
            Some("arn:aws:iam::123456789012:role/other")
        );
        assert_eq!(
            n.images[0].repository_arn().as_deref(),
            Some("arn:aws:ecr:us-east-1:123456789012:repository/app")
        );
        let (_, aws) = n.awslogs().next().expect("awslogs");
        assert_eq!(aws.region, "us-east-1");
        assert!(!aws.region_given);
        assert_eq!(n.secrets.len(), 3);
        assert_eq!(
            n.secrets[0].source,
            SecretSource::SecretsManager {
                id: sm.into(),
                region: "eu-west-1".into()
            }
        );
        assert!(n.secrets[0].selects_part);
        assert!(matches!(n.secrets[1].source, SecretSource::Ssm { .. }));
        assert_eq!(n.secrets[2].usage, SecretUse::RegistryCredentials);
        assert!(!n.secrets[2].selects_part);
        assert_eq!(
            n.env_files[0].object,
            Some(("cfg-bucket".into(), "web/app.env".into()))
        );
        assert_eq!(
            n.env_files[0].bucket_arn().as_deref(),
            Some("arn:aws:s3:::cfg-bucket")
        );
        assert_eq!(n.efs[0].containers, vec!["app".to_string()]);
        assert!(n.efs[0].read_only);
    }

    #[test]
    fn plain_secret_has_no_selector() {
        let s = secret_need(
            "c",
            SecretUse::Env("X".into()),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "us-east-1",
            false,
        );
        assert!(!s.selects_part);
        let s = secret_need(
            "c",
            SecretUse::Env("X".into()),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:::",
            "us-east-1",
            false,
        );
        assert!(!s.selects_part);
        let s = secret_need(
            "c",
            SecretUse::Env("X".into()),
            "arn:aws:ssm:us-east-1:123456789012:parameter/a:b:c",
            "us-east-1",
            false,
        );
        assert!(!s.selects_part);
        let s = secret_need("c", SecretUse::Env("X".into()), "/p", "us-east-1", false);
        assert_eq!(
            s.source,
            SecretSource::Ssm {
                value_from: "/p".into(),
                region: "us-east-1".into()
            }
        );
    }
}
