//! Running SDK calls and recording every one of them in the snapshot.
//!
//! The engine must be able to tell "nothing wrong" from "could not look" (a check whose data
//! could not be read is `unknown`, never `pass`). So every request the collector makes, and
//! every page of a paginated request, becomes one [`ApiCall`] with its outcome, whether it
//! succeeded or not. A failed call never aborts the run here: the caller gets the failure back
//! and decides (only the diagnosis target itself is fatal, see `lib.rs`).

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use fd_snapshot::Op;
use fd_snapshot::{ApiCall, CallOutcome, Fetched, Scope};

/// Why a call got no HTTP response at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportFailure {
    /// Connection refused, DNS failure, TLS failure, timeout: the endpoint cannot be reached.
    Unreachable,
    /// The SDK could not sign the request: no credentials could be loaded.
    Credentials,
}

/// A failed call, already classified and recorded.
#[derive(Debug, Clone)]
pub(crate) struct CallFailure {
    pub outcome: CallOutcome,
    pub code: Option<String>,
    pub message: Option<String>,
    /// Set when the request never got a response.
    pub transport: Option<TransportFailure>,
}

impl CallFailure {
    /// The best one-line description: the AWS message, or else the error code, or else a
    /// generic text.
    pub fn detail(&self) -> String {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "unknown error".to_string(),
        }
    }
}

/// Collects the [`ApiCall`]s of one run. Shared by reference between concurrent futures; the
/// lock is only held to push one entry, never across an `.await`.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    calls: Mutex<Vec<ApiCall>>,
    /// Told of every recorded call (a progress display).
    on_call: Option<crate::OnCall>,
    /// When the run's deadline passes: a call still waiting then (or started after) fails
    /// as `Deadline`, so that what was read is diagnosed and the rest is `unknown`.
    deadline: Option<(tokio::time::Instant, Duration)>,
    /// When each call (each page) started and ended, for [`Recorder::rounds`].
    spans: Mutex<Vec<(std::time::Instant, std::time::Instant)>>,
}

impl Recorder {
    /// A recorder whose calls give up when `deadline` (from now) has passed.
    pub fn new(deadline: Duration, on_call: Option<crate::OnCall>) -> Self {
        Recorder {
            calls: Mutex::default(),
            on_call,
            deadline: Some((tokio::time::Instant::now() + deadline, deadline)),
            spans: Mutex::default(),
        }
    }

    /// Runs `f` until the run's deadline: `None` when the deadline passed first.
    /// Every call and every page goes through here: its span is recorded.
    async fn within<F: Future>(&self, f: F) -> Option<F::Output> {
        let started = std::time::Instant::now();
        let out = match self.deadline {
            Some((at, _)) => tokio::time::timeout_at(at, f).await.ok(),
            None => Some(f.await),
        };
        self.spans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((started, std::time::Instant::now()));
        out
    }

    /// The longest chain of calls each of which started after the one before it had ended:
    /// the sequential rounds the collection took (contract §3 `stats.rounds`). With a distant
    /// endpoint the wall time is about rounds × the latency of one call.
    pub fn rounds(&self) -> usize {
        let spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        longest_chain(&spans)
    }

    /// The failure of a call the deadline cut short.
    fn past_deadline(&self) -> CallFailure {
        let secs = self.deadline.map(|(_, d)| d.as_secs()).unwrap_or_default();
        CallFailure {
            outcome: CallOutcome::Failed,
            code: Some("Deadline".into()),
            message: Some(format!(
                "the run's deadline ({secs} s) passed before it answered; raise it with --deadline"
            )),
            transport: None,
        }
    }

    /// Records and returns the deadline failure of `op`.
    fn deadline_failure(&self, op: Op, scope: &Option<Scope>) -> CallFailure {
        let failure = self.past_deadline();
        self.record_failure(op, scope, &failure);
        failure
    }
}

