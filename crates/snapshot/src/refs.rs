//! Parsing of the references a task definition makes to other resources, shared by the
//! collector (to look them up) and the engine (to find them in the snapshot), so that both
//! agree on the keys of [`crate::ResourceData`].

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut it = s.splitn(6, ':');
    if it.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: it.next()?,
        service: it.next()?,
        region: it.next()?,
        account: it.next()?,
        resource: it.next()?,
    })
}

/// The secret a Secrets Manager `valueFrom` refers to, without the JSON key / version
/// selectors: `arn:aws:secretsmanager:r:a:secret:name-AbCdEf:key:stage:id` →
/// `arn:aws:secretsmanager:r:a:secret:name-AbCdEf`. A plain name is returned as is.
pub fn secret_id(value_from: &str) -> String {
    match parse_arn(value_from) {
        Some(a) if a.service == "secretsmanager" => {
            // resource = "secret:<name>[:json-key:version-stage:version-id]"
            let mut parts = a.resource.splitn(3, ':');
            let kind = parts.next().unwrap_or_default();
            let name = parts.next().unwrap_or_default();
            format!(
                "arn:{}:secretsmanager:{}:{}:{kind}:{name}",
                a.partition, a.region, a.account
            )
        }
        _ => value_from.to_string(),
    }
}

/// True when a `valueFrom` refers to Secrets Manager (else it is an SSM parameter).
pub fn is_secrets_manager(value_from: &str) -> bool {
    parse_arn(value_from).is_some_and(|a| a.service == "secretsmanager")
}

/// The key of a log group in [`crate::ResourceData::log_groups`].
pub fn log_group_key(region: &str, name: &str) -> String {
    format!("{region}:{name}")
}

/// The repository ARN of a private ECR image in `account`/`region` named `name`.
pub fn repository_arn(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:ecr:{region}:{account}:repository/{name}")
}

/// The ARN partition of a Region (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_for_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_ids() {
        let base = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        assert_eq!(secret_id(base), base);
        assert_eq!(secret_id(&format!("{base}:password::")), base);
        assert_eq!(secret_id(&format!("{base}:password:AWSCURRENT:")), base);
        assert_eq!(secret_id("plain-name"), "plain-name");
        assert!(is_secrets_manager(base));
        assert!(!is_secrets_manager(
            "arn:aws:ssm:us-east-1:123456789012:parameter/x"
        ));
        assert!(!is_secrets_manager("/x"));
    }
}
