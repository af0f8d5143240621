//! The C ABI driven from Rust, for the "C ABI verify vs Rust API verify" benchmark (target 4).
//!
//! The `pqj_` functions are the exported `extern "C"` symbols of `pqjose-ffi` (the same code a C,
//! Go or Python caller reaches through `include/pqjose.h`); they are safe to call from Rust with
//! pointers to live locals, so no `unsafe` is needed here. A [`CVerifier`] owns the handles a
//! gateway written in C would hold: a key set with one public key, a validation policy with the
//! issuer and audience of the benchmark tokens, and the verifier made from both.

use std::ffi::{CString, c_char};
use std::ptr;

use pqjose_ffi::{
    pqj_error, pqj_error_free, pqj_key, pqj_key_free, pqj_key_from_jwk, pqj_keyset, pqj_keyset_add,
    pqj_keyset_free, pqj_keyset_new, pqj_status, pqj_string_free, pqj_validation,
    pqj_validation_add_audience, pqj_validation_add_issuer, pqj_validation_free,
    pqj_validation_new, pqj_verifier, pqj_verifier_free, pqj_verifier_new, pqj_verifier_verify,
};

use crate::{AUDIENCE, ISSUER};

/// Handles of a C caller that verifies tokens signed by one key.
#[derive(Debug)]
pub struct CVerifier {
    key: *const pqj_key,
    set: *const pqj_keyset,
    validation: *mut pqj_validation,
    verifier: *const pqj_verifier,
}

fn check(status: pqj_status, err: *mut pqj_error, what: &str) {
    assert_eq!(status, pqj_status::Ok, "{what} failed");
    pqj_error_free(err);
}

impl CVerifier {
    /// A verifier for the key in `jwk` (JWK JSON text: the public JWK, or for HMAC the shared
    /// secret, as a C gateway would load it) with the benchmark policy (issuer, audience,
    /// default leeway).
    pub fn new(jwk: &str) -> Self {
        let mut err = ptr::null_mut();
        let mut c = CVerifier {
            key: ptr::null(),
            set: ptr::null(),
            validation: ptr::null_mut(),
            verifier: ptr::null(),
        };
        let s = pqj_key_from_jwk(jwk.as_ptr(), jwk.len(), &mut c.key, &mut err);
        check(s, err, "pqj_key_from_jwk");
        check(pqj_keyset_new(&mut c.set, &mut err), err, "pqj_keyset_new");
        check(
            pqj_keyset_add(c.set, c.key, &mut err),
            err,
            "pqj_keyset_add",
        );
        let s = pqj_validation_new(&mut c.validation, &mut err);
        check(s, err, "pqj_validation_new");
        let issuer = CString::new(ISSUER).expect("issuer");
        let s = pqj_validation_add_issuer(c.validation, issuer.as_ptr(), &mut err);
        check(s, err, "pqj_validation_add_issuer");
        let audience = CString::new(AUDIENCE).expect("audience");
        let s = pqj_validation_add_audience(c.validation, audience.as_ptr(), &mut err);
        check(s, err, "pqj_validation_add_audience");
        let s = pqj_verifier_new(c.set, c.validation, &mut c.verifier, &mut err);
        check(s, err, "pqj_verifier_new");
        c
    }

    /// Verify `token` the way a C caller does: `pqj_verifier_verify`, taking the verified claims
    /// JSON and freeing it. Returns the status (an error handle, if any, is freed).
    pub fn verify(&self, token: &str) -> pqj_status {
        let mut claims: *mut c_char = ptr::null_mut();
        let mut err = ptr::null_mut();
        let status = pqj_verifier_verify(
            self.verifier,
            token.as_ptr(),
            token.len(),
            &mut claims,
            &mut err,
        );
        pqj_string_free(claims);
        pqj_error_free(err);
        status
    }
}

impl Drop for CVerifier {
    fn drop(&mut self) {
        pqj_verifier_free(self.verifier);
        pqj_validation_free(self.validation);
        pqj_keyset_free(self.set);
        pqj_key_free(self.key);
    }
}
