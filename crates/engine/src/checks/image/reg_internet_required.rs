use crate::checks::{
    ev, internet_route, table_evidence, table_id, Check, InternetRoute, Needs, Outcome,
};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "REG-INTERNET-REQUIRED",
    title: "The image comes from a public registry, but the subnet has no internet path",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For images that are not in private Amazon ECR (Docker Hub, public.ecr.aws, ghcr.io, quay.io, \
           …), checks that each task subnet routes public addresses to an internet gateway or a NAT \
           gateway (or through a hop the tool cannot see into).",
    why: "No VPC endpoint serves Docker Hub, GHCR or ECR Public ('VPC endpoints currently don't support \
          Amazon ECR Public repositories'). Without internet egress the pull times out: \
          'CannotPullContainerError: ... dial tcp ...:443: i/o timeout'.",
    fix: "Route 0.0.0.0/0 to a NAT gateway (private subnet) or an internet gateway with a public IP, or \
          copy the image into private ECR (or use an ECR pull-through cache rule) and pull it from there:\n  \
          aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn …",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.dests.iter().any(|d| d.service == Service::Internet) {
        return Outcome::na("every image is in private Amazon ECR");
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp
            .paths
            .iter()
            .filter(|p| p.dest.service == Service::Internet)
        {
            match internet_route(p) {
                InternetRoute::Unknown(why) => unknown = Some(why),
                InternetRoute::Yes => {}
                InternetRoute::No => {
                    let rtb = table_id(sp);
                    findings.push(CHECK.finding(
                        format!(
                            "{} pulls {} from {}, but {} (route table {rtb}) has no route to the internet: {}.",
                            p.dest.reasons.join("; "),
                            p.dest.host,
                            p.dest.host,
                            sp.subnet.id,
                            p.route.matched.clone().unwrap_or_else(|| "no route for 0.0.0.0/0".into())
                        ),
                        vec![sp.subnet.id.clone(), rtb],
                        vec![table_evidence(sp), ev(&p.dest.host, "no VPC endpoint exists for a public registry")],
                        "Give the subnet a NAT gateway route (or an internet gateway and a public IP), or move the image to private ECR.".into(),
                    ));
                }
            }
        }
    }
    Outcome::from_findings(findings, unknown)
}
