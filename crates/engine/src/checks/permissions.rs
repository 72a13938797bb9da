//! Shared by the execution-role checks: the role's policies parsed once, the calls the Fargate
//! agent makes with the role (ECR, Logs, Secrets Manager, SSM, KMS), and their evaluation as
//! IAM does it — identity policies ∩ permissions boundary, then resource policies (ECR
//! repository, secret) and KMS key policies.

use fd_snapshot::Role;

use super::Outcome;
use crate::context::Cx;
use crate::iam::{self, Context, Decision, Policy, Request};
use crate::net::dest::Service;
pub use crate::roles::{Need, NeedKind, RolePolicies};

/// The execution role's policies (parsed once, in the check context), or the outcome a check
/// reports when they are not available.
pub fn role_policies<'c, 'a>(cx: &'c Cx<'a>) -> Result<&'c RolePolicies<'a>, Outcome> {
    cx.exec_role.as_ref().map_err(Clone::clone)
}

/// Every call the task's execution role must be allowed to make (built once, in the context).
pub fn needs(cx: &Cx) -> Vec<Need> {
    cx.exec_needs.clone()
}

/// The request context of a call made over the task's network path: `aws:SourceVpce` is the
/// endpoint when every subnet reaches the service through one, absent when none does, and not
/// known when it depends on the subnet.
pub fn request_context(cx: &Cx, service: Service) -> Context {
    let mut ctx = Context::new()
        .with("aws:RequestedRegion", cx.snap.region.clone())
        .with("aws:SecureTransport", "true");
    if service == Service::SecretsManager || service == Service::Ssm {
        let host = if service == Service::Ssm {
            "ssm"
        } else {
            "secretsmanager"
        };
        ctx.set(
            "kms:ViaService",
            format!("{host}.{}.amazonaws.com", cx.snap.region),
        );
    }
    let endpoints: Vec<Option<&str>> = cx
        .paths
        .iter()
        .flat_map(|sp| sp.paths.iter())
        .filter(|p| p.dest.service == service)
        .map(|p| {
            p.endpoint
                .usable_interface()
                .filter(|_| p.via_interface)
                .map(|e| e.id.as_str())
        })
        .collect();
    if !endpoints.is_empty() {
        if endpoints.iter().all(Option::is_none) {
            ctx.set_absent("aws:SourceVpce");
            ctx.set_absent("aws:SourceVpc");
        } else if let Some(Some(first)) = endpoints.first() {
            if endpoints.iter().all(|e| e == &Some(*first)) {
                ctx.set("aws:SourceVpce", first.to_string());
                if let Some(v) = cx.vpc {
                    ctx.set("aws:SourceVpc", v.id.clone());
                }
            }
        }
    }
    ctx
}

/// The effective decision for one need: identity ∩ boundary, then the resource policy, then the
/// KMS key. Returns the identity-only decision too (for IAM-GUARDRAILS and attribution).
pub struct Evaluated {
    pub identity: Decision,
    pub resource: Option<Decision>,
    pub effective: Decision,
    pub kms: Option<Decision>,
}