/// Written by hand: the longest chain of non-overlapping intervals, a few lines of dynamic
/// programming over spans sorted by start (quadratic, and a collection makes thousands of
/// calls at most).
fn longest_chain<T: Ord + Copy>(spans: &[(T, T)]) -> usize {
    let mut sorted = spans.to_vec();
    sorted.sort();
    let mut chain = vec![1usize; sorted.len()];
    for i in 0..sorted.len() {
        let start = sorted[i].0;
        let before = (0..i)
            .filter(|&j| sorted[j].1 <= start)
            .map(|j| chain[j])
            .max()
            .unwrap_or(0);
        chain[i] = before + 1;
    }
    chain.into_iter().max().unwrap_or(0)
}

impl Recorder {
    pub fn into_calls(self) -> Vec<ApiCall> {
        self.calls.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, call: ApiCall) {
        // A poisoned lock only means another future panicked while pushing; the Vec is fine.
        let count = {
            let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
            calls.push(call);
            calls.len()
        };
        if let Some(on_call) = &self.on_call {
            on_call.0(count);
        }
    }

    fn record_ok(&self, op: Op, scope: &Option<Scope>) {
        self.push(ApiCall::of(op, scope.clone()));
    }

    fn record_failure(&self, op: Op, scope: &Option<Scope>, failure: &CallFailure) {
        self.push(ApiCall {
            op,
            scope: scope.clone(),
            outcome: failure.outcome,
            error_code: failure.code.clone(),
            message: failure.message.clone(),
        });
    }

    /// Records that `op` returned `scope` in a shape fargate-doctor cannot model (an IPv6-only
    /// subnet, a zone without an ID): the item is left out of the snapshot, and this failed
    /// call makes its lookups `unknown` instead of "does not exist".
    pub fn unmodelled(&self, op: Op, scope: &str, why: &str) {
        self.record_failure(
            op,
            &Some(Scope::key(scope)),
            &CallFailure {
                outcome: CallOutcome::Failed,
                code: Some("NotModelled".into()),
                message: Some(why.to_string()),
                transport: None,
            },
        );
    }

    /// Runs one (non-paginated) request and records its outcome.
    pub async fn call<T, E>(
        &self,
        op: Op,
        scope: Option<Scope>,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, CallFailure>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let Some(answer) = self.within(request).await else {
            return Err(self.deadline_failure(op, &scope));
        };
        match answer {
            Ok(out) => {
                self.record_ok(op, &scope);
                Ok(out)
            }
            Err(err) => {
                let failure = classify_sdk_error(&err);
                self.record_failure(op, &scope, &failure);
                Err(failure)
            }
        }
    }

