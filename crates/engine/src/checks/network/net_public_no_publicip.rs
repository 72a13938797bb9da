use crate::checks::{
    dest_list, ev, group_by, route_unknown, subjects, table_evidence, table_id, Check, Needs,
    Outcome,
};
use crate::context::Cx;
use crate::net::path::{Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-PUBLIC-NO-PUBLICIP",
    title: "The subnet routes to an internet gateway, but the task gets no public IP",
    severity: Severity::Error,
    group: "Network path",
    what: "For each task subnet whose route for a needed destination goes to an internet gateway, checks \
           that the task is launched with assignPublicIp ENABLED (the service's or task's awsvpc \
           configuration; a running task's ENI association). The subnet's MapPublicIpOnLaunch does not \
           apply to Fargate tasks.",
    why: "An internet gateway only translates addresses of ENIs that have a public IP. A task without one \
          in a public subnet has no way out: image pulls and ECR auth time out \
          ('CannotPullContainerError ... i/o timeout', 'unable to pull secrets or registry auth').",
    fix: "Launch with a public IP:\n  aws ecs update-service --cluster C --service S --network-configuration \
          'awsvpcConfiguration={subnets=[…],securityGroups=[…],assignPublicIp=ENABLED}'\n\
          or move the task to a private subnet that routes 0.0.0.0/0 to a NAT gateway.",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: Some(&crate::checks::ENDPOINTS_INSTEAD),
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any_igw = false;
    let mut seen = Vec::new();
    for sp in &cx.paths {
        let via_igw: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| !p.via_interface && matches!(p.route.hop, Hop::Igw { attached: true, .. }))
            .collect();
        let Some(Hop::Igw { id: igw, .. }) = via_igw.first().map(|p| &p.route.hop) else {
            continue;
        };
        any_igw = true;
        if !cx.assign_public_ip() {
            seen.push((
                (table_id(sp), igw.clone()),
                sp.subnet.id.clone(),
                (sp, dest_list(&via_igw)),
            ));
        }
    }
    let subject = cx
        .target
        .arn
        .clone()
        .unwrap_or_else(|| cx.target.name.clone());
    let findings = group_by(seen)
        .into_iter()
        .map(|((rtb, igw), subnets, (sp, dests))| {
            let mut resources = subnets.clone();
            resources.extend([rtb.clone(), igw.clone(), subject.clone()]);
            CHECK.finding(
                format!(
                    "{} {dests} to internet gateway {igw} (route table {rtb}), but the task is launched with assignPublicIp DISABLED, so it has no public address and cannot reach them.",
                    subjects(&subnets, "routes", "route")
                ),
                resources,
                vec![
                    table_evidence(sp),
                    ev(&subject, "awsvpcConfiguration.assignPublicIp: DISABLED"),
                    ev(&sp.subnet.id, format!("MapPublicIpOnLaunch: {} (not used by Fargate)", sp.subnet.map_public_ip_on_launch)),
                ],
                "Set assignPublicIp=ENABLED in the service's or task's network configuration, or use private subnets with a NAT gateway route.".into(),
            )
        })
        .collect();
    if !any_igw {
        return match route_unknown(cx) {
            Some(why) => Outcome::unknown(why),
            None => {
                Outcome::na("no task subnet routes a needed destination to an internet gateway")
            }
        };
    }
    Outcome::from_findings(findings, route_unknown(cx))
}
