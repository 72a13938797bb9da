//! Text for an engineer in the middle of an outage: what is broken, where, the proof, the fix.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use fd_engine::{CheckStatus, Finding, Report, Severity, TargetReport, Verdict};

use crate::{plural, CheckCounts, RenderOptions, NO_REASON};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED_BOLD: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const YELLOW_BOLD: Style = YELLOW.bold();
const BLUE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));
const GREEN_BOLD: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)))
    .bold();

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let p = Painter { color: opts.color };
    let mut out = String::new();

    if report.targets.is_empty() {
        out.push_str("Nothing to diagnose: no target was found.\n");
        return out;
    }

    // A scan: one line per target, failures first, then the details.
    if report.targets.len() > 1 {
        let mut order: Vec<&TargetReport> = report.targets.iter().collect();
        order.sort_by_key(|t| match t.verdict {
            Verdict::Fail => 0,
            Verdict::Incomplete => 1,
            Verdict::Pass => 2,
        });
        for t in order {
            let (style, text) = verdict_label(t.verdict);
            let mut line = format!(
                "{} {} {}",
                p.paint(style, &format!("{text:<10}")),
                t.kind,
                crate::place(report, t)
            );
            if let Some(reason) = crate::verdict_reason(t) {
                let _ = write!(line, ": {reason}");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out.push('\n');
    }

    for (i, target) in report.targets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_target(&mut out, report, target, opts, &p);
    }

    if report.targets.len() > 1 {
        let count = |v: Verdict| report.targets.iter().filter(|t| t.verdict == v).count();
        let _ = writeln!(
            out,
            "\n{}: {} fail, {} incomplete, {} pass",
            plural(report.targets.len(), "target"),
            count(Verdict::Fail),
            count(Verdict::Incomplete),
            count(Verdict::Pass),
        );
    }
    out
}

fn render_target(
    out: &mut String,
    report: &Report,
    t: &TargetReport,
    opts: &RenderOptions,
    p: &Painter,
) {
    // Header: kind, cluster/name, platform version, verdict.
    let (verdict_style, verdict_text) = verdict_label(t.verdict);
    let mut header = format!("{} {}", t.kind, crate::place(report, t));
    if let Some(pv) = &t.platform_version {
        let _ = write!(header, " (platform {pv})");
    }
    let mut line = format!(
        "{}: {}",
        p.paint(BOLD, &header),
        p.paint(verdict_style, verdict_text)
    );
    if let Some(reason) = crate::verdict_reason(t) {
        let _ = write!(line, ": {reason}");
    }
    let _ = writeln!(out, "{line}");

    if !opts.quiet {
        if let Some(reason) = &t.stopped_reason {
            push_field(out, "", "stopped reason: ", reason);
        }
        if let Some(fx) = &t.failure {
            if t.stopped_reason.as_deref() != Some(fx.message.as_str()) {
                push_field(out, "", &format!("failure ({}): ", fx.source), &fx.message);
            }
            push_field(out, "", "what it means: ", &fx.summary);
            match &fx.explained_by {
                Some(id) => {
                    let root = t.root_causes.first().and_then(|c| c.findings.first());
                    let text = match root {
                        Some(r) if r != id => format!("{id}, whose root cause {r} is first below"),
                        _ => format!("{id} (first below)"),
                    };
                    push_field(out, "", "explained by: ", &text)
                }
                None => {
                    let mut line = "no finding explains this message".to_string();
                    if !fx.ruled_out.is_empty() {
                        let _ = write!(line, "; ruled out: {}", fx.ruled_out.join(", "));
                    }
                    push_field(out, "", "explained by: ", &line);
                }
            }
        }
    }

    // Always shown, --quiet included: a part of the target that could not be read is why the
    // verdict is only "incomplete".
    for u in &t.unread {
        push_field(out, "", "could not read: ", u);
    }

    let counts = CheckCounts::of(&t.checks);

    // One block per root cause: its root finding in full, the other ways out, then the
    // findings with the same cause as one line each. Every finding is in one cause.
    for cause in crate::root_causes(t) {
        if !opts.quiet {
            out.push('\n');
        }
        let (head, rest) = cause.findings.split_first().expect("a cause has its root");
        render_finding(out, head, opts, p, cause.fixes.get(1..).unwrap_or(&[]));
        if rest.is_empty() {
            continue;
        }
        if !opts.quiet {
            let _ = writeln!(out, "  same cause ({}):", rest.len());
        }
        let indent = if opts.quiet { "  " } else { "    " };
        for f in rest {
            let _ = writeln!(out, "{indent}{}", headline(f, p));
        }
    }

    if !opts.quiet {
        out.push('\n');
        if t.findings.is_empty() {
            let mut line = format!("No problem found in {}", plural(counts.decided(), "check"));
            if counts.unknown > 0 {
                let _ = write!(
                    line,
                    ", but {} could not be decided (listed below)",
                    plural(counts.unknown, "check")
                );
            }
            line.push('.');
            let _ = writeln!(out, "{line}");
        }
    }

    let _ = writeln!(out, "checks: {}", counts.summary());
    for check in t.checks.iter().filter(|c| c.status == CheckStatus::Unknown) {
        let reason = check.detail.as_deref().unwrap_or(NO_REASON);
        let label = format!("unknown[{}]", check.id);
        push_field(out, "", &format!("{} ", p.paint(YELLOW, &label)), reason);
    }
}

