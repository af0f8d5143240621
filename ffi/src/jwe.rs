//! JWE (RFC 7516) over the C ABI: `pqj_jwe_key` (an encryption key bound to one key-management
//! algorithm and to encryption only), `pqj_jwe_keyset` (a recipient's rotating decryption
//! keys), `pqj_decrypted` (an opened JWE, plaintext zeroized on free), and nested tokens
//! (decrypt, then the full JWT verification of a `pqj_verifier`, in one call). All checking is
//! `pqjose::jwe`'s; this module only carries arguments across.
//!
//! `pqj_jwe_key` is its own type: a signing `pqj_key` cannot be passed where an encryption key
//! is expected, and no function takes a `pqj_jwe_key` to sign or verify.

use core::ffi::c_char;
use std::ffi::CString;
use std::sync::RwLock;

use pqjose::jwe::{
    ContentEncryption, Decrypted, DecryptionKey, DecryptionKeySet, Encryption, EncryptionKey,
    KeyManagement,
};
use pqjose::{FixedClock, Jwk};
use zeroize::Zeroizing;

use crate::boundary::{guard, guard_value};
use crate::claims::pqj_claims;
use crate::error::{Failure, pqj_error};
use crate::ptr;
use crate::status::pqj_status;
use crate::verify::pqj_verifier;

/// The largest JWE accepted across the ABI (the library's default `Limits` bound), checked
/// before any byte is read.
const MAX_JWE_LEN: usize = 1024 * 1024;

/// An encryption key bound to one JWE key-management algorithm (`HPKE-9`, `ECDH-ES+A256KW`,
/// `A256KW`, ...): private (decrypts, and encrypts to its public half) or public (encrypts
/// only). For `A128KW`/`A256KW`/`dir` the key is the shared secret, so it is always private.
///
/// Thread safety: immutable; one handle may be used from any number of threads at once. Free
/// it once with `pqj_jwe_key_free`; secret material is zeroized when the last user (a JWE key
/// set may hold its own copy) lets go.
pub struct pqj_jwe_key {
    decryption: Option<DecryptionKey>,
    encryption: EncryptionKey,
    alg: CString,
    kid: CString,
}

impl pqj_jwe_key {
    fn from_decryption(key: DecryptionKey) -> Result<Self, Failure> {
        let encryption = key.encryption_key();
        let mut k = Self::from_encryption(encryption)?;
        k.decryption = Some(key);
        Ok(k)
    }

    fn from_encryption(key: EncryptionKey) -> Result<Self, Failure> {
        Ok(Self {
            alg: cstring(key.algorithm().as_str(), "algorithm")?,
            kid: cstring(key.kid(), "key id")?,
            decryption: None,
            encryption: key,
        })
    }

    fn decryption(&self) -> Result<&DecryptionKey, Failure> {
        self.decryption
            .as_ref()
            .ok_or_else(|| pqjose::Error::Key(pqjose::KeyError::NotPrivate).into())
    }
}

fn cstring(s: &str, what: &str) -> Result<CString, Failure> {
    CString::new(s).map_err(|_| Failure::invalid(format!("the {what} contains a NUL byte")))
}

fn key_management(alg: *const c_char) -> Result<KeyManagement, Failure> {
    Ok(ptr::cstr(alg, "alg")?.parse::<KeyManagement>()?)
}

fn content_encryption(enc: *const c_char) -> Result<Option<ContentEncryption>, Failure> {
    match ptr::opt_cstr(enc, "enc")? {
        None => Ok(None),
        Some(name) => Ok(Some(ContentEncryption::from_name(name)?)),
    }
}

fn jwe_text<'a>(jwe: *const u8, len: usize) -> Result<&'a str, Failure> {
    ptr::text_max(jwe, len, "jwe", MAX_JWE_LEN, || {
        Failure::lib(pqjose::FormatError::TooLarge)
    })
}

