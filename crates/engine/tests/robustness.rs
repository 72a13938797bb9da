//! The fuzz targets' entry points (`fuzz/fuzz_targets`), as property tests in the regular
//! suite: the snapshot loader and the whole diagnosis, the IAM policy parser and evaluator, and
//! the reference parsers never panic, whatever they are given. (The classifier has its own in
//! `tests/classify.rs`.) The long runs are `cargo +nightly fuzz run <target>`; see DEVELOPERS.md.

use std::path::Path;

use fd_engine::iam::{self, Context, Policy, Request};
use fd_snapshot::{image, refs};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("fixtures/healthy-endpoints.json");

/// JSON-ish policy documents: real keys and operators in random arrangements.
fn policy_doc() -> impl Strategy<Value = String> {
    let effect = prop_oneof![Just("Allow"), Just("Deny"), Just("Maybe")];
    let action = prop_oneof![
        Just("\"*\""),
        Just("\"ecr:*\""),
        Just("[\"s3:GetObject\",\"s3:Get*\"]"),
        Just("\"\""),
        Just("[]"),
        Just("7"),
    ];
    let key = prop_oneof![Just("Action"), Just("NotAction")];
    let rkey = prop_oneof![Just("Resource"), Just("NotResource"), Just("Principal")];
    let resource = prop_oneof![
        Just("\"*\""),
        Just("\"arn:aws:s3:::b/*\""),
        Just("{\"AWS\":\"*\"}"),
        Just("{\"Service\":[\"ecs-tasks.amazonaws.com\"]}"),
        Just("\"arn:aws:iam::${aws:username}:role/*\""),
        Just("null"),
    ];
    let condition = prop_oneof![
        Just(""),
        Just(",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}"),
        Just(",\"Condition\":{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"a*\"]}}"),
        Just(",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":[\"false\",\"x\"]}}"),
        Just(",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}"),
        Just(",\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":\"ten\"}}"),
        Just(",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:ecs:*\"}}"),
        Just(",\"Condition\":{\"StringEqualsIfExists\":{}}"),
    ];
    prop::collection::vec((effect, key, action, rkey, resource, condition), 0..4).prop_map(
        |stmts| {
            let body: Vec<String> = stmts
                .into_iter()
                .map(|(e, k, a, rk, r, c)| {
                    format!("{{\"Effect\":\"{e}\",\"{k}\":{a},\"{rk}\":{r}{c}}}")
                })
                .collect();
            format!(
                "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
                body.join(",")
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn policies_parse_and_evaluate_without_panicking(
        doc in prop_oneof![policy_doc(), ".{0,200}"],
        action in prop_oneof![Just("ecr:BatchGetImage".to_string()), "[a-z0-9:*?]{0,20}"],
        resource in prop_oneof![Just("arn:aws:s3:::b/k".to_string()), ".{0,40}"],
    ) {
        if let Ok(policy) = Policy::parse("prop", &doc) {
            let ctx = Context::new().with("aws:SourceVpce", "vpce-1").with_absent("aws:SourceVpc");
            let principal = "arn:aws:iam::123456789012:role/r";
            let req = Request::new(principal, &action, &resource, &ctx);
            let _ = iam::evaluate(&[&policy], &req).describe();
            let _ = iam::evaluate_resource_policy(&policy, &req).is_allowed();
            let _ = iam::evaluate_trust(&policy, "ecs-tasks.amazonaws.com", &resource, &ctx);
            let _ = iam::evaluate_identity(&[&policy], Some(&policy), &req).is_allowed();
        }
    }

    #[test]
    fn references_parse_without_panicking(s in ".{0,120}") {
        let _ = image::parse(&s);
        let _ = refs::parse_arn(&s);
        let _ = refs::secret_id(&s);
        let _ = refs::pinned_image(&s, "sha256:00");
        let _ = refs::region_of(&s);
    }

    #[test]
    fn a_damaged_snapshot_is_an_error_or_a_diagnosis(
        edits in prop::collection::vec((0usize..FIXTURE.len(), any::<u8>()), 1..6),
    ) {
        let mut bytes = FIXTURE.as_bytes().to_vec();
        for (at, b) in edits {
            bytes[at] = b;
        }
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        match fd_snapshot::load_str(&text, Path::new("damaged.json")) {
            Ok(snapshot) => {
                let _ = fd_engine::diagnose(&snapshot);
            }
            // The error names the file and a position.
            Err(e) => prop_assert!(e.to_string().starts_with("damaged.json"), "{e}"),
        }
    }
}
