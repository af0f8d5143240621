//! `pqj_keyset`: the verifying keys a verifier trusts, rotated live. Wraps `pqjose::KeySet`,
//! whose readers take a lock-free snapshot, so rotation through one handle is safe while other
//! threads verify with verifiers built on the same set.

use core::ffi::c_char;

use pqjose::{KeySet, NumericDate};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::key::pqj_key;
use crate::ptr;
use crate::status::pqj_status;

/// A set of verifying keys, any mix of algorithms, selected by `kid` then `alg`.
///
/// Thread safety: every function on a key set may be called from any number of threads at
/// once; rotation (add, retire, remove) is atomic, and a verification in progress sees either
/// the old or the new set, never a mix. Verifiers made from the set see later rotations.
pub struct pqj_keyset {
    keys: KeySet,
}

impl pqj_keyset {
    pub(crate) fn keys(&self) -> &KeySet {
        &self.keys
    }

    pub(crate) fn wrap(keys: KeySet) -> Self {
        Self { keys }
    }
}

/// Make an empty key set.
///
/// On success stores a new handle in `*set_out` (free with `pqj_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_new(
    set_out: *mut *const pqj_keyset,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(set_out, "set_out")?;
        out.write(ptr::arc_into_raw(pqj_keyset {
            keys: KeySet::new(),
        }));
        Ok(())
    })
}

/// Make a key set from a JWK Set (`{"keys":[...]}`, `jwks_len` bytes of UTF-8), such as an
/// issuer's `/.well-known/jwks.json`. Entries that cannot be used (unsupported, malformed,
/// symmetric, duplicate) are skipped; their number is stored in `*skipped_out` unless
/// `skipped_out` is NULL. A document that is not a JWK Set is an error.
///
/// On success stores a new handle in `*set_out` (free with `pqj_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_from_jwks(
    jwks: *const u8,
    jwks_len: usize,
    set_out: *mut *const pqj_keyset,
    skipped_out: *mut usize,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(set_out, "set_out")?;
        let skipped_out = ptr::out(skipped_out, "skipped_out").ok();
        let jwks = ptr::text_max(jwks, jwks_len, "jwks", pqjose::jwk::MAX_JWK_SET_LEN, || {
            Failure::lib(pqjose::KeyError::JwkSetTooLarge)
        })?;
        let (keys, skipped) = KeySet::from_jwk_set_json(jwks)?;
        if let Some(s) = skipped_out {
            s.write(skipped.len());
        }
        out.write(ptr::arc_into_raw(pqj_keyset { keys }));
        Ok(())
    })
}

/// Add a key (its public part; for HMAC the shared secret). A key whose `kid` and algorithm
/// both match one already present is refused (`PQJ_STATUS_DUPLICATE_KEY`). The caller keeps
/// ownership of `key`.
///
/// Thread safety: safe from any thread, concurrently with verification.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_add(
    set: *const pqj_keyset,
    key: *const pqj_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let set = ptr::arc_ref(set, "set")?;
        let key = ptr::arc_ref(key, "key")?;
        Ok(set.keys.add(key.verifying().clone())?)
    })
}

/// Retire every key with this `kid` at once: it no longer verifies and is no longer
/// published. `PQJ_STATUS_KEY_NOT_FOUND` if no key has this `kid`.
///
/// Thread safety: safe from any thread, concurrently with verification.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_retire(
    set: *const pqj_keyset,
    kid: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let set = ptr::arc_ref(set, "set")?;
        Ok(set.keys.retire(ptr::cstr(kid, "kid")?, None)?)
    })
}

/// Retire every key with this `kid` after an overlap: it keeps verifying and being published
/// until `not_after` (seconds since the Unix epoch) inclusive, then neither.
/// `PQJ_STATUS_KEY_NOT_FOUND` if no key has this `kid`.
///
/// Thread safety: safe from any thread, concurrently with verification.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_retire_after(
    set: *const pqj_keyset,
    kid: *const c_char,
    not_after: i64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let set = ptr::arc_ref(set, "set")?;
        let kid = ptr::cstr(kid, "kid")?;
        Ok(set
            .keys
            .retire(kid, Some(NumericDate::from_secs(not_after)))?)
    })
}

/// Remove every key with this `kid`. `PQJ_STATUS_KEY_NOT_FOUND` if no key has it.
///
/// Thread safety: safe from any thread, concurrently with verification.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_remove(
    set: *const pqj_keyset,
    kid: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let set = ptr::arc_ref(set, "set")?;
        Ok(set.keys.remove(ptr::cstr(kid, "kid")?)?)
    })
}

/// The number of keys in the set, in any status (0 for NULL).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_len(set: *const pqj_keyset) -> usize {
    guard_value(0, || ptr::arc_ref(set, "set").map_or(0, |s| s.keys.len()))
}

/// The public JWK Set to publish (`{"keys":[...]}`): active and retiring keys without private
/// members; HMAC keys are left out.
///
/// On success stores a new string in `*jwks_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_public_jwks(
    set: *const pqj_keyset,
    jwks_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwks_out, "jwks_out")?;
        let set = ptr::arc_ref(set, "set")?;
        out.write_string(set.keys.to_public_jwk_set().to_json())
    })
}

/// Release a key set handle. `NULL` does nothing. Verifiers made from the set keep their own
/// reference.
///
/// Thread safety: call once per handle, when no other thread is using this handle.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_free(set: *const pqj_keyset) {
    guard_value((), || ptr::arc_free(set));
}
