//! Reads AWS, read-only, into a [`fd_snapshot::Snapshot`]: the only crate of fargate-doctor that
//! talks to AWS.
//!
//! Only `Describe*` / `List*` / `Get*` calls are made. Every call (every page) is recorded in
//! [`Snapshot::calls`] with its outcome, so the engine can say `unknown` (and why) instead of
//! `pass` when something could not be read. A failed call never aborts the run, except for
//! the diagnosis target itself (see [`CollectError`]).
//!
//! Each read starts as soon as what it needs is known:
//! 1. the targets (ECS: DescribeTasks / DescribeServices / DescribeTaskDefinition for a
//!    preflight), a few at a time. A service's task definition is read while its stopped and
//!    running tasks are listed, a task's while its ENI is; a `scan` lists its clusters'
//!    services concurrently and reads each cluster in batches (see `scan.rs`): a service that
//!    cannot be read there is that target's unread part, not the end of the scan;
//! 2. concurrently, three branches:
//!    - the network around the targets' subnets and security groups (EC2: the subnets, then
//!      everything of their VPCs at once, then what those name);
//!    - the rest of the task definitions, then the account (STS, when no ARN read so far
//!      names it) and, concurrently, what the task definitions refer to: execution and task
//!      roles (GetRole and both policy listings at once, then the policies) and the ECS
//!      service-linked role (IAM), images and the digests services are pinned to (ECR),
//!      secrets (Secrets Manager), parameters (SSM), log groups (CloudWatch Logs), EFS file
//!      systems and access points, environment files (S3), and then the customer KMS keys
//!      those use;
//!    - the private DNS of the task subnets' VPCs (Route 53 private hosted zones, Resolver
//!      rules, DNS Firewall), as soon as the network's first read names the VPCs and the task
//!      definitions name the image registries;
//! 3. what only step 2 revealed: the subnets, security groups and network ACLs of EFS mount
//!    targets outside the targets' VPCs (EC2).
//!
//! `cargo bench --bench collect` prints the calls and sequential rounds this costs.
//!
//! Every call gives up when the run's deadline passes (recorded as failed with code
//! `Deadline`): the collection then ends with what was read, and the checks that needed the
//! rest are `unknown`, naming the deadline.
//!
//! Configuration comes from the standard AWS chain (environment, profile, SSO, IMDS …), so
//! `AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL[_<SERVICE>]`, `AWS_MAX_ATTEMPTS` and
//! `AWS_RETRY_MODE` work as with any AWS tool; [`CollectOptions`] overrides them.

mod calls;
mod dns;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod iam;
mod references;
mod regional;
mod resolver;
mod resources;
mod s3;
mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use aws_config::{BehaviorVersion, Region};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use fd_snapshot::Op;
use fd_snapshot::{
    AwsVpcConfiguration, EcrData, EfsData, IamData, ResourceData, S3Data, Snapshot, Target,
    TargetKind, TaskDefinition,
};
use futures::stream::{self, StreamExt};

use crate::calls::Recorder;
use crate::ecs::{Clients, Resolved};
use crate::references::References;
use crate::regional::Regional;

/// How many targets, and how many task definitions, are read at the same time. ECS's read
/// APIs are rate-limited per account; a handful in flight keeps a `scan` fast without
/// provoking throttling.
pub(crate) const CONCURRENCY: usize = 4;

/// Overrides of the standard AWS configuration (the CLI's `--region`, `--profile`,
/// `--endpoint-url`). `None` leaves the environment / profile setting in force.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// The longest one attempt of one call may take ([`DEFAULT_ATTEMPT_TIMEOUT`] when `None`).
    /// A call's attempts together get [`OPERATION_ATTEMPTS`] times as long.
    pub attempt_timeout: Option<Duration>,
    /// The longest the whole collection may take ([`DEFAULT_DEADLINE`] when `None`).
    pub deadline: Option<Duration>,
    /// Called after every recorded call (every page) with the number recorded so far: a
    /// progress display. Called from the collection's futures; it must not block.
    pub on_call: Option<OnCall>,
}

