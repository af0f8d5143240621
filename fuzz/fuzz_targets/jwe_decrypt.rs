//! JWE decryption (`pqjose::jwe`) of arbitrary text: detection of the serialization (compact,
//! flattened or general JSON), limits, header merging and checks, then decryption with fixed
//! private keys (HPKE-9, HPKE-12-KE, HPKE-0, ECDH-ES X25519, ECDH-ES+A256KW P-256, A256KW, dir).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::jwe::{self, Decryption, Limits};
use pqjose_fuzz::{check_error, jwe_keys};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys = jwe_keys();
    match jwe::decrypt_with_keys(keys, text) {
        Ok(opened) => {
            // Only a JWE made for a fixed key opens, and that key opens it again, the same way.
            let key = keys
                .keys()
                .iter()
                .find(|k| k.kid() == opened.kid())
                .expect("the key that opened it is in the set");
            assert_eq!(key.algorithm(), opened.algorithm());
            let again = jwe::decrypt(key, text).expect("the same key opens it again");
            assert_eq!(again.plaintext(), opened.plaintext());
            assert_eq!(again.header(), opened.header());
        }
        Err(e) => check_error(&e),
    }
    // Each key on its own (the JWE's `alg` must be the key's).
    for key in keys.keys() {
        if let Err(e) = jwe::decrypt(key, text) {
            check_error(&e);
        }
    }
    // Tight limits must reject, never panic.
    let tight = Limits::new()
        .max_jwe_len(512)
        .max_header_len(96)
        .max_encrypted_key_len(64)
        .max_ciphertext_len(64)
        .max_recipients(1)
        .max_depth(2);
    match Decryption::new()
        .limits(tight)
        .decrypt_with_keys(text, keys)
    {
        Ok(_) => assert!(text.len() <= 512),
        Err(e) => check_error(&e),
    }
});