pub fn evaluate(cx: &Cx, rp: &RolePolicies, n: &Need) -> Evaluated {
    let mut ctx = request_context(cx, n.service);
    for (k, v) in &n.context {
        ctx.set(k, v.clone());
    }
    let role = rp.role.arn.as_str();
    let req = Request::new(role, n.action, &n.resource, &ctx);
    let ids = rp.identity_refs();
    let identity = iam::evaluate_identity(&ids, rp.boundary.as_ref(), &req);
    let role_account = iam::account_of(role).map(str::to_string);
    let same_account = n.resource_account.is_none() || n.resource_account == role_account;
    let resource = n.resource_policy.as_ref().and_then(|(name, doc)| {
        Policy::parse(name, doc)
            .ok()
            .map(|p| iam::evaluate_resource_policy(&p, &req))
    });
    let effective = if n.action == "ecr:GetAuthorizationToken" {
        // ECR authorises GetAuthorizationToken by identity policy only.
        identity.clone()
    } else {
        iam::with_resource_policy(identity.clone(), resource.clone(), same_account)
    };
    let kms = n.kms.as_ref().map(|(key_arn, key_policy)| {
        let kreq = Request::new(role, "kms:Decrypt", key_arn, &ctx);
        let id = iam::evaluate_identity(&ids, rp.boundary.as_ref(), &kreq);
        match key_policy
            .as_deref()
            .and_then(|d| Policy::parse(&format!("key policy of {key_arn}"), d).ok())
        {
            Some(kp) => {
                let key_same = iam::account_of(key_arn).map(str::to_string) == role_account;
                iam::with_key_policy(iam::evaluate_key_policy(&kp, &kreq), id, key_same)
            }
            // Without the key policy only the identity side is known; that is not enough to
            // allow, but a deny there is definite.
            None if id.is_allowed() == Some(false) => id,
            None => Decision::Unknown {
                key: "kms key policy".into(),
                cause: iam::UnknownCause::Unsupported(format!(
                    "the key policy of {key_arn} was not read{}",
                    [
                        fd_snapshot::Op::KmsGetKeyPolicy,
                        fd_snapshot::Op::KmsDescribeKey
                    ]
                    .into_iter()
                    .filter_map(|op| cx.snap.call_for(op, key_arn))
                    .find(|c| c.outcome != fd_snapshot::CallOutcome::Ok)
                    .map(|c| format!(" ({})", c.describe_failure()))
                    .unwrap_or_default()
                )),
                statement: iam::StatementRef {
                    policy: key_arn.clone(),
                    index: 0,
                    sid: None,
                    effect: iam::Effect::Allow,
                    principal_match: iam::PrincipalMatch::NotSpecified,
                },
                // The key policy may not allow the role (nor enable IAM): a key policy that
                // was not read leaves kms:Decrypt open whatever the identity side says.
                possible: vec![
                    id,
                    Decision::ImplicitDeny(iam::Gap {
                        layer: iam::Layer::KeyPolicy,
                        policies: vec![],
                    }),
                ],
            },
        }
    });
    Evaluated {
        identity,
        resource,
        effective,
        kms,
    }
}

