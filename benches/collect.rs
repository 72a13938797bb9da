//! `cargo bench --bench collect`: how many AWS calls and sequential rounds a live run costs,
//! and how long `diagnose` takes on a large snapshot. Prints figures; asserts nothing about
//! time.
//!
//! Live part: for N = 1, 20 and 200 services (tests/moto/seed.py `fleet`: N−1 healthy
//! services and one broken one), a moto server behind the test proxy, which delays every
//! answer by 100 ms (a realistic distance to an AWS endpoint) and records when each request
//! arrived and was answered. For `service` (N = 1) and `scan` it prints the calls
//! (`stats.api_calls`), the rounds (the longest chain of calls each of which waited for the one
//! before: see `FaultProxy::rounds`), the wall time with the latency, and wall ÷ latency.
//!
//! Offline part: the 20-service scan's snapshot with its targets repeated to 10,000 services,
//! then `diagnose` of it (the release binary, JSON to /dev/null) beside the time to parse the
//! same file as untyped JSON and into the typed snapshot.
//!
//! Needs what the integration tests need (`scripts/test` creates it): `FD_MOTO_PYTHON`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::fault::FaultProxy;
use common::Moto;
use serde_json::Value;

const LATENCY: Duration = Duration::from_millis(100);

struct Figures {
    calls: u64,
    rounds: usize,
    chain: Vec<String>,
    wall: Duration,
}

fn measure(moto: &Moto, args: &[&str], extra: &[&str]) -> Figures {
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_latency(LATENCY);
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(extra);
    let started = Instant::now();
    let (code, json, stderr) = moto.run_via(&proxy.endpoint, &[], &all);
    let wall = started.elapsed();
    assert!(
        code == 0 || code == 1,
        "{args:?} exited {code}: {stderr}\n{}",
        common::summary(&json)
    );
    Figures {
        calls: json["stats"]["api_calls"]
            .as_u64()
            .expect("stats.api_calls"),
        rounds: proxy.rounds(),
        chain: proxy.chain(),
        wall,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is not ours.
    println!("live, {} ms added to every AWS call", LATENCY.as_millis());
    println!(
        "{:<22} {:>8} {:>7} {:>17} {:>7} {:>10}",
        "run", "services", "calls", "calls/extra svc", "rounds", "wall"
    );
    let mut base_calls = None;
    let snapshot_dir = common::TempDir::new("bench");
    let snapshot20 = snapshot_dir.join("scan-20.json");
    for n in [1usize, 20, 200] {
        let moto = Moto::start();
        let healthy = (n - 1).to_string();
        moto.seed_with("fleet", &[("FD_SEED_SERVICES", healthy.as_str())]);
        let mut runs: Vec<(String, Vec<&str>)> =
            vec![(format!("scan N={n}"), vec!["scan", "--cluster", "prod"])];
        if n == 1 {
            runs.insert(
                0,
                (
                    "service (one)".into(),
                    vec!["service", "--cluster", "prod", "broken"],
                ),
            );
        }
        for (label, args) in runs {
            let save = snapshot20.display().to_string();
            let extra: Vec<&str> = if n == 20 {
                vec!["--save-snapshot", save.as_str()]
            } else {
                vec![]
            };
            let f = measure(&moto, &args, &extra);
            let per_extra = match (args[0], base_calls) {
                ("scan", Some(base)) if n > 1 => {
                    format!("{:.2}", (f.calls as f64 - base as f64) / (n as f64 - 1.0))
                }
                _ => "-".into(),
            };
            if args[0] == "scan" && n == 1 {
                base_calls = Some(f.calls);
            }
            println!(
                "{:<22} {:>8} {:>7} {:>17} {:>7} {:>8.2} s  (wall/latency {:.1})",
                label,
                n,
                f.calls,
                per_extra,
                f.rounds,
                f.wall.as_secs_f64(),
                f.wall.as_secs_f64() / LATENCY.as_secs_f64()
            );
            if args[0] == "service" {
                println!("  its rounds: {}", f.chain.join(" → "));
            }
        }
    }

    // Offline: 10,000 services.
    let text = std::fs::read_to_string(&snapshot20).expect("the 20-service snapshot");
    let mut snapshot: Value = serde_json::from_str(&text).expect("snapshot JSON");
    let targets = snapshot["targets"].as_array().expect("targets").clone();
    let mut many = Vec::with_capacity(10_000);
    for i in 0..10_000 {
        let mut t = targets[i % targets.len()].clone();
        let name = format!("svc-{i:05}");
        if let Some(arn) = t["arn"].as_str() {
            let prefix = arn.rsplit_once('/').map(|(p, _)| p).unwrap_or(arn);
            t["arn"] = Value::String(format!("{prefix}/{name}"));
        }
        t["name"] = Value::String(name);
        many.push(t);
    }
    snapshot["targets"] = Value::Array(many);
    let big = snapshot_dir.join("scan-10000.json");
    let big_text = serde_json::to_string(&snapshot).unwrap();
    std::fs::write(&big, &big_text).unwrap();
    println!();
    println!(
        "offline, a snapshot of 10,000 services ({:.1} MB), median of 3",
        big_text.len() as f64 / 1e6
    );
    let median = |mut f: Box<dyn FnMut() -> Duration>| {
        let mut times: Vec<Duration> = (0..3).map(|_| f()).collect();
        times.sort();
        times[1]
    };
    let parse = median(Box::new(|| {
        let t = Instant::now();
        let v: Value = serde_json::from_str(&big_text).unwrap();
        std::hint::black_box(v);
        t.elapsed()
    }));
    let typed = median(Box::new(|| {
        let t = Instant::now();
        let s = fd_snapshot::load_file(&big).expect("the big snapshot loads");
        std::hint::black_box(s);
        t.elapsed()
    }));
    let diagnose = median(Box::new(|| {
        let t = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fargate-doctor"))
            .args(["diagnose", "--format", "json", "--output", "/dev/null"])
            .arg(&big)
            .output()
            .expect("run diagnose");
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "diagnose failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed()
    }));
    println!(
        "{:<40} {:>8.3} s",
        "parse as serde_json::Value",
        parse.as_secs_f64()
    );
    println!(
        "{:<40} {:>8.3} s",
        "load into the typed snapshot",
        typed.as_secs_f64()
    );
    println!(
        "{:<40} {:>8.3} s",
        "fargate-doctor diagnose (whole process)",
        diagnose.as_secs_f64()
    );
}
