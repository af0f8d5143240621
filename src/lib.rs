//! # pqjose
//!
//! Post-quantum JOSE: compact JWS and JWT with ML-DSA (FIPS 204, RFC 9964), SLH-DSA (FIPS 205),
//! composite ML-DSA + ECDSA/EdDSA hybrids, and the classical algorithms (EdDSA, ECDSA, RSA,
//! HMAC), with JWK/JWKS key management and secure defaults.
//!
//! ## Sign and verify
//!
//! Every key is bound to one [`Algorithm`]; signing and verifying take the algorithm from the
//! key.
//!
//! ```
//! use pqjose::{jws, Algorithm, SigningKey};
//!
//! let key = SigningKey::generate(Algorithm::MlDsa65)?;
//! let token = jws::sign_payload(&key, b"hello")?;
//!
//! let public = key.verifying_key()?;
//! let verified = jws::verify(&public, &token)?;
//! assert_eq!(verified.payload(), b"hello");
//!
//! // Any change to the token, or another key, and verification fails.
//! let other = SigningKey::generate(Algorithm::MlDsa65)?.verifying_key()?;
//! assert_eq!(jws::verify(&other, &token).unwrap_err(), pqjose::Error::InvalidSignature);
//! # Ok::<(), pqjose::Error>(())
//! ```
//!
//! Keys are imported and exported as JWK ([`SigningKey::from_jwk_json`], [`Jwk`], [`JwkSet`])
//! or PEM ([`SigningKey::from_pkcs8_pem`], [`VerifyingKey::from_spki_pem`]); any signer or
//! verifier (an HSM, a KMS) can plug in through [`JwsSigner`] and [`JwsVerifier`].
//!
//! The key files OpenSSL writes import through one entry point per direction, PEM or DER, the
//! form told apart by the PEM label or the DER structure: [`SigningKey::from_pem`] /
//! [`SigningKey::from_der`] read PKCS#8, SEC1 `EC PRIVATE KEY` (its named curve checked against
//! the algorithm) and PKCS#1 `RSA PRIVATE KEY`; [`VerifyingKey::from_pem`] /
//! [`VerifyingKey::from_der`] read SPKI, PKCS#1 `RSA PUBLIC KEY` and the public key of an X.509
//! certificate. The certificate itself is **not** checked (no signature, validity or chain
//! validation): it is only a container for the public key. Composite keys use the PKCS#8/SPKI
//! OIDs of draft-ietf-lamps-pq-composite-sigs. Encrypted private keys are refused as
//! [`KeyError::EncryptedPrivateKey`].
//!
//! Every key also has a raw-bytes form, the value of its JWK member (the ML-DSA seed, an
//! Ed25519 `x`, a composite `pub`…; ECDSA as `0x04 ‖ x ‖ y` and `d`, RSA as PKCS#1 DER):
//! [`SigningKey::from_raw_secret`] / [`SigningKey::to_raw_secret`] (zeroizing) and
//! [`VerifyingKey::from_raw_public`] / [`VerifyingKey::public_bytes`].
//!
//! The JWS JSON serialization (RFC 7515 §7.2) signs one payload with several keys — say a
//! classical key for old verifiers and an ML-DSA key for new ones — with
//! [`jws::sign_payload_json`] (flattened for one key, general for several), and verifies it
//! under an explicit [`jws::SignatureRule`]: any one valid signature, all of them, or at least
//! one whose algorithm a policy accepts (the others ignored). `alg` is only ever read from a
//! protected header, and the number of signatures ([`jws::Limits::max_signatures`]) is checked
//! before any is verified.
//!
//! ## JWT
//!
//! An issuer mints short-lived per-task tokens; a gateway verifies them against the issuer's
//! published JWK Set, under a policy.
//!
//! ```
//! use std::time::Duration;
//! use pqjose::{Algorithm, KeySet, SigningKey, TokenBuilder, Validation, Verified};
//!
//! // Issuer: iat from the clock, exp from the TTL, a random jti, typ JWT, kid from the key.
//! let key = SigningKey::generate(Algorithm::MlDsa65)?;
//! let token = TokenBuilder::new()
//!     .issuer("https://issuer.example")
//!     .subject("agent-7")
//!     .audience("https://gateway.example")
//!     .ttl(Duration::from_secs(300))
//!     .claim("task", "t-42")
//!     .sign(&key)?;
//! let jwks = KeySet::from_keys([key.verifying_key()?])?.to_public_jwk_set().to_json();
//!
//! // Gateway: load the JWK Set once (keys are parsed once), verify every request.
//! let (keys, skipped) = KeySet::from_jwk_set_json(&jwks)?;
//! assert!(skipped.is_empty());
//! let validation = Validation::pqc_only()
//!     .issuer("https://issuer.example")
//!     .audience("https://gateway.example");
//! let verified: Verified = validation.verify_with_keys(&token, &keys)?;
//! assert_eq!(verified.claims().subject(), Some("agent-7"));
//! assert_eq!(verified.custom()["task"], "t-42");
//! # Ok::<(), pqjose::Error>(())
//! ```
//!
//! Custom claims can be any serde type ([`TokenBuilder::with_custom`],
//! `verify_with_keys::<MyClaims>`); replay and revocation checks plug in through
//! [`ReplayStore`] ([`MemoryReplayStore`] is a bounded in-memory one); keys rotate live in a
//! [`KeySet`] ([`KeySet::retire`] with an overlap, [`KeySet::purge_retired`]).
//!
//! ## Fleets
//!
//! [`remote::RemoteKeySet`] fetches an issuer's JWK Set (from a URL or through its metadata;
//! built-in HTTPS fetcher behind feature `remote-http`) and caches it safely: `max-age` within
//! bounds, `ETag`/304, refresh before expiry off the verify path, one fetch per cooldown for
//! unknown `kid`s, the last good set served for a bounded time, then fail closed. Verify with
//! [`Validation::verify_with_remote_keys`]. The crate `pqjose-redis` shares replay and
//! revocation (by `jti`, `kid`, or subject) across gateways through Redis. See
//! `docs/FLEET.md` for running a fleet and the table of failure modes.
//!
//! More: the examples in `examples/` (`cargo run --example issuer`, `gateway`, `rotation`,
//! `openssl_pem`), and `pqjose demo`, which walks through the whole agent-credential flow.
//!
//! ## Agent identity profiles
//!
//! Built on the same pipeline: [`dpop`] creates and verifies DPoP proofs (RFC 9449) with
//! post-quantum, classical or composite keys and binds access tokens to them (`cnf.jkt`);
//! [`delegation`] mints delegated tokens whose `act` chain records who acts for whom (RFC 8693),
//! with [`exchange`] holding the token-exchange request and response types; [`wimse`] issues
//! and verifies WIMSE workload identity and proof tokens. Their checks fail with
//! [`ProfileError`].
//!
//! ## Encryption (JWE)
//!
//! [`jwe`] encrypts to a recipient's key: JOSE-HPKE with the post-quantum and PQ/T suites
//! (`HPKE-9` X-Wing, `HPKE-12`/`HPKE-13` ML-KEM, `HPKE-8`/`HPKE-10` ML-KEM + NIST curves) and
//! the classical suites, plus the classical JWE algorithms; [`DecryptionKey`] /
//! [`EncryptionKey`] are bound to one [`KeyManagement`] algorithm, like signing keys, and read
//! and write JWK, and PKCS#8/SPKI PEM where a standard form exists (X25519, P-256/P-384, RSA:
//! [`DecryptionKey::from_pem`], [`EncryptionKey::from_pem`], with OpenSSL's SEC1/PKCS#1 forms
//! and certificates); nested tokens are opened and validated in one call
//! ([`jwe::Decryption::decrypt_jwt`]).
//!
//! ## Audit log
//!
//! [`audit`] keeps a signed, tamper-evident log of agent actions: records are leaves of an
//! RFC 9162 Merkle tree and only checkpoints are signed (ML-DSA, SLH-DSA, composite or
//! classical keys), by a background thread, so one signature covers thousands of records and
//! appending never waits for it. Inclusion and consistency proofs ([`audit::InclusionProof`],
//! [`audit::ConsistencyProof`]) are checked with nothing but the proof and the public key;
//! [`audit::verify_log`] streams a whole log and names the first tampered index.
//!
//! ## Telemetry
//!
//! [`Validation::observer`] takes a [`telemetry::Observer`] that receives one
//! [`telemetry::Event`] per verification (algorithm, key id, policy, outcome code, duration),
//! so operators can show that post-quantum algorithms are used, not just configured. No
//! telemetry framework is a dependency; the `pqjose-metrics` crate adapts events to the
//! `metrics` facade. The hook costs nothing without an observer; its cost with one is measured in
//! docs/PERFORMANCE.md.
//!
//! ## Security
//!
//! ### What is untrusted before verification
//!
//! Everything in a token: the header (`alg`, `kid`, `typ` and any other member), the payload and
//! every claim, and the signature. Before the signature has verified, pqjose reads only the
//! protected header, and only to choose the key: its `alg` must be allowed by the policy and
//! agree with the key's algorithm, and its `kid` selects among the keys *you* loaded (compared
//! byte for byte; never fetched, never a path or a URL). The payload is not even decoded until
//! the signature has verified. A [`Verified`] token exists only when the signature and every
//! configured claim check passed; it has no public constructor.
//!
//! Reading a token without verification is confined to [`dangerous`], whose results stay
//! untrusted (for display and logs). After verification, claims are as trustworthy as the key
//! and the checks you configured: custom claims are only deserialized into your type, so
//! authorization decisions on them (a scope, a task id) remain yours.
//!
//! ### Defaults
//!
//! - **The key decides the algorithm.** The header's `alg` must agree with the key's (with the
//!   one alias `EdDSA`/`Ed25519`); it never selects a key type. `none` (in any case) is never
//!   accepted, and there is no default algorithm.
//! - **Algorithm policy.** [`Validation::new`] accepts the algorithm of any key you loaded
//!   ([`AlgorithmPolicy::Any`]). [`Validation::pqc_only`] (`pqc`) accepts ML-DSA and SLH-DSA
//!   only; [`Validation::hybrid_or_pqc`] (`hybrid`) those and the composites;
//!   [`Validation::composite_only`] (`composite`) only the composites;
//!   [`Validation::algorithms`] narrows further. (Before issue 14, `pqc` also accepted the
//!   composites.)
//! - **Claims** ([`Validation`], RFC 8725): `exp` required; `exp`, `nbf` and `iat` checked with a
//!   30 s leeway ([`DEFAULT_LEEWAY`]); an `iat` in the future refused; a token carrying an `aud`
//!   refused unless an audience is configured; `iss`, `sub` and `typ` checked, and required
//!   claims checked for presence, when configured. Weakening a default takes a call whose
//!   name says so ([`Validation::allow_missing_exp`],
//!   [`Validation::allow_unexpected_audience`]). A `NumericDate` of the wrong type or range is
//!   an error, never "absent"; time arithmetic is checked and fails closed; time comes from a
//!   [`Clock`], never read directly.
//! - **Issuing** ([`TokenBuilder`]): `exp` five minutes after `iat` ([`DEFAULT_TTL`]), a random
//!   128-bit `jti`, `typ: JWT`, `kid` from the key.
//! - **Limits before parsing** ([`jws::Limits`]): header 4 KiB, payload 64 KiB, JSON depth 16,
//!   and a token length derived from the largest signature the candidate keys produce, all
//!   checked before any base64 or JSON work. Base64url is strict (no padding, canonical);
//!   duplicate JSON member names are rejected everywhere; a `kid` longer than
//!   [`MAX_KID_LEN`] bytes is refused; a token without `kid` is tried against at most
//!   [`MAX_KIDLESS_CANDIDATES`] keys; a key set holds at most [`MAX_KEY_SET_KEYS`] keys.
//! - **Header.** `crit` is refused (pqjose understands no extension); `b64: false` is refused;
//!   header-supplied keys (`jwk`, `jku`, `x5u`, `x5c`) are refused, never used or fetched (the
//!   one exception: a DPoP proof's own `jwk` verifies that proof's signature, in [`dpop`]).
//! - **Replay.** Opt-in ([`Validation::replay_store`]): consulted after every other check, so a
//!   refused token does not use up its `jti`. [`MemoryReplayStore`] keeps SHA-256 digests of
//!   `jti`s until their token expires and refuses new tokens when full rather than forget early.
//! - **Signatures.** ML-DSA and SLH-DSA are the pure variants with an empty context, and their
//!   signing is hedged ([`SigningMode::Hedged`]) unless deterministic signing is asked for.
//!   Composite signatures verify both components, always both. Ed25519 verification is strict
//!   (canonical `S`, no small-order `R` or public key); ECDSA signatures are fixed-width `r‖s`;
//!   RSA moduli under 2048 bits and HMAC keys shorter than the hash output are refused
//!   ([`KeyError::TooWeak`]); HMAC tags compare in constant time.
//!
//! ### Keys and secrets
//!
//! - Secret-holding types ([`SigningKey`], the private members of a [`Jwk`], HMAC
//!   [`VerifyingKey`]s) print no secret in `Debug`, have no `Display`, and zeroize on drop.
//!   [`Jwk::to_json`] of a *private* JWK does include its secret members: call
//!   [`Jwk::to_public`] for anything that leaves the issuer.
//! - A public JWK Set never carries HMAC secrets: [`KeySet::to_public_jwk_set`] leaves them
//!   out, and [`KeySet::from_jwk_set`] skips `oct` keys (add them explicitly with
//!   [`KeySet::add`]). Unusable entries of a JWK Set are skipped and reported
//!   ([`SkippedKey`]), never fatal.
//! - Imported keys are bound to one algorithm: the caller's (PEM,
//!   [`VerifyingKey::from_jwk_with_alg`]) or the JWK's `alg` (or its curve, where only one
//!   algorithm fits). A key of the wrong type for the algorithm is refused.
//! - Imported keys are bound to one purpose: a JWK's `use` and `key_ops` (RFC 7517 §4.2,
//!   §4.3) are honoured ([`KeyError::KeyUse`]). A key marked `use` `enc`, or whose `key_ops`
//!   lack `verify`, never verifies a signature (`sign` for a [`SigningKey`]); a key marked
//!   `use` `sig` never encrypts or decrypts. A JWK Set that mixes both gives [`KeySet`] its
//!   signature keys and [`jwe::DecryptionKeySet`] its encryption keys, the rest reported as
//!   skipped.
//! - Errors name the failed check and carry a stable [`Error::code`]; they never echo token,
//!   key or claim bytes, and [`Error::InvalidSignature`] carries no detail at all.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod alg;
pub mod audit;
mod backend;
mod error;
mod format;
pub mod jwe;
pub mod jws;
mod jwt;
mod keys;
mod profiles;
pub mod telemetry;
mod time;

