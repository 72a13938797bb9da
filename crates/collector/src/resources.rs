//! Secrets Manager secrets, SSM parameters, CloudWatch Logs log groups and the customer KMS
//! keys behind them (and behind ECR repositories), mapped into [`m::ResourceData`]. Each is
//! read in its own Region (an ARN's, `awslogs-region`, or the snapshot's).
//!
//! No value is ever read: `DescribeSecret`, not `GetSecretValue`; `DescribeParameters`, not
//! `GetParameter(s)`.
//!
//! Calls and their scopes (the keys of [`m::ResourceData`]):
//! - `secretsmanager:DescribeSecret`, `secretsmanager:GetResourcePolicy`: the secret ID
//!   ([`refs::secret_id`]);
//! - `ssm:DescribeParameters`: the `valueFrom` as given. The answer to a name that does not
//!   exist is an empty list; the last page of such a lookup is recorded `not_found`;
//! - `logs:DescribeLogGroups`: [`refs::log_group_key`]; a missing group likewise `not_found`;
//! - `kms:DescribeKey`, `kms:GetKeyPolicy`: the key reference as given (ID, alias or ARN).

use std::collections::{BTreeMap, BTreeSet};

use fd_snapshot::{self as m, refs};
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::Recorder;
use crate::references::region_of;
use crate::regional::Regional;

/// Requests in flight at once, per kind of resource.
const CONCURRENCY: usize = 4;

/// The clients and context of this phase.
pub(crate) struct Clients<'a> {
    pub secrets: &'a Regional<aws_sdk_secretsmanager::Client>,
    pub ssm: &'a Regional<aws_sdk_ssm::Client>,
    pub logs: &'a Regional<aws_sdk_cloudwatchlogs::Client>,
    pub kms: &'a Regional<aws_sdk_kms::Client>,
    pub rec: &'a Recorder,
    /// The snapshot's Region: the default for references that name none.
    pub region: &'a str,
    /// The account read, to build parameter ARNs DescribeParameters leaves out.
    pub account_id: Option<&'a str>,
}

