//! Statement applicability and the evaluation of one layer (a set of policies).

use super::condition::eval_condition;
use super::decision::{Decision, Gap, Layer, PrincipalMatch, StatementRef, UnknownCause};
use super::matching::{
    action_matches, any_pattern_matches, principal_spec_matches, spec_is_wildcard, wild_matches,
};
use super::policy::{ActionElement, Effect, Policy, PrincipalElement, ResourceElement, Statement};
use super::tri::{Tri, Why};
use super::Request;

/// Does `stmt` apply to `req`? Also returns how the principal matched.
pub(crate) fn statement_applies(
    policy: &Policy,
    stmt: &Statement,
    req: &Request,
) -> (Tri, PrincipalMatch) {
    let (principal, how) = principal_applies(stmt, req);
    let variables = policy.variables_enabled();
    let tri = principal
        .and(|| action_applies(&stmt.action, req.action))
        .and(|| resource_applies(stmt.resource.as_ref(), req, variables))
        .and(|| {
            stmt.conditions.iter().fold(Tri::Yes, |acc, c| {
                acc.and(|| eval_condition(c, req, variables))
            })
        });
    (tri, how)
}

fn principal_applies(stmt: &Statement, req: &Request) -> (Tri, PrincipalMatch) {
    let unknown = || {
        Tri::Unknown(Why {
            key: "aws:PrincipalArn".into(),
            cause: UnknownCause::PrincipalNotKnown,
        })
    };
    match (&stmt.principal, req.principal) {
        (None, _) => (Tri::Yes, PrincipalMatch::NotSpecified),
        (Some(PrincipalElement::Principal(spec)), None) => {
            if spec_is_wildcard(spec) {
                (Tri::Yes, PrincipalMatch::Wildcard)
            } else {
                // Were it to match, assume the most permissive kind; the composition then
                // over-approximates the possible outcomes (never a wrong definite answer).
                (unknown(), PrincipalMatch::Exact)
            }
        }
        (Some(PrincipalElement::Principal(spec)), Some(p)) => match principal_spec_matches(spec, p)
        {
            Some(how) => (Tri::Yes, how),
            None => (Tri::No, PrincipalMatch::NotSpecified),
        },
        (Some(PrincipalElement::NotPrincipal(spec)), None) => {
            if spec_is_wildcard(spec) {
                (Tri::No, PrincipalMatch::NotPrincipal)
            } else {
                (unknown(), PrincipalMatch::NotPrincipal)
            }
        }
        (Some(PrincipalElement::NotPrincipal(spec)), Some(p)) => (
            Tri::from(principal_spec_matches(spec, p).is_none()),
            PrincipalMatch::NotPrincipal,
        ),
    }
}

fn action_applies(element: &ActionElement, action: &str) -> Tri {
    match element {
        ActionElement::Action(list) => Tri::from(list.iter().any(|p| action_matches(p, action))),
        ActionElement::NotAction(list) => {
            Tri::from(!list.iter().any(|p| action_matches(p, action)))
        }
    }
}

fn resource_applies(element: Option<&ResourceElement>, req: &Request, variables: bool) -> Tri {
    match element {
        None => Tri::Yes,
        Some(ResourceElement::Resource(list)) => {
            any_pattern_matches(list, req.resource, req, variables, wild_matches)
        }
        Some(ResourceElement::NotResource(list)) => {
            any_pattern_matches(list, req.resource, req, variables, wild_matches).not()
        }
    }
}

/// Evaluates one layer: explicit Deny wins, then Allow, else implicit deny; statements whose
/// applicability is unknown make the decision Unknown unless a definite Deny decides, or a
/// definite Allow decides and no Deny is in doubt.
pub(crate) fn evaluate_layer(layer: Layer, policies: &[&Policy], req: &Request) -> Decision {
    let mut best_allow: Option<StatementRef> = None;
    let mut unknown_allows: Vec<(StatementRef, Why)> = Vec::new();
    let mut unknown_denies: Vec<(StatementRef, Why)> = Vec::new();

    for policy in policies {
        for (index, stmt) in policy.statements().iter().enumerate() {
            // In a resource-based, key or trust policy a statement must name its principal:
            // IAM refuses one without (MalformedPolicyDocument), so it grants nothing.
            if stmt.principal.is_none()
                && matches!(layer, Layer::Resource | Layer::KeyPolicy | Layer::Trust)
            {
                continue;
            }
            let (tri, how) = statement_applies(policy, stmt, req);
            let sref = || StatementRef {
                policy: policy.source().to_string(),
                index,
                sid: stmt.sid.clone(),
                effect: stmt.effect,
                principal_match: how,
            };
            match (stmt.effect, tri) {
                (_, Tri::No) => {}
                (Effect::Deny, Tri::Yes) => return Decision::ExplicitDeny(sref()),
                (Effect::Deny, Tri::Unknown(why)) => unknown_denies.push((sref(), why)),
                (Effect::Allow, Tri::Yes) => {
                    if best_allow
                        .as_ref()
                        .is_none_or(|b| how.rank() > b.principal_match.rank())
                    {
                        best_allow = Some(sref());
                    }
                }
                (Effect::Allow, Tri::Unknown(why)) => unknown_allows.push((sref(), why)),
            }
        }
    }

    let gap = Gap {
        layer,
        policies: policies.iter().map(|p| p.source().to_string()).collect(),
    };
    if unknown_denies.is_empty() {
        match best_allow {
            Some(allow) => return Decision::Allow(allow),
            None if unknown_allows.is_empty() => return Decision::ImplicitDeny(gap),
            None => {}
        }
    }

    // Undecided. Enumerate the definite outcomes that remain possible.
    let mut possible = Vec::new();
    if let Some((deny, _)) = unknown_denies.first() {
        possible.push(Decision::ExplicitDeny(deny.clone()));
    }
    let best_rank = best_allow.as_ref().map(|a| a.principal_match.rank());
    if let Some(allow) = &best_allow {
        possible.push(Decision::Allow(allow.clone()));
    }
    for (allow, _) in &unknown_allows {
        let rank = allow.principal_match.rank();
        let better = best_rank.is_none_or(|b| rank > b);
        let new_kind = !possible
            .iter()
            .any(|d| matches!(d, Decision::Allow(s) if s.principal_match.rank() == rank));
        if better && new_kind {
            possible.push(Decision::Allow(allow.clone()));
        }
    }
    if best_allow.is_none() {
        possible.push(Decision::ImplicitDeny(gap));
    }
    let (statement, why) = unknown_denies
        .into_iter()
        .next()
        .or_else(|| unknown_allows.into_iter().next())
        .expect("undecided implies an unknown statement");
    Decision::Unknown {
        key: why.key,
        cause: why.cause,
        statement,
        possible,
    }
}
