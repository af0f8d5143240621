//! Fleet features for C: `pqj_remote_keyset` (an issuer's JWK Set fetched over HTTPS and
//! cached), `pqj_replay_store` (replay and revocation, in memory or shared through Redis), and
//! the key-set calls a C gateway needs for rotation: replace a set's contents atomically from
//! a fresh JWK Set, list its kids, and learn which JWK Set entries were skipped and why.

use core::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use pqjose::remote::{HttpOptions, RefreshOutcome, RemoteKeySet};
use pqjose::{JwkSet, KeySet, MemoryReplayStore, NumericDate, ReplayStore, SkippedKey};
use pqjose_redis::{RedisConfig, RedisReplayStore};
use serde_json::json;

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::keyset::pqj_keyset;
use crate::ptr;
use crate::status::pqj_status;
use crate::verify::pqj_validation;

/// The skipped entries of a JWK Set import as JSON:
/// `[{"index":N,"kid":"…"|null,"code":N,"reason":"…"}]`.
fn skipped_json(skipped: &[SkippedKey]) -> String {
    let list: Vec<_> = skipped
        .iter()
        .map(|s| json!({"index": s.index, "kid": s.kid, "code": s.reason.code(), "reason": s.reason.to_string()}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

fn jwk_set(jwks: *const u8, jwks_len: usize) -> Result<JwkSet, Failure> {
    let text = ptr::text_max(jwks, jwks_len, "jwks", pqjose::jwk::MAX_JWK_SET_LEN, || {
        Failure::lib(pqjose::KeyError::JwkSetTooLarge)
    })?;
    Ok(JwkSet::from_json(text)?)
}

/// Make a key set from a JWK Set, like `pqj_keyset_from_jwks`, and report every entry that was
/// skipped: unless `skipped_json_out` is NULL, stores a JSON array
/// `[{"index":N,"kid":"…"|null,"code":N,"reason":"…"}]` (`code` is a `pqj_status`) in
/// `*skipped_json_out` (free with `pqj_string_free`).
///
/// On success stores a new handle in `*set_out` (free with `pqj_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_from_jwks_report(
    jwks: *const u8,
    jwks_len: usize,
    set_out: *mut *const pqj_keyset,
    skipped_json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(set_out, "set_out")?;
        let report = ptr::out(skipped_json_out, "skipped_json_out").ok();
        let (keys, skipped) = KeySet::from_jwk_set(&jwk_set(jwks, jwks_len)?);
        if let Some(r) = report {
            r.write_string(skipped_json(&skipped))?;
        }
        out.write(ptr::arc_into_raw(pqj_keyset::wrap(keys)));
        Ok(())
    })
}

/// Replace the whole contents of `set` with the usable keys of a fresh JWK Set, atomically:
/// a verification running on another thread sees the old keys or the new ones, never a mix,
/// and verifiers made from `set` use the new keys from now on (key rotation without reference
/// counting in C). A JWK Set without one usable key is refused
/// (`PQJ_STATUS_NO_USABLE_KEYS`) and the set is left as it was. Skipped entries are reported
/// as in `pqj_keyset_from_jwks_report` (`skipped_json_out` may be NULL).
///
/// Thread safety: safe from any thread, concurrently with verification.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_replace_from_jwks(
    set: *const pqj_keyset,
    jwks: *const u8,
    jwks_len: usize,
    skipped_json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let report = ptr::out(skipped_json_out, "skipped_json_out").ok();
        let set = ptr::arc_ref(set, "set")?;
        let skipped = set.keys().replace_with_jwk_set(&jwk_set(jwks, jwks_len)?)?;
        if let Some(r) = report {
            r.write_string(skipped_json(&skipped))?;
        }
        Ok(())
    })
}

/// The keys of `set` as a JSON array, oldest first:
/// `[{"kid":"…"|null,"alg":"…","status":"active"|"retiring"|"retired"}]`, stored in
/// `*kids_json_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_kids(
    set: *const pqj_keyset,
    kids_json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(kids_json_out, "kids_json_out")?;
        let set = ptr::arc_ref(set, "set")?;
        let list: Vec<_> = set
            .keys()
            .keys()
            .into_iter()
            .map(|k| {
                let status = match k.status {
                    pqjose::KeyStatus::Active => "active",
                    pqjose::KeyStatus::Retired => "retired",
                    _ => "retiring",
                };
                json!({"kid": k.kid, "alg": k.alg.as_str(), "status": status})
            })
            .collect();
        out.write_string(serde_json::Value::Array(list).to_string())
    })
}

/// An issuer's JWK Set fetched over HTTPS and cached: `max-age` honoured (1 min to 24 h),
/// `ETag`/304, refreshed in the background before expiry, an unknown `kid` refetched at most
/// every 30 s (single flight), the last good set served for up to 1 h while the endpoint
/// fails, then verification fails closed (`PQJ_STATUS_REMOTE_KEYS_STALE`).
///
/// Thread safety: every function may be called from any number of threads at once.
pub struct pqj_remote_keyset {
    pub(crate) remote: RemoteKeySet,
}

