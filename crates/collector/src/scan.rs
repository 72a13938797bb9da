//! `scan`: the services to diagnose, listed from one cluster or from every cluster of the Region
//! (ecs:ListClusters, ecs:ListServices; both paginated and recorded like every other call).

use crate::calls::{CallFailure, Recorder, TransportFailure};
use crate::{CollectError, Request};
use fd_snapshot::Op;

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

/// One `Request::Service` per service of `cluster`, or of every cluster when `None`.
pub(crate) async fn services(
    ecs: &aws_sdk_ecs::Client,
    rec: &Recorder,
    cluster: Option<&str>,
) -> Result<Vec<Request>, CollectError> {
    let clusters = match cluster {
        Some(c) => vec![c.to_string()],
        None => {
            let stream = ecs.list_clusters().into_paginator().send();
            let (pages, failure) = rec.pages(Op::EcsListClusters, None, stream).await;
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
    let mut out = Vec::new();
    for c in clusters {
        let stream = ecs.list_services().cluster(&c).into_paginator().send();
        let (pages, failure) = rec
            .pages(Op::EcsListServices, Some(c.clone()), stream)
            .await;
        if let Some(f) = failure {
            return Err(listing_failed(&f, format!("services of cluster {c}")));
        }
        out.extend(
            pages
                .iter()
                .flat_map(|p| p.service_arns().iter())
                .map(|arn| Request::Service {
                    cluster: c.clone(),
                    service: arn.clone(),
                }),
        );
    }
    Ok(out)
}
