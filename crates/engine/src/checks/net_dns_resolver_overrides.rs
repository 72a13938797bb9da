use super::{ev, fetched_one, gate_paths, Check, Found, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::HostedZone;

pub static CHECK: Check = Check {
    id: "NET-DNS-RESOLVER-OVERRIDES",
    title: "A private hosted zone shadows a name the task needs",
    severity: Severity::Error,
    group: "Network path",
    what: "Lists the Route 53 private hosted zones associated with the task's VPC \
           (route53:ListHostedZonesByVPC). For every name the task resolves through the VPC resolver \
           — the ECR, S3, Logs, Secrets Manager and SSM names it reaches without an interface \
           endpoint's private DNS, public registries, and its EFS file systems' names — the most \
           specific zone that covers the name must hold a record for it (route53:ListResourceRecordSets; \
           a wildcard counts). Route 53 Resolver forwarding rules and DNS Firewall rule groups are \
           not read yet: they are named as not checked.",
    why: "A private hosted zone answers authoritatively for its whole name: a zone \
          'us-east-1.amazonaws.com' or 'amazonaws.com' created for one record makes every other name \
          under it NXDOMAIN inside the VPC. The pull then fails as if the network were down: \
          'dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host'.",
    fix: "Add the missing records to the zone, narrow the zone to the one name it was created for, or \
          disassociate it from the VPC:\n  \
          aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id Z… --vpc VPCRegion=REGION,VPCId=vpc-…",
    docs: &[
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    ],
    run,
};

/// What the resolver-level features the check does not read are, for the pass detail.
const NOT_READ: &str =
    "Route 53 Resolver forwarding rules and DNS Firewall rule groups were not checked";

/// The most specific zone that covers `host`.
fn covering<'z>(zones: &'z [HostedZone], host: &str) -> Option<&'z HostedZone> {
    zones
        .iter()
        .filter(|z| host == z.name || host.ends_with(&format!(".{}", z.name)))
        .max_by_key(|z| z.name.len())
}

