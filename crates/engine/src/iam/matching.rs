//! Wildcard, ARN, principal and policy-variable matching.

use wildmatch::WildMatch;

use super::decision::{PrincipalMatch, UnknownCause};
use super::policy::{PrincipalEntry, PrincipalSpec};
use super::tri::{Tri, Why};
use super::{KeyValue, Request};

/// `Action` matching: whole-string `*`/`?` wildcards, case-insensitive.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    WildMatch::new_case_insensitive(pattern).matches(action)
}

/// `Resource` and `StringLike` matching: whole-string `*`/`?` wildcards, case-sensitive.
/// `*` spans `:` and `/` (AWS: a trailing `*` in a segment may expand across colons; for
/// realistic ECS policies whole-string matching gives the same answers).
pub(crate) fn wild_matches(pattern: &str, value: &str) -> bool {
    WildMatch::new(pattern).matches(value)
}

/// `ArnEquals`/`ArnLike`: the six `:`-separated segments are matched separately (the last one
/// keeps its colons); a pattern or value that is not ARN-shaped is matched as a whole string.
pub(crate) fn arn_matches(pattern: &str, value: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    if p.len() == 6 && v.len() == 6 {
        p.iter().zip(&v).all(|(p, v)| wild_matches(p, v))
    } else {
        wild_matches(pattern, value)
    }
}

// The one ARN parser is fd_snapshot's.
pub(crate) use fd_snapshot::refs::parse_arn;

pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account a request principal belongs to (ARN account field, or a bare account ID).
pub(crate) fn principal_account(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    parse_arn(principal)
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
}

/// Matches a request principal against a `Principal` value. `None` = no match.
pub(crate) fn principal_spec_matches(
    spec: &PrincipalSpec,
    principal: &str,
) -> Option<PrincipalMatch> {
    match spec {
        PrincipalSpec::Any => Some(PrincipalMatch::Wildcard),
        PrincipalSpec::Entries(entries) => entries
            .iter()
            .filter_map(|e| entry_matches(e, principal))
            .max_by_key(|m| m.rank()),
    }
}

/// Whether the spec matches every principal (`"*"` or `{"AWS": "*"}`), which is all we can
/// decide when the requesting principal is not known.
pub(crate) fn spec_is_wildcard(spec: &PrincipalSpec) -> bool {
    match spec {
        PrincipalSpec::Any => true,
        PrincipalSpec::Entries(entries) => entries
            .iter()
            .any(|e| matches!(e, PrincipalEntry::Aws(v) if v == "*")),
    }
}

fn entry_matches(entry: &PrincipalEntry, principal: &str) -> Option<PrincipalMatch> {
    match entry {
        PrincipalEntry::Aws(v) => aws_entry_matches(v, principal),
        PrincipalEntry::Service(v) => v
            .eq_ignore_ascii_case(principal)
            .then_some(PrincipalMatch::Exact),
        PrincipalEntry::Federated(v) | PrincipalEntry::CanonicalUser(v) => {
            (v == principal).then_some(PrincipalMatch::Exact)
        }
    }
}

fn aws_entry_matches(v: &str, principal: &str) -> Option<PrincipalMatch> {
    if v == "*" {
        return Some(PrincipalMatch::Wildcard);
    }
    // Account principal: "123456789012" or arn:PARTITION:iam::123456789012:root.
    let account = if is_account_id(v) {
        Some(v)
    } else {
        parse_arn(v)
            .filter(|a| a.service == "iam" && a.resource == "root")
            .map(|a| a.account)
    };
    if let Some(account) = account {
        return (principal_account(principal) == Some(account)).then_some(PrincipalMatch::Account);
    }
    let pat = parse_arn(v)?;
    let req = parse_arn(principal)?;
    if pat.service == "iam" && pat.resource.starts_with("role/") {
        if v == principal {
            return Some(PrincipalMatch::Role);
        }
        // The role's sessions: arn:P:sts::ACCT:assumed-role/NAME/SESSION (the role path is
        // dropped in session ARNs).
        let name = pat.resource.rsplit('/').next()?;
        let session_of = req
            .resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split_once('/'))
            .map(|(role, _)| role);
        let same = req.service == "sts"
            && req.partition == pat.partition
            && req.account == pat.account
            && session_of == Some(name);
        return same.then_some(PrincipalMatch::Role);
    }
    (v == principal).then_some(PrincipalMatch::Exact)
}