    /// Drains a paginator, recording one call per page. Returns the pages read and, if a page
    /// failed, that failure (the pages before it are kept: the failure is recorded, so the
    /// engine knows the data is incomplete).
    pub async fn pages<T, E>(
        &self,
        op: Op,
        scope: Option<Scope>,
        mut stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
    ) -> (Vec<T>, Option<CallFailure>)
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let mut pages = Vec::new();
        loop {
            let Some(next) = self.within(stream.next()).await else {
                let failure = self.deadline_failure(op, &scope);
                return (pages, Some(failure));
            };
            let Some(page) = next else { break };
            match page {
                Ok(out) => {
                    self.record_ok(op, &scope);
                    pages.push(out);
                }
                Err(err) => {
                    let failure = classify_sdk_error(&err);
                    self.record_failure(op, &scope, &failure);
                    return (pages, Some(failure));
                }
            }
        }
        (pages, None)
    }

    /// Drains a paginator like [`Recorder::pages`] and keeps the items `each` takes from every
    /// page; any failed page makes the whole listing a failure (a partial list is not a list).
    pub async fn items<T, E, I>(
        &self,
        op: Op,
        scope: Option<Scope>,
        stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
        each: impl Fn(&T) -> &[I],
    ) -> Result<Vec<I>, CallFailure>
    where
        E: ProvideErrorMetadata + StdError + 'static,
        I: Clone,
    {
        match self.pages(op, scope, stream).await {
            (_, Some(failure)) => Err(failure),
            (pages, None) => Ok(pages.iter().flat_map(|p| each(p).iter().cloned()).collect()),
        }
    }

    /// Like [`Recorder::call`], for requests that report a failure inside a successful
    /// response (ECR `BatchGetImage`'s `failures[]`): `judge` turns such a response into a
    /// failure, which is recorded (and returned) instead of `ok`.
    pub async fn call_judged<T, E>(
        &self,
        op: Op,
        scope: Option<Scope>,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        judge: impl FnOnce(&T) -> Option<CallFailure>,
    ) -> Result<T, CallFailure>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let Some(answer) = self.within(request).await else {
            return Err(self.deadline_failure(op, &scope));
        };
        let out = answer.map_err(|err| {
            let failure = classify_sdk_error(&err);
            self.record_failure(op, &scope, &failure);
            failure
        })?;
        match judge(&out) {
            None => {
                self.record_ok(op, &scope);
                Ok(out)
            }
            Some(failure) => {
                self.record_failure(op, &scope, &failure);
                Err(failure)
            }
        }
    }

    /// Pages through a listing that says "not found" with silence (SSM `DescribeParameters`
    /// with a name filter, CloudWatch Logs `DescribeLogGroups` with a prefix), until `find`
    /// finds the item in a page. Every page read is recorded: `ok`, except the last one when
    /// nothing was found, which is recorded `not_found` with `missing` as its message, so that
    /// [`fd_snapshot::Snapshot::call_for`] tells a missing item from one that could not be read.
    pub async fn find_in_pages<T, E, R>(
        &self,
        op: Op,
        scope: Option<Scope>,
        mut stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
        mut find: impl FnMut(&T) -> Option<R>,
        missing: &str,
    ) -> Result<Option<R>, CallFailure>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        // A page without the item is recorded when the next one arrives: only then is it
        // known whether it was the last.
        let mut unrecorded_page = false;
        loop {
            let Some(page) = self.within(stream.next()).await else {
                return Err(self.deadline_failure(op, &scope));
            };
            if unrecorded_page && page.is_some() {
                self.record_ok(op, &scope);
            }
            match page {
                None => {
                    if unrecorded_page {
                        self.push(ApiCall {
                            outcome: CallOutcome::NotFound,
                            message: Some(missing.to_string()),
                            ..ApiCall::of(op, scope)
                        });
                    }
                    return Ok(None);
                }
                Some(Ok(out)) => {
                    if let Some(found) = find(&out) {
                        self.record_ok(op, &scope);
                        return Ok(Some(found));
                    }
                    unrecorded_page = true;
                }
                Some(Err(err)) => {
                    let failure = classify_sdk_error(&err);
                    self.record_failure(op, &scope, &failure);
                    return Err(failure);
                }
            }
        }
    }
}

/// Classifies any SDK error: service errors by their AWS error code, transport errors by kind.
pub(crate) fn classify_sdk_error<E>(err: &SdkError<E, HttpResponse>) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let full = error_chain(err);
    match err {
        SdkError::ServiceError(e) => {
            let code = err.code().map(str::to_string);
            let message = err
                .message()
                .map(str::to_string)
                .or_else(|| code.is_none().then(|| full.clone()));
            CallFailure {
                outcome: classify_service_error(
                    code.as_deref(),
                    message.as_deref(),
                    e.raw().status().as_u16(),
                ),
                code,
                message,
                transport: None,
            }
        }
        SdkError::TimeoutError(_) => transport_failure(TransportFailure::Unreachable, full),
        SdkError::DispatchFailure(d) => {
            let kind = if d.is_io() || d.is_timeout() || !mentions_credentials(&full) {
                TransportFailure::Unreachable
            } else {
                TransportFailure::Credentials
            };
            transport_failure(kind, full)
        }
        // Construction failures (a bad parameter caught client-side) and unparseable responses
        // (an emulator's HTML error page, a proxy) are plain failures.
        _ => CallFailure {
            outcome: CallOutcome::Failed,
            code: None,
            message: Some(full),
            transport: None,
        },
    }
}