/// Whether `records` answer for `host` (an exact name, or a wildcard above it).
fn answers(records: &[String], host: &str) -> bool {
    records.iter().any(|r| {
        r == host
            || r.strip_prefix("*.")
                .is_some_and(|suffix| host.ends_with(&format!(".{suffix}")))
    })
}

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    let Some(vpc) = cx.subnets.first().map(|s| s.vpc_id.clone()) else {
        return Outcome::unknown("the task's VPC is not known");
    };
    let zones = match cx.snap.dns.private_zones.get(&vpc) {
        None => {
            return Outcome::unknown(format!(
                "route53:ListHostedZonesByVPC for {vpc} was not made (not in the snapshot)"
            ))
        }
        Some(f) => match fetched_one(f) {
            Found::Yes(z) => z.as_slice(),
            Found::Missing => &[],
            Found::Unknown(why) => return Outcome::unknown(why),
        },
    };
    if zones.is_empty() {
        return Outcome::pass_because(format!(
            "no private hosted zone is associated with {vpc}; {NOT_READ}"
        ));
    }
    // Names resolved by the VPC resolver: not those an interface endpoint's private DNS answers.
    let mut hosts: Vec<(String, String)> = Vec::new();
    for p in cx.paths.iter().flat_map(|sp| sp.paths.iter()) {
        if p.via_interface || hosts.iter().any(|(h, _)| *h == p.dest.host) {
            continue;
        }
        hosts.push((p.dest.host.clone(), p.dest.describe()));
    }
    for e in &cx.needs.efs {
        let host = format!(
            "{}.efs.{}.amazonaws.com",
            e.config.file_system_id, cx.snap.region
        );
        if !hosts.iter().any(|(h, _)| *h == host) {
            hosts.push((host, format!("EFS volume {}", e.volume)));
        }
    }
    let mut unknown = None;
    // Per zone: the names it shadows.
    let mut shadowed: Vec<(&HostedZone, Vec<String>)> = Vec::new();
    for (host, what) in &hosts {
        let Some(zone) = covering(zones, host) else {
            continue;
        };
        match fetched_one(&zone.records) {
            Found::Yes(records) if answers(records, host) => {}
            Found::Yes(_) => match shadowed.iter_mut().find(|(z, _)| z.id == zone.id) {
                Some((_, names)) => names.push(format!("{host} ({what})")),
                None => shadowed.push((zone, vec![format!("{host} ({what})")])),
            },
            Found::Missing => {
                unknown = Some(format!(
                "the records of private hosted zone {} ({}), which covers {host}, were not read",
                zone.id, zone.name
            ))
            }
            Found::Unknown(why) => {
                unknown = Some(format!(
                    "the records of private hosted zone {} ({}), which covers {host}: {why}",
                    zone.id, zone.name
                ))
            }
        }
    }
    let findings = shadowed
        .into_iter()
        .map(|(zone, names)| {
            CHECK.finding(
                format!(
                    "Private hosted zone {} ({}) is associated with {vpc} and has no record for {}: inside the VPC these names do not resolve.",
                    zone.id,
                    zone.name,
                    names.join(", ")
                ),
                vec![zone.id.clone(), vpc.clone()],
                vec![ev(
                    &zone.id,
                    match &zone.records {
                        fd_snapshot::Fetched::Found { value } => format!("records: {}", value.join(", ")),
                        _ => "records: not read".into(),
                    },
                )],
                format!(
                    "Add the records to {} (or remove what the zone shadows by narrowing it), or disassociate it: aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id {} --vpc VPCRegion={},VPCId={vpc}",
                    zone.id, zone.id, cx.snap.region
                ),
            )
        })
        .collect::<Vec<_>>();
    if findings.is_empty() && unknown.is_none() {
        return Outcome::pass_because(format!(
            "no associated private hosted zone shadows a needed name; {NOT_READ}"
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::super::testkit;
    use super::*;
    use crate::report::CheckStatus;
    use fd_snapshot::Fetched;

    fn zone(name: &str, records: &[&str]) -> HostedZone {
        HostedZone {
            id: "Z1".into(),
            name: name.into(),
            records: Fetched::found(records.iter().map(|r| r.to_string()).collect()),
        }
    }

    fn with_zones(zones: Fetched<Vec<HostedZone>>) -> fd_snapshot::Snapshot {
        let mut snap = testkit::healthy_nat();
        let vpc = testkit::found(snap.subnet(&testkit::subnets(&snap)[0]))
            .vpc_id
            .clone();
        snap.dns.private_zones.insert(vpc, zones);
        snap
    }

    #[test]
    fn region_zone_without_records_shadows_ecr() {
        let snap = with_zones(Fetched::found(vec![zone(
            "us-east-1.amazonaws.com",
            &["foo.us-east-1.amazonaws.com"],
        )]));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], "Z1");
        assert!(out.findings[0]
            .message
            .contains("api.ecr.us-east-1.amazonaws.com"));
    }

    #[test]
    fn records_and_wildcards_answer() {
        let snap = with_zones(Fetched::found(vec![zone(
            "us-east-1.amazonaws.com",
            &[
                "api.ecr.us-east-1.amazonaws.com",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "logs.us-east-1.amazonaws.com",
                "*.s3.us-east-1.amazonaws.com",
            ],
        )]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let snap = with_zones(Fetched::found(vec![zone("example.internal", &[])]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn unreadable_is_unknown() {
        let snap = with_zones(Fetched::Unreadable {
            call: "route53:ListHostedZonesByVPC".into(),
            reason: "AccessDenied".into(),
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        // Not collected at all (an older snapshot): unknown too.
        let mut old = testkit::healthy_nat();
        old.dns.private_zones.clear();
        assert_eq!(testkit::status(&CHECK, &old), CheckStatus::Unknown);
        let snap = with_zones(Fetched::found(vec![HostedZone {
            id: "Z1".into(),
            name: "amazonaws.com".into(),
            records: Fetched::Absent {
                call: "route53:ListResourceRecordSets".into(),
                detail: Some("not read".into()),
            },
        }]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
