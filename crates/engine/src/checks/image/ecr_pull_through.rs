use crate::checks::permissions::{request_context, role_policies};
use crate::checks::{
    ev, fetched, gate_paths, repository as repository_of, subnet_internet_route, table_evidence,
    table_id, Check, Found, InternetRoute, Needs, Outcome,
};
use crate::context::Cx;
use crate::iam::{self, Decision, Request};
use crate::net::dest::Service;
use crate::report::{CheckStatus, Severity};
use fd_snapshot::needs::EcrImage;
use fd_snapshot::PullThroughRule;

pub static CHECK: Check = Check {
    id: "ECR-PULL-THROUGH",
    title: "The image comes through an ECR pull-through cache rule that cannot serve it",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For each private ECR image whose repository does not exist, looks for a pull-through \
           cache rule of that registry (ecr:DescribePullThroughCacheRules) whose prefix starts the \
           repository name (<prefix>/…, the longest one; a ROOT rule matches any name). The first \
           pull through such a rule creates the repository, so the execution role must be allowed \
           ecr:CreateRepository and ecr:BatchImportUpstreamImage on it (evaluated as IAM does, \
           identity policies within the permissions boundary: an explicit Deny is an error; no \
           Allow is a warning, because the registry permissions policy, which is not read, may \
           grant both), and — as AWS documents for a first \
           pull — every task subnet needs a route to an internet or NAT gateway even when ECR is \
           reached through VPC endpoints. Without a matching rule the repository is simply \
           missing: ECR-REPO-NOT-FOUND. Not verified: the registry permissions policy (a registry in \
           another account is reported unknown), the upstream credentials secret \
           (ecr:ValidatePullThroughCacheRule is not called), and a new tag in a cache repository \
           that already exists.",
    why: "The first pull asks ECR to create the cache repository and import the upstream image with \
          the puller's permissions; without them it fails like a missing repository or an access \
          denial ('CannotPullContainerError: … not authorized to perform: \
          ecr:BatchImportUpstreamImage' / 'ecr:CreateRepository'). 'When an image is pulled using \
          a pull through cache rule for the first time, if you've configured Amazon ECR to use an \
          interface VPC endpoint … you need to create a public subnet in the same VPC, with a NAT \
          gateway … Subsequent image pulls don't require this.'",
    fix: "Allow the execution role to create and import cache repositories under the rule's prefix, \
          and give the first pull a NAT path (or pull the image once from a machine with internet \
          access):\n  aws iam put-role-policy --role-name ROLE --policy-name ecr-pull-through \
          --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"ecr:CreateRepository\",\"ecr:BatchImportUpstreamImage\"],\"Resource\":\"arn:aws:ecr:REGION:ACCOUNT:repository/PREFIX/*\"}]}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

/// The actions the first pull through a cache rule needs, on the repository it creates.
const FIRST_PULL_ACTIONS: &[&str] = &["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"];

/// A private ECR image served by a pull-through cache rule, whose repository does not exist yet.
struct Cached<'a> {
    container: &'a str,
    image: &'a str,
    repository: &'a str,
    account: &'a str,
    arn: String,
    rule: &'a PullThroughRule,
}

