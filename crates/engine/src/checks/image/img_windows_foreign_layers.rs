use crate::checks::{
    ev, gate_paths, subnet_internet_route, table_evidence, table_id, Check, Found, InternetRoute,
    Needs, Outcome,
};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IMG-WINDOWS-FOREIGN-LAYERS",
    title: "Windows base layers must come from Microsoft's registry, without an internet path",
    severity: Severity::Error,
    group: "Image and registry",
    what: "For a Windows task, reads each private ECR image's manifest (ecr:BatchGetImage) for \
           layers of the foreign media type (application/vnd.docker.image.rootfs.foreign.diff.tar.gzip, \
           with URLs on Microsoft's registry) and, when there are any, checks that each task \
           subnet routes public addresses to an internet or NAT gateway (the same route rule as \
           REG-INTERNET-REQUIRED; whether the gateway itself works is the NET-* checks'). VPC \
           endpoints do not help: the layers are not in ECR. An image whose manifest was not read \
           makes the check unknown.",
    why: "ECR does not store Windows base layers by default: 'the layers that include these \
          artifacts are not pushed as they are considered foreign layers … the foreign layers are \
          retrieved from Microsoft Azure infrastructure.' A task whose subnet reaches ECR only \
          through VPC endpoints gets the manifest and the ECR-hosted layers, then times out \
          downloading the base layers: 'CannotPullContainerError: … dial tcp …:443: i/o timeout'.",
    fix: "Give the subnet internet egress (a NAT gateway route), or push the image with its foreign \
          layers into ECR (Docker daemon setting allow-nondistributable-artifacts for the ECR \
          registry, then push again):\n  aws ec2 create-route --route-table-id RTB \
          --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.td.is_some() && !cx.pv.windows {
        return Outcome::na("Linux task: no foreign layers");
    }
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    let (os, arch) = cx.platform();
    let mut unknown = None;
    let mut foreign: Vec<(&str, usize)> = Vec::new();
    let mut any = false;
    for i in cx.needs.ecr_images() {
        match cx.snap.image(&i.image) {
            // A manifest list without the task's platform pulls nothing (IMG-OS-MISMATCH).
            Found::Yes(img)
                if img.platforms.is_some() && img.platform_image(os, arch).is_none() => {}
            Found::Yes(img) => {
                any = true;
                match img.pulled_foreign_layers(os, arch) {
                    None => {
                        unknown = Some(format!(
                            "the manifest of {} was not read: its foreign layers are not known",
                            i.image
                        ))
                    }
                    Some(l) if !l.is_empty() => {
                        if !foreign.iter().any(|(x, _)| *x == i.image) {
                            foreign.push((&i.image, l.len()));
                        }
                    }
                    Some(_) => {}
                }
            }
            Found::Missing => {} // ECR-REPO-NOT-FOUND / ECR-IMAGE-NOT-FOUND
            Found::Unknown(why) => {
                any = true;
                unknown = Some(why);
            }
        }
    }
    if !any {
        return Outcome::na("no private ECR image whose manifest could be read");
    }
    if foreign.is_empty() {
        return Outcome::from_findings(vec![], unknown);
    }
    let images: Vec<String> = foreign
        .iter()
        .map(|(i, n)| format!("{i} ({n} foreign layer{})", if *n == 1 { "" } else { "s" }))
        .collect();
    let mut findings = Vec::new();
    for sp in &cx.paths {
        match subnet_internet_route(sp) {
            (InternetRoute::Yes, _) => {}
            (InternetRoute::Unknown(why), _) => unknown = Some(why),
            (InternetRoute::No, p) => {
                let rtb = table_id(sp);
                let mut resources = vec![sp.subnet.id.clone(), rtb.clone()];
                resources.extend(foreign.iter().map(|(i, _)| i.to_string()));
                let mut evidence = vec![table_evidence(sp)];
                evidence.extend(
                    foreign
                        .iter()
                        .map(|(i, n)| ev(*i, format!("manifest: {n} layer(s) of media type application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"))),
                );
                findings.push(CHECK.finding(
                    format!(
                        "{} (route table {rtb}) has no route to the internet ({}), but the Windows image{} {} pull{} base layers from Microsoft's registry, which no VPC endpoint serves.",
                        sp.subnet.id,
                        p.and_then(|p| p.route.matched.clone())
                            .unwrap_or_else(|| "no route for 0.0.0.0/0".into()),
                        if foreign.len() == 1 { "" } else { "s" },
                        images.join(", "),
                        if foreign.len() == 1 { "s" } else { "" },
                    ),
                    resources,
                    evidence,
                    format!(
                        "Route 0.0.0.0/0 from {rtb} to a NAT gateway, or push the image with its foreign layers (allow-nondistributable-artifacts) so that ECR serves them."
                    ),
                ));
            }
        }
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{Route, RouteDestination};

    const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";

    /// A Windows task whose image is a single-platform (Windows) image with `layers`.
    fn windows(snap: &mut fd_snapshot::Snapshot, layers: Option<Vec<String>>) {
        testkit::td(snap).operating_system_family = Some("WINDOWS_SERVER_2022_CORE".into());
        let img = snap.ecr.images.get_mut(IMAGE).unwrap();
        img.platforms = None;
        img.foreign_layers = layers;
    }

    fn no_default_route(snap: &mut fd_snapshot::Snapshot) {
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r: &Route| {
                r.destination != RouteDestination::Cidr("0.0.0.0/0".parse().unwrap())
            });
        }
    }

    #[test]
    fn a_manifest_list_without_windows_pulls_nothing() {
        // The fixture's image offers linux/amd64 and linux/arm64 only: nothing is pulled.
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).operating_system_family = Some("WINDOWS_SERVER_2022_CORE".into());
        no_default_route(&mut snap);
        assert_ne!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
    }

    #[test]
    fn foreign_layers_without_internet_fail() {
        let mut snap = testkit::healthy_nat();
        windows(&mut snap, Some(vec!["sha256:aa".into()]));
        no_default_route(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings.len(), 2);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.resources[0], testkit::subnets(&snap)[0]);
        assert!(f.resources.contains(&IMAGE.to_string()));
    }

    #[test]
    fn foreign_layers_through_nat_pass() {
        let mut snap = testkit::healthy_nat();
        windows(&mut snap, Some(vec!["sha256:aa".into()]));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn no_foreign_layers_pass_without_internet() {
        let mut snap = testkit::healthy_nat();
        windows(&mut snap, Some(vec![]));
        no_default_route(&mut snap);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn linux_is_not_applicable() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unread_manifest_is_unknown() {
        let mut snap = testkit::healthy_nat();
        windows(&mut snap, None);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