/// Reads the secrets, parameters and log groups (not yet the KMS keys: see
/// [`collect_kms_keys`]).
pub(crate) async fn collect_resources(
    c: &Clients<'_>,
    secrets: &BTreeMap<String, String>,
    parameters: &BTreeSet<String>,
    log_groups: &BTreeSet<(String, String)>,
) -> m::ResourceData {
    let secrets_fut = stream::iter(secrets)
        .map(|(id, region)| async move { (id.clone(), describe_secret(c, id, region).await) })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let parameters_fut =
        stream::iter(parameters)
            .map(|value_from| async move {
                (value_from.clone(), describe_parameter(c, value_from).await)
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>();
    let log_groups_fut = stream::iter(log_groups)
        .map(|(region, name)| async move {
            (
                refs::log_group_key(region, name),
                describe_log_group(c, region, name).await,
            )
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let (secrets, parameters, log_groups) =
        futures::join!(secrets_fut, parameters_fut, log_groups_fut);
    m::ResourceData {
        secrets: found(secrets),
        parameters: found(parameters),
        log_groups: found(log_groups),
        kms_keys: m::Keyed::new(),
    }
}

fn found<T>(items: Vec<(String, Option<T>)>) -> m::Keyed<T> {
    items
        .into_iter()
        .filter_map(|(key, item)| Some((key, item?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager
// ---------------------------------------------------------------------------------------------

/// DescribeSecret and GetResourcePolicy, concurrently.
async fn describe_secret(c: &Clients<'_>, id: &str, region: &str) -> Option<m::Secret> {
    let client = c.secrets.get(region);
    let scope = Some(Scope::key(id));
    let (describe, policy) = futures::join!(
        c.rec.call(
            Op::SecretsManagerDescribeSecret,
            scope.clone(),
            client.describe_secret().secret_id(id).send(),
        ),
        c.rec.call(
            Op::SecretsManagerGetResourcePolicy,
            scope,
            client.get_resource_policy().secret_id(id).send(),
        ),
    );
    let out = describe.ok()?;
    Some(m::Secret {
        arn: out.arn().unwrap_or(id).to_string(),
        name: out.name().unwrap_or(id).to_string(),
        kms_key_id: non_empty(out.kms_key_id()),
        deleted: out.deleted_date().is_some(),
        resource_policy: policy.ok().and_then(|p| non_empty(p.resource_policy())),
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// SSM Parameter Store
// ---------------------------------------------------------------------------------------------

/// The parameter names a `valueFrom` can mean. A name is itself. An ARN's resource is
/// `parameter/<name without its leading slash>`: `parameter/prod/db` is `/prod/db` (a name in a
/// hierarchy must start with `/`), but `parameter/db` is `db` or `/db`, tried in that order.
pub(crate) fn parameter_name_candidates(value_from: &str) -> Vec<String> {
    let Some(arn) = refs::parse_arn(value_from).filter(|a| a.service == "ssm") else {
        return vec![value_from.to_string()];
    };
    let name = arn
        .resource
        .strip_prefix("parameter")
        .unwrap_or(arn.resource);
    let name = name.strip_prefix('/').unwrap_or(name);
    if name.contains('/') {
        vec![format!("/{name}")]
    } else {
        vec![name.to_string(), format!("/{name}")]
    }
}

/// The ARN of parameter `name` (DescribeParameters on some emulators leaves it out).
pub(crate) fn parameter_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:ssm:{region}:{account}:parameter/{}",
        refs::partition_for_region(region),
        name.strip_prefix('/').unwrap_or(name)
    )
}

/// DescribeParameters filtered on the exact name, for each candidate name until one exists.
async fn describe_parameter(c: &Clients<'_>, value_from: &str) -> Option<m::Parameter> {
    use aws_sdk_ssm::types::ParameterStringFilter;
    let arn = refs::parse_arn(value_from).filter(|a| a.service == "ssm");
    let region = region_of(value_from, c.region);
    let account = arn
        .as_ref()
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
        .or(c.account_id);
    let client = c.ssm.get(region);
    for name in parameter_name_candidates(value_from) {
        let filter = ParameterStringFilter::builder()
            .key("Name")
            .option("Equals")
            .values(&name)
            .build()
            .ok()?;
        // With filters, AWS may answer pages that match nothing but carry a NextToken.
        let stream = client
            .describe_parameters()
            .parameter_filters(filter)
            .max_results(50)
            .into_paginator()
            .send();
        let found = c
            .rec
            .find_in_pages(
                Op::SsmDescribeParameters,
                Some(Scope::key(value_from)),
                stream,
                |page| {
                    page.parameters()
                        .iter()
                        .find(|p| p.name() == Some(name.as_str()))
                        .cloned()
                },
                &format!("no parameter named {name}"),
            )
            .await;
        match found {
            Ok(Some(p)) => {
                let name = p.name().unwrap_or(&name).to_string();
                return Some(m::Parameter {
                    arn: non_empty(p.arn())
                        .or_else(|| account.map(|account| parameter_arn(region, account, &name))),
                    parameter_type: p.r#type().map(|t| t.as_str().to_string()),
                    key_id: non_empty(p.key_id()),
                    name,
                });
            }
            Ok(None) => continue,
            Err(_) => return None,
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs
// ---------------------------------------------------------------------------------------------

/// DescribeLogGroups with the name as prefix, paged until the exact name shows up.
async fn describe_log_group(c: &Clients<'_>, region: &str, name: &str) -> Option<m::LogGroup> {
    let client = c.logs.get(region);
    let stream = client
        .describe_log_groups()
        .log_group_name_prefix(name)
        .into_paginator()
        .send();
    c.rec
        .find_in_pages(
            Op::LogsDescribeLogGroups,
            Some(Scope::Key(refs::log_group_key(region, name))),
            stream,
            |page| {
                page.log_groups()
                    .iter()
                    .find(|g| g.log_group_name() == Some(name))
                    .map(|g| m::LogGroup {
                        name: name.to_string(),
                        region: region.to_string(),
                        arn: log_group_arn(g.log_group_arn(), g.arn()),
                        kms_key_id: non_empty(g.kms_key_id()),
                    })
            },
            &format!("no log group named {name}"),
        )
        .await
        .ok()
        .flatten()
}

/// The log group's own ARN (`…:log-group:NAME`): `logGroupArn`, else `arn` (which AWS gives
/// with a trailing `:*`, the form IAM policies use for the group's streams) without the `:*`.
pub(crate) fn log_group_arn(log_group_arn: Option<&str>, arn: Option<&str>) -> Option<String> {
    non_empty(log_group_arn)
        .or_else(|| non_empty(arn).map(|a| a.strip_suffix(":*").unwrap_or(&a).to_string()))
}

// ---------------------------------------------------------------------------------------------
// KMS
// ---------------------------------------------------------------------------------------------

/// True for an AWS managed key referenced by its alias (`alias/aws/ssm`, or its ARN form): its
/// policy is AWS's and cannot be wrong, so it is not read.
pub(crate) fn is_aws_managed_alias(reference: &str) -> bool {
    let resource = refs::parse_arn(reference).map_or(reference, |a| a.resource);
    resource.starts_with("alias/aws/")
}

/// The customer KMS keys the secrets, SecureString parameters, log groups and ECR repositories
/// use, each with the Region to read it in (the ARN's, else the resource's).
pub(crate) fn kms_references(
    resources: &m::ResourceData,
    ecr: &m::EcrData,
    default_region: &str,
) -> BTreeMap<String, String> {
    let secrets = resources.secrets.values().filter_map(|s| {
        let key = s.kms_key_id.as_deref()?;
        Some((key, region_of(&s.arn, default_region)))
    });
    let parameters = resources
        .parameters
        .values()
        .filter(|p| p.parameter_type.as_deref() == Some("SecureString"))
        .filter_map(|p| {
            let key = p.key_id.as_deref()?;
            let region = p
                .arn
                .as_deref()
                .map_or(default_region, |a| region_of(a, default_region));
            Some((key, region))
        });
    let log_groups = resources
        .log_groups
        .values()
        .filter_map(|g| Some((g.kms_key_id.as_deref()?, g.region.as_str())));
    let repositories = ecr
        .repositories
        .values()
        .filter_map(|r| Some((r.kms_key.as_deref()?, r.region.as_str())));
    let mut keys = BTreeMap::new();
    for (key, region) in secrets
        .chain(parameters)
        .chain(log_groups)
        .chain(repositories)
    {
        if !is_aws_managed_alias(key) {
            keys.entry(key.to_string())
                .or_insert_with(|| region_of(key, region).to_string());
        }
    }
    keys
}

/// DescribeKey, then GetKeyPolicy (by the key ARN: GetKeyPolicy does not take aliases), for
/// each key reference.
pub(crate) async fn collect_kms_keys(
    c: &Clients<'_>,
    keys: &BTreeMap<String, String>,
) -> m::Keyed<m::KmsKey> {
    let keys = stream::iter(keys)
        .map(|(reference, region)| async move {
            (reference.clone(), describe_key(c, reference, region).await)
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    found(keys)
}

async fn describe_key(c: &Clients<'_>, reference: &str, region: &str) -> Option<m::KmsKey> {
    let client = c.kms.get(region);
    let scope = Some(Scope::key(reference));
    let out = c
        .rec
        .call(
            Op::KmsDescribeKey,
            scope.clone(),
            client.describe_key().key_id(reference).send(),
        )
        .await
        .ok()?;
    let meta = out.key_metadata()?;
    let arn = meta.arn().unwrap_or(meta.key_id()).to_string();
    let policy = c
        .rec
        .call(
            Op::KmsGetKeyPolicy,
            scope,
            client
                .get_key_policy()
                .key_id(&arn)
                .policy_name("default")
                .send(),
        )
        .await
        .ok()
        .and_then(|p| non_empty(p.policy()));
    Some(m::KmsKey {
        arn,
        key_manager: meta.key_manager().map(|k| k.as_str().to_string()),
        key_state: meta.key_state().map(|s| s.as_str().to_string()),
        policy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names() {
        assert_eq!(parameter_name_candidates("/prod/db"), vec!["/prod/db"]);
        assert_eq!(parameter_name_candidates("db"), vec!["db"]);
        assert_eq!(
            parameter_name_candidates("arn:aws:ssm:us-east-1:123456789012:parameter/prod/db"),
            vec!["/prod/db"]
        );
        assert_eq!(
            parameter_name_candidates("arn:aws:ssm:us-east-1:123456789012:parameter/db"),
            vec!["db", "/db"]
        );
    }

    #[test]
    fn parameter_arns() {
        assert_eq!(
            parameter_arn("us-east-1", "123456789012", "/prod/db"),
            "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db"
        );
        assert_eq!(
            parameter_arn("cn-north-1", "123456789012", "db"),
            "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/db"
        );
    }

    #[test]
    fn log_group_arns() {
        let own = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web";
        assert_eq!(
            log_group_arn(None, Some(&format!("{own}:*"))).as_deref(),
            Some(own)
        );
        assert_eq!(log_group_arn(Some(own), Some("x")).as_deref(), Some(own));
        assert_eq!(log_group_arn(None, None), None);
    }

    #[test]
    fn kms_keys_referenced() {
        let mut res = m::ResourceData::default();
        res.secrets.insert(
            "s".into(),
            m::Secret {
                arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf".into(),
                name: "s".into(),
                kms_key_id: Some("alias/custom".into()),
                deleted: false,
                resource_policy: None,
            },
        );
        res.parameters.insert(
            "/p".into(),
            m::Parameter {
                name: "/p".into(),
                arn: None,
                parameter_type: Some("SecureString".into()),
                key_id: Some("alias/aws/ssm".into()),
            },
        );
        res.log_groups.insert(
            "us-east-1:/ecs/web".into(),
            m::LogGroup {
                name: "/ecs/web".into(),
                region: "us-east-1".into(),
                arn: None,
                kms_key_id: Some("arn:aws:kms:us-west-2:123456789012:key/k".into()),
            },
        );
        let keys = kms_references(&res, &m::EcrData::default(), "us-east-1");
        assert_eq!(
            keys,
            BTreeMap::from([
                ("alias/custom".to_string(), "eu-west-1".to_string()),
                (
                    "arn:aws:kms:us-west-2:123456789012:key/k".to_string(),
                    "us-west-2".to_string()
                ),
            ])
        );
        assert!(is_aws_managed_alias(
            "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"
        ));
        assert!(!is_aws_managed_alias("alias/awesome"));
    }
}