fn run(cx: &Cx) -> Outcome {
    let mut unknown = None;
    let mut cached: Vec<Cached> = Vec::new();
    let mut any_missing = false;
    let mut any_ecr = false;
    for i in cx.needs.ecr_images() {
        let Some(EcrImage {
            account,
            region,
            repository,
            repository_arn: arn,
            ..
        }) = i.ecr()
        else {
            continue;
        };
        any_ecr = true;
        match repository_of(cx, &arn) {
            Found::Yes(_) => continue,
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
            Found::Missing => any_missing = true,
        }
        let key = format!("{account}:{region}");
        match fetched(
            &cx.snap.ecr.pull_through_rules,
            &key,
            "the pull-through cache rules of registry",
        ) {
            Found::Yes(rules) => {
                if let Some(rule) = crate::registry::matching_rule(rules, repository) {
                    if !cached.iter().any(|c| c.arn == arn) {
                        cached.push(Cached {
                            container: &i.container,
                            image: &i.image,
                            repository,
                            account,
                            arn,
                            rule,
                        });
                    }
                }
            }
            Found::Missing => {}
            Found::Unknown(why) => unknown = Some(why),
        }
    }
    if !any_ecr {
        return Outcome::na("no private ECR image");
    }
    if !any_missing && unknown.is_none() {
        return Outcome::na("every image's repository exists: no first pull through a cache rule");
    }
    if cached.is_empty() {
        return match unknown {
            Some(u) => Outcome::unknown(u),
            None => Outcome::pass_because(
                "no pull-through cache rule matches the missing repositories (ECR-REPO-NOT-FOUND)",
            ),
        };
    }
    let mut findings = Vec::new();
    // The execution role's permissions for the first pull.
    match role_policies(cx) {
        Err(o) => {
            if o.status == CheckStatus::Unknown {
                unknown = o.detail.clone();
            }
            // No role, or a missing one: LAUNCH-TASKDEF-NO-EXECROLE / IAM-EXEC-MISSING speak.
        }
        Ok(rp) => {
            let ctx = request_context(cx, Service::EcrDkr);
            let ids = rp.identity_refs();
            let role_account = iam::account_of(&rp.role.arn).map(str::to_string);
            for c in &cached {
                if role_account.as_deref() != Some(c.account) {
                    unknown = Some(format!(
                        "{} is in account {}, not the execution role's: a cross-account cache pull also needs the registry permissions policy, which is not read",
                        c.arn, c.account
                    ));
                    continue;
                }
                let mut denied = Vec::new();
                let mut evidence = Vec::new();
                let mut explicit = false;
                for action in FIRST_PULL_ACTIONS {
                    let req = Request::new(&rp.role.arn, action, &c.arn, &ctx);
                    let d = iam::evaluate_identity(&ids, rp.boundary.as_ref(), &req);
                    match d.is_allowed() {
                        Some(true) => {}
                        None => unknown = Some(format!("{action} on {}: {}", c.arn, d.describe())),
                        Some(false) => {
                            explicit |= matches!(d, Decision::ExplicitDeny(_));
                            denied.push(*action);
                            evidence.push(ev(
                                &rp.role.arn,
                                format!("{action} on {}: {}", c.arn, d.describe()),
                            ));
                        }
                    }
                }
                if denied.is_empty() {
                    continue;
                }
                // Without an explicit Deny, a registry permissions policy (not read) may still
                // grant both actions: a warning.
                let (severity, unless) = if explicit {
                    (Severity::Error, "")
                } else {
                    (
                        Severity::Warning,
                        " (unless the registry permissions policy, which is not read, grants it)",
                    )
                };
                evidence.push(rule_evidence(c));
                let prefix = if c.rule.prefix == "ROOT" {
                    String::new()
                } else {
                    format!("{}/", c.rule.prefix)
                };
                findings.push(CHECK.finding_at(
                    severity,
                    format!(
                        "The execution role {} is not allowed {} on {}{unless}: the first pull of {} (container {}) through pull-through cache rule '{}' must create that repository.",
                        rp.role.arn,
                        denied.join(" and "),
                        c.arn,
                        c.image,
                        c.container,
                        c.rule.prefix
                    ),
                    vec![rp.role.arn.clone(), c.arn.clone()],
                    evidence,
                    format!(
                        "Allow {} on {} in a policy of {} (Resource arn:…:repository/{prefix}*).",
                        denied.join(" and "),
                        c.arn,
                        rp.role.name
                    ),
                ));
            }
        }
    }
    // The first pull's internet path.
    if let Some(o) = gate_paths(cx) {
        if o.status == CheckStatus::Unknown {
            unknown = o.detail;
        }
        return Outcome::from_findings(findings, unknown);
    }
    let images: Vec<String> = cached
        .iter()
        .map(|c| format!("{} (rule '{}')", c.image, c.rule.prefix))
        .collect();
    for sp in &cx.paths {
        match subnet_internet_route(sp) {
            (InternetRoute::Yes, _) => {}
            (InternetRoute::Unknown(why), _) => unknown = Some(why),
            (InternetRoute::No, p) => {
                let rtb = table_id(sp);
                let mut resources = vec![sp.subnet.id.clone(), rtb.clone()];
                resources.extend(cached.iter().map(|c| c.arn.clone()));
                let mut evidence = vec![table_evidence(sp)];
                evidence.extend(cached.iter().map(rule_evidence));
                findings.push(CHECK.finding(
                    format!(
                        "{} (route table {rtb}) has no route to the internet ({}), but {} come{} through a pull-through cache rule and {} not been cached yet: AWS documents that a first pull through a cache rule needs a NAT gateway even when ECR is reached through VPC endpoints.",
                        sp.subnet.id,
                        p.and_then(|p| p.route.matched.clone())
                            .unwrap_or_else(|| "no route for 0.0.0.0/0".into()),
                        images.join(", "),
                        if cached.len() == 1 { "s" } else { "" },
                        if cached.len() == 1 { "has" } else { "have" },
                    ),
                    resources,
                    evidence,
                    format!(
                        "Route 0.0.0.0/0 from {rtb} to a NAT gateway for the first pull (later pulls do not need it), or pull the image once from elsewhere so that the cache repository exists."
                    ),
                ));
            }
        }
    }
    Outcome::from_findings(findings, unknown)
}

