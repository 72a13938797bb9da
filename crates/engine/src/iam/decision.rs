//! Decisions and the references that let findings cite the deciding statement.

use std::fmt;

use super::policy::Effect;

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; the statement is the (best) applicable Allow.
    Allow(StatementRef),
    /// Explicitly denied by this statement.
    ExplicitDeny(StatementRef),
    /// Nothing allows it; the gap says which layer lacks an Allow and which policies were read.
    ImplicitDeny(Gap),
    /// Cannot be decided with what the tool knows.
    Unknown {
        /// The condition key whose value is not known (or, for [`UnknownCause::PrincipalNotKnown`],
        /// `aws:PrincipalArn`; for [`UnknownCause::Unsupported`], the key the construct is on).
        key: String,
        cause: UnknownCause,
        /// The statement whose applicability is open.
        statement: StatementRef,
        /// The definite outcomes still possible (never `Unknown` themselves). If none of them
        /// is an Allow, the request is denied either way: see [`Decision::is_allowed`].
        possible: Vec<Decision>,
    },
}

/// Which statement decided: policy source name, statement index, Sid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatementRef {
    /// The source name given to [`super::Policy::parse`].
    pub policy: String,
    /// 0-based index into the policy's `Statement` array (0 for a single-object Statement).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// How the statement's `Principal`/`NotPrincipal` matched the requester.
    pub principal_match: PrincipalMatch,
}

/// How a statement's principal element matched the request principal. This matters for
/// composition: an account principal only delegates to the account's IAM policies, and a
/// grant to a role ARN (unlike one to a session ARN) is still limited by the role's
/// permissions boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalMatch {
    /// The statement has no principal element (identity policies, boundaries).
    NotSpecified,
    /// `"*"` or `{"AWS": "*"}`.
    Wildcard,
    /// `NotPrincipal` that does not list the requester.
    NotPrincipal,
    /// An account ID or `arn:aws:iam::ACCT:root`: any principal of that account.
    Account,
    /// A role ARN, matching the role or one of its assumed-role sessions.
    Role,
    /// Exactly this principal: user ARN, session ARN, service principal, …
    Exact,
}

impl PrincipalMatch {
    /// How much a match grants on its own (higher = more): used to pick the best Allow.
    pub(crate) fn rank(self) -> u8 {
        match self {
            PrincipalMatch::Account => 0,
            PrincipalMatch::NotSpecified
            | PrincipalMatch::Wildcard
            | PrincipalMatch::NotPrincipal => 1,
            PrincipalMatch::Role => 2,
            PrincipalMatch::Exact => 3,
        }
    }
}

/// Why an evaluation is [`Decision::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnknownCause {
    /// The condition key's value (or absence) is not known.
    KeyNotKnown,
    /// The statement names specific principals and the requester is not known.
    PrincipalNotKnown,
    /// A construct this evaluator does not model (Date/Binary operators, `${*}`, …).
    Unsupported(String),
}

/// The kind of policy a layer of the evaluation reads; used in implicit-deny explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// A plain [`super::evaluate`] over policies of unspecified kind.
    Policies,
    /// Identity-based policies (managed and inline) of the principal.
    Identity,
    /// The principal's permissions boundary (the identity-based policies do allow it).
    Boundary,
    /// Neither the identity-based policies nor the permissions boundary allow it.
    IdentityAndBoundary,
    /// Same account: neither the identity policies nor the resource policy allow it.
    IdentityOrResource,
    /// A resource-based policy (ECR repository, Secrets Manager, S3 bucket, …).
    Resource,
    /// A VPC endpoint policy.
    Endpoint,
    /// A KMS key policy.
    KeyPolicy,
    /// A role trust policy.
    Trust,
}

/// What an implicit deny lacks: the layer without an Allow and the policies it consisted of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gap {
    pub layer: Layer,
    /// The source names of the policies that were read (may be empty: no policy at all).
    pub policies: Vec<String>,
}

