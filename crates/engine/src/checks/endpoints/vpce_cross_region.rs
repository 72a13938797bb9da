use crate::checks::{group_by, route_unknown, table_id, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::Hop;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-CROSS-REGION",
    title: "A resource is in another Region, and the subnet has only VPC endpoints",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "Compares the Region of each destination (the ECR registry in the image URI, secret and \
           parameter ARNs, awslogs-region) with the task's Region; fails for subnets without a route to \
           a NAT or internet gateway.",
    why: "'VPC endpoints currently don't support cross-Region requests.' An image, secret or log group in \
          another Region is reachable only over the internet; without it the call times out.",
    fix: "Replicate the image or secret into the task's Region (ECR replication, Secrets Manager replica), \
          or give the subnets a NAT gateway route.",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.dests.iter().any(|d| d.region != cx.snap.region) {
        return Outcome::na(format!("every destination is in {}", cx.snap.region));
    }
    let mut seen = Vec::new();
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| p.dest.region != cx.snap.region) {
            if p.route.hop.aims_at_internet() || matches!(p.route.hop, Hop::Unknown(_)) {
                continue;
            }
            seen.push((
                (p.dest.describe(), p.dest.region.clone()),
                sp.subnet.id.clone(),
                (table_id(sp), p.dest.reasons.join("; ")),
            ));
        }
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|((dest, region), subnets, (rtb, why))| {
            let mut resources = subnets.clone();
            resources.push(rtb);
            CHECK.finding(
                format!(
                    "{dest} is in {region}, not {}, and {} no internet path; VPC endpoints do not serve other Regions. Needed by {why}.",
                    cx.snap.region,
                    crate::checks::subjects(&subnets, "has", "have")
                ),
                resources,
                vec![],
                format!("Replicate the resource into {} or give the subnets a NAT gateway route.", cx.snap.region),
            )
        })
        .collect();
    Outcome::from_findings(findings, route_unknown(cx))
}
