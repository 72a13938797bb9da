//! Shared by the execution-role checks: the role's policies parsed once, the calls the Fargate
//! agent makes with the role (ECR, Logs, Secrets Manager, SSM, KMS), and their evaluation as
//! IAM does it — identity policies ∩ permissions boundary, then resource policies (ECR
//! repository, secret) and KMS key policies.

use fd_snapshot::{refs, Role};

use super::{lookup, Found, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Decision, Policy, Request};
use crate::image::{self, ImageSource};
use crate::net::dest::Service;

/// The execution role and its parsed policies.
pub struct RolePolicies<'a> {
    pub role: &'a Role,
    pub identity: Vec<Policy>,
    pub boundary: Option<Policy>,
}

impl RolePolicies<'_> {
    pub fn identity_refs(&self) -> Vec<&Policy> {
        self.identity.iter().collect()
    }
}

/// The execution role's policies, or the outcome a check reports when they are not available
/// (no role: not applicable; unreadable: unknown with the reason).
pub fn role_policies<'a>(cx: &Cx<'a>) -> Result<RolePolicies<'a>, Outcome> {
    let Some(arn) = cx.execution_role() else {
        return Err(Outcome::na("the task has no execution role"));
    };
    let role = match lookup(cx, &cx.snap.iam.roles, arn, "iam", "GetRole") {
        Found::Yes(r) => r,
        Found::Missing => {
            return Err(Outcome::na(format!(
                "{arn} does not exist (IAM-EXEC-MISSING)"
            )))
        }
        Found::Unknown(why) => return Err(Outcome::unknown(why)),
    };
    let unreadable = |what: &str, op: &str| {
        Outcome::unknown(
            cx.snap
                .call_for("iam", op, arn)
                .map(|c| c.describe_failure())
                .unwrap_or_else(|| format!("the {what} of {arn} could not be read")),
        )
    };
    let attached = role
        .attached_policies
        .as_ref()
        .ok_or_else(|| unreadable("attached policies", "ListAttachedRolePolicies"))?;
    let inline = role
        .inline_policies
        .as_ref()
        .ok_or_else(|| unreadable("inline policies", "ListRolePolicies"))?;
    let mut identity = Vec::new();
    for (source, doc) in attached
        .iter()
        .map(|p| (p.arn.as_str(), p.document.as_deref()))
        .chain(
            inline
                .iter()
                .map(|p| (p.name.as_str(), p.document.as_deref())),
        )
    {
        let doc = doc.ok_or_else(|| {
            Outcome::unknown(format!("the document of policy {source} could not be read"))
        })?;
        identity.push(parse(source, doc)?);
    }
    let boundary = match &role.permissions_boundary {
        None => None,
        Some(b) => {
            let doc = b.document.as_deref().ok_or_else(|| {
                Outcome::unknown(format!(
                    "the permissions boundary {} could not be read",
                    b.arn
                ))
            })?;
            Some(parse(&b.arn, doc)?)
        }
    };
    Ok(RolePolicies {
        role,
        identity,
        boundary,
    })
}

pub fn parse(source: &str, doc: &str) -> Result<Policy, Outcome> {
    Policy::parse(source, doc)
        .map_err(|e| Outcome::unknown(format!("policy {source} cannot be evaluated: {e}")))
}

/// What the Fargate agent asks for with the execution role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedKind {
    Ecr,
    Logs,
    Secrets,
    PrivateRegistry,
}

/// One call the agent makes with the role.
#[derive(Debug, Clone)]
pub struct Need {
    pub kind: NeedKind,
    /// The service whose endpoint carries the call (for `aws:SourceVpce` and endpoint policies).
    pub service: Service,
    pub action: &'static str,
    /// The resource ARN the call is evaluated on.
    pub resource: String,
    /// The resource to name in findings (the log group, not the stream the agent will create).
    pub subject: String,
    /// The resource-based policy that also applies (repository policy, secret policy).
    pub resource_policy: Option<(String, String)>,
    /// The account owning the resource (for same- versus cross-account composition).
    pub resource_account: Option<String>,
    /// A customer managed KMS key the call also needs `kms:Decrypt` on: (key ARN, key policy).
    pub kms: Option<(String, Option<String>)>,
    /// What in the task definition makes the call ("image … of container web").
    pub why: String,
}

