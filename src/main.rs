//! The `fargate-doctor` command line: parses flags into a source and sinks for the one
//! pipeline (`fd-app`), runs it, and maps the outcome to the contract's exit codes (0 clean,
//! 1 error finding, 2 could not diagnose, 3 some check undecided). No diagnosis logic lives
//! here.

mod explain;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use fd_render::{Format, RenderOptions};

const AFTER_HELP: &str = "\
Exit codes: 0 no error found, 1 at least one error finding (or warning, with --fail-on warning),
2 could not diagnose (bad arguments, bad snapshot, target not found, AWS unreachable), 3 no error
but some check could not be decided.

Examples:
  fargate-doctor service --cluster prod web
  fargate-doctor task --cluster prod 0123456789abcdef0123456789abcdef
  fargate-doctor preflight --cluster prod --task-definition web:42 --subnets subnet-a,subnet-b --security-groups sg-1
  fargate-doctor scan --all-clusters --format markdown --output report.md
  fargate-doctor scan --all-clusters --region us-east-1,eu-west-1
  fargate-doctor diagnose examples/private-no-nat.json
  fargate-doctor diagnose snapshot.json --fail-on warning --format sarif --output report.sarif
  fargate-doctor explain NET-ROUTE-NO-DEFAULT
  fargate-doctor completions bash > ~/.local/share/bash-completion/completions/fargate-doctor
  fargate-doctor man | man -l -";

/// Tells you, with evidence, why an Amazon ECS task on AWS Fargate does not start.
///
/// Reads the configuration once (read-only: Describe/List/Get calls only, never a secret value)
/// and reasons about it the way AWS evaluates it: route tables, gateways, VPC endpoints, DNS,
/// security groups, network ACLs, task size and platform version.
#[derive(Parser, Debug)]
#[command(name = "fargate-doctor", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    aws: AwsFlags,
    #[command(flatten)]
    out: OutputFlags,
}

#[derive(Args, Debug)]
struct AwsFlags {
    /// AWS Region (default: AWS_REGION, then the profile's region). `scan` takes several
    /// (`--region us-east-1 --region eu-west-1`, or `--region us-east-1,eu-west-1`) and reads
    /// them at once into one report.
    #[arg(long, global = true, value_name = "REGION", value_delimiter = ',', value_parser = region_name)]
    region: Vec<String>,
    /// Named profile from the AWS config files (default: AWS_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// Send every AWS call to this endpoint (default: AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>).
    #[arg(long, global = true, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Also write everything that was read to FILE, for `diagnose` later or for a colleague.
    #[arg(long, global = true, value_name = "FILE")]
    save_snapshot: Option<PathBuf>,
    /// Give up one attempt of one AWS call after SECONDS (a call and its retries get three
    /// times as long); a call that times out makes the checks that need it `unknown`.
    #[arg(long, global = true, value_name = "SECONDS", env = "FD_CALL_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    call_timeout: u64,
    /// Stop reading AWS after SECONDS: what was read is diagnosed, the rest is `unknown` naming
    /// the deadline.
    #[arg(long, global = true, value_name = "SECONDS", env = "FD_DEADLINE", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86400))]
    deadline: u64,
}

