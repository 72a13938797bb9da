//! The stopped-reason classifier: any text ECS (or a user) may put in a reason.
#![no_main]
use fd_engine::classify::{classify, ClassifyContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ctx = ClassifyContext {
        vpc_cidrs: vec!["10.0.0.0/16".parse().expect("cidr")],
        s3_cidrs: vec!["52.216.0.0/15".parse().expect("cidr")],
    };
    let _ = classify(&text, &ctx);
});
