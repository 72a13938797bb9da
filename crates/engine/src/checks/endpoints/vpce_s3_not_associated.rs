use crate::checks::{ev, table_evidence, table_id, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::net::path::{EndpointUse, Hop};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-S3-NOT-ASSOCIATED",
    title: "The S3 gateway endpoint is not associated with the task subnet's route table",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "When the VPC has an S3 gateway endpoint but a task subnet has no other path to S3, checks that \
           the subnet's route table (explicit association, else the main table) is in the endpoint's \
           RouteTableIds, i.e. carries the pl-… route to it.",
    why: "A gateway endpoint works only through the prefix-list route it adds to the route tables it is \
          associated with. A subnet on another table (often the main table, by implicit association) has \
          no route to S3, and the layer download times out.",
    fix: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --add-route-table-ids rtb-of-task-subnet",
    docs: &["https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.dests.iter().any(|d| d.service == Service::S3) {
        return Outcome::na("no private ECR image");
    }
    let mut any = false;
    let mut findings = Vec::new();
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| p.dest.service == Service::S3) {
            if matches!(p.route.hop, Hop::GatewayEndpoint { .. }) {
                any = true; // relies on an associated gateway endpoint: a pass
                continue;
            }
            if p.route.hop.aims_at_internet() {
                continue;
            }
            let EndpointUse::Gateway {
                endpoints,
                associated,
            } = &p.endpoint
            else {
                continue;
            };
            let Some(ep) = endpoints.first() else {
                continue;
            };
            any = true;
            if associated.is_some() {
                continue;
            }
            let rtb = table_id(sp);
            findings.push(CHECK.finding(
                format!(
                    "S3 gateway endpoint {} is associated with [{}], not with {rtb}, the route table of {}: the subnet has no route to S3 for image layers.",
                    ep.id,
                    ep.route_table_ids.join(", "),
                    sp.subnet.id
                ),
                vec![ep.id.clone(), rtb.clone(), sp.subnet.id.clone()],
                vec![ev(&ep.id, format!("RouteTableIds [{}]", ep.route_table_ids.join(", "))), table_evidence(sp)],
                format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-route-table-ids {rtb}", ep.id),
            ));
        }
    }
    if !any {
        return Outcome::na(
            "no task subnet depends on an S3 gateway endpoint it is not associated with",
        );
    }
    Outcome::from_findings(findings, None)
}