/// The error and its sources as one line: `dispatch failure: io error: … Connection refused`.
/// (The SDK's own `DisplayErrorContext` appends the whole `Debug` form, too long for a user.)
fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        // Wrappers often repeat their source's text; keep each text once.
        if !text.is_empty() && !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn transport_failure(kind: TransportFailure, message: String) -> CallFailure {
    CallFailure {
        outcome: CallOutcome::Failed,
        code: None,
        message: Some(message),
        transport: Some(kind),
    }
}

/// Identity resolution failures reach us as a dispatch failure of kind "other" whose text
/// names the credentials ("failed to load credentials", "no credentials in the provider
/// chain" …).
fn mentions_credentials(text: &str) -> bool {
    text.to_ascii_lowercase().contains("credentials")
}

/// Error codes that mean the caller lacks a permission (S3 answers `Forbidden` on a HEAD).
const DENIED_CODES: &[&str] = &[
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "Forbidden",
];

/// Error codes that say the thing asked for does not exist, beyond the `…NotFound` and
/// `…NotFoundException` families (EFS `FileSystemNotFound`, `PolicyNotFound`, ECR
/// `PullThroughCacheRuleNotFoundException`, S3 HEAD's `NotFound` …).
const NOT_FOUND_CODES: &[&str] = &[
    "NoSuchEntity",
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchBucketPolicy",
    "NoSuchHostedZone",
];

