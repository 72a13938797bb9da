//! ECS: resolving the diagnosis targets (a task, a service, a preflight) and reading their task
//! definitions, mapped into the snapshot model.
//!
//! The target itself is the one thing the run cannot do without: a target that does not exist
//! (or a cluster that does not) ends the run with [`CollectError::TargetNotFound`], and an ECS
//! endpoint that cannot be reached at all with [`CollectError::Unreachable`]. Any other failure
//! of a target call (denied, throttled …) is recorded and leaves a target with only what was
//! given, so that the engine reports `unknown` with the reason.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecs::types as t;
use aws_smithy_types::date_time::Format;
use fd_snapshot as m;
use fd_snapshot::{Op, Scope};

use crate::calls::{CallFailure, Recorder, TransportFailure};
use crate::ec2;
use crate::CollectError;

const SVC: &str = "ecs";

/// How many stopped tasks of a service are kept (newest first).
const STOPPED_TASKS_KEPT: usize = 10;
/// How many stopped task ARNs are listed (one ListTasks page, one DescribeTasks call) to pick
/// the newest from: ListTasks does not sort.
const STOPPED_TASKS_LISTED: i32 = 100;
/// How many service events are kept (ECS returns them newest first).
const EVENTS_KEPT: usize = 20;
/// How many running tasks of a service are read for the image digests they were started with:
/// the tasks of one deployment share them, so a few are enough.
const RUNNING_TASKS_LISTED: i32 = 10;

/// The two clients the ECS phase needs (EC2 for the task ENI).
pub(crate) struct Clients<'a> {
    pub ecs: &'a aws_sdk_ecs::Client,
    pub ec2: &'a aws_sdk_ec2::Client,
    pub rec: &'a Recorder,
}

/// One resolved target and what was read on the way.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub target: m::Target,
    /// A preflight's task definition, read while checking that it exists.
    pub task_definition: Option<m::TaskDefinition>,
    /// The task definition of a service (read while its tasks are listed) or of a task (read
    /// while its ENI is): the read starts as soon as DescribeServices / DescribeTasks names
    /// it. The key and the outcome, judged with every other task definition read.
    pub task_definition_read: Option<(String, Result<m::TaskDefinition, CallFailure>)>,
    /// The task ENI, when there was one and it still exists.
    pub network_interfaces: BTreeMap<String, m::NetworkInterface>,
    /// A service's running containers and the image digests they run (mapped into
    /// [`m::Target::deployed_digests`] once the task definition is known: see
    /// [`deployed_digests`]), or why the running tasks could not be read.
    pub running: Result<Vec<RunningContainer>, TasksUnread>,
}

impl Resolved {
    pub(crate) fn bare(target: m::Target) -> Self {
        Resolved {
            target,
            task_definition: None,
            task_definition_read: None,
            network_interfaces: BTreeMap::new(),
            running: Ok(Vec::new()),
        }
    }
}

/// Why a service's tasks of one status could not be read: the failed call, as data, and the
/// line for [`m::Target::unread`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TasksUnread {
    /// `service:Operation`.
    pub call: String,
    pub reason: String,
    /// "the running tasks of web: ecs:ListTasks failed (…)".
    pub line: String,
}

impl TasksUnread {
    /// The digests' lookup result.
    pub fn digests(&self) -> m::RunningDigests {
        m::RunningDigests::Unreadable {
            call: self.call.clone(),
            reason: self.reason.clone(),
        }
    }
}

/// One container of a running task, with the image digest ECS resolved for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunningContainer {
    /// The task's task definition ARN.
    pub task_definition: Option<String>,
    pub container: String,
    /// The image the task ran, as the task reports it.
    pub image: Option<String>,
    pub digest: String,
}

/// What to do when a call about the target itself failed: transport failures and "not found"
/// end the run; everything else is recorded and the target stays unread.
fn target_call_failed(
    failure: &CallFailure,
    operation: &str,
    what: String,
) -> Result<(), CollectError> {
    match failure.transport {
        Some(TransportFailure::Unreachable) => {
            return Err(CollectError::Unreachable {
                message: format!("{SVC}:{operation}: {}", failure.detail()),
            })
        }
        Some(TransportFailure::Credentials) => {
            return Err(CollectError::NoCredentials {
                message: failure.detail(),
            })
        }
        None => {}
    }
    match (failure.outcome, failure.code.as_deref()) {
        (m::CallOutcome::NotFound, Some("ClusterNotFoundException")) => {
            Err(CollectError::TargetNotFound {
                what: cluster_of(&what).unwrap_or(what),
            })
        }
        (m::CallOutcome::NotFound, _) => Err(CollectError::TargetNotFound { what }),
        (_, Some("InvalidParameterException")) => Err(CollectError::InvalidTarget {
            what,
            message: failure.message.clone().unwrap_or_default(),
        }),
        // Denied, throttled after the SDK's retries, or failed: without the target there is
        // nothing to diagnose, and a report of "0 checks" would hide why.
        _ => Err(CollectError::TargetUnreadable {
            what,
            call: format!("{SVC}:{operation}"),
            message: failure.detail(),
        }),
    }
}

/// `"task abc in cluster prod"` → `"cluster prod"`.
fn cluster_of(what: &str) -> Option<String> {
    what.rfind(" in cluster ")
        .map(|i| what[i + " in ".len()..].to_string())
}

