//! The three-valued truth of the policy evaluator, below the modules that compute it
//! (statement matching, conditions, evaluation).

use super::decision::UnknownCause;

/// A three-valued truth value; `Unknown` carries the first reason found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown(Why),
}

/// Why something is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Why {
    pub key: String,
    pub cause: UnknownCause,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Self {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

impl Tri {
    /// Three-valued AND, short-circuiting on a definite No (which beats an earlier Unknown).
    pub(super) fn and(self, next: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::No => Tri::No,
            Tri::Yes => next(),
            Tri::Unknown(why) => match next() {
                Tri::No => Tri::No,
                _ => Tri::Unknown(why),
            },
        }
    }

    pub(super) fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            u => u,
        }
    }
}
