//! `scan`: the services to diagnose, listed from one cluster or from every cluster of the Region
//! (ecs:ListClusters, ecs:ListServices; both paginated and recorded like every other call).

use aws_sdk_ecs::types as t;
use fd_snapshot::{CallUnread, Op, Scope, TargetKind};
use futures::stream::{self, StreamExt};

use crate::calls::{CallFailure, Recorder, TransportFailure};
use crate::ecs::{self, Clients, Resolved};
use crate::{CollectError, CONCURRENCY};

/// A listing that failed: fatal for a scan, since there is nothing to diagnose without it.
fn listing_failed(failure: &CallFailure, what: String) -> CollectError {
    match failure.transport {
        Some(TransportFailure::Unreachable) => CollectError::Unreachable {
            message: failure.detail(),
        },
        Some(TransportFailure::Credentials) => CollectError::NoCredentials {
            message: failure.detail(),
        },
        None if failure.code.as_deref() == Some("ClusterNotFoundException") => {
            CollectError::TargetNotFound {
                what: what.replace("services of ", ""),
            }
        }
        None => CollectError::CannotList {
            what,
            message: failure.detail(),
        },
    }
}

/// Every service of `cluster`, or of every cluster when `None`, resolved: the clusters'
/// services are listed concurrently, and each cluster's are read in batches as soon as its
/// listing is complete ([`resolve_services`]).
pub(crate) async fn scan(
    c: &Clients<'_>,
    cluster: Option<&str>,
) -> Result<Vec<Resolved>, CollectError> {
    let clusters = match cluster {
        Some(name) => vec![name.to_string()],
        None => {
            let stream = c.ecs.list_clusters().into_paginator().send();
            let (pages, failure) = c.rec.pages(Op::EcsListClusters, None, stream).await;
            if let Some(f) = failure {
                return Err(listing_failed(&f, "the clusters of the Region".into()));
            }
            // Short names read better in the report and work in the same account and Region.
            pages
                .iter()
                .flat_map(|p| p.cluster_arns().iter())
                .map(|arn| arn.rsplit('/').next().unwrap_or(arn).to_string())
                .collect()
        }
    };
    let per_cluster = stream::iter(&clusters)
        .map(|name| async move {
            let arns = list_services(c.ecs, c.rec, name).await?;
            resolve_services(c, name, &arns).await
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    let mut out = Vec::new();
    for r in per_cluster {
        out.extend(r?);
    }
    Ok(out)
}

/// ListServices, every page: the service ARNs of `cluster`.
async fn list_services(
    ecs: &aws_sdk_ecs::Client,
    rec: &Recorder,
    cluster: &str,
) -> Result<Vec<String>, CollectError> {
    // 100 per page, the most ListServices gives (its default is 10).
    let stream = ecs
        .list_services()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(Op::EcsListServices, Some(Scope::key(cluster)), stream)
        .await;
    if let Some(f) = failure {
        return Err(listing_failed(&f, format!("services of cluster {cluster}")));
    }
    Ok(pages
        .iter()
        .flat_map(|p| p.service_arns().iter().cloned())
        .collect())
}

/// DescribeServices takes at most this many services per call.
const DESCRIBE_SERVICES_BATCH: usize = 10;
/// DescribeTasks takes at most this many tasks per call.
const DESCRIBE_TASKS_BATCH: usize = 100;

/// The services `arns` of `cluster`, read in batches: DescribeServices 10 at a time, and the
/// cluster's stopped and running tasks listed once each (ListTasks by desired status, every
/// page) and described 100 at a time, then grouped by the service that started them
/// (`group` = `service:NAME`). All three start at once.
///
/// A service that could not be described (its batch denied or throttled, or listed by AWS
/// as a failure) is a target with [`fd_snapshot::Target::description_unread`]: the scan goes
/// on. Only an unreachable endpoint or missing credentials end it.
pub(crate) async fn resolve_services(
    c: &Clients<'_>,
    cluster: &str,
    arns: &[String],
) -> Result<Vec<Resolved>, CollectError> {
    let describe = stream::iter(arns.chunks(DESCRIBE_SERVICES_BATCH))
        .map(|chunk| async move {
            let out = c
                .rec
                .call(
                    Op::EcsDescribeServices,
                    Some(Scope::Batch {
                        what: "services".into(),
                        of: cluster.to_string(),
                        count: Some(chunk.len()),
                    }),
                    c.ecs
                        .describe_services()
                        .cluster(cluster)
                        .set_services(Some(chunk.to_vec()))
                        .send(),
                )
                .await;
            (chunk, out)
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<_>>();
    let (described, stopped, running) = futures::join!(
        describe,
        cluster_tasks(c, cluster, t::DesiredStatus::Stopped),
        cluster_tasks(c, cluster, t::DesiredStatus::Running),
    );

    let mut out = Vec::with_capacity(arns.len());
    for (chunk, result) in described {
        let page = match result {
            Ok(page) => page,
            Err(f) => {
                fatal(&f)?;
                for arn in chunk {
                    out.push(unread_service(
                        cluster,
                        arn,
                        Op::EcsDescribeServices,
                        f.detail(),
                    ));
                }
                continue;
            }
        };
        for arn in chunk {
            let svc = page
                .services()
                .iter()
                .find(|s| s.service_arn() == Some(arn.as_str()));
            let Some(svc) = svc else {
                let reason = page
                    .failures()
                    .iter()
                    .find(|f| f.arn() == Some(arn.as_str()))
                    .map(|f| {
                        format!(
                            "AWS lists it as a failure: {}{}",
                            f.reason().unwrap_or("no reason given"),
                            f.detail().map(|d| format!(" ({d})")).unwrap_or_default()
                        )
                    })
                    .unwrap_or_else(|| "AWS did not return it".into());
                out.push(unread_service(
                    cluster,
                    arn,
                    Op::EcsDescribeServices,
                    reason,
                ));
                continue;
            };
            let mut target = ecs::map_service_target(cluster, arn, svc);
            let group = format!("service:{}", target.name);
            let of_service = |tasks: &[t::Task]| -> Vec<t::Task> {
                tasks
                    .iter()
                    .filter(|t| t.group() == Some(group.as_str()))
                    .cloned()
                    .collect()
            };
            match &stopped {
                Ok(tasks) => target.stopped_tasks = ecs::newest_stopped_tasks(&of_service(tasks)),
                Err((op, f)) => target
                    .unread
                    .push(ecs::tasks_unread("stopped", &target.name, *op, f).line),
            }
            if let Some(newest) = target.stopped_tasks.first() {
                target.stopped_reason = newest.stopped_reason.clone();
                target.stop_code = newest.stop_code.clone();
            }
            let running = match &running {
                Ok(tasks) => Ok(ecs::map_running_containers(&of_service(tasks))),
                Err((op, f)) => {
                    let unread = ecs::tasks_unread("running", &target.name, *op, f);
                    target.unread.push(unread.line.clone());
                    Err(unread)
                }
            };
            out.push(Resolved {
                running,
                ..Resolved::bare(target)
            });
        }
    }
    Ok(out)
}

/// A transport failure (endpoint unreachable, no credentials) ends the scan: every other call
/// would fail the same way.
fn fatal(f: &CallFailure) -> Result<(), CollectError> {
    match f.transport {
        Some(TransportFailure::Unreachable) => Err(CollectError::Unreachable {
            message: f.detail(),
        }),
        Some(TransportFailure::Credentials) => Err(CollectError::NoCredentials {
            message: f.detail(),
        }),
        None => Ok(()),
    }
}

/// A service of the scan whose description could not be read.
fn unread_service(cluster: &str, arn: &str, op: Op, reason: String) -> Resolved {
    let name = arn.rsplit('/').next().unwrap_or(arn).to_string();
    let mut target = ecs::new_target(TargetKind::Service, cluster, name);
    target.arn = Some(arn.to_string()).filter(|a| a.starts_with("arn:"));
    target.description_unread = Some(CallUnread {
        call: op.to_string(),
        reason,
    });
    Resolved::bare(target)
}

/// Every task of `cluster` with desired status `status`: ListTasks (every page), then
/// DescribeTasks 100 at a time. Which call failed, and how, when one did.
async fn cluster_tasks(
    c: &Clients<'_>,
    cluster: &str,
    status: t::DesiredStatus,
) -> Result<Vec<t::Task>, (Op, CallFailure)> {
    let label = status.as_str().to_ascii_lowercase();
    let stream = c
        .ecs
        .list_tasks()
        .cluster(cluster)
        .desired_status(status)
        .into_paginator()
        .send();
    let (pages, failure) = c
        .rec
        .pages(
            Op::EcsListTasks,
            Some(Scope::Batch {
                what: format!("{label} tasks"),
                of: cluster.to_string(),
                count: None,
            }),
            stream,
        )
        .await;
    if let Some(f) = failure {
        return Err((Op::EcsListTasks, f));
    }
    let arns: Vec<String> = pages
        .iter()
        .flat_map(|p| p.task_arns().iter().cloned())
        .collect();
    let described = stream::iter(arns.chunks(DESCRIBE_TASKS_BATCH))
        .map(|chunk| {
            c.rec.call(
                Op::EcsDescribeTasks,
                Some(Scope::Batch {
                    what: format!("{label} tasks"),
                    of: cluster.to_string(),
                    count: Some(chunk.len()),
                }),
                c.ecs
                    .describe_tasks()
                    .cluster(cluster)
                    .set_tasks(Some(chunk.to_vec()))
                    .send(),
            )
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    let mut tasks = Vec::with_capacity(arns.len());
    for d in described {
        match d {
            Ok(out) => tasks.extend(out.tasks().iter().cloned()),
            Err(f) => return Err((Op::EcsDescribeTasks, f)),
        }
    }
    Ok(tasks)
}
