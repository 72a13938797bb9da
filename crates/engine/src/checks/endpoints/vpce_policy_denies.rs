use crate::checks::permissions::{needs, request_context};
use crate::checks::{ev, na_unless_endpoints_unknown, Check, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Policy, Request};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-POLICY-DENIES",
    title: "An interface endpoint policy does not allow the execution role's call",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For each interface endpoint the task's calls go through (ecr.api, ecr.dkr, logs, \
           secretsmanager, ssm), evaluates the endpoint policy for the execution role and the exact \
           call: ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the \
           repository, logs:CreateLogStream/PutLogEvents, secretsmanager:GetSecretValue, \
           ssm:GetParameters.",
    why: "An endpoint policy scoped to other principals or resources turns the call into AccessDenied \
          although the role's own policies allow it; the error does not say the endpoint denied it.",
    fix: "Add the execution role (or the account) and the calls to the endpoint policy:\n  aws ec2 \
          modify-vpc-endpoint --vpc-endpoint-id vpce-… --policy-document file://endpoint-policy.json",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(role) = cx.execution_role() else {
        return Outcome::na("the task has no execution role");
    };
    let mut any = false;
    // Per endpoint: its service name, policy text, and the denied calls with their reasons.
    let mut denied: Vec<(&fd_snapshot::VpcEndpoint, &str, Vec<String>, Vec<String>)> = Vec::new();
    let mut unknown = None;
    for n in needs(cx) {
        // The endpoints this call goes through, over all subnets.
        let mut endpoints: Vec<&fd_snapshot::VpcEndpoint> = Vec::new();
        for p in cx.paths.iter().flat_map(|sp| sp.paths.iter()) {
            if p.dest.service != n.service || !p.via_interface {
                continue;
            }
            if let Some(e) = p.endpoint.usable_interface() {
                if !endpoints.iter().any(|x| x.id == e.id) {
                    endpoints.push(e);
                }
            }
        }
        for e in endpoints {
            let Some(doc) = &e.policy_document else {
                continue;
            };
            any = true;
            let policy = match Policy::parse(&format!("endpoint policy of {}", e.id), doc) {
                Ok(p) => p,
                Err(err) => {
                    unknown = Some(format!("the policy of {} cannot be evaluated: {err}", e.id));
                    continue;
                }
            };
            let ctx = request_context(cx, n.service);
            let d = iam::evaluate_endpoint_policy(
                &policy,
                &Request::new(role, n.action, &n.resource, &ctx),
            );
            match d.is_allowed() {
                Some(true) => {}
                None => unknown = Some(format!("{} through {}: {}", n.action, e.id, d.describe())),
                Some(false) => {
                    let call = format!("{} on {}", n.action, n.subject);
                    let detail = format!("{call} (needed for {}): {}", n.why, d.describe());
                    match denied.iter_mut().find(|(x, ..)| x.id == e.id) {
                        Some((_, _, calls, details)) => {
                            if !calls.contains(&call) {
                                calls.push(call);
                                details.push(detail);
                            }
                        }
                        None => denied.push((e, doc, vec![call], vec![detail])),
                    }
                }
            }
        }
    }
    let findings: Vec<crate::report::Finding> = denied
        .into_iter()
        .map(|(e, doc, calls, details)| {
            let mut evidence = vec![ev(
                &e.id,
                format!(
                    "PolicyDocument: {}",
                    doc.split_whitespace().collect::<Vec<_>>().join(" ")
                ),
            )];
            evidence.extend(details.into_iter().map(|d| ev(&e.id, d)));
            CHECK.finding(
                format!(
                    "The policy of {} ({}) does not let the execution role {role} call {}.",
                    e.id,
                    e.service_name,
                    calls.join(", ")
                ),
                vec![e.id.clone(), role.to_string()],
                evidence,
                format!(
                    "Allow {} for {role} in the policy of {}.",
                    calls.join(", "),
                    e.id
                ),
            )
        })
        .collect();
    if !any && findings.is_empty() {
        return na_unless_endpoints_unknown(
            cx,
            "no call goes through an interface endpoint with a policy",
        );
    }
    Outcome::from_findings(findings, unknown)
}
