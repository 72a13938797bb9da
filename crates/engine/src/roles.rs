//! The roles a task uses, read once per target: the execution role (what the Fargate agent
//! calls ECR, Logs, Secrets Manager, SSM and S3 with) and the task role (what EFS IAM
//! authorization checks), their policies parsed once, and every call each role must be
//! allowed — derived from the one model of what the task needs ([`TaskNeeds`]).

use fd_snapshot::needs::{SecretSource, SecretUse, TaskNeeds};
use fd_snapshot::{refs, Fetched, Op, Role, Snapshot};

use fd_snapshot::Found;

use crate::iam::Policy;
use crate::net::dest::Service;
use crate::outcome::Outcome;

/// A role and its parsed policies.
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

/// A role as a check sees it: its policies, or the outcome a check reports when they are not
/// available (no role: not applicable; missing: not applicable, its own check fails;
/// unreadable: unknown with the reason).
pub type RoleView<'a> = Result<RolePolicies<'a>, Outcome>;

/// Reads the role `arn` (as the task definition names it) from the snapshot and parses its
/// policies. `what` names the role in "not applicable" reasons ("execution role").
pub fn load<'a>(snap: &'a Snapshot, arn: Option<&str>, what: &str) -> RoleView<'a> {
    let Some(arn) = arn else {
        return Err(Outcome::na(format!("the task has no {what}")));
    };
    let role = match snap.role(arn) {
        Found::Yes(r) => r,
        Found::Missing => return Err(Outcome::na(format!("the {what} {arn} does not exist"))),
        Found::Unknown(why) => return Err(Outcome::unknown(why)),
    };
    let unreadable = |part: &str, op: Op| {
        Outcome::unknown(
            snap.call_for(op, arn)
                .map(|c| c.describe_failure())
                .unwrap_or_else(|| format!("the {part} of {arn} could not be read")),
        )
    };
    let attached = role
        .attached_policies
        .as_ref()
        .ok_or_else(|| unreadable("attached policies", Op::IamListAttachedRolePolicies))?;
    let inline = role
        .inline_policies
        .as_ref()
        .ok_or_else(|| unreadable("inline policies", Op::IamListRolePolicies))?;
    let failed = |op: Op, scope: &str| {
        snap.call_for(op, scope)
            .filter(|c| c.outcome != fd_snapshot::CallOutcome::Ok)
            .map(|c| c.describe_failure())
    };
    let mut identity = Vec::new();
    for p in attached {
        let doc = p.document.as_deref().ok_or_else(|| {
            Outcome::unknown(
                failed(Op::IamGetPolicyVersion, &p.arn)
                    .or_else(|| failed(Op::IamGetPolicy, &p.arn))
                    .unwrap_or_else(|| format!("the document of policy {} was not read", p.arn)),
            )
        })?;
        identity.push(parse(&p.arn, doc)?);
    }
    for p in inline {
        let doc = p.document.as_deref().ok_or_else(|| {
            Outcome::unknown(
                snap.call_scoped(
                    Op::IamGetRolePolicy,
                    &fd_snapshot::Scope::Part {
                        of: arn.to_string(),
                        part: p.name.clone(),
                    },
                )
                .filter(|c| c.outcome != fd_snapshot::CallOutcome::Ok)
                .map(|c| c.describe_failure())
                .unwrap_or_else(|| {
                    format!("the document of inline policy {} was not read", p.name)
                }),
            )
        })?;
        identity.push(parse(&p.name, doc)?);
    }
    let boundary = match &role.permissions_boundary {
        None => None,
        Some(b) => {
            let doc = b.document.as_deref().ok_or_else(|| {
                Outcome::unknown(
                    failed(Op::IamGetPolicyVersion, &b.arn)
                        .or_else(|| failed(Op::IamGetPolicy, &b.arn))
                        .unwrap_or_else(|| {
                            format!("the permissions boundary {} was not read", b.arn)
                        }),
                )
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

/// What a role is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedKind {
    Ecr,
    Logs,
    Secrets,
    PrivateRegistry,
    EnvFiles,
    /// Task role: EFS IAM authorization.
    Efs,
}

/// One call made with a role.
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
    /// The resource-based policy that also applies (repository policy, secret policy, file
    /// system policy).
    pub resource_policy: Option<(String, String)>,
    /// Why the resource-based policy could not be read (the call was denied, throttled or
    /// failed), when it could not: a resource policy may hold an explicit Deny, so an Allow
    /// from the role's own policies is not an answer then.
    pub resource_policy_unreadable: Option<String>,
    /// The account owning the resource (for same- versus cross-account composition).
    pub resource_account: Option<String>,
    /// A customer managed KMS key the call also needs `kms:Decrypt` on: (key ARN, key policy).
    pub kms: Option<(String, Option<String>)>,
    /// Why it is not known whether the call needs a KMS key (the secret or parameter could not
    /// be read): an Allow is not an answer then.
    pub kms_unknown: Option<String>,
    /// What in the task definition makes the call ("image … of container web").
    pub why: String,
    /// Request context keys this call sets beyond the network path's (EFS: transport
    /// encryption, mount target, access point).
    pub context: Vec<(&'static str, String)>,
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
        resource_policy_unreadable: None,
        kms_unknown: None,
        resource_account: None,
        kms: None,
        why: why.to_string(),
        context: Vec::new(),
    }
}

/// The account the task runs in: the snapshot's, else the execution role's.
pub fn task_account(snap: &Snapshot, needs: &TaskNeeds) -> String {
    snap.account_id
        .clone()
        .or_else(|| {
            needs
                .execution_role
                .as_deref()
                .and_then(refs::account_of)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Every call the task's execution role must be allowed to make.
pub fn execution_needs(snap: &Snapshot, needs: &TaskNeeds, legacy_pv: bool) -> Vec<Need> {
    let region = snap.region.as_str();
    let account = task_account(snap, needs);
    let partition = refs::partition_for_region(region);
    let mut out: Vec<Need> = Vec::new();
    for i in needs.ecr_images() {
        let Some(repo_arn) = i.repository_arn() else {
            continue;
        };
        let acct = refs::account_of(&repo_arn).map(str::to_string);
        let why = i.why();
        out.push(need(
            NeedKind::Ecr,
            Service::EcrApi,
            "ecr:GetAuthorizationToken",
            "*".into(),
            &why,
        ));
        // An unread repository is an unread policy: the collector keeps the policy only with
        // the repository.
        let (repo, repo_unread) = match snap.repository(&repo_arn) {
            Found::Yes(r) => (Some(r), None),
            Found::Missing => (None, None), // ECR-REPO-NOT-FOUND
            Found::Unknown(why) => (None, Some(why)),
        };
        let policy = repo.and_then(|r| r.policy.clone()).map(|p| {
            (
                format!(
                    "repository policy of {}",
                    repo.map_or("", |r| r.name.as_str())
                ),
                p,
            )
        });
        for action in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
            let mut n = need(
                NeedKind::Ecr,
                Service::EcrDkr,
                action,
                repo_arn.clone(),
                &why,
            );
            n.resource_policy = policy.clone();
            n.resource_policy_unreadable = unreadable(snap, Op::EcrGetRepositoryPolicy, &repo_arn)
                .or_else(|| repo_unread.clone());
            n.resource_account = acct.clone();
            out.push(n);
        }
    }
    for (l, a) in needs.awslogs() {
        let Some(group) = &a.group else { continue };
        let why = format!("awslogs log group {group} of container {}", l.container);
        let group_arn = format!(
            "arn:{partition}:logs:{}:{account}:log-group:{group}",
            a.region
        );
        let prefix = a.stream_prefix.as_deref().unwrap_or("ecs");
        let stream_arn = format!(
            "{group_arn}:log-stream:{prefix}/{}/0123456789abcdef",
            l.container
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
        if a.create_group {
            out.push(need(
                NeedKind::Logs,
                Service::Logs,
                "logs:CreateLogGroup",
                group_arn,
                &why,
            ));
        }
    }
    for s in &needs.secrets {
        let kind = if s.usage == SecretUse::RegistryCredentials {
            NeedKind::PrivateRegistry
        } else {
            NeedKind::Secrets
        };
        let why = s.why();
        match &s.source {
            SecretSource::SecretsManager { id, .. } => {
                // Unread, the secret's policy and key are unknown (absent: SEC-SM-NOT-FOUND).
                let (secret, secret_unread) = match snap.secret(id) {
                    Found::Yes(s) => (Some(s), None),
                    Found::Missing => (None, None),
                    Found::Unknown(why) => (None, Some(why)),
                };
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
                            secret.map(|s| s.name.as_str()).unwrap_or(id)
                        ),
                        p,
                    )
                });
                n.resource_policy_unreadable =
                    unreadable(snap, Op::SecretsManagerGetResourcePolicy, id)
                        .or_else(|| secret_unread.clone());
                n.kms_unknown = secret_unread;
                n.resource_account = refs::account_of(&arn).map(str::to_string);
                n.kms = secret
                    .and_then(|s| s.kms_key_id.as_deref())
                    .and_then(|k| customer_key(snap, k));
                out.push(n);
            }
            SecretSource::Ssm {
                value_from,
                region: r,
            } => {
                // Unread, the parameter's key is unknown (absent: SEC-SSM-NOT-FOUND).
                let (param, param_unread) = match snap.parameter(value_from) {
                    Found::Yes(p) => (Some(p), None),
                    Found::Missing => (None, None),
                    Found::Unknown(why) => (None, Some(why)),
                };
                let arn = param.and_then(|p| p.arn.clone()).unwrap_or_else(|| {
                    if value_from.starts_with("arn:") {
                        value_from.clone()
                    } else {
                        format!(
                            "arn:{partition}:ssm:{r}:{account}:parameter/{}",
                            value_from.trim_start_matches('/')
                        )
                    }
                });
                let mut n = need(kind, Service::Ssm, "ssm:GetParameters", arn.clone(), &why);
                n.resource_account = refs::account_of(&arn).map(str::to_string);
                n.kms = param
                    .and_then(|p| p.key_id.as_deref())
                    .and_then(|k| customer_key(snap, k));
                n.kms_unknown = param_unread;
                out.push(n);
            }
        }
    }
    // Env files are downloaded by the platform with the execution role (1.4.0 and later).
    if !legacy_pv {
        for f in &needs.env_files {
            let (Some(_), Some(bucket_arn)) = (&f.object, f.bucket_arn()) else {
                continue;
            };
            let why = f.why();
            let bucket = f.bucket().unwrap_or_default();
            // The bucket policy may deny the role: when it could not be read, an Allow of the
            // role's own policies is not an answer. (A missing bucket is ENVFILE-NOT-FOUND's.)
            let (policy, policy_unreadable) = match snap.s3.buckets.get(bucket) {
                Some(Fetched::Found { value }) => match &value.policy {
                    Fetched::Found { value: p } => (
                        Some((format!("bucket policy of {bucket}"), p.clone())),
                        None,
                    ),
                    Fetched::Absent { .. } => (None, None),
                    Fetched::Unreadable { call, reason } => {
                        (None, Some(format!("{call} failed for {bucket}: {reason}")))
                    }
                },
                Some(Fetched::Absent { .. }) => (None, None),
                Some(Fetched::Unreadable { call, reason }) => {
                    (None, Some(format!("{call} failed for {bucket}: {reason}")))
                }
                None => (
                    None,
                    Some(format!(
                        "bucket {bucket} was not read (not in the snapshot)"
                    )),
                ),
            };
            for (action, resource) in [
                ("s3:GetObject", f.arn.clone()),
                ("s3:GetBucketLocation", bucket_arn.clone()),
            ] {
                let mut n = need(NeedKind::EnvFiles, Service::S3Files, action, resource, &why);
                n.resource_policy = policy.clone();
                n.resource_policy_unreadable = policy_unreadable.clone();
                out.push(n);
            }
        }
    }
    unparsable_policies_are_unreadable(&mut out);
    out
}

/// A resource policy that cannot be parsed cannot be evaluated: like one that could not be
/// read, it leaves an Allow of the role's own policies without an answer.
fn unparsable_policies_are_unreadable(needs: &mut [Need]) {
    for n in needs {
        if let Some((name, doc)) = &n.resource_policy {
            if let Err(e) = Policy::parse(name, doc) {
                n.resource_policy_unreadable = Some(format!("the {name} cannot be evaluated: {e}"));
                n.resource_policy = None;
            }
        }
    }
}

/// Why the resource policy read by `service:operation` for `scope` failed, if it did (a
/// `not_found` outcome means "no policy", which is an answer).
fn unreadable(snap: &Snapshot, op: Op, scope: &str) -> Option<String> {
    use fd_snapshot::CallOutcome;
    snap.call_for(op, scope)
        .filter(|c| {
            matches!(
                c.outcome,
                CallOutcome::Denied | CallOutcome::Throttled | CallOutcome::Failed
            )
        })
        .map(|c| c.describe_failure())
}

/// EFS's policy when a file system has none: every client that reaches a mount target may
/// mount, write and act as root (EFS user guide, "Default EFS file system policy").
pub const EFS_DEFAULT_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["elasticfilesystem:ClientRootAccess","elasticfilesystem:ClientWrite","elasticfilesystem:ClientMount"],"Resource":"*","Condition":{"Bool":{"elasticfilesystem:AccessedViaMountTarget":"true"}}}]}"#;

