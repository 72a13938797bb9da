//! Parsing of IAM policy documents (identity, boundary, resource, endpoint, key and trust
//! policies all share this grammar).
//!
//! The parser walks a [`serde_json::Value`] by hand instead of deriving `Deserialize`, so that
//! every error names the policy, the statement and the element that is wrong.

use std::fmt;

use serde_json::{Map, Value};

/// A parsed policy document plus the name it is known by (managed policy ARN, inline policy
/// name, "key policy of <key ARN>", …), which every decision cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    source: String,
    version: Option<String>,
    id: Option<String>,
    statements: Vec<Statement>,
}

/// Why a policy document could not be parsed. Display: `policy '<source>': <what is wrong>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The source name given to [`Policy::parse`].
    pub policy: String,
    /// What is wrong, including the statement index and element where it applies.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy '{}': {}", self.policy, self.message)
    }
}

impl std::error::Error for PolicyError {}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` for identity-based policies and boundaries.
    pub principal: Option<PrincipalElement>,
    pub action: ActionElement,
    /// `Resource` / `NotResource`; `None` means "the resource the policy is attached to"
    /// (trust policies, ECR repository policies) and matches any requested resource.
    pub resource: Option<ResourceElement>,
    /// All conditions of the `Condition` block; they are ANDed.
    pub conditions: Vec<Condition>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalElement {
    Principal(PrincipalSpec),
    NotPrincipal(PrincipalSpec),
}

/// The value of a `Principal` / `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"Principal": "*"`.
    Any,
    /// `"Principal": {"AWS": …, "Service": …, …}`, flattened.
    Entries(Vec<PrincipalEntry>),
}

/// One principal named in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"AWS"`: `"*"`, an account ID, `arn:…:iam::ACCT:root`, a role/user ARN, an assumed-role
    /// session ARN (or a unique ID such as `AROA…` left over after a role was deleted).
    Aws(String),
    /// `"Service"`, e.g. `ecs-tasks.amazonaws.com`.
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// `Action` or `NotAction`, each a list of (possibly wildcarded) `service:action` patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionElement {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

/// `Resource` or `NotResource`, each a list of (possibly wildcarded) ARN patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceElement {
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

/// One `operator: {key: values}` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// The condition key as written (lookups are case-insensitive).
    pub key: String,
    /// The policy values; JSON booleans and numbers are kept as their JSON text.
    pub values: Vec<String>,
}

/// A condition operator, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The operator as written in the policy.
    pub name: String,
    pub kind: OperatorKind,
    pub set: Option<SetQualifier>,
    /// The `…IfExists` suffix.
    pub if_exists: bool,
}

/// The operator family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorKind {
    /// A matching operator; `negated` for the `…Not…` forms (`StringNotEquals`,
    /// `ArnNotLike`, `NumericNotEquals`, `NotIpAddress`, …).
    Match { base: MatchBase, negated: bool },
    /// `Null`: "true" = the key is absent, "false" = the key is present.
    Null,
    /// Recognised as an operator but not modelled (Date*, Binary*): evaluation yields Unknown.
    Unsupported,
}

