//! IAM: the execution and task roles the tasks use, with their trust policy, permissions
//! boundary, attached managed policies and inline policies (documents included), and the
//! account's ECS service-linked role, mapped into [`m::IamData`].
//!
//! Calls and their scopes:
//! - `GetRole` of the service-linked role: [`SERVICE_LINKED_ROLE`];
//! - `GetRole`, `ListAttachedRolePolicies`, `ListRolePolicies`: the role ARN as referenced;
//! - `GetRolePolicy`: `"<role ARN> <policy name>"`;
//! - `GetPolicy`, `GetPolicyVersion`: the policy ARN (each managed policy is read once, however
//!   many roles attach it).
//!
//! A role whose `GetRole` fails (`NoSuchEntity`: `not_found`; or denied …) is left out; its
//! policies are then not listed. A failed list leaves the corresponding field `None`, a failed
//! document read the document `None`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use fd_snapshot as m;
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};
use percent_encoding::percent_decode_str;

use crate::calls::{fetched, Recorder};

/// IAM requests in flight at once (IAM's request rate limits are account-wide and low).
const CONCURRENCY: usize = 4;

/// The role ECS uses to manage the task ENIs in the account's VPCs: without it, no awsvpc task
/// starts.
pub(crate) const SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForECS";

/// GetRole of [`SERVICE_LINKED_ROLE`]: `NoSuchEntity` is `Absent` (the role does not exist).
pub(crate) async fn service_linked_role(
    client: &Client,
    rec: &Recorder,
) -> m::Fetched<m::ServiceLinkedRole> {
    let result = rec
        .call(
            Op::IamGetRole,
            Some(Scope::key(SERVICE_LINKED_ROLE)),
            client.get_role().role_name(SERVICE_LINKED_ROLE).send(),
        )
        .await;
    match result {
        Ok(out) => match out.role() {
            Some(role) => m::Fetched::found(map_service_linked_role(role)),
            None => m::Fetched::Absent {
                call: Op::IamGetRole.to_string(),
                detail: Some("GetRole returned no role".into()),
            },
        },
        Err(f) => fetched(Op::IamGetRole, Err(f)),
    }
}

pub(crate) fn map_service_linked_role(role: &aws_sdk_iam::types::Role) -> m::ServiceLinkedRole {
    m::ServiceLinkedRole {
        arn: role.arn().to_string(),
        trust_policy: role.assume_role_policy_document().map(decode_policy),
    }
}

