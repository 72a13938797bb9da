//! The read log: where every fact of a snapshot came from.
//!
//! A fact comes from one of three places:
//! - an **AWS call** ([`ApiCall`]): its typed operation ([`Op`]), its typed [`Scope`] (the key,
//!   the filter and its values, the part of a resource it read) and its outcome. Whether a key
//!   that is not in a map is missing or unknown is decided from these ([`crate::Found`]);
//! - a **file** that will create it ([`Origin::File`]: a CloudFormation template, a Terraform
//!   plan, a task definition file), with the path, the line and the logical ID or address;
//! - an **event** that carried it ([`Origin::Event`]: an EventBridge event from ECS), with the
//!   event's ID and the field.
//!
//! Facts from files and events are recorded in [`crate::Snapshot::provided`] as
//! [`Provided`] entries: which [`Collection`] and key they put into the snapshot, and from where.
//! A keyed lookup of a provided key is never answered from AWS calls: a role that a template
//! creates does not exist yet, and a `GetRole` that found nothing must not make it "missing".

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Op;

/// What one AWS call covered, typed (in the snapshot file: `{"key": …}`, `{"filter": {"name":
/// …, "values": […]}}`, `{"part": {"of": …, "part": …}}`, `{"batch": {…}}`; no scope at all
/// for a call that read the whole account and Region).
///
/// Snapshots of schema version 1 wrote the scope as one string (IDs joined by commas); they are
/// read into these types by [`Scope::from_legacy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Scope {
    /// One resource by its ID, name, ARN or reference as the task definition gives it (a role
    /// ARN, an image reference, a secret ID, `us-east-1:/ecs/app` for a log group).
    Key(String),
    /// An EC2 `Filters` entry: every item whose `name` (`subnet-id`, `vpc-id`,
    /// `attachment.vpc-id`, `association.subnet-id` …) is one of `values`.
    Filter { name: String, values: Vec<String> },
    /// One part of one resource: an attribute of a VPC (`enableDnsSupport`), an inline policy
    /// of a role (its name).
    Part { of: String, part: String },
    /// Some items of a service or a cluster (`ListTasks`, `DescribeTasks`, `DescribeServices`
    /// of a scan): `what` is `running tasks`, `stopped tasks`, `services`; `of` the service or
    /// cluster; `count` the number of items asked for, when the call named them.
    Batch {
        what: String,
        of: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<usize>,
    },
}

impl Scope {
    pub fn key(key: impl Into<String>) -> Scope {
        Scope::Key(key.into())
    }

    pub fn filter(name: &str, values: &[String]) -> Scope {
        Scope::Filter {
            name: name.to_string(),
            values: values.to_vec(),
        }
    }

    /// Whether this scope names `key` itself: a key lookup of it, or a filter on `id_filter`
    /// (the operation's own ID filter, `subnet-id` for DescribeSubnets) that lists it.
    pub fn names(&self, key: &str, id_filter: Option<&str>) -> bool {
        match self {
            Scope::Key(k) => k == key,
            Scope::Filter { name, values } => {
                Some(name.as_str()) == id_filter && values.iter().any(|v| v == key)
            }
            Scope::Part { .. } | Scope::Batch { .. } => false,
        }
    }

    /// Whether this scope is about `key` alone: the lookup of `key`, or a filter on `id_filter`
    /// whose only value is `key`. Its outcome is the outcome for `key` (a retry that answered
    /// wins over the failure before it).
    pub fn is_only(&self, key: &str, id_filter: Option<&str>) -> bool {
        match self {
            Scope::Key(k) => k == key,
            Scope::Filter { name, values } => {
                Some(name.as_str()) == id_filter && values.len() == 1 && values[0] == key
            }
            Scope::Part { .. } | Scope::Batch { .. } => false,
        }
    }

    /// Whether this scope is exactly the one-resource lookup of `key`.
    pub fn is_key(&self, key: &str) -> bool {
        matches!(self, Scope::Key(k) if k == key)
    }