fn need(
    kind: NeedKind,
    service: Service,
    action: &'static str,
    resource: String,
    why: &str,
) -> Need {
    Need {
        kind,
        service,
        action,
        subject: resource.clone(),
        resource,
        resource_policy: None,
        resource_account: None,
        kms: None,
        why: why.to_string(),
    }
}

/// Every call the task's execution role must be allowed to make.
pub fn needs(cx: &Cx) -> Vec<Need> {
    let Some(td) = cx.td else { return vec![] };
    let region = cx.snap.region.as_str();
    let account = cx
        .snap
        .account_id
        .clone()
        .or_else(|| {
            cx.execution_role()
                .and_then(refs::parse_arn)
                .map(|a| a.account.to_string())
        })
        .unwrap_or_default();
    let partition = refs::partition_for_region(region);
    let mut out: Vec<Need> = Vec::new();
    for c in &td.containers {
        if let ImageSource::PrivateEcr {
            account: acct,
            region: r,
            repository,
            ..
        } = image::parse(&c.image)
        {
            let why = format!("image {} of container {}", c.image, c.name);
            let repo_arn =
                refs::repository_arn(refs::partition_for_region(&r), &r, &acct, &repository);
            out.push(need(
                NeedKind::Ecr,
                Service::EcrApi,
                "ecr:GetAuthorizationToken",
                "*".into(),
                &why,
            ));
            let policy = cx
                .snap
                .ecr
                .repositories
                .get(&repo_arn)
                .and_then(|r| r.policy.clone())
                .map(|p| (format!("repository policy of {repository}"), p));
            for action in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
                let mut n = need(
                    NeedKind::Ecr,
                    Service::EcrDkr,
                    action,
                    repo_arn.clone(),
                    &why,
                );
                n.resource_policy = policy.clone();
                n.resource_account = Some(acct.clone());
                out.push(n);
            }
        }
        if let Some(lc) = c
            .log_configuration
            .as_ref()
            .filter(|l| l.log_driver == "awslogs")
        {
            if let Some(group) = lc.options.get("awslogs-group") {
                let r = lc
                    .options
                    .get("awslogs-region")
                    .map(String::as_str)
                    .unwrap_or(region);
                let why = format!("awslogs log group {group} of container {}", c.name);
                let group_arn = format!("arn:{partition}:logs:{r}:{account}:log-group:{group}");
                let prefix = lc
                    .options
                    .get("awslogs-stream-prefix")
                    .map(String::as_str)
                    .unwrap_or("ecs");
                let stream_arn = format!(
                    "{group_arn}:log-stream:{prefix}/{}/0123456789abcdef",
                    c.name
                );
                for action in ["logs:CreateLogStream", "logs:PutLogEvents"] {
                    let mut n = need(
                        NeedKind::Logs,
                        Service::Logs,
                        action,
                        stream_arn.clone(),
                        &why,
                    );
                    n.subject = group_arn.clone();
                    out.push(n);
                }
                if lc
                    .options
                    .get("awslogs-create-group")
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                {
                    out.push(need(
                        NeedKind::Logs,
                        Service::Logs,
                        "logs:CreateLogGroup",
                        group_arn,
                        &why,
                    ));
                }
            }
        }
        let secret_refs = c
            .secrets
            .iter()
            .chain(
                c.log_configuration
                    .iter()
                    .flat_map(|l| l.secret_options.iter()),
            )
            .map(|s| {
                (
                    NeedKind::Secrets,
                    s.value_from.clone(),
                    format!("secret {} of container {}", s.name, c.name),
                )
            })
            .chain(c.repository_credentials.iter().map(|r| {
                (
                    NeedKind::PrivateRegistry,
                    r.clone(),
                    format!("repositoryCredentials of container {}", c.name),
                )
            }));
        for (kind, value, why) in secret_refs {
            if refs::is_secrets_manager(&value) || kind == NeedKind::PrivateRegistry {
                let id = refs::secret_id(&value);
                let secret = cx.snap.resources.secrets.get(&id);
                let arn = secret.map(|s| s.arn.clone()).unwrap_or_else(|| id.clone());
                let mut n = need(
                    kind,
                    Service::SecretsManager,
                    "secretsmanager:GetSecretValue",
                    arn.clone(),
                    &why,
                );
                n.resource_policy = secret.and_then(|s| s.resource_policy.clone()).map(|p| {
                    (
                        format!(
                            "resource policy of secret {}",
                            secret.map(|s| s.name.as_str()).unwrap_or(&id)
                        ),
                        p,
                    )
                });
                n.resource_account = refs::parse_arn(&arn).map(|a| a.account.to_string());
                n.kms = secret
                    .and_then(|s| s.kms_key_id.as_deref())
                    .and_then(|k| customer_key(cx, k));
                out.push(n);
            } else {
                let param = cx.snap.resources.parameters.get(&value);
                let arn = param.and_then(|p| p.arn.clone()).unwrap_or_else(|| {
                    if value.starts_with("arn:") {
                        value.clone()
                    } else {
                        format!(
                            "arn:{partition}:ssm:{region}:{account}:parameter/{}",
                            value.trim_start_matches('/')
                        )
                    }
                });
                let mut n = need(kind, Service::Ssm, "ssm:GetParameters", arn.clone(), &why);
                n.resource_account = refs::parse_arn(&arn).map(|a| a.account.to_string());
                n.kms = param
                    .and_then(|p| p.key_id.as_deref())
                    .and_then(|k| customer_key(cx, k));
                out.push(n);
            }
        }
    }
    out
}

