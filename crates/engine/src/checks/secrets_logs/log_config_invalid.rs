use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::needs::{LogNeed, SecretUse};

pub static CHECK: Check = Check {
    id: "LOG-CONFIG-INVALID",
    title: "A log configuration Fargate rejects at start",
    severity: Severity::Error,
    group: "Secrets and logs",
    what: "Reads each container's logConfiguration. Errors: a log driver Fargate does not support \
           (Fargate supports awslogs, splunk and awsfirelens; Windows containers do not support \
           awsfirelens); awslogs without a non-empty awslogs-group or awslogs-region (both \
           required: the Fargate log shim refuses to start without them), or without \
           awslogs-stream-prefix (required on Fargate); an awslogs or splunk 'mode' other than \
           blocking or non-blocking; splunk without splunk-url, or without splunk-token (as an \
           option or a secretOption). awslogs-datetime-format together with \
           awslogs-multiline-pattern is an error on platform 1.3.0 (Docker rejects the pair) and a \
           warning from 1.4.0 (AWS documents the pair as not allowed, but the containerd log shim \
           uses the datetime format and ignores the pattern). Whether the log group exists is \
           LOG-GROUP-MISSING's check; the values of other options are not validated.",
    why: "The log driver is set up before the container starts; when its arguments are invalid the \
          task stops with 'ResourceInitializationError: failed to validate logger args: unable to \
          get awslogs driver arguments: awslogs-region is required' (or '… is required' for another \
          option), or ECS refuses the task definition: 'Fargate requires log configuration options \
          to include awslogs-stream-prefix to support log driver awslogs.' A value that was \
          templated in but came out empty (an unset variable in envsubst) is accepted at \
          registration and fails only at start.",
    fix: "Register a new revision of the task definition with a complete log configuration \
          (awslogs-group, awslogs-region and awslogs-stream-prefix for awslogs), then deploy it:\n  \
          aws ecs register-task-definition --cli-input-json file://taskdef.json\n  \
          aws ecs update-service --cluster C --service S --task-definition FAMILY:REVISION",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

/// Log drivers Fargate accepts (ECS API reference, `LogConfiguration.logDriver`).
const FARGATE_DRIVERS: &[&str] = &["awslogs", "splunk", "awsfirelens"];

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    if cx.needs.logs.is_empty() {
        return Outcome::na("no container has a log configuration");
    }
    let td_name = td.arn.clone().unwrap_or_else(|| match td.revision {
        Some(r) => format!("{}:{r}", td.family),
        None => td.family.clone(),
    });
    let mut findings = Vec::new();
    for l in &cx.needs.logs {
        let problems = problems(cx, l);
        if problems.is_empty() {
            continue;
        }
        let severity = if problems.iter().any(|(s, _, _)| *s == Severity::Error) {
            Severity::Error
        } else {
            Severity::Warning
        };
        let what: Vec<&str> = problems.iter().map(|(_, p, _)| p.as_str()).collect();
        let fixes: Vec<&str> = problems.iter().map(|(_, _, f)| f.as_str()).collect();
        findings.push(CHECK.finding_at(
            severity,
            format!(
                "Container {} of task definition {td_name}: {}.",
                l.container,
                what.join("; ")
            ),
            vec![td_name.clone()],
            vec![ev(
                format!("{td_name} container {}", l.container),
                describe(l),
            )],
            format!(
                "In a new revision of {}: {}; then deploy that revision.",
                td.family,
                fixes.join("; ")
            ),
        ));
    }
    Outcome::from_findings(findings, None)
}

fn error(problem: String, fix: String) -> (Severity, String, String) {
    (Severity::Error, problem, fix)
}

/// An option's value, when it is set to something other than blanks.
fn opt<'l>(l: &'l LogNeed, key: &str) -> Option<&'l str> {
    l.options
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

