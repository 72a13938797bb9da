//! The IAM policy parser and evaluator: the first line of the input is the request
//! (`principal action resource`), the rest the policy document.
#![no_main]
use fd_engine::iam::{self, Context, Policy, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (request, doc) = text.split_once('\n').unwrap_or(("", text));
    let mut parts = request.split(' ');
    let principal = parts.next().unwrap_or("arn:aws:iam::123456789012:role/r");
    let action = parts.next().unwrap_or("ecr:BatchGetImage");
    let resource = parts.next().unwrap_or("*");
    let Ok(policy) = Policy::parse("fuzz", doc) else {
        return;
    };
    let ctx = Context::new()
        .with("aws:SourceVpce", "vpce-1")
        .with_absent("aws:SourceVpc");
    let req = Request::new(principal, action, resource, &ctx);
    let d = iam::evaluate(&[&policy], &req);
    let _ = d.describe();
    let _ = iam::evaluate_resource_policy(&policy, &req).is_allowed();
    let _ = iam::evaluate_trust(&policy, principal, resource, &ctx).is_allowed();
    let _ = iam::evaluate_identity(&[&policy], Some(&policy), &req).is_allowed();
});