/// A callback told of each recorded call ([`CollectOptions::on_call`]).
#[derive(Clone)]
pub struct OnCall(pub std::sync::Arc<dyn Fn(usize) + Send + Sync>);

impl std::fmt::Debug for OnCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnCall(..)")
    }
}

/// Default per-attempt timeout: a person is waiting, and a healthy AWS read answers in well
/// under a second.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// A call's whole budget (its retries included) is this many attempt timeouts.
pub const OPERATION_ATTEMPTS: u32 = 3;
/// Default deadline of a whole collection (a `scan --all-clusters` of a large account included).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// One thing to diagnose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A task, by ID or ARN.
    Task { cluster: String, task: String },
    /// A service, by name or ARN.
    Service { cluster: String, service: String },
    /// A task not launched yet, with the parameters it would be launched with.
    Preflight {
        cluster: String,
        task_definition: String,
        subnets: Vec<String>,
        security_groups: Vec<String>,
        assign_public_ip: bool,
        platform_version: Option<String>,
    },
    /// Every service of a cluster, or of every cluster of the Region (`None`).
    Scan { cluster: Option<String> },
}

/// Why no snapshot could be collected at all.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no AWS Region: pass --region or set AWS_REGION")]
    NoRegion,
    /// The cluster, task, service or (for a preflight) task definition does not exist.
    #[error("{what} not found")]
    TargetNotFound { what: String },
    /// ECS rejected the target reference itself (a malformed task ID or ARN …).
    #[error("{what} is not valid: {message}")]
    InvalidTarget { what: String, message: String },
    /// The AWS endpoint could not be reached at all (connection refused, DNS, TLS, timeout).
    #[error("cannot reach AWS: {message}")]
    Unreachable { message: String },
    /// A `scan` could not list the clusters or services.
    #[error("cannot list {what}: {message}")]
    CannotList { what: String, message: String },
    /// The SDK could not load credentials to sign requests with.
    #[error("no usable AWS credentials: {message}")]
    NoCredentials { message: String },
    /// The target itself (the task, the service, its task definition) could not be read: there
    /// is nothing to diagnose.
    #[error("cannot read {what}: {call} failed: {message}")]
    TargetUnreadable {
        what: String,
        call: String,
        message: String,
    },
    /// The collection of one Region of several failed.
    #[error("{region}: {error}")]
    InRegion {
        region: String,
        error: Box<CollectError>,
    },
    /// The whole collection did not finish before its deadline.
    #[error("AWS did not answer within {} s (the run's deadline; raise it with --deadline)", .0.as_secs())]
    Deadline(Duration),
}

/// The AWS configuration the collector reads with: the SDK's own type, re-exported so that a
/// caller (the CLI, the Lambda function) can hand in its configuration and credentials without
/// depending on the SDK itself.
pub use aws_config::SdkConfig;

/// Reads everything needed to diagnose `requests` into one snapshot (one Region), with the
/// standard configuration chain and the options' overrides ([`load_config`]).
pub async fn collect(
    opts: &CollectOptions,
    requests: &[Request],
) -> Result<Snapshot, CollectError> {
    let config = load_config(opts).await;
    collect_with(&config, opts, requests).await
}

/// Reads everything needed to diagnose `requests` into one snapshot, with the caller's AWS
/// configuration (its Region, credentials, endpoint, retry and timeout settings). Of `opts`
/// the deadline, the callback and (for the timeouts the configuration leaves unset) the
/// attempt timeout apply here; Region, profile and endpoint are for [`load_config`].
pub async fn collect_with(
    config: &SdkConfig,
    opts: &CollectOptions,
    requests: &[Request],
) -> Result<Snapshot, CollectError> {
    collect_measured(config, opts, requests)
        .await
        .map(|c| c.snapshot)
}