/// Error codes that mean the SDK gave up retrying a throttled request (cf. aws-runtime's list).
const THROTTLED_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Maps an AWS error code (and, for ECS's catch-all `ClientException`, the message) to an
/// outcome.
pub(crate) fn classify_code(code: Option<&str>, message: Option<&str>) -> CallOutcome {
    let Some(code) = code else {
        return CallOutcome::Failed;
    };
    if code.starts_with("AccessDenied") || DENIED_CODES.contains(&code) {
        CallOutcome::Denied
    } else if THROTTLED_CODES.contains(&code) {
        CallOutcome::Throttled
    } else if code.ends_with("NotFound")
        || code.ends_with("NotFoundException")
        || NOT_FOUND_CODES.contains(&code)
        || (code == "ClientException"
            && message.is_some_and(|m| m.contains("Unable to describe task definition")))
    {
        // EC2 `InvalidSubnetID.NotFound`, ECS `ClusterNotFoundException`,
        // `ServiceNotFoundException`, and ECS's way of saying a task definition does not exist.
        CallOutcome::NotFound
    } else {
        CallOutcome::Failed
    }
}

/// A service error: by its code, else (a response without a body, such as S3's answer to a
/// HEAD request) by its HTTP status.
pub(crate) fn classify_service_error(
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
) -> CallOutcome {
    match (code, status) {
        (Some(_), _) => classify_code(code, message),
        (None, 403) => CallOutcome::Denied,
        (None, 404) => CallOutcome::NotFound,
        (None, _) => CallOutcome::Failed,
    }
}

/// A call's result as a lookup: "does not exist" is an answer ([`Fetched::Absent`]); denied,
/// throttled or failed is not ([`Fetched::Unreadable`]). `call` is `service:Operation`.
pub(crate) fn fetched<T>(op: Op, result: Result<T, CallFailure>) -> Fetched<T> {
    match result {
        Ok(value) => Fetched::Found { value },
        Err(f) if f.outcome == CallOutcome::NotFound => Fetched::Absent {
            call: op.to_string(),
            detail: Some(f.detail()),
        },
        Err(f) => Fetched::Unreadable {
            call: op.to_string(),
            reason: f.detail(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_codes() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "Forbidden",
        ] {
            assert_eq!(
                classify_code(Some(code), None),
                CallOutcome::Denied,
                "{code}"
            );
        }
    }

    #[test]
    fn throttled_codes() {
        for code in [
            "Throttling",
            "ThrottlingException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
        ] {
            assert_eq!(
                classify_code(Some(code), None),
                CallOutcome::Throttled,
                "{code}"
            );
        }
    }

    #[test]
    fn not_found_codes() {
        for code in [
            "InvalidSubnetID.NotFound",
            "InvalidGroup.NotFound",
            "InvalidVpcID.NotFound",
            "ClusterNotFoundException",
            "ServiceNotFoundException",
            "NoSuchEntity",
            "FileSystemNotFound",
            "AccessPointNotFound",
            "MountTargetNotFound",
            "PolicyNotFound",
            "NoSuchBucket",
            "NoSuchKey",
            "NoSuchBucketPolicy",
            "NoSuchHostedZone",
            "PullThroughCacheRuleNotFoundException",
            "NotFound",
        ] {
            assert_eq!(
                classify_code(Some(code), None),
                CallOutcome::NotFound,
                "{code}"
            );
        }
        assert_eq!(
            classify_code(
                Some("ClientException"),
                Some("Unable to describe task definition.")
            ),
            CallOutcome::NotFound
        );
    }

    #[test]
    fn other_codes_fail() {
        assert_eq!(
            classify_code(Some("ClientException"), Some("something else")),
            CallOutcome::Failed
        );
        assert_eq!(
            classify_code(Some("AuthFailure"), None),
            CallOutcome::Failed
        );
        assert_eq!(classify_code(None, Some("boom")), CallOutcome::Failed);
    }

    #[test]
    fn bodiless_errors_by_status() {
        assert_eq!(classify_service_error(None, None, 403), CallOutcome::Denied);
        assert_eq!(
            classify_service_error(None, None, 404),
            CallOutcome::NotFound
        );
        assert_eq!(classify_service_error(None, None, 500), CallOutcome::Failed);
        // A code wins over the status.
        assert_eq!(
            classify_service_error(Some("SlowDown"), None, 503),
            CallOutcome::Throttled
        );
        assert_eq!(
            classify_service_error(Some("InternalError"), None, 404),
            CallOutcome::Failed
        );
    }

    /// S3 HeadObject: the SDK's error for a body-less 403 and 404, through the real classifier.
    #[test]
    fn head_object_status_is_classified() {
        use aws_sdk_s3::operation::head_object::HeadObjectError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;

        let failure = |status: u16| {
            let raw = HttpResponse::new(
                StatusCode::try_from(status).expect("status"),
                SdkBody::empty(),
            );
            let err: SdkError<HeadObjectError, HttpResponse> = SdkError::service_error(
                HeadObjectError::generic(ErrorMetadata::builder().build()),
                raw,
            );
            classify_sdk_error(&err)
        };
        assert_eq!(failure(403).outcome, CallOutcome::Denied);
        assert_eq!(failure(404).outcome, CallOutcome::NotFound);
        assert_eq!(failure(500).outcome, CallOutcome::Failed);
    }

    #[test]
    fn fetched_from_results() {
        let failure = |outcome, code: &str| CallFailure {
            outcome,
            code: Some(code.to_string()),
            message: Some("m".into()),
            transport: None,
        };
        assert_eq!(
            fetched(Op::EfsDescribeFileSystems, Ok(7)),
            Fetched::Found { value: 7 }
        );
        assert_eq!(
            fetched::<i32>(
                Op::EfsDescribeFileSystems,
                Err(failure(CallOutcome::NotFound, "FileSystemNotFound"))
            ),
            Fetched::Absent {
                call: Op::EfsDescribeFileSystems.to_string(),
                detail: Some("FileSystemNotFound: m".into()),
            }
        );
        for outcome in [
            CallOutcome::Denied,
            CallOutcome::Throttled,
            CallOutcome::Failed,
        ] {
            assert_eq!(
                fetched::<i32>(Op::S3HeadObject, Err(failure(outcome, "X"))),
                Fetched::Unreadable {
                    call: Op::S3HeadObject.to_string(),
                    reason: "X: m".into(),
                }
            );
        }
    }

    #[test]
    fn failure_detail() {
        let f = CallFailure {
            outcome: CallOutcome::Denied,
            code: Some("AccessDenied".into()),
            message: Some("no".into()),
            transport: None,
        };
        assert_eq!(f.detail(), "AccessDenied: no");
    }

    type Page = Vec<&'static str>;
    type PageError = SdkError<
        aws_sdk_ssm::operation::describe_parameters::DescribeParametersError,
        HttpResponse,
    >;

    fn stream_of(pages: Vec<Page>) -> PaginationStream<Result<Page, PageError>> {
        use aws_smithy_async::future::pagination_stream::fn_stream::FnStream;
        PaginationStream::new(FnStream::new(move |tx| {
            Box::pin(async move {
                for page in pages {
                    if tx.send(Ok(page)).await.is_err() {
                        return;
                    }
                }
            })
        }))
    }

    async fn find(rec: &Recorder, pages: Vec<Page>) -> Option<&'static str> {
        rec.find_in_pages(
            Op::SsmDescribeParameters,
            Some("/p".into()),
            stream_of(pages),
            |page| page.iter().find(|n| **n == "/p").copied(),
            "no parameter named /p",
        )
        .await
        .expect("no error")
    }

    #[tokio::test]
    async fn find_in_pages_stops_at_the_item() {
        let rec = Recorder::default();
        let found = find(&rec, vec![vec![], vec!["/q", "/p"], vec!["/r"]]).await;
        assert_eq!(found, Some("/p"));
        let calls = rec.into_calls();
        // The third page is never requested.
        assert_eq!(calls.len(), 2);
        assert!(calls.iter().all(|c| c.outcome == CallOutcome::Ok));
    }

    #[tokio::test]
    async fn find_in_pages_records_not_found_on_the_last_page() {
        let rec = Recorder::default();
        assert_eq!(find(&rec, vec![vec!["/q"], vec![]]).await, None);
        let calls = rec.into_calls();
        let outcomes: Vec<CallOutcome> = calls.iter().map(|c| c.outcome).collect();
        assert_eq!(outcomes, vec![CallOutcome::Ok, CallOutcome::NotFound]);
        assert_eq!(calls[1].scope, Some(Scope::key("/p")));
        assert_eq!(calls[1].message.as_deref(), Some("no parameter named /p"));
    }

    #[tokio::test]
    async fn call_judged_records_the_judgement() {
        let rec = Recorder::default();
        let ok: Result<Page, PageError> = Ok(vec![]);
        let out = rec
            .call_judged(Op::EcrBatchGetImage, None, async { ok }, |page| {
                page.is_empty().then(|| CallFailure {
                    outcome: CallOutcome::NotFound,
                    code: Some("ImageNotFound".into()),
                    message: None,
                    transport: None,
                })
            })
            .await;
        assert!(out.is_err());
        let calls = rec.into_calls();
        assert_eq!(calls[0].outcome, CallOutcome::NotFound);
        assert_eq!(calls[0].error_code.as_deref(), Some("ImageNotFound"));
    }

    #[test]
    fn rounds_are_the_longest_chain_of_calls_that_waited() {
        // 0-10 then 10-20 then 25-30 wait in turn; 0-30 and 5-12 overlap them.
        let spans = [(0, 10), (10, 20), (25, 30), (0, 30), (5, 12)];
        assert_eq!(longest_chain(&spans), 3);
        assert_eq!(longest_chain::<u32>(&[]), 0);
        // All at once: one round.
        assert_eq!(longest_chain(&[(0, 5), (1, 6), (2, 7)]), 1);
    }

    #[test]
    fn recorder_keeps_order() {
        let rec = Recorder::default();
        rec.record_ok(Op::Ec2DescribeVpcs, &None);
        rec.record_failure(
            Op::Ec2DescribeNetworkAcls,
            &Some("vpc-1".into()),
            &CallFailure {
                outcome: CallOutcome::Denied,
                code: Some("UnauthorizedOperation".into()),
                message: None,
                transport: None,
            },
        );
        let calls = rec.into_calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].outcome, CallOutcome::Ok);
        assert_eq!(calls[1].outcome, CallOutcome::Denied);
        assert_eq!(
            calls[1].error_code.as_deref(),
            Some("UnauthorizedOperation")
        );
    }
}
