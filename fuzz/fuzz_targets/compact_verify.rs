//! Compact JWS verification (`pqjose::jws::verify`) of arbitrary text against fixed keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::Algorithm;
use pqjose::jws::{self, Limits};
use pqjose_fuzz::{AcceptAny, check_error, verifiers};

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    for key in verifiers() {
        match jws::verify(key, token) {
            Ok(verified) => {
                // Only a genuine signature by a fixed key verifies; the same token must then
                // parse identically when the signature check is skipped.
                assert!(key.algorithm().accepts_header(verified.header().alg()));
                let again = jws::verify(&AcceptAny::new(key.algorithm()), token)
                    .expect("a verified token parses");
                assert_eq!(again.payload(), verified.payload());
                assert_eq!(again.header(), verified.header());
            }
            Err(e) => check_error(&e),
        }
    }
    // Past the signature: header and payload handling for every algorithm's limits.
    for &alg in Algorithm::ALL {
        match jws::verify(&AcceptAny::new(alg), token) {
            Ok(v) => {
                assert!(alg.accepts_header(v.header().alg()));
                assert!(v.payload().len() <= Limits::default().payload_len());
            }
            Err(e) => check_error(&e),
        }
    }
    // Tight limits must reject, never panic.
    let tight = Limits::new()
        .max_header_len(8)
        .max_payload_len(8)
        .max_depth(1)
        .max_token_len(64);
    if let Err(e) = jws::verify_with_limits(&AcceptAny::new(Algorithm::Hs256), token, &tight) {
        check_error(&e);
    } else {
        assert!(token.len() <= 64);
    }
});
