//! The network paths of a report as a Mermaid flowchart: subnet → route table → gateway or
//! endpoint → destination, the edge where a path breaks drawn red and labelled with the finding
//! that breaks it, what lies beyond a break dotted. `--format mermaid` prints it alone; the
//! Markdown report embeds one per target, so a pull request or an issue shows where it breaks.
//!
//! Written by hand: the text is a few lines of Mermaid's flowchart syntax, which no crate
//! produces better than a `String` does.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fd_engine::{HopReport, PathVerdict, Report, TargetReport};

/// One diagram for the whole report: a subgraph per target when there are several.
pub(crate) fn render(report: &Report) -> String {
    let mut g = Graph::default();
    let several = report.targets.len() > 1;
    for (i, t) in report.targets.iter().enumerate() {
        let title = format!("{} {}", t.kind, crate::place(report, t));
        g.target(t, several.then(|| (format!("t{i}"), title)));
    }
    g.finish()
}

/// The diagram of one target (for the Markdown report).
pub(crate) fn target(t: &TargetReport) -> String {
    let mut g = Graph::default();
    g.target(t, None);
    g.finish()
}

#[derive(Default)]
struct Graph {
    body: String,
    /// (subgraph prefix, kind, id) → node name.
    nodes: BTreeMap<(String, String, String), String>,
    node_verdicts: BTreeMap<String, PathVerdict>,
    /// In the order drawn (`linkStyle` numbers them so): each with its style and labels.
    edges: Vec<Edge>,
}

struct Edge {
    from: String,
    to: String,
    style: EdgeStyle,
    labels: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EdgeStyle {
    Ok,
    Unknown,
    /// Beyond a break: never reached.
    Unreached,
    Broken,
}

impl Graph {
    fn target(&mut self, t: &TargetReport, subgraph: Option<(String, String)>) {
        let prefix = subgraph
            .as_ref()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        for p in &t.paths {
            let mut broken = false;
            let mut prev: Option<String> = None;
            for h in &p.hops {
                let node = self.node(&prefix, h, &p.destination);
                if let Some(from) = prev.take() {
                    let style = if broken {
                        EdgeStyle::Unreached
                    } else {
                        match h.verdict {
                            PathVerdict::Ok => EdgeStyle::Ok,
                            PathVerdict::Unknown => EdgeStyle::Unknown,
                            PathVerdict::Broken => EdgeStyle::Broken,
                        }
                    };
                    let label = (style == EdgeStyle::Broken)
                        .then(|| p.finding.clone())
                        .flatten();
                    self.edge(from, node.clone(), style, label);
                    broken |= style == EdgeStyle::Broken;
                }
                prev = Some(node);
            }
        }
        let mut inner = String::new();
        if t.paths.is_empty() {
            let _ = writeln!(
                inner,
                "  {prefix}none[\"no network path evaluated (no subnet or destination was read)\"]"
            );
        }
        // Nodes of this target, in the order they were added.
        let mut mine: Vec<(&(String, String, String), &String)> = self
            .nodes
            .iter()
            .filter(|((p, _, _), _)| *p == prefix)
            .collect();
        mine.sort_by_key(|(_, name)| node_number(name));
        for ((_, kind, id), name) in mine {
            let _ = writeln!(inner, "  {name}{}", shape(kind, &label(kind, id)));
        }
        match subgraph {
            Some((id, title)) => {
                let _ = writeln!(self.body, "  subgraph {id}[\"{}\"]", escape(&title));
                for line in inner.lines() {
                    let _ = writeln!(self.body, "  {line}");
                }
                let _ = writeln!(self.body, "  end");
            }
            None => self.body.push_str(&inner),
        }
    }

    fn node(&mut self, prefix: &str, h: &HopReport, destination: &str) -> String {
        // A destination is drawn with its description; a missing route is one node per table.
        let id = match h.kind.as_str() {
            "destination" => destination.to_string(),
            _ => h.id.clone(),
        };
        let key = (prefix.to_string(), h.kind.clone(), id);
        let next = self.nodes.len();
        let name = self
            .nodes
            .entry(key)
            .or_insert_with(|| format!("{prefix}n{next}"))
            .clone();
        let v = self.node_verdicts.entry(name.clone()).or_insert(h.verdict);
        *v = worst(*v, h.verdict);
        name
    }

    fn edge(&mut self, from: String, to: String, style: EdgeStyle, label: Option<String>) {
        match self.edges.iter_mut().find(|e| e.from == from && e.to == to) {
            Some(e) => {
                e.style = e.style.max(style);
                if let Some(l) = label {
                    if !e.labels.contains(&l) {
                        e.labels.push(l);
                    }
                }
            }
            None => self.edges.push(Edge {
                from,
                to,
                style,
                labels: label.into_iter().collect(),
            }),
        }
    }

