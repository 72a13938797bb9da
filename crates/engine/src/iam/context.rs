//! The request context: what the tool knows about condition keys.
//!
//! Every key is in one of three states:
//! - **has values** — "`aws:SourceVpce` is `vpce-0abc`" ([`Context::with`], [`Context::with_values`]);
//! - **known absent** — "`aws:SourceVpce` is not in the request", e.g. because the call does
//!   not go through an endpoint ([`Context::with_absent`]);
//! - **unknown** — neither was said. A condition on an unknown key makes its statement's
//!   applicability unknown, and the decision may become [`super::Decision::Unknown`].
//!
//! [`Context::absent_unless_given`] switches to a closed world: every key not given is absent.
//! Keys are case-insensitive (stored lower-cased), values are case-sensitive.

use std::collections::BTreeMap;

/// What the tool knows about the condition keys of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Lower-cased key → `Some(values)` (present) or `None` (known absent).
    entries: BTreeMap<String, Option<Vec<String>>>,
    absent_unless_given: bool,
}

/// The state of one key, see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// Present with these values (one for single-valued keys). An empty list behaves as absent.
    Values(Vec<String>),
    /// Known not to be in the request.
    Absent,
    /// Not known.
    Unknown,
}

impl Context {
    /// An empty, open-world context: every key is unknown until set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Closed world: keys that were not given are treated as absent instead of unknown.
    pub fn absent_unless_given(mut self) -> Self {
        self.absent_unless_given = true;
        self
    }

    /// Key `key` has the single value `value`.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// Key `key` is multi-valued with `values` (for `ForAnyValue:`/`ForAllValues:` conditions).
    pub fn with_values<I, S>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set_values(key, values);
        self
    }

    /// Key `key` is known to be absent from the request.
    pub fn with_absent(mut self, key: &str) -> Self {
        self.set_absent(key);
        self
    }

    /// In-place form of [`Context::with`].
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.entries
            .insert(key.to_ascii_lowercase(), Some(vec![value.into()]));
    }

    /// In-place form of [`Context::with_values`].
    pub fn set_values<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.entries.insert(
            key.to_ascii_lowercase(),
            Some(values.into_iter().map(Into::into).collect()),
        );
    }

    /// In-place form of [`Context::with_absent`].
    pub fn set_absent(&mut self, key: &str) {
        self.entries.insert(key.to_ascii_lowercase(), None);
    }

    /// Forgets what was said about `key` (it becomes unknown again, or absent in a closed world).
    pub fn forget(&mut self, key: &str) {
        self.entries.remove(&key.to_ascii_lowercase());
    }

    /// Whether something (a value or "absent") was said about `key`.
    pub fn is_given(&self, key: &str) -> bool {
        self.entries.contains_key(&key.to_ascii_lowercase())
    }

    /// The state of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> KeyValue {
        match self.entries.get(&key.to_ascii_lowercase()) {
            Some(Some(values)) if values.is_empty() => KeyValue::Absent,
            Some(Some(values)) => KeyValue::Values(values.clone()),
            Some(None) => KeyValue::Absent,
            None if self.absent_unless_given => KeyValue::Absent,
            None => KeyValue::Unknown,
        }
    }
}
