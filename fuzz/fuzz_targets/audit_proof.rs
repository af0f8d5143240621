//! Arbitrary proof documents: inclusion and consistency proofs are parsed and checked against
//! the seeds' log key; nothing panics, every failure is a typed error, and a proof that
//! verifies is consistent with its own checkpoint.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqjose::VerifyingKey;
use pqjose::audit::{ConsistencyProof, InclusionProof, merkle};
use pqjose_fuzz::check_error;

const KEY: &str = r#"{"kty":"OKP","kid":"fuzz","alg":"Ed25519","crv":"Ed25519","x":"0FFkuXSQHBwYJ0P-pAJECX1JWEJbjwCcvcTcR7sGkCA"}"#;

fn key() -> &'static VerifyingKey {
    static K: OnceLock<VerifyingKey> = OnceLock::new();
    K.get_or_init(|| VerifyingKey::from_jwk_json(KEY).expect("the fuzz key"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match InclusionProof::from_json(text) {
        Ok(p) => match p.verify(key()) {
            Ok(cp) => {
                assert_eq!(cp.size(), p.size);
                assert!(
                    merkle::verify_inclusion(p.index, p.size, &p.leaf_hash, &p.path, &p.root)
                        .is_ok()
                );
            }
            Err(e) => check_error(&e),
        },
        Err(e) => check_error(&e),
    }
    match ConsistencyProof::from_json(text) {
        Ok(p) => match p.verify(key()) {
            Ok((a, b)) => assert!(a.size() <= b.size()),
            Err(e) => check_error(&e),
        },
        Err(e) => check_error(&e),
    }
});
