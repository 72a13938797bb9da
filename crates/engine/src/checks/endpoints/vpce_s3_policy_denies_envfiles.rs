use crate::checks::{ev, na_unless_endpoints_unknown, Check, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Context, Policy, Request};
use crate::net::dest::Service;
use crate::net::path::Hop;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "VPCE-S3-POLICY-DENIES-ENVFILES",
    title: "The S3 gateway endpoint policy blocks an environment file",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "When the path from a task subnet to an env file's bucket goes through an S3 gateway \
           endpoint (its prefix-list route wins over 0.0.0.0/0, NAT gateway or not), evaluates the \
           endpoint policy for s3:GetObject on the env file and s3:GetBucketLocation on its bucket, \
           with the execution role as the principal (the agent downloads env files with it).",
    why: "An endpoint policy that lists only some buckets (often just the ECR layer bucket) blocks \
          the download: 'ResourceInitializationError: failed to download env files: … StatusCode: \
          403, api error Forbidden'. It breaks NAT setups too, since the endpoint route wins.",
    fix: "Allow the env files in the endpoint policy (keep what it already allows):\n  \
          aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --policy-document file://s3-endpoint-policy.json",
    docs: &[
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#edit-vpc-endpoint-policy-s3",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/use-environment-file.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.needs.env_files.is_empty() {
        return Outcome::na("no container has environmentFiles");
    }
    let Some(role) = cx.execution_role() else {
        return Outcome::na("the task has no execution role (LAUNCH-TASKDEF-NO-EXECROLE)");
    };
    let mut any = false;
    let mut unknown = None;
    let mut findings: Vec<Finding> = Vec::new();
    for sp in &cx.paths {
        for p in sp
            .paths
            .iter()
            .filter(|p| p.dest.service == Service::S3Files)
        {
            let id = match &p.route.hop {
                Hop::GatewayEndpoint { id } => id,
                // The route could not be decided: it may go through a gateway endpoint.
                Hop::Unknown(why) => {
                    unknown = Some(why.clone());
                    continue;
                }
                _ => continue,
            };
            let e = match crate::checks::route_endpoint(cx, id) {
                Ok(e) => e,
                Err(why) => {
                    unknown = Some(why);
                    continue;
                }
            };
            any = true;
            let Some(doc) = &e.policy_document else {
                continue; // no policy: full access
            };
            let policy = match Policy::parse(&format!("endpoint policy of {id}"), doc) {
                Ok(p) => p,
                Err(err) => {
                    unknown = Some(format!("the policy of {id} cannot be evaluated: {err}"));
                    continue;
                }
            };
            let ctx = Context::new()
                .with("aws:SourceVpce", id.clone())
                .with("aws:SourceVpc", e.vpc_id.clone());
            for f in cx.needs.env_files.iter().filter(|f| {
                f.bucket()
                    .is_some_and(|b| p.dest.host.starts_with(&format!("{b}.s3.")))
            }) {
                let Some(bucket_arn) = f.bucket_arn() else {
                    continue;
                };
                for (action, resource) in [
                    ("s3:GetObject", f.arn.as_str()),
                    ("s3:GetBucketLocation", bucket_arn.as_str()),
                ] {
                    let d = iam::evaluate_endpoint_policy(
                        &policy,
                        &Request::new(role, action, resource, &ctx),
                    );
                    match d.is_allowed() {
                        Some(true) => {}
                        None => unknown = Some(format!("{action} on {resource}: {}", d.describe())),
                        Some(false) => {
                            if let Some(found) = findings.iter_mut().find(|x| {
                                x.resources[0] == *id && x.resources.get(1) == Some(&f.arn)
                            }) {
                                if !found.resources.contains(&sp.subnet.id) {
                                    found.resources.push(sp.subnet.id.clone());
                                }
                                continue;
                            }
                            findings.push(CHECK.finding(
                                format!(
                                    "S3 gateway endpoint {id} carries the download of {} from {} (its prefix-list route wins over 0.0.0.0/0), and its policy does not allow {action} on {resource} for {role}: {}.",
                                    f.arn, sp.subnet.id, d.describe()
                                ),
                                vec![id.clone(), f.arn.clone(), sp.subnet.id.clone()],
                                vec![ev(id, format!("PolicyDocument: {}", doc.split_whitespace().collect::<Vec<_>>().join(" ")))],
                                format!(
                                    "Add a statement to the policy of {id} allowing s3:GetObject on {} and s3:GetBucketLocation on {bucket_arn} (aws ec2 modify-vpc-endpoint --vpc-endpoint-id {id} --policy-document file://policy.json).",
                                    f.arn
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    if !any && unknown.is_none() {
        return na_unless_endpoints_unknown(
            cx,
            "no env-file download goes through an S3 gateway endpoint",
        );
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn not_applicable_without_env_files_or_gateway() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
        // An env file reached through the NAT gateway (no S3 gateway endpoint): not applicable.
        testkit::td(&mut snap).containers[0].environment_files =
            vec!["arn:aws:s3:::cfg/web/app.env".into()];
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn layer_only_policy_blocks_the_env_file() {
        let arn = "arn:aws:s3:::cfg/web/app.env";
        let mut snap = testkit::healthy_endpoints();
        testkit::td(&mut snap).containers[0].environment_files = vec![arn.into()];
        let ep = snap
            .network
            .vpc_endpoints
            .values_mut()
            .find(|e| e.endpoint_type == "Gateway")
            .expect("S3 gateway endpoint");
        let id = ep.id.clone();
        ep.policy_document = Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"}]}"#
                .into(),
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], id);
        assert_eq!(out.findings[0].resources[1], arn);
        if let Some(ep) = snap.network.vpc_endpoints.get_mut(&id) {
            ep.policy_document = Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
                    .into(),
            );
        }
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn unreadable_route_tables_are_unknown_not_not_applicable() {
        let mut snap = testkit::healthy_endpoints();
        testkit::td(&mut snap).containers[0].environment_files =
            vec!["arn:aws:s3:::cfg/web/app.env".into()];
        snap.network.route_tables.clear();
        snap.calls.push(fd_snapshot::ApiCall {
            outcome: fd_snapshot::CallOutcome::Denied,
            ..fd_snapshot::ApiCall::of(fd_snapshot::Op::Ec2DescribeRouteTables, None)
        });
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
