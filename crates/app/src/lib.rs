//! The one pipeline of fargate-doctor: a [`Source`] → [`Snapshots`] → engine → [`Report`] →
//! [`Sink`]s. The command line and the Lambda function both call [`run`]: the CLI maps flags to
//! a source and sinks, the function maps an event to them. Nothing here parses flags or knows
//! about a terminal; the caller owns the async runtime and the AWS configuration.
//!
//! With the default `live` feature a source can be a live read of AWS through
//! `fd-collector`; without it (`--no-default-features`) the pipeline diagnoses snapshots only
//! and builds in a fraction of the time, because the AWS SDK is never compiled.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use fd_engine::{Report, Stats};
use fd_render::{Format, RenderOptions};
use fd_snapshot::{Snapshot, Snapshots};

#[cfg(feature = "live")]
pub use fd_collector::{load_config, CollectError, CollectOptions, OnCall, Request, SdkConfig};

/// Where the snapshot comes from.
#[derive(Debug)]
pub enum Source {
    /// A file written by `--save-snapshot` (or any snapshot this project has written), of one
    /// or more (account, Region) partitions.
    SnapshotFile(PathBuf),
    /// A snapshot already in memory (a test, a caller that built one).
    Snapshot(Box<Snapshot>),
    /// AWS, read live with the caller's configuration.
    #[cfg(feature = "live")]
    Live(Box<Live>),
}

/// A live read of AWS.
#[cfg(feature = "live")]
#[derive(Debug)]
pub struct Live {
    /// The caller's AWS configuration and credentials ([`load_config`] gives the standard
    /// chain; the Lambda function passes its own, or an assumed role's).
    pub config: SdkConfig,
    /// What to diagnose.
    pub requests: Vec<Request>,
    /// The deadline, the progress callback, and the timeouts the configuration leaves unset.
    pub options: CollectOptions,
    /// Read these Regions, each into its own partition (`scan --region A --region B`); empty:
    /// the configuration's Region only.
    pub regions: Vec<String>,
}

/// Where the results go, in the order given.
#[derive(Debug, Clone)]
pub enum Sink {
    /// The report, rendered, on standard output.
    Stdout {
        format: Format,
        render: RenderOptions,
    },
    /// The report, rendered, into a file (replaced).
    File {
        path: PathBuf,
        format: Format,
        render: RenderOptions,
    },
    /// The snapshot itself, as JSON, for `diagnose` later (replaced).
    Snapshot { path: PathBuf },
}

/// What a run produced: the snapshot it diagnosed (one partition per account and Region it
/// read) and the report.
#[derive(Debug)]
pub struct Outcome {
    pub snapshots: Snapshots,
    pub report: Report,
}

impl Outcome {
    /// The contract's exit code: 0 clean, 1 an error finding, 3 some check undecided.
    pub fn exit_code(&self) -> u8 {
        self.report.exit_code()
    }
}

