use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::platform::supported_zones;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "CAP-AZ-UNSUPPORTED",
    title: "A subnet is in an Availability Zone where Fargate does not run",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Reads each subnet's Availability Zone ID (ec2:DescribeSubnets AvailabilityZoneId, or \
           ec2:DescribeAvailabilityZones) and compares it with the Fargate zone table shipped with the \
           tool (zone IDs, not names, because names are shuffled per account). Subnets in Local Zones \
           or Wavelength Zones also fail.",
    why: "The scheduler cannot place a task in a zone without Fargate capacity. The service event reads \
          '(service S) was unable to place a task. Reason: Internal error.' — AWS documents it as 'a \
          subnet being in an unsupported Availability Zone'. With several subnets the failure is \
          intermittent: only tasks placed in that subnet fail.",
    fix: "Remove the subnet from the service and use subnets in supported zones:\n  \
          aws ecs update-service --cluster C --service S --network-configuration \
          'awsvpcConfiguration={subnets=[subnet-in-supported-az,...],securityGroups=[sg-1]}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html",
    ],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.subnets.is_empty() {
        return crate::checks::no_subnets(cx);
    }
    let table = supported_zones(&cx.snap.region, cx.pv.windows);
    let mut findings = Vec::new();
    let mut unknown = None;
    for s in &cx.subnets {
        let az = match cx.snap.availability_zone(&s.availability_zone) {
            Found::Yes(a) => Some(a),
            // Not among the zones listed: no zone type to judge by, which matters only for a
            // name that is not the Region's and one letter.
            Found::Missing => {
                if !is_standard_zone_name(&cx.snap.region, &s.availability_zone) {
                    unknown = Some(format!(
                        "the zone type of {} ({}) is unknown: ec2:DescribeAvailabilityZones did not list the zone",
                        s.id, s.availability_zone
                    ));
                }
                None
            }
            // A standard zone's name is the Region's and one letter; any other name (a Local or
            // Wavelength Zone) needs the zone type, which could not be read.
            Found::Unknown(why) => {
                if !is_standard_zone_name(&cx.snap.region, &s.availability_zone) {
                    unknown = Some(format!(
                        "the zone type of {} ({}) is unknown: {why}",
                        s.id, s.availability_zone
                    ));
                }
                None
            }
        };
        let zone_id = s
            .availability_zone_id
            .clone()
            .or_else(|| az.map(|a| a.zone_id.clone()));
        if let Some(t) = az
            .and_then(|a| a.zone_type.as_deref())
            .filter(|t| *t != "availability-zone")
        {
            findings.push(CHECK.finding(
                format!(
                    "{} is in {} ({t}); Fargate runs only in standard Availability Zones.",
                    s.id, s.availability_zone
                ),
                vec![s.id.clone()],
                vec![ev(
                    &s.id,
                    format!("AvailabilityZone {} ZoneType {t}", s.availability_zone),
                )],
                format!("Remove {} from the service's subnets.", s.id),
            ));
            continue;
        }
        let Some(table) = table else { continue };
        let Some(zone_id) = zone_id else {
            unknown = Some(format!(
                "the zone ID of {} ({}) is unknown",
                s.id, s.availability_zone
            ));
            continue;
        };
        if !table.contains(&zone_id.as_str()) {
            findings.push(CHECK.finding(
                format!(
                    "{} is in {} (zone ID {zone_id}), where Fargate does not run; in {} it runs only in {}.",
                    s.id,
                    s.availability_zone,
                    cx.snap.region,
                    table.join(", ")
                ),
                vec![s.id.clone()],
                vec![ev(&s.id, format!("AvailabilityZone {} AvailabilityZoneId {zone_id}", s.availability_zone))],
                format!("Remove {} from the service's subnets and use a subnet in {}.", s.id, table.join(" or ")),
            ));
        }
    }
    if findings.is_empty() && unknown.is_none() && table.is_none() {
        return Outcome::pass_because(format!(
            "Fargate runs in every standard zone of {}",
            cx.snap.region
        ));
    }
    Outcome::from_findings(findings, unknown)
}

/// `us-east-1a`: the Region's name and one letter (Local Zones are `us-west-2-lax-1a`,
/// Wavelength Zones `us-east-1-wl1-bos-wlz-1`).
fn is_standard_zone_name(region: &str, zone: &str) -> bool {
    zone.strip_prefix(region)
        .is_some_and(|rest| rest.len() == 1 && rest.chars().all(|c| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn standard_zone_names() {
        assert!(is_standard_zone_name("us-east-1", "us-east-1a"));
        assert!(!is_standard_zone_name("us-west-2", "us-west-2-lax-1a"));
        assert!(!is_standard_zone_name(
            "us-east-1",
            "us-east-1-wl1-bos-wlz-1"
        ));
    }

    /// Without DescribeAvailabilityZones a Local Zone's type is unread: `unknown`, not `pass`;
    /// a standard zone's name says enough.
    #[test]
    fn unread_zone_type_of_a_non_standard_zone_is_unknown() {
        let mut snap = testkit::healthy_nat();
        snap.network.availability_zones.clear();
        snap.calls
            .retain(|c| !c.is(fd_snapshot::Op::Ec2DescribeAvailabilityZones));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let id = testkit::subnets(&snap)[0].clone();
        snap.network.subnets.get_mut(&id).unwrap().availability_zone = "us-east-1-bos-1a".into();
        let o = testkit::run(&CHECK, &snap);
        assert_eq!(o.status, CheckStatus::Unknown, "{:?}", o.detail);
        assert!(o.detail.unwrap().contains("zone type"));
    }

    /// A Local Zone name that the (successful) zone listing does not hold: `unknown` too.
    #[test]
    fn unlisted_non_standard_zone_is_unknown() {
        let mut snap = testkit::healthy_nat();
        let id = testkit::subnets(&snap)[0].clone();
        snap.network.subnets.get_mut(&id).unwrap().availability_zone = "us-east-1-bos-1a".into();
        let o = testkit::run(&CHECK, &snap);
        assert_eq!(o.status, CheckStatus::Unknown, "{:?}", o.detail);
        assert!(o.detail.unwrap().contains("did not list"));
    }
}
