//! DPoP proof verification (`ProofVerifier`, RFC 9449) of arbitrary text: the one path that
//! uses a key carried in the header. Seeds are real proofs (ES256, Ed25519, ML-DSA, composite)
//! for `POST https://server.example.com/token`, access token `token`.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use pqjose::FixedClock;
use pqjose::dpop::ProofVerifier;
use pqjose_fuzz::check_error;

/// A fixed "now" after the seeds were made, with a window wide enough to keep them valid.
const NOW: i64 = 1_900_000_000;

fuzz_target!(|data: &[u8]| {
    let Ok(proof) = std::str::from_utf8(data) else {
        return;
    };
    let v = ProofVerifier::new()
        .clock(FixedClock::at_secs(NOW))
        .max_age(Duration::from_secs(400_000_000));
    match v.verify(proof, "POST", "https://server.example.com/token") {
        Ok(p) => {
            assert_eq!(p.htm(), "POST");
            assert!(!p.htu().contains(['?', '#']));
            assert_eq!(
                p.jkt(),
                p.jwk().thumbprint().expect("verified key has a thumbprint")
            );
            assert!(!p.jwk().is_private());
        }
        Err(e) => check_error(&e),
    }
    match v.verify_with_access_token(
        proof,
        "POST",
        "https://SERVER.example.com:443/token?x",
        "token",
    ) {
        Ok(p) => assert!(p.claims().custom().contains_key("ath")),
        Err(e) => check_error(&e),
    }
});
