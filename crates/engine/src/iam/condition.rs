//! Three-valued evaluation of `Condition` entries.
//!
//! Semantics (AWS condition-operator reference):
//! - key present, no set qualifier: a positive operator is true if any context value matches
//!   any policy value; a negated operator (`…Not…`, `NotIpAddress`) is true if no context value
//!   matches any policy value;
//! - key absent: `…IfExists` → true; otherwise negated operators → true, positive → false;
//!   `ForAllValues:` → true, `ForAnyValue:` → false;
//! - `ForAnyValue:` → some context value satisfies the (possibly negated) operator;
//!   `ForAllValues:` → every context value does;
//! - `Null`: "true" ⇔ the key is absent;
//! - key unknown, or an operator that is not modelled → Unknown.

use std::net::IpAddr;

use ipnet::IpNet;

use super::decision::UnknownCause;
use super::matching::{arn_matches, resolve_variables, wild_matches};
use super::policy::{Condition, MatchBase, NumericOp, OperatorKind, SetQualifier};
use super::tri::{Tri, Why};
use super::{KeyValue, Request};

pub(crate) fn eval_condition(cond: &Condition, req: &Request, variables: bool) -> Tri {
    let op = &cond.operator;
    let unknown_key = || {
        Tri::Unknown(Why {
            key: cond.key.clone(),
            cause: UnknownCause::KeyNotKnown,
        })
    };
    let context_values = match req.lookup(&cond.key) {
        KeyValue::Unknown => return unknown_key(),
        KeyValue::Absent => None,
        KeyValue::Values(v) if v.is_empty() => None,
        KeyValue::Values(v) => Some(v),
    };
    let (base, negated) =
        match op.kind {
            OperatorKind::Unsupported => {
                return Tri::Unknown(Why {
                    key: cond.key.clone(),
                    cause: UnknownCause::Unsupported(format!("condition operator {}", op.name)),
                })
            }
            OperatorKind::Null => {
                let absent = context_values.is_none();
                return Tri::from(cond.values.iter().any(
                    |v| match v.to_ascii_lowercase().as_str() {
                        "true" => absent,
                        "false" => !absent,
                        _ => false,
                    },
                ));
            }
            OperatorKind::Match { base, negated } => (base, negated),
        };

    let Some(context_values) = context_values else {
        if op.if_exists {
            return Tri::Yes;
        }
        return Tri::from(match op.set {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => negated,
        });
    };

    let mut policy_values = Vec::with_capacity(cond.values.len());
    for v in &cond.values {
        if !variables {
            policy_values.push(v.clone());
            continue;
        }
        match resolve_variables(v, req) {
            Ok(Some(v)) => policy_values.push(v),
            // An absent variable without default: this policy value matches nothing.
            Ok(None) => {}
            Err(why) => return Tri::Unknown(why),
        }
    }

    let matches = |c: &str| policy_values.iter().any(|p| base_matches(base, c, p));
    let satisfies = |c: &str| matches(c) != negated;
    Tri::from(match op.set {
        None if negated => context_values.iter().all(|c| !matches(c)),
        None => context_values.iter().any(|c| matches(c)),
        Some(SetQualifier::ForAnyValue) => context_values.iter().any(|c| satisfies(c)),
        Some(SetQualifier::ForAllValues) => context_values.iter().all(|c| satisfies(c)),
    })
}

/// Does context value `c` match policy value `p` under the non-negated operator `base`?
/// Unparseable numbers, booleans or IP addresses never match.
fn base_matches(base: MatchBase, c: &str, p: &str) -> bool {
    match base {
        MatchBase::StringEquals => c == p,
        MatchBase::StringEqualsIgnoreCase => c.to_lowercase() == p.to_lowercase(),
        MatchBase::StringLike => wild_matches(p, c),
        MatchBase::Arn => arn_matches(p, c),
        MatchBase::Numeric(op) => {
            let (Ok(c), Ok(p)) = (c.trim().parse::<f64>(), p.trim().parse::<f64>()) else {
                return false;
            };
            match op {
                NumericOp::Equals => c == p,
                NumericOp::LessThan => c < p,
                NumericOp::LessThanEquals => c <= p,
                NumericOp::GreaterThan => c > p,
                NumericOp::GreaterThanEquals => c >= p,
            }
        }
        MatchBase::Bool => match (parse_bool(c), parse_bool(p)) {
            (Some(c), Some(p)) => c == p,
            _ => false,
        },
        MatchBase::IpAddress => {
            let Ok(ip) = c.trim().parse::<IpAddr>() else {
                return false;
            };
            let p = p.trim();
            if let Ok(net) = p.parse::<IpNet>() {
                net.contains(&ip)
            } else if let Ok(addr) = p.parse::<IpAddr>() {
                addr == ip
            } else {
                false
            }
        }
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}
