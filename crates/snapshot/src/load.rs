use std::path::{Path, PathBuf};

use crate::{Snapshot, Snapshots, READS_SCHEMA_VERSIONS, SCHEMA_VERSION};

/// Why a snapshot file could not be used. The `Display` form names the file, the line and column,
/// and the field (as a JSON path) so that a hand-edited snapshot can be fixed without guessing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    // The io error is part of the message (not a `#[source]`), so that printing the chain
    // does not say it twice.
    #[error("{path}: cannot read the snapshot file: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid snapshot{}: {message}", field_suffix(.field))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        /// JSON path of the offending field (`targets[0].network_configuration.subnets`).
        field: String,
        message: String,
    },
    #[error(
        "{path}: unsupported snapshot schema_version {found} (this fargate-doctor reads versions 1 to {expected}); \
         re-collect it with this version or upgrade fargate-doctor"
    )]
    Version {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
}

fn field_suffix(field: &str) -> String {
    if field.is_empty() || field == "." {
        String::new()
    } else {
        format!(" at field `{field}`")
    }
}

/// Reads and validates a snapshot file.
pub fn load_file(path: &Path) -> Result<Snapshot, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    load_str(&text, path)
}

/// Parses and validates snapshot text; `path` is used in error messages only.
pub fn load_str(text: &str, path: &Path) -> Result<Snapshot, LoadError> {
    check_version(text, path)?;
    let snapshot: Snapshot = parse(text, path)?;
    normalise(snapshot, path)
}

/// Reads a snapshot file of one or more partitions (`scan --region A --region B` writes
/// several; every other run, and every earlier version, one).
pub fn load_partitions_file(path: &Path) -> Result<Snapshots, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    load_partitions_str(&text, path)
}

/// [`load_partitions_file`] on text; `path` is used in error messages only.
pub fn load_partitions_str(text: &str, path: &Path) -> Result<Snapshots, LoadError> {
    #[derive(serde::Deserialize)]
    struct Shape {
        partitions: Option<serde::de::IgnoredAny>,
    }
    let many = matches!(
        serde_json::from_str::<Shape>(text),
        Ok(Shape {
            partitions: Some(_)
        })
    );
    if !many {
        return load_str(text, path).map(Snapshots::from);
    }
    check_version(text, path)?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Many {
        #[allow(dead_code)]
        schema_version: u32,
        partitions: Vec<Snapshot>,
    }
    let many: Many = parse(text, path)?;
    let partitions = many
        .partitions
        .into_iter()
        .map(|p| normalise(p, path))
        .collect::<Result<Vec<_>, _>>()?;
    Snapshots::new(partitions).ok_or_else(|| LoadError::Invalid {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        field: "partitions".into(),
        message: "no partitions: nothing to diagnose".into(),
    })
}

/// The version first: a snapshot from a newer fargate-doctor has fields this one does not
/// know, and "unknown field" would hide the real reason.
fn check_version(text: &str, path: &Path) -> Result<(), LoadError> {
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        schema_version: Option<u32>,
    }
    if let Ok(VersionOnly {
        schema_version: Some(found),
    }) = serde_json::from_str::<VersionOnly>(text)
    {
        if !READS_SCHEMA_VERSIONS.contains(&found) {
            return Err(LoadError::Version {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
    }
    Ok(())
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, LoadError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let field = err.path().to_string();
        let inner = err.into_inner();
        LoadError::Invalid {
            path: path.to_path_buf(),
            line: inner.line(),
            column: inner.column(),
            field,
            message: strip_position(&inner.to_string()),
        }
    })?;
    // Trailing garbage after the document.
    de.end().map_err(|inner| LoadError::Invalid {
        path: path.to_path_buf(),
        line: inner.line(),
        column: inner.column(),
        field: String::new(),
        message: strip_position(&inner.to_string()),
    })?;
    Ok(value)
}

