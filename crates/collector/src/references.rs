//! What the targets' task definitions (with the tasks' overrides) refer to outside ECS, keyed
//! the way the snapshot keys them. Pure, and derived only from [`TaskNeeds`], the one walk over
//! a task definition that the engine uses too: what is read and what is checked agree by
//! construction.

use std::collections::{BTreeMap, BTreeSet};

use fd_snapshot::image::ImageSource;
use fd_snapshot::needs::{SecretSource, TaskNeeds};
use fd_snapshot::{refs, Target, TaskDefinition};

/// One `environmentFiles` entry that names an S3 object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct EnvFile {
    /// The value exactly as the container definition gives it: the key of
    /// [`fd_snapshot::S3Data::objects`].
    pub arn: String,
    pub bucket: String,
    pub key: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct References {
    /// Execution role ARNs as referenced (task definitions and task overrides).
    pub execution_roles: BTreeSet<String>,
    /// Task role ARNs as referenced.
    pub task_roles: BTreeSet<String>,
    /// Container image strings as referenced, and the images services' running tasks are
    /// pinned to ([`refs::pinned_image`]).
    pub images: BTreeSet<String>,
    /// The registry hosts of the images (without a port), lower case.
    pub registry_hosts: BTreeSet<String>,
    /// Secrets Manager secret IDs ([`refs::secret_id`]) → the Region to read them in.
    pub secrets: BTreeMap<String, String>,
    /// SSM parameter `valueFrom`s as referenced.
    pub parameters: BTreeSet<String>,
    /// `(Region, log group name)` of the `awslogs` log configurations.
    pub log_groups: BTreeSet<(String, String)>,
    /// EFS file system IDs of the task volumes.
    pub file_systems: BTreeSet<String>,
    /// EFS access point IDs of the task volumes.
    pub access_points: BTreeSet<String>,
    /// `environmentFiles` that name an S3 object (others are not looked up: the engine reports
    /// them).
    pub env_files: BTreeSet<EnvFile>,
}

impl References {
    /// `region` is the snapshot's: the default for references that name no Region.
    /// `task_definitions` is keyed like [`fd_snapshot::EcsData::task_definitions`]; a target
    /// whose task definition could not be read contributes only its overrides.
    pub fn gather(
        region: &str,
        targets: &[Target],
        task_definitions: &BTreeMap<String, TaskDefinition>,
    ) -> Self {
        let mut r = References::default();
        for target in targets {
            let td = target
                .task_definition
                .as_ref()
                .and_then(|key| task_definitions.get(key));
            let Some(td) = td else {
                // Its task definition is unknown, but the override is still a role to read.
                r.execution_roles
                    .extend(target.execution_role_override.clone());
                continue;
            };
            let needs = TaskNeeds::of(td, target.execution_role_override.as_deref(), region);
            r.add_needs(&needs);
            r.images.extend(
                target
                    .deployed_digests
                    .found()
                    .unwrap_or_default()
                    .iter()
                    .map(|d| refs::pinned_image(&d.image, &d.digest)),
            );
        }
        r
    }

    fn add_needs(&mut self, n: &TaskNeeds) {
        self.execution_roles.extend(n.execution_role.clone());
        self.task_roles.extend(n.task_role.clone());
        for i in n.images.iter().filter(|i| !i.image.is_empty()) {
            self.images.insert(i.image.clone());
            let host = match &i.source {
                ImageSource::PrivateEcr { host, .. } => host,
                ImageSource::Other { registry } => registry,
                // Nothing to look up: IMG-REF-INVALID reports it.
                ImageSource::Invalid { .. } => continue,
            };
            let host = host.split(':').next().unwrap_or(host);
            self.registry_hosts.insert(host.to_ascii_lowercase());
        }
        for s in &n.secrets {
            match &s.source {
                SecretSource::SecretsManager { id, region } => {
                    self.secrets.insert(id.clone(), region.clone());
                }
                SecretSource::Ssm { value_from, .. } => {
                    self.parameters.insert(value_from.clone());
                }
            }
        }
        for (_, logs) in n.awslogs() {
            if let Some(group) = &logs.group {
                self.log_groups.insert((logs.region.clone(), group.clone()));
            }
        }
        for f in &n.env_files {
            if let Some((bucket, key)) = &f.object {
                self.env_files.insert(EnvFile {
                    arn: f.arn.clone(),
                    bucket: bucket.clone(),
                    key: key.clone(),
                });
            }
        }
        for e in &n.efs {
            self.file_systems.insert(e.config.file_system_id.clone());
            self.access_points.extend(e.config.access_point_id.clone());
        }
    }

    /// Every role to read into [`fd_snapshot::IamData::roles`]: execution and task roles.
    pub fn roles(&self) -> BTreeSet<String> {
        self.execution_roles
            .iter()
            .chain(&self.task_roles)
            .cloned()
            .collect()
    }
}

