//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>): one run,
//! one rule per distinct finding ID, one result per finding. The resources are logical locations,
//! since the findings are about AWS resources, not about files.

use fd_engine::{Evidence, Report, Severity};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/fargate-doctor/fargate-doctor";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location<'a>>,
    properties: Properties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
struct LogicalLocation<'a> {
    name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct Properties<'a> {
    target: String,
    evidence: &'a [Evidence],
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub(crate) fn render(report: &Report) -> String {
    let mut rules: Vec<Rule> = Vec::new();
    let mut results = Vec::new();
    for t in &report.targets {
        let target = format!("{} {}", t.kind, crate::place(report, t));
        for f in &t.findings {
            let rule_index = match rules.iter().position(|r| r.id == f.id) {
                Some(i) => i,
                None => {
                    rules.push(Rule {
                        id: &f.id,
                        short_description: Message {
                            text: f.title.clone(),
                        },
                        help_uri: f.docs.first().map(String::as_str),
                        default_configuration: Configuration {
                            level: level(f.severity),
                        },
                    });
                    rules.len() - 1
                }
            };
            let message = format!("{} Fix: {}", f.message.trim_end(), f.remediation.trim());
            results.push(SarifResult {
                rule_id: &f.id,
                rule_index,
                level: level(f.severity),
                message: Message { text: message },
                locations: f
                    .resources
                    .iter()
                    .map(|r| Location {
                        logical_locations: [LogicalLocation {
                            name: r,
                            kind: "resource",
                        }],
                    })
                    .collect(),
                properties: Properties {
                    target: target.clone(),
                    evidence: &f.evidence,
                },
            });
        }
    }

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "fargate-doctor",
                    version: &report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("the SARIF log serialises to JSON");
    out.push('\n');
    out
}