fn rule_evidence(c: &Cached) -> crate::report::Evidence {
    ev(
        &c.arn,
        format!(
            "repository {} does not exist (ecr:DescribeRepositories: RepositoryNotFoundException); pull-through cache rule '{}' -> {}{}",
            c.repository,
            c.rule.prefix,
            c.rule.upstream_url.as_deref().unwrap_or("(upstream not given)"),
            c.rule
                .credential_arn
                .as_deref()
                .map(|s| format!(", credentials {s}"))
                .unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use fd_snapshot::{ApiCall, CallOutcome, Fetched, InlinePolicy, Route, RouteDestination};

    const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:1";
    const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/library/nginx";
    const ROLE: &str = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    /// The task pulls a Docker Hub image through the `docker-hub` rule; the cache repository
    /// does not exist yet.
    fn through_cache(snap: &mut fd_snapshot::Snapshot, rules: Option<Vec<PullThroughRule>>) {
        testkit::td(snap).containers[0].image = IMAGE.into();
        snap.calls.push(ApiCall {
            outcome: CallOutcome::NotFound,
            ..ApiCall::of(fd_snapshot::Op::EcrDescribeRepositories, Some(REPO.into()))
        });
        let value = match rules {
            Some(r) => Fetched::found(r),
            None => Fetched::Unreadable {
                call: "ecr:DescribePullThroughCacheRules".into(),
                reason: "AccessDeniedException".into(),
            },
        };
        snap.ecr
            .pull_through_rules
            .insert("123456789012:us-east-1".into(), value);
    }

    fn docker_hub() -> Vec<PullThroughRule> {
        vec![PullThroughRule {
            prefix: "docker-hub".into(),
            upstream_url: Some("registry-1.docker.io".into()),
            credential_arn: None,
        }]
    }

    fn allow_first_pull(snap: &mut fd_snapshot::Snapshot) {
        snap.iam.roles.get_mut(ROLE).unwrap().inline_policies.as_mut().unwrap().push(InlinePolicy {
            name: "ptc".into(),
            document: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:CreateRepository","ecr:BatchImportUpstreamImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/*"}]}"#.into()),
        });
    }

    #[test]
    fn explicit_deny_fails() {
        let mut snap = testkit::healthy_nat();
        through_cache(&mut snap, Some(docker_hub()));
        allow_first_pull(&mut snap);
        snap.iam.roles.get_mut(ROLE).unwrap().inline_policies.as_mut().unwrap().push(InlinePolicy {
            name: "no-create".into(),
            document: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:CreateRepository","Resource":"*"}]}"#.into()),
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{out:?}");
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.resources, vec![ROLE.to_string(), REPO.to_string()]);
        assert!(f.message.contains("not allowed ecr:CreateRepository on"));
    }

    #[test]
    fn role_without_create_repository_warns() {
        let mut snap = testkit::healthy_nat();
        through_cache(&mut snap, Some(docker_hub()));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn, "{out:?}");
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.resources, vec![ROLE.to_string(), REPO.to_string()]);
        assert!(f
            .message
            .contains("ecr:CreateRepository and ecr:BatchImportUpstreamImage"));
    }

    #[test]
    fn first_pull_without_internet_fails() {
        let mut snap = testkit::healthy_nat();
        through_cache(&mut snap, Some(docker_hub()));
        allow_first_pull(&mut snap);
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r: &Route| {
                r.destination != RouteDestination::Cidr("0.0.0.0/0".parse().unwrap())
            });
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], testkit::subnets(&snap)[0]);
    }

    #[test]
    fn allowed_role_with_nat_passes() {
        let mut snap = testkit::healthy_nat();
        through_cache(&mut snap, Some(docker_hub()));
        allow_first_pull(&mut snap);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn no_matching_rule_passes() {
        let mut snap = testkit::healthy_nat();
        through_cache(
            &mut snap,
            Some(vec![PullThroughRule {
                prefix: "quay".into(),
                upstream_url: Some("quay.io".into()),
                credential_arn: None,
            }]),
        );
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn existing_repositories_are_not_applicable() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unreadable_rules_are_unknown() {
        let mut snap = testkit::healthy_nat();
        through_cache(&mut snap, None);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn longest_prefix_then_root() {
        let rules = vec![
            PullThroughRule {
                prefix: "ROOT".into(),
                upstream_url: None,
                credential_arn: None,
            },
            PullThroughRule {
                prefix: "hub".into(),
                upstream_url: None,
                credential_arn: None,
            },
            PullThroughRule {
                prefix: "hub/lib".into(),
                upstream_url: None,
                credential_arn: None,
            },
        ];
        assert_eq!(
            crate::registry::matching_rule(&rules, "hub/lib/nginx")
                .unwrap()
                .prefix,
            "hub/lib"
        );
        assert_eq!(
            crate::registry::matching_rule(&rules, "hub/x")
                .unwrap()
                .prefix,
            "hub"
        );
        assert_eq!(
            crate::registry::matching_rule(&rules, "hubx/x")
                .unwrap()
                .prefix,
            "ROOT"
        );
    }
}
