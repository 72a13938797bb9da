use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::image::ImageSource;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IMG-REF-INVALID",
    title: "A container image is not a valid image reference",
    severity: Severity::Error,
    group: "Image and registry",
    what: "Parses every container's image as Docker and containerd do: a non-empty reference \
           without spaces, a lower-case repository path (letters, digits, '.', '_', '-'), an \
           optional tag of up to 128 letters, digits, '_', '.', '-', and an optional \
           <algorithm>:<hex> digest.",
    why: "The pull fails before any network access: 'CannotPullContainerError: invalid reference \
          format' (or 'repository name must be lowercase'). An empty image usually comes from a \
          template variable that was not set when the task definition was registered.",
    fix: "Register a new revision with the full image URI, e.g. \
          ACCOUNT.dkr.ecr.REGION.amazonaws.com/repository:tag:\n  \
          aws ecs register-task-definition --cli-input-json file://taskdef.json",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &["ECR-REPO-NOT-FOUND", "ECR-IMAGE-NOT-FOUND", "ECR-PULL-THROUGH", "REG-INTERNET-REQUIRED"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(td) = cx.td else {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    };
    if cx.needs.images.is_empty() {
        return Outcome::na("the task definition has no container");
    }
    let td_name = td.arn.clone().unwrap_or_else(|| td.family.clone());
    let findings = cx
        .needs
        .images
        .iter()
        .filter_map(|i| match &i.source {
            ImageSource::Invalid { reason } => Some(CHECK.finding(
                format!(
                    "Container {} has image {:?}, which is not an image reference: {reason}.",
                    i.container, i.image
                ),
                vec![td_name.clone()],
                vec![ev(&td_name, format!("container {} image {:?}", i.container, i.image))],
                format!(
                    "Set the image of container {} to a full image URI and register a new revision.",
                    i.container
                ),
            )),
            _ => None,
        })
        .collect();
    Outcome::from_findings(findings, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn empty_and_upper_case_images_fail() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        testkit::td(&mut snap).containers[0].image = String::new();
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0].message.contains("the image is empty"));
        testkit::td(&mut snap).containers[0].image =
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/MyApp:1".into();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
        // A Docker Hub image is a valid reference (REG-INTERNET-REQUIRED judges its path).
        testkit::td(&mut snap).containers[0].image = "nginx:1.27".into();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }
}
