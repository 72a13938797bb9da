//! A fault-injecting HTTP proxy between `fargate-doctor` and moto: it forwards every request,
//! except those of the operations it is told to break, which it denies, throttles, fails with a
//! 500, never answers, or drops. Errors are written in each service's own protocol (EC2 query
//! XML, IAM/STS query XML, JSON `__type`, REST-XML for S3 and Route 53, REST-JSON for EFS), so the
//! SDK sees what AWS would send.
//!
//! Hand-written on `std::net`: a test needs one request at a time per connection, HTTP/1.1 with
//! `Content-Length`, and full control over faults (a hang, a dropped connection) that a proxy
//! crate would hide.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to do to an operation's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// AccessDenied / UnauthorizedOperation.
    Deny,
    /// Throttling on every request.
    Throttle,
    /// Throttling on the first `n` requests, then pass (the SDK's retries must get through).
    ThrottleBurst(usize),
    /// HTTP 500 with an internal-error body.
    ServerError,
    /// Accept the request and never answer.
    Hang,
    /// Close the connection without an answer.
    Drop,
}

#[derive(Default)]
struct State {
    /// `service:Operation` (as fargate-doctor names calls) → fault and requests seen.
    faults: HashMap<String, (Fault, usize)>,
    /// A fault for every operation (an endpoint that misbehaves as a whole).
    all: Option<Fault>,
    /// Every operation seen, in order.
    seen: Vec<String>,
    /// `service:Operation` → how many of its requests got a fault instead of moto's answer.
    served: HashMap<String, usize>,
    /// Added to every request before it is answered (the distance to a real endpoint).
    latency: Duration,
    /// When each request arrived and when its answer was sent, in arrival order.
    spans: Vec<(Instant, Instant, String)>,
}

/// A running proxy; it stops serving when dropped (its threads then end with the test process).
pub struct FaultProxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    /// A proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("proxy address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (state, upstream) = (Arc::clone(&shared), upstream.clone());
                std::thread::spawn(move || serve(conn, &upstream, &state));
            }
        });
        FaultProxy { endpoint, state }
    }

    /// Break `op` (`ec2:DescribeVpcs`, `ecs:DescribeServices` …) with `fault`.
    pub fn set(&self, op: &str, fault: Fault) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.faults.insert(op.to_string(), (fault, 0));
    }

    /// Break every operation with `fault`.
    pub fn set_all(&self, fault: Fault) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.all = Some(fault);
    }

    /// Forward everything again.
    pub fn clear(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.faults.clear();
        s.all = None;
        s.seen.clear();
        s.served.clear();
        s.spans.clear();
    }

    /// How many faults the proxy served to requests of `op` since the last [`FaultProxy::clear`]
    /// (a throttling burst counts only the requests it throttled): a row that breaks `op` is
    /// only a test of `op` if this is not zero.
    pub fn served(&self, op: &str) -> usize {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.served.get(op).copied().unwrap_or(0)
    }

    /// Delay every answer by `latency` (for the benchmark: a realistic distance to AWS).
    pub fn set_latency(&self, latency: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.latency = latency;
    }

    /// The longest chain of requests each of which arrived after the one before it was
    /// answered: how many calls had to wait for one another (the run's sequential rounds).
    pub fn rounds(&self) -> usize {
        self.chain().len()
    }

    /// One longest such chain, as `service:Operation` names in order.
    pub fn chain(&self) -> Vec<String> {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut spans = s.spans.clone();
        // Most non-overlapping intervals: earliest end first, greedily.
        spans.sort_by_key(|(_, end, _)| *end);
        let mut chain = Vec::new();
        let mut free_from: Option<Instant> = None;
        for (start, end, op) in spans {
            if free_from.is_none_or(|t| start >= t) {
                chain.push(op);
                free_from = Some(end);
            }
        }
        chain
    }

    /// Every `service:Operation` the proxy saw.
    pub fn seen(&self) -> Vec<String> {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.seen.clone()
    }
}

