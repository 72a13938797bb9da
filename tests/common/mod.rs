//! Integration-test harness: a real `moto_server` per test, seeded through boto3
//! (`tests/moto/seed.py`), and the real `fargate-doctor` binary run against it.
//!
//! Run the tests with `scripts/test`: it creates the Python virtualenv with moto and exports
//! `FD_MOTO_PYTHON`. Without it these tests fail loudly; they never skip.

#![allow(dead_code)]

pub mod fault;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub const REGION: &str = "us-east-1";
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Upper bound for one run of seed.py or of the binary: a hang fails the test instead of CI.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// `cmd.output()` with a deadline: the process is killed and the test fails when it runs
/// longer than [`RUN_TIMEOUT`].
pub fn output_with_timeout(cmd: &mut Command, what: &str) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {RUN_TIMEOUT:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// The path of the Python interpreter that has moto and boto3, checked once per test binary.
pub fn moto_python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let python = match std::env::var("FD_MOTO_PYTHON") {
            Ok(p) if !p.is_empty() => p,
            _ => panic!(
                "\n\n*** FD_MOTO_PYTHON is not set. ***\n\
                 The integration tests need a Python with moto[server] and boto3.\n\
                 Run the tests with `scripts/test` (it creates .venv and sets FD_MOTO_PYTHON),\n\
                 e.g. `scripts/test --test network`.\n\n"
            ),
        };
        let probe = Command::new(&python)
            .args(["-c", "import moto, moto.server, boto3"])
            .output();
        match probe {
            Ok(out) if out.status.success() => python,
            Ok(out) => panic!(
                "\n\n*** FD_MOTO_PYTHON={python} cannot import moto/boto3. ***\n{}\n\
                 Run the tests with `scripts/test`, which installs tests/moto/requirements.txt \
                 into .venv.\n\n",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => panic!(
                "\n\n*** FD_MOTO_PYTHON={python} cannot be run: {e}. ***\n\
                 Run the tests with `scripts/test`.\n\n"
            ),
        }
    })
}

/// A scratch directory removed on drop (std only, no tempfile crate).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "fd-test-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One moto server on a free loopback port, killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
    dir: TempDir,
}

/// The port werkzeug says it listens on: ` * Running on http://127.0.0.1:PORT`.
fn logged_port(log: &str) -> Option<u16> {
    let at = log.find("Running on http://127.0.0.1:")? + "Running on http://127.0.0.1:".len();
    let digits: String = log[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|p| *p != 0)
}

/// A minimal HTTP/1.1 request to 127.0.0.1:port; returns (status, body).
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