    fn finish(self) -> String {
        let mut out = String::from("flowchart LR\n");
        out.push_str(&self.body);
        for e in &self.edges {
            let arrow = match e.style {
                EdgeStyle::Unreached | EdgeStyle::Unknown => "-.->",
                EdgeStyle::Ok | EdgeStyle::Broken => "-->",
            };
            if e.labels.is_empty() {
                let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
            } else {
                let _ = writeln!(
                    out,
                    "  {} {arrow}|\"{}\"| {}",
                    e.from,
                    escape(&e.labels.join(", ")),
                    e.to
                );
            }
        }
        out.push_str(
            "  classDef ok fill:#e6f4ea,stroke:#1e8e3e\n  \
             classDef broken fill:#fce8e6,stroke:#d93025,stroke-width:2px\n  \
             classDef unknown fill:#fef7e0,stroke:#f9ab00\n",
        );
        for verdict in [PathVerdict::Ok, PathVerdict::Broken, PathVerdict::Unknown] {
            let names: Vec<&str> = self
                .node_verdicts
                .iter()
                .filter(|(_, v)| **v == verdict)
                .map(|(n, _)| n.as_str())
                .collect();
            if !names.is_empty() {
                let _ = writeln!(out, "  class {} {}", names.join(","), verdict.as_str());
            }
        }
        for (i, e) in self.edges.iter().enumerate() {
            let style = match e.style {
                EdgeStyle::Broken => "stroke:#d93025,stroke-width:3px,color:#d93025",
                EdgeStyle::Unreached => "stroke:#9aa0a6",
                EdgeStyle::Unknown => "stroke:#f9ab00",
                EdgeStyle::Ok => continue,
            };
            let _ = writeln!(out, "  linkStyle {i} {style}");
        }
        out
    }
}

fn node_number(name: &str) -> usize {
    name.rsplit('n')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn worst(a: PathVerdict, b: PathVerdict) -> PathVerdict {
    use PathVerdict::*;
    match (a, b) {
        (Broken, _) | (_, Broken) => Broken,
        (Unknown, _) | (_, Unknown) => Unknown,
        _ => Ok,
    }
}

/// `subnet-0a1`, `rtb-09`, `no route`, the destination's description.
fn label(kind: &str, id: &str) -> String {
    match kind {
        "subnet" => format!("subnet<br/>{id}"),
        "route_table" => format!("route table<br/>{id}"),
        "security_group" => format!("security groups<br/>{id}"),
        "network_acl" => format!("network ACL<br/>{id}"),
        "no_route" => "no route to the internet".to_string(),
        "blackhole" => format!("blackhole route<br/>{id}"),
        "internet_gateway" => format!("internet gateway<br/>{id}"),
        "nat_gateway" => format!("NAT gateway<br/>{id}"),
        "interface_endpoint" => format!("interface endpoint<br/>{id}"),
        "gateway_endpoint" => format!("S3 gateway endpoint<br/>{id}"),
        "peering" => format!("peering<br/>{id}"),
        "opaque" => format!("{id}<br/>(not seen through)"),
        "local" => "inside the VPC".to_string(),
        "unknown" => "route not read".to_string(),
        _ => id.to_string(),
    }
}

/// The node's shape: destinations are rounded, the rest boxes.
fn shape(kind: &str, label: &str) -> String {
    let text = escape(label);
    match kind {
        "destination" => format!("([\"{text}\"])"),
        "no_route" | "blackhole" => format!("{{{{\"{text}\"}}}}"),
        _ => format!("[\"{text}\"]"),
    }
}

/// Mermaid reads `"` as the end of a label: its entity code is `#quot;`.
fn escape(s: &str) -> String {
    s.replace('"', "#quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use fd_engine::{PathReport, Verdict};

    fn hop(kind: &str, id: &str, verdict: PathVerdict) -> HopReport {
        HopReport {
            kind: kind.into(),
            id: id.into(),
            verdict,
        }
    }

    fn target(paths: Vec<PathReport>) -> TargetReport {
        TargetReport {
            region: None,
            account_id: None,
            kind: "service".into(),
            cluster: "prod".into(),
            name: "web".into(),
            arn: None,
            platform_version: None,
            stopped_reason: None,
            verdict: Verdict::Fail,
            failure: None,
            findings: vec![],
            root_causes: vec![],
            paths,
            checks: vec![],
            unread: vec![],
        }
    }

    #[test]
    fn the_break_is_red_and_labelled_and_beyond_it_is_dotted() {
        use PathVerdict::*;
        let no_route = |dest: &str| PathReport {
            subnet: "subnet-a".into(),
            destination: dest.into(),
            hops: vec![
                hop("subnet", "subnet-a", Ok),
                hop("route_table", "rtb-1", Ok),
                hop("no_route", "no route", Broken),
                hop("destination", "host", Broken),
            ],
            verdict: Broken,
            finding: Some("NET-ROUTE-NO-DEFAULT".into()),
        };
        let text = super::target(&target(vec![no_route("ECR \"API\""), no_route("Logs")]));
        let lines: Vec<&str> = text.lines().collect();
        // One node per resource: the subnet and the table are shared by both paths.
        assert_eq!(text.matches("subnet<br/>subnet-a").count(), 1, "{text}");
        assert!(
            lines.contains(&"  n1 -->|\"NET-ROUTE-NO-DEFAULT\"| n2"),
            "{text}"
        );
        assert!(lines.contains(&"  n2 -.-> n3"), "{text}");
        assert!(lines.contains(&"  n2 -.-> n4"), "{text}");
        // Edges: subnet → table, table → no route (broken), no route → each destination.
        assert!(lines.contains(&"  linkStyle 1 stroke:#d93025,stroke-width:3px,color:#d93025"));
        assert!(lines.contains(&"  linkStyle 2 stroke:#9aa0a6"));
        // A quote in a label cannot end it.
        assert!(text.contains("ECR #quot;API#quot;"), "{text}");
        assert!(lines.contains(&"  class n0,n1 ok"), "{text}");
    }

    #[test]
    fn no_path_is_said_not_drawn_empty() {
        let text = super::target(&target(vec![]));
        assert!(text.contains("no network path evaluated"), "{text}");
    }
}
