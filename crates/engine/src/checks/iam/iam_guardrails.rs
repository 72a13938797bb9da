use crate::checks::permissions::{evaluate, needs, role_policies};
use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::iam::{self, Decision, Request};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IAM-GUARDRAILS",
    title: "A permissions boundary limits the execution role",
    severity: Severity::Warning,
    group: "Execution role",
    what: "When the execution role has a permissions boundary, evaluates every call the agent makes \
           (ECR, Logs, secrets) with the identity policies alone and with the boundary, and reports the \
           calls the boundary takes away. Service control policies and resource control policies of \
           the organisation cannot be read from a member account and are never reported as verified.",
    why: "A boundary (or an SCP) silently removes permissions the role's own policies grant: the policy \
          looks right and the pull still fails with AccessDenied. The error text does not say which \
          guardrail denied it.",
    fix: "Add the needed actions to the boundary policy (or have the organisation's SCP allow them):\n  \
          aws iam get-policy-version --policy-arn BOUNDARY_ARN --version-id vN",
    docs: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

const SCP_NOTE: &str = "SCPs and RCPs are not visible from a member account and were not verified";

fn run(cx: &Cx) -> Outcome {
    let rp = match role_policies(cx) {
        Ok(rp) => rp,
        Err(o) => return o,
    };
    let Some(boundary) = &rp.boundary else {
        return Outcome::pass_because(format!(
            "{} has no permissions boundary; {SCP_NOTE}",
            rp.role.arn
        ));
    };
    let mut limited = Vec::new();
    for n in needs(cx) {
        let e = evaluate(cx, rp, &n);
        if e.identity.is_allowed() == Some(true) {
            continue;
        }
        let ctx = crate::checks::permissions::request_context(cx, n.service);
        let req = Request::new(&rp.role.arn, n.action, &n.resource, &ctx);
        let alone = iam::evaluate_identity(&rp.identity_refs(), None, &req);
        if alone.is_allowed() == Some(true) {
            let bd = iam::evaluate_layer(iam::Layer::Boundary, &[boundary], &req);
            let why = match &bd {
                Decision::ExplicitDeny(s) => format!("explicitly denied by {s}"),
                d => d.describe(),
            };
            limited.push(ev(
                boundary.source().to_string(),
                format!("{} on {}: {why}", n.action, n.resource),
            ));
        }
    }
    if limited.is_empty() {
        return Outcome::pass_because(format!(
            "the boundary {} allows every call the agent makes; {SCP_NOTE}",
            boundary.source()
        ));
    }
    let actions: Vec<String> = limited
        .iter()
        .map(|e| e.detail.split(" on ").next().unwrap_or("").to_string())
        .collect();
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "The permissions boundary {} of {} removes {} that the role's own policies grant.",
                boundary.source(),
                rp.role.arn,
                actions.join(", ")
            ),
            vec![boundary.source().to_string(), rp.role.arn.clone()],
            limited,
            format!(
                "Allow these actions in the boundary policy {}.",
                boundary.source()
            ),
        )],
        None,
    )
}