/// Generate a new private encryption key for `alg` (a JWE key-management algorithm:
/// `"HPKE-9"`, `"HPKE-8"`, `"HPKE-12"`, `"HPKE-0"`, `"ECDH-ES+A256KW"`, `"RSA-OAEP-256"`,
/// `"A256KW"`, `"dir"`, ...) from the system random generator. `crv` may be NULL: the curve of
/// an `ECDH-ES*` key (`"P-256"` (default), `"P-384"` or `"X25519"`), refused for other
/// algorithms. `enc` may be NULL: the content encryption a `dir` key is sized for (required for
/// `dir`, refused otherwise). `kid` may be NULL: the key id is then the RFC 7638 thumbprint.
///
/// On success stores a new handle in `*key_out` (free with `pqj_jwe_key_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_generate(
    alg: *const c_char,
    crv: *const c_char,
    enc: *const c_char,
    kid: *const c_char,
    key_out: *mut *const pqj_jwe_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(key_out, "key_out")?;
        let alg = key_management(alg)?;
        let crv = ptr::opt_cstr(crv, "crv")?;
        let enc = content_encryption(enc)?;
        let kid = ptr::opt_cstr(kid, "kid")?;
        let mut key = DecryptionKey::generate_with(alg, crv, enc)?;
        if let Some(kid) = kid {
            key = key.with_kid(kid)?;
        }
        out.write(ptr::arc_into_raw(pqj_jwe_key::from_decryption(key)?));
        Ok(())
    })
}

/// Import an encryption key from JWK JSON text (`jwk`, `jwk_len` bytes of UTF-8). Its `alg`
/// must name a JWE key-management algorithm (a signing JWK is refused with
/// `PQJ_STATUS_JWE_KEY_MISMATCH`) and its `use`, if present, must be `enc`. A JWK with private
/// members (and every `oct` JWK) becomes a private key, otherwise a public one.
///
/// On success stores a new handle in `*key_out` (free with `pqj_jwe_key_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_from_jwk(
    jwk: *const u8,
    jwk_len: usize,
    key_out: *mut *const pqj_jwe_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(key_out, "key_out")?;
        let jwk = ptr::text_max(jwk, jwk_len, "jwk", pqjose::jwk::MAX_JWK_LEN, || {
            Failure::lib(pqjose::KeyError::MalformedJwk)
        })?;
        let jwk = Jwk::from_json(jwk)?;
        let key = if jwk.is_private() {
            pqj_jwe_key::from_decryption(DecryptionKey::from_jwk(&jwk)?)?
        } else {
            pqj_jwe_key::from_encryption(EncryptionKey::from_jwk(&jwk)?)?
        };
        out.write(ptr::arc_into_raw(key));
        Ok(())
    })
}

/// Whether the key is private (can decrypt). False for NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_is_private(key: *const pqj_jwe_key) -> bool {
    guard_value(false, || {
        ptr::arc_ref(key, "key").is_ok_and(|k| k.decryption.is_some())
    })
}

/// The key's key-management algorithm (`"HPKE-9"`, ...), NUL-terminated, owned by the key and
/// valid until `pqj_jwe_key_free`; NULL if `key` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_alg(key: *const pqj_jwe_key) -> *const c_char {
    guard_value(core::ptr::null(), || match ptr::arc_ref(key, "key") {
        Ok(k) => k.alg.as_ptr(),
        Err(_) => core::ptr::null(),
    })
}

/// The key id, NUL-terminated, owned by the key and valid until `pqj_jwe_key_free`; NULL if
/// `key` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_kid(key: *const pqj_jwe_key) -> *const c_char {
    guard_value(core::ptr::null(), || match ptr::arc_ref(key, "key") {
        Ok(k) => k.kid.as_ptr(),
        Err(_) => core::ptr::null(),
    })
}

/// The public JWK as JSON text (private members stripped), with `kid` and `alg`, to give to
/// senders. Refused (`PQJ_STATUS_NO_PUBLIC_FORM`) for `oct` keys (`A128KW`, `A256KW`, `dir`).
///
/// On success stores a new string in `*jwk_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_public_jwk(
    key: *const pqj_jwe_key,
    jwk_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwk_out, "jwk_out")?;
        let key = ptr::arc_ref(key, "key")?;
        out.write_string(key.encryption.to_jwk()?.to_json())
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
pub extern "C" fn pqj_jwe_key_private_jwk(
    key: *const pqj_jwe_key,
    jwk_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwk_out, "jwk_out")?;
        let key = ptr::arc_ref(key, "key")?;
        out.write_string(key.decryption()?.to_jwk()?.to_json())
    })
}

