//! Prints how long the engine takes to diagnose each snapshot fixture (speed is measured here,
//! never in timed tests). Run: `cargo run --release -p fd-engine --example bench [ITERATIONS]`.

use std::path::Path;
use std::time::Instant;

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    println!(
        "{:<28} {:>10} {:>12} {:>12}",
        "fixture", "checks", "load µs", "diagnose µs"
    );
    for path in paths {
        let started = Instant::now();
        let snapshot = fd_snapshot::load_file(&path).expect("fixture loads");
        let load = started.elapsed();
        let started = Instant::now();
        let mut checks = 0;
        for _ in 0..iterations {
            let reports = fd_engine::diagnose(std::hint::black_box(&snapshot));
            checks = reports.iter().map(|r| r.checks.len()).sum();
        }
        let per = started.elapsed() / iterations;
        println!(
            "{:<28} {:>10} {:>12.1} {:>12.1}",
            path.file_stem().unwrap().to_string_lossy(),
            checks,
            load.as_secs_f64() * 1e6,
            per.as_secs_f64() * 1e6
        );
    }
}
