//! A log directory whose files hold arbitrary bytes: the input is split at `ff fe fd fc` into
//! `log.json`, `records.jsonl`, `tree` and `checkpoints.jsonl`. Opening read-only and verifying,
//! then opening for repair and verifying again, never panics: every failure is a typed error.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqjose::VerifyingKey;
use pqjose::audit::{DirStorage, Storage, verify_log};
use pqjose_fuzz::{audit_keys, check_error};

const FILES: [&str; 4] = ["log.json", "records.jsonl", "tree", "checkpoints.jsonl"];

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("pqjose-fuzz-audit-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

/// The key for the log's configured algorithm (else the first: verification then fails cleanly).
fn key_for(storage: &DirStorage) -> &'static VerifyingKey {
    let keys = audit_keys();
    keys.iter()
        .find(|k| k.algorithm().as_str() == storage.config().algorithm)
        .unwrap_or(&keys[0])
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(4).position(|w| w == b"\xff\xfe\xfd\xfc") {
        parts.push(&rest[..i]);
        rest = &rest[i + 4..];
    }
    parts.push(rest);
    for (i, name) in FILES.iter().enumerate() {
        std::fs::write(dir.join(name), parts.get(i).copied().unwrap_or(b"")).expect("write");
    }
    match DirStorage::open_read_only(dir) {
        Ok(s) => {
            if let Err(e) = verify_log(&s, key_for(&s)) {
                check_error(&e);
            }
        }
        Err(e) => check_error(&e.into()),
    }
    match DirStorage::open(dir) {
        Ok(s) => {
            if let Err(e) = verify_log(&s, key_for(&s)) {
                check_error(&e);
            }
        }
        Err(e) => check_error(&e.into()),
    }
});
