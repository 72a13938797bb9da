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

/// One change to a snapshot's text, at a character position.
#[derive(Debug, Clone)]
enum Edit {
    Replace(char),
    Insert(char),
    Delete,
}

/// Characters that matter to JSON most of the time, any character (multi-byte ones included)
/// sometimes.
fn damage_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(&['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '-', '.', '/'][..]),
        3 => prop::char::range('0', '9'),
        2 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => damage_char().prop_map(Edit::Replace),
        1 => damage_char().prop_map(Edit::Insert),
        1 => Just(Edit::Delete),
    ]
}

/// `text` with `edits` applied in turn, each at its index into the characters as they are then.
fn damaged(text: &str, edits: &[(prop::sample::Index, Edit)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, edit) in edits {
        if chars.is_empty() {
            break;
        }
        let i = at.index(chars.len());
        match edit {
            Edit::Replace(c) => chars[i] = *c,
            Edit::Insert(c) => chars.insert(i, *c),
            Edit::Delete => {
                chars.remove(i);
            }
        }
    }
    chars.into_iter().collect()
}

/// `damaged.json:LINE:COLUMN: …`, or the schema_version refusal (which has no position).
fn names_file_and_position(e: &str) -> bool {
    let Some(rest) = e.strip_prefix("damaged.json") else {
        return false;
    };
    if rest.starts_with(": unsupported snapshot schema_version") {
        return true;
    }
    let mut parts = rest.splitn(4, ':');
    let number =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    parts.next() == Some("")
        && number(parts.next())
        && number(parts.next())
        && parts.next().is_some()
}

#[test]
fn damage_is_applied_and_errors_are_recognised() {
    use proptest::strategy::ValueTree;
    let at = |i: usize| {
        // An Index that picks `i` of 10.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        loop {
            let v = any::<prop::sample::Index>()
                .new_tree(&mut runner)
                .unwrap()
                .current();
            if v.index(10) == i {
                return v;
            }
        }
    };
    assert_eq!(
        damaged(
            "0123456789",
            &[(at(0), Edit::Replace('é')), (at(9), Edit::Delete)]
        ),
        "é12345678"
    );
    assert_eq!(
        damaged("0123456789", &[(at(3), Edit::Insert('{'))]),
        "012{3456789"
    );
    assert!(names_file_and_position(
        "damaged.json:3:14: invalid snapshot: expected `,`"
    ));
    assert!(names_file_and_position(
        "damaged.json: unsupported snapshot schema_version 7 (this fargate-doctor reads version 1)"
    ));
    assert!(!names_file_and_position("damaged.json: invalid snapshot"));
    assert!(!names_file_and_position(
        "other.json:3:14: invalid snapshot"
    ));
    assert!(!names_file_and_position("damaged.json:x:14: invalid"));
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
        edits in prop::collection::vec((any::<prop::sample::Index>(), edit()), 1..6),
    ) {
        // Every case is loaded: the damage is done on characters, so the text stays UTF-8.
        let text = damaged(FIXTURE, &edits);
        match fd_snapshot::load_str(&text, Path::new("damaged.json")) {
            Ok(snapshot) => {
                let _ = fd_engine::diagnose(&snapshot);
            }
            // The error names the file and a position (a wrong schema_version, the file only).
            Err(e) => {
                let e = e.to_string();
                prop_assert!(names_file_and_position(&e), "{e}");
            }
        }
    }
}
