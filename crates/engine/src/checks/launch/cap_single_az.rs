use std::collections::BTreeSet;

use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::TargetKind;

pub static CHECK: Check = Check {
    id: "CAP-SINGLE-AZ",
    title: "All subnets of the service are in one Availability Zone",
    severity: Severity::Warning,
    group: "Launch and task definition",
    what: "Counts the distinct Availability Zones of a service's subnets (ec2:DescribeSubnets).",
    why: "When Fargate has no capacity in that zone, the service cannot place tasks anywhere: \
          'Capacity is unavailable at this time. Please try again later or in a different availability \
          zone.' A zone outage takes the whole service down.",
    fix: "Add subnets in other zones to the service:\n  \
          aws ecs update-service --cluster C --service S --network-configuration \
          'awsvpcConfiguration={subnets=[subnet-az-a,subnet-az-b,subnet-az-c],securityGroups=[sg-1]}'",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.target.kind != TargetKind::Service {
        return Outcome::na("only services spread tasks over zones");
    }
    if cx.subnets.is_empty() {
        return crate::checks::no_subnets(cx);
    }
    let zones: BTreeSet<&str> = cx
        .subnets
        .iter()
        .map(|s| s.availability_zone.as_str())
        .collect();
    if zones.len() > 1 {
        return Outcome::pass_because(format!(
            "subnets span {}",
            zones.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let zone = zones.into_iter().next().unwrap_or_default();
    Outcome::from_findings(
        vec![CHECK.finding(
            format!("Every subnet of the service is in {zone}: one zone's capacity shortage or outage stops all new tasks."),
            cx.subnets.iter().map(|s| s.id.clone()).collect(),
            cx.subnets.iter().map(|s| ev(&s.id, format!("AvailabilityZone {}", s.availability_zone))).collect(),
            "Add subnets in at least one more Availability Zone to the service.".into(),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_two_zones() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn warns_when_every_subnet_is_in_one_zone() {
        let mut snap = healthy_nat();
        for id in testkit::subnets(&snap) {
            let s = snap.network.subnets.get_mut(&id).unwrap();
            s.availability_zone = "us-east-1a".into();
            s.availability_zone_id = Some("use1-az1".into());
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn, "{:?}", out.detail);
    }
}