#[derive(Args, Debug)]
struct OutputFlags {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, global = true, value_name = "FILE")]
    output: Option<PathBuf>,
    /// No colours (also when NO_COLOR is set or the output is not a terminal).
    #[arg(long, global = true)]
    no_color: bool,
    /// Only the findings' headlines and the summary, and no progress spinner on standard error.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// The lowest severity of a finding that makes the exit code 1: `error` (the default), or
    /// `warning` (a warning fails the run too, for a CI gate).
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    fail_on: FailOn,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Human,
    Json,
    Markdown,
    Sarif,
    /// The network paths as a Mermaid flowchart (render it with mermaid-cli, or paste it into
    /// a GitHub comment).
    Mermaid,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Diagnose one task (pending, running or stopped), using its stopped reason if it has one.
    Task {
        /// Cluster name or ARN.
        #[arg(long)]
        cluster: String,
        /// Task ID or ARN.
        task: String,
    },
    /// Diagnose a service: the network, task definition and platform version its next task will
    /// meet, plus its recent stopped tasks and events.
    Service {
        /// Cluster name or ARN.
        #[arg(long)]
        cluster: String,
        /// Service name or ARN.
        service: String,
    },
    /// Check a task that has not been launched yet.
    Preflight {
        /// Cluster name or ARN.
        #[arg(long)]
        cluster: String,
        /// Task definition: family, family:revision or ARN.
        #[arg(long)]
        task_definition: String,
        /// Subnet IDs, comma-separated.
        #[arg(long, value_delimiter = ',', required = true, value_parser = resource_id)]
        subnets: Vec<String>,
        /// Security group IDs, comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = resource_id)]
        security_groups: Vec<String>,
        /// The task will get a public IP (assignPublicIp ENABLED).
        #[arg(long)]
        assign_public_ip: bool,
        /// Fargate platform version (default LATEST).
        #[arg(long)]
        platform_version: Option<String>,
    },
    /// Diagnose every service of a cluster, or of every cluster in the Region, in one report.
    #[command(group = clap::ArgGroup::new("which").required(true).args(["cluster", "all_clusters"]))]
    Scan {
        /// Cluster name or ARN.
        #[arg(long)]
        cluster: Option<String>,
        /// Every cluster of the Region.
        #[arg(long)]
        all_clusters: bool,
    },
    /// Diagnose a saved snapshot offline (no AWS access).
    Diagnose {
        /// A file written by --save-snapshot.
        snapshot: PathBuf,
    },
    /// List every check: ID, severity, title.
    Rules,
    /// Print shell completions (bash, zsh, fish, powershell, elvish) to standard output.
    ///
    /// bash: `fargate-doctor completions bash > ~/.local/share/bash-completion/completions/fargate-doctor`;
    /// zsh: `fargate-doctor completions zsh > ~/.zfunc/_fargate-doctor`;
    /// fish: `fargate-doctor completions fish > ~/.config/fish/completions/fargate-doctor.fish`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) to standard output: `fargate-doctor man | man -l -`.
    Man,
    /// Explain one check: what it checks, why it stops a task, how to fix it, links.
    Explain {
        /// Check ID, e.g. NET-ROUTE-NO-DEFAULT.
        id: String,
    },
}

/// A Region name in `--region`: `--region ,` or `a,,b` is a typo.
fn region_name(s: &str) -> std::result::Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty Region name".into());
    }
    Ok(s.to_string())
}

/// A subnet or security group ID in a comma-separated list: `--subnets ,` or `a,,b` is a typo,
/// not an empty ID to look up.
fn resource_id(s: &str) -> std::result::Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty ID in the comma-separated list".into());
    }
    Ok(s.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(0);
            }
            eprintln!("fargate-doctor: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .or_else(|| {
                c.downcast_ref::<fd_app::Error>()
                    .and_then(fd_app::Error::io)
            })
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    let sinks = sinks(&cli);
    let source = match cli.command {
        Command::Rules => {
            write_out(&cli.out, &explain::rules(cli.out.format == FormatArg::Json))?;
            return Ok(0);
        }
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "fargate-doctor", &mut text);
            write_out(&cli.out, &String::from_utf8_lossy(&text))?;
            return Ok(0);
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .context("cannot render the man page")?;
            write_out(&cli.out, &String::from_utf8_lossy(&text))?;
            return Ok(0);
        }
        Command::Explain { id } => {
            let Some(check) = fd_engine::checks::find(&id) else {
                bail!(
                    "unknown check ID '{id}'{}; `fargate-doctor rules` lists them all",
                    explain::suggest(&id)
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default()
                );
            };
            write_out(
                &cli.out,
                &explain::explain(check, cli.out.format == FormatArg::Json),
            )?;
            return Ok(0);
        }
        Command::Diagnose { snapshot } => {
            if cli.aws.save_snapshot.is_some() {
                bail!("--save-snapshot is for live commands; `diagnose` already reads a snapshot");
            }
            Planned::File(snapshot)
        }
        live_command => Planned::Live(live_command),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(async {
        let (source, progress) = match source {
            Planned::File(path) => (fd_app::Source::SnapshotFile(path), None),
            Planned::Live(request) => {
                let (source, progress) = live::source(&cli.aws, cli.out.quiet, request).await?;
                (source, Some(progress))
            }
        };
        let read = fd_app::read(source).await;
        // The spinner goes before anything is written, so the report stands alone.
        if let Some(progress) = progress {
            progress.finish();
        }
        anyhow::Ok(fd_app::deliver(read?, &sinks)?)
    })?;
    Ok(outcome.report.exit_code_failing_on(match cli.out.fail_on {
        FailOn::Error => fd_engine::Severity::Error,
        FailOn::Warning => fd_engine::Severity::Warning,
    }))
}

