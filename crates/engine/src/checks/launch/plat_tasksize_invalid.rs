use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::platform::{cpu_units, memory_mib, TASK_SIZES};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "PLAT-TASKSIZE-INVALID",
    title: "Task CPU and memory are not a valid Fargate combination",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Reads the task definition's task-level `cpu` and `memory` and compares them with the \
           Fargate task size table shipped with the tool (256 CPU: 512, 1024 or 2048 MiB; 512: 1–4 GiB; \
           1024: 2–8 GiB; 2048: 4–16 GiB; 4096: 8–30 GiB; 8192: 16–60 GiB in 4 GiB steps; 16384: \
           32–120 GiB in 8 GiB steps). 8 and 16 vCPU need platform 1.4.0 and Linux; Windows starts at 1 vCPU.",
    why: "Fargate sizes the micro-VM from these two values. A pair outside the table is refused: \
          'Invalid 'cpu' setting for task' or 'No Fargate configuration exists for given values'.",
    fix: "Register a revision with a valid pair, for example cpu 512 and memory 1024:\n  \
          aws ecs register-task-definition --cli-input-json file://td.json   (with \"cpu\": \"512\", \"memory\": \"1024\")",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    let name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let finding = |msg: String, detail: String| {
        Outcome::from_findings(
            vec![CHECK.finding(
                msg,
                vec![name.clone()],
                vec![ev(&name, detail)],
                "Pick a CPU/memory pair from the Fargate task size table and register a new task definition revision.".into(),
            )],
            None,
        )
    };
    let shown = format!(
        "cpu {:?}, memory {:?}",
        td.cpu.as_deref().unwrap_or("(unset)"),
        td.memory.as_deref().unwrap_or("(unset)")
    );
    let (Some(cpu), Some(mem)) = (
        td.cpu.as_deref().and_then(cpu_units),
        td.memory.as_deref().and_then(memory_mib),
    ) else {
        return finding(
            "Fargate needs task-level cpu and memory, and this task definition does not set both as numbers.".into(),
            shown,
        );
    };
    let Some(row) = TASK_SIZES.iter().find(|r| r.cpu == cpu) else {
        let v: Vec<String> = TASK_SIZES.iter().map(|r| r.cpu.to_string()).collect();
        return finding(
            format!(
                "{cpu} CPU units is not a Fargate task size (valid: {}).",
                v.join(", ")
            ),
            shown,
        );
    };
    if !row.allows(mem) {
        return finding(
            format!(
                "{cpu} CPU units cannot have {mem} MiB of memory: valid values are {}.",
                row.describe()
            ),
            shown,
        );
    }
    if cx.pv.windows && !row.windows {
        return finding(
            format!(
                "Windows tasks on Fargate cannot use {cpu} CPU units (1024, 2048 and 4096 only)."
            ),
            shown,
        );
    }
    if row.needs_1_4 && cx.pv.legacy {
        return finding(
            format!(
                "{cpu} CPU units needs platform version 1.4.0 or later; the task uses {}.",
                cx.pv.label
            ),
            shown,
        );
    }
    Outcome::pass_because(shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_on_a_valid_size() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_on_256_cpu_with_4_gib() {
        let mut snap = healthy_nat();
        let td = testkit::td(&mut snap);
        td.cpu = Some("256".into());
        td.memory = Some("4096".into());
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
