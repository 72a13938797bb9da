//! Keyed resource maps whose only read access by key says "found", "absent" or "unreadable".
//!
//! A plain `BTreeMap::get` answers `None` both when AWS said the thing does not exist and when
//! the call that would have read it was denied, throttled, failed or never made. The engine's
//! worst answer is a false `pass`, so it must not be able to mistake the second for the first:
//! [`Keyed`] has no `get`, `contains_key` or `Index`, and the [`crate::Snapshot`] accessors
//! ([`crate::Snapshot::subnet`], [`crate::Snapshot::role`] …) are the only keyed reads. They return a
//! [`Found`], decided from the map *and* [`crate::Snapshot::calls`].

use std::collections::btree_map;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A map of resources keyed by the ID (or the reference) the snapshot reads them by.
///
/// Serialised exactly as the `BTreeMap<String, T>` it wraps (the snapshot format does not
/// change).
///
/// There is deliberately **no `get`, `contains_key` or `Index`**: a missing key does not tell
/// "AWS said it does not exist" from "the call was denied, throttled, failed or not made".
/// Keyed reads go through the [`Snapshot`] accessors, which look at the recorded calls and
/// answer a three-state [`Found`]. Builders (the collector, tests) get mutation (`insert`,
/// `remove`, `get_mut`) and iteration; the engine only ever holds a `&Snapshot`, so `get_mut`
/// is out of its reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Keyed<T>(BTreeMap<String, T>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(BTreeMap::new())
    }
}

impl<T> Keyed<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, key: String, value: T) -> Option<T> {
        self.0.insert(key, value)
    }

    pub fn clear(&mut self) {
        self.0.clear()
    }

    pub fn retain(&mut self, f: impl FnMut(&String, &mut T) -> bool) {
        self.0.retain(f)
    }

    pub fn remove(&mut self, key: &str) -> Option<T> {
        self.0.remove(key)
    }

    /// For builders: the engine holds a `&Snapshot` and cannot call this.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.0.get_mut(key)
    }

    pub fn values(&self) -> btree_map::Values<'_, String, T> {
        self.0.values()
    }

    pub fn values_mut(&mut self) -> btree_map::ValuesMut<'_, String, T> {
        self.0.values_mut()
    }

    pub fn iter(&self) -> btree_map::Iter<'_, String, T> {
        self.0.iter()
    }

    pub fn keys(&self) -> btree_map::Keys<'_, String, T> {
        self.0.keys()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The plain read, for this crate's accessors ([`crate::lookup`]) only.
    pub(crate) fn find(&self, key: &str) -> Option<&T> {
        self.0.get(key)
    }
}

impl<T> From<BTreeMap<String, T>> for Keyed<T> {
    fn from(map: BTreeMap<String, T>) -> Self {
        Keyed(map)
    }
}

impl<T> FromIterator<(String, T)> for Keyed<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        Keyed(iter.into_iter().collect())
    }
}

impl<T> Extend<(String, T)> for Keyed<T> {
    fn extend<I: IntoIterator<Item = (String, T)>>(&mut self, iter: I) {
        self.0.extend(iter)
    }
}

impl<T> IntoIterator for Keyed<T> {
    type Item = (String, T);
    type IntoIter = btree_map::IntoIter<String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Keyed<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = btree_map::Iter<'a, String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// What the snapshot says about one keyed resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a, T> {
    Yes(&'a T),
    /// AWS said it does not exist: a call scoped to it found nothing, or a successful read
    /// that would have returned it did not.
    Missing,
    /// It could not be read (denied, throttled, failed) or was not looked up: a check that needs
    /// it is `unknown`, with this reason.
    Unknown(String),
}

impl<'a, T> Found<'a, T> {
    /// The value, if found. For evidence and wording only, where an absent and an unreadable
    /// resource are both simply left out: a decision must match all three cases.
    pub fn evidence(self) -> Option<&'a T> {
        match self {
            Found::Yes(v) => Some(v),
            Found::Missing | Found::Unknown(_) => None,
        }
    }
}