/// Make a remote key set for the JWK Set at `url` (`https://`; `http://` only when
/// `allow_http`, for loopback tests). Nothing is fetched yet: call
/// `pqj_remote_keyset_refresh` to fetch now, or let the first verification fetch.
///
/// On success stores a new handle in `*remote_out` (free with `pqj_remote_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_remote_keyset_new(
    url: *const c_char,
    allow_http: bool,
    remote_out: *mut *const pqj_remote_keyset,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    make_remote(
        url,
        "url",
        allow_http,
        remote_out,
        err_out,
        RemoteKeySet::from_url,
    )
}

/// Make a remote key set from the issuer's metadata (`jwks_uri` of
/// `/.well-known/openid-configuration`, else of `/.well-known/oauth-authorization-server`).
/// The metadata is fetched during this call.
///
/// On success stores a new handle in `*remote_out` (free with `pqj_remote_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_remote_keyset_discover(
    issuer: *const c_char,
    allow_http: bool,
    remote_out: *mut *const pqj_remote_keyset,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    make_remote(
        issuer,
        "issuer",
        allow_http,
        remote_out,
        err_out,
        RemoteKeySet::discover,
    )
}

/// A remote key set from a URL argument through `make` (`from_url` or `discover`).
fn make_remote(
    url: *const c_char,
    name: &'static str,
    allow_http: bool,
    remote_out: *mut *const pqj_remote_keyset,
    err_out: *mut *mut pqj_error,
    make: fn(&str, HttpOptions) -> Result<pqjose::remote::RemoteKeySetBuilder, pqjose::Error>,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(remote_out, "remote_out")?;
        let url = ptr::cstr(url, name)?;
        let remote = make(url, HttpOptions::new().allow_http(allow_http))?.build();
        out.write(ptr::arc_into_raw(pqj_remote_keyset { remote }));
        Ok(())
    })
}

/// Fetch the JWK Set now (waiting for a fetch already under way instead of starting another);
/// the status is the fetch's outcome. The previous keys stay on failure.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_remote_keyset_refresh(
    remote: *const pqj_remote_keyset,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let remote = ptr::arc_ref(remote, "remote")?;
        Ok(remote.remote.refresh()?)
    })
}

/// The last fetch as JSON, stored in `*json_out` (free with `pqj_string_free`):
/// `{"at_millis":N,"trigger":"explicit"|"background"|"unknown-key","ok":true,"keys":N,
/// "skipped":N}`, `{"…","ok":true,"not_modified":true}` or `{"…","ok":false,"code":N,
/// "error":"…"}`; `null` before the first fetch.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_remote_keyset_last_refresh(
    remote: *const pqj_remote_keyset,
    json_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(json_out, "json_out")?;
        let remote = ptr::arc_ref(remote, "remote")?;
        let value = match remote.remote.last_refresh() {
            None => serde_json::Value::Null,
            Some(e) => {
                let trigger = match e.trigger {
                    pqjose::remote::RefreshTrigger::Background => "background",
                    pqjose::remote::RefreshTrigger::UnknownKey => "unknown-key",
                    _ => "explicit",
                };
                let mut v = json!({"at_millis": e.at_millis, "trigger": trigger});
                let extra = match e.outcome {
                    RefreshOutcome::Updated { keys, skipped } => {
                        json!({"ok": true, "keys": keys, "skipped": skipped})
                    }
                    RefreshOutcome::Failed(err) => {
                        json!({"ok": false, "code": err.code(), "error": err.to_string()})
                    }
                    _ => json!({"ok": true, "not_modified": true}),
                };
                if let (Some(v), serde_json::Value::Object(extra)) = (v.as_object_mut(), extra) {
                    v.extend(extra);
                }
                v
            }
        };
        out.write_string(value.to_string())
    })
}

/// Release a remote key set handle. `NULL` does nothing. Verifiers made from it keep their
/// own reference.
///
/// Thread safety: call once per handle, when no other thread is using this handle.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_remote_keyset_free(remote: *const pqj_remote_keyset) {
    guard_value((), || ptr::arc_free(remote));
}

/// Where used `jti`s and revocations are kept: in this process (`pqj_replay_store_memory`) or
/// in a Redis shared by a fleet (`pqj_replay_store_redis`). Attach it to a validation with
/// `pqj_validation_set_replay_store`.
///
/// Thread safety: every function may be called from any number of threads at once.
pub struct pqj_replay_store {
    store: Arc<dyn ReplayStore>,
    kind: StoreKind,
}

enum StoreKind {
    Memory(Arc<MemoryReplayStore>),
    Redis(Arc<RedisReplayStore>),
}

