use super::{
    dest_list, endpoints_evidence, gate_paths, reasons, table_evidence, table_id, Check, Outcome,
};
use crate::context::{Cx, SubnetPaths};
use crate::net::path::{EndpointUse, Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-ROUTE-NO-DEFAULT",
    title: "No route from the task subnet to the internet or to the needed VPC endpoints",
    severity: Severity::Error,
    group: "Network path",
    what: "For every task subnet and every destination the task definition implies (ECR API, ECR \
           registry, the S3 layer bucket, CloudWatch Logs, Secrets Manager, SSM, public registries), \
           finds the route table (explicit association, else the main table) and the longest-prefix \
           route for the destination's addresses. Fails when no route carries the traffic and no usable \
           VPC endpoint serves the destination.",
    why: "On platform 1.4.0 the image pull, the ECR auth token, secrets and logs all leave through the \
          task's ENI. Without a route the connections time out: 'CannotPullContainerError: ... context \
          canceled', 'ResourceInitializationError: unable to pull secrets or registry auth: ... dial tcp \
          ...:443: i/o timeout'.",
    fix: "Public subnet: route 0.0.0.0/0 to an internet gateway and assign a public IP. Private subnet: \
          route 0.0.0.0/0 to a NAT gateway in a public subnet:\n  \
          aws ec2 create-route --route-table-id rtb-… --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…\n\
          Or, for private ECR only, create the interface endpoints ecr.api, ecr.dkr (and logs, \
          secretsmanager, ssm as needed) with private DNS, and the S3 gateway endpoint on the subnet's route table.",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
    ],
    run,
};

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    if cx.dests.is_empty() {
        return Outcome::na("the task definition needs no network destination");
    }
    // Subnets sharing a route table and the same unreachable destinations share one finding.
    let mut groups: Vec<(&SubnetPaths, Vec<&PathEval>, Vec<String>)> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| !p.via_interface) {
            if let Hop::Unknown(why) = &p.route.hop {
                unknown = Some(why.clone());
            }
            if let (Hop::NoRoute, EndpointUse::Unknown(why)) = (&p.route.hop, &p.endpoint) {
                unknown = Some(why.clone());
            }
        }
        // No route, and no endpoint (or one that exists but cannot be used); whether an
        // endpoint exists must be known.
        let broken: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| {
                !p.via_interface
                    && matches!(p.route.hop, Hop::NoRoute)
                    && !matches!(p.endpoint, EndpointUse::Unknown(_))
            })
            .collect();
        if broken.is_empty() {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(g, b, _)| table_id(g) == table_id(sp) && dest_list(b) == dest_list(&broken))
        {
            Some((_, _, subnets)) => subnets.push(sp.subnet.id.clone()),
            None => groups.push((sp, broken, vec![sp.subnet.id.clone()])),
        }
    }
    let findings = groups
        .into_iter()
        .map(|(sp, broken, subnets)| {
            let rtb = table_id(sp);
            let how = sp.table.map(|t| t.how()).unwrap_or("no table");
            let verb = if subnets.len() == 1 { "uses" } else { "use" };
            let mut resources = subnets.clone();
            resources.push(rtb.clone());
            CHECK.finding(
                format!(
                    "{} {verb} route table {rtb} ({how}), which has no route for 0.0.0.0/0 (no internet or NAT gateway), and the VPC has no usable endpoint for: {}. Needed by {}.",
                    subnets.join(", "),
                    dest_list(&broken),
                    reasons(&broken)
                ),
                resources,
                vec![table_evidence(sp), endpoints_evidence(cx, &sp.subnet.vpc_id)],
                format!(
                    "Add a route 0.0.0.0/0 -> a NAT gateway in a public subnet (aws ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…), or create the missing VPC endpoints."
                ),
            )
        })
        .collect();
    Outcome::from_findings(findings, unknown)
}