pub(crate) fn new_target(kind: m::TargetKind, cluster: &str, name: String) -> m::Target {
    m::Target {
        kind,
        cluster: cluster.to_string(),
        name,
        origins: Vec::new(),
        arn: None,
        task_definition: None,
        platform_version: None,
        launch_type: None,
        network_configuration: None,
        execution_role_override: None,
        desired_count: None,
        status: None,
        availability_zone: None,
        eni_id: None,
        private_ip: None,
        stopped_reason: None,
        stop_code: None,
        container_reasons: Vec::new(),
        stopped_tasks: Vec::new(),
        events: Vec::new(),
        deployed_digests: m::RunningDigests::default(),
        unread: Vec::new(),
        description_unread: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Task
// ---------------------------------------------------------------------------------------------

/// DescribeTasks, then the task ENI (security groups, public IP) and, at the same time, the
/// task definition. When the ENI is gone (a
/// stopped task's ENI is deleted) and the task belongs to a service, the security groups and
/// public IP setting come from the service deployment that started it.
pub(crate) async fn resolve_task(
    c: &Clients<'_>,
    cluster: &str,
    task: &str,
) -> Result<Resolved, CollectError> {
    let what = format!("task {task} in cluster {cluster}");
    let unread = new_target(m::TargetKind::Task, cluster, task_id(task).to_string());
    let out = match c
        .rec
        .call(
            Op::EcsDescribeTasks,
            Some(Scope::key(task)),
            c.ecs.describe_tasks().cluster(cluster).tasks(task).send(),
        )
        .await
    {
        Ok(out) => out,
        Err(failure) => {
            target_call_failed(&failure, "DescribeTasks", what)?;
            return Ok(Resolved::bare(unread));
        }
    };
    // AWS lists an unknown task under `failures` (reason MISSING); moto returns nothing.
    let Some(task_data) = out.tasks().first() else {
        return Err(CollectError::TargetNotFound { what });
    };

    let mut target = map_task_target(cluster, task, task_data);
    // The task definition is read while the network of the task is.
    let td_read = read_task_definition_of(c, target.task_definition.clone());
    let network = async {
        let mut enis = BTreeMap::new();
        if let Some(eni_id) = target.eni_id.clone() {
            let ids = BTreeSet::from([eni_id.clone()]);
            enis = ec2::describe_network_interfaces(c.ec2, c.rec, &ids).await;
            if let Some(eni) = enis.get(&eni_id) {
                if let Some(nc) = target.network_configuration.as_mut() {
                    nc.security_groups = eni.security_group_ids.clone();
                    nc.assign_public_ip = eni.public_ip.is_some();
                }
            } else if let Some(service) = task_data.group().and_then(|g| g.strip_prefix("service:"))
            {
                if let Some(svc_nc) =
                    service_network_for_task(c, cluster, service, task_data.started_by()).await
                {
                    if let Some(nc) = target.network_configuration.as_mut() {
                        nc.security_groups = svc_nc.security_groups;
                        nc.assign_public_ip = svc_nc.assign_public_ip;
                    }
                }
            }
        }
        enis
    };
    let (enis, task_definition_read) = futures::join!(network, td_read);
    Ok(Resolved {
        target,
        task_definition: None,
        task_definition_read,
        network_interfaces: enis,
        running: Ok(Vec::new()),
    })
}

/// The awsvpc configuration of the deployment that started a task (`startedBy` is the
/// deployment ID), or of the service. Failures are recorded and give `None`.
async fn service_network_for_task(
    c: &Clients<'_>,
    cluster: &str,
    service: &str,
    started_by: Option<&str>,
) -> Option<m::AwsVpcConfiguration> {
    let out = c
        .rec
        .call(
            Op::EcsDescribeServices,
            Some(Scope::key(service)),
            c.ecs
                .describe_services()
                .cluster(cluster)
                .services(service)
                .send(),
        )
        .await
        .ok()?;
    let svc = out.services().first()?;
    svc.deployments()
        .iter()
        .find(|d| d.id().is_some() && d.id() == started_by)
        .and_then(|d| d.network_configuration())
        .or_else(|| svc.network_configuration())
        .and_then(map_network_configuration)
}

/// The task ID of a task ARN (`arn:…:task/cluster/ID` or the old `arn:…:task/ID`), or the
/// reference itself when it is already an ID.
pub(crate) fn task_id(reference: &str) -> &str {
    if reference.starts_with("arn:") {
        reference.rsplit('/').next().unwrap_or(reference)
    } else {
        reference
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn container_reasons(task: &t::Task) -> Vec<m::ContainerReason> {
    task.containers()
        .iter()
        .filter_map(|c| {
            Some(m::ContainerReason {
                container: c.name().unwrap_or_default().to_string(),
                reason: non_empty(c.reason())?,
            })
        })
        .collect()
}

/// `details` of the task's `ElasticNetworkInterface` attachment, by name.
fn eni_detail<'a>(task: &'a t::Task, name: &str) -> Option<&'a str> {
    task.attachments()
        .iter()
        .filter(|a| a.r#type() == Some("ElasticNetworkInterface"))
        .flat_map(|a| a.details())
        .find(|kv| kv.name() == Some(name))
        .and_then(|kv| kv.value())
        .filter(|v| !v.is_empty())
}

/// A task as a target. Security groups and the public IP come from the ENI, later.
pub(crate) fn map_task_target(cluster: &str, reference: &str, task: &t::Task) -> m::Target {
    let arn = non_empty(task.task_arn());
    let name = arn
        .as_deref()
        .map_or(task_id(reference), task_id)
        .to_string();
    let subnet = eni_detail(task, "subnetId").map(str::to_string);
    let mut target = new_target(m::TargetKind::Task, cluster, name);
    target.arn = arn;
    target.task_definition = non_empty(task.task_definition_arn());
    target.platform_version = non_empty(task.platform_version());
    target.launch_type = task
        .launch_type()
        .map(|l| l.as_str().to_string())
        .filter(|l| !l.is_empty())
        .or_else(|| {
            // A capacity-provider task (FARGATE / FARGATE_SPOT) has no launch type.
            task.capacity_provider_name()
                .filter(|p| p.starts_with("FARGATE"))
                .map(|_| "FARGATE".to_string())
        });
    target.network_configuration = subnet.map(|s| m::AwsVpcConfiguration {
        subnets: vec![s],
        security_groups: Vec::new(),
        assign_public_ip: false,
    });
    target.eni_id = eni_detail(task, "networkInterfaceId").map(str::to_string);
    target.private_ip = eni_detail(task, "privateIPv4Address").map(str::to_string);
    target.execution_role_override = task
        .overrides()
        .and_then(|o| non_empty(o.execution_role_arn()));
    target.status = non_empty(task.last_status());
    target.availability_zone = non_empty(task.availability_zone());
    target.stopped_reason = non_empty(task.stopped_reason());
    target.stop_code = task.stop_code().map(|c| c.as_str().to_string());
    target.container_reasons = container_reasons(task);
    target
}

// ---------------------------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------------------------

/// DescribeServices, then at once its recent stopped tasks and its running tasks (ListTasks +
/// DescribeTasks each) and its task definition.
pub(crate) async fn resolve_service(
    c: &Clients<'_>,
    cluster: &str,
    service: &str,
) -> Result<Resolved, CollectError> {
    let what = format!("service {service} in cluster {cluster}");
    let unread = new_target(m::TargetKind::Service, cluster, service.to_string());
    let out = match c
        .rec
        .call(
            Op::EcsDescribeServices,
            Some(Scope::key(service)),
            c.ecs
                .describe_services()
                .cluster(cluster)
                .services(service)
                .send(),
        )
        .await
    {
        Ok(out) => out,
        Err(failure) => {
            target_call_failed(&failure, "DescribeServices", what)?;
            return Ok(Resolved::bare(unread));
        }
    };
    let Some(svc) = out.services().first() else {
        // AWS lists an unknown service under `failures` (reason MISSING).
        return Err(CollectError::TargetNotFound { what });
    };
    if svc.status() == Some("INACTIVE") {
        return Err(CollectError::TargetNotFound {
            what: format!("{what} (it is INACTIVE: deleted)"),
        });
    }

    let mut target = map_service_target(cluster, service, svc);
    let service_name = svc.service_name().unwrap_or(service);
    let td_read = read_task_definition_of(c, target.task_definition.clone());
    let (stopped, running, task_definition_read) = futures::join!(
        stopped_tasks(c, cluster, service_name),
        running_containers(c, cluster, service_name),
        td_read,
    );
    target.stopped_tasks = stopped.unwrap_or_else(|e| {
        target.unread.push(e.line);
        Vec::new()
    });
    if let Err(e) = &running {
        target.unread.push(e.line.clone());
    }
    if let Some(newest) = target.stopped_tasks.first() {
        target.stopped_reason = newest.stopped_reason.clone();
        target.stop_code = newest.stop_code.clone();
    }
    Ok(Resolved {
        running,
        task_definition_read,
        ..Resolved::bare(target)
    })
}

/// ListTasks (RUNNING, first page) and DescribeTasks: the containers the service runs now and
/// their image digests. Failures are recorded and returned.
async fn running_containers(
    c: &Clients<'_>,
    cluster: &str,
    service: &str,
) -> Result<Vec<RunningContainer>, TasksUnread> {
    let tasks = service_tasks(
        c,
        cluster,
        service,
        t::DesiredStatus::Running,
        RUNNING_TASKS_LISTED,
        Some(Scope::Batch {
            what: "running tasks".into(),
            of: service.to_string(),
            count: None,
        }),
        "running",
    )
    .await?;
    Ok(map_running_containers(&tasks))
}

/// The containers of `tasks` that report an image digest.
pub(crate) fn map_running_containers(tasks: &[t::Task]) -> Vec<RunningContainer> {
    tasks
        .iter()
        .flat_map(|task| {
            task.containers().iter().filter_map(move |c| {
                Some(RunningContainer {
                    task_definition: non_empty(task.task_definition_arn()),
                    container: non_empty(c.name())?,
                    image: non_empty(c.image()),
                    digest: non_empty(c.image_digest())?,
                })
            })
        })
        .collect()
}

/// The digests a service's running tasks of its current task definition (`task_definition`,
/// the target's; `td`, its body when it could be read) were started with, once each. Tasks of
/// an older task definition (a deployment in progress) are left out: new tasks do not pull their
/// images. The image is the container definition's of that name, else what the task reports.
pub(crate) fn deployed_digests(
    task_definition: Option<&str>,
    td: Option<&m::TaskDefinition>,
    running: &[RunningContainer],
) -> Vec<m::DeployedDigest> {
    let mut out: Vec<m::DeployedDigest> = Vec::new();
    for rc in running {
        if let (Some(want), Some(have)) = (task_definition, rc.task_definition.as_deref()) {
            if want != have {
                continue;
            }
        }
        let image = td
            .and_then(|td| td.containers.iter().find(|c| c.name == rc.container))
            .map(|c| c.image.clone())
            .filter(|i| !i.is_empty())
            .or_else(|| rc.image.clone());
        let Some(image) = image else {
            continue;
        };
        let d = m::DeployedDigest {
            container: rc.container.clone(),
            image,
            digest: rc.digest.clone(),
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// The deployment ECS is rolling out now (`PRIMARY`), for fields the service leaves empty.
fn primary_deployment(svc: &t::Service) -> Option<&t::Deployment> {
    svc.deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))
}

pub(crate) fn map_network_configuration(
    nc: &t::NetworkConfiguration,
) -> Option<m::AwsVpcConfiguration> {
    let vpc = nc.awsvpc_configuration()?;
    Some(m::AwsVpcConfiguration {
        subnets: vpc.subnets().to_vec(),
        security_groups: vpc.security_groups().to_vec(),
        assign_public_ip: vpc.assign_public_ip() == Some(&t::AssignPublicIp::Enabled),
    })
}

/// `FARGATE` when every capacity provider of the strategy is FARGATE or FARGATE_SPOT.
fn launch_type_of_strategy(strategy: &[t::CapacityProviderStrategyItem]) -> Option<String> {
    (!strategy.is_empty()
        && strategy
            .iter()
            .all(|s| matches!(s.capacity_provider(), "FARGATE" | "FARGATE_SPOT")))
    .then(|| "FARGATE".to_string())
}

fn rfc3339(dt: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    dt.and_then(|d| d.fmt(Format::DateTime).ok())
}

/// A service as a target: what its next task will meet (its current task definition, platform
/// version and network configuration), its desired count and recent events.
pub(crate) fn map_service_target(cluster: &str, reference: &str, svc: &t::Service) -> m::Target {
    let primary = primary_deployment(svc);
    let name = non_empty(svc.service_name()).unwrap_or_else(|| reference.to_string());
    let mut target = new_target(m::TargetKind::Service, cluster, name);
    target.arn = non_empty(svc.service_arn());
    target.task_definition = non_empty(svc.task_definition())
        .or_else(|| primary.and_then(|d| non_empty(d.task_definition())));
    target.platform_version = non_empty(svc.platform_version())
        .or_else(|| primary.and_then(|d| non_empty(d.platform_version())));
    target.launch_type = svc
        .launch_type()
        .or_else(|| primary.and_then(|d| d.launch_type()))
        .map(|l| l.as_str().to_string())
        .filter(|l| !l.is_empty())
        .or_else(|| launch_type_of_strategy(svc.capacity_provider_strategy()))
        .or_else(|| primary.and_then(|d| launch_type_of_strategy(d.capacity_provider_strategy())));
    target.network_configuration = svc
        .network_configuration()
        .or_else(|| primary.and_then(|d| d.network_configuration()))
        .and_then(map_network_configuration);
    target.desired_count = u32::try_from(svc.desired_count()).ok();
    target.status = non_empty(svc.status());
    target.events = svc
        .events()
        .iter()
        .filter_map(|e| {
            Some(m::ServiceEvent {
                created_at: rfc3339(e.created_at()),
                message: non_empty(e.message())?,
            })
        })
        .take(EVENTS_KEPT)
        .collect();
    target
}

/// The service's most recent stopped tasks, newest first. ECS keeps stopped tasks for about an
/// hour; a crash-looping service can have many, so up to 100 are listed and described in one
/// call each, and the newest 10 kept. Failures are recorded and give fewer (or no) tasks.
async fn stopped_tasks(
    c: &Clients<'_>,
    cluster: &str,
    service: &str,
) -> Result<Vec<m::StoppedTask>, TasksUnread> {
    let tasks = service_tasks(
        c,
        cluster,
        service,
        t::DesiredStatus::Stopped,
        STOPPED_TASKS_LISTED,
        Some(Scope::Batch {
            what: "stopped tasks".into(),
            of: service.to_string(),
            count: None,
        }),
        "stopped",
    )
    .await?;
    Ok(newest_stopped_tasks(&tasks))
}

/// ListTasks (one page of at most `max`) then DescribeTasks for a service's tasks of `status`;
/// both recorded. A failure is returned with its call and a line for [`m::Target::unread`].
async fn service_tasks(
    c: &Clients<'_>,
    cluster: &str,
    service: &str,
    status: t::DesiredStatus,
    max: i32,
    list_scope: Option<Scope>,
    label: &str,
) -> Result<Vec<t::Task>, TasksUnread> {
    let unread = |op: Op, f: CallFailure| tasks_unread(label, service, op, &f);
    let list = c
        .rec
        .call(
            Op::EcsListTasks,
            list_scope,
            c.ecs
                .list_tasks()
                .cluster(cluster)
                .service_name(service)
                .desired_status(status)
                .max_results(max)
                .send(),
        )
        .await
        .map_err(|f| unread(Op::EcsListTasks, f))?;
    let arns: Vec<String> = list
        .task_arns()
        .iter()
        .take(usize::try_from(max).unwrap_or(0))
        .cloned()
        .collect();
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .rec
        .call(
            Op::EcsDescribeTasks,
            Some(Scope::Batch {
                what: format!("{label} tasks"),
                of: service.to_string(),
                count: Some(arns.len()),
            }),
            c.ecs
                .describe_tasks()
                .cluster(cluster)
                .set_tasks(Some(arns))
                .send(),
        )
        .await
        .map_err(|f| unread(Op::EcsDescribeTasks, f))?;
    Ok(out.tasks().to_vec())
}

/// `label` (`running`, `stopped`) tasks of `service` could not be read: `op` failed.
pub(crate) fn tasks_unread(label: &str, service: &str, op: Op, f: &CallFailure) -> TasksUnread {
    let call = op.to_string();
    let reason = f.detail();
    TasksUnread {
        line: format!("the {label} tasks of {service}: {call} failed ({reason})"),
        call,
        reason,
    }
}

/// Sorts by `stoppedAt` (then `createdAt`), newest first, and keeps [`STOPPED_TASKS_KEPT`].
/// Tasks without times keep their listed order, after the dated ones.
pub(crate) fn newest_stopped_tasks(tasks: &[t::Task]) -> Vec<m::StoppedTask> {
    let mut sorted: Vec<&t::Task> = tasks.iter().collect();
    // `Option` orders `None` first; reversed, dated tasks come first, newest first.
    sorted.sort_by(|a, b| (b.stopped_at(), b.created_at()).cmp(&(a.stopped_at(), a.created_at())));
    sorted
        .into_iter()
        .filter_map(|task| {
            Some(m::StoppedTask {
                arn: non_empty(task.task_arn())?,
                stopped_reason: non_empty(task.stopped_reason()),
                stop_code: task.stop_code().map(|c| c.as_str().to_string()),
                container_reasons: container_reasons(task),
                subnet_id: eni_detail(task, "subnetId").map(str::to_string),
            })
        })
        .take(STOPPED_TASKS_KEPT)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Preflight and task definitions
// ---------------------------------------------------------------------------------------------

/// A task not launched yet: the target is what was given; its task definition must exist.
pub(crate) async fn resolve_preflight(
    c: &Clients<'_>,
    cluster: &str,
    task_definition: &str,
    network: m::AwsVpcConfiguration,
    platform_version: Option<String>,
) -> Result<Resolved, CollectError> {
    let mut target = new_target(
        m::TargetKind::Preflight,
        cluster,
        task_definition.to_string(),
    );
    target.task_definition = Some(task_definition.to_string());
    target.platform_version = platform_version;
    target.launch_type = Some("FARGATE".to_string());
    target.network_configuration = Some(network);

    let td = match describe_task_definition(c, task_definition).await {
        Ok(td) => Some(td),
        Err(failure) => {
            target_call_failed(
                &failure,
                "DescribeTaskDefinition",
                format!("task definition {task_definition}"),
            )?;
            None
        }
    };
    Ok(Resolved {
        task_definition: td,
        ..Resolved::bare(target)
    })
}

/// The task definition a service or task names, with its key: [`Resolved::task_definition_read`].
async fn read_task_definition_of(
    c: &Clients<'_>,
    key: Option<String>,
) -> Option<(String, Result<m::TaskDefinition, CallFailure>)> {
    let key = key?;
    let read = describe_task_definition(c, &key).await;
    Some((key, read))
}

/// DescribeTaskDefinition (family, `family:revision` or ARN).
pub(crate) async fn describe_task_definition(
    c: &Clients<'_>,
    reference: &str,
) -> Result<m::TaskDefinition, CallFailure> {
    let out = c
        .rec
        .call(
            Op::EcsDescribeTaskDefinition,
            Some(Scope::key(reference)),
            c.ecs
                .describe_task_definition()
                .task_definition(reference)
                .send(),
        )
        .await?;
    match out.task_definition() {
        Some(td) => Ok(map_task_definition(td)),
        // A success without a body: treat like "not found" for the engine's purposes.
        None => Err(CallFailure {
            outcome: m::CallOutcome::NotFound,
            code: None,
            message: Some("DescribeTaskDefinition returned no task definition".into()),
            transport: None,
        }),
    }
}

fn map_secret(s: &t::Secret) -> Option<m::SecretRef> {
    Some(m::SecretRef {
        name: non_empty(Some(s.name()))?,
        value_from: non_empty(Some(s.value_from()))?,
    })
}

pub(crate) fn map_container(c: &t::ContainerDefinition) -> Option<m::ContainerDefinition> {
    Some(m::ContainerDefinition {
        name: non_empty(c.name())?,
        image: c.image().unwrap_or_default().to_string(),
        essential: c.essential(),
        repository_credentials: c
            .repository_credentials()
            .and_then(|r| non_empty(Some(r.credentials_parameter()))),
        secrets: c.secrets().iter().filter_map(map_secret).collect(),
        log_configuration: c.log_configuration().map(|l| m::LogConfiguration {
            log_driver: l.log_driver().as_str().to_string(),
            options: l
                .options()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            secret_options: l.secret_options().iter().filter_map(map_secret).collect(),
        }),
        environment_files: c
            .environment_files()
            .iter()
            .filter_map(|f| non_empty(Some(f.value())))
            .collect(),
        mount_points: c
            .mount_points()
            .iter()
            .filter_map(|mp| {
                Some(m::MountPoint {
                    source_volume: non_empty(mp.source_volume())?,
                    container_path: non_empty(mp.container_path()),
                    read_only: mp.read_only().unwrap_or(false),
                })
            })
            .collect(),
        firelens: c
            .firelens_configuration()
            .map(|f| f.r#type().as_str().to_string()),
        credential_specs: c.credential_specs().to_vec(),
    })
}

fn map_volume(v: &t::Volume) -> Option<m::Volume> {
    let kind = if let Some(e) = v.efs_volume_configuration() {
        let auth = e.authorization_config();
        m::VolumeKind::Efs(m::EfsVolume {
            file_system_id: e.file_system_id().to_string(),
            root_directory: non_empty(e.root_directory()),
            transit_encryption: e
                .transit_encryption()
                .is_some_and(|t| t.as_str() == "ENABLED"),
            transit_encryption_port: e.transit_encryption_port(),
            access_point_id: auth.and_then(|a| non_empty(a.access_point_id())),
            iam: auth
                .and_then(|a| a.iam())
                .is_some_and(|i| i.as_str() == "ENABLED"),
        })
    } else if let Some(f) = v.fsx_windows_file_server_volume_configuration() {
        m::VolumeKind::FsxWindows {
            file_system_id: f.file_system_id().to_string(),
        }
    } else if let Some(d) = v.docker_volume_configuration() {
        m::VolumeKind::Docker {
            driver: non_empty(d.driver()),
        }
    } else if v.configured_at_launch() == Some(true) {
        m::VolumeKind::ConfiguredAtLaunch
    } else {
        m::VolumeKind::Bind {
            source_path: v.host().and_then(|h| non_empty(h.source_path())),
        }
    };
    Some(m::Volume {
        name: non_empty(v.name())?,
        kind,
    })
}

pub(crate) fn map_task_definition(td: &t::TaskDefinition) -> m::TaskDefinition {
    let platform = td.runtime_platform();
    m::TaskDefinition {
        arn: non_empty(td.task_definition_arn()),
        family: td.family().unwrap_or_default().to_string(),
        revision: Some(td.revision()).filter(|r| *r > 0),
        execution_role_arn: non_empty(td.execution_role_arn()),
        task_role_arn: non_empty(td.task_role_arn()),
        network_mode: td.network_mode().map(|n| n.as_str().to_string()),
        requires_compatibilities: td
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        cpu: non_empty(td.cpu()),
        memory: non_empty(td.memory()),
        cpu_architecture: platform
            .and_then(|p| p.cpu_architecture())
            .map(|a| a.as_str().to_string()),
        operating_system_family: platform
            .and_then(|p| p.operating_system_family())
            .map(|o| o.as_str().to_string()),
        ephemeral_storage_gib: td
            .ephemeral_storage()
            .map(|e| e.size_in_gib())
            .filter(|s| *s > 0),
        volumes: td.volumes().iter().filter_map(map_volume).collect(),
        proxy_configuration: td
            .proxy_configuration()
            .map(|p| p.r#type().map_or("APPMESH", |t| t.as_str()).to_string()),
        inference_accelerators: td
            .inference_accelerators()
            .iter()
            .map(|a| a.device_name().to_string())
            .collect(),
        containers: td
            .container_definitions()
            .iter()
            .filter_map(map_container)
            .collect(),
    }
}

/// The account ID of an ARN (`arn:aws:ecs:us-east-1:123456789012:…`), when it has one.
pub(crate) fn account_of_arn(arn: &str) -> Option<String> {
    fd_snapshot::refs::account_of(arn)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(name: &str, value: &str) -> t::KeyValuePair {
        t::KeyValuePair::builder().name(name).value(value).build()
    }

    fn eni_attachment() -> t::Attachment {
        t::Attachment::builder()
            .r#type("ElasticNetworkInterface")
            .details(kv("subnetId", "subnet-1"))
            .details(kv("networkInterfaceId", "eni-1"))
            .details(kv("privateIPv4Address", "10.0.1.5"))
            .build()
    }

    #[test]
    fn task_ids() {
        assert_eq!(
            task_id("arn:aws:ecs:us-east-1:123456789012:task/prod/abc"),
            "abc"
        );
        assert_eq!(
            task_id("arn:aws:ecs:us-east-1:123456789012:task/abc"),
            "abc"
        );
        assert_eq!(task_id("abc"), "abc");
    }

    #[test]
    fn accounts() {
        assert_eq!(
            account_of_arn("arn:aws:ecs:us-east-1:123456789012:task/prod/abc").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:iam::aws:policy/x"), None);
        assert_eq!(account_of_arn("web"), None);
    }

    #[test]
    fn task_target_mapping() {
        let task = t::Task::builder()
            .task_arn("arn:aws:ecs:us-east-1:123456789012:task/prod/abc")
            .task_definition_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3")
            .platform_version("1.4.0")
            .launch_type(t::LaunchType::Fargate)
            .last_status("STOPPED")
            .stopped_reason("CannotPullContainerError: timeout")
            .stop_code(t::TaskStopCode::TaskFailedToStart)
            .availability_zone("us-east-1a")
            .overrides(
                t::TaskOverride::builder()
                    .execution_role_arn("arn:aws:iam::123456789012:role/exec")
                    .build(),
            )
            .attachments(eni_attachment())
            .containers(t::Container::builder().name("app").reason("boom").build())
            .containers(t::Container::builder().name("sidecar").build())
            .build();
        let m = map_task_target("prod", "abc", &task);
        assert_eq!(m.name, "abc");
        assert_eq!(m.cluster, "prod");
        assert_eq!(m.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!(m.stop_code.as_deref(), Some("TaskFailedToStart"));
        assert_eq!(m.eni_id.as_deref(), Some("eni-1"));
        assert_eq!(m.private_ip.as_deref(), Some("10.0.1.5"));
        assert_eq!(
            m.network_configuration.expect("nc").subnets,
            vec!["subnet-1".to_string()]
        );
        assert_eq!(
            m.execution_role_override.as_deref(),
            Some("arn:aws:iam::123456789012:role/exec")
        );
        assert_eq!(m.container_reasons.len(), 1);
        assert_eq!(m.container_reasons[0].reason, "boom");
    }

    #[test]
    fn empty_stopped_reason_is_none() {
        let task = t::Task::builder()
            .task_arn("arn:x")
            .stopped_reason("")
            .build();
        assert_eq!(map_task_target("c", "x", &task).stopped_reason, None);
    }

    #[test]
    fn service_target_mapping() {
        let svc = t::Service::builder()
            .service_name("web")
            .service_arn("arn:aws:ecs:us-east-1:123456789012:service/prod/web")
            .status("ACTIVE")
            .desired_count(2)
            .capacity_provider_strategy(
                t::CapacityProviderStrategyItem::builder()
                    .capacity_provider("FARGATE_SPOT")
                    .build()
                    .expect("item"),
            )
            .deployments(
                t::Deployment::builder()
                    .status("PRIMARY")
                    .task_definition("arn:td:web:4")
                    .platform_version("1.4.0")
                    .network_configuration(
                        t::NetworkConfiguration::builder()
                            .awsvpc_configuration(
                                t::AwsVpcConfiguration::builder()
                                    .subnets("subnet-1")
                                    .security_groups("sg-1")
                                    .assign_public_ip(t::AssignPublicIp::Enabled)
                                    .build()
                                    .expect("awsvpc"),
                            )
                            .build(),
                    )
                    .build(),
            )
            .events(
                t::ServiceEvent::builder()
                    .message("(service web) was unable to place a task")
                    .created_at(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                    .build(),
            )
            .build();
        let m = map_service_target("prod", "web", &svc);
        assert_eq!(m.task_definition.as_deref(), Some("arn:td:web:4"));
        assert_eq!(m.platform_version.as_deref(), Some("1.4.0"));
        assert_eq!(m.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!(m.desired_count, Some(2));
        let nc = m.network_configuration.expect("nc");
        assert!(nc.assign_public_ip);
        assert_eq!(nc.security_groups, vec!["sg-1".to_string()]);
        assert_eq!(m.events.len(), 1);
        assert_eq!(
            m.events[0].created_at.as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
    }

    #[test]
    fn stopped_tasks_newest_first() {
        let dt = aws_smithy_types::DateTime::from_secs;
        let tasks = vec![
            t::Task::builder()
                .task_arn("old")
                .stopped_at(dt(100))
                .stopped_reason("old reason")
                .build(),
            t::Task::builder().task_arn("undated").build(),
            t::Task::builder()
                .task_arn("new")
                .stopped_at(dt(200))
                .stopped_reason("new reason")
                .attachments(eni_attachment())
                .build(),
        ];
        let out = newest_stopped_tasks(&tasks);
        let arns: Vec<&str> = out.iter().map(|t| t.arn.as_str()).collect();
        assert_eq!(arns, vec!["new", "old", "undated"]);
        assert_eq!(out[0].subnet_id.as_deref(), Some("subnet-1"));
    }

    #[test]
    fn task_definition_mapping() {
        let td = t::TaskDefinition::builder()
            .task_definition_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3")
            .family("web")
            .revision(3)
            .cpu("256")
            .memory("512")
            .network_mode(t::NetworkMode::Awsvpc)
            .requires_compatibilities(t::Compatibility::Fargate)
            .runtime_platform(
                t::RuntimePlatform::builder()
                    .cpu_architecture(t::CpuArchitecture::Arm64)
                    .operating_system_family(t::OsFamily::Linux)
                    .build(),
            )
            .ephemeral_storage(t::EphemeralStorage::builder().size_in_gib(30).build())
            .volumes(
                t::Volume::builder()
                    .name("data")
                    .efs_volume_configuration(
                        t::EfsVolumeConfiguration::builder()
                            .file_system_id("fs-1")
                            .build()
                            .expect("efs"),
                    )
                    .build(),
            )
            .volumes(t::Volume::builder().name("scratch").build())
            .container_definitions(
                t::ContainerDefinition::builder()
                    .name("app")
                    .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1")
                    .essential(true)
                    .repository_credentials(
                        t::RepositoryCredentials::builder()
                            .credentials_parameter("arn:secret")
                            .build()
                            .expect("creds"),
                    )
                    .secrets(
                        t::Secret::builder()
                            .name("DB")
                            .value_from("arn:ssm")
                            .build()
                            .expect("secret"),
                    )
                    .log_configuration(
                        t::LogConfiguration::builder()
                            .log_driver(t::LogDriver::Awslogs)
                            .options("awslogs-group", "/ecs/web")
                            .build()
                            .expect("log"),
                    )
                    .environment_files(
                        t::EnvironmentFile::builder()
                            .value("arn:aws:s3:::bucket/app.env")
                            .r#type(t::EnvironmentFileType::S3)
                            .build()
                            .expect("envfile"),
                    )
                    .build(),
            )
            .container_definitions(t::ContainerDefinition::builder().image("nameless").build())
            .build();
        let m = map_task_definition(&td);
        assert_eq!(m.family, "web");
        assert_eq!(m.revision, Some(3));
        assert_eq!(m.network_mode.as_deref(), Some("awsvpc"));
        assert_eq!(m.requires_compatibilities, vec!["FARGATE"]);
        assert_eq!(m.cpu_architecture.as_deref(), Some("ARM64"));
        assert_eq!(m.operating_system_family.as_deref(), Some("LINUX"));
        assert_eq!(m.ephemeral_storage_gib, Some(30));
        assert_eq!(m.volumes.len(), 2);
        assert_eq!(m.volumes[0].name, "data");
        assert!(matches!(m.volumes[0].kind, m::VolumeKind::Efs(_)));
        // A volume with no configuration is a bind mount (task storage).
        assert_eq!(m.volumes[1].kind, m::VolumeKind::Bind { source_path: None });
        assert_eq!(m.containers.len(), 1);
        let c = &m.containers[0];
        assert_eq!(c.repository_credentials.as_deref(), Some("arn:secret"));
        assert_eq!(c.secrets[0].value_from, "arn:ssm");
        let log = c.log_configuration.as_ref().expect("log");
        assert_eq!(log.log_driver, "awslogs");
        assert_eq!(log.options["awslogs-group"], "/ecs/web");
        assert_eq!(c.environment_files, vec!["arn:aws:s3:::bucket/app.env"]);
    }

    #[test]
    fn target_failures() {
        let f = |outcome, code: &str| CallFailure {
            outcome,
            code: Some(code.to_string()),
            message: Some("msg".into()),
            transport: None,
        };
        let err = target_call_failed(
            &f(m::CallOutcome::NotFound, "ClusterNotFoundException"),
            "DescribeServices",
            "service web in cluster prod".into(),
        )
        .expect_err("fatal");
        assert_eq!(err.to_string(), "cluster prod not found");
        // A denied or throttled read of the target itself ends the run, naming the call.
        for (outcome, code) in [
            (m::CallOutcome::Denied, "AccessDeniedException"),
            (m::CallOutcome::Throttled, "ThrottlingException"),
        ] {
            let err = target_call_failed(
                &f(outcome, code),
                "DescribeServices",
                "service web in cluster prod".into(),
            )
            .expect_err("fatal");
            assert_eq!(
                err.to_string(),
                format!("cannot read service web in cluster prod: ecs:DescribeServices failed: {code}: msg")
            );
        }
        let unreachable = CallFailure {
            outcome: m::CallOutcome::Failed,
            code: None,
            message: Some("connection refused".into()),
            transport: Some(TransportFailure::Unreachable),
        };
        assert!(matches!(
            target_call_failed(&unreachable, "DescribeTasks", "x".into()),
            Err(CollectError::Unreachable { .. })
        ));
    }

    #[test]
    fn unread_running_tasks_are_recorded_as_data_and_as_a_line() {
        let denied = CallFailure {
            outcome: m::CallOutcome::Denied,
            code: Some("AccessDeniedException".into()),
            message: Some("not authorized to perform ecs:ListTasks".into()),
            transport: None,
        };
        let u = tasks_unread("running", "web", Op::EcsListTasks, &denied);
        assert_eq!(
            u.line,
            "the running tasks of web: ecs:ListTasks failed (AccessDeniedException: not authorized to perform ecs:ListTasks)"
        );
        assert_eq!(
            u.digests(),
            m::RunningDigests::Unreadable {
                call: "ecs:ListTasks".into(),
                reason: "AccessDeniedException: not authorized to perform ecs:ListTasks".into(),
            }
        );
    }

    #[test]
    fn running_containers_and_deployed_digests() {
        let td_arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:4";
        let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";
        let task = |td: &str, digest: Option<&str>| {
            let mut c = t::Container::builder().name("app").image(image);
            if let Some(d) = digest {
                c = c.image_digest(d);
            }
            t::Task::builder()
                .task_definition_arn(td)
                .containers(c.build())
                // moto: no digest at all.
                .containers(
                    t::Container::builder()
                        .name("sidecar")
                        .image("envoy")
                        .build(),
                )
                .build()
        };
        let tasks = vec![
            task(td_arn, Some("sha256:new")),
            task(td_arn, Some("sha256:new")),
            task(td_arn, None),
            task(
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
                Some("sha256:old"),
            ),
        ];
        let running = map_running_containers(&tasks);
        assert_eq!(running.len(), 3);
        assert!(running.iter().all(|r| r.container == "app"));

        let td = m::TaskDefinition {
            family: "web".into(),
            containers: vec![m::ContainerDefinition {
                name: "app".into(),
                image: image.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let digests = deployed_digests(Some(td_arn), Some(&td), &running);
        assert_eq!(
            digests,
            vec![m::DeployedDigest {
                container: "app".into(),
                image: image.into(),
                digest: "sha256:new".into(),
            }]
        );
        // Without the task definition's body, the task's own image names it.
        let digests = deployed_digests(Some(td_arn), None, &running);
        assert_eq!(digests.len(), 1);
        assert_eq!(digests[0].image, image);
        assert!(deployed_digests(Some(td_arn), Some(&td), &[]).is_empty());
    }
}
