//! `pqj_key`: one key, private (can sign and verify) or public (can verify), bound to one
//! algorithm. Immutable once made, so one handle may be shared by any number of threads.

use core::ffi::{CStr, c_char};
use std::ffi::CString;
use std::sync::OnceLock;

use pqjose::{Algorithm, Jwk, SigningKey, VerifyingKey};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::ptr;
use crate::status::pqj_status;

/// A key bound to one algorithm: private (signs and verifies) or public (verifies only).
///
/// Thread safety: immutable; one handle may be used from any number of threads at once.
/// Free it once with `pqj_key_free`; secret material is zeroized when the last user (a key set
/// or token builder may hold its own reference) lets go.
pub struct pqj_key {
    signing: Option<SigningKey>,
    verifying: VerifyingKey,
    kid: CString,
}

impl pqj_key {
    pub(crate) fn from_signing(key: SigningKey) -> Result<Self, Failure> {
        let verifying = key.verifying_key()?;
        Ok(Self {
            kid: kid_cstring(key.kid())?,
            signing: Some(key),
            verifying,
        })
    }

    pub(crate) fn from_verifying(key: VerifyingKey) -> Result<Self, Failure> {
        Ok(Self {
            kid: kid_cstring(key.kid())?,
            signing: None,
            verifying: key,
        })
    }

    /// The private key, or `PQJ_STATUS_KEY_NOT_PRIVATE`.
    pub(crate) fn signing(&self) -> Result<&SigningKey, Failure> {
        self.signing
            .as_ref()
            .ok_or_else(|| pqjose::Error::Key(pqjose::KeyError::NotPrivate).into())
    }

    /// The public (verifying) key.
    pub(crate) fn verifying(&self) -> &VerifyingKey {
        &self.verifying
    }
}

fn kid_cstring(kid: &str) -> Result<CString, Failure> {
    CString::new(kid).map_err(|_| Failure::invalid("the key id contains a NUL byte"))
}

/// Parse an `alg` argument.
pub(crate) fn algorithm(alg: *const c_char) -> Result<Algorithm, Failure> {
    Ok(ptr::cstr(alg, "alg")?.parse::<Algorithm>()?)
}

/// The NUL-terminated name of an algorithm, in static storage.
pub(crate) fn algorithm_cstr(alg: Algorithm) -> &'static CStr {
    static NAMES: OnceLock<Vec<(Algorithm, CString)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Algorithm::ALL
            .iter()
            .filter_map(|a| CString::new(a.as_str()).ok().map(|c| (*a, c)))
            .collect()
    });
    names
        .iter()
        .find(|(a, _)| *a == alg)
        .map_or(c"", |(_, c)| c.as_c_str())
}

/// Generate a new private key for `alg` (a JOSE name such as `"ML-DSA-65"`, `"Ed25519"`,
/// `"ES256"`) from the system random generator. `kid` may be NULL: the key id is then the
/// RFC 7638 thumbprint.
///
/// On success stores a new handle in `*key_out` (free with `pqj_key_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_generate(
    alg: *const c_char,
    kid: *const c_char,
    key_out: *mut *const pqj_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(key_out, "key_out")?;
        let alg = algorithm(alg)?;
        let kid = ptr::opt_cstr(kid, "kid")?;
        let mut key = SigningKey::generate(alg)?;
        if let Some(kid) = kid {
            key = key.with_kid(kid)?;
        }
        out.write(ptr::arc_into_raw(pqj_key::from_signing(key)?));
        Ok(())
    })
}

/// Import a key from JWK JSON text (`jwk`, `jwk_len` bytes of UTF-8). A JWK with private
/// members becomes a private key, otherwise a public one. The algorithm comes from the JWK's
/// `alg` (or its curve where only one algorithm fits); the key id from its `kid`, or the
/// thumbprint.
///
/// On success stores a new handle in `*key_out` (free with `pqj_key_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_from_jwk(
    jwk: *const u8,
    jwk_len: usize,
    key_out: *mut *const pqj_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(key_out, "key_out")?;
        let jwk = ptr::text_max(jwk, jwk_len, "jwk", pqjose::jwk::MAX_JWK_LEN, || {
            Failure::lib(pqjose::KeyError::MalformedJwk)
        })?;
        let jwk = Jwk::from_json(jwk)?;
        let key = if jwk.is_private() {
            pqj_key::from_signing(SigningKey::from_jwk(&jwk)?)?
        } else {
            pqj_key::from_verifying(VerifyingKey::from_jwk(&jwk)?)?
        };
        out.write(ptr::arc_into_raw(key));
        Ok(())
    })
}

