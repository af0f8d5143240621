//! Sharing handles without counting references by hand: each shareable handle (`pqj_key`,
//! `pqj_keyset`, `pqj_verifier`, `pqj_claims`) is one strong reference to an immutable,
//! thread-safe object, and `pqj_*_clone` hands out one more. Every reference is released with
//! the type's `_free`, in any order and from any thread; the object goes when the last one
//! does. A component that keeps a handle (a worker pool, a cache, a callback) clones it and
//! frees its clone, never having to know who else holds one.

use crate::boundary::guard_value;
use crate::claims::pqj_claims;
use crate::key::pqj_key;
use crate::keyset::pqj_keyset;
use crate::ptr;
use crate::verify::pqj_verifier;

/// One more reference to the same object, or NULL for NULL.
fn clone<T>(handle: *const T) -> *const T {
    guard_value(core::ptr::null(), || {
        ptr::arc_clone(handle, "handle").map_or(core::ptr::null(), |a| ptr::arc_into_raw_arc(a))
    })
}

/// A new reference to the same key (the returned pointer may compare equal to `key`): free
/// each reference once with `pqj_key_free`. Returns NULL for NULL.
///
/// Thread safety: safe from any thread, concurrently with any use of the key.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_clone(key: *const pqj_key) -> *const pqj_key {
    clone(key)
}

/// A new reference to the same key set: rotation through either reference is seen through
/// both, and by every verifier made from it. Free each reference once with `pqj_keyset_free`.
/// Returns NULL for NULL.
///
/// Thread safety: safe from any thread, concurrently with any use of the set.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_keyset_clone(set: *const pqj_keyset) -> *const pqj_keyset {
    clone(set)
}

/// A new reference to the same verifier: free each reference once with `pqj_verifier_free`.
/// Returns NULL for NULL.
///
/// Thread safety: safe from any thread, concurrently with any use of the verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verifier_clone(verifier: *const pqj_verifier) -> *const pqj_verifier {
    clone(verifier)
}

/// A new reference to the same verified claims: free each reference once with
/// `pqj_claims_free`. Returns NULL for NULL.
///
/// Thread safety: safe from any thread, concurrently with any use of the claims.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_claims_clone(claims: *const pqj_claims) -> *const pqj_claims {
    clone(claims)
}
