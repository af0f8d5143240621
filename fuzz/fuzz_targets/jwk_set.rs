//! JWK Set parsing (`pqjose::JwkSet::from_json`) and import of every member key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::{JwkSet, VerifyingKey};
use pqjose_fuzz::{check_error, check_verifying_key};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let set = match JwkSet::from_json(text) {
        Ok(set) => set,
        Err(e) => return check_error(&e),
    };
    assert!(set.keys().len() + set.skipped().len() <= pqjose::jwk::MAX_JWK_SET_KEYS);
    for skipped in set.skipped() {
        check_error(&skipped.reason);
    }
    for jwk in set.keys() {
        if let Ok(vk) = VerifyingKey::from_jwk(jwk) {
            check_verifying_key(&vk);
        }
    }
    let public = set.to_public();
    assert!(public.keys().iter().all(|k| !k.is_private()));
    let reparsed = JwkSet::from_json(&set.to_json()).expect("a parsed set's JSON parses");
    assert_eq!(reparsed.keys(), set.keys());
});