/// What a (non-negated) matching operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBase {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    /// `ArnEquals` and `ArnLike` behave identically in AWS: each of the six ARN segments is
    /// matched separately, with `*`/`?` wildcards, case-sensitively.
    Arn,
    Numeric(NumericOp),
    Bool,
    IpAddress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericOp {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

/// `ForAnyValue:` / `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

impl Policy {
    /// Parses a policy document. `source` is the name findings will cite (policy ARN, inline
    /// policy name, "endpoint policy of vpce-…"). The JSON must already be URL-decoded (IAM
    /// `GetRolePolicy`/`GetPolicyVersion` return it URL-encoded).
    pub fn parse(source: &str, json: &str) -> Result<Policy, PolicyError> {
        let err = |message: String| PolicyError {
            policy: source.to_string(),
            message,
        };
        let value: Value =
            serde_json::from_str(json).map_err(|e| err(format!("invalid JSON: {e}")))?;
        Self::from_value(source, &value).map_err(err)
    }

    /// Like [`Policy::parse`], for an already decoded JSON value.
    pub fn from_json_value(source: &str, value: &Value) -> Result<Policy, PolicyError> {
        Self::from_value(source, value).map_err(|message| PolicyError {
            policy: source.to_string(),
            message,
        })
    }

    fn from_value(source: &str, value: &Value) -> Result<Policy, String> {
        let obj = value
            .as_object()
            .ok_or_else(|| format!("the document must be a JSON object, got {}", kind(value)))?;
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        for (key, v) in obj {
            match key.as_str() {
                "Version" => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| format!("Version must be a string, got {}", kind(v)))?;
                    if s != "2012-10-17" && s != "2008-10-17" {
                        return Err(format!(
                            "Version must be \"2012-10-17\" or \"2008-10-17\", got {s:?}"
                        ));
                    }
                    version = Some(s.to_string());
                }
                "Id" => {
                    id = Some(
                        v.as_str()
                            .ok_or_else(|| format!("Id must be a string, got {}", kind(v)))?
                            .to_string(),
                    );
                }
                "Statement" => {
                    let list: Vec<&Value> = match v {
                        Value::Array(items) => items.iter().collect(),
                        Value::Object(_) => vec![v],
                        other => {
                            return Err(format!(
                                "Statement must be an object or an array of objects, got {}",
                                kind(other)
                            ))
                        }
                    };
                    let parsed = list
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            parse_statement(s).map_err(|m| format!("Statement[{i}]: {m}"))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    statements = Some(parsed);
                }
                other => return Err(format!("unknown top-level element {other:?}")),
            }
        }
        let statements = statements.ok_or_else(|| "no Statement element".to_string())?;
        Ok(Policy {
            source: source.to_string(),
            version,
            id,
            statements,
        })
    }

    /// The name given at parse time.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// `Version`, if present.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `Id`, if present.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The statements, in document order (their index is what [`super::StatementRef`] cites).
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Policy variables (`${aws:username}`) are only interpreted in version 2012-10-17
    /// documents; in 2008-10-17 (or unversioned) documents they are literal text.
    pub(crate) fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_statement(v: &Value) -> Result<Statement, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("must be an object, got {}", kind(v)))?;
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(format!("unknown element {key:?}"));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("Sid must be a string, got {}", kind(other))),
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(Value::String(s)) => {
            return Err(format!("Effect must be \"Allow\" or \"Deny\", got {s:?}"))
        }
        Some(other) => return Err(format!("Effect must be a string, got {}", kind(other))),
        None => return Err("no Effect element".into()),
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err("has both Principal and NotPrincipal".into()),
        (Some(p), None) => Some(PrincipalElement::Principal(
            parse_principal(p).map_err(|m| format!("Principal: {m}"))?,
        )),
        (None, Some(p)) => Some(PrincipalElement::NotPrincipal(
            parse_principal(p).map_err(|m| format!("NotPrincipal: {m}"))?,
        )),
        (None, None) => None,
    };
    let action = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(_), Some(_)) => return Err("has both Action and NotAction".into()),
        (Some(a), None) => ActionElement::Action(parse_actions(a, "Action")?),
        (None, Some(a)) => ActionElement::NotAction(parse_actions(a, "NotAction")?),
        (None, None) => return Err("has neither Action nor NotAction".into()),
    };
    let resource = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(_), Some(_)) => return Err("has both Resource and NotResource".into()),
        (Some(r), None) => Some(ResourceElement::Resource(string_list(r, "Resource")?)),
        (None, Some(r)) => Some(ResourceElement::NotResource(string_list(r, "NotResource")?)),
        (None, None) => None,
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(block)) => parse_conditions(block)?,
        Some(other) => return Err(format!("Condition must be an object, got {}", kind(other))),
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

fn string_list(v: &Value, element: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "{element} must hold strings, found {}",
                    kind(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "{element} must be a string or an array of strings, got {}",
            kind(other)
        )),
    }
}

