use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::{Evidence, Severity};

pub static CHECK: Check = Check {
    id: "PLAT-PV-INCOMPATIBLE",
    title: "Platform version 1.3.0 with a feature that needs 1.4.0",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "When the task runs on Linux platform version 1.3.0 or earlier, looks for task definition \
           features that need 1.4.0: EFS volumes, Secrets Manager secrets referenced by JSON key or \
           version, environment files, ARM64 (runtimePlatform.cpuArchitecture), and more than 20 GiB \
           of ephemeral storage.",
    why: "ECS refuses to place the task: PlatformTaskDefinitionIncompatibilityException, 'The specified \
          platform version does not satisfy the task definition's required capabilities.'",
    fix: "Run on LATEST (1.4.0), which also moves ECR authentication and secrets onto the task's own ENI \
          (check the network path afterwards):\n  \
          aws ecs update-service --cluster C --service S --platform-version LATEST --force-new-deployment",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.pv.legacy {
        return Outcome::na(format!(
            "platform version {} supports every task definition feature checked here",
            cx.pv.label
        ));
    }
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    let name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let mut features: Vec<Evidence> = Vec::new();
    for v in &cx.needs.efs {
        features.push(ev(&name, format!("EFS volume {}", v.volume)));
    }
    if td.cpu_architecture.as_deref() == Some("ARM64") {
        features.push(ev(&name, "runtimePlatform.cpuArchitecture ARM64"));
    }
    if let Some(gib) = td.ephemeral_storage_gib.filter(|g| *g > 20) {
        features.push(ev(&name, format!("ephemeralStorage.sizeInGiB {gib}")));
    }
    for s in cx.needs.secrets.iter().filter(|s| s.selects_part) {
        features.push(ev(
            &name,
            format!("{} = {} (JSON key or version)", s.why(), s.value_from),
        ));
    }
    for f in &cx.needs.env_files {
        features.push(ev(&name, f.why()));
    }
    if features.is_empty() {
        return Outcome::pass_because(format!(
            "platform {} and no 1.4.0-only feature in use",
            cx.pv.label
        ));
    }
    let list: Vec<&str> = features.iter().map(|e| e.detail.as_str()).collect();
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "The task runs on platform version {}, but its task definition uses {}, which needs 1.4.0 or later.",
                cx.pv.label,
                list.join("; ")
            ),
            vec![cx.target.arn.clone().unwrap_or_else(|| cx.target.name.clone()), name],
            features,
            "Use platform version LATEST (1.4.0) for this service or task.".into(),
        )],
        None,
    )
}
