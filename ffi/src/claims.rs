//! `pqj_claims`: the claims of a verified token, read without a JSON parser in C. Registered
//! claims have typed accessors (`sub`, `iss`, `jti`, `aud`, `exp`, `nbf`, `iat`); any claim
//! can be read by name as a string, integer, boolean or raw JSON, and its JSON kind asked
//! first. The handle exists only after every check of the verifier passed.

use core::ffi::c_char;

use pqjose::{Algorithm, Audience, Claims, NumericDate, Verified};
use serde_json::{Map, Value};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::ptr::{self, Out};
use crate::status::pqj_status;
use crate::verify::pqj_verifier;

/// The claims of a token that passed verification (signature and every claim check).
///
/// Thread safety: immutable; may be read from any number of threads at once. Free it once
/// with `pqj_claims_free`.
pub struct pqj_claims {
    claims: Claims,
    /// Every claim by name, registered ones included, as the token carried them.
    all: Map<String, Value>,
    payload: String,
    alg: Algorithm,
    kid: Option<String>,
}

/// The JSON kind of a claim, from `pqj_claims_kind`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pqj_claim_kind {
    /// The token has no claim of this name.
    Absent = 0,
    /// JSON `null`.
    Null = 1,
    /// `true` or `false`: read it with `pqj_claims_get_bool`.
    Bool = 2,
    /// A number that is an integer in the range of `int64_t`: `pqj_claims_get_int`.
    Integer = 3,
    /// Any other number (fractional, or too large): read it with `pqj_claims_get_json`.
    Number = 4,
    /// A string: `pqj_claims_get_string`.
    String = 5,
    /// An array: `pqj_claims_get_json`.
    Array = 6,
    /// An object: `pqj_claims_get_json`.
    Object = 7,
}

fn kind(v: &Value) -> pqj_claim_kind {
    match v {
        Value::Null => pqj_claim_kind::Null,
        Value::Bool(_) => pqj_claim_kind::Bool,
        Value::Number(n) if n.as_i64().is_some() => pqj_claim_kind::Integer,
        Value::Number(_) => pqj_claim_kind::Number,
        Value::String(_) => pqj_claim_kind::String,
        Value::Array(_) => pqj_claim_kind::Array,
        Value::Object(_) => pqj_claim_kind::Object,
    }
}

fn absent(name: &str) -> Failure {
    Failure::new(
        pqj_status::ClaimAbsent,
        format!("the token has no `{name}` claim"),
    )
}

fn wrong_type(name: &str, want: &str) -> Failure {
    Failure::new(
        pqj_status::ClaimType,
        format!("claim `{name}` is not {want}"),
    )
}

impl pqj_claims {
    pub(crate) fn new(verified: Verified) -> Result<Self, Failure> {
        let all = verified.claims().to_json_object()?;
        let payload = String::from_utf8(verified.payload().to_vec())
            .map_err(|_| Failure::internal("verified payload is not UTF-8"))?;
        Ok(Self {
            all,
            payload,
            alg: verified.algorithm(),
            kid: verified.kid().map(str::to_owned),
            claims: verified.into_claims(),
        })
    }

    fn get(&self, name: &str) -> Result<&Value, Failure> {
        self.all.get(name).ok_or_else(|| absent(name))
    }
}

fn verify_claims(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    now: Option<i64>,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(claims_out, "claims_out")?;
        let verifier = ptr::arc_ref(verifier, "verifier")?;
        let token = crate::token::token_text(token, token_len)?;
        let claims = pqj_claims::new(verifier.verify(token, now)?)?;
        out.write(ptr::arc_into_raw(claims));
        Ok(())
    })
}

/// Verify a compact JWT exactly as `pqj_verifier_verify` does, and on success store its claims
/// as a handle in `*claims_out` (free with `pqj_claims_free`), to be read with the
/// `pqj_claims_*` accessors.
///
/// Thread safety: safe from any number of threads at once on one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_verify_claims(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    verify_claims(verifier, token, token_len, None, claims_out, err_out)
}

/// `pqj_verifier_verify_claims` at a given time (`now`, seconds since the Unix epoch) instead
/// of the system clock.
///
/// Thread safety: safe from any number of threads at once on one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_verify_claims_at(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    now: i64,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    verify_claims(verifier, token, token_len, Some(now), claims_out, err_out)
}

