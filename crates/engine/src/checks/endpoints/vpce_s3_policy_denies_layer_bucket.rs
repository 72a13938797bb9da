use crate::checks::{ev, na_unless_endpoints_unknown, Check, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Policy, Request};
use crate::net::dest::Service;
use crate::net::path::Hop;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
    title: "The S3 gateway endpoint policy blocks the ECR layer bucket",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "When image layers reach S3 through a gateway endpoint — which happens whenever the endpoint \
           is on the subnet's route table, NAT gateway or not, because its prefix-list route is more \
           specific than 0.0.0.0/0 — evaluates the endpoint policy for s3:GetObject on \
           arn:aws:s3:::prod-<region>-starport-layer-bucket/*. The download is pre-signed by ECR, so \
           the principal is treated as unknown: only statements for any principal can allow it.",
    why: "A policy restricted to the company's own buckets blocks the layer download: \
          'CannotPullContainerError: … 403 Forbidden' or 'API error'. It breaks NAT setups too, which \
          makes it hard to find.",
    fix: "Add to the endpoint policy: {\"Sid\":\"EcrLayers\",\"Effect\":\"Allow\",\"Principal\":\"*\",\
          \"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::prod-REGION-starport-layer-bucket/*\"}\n  \
          aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --policy-document file://s3-endpoint-policy.json",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any = false;
    let mut findings: Vec<crate::report::Finding> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| p.dest.service == Service::S3) {
            let Hop::GatewayEndpoint { id } = &p.route.hop else {
                continue;
            };
            // The route names it, so its policy (which may deny) is what we lack.
            let e = match crate::checks::route_endpoint(cx, id) {
                Ok(e) => e,
                Err(why) => {
                    unknown = Some(why);
                    continue;
                }
            };
            any = true;
            let Some(doc) = &e.policy_document else {
                continue;
            };
            let policy = match Policy::parse(&format!("endpoint policy of {id}"), doc) {
                Ok(p) => p,
                Err(err) => {
                    unknown = Some(format!("the policy of {id} cannot be evaluated: {err}"));
                    continue;
                }
            };
            let object = format!(
                "arn:aws:s3:::prod-{}-starport-layer-bucket/docker/registry/v2/blobs/sha256/00/0000/data",
                p.dest.region
            );
            let ctx = Context::new()
                .with_absent("aws:SourceVpce")
                .with("aws:SourceVpce", id.clone());
            let d = iam::evaluate_endpoint_policy(
                &policy,
                &Request::with_unknown_principal("s3:GetObject", &object, &ctx),
            );
            match d.is_allowed() {
                Some(true) => {}
                None => unknown = Some(d.describe()),
                Some(false) => {
                    if let Some(f) = findings.iter_mut().find(|f| f.resources[0] == *id) {
                        if !f.resources.contains(&sp.subnet.id) {
                            f.resources.push(sp.subnet.id.clone());
                        }
                        continue;
                    }
                    findings.push(CHECK.finding(
                        format!(
                            "S3 gateway endpoint {id} carries the image layer download of {} (its prefix-list route wins over 0.0.0.0/0), and its policy does not allow s3:GetObject on prod-{}-starport-layer-bucket: {}.",
                            sp.subnet.id, p.dest.region, d.describe()
                        ),
                        vec![id.clone(), sp.subnet.id.clone()],
                        vec![ev(id, format!("PolicyDocument: {}", doc.split_whitespace().collect::<Vec<_>>().join(" ")))],
                        format!("Allow s3:GetObject on arn:aws:s3:::prod-{}-starport-layer-bucket/* for Principal * in the policy of {id}.", p.dest.region),
                    ));
                }
            }
        }
    }
    if !any {
        return na_unless_endpoints_unknown(
            cx,
            "no layer download goes through an S3 gateway endpoint",
        );
    }
    Outcome::from_findings(findings, unknown)
}
