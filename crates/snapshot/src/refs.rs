//! Parsing of the references a task definition makes to other resources, shared by the
//! collector (to look them up) and the engine (to find them in the snapshot), so that both
//! agree on the keys of [`crate::ResourceData`].

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The account of an ARN (`None` for a name, or an ARN without an account).
pub fn account_of(s: &str) -> Option<&str> {
    parse_arn(s).map(|a| a.account).filter(|a| !a.is_empty())
}

/// The Region of an ARN (`None` for a name, or a global ARN).
pub fn region_of(s: &str) -> Option<&str> {
    parse_arn(s).map(|a| a.region).filter(|r| !r.is_empty())
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

/// The key in [`crate::EcrData::images`] of an image pinned to `digest` (a service's running
/// tasks pull the digest resolved at deployment): the image without its tag or digest,
/// then `@digest`.
pub fn pinned_image(image: &str, digest: &str) -> String {
    let base = image.split_once('@').map_or(image, |(b, _)| b);
    let slash = base.rfind('/').map_or(0, |i| i + 1);
    let base = match base[slash..].rfind(':') {
        Some(i) => &base[..slash + i],
        None => base,
    };
    format!("{base}@{digest}")
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
    fn pinned_images() {
        let repo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app";
        assert_eq!(
            pinned_image(&format!("{repo}:1.2"), "sha256:ab"),
            format!("{repo}@sha256:ab")
        );
        assert_eq!(pinned_image(repo, "sha256:ab"), format!("{repo}@sha256:ab"));
        assert_eq!(
            pinned_image(&format!("{repo}:1@sha256:00"), "sha256:ab"),
            format!("{repo}@sha256:ab")
        );
        assert_eq!(
            pinned_image("localhost:5000/x:1", "sha256:ab"),
            "localhost:5000/x@sha256:ab"
        );
    }

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