/// The algorithm the token was verified with (the key's), for example `"ML-DSA-65"`, as a
/// static NUL-terminated string (never freed); NULL if `claims` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_alg(claims: *const pqj_claims) -> *const c_char {
    guard_value(core::ptr::null(), || match ptr::arc_ref(claims, "claims") {
        Ok(c) => crate::key::algorithm_cstr(c.alg).as_ptr(),
        Err(_) => core::ptr::null(),
    })
}

/// A value an accessor returns to C: integers and booleans as they are, text as a
/// library-owned NUL-terminated copy (freed with `pqj_string_free`).
trait Store: Sized {
    /// What `value_out` points to.
    type Out;
    /// Write the value through the checked out-pointer.
    fn store(self, out: Out<Self::Out>) -> Result<(), Failure>;
}

impl Store for i64 {
    type Out = i64;
    fn store(self, out: Out<i64>) -> Result<(), Failure> {
        out.write(self);
        Ok(())
    }
}

impl Store for bool {
    type Out = bool;
    fn store(self, out: Out<bool>) -> Result<(), Failure> {
        out.write(self);
        Ok(())
    }
}

impl Store for String {
    type Out = *mut c_char;
    fn store(self, out: Out<*mut c_char>) -> Result<(), Failure> {
        out.write_string(self)
    }
}

/// Every accessor: check `value_out` and the handle, `read` the value (an absent or mistyped
/// claim is a [`Failure`]), store it. Nothing is written on failure.
fn accessor<V: Store>(
    claims: *const pqj_claims,
    value_out: *mut V::Out,
    err_out: *mut *mut pqj_error,
    read: impl FnOnce(&pqj_claims) -> Result<V, Failure>,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(value_out, "value_out")?;
        let claims = ptr::arc_ref(claims, "claims")?;
        read(claims)?.store(out)
    })
}

/// An accessor of the claim `name` (any claim): `read` gets the name and the value.
fn named<V: Store>(
    claims: *const pqj_claims,
    name: *const c_char,
    value_out: *mut V::Out,
    err_out: *mut *mut pqj_error,
    read: impl FnOnce(&str, &Value) -> Result<V, Failure>,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        let name = ptr::cstr(name, "name")?;
        read(name, c.get(name)?)
    })
}

/// A registered string claim (or the kid), copied; `PQJ_STATUS_CLAIM_ABSENT` without it.
fn text(name: &str, value: Option<&str>) -> Result<String, Failure> {
    value.map(str::to_owned).ok_or_else(|| absent(name))
}

/// A registered date claim in seconds since the Unix epoch; `PQJ_STATUS_CLAIM_ABSENT` without
/// it.
fn date(name: &str, value: Option<NumericDate>) -> Result<i64, Failure> {
    value.map(NumericDate::as_secs).ok_or_else(|| absent(name))
}

/// The `kid` of the key that verified the token, into `*kid_out` (free with
/// `pqj_string_free`); `PQJ_STATUS_CLAIM_ABSENT` if the token named no key.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_kid(
    claims: *const pqj_claims,
    kid_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, kid_out, err_out, |c| text("kid", c.kid.as_deref()))
}

/// The claims JSON exactly as signed, into `*json_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_json(
    claims: *const pqj_claims,
    json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, json_out, err_out, |c| Ok(c.payload.clone()))
}

/// The subject (`sub`), into `*value_out` (free with `pqj_string_free`);
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_sub(
    claims: *const pqj_claims,
    value_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        text("sub", c.claims.subject())
    })
}

/// The issuer (`iss`), into `*value_out` (free with `pqj_string_free`);
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_iss(
    claims: *const pqj_claims,
    value_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        text("iss", c.claims.issuer())
    })
}

/// The token id (`jti`), into `*value_out` (free with `pqj_string_free`);
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_jti(
    claims: *const pqj_claims,
    value_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        text("jti", c.claims.jwt_id())
    })
}

/// The number of audiences (`aud`): 0 without `aud` (or for NULL), 1 for a string, the
/// length of an array.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_aud_count(claims: *const pqj_claims) -> usize {
    guard_value(0, || {
        ptr::arc_ref(claims, "claims")
            .map_or(0, |c| c.claims.audience().map_or(0, |a| a.iter().count()))
    })
}