/// The calls the task role must be allowed for EFS volumes with IAM authorization:
/// `elasticfilesystem:ClientMount`, and `ClientWrite` unless every mount point is read-only.
/// Volumes whose file system or policy could not be read (or that do not exist) are left out:
/// EFS-IAM-DENIED says `unknown` for them, EFS-FS-NOT-FOUND reports a missing one.
pub fn efs_needs(snap: &Snapshot, needs: &TaskNeeds) -> Vec<Need> {
    let account = task_account(snap, needs);
    let partition = refs::partition_for_region(&snap.region);
    let mut out = Vec::new();
    for e in needs.efs.iter().filter(|e| e.config.iam) {
        let fs_id = &e.config.file_system_id;
        let fs = snap.efs.file_systems.get(fs_id).and_then(Fetched::value);
        let arn = fs.and_then(|f| f.arn.clone()).unwrap_or_else(|| {
            format!(
                "arn:{partition}:elasticfilesystem:{}:{account}:file-system/{fs_id}",
                snap.region
            )
        });
        let policy = match fs.map(|f| &f.policy) {
            Some(Fetched::Found { value }) => {
                Some((format!("file system policy of {fs_id}"), value.clone()))
            }
            Some(Fetched::Absent { .. }) => Some((
                format!("the default file system policy of {fs_id}"),
                EFS_DEFAULT_POLICY.to_string(),
            )),
            // Without the file system (or its policy) the decision cannot be made: EFS-IAM-DENIED
            // reports that volume as unknown.
            _ => continue,
        };
        let why = format!(
            "EFS volume {} ({fs_id}, IAM authorization) of {}",
            e.volume,
            if e.containers.is_empty() {
                "no container".to_string()
            } else {
                format!("container {}", e.containers.join(", "))
            }
        );
        let mut actions = vec!["elasticfilesystem:ClientMount"];
        if !e.read_only {
            actions.push("elasticfilesystem:ClientWrite");
        }
        for action in actions {
            let mut n = need(NeedKind::Efs, Service::Efs, action, arn.clone(), &why);
            n.resource_policy = policy.clone();
            n.resource_account = refs::account_of(&arn).map(str::to_string);
            n.context = vec![
                (
                    "aws:SecureTransport",
                    e.config.transit_encryption.to_string(),
                ),
                ("elasticfilesystem:AccessedViaMountTarget", "true".into()),
            ];
            if let Some(ap) = &e.config.access_point_id {
                n.context.push((
                    "elasticfilesystem:AccessPointArn",
                    format!(
                        "arn:{partition}:elasticfilesystem:{}:{account}:access-point/{ap}",
                        snap.region
                    ),
                ));
            }
            out.push(n);
        }
    }
    unparsable_policies_are_unreadable(&mut out);
    out
}

/// A customer managed key (ARN and key policy) for a key reference; AWS managed keys
/// (`alias/aws/…`, key manager AWS) need no permission of the role.
pub fn customer_key(snap: &Snapshot, reference: &str) -> Option<(String, Option<String>)> {
    if reference.starts_with("alias/aws/") || reference.contains(":alias/aws/") {
        return None;
    }
    match snap.kms_key(reference) {
        Found::Yes(k) if k.key_manager.as_deref() == Some("AWS") => None,
        Found::Yes(k) => Some((k.arn.clone(), k.policy.clone())),
        // Absent or unreadable: the key policy is not known, so `kms:Decrypt` is undecided
        // unless the role's own policies deny it (ECR-KMS-KEY-UNUSABLE speaks for the key).
        Found::Missing | Found::Unknown(_) => Some((reference.to_string(), None)),
    }
}
