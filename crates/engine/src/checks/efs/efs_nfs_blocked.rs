use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::efs::MountTargetUse;
use crate::net::path::{Eval, NaclIssue, SgIssue};
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "EFS-NFS-BLOCKED",
    title: "NFS (TCP 2049) from the task to its EFS mount target is blocked",
    severity: Severity::Error,
    group: "EFS volumes",
    what: "Per task subnet and EFS volume, for the mount target in the subnet's zone: the task's \
           security groups must allow TCP 2049 out to the mount target (its address or its security \
           groups), the mount target's security groups (elasticfilesystem:DescribeMountTargetSecurityGroups) \
           must accept TCP 2049 from the task (its security groups or its subnet's CIDR), and the \
           network ACLs of both subnets must let the request (2049) and the return traffic (the \
           task's ephemeral ports) through in both directions. With transit encryption the mount \
           helper still connects to port 2049.",
    why: "A blocked NFS connection times out while the task is PROVISIONING: \
          'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: \
          … Mount attempt 1/3 failed due to timeout after 15 sec'.",
    fix: "Let the mount target's security group accept NFS from the tasks' security group:\n  \
          aws ec2 authorize-security-group-ingress --group-id sg-MOUNT-TARGET --protocol tcp --port 2049 \
          --source-group sg-TASK",
    docs: &[
        "https://docs.aws.amazon.com/efs/latest/ug/network-access.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
    ],
    needs: Needs::NfsPaths,
    explains: &[],
    alternatives: None,
    run,
};

/// What blocks, and where: the key findings are grouped by.
#[derive(PartialEq)]
enum Block<'a> {
    TaskEgress(&'a SgIssue),
    TargetIngress(&'a SgIssue),
    Nacl(&'a NaclIssue),
}

fn run(cx: &Cx) -> Outcome {
    let mut unknown = None;
    let mut any = false;
    // (what blocks, subnets it cuts off, file systems)
    let mut blocks: Blocks = Vec::new();
    for p in &cx.nfs_paths {
        match &p.target {
            MountTargetUse::Found(_) => any = true,
            MountTargetUse::Unknown(why) => {
                unknown = Some(why.clone());
                continue;
            }
            // No mount target, or no file system: other checks' findings; nothing to connect to.
            _ => continue,
        }
        for (e, kind) in [(&p.task_egress, 0), (&p.target_ingress, 1)] {
            match e {
                Eval::Ok => {}
                Eval::Unknown(why) => unknown = Some(why.clone()),
                Eval::Issue(i) => {
                    let b = if kind == 0 {
                        Block::TaskEgress(i)
                    } else {
                        Block::TargetIngress(i)
                    };
                    add(&mut blocks, b, &p.subnet.id, &p.file_system_id);
                }
            }
        }
        match &p.nacl {
            Eval::Ok => {}
            Eval::Unknown(why) => unknown = Some(why.clone()),
            Eval::Issue(issues) => {
                for i in issues {
                    add(&mut blocks, Block::Nacl(i), &p.subnet.id, &p.file_system_id);
                }
            }
        }
    }
    if !any && unknown.is_none() {
        return Outcome::na("no task subnet has a mount target to connect to (see EFS-MOUNT-TARGET-MISSING / EFS-FS-NOT-FOUND)");
    }
    let findings: Vec<Finding> = blocks
        .into_iter()
        .map(|(b, subnets, fss)| finding(cx, b, &subnets, &fss))
        .collect();
    Outcome::from_findings(findings, unknown)
}

type Blocks<'a> = Vec<(Block<'a>, Vec<String>, Vec<String>)>;

/// Records that `b` cuts `subnet` off `fs`, grouping identical blocks.
fn add<'a>(blocks: &mut Blocks<'a>, b: Block<'a>, subnet: &str, fs: &str) {
    let same = |x: &Block| match (x, &b) {
        (Block::TaskEgress(a), Block::TaskEgress(c))
        | (Block::TargetIngress(a), Block::TargetIngress(c)) => a.groups == c.groups,
        (Block::Nacl(a), Block::Nacl(c)) => {
            a.acl == c.acl && a.egress == c.egress && a.leg == c.leg && a.rule == c.rule
        }
        _ => false,
    };
    let i = match blocks.iter().position(|(x, _, _)| same(x)) {
        Some(i) => i,
        None => {
            blocks.push((b, vec![], vec![]));
            blocks.len() - 1
        }
    };
    let (_, subnets, fss) = &mut blocks[i];
    if !subnets.iter().any(|s| s == subnet) {
        subnets.push(subnet.to_string());
    }
    if !fss.iter().any(|f| f == fs) {
        fss.push(fs.to_string());
    }
}

