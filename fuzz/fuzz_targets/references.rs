//! Image references, ARNs and secret IDs: whatever a task definition holds.
#![no_main]
use fd_snapshot::{image, refs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = image::parse(text);
    let _ = refs::parse_arn(text);
    let _ = refs::secret_id(text);
    let _ = refs::account_of(text);
    let _ = refs::region_of(text);
    let _ = refs::pinned_image(text, "sha256:00");
    let _ = refs::is_secrets_manager(text);
});
