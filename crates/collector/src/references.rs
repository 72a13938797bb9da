//! What the task definitions (and task overrides) refer to outside ECS: execution roles,
//! images, secrets, parameters and log groups. Pure: gathered from the model, keyed the way
//! the snapshot keys them (see [`fd_snapshot::refs`]).

use std::collections::{BTreeMap, BTreeSet};

use fd_snapshot::{refs, Target, TaskDefinition};

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct References {
    /// Execution role ARNs as referenced (task definitions and task overrides).
    pub execution_roles: BTreeSet<String>,
    /// Container image strings as referenced.
    pub images: BTreeSet<String>,
    /// Secrets Manager secret IDs ([`refs::secret_id`]) → the Region to read them in.
    pub secrets: BTreeMap<String, String>,
    /// SSM parameter `valueFrom`s as referenced.
    pub parameters: BTreeSet<String>,
    /// `(Region, log group name)` of the `awslogs` log configurations.
    pub log_groups: BTreeSet<(String, String)>,
}

impl References {
    /// `region` is the snapshot's: the default for references that name no Region.
    pub fn gather<'a>(
        region: &str,
        targets: &[Target],
        task_definitions: impl IntoIterator<Item = &'a TaskDefinition>,
    ) -> Self {
        let mut r = References::default();
        r.execution_roles.extend(
            targets
                .iter()
                .filter_map(|t| t.execution_role_override.clone()),
        );
        for td in task_definitions {
            r.execution_roles.extend(td.execution_role_arn.clone());
            for c in &td.containers {
                if !c.image.is_empty() {
                    r.images.insert(c.image.clone());
                }
                if let Some(creds) = &c.repository_credentials {
                    r.add_secret(region, creds);
                }
                let log = c.log_configuration.as_ref();
                let secret_options = log.map(|l| l.secret_options.as_slice()).unwrap_or(&[]);
                for s in c.secrets.iter().chain(secret_options) {
                    if refs::is_secrets_manager(&s.value_from) {
                        r.add_secret(region, &s.value_from);
                    } else {
                        r.parameters.insert(s.value_from.clone());
                    }
                }
                if let Some(l) = log.filter(|l| l.log_driver == "awslogs") {
                    if let Some(group) = l.options.get("awslogs-group") {
                        let group_region = l
                            .options
                            .get("awslogs-region")
                            .map_or(region, String::as_str);
                        r.log_groups
                            .insert((group_region.to_string(), group.clone()));
                    }
                }
            }
        }
        r
    }

    /// A secret ARN or name (`valueFrom` with selectors, `credentialsParameter`).
    fn add_secret(&mut self, region: &str, value: &str) {
        let id = refs::secret_id(value);
        let secret_region = region_of(&id, region).to_string();
        self.secrets.insert(id, secret_region);
    }
}

/// The Region of an ARN, or `default` for a name (or an ARN without a Region).
pub(crate) fn region_of<'a>(reference: &'a str, default: &'a str) -> &'a str {
    refs::parse_arn(reference)
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fd_snapshot::{ContainerDefinition, LogConfiguration, SecretRef, TargetKind};

    fn secret(value_from: &str) -> SecretRef {
        SecretRef {
            name: "X".into(),
            value_from: value_from.into(),
        }
    }

    #[test]
    fn gathers_every_reference() {
        let sm = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        let td = TaskDefinition {
            family: "web".into(),
            execution_role_arn: Some("arn:aws:iam::123456789012:role/exec".into()),
            containers: vec![ContainerDefinition {
                name: "app".into(),
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1".into(),
                repository_credentials: Some("dockerhub".into()),
                secrets: vec![secret(&format!("{sm}:password::")), secret("/prod/db")],
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
                ..Default::default()
            }],
            ..Default::default()
        };
        let target = Target {
            execution_role_override: Some("arn:aws:iam::123456789012:role/other".into()),
            ..serde_json::from_value(serde_json::json!({
                "kind": "task", "cluster": "c", "name": "t"
            }))
            .expect("target")
        };
        assert_eq!(target.kind, TargetKind::Task);
        let r = References::gather("us-east-1", &[target], [&td]);
        assert_eq!(r.execution_roles.len(), 2);
        assert_eq!(r.images.len(), 1);
        assert_eq!(
            r.secrets,
            BTreeMap::from([
                (sm.to_string(), "eu-west-1".to_string()),
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