/// Shared body of IAM-EXEC-ECR, -LOGS, -SECRETS, -PRIVREG, -ENVFILES (execution role) and the
/// task role's EFS calls: every need of `kind` must be allowed; one finding per resource,
/// naming the role first, citing the deciding statement. Denials that come from the ECR
/// repository policy are ECR-REPO-POLICY's, not ours.
pub fn permission_check(check: &super::Check, cx: &Cx, kind: NeedKind) -> Outcome {
    use crate::report::Evidence;
    let (source, view, subject) = if kind == NeedKind::Efs {
        (&cx.efs_needs, &cx.task_role, "The task role")
    } else {
        (&cx.exec_needs, &cx.exec_role, "The execution role")
    };
    let all: Vec<&Need> = source.iter().filter(|n| n.kind == kind).collect();
    if all.is_empty() {
        return Outcome::na(match kind {
            NeedKind::Ecr => "no private ECR image",
            NeedKind::Logs => "no awslogs log driver",
            NeedKind::Secrets => "no secret referenced",
            NeedKind::PrivateRegistry => "no repositoryCredentials",
            NeedKind::EnvFiles => "no environmentFiles in S3 (or platform 1.3.0)",
            NeedKind::Efs => "no EFS volume with IAM authorization",
        });
    }
    let rp = match view {
        Ok(rp) => rp,
        Err(o) => return o.clone(),
    };
    /// The calls denied on one resource.
    struct Denied {
        resource: String,
        actions: Vec<String>,
        evidence: Vec<Evidence>,
        why: String,
        /// The decision that denied the first of them: it picks the remedy.
        decision: Decision,
    }
    let mut denied: Vec<Denied> = Vec::new();
    let mut unknown = None;
    for n in all {
        let ev = evaluate(cx, rp, n);
        let mut verdicts = vec![(
            n.action.to_string(),
            n.subject.clone(),
            ev.effective.clone(),
            true,
        )];
        if let Some(k) = &ev.kms {
            verdicts.push((
                "kms:Decrypt".to_string(),
                n.kms.as_ref().map(|k| k.0.clone()).unwrap_or_default(),
                k.clone(),
                false,
            ));
        }
        for (action, resource, d, main) in verdicts {
            match d.is_allowed() {
                // An Allow with a resource policy that could not be read is not an answer: it
                // may hold an explicit Deny (repository policies are ECR-REPO-POLICY's).
                Some(true) if main && kind != NeedKind::Ecr => {
                    if let Some(why) = n
                        .resource_policy_unreadable
                        .as_ref()
                        .or(n.kms_unknown.as_ref())
                    {
                        unknown = Some(format!("{action} on {resource}: {why}"));
                    }
                }
                Some(true) => {}
                None => unknown = Some(format!("{action} on {resource}: {}", d.describe())),
                Some(false) => {
                    if main && kind == NeedKind::Ecr && repo_policy_denies(&ev, n) {
                        continue;
                    }
                    // Same account, the unread resource policy could grant what the role's own
                    // policies do not: only an explicit Deny of theirs is an answer.
                    let same_account = n.resource_account.is_none()
                        || n.resource_account.as_deref() == iam::account_of(&rp.role.arn);
                    if main
                        && kind != NeedKind::Ecr
                        && same_account
                        && !matches!(d, Decision::ExplicitDeny(_))
                    {
                        if let Some(why) = &n.resource_policy_unreadable {
                            unknown = Some(format!("{action} on {resource}: {why}"));
                            continue;
                        }
                    }
                    let detail = format!("{action} on {resource}: {}", d.describe());
                    match denied.iter_mut().find(|x| x.resource == resource) {
                        Some(x) => {
                            if !x.actions.contains(&action) {
                                x.actions.push(action);
                                x.evidence.push(super::ev(&rp.role.arn, detail));
                            }
                        }
                        None => denied.push(Denied {
                            resource,
                            actions: vec![action],
                            evidence: vec![super::ev(&rp.role.arn, detail)],
                            why: n.why.clone(),
                            decision: d,
                        }),
                    }
                }
            }
        }
    }
    let findings = denied
        .into_iter()
        .map(|x| {
            let mut resources = vec![rp.role.arn.clone()];
            if x.resource != "*" {
                resources.push(x.resource.clone());
            }
            let actions = x.actions.join(", ");
            check.finding(
                format!(
                    "{subject} {} is not allowed {actions} on {} (needed for {}).",
                    rp.role.arn, x.resource, x.why
                ),
                resources,
                x.evidence,
                remedy(&x.decision, &actions, &x.resource, rp.role),
            )
        })
        .collect();
    Outcome::from_findings(findings, unknown)
}

/// True when the identity side would allow a repository call and the repository policy is what
/// denies it (an explicit Deny, or a cross-account repository that does not grant the role).
pub fn repo_policy_denies(ev: &Evaluated, n: &Need) -> bool {
    if n.resource_policy.is_none() && ev.identity.is_allowed() == Some(true) {
        // Cross account without any repository policy: the repository owner must grant it.
        return ev.effective.is_allowed() == Some(false);
    }
    match &ev.resource {
        Some(Decision::ExplicitDeny(_)) => true,
        Some(r) => {
            ev.identity.is_allowed() == Some(true)
                && r.is_allowed() != Some(true)
                && ev.effective.is_allowed() == Some(false)
        }
        None => false,
    }
}

/// The fix that matches why the call is denied: the Deny statement, the boundary, or a
/// missing Allow.
fn remedy(decision: &Decision, actions: &str, resource: &str, role: &Role) -> String {
    match decision {
        Decision::ExplicitDeny(s) => format!(
            "Remove or narrow the Deny in {s} so that it no longer matches {actions} on {resource}."
        ),
        Decision::ImplicitDeny(gap) if gap.layer == iam::Layer::Boundary => format!(
            "Add {actions} on {resource} to the permissions boundary{} of {} (the role's own policies already allow it).",
            gap.policies.first().map(|p| format!(" {p}")).unwrap_or_default(),
            role.name
        ),
        Decision::ImplicitDeny(gap) if gap.layer == iam::Layer::KeyPolicy => format!(
            "Let {} use the key in its key policy (or enable IAM policies for the account in it), and allow {actions} in the role's policy.",
            role.arn
        ),
        _ => format!(
            "Allow {actions} on {resource} in a policy of {} (AmazonECSTaskExecutionRolePolicy covers ECR and Logs).",
            role.name
        ),
    }
}
