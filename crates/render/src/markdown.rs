//! GitHub-flavoured Markdown, to paste into a ticket, a pull request or a chat.

use std::fmt::Write as _;

use fd_engine::{CheckStatus, Finding, Report, TargetReport};

use crate::{plural, CheckCounts, NO_REASON};

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::from("# fargate-doctor report\n");
    if report.targets.is_empty() {
        out.push_str("\nNothing to diagnose: no target was found.\n");
    }
    for t in &report.targets {
        render_target(&mut out, report, t);
    }
    let _ = writeln!(
        out,
        "\n---\n\n{} {}, {}, {} ms.",
        report.tool.name,
        report.tool.version,
        plural(report.stats.api_calls as usize, "API call"),
        report.stats.elapsed_ms
    );
    out
}

fn render_target(out: &mut String, report: &Report, t: &TargetReport) {
    let _ = writeln!(out, "\n## {} {}\n", t.kind, code(&crate::place(report, t)));
    let _ = match crate::verdict_reason(t) {
        Some(reason) => writeln!(
            out,
            "- Verdict: **{}**: {}",
            t.verdict.as_str(),
            inline(&reason)
        ),
        None => writeln!(out, "- Verdict: **{}**", t.verdict.as_str()),
    };
    if let Some(pv) = &t.platform_version {
        let _ = writeln!(out, "- Platform version: {}", inline(pv));
    }
    if let Some(arn) = &t.arn {
        let _ = writeln!(out, "- ARN: {}", code(arn));
    }
    if let Some(reason) = &t.stopped_reason {
        let _ = writeln!(out, "- Stopped reason: {}", inline(reason));
    }
    if let Some(fx) = &t.failure {
        if t.stopped_reason.as_deref() != Some(fx.message.as_str()) {
            let _ = writeln!(
                out,
                "- Failure ({}): {}",
                inline(&fx.source),
                inline(&fx.message)
            );
        }
        let _ = writeln!(out, "- What it means: {}", inline(&fx.summary));
        match &fx.explained_by {
            Some(id) => {
                let _ = writeln!(out, "- Explained by: `{id}`");
            }
            None => {
                let _ = writeln!(
                    out,
                    "- Explained by: no finding; ruled out: {}",
                    if fx.ruled_out.is_empty() {
                        "nothing".to_string()
                    } else {
                        fx.ruled_out.join(", ")
                    }
                );
            }
        }
    }

    for u in &t.unread {
        let _ = writeln!(out, "- Could not read: {}", inline(u));
    }

    let counts = CheckCounts::of(&t.checks);

    out.push_str("\n### Findings\n\n");
    if t.findings.is_empty() {
        let mut line = format!("No problem found in {}", plural(counts.decided(), "check"));
        if counts.unknown > 0 {
            let _ = write!(
                line,
                ", but {} could not be decided (see the checks below)",
                plural(counts.unknown, "check")
            );
        }
        let _ = writeln!(out, "{line}.");
    } else {
        out.push_str("| Severity | ID | Title | Resources |\n|---|---|---|---|\n");
        for f in &t.findings {
            let resources: Vec<String> = f.resources.iter().map(|r| cell_code(r)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.severity.as_str(),
                cell_code(&f.id),
                cell(&f.title),
                resources.join(", ")
            );
        }
        for cause in crate::root_causes(t) {
            let (head, rest) = cause.findings.split_first().expect("a cause has its root");
            render_finding(out, head, cause.fixes.get(1..).unwrap_or(&[]));
            if !rest.is_empty() {
                out.push_str("\nSame cause:\n\n");
                for f in rest {
                    let _ = writeln!(
                        out,
                        "- {} `{}`: {}",
                        f.severity.as_str(),
                        f.id,
                        inline(&f.title)
                    );
                }
            }
        }
    }

    if !t.paths.is_empty() {
        out.push_str("\n### Network paths\n\n");
        let broken = t
            .paths
            .iter()
            .filter(|p| p.verdict == fd_engine::PathVerdict::Broken)
            .count();
        let _ = writeln!(
            out,
            "{} of {} broken (red: where it breaks, labelled with the finding; dotted: never reached).\n",
            broken,
            plural(t.paths.len(), "path")
        );
        let _ = writeln!(out, "```mermaid\n{}```", crate::mermaid::target(t));
    }

    let _ = writeln!(out, "\n### Checks\n\n{}\n", counts.summary());
    out.push_str("| Check | Status | Detail |\n|---|---|---|\n");
    for c in &t.checks {
        let status = match c.status {
            CheckStatus::Fail | CheckStatus::Unknown => format!("**{}**", c.status.as_str()),
            _ => c.status.as_str().to_owned(),
        };
        let detail = match (&c.detail, c.status) {
            (Some(d), _) => cell(d),
            (None, CheckStatus::Unknown) => NO_REASON.to_owned(),
            (None, _) => String::new(),
        };
        let _ = writeln!(out, "| {} | {} | {} |", cell_code(&c.id), status, detail);
    }
}

/// One finding in full; `other_fixes` are the other ways out of its root cause.
fn render_finding(out: &mut String, f: &Finding, other_fixes: &[String]) {
    let _ = writeln!(out, "\n#### {}: {}\n", f.id, inline(&f.title));
    let mut line = format!("Severity: **{}**", f.severity.as_str());
    if !f.resources.is_empty() {
        let resources: Vec<String> = f.resources.iter().map(|r| code(r)).collect();
        let _ = write!(line, ". Resources: {}", resources.join(", "));
    }
    let _ = writeln!(out, "{line}.");
    let message = f.message.trim();
    if !message.is_empty() {
        let _ = writeln!(out, "\n{message}");
    }
    if !f.evidence.is_empty() {
        out.push_str("\nEvidence:\n\n");
        for e in &f.evidence {
            let _ = writeln!(out, "- {}: {}", code(&e.resource), inline(&e.detail));
        }
    }
    let _ = writeln!(out, "\n**Fix:** {}", f.remediation.trim());
    for fix in other_fixes {
        // The first line is the sentence, the rest are commands.
        let mut lines = fix.trim().lines();
        let _ = writeln!(out, "\n**Or:** {}", lines.next().unwrap_or_default().trim());
        let commands: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
        if !commands.is_empty() {
            let _ = writeln!(out, "\n```sh\n{}\n```", commands.join("\n"));
        }
    }
    if !f.docs.is_empty() {
        out.push_str("\nDocs:\n\n");
        for d in &f.docs {
            let _ = writeln!(out, "- <{d}>");
        }
    }
    let _ = writeln!(out, "\nMore: `fargate-doctor explain {}`", f.id);
}

/// Text on one line (headings, list items): line breaks become spaces.
fn inline(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A code span, unless the text holds a backtick (then plain text).
fn code(s: &str) -> String {
    if s.contains('`') || s.is_empty() {
        inline(s)
    } else {
        format!("`{}`", inline(s))
    }
}

/// Text inside a table cell: one line, `|` escaped.
fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// A code span inside a table cell (GFM unescapes `\|` inside code spans in tables).
fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}
