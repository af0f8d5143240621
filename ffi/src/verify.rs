//! `pqj_validation` (a policy being configured) and `pqj_verifier` (a key set plus a frozen
//! policy, shareable). All checking is `pqjose::Validation`'s; this module only carries
//! arguments across.

use core::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use pqjose::{Algorithm, AlgorithmPolicy, ClaimName, FixedClock, Validation, Verified};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::keyset::pqj_keyset;
use crate::ptr;
use crate::status::pqj_status;

/// A JWT validation policy being configured. Defaults (RFC 8725): `exp` required, 30 s
/// leeway, an `iat` in the future refused, a token carrying an unexpected `aud` refused, any
/// algorithm the key implements (narrow it with `pqj_validation_set_policy`).
///
/// Thread safety: not synchronized; configure it from one thread at a time. It is copied into
/// each verifier made from it, so it may be changed or freed afterwards.
pub struct pqj_validation {
    pub(crate) inner: Validation,
}

/// Apply one change to the validation behind `v`; on failure it is left as it was.
fn configure(
    v: *mut pqj_validation,
    err_out: *mut *mut pqj_error,
    change: impl FnOnce(Validation) -> Result<Validation, Failure>,
) -> pqj_status {
    guard(err_out, || {
        let v = ptr::box_mut(v, "validation")?;
        v.inner = change(v.inner.clone())?;
        Ok(())
    })
}

/// Seconds as a `Duration`, refusing values past `i64` seconds (which no date can reach).
fn duration(secs: u64, name: &'static str) -> Result<Duration, Failure> {
    if i64::try_from(secs).is_err() {
        return Err(Failure::invalid(format!(
            "argument `{name}` is out of range"
        )));
    }
    Ok(Duration::from_secs(secs))
}

/// Make a validation policy with the defaults.
///
/// On success stores a new handle in `*validation_out` (free with `pqj_validation_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_new(
    validation_out: *mut *mut pqj_validation,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(validation_out, "validation_out")?;
        out.write(ptr::box_into_raw(pqj_validation {
            inner: Validation::new(),
        }));
        Ok(())
    })
}

/// Set the algorithm policy by its command-line name: `"pqc"` (ML-DSA and SLH-DSA only),
/// `"hybrid"` (ML-DSA, SLH-DSA and composites), `"composite"` (composite ML-DSA hybrids only)
/// or `"any"` (the default). `PQJ_STATUS_UNKNOWN_POLICY` for any other name.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_policy(
    validation: *mut pqj_validation,
    policy: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        let policy: AlgorithmPolicy = ptr::cstr(policy, "policy")?.parse()?;
        Ok(v.policy(policy))
    })
}

/// Add an algorithm (a JOSE name) to an explicit allow-list; once called, an algorithm must be
/// both in the list and allowed by the policy.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_allow_alg(
    validation: *mut pqj_validation,
    alg: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        let alg: Algorithm = crate::key::algorithm(alg)?;
        Ok(v.algorithms([alg]))
    })
}

/// Accept this issuer (exact match); call again to accept several. Once any issuer is set,
/// `iss` is required.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_add_issuer(
    validation: *mut pqj_validation,
    issuer: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        Ok(v.issuer(ptr::cstr(issuer, "issuer")?))
    })
}

/// Accept this audience: the token's `aud` must contain one of the accepted audiences; call
/// again to accept several. Once any audience is set, `aud` is required.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_add_audience(
    validation: *mut pqj_validation,
    audience: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        Ok(v.audience(ptr::cstr(audience, "audience")?))
    })
}

/// Require this subject (exact match); `sub` becomes required.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_subject(
    validation: *mut pqj_validation,
    subject: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        Ok(v.subject(ptr::cstr(subject, "subject")?))
    })
}

/// Require this header `typ` (case-insensitive, `application/` prefix optional), for example
/// `"at+jwt"`.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_typ(
    validation: *mut pqj_validation,
    typ: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| Ok(v.typ(ptr::cstr(typ, "typ")?)))
}

/// Set the clock-skew allowance for `exp`, `nbf` and `iat`, in seconds (default 30).
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_leeway(
    validation: *mut pqj_validation,
    seconds: u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        Ok(v.leeway(duration(seconds, "seconds")?))
    })
}

