use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::platform::{arm64_gap, Arm64Gap, ARM64_TABLE_DATE};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "CAP-ARM64-UNSUPPORTED",
    title: "ARM64 task in a Region or Availability Zone without Graviton Fargate",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "For a task definition with runtimePlatform.cpuArchitecture ARM64, compares the Region \
           and each subnet's Availability Zone ID (ec2:DescribeSubnets AvailabilityZoneId, or \
           ec2:DescribeAvailabilityZones; IDs, not names) with the table of Regions and zones \
           without ARM64 Fargate shipped with the tool (AWS documentation text of 2023-02-07: \
           AWS has added Graviton capacity since, so a Region flagged here may support it today; \
           the finding says which table it used). A subnet whose zone ID is unknown makes the \
           check unknown for it. ARM64 is Linux only: an ARM64 Windows task fails too.",
    why: "Fargate has no Graviton capacity there, so the task cannot be placed; with several \
          subnets the failure is intermittent (only tasks placed in the unsupported zone fail). \
          AWS documents no specific error text for it.",
    fix:
        "Remove the unsupported subnets from the service (or run the task as X86_64 with an amd64 \
          image):\n  aws ecs update-service --cluster C --service S --network-configuration \
          'awsvpcConfiguration={subnets=[subnet-in-supported-az,...],securityGroups=[sg-1]}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    if td.cpu_architecture.as_deref() != Some("ARM64") {
        return Outcome::na(format!(
            "the task runs on {}",
            td.cpu_architecture
                .as_deref()
                .unwrap_or("X86_64 (the default)")
        ));
    }
    let td_name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let region = cx.snap.region.as_str();
    let source = format!("ecs-arm64 table of {ARM64_TABLE_DATE}");
    let mut findings = Vec::new();
    if cx.pv.windows {
        findings.push(CHECK.finding(
            format!(
                "Task definition {td_name} asks for ARM64 on {}: ARM64 Fargate runs Linux only.",
                td.operating_system_family.as_deref().unwrap_or("Windows")
            ),
            vec![td_name.clone()],
            vec![ev(
                &td_name,
                format!(
                    "runtimePlatform: cpuArchitecture ARM64, operatingSystemFamily {}",
                    td.operating_system_family.as_deref().unwrap_or("?")
                ),
            )],
            "Use cpuArchitecture X86_64 for a Windows task.".into(),
        ));
    }
    let subnet_ids: Vec<String> = cx.subnets.iter().map(|s| s.id.clone()).collect();
    match arm64_gap(region) {
        Arm64Gap::Region => {
            let mut resources = subnet_ids.clone();
            resources.push(td_name.clone());
            findings.push(CHECK.finding(
                format!(
                    "Task definition {td_name} is ARM64, but Fargate runs no ARM64 task in {region} ({source}){}.",
                    if subnet_ids.is_empty() {
                        String::new()
                    } else {
                        format!(": no subnet of the task can take it ({})", subnet_ids.join(", "))
                    }
                ),
                resources,
                vec![
                    ev(&td_name, "runtimePlatform.cpuArchitecture ARM64"),
                    ev(region, format!("Region without ARM64 Fargate ({source})")),
                ],
                format!(
                    "Run the task as X86_64 (with an amd64 or multi-platform image) in {region}, or run it in a Region with Graviton Fargate; check the current list on the ecs-arm64 page, which may have grown since {ARM64_TABLE_DATE}."
                ),
            ));
        }
        Arm64Gap::Zones(zones) => {
            if cx.subnets.is_empty() {
                return match cx.network_missing() {
                    Some(why) if cx.netcfg.is_some() => Outcome::unknown(why),
                    why => Outcome::na(why.unwrap_or_else(|| "no subnet".into())),
                };
            }
            let mut unknown = None;
            for s in &cx.subnets {
                // A zone that is absent or unreadable leaves the zone ID unknown either way.
                let zone_id = s.availability_zone_id.clone().or_else(|| {
                    match cx.snap.availability_zone(&s.availability_zone) {
                        Found::Yes(a) => Some(a.zone_id.clone()),
                        Found::Missing | Found::Unknown(_) => None,
                    }
                });
                let Some(zone_id) = zone_id else {
                    unknown = Some(format!(
                        "the zone ID of {} ({}) is unknown, and ARM64 Fargate is missing from some zones of {region}",
                        s.id, s.availability_zone
                    ));
                    continue;
                };
                if zones.contains(&zone_id.as_str()) {
                    findings.push(CHECK.finding(
                        format!(
                            "{} is in {} (zone ID {zone_id}), where Fargate runs no ARM64 task ({source}); task definition {td_name} is ARM64.",
                            s.id, s.availability_zone
                        ),
                        vec![s.id.clone(), td_name.clone()],
                        vec![ev(
                            &s.id,
                            format!(
                                "AvailabilityZone {} AvailabilityZoneId {zone_id}; zones without ARM64 Fargate in {region}: {}",
                                s.availability_zone,
                                zones.join(", ")
                            ),
                        )],
                        format!(
                            "Remove {} from the service's subnets and use subnets in other zones.",
                            s.id
                        ),
                    ));
                }
            }
            return Outcome::from_findings(findings, unknown);
        }
        Arm64Gap::None => {}
    }
    if findings.is_empty() {
        return Outcome::pass_because(format!(
            "ARM64 Fargate runs in every zone of {region} ({source})"
        ));
    }
    Outcome::from_findings(findings, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    fn arm64(snap: &mut fd_snapshot::Snapshot) {
        testkit::td(snap).cpu_architecture = Some("ARM64".into());
    }

    #[test]
    fn unsupported_zone_names_only_that_subnet() {
        let mut snap = testkit::healthy_nat();
        arm64(&mut snap);
        let subnets = testkit::subnets(&snap);
        snap.network
            .subnets
            .get_mut(&subnets[1])
            .unwrap()
            .availability_zone_id = Some("use1-az3".into());
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].severity, Severity::Error);
        assert_eq!(out.findings[0].resources[0], subnets[1]);
    }

    #[test]
    fn unsupported_region_fails() {
        let mut snap = testkit::healthy_nat();
        arm64(&mut snap);
        snap.region = "af-south-1".into();
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], testkit::subnets(&snap)[0]);
    }

    #[test]
    fn supported_zones_pass() {
        let mut snap = testkit::healthy_nat();
        arm64(&mut snap);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn x86_is_not_applicable() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unknown_zone_id_is_unknown() {
        let mut snap = testkit::healthy_nat();
        arm64(&mut snap);
        snap.network.availability_zones.clear();
        for s in testkit::subnets(&snap) {
            snap.network
                .subnets
                .get_mut(&s)
                .unwrap()
                .availability_zone_id = None;
        }
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