/// A customer managed key (ARN and key policy) for a key reference; AWS managed keys
/// (`alias/aws/…`, key manager AWS) need no permission of the role.
fn customer_key(cx: &Cx, reference: &str) -> Option<(String, Option<String>)> {
    if reference.starts_with("alias/aws/") || reference.contains(":alias/aws/") {
        return None;
    }
    match cx.snap.resources.kms_keys.get(reference) {
        Some(k) if k.key_manager.as_deref() == Some("AWS") => None,
        Some(k) => Some((k.arn.clone(), k.policy.clone())),
        None => Some((reference.to_string(), None)),
    }
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
    let ctx = request_context(cx, n.service);
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
                    "the key policy of {key_arn} was not read"
                )),
                statement: iam::StatementRef {
                    policy: key_arn.clone(),
                    index: 0,
                    sid: None,
                    effect: iam::Effect::Allow,
                    principal_match: iam::PrincipalMatch::NotSpecified,
                },
                possible: vec![id],
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

/// Shared body of IAM-EXEC-ECR, -LOGS, -SECRETS and -PRIVREG: every need of `kind` must be
/// allowed; one finding per resource, naming the role first, citing the deciding statement.
/// Denials that come from the ECR repository policy are ECR-REPO-POLICY's, not ours.
pub fn permission_check(check: &super::Check, cx: &Cx, kind: NeedKind) -> Outcome {
    use crate::report::Evidence;
    let all: Vec<Need> = needs(cx).into_iter().filter(|n| n.kind == kind).collect();
    if all.is_empty() {
        return Outcome::na(match kind {
            NeedKind::Ecr => "no private ECR image",
            NeedKind::Logs => "no awslogs log driver",
            NeedKind::Secrets => "no secret referenced",
            NeedKind::PrivateRegistry => "no repositoryCredentials",
        });
    }
    let rp = match role_policies(cx) {
        Ok(rp) => rp,
        Err(o) => return o,
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
    for n in &all {
        let ev = evaluate(cx, &rp, n);
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
                Some(true) => {}
                None => unknown = Some(format!("{action} on {resource}: {}", d.describe())),
                Some(false) => {
                    if main && kind == NeedKind::Ecr && repo_policy_denies(&ev, n) {
                        continue;
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
                    "The execution role {} is not allowed {actions} on {} (needed for {}).",
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