/// What [`collect_measured`] read, and how.
#[derive(Debug)]
pub struct Collected {
    pub snapshot: Snapshot,
    /// The longest chain of calls that had to wait for one another (contract §3
    /// `stats.rounds`): about the wall time over the latency of one call.
    pub rounds: usize,
}

/// [`collect_with`], with how many sequential rounds the reads took.
pub async fn collect_measured(
    config: &SdkConfig,
    opts: &CollectOptions,
    requests: &[Request],
) -> Result<Collected, CollectError> {
    let deadline = opts.deadline.unwrap_or(DEFAULT_DEADLINE);
    // The timeouts a caller's configuration leaves unset (the SDK's defaults bound only the
    // connect) are ours: an endpoint that accepts and never answers must not hold a call
    // until the deadline. What the caller set, or deliberately disabled, stays.
    let ours = timeouts(opts.attempt_timeout);
    let merged = match config.timeout_config() {
        Some(theirs) => {
            let mut merged = theirs.clone();
            merged.take_defaults_from(&ours);
            merged
        }
        None => ours,
    };
    let config = &config.to_builder().timeout_config(merged).build();
    // Every call gives up at the deadline (recorded as `Deadline`), so the collection ends
    // right after it with what was read. This outer bound only catches a collection that
    // still has not ended a while later (a hang outside any call).
    tokio::time::timeout(
        deadline + DEADLINE_GRACE,
        collect_inner(config, requests, deadline, opts.on_call.clone()),
    )
    .await
    .map_err(|_| CollectError::Deadline(deadline))?
}

/// [`collect_measured`] in each of `regions` at once: the caller's configuration with its Region
/// replaced, one snapshot (partition) per Region, in the order given (duplicates read once).
/// Every Region shares the deadline; [`CollectOptions::on_call`] is told the calls of all of
/// them together. A Region whose collection fails ends the run with that error, naming the
/// Region (a cluster that does not exist there is a mistake in the command, not a finding).
pub async fn collect_regions(
    config: &SdkConfig,
    opts: &CollectOptions,
    requests: &[Request],
    regions: &[String],
) -> Result<(fd_snapshot::Snapshots, usize), CollectError> {
    let mut unique: Vec<&String> = Vec::new();
    for r in regions {
        if !unique.contains(&r) {
            unique.push(r);
        }
    }
    // Each Region's recorder counts its own calls; the caller's callback gets the sum.
    let total = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let reads = unique.iter().map(|region| {
        let config = config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        let on_call = opts.on_call.clone().map(|outer| {
            let total = total.clone();
            OnCall(std::sync::Arc::new(move |_| {
                let n = total.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                outer.0(n)
            }))
        });
        let opts = CollectOptions {
            on_call,
            ..opts.clone()
        };
        async move {
            collect_measured(&config, &opts, requests)
                .await
                .map_err(|error| CollectError::InRegion {
                    region: region.to_string(),
                    error: Box::new(error),
                })
        }
    });
    let collected = futures::future::try_join_all(reads).await?;
    // The Regions are read side by side: the run took as many rounds as the longest.
    let rounds = collected.iter().map(|c| c.rounds).max().unwrap_or(0);
    let partitions = collected.into_iter().map(|c| c.snapshot).collect();
    let snapshots = fd_snapshot::Snapshots::new(partitions).ok_or(CollectError::NoRegion)?;
    Ok((snapshots, rounds))
}

/// How long after the deadline a collection may take to wrap up.
const DEADLINE_GRACE: Duration = Duration::from_secs(10);