impl Moto {
    /// Start a fresh moto server (with the AWS managed IAM policies loaded) and pin ECS tasks in
    /// their current state (moto-notes TL;DR 3).
    pub fn start() -> Moto {
        let python = moto_python();
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let dir = TempDir::new("moto");
            let log = std::fs::File::create(dir.join("moto.log")).expect("create moto log");
            // Port 0: the server binds a free port itself and logs it ("Running on
            // http://127.0.0.1:PORT"). Choosing a port here and handing it over raced with
            // the other tests: two servers could be told the same port, and the one that lost
            // the bind was taken for ready while the winner answered on that port for both.
            let child = Command::new(python)
                .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto/server.py"))
                .args(["-H", "127.0.0.1", "-p", "0"])
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("clone log handle"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start moto with {python}: {e}"));
            let mut moto = Moto {
                child,
                port: 0,
                endpoint: String::new(),
                dir,
            };
            match moto.wait_ready() {
                Ok(()) => {
                    moto.pin_ecs_tasks();
                    return moto;
                }
                Err(e) => last_error = e, // dropped here: killed; try another port
            }
        }
        panic!("moto server did not start: {last_error}");
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto exited early ({status}); log:\n{}",
                    self.log_tail()
                ));
            }
            if self.port == 0 {
                if let Some(port) = logged_port(&self.log_tail()) {
                    self.port = port;
                    self.endpoint = format!("http://127.0.0.1:{port}");
                }
            }
            if self.port != 0 {
                if let Ok((200, _)) = http(self.port, "GET", "/moto-api/", "") {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no answer on {}/moto-api/ after {START_TIMEOUT:?}; log:\n{}",
                    self.endpoint,
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pin_ecs_tasks(&self) {
        let body = r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000000}}"#;
        match http(
            self.port,
            "POST",
            "/moto-api/state-manager/set-transition",
            body,
        ) {
            Ok((status, _)) if (200..300).contains(&status) => {}
            other => panic!("moto set-transition failed: {other:?}"),
        }
    }

    /// Turn on moto's IAM enforcement from the next request on (SigV4 and IAM policies of the
    /// calling user): `POST /moto-api/reset-auth 0`.
    pub fn enforce_iam(&self) {
        match http(self.port, "POST", "/moto-api/reset-auth", "0") {
            Ok((200, _)) => {}
            other => panic!("moto reset-auth failed: {other:?}"),
        }
    }

    /// The last lines of the server's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("moto.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn aws_env(&self, cmd: &mut Command) {
        for var in [
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ENDPOINT_URL",
            "AWS_SESSION_TOKEN",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", REGION);
    }

    /// Build a scenario with `tests/moto/seed.py` and return the IDs it printed.
    pub fn seed(&self, scenario: &str) -> Value {
        self.seed_with(scenario, &[])
    }

    /// [`Moto::seed`] with extra environment for seed.py (`FD_SEED_SERVICES` …).
    pub fn seed_with(&self, scenario: &str, env: &[(&str, &str)]) -> Value {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto/seed.py");
        let mut cmd = Command::new(moto_python());
        cmd.arg(&script).arg(scenario);
        cmd.envs(env.iter().copied());
        self.aws_env(&mut cmd);
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint);
        let out = output_with_timeout(&mut cmd, &format!("seed.py {scenario}"));
        if !out.status.success() {
            panic!(
                "seed.py {scenario} failed ({}):\n{}\nmoto log:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                self.log_tail()
            );
        }
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "seed.py {scenario} printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// The binary with the test environment: dummy credentials, no config files, no retries,
    /// no IMDS. `AWS_ENDPOINT_URL` is deliberately NOT set, so `--endpoint-url` is exercised.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fargate-doctor"));
        self.aws_env(&mut cmd);
        let config = self.dir.join("aws-config");
        let creds = self.dir.join("aws-credentials");
        std::fs::write(&config, "").expect("write empty aws config");
        std::fs::write(&creds, "").expect("write empty aws credentials");
        cmd.env("AWS_CONFIG_FILE", config)
            .env("AWS_SHARED_CREDENTIALS_FILE", creds)
            .env("AWS_MAX_ATTEMPTS", "1")
            .env_remove("AWS_RETRY_MODE")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        cmd
    }

    /// `fargate-doctor --region us-east-1 --endpoint-url <moto> --format json ARGS...`
    pub fn run(&self, args: &[&str]) -> (i32, Value, String) {
        self.run_in(REGION, args)
    }

    /// Same as [`Moto::run`] in another region.
    pub fn run_in(&self, region: &str, args: &[&str]) -> (i32, Value, String) {
        let mut cmd = self.command();
        cmd.args(["--region", region, "--endpoint-url", &self.endpoint]);
        cmd.args(["--format", "json"]);
        cmd.args(args);
        parse_run(output_with_timeout(&mut cmd, "fargate-doctor"), args)
    }

    /// Like [`Moto::run`], through `endpoint` (a proxy in front of moto), with extra
    /// environment variables (`AWS_MAX_ATTEMPTS` …).
    pub fn run_via(
        &self,
        endpoint: &str,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> (i32, Value, String) {
        let mut cmd = self.command();
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args([
            "--region",
            REGION,
            "--endpoint-url",
            endpoint,
            "--format",
            "json",
        ]);
        cmd.args(args);
        parse_run(output_with_timeout(&mut cmd, "fargate-doctor"), args)
    }

    /// The binary with exactly `args` (no flags added), same environment.
    pub fn run_raw(&self, args: &[&str]) -> Output {
        output_with_timeout(self.command().args(args), "fargate-doctor")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run the binary with no AWS at all (offline commands: `diagnose`, `rules`, `explain`).
pub fn offline(args: &[&str]) -> Output {
    let dir = TempDir::new("offline");
    let config = dir.join("aws-config");
    std::fs::write(&config, "").expect("write empty aws config");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fargate-doctor"));
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &config)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    output_with_timeout(&mut cmd, "fargate-doctor (offline)")
}

/// `fargate-doctor --format json ARGS...` offline, as (exit code, JSON, stderr).
pub fn offline_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    parse_run(offline(&all), args)
}