/// Why a run produced no report (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Snapshot(#[from] fd_snapshot::LoadError),
    #[error("{}: the snapshot has no targets: nothing to diagnose", .0.display())]
    NoTargets(PathBuf),
    #[cfg(feature = "live")]
    #[error(transparent)]
    Collect(#[from] CollectError),
    /// A sink could not be written (the io error is in the message, not a source, so that a
    /// printed chain says it once; [`Error::io`] gives it to the caller).
    #[error("cannot write {what} to {}: {error}", path.display())]
    Write {
        what: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write the report to standard output: {0}")]
    Stdout(std::io::Error),
}

impl Error {
    /// The io error behind a sink that could not be written (a closed pipe is not a failure).
    pub fn io(&self) -> Option<&std::io::Error> {
        match self {
            Error::Write { error, .. } | Error::Stdout(error) => Some(error),
            _ => None,
        }
    }
}

/// Reads `source` into a snapshot, diagnoses it and delivers the results to `sinks` in order,
/// inside the caller's async runtime: [`read`] then [`deliver`]. A sink that cannot be written
/// ends the run with [`Error`]; the sinks before it have been written.
pub async fn run(source: Source, sinks: &[Sink]) -> Result<Outcome, Error> {
    let read = read(source).await?;
    deliver(read, sinks)
}

/// A snapshot as read, before the engine: what [`read`] gives and [`deliver`] takes. A caller
/// that shows progress while AWS is read clears it between the two, so that the report stands
/// alone.
#[derive(Debug)]
pub struct Read {
    snapshots: Snapshots,
    api_calls: u64,
    rounds: u64,
    started: Instant,
}

/// The first half of [`run`]: the source, read into a snapshot.
pub async fn read(source: Source) -> Result<Read, Error> {
    let started = Instant::now();
    // `api_calls` counts the calls this run made (contract §3): none for a saved snapshot.
    // Rounds likewise: none without AWS.
    let (snapshots, api_calls, rounds) = match source {
        Source::SnapshotFile(path) => (load(&path)?, 0, 0),
        Source::Snapshot(snapshot) => (Snapshots::from(*snapshot), 0, 0),
        #[cfg(feature = "live")]
        Source::Live(live) => {
            let Live {
                config,
                requests,
                options,
                regions,
            } = *live;
            let (snapshots, rounds) = if regions.is_empty() {
                let c = fd_collector::collect_measured(&config, &options, &requests).await?;
                (Snapshots::from(c.snapshot), c.rounds)
            } else {
                fd_collector::collect_regions(&config, &options, &requests, &regions).await?
            };
            let calls = snapshots.api_calls() as u64;
            (snapshots, calls, rounds as u64)
        }
    };
    Ok(Read {
        snapshots,
        api_calls,
        rounds,
        started,
    })
}

/// The second half of [`run`]: the engine's report, delivered to `sinks` in order.
pub fn deliver(read: Read, sinks: &[Sink]) -> Result<Outcome, Error> {
    let Read {
        snapshots,
        api_calls,
        rounds,
        started,
    } = read;
    let report = fd_engine::report_all(
        &snapshots,
        Stats {
            api_calls,
            rounds,
            elapsed_ms: started.elapsed().as_millis() as u64,
        },
    );
    let outcome = Outcome { snapshots, report };
    for sink in sinks {
        write_sink(sink, &outcome)?;
    }
    Ok(outcome)
}

fn load(path: &Path) -> Result<Snapshots, Error> {
    let snapshots = fd_snapshot::load_partitions_file(path)?;
    if snapshots.targets().next().is_none() {
        return Err(Error::NoTargets(path.to_path_buf()));
    }
    Ok(snapshots)
}

fn write_sink(sink: &Sink, outcome: &Outcome) -> Result<(), Error> {
    match sink {
        Sink::Stdout { format, render } => {
            let text = fd_render::render(&outcome.report, *format, render);
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(Error::Stdout)
        }
        Sink::File {
            path,
            format,
            render,
        } => {
            let text = fd_render::render(&outcome.report, *format, render);
            std::fs::write(path, text).map_err(|error| Error::Write {
                what: "the report",
                path: path.clone(),
                error,
            })
        }
        Sink::Snapshot { path } => {
            let text = serde_json::to_string_pretty(&outcome.snapshots)
                .expect("a Snapshot serialises to JSON (string keys, no non-finite floats)");
            std::fs::write(path, text + "\n").map_err(|error| Error::Write {
                what: "the snapshot",
                path: path.clone(),
                error,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(name)
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fd-app-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[tokio::test]
    async fn a_snapshot_file_goes_through_engine_to_every_sink_in_order() {
        let report = scratch("report.json");
        let copy = scratch("copy.snapshot.json");
        let sinks = [
            Sink::Snapshot { path: copy.clone() },
            Sink::File {
                path: report.clone(),
                format: Format::Json,
                render: RenderOptions::default(),
            },
        ];
        let outcome = run(Source::SnapshotFile(example("private-no-nat.json")), &sinks)
            .await
            .expect("the example diagnoses");
        assert_eq!(outcome.exit_code(), 1, "the example has an error finding");
        assert_eq!(
            outcome.report.stats.api_calls, 0,
            "a file makes no AWS call"
        );
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let ids: Vec<&str> = written["targets"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"NET-ROUTE-NO-DEFAULT"), "{ids:?}");
        // The saved snapshot diagnoses to the same findings.
        let again = run(Source::SnapshotFile(copy), &[]).await.unwrap();
        assert_eq!(again.report.targets, outcome.report.targets);
    }

    #[tokio::test]
    async fn a_snapshot_without_targets_is_an_error_naming_the_file() {
        let empty = scratch("empty.json");
        let mut snapshot =
            fd_snapshot::load_file(&example("private-no-nat.json")).expect("example loads");
        snapshot.targets.clear();
        std::fs::write(&empty, serde_json::to_string(&snapshot).unwrap()).unwrap();
        let err = run(Source::SnapshotFile(empty.clone()), &[])
            .await
            .expect_err("nothing to diagnose");
        assert!(matches!(err, Error::NoTargets(_)), "{err:?}");
        assert!(err.to_string().contains(&empty.display().to_string()));
    }

    /// A snapshot of two Regions: each partition diagnosed on its own, every target in one
    /// report naming its Region, the saved snapshot holding both.
    #[tokio::test]
    async fn every_partition_is_diagnosed_and_saved() {
        let east = fd_snapshot::load_file(&example("private-no-nat.json")).unwrap();
        let mut west = fd_snapshot::load_file(&example("healthy-public.json")).unwrap();
        west.region = "eu-west-1".into();
        let two = scratch("two.snapshot.json");
        let file = serde_json::to_string(&Snapshots::new(vec![east, west]).unwrap()).unwrap();
        std::fs::write(&two, file).unwrap();
        let copy = scratch("two-copy.snapshot.json");
        let outcome = run(
            Source::SnapshotFile(two),
            &[Sink::Snapshot { path: copy.clone() }],
        )
        .await
        .unwrap();
        let regions: Vec<_> = outcome
            .report
            .targets
            .iter()
            .map(|t| t.region.as_deref().unwrap())
            .collect();
        assert_eq!(regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(outcome.exit_code(), 1, "the east partition has an error");
        let again = run(Source::SnapshotFile(copy), &[]).await.unwrap();
        assert_eq!(again.snapshots, outcome.snapshots);
        assert_eq!(again.report.targets, outcome.report.targets);
    }

    #[tokio::test]
    async fn a_sink_that_cannot_be_written_names_its_path() {
        let path = scratch("no-such-dir").join("report.md");
        let sinks = [Sink::File {
            path: path.clone(),
            format: Format::Markdown,
            render: RenderOptions::default(),
        }];
        let snapshot = fd_snapshot::load_file(&example("private-no-nat.json")).unwrap();
        let err = run(Source::Snapshot(Box::new(snapshot)), &sinks)
            .await
            .expect_err("the directory does not exist");
        assert!(err.io().is_some());
        let message = err.to_string();
        assert!(
            message.contains("the report") && message.contains(&path.display().to_string()),
            "{message}"
        );
    }
}
