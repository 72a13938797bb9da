//! ECR registry features the image checks share: which pull-through cache rule serves a
//! repository.

use fd_snapshot::PullThroughRule;

/// The rule that serves `repository`: the longest `<prefix>/` that starts it, else `ROOT`.
pub fn matching_rule<'r>(
    rules: &'r [PullThroughRule],
    repository: &str,
) -> Option<&'r PullThroughRule> {
    rules
        .iter()
        .filter(|r| r.prefix != "ROOT" && repository.starts_with(&format!("{}/", r.prefix)))
        .max_by_key(|r| r.prefix.len())
        .or_else(|| rules.iter().find(|r| r.prefix == "ROOT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(prefix: &str) -> PullThroughRule {
        PullThroughRule {
            prefix: prefix.into(),
            upstream_url: Some("registry-1.docker.io".into()),
            credential_arn: None,
        }
    }

    #[test]
    fn the_longest_prefix_wins_and_root_is_the_fallback() {
        let rules = [rule("docker-hub"), rule("docker-hub/library"), rule("ROOT")];
        assert_eq!(
            matching_rule(&rules, "docker-hub/library/nginx")
                .unwrap()
                .prefix,
            "docker-hub/library"
        );
        assert_eq!(
            matching_rule(&rules, "docker-hub/x/y").unwrap().prefix,
            "docker-hub"
        );
        assert_eq!(matching_rule(&rules, "other/app").unwrap().prefix, "ROOT");
        assert_eq!(matching_rule(&rules[..2], "docker-hub-mirror/app"), None);
    }
}