/// Import a key from PEM for `alg`: a PKCS#8 `PRIVATE KEY` becomes a private key, an SPKI
/// `PUBLIC KEY` a public one. `kid` may be NULL: the key id is then the thumbprint.
///
/// On success stores a new handle in `*key_out` (free with `pqj_key_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_from_pem(
    alg: *const c_char,
    pem: *const u8,
    pem_len: usize,
    kid: *const c_char,
    key_out: *mut *const pqj_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(key_out, "key_out")?;
        let alg = algorithm(alg)?;
        let pem = ptr::text(pem, pem_len, "pem")?;
        let kid = ptr::opt_cstr(kid, "kid")?;
        let key = if pem.trim_start().starts_with("-----BEGIN PUBLIC KEY-----") {
            let mut k = VerifyingKey::from_spki_pem(alg, pem)?;
            if let Some(kid) = kid {
                k = k.with_kid(kid)?;
            }
            pqj_key::from_verifying(k)?
        } else {
            let mut k = SigningKey::from_pkcs8_pem(alg, pem)?;
            if let Some(kid) = kid {
                k = k.with_kid(kid)?;
            }
            pqj_key::from_signing(k)?
        };
        out.write(ptr::arc_into_raw(key));
        Ok(())
    })
}

/// Whether the key is private (can sign). False for NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_is_private(key: *const pqj_key) -> bool {
    guard_value(false, || {
        ptr::arc_ref(key, "key").is_ok_and(|k| k.signing.is_some())
    })
}

/// The key's algorithm as a static NUL-terminated JOSE name (never freed); NULL if `key` is
/// NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_alg(key: *const pqj_key) -> *const c_char {
    guard_value(core::ptr::null(), || match ptr::arc_ref(key, "key") {
        Ok(k) => algorithm_cstr(k.verifying.algorithm()).as_ptr(),
        Err(_) => core::ptr::null(),
    })
}

/// The key id, NUL-terminated, owned by the key and valid until `pqj_key_free`; NULL if `key`
/// is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_kid(key: *const pqj_key) -> *const c_char {
    guard_value(core::ptr::null(), || match ptr::arc_ref(key, "key") {
        Ok(k) => k.kid.as_ptr(),
        Err(_) => core::ptr::null(),
    })
}

/// The public JWK as JSON text, with `kid` and `alg`. Refused (`PQJ_STATUS_NO_PUBLIC_FORM`)
/// for HMAC keys.
///
/// On success stores a new string in `*jwk_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_public_jwk(
    key: *const pqj_key,
    jwk_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwk_out, "jwk_out")?;
        let key = ptr::arc_ref(key, "key")?;
        out.write_string(key.verifying.to_jwk()?.to_json())
    })
}

/// The private JWK as JSON text (secret members included: handle with care). Refused
/// (`PQJ_STATUS_KEY_NOT_PRIVATE`) for a public key.
///
/// On success stores a new string in `*jwk_out`; free it with `pqj_string_free`, which
/// zeroizes it.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_private_jwk(
    key: *const pqj_key,
    jwk_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwk_out, "jwk_out")?;
        let key = ptr::arc_ref(key, "key")?;
        out.write_string(key.signing()?.to_jwk()?.to_json())
    })
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url).
///
/// On success stores a new string in `*thumbprint_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_thumbprint(
    key: *const pqj_key,
    thumbprint_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(thumbprint_out, "thumbprint_out")?;
        let key = ptr::arc_ref(key, "key")?;
        out.write_string(key.verifying.thumbprint()?)
    })
}

/// Release a key handle. `NULL` does nothing. Key sets and builders that took the key keep
/// their own reference.
///
/// Thread safety: call once per handle, when no other thread is using this handle.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_key_free(key: *const pqj_key) {
    guard_value((), || ptr::arc_free(key));
}
