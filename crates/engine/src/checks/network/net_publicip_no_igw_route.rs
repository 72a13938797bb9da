use crate::checks::{table_evidence, table_id, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::route::{self, Lookup};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-PUBLICIP-NO-IGW-ROUTE",
    title: "A public IP is assigned, but the subnet does not route to an internet gateway",
    severity: Severity::Warning,
    group: "Network path",
    what: "When the task is launched with assignPublicIp ENABLED, checks that each task subnet's route \
           for 0.0.0.0/0 goes to an internet gateway.",
    why: "A public IP is only useful through an internet gateway. Without that route it does nothing: if \
          the subnet routes to a NAT gateway the task still works (the public IP is wasted), otherwise \
          the task has no internet path although 'it has a public IP'.",
    fix: "Either route 0.0.0.0/0 to an internet gateway:\n  aws ec2 create-route --route-table-id rtb-… \
          --destination-cidr-block 0.0.0.0/0 --gateway-id igw-…\nor set assignPublicIp=DISABLED for \
          private subnets behind a NAT gateway.",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx.assign_public_ip() {
        return Outcome::na("the task is launched without a public IP");
    }
    let any: ipnet::IpNet = "0.0.0.0/0".parse().expect("static");
    let mut findings = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        let Some(t) = sp.table else {
            unknown = Some(format!("no route table found for {}", sp.subnet.id));
            continue;
        };
        let target = match route::lookup(t.table, &any, cx.snap) {
            Lookup::Route(r, _) if r.target.starts_with("igw-") => continue,
            Lookup::Route(r, _) => route::describe_route(r),
            Lookup::None => "no route for 0.0.0.0/0".to_string(),
            Lookup::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        findings.push(CHECK.finding(
            format!(
                "The task gets a public IP, but {} (route table {}) does not route 0.0.0.0/0 to an internet gateway ({target}); the public IP gives it no internet access.",
                sp.subnet.id,
                table_id(sp)
            ),
            vec![sp.subnet.id.clone(), table_id(sp)],
            vec![table_evidence(sp)],
            "Route 0.0.0.0/0 to an internet gateway, or disable assignPublicIp if the subnet is private by design.".into(),
        ));
    }
    Outcome::from_findings(findings, unknown)
}
