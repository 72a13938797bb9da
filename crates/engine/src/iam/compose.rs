//! Composition of layer decisions (identity ∩ boundary, resource policies, endpoint policies,
//! KMS key policies).
//!
//! Every helper is defined on definite decisions by a "pair" function; [`combine`] lifts it to
//! Unknown inputs by trying every outcome an Unknown still allows. If all combinations agree
//! on Allow / ExplicitDeny / ImplicitDeny, the result is definite; otherwise it is Unknown
//! with the reason of the undecided input and the set of possible outcomes.

use super::decision::{Class, Decision, Gap, Layer, PrincipalMatch};

/// Lifts `pair` (defined on definite decisions) to possibly-Unknown inputs.
pub(crate) fn combine(
    a: &Decision,
    b: &Decision,
    pair: impl Fn(&Decision, &Decision) -> Decision,
) -> Decision {
    let outcomes = |d: &Decision| match d {
        Decision::Unknown { possible, .. } => possible.clone(),
        other => vec![other.clone()],
    };
    let (aa, bb) = (outcomes(a), outcomes(b));
    if a.class() != Class::Unknown && b.class() != Class::Unknown {
        return pair(a, b);
    }
    let mut results: Vec<Decision> = Vec::new();
    for x in &aa {
        for y in &bb {
            let r = pair(x, y);
            if !results.contains(&r) {
                results.push(r);
            }
        }
    }
    let class = results.first().map(Decision::class);
    if let Some(class) = class.filter(|c| results.iter().all(|r| r.class() == *c)) {
        if results.len() == 1 {
            return results.swap_remove(0);
        }
        // Several witnesses for the same outcome: cite a definite input that has it.
        if let Some(input) = [a, b].into_iter().find(|d| d.class() == class) {
            return input.clone();
        }
        return results.swap_remove(0);
    }
    let source = if a.class() == Class::Unknown { a } else { b };
    match source {
        Decision::Unknown {
            key,
            cause,
            statement,
            ..
        } => Decision::Unknown {
            key: key.clone(),
            cause: cause.clone(),
            statement: statement.clone(),
            possible: results,
        },
        _ => unreachable!("one input is Unknown"),
    }
}

/// Both must allow; an explicit deny in either wins; otherwise the first gap is cited.
pub(crate) fn intersect(a: &Decision, b: &Decision) -> Decision {
    match (a, b) {
        (Decision::ExplicitDeny(_), _) => a.clone(),
        (_, Decision::ExplicitDeny(_)) => b.clone(),
        (Decision::ImplicitDeny(_), _) => a.clone(),
        (_, Decision::ImplicitDeny(_)) => b.clone(),
        _ => a.clone(),
    }
}

/// Identity policies ∩ permissions boundary.
pub(crate) fn identity_and_boundary(id: &Decision, boundary: &Decision) -> Decision {
    match (id, boundary) {
        (Decision::ImplicitDeny(g1), Decision::ImplicitDeny(g2)) => Decision::ImplicitDeny(Gap {
            layer: Layer::IdentityAndBoundary,
            policies: merged(g1, g2),
        }),
        _ => intersect(id, boundary),
    }
}

fn merged(g1: &Gap, g2: &Gap) -> Vec<String> {
    g1.policies.iter().chain(&g2.policies).cloned().collect()
}

/// Whether an identity-side gap involves the permissions boundary, which also limits
/// resource-policy grants to a role ARN, `"*"` or `NotPrincipal` (not to a session ARN).
fn boundary_limited(gap: &Gap) -> bool {
    matches!(gap.layer, Layer::Boundary | Layer::IdentityAndBoundary)
}

/// Same account: the identity side OR the resource policy, explicit deny anywhere winning.
pub(crate) fn union_same_account(id: &Decision, res: &Decision) -> Decision {
    match (id, res) {
        (Decision::ExplicitDeny(_), _) => id.clone(),
        (_, Decision::ExplicitDeny(_)) => res.clone(),
        (Decision::Allow(_), _) => id.clone(),
        (Decision::ImplicitDeny(gap), Decision::Allow(s)) => match s.principal_match {
            PrincipalMatch::Exact => res.clone(),
            // An account principal delegates to the account's IAM policies.
            PrincipalMatch::Account => id.clone(),
            _ if boundary_limited(gap) => id.clone(),
            _ => res.clone(),
        },
        (Decision::ImplicitDeny(g1), Decision::ImplicitDeny(g2)) => {
            if g1.layer == Layer::Boundary {
                id.clone()
            } else {
                Decision::ImplicitDeny(Gap {
                    layer: Layer::IdentityOrResource,
                    policies: merged(g1, g2),
                })
            }
        }
        _ => unreachable!("pair functions only see definite decisions"),
    }
}

/// KMS: the key policy must allow, directly or by enabling IAM (an Allow matched through the
/// account principal, as in the default "Enable IAM User Permissions" statement); then the
/// identity side decides.
pub(crate) fn key_policy_pair(key: &Decision, id: &Decision, same_account: bool) -> Decision {
    match (key, id) {
        (Decision::ExplicitDeny(_), _) => key.clone(),
        (_, Decision::ExplicitDeny(_)) => id.clone(),
        (Decision::ImplicitDeny(_), _) => key.clone(),
        (Decision::Allow(s), _) if s.principal_match == PrincipalMatch::Account => id.clone(),
        (Decision::Allow(_), Decision::Allow(_)) => key.clone(),
        (Decision::Allow(s), Decision::ImplicitDeny(gap)) => {
            if !same_account {
                id.clone()
            } else if s.principal_match == PrincipalMatch::Exact || !boundary_limited(gap) {
                key.clone()
            } else {
                id.clone()
            }
        }
        _ => unreachable!("pair functions only see definite decisions"),
    }
}
