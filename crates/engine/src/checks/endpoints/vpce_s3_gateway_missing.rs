use crate::checks::{endpoints_evidence, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::net::path::{EndpointUse, Hop};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-S3-GATEWAY-MISSING",
    title: "Private ECR image, but no S3 gateway endpoint and no internet path",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For a private Amazon ECR image, when a task subnet has no route to a NAT or internet gateway \
           for S3's addresses, looks for a Gateway endpoint com.amazonaws.<region>.s3 in the VPC.",
    why: "ECR serves image layers from the S3 bucket prod-<region>-starport-layer-bucket. With the ECR \
          interface endpoints but no S3 path, authentication and the manifest succeed and the layer \
          download times out: 'CannotPullContainerError: ... failed to copy: httpReadSeeker: ... dial tcp \
          52.x.x.x:443: i/o timeout'. An S3 interface endpoint cannot be used for this.",
    fix: "aws ec2 create-vpc-endpoint --vpc-id vpc-… --vpc-endpoint-type Gateway --service-name \
          com.amazonaws.<region>.s3 --route-table-ids rtb-of-task-subnets",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.dests.iter().any(|d| d.service == Service::S3) {
        return Outcome::na("no private ECR image");
    }
    let mut subnets = Vec::new();
    let mut tables = Vec::new();
    let mut needed = false;
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| p.dest.service == Service::S3) {
            match &p.route.hop {
                Hop::Unknown(why) => {
                    unknown = Some(why.clone());
                    continue;
                }
                h if h.aims_at_internet() => continue,
                _ => {}
            }
            needed = true;
            if let EndpointUse::Unknown(why) = &p.endpoint {
                unknown = Some(why.clone());
            }
            if let EndpointUse::Gateway { endpoints, .. } = &p.endpoint {
                if endpoints.is_empty() {
                    subnets.push(sp.subnet.id.clone());
                    if let Some(t) = sp.table {
                        if !tables.contains(&t.table.id) {
                            tables.push(t.table.id.clone());
                        }
                    }
                }
            }
        }
    }
    if subnets.is_empty() {
        if !needed && unknown.is_none() {
            return Outcome::na(
                "S3 is reached through a NAT or internet gateway from every task subnet",
            );
        }
        return Outcome::from_findings(vec![], unknown);
    }
    let vpc = cx.subnets[0].vpc_id.clone();
    let mut resources = vec![vpc.clone()];
    resources.extend(subnets.iter().cloned());
    resources.extend(tables.iter().cloned());
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "{vpc} has no S3 gateway endpoint (com.amazonaws.{}.s3) and {} cannot reach S3 otherwise: image layers (prod-{}-starport-layer-bucket) cannot be downloaded.",
                cx.snap.region,
                subnets.join(", "),
                cx.snap.region
            ),
            resources,
            vec![endpoints_evidence(cx, &vpc)],
            format!(
                "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name com.amazonaws.{}.s3 --route-table-ids {}",
                cx.snap.region,
                tables.join(" ")
            ),
        )],
        unknown,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_mixed_subnets() {
        assert_fails_naming_a_subnet(&CHECK, "mixed-subnets");
    }

    #[test]
    fn passes_on_healthy_endpoints() {
        assert_passes(&CHECK, &fixture("healthy-endpoints"));
    }
}