/// Release an encryption key handle. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using this handle.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_key_free(key: *const pqj_jwe_key) {
    guard_value((), || ptr::arc_free(key));
}

/// Encrypt `plaintext` (`plaintext_len` bytes, any content) to `key` (public or private) as a
/// compact JWE. `enc` may be NULL: the content encryption, `"A256GCM"` by default; it must be
/// NULL for HPKE integrated encryption (`HPKE-n`), which has none. `cty` may be NULL: the
/// `cty` header member; `"JWT"` marks a nested (signed-then-encrypted) token.
///
/// On success stores the JWE in `*jwe_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_encrypt(
    key: *const pqj_jwe_key,
    enc: *const c_char,
    cty: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    jwe_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwe_out, "jwe_out")?;
        let key = ptr::arc_ref(key, "key")?;
        let enc = content_encryption(enc)?;
        let cty = ptr::opt_cstr(cty, "cty")?;
        let plaintext = ptr::bytes(plaintext, plaintext_len, "plaintext")?;
        let mut encryption = Encryption::new();
        if let Some(enc) = enc {
            encryption = encryption.enc(enc);
        }
        if let Some(cty) = cty {
            encryption = encryption.cty(cty);
        }
        out.write_string(encryption.compact(&key.encryption, plaintext)?)
    })
}

/// An opened JWE: the plaintext (zeroized when freed) and the header facts that were checked.
///
/// Thread safety: immutable; may be read from any number of threads at once. Free it once with
/// `pqj_decrypted_free`.
pub struct pqj_decrypted {
    plaintext: Zeroizing<Vec<u8>>,
    alg: CString,
    enc: Option<CString>,
    kid: CString,
    cty: Option<CString>,
}

impl pqj_decrypted {
    fn new(d: Decrypted) -> Result<Self, Failure> {
        let header = d.header();
        Ok(Self {
            alg: cstring(d.algorithm().as_str(), "algorithm")?,
            enc: d.enc().map(|e| cstring(e.name(), "enc")).transpose()?,
            kid: cstring(d.kid(), "key id")?,
            cty: header.cty().map(|c| cstring(c, "cty")).transpose()?,
            plaintext: d.into_plaintext(),
        })
    }
}

fn decrypt_into(
    jwe: *const u8,
    jwe_len: usize,
    decrypted_out: *mut *const pqj_decrypted,
    err_out: *mut *mut pqj_error,
    open: impl FnOnce(&str) -> Result<Decrypted, Failure>,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(decrypted_out, "decrypted_out")?;
        let jwe = jwe_text(jwe, jwe_len)?;
        let decrypted = pqj_decrypted::new(open(jwe.trim_end_matches('\n'))?)?;
        out.write(ptr::arc_into_raw(decrypted));
        Ok(())
    })
}

/// Decrypt a JWE (`jwe`, `jwe_len` bytes; compact, flattened or general JSON, detected; one
/// trailing newline allowed) with the private `key`. The JWE's `alg` must be the key's. Every
/// failure of decryption proper (wrong key, bad tag, failed unwrap) is the one opaque
/// `PQJ_STATUS_JWE_DECRYPTION`: no oracle.
///
/// On success stores a new handle in `*decrypted_out` (free with `pqj_decrypted_free`).
///
/// Thread safety: safe from any number of threads at once on one key.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_decrypt(
    key: *const pqj_jwe_key,
    jwe: *const u8,
    jwe_len: usize,
    decrypted_out: *mut *const pqj_decrypted,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    decrypt_into(jwe, jwe_len, decrypted_out, err_out, |jwe| {
        let key = ptr::arc_ref(key, "key")?.decryption()?;
        Ok(pqjose::jwe::decrypt(key, jwe)?)
    })
}