fn parse_run(out: Output, args: &[&str]) -> (i32, Value, String) {
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = if stdout.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&stdout) {
            Ok(v) => v,
            // "could not diagnose" may print no report; anything else must be JSON.
            Err(_) if code == 2 => Value::Null,
            Err(e) => panic!(
                "fargate-doctor {args:?} exited {code} with non-JSON stdout ({e}):\n{stdout}\n\
                 stderr:\n{stderr}"
            ),
        }
    };
    (code, json, stderr)
}

// ---------------------------------------------------------------------------------------------
// Reading the report
// ---------------------------------------------------------------------------------------------

/// The first (only, in these tests) target of a report.
pub fn target(json: &Value) -> &Value {
    let targets = json["targets"]
        .as_array()
        .unwrap_or_else(|| panic!("report has no targets array:\n{}", pretty(json)));
    assert_eq!(targets.len(), 1, "expected one target:\n{}", pretty(json));
    &targets[0]
}

pub fn findings(json: &Value) -> &Vec<Value> {
    target(json)["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("target has no findings array:\n{}", pretty(json)))
}

/// The first finding with this check ID.
pub fn finding<'a>(json: &'a Value, id: &str) -> Option<&'a Value> {
    findings(json).iter().find(|f| f["id"] == id)
}

/// Every finding with this check ID (a per-subnet check may report several).
pub fn findings_with<'a>(json: &'a Value, id: &str) -> Vec<&'a Value> {
    findings(json).iter().filter(|f| f["id"] == id).collect()
}

/// The finding with this ID, or a panic that shows the whole report.
pub fn expect_finding<'a>(json: &'a Value, id: &str) -> &'a Value {
    finding(json, id).unwrap_or_else(|| panic!("no {id} finding in the report:\n{}", summary(json)))
}

pub fn check_status<'a>(json: &'a Value, id: &str) -> &'a str {
    let checks = target(json)["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("target has no checks array:\n{}", pretty(json)));
    let check = checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("check {id} is not listed in checks:\n{}", summary(json)));
    check["status"]
        .as_str()
        .unwrap_or_else(|| panic!("check {id} has no status: {check}"))
}

pub fn verdict(json: &Value) -> &str {
    target(json)["verdict"].as_str().unwrap_or("<none>")
}

pub fn resources(finding: &Value) -> Vec<&str> {
    finding["resources"]
        .as_array()
        .unwrap_or_else(|| panic!("finding has no resources: {finding}"))
        .iter()
        .map(|r| r.as_str().expect("resource is a string"))
        .collect()
}

pub fn error_ids(json: &Value) -> Vec<&str> {
    findings(json)
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["id"].as_str())
        .collect()
}

pub fn pretty(json: &Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default()
}

/// A compact view of a report for assertion messages: findings (id, severity, resources) and
/// every check that is not `pass` / `not_applicable`, then the full JSON.
pub fn summary(json: &Value) -> String {
    let mut s = String::new();
    if let Some(t) = json["targets"].as_array().and_then(|t| t.first()) {
        s.push_str(&format!("verdict: {}\nfindings:\n", t["verdict"]));
        for f in t["findings"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "  {} [{}] {}\n    {}\n",
                f["id"], f["severity"], f["resources"], f["message"]
            ));
        }
        s.push_str("checks:\n");
        for c in t["checks"].as_array().into_iter().flatten() {
            s.push_str(&format!("  {} {}\n", c["id"], c["status"]));
        }
    }
    s.push_str("full report:\n");
    s.push_str(&pretty(json));
    s
}

// ---------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------

/// Assert the exit code, showing the report and stderr on failure.
pub fn assert_exit(got: (i32, &Value, &str), want: i32) {
    let (code, json, stderr) = got;
    assert_eq!(
        code,
        want,
        "exit code {code}, wanted {want}\nstderr:\n{stderr}\n{}",
        summary(json)
    );
}

pub fn assert_status(json: &Value, id: &str, want: &str) {
    let got = check_status(json, id);
    assert_eq!(
        got,
        want,
        "check {id} is {got}, wanted {want}\n{}",
        summary(json)
    );
}

/// The check does not fail: `pass` or `not_applicable` (where either reading is defensible).
pub fn assert_ok(json: &Value, id: &str) {
    let got = check_status(json, id);
    assert!(
        got == "pass" || got == "not_applicable",
        "check {id} is {got}, wanted pass or not_applicable\n{}",
        summary(json)
    );
}

