//! A run that read more than one (account, Region): one [`Snapshot`] per partition.
//!
//! Every fact of a [`Snapshot`] belongs to one account and one Region (a subnet ID, a role ARN,
//! an endpoint's DNS name mean something only there), so the engine diagnoses each partition
//! on its own and the report lists the targets of all of them. A `scan --region A --region B`
//! reads two partitions; every other run reads one.

use serde::{Serialize, Serializer};

use crate::Snapshot;

/// What one run read: one [`Snapshot`] per (account, Region) partition, in the order read.
/// Never empty.
///
/// In a file, one partition is written as the plain snapshot (the form every version wrote and
/// reads); several as `{"schema_version": 2, "partitions": [snapshot, …]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshots(Vec<Snapshot>);

impl Snapshots {
    /// The snapshots of a run, or `None` when there is none.
    pub fn new(partitions: Vec<Snapshot>) -> Option<Snapshots> {
        (!partitions.is_empty()).then_some(Snapshots(partitions))
    }

    pub fn partitions(&self) -> &[Snapshot] {
        &self.0
    }

    pub fn into_partitions(self) -> Vec<Snapshot> {
        self.0
    }

    /// The partitions' targets, in order.
    pub fn targets(&self) -> impl Iterator<Item = &crate::Target> {
        self.0.iter().flat_map(|p| &p.targets)
    }

    /// Every AWS call of every partition.
    pub fn api_calls(&self) -> usize {
        self.0.iter().map(|p| p.calls.len()).sum()
    }
}

impl From<Snapshot> for Snapshots {
    fn from(snapshot: Snapshot) -> Self {
        Snapshots(vec![snapshot])
    }
}

impl Serialize for Snapshots {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Many<'a> {
            schema_version: u32,
            partitions: &'a [Snapshot],
        }
        match self.0.as_slice() {
            [one] => one.serialize(serializer),
            many => Many {
                schema_version: crate::SCHEMA_VERSION,
                partitions: many,
            }
            .serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn snap(region: &str) -> Snapshot {
        let mut s = Snapshot::new(region);
        s.account_id = Some("123456789012".into());
        s
    }

    #[test]
    fn one_partition_is_the_plain_snapshot() {
        let one = Snapshots::from(snap("us-east-1"));
        let text = serde_json::to_string(&one).unwrap();
        assert_eq!(text, serde_json::to_string(&snap("us-east-1")).unwrap());
        let back = crate::load_partitions_str(&text, Path::new("one.json")).unwrap();
        assert_eq!(back, one);
    }

    #[test]
    fn several_partitions_round_trip() {
        let two = Snapshots::new(vec![snap("us-east-1"), snap("eu-west-1")]).unwrap();
        let text = serde_json::to_string_pretty(&two).unwrap();
        assert!(text.contains("\"partitions\""), "{text}");
        let back = crate::load_partitions_str(&text, Path::new("two.json")).unwrap();
        assert_eq!(back, two);
        assert_eq!(back.partitions()[1].region, "eu-west-1");
        // The single-snapshot reader says what it cannot read, with the field.
        let e = crate::load_str(&text, Path::new("two.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("partitions"), "{e}");
    }

    #[test]
    fn a_bad_partition_is_named_by_its_index() {
        let text = r#"{"schema_version": 2, "partitions": [
            {"schema_version": 2, "region": "us-east-1", "targets": []},
            {"schema_version": 2, "region": "eu-west-1", "targets": [], "netwrok": {}}
        ]}"#;
        let e = crate::load_partitions_str(text, Path::new("p.json"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.json:3:"), "{e}");
        assert!(e.contains("partitions[1]"), "{e}");
        let e = crate::load_partitions_str(
            r#"{"schema_version": 2, "partitions": []}"#,
            Path::new("p.json"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no partitions"), "{e}");
        assert_eq!(Snapshots::new(vec![]), None);
    }
}
