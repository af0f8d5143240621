//! The C ABI (`pqjose-ffi`) driven from Rust: the first byte picks an entry point, the rest is
//! its input. Every returned string and handle is freed through the ABI, every error object is
//! read and freed, under AddressSanitizer (leaks, double frees and out-of-bounds reads show up).
#![no_main]

use core::ffi::{CStr, c_char};
use core::ptr::{null, null_mut};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pqjose_ffi::*;
use pqjose_fuzz::KEY_JSON;
use pqjose_fuzz::jwt::NOW;

/// A key set of the fixed keys, a default-policy verifier, and the HMAC signing key.
struct Fixture {
    hmac: *const pqj_key,
    verifier: *const pqj_verifier,
}
// SAFETY: the handles are documented as safe to share between threads.
unsafe impl Send for Fixture {}
unsafe impl Sync for Fixture {}

fn ok(status: pqj_status, err: &mut *mut pqj_error) -> bool {
    if status == pqj_status::Ok {
        assert!(err.is_null(), "error object on success");
        return true;
    }
    assert!(!pqj_status_str(status as u32).is_null());
    if !err.is_null() {
        assert_eq!(pqj_error_status(*err), status);
        let msg = pqj_error_message(*err);
        assert!(!msg.is_null());
        // SAFETY: a NUL-terminated string owned by the error, valid until it is freed.
        let msg = unsafe { CStr::from_ptr(msg) }.to_bytes();
        assert!(msg.len() <= 512, "unbounded error message");
        pqj_error_free(*err);
        *err = null_mut();
    }
    false
}

/// Take a library-owned string: check it is UTF-8, return a copy, free the original.
fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    // SAFETY: a NUL-terminated string returned by the library, freed once below.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("library strings are UTF-8")
        .to_owned();
    pqj_string_free(s);
    text
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut err = null_mut();
        let mut set = null();
        assert!(ok(pqj_keyset_new(&mut set, &mut err), &mut err));
        let mut hmac: *const pqj_key = null();
        for json in KEY_JSON {
            let mut key = null();
            if ok(
                pqj_key_from_jwk(json.as_ptr(), json.len(), &mut key, &mut err),
                &mut err,
            ) {
                assert!(ok(pqj_keyset_add(set, key, &mut err), &mut err));
                if hmac.is_null() && pqj_key_is_private(key) {
                    hmac = key;
                } else {
                    pqj_key_free(key);
                }
            }
        }
        assert!(!hmac.is_null(), "the fixed HMAC key imports");
        let mut validation = null_mut();
        assert!(ok(pqj_validation_new(&mut validation, &mut err), &mut err));
        assert!(ok(
            pqj_validation_allow_unexpected_audience(validation, &mut err),
            &mut err
        ));
        let mut verifier = null();
        assert!(ok(
            pqj_verifier_new(set, validation, &mut verifier, &mut err),
            &mut err
        ));
        pqj_validation_free(validation);
        pqj_keyset_free(set); // the verifier keeps its own reference
        Fixture { hmac, verifier }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&op, input)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let mut err: *mut pqj_error = null_mut();
    match op % 6 {
        0 => {
            let mut key = null();
            if ok(
                pqj_key_from_jwk(input.as_ptr(), input.len(), &mut key, &mut err),
                &mut err,
            ) {
                assert!(!pqj_key_alg(key).is_null() && !pqj_key_kid(key).is_null());
                let mut s = null_mut();
                if ok(pqj_key_public_jwk(key, &mut s, &mut err), &mut err) {
                    let public = take(s);
                    assert!(!public.contains("\"d\":") && !public.contains("\"priv\":"));
                }
                if ok(pqj_key_private_jwk(key, &mut s, &mut err), &mut err) {
                    assert!(pqj_key_is_private(key));
                    take(s);
                }
                if ok(pqj_key_thumbprint(key, &mut s, &mut err), &mut err) {
                    take(s);
                }
                pqj_key_free(key);
            }
        }
        1 => {
            let mut set = null();
            let mut skipped = 0usize;
            if ok(
                pqj_keyset_from_jwks(
                    input.as_ptr(),
                    input.len(),
                    &mut set,
                    &mut skipped,
                    &mut err,
                ),
                &mut err,
            ) {
                assert!(pqj_keyset_len(set) + skipped <= pqjose::jwk::MAX_JWK_SET_KEYS);
                let mut s = null_mut();
                if ok(pqj_keyset_public_jwks(set, &mut s, &mut err), &mut err) {
                    take(s);
                }
                pqj_keyset_free(set);
            }
        }
        2 => {
            let (mut h, mut c) = (null_mut(), null_mut());
            if ok(
                pqj_inspect(input.as_ptr(), input.len(), &mut h, &mut c, &mut err),
                &mut err,
            ) {
                take(h);
                take(c);
            }
        }
        3 => {
            let mut claims = null_mut();
            let status = pqj_verifier_verify_at(
                f.verifier,
                input.as_ptr(),
                input.len(),
                NOW,
                &mut claims,
                &mut err,
            );
            if ok(status, &mut err) {
                // Only a genuine token verifies; its claims are returned exactly as signed.
                let text = take(claims);
                assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
            } else {
                assert!(claims.is_null(), "output written on failure");
            }
        }
        4 => {
            // Claims JSON for the builder; what it signs must verify and inspect.
            let mut builder = null_mut();
            if ok(
                pqj_token_builder_new(input.as_ptr(), input.len(), &mut builder, &mut err),
                &mut err,
            ) {
                let mut token = null_mut();
                if ok(
                    pqj_token_builder_sign_at(builder, f.hmac, NOW, &mut token, &mut err),
                    &mut err,
                ) {
                    let token = take(token);
                    let (mut h, mut c) = (null_mut(), null_mut());
                    assert!(ok(
                        pqj_inspect(token.as_ptr(), token.len(), &mut h, &mut c, &mut err),
                        &mut err
                    ));
                    take(h);
                    take(c);
                    let mut claims = null_mut();
                    let status = pqj_verifier_verify_at(
                        f.verifier,
                        token.as_ptr(),
                        token.len(),
                        NOW,
                        &mut claims,
                        &mut err,
                    );
                    if ok(status, &mut err) {
                        take(claims);
                    }
                }
                pqj_token_builder_free(builder);
            }
        }
        _ => {
            // PEM import for an algorithm named by the first byte; NULL and odd arguments.
            let Some((&a, pem)) = input.split_first() else {
                return;
            };
            let algs = pqjose::Algorithm::ALL;
            let name = algs[usize::from(a) % algs.len()].as_str();
            let alg = std::ffi::CString::new(name).expect("no NUL in names");
            let mut key = null();
            if ok(
                pqj_key_from_pem(
                    alg.as_ptr(),
                    pem.as_ptr(),
                    pem.len(),
                    null(),
                    &mut key,
                    &mut err,
                ),
                &mut err,
            ) {
                pqj_key_free(key);
            }
            // NULL inputs with non-zero lengths are refused, never dereferenced.
            assert!(!ok(
                pqj_key_from_jwk(null(), pem.len().max(1), &mut key, &mut err),
                &mut err
            ));
            assert!(!pqj_status_str(u32::from(a) * 7).is_null());
        }
    }
    assert!(err.is_null());
});