    /// The scope of a schema-version-1 call of `op`, written as one string. Version 1 joined the
    /// values of an EC2 filter with commas and did not say which filter; which one it was follows
    /// from the operation and from the IDs themselves (a `vpc-` ID in a subnet read is the
    /// VPC-wide read) — exactly what the collector of that version did.
    pub fn from_legacy(op: Op, text: &str) -> Scope {
        let values = || -> Vec<String> { text.split(',').map(|v| v.trim().to_string()).collect() };
        let by_vpc = || values().iter().all(|v| v.starts_with("vpc-"));
        let filter = |name: &str| Scope::Filter {
            name: name.to_string(),
            values: values(),
        };
        let part = || match text.split_once(' ') {
            Some((of, part)) => Scope::Part {
                of: of.to_string(),
                part: part.to_string(),
            },
            None => Scope::Key(text.to_string()),
        };
        match op {
            Op::Ec2DescribeVpcs
            | Op::Ec2DescribeRouteTables
            | Op::Ec2DescribeNatGateways
            | Op::Ec2DescribeVpcEndpoints => filter("vpc-id"),
            Op::Ec2DescribeInternetGateways => filter("attachment.vpc-id"),
            Op::Ec2DescribeDhcpOptions => filter("dhcp-options-id"),
            Op::Ec2DescribeNetworkInterfaces => filter("network-interface-id"),
            Op::Ec2DescribeVpcPeeringConnections => filter("vpc-peering-connection-id"),
            Op::Ec2DescribeSubnets if by_vpc() => filter("vpc-id"),
            Op::Ec2DescribeSubnets => filter("subnet-id"),
            Op::Ec2DescribeSecurityGroups if by_vpc() => filter("vpc-id"),
            Op::Ec2DescribeSecurityGroups => filter("group-id"),
            Op::Ec2DescribeNetworkAcls if by_vpc() => filter("vpc-id"),
            Op::Ec2DescribeNetworkAcls => filter("association.subnet-id"),
            Op::Ec2DescribeVpcAttribute | Op::IamGetRolePolicy => part(),
            Op::EcsDescribeTasks | Op::EcsListTasks | Op::EcsDescribeServices => legacy_batch(text),
            _ => Scope::Key(text.to_string()),
        }
    }
}

/// `"3 stopped tasks of web"`, `"running tasks of web"`, `"10 services of prod"`; anything
/// else was a task ID or a service name.
fn legacy_batch(text: &str) -> Scope {
    let Some((head, of)) = text.rsplit_once(" of ") else {
        return Scope::Key(text.to_string());
    };
    let (count, what) = match head.split_once(' ') {
        Some((n, rest)) => match n.parse() {
            Ok(n) => (Some(n), rest),
            Err(_) => (None, head),
        },
        None => (None, head),
    };
    if !(what.ends_with("tasks") || what == "services") {
        return Scope::Key(text.to_string());
    }
    Scope::Batch {
        what: what.to_string(),
        of: of.to_string(),
        count,
    }
}

/// A lookup of one key.
impl From<&str> for Scope {
    fn from(key: &str) -> Self {
        Scope::Key(key.to_string())
    }
}

/// A lookup of one key.
impl From<String> for Scope {
    fn from(key: String) -> Self {
        Scope::Key(key)
    }
}

/// As messages name it: the filter's values joined by commas, `vpc-1 enableDnsSupport`,
/// `3 stopped tasks of web` (the words of schema version 1, so reports do not change).
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Key(k) => f.write_str(k),
            Scope::Filter { values, .. } => f.write_str(&values.join(",")),
            Scope::Part { of, part } => write!(f, "{of} {part}"),
            Scope::Batch {
                what,
                of,
                count: Some(n),
            } => write!(f, "{n} {what} of {of}"),
            Scope::Batch {
                what,
                of,
                count: None,
            } => write!(f, "{what} of {of}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    /// AccessDenied / UnauthorizedOperation …
    Denied,
    /// Throttling after the SDK's retries.
    Throttled,
    /// The thing asked for does not exist (a finding in itself, not a read failure).
    NotFound,
    /// Anything else: network, timeout, unparseable response, service error.
    Failed,
}