/// The plaintext of an opened JWE: a pointer owned by `decrypted` (valid until
/// `pqj_decrypted_free`, which zeroizes it) and its length in `*len_out`. The plaintext may
/// contain NUL bytes and is not NUL-terminated. NULL (and a length of 0) if `decrypted` is
/// NULL; `len_out` may be NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_plaintext(
    decrypted: *const pqj_decrypted,
    len_out: *mut usize,
) -> *const u8 {
    guard_value(core::ptr::null(), || {
        let (p, n) = match ptr::arc_ref(decrypted, "decrypted") {
            Ok(d) => (d.plaintext.as_ptr(), d.plaintext.len()),
            Err(_) => (core::ptr::null(), 0),
        };
        if let Ok(out) = ptr::out(len_out, "len_out") {
            out.write(n);
        }
        p
    })
}

/// The key-management algorithm of the opened JWE, NUL-terminated, owned by `decrypted`; NULL
/// if `decrypted` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_alg(decrypted: *const pqj_decrypted) -> *const c_char {
    guard_value(core::ptr::null(), || {
        match ptr::arc_ref(decrypted, "decrypted") {
            Ok(d) => d.alg.as_ptr(),
            Err(_) => core::ptr::null(),
        }
    })
}

/// The content encryption (`enc`) of the opened JWE, owned by `decrypted`; NULL for HPKE
/// integrated encryption (which has none) or if `decrypted` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_enc(decrypted: *const pqj_decrypted) -> *const c_char {
    guard_value(core::ptr::null(), || {
        match ptr::arc_ref(decrypted, "decrypted") {
            Ok(d) => d.enc.as_ref().map_or(core::ptr::null(), |e| e.as_ptr()),
            Err(_) => core::ptr::null(),
        }
    })
}

/// The key id of the key that opened the JWE, owned by `decrypted`; NULL if `decrypted` is
/// NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_kid(decrypted: *const pqj_decrypted) -> *const c_char {
    guard_value(core::ptr::null(), || {
        match ptr::arc_ref(decrypted, "decrypted") {
            Ok(d) => d.kid.as_ptr(),
            Err(_) => core::ptr::null(),
        }
    })
}

/// The `cty` header member of the opened JWE (`"JWT"` for a nested token), owned by
/// `decrypted`; NULL if the JWE has none or `decrypted` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_cty(decrypted: *const pqj_decrypted) -> *const c_char {
    guard_value(core::ptr::null(), || {
        match ptr::arc_ref(decrypted, "decrypted") {
            Ok(d) => d.cty.as_ref().map_or(core::ptr::null(), |c| c.as_ptr()),
            Err(_) => core::ptr::null(),
        }
    })
}

/// Free an opened JWE; its plaintext is zeroized. `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_decrypted_free(decrypted: *const pqj_decrypted) {
    guard_value((), || ptr::arc_free(decrypted));
}

/// A recipient's decryption keys (an agent or gateway rotating its encryption keys), selected
/// by the JWE's `kid` and `alg`.
///
/// Thread safety: every function on a set may be called from any number of threads at once;
/// adding a key is atomic (a decryption in progress sees the set before or after it).
pub struct pqj_jwe_keyset {
    keys: RwLock<DecryptionKeySet>,
}

impl pqj_jwe_keyset {
    fn read<T>(&self, f: impl FnOnce(&DecryptionKeySet) -> T) -> Result<T, Failure> {
        let keys = self
            .keys
            .read()
            .map_err(|_| Failure::internal("JWE key set lock poisoned"))?;
        Ok(f(&keys))
    }
}

/// Make an empty JWE key set.
///
/// On success stores a new handle in `*set_out` (free with `pqj_jwe_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_new(
    set_out: *mut *const pqj_jwe_keyset,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(set_out, "set_out")?;
        out.write(ptr::arc_into_raw(pqj_jwe_keyset {
            keys: RwLock::new(DecryptionKeySet::new()),
        }));
        Ok(())
    })
}