impl Decision {
    /// `Some(true)` if allowed, `Some(false)` if denied (explicitly or implicitly, including an
    /// Unknown whose every possible outcome is a deny), `None` if it could go either way.
    pub fn is_allowed(&self) -> Option<bool> {
        match self {
            Decision::Allow(_) => Some(true),
            Decision::ExplicitDeny(_) | Decision::ImplicitDeny(_) => Some(false),
            Decision::Unknown { possible, .. } => {
                let allows = possible
                    .iter()
                    .filter(|d| d.class() == Class::Allow)
                    .count();
                if allows == 0 {
                    Some(false)
                } else if allows == possible.len() {
                    Some(true)
                } else {
                    None
                }
            }
        }
    }

    /// The deciding statement (for Unknown: the statement whose applicability is open).
    pub fn statement(&self) -> Option<&StatementRef> {
        match self {
            Decision::Allow(s) | Decision::ExplicitDeny(s) => Some(s),
            Decision::Unknown { statement, .. } => Some(statement),
            Decision::ImplicitDeny(_) => None,
        }
    }

    /// A human sentence, e.g. "allowed by statement 'AllowPull' (Statement[0]) of policy
    /// AmazonECSTaskExecutionRolePolicy".
    pub fn describe(&self) -> String {
        match self {
            Decision::Allow(s) => format!("allowed by {s}"),
            Decision::ExplicitDeny(s) => format!("explicitly denied by {s}"),
            Decision::ImplicitDeny(gap) => format!("implicitly denied: {}", gap.describe()),
            Decision::Unknown {
                key,
                cause,
                statement,
                ..
            } => {
                let why = match cause {
                    UnknownCause::KeyNotKnown => format!(
                        "{statement} has a condition on {key}, whose value in this request is not known"
                    ),
                    UnknownCause::PrincipalNotKnown => format!(
                        "{statement} names specific principals, and the requesting principal is not known"
                    ),
                    UnknownCause::Unsupported(what) => {
                        format!("{statement} uses {what} (on {key}), which this evaluator does not model")
                    }
                };
                let outcome = match self.is_allowed() {
                    Some(false) => " (it is denied either way)",
                    _ => "",
                };
                format!("cannot be decided: {why}{outcome}")
            }
        }
    }

    pub(crate) fn class(&self) -> Class {
        match self {
            Decision::Allow(_) => Class::Allow,
            Decision::ExplicitDeny(_) => Class::ExplicitDeny,
            Decision::ImplicitDeny(_) => Class::ImplicitDeny,
            Decision::Unknown { .. } => Class::Unknown,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    Unknown,
}

impl fmt::Display for StatementRef {
    /// "statement 'Sid' (Statement[2]) of policy X" or "Statement[2] of policy X".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) if !sid.is_empty() => write!(
                f,
                "statement '{sid}' (Statement[{}]) of policy {}",
                self.index, self.policy
            ),
            _ => write!(f, "Statement[{}] of policy {}", self.index, self.policy),
        }
    }
}

impl Gap {
    pub fn describe(&self) -> String {
        let names = if self.policies.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.policies.join(", "))
        };
        match self.layer {
            Layer::Policies if self.policies.is_empty() => "no policy was given".into(),
            Layer::Policies => format!("no statement of the policies{names} allows it"),
            Layer::Identity if self.policies.is_empty() => {
                "the principal has no identity-based policy".into()
            }
            Layer::Identity => format!("no identity-based policy{names} allows it"),
            Layer::Boundary => format!(
                "the permissions boundary{names} does not allow it (the identity-based policies do)"
            ),
            Layer::IdentityAndBoundary => format!(
                "neither the identity-based policies nor the permissions boundary{names} allow it"
            ),
            Layer::IdentityOrResource => format!(
                "neither the identity-based policies nor the resource policy{names} allow it"
            ),
            Layer::Resource if self.policies.is_empty() => {
                "there is no resource policy, and cross-account access needs one".into()
            }
            Layer::Resource => format!(
                "the resource policy{names} does not grant it to this principal (cross-account access needs both the identity-based policy and the resource policy)"
            ),
            Layer::Endpoint => format!("the VPC endpoint policy{names} does not allow it"),
            Layer::KeyPolicy => format!(
                "the KMS key policy{names} neither allows this principal nor enables IAM policies for this action"
            ),
            Layer::Trust => format!(
                "the trust policy{names} does not let this principal assume the role"
            ),
        }
    }
}
