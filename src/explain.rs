//! `rules` and `explain`: text read straight from the checks' own metadata.

use fd_engine::checks::{Check, ALL};

pub fn rules(json: bool) -> String {
    if json {
        let v: Vec<serde_json::Value> = ALL
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "severity": c.severity.as_str(),
                    "group": c.group,
                    "title": c.title,
                })
            })
            .collect();
        return serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    }
    let width = ALL.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut group = "";
    for c in by_group() {
        if c.group != group {
            if !group.is_empty() {
                out.push('\n');
            }
            group = c.group;
            out.push_str(&format!("{group}\n"));
        }
        out.push_str(&format!(
            "  {:<width$}  {:<7}  {}\n",
            c.id,
            c.severity.as_str(),
            c.title
        ));
    }
    out.push_str("\n`fargate-doctor explain <ID>` explains a check.\n");
    out
}

/// The checks grouped as in checks.md (stable order within a group).
fn by_group() -> Vec<&'static Check> {
    const ORDER: &[&str] = &[
        "Launch and task definition",
        "Network path",
        "VPC endpoints",
        "Execution role",
        "Image and registry",
        "Secrets and logs",
    ];
    let mut v: Vec<&'static Check> = ALL.to_vec();
    v.sort_by_key(|c| {
        ORDER
            .iter()
            .position(|g| *g == c.group)
            .unwrap_or(ORDER.len())
    });
    v
}

pub fn explain(c: &Check, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(&serde_json::json!({
            "id": c.id,
            "title": c.title,
            "severity": c.severity.as_str(),
            "group": c.group,
            "what_it_checks": c.what,
            "why_it_stops_a_task": c.why,
            "how_to_fix": c.fix,
            "docs": c.docs,
            "root_cause_of": c.explains,
            "alternatives": c.alternatives.map(|a| a.ids).unwrap_or(&[]),
            "reported_under": c.explained_by(),
        }))
        .unwrap_or_default()
            + "\n";
    }
    let mut out = format!(
        "{} ({}, {})\n{}\n\nWhat it checks\n{}\n\nWhy it stops a task\n{}\n\nHow to fix it\n{}\n",
        c.id,
        c.severity.as_str(),
        c.group,
        c.title,
        indent(c.what),
        indent(c.why),
        indent(c.fix),
    );
    let relations = c.relations_text();
    if !relations.is_empty() {
        out.push_str("\nRoot causes\n");
        for r in relations {
            out.push_str(&format!("{}\n", indent(&r)));
        }
    }
    if !c.docs.is_empty() {
        out.push_str("\nAWS documentation\n");
        for d in c.docs {
            out.push_str(&format!("  {d}\n"));
        }
    }
    out
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {}", l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The closest known ID to a mistyped one, if any is close.
pub fn suggest(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_uppercase();
    ALL.iter()
        .map(|c| (c.id, distance(&id, c.id)))
        .filter(|(_, d)| *d <= 4)
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

/// Levenshtein distance (a dozen lines; not worth a dependency).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