fn verdict_label(v: Verdict) -> (Style, &'static str) {
    match v {
        Verdict::Fail => (RED_BOLD, "FAIL"),
        Verdict::Incomplete => (YELLOW_BOLD, "INCOMPLETE"),
        Verdict::Pass => (GREEN_BOLD, "PASS"),
    }
}

/// `error[ID] Title`, coloured by severity.
fn headline(f: &Finding, p: &Painter) -> String {
    let style = match f.severity {
        Severity::Error => RED_BOLD,
        Severity::Warning => YELLOW,
        Severity::Info => BLUE,
    };
    let label = format!("{}[{}]", f.severity.as_str(), f.id);
    format!("{} {}", p.paint(style, &label), p.paint(BOLD, &f.title))
}

/// One finding in full; `other_fixes` are the other ways out of its root cause, each after
/// its fix as "or:".
fn render_finding(
    out: &mut String,
    f: &Finding,
    opts: &RenderOptions,
    p: &Painter,
    other_fixes: &[String],
) {
    let _ = writeln!(out, "{}", headline(f, p));
    if opts.quiet {
        return;
    }

    // The resources come first, the broken one (usually the subnet) leading, so that findings
    // about the same subnet read as a group.
    if !f.resources.is_empty() {
        push_field(out, "  ", "resources: ", &f.resources.join(", "));
    }
    push_field(out, "  ", "", &f.message);
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "  evidence:");
        for e in &f.evidence {
            push_field(out, "    ", &format!("{}: ", e.resource), &e.detail);
        }
    }
    push_field(
        out,
        "  ",
        &format!("{} ", p.paint(BOLD, "fix:")),
        &f.remediation,
    );
    for fix in other_fixes {
        push_field(out, "  ", &format!("{} ", p.paint(BOLD, "or:")), fix);
    }
    for doc in &f.docs {
        let _ = writeln!(out, "  docs: {doc}");
    }
    let _ = writeln!(
        out,
        "  {}",
        p.paint(DIM, &format!("explain: fargate-doctor explain {}", f.id))
    );
}

/// Writes `indent` + `label` + `text`; the text's further lines are indented to stay inside the
/// block. Nothing is written for an empty text without a label.
fn push_field(out: &mut String, indent: &str, label: &str, text: &str) {
    let text = text.trim_end();
    if text.is_empty() && label.is_empty() {
        return;
    }
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(out, "{indent}{label}{first}");
    for line in lines {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}  {line}");
        }
    }
}
