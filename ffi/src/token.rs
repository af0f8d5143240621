//! `pqj_token_builder` (claims JSON in, signed JWT out) and `pqj_inspect` (reading a token
//! without verifying it, through `pqjose::dangerous`).

use core::ffi::c_char;
use core::fmt;
use std::time::Duration;

use pqjose::{Algorithm, FixedClock, Header, TokenBuilder};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::key::pqj_key;
use crate::ptr;
use crate::status::pqj_status;

/// Builds and signs JWTs from a claims JSON object. Defaults: `iat` now, `exp` five minutes
/// later, a random `jti`, header `typ` `JWT`, `kid` from the signing key. Reusable: each sign
/// takes a fresh `iat`, `exp` and `jti`.
///
/// Thread safety: configure it from one thread at a time; signing (`pqj_token_builder_sign`)
/// only reads it and may run on several threads at once when no thread is configuring it.
pub struct pqj_token_builder {
    inner: TokenBuilder,
}

/// Apply one change to the builder behind `b`; on failure it is left as it was.
fn configure(
    b: *mut pqj_token_builder,
    err_out: *mut *mut pqj_error,
    change: impl FnOnce(TokenBuilder) -> Result<TokenBuilder, Failure>,
) -> pqj_status {
    guard(err_out, || {
        let b = ptr::box_mut(b, "builder")?;
        b.inner = change(b.inner.clone())?;
        Ok(())
    })
}

/// Make a token builder from a claims JSON object (`claims_json`, `claims_len` bytes of UTF-8;
/// NULL with length 0 for no claims). Registered claims in it are typed: `iss`, `sub`, `aud`
/// (string or array) are used as given; an `exp`, `iat` or `jti` replaces the derived one. The
/// JSON is parsed strictly (duplicate members, deep nesting and ill-typed registered claims are
/// refused).
///
/// On success stores a new handle in `*builder_out` (free with `pqj_token_builder_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_new(
    claims_json: *const u8,
    claims_len: usize,
    builder_out: *mut *mut pqj_token_builder,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(builder_out, "builder_out")?;
        let json = ptr::text(claims_json, claims_len, "claims_json")?;
        let inner = if json.is_empty() {
            TokenBuilder::new()
        } else {
            TokenBuilder::from_claims_json(json)?
        };
        out.write(ptr::box_into_raw(pqj_token_builder { inner }));
        Ok(())
    })
}

/// Set the lifetime: `exp` = `iat` + `seconds` (default 300).
///
/// Thread safety: changes `builder`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_set_ttl(
    builder: *mut pqj_token_builder,
    seconds: u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(builder, err_out, |b| {
        if i64::try_from(seconds).is_err() {
            return Err(Failure::invalid("argument `seconds` is out of range"));
        }
        Ok(b.ttl(Duration::from_secs(seconds)))
    })
}

/// Set the header `typ` (default `"JWT"`; for example `"at+jwt"`, RFC 9068).
///
/// Thread safety: changes `builder`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_set_typ(
    builder: *mut pqj_token_builder,
    typ: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(builder, err_out, |b| Ok(b.typ(ptr::cstr(typ, "typ")?)))
}

/// Add extra protected header members from a JSON object (`header_json`, `header_len` bytes),
/// for example `{"x-tenant":"acme"}`. Registered names (`alg`, `kid`, `typ`, `cty`, `crit`,
/// `jwk`, ...) are refused with `PQJ_STATUS_HEADER_MEMBER`; duplicate names with
/// `PQJ_STATUS_DUPLICATE_MEMBER`.
///
/// Thread safety: changes `builder`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_add_header_json(
    builder: *mut pqj_token_builder,
    header_json: *const u8,
    header_len: usize,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    configure(builder, err_out, |mut b| {
        let json = ptr::text(header_json, header_len, "header_json")?;
        let StrictObject(members) = serde_json::from_str(json).map_err(|e| {
            if e.to_string().starts_with(DUPLICATE) {
                pqjose::Error::Format(pqjose::FormatError::DuplicateMember).into()
            } else {
                Failure::invalid("argument `header_json` is not a JSON object")
            }
        })?;
        for (name, value) in members {
            // Refuse registered names now rather than at signing time.
            Header::new(Algorithm::Ed25519).with_member(name.clone(), value.clone())?;
            b = b.header_member(name, value);
        }
        Ok(b)
    })
}