/// Assert a failing check: its status, a finding with this ID and severity, and
/// `resources[0] == first_resource`. Returns the finding.
pub fn assert_fails<'a>(json: &'a Value, id: &str, severity: &str, first: &str) -> &'a Value {
    let want_status = if severity == "error" { "fail" } else { "warn" };
    assert_status(json, id, want_status);
    let f = expect_finding(json, id);
    assert_eq!(
        f["severity"],
        severity,
        "{id} has severity {}, wanted {severity}\n{}",
        f["severity"],
        summary(json)
    );
    let res = resources(f);
    assert_eq!(
        res.first().copied(),
        Some(first),
        "{id}: resources[0] should be {first}, got {res:?}\n{}",
        summary(json)
    );
    f
}

/// No finding of severity `error`.
pub fn assert_no_errors(json: &Value) {
    let errors = error_ids(json);
    assert!(
        errors.is_empty(),
        "unexpected error findings {errors:?}\n{}",
        summary(json)
    );
}

/// Helpers to read seed output.
pub fn s<'a>(seed: &'a Value, key: &str) -> &'a str {
    seed[key]
        .as_str()
        .unwrap_or_else(|| panic!("seed output has no string {key:?}: {seed}"))
}

pub fn list<'a>(seed: &'a Value, key: &str) -> Vec<&'a str> {
    seed[key]
        .as_array()
        .unwrap_or_else(|| panic!("seed output has no list {key:?}: {seed}"))
        .iter()
        .map(|v| v.as_str().expect("string"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Cases: one seeded scenario and the report of one diagnosis
// ---------------------------------------------------------------------------------------------

/// A seeded moto and the report of one diagnosis. The assertion methods panic with the report
/// summary; the chainable ones return `&Self`, the ones that find a finding return it.
pub struct Case {
    /// Kept alive for the whole test (the server is killed on drop); also usable to run the
    /// binary again against the same scenario.
    pub moto: Moto,
    /// What `seed.py` printed (IDs, ARNs, `region`, `scenario`).
    pub seed: Value,
    pub code: i32,
    pub json: Value,
    pub stderr: String,
    /// Checks the test expects to be `warn` or `unknown` (asserted, or allowed with a reason).
    expected: std::cell::RefCell<std::collections::BTreeSet<String>>,
    /// Set once the test asserts a failure: a failing scenario must not warn or be unknown
    /// anywhere else (checked when the case is dropped).
    failing: std::cell::Cell<bool>,
}

impl Drop for Case {
    fn drop(&mut self) {
        if !self.failing.get() || std::thread::panicking() {
            return;
        }
        let expected = self.expected.borrow();
        let surprises: Vec<String> = target(&self.json)["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["status"] == "warn" || c["status"] == "unknown")
            .filter_map(|c| c["id"].as_str())
            .filter(|id| !expected.contains(*id))
            .map(|id| format!("{id} {}", check_status(&self.json, id)))
            .collect();
        assert!(
            surprises.is_empty(),
            "unexpected warn/unknown checks in a failing scenario: {surprises:?} (assert them, or              .allow() them with a reason)\n{}",
            summary(&self.json)
        );
    }
}

impl Case {
    fn expect(&self, id: &str) {
        self.expected.borrow_mut().insert(id.to_string());
    }

    fn expect_failure(&self, id: &str) {
        self.failing.set(true);
        self.expect(id);
    }

    /// These checks may be `warn` or `unknown` in this scenario; `why` says why (a moto
    /// limitation, a consequence of the root cause …).
    pub fn allow(&self, ids: &[&str], why: &str) -> &Self {
        assert!(!why.is_empty(), "say why {ids:?} are allowed");
        for id in ids {
            self.expect(id);
        }
        self
    }

    pub fn exit(&self, want: i32) -> &Self {
        assert_exit((self.code, &self.json, &self.stderr), want);
        self
    }

    pub fn verdict(&self, want: &str) -> &Self {
        assert_eq!(
            verdict(&self.json),
            want,
            "verdict\n{}",
            summary(&self.json)
        );
        self
    }

    /// A string of the seed output.
    pub fn s(&self, key: &str) -> &str {
        s(&self.seed, key)
    }

    /// A list of strings of the seed output.
    pub fn list(&self, key: &str) -> Vec<&str> {
        list(&self.seed, key)
    }

    /// The ID of the seeded VPC endpoint for `service` (`seed["endpoints"][service]`).
    pub fn endpoint(&self, service: &str) -> &str {
        self.seed["endpoints"][service]
            .as_str()
            .unwrap_or_else(|| panic!("no {service} endpoint in {}", self.seed))
    }

    pub fn status(&self, id: &str, want: &str) -> &Self {
        assert_status(&self.json, id, want);
        self.expect(id);
        self
    }

    pub fn statuses(&self, ids: &[&str], want: &str) -> &Self {
        for id in ids {
            self.status(id, want);
        }
        self
    }

    /// Each check is `pass` or `not_applicable`.
    pub fn ok(&self, ids: &[&str]) -> &Self {
        for id in ids {
            assert_ok(&self.json, id);
        }
        self
    }

    /// The check fails (error) and its finding names `first` first.
    pub fn fails(&self, id: &str, first: &str) -> &Value {
        self.expect_failure(id);
        assert_fails(&self.json, id, "error", first)
    }

    /// The check warns and its finding names `first` first.
    pub fn warns(&self, id: &str, first: &str) -> &Value {
        self.expect_failure(id);
        assert_fails(&self.json, id, "warning", first)
    }

    /// Like `fails`/`warns` (by `severity`: `error` or `warning`), with resources[0] one of
    /// `firsts` (a per-subnet or per-endpoint check).
    pub fn reports_any(&self, id: &str, severity: &str, firsts: &[&str]) -> &Value {
        self.expect_failure(id);
        let status = if severity == "error" { "fail" } else { "warn" };
        assert_status(&self.json, id, status);
        let f = expect_finding(&self.json, id);
        assert_eq!(
            f["severity"],
            severity,
            "{id} has severity {}, wanted {severity}\n{}",
            f["severity"],
            summary(&self.json)
        );
        let res = resources(f);
        assert!(
            res.first().is_some_and(|r| firsts.contains(r)),
            "{id}: resources[0] should be one of {firsts:?}, got {res:?}\n{}",
            summary(&self.json)
        );
        f
    }

    /// `reports_any` for an error: the check fails and resources[0] is one of `firsts`.
    pub fn fails_any(&self, id: &str, firsts: &[&str]) -> &Value {
        self.reports_any(id, "error", firsts)
    }

    /// Every error finding is one of `allowed` (the root cause and its direct consequences):
    /// no false positives elsewhere.
    pub fn only_errors(&self, allowed: &[&str]) -> &Self {
        for id in error_ids(&self.json) {
            assert!(
                allowed.contains(&id),
                "unexpected error finding {id} (allowed: {allowed:?})\n{}",
                summary(&self.json)
            );
        }
        self
    }

    /// The findings of this ID, together, name every one of `all` (a per-subnet check must
    /// name each broken subnet, not just the first).
    pub fn names_all(&self, id: &str, all: &[&str]) -> &Self {
        let named: Vec<&str> = findings_with(&self.json, id)
            .into_iter()
            .flat_map(resources)
            .collect();
        for r in all {
            assert!(
                named.contains(r),
                "{id} findings do not name {r} (named: {named:?})\n{}",
                summary(&self.json)
            );
        }
        self
    }

    /// No finding of this ID names `resource` (e.g. the healthy subnet of a mixed service).
    pub fn never_names(&self, id: &str, resource: &str) {
        for f in findings_with(&self.json, id) {
            let res = resources(f);
            assert!(
                !res.contains(&resource),
                "{id} names {resource}, which it should not (resources: {res:?})\n{}",
                summary(&self.json)
            );
        }
    }

    /// The `failure` object of the (only) target.
    pub fn failure(&self) -> &Value {
        let f = &target(&self.json)["failure"];
        assert!(f.is_object(), "no failure object\n{}", summary(&self.json));
        f
    }
}

/// The `message` of a finding, empty when absent.
pub fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap_or_default()
}

/// Seed `scenario` on a fresh moto and run `COMMAND --cluster <cluster> <seed[name_key]>` in
/// the scenario's region (`seed["region"]`).
pub fn run_case(scenario: &str, command: &str, name_key: &str) -> Case {
    let moto = Moto::start();
    let seed = moto.seed(scenario);
    let (code, json, stderr) = moto.run_in(
        s(&seed, "region"),
        &[
            command,
            "--cluster",
            s(&seed, "cluster"),
            s(&seed, name_key),
        ],
    );
    Case {
        moto,
        seed,
        code,
        json,
        stderr,
        expected: Default::default(),
        failing: Default::default(),
    }
}

/// `service --cluster prod web`.
pub fn service_case(scenario: &str) -> Case {
    run_case(scenario, "service", "service")
}

/// `task --cluster prod <task id>` (the stopped-task scenarios).
pub fn task_case(scenario: &str) -> Case {
    run_case(scenario, "task", "task_id")
}
