//! Root causes: the findings of one target grouped by the cause they share.
//!
//! Which finding explains which is declared by the checks ([`Check::explains`],
//! [`Check::alternatives`]), never inferred from their order or wording. A finding explains
//! another when its check declares the other's and the two name a resource in common (the
//! same subnet, role or repository): a missing route in `rtb-1` explains the missing
//! endpoints of the subnets that use it, not those of another service's subnets.
//!
//! Every finding is in exactly one root cause. The causes come in the order of their first
//! finding, so the finding that explains the stopped reason (moved first by
//! [`crate::failure`]) still decides which cause is first.

use crate::checks::{self, Check};
use crate::report::{Finding, RootCause};

/// How `root` relates to a finding it explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Fixing the root fixes it.
    Consequence,
    /// Its fix, with the other alternatives', is another way out of the root's problem.
    Alternative,
}

fn relation(root: &Finding, other: &Finding) -> Option<Relation> {
    if root.id == other.id || !root.resources.iter().any(|r| other.resources.contains(r)) {
        return None;
    }
    let check: &Check = checks::find(&root.id)?;
    if check.explains.contains(&other.id.as_str()) {
        Some(Relation::Consequence)
    } else if check
        .alternatives
        .is_some_and(|a| a.ids.contains(&other.id.as_str()))
    {
        Some(Relation::Alternative)
    } else {
        None
    }
}

/// Groups `findings` (in root-cause order) by the cause they share.
pub fn root_causes(findings: &[Finding]) -> Vec<RootCause> {
    // The finding that explains each one, the first in order if several do.
    let parent: Vec<Option<usize>> = (0..findings.len())
        .map(|i| (0..findings.len()).find(|&j| relation(&findings[j], &findings[i]).is_some()))
        .collect();
    // Up the chain to the finding nothing explains (a cycle, which no declaration should make,
    // stops where it would repeat).
    let root_of = |i: usize| {
        let mut at = i;
        let mut seen = vec![i];
        while let Some(p) = parent[at] {
            if seen.contains(&p) {
                break;
            }
            seen.push(p);
            at = p;
        }
        at
    };
    let mut roots: Vec<usize> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for i in 0..findings.len() {
        let root = root_of(i);
        match roots.iter().position(|&r| r == root) {
            Some(k) => members[k].push(i),
            None => {
                roots.push(root);
                members.push(vec![i]);
            }
        }
    }
    roots
        .iter()
        .zip(members)
        .map(|(&root, mut group)| {
            // The root first, the rest in the findings' order.
            group.retain(|&i| i != root);
            group.insert(0, root);
            cause(findings, root, &group)
        })
        .collect()
}

fn cause(findings: &[Finding], root: usize, group: &[usize]) -> RootCause {
    let head = &findings[root];
    let mut fixes = vec![head.remediation.clone()];
    let alternatives: Vec<&Finding> = group
        .iter()
        .map(|&i| &findings[i])
        .filter(|f| relation(head, f) == Some(Relation::Alternative))
        .collect();
    if let (false, Some(alt)) = (
        alternatives.is_empty(),
        checks::find(&head.id).and_then(|c| c.alternatives),
    ) {
        let mut fix = match alternatives.len() {
            1 => format!("Create this {}:", alt.one),
            n => format!("Create these {n} {}:", alt.many),
        };
        for f in &alternatives {
            fix.push_str("\n  ");
            fix.push_str(&f.remediation);
        }
        fixes.push(fix);
    }
    RootCause {
        title: head.title.clone(),
        severity: head.severity,
        resources: head.resources.clone(),
        fixes,
        findings: group.iter().map(|&i| findings[i].id.clone()).collect(),
        positions: group.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn finding(id: &str, resources: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            severity: Severity::Error,
            title: format!("title of {id}"),
            message: String::new(),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            evidence: vec![],
            remediation: format!("fix {id}"),
            docs: vec![],
        }
    }

    #[test]
    fn a_missing_route_and_the_missing_endpoints_are_one_cause_with_two_ways_out() {
        let findings = [
            finding("NET-ROUTE-NO-DEFAULT", &["subnet-a", "rtb-1"]),
            finding("VPCE-ECR-DKR-MISSING", &["vpc-1", "subnet-a"]),
            finding("VPCE-LOGS-MISSING", &["vpc-1", "subnet-a"]),
        ];
        let causes = root_causes(&findings);
        assert_eq!(causes.len(), 1, "{causes:#?}");
        let c = &causes[0];
        assert_eq!(
            c.findings,
            [
                "NET-ROUTE-NO-DEFAULT",
                "VPCE-ECR-DKR-MISSING",
                "VPCE-LOGS-MISSING"
            ]
        );
        assert_eq!(c.resources, ["subnet-a", "rtb-1"]);
        assert_eq!(c.positions, [0, 1, 2]);
        assert_eq!(
            c.fixes,
            [
                "fix NET-ROUTE-NO-DEFAULT",
                "Create these 2 VPC endpoints:\n  fix VPCE-ECR-DKR-MISSING\n  fix VPCE-LOGS-MISSING"
            ]
        );
    }

    #[test]
    fn findings_about_other_resources_stay_apart() {
        // The endpoints of another subnet, and a finding no check explains.
        let findings = [
            finding("NET-ROUTE-NO-DEFAULT", &["subnet-a", "rtb-1"]),
            finding("VPCE-LOGS-MISSING", &["vpc-1", "subnet-b"]),
            finding("LOG-GROUP-MISSING", &["us-east-1:/ecs/app"]),
        ];
        let causes = root_causes(&findings);
        let ids: Vec<&[String]> = causes.iter().map(|c| c.findings.as_slice()).collect();
        assert_eq!(
            ids,
            [
                &["NET-ROUTE-NO-DEFAULT".to_string()][..],
                &["VPCE-LOGS-MISSING".to_string()][..],
                &["LOG-GROUP-MISSING".to_string()][..]
            ]
        );
        assert_eq!(
            causes[0].fixes.len(),
            1,
            "no alternative without its findings"
        );
    }

    #[test]
    fn a_chain_goes_to_its_root_and_the_first_finding_orders_the_causes() {
        // The stopped reason put the image finding first; its cause is the invalid reference.
        let findings = [
            finding("ECR-IMAGE-NOT-FOUND", &["repo-arn", "img"]),
            finding("LOG-GROUP-MISSING", &["lg"]),
            finding("ECR-REPO-NOT-FOUND", &["repo-arn"]),
            finding("IMG-REF-INVALID", &["repo-arn"]),
        ];
        let causes = root_causes(&findings);
        assert_eq!(causes.len(), 2);
        assert_eq!(
            causes[0].findings,
            [
                "IMG-REF-INVALID",
                "ECR-IMAGE-NOT-FOUND",
                "ECR-REPO-NOT-FOUND"
            ]
        );
        assert_eq!(causes[1].findings, ["LOG-GROUP-MISSING"]);
        // Every finding is in exactly one cause.
        let mut all: Vec<&String> = causes.iter().flat_map(|c| &c.findings).collect();
        all.sort();
        assert_eq!(all.len(), findings.len());
    }

    #[test]
    fn every_declared_relation_names_another_check() {
        for check in checks::ALL {
            let alt = check.alternatives.map(|a| a.ids).unwrap_or(&[]);
            for id in check.explains.iter().chain(alt) {
                assert!(
                    checks::find(id).is_some(),
                    "{}: unknown check {id}",
                    check.id
                );
                assert_ne!(*id, check.id, "{} explains itself", check.id);
            }
        }
    }
}
