use crate::checks::{image_platform_check, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "IMG-ARCH-MISMATCH",
    title: "The image has no manifest for the task's CPU architecture",
    severity: Severity::Error,
    group: "Image and registry",
    what: "Reads the image's manifest (ecr:BatchGetImage): for a manifest list or OCI index, the \
           platforms it offers; compares them with the task definition's runtimePlatform.cpuArchitecture \
           (X86_64 when unset → amd64; ARM64 → arm64). For a single-platform image the architecture is \
           in its config blob, which is not read: the check is then unknown.",
    why: "The runtime cannot find a matching manifest: 'CannotPullContainerError: … no matching manifest \
          for linux/arm64 in the manifest list entries' or '… descriptor matching platform'. An image \
          built on an ARM laptop for an X86_64 task starts and exits with 'exec format error'.",
    fix: "Build for the task's architecture (or both):\n  docker buildx build --platform \
          linux/amd64,linux/arm64 -t ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG --push .\nor set \
          runtimePlatform.cpuArchitecture to match the image.",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html"],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    image_platform_check(&CHECK, cx, false)
}