/// Make an in-memory store remembering at most `capacity` unexpired `jti`s (0: the default,
/// 100,000); when full, new tokens are refused (`PQJ_STATUS_REPLAY_STORE_FULL`).
///
/// On success stores a new handle in `*store_out` (free with `pqj_replay_store_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_memory(
    capacity: usize,
    store_out: *mut *const pqj_replay_store,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(store_out, "store_out")?;
        let m = Arc::new(if capacity == 0 {
            MemoryReplayStore::default()
        } else {
            MemoryReplayStore::new(capacity)
        });
        out.write(ptr::arc_into_raw(pqj_replay_store {
            store: m.clone(),
            kind: StoreKind::Memory(m),
        }));
        Ok(())
    })
}

/// Make a store in Redis or Valkey at `url` (`redis://HOST:PORT[/DB]`), shared by every
/// gateway pointed at it. Every Redis call is bounded by `timeout_ms` (0: the default, 50 ms);
/// any error or timeout refuses the token (`PQJ_STATUS_REPLAY_STORE_UNAVAILABLE`), and the
/// store reconnects by itself. Nothing is connected during this call.
///
/// On success stores a new handle in `*store_out` (free with `pqj_replay_store_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_redis(
    url: *const c_char,
    timeout_ms: u32,
    store_out: *mut *const pqj_replay_store,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(store_out, "store_out")?;
        let url = ptr::cstr(url, "url")?;
        let mut config = RedisConfig::new();
        if timeout_ms > 0 {
            config = config.timeout(Duration::from_millis(u64::from(timeout_ms)));
        }
        let r = Arc::new(RedisReplayStore::with_config(url, config)?);
        out.write(ptr::arc_into_raw(pqj_replay_store {
            store: r.clone(),
            kind: StoreKind::Redis(r),
        }));
        Ok(())
    })
}

/// Revoke the token of issuer `iss` with this `jti` (for an in-memory store `iss` may be NULL:
/// the `jti` of any issuer).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_revoke_jti(
    store: *const pqj_replay_store,
    iss: *const c_char,
    jti: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let store = ptr::arc_ref(store, "store")?;
        let iss = ptr::opt_cstr(iss, "iss")?;
        let jti = ptr::cstr(jti, "jti")?;
        match &store.kind {
            StoreKind::Memory(m) => Ok(m.revoke_jti(jti, None, NumericDate::from_secs(0))?),
            StoreKind::Redis(r) => {
                let iss = iss.ok_or_else(|| Failure::invalid("argument `iss` is NULL"))?;
                Ok(r.revoke_jti(iss, jti, None)?)
            }
        }
    })
}

/// Revoke every token verified by the key `kid`.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_revoke_kid(
    store: *const pqj_replay_store,
    kid: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let store = ptr::arc_ref(store, "store")?;
        let kid = ptr::cstr(kid, "kid")?;
        match &store.kind {
            StoreKind::Memory(m) => {
                m.revoke_kid(kid);
                Ok(())
            }
            StoreKind::Redis(r) => Ok(r.revoke_kid(kid)?),
        }
    })
}

/// Revoke every token of subject `sub` whose `iat` is at or before `before` (seconds since the
/// Unix epoch; a token without `iat` counts as issued at the beginning of time).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_revoke_subject(
    store: *const pqj_replay_store,
    sub: *const c_char,
    before: i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let store = ptr::arc_ref(store, "store")?;
        let sub = ptr::cstr(sub, "sub")?;
        let t = NumericDate::from_secs(before);
        match &store.kind {
            StoreKind::Memory(m) => {
                m.revoke_subject(sub, t);
                Ok(())
            }
            StoreKind::Redis(r) => Ok(r.revoke_subject(sub, Some(t))?),
        }
    })
}

/// Release a replay store handle. `NULL` does nothing. Validations and verifiers using it
/// keep their own reference.
///
/// Thread safety: call once per handle, when no other thread is using this handle.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_replay_store_free(store: *const pqj_replay_store) {
    guard_value((), || ptr::arc_free(store));
}

/// Check revocations (of the `jti`, the key's `kid`, the subject) in `store` for every token
/// this validation accepts, and with `single_use` accept each `jti` once only (`jti` becomes
/// required; a replay is `PQJ_STATUS_REPLAYED`). The store is consulted last, after every
/// other check passed. The caller keeps ownership of `store`.
///
/// Thread safety: as every `pqj_validation_*` setter.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_set_replay_store(
    validation: *mut pqj_validation,
    store: *const pqj_replay_store,
    single_use: bool,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    crate::verify::configure(validation, err_out, |v| {
        let store = shared_store(store)?;
        Ok(if single_use {
            v.replay_store(store)
        } else {
            v.revocation_store(store)
        })
    })
}

/// The store behind a `pqj_replay_store` handle, shared (the caller keeps its handle).
pub(crate) fn shared_store(
    store: *const pqj_replay_store,
) -> Result<Arc<dyn ReplayStore>, Failure> {
    Ok(Arc::clone(&ptr::arc_ref(store, "store")?.store))
}
