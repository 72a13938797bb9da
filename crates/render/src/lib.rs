//! Renders a fargate-doctor [`Report`] for people and machines: coloured text for a terminal,
//! the contract's JSON (`shared/spec/contract.md` §3), Markdown for tickets and pull requests,
//! and SARIF 2.1.0 for code-scanning dashboards.
//!
//! Rendering is pure: it never reads the environment. Whether to colour is the caller's decision
//! ([`RenderOptions::color`]); with `color: false` the output holds no escape code at all.

mod human;
mod markdown;
mod sarif;

use fd_engine::{CheckResult, CheckStatus, Report};

/// An output format, as chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Text for a terminal (the default).
    Human,
    /// The JSON document of contract §3.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// SARIF 2.1.0.
    Sarif,
}

/// How to render. Only [`Format::Human`] looks at these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Emit ANSI colours. The caller decides (TTY, `NO_COLOR`, `--no-color`).
    pub color: bool,
    /// Only the finding header lines and the check summary (unknown checks are still listed).
    pub quiet: bool,
}

/// Renders `report` in `format`. The result always ends with a newline.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => render_json(report),
        Format::Markdown => markdown::render(report),
        Format::Sarif => sarif::render(report),
    }
}

fn render_json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report)
        .expect("a Report serialises to JSON (string keys, no non-finite floats)");
    out.push('\n');
    out
}

/// `prod/web`, or `prod/web in eu-west-1` when the report covers more than one Region (a
/// scan of several): the same cluster and service names may exist in each.
pub(crate) fn place(report: &Report, t: &fd_engine::TargetReport) -> String {
    let mut regions = report.targets.iter().filter_map(|t| t.region.as_deref());
    let first = regions.next();
    let several = regions.any(|r| Some(r) != first);
    match (&t.region, several) {
        (Some(region), true) => format!("{}/{} in {region}", t.cluster, t.name),
        _ => format!("{}/{}", t.cluster, t.name),
    }
}

/// How many checks of a target ended in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CheckCounts {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub unknown: usize,
    pub not_applicable: usize,
}

impl CheckCounts {
    pub fn of(checks: &[CheckResult]) -> Self {
        let mut counts = CheckCounts::default();
        for check in checks {
            match check.status {
                CheckStatus::Pass => counts.pass += 1,
                CheckStatus::Fail => counts.fail += 1,
                CheckStatus::Warn => counts.warn += 1,
                CheckStatus::Unknown => counts.unknown += 1,
                CheckStatus::NotApplicable => counts.not_applicable += 1,
            }
        }
        counts
    }

    /// Checks that ran and reached a decision.
    pub fn decided(&self) -> usize {
        self.pass + self.fail + self.warn
    }

    /// "12 pass, 2 fail, 1 warn, 0 unknown, 20 not applicable"
    pub fn summary(&self) -> String {
        format!(
            "{} pass, {} fail, {} warn, {} unknown, {} not applicable",
            self.pass, self.fail, self.warn, self.unknown, self.not_applicable
        )
    }
}

/// The reason shown for an `unknown` check that carries none.
pub(crate) const NO_REASON: &str = "no reason recorded";

/// "1 check" / "2 checks"
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
