//! The snapshot loader, then the whole diagnosis of whatever it accepts: a hand-edited or
//! corrupted snapshot must give an error naming the field, or a report — never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(snapshot) = fd_snapshot::load_str(text, std::path::Path::new("fuzz.json")) {
        let _ = fd_engine::diagnose(&snapshot);
    }
});