/// A version this build reads, read into this version's model (a version-1 scope string is
/// typed by now): written back, it is a current snapshot.
fn normalise(mut snapshot: Snapshot, path: &Path) -> Result<Snapshot, LoadError> {
    if !READS_SCHEMA_VERSIONS.contains(&snapshot.schema_version) {
        return Err(LoadError::Version {
            path: path.to_path_buf(),
            found: snapshot.schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    snapshot.schema_version = SCHEMA_VERSION;
    Ok(snapshot)
}

/// serde_json appends " at line L column C" to its messages; we print the position up front.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        load_str(text, Path::new("snap.json"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn wrong_type_names_line_column_and_field() {
        let text = "{\n  \"schema_version\": 1,\n  \"region\": \"us-east-1\",\n  \"targets\": [\n    {\"kind\": \"task\", \"cluster\": \"c\", \"name\": 5}\n  ]\n}";
        let e = err(text);
        assert!(e.starts_with("snap.json:5:"), "{e}");
        assert!(e.contains("targets[0].name"), "{e}");
        assert!(e.contains("invalid type"), "{e}");
    }

    #[test]
    fn unknown_field_is_rejected_with_its_name() {
        let e = err(r#"{"schema_version": 1, "region": "r", "targets": [], "netwrok": {}}"#);
        assert!(e.contains("unknown field `netwrok`"), "{e}");
    }

    #[test]
    fn a_subnet_without_any_address_block_is_refused() {
        let text = r#"{"schema_version": 1, "region": "r", "targets": [],
          "network": {"subnets": {"subnet-1": {"id": "subnet-1", "vpc_id": "vpc-1",
             "availability_zone": "r-1a", "ipv6_native": true}}}}"#;
        let e = err(text);
        assert!(e.contains("network.subnets.subnet-1"), "{e}");
        assert!(e.contains("neither `cidr_block`"), "{e}");
        // IPv6-only, as AWS describes it: no IPv4 block, an IPv6 one.
        let text = r#"{"schema_version": 1, "region": "r", "targets": [],
          "network": {"subnets": {"subnet-1": {"id": "subnet-1", "vpc_id": "vpc-1",
             "availability_zone": "r-1a", "ipv6_native": true,
             "ipv6_cidr_blocks": ["2600:1f18:1:100::/64"]}}}}"#;
        let snap = load_str(text, Path::new("snap.json")).expect("IPv6-only subnet");
        assert!(snap
            .network
            .subnets
            .values()
            .all(|s| s.cidr_block.is_none()));
    }

    #[test]
    fn bad_cidr_names_the_field() {
        let text = r#"{"schema_version": 1, "region": "r", "targets": [],
          "network": {"subnets": {"subnet-1": {"id": "subnet-1", "vpc_id": "vpc-1",
             "cidr_block": "10.0.0.0/33", "availability_zone": "r-1a"}}}}"#;
        let e = err(text);
        assert!(e.contains("network.subnets.subnet-1.cidr_block"), "{e}");
        assert!(e.starts_with("snap.json:3:"), "{e}");
    }

    #[test]
    fn other_schema_version_is_refused() {
        let e = err(r#"{"schema_version": 7, "region": "r", "targets": []}"#);
        assert!(e.contains("schema_version 7"), "{e}");
    }

    #[test]
    fn newer_schema_version_is_refused_before_its_unknown_fields() {
        let e = err(r#"{"schema_version": 3, "region": "r", "targets": [], "fleet": {}}"#);
        assert!(e.contains("unsupported snapshot schema_version 3"), "{e}");
        assert!(!e.contains("unknown field"), "{e}");
    }

    #[test]
    fn not_json_is_reported_with_position() {
        let e = err("{\n  \"schema_version\": 1,\n  oops\n}");
        assert!(e.starts_with("snap.json:3:3"), "{e}");
    }

    fn service(digests: &str) -> String {
        format!(
            r#"{{"schema_version": 1, "region": "r", "targets": [
              {{"kind": "service", "cluster": "c", "name": "web",
                "deployed_digests": {digests}}}]}}"#
        )
    }

    #[test]
    fn running_digests_are_a_list_or_why_they_were_not_read() {
        use crate::{DeployedDigest, RunningDigests};
        // The plain list of every snapshot written so far.
        let s = load_str(
            &service(r#"[{"container": "app", "image": "i:1", "digest": "sha256:01"}]"#),
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            s.targets[0].deployed_digests,
            RunningDigests::Found(vec![DeployedDigest {
                container: "app".into(),
                image: "i:1".into(),
                digest: "sha256:01".into(),
            }])
        );
        // Left out: read, none.
        let s = load_str(
            r#"{"schema_version": 1, "region": "r", "targets": [
              {"kind": "task", "cluster": "c", "name": "t"}]}"#,
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(s.targets[0].deployed_digests.found(), Some(&[][..]));
        // Not read: the call and its failure, as data.
        let s = load_str(
            &service(
                r#"{"lookup": "unreadable", "call": "ecs:ListTasks", "reason": "AccessDeniedException: no"}"#,
            ),
            Path::new("x"),
        )
        .unwrap();
        let want = RunningDigests::Unreadable {
            call: "ecs:ListTasks".into(),
            reason: "AccessDeniedException: no".into(),
        };
        assert_eq!(s.targets[0].deployed_digests, want);
        // Written back in the same two forms.
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            text.contains(r#""deployed_digests":{"lookup":"unreadable","call":"ecs:ListTasks""#),
            "{text}"
        );
        assert_eq!(load_str(&text, Path::new("x")).unwrap(), s);
        let found = serde_json::to_string(&RunningDigests::default()).unwrap();
        assert_eq!(found, "[]");
    }

    #[test]
    fn bad_running_digests_name_the_field() {
        let e = err(&service(
            r#"[{"container": "app", "image": "i:1", "digets": "x"}]"#,
        ));
        assert!(e.contains("targets[0].deployed_digests[0]"), "{e}");
        assert!(e.contains("unknown field `digets`"), "{e}");
        let e = err(&service(r#"{"lookup": "found", "value": []}"#));
        assert!(e.contains("targets[0].deployed_digests"), "{e}");
        assert!(e.starts_with("snap.json:3:"), "{e}");
        let e = err(&service(
            r#"{"lookup": "unreadable", "call": "ecs:ListTasks"}"#,
        ));
        assert!(e.contains("missing field `reason`"), "{e}");
        let e = err(&service("7"));
        assert!(e.contains("a list of deployed digests"), "{e}");
    }

    #[test]
    fn round_trip() {
        let mut s = Snapshot::new("eu-west-1");
        s.calls
            .push(crate::ApiCall::of(crate::Op::Ec2DescribeSubnets, None));
        let text = serde_json::to_string_pretty(&s).unwrap();
        assert_eq!(load_str(&text, Path::new("x")).unwrap(), s);
    }
}