/// Make a JWE key set from a private JWK Set (`jwks`, `jwks_len` bytes of UTF-8). Entries that
/// are not usable decryption keys (signature keys, public keys, unknown types, duplicates) are
/// skipped; their number is stored in `*skipped_out` unless `skipped_out` is NULL.
///
/// On success stores a new handle in `*set_out` (free with `pqj_jwe_keyset_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_from_jwks(
    jwks: *const u8,
    jwks_len: usize,
    set_out: *mut *const pqj_jwe_keyset,
    skipped_out: *mut usize,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(set_out, "set_out")?;
        let skipped_out = ptr::out(skipped_out, "skipped_out").ok();
        let jwks = ptr::text_max(jwks, jwks_len, "jwks", pqjose::jwk::MAX_JWK_SET_LEN, || {
            Failure::lib(pqjose::KeyError::JwkSetTooLarge)
        })?;
        let (keys, skipped) = DecryptionKeySet::from_jwk_set_json(jwks)?;
        if let Some(s) = skipped_out {
            s.write(skipped.len());
        }
        out.write(ptr::arc_into_raw(pqj_jwe_keyset {
            keys: RwLock::new(keys),
        }));
        Ok(())
    })
}

/// Add a private encryption key (a copy; `key` stays the caller's). A public key is refused
/// (`PQJ_STATUS_KEY_NOT_PRIVATE`); a second key with the same `kid` and `alg` is
/// `PQJ_STATUS_DUPLICATE_KEY`.
///
/// Thread safety: safe from any number of threads at once, also while others decrypt.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_add(
    set: *const pqj_jwe_keyset,
    key: *const pqj_jwe_key,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let set = ptr::arc_ref(set, "set")?;
        let key = ptr::arc_ref(key, "key")?.decryption()?.clone();
        let mut keys = set
            .keys
            .write()
            .map_err(|_| Failure::internal("JWE key set lock poisoned"))?;
        Ok(keys.add(key)?)
    })
}

/// The number of keys in the set; 0 for NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_len(set: *const pqj_jwe_keyset) -> usize {
    guard_value(0, || {
        ptr::arc_ref(set, "set")
            .and_then(|s| s.read(DecryptionKeySet::len))
            .unwrap_or(0)
    })
}

/// The public JWK Set to publish (`{"keys":[...]}`; `oct` keys left out).
///
/// On success stores a new string in `*jwks_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_public_jwks(
    set: *const pqj_jwe_keyset,
    jwks_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(jwks_out, "jwks_out")?;
        let set = ptr::arc_ref(set, "set")?;
        out.write_string(set.read(|k| k.to_public_jwk_set().to_json())?)
    })
}

/// Decrypt a JWE as `pqj_jwe_decrypt` does, with the key of `set` its `kid` and `alg` select
/// (without `kid`, every key of its `alg` is tried); `PQJ_STATUS_KEY_NOT_FOUND` if none fits.
///
/// On success stores a new handle in `*decrypted_out` (free with `pqj_decrypted_free`).
///
/// Thread safety: safe from any number of threads at once on one set.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_decrypt(
    set: *const pqj_jwe_keyset,
    jwe: *const u8,
    jwe_len: usize,
    decrypted_out: *mut *const pqj_decrypted,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    decrypt_into(jwe, jwe_len, decrypted_out, err_out, |jwe| {
        let set = ptr::arc_ref(set, "set")?;
        Ok(set.read(|keys| pqjose::jwe::decrypt_with_keys(keys, jwe))??)
    })
}

fn decrypt_nested(
    set: *const pqj_jwe_keyset,
    verifier: *const pqj_verifier,
    jwe: *const u8,
    jwe_len: usize,
    now: Option<i64>,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(claims_out, "claims_out")?;
        let set = ptr::arc_ref(set, "set")?;
        let verifier = ptr::arc_ref(verifier, "verifier")?;
        let jwe = jwe_text(jwe, jwe_len)?.trim_end_matches('\n');
        let validation = match now {
            None => verifier.validation().clone(),
            Some(t) => verifier.validation().clone().clock(FixedClock::at_secs(t)),
        };
        let verified = set.read(|keys| {
            pqjose::jwe::Decryption::new().decrypt_jwt(jwe, keys, &validation, verifier.keyset())
        })??;
        out.write(ptr::arc_into_raw(pqj_claims::new(verified)?));
        Ok(())
    })
}

