//! What one check concluded for one target: below the check context and the role model, which
//! produce outcomes too (a role that cannot be evaluated is an `unknown` outcome), so that
//! neither imports the checks.

use crate::report::{CheckStatus, Finding, Severity};

/// What one check concluded for one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: CheckStatus,
    pub detail: Option<String>,
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn pass() -> Self {
        Outcome {
            status: CheckStatus::Pass,
            detail: None,
            findings: vec![],
        }
    }
    pub fn pass_because(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::Pass,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    pub fn na(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::NotApplicable,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    pub fn unknown(detail: impl Into<String>) -> Self {
        Outcome {
            status: CheckStatus::Unknown,
            detail: Some(detail.into()),
            findings: vec![],
        }
    }
    /// From findings: `fail` if any is an error, `warn` if only warnings; with no findings,
    /// `unknown` if some part could not be decided, else `pass`.
    pub fn from_findings(findings: Vec<Finding>, unknown: Option<String>) -> Self {
        let status = if findings.iter().any(|f| f.severity == Severity::Error) {
            CheckStatus::Fail
        } else if !findings.is_empty() {
            CheckStatus::Warn
        } else if unknown.is_some() {
            CheckStatus::Unknown
        } else {
            CheckStatus::Pass
        };
        Outcome {
            status,
            detail: unknown,
            findings,
        }
    }
}