struct Request {
    head: Vec<String>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn method_and_path(&self) -> (&str, &str) {
        let mut parts = self.head[0].split(' ');
        (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        )
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let mut req = Request { head, body: vec![] };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    req.body = vec![0; len];
    reader.read_exact(&mut req.body).ok()?;
    Some(req)
}

fn serve(conn: TcpStream, upstream: &str, state: &Mutex<State>) {
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut conn = conn;
    // One request per connection: every response says `Connection: close`.
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    let arrived = Instant::now();
    let (service, op) = identify(&req);
    let name = format!("{service}:{op}");
    let (fault, latency) = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.seen.push(name.clone());
        let fault = match s.faults.get_mut(&name) {
            Some((Fault::ThrottleBurst(n), count)) => {
                *count += 1;
                (*count <= *n).then_some(Fault::Throttle)
            }
            Some((f, count)) => {
                *count += 1;
                Some(*f)
            }
            None => s.all,
        };
        if fault.is_some() {
            *s.served.entry(name.clone()).or_default() += 1;
        }
        (fault, s.latency)
    };
    std::thread::sleep(latency);
    match fault {
        None => {
            if let Some(response) = forward(&req, upstream) {
                let _ = conn.write_all(&response);
            }
        }
        Some(Fault::Hang) => std::thread::sleep(Duration::from_secs(3600)),
        Some(Fault::Drop) => {}
        Some(f) => {
            let _ = conn.write_all(&error_response(&service, &req, f));
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.spans.push((arrived, Instant::now(), name));
}

/// Sends `req` to moto with `Connection: close` and returns its whole response.
fn forward(req: &Request, upstream: &str) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).ok()?;
    let mut out = Vec::new();
    for (i, line) in req.head.iter().enumerate() {
        let lower = line.to_ascii_lowercase();
        if i > 0 && (lower.starts_with("connection:") || lower.starts_with("keep-alive:")) {
            continue;
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&req.body);
    up.write_all(&out).ok()?;
    let mut response = Vec::new();
    up.read_to_end(&mut response).ok()?;
    Some(response)
}

/// The service (as fargate-doctor names it in its calls) and the operation of a request: from
/// the SigV4 credential scope, then `X-Amz-Target` (JSON protocols), `Action=` (query
/// protocols), or the method and path (REST protocols).
fn identify(req: &Request) -> (String, String) {
    let signing = req
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown");
    let service = match signing {
        "elasticfilesystem" => "efs",
        other => other,
    }
    .to_string();
    if let Some(target) = req.header("x-amz-target") {
        return (
            service,
            target.rsplit('.').next().unwrap_or(target).to_string(),
        );
    }
    let body = String::from_utf8_lossy(&req.body);
    if let Some(action) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
        return (service, action.to_string());
    }
    let (method, path) = req.method_and_path();
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let op = match service.as_str() {
        "efs" => match segments.as_slice() {
            [_, "file-systems", _, "policy"] => "DescribeFileSystemPolicy",
            [_, "file-systems", ..] => "DescribeFileSystems",
            [_, "mount-targets", _, "security-groups"] => "DescribeMountTargetSecurityGroups",
            [_, "mount-targets", ..] => "DescribeMountTargets",
            [_, "access-points", ..] => "DescribeAccessPoints",
            _ => "Unknown",
        },
        "s3" if method == "HEAD" => "HeadObject",
        "s3" if query.starts_with("location") => "GetBucketLocation",
        "s3" if query.starts_with("policy") => "GetBucketPolicy",
        "route53" if path.contains("hostedzonesbyvpc") => "ListHostedZonesByVPC",
        "route53" if path.ends_with("/rrset") => "ListResourceRecordSets",
        _ => "Unknown",
    };
    (service, op.to_string())
}

/// An error response in the service's protocol.
fn error_response(service: &str, req: &Request, fault: Fault) -> Vec<u8> {
    let message = format!("injected by the test proxy: {fault:?}");
    let (status, json_code, query_code, rest_code) = match fault {
        Fault::Deny => (
            403,
            "AccessDeniedException",
            "UnauthorizedOperation",
            "AccessDenied",
        ),
        Fault::Throttle | Fault::ThrottleBurst(_) => (
            400,
            "ThrottlingException",
            "RequestLimitExceeded",
            "Throttling",
        ),
        _ => (500, "InternalFailure", "InternalError", "InternalError"),
    };
    let xml = "text/xml";
    let (status, content_type, code, body) = match service {
        "ec2" => {
            let status = if fault == Fault::Throttle || matches!(fault, Fault::ThrottleBurst(_)) {
                503
            } else {
                status
            };
            (
                status,
                xml,
                query_code,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{query_code}</Code><Message>{message}</Message></Error></Errors><RequestID>fault</RequestID></Response>"
                ),
            )
        }
        "iam" | "sts" | "route53" => (
            status,
            xml,
            rest_code,
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{rest_code}</Code><Message>{message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
            ),
        ),
        "s3" => {
            let code = match fault {
                Fault::Throttle | Fault::ThrottleBurst(_) => "SlowDown",
                _ => rest_code,
            };
            let status = if code == "SlowDown" { 503 } else { status };
            let body = if req.method_and_path().0 == "HEAD" {
                String::new()
            } else {
                format!("<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>")
            };
            (status, "application/xml", code, body)
        }
        "efs" => {
            let status = if json_code == "ThrottlingException" { 429 } else { status };
            (
                status,
                "application/json",
                json_code,
                format!("{{\"ErrorCode\":\"{json_code}\",\"Message\":\"{message}\"}}"),
            )
        }
        _ => (
            status,
            "application/x-amz-json-1.1",
            json_code,
            format!("{{\"__type\":\"{json_code}\",\"message\":\"{message}\"}}"),
        ),
    };
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nx-amzn-ErrorType: {code}\r\nx-amzn-RequestId: fault\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