/// Refuse tokens whose `iat` is more than this many seconds old (plus the leeway); `iat`
/// becomes required.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_max_age(
    validation: *mut pqj_validation,
    seconds: u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        Ok(v.max_age(duration(seconds, "seconds")?))
    })
}

/// Require a claim to be present, by JSON member name (registered, such as `"jti"`, or
/// custom, such as `"task"`).
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_require_claim(
    validation: *mut pqj_validation,
    name: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| {
        let name = ptr::cstr(name, "name")?;
        if name.is_empty() {
            return Err(Failure::invalid("argument `name` is empty"));
        }
        Ok(v.require(ClaimName::from_name(name)))
    })
}

/// **Weakens the default**: accept tokens without `exp` (a present `exp` is still checked).
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_allow_missing_exp(
    validation: *mut pqj_validation,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| Ok(v.allow_missing_exp()))
}

/// **Weakens the default**: accept a token carrying `aud` although no audience is set.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_allow_unexpected_audience(
    validation: *mut pqj_validation,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(validation, err_out, |v| Ok(v.allow_unexpected_audience()))
}

/// Free a validation policy. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_free(validation: *mut pqj_validation) {
    guard_value((), || ptr::box_free(validation));
}

/// A key set and a frozen validation policy: verifies JWTs.
///
/// Thread safety: immutable; one verifier may be used by any number of threads at once,
/// including while another thread rotates the keys of its key set.
pub struct pqj_verifier {
    keys: Arc<pqj_keyset>,
    validation: Validation,
}

impl pqj_verifier {
    /// The verifier's policy.
    pub(crate) fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The verifier's key set.
    pub(crate) fn keyset(&self) -> &pqjose::KeySet {
        self.keys.keys()
    }

    pub(crate) fn verify(&self, token: &str, now: Option<i64>) -> Result<Verified, Failure> {
        let keys = self.keys.keys();
        Ok(match now {
            None => self.validation.verify_with_keys(token, keys)?,
            Some(t) => self
                .validation
                .clone()
                .clock(FixedClock::at_secs(t))
                .verify_with_keys(token, keys)?,
        })
    }
}

/// Make a verifier from a key set (shared: later rotation of `keys` applies) and a copy of
/// `validation` (later changes to it do not apply). The caller keeps ownership of both.
///
/// On success stores a new handle in `*verifier_out` (free with `pqj_verifier_free`).
///
/// Thread safety: safe from any thread, provided no other thread is changing `validation`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_new(
    keys: *const pqj_keyset,
    validation: *const pqj_validation,
    verifier_out: *mut *const pqj_verifier,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(verifier_out, "verifier_out")?;
        let keys = ptr::arc_clone(keys, "keys")?;
        let validation = ptr::box_ref(validation, "validation")?.inner.clone();
        out.write(ptr::arc_into_raw(pqj_verifier { keys, validation }));
        Ok(())
    })
}

fn verify_into(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    now: Option<i64>,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(claims_out, "claims_out").ok();
        let verifier = ptr::arc_ref(verifier, "verifier")?;
        let token = crate::token::token_text(token, token_len)?;
        let verified = verifier.verify(token, now)?;
        match out {
            Some(out) => {
                let claims = core::str::from_utf8(verified.payload())
                    .map_err(|_| Failure::internal("verified payload is not UTF-8"))?;
                out.write_string(claims.to_owned())
            }
            None => Ok(()),
        }
    })
}

/// Verify a compact JWT (`token`, `token_len` bytes) against the verifier's key set and
/// policy, at the current system time: size limits, header, key selection, signature, then
/// claims. On success, unless `claims_out` is NULL, stores the verified claims JSON (exactly as
/// signed) in `*claims_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any number of threads at once on one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_verify(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    verify_into(verifier, token, token_len, None, claims_out, err_out)
}

/// `pqj_verifier_verify` at a given time (`now`, seconds since the Unix epoch) instead of the
/// system clock: for tests and for re-checking logged tokens.
///
/// Thread safety: safe from any number of threads at once on one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_verify_at(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    now: i64,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    verify_into(verifier, token, token_len, Some(now), claims_out, err_out)
}

/// Release a verifier. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_free(verifier: *const pqj_verifier) {
    guard_value((), || ptr::arc_free(verifier));
}
