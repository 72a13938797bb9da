//! The snapshot model: our own typed, serde-serialisable, versioned description of every AWS
//! resource a Fargate diagnosis reads, plus the outcome of every API call that produced it.
//!
//! It is both the offline file format (`--save-snapshot FILE`, `diagnose FILE`) and the only
//! input of the engine. The AWS SDK's own types have no serde support, so the collector maps
//! them into these types; nothing here depends on the SDK.
//!
//! Conventions:
//! - Resource IDs are AWS's own (`subnet-…`, `rtb-…`); maps are keyed by them (`BTreeMap`, so a
//!   saved snapshot is stable and diffable).
//! - A field whose value the collector could not read is `None`; *why* it could not be read is
//!   in [`Snapshot::calls`]. The engine uses [`Snapshot::call_failure`] to say `unknown`.
//! - Unknown fields are rejected, so that a typo in a hand-written snapshot is reported with its
//!   line, column and field instead of being silently ignored; `schema_version` guards changes.

pub mod image;
mod keyed;
mod load;
mod model;
pub mod needs;
mod ops;
pub mod refs;

pub use keyed::{Found, Keyed};
pub use load::{load_file, load_str, LoadError};
pub use model::*;
pub use ops::Op;

/// The snapshot format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