/// Open a nested (signed-then-encrypted) token in one call: decrypt `jwe` with the key of `set`
/// its `kid` and `alg` select, require `cty` `JWT` (`PQJ_STATUS_JWE_NOT_NESTED` otherwise),
/// then verify the inner JWT exactly as `pqj_verifier_verify_claims` does (signature against
/// the verifier's key set, algorithm policy, every claim check) at the current system time.
///
/// On success stores the inner token's claims in `*claims_out` (free with `pqj_claims_free`).
///
/// Thread safety: safe from any number of threads at once on one set and one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_decrypt_nested(
    set: *const pqj_jwe_keyset,
    verifier: *const pqj_verifier,
    jwe: *const u8,
    jwe_len: usize,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    decrypt_nested(set, verifier, jwe, jwe_len, None, claims_out, err_out)
}

/// `pqj_jwe_decrypt_nested` at a given time (`now`, seconds since the Unix epoch) instead of
/// the system clock, for the inner token's time checks.
///
/// Thread safety: safe from any number of threads at once on one set and one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_decrypt_nested_at(
    set: *const pqj_jwe_keyset,
    verifier: *const pqj_verifier,
    jwe: *const u8,
    jwe_len: usize,
    now: i64,
    claims_out: *mut *const pqj_claims,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    decrypt_nested(set, verifier, jwe, jwe_len, Some(now), claims_out, err_out)
}

/// Release a JWE key set; its keys are zeroized when no other holder remains. `NULL` does
/// nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_jwe_keyset_free(set: *const pqj_jwe_keyset) {
    guard_value((), || ptr::arc_free(set));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(alg: &core::ffi::CStr) -> *const pqj_jwe_key {
        let mut key = core::ptr::null();
        let st = pqj_jwe_key_generate(
            alg.as_ptr(),
            core::ptr::null(),
            core::ptr::null(),
            core::ptr::null(),
            &mut key,
            core::ptr::null_mut(),
        );
        assert_eq!(st, pqj_status::Ok);
        key
    }

    #[test]
    fn encrypt_decrypt_and_the_opaque_failure() {
        let key = generate(c"HPKE-9");
        let other = generate(c"HPKE-9");
        assert!(pqj_jwe_key_is_private(key));
        assert_eq!(ptr::read_cstr(pqj_jwe_key_alg(key)), "HPKE-9");
        let msg = b"postgres://app:s3cret@db\0x";
        let mut jwe = core::ptr::null_mut();
        let st = pqj_jwe_encrypt(
            key,
            core::ptr::null(),
            core::ptr::null(),
            msg.as_ptr(),
            msg.len(),
            &mut jwe,
            core::ptr::null_mut(),
        );
        assert_eq!(st, pqj_status::Ok);
        let text = ptr::read_cstr(jwe);
        let mut d = core::ptr::null();
        let st = pqj_jwe_decrypt(
            key,
            text.as_ptr(),
            text.len(),
            &mut d,
            core::ptr::null_mut(),
        );
        assert_eq!(st, pqj_status::Ok);
        let mut n = 0;
        let p = pqj_decrypted_plaintext(d, &mut n);
        // SAFETY: the library returned `p` for `n` bytes, alive until `pqj_decrypted_free`.
        assert_eq!(unsafe { core::slice::from_raw_parts(p, n) }, msg);
        assert!(pqj_decrypted_enc(d).is_null());
        pqj_decrypted_free(d);
        let mut d = core::ptr::null();
        let st = pqj_jwe_decrypt(
            other,
            text.as_ptr(),
            text.len(),
            &mut d,
            core::ptr::null_mut(),
        );
        assert_eq!(st, pqj_status::JweDecryption);
        assert!(d.is_null());
        ptr::string_free(jwe);
        pqj_jwe_key_free(key);
        pqj_jwe_key_free(other);
        pqj_jwe_key_free(core::ptr::null());
    }
}