fn finding(cx: &Cx, b: Block, subnets: &[String], fss: &[String]) -> Finding {
    let sg_evidence = |groups: &[String], egress: bool| {
        groups
            .iter()
            .filter_map(|g| cx.snap.security_group(g).evidence())
            .map(|sg| ev(&sg.id, crate::net::sg::describe_rules(sg, egress)))
            .collect::<Vec<_>>()
    };
    match b {
        Block::TaskEgress(i) | Block::TargetIngress(i) => {
            let egress = matches!(b, Block::TaskEgress(_));
            let who = if egress {
                "The task's security groups"
            } else {
                "The mount target's security groups"
            };
            let mut resources = i.groups.clone();
            resources.extend(i.endpoint.iter().cloned());
            resources.extend(subnets.iter().cloned());
            resources.extend(fss.iter().cloned());
            let fix = if egress {
                format!(
                    "aws ec2 authorize-security-group-egress --group-id {} --protocol tcp --port 2049 --source-group <the mount target's security group>",
                    i.groups.first().map_or("sg-…", String::as_str)
                )
            } else {
                let task = cx
                    .netcfg
                    .and_then(|n| n.security_groups.first())
                    .map_or("sg-TASK", String::as_str);
                format!(
                    "aws ec2 authorize-security-group-ingress --group-id {} --protocol tcp --port 2049 --source-group {task}",
                    i.groups.first().map_or("sg-…", String::as_str)
                )
            };
            CHECK.finding(
                format!(
                    "{who} ({}) do not allow {}: tasks in {} cannot mount {}.",
                    i.groups.join(", "),
                    i.wanted,
                    subnets.join(", "),
                    fss.join(", ")
                ),
                resources,
                sg_evidence(&i.groups, egress),
                fix,
            )
        }
        Block::Nacl(i) => {
            let dir = if i.egress { "outbound" } else { "inbound" };
            let towards = if i.egress { "to" } else { "from" };
            let blocked_by = i
                .rule
                .clone()
                .unwrap_or_else(|| "the implicit deny (*): no rule allows it".into());
            let ports = if i.ports.0 == i.ports.1 {
                format!("port {}", i.ports.0)
            } else {
                format!("ports {}-{}", i.ports.0, i.ports.1)
            };
            let mut resources = vec![i.acl.clone(), i.subnet.clone()];
            resources.extend(subnets.iter().filter(|s| **s != i.subnet).cloned());
            resources.extend(fss.iter().cloned());
            let flag = if i.egress { "--egress" } else { "--ingress" };
            CHECK.finding(
                format!(
                    "{} (the network ACL of the {} {}) blocks the NFS {} traffic ({dir} TCP {ports} {towards} {}): tasks in {} cannot mount {}; {blocked_by}.",
                    i.acl, i.role, i.subnet, i.leg, i.remote_label, subnets.join(", "), fss.join(", ")
                ),
                resources,
                vec![ev(&i.acl, format!("{blocked_by}; blocked example: {dir} {ports} {towards} {}", i.remote))],
                format!(
                    "aws ec2 create-network-acl-entry --network-acl-id {} {flag} --rule-number <lower than any matching deny> --protocol tcp --port-range From={},To={} --cidr-block {} --rule-action allow",
                    i.acl, i.ports.0, i.ports.1, i.remote
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, efs_file_system, efs_volume, security_group};
    use crate::report::CheckStatus;

    #[test]
    fn mount_target_group_without_nfs_is_named_first() {
        let mut snap = testkit::healthy_nat();
        let subnets = testkit::subnets(&snap);
        let task_sg = testkit::task_groups(&snap)[0].clone();
        efs_volume(&mut snap, "fs-1", None, false);
        security_group(&mut snap, "sg-mt", &[(443, 443, &task_sg)]);
        efs_file_system(
            &mut snap,
            "fs-1",
            &[(&subnets[0], "sg-mt"), (&subnets[1], "sg-mt")],
        );
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
        assert_eq!(out.findings[0].resources[0], "sg-mt");
        security_group(&mut snap, "sg-mt", &[(2049, 2049, &task_sg)]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        // The mount target's groups could not be read: unknown, never pass.
        if let Some(fd_snapshot::Fetched::Found { value }) = snap.efs.file_systems.get_mut("fs-1") {
            if let fd_snapshot::Fetched::Found { value: mts } = &mut value.mount_targets {
                mts[0].security_groups = fd_snapshot::Fetched::Unreadable {
                    call: "efs:DescribeMountTargetSecurityGroups".into(),
                    reason: "AccessDeniedException".into(),
                };
            }
        }
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }

    #[test]
    fn not_applicable_without_efs() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }
}