/// What the flags ask to diagnose, before the runtime exists.
enum Planned {
    File(PathBuf),
    /// `task`, `service`, `preflight` or `scan`.
    Live(Command),
}

/// `--save-snapshot`, then the report on standard output or in `--output`.
fn sinks(cli: &Cli) -> Vec<fd_app::Sink> {
    let format = match cli.out.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Mermaid => Format::Mermaid,
    };
    let color = cli.out.format == FormatArg::Human
        && !cli.out.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && cli.out.output.is_none()
        && std::io::stdout().is_terminal();
    let render = RenderOptions {
        color,
        quiet: cli.out.quiet,
    };
    let mut sinks = Vec::new();
    if let Some(path) = &cli.aws.save_snapshot {
        sinks.push(fd_app::Sink::Snapshot { path: path.clone() });
    }
    sinks.push(match &cli.out.output {
        Some(path) => fd_app::Sink::File {
            path: path.clone(),
            format,
            render,
        },
        None => fd_app::Sink::Stdout { format, render },
    });
    sinks
}

/// The live commands: the standard AWS configuration chain with the flags' overrides.
#[cfg(feature = "live")]
mod live {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    pub use fd_app::Request;
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

    /// A spinner on standard error counting the AWS calls: for a `scan` from the start, for
    /// any other run once it has taken a second; never when standard error is not a terminal
    /// or with `--quiet`. Cleared when AWS has been read, before the report is written.
    pub struct Progress(Option<ProgressBar>);

    impl Progress {
        fn start(quiet: bool, scan: bool) -> (Progress, Option<fd_app::OnCall>) {
            if quiet || !std::io::stderr().is_terminal() {
                return (Progress(None), None);
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} reading AWS: {pos} calls, {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            let started = Instant::now();
            let shown = AtomicBool::new(false);
            let shared = bar.clone();
            let on_call = fd_app::OnCall(Arc::new(move |count: usize| {
                shared.set_position(count as u64);
                if (scan || started.elapsed() >= Duration::from_secs(1))
                    && !shown.swap(true, Ordering::Relaxed)
                {
                    shared.set_draw_target(ProgressDrawTarget::stderr());
                    shared.enable_steady_tick(Duration::from_millis(120));
                }
            }));
            (Progress(Some(bar)), Some(on_call))
        }

        pub fn finish(self) {
            if let Some(bar) = self.0 {
                bar.finish_and_clear();
            }
        }
    }

    /// The collector's request for a live command.
    fn request(command: super::Command) -> anyhow::Result<Request> {
        use super::Command;
        Ok(match command {
            Command::Task { cluster, task } => Request::Task { cluster, task },
            Command::Service { cluster, service } => Request::Service { cluster, service },
            Command::Scan { cluster, .. } => Request::Scan { cluster },
            Command::Preflight {
                cluster,
                task_definition,
                subnets,
                security_groups,
                assign_public_ip,
                platform_version,
            } => Request::Preflight {
                cluster,
                task_definition,
                subnets,
                security_groups,
                assign_public_ip,
                platform_version,
            },
            Command::Diagnose { .. }
            | Command::Rules
            | Command::Explain { .. }
            | Command::Completions { .. }
            | Command::Man => {
                anyhow::bail!("internal error: `{command:?}` reads no AWS")
            }
        })
    }