fn parse_actions(v: &Value, element: &str) -> Result<Vec<String>, String> {
    let list = string_list(v, element)?;
    for a in &list {
        if a != "*" && !a.contains(':') {
            return Err(format!(
                "{element} {a:?} is neither \"*\" nor of the form service:action"
            ));
        }
    }
    Ok(list)
}

fn parse_principal(v: &Value) -> Result<PrincipalSpec, String> {
    match v {
        Value::String(s) if s == "*" => Ok(PrincipalSpec::Any),
        Value::String(s) => Err(format!(
            "a string principal must be \"*\", got {s:?} (use {{\"AWS\": …}} or {{\"Service\": …}})"
        )),
        Value::Object(map) => {
            let mut entries = Vec::new();
            for (k, val) in map {
                let make: fn(String) -> PrincipalEntry = match k.as_str() {
                    "AWS" => PrincipalEntry::Aws,
                    "Service" => PrincipalEntry::Service,
                    "Federated" => PrincipalEntry::Federated,
                    "CanonicalUser" => PrincipalEntry::CanonicalUser,
                    other => {
                        return Err(format!(
                            "unknown principal type {other:?} (expected AWS, Service, Federated or CanonicalUser)"
                        ))
                    }
                };
                entries.extend(string_list(val, k)?.into_iter().map(make));
            }
            Ok(PrincipalSpec::Entries(entries))
        }
        other => Err(format!("must be \"*\" or an object, got {}", kind(other))),
    }
}

fn parse_conditions(block: &Map<String, Value>) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    for (op_name, keys) in block {
        let operator = parse_operator(op_name);
        let keys = keys.as_object().ok_or_else(|| {
            format!(
                "Condition operator {op_name}: must map condition keys to values, got {}",
                kind(keys)
            )
        })?;
        for (key, values) in keys {
            let values =
                condition_values(values).map_err(|m| format!("Condition {op_name} {key}: {m}"))?;
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

fn condition_values(v: &Value) -> Result<Vec<String>, String> {
    fn scalar(v: &Value) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(format!(
                "values must be strings, booleans or numbers, found {}",
                kind(other)
            )),
        }
    }
    match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

/// Parses an operator name. Unrecognised names become [`OperatorKind::Unsupported`] rather
/// than an error: the evaluator then reports Unknown instead of guessing.
fn parse_operator(name: &str) -> Operator {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let m = |base, negated| OperatorKind::Match { base, negated };
    let kind = match base {
        "StringEquals" => m(MatchBase::StringEquals, false),
        "StringNotEquals" => m(MatchBase::StringEquals, true),
        "StringEqualsIgnoreCase" => m(MatchBase::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => m(MatchBase::StringEqualsIgnoreCase, true),
        "StringLike" => m(MatchBase::StringLike, false),
        "StringNotLike" => m(MatchBase::StringLike, true),
        "ArnEquals" | "ArnLike" => m(MatchBase::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => m(MatchBase::Arn, true),
        "NumericEquals" => m(MatchBase::Numeric(NumericOp::Equals), false),
        "NumericNotEquals" => m(MatchBase::Numeric(NumericOp::Equals), true),
        "NumericLessThan" => m(MatchBase::Numeric(NumericOp::LessThan), false),
        "NumericLessThanEquals" => m(MatchBase::Numeric(NumericOp::LessThanEquals), false),
        "NumericGreaterThan" => m(MatchBase::Numeric(NumericOp::GreaterThan), false),
        "NumericGreaterThanEquals" => m(MatchBase::Numeric(NumericOp::GreaterThanEquals), false),
        "Bool" => m(MatchBase::Bool, false),
        "IpAddress" => m(MatchBase::IpAddress, false),
        "NotIpAddress" => m(MatchBase::IpAddress, true),
        "Null" if !if_exists && set.is_none() => OperatorKind::Null,
        _ => OperatorKind::Unsupported,
    };
    Operator {
        name: name.to_string(),
        kind,
        set,
        if_exists,
    }
}