/// Reads the roles `role_refs` (ARNs as the task definitions and overrides give them); not
/// the service-linked role (see [`service_linked_role`]).
pub(crate) async fn collect_roles(
    client: &Client,
    rec: &Recorder,
    role_refs: &BTreeSet<String>,
) -> m::IamData {
    let roles: Vec<(String, Option<RoleParts>)> = stream::iter(role_refs)
        .map(|reference| async move {
            let parts = read_role(client, rec, reference).await;
            (reference.clone(), parts)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;

    // Every managed policy (attached or boundary) once.
    let policy_arns: BTreeSet<String> = roles
        .iter()
        .filter_map(|(_, parts)| parts.as_ref())
        .flat_map(|p| {
            p.attached
                .iter()
                .flatten()
                .map(|(arn, _)| arn.clone())
                .chain(p.boundary_arn.clone())
        })
        .collect();
    let policies: BTreeMap<String, m::ManagedPolicy> = stream::iter(policy_arns)
        .map(|arn| async move {
            let policy = managed_policy(client, rec, &arn).await;
            (arn, policy)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let policy = |arn: &str, name: Option<&String>| {
        let mut p = policies.get(arn).cloned().unwrap_or(m::ManagedPolicy {
            arn: arn.to_string(),
            name: None,
            document: None,
        });
        if p.name.is_none() {
            p.name = name.cloned();
        }
        p
    };

    let roles = roles
        .into_iter()
        .filter_map(|(reference, parts)| {
            let p = parts?;
            let role = m::Role {
                arn: p.arn,
                name: p.name,
                trust_policy: p.trust_policy,
                attached_policies: p.attached.map(|list| {
                    list.iter()
                        .map(|(arn, name)| policy(arn, name.as_ref()))
                        .collect()
                }),
                inline_policies: p.inline,
                permissions_boundary: p.boundary_arn.map(|arn| policy(&arn, None)),
            };
            Some((reference, role))
        })
        .collect();
    m::IamData {
        roles,
        service_linked_role: None,
    }
}

/// One role as read, before its managed policies are filled in.
struct RoleParts {
    arn: String,
    name: String,
    trust_policy: Option<String>,
    boundary_arn: Option<String>,
    /// `(policy ARN, policy name)`; `None` when ListAttachedRolePolicies failed.
    attached: Option<Vec<(String, Option<String>)>>,
    inline: Option<Vec<m::InlinePolicy>>,
}

/// GetRole, its attached policies and its inline policies, all at once (each needs only the
/// role's name). When GetRole fails the role is unread, whatever the listings said.
async fn read_role(client: &Client, rec: &Recorder, reference: &str) -> Option<RoleParts> {
    let name = role_name(reference);
    let (out, attached, inline) = futures::join!(
        rec.call(
            Op::IamGetRole,
            Some(Scope::key(reference)),
            client.get_role().role_name(name).send(),
        ),
        attached_policies(client, rec, reference, name),
        inline_policies(client, rec, reference, name),
    );
    let out = out.ok()?;
    let role = out.role()?;
    Some(RoleParts {
        arn: role.arn().to_string(),
        name: role.role_name().to_string(),
        trust_policy: role.assume_role_policy_document().map(decode_policy),
        boundary_arn: role
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        attached,
        inline,
    })
}

async fn attached_policies(
    client: &Client,
    rec: &Recorder,
    reference: &str,
    name: &str,
) -> Option<Vec<(String, Option<String>)>> {
    let stream = client
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(
            Op::IamListAttachedRolePolicies,
            Some(Scope::key(reference)),
            stream,
        )
        .await;
    if failure.is_some() {
        return None;
    }
    Some(
        pages
            .iter()
            .flat_map(|p| p.attached_policies())
            .filter_map(|a| {
                Some((
                    a.policy_arn()?.to_string(),
                    a.policy_name().map(str::to_string),
                ))
            })
            .collect(),
    )
}

async fn inline_policies(
    client: &Client,
    rec: &Recorder,
    reference: &str,
    name: &str,
) -> Option<Vec<m::InlinePolicy>> {
    let stream = client
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(Op::IamListRolePolicies, Some(Scope::key(reference)), stream)
        .await;
    if failure.is_some() {
        return None;
    }
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.policy_names())
        .cloned()
        .collect();
    // `buffered` keeps IAM's order.
    let policies = stream::iter(names)
        .map(|policy_name| async move {
            let document = rec
                .call(
                    Op::IamGetRolePolicy,
                    Some(Scope::Part {
                        of: reference.to_string(),
                        part: policy_name.to_string(),
                    }),
                    client
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(&policy_name)
                        .send(),
                )
                .await
                .ok()
                .map(|out| decode_policy(out.policy_document()));
            m::InlinePolicy {
                name: policy_name,
                document,
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    Some(policies)
}

/// GetPolicy (for the default version), then GetPolicyVersion (for the document).
async fn managed_policy(client: &Client, rec: &Recorder, arn: &str) -> m::ManagedPolicy {
    let mut policy = m::ManagedPolicy {
        arn: arn.to_string(),
        name: None,
        document: None,
    };
    let Ok(out) = rec
        .call(
            Op::IamGetPolicy,
            Some(Scope::key(arn)),
            client.get_policy().policy_arn(arn).send(),
        )
        .await
    else {
        return policy;
    };
    let meta = out.policy();
    policy.name = meta.and_then(|p| p.policy_name()).map(str::to_string);
    let Some(version) = meta.and_then(|p| p.default_version_id()) else {
        return policy;
    };
    policy.document = rec
        .call(
            Op::IamGetPolicyVersion,
            Some(Scope::key(arn)),
            client
                .get_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send(),
        )
        .await
        .ok()
        .and_then(|out| out.policy_version()?.document().map(decode_policy));
    policy
}

/// The role name of a role ARN: its last path segment
/// (`arn:aws:iam::123456789012:role/service-role/exec` → `exec`). A bare name stays as is.
pub(crate) fn role_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A policy document as IAM returns it, as JSON text. IAM URL-encodes documents (GetRole's
/// trust policy, GetRolePolicy, GetPolicyVersion); some emulators (moto's GetPolicyVersion)
/// return them raw. JSON text never starts with `%`, so only text that does is decoded: raw
/// JSON may contain `%` and `+` that decoding would corrupt.
pub(crate) fn decode_policy(text: &str) -> String {
    if text.trim_start().starts_with('%') {
        percent_decode_str(text).decode_utf8_lossy().into_owned()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/service-role/exec"),
            "exec"
        );
        assert_eq!(role_name("arn:aws:iam::123456789012:role/exec"), "exec");
        assert_eq!(role_name("exec"), "exec");
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            decode_policy(encoded),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
        // Non-ASCII text survives (UTF-8 percent-encoded).
        assert_eq!(
            decode_policy("%7B%22Sid%22%3A%22caf%C3%A9%22%7D"),
            r#"{"Sid":"café"}"#
        );
    }

    #[test]
    fn raw_documents_are_left_alone() {
        // A literal `%` and `+` in a raw document must not be decoded.
        let raw = r#"{"Statement":[{"Condition":{"StringLike":{"aws:userid":"AID%2B+x"}}}]}"#;
        assert_eq!(decode_policy(raw), raw);
        let pretty = "\n  {\"Version\": \"2012-10-17\"}";
        assert_eq!(decode_policy(pretty), pretty);
    }

    #[test]
    fn service_linked_role_mapping() {
        let role = aws_sdk_iam::types::Role::builder()
            .path("/aws-service-role/ecs.amazonaws.com/")
            .role_name(SERVICE_LINKED_ROLE)
            .role_id("AROA")
            .arn("arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
            .create_date(aws_smithy_types::DateTime::from_secs(0))
            .assume_role_policy_document("%7B%22Version%22%3A%222012-10-17%22%7D")
            .build()
            .expect("role");
        let m = map_service_linked_role(&role);
        assert!(m.arn.ends_with("/AWSServiceRoleForECS"));
        assert_eq!(
            m.trust_policy.as_deref(),
            Some(r#"{"Version":"2012-10-17"}"#)
        );
    }
}