pub use format::jwk;
pub use jwt::dangerous;
pub use keys::remote;
pub use profiles::{delegation, dpop, exchange, wimse};

pub use alg::{Algorithm, Family};
pub use audit::AuditError;
pub use backend::SigningMode;
pub use backend::composite::CompositeEncoding;
pub use error::{
    AlgorithmError, ClaimName, ClaimsError, Error, FormatError, JweError, KeyError, ProfileError,
    RegisteredClaim, RemoteKeysError, Result,
};
pub use format::header::Header;
pub use jwe::{
    ContentEncryption, Decrypted, DecryptionKey, DecryptionKeySet, EncryptionKey, KeyManagement,
};
pub use jwk::{Jwk, JwkSet, SkippedKey};
pub use jws::{JwsSigner, JwsVerifier};
pub use keys::{
    KeyInfo, KeySet, KeyStatus, MAX_KEY_SET_KEYS, MAX_KID_LEN, MAX_KIDLESS_CANDIDATES, SigningKey,
    VerifyingKey,
};

pub use jwt::{
    AlgorithmPolicy, Audience, Claims, CustomClaims, DEFAULT_LEEWAY, DEFAULT_REPLAY_CAPACITY,
    DEFAULT_TTL, MemoryReplayStore, ReplayStore, TokenBuilder, TokenUse, Validation, Verified,
};
pub use time::{Clock, FixedClock, NumericDate, SystemClock};

/// **Not API**: both backends side by side, for the differential test. Feature `aws-lc` only.
#[cfg(feature = "aws-lc")]
#[doc(hidden)]
pub use backend::aws_lc::differential as __differential;

/// The backend this build uses for the algorithms `aws-lc` covers: `"aws-lc"` with the `aws-lc`
/// feature, else `"rustcrypto"` (see [`backend_for`] for one algorithm).
pub const fn backend_name() -> &'static str {
    if cfg!(feature = "aws-lc") {
        "aws-lc"
    } else {
        "rustcrypto"
    }
}

/// The backend that implements `alg` in this build: `"aws-lc"` (feature `aws-lc`: ML-DSA,
/// Ed25519, ECDSA, RSA, HMAC) or `"rustcrypto"` (everything else, and every algorithm in the
/// default build).
pub const fn backend_for(alg: Algorithm) -> &'static str {
    #[cfg(feature = "aws-lc")]
    if backend::aws_lc::covers(alg.family()) {
        return "aws-lc";
    }
    let _ = alg;
    "rustcrypto"
}
