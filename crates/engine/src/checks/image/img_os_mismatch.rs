use crate::checks::{image_platform_check, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IMG-OS-MISMATCH",
    title: "A Linux image on a Windows task, or the reverse",
    severity: Severity::Error,
    group: "Image and registry",
    what: "Reads the platforms of the image's manifest list (ecr:BatchGetImage) and compares their \
           operating system with runtimePlatform.operatingSystemFamily (LINUX when unset).",
    why: "A Windows task cannot run a Linux image and vice versa; the pull fails with 'no matching \
          manifest' or 'image operating system \"linux\" cannot be used on this platform'.",
    fix: "Use an image built for the task's operating system, or change runtimePlatform.operatingSystemFamily.",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    image_platform_check(&CHECK, cx, true)
}