/// What is wrong with one container's log configuration: (severity, problem, fix).
fn problems(cx: &Cx, l: &LogNeed) -> Vec<(Severity, String, String)> {
    let mut out = Vec::new();
    let driver = l.driver.as_str();
    if !FARGATE_DRIVERS.contains(&driver) {
        out.push(error(
            format!("log driver {driver} is not supported on Fargate (awslogs, splunk or awsfirelens only)"),
            format!("use awslogs (or awsfirelens with a log router container) instead of {driver}"),
        ));
        return out;
    }
    if driver == "awsfirelens" && cx.pv.windows {
        out.push(error(
            "awsfirelens is not supported for Windows containers".into(),
            "use awslogs".into(),
        ));
    }
    if let Some(mode) = l.options.get("mode") {
        if !matches!(mode.as_str(), "blocking" | "non-blocking") {
            out.push(error(
                format!("mode is '{mode}', but only blocking and non-blocking are valid"),
                "set mode to blocking or non-blocking (or remove it)".into(),
            ));
        }
    }
    match driver {
        "awslogs" => {
            for (key, example) in [
                ("awslogs-group", "/ecs/FAMILY".to_string()),
                ("awslogs-region", cx.snap.region.clone()),
                ("awslogs-stream-prefix", "ecs".to_string()),
            ] {
                if opt(l, key).is_none() {
                    let how = if l.options.contains_key(key) {
                        "is empty"
                    } else {
                        "is missing"
                    };
                    let need = if key == "awslogs-stream-prefix" {
                        " (required on Fargate)"
                    } else {
                        " (required)"
                    };
                    out.push(error(
                        format!("awslogs option {key} {how}{need}"),
                        format!("set \"{key}\": \"{example}\""),
                    ));
                }
            }
            if opt(l, "awslogs-datetime-format").is_some()
                && opt(l, "awslogs-multiline-pattern").is_some()
            {
                let (severity, effect) = if cx.pv.legacy {
                    (
                        Severity::Error,
                        format!(
                            "on platform {} Docker rejects the container ('you cannot configure log opt 'awslogs-datetime-format' and 'awslogs-multiline-pattern' at the same time')",
                            cx.pv.label
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        "AWS documents the pair as not allowed; the log shim uses the datetime format and ignores the pattern".to_string(),
                    )
                };
                out.push((
                    severity,
                    format!("awslogs-datetime-format and awslogs-multiline-pattern are both set: {effect}"),
                    "keep only one of awslogs-datetime-format and awslogs-multiline-pattern".into(),
                ));
            }
        }
        "splunk" => {
            if opt(l, "splunk-url").is_none() {
                out.push((
                    Severity::Error,
                    "splunk option splunk-url is missing (required)".into(),
                    "set splunk-url to the HTTP Event Collector URL".into(),
                ));
            }
            let token_secret = cx.needs.secrets.iter().any(|s| {
                s.container == l.container
                    && matches!(&s.usage, SecretUse::LogOption(n) if n == "splunk-token")
            });
            if opt(l, "splunk-token").is_none() && !token_secret {
                out.push((
                    Severity::Error,
                    "splunk-token is neither an option nor a secretOption (required)".into(),
                    "add splunk-token as a secretOption from Secrets Manager or SSM".into(),
                ));
            }
        }
        _ => {}
    }
    out
}

/// "logDriver awslogs; options: awslogs-group=/ecs/app, awslogs-region=(empty)".
fn describe(l: &LogNeed) -> String {
    let opts: Vec<String> = l
        .options
        .iter()
        .map(|(k, v)| {
            if k == "splunk-token" {
                format!("{k}=(set)")
            } else if v.trim().is_empty() {
                format!("{k}=(empty)")
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    if opts.is_empty() {
        format!("logDriver {}; no options", l.driver)
    } else {
        format!("logDriver {}; options: {}", l.driver, opts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::LogConfiguration;

    fn options(
        snap: &mut fd_snapshot::Snapshot,
    ) -> &mut std::collections::BTreeMap<String, String> {
        &mut testkit::td(snap).containers[0]
            .log_configuration
            .as_mut()
            .expect("log configuration")
            .options
    }

    #[test]
    fn healthy_awslogs_passes() {
        let snap = testkit::healthy_nat();
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass, "{out:?}");
    }

    #[test]
    fn missing_region_and_empty_prefix_fail() {
        let mut snap = testkit::healthy_nat();
        options(&mut snap).remove("awslogs-region");
        options(&mut snap).insert("awslogs-stream-prefix".into(), "".into());
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.resources[0],
            "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
        );
        assert!(f.message.contains("Container app"), "{}", f.message);
        assert!(
            f.message.contains("awslogs-region is missing"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("awslogs-stream-prefix is empty"),
            "{}",
            f.message
        );
        assert!(f.remediation.contains("\"awslogs-region\": \"us-east-1\""));
    }

    #[test]
    fn unsupported_driver_fails() {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].log_configuration = Some(LogConfiguration {
            log_driver: "json-file".into(),
            ..Default::default()
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0]
            .message
            .contains("json-file is not supported"));
    }

    #[test]
    fn datetime_and_multiline_warn_on_1_4_and_fail_on_1_3() {
        let mut snap = testkit::healthy_nat();
        options(&mut snap).insert("awslogs-datetime-format".into(), "%Y-%m-%d".into());
        options(&mut snap).insert("awslogs-multiline-pattern".into(), "^INFO".into());
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert_eq!(out.findings[0].severity, Severity::Warning);
        snap.targets[0].platform_version = Some("1.3.0".into());
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
    }

    #[test]
    fn splunk_token_may_come_from_a_secret_option() {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].log_configuration = Some(LogConfiguration {
            log_driver: "splunk".into(),
            options: [("splunk-url".to_string(), "https://splunk:8088".to_string())].into(),
            secret_options: vec![fd_snapshot::SecretRef {
                name: "splunk-token".into(),
                value_from: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbCdEf"
                    .into(),
            }],
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        testkit::td(&mut snap).containers[0]
            .log_configuration
            .as_mut()
            .unwrap()
            .secret_options
            .clear();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
    }

    #[test]
    fn no_log_configuration_is_not_applicable() {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].log_configuration = None;
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unreadable_task_definition_is_unknown() {
        let mut snap = testkit::healthy_nat();
        snap.ecs.task_definitions.clear();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