/// One AWS call and its outcome. In the snapshot file: `service` and `operation` as text (for
/// people and older readers), the typed [`Scope`] (or the joined string of schema version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCall", into = "RawCall")]
pub struct ApiCall {
    pub op: Op,
    /// What the call covered; `None` for a call that read the whole account and Region.
    pub scope: Option<Scope>,
    pub outcome: CallOutcome,
    /// The AWS error code (`UnauthorizedOperation`), when there was an error.
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// The file form of [`ApiCall`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCall {
    service: String,
    operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<RawScope>,
    outcome: CallOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum RawScope {
    /// Schema version 1.
    Legacy(String),
    Typed(Scope),
}

impl TryFrom<RawCall> for ApiCall {
    type Error = String;
    fn try_from(raw: RawCall) -> Result<Self, String> {
        let op = Op::parse(&raw.service, &raw.operation).ok_or_else(|| {
            format!(
                "unknown operation {}:{} (fargate-doctor makes none such)",
                raw.service, raw.operation
            )
        })?;
        Ok(ApiCall {
            op,
            scope: raw.scope.map(|s| match s {
                RawScope::Legacy(text) => Scope::from_legacy(op, &text),
                RawScope::Typed(scope) => scope,
            }),
            outcome: raw.outcome,
            error_code: raw.error_code,
            message: raw.message,
        })
    }
}

impl From<ApiCall> for RawCall {
    fn from(c: ApiCall) -> Self {
        RawCall {
            service: c.op.service().to_string(),
            operation: c.op.name().to_string(),
            scope: c.scope.map(RawScope::Typed),
            outcome: c.outcome,
            error_code: c.error_code,
            message: c.message,
        }
    }
}

impl ApiCall {
    /// A successful call of `op`.
    pub fn of(op: Op, scope: Option<Scope>) -> Self {
        ApiCall {
            op,
            scope,
            outcome: CallOutcome::Ok,
            error_code: None,
            message: None,
        }
    }

    /// A successful lookup of one key.
    pub fn of_key(op: Op, key: impl Into<String>) -> Self {
        Self::of(op, Some(Scope::Key(key.into())))
    }

    /// Whether this is a call of `op`.
    pub fn is(&self, op: Op) -> bool {
        self.op == op
    }

    /// Whether the call did not answer (denied, throttled, failed).
    pub fn failed(&self) -> bool {
        matches!(
            self.outcome,
            CallOutcome::Denied | CallOutcome::Throttled | CallOutcome::Failed
        )
    }

    /// A one-line reason, for an `unknown` check: "ec2:DescribeNetworkAcls was denied (UnauthorizedOperation)".
    pub fn describe_failure(&self) -> String {
        let what = match self.outcome {
            CallOutcome::Ok => "succeeded",
            CallOutcome::Denied => "was denied",
            CallOutcome::Throttled => "was throttled",
            CallOutcome::NotFound => "found nothing",
            CallOutcome::Failed => "failed",
        };
        let mut s = format!("{} {what}", self.op);
        if let Some(scope) = &self.scope {
            s.push_str(&format!(" for {scope}"));
        }
        match (&self.error_code, &self.message) {
            (Some(c), Some(m)) => s.push_str(&format!(" ({c}: {m})")),
            (Some(c), None) => s.push_str(&format!(" ({c})")),
            (None, Some(m)) => s.push_str(&format!(" ({m})")),
            (None, None) => {}
        }
        s
    }
}

/// Where a fact that no AWS call read came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Origin {
    /// A file that will create it: a CloudFormation template (`address` is the logical ID), a
    /// Terraform plan (the resource address), a task definition file.
    File {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// An EventBridge event that carried it: the event's `id` and the field (`detail.stoppedReason`).
    Event { id: String, field: String },
}

/// `template.yaml:12 (ExecutionRole)`, `event 3f0c… detail.stoppedReason`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line,
                address,
            } => {
                f.write_str(path)?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(address) = address {
                    write!(f, " ({address})")?;
                }
                Ok(())
            }
            Origin::Event { id, field } => write!(f, "event {id} {field}"),
        }
    }
}

/// One fact a file or an event put into the snapshot: the key it has in its [`Collection`]
/// (the role ARN, the log group key …), and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provided {
    pub collection: crate::Collection,
    pub key: String,
    pub origin: Origin,
}

/// One field of a target that a file or an event gave (the stopped reason of a task that may be
/// gone when the API is read): `field` is the target's field name (`stopped_reason`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOrigin {
    pub field: String,
    pub origin: Origin,
}