    pub async fn source(
        aws: &super::AwsFlags,
        quiet: bool,
        command: super::Command,
    ) -> anyhow::Result<(fd_app::Source, Progress)> {
        let request = request(command)?;
        let scan = matches!(request, Request::Scan { .. });
        if aws.region.len() > 1 && !scan {
            anyhow::bail!(
                "several --region values ({}) are for `scan`; the other commands diagnose one \
                 target in one Region",
                aws.region.join(", ")
            );
        }
        let (progress, on_call) = Progress::start(quiet, scan);
        let options = fd_app::CollectOptions {
            region: aws.region.first().cloned(),
            profile: aws.profile.clone(),
            endpoint_url: aws.endpoint_url.clone(),
            attempt_timeout: Some(std::time::Duration::from_secs(aws.call_timeout)),
            deadline: Some(std::time::Duration::from_secs(aws.deadline)),
            on_call,
        };
        let config = fd_app::load_config(&options).await;
        let source = fd_app::Source::Live(Box::new(fd_app::Live {
            config,
            requests: vec![request],
            options,
            // One Region is the configuration's own; several are read side by side.
            regions: if aws.region.len() > 1 {
                aws.region.clone()
            } else {
                Vec::new()
            },
        }));
        Ok((source, progress))
    }
}

/// Built without the `live` feature: the same flags, and a clear answer for the live commands.
#[cfg(not(feature = "live"))]
mod live {
    /// Nothing to show: this build never reads AWS.
    pub struct Progress;

    impl Progress {
        pub fn finish(self) {}
    }

    pub async fn source(
        _: &super::AwsFlags,
        _quiet: bool,
        _: super::Command,
    ) -> anyhow::Result<(fd_app::Source, Progress)> {
        anyhow::bail!(
            "this fargate-doctor was built without live AWS access (cargo --no-default-features): \
             it can `diagnose` a snapshot file; build it with the default features \
             (`cargo install --path .`) to read AWS"
        )
    }
}

fn write_out(out: &OutputFlags, text: &str) -> Result<()> {
    match &out.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the report to {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(args: &[&str]) -> Vec<String> {
        let mut all = vec!["fargate-doctor"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect("parses").aws.region
    }

    /// Every example of `--help` is a command line this parser accepts.
    #[test]
    fn every_help_example_parses() {
        let examples: Vec<&str> = AFTER_HELP
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("fargate-doctor "))
            .collect();
        assert!(examples.len() >= 8, "{examples:?}");
        for example in examples {
            // Up to a shell redirection or pipe.
            let words: Vec<&str> = example
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">" | "|"))
                .collect();
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("`{example}` does not parse:\n{e}");
            }
        }
    }

    #[test]
    fn fail_on_and_shells() {
        let cli = Cli::try_parse_from([
            "fargate-doctor",
            "diagnose",
            "s.json",
            "--fail-on",
            "warning",
        ])
        .unwrap();
        assert_eq!(cli.out.fail_on, FailOn::Warning);
        let cli = Cli::try_parse_from(["fargate-doctor", "diagnose", "s.json"]).unwrap();
        assert_eq!(cli.out.fail_on, FailOn::Error);
        assert!(
            Cli::try_parse_from(["fargate-doctor", "diagnose", "s.json", "--fail-on", "info"])
                .is_err()
        );
        for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
            Cli::try_parse_from(["fargate-doctor", "completions", shell]).unwrap();
        }
        Cli::command().debug_assert();
    }

    #[test]
    fn several_regions_as_a_list_or_as_flags() {
        let both = ["us-east-1", "eu-west-1"];
        assert_eq!(
            regions(&["scan", "--all-clusters", "--region", "us-east-1,eu-west-1"]),
            both
        );
        assert_eq!(
            regions(&["--region", "us-east-1,eu-west-1", "scan", "--all-clusters"]),
            both
        );
        assert_eq!(
            regions(&[
                "scan",
                "--all-clusters",
                "--region",
                "us-east-1",
                "--region",
                "eu-west-1"
            ]),
            both
        );
        assert_eq!(
            regions(&["service", "--cluster", "c", "s"]),
            Vec::<String>::new()
        );
        let mut all = vec![
            "fargate-doctor",
            "scan",
            "--all-clusters",
            "--region",
            "a,,b",
        ];
        assert!(
            Cli::try_parse_from(&all).is_err(),
            "an empty Region is a typo"
        );
        all.truncate(3);
        all.push("--region=");
        assert!(Cli::try_parse_from(&all).is_err());
    }
}
