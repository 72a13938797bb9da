//! Renders a fargate-doctor [`Report`] for people and machines: coloured text for a terminal,
//! the contract's JSON (`shared/spec/contract.md` §3), Markdown for tickets and pull requests,
//! and SARIF 2.1.0 for code-scanning dashboards.
//!
//! Rendering is pure: it never reads the environment. Whether to colour is the caller's decision
//! ([`RenderOptions::color`]); with `color: false` the output holds no escape code at all.

mod human;
mod markdown;
mod mermaid;
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
    /// The network paths as a Mermaid flowchart, alone.
    Mermaid,
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
        Format::Mermaid => mermaid::render(report),
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

/// A target's root causes with their findings. A report from elsewhere without positions
/// (deserialised JSON) falls back to the IDs, each finding taken once.
pub(crate) struct Cause<'a> {
    pub findings: Vec<&'a fd_engine::Finding>,
    pub fixes: &'a [String],
}

pub(crate) fn root_causes(t: &fd_engine::TargetReport) -> Vec<Cause<'_>> {
    let mut used = vec![false; t.findings.len()];
    let mut out = Vec::new();
    for c in &t.root_causes {
        let mut findings = Vec::new();
        for (k, id) in c.findings.iter().enumerate() {
            let at = c
                .positions
                .get(k)
                .copied()
                .filter(|&i| t.findings.get(i).is_some_and(|f| &f.id == id) && !used[i])
                .or_else(|| (0..t.findings.len()).find(|&i| !used[i] && &t.findings[i].id == id));
            if let Some(i) = at {
                used[i] = true;
                findings.push(&t.findings[i]);
            }
        }
        if !findings.is_empty() {
            out.push(Cause {
                findings,
                fixes: &c.fixes,
            });
        }
    }
    // Findings no cause names (a report built by hand): each its own.
    for (i, f) in t.findings.iter().enumerate() {
        if !used[i] {
            out.push(Cause {
                findings: vec![f],
                fixes: &[],
            });
        }
    }
    out
}

/// What a target's verdict rests on, in a few words: the first root cause (and how many more),
/// the number of undecided checks, or the warnings.
pub(crate) fn verdict_reason(t: &fd_engine::TargetReport) -> Option<String> {
    use fd_engine::{Severity, Verdict};
    let errors: Vec<&fd_engine::RootCause> = t
        .root_causes
        .iter()
        .filter(|c| c.severity == Severity::Error)
        .collect();
    match t.verdict {
        Verdict::Fail => {
            let first = errors.first().map(|c| c.title.clone()).or_else(|| {
                t.findings
                    .iter()
                    .find(|f| f.severity == Severity::Error)
                    .map(|f| f.title.clone())
            })?;
            Some(match errors.len() {
                0 | 1 => first,
                2 => format!("{first} (and 1 more cause)"),
                n => format!("{first} (and {} more causes)", n - 1),
            })
        }
        Verdict::Incomplete => {
            let unknown = t
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Unknown)
                .count();
            Some(match (unknown, t.unread.len()) {
                (0, n) => format!("{} could not be read", plural(n, "part")),
                (n, _) => format!("{} could not be decided", plural(n, "check")),
            })
        }
        Verdict::Pass => {
            let warnings = t
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            (warnings > 0).then(|| plural(warnings, "warning"))
        }
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