/// Where a keyed fact came from, as [`crate::Snapshot::origin`] answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactOrigin<'a> {
    /// The successful AWS call that read it.
    Call(&'a ApiCall),
    /// The file or event that gave it.
    Provided(&'a Origin),
}

impl fmt::Display for FactOrigin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactOrigin::Call(c) => match &c.scope {
                Some(scope) => write!(f, "{} for {scope}", c.op),
                None => write!(f, "{}", c.op),
            },
            FactOrigin::Provided(o) => write!(f, "{o}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_scopes_are_typed_by_their_operation() {
        let ids = |name: &str, v: &[&str]| Scope::Filter {
            name: name.into(),
            values: v.iter().map(|s| s.to_string()).collect(),
        };
        let cases = [
            (
                Op::Ec2DescribeSubnets,
                "subnet-a,subnet-b",
                ids("subnet-id", &["subnet-a", "subnet-b"]),
            ),
            (Op::Ec2DescribeSubnets, "vpc-1", ids("vpc-id", &["vpc-1"])),
            (
                Op::Ec2DescribeSecurityGroups,
                "sg-1",
                ids("group-id", &["sg-1"]),
            ),
            (
                Op::Ec2DescribeInternetGateways,
                "vpc-1,vpc-2",
                ids("attachment.vpc-id", &["vpc-1", "vpc-2"]),
            ),
            (
                Op::Ec2DescribeVpcAttribute,
                "vpc-1 enableDnsSupport",
                Scope::Part {
                    of: "vpc-1".into(),
                    part: "enableDnsSupport".into(),
                },
            ),
            (
                Op::EcsDescribeTasks,
                "3 stopped tasks of web",
                Scope::Batch {
                    what: "stopped tasks".into(),
                    of: "web".into(),
                    count: Some(3),
                },
            ),
            (
                Op::EcsListTasks,
                "running tasks of web",
                Scope::Batch {
                    what: "running tasks".into(),
                    of: "web".into(),
                    count: None,
                },
            ),
            (Op::EcsDescribeTasks, "abc123", Scope::key("abc123")),
            (
                Op::EcsDescribeServices,
                "10 services of prod",
                Scope::Batch {
                    what: "services".into(),
                    of: "prod".into(),
                    count: Some(10),
                },
            ),
            (Op::EcsDescribeServices, "web", Scope::key("web")),
            (
                Op::IamGetRole,
                "arn:aws:iam::1:role/r",
                Scope::key("arn:aws:iam::1:role/r"),
            ),
        ];
        for (op, text, want) in cases {
            let got = Scope::from_legacy(op, text);
            assert_eq!(got, want, "{op} {text}");
            // Messages read as they did in version 1.
            assert_eq!(got.to_string(), text);
        }
    }

    #[test]
    fn a_call_reads_both_forms_and_writes_the_typed_one() {
        let v1 = r#"{"service":"ec2","operation":"DescribeSubnets","scope":"subnet-a,subnet-b","outcome":"ok"}"#;
        let call: ApiCall = serde_json::from_str(v1).unwrap();
        assert!(call.is(Op::Ec2DescribeSubnets));
        assert!(call
            .scope
            .as_ref()
            .unwrap()
            .names("subnet-b", Some("subnet-id")));
        let v2 = serde_json::to_string(&call).unwrap();
        assert_eq!(
            v2,
            r#"{"service":"ec2","operation":"DescribeSubnets","scope":{"filter":{"name":"subnet-id","values":["subnet-a","subnet-b"]}},"outcome":"ok"}"#
        );
        assert_eq!(serde_json::from_str::<ApiCall>(&v2).unwrap(), call);
        let bad = r#"{"service":"ec2","operation":"RunInstances","outcome":"ok"}"#;
        let e = serde_json::from_str::<ApiCall>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown operation ec2:RunInstances"), "{e}");
    }

    #[test]
    fn a_filter_names_only_ids_of_its_own_filter() {
        let s = Scope::filter("vpc-id", &["vpc-1".to_string()]);
        assert!(!s.names("vpc-1", Some("subnet-id")));
        assert!(s.names("vpc-1", Some("vpc-id")));
        assert!(!Scope::key("a").names("b", None));
    }

    #[test]
    fn origins_read_as_a_place() {
        let file = Origin::File {
            path: "template.yaml".into(),
            line: Some(12),
            address: Some("ExecutionRole".into()),
        };
        assert_eq!(file.to_string(), "template.yaml:12 (ExecutionRole)");
        let event = Origin::Event {
            id: "3f0c".into(),
            field: "detail.stoppedReason".into(),
        };
        assert_eq!(event.to_string(), "event 3f0c detail.stoppedReason");
    }
}