fn sign_into(
    builder: *const pqj_token_builder,
    key: *const pqj_key,
    now: Option<i64>,
    token_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(token_out, "token_out")?;
        let builder = &ptr::box_ref(builder, "builder")?.inner;
        let key = ptr::arc_ref(key, "key")?.signing()?;
        let token = match now {
            None => builder.sign(key)?,
            Some(t) => builder.clone().clock(FixedClock::at_secs(t)).sign(key)?,
        };
        out.write_string(token)
    })
}

/// Sign a token with a private key, at the current system time.
///
/// On success stores the compact JWT in `*token_out` (free with `pqj_string_free`).
///
/// Thread safety: `key` may be shared by any number of threads; the builder is only read, so
/// several threads may sign with it at once while no thread changes it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_sign(
    builder: *const pqj_token_builder,
    key: *const pqj_key,
    token_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    sign_into(builder, key, None, token_out, err_out)
}

/// `pqj_token_builder_sign` with `iat` = `now` (seconds since the Unix epoch) instead of the
/// system clock: for tests.
///
/// Thread safety: as for `pqj_token_builder_sign`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_sign_at(
    builder: *const pqj_token_builder,
    key: *const pqj_key,
    now: i64,
    token_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    sign_into(builder, key, Some(now), token_out, err_out)
}

/// Free a token builder. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_token_builder_free(builder: *mut pqj_token_builder) {
    guard_value((), || ptr::box_free(builder));
}

/// **Read a token without verifying it.** Nothing is checked but the structure (as strictly as
/// when verifying): every value may have been written by an attacker, so use this to display or
/// log a token, never to decide anything. Unless NULL, `*header_out` receives the protected
/// header and `*claims_out` the claims, each as JSON (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_inspect(
    token: *const u8,
    token_len: usize,
    header_out: *mut *mut c_char,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let header_out = ptr::out(header_out, "header_out").ok();
        let claims_out = ptr::out(claims_out, "claims_out").ok();
        let token = token_text(token, token_len)?;
        let unverified = pqjose::dangerous::decode_unverified(token)?;
        let header = header_json(unverified.header())?;
        let claims = serde_json::to_string(&unverified.claims_json()?)
            .map_err(|_| Failure::internal("claims could not be serialized"))?;
        // Both strings are made before either is written, so a failure writes nothing.
        let (header, claims) = (ptr::c_string(header)?, ptr::c_string(claims)?);
        if let Some(out) = header_out {
            out.write_cstring(header);
        }
        if let Some(out) = claims_out {
            out.write_cstring(claims);
        }
        Ok(())
    })
}

/// Longest token accepted at the ABI, checked before UTF-8 validation. Far above what the
/// default limits let through (4 KiB header, 64 KiB payload, the largest signature), which the
/// library then applies exactly.
const MAX_TOKEN_INPUT: usize = 1024 * 1024;

/// A token argument: length cap first (`PQJ_STATUS_TOKEN_TOO_LARGE`), then UTF-8.
pub(crate) fn token_text<'a>(token: *const u8, len: usize) -> Result<&'a str, Failure> {
    ptr::text_max(token, len, "token", MAX_TOKEN_INPUT, || {
        Failure::lib(pqjose::FormatError::TooLarge)
    })
}

fn header_json(h: &Header) -> Result<String, Failure> {
    let mut m = Map::new();
    m.insert("alg".into(), Value::from(h.alg().as_str()));
    let optional = [("kid", h.kid()), ("typ", h.typ()), ("cty", h.cty())];
    for (name, value) in optional {
        if let Some(v) = value {
            m.insert(name.into(), Value::from(v));
        }
    }
    for (k, v) in h.extra() {
        m.insert(k.clone(), v.clone());
    }
    serde_json::to_string(&m).map_err(|_| Failure::internal("header could not be serialized"))
}

/// The error text a duplicate member produces in [`StrictObject`].
const DUPLICATE: &str = "duplicate member";

/// A JSON object's top-level members, refusing duplicate names (serde_json keeps the last).
struct StrictObject(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for StrictObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrictObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictObject, A::Error> {
                let mut members: Vec<(String, Value)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if members.iter().any(|(name, _)| *name == k) {
                        return Err(serde::de::Error::custom(DUPLICATE));
                    }
                    members.push((k, v));
                }
                Ok(StrictObject(members))
            }
        }
        d.deserialize_map(V)
    }
}
