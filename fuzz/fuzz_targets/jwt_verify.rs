//! Full JWT verification (`Validation::verify_with_keys`, `Validation::verify`) of arbitrary
//! text against a fixed key set and several policies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::{CustomClaims, dangerous};
use pqjose_fuzz::jwt::{ANY_KID, check_verified, fixture};
use pqjose_fuzz::{check_error, verifiers};

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let f = fixture();
    for (i, policy) in f.policies.iter().enumerate() {
        match policy.verify_with_keys::<CustomClaims>(token, &f.keys) {
            Ok(v) => {
                check_verified(&v, i);
                // A token that verified is well formed for the unverified reader too.
                let d = dangerous::decode_unverified(token).expect("verified token decodes");
                assert_eq!(d.header(), v.header());
                assert!(d.claims::<CustomClaims>().is_ok());
                // Verified by a real key: the single-key path agrees.
                if v.kid() != Some(ANY_KID) {
                    let key = verifiers()
                        .iter()
                        .find(|k| Some(k.kid()) == v.kid())
                        .expect("the verifying key is one of the fixed keys");
                    policy
                        .verify::<CustomClaims>(token, key)
                        .expect("single-key verification agrees with the key set");
                }
            }
            Err(e) => check_error(&e),
        }
    }
    // Single-key verification against every fixed key.
    let policy = &f.policies[0];
    for key in verifiers() {
        match policy.verify::<CustomClaims>(token, key) {
            Ok(v) => check_verified(&v, 0),
            Err(e) => check_error(&e),
        }
    }
    if let Ok(d) = dangerous::decode_unverified(token) {
        let _ = d.claims_json();
        let _ = d.claims::<CustomClaims>();
    }
});