/// Resolves `${…}` policy variables in `pattern` from the request context.
///
/// `Ok(Some(s))`: resolved. `Ok(None)`: a referenced key is absent and has no default, so the
/// value cannot match anything. `Err`: a referenced key is unknown (or the variable form is
/// not modelled).
pub(crate) fn resolve_variables(pattern: &str, req: &Request) -> Result<Option<String>, Why> {
    if !pattern.contains("${") {
        return Ok(Some(pattern.to_string()));
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(Some(out));
        };
        let inner = &after[..end];
        rest = &after[end + 1..];
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
            None => (inner.trim(), None),
        };
        match key {
            "$" => out.push('$'),
            "*" | "?" => {
                return Err(Why {
                    key: format!("${{{key}}}"),
                    cause: UnknownCause::Unsupported(
                        "a literal wildcard policy variable".to_string(),
                    ),
                })
            }
            _ => match req.lookup(key) {
                KeyValue::Values(vals) if vals.len() == 1 => out.push_str(&vals[0]),
                KeyValue::Values(_) => {
                    return Err(Why {
                        key: key.to_string(),
                        cause: UnknownCause::Unsupported(
                            "a multi-valued key used as a policy variable".to_string(),
                        ),
                    })
                }
                KeyValue::Absent => match &default {
                    Some(d) => out.push_str(d),
                    None => return Ok(None),
                },
                KeyValue::Unknown => {
                    return Err(Why {
                        key: key.to_string(),
                        cause: UnknownCause::KeyNotKnown,
                    })
                }
            },
        }
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// Whether any of `patterns` (after variable substitution) matches `value` with `matcher`.
pub(crate) fn any_pattern_matches(
    patterns: &[String],
    value: &str,
    req: &Request,
    variables: bool,
    matcher: fn(&str, &str) -> bool,
) -> Tri {
    let mut unknown = None;
    for p in patterns {
        if !variables {
            if matcher(p, value) {
                return Tri::Yes;
            }
            continue;
        }
        match resolve_variables(p, req) {
            Ok(Some(p)) if matcher(&p, value) => return Tri::Yes,
            Ok(_) => {}
            Err(why) => {
                unknown.get_or_insert(why);
            }
        }
    }
    match unknown {
        Some(why) => Tri::Unknown(why),
        None => Tri::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_condition_matching_is_per_segment() {
        assert!(arn_matches(
            "arn:aws:ecs:*:123456789012:*",
            "arn:aws:ecs:us-east-1:123456789012:task/c/0abc"
        ));
        // `*` in the region segment cannot swallow the account segment.
        assert!(!arn_matches(
            "arn:aws:ecs:*:123456789012:*",
            "arn:aws:ecs:us-east-1:999999999999:task/123456789012:x"
        ));
        assert!(!arn_matches("arn:aws:ecs:*:1:*", "not-an-arn"));
    }

    #[test]
    fn role_principal_matches_its_sessions_despite_a_path() {
        let role = "arn:aws:iam::123456789012:role/service-role/ecsTaskExecutionRole";
        let session = "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/abc";
        assert_eq!(aws_entry_matches(role, session), Some(PrincipalMatch::Role));
        assert_eq!(aws_entry_matches(role, role), Some(PrincipalMatch::Role));
        let other_acct = "arn:aws:sts::999999999999:assumed-role/ecsTaskExecutionRole/abc";
        assert_eq!(aws_entry_matches(role, other_acct), None);
        let china = "arn:aws-cn:sts::123456789012:assumed-role/ecsTaskExecutionRole/abc";
        assert_eq!(aws_entry_matches(role, china), None);
    }

    #[test]
    fn account_principals() {
        let session = "arn:aws:sts::123456789012:assumed-role/r/s";
        assert_eq!(
            aws_entry_matches("123456789012", session),
            Some(PrincipalMatch::Account)
        );
        assert_eq!(
            aws_entry_matches("arn:aws:iam::123456789012:root", session),
            Some(PrincipalMatch::Account)
        );
        assert_eq!(
            aws_entry_matches("123456789012", "ecs-tasks.amazonaws.com"),
            None
        );
        assert_eq!(principal_account("arn:aws:s3:::bucket"), None);
    }
}