async fn collect_inner(
    config: &SdkConfig,
    requests: &[Request],
    deadline: Duration,
    on_call: Option<OnCall>,
) -> Result<Collected, CollectError> {
    let region = config
        .region()
        .map(|r| r.to_string())
        .filter(|r| !r.is_empty())
        .ok_or(CollectError::NoRegion)?;
    let ecs_client = aws_sdk_ecs::Client::new(config);
    let ec2_client = aws_sdk_ec2::Client::new(config);
    let dependency_clients = DependencyClients::new(config, &region);
    let rec = Recorder::new(deadline, on_call);
    let clients = Clients {
        ecs: &ecs_client,
        ec2: &ec2_client,
        rec: &rec,
    };

    // Phase 1: the targets. Single targets in request order, a few at a time (the first
    // fatal error, in that order, wins); a scan's services in batches per cluster.
    let scanning = requests.iter().any(|r| matches!(r, Request::Scan { .. }));
    let singles: Vec<Result<Resolved, CollectError>> = stream::iter(
        requests
            .iter()
            .filter(|r| !matches!(r, Request::Scan { .. })),
    )
    .map(|r| resolve(&clients, r))
    .buffered(CONCURRENCY)
    .collect()
    .await;
    let mut resolved = singles.into_iter().collect::<Result<Vec<_>, _>>()?;
    for r in requests {
        if let Request::Scan { cluster } = r {
            resolved.extend(scan::scan(&clients, cluster.as_deref()).await?);
        }
    }

    let mut task_definitions: BTreeMap<String, TaskDefinition> = BTreeMap::new();
    // A preflight's task definition was already read (or tried) while resolving it.
    let mut td_attempted: BTreeSet<String> = BTreeSet::new();
    // Task definitions that could not be read while resolving a service or task, judged below
    // with the rest (another target's successful read of the same key wins).
    let mut td_pre_read = Vec::new();
    let mut inputs = ec2::NetworkInputs::default();
    let mut targets = Vec::with_capacity(resolved.len());
    // Per target, in the same order: a service's running containers.
    let mut running = Vec::with_capacity(resolved.len());
    for r in resolved {
        if r.target.kind == TargetKind::Preflight {
            td_attempted.extend(r.target.task_definition.clone());
        }
        if let (Some(key), Some(td)) = (&r.target.task_definition, r.task_definition) {
            task_definitions.insert(key.clone(), td);
        }
        match r.task_definition_read {
            Some((key, Ok(td))) => {
                td_attempted.insert(key.clone());
                task_definitions.insert(key, td);
            }
            Some((key, Err(failure))) if td_attempted.insert(key.clone()) => {
                td_pre_read.push((key, Err(failure)));
            }
            _ => {}
        }
        if let Some(nc) = &r.target.network_configuration {
            inputs.subnet_ids.extend(nc.subnets.iter().cloned());
            inputs
                .security_group_ids
                .extend(nc.security_groups.iter().cloned());
        }
        inputs.subnet_ids.extend(
            r.target
                .stopped_tasks
                .iter()
                .filter_map(|t| t.subnet_id.clone()),
        );
        inputs.network_interfaces.extend(r.network_interfaces);
        running.push(r.running);
        targets.push(r.target);
    }
    let (vpcs_known, vpcs_rx) = futures::channel::oneshot::channel();
    let (hosts_known, hosts_rx) = futures::channel::oneshot::channel();

    // Phase 2, three branches at once: the rest of the task definitions and what they refer
    // to; the network; the private DNS, which waits only for the VPCs (the network's first
    // read) and the image registries (the task definitions).
    let wanted: BTreeSet<String> = targets
        .iter()
        .filter_map(|t| t.task_definition.clone())
        .filter(|k| !task_definitions.contains_key(k) && !td_attempted.contains(k))
        .collect();
    let tds_fut = stream::iter(wanted)
        .map(|key| {
            let clients = &clients;
            async move {
                let td = ecs::describe_task_definition(clients, &key).await;
                (key, td)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    // The task definitions, then what they refer to.
    let tds_and_dependencies = async {
        let tds = td_pre_read.into_iter().chain(tds_fut.await);
        let mut unreadable = None;
        let mut td_unread: BTreeMap<String, String> = BTreeMap::new();
        for (key, td) in tds {
            match td {
                Ok(td) => {
                    task_definitions.insert(key, td);
                }
                // Another target read it.
                Err(_) if task_definitions.contains_key(&key) => {}
                // A task definition that does not exist is the engine's to report.
                Err(f) if f.outcome == fd_snapshot::CallOutcome::NotFound => {}
                Err(f) => {
                    td_unread.insert(
                        key.clone(),
                        format!("{} failed ({})", Op::EcsDescribeTaskDefinition, f.detail()),
                    );
                    unreadable.get_or_insert(CollectError::TargetUnreadable {
                        what: format!("task definition {key}"),
                        call: Op::EcsDescribeTaskDefinition.to_string(),
                        message: f.detail(),
                    });
                }
            }
        }
        // A single target cannot be diagnosed without its task definition; in a scan it is
        // that service's unread part (its checks are unknown), and the scan goes on.
        if let Some(e) = unreadable {
            if !scanning {
                return Err(e);
            }
        }
        for target in targets.iter_mut() {
            let Some(key) = &target.task_definition else {
                continue;
            };
            if let Some(why) = td_unread.get(key) {
                target.unread.push(format!("task definition {key}: {why}"));
            }
        }
        for (target, running) in targets.iter_mut().zip(&running) {
            let td = target
                .task_definition
                .as_ref()
                .and_then(|k| task_definitions.get(k));
            target.deployed_digests = match running {
                Ok(running) => fd_snapshot::RunningDigests::Found(ecs::deployed_digests(
                    target.task_definition.as_deref(),
                    td,
                    running,
                )),
                Err(unread) => unread.digests(),
            };
        }
        let references = References::gather(&region, &targets, &task_definitions);
        // The private DNS reads wait for these names, not for the rest of this branch.
        let _ = hosts_known.send(references.registry_hosts.clone());
        let account_id = match account_of(&targets, &task_definitions) {
            Some(account) => Some(account),
            None => caller_account(&dependency_clients.sts, &rec).await,
        };
        let dependencies = collect_dependencies(
            &dependency_clients,
            &rec,
            &region,
            account_id.as_deref(),
            !targets.is_empty(),
            &references,
        )
        .await;
        Ok((targets, task_definitions, account_id, dependencies))
    };
    let net_fut = ec2::collect_network(&ec2_client, &rec, &region, inputs, vpcs_known);
    // The private DNS of the task subnets' VPCs starts as soon as their VPCs (the network's
    // first read) and the image registries (the task definitions) are known.
    let dns_fut = async {
        let (vpc_ids, hosts) = futures::join!(vpcs_rx, hosts_rx);
        // A dropped sender: the run ends without a diagnosis (a single target's task
        // definition could not be read), so there is nothing to read DNS for.
        let (Ok(vpc_ids), Ok(hosts)) = (vpc_ids, hosts) else {
            return fd_snapshot::DnsData::default();
        };
        let (mut dns, (resolver_rules, firewall_rule_groups)) = futures::join!(
            dns::collect_dns(&dependency_clients.route53, &rec, &region, &vpc_ids, &hosts),
            resolver::collect_resolver(&dependency_clients.resolver, &rec, &vpc_ids),
        );
        dns.resolver_rules = resolver_rules;
        dns.firewall_rule_groups = firewall_rule_groups;
        dns
    };
    let (tds_and_dependencies, mut network, dns) =
        futures::join!(tds_and_dependencies, net_fut, dns_fut);
    let (targets, task_definitions, account_id, deps) = tds_and_dependencies?;

    // Last: the far end of the EFS mount paths (subnets, security groups and network ACLs
    // outside what was read).
    let (mount_subnets, mount_groups) = efs::mount_target_network(&deps.efs);
    ec2::complete_network(
        &ec2_client,
        &rec,
        &mut network,
        &mount_subnets,
        &mount_groups,
    )
    .await;

    let mut snapshot = Snapshot::new(region);
    snapshot.account_id = account_id;
    snapshot.collected_at = DateTime::from(SystemTime::now()).fmt(Format::DateTime).ok();
    snapshot.targets = targets;
    snapshot.ecs.task_definitions = task_definitions.into();
    snapshot.network = network;
    snapshot.iam = deps.iam;
    snapshot.ecr = deps.ecr;
    snapshot.resources = deps.resources;
    snapshot.efs = deps.efs;
    snapshot.s3 = deps.s3;
    snapshot.dns = dns;
    let rounds = rec.rounds();
    snapshot.calls = rec.into_calls();
    Ok(Collected { snapshot, rounds })
}

/// The clients of the services the task definitions refer to, built once. Regional ones make
/// a client per Region on first use (an image, a secret … can live in another Region).
struct DependencyClients {
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    ecr: Regional<aws_sdk_ecr::Client>,
    secrets: Regional<aws_sdk_secretsmanager::Client>,
    ssm: Regional<aws_sdk_ssm::Client>,
    logs: Regional<aws_sdk_cloudwatchlogs::Client>,
    kms: Regional<aws_sdk_kms::Client>,
    /// A task mounts EFS in its own Region only.
    efs: aws_sdk_efs::Client,
    s3: Regional<aws_sdk_s3::Client>,
    route53: aws_sdk_route53::Client,
    /// Resolver rules and DNS Firewall: the task's own Region.
    resolver: aws_sdk_route53resolver::Client,
}

impl DependencyClients {
    /// `region` is the snapshot's.
    fn new(config: &aws_config::SdkConfig, region: &str) -> Self {
        DependencyClients {
            sts: aws_sdk_sts::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            ecr: Regional::new(config, aws_sdk_ecr::Client::new),
            secrets: Regional::new(config, aws_sdk_secretsmanager::Client::new),
            ssm: Regional::new(config, aws_sdk_ssm::Client::new),
            logs: Regional::new(config, aws_sdk_cloudwatchlogs::Client::new),
            kms: Regional::new(config, aws_sdk_kms::Client::new),
            efs: aws_sdk_efs::Client::new(config),
            s3: Regional::new(config, s3::client),
            route53: dns::client(config, region),
            resolver: aws_sdk_route53resolver::Client::new(config),
        }
    }
}

/// What phase 2 read besides the task definitions.
struct Dependencies {
    iam: IamData,
    ecr: EcrData,
    resources: ResourceData,
    efs: EfsData,
    s3: S3Data,
}

/// The account, from the first ARN read that names one.
fn account_of(
    targets: &[Target],
    task_definitions: &BTreeMap<String, TaskDefinition>,
) -> Option<String> {
    targets
        .iter()
        .filter_map(|t| t.arn.as_deref())
        .chain(task_definitions.values().filter_map(|td| td.arn.as_deref()))
        .find_map(ecs::account_of_arn)
}

/// STS GetCallerIdentity: the account the credentials belong to.
async fn caller_account(client: &aws_sdk_sts::Client, rec: &Recorder) -> Option<String> {
    let out = rec
        .call(
            Op::StsGetCallerIdentity,
            None,
            client.get_caller_identity().send(),
        )
        .await
        .ok()?;
    out.account().filter(|a| !a.is_empty()).map(str::to_string)
}

/// IAM, ECR, EFS, S3 and the other resources concurrently; then the KMS keys the resources and
/// repositories use. The service-linked role is read when there is a target to run.
async fn collect_dependencies(
    clients: &DependencyClients,
    rec: &Recorder,
    region: &str,
    account_id: Option<&str>,
    any_target: bool,
    references: &References,
) -> Dependencies {
    let resource_clients = resources::Clients {
        secrets: &clients.secrets,
        ssm: &clients.ssm,
        logs: &clients.logs,
        kms: &clients.kms,
        rec,
        region,
        account_id,
    };
    let iam_fut = async {
        let roles = references.roles();
        let slr = async {
            if any_target {
                Some(iam::service_linked_role(&clients.iam, rec).await)
            } else {
                None
            }
        };
        let (mut iam, slr) = futures::join!(iam::collect_roles(&clients.iam, rec, &roles), slr);
        iam.service_linked_role = slr;
        iam
    };
    let storage_fut = futures::future::join(
        efs::collect_efs(
            &clients.efs,
            rec,
            &references.file_systems,
            &references.access_points,
        ),
        s3::collect_s3(&clients.s3, rec, region, &references.env_files),
    );
    let rest_fut = async {
        let (ecr, mut resources) = futures::join!(
            ecr::collect_ecr(&clients.ecr, rec, &references.images),
            resources::collect_resources(
                &resource_clients,
                &references.secrets,
                &references.parameters,
                &references.log_groups,
            ),
        );
        let keys = resources::kms_references(&resources, &ecr, region);
        resources.kms_keys = resources::collect_kms_keys(&resource_clients, &keys).await;
        (ecr, resources)
    };
    let (iam, (ecr, resources), (efs, s3)) = futures::join!(iam_fut, rest_fut, storage_fut);
    Dependencies {
        iam,
        ecr,
        resources,
        efs,
        s3,
    }
}

async fn resolve(clients: &Clients<'_>, request: &Request) -> Result<Resolved, CollectError> {
    match request {
        Request::Task { cluster, task } => ecs::resolve_task(clients, cluster, task).await,
        Request::Service { cluster, service } => {
            ecs::resolve_service(clients, cluster, service).await
        }
        Request::Preflight {
            cluster,
            task_definition,
            subnets,
            security_groups,
            assign_public_ip,
            platform_version,
        } => {
            let network = AwsVpcConfiguration {
                subnets: subnets.clone(),
                security_groups: security_groups.clone(),
                assign_public_ip: *assign_public_ip,
            };
            ecs::resolve_preflight(
                clients,
                cluster,
                task_definition,
                network,
                platform_version.clone(),
            )
            .await
        }
        // Expanded into services in phase 0; a scan is never resolved as a target itself.
        Request::Scan { cluster } => Err(CollectError::InvalidTarget {
            what: format!("scan of {}", cluster.as_deref().unwrap_or("every cluster")),
            message: "a scan cannot be resolved as a single target".into(),
        }),
    }
}

/// The standard configuration chain with the options' overrides. A pinned behavior version
/// keeps defaults (retries on, connect timeout) from changing under a shipped binary.
///
/// Retries follow the chain (`AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`, the profile): standard
/// unless asked otherwise. Adaptive retries were tried as the default and rejected: after one
/// throttled answer per operation the client-side rate limiter starts at its floor rate and
/// queues the run's concurrent reads behind it until their operation timeout fires, so a
/// burst the standard retries absorb (tests/faults.rs `a_burst_of_throttling_is_retried_away`)
/// became a dozen `unknown` checks. Throttling is avoided instead by bounding how many reads
/// are in flight and by batching them (see `scan.rs`).
pub async fn load_config(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::v2026_01_12());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    // Without these, an endpoint that accepts the connection and never answers hangs the run:
    // the SDK's defaults only bound the connect. A timed-out call is recorded like any failed
    // one (its checks say `unknown`); retries follow AWS_RETRY_MODE / AWS_MAX_ATTEMPTS.
    loader = loader.timeout_config(timeouts(opts.attempt_timeout));
    loader.load().await
}

/// Read, attempt and operation timeouts from one attempt budget.
fn timeouts(attempt: Option<Duration>) -> aws_config::timeout::TimeoutConfig {
    let attempt = attempt.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT);
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(attempt.min(Duration::from_secs(5)))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(attempt.saturating_mul(OPERATION_ATTEMPTS))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages() {
        assert_eq!(
            CollectError::NoRegion.to_string(),
            "no AWS Region: pass --region or set AWS_REGION"
        );
        assert_eq!(
            CollectError::TargetNotFound {
                what: "service web in cluster prod".into()
            }
            .to_string(),
            "service web in cluster prod not found"
        );
    }
}