/// The Region of an ARN, or `default` for a name (or an ARN without a Region).
pub(crate) fn region_of<'a>(reference: &'a str, default: &'a str) -> &'a str {
    refs::region_of(reference).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fd_snapshot::{
        ContainerDefinition, DeployedDigest, EfsVolume, LogConfiguration, MountPoint, SecretRef,
        TargetKind, Volume, VolumeKind,
    };

    fn secret(value_from: &str) -> SecretRef {
        SecretRef {
            name: "X".into(),
            value_from: value_from.into(),
        }
    }

    fn target(task_definition: Option<&str>) -> Target {
        let mut t: Target = serde_json::from_value(serde_json::json!({
            "kind": "service", "cluster": "c", "name": "web"
        }))
        .expect("target");
        t.task_definition = task_definition.map(str::to_string);
        t
    }

    const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";

    fn task_definition() -> TaskDefinition {
        TaskDefinition {
            family: "web".into(),
            execution_role_arn: Some("arn:aws:iam::123456789012:role/exec".into()),
            task_role_arn: Some("arn:aws:iam::123456789012:role/task".into()),
            volumes: vec![
                Volume {
                    name: "data".into(),
                    kind: VolumeKind::Efs(EfsVolume {
                        file_system_id: "fs-1".into(),
                        access_point_id: Some("fsap-1".into()),
                        ..Default::default()
                    }),
                },
                Volume {
                    name: "scratch".into(),
                    kind: VolumeKind::Bind { source_path: None },
                },
            ],
            containers: vec![
                ContainerDefinition {
                    name: "app".into(),
                    image: IMAGE.into(),
                    repository_credentials: Some("dockerhub".into()),
                    secrets: vec![
                        secret(
                            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::",
                        ),
                        secret("/prod/db"),
                    ],
                    log_configuration: Some(LogConfiguration {
                        log_driver: "awslogs".into(),
                        options: [
                            ("awslogs-group".to_string(), "/ecs/web".to_string()),
                            ("awslogs-region".to_string(), "eu-west-1".to_string()),
                        ]
                        .into(),
                        secret_options: vec![secret(
                            "arn:aws:ssm:us-east-1:123456789012:parameter/splunk",
                        )],
                    }),
                    environment_files: vec![
                        "arn:aws:s3:::cfg-bucket/web/app.env".into(),
                        "not-an-arn".into(),
                    ],
                    mount_points: vec![MountPoint {
                        source_volume: "data".into(),
                        container_path: Some("/data".into()),
                        read_only: false,
                    }],
                    ..Default::default()
                },
                ContainerDefinition {
                    name: "proxy".into(),
                    image: "localhost:5000/envoy:v1".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn gathers_every_reference_from_the_needs() {
        let tds = BTreeMap::from([("web:1".to_string(), task_definition())]);
        let mut t = target(Some("web:1"));
        t.kind = TargetKind::Task;
        t.execution_role_override = Some("arn:aws:iam::123456789012:role/other".into());
        let r = References::gather("us-east-1", &[t], &tds);
        // The override replaces the task definition's execution role.
        assert_eq!(
            r.execution_roles,
            BTreeSet::from(["arn:aws:iam::123456789012:role/other".to_string()])
        );
        assert_eq!(
            r.task_roles,
            BTreeSet::from(["arn:aws:iam::123456789012:role/task".to_string()])
        );
        assert_eq!(r.roles().len(), 2);
        assert_eq!(
            r.images,
            BTreeSet::from([IMAGE.to_string(), "localhost:5000/envoy:v1".to_string()])
        );
        assert_eq!(
            r.registry_hosts,
            BTreeSet::from([
                "123456789012.dkr.ecr.us-east-1.amazonaws.com".to_string(),
                "localhost".to_string()
            ])
        );
        assert_eq!(
            r.secrets,
            BTreeMap::from([
                (
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf".to_string(),
                    "eu-west-1".to_string()
                ),
                ("dockerhub".to_string(), "us-east-1".to_string()),
            ])
        );
        assert_eq!(
            r.parameters,
            BTreeSet::from([
                "/prod/db".to_string(),
                "arn:aws:ssm:us-east-1:123456789012:parameter/splunk".to_string(),
            ])
        );
        assert_eq!(
            r.log_groups,
            BTreeSet::from([("eu-west-1".to_string(), "/ecs/web".to_string())])
        );
        assert_eq!(r.file_systems, BTreeSet::from(["fs-1".to_string()]));
        assert_eq!(r.access_points, BTreeSet::from(["fsap-1".to_string()]));
        // The value that is not an S3 object ARN is left to the engine.
        assert_eq!(
            r.env_files,
            BTreeSet::from([EnvFile {
                arn: "arn:aws:s3:::cfg-bucket/web/app.env".into(),
                bucket: "cfg-bucket".into(),
                key: "web/app.env".into(),
            }])
        );
    }

    #[test]
    fn deployed_digests_are_read_as_pinned_images() {
        let tds = BTreeMap::from([("web:1".to_string(), task_definition())]);
        let mut t = target(Some("web:1"));
        t.deployed_digests = vec![DeployedDigest {
            container: "app".into(),
            image: IMAGE.into(),
            digest: "sha256:ab".into(),
        }]
        .into();
        let r = References::gather("us-east-1", &[t], &tds);
        assert!(r.images.contains(IMAGE));
        assert!(r
            .images
            .contains("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab"));
    }

    #[test]
    fn unread_task_definition_keeps_the_override() {
        let mut t = target(Some("web:9"));
        t.execution_role_override = Some("arn:aws:iam::123456789012:role/other".into());
        let r = References::gather("us-east-1", &[t, target(None)], &BTreeMap::new());
        assert_eq!(r.execution_roles.len(), 1);
        assert!(r.images.is_empty());
        assert!(r.task_roles.is_empty());
    }

    #[test]
    fn regions() {
        assert_eq!(
            region_of(
                "arn:aws:ssm:eu-west-1:123456789012:parameter/x",
                "us-east-1"
            ),
            "eu-west-1"
        );
        assert_eq!(region_of("/x", "us-east-1"), "us-east-1");
    }
}
