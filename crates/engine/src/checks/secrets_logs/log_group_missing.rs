use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::refs;

pub static CHECK: Check = Check {
    id: "LOG-GROUP-MISSING",
    title: "The awslogs log group does not exist and awslogs-create-group is not true",
    severity: Severity::Error,
    group: "Secrets and logs",
    what: "For containers with the awslogs driver, looks the awslogs-group up in its Region \
           (awslogs-region) with logs:DescribeLogGroups, unless awslogs-create-group is \"true\".",
    why: "The driver will not create the group by itself: 'ResourceInitializationError: failed to \
          validate logger args: … The specified log group does not exist.' (If the message also says \
          'There is a connection issue', it is the network, not the group: see VPCE-LOGS-MISSING.)",
    fix: "aws logs create-log-group --log-group-name NAME --region REGION\n(or set awslogs-create-group \
          to \"true\" and allow logs:CreateLogGroup to the execution role)",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for (l, a) in cx.needs.awslogs().filter(|(_, a)| !a.create_group) {
        let Some(group) = &a.group else {
            continue; // LOG-CONFIG-INVALID
        };
        any = true;
        let region = &a.region;
        let key = refs::log_group_key(region, group);
        match cx.snap.log_group(&key) {
            Found::Yes(_) => {}
            Found::Unknown(why) => unknown = Some(why),
            Found::Missing => findings.push(CHECK.finding(
                format!("Container {} logs to {group} in {region}, which does not exist, and awslogs-create-group is not true.", l.container),
                vec![group.clone()],
                vec![ev(group, format!("logs:DescribeLogGroups in {region}: not found"))],
                format!("aws logs create-log-group --log-group-name {group} --region {region}"),
            )),
        }
    }
    if !any {
        return Outcome::na("no awslogs log group that must already exist");
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_when_the_log_group_exists() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_describe_log_groups_finds_nothing() {
        let mut snap = healthy_nat();
        let keys = snap.resources.log_groups.keys().cloned().collect();
        testkit::not_found(
            &mut snap,
            fd_snapshot::Op::LogsDescribeLogGroups,
            keys,
            |s, k| {
                s.resources.log_groups.remove(k);
            },
        );
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
