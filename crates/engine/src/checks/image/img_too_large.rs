use crate::checks::{ev, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IMG-TOO-LARGE",
    title: "The image does not fit the task's ephemeral storage",
    severity: Severity::Error,
    group: "Image and registry",
    what: "Adds up the compressed sizes (ecr:DescribeImages imageSizeInBytes) of the task's \
           distinct private ECR images and compares them with the task's ephemeral storage: \
           ephemeralStorage.sizeInGiB, else 20 GiB (Linux platform 1.4.0 and later, and Windows, \
           where it cannot be changed); 10 GB of image storage on platform 1.3.0. Fargate keeps \
           both the pulled compressed layers and the extracted image on that storage, and the \
           extracted image is at least as large as the compressed one, so twice the compressed \
           size is a lower bound of what the pull needs. Rule: error when twice the compressed \
           total reaches the storage (the pull cannot fit; if the images share base layers they \
           are stored once, and the real need is smaller); warning when three times it (a typical \
           extraction ratio of 2:1) reaches 80 % of the storage (a heuristic: the real ratio \
           depends on the image, and the application's own files share the space). The size of \
           an image that is not in private ECR cannot be read: such images are named in the \
           detail and not counted, and a task with only such images is not applicable. Windows \
           foreign layers (pulled from Microsoft) are not in ECR's size either.",
    why:
        "The pull fails when the disk fills: 'CannotPullContainerError: ref pull has been retried \
          1 time(s): failed to extract layer sha256:…: write \
          /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/…: no space left \
          on device: unknown' (Windows: '… hcsshim::ImportLayer - failed failed in Win32: There \
          is not enough space on the disk. (0x70)').",
    fix: "Make the image smaller (multi-stage build, slimmer base image, no build caches in \
          layers), or raise the task's ephemeral storage (Linux, platform 1.4.0 or later, up to \
          200 GiB) in a new task definition revision:\n  aws ecs register-task-definition \
          --cli-input-json file://taskdef.json   # with \"ephemeralStorage\": {\"sizeInGiB\": 50}",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

const GIB: f64 = (1u64 << 30) as f64;

fn gib(bytes: i64) -> String {
    format!("{:.1} GiB", bytes as f64 / GIB)
}

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    let td_name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let (os, arch) = cx.platform();
    let (storage_gib, basis) = if cx.pv.windows {
        (20, "the fixed 20 GiB of a Windows task".to_string())
    } else if cx.pv.legacy {
        (
            10,
            format!("the 10 GB of image storage of platform {}", cx.pv.label),
        )
    } else {
        match td.ephemeral_storage_gib {
            Some(g) => (i64::from(g), format!("ephemeralStorage {g} GiB")),
            None => (20, "the default 20 GiB ephemeral storage".to_string()),
        }
    };
    let storage = storage_gib.saturating_mul(1i64 << 30);

    let mut seen: Vec<&str> = Vec::new();
    let mut others: Vec<&str> = Vec::new();
    let mut sized: Vec<(&str, i64)> = Vec::new();
    let mut unknown_images: Vec<String> = Vec::new();
    let mut foreign = false;
    let mut any_ecr = false;
    for i in &cx.needs.images {
        if seen.contains(&i.image.as_str()) {
            continue;
        }
        seen.push(&i.image);
        let Some(ecr) = i.ecr() else {
            others.push(&i.image);
            continue;
        };
        any_ecr = true;
        match crate::checks::repository(cx, &ecr.repository_arn) {
            Found::Yes(_) => {}
            Found::Missing => continue, // ECR-REPO-NOT-FOUND
            Found::Unknown(why) => {
                unknown_images.push(format!("{} ({why})", i.image));
                continue;
            }
        }
        match cx.snap.image(&i.image) {
            // A manifest list without the task's platform pulls nothing (IMG-ARCH-MISMATCH /
            // IMG-OS-MISMATCH report it).
            Found::Yes(img)
                if img.platforms.is_some() && img.platform_image(os, arch).is_none() => {}
            Found::Yes(img) => match img.pulled_size(os, arch) {
                Some(n) => {
                    sized.push((&i.image, n));
                    foreign |= img
                        .pulled_foreign_layers(os, arch)
                        .is_some_and(|f| !f.is_empty());
                }
                None => {
                    // What the task pulls: the platform image of a manifest list, read by digest.
                    let scope = img
                        .platform_image(os, arch)
                        .and_then(|p| p.digest.as_deref())
                        .map_or(i.image.clone(), |d| {
                            fd_snapshot::refs::pinned_image(&i.image, d)
                        });
                    let why = crate::checks::image_call_failure(
                        cx,
                        fd_snapshot::Op::EcrDescribeImages,
                        &scope,
                    )
                    .or_else(|| {
                        crate::checks::image_call_failure(
                            cx,
                            fd_snapshot::Op::EcrDescribeImages,
                            &i.image,
                        )
                    })
                    .unwrap_or_else(|| "ECR reported no size".into());
                    unknown_images.push(format!("{} ({why})", i.image))
                }
            },
            Found::Missing => {} // ECR-IMAGE-NOT-FOUND
            Found::Unknown(why) => unknown_images.push(format!("{} ({why})", i.image)),
        }
    }
    let not_counted = if others.is_empty() {
        String::new()
    } else {
        format!(
            "; not counted (not in private ECR, size not readable): {}",
            others.join(", ")
        )
    };
    if !any_ecr {
        return Outcome::na(format!(
            "no private ECR image: the size of {} cannot be read",
            others.join(", ")
        ));
    }
    let unknown = (!unknown_images.is_empty()).then(|| {
        format!(
            "the compressed size of {} is not known",
            unknown_images.join(", ")
        )
    });
    if sized.is_empty() {
        return match unknown {
            Some(u) => Outcome::unknown(u),
            None => Outcome::na("no private ECR image that exists"),
        };
    }
    // Saturating: a hand-edited snapshot may hold any size.
    let total: i64 = sized
        .iter()
        .fold(0i64, |acc, (_, n)| acc.saturating_add((*n).max(0)));
    let list: Vec<String> = sized
        .iter()
        .map(|(i, n)| format!("{i} ({})", gib(*n)))
        .collect();
    let foreign_note = if foreign {
        " (Windows foreign layers are not included)"
    } else {
        ""
    };
    let severity = if total.saturating_mul(2) >= storage {
        Some(Severity::Error)
    } else if total.saturating_mul(30) >= storage.saturating_mul(8) {
        Some(Severity::Warning)
    } else {
        None
    };
    let Some(severity) = severity else {
        if unknown.is_some() {
            return Outcome::from_findings(vec![], unknown);
        }
        return Outcome::pass_because(format!(
            "{} compressed{foreign_note}, at most a third of {basis} with a 2:1 extraction{not_counted}",
            gib(total)
        ));
    };
    let mut resources: Vec<String> = {
        let mut by_size = sized.clone();
        by_size.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        by_size.iter().map(|(i, _)| i.to_string()).collect()
    };
    resources.push(td_name.clone());
    let message = if severity == Severity::Error {
        format!(
            "Task definition {td_name} pulls {} compressed{foreign_note}: with the extracted copy (at least as large) that is at least {}, which does not fit {basis}{}. Images: {}{not_counted}.",
            gib(total),
            gib(total.saturating_mul(2)),
            if sized.len() > 1 {
                " (less only if the images share layers)"
            } else {
                ""
            },
            list.join(", ")
        )
    } else {
        format!(
            "Task definition {td_name} pulls {} compressed{foreign_note}: with a typical 2:1 extraction the image takes about {} of {basis}, leaving little room (heuristic). Images: {}{not_counted}.",
            gib(total),
            gib(total.saturating_mul(3)),
            list.join(", ")
        )
    };
    let mut evidence: Vec<_> = sized
        .iter()
        .map(|(i, n)| {
            ev(
                *i,
                format!("ecr:DescribeImages imageSizeInBytes {n} ({})", gib(*n)),
            )
        })
        .collect();
    evidence.push(ev(&td_name, format!("storage: {basis}")));
    let remediation = if cx.pv.windows {
        "Make the image smaller: the ephemeral storage of a Windows task cannot be raised."
            .to_string()
    } else if cx.pv.legacy {
        "Move the service to platform 1.4.0 (20 GiB, up to 200 GiB with ephemeralStorage), or make the image smaller.".to_string()
    } else {
        let want = ((3 * total) as f64 / GIB / 0.8).ceil() as i64;
        format!(
            "Set ephemeralStorage.sizeInGiB to at least {} in a new revision of {} (maximum 200), or make the image smaller.",
            want.clamp(21, 200),
            td.family
        )
    };
    Outcome::from_findings(
        vec![CHECK.finding_at(severity, message, resources, evidence, remediation)],
        unknown,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";

    /// Sets the size of what the (amd64) task pulls: the amd64 image of the manifest list.
    fn size(snap: &mut fd_snapshot::Snapshot, gib: f64) {
        set_size(snap, Some((gib * GIB) as i64));
    }

    fn set_size(snap: &mut fd_snapshot::Snapshot, bytes: Option<i64>) {
        let img = snap.ecr.images.get_mut(IMAGE).unwrap();
        let p = img
            .platforms
            .as_mut()
            .and_then(|ps| ps.iter_mut().find(|p| p.architecture == "amd64"))
            .expect("the fixture's image is a manifest list with linux/amd64");
        p.size_bytes = bytes;
    }

    #[test]
    fn image_larger_than_half_the_storage_fails() {
        let mut snap = testkit::healthy_nat();
        size(&mut snap, 11.0);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.resources[0], IMAGE);
        assert_eq!(
            f.resources[1],
            "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
        );
        assert!(
            f.remediation.contains("sizeInGiB to at least 42"),
            "{}",
            f.remediation
        );
    }

    #[test]
    fn large_image_warns_and_more_storage_passes() {
        let mut snap = testkit::healthy_nat();
        size(&mut snap, 6.0);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert_eq!(out.findings[0].severity, Severity::Warning);
        testkit::td(&mut snap).ephemeral_storage_gib = Some(50);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn small_image_passes_and_names_uncounted_images() {
        let mut snap = testkit::healthy_nat();
        size(&mut snap, 0.3);
        let mut sidecar = testkit::td(&mut snap).containers[0].clone();
        sidecar.name = "proxy".into();
        sidecar.image = "public.ecr.aws/nginx/nginx:1".into();
        testkit::td(&mut snap).containers.push(sidecar);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass);
        assert!(out.detail.unwrap().contains("public.ecr.aws/nginx/nginx:1"));
    }

    #[test]
    fn only_public_images_is_not_applicable() {
        let mut snap = testkit::healthy_nat();
        testkit::td(&mut snap).containers[0].image = "nginx:1.27".into();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unknown_size_is_unknown() {
        // The platform image's size could not be read (DescribeImages by digest failed).
        let mut snap = testkit::healthy_nat();
        set_size(&mut snap, None);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains(IMAGE));
    }
}
