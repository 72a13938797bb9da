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
//!   in [`Snapshot::calls`] (the read log of [`ApiCall`]s). The engine uses [`Snapshot::call_failure`]
//!   to say `unknown`.
//! - Unknown fields are rejected, so that a typo in a hand-written snapshot is reported with its
//!   line, column and field instead of being silently ignored; `schema_version` guards changes.

mod collection;
pub mod image;
mod keyed;
mod load;
mod lookup;
mod model;
pub mod needs;
mod ops;
mod partitions;
mod read;
pub mod refs;

pub use collection::Collection;
pub use keyed::{Found, Keyed};
pub use load::{load_file, load_partitions_file, load_partitions_str, load_str, LoadError};
pub use model::*;
pub use ops::Op;
pub use partitions::Snapshots;
pub use read::{ApiCall, CallOutcome, FactOrigin, FieldOrigin, Origin, Provided, Scope};

/// The snapshot format version this build writes.
///
/// - 2: calls carry a typed [`Scope`] instead of one joined string; facts from files and
///   events are recorded in [`Snapshot::provided`] and [`Target::origins`].
/// - 1: the first format. Still read: its scopes are typed by [`Scope::from_legacy`], and a
///   version-1 snapshot gives the same report it always gave.
pub const SCHEMA_VERSION: u32 = 2;

/// Every version this build reads.
pub const READS_SCHEMA_VERSIONS: &[u32] = &[1, 2];