/// Audience number `index` (from 0 to `pqj_claims_aud_count` - 1), into `*value_out` (free
/// with `pqj_string_free`); `PQJ_STATUS_CLAIM_ABSENT` past the last one.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_aud(
    claims: *const pqj_claims,
    index: usize,
    value_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        let aud = c.claims.audience();
        text("aud", aud.and_then(|a: &Audience| a.iter().nth(index)))
    })
}

/// The expiry (`exp`) in seconds since the Unix epoch, into `*value_out`;
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_exp(
    claims: *const pqj_claims,
    value_out: *mut i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        date("exp", c.claims.expires_at())
    })
}

/// The not-before time (`nbf`) in seconds since the Unix epoch, into `*value_out`;
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_nbf(
    claims: *const pqj_claims,
    value_out: *mut i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        date("nbf", c.claims.not_before())
    })
}

/// The issue time (`iat`) in seconds since the Unix epoch, into `*value_out`;
/// `PQJ_STATUS_CLAIM_ABSENT` if the token has none.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_iat(
    claims: *const pqj_claims,
    value_out: *mut i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    accessor(claims, value_out, err_out, |c| {
        date("iat", c.claims.issued_at())
    })
}

/// The JSON kind of the claim `name` (any claim, registered or custom), so the right
/// `pqj_claims_get_*` can be chosen; `PQJ_CLAIM_KIND_ABSENT` if the token has no such claim
/// (or for NULL arguments, or a name that is not UTF-8).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_kind(
    claims: *const pqj_claims,
    name: *const c_char,
) -> pqj_claim_kind {
    guard_value(pqj_claim_kind::Absent, || {
        let found = || -> Result<pqj_claim_kind, Failure> {
            let claims = ptr::arc_ref(claims, "claims")?;
            Ok(kind(claims.get(ptr::cstr(name, "name")?)?))
        };
        found().unwrap_or(pqj_claim_kind::Absent)
    })
}

/// The string claim `name` (any claim, registered or custom), into `*value_out` (free with
/// `pqj_string_free`). `PQJ_STATUS_CLAIM_ABSENT` if the token has no such claim,
/// `PQJ_STATUS_CLAIM_TYPE` if it is not a string.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_get_string(
    claims: *const pqj_claims,
    name: *const c_char,
    value_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    named(claims, name, value_out, err_out, |name, value| {
        let s = value.as_str().ok_or_else(|| wrong_type(name, "a string"))?;
        Ok(s.to_owned())
    })
}

/// The integer claim `name`, into `*value_out`. `PQJ_STATUS_CLAIM_ABSENT` if the token has no
/// such claim, `PQJ_STATUS_CLAIM_TYPE` if it is not an integer in the range of `int64_t`
/// (a fractional or larger number: read it with `pqj_claims_get_json`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_get_int(
    claims: *const pqj_claims,
    name: *const c_char,
    value_out: *mut i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    named(claims, name, value_out, err_out, |name, value| {
        let want = "an integer in the range of int64_t";
        value.as_i64().ok_or_else(|| wrong_type(name, want))
    })
}

/// The boolean claim `name`, into `*value_out`. `PQJ_STATUS_CLAIM_ABSENT` if the token has no
/// such claim, `PQJ_STATUS_CLAIM_TYPE` if it is not `true` or `false`.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_get_bool(
    claims: *const pqj_claims,
    name: *const c_char,
    value_out: *mut bool,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    named(claims, name, value_out, err_out, |name, value| {
        value.as_bool().ok_or_else(|| wrong_type(name, "a boolean"))
    })
}

/// Claim `name` of any type as compact JSON text (a string comes with its quotes), into
/// `*json_out` (free with `pqj_string_free`). `PQJ_STATUS_CLAIM_ABSENT` if the token has no
/// such claim.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_get_json(
    claims: *const pqj_claims,
    name: *const c_char,
    json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    named(claims, name, json_out, err_out, |_, value| {
        serde_json::to_string(value).map_err(|_| Failure::internal("claim could not be serialized"))
    })
}

/// Release a claims handle. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_free(claims: *const pqj_claims) {
    guard_value((), || ptr::arc_free(claims));
}
