//! # pqjose
//!
//! Post-quantum JOSE: compact JWS and JWT with ML-DSA (FIPS 204, RFC 9964), SLH-DSA (FIPS 205),
//! composite ML-DSA + ECDSA/EdDSA hybrids, and the classical algorithms (EdDSA, ECDSA, RSA,
//! HMAC), with JWK/JWKS key management and secure defaults.
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
//! # Ok::<(), pqjose::Error>(())
//! ```
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
//! ## Security
//!
//! - The key decides the algorithm. A header's `alg` must agree with the key's; it never selects
//!   a key type. `none` is never accepted.
//! - Size limits are checked before any base64 or JSON work; base64url is strict; duplicate JSON
//!   member names are rejected; `crit` extensions are refused (none are understood); header
//!   keys (`jwk`, `jku`, `x5u`, `x5c`) are refused, never used.
//! - Everything in a token is untrusted until its signature has verified. JWT verification runs
//!   one pipeline: size limits, header, key selection, signature, then claims; the claims JSON
//!   is parsed once, after the signature. A [`Verified`] token exists only when the signature
//!   and every claim check passed. Reading a token without verification is confined to
//!   [`dangerous`].
//! - [`Validation`] defaults follow RFC 8725: `exp` required, 30 s leeway, an `iat` in the
//!   future refused, a token carrying an unexpected `aud` refused; weakening any of these takes
//!   a call whose name says so. `NumericDate`s of the wrong type or range are errors, never
//!   "absent", and time arithmetic fails closed.
//! - Secret-holding types print no secret in `Debug`, have no `Display`, and zeroize on drop.
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
mod b64;
mod backend;
mod builder;
mod claims;
pub mod dangerous;
mod error;
mod header;
mod json;
pub mod jwk;
pub mod jws;
mod key;
mod keyset;
mod replay;
mod signer;
mod time;
mod validate;
mod verify;

pub use alg::{Algorithm, Family};
pub use backend::SigningMode;
pub use backend::composite::CompositeEncoding;
pub use error::{
    AlgorithmError, ClaimName, ClaimsError, Error, FormatError, KeyError, RegisteredClaim, Result,
};
pub use header::Header;
pub use jwk::{Jwk, JwkSet, SkippedKey};
pub use key::{MAX_KID_LEN, SigningKey, VerifyingKey};
pub use signer::{JwsSigner, JwsVerifier};

pub use builder::{DEFAULT_TTL, TokenBuilder};
pub use claims::{Audience, Claims, CustomClaims};
pub use keyset::{KeyInfo, KeySet, KeyStatus, MAX_KIDLESS_CANDIDATES};
pub use replay::{DEFAULT_REPLAY_CAPACITY, MemoryReplayStore, ReplayStore};
pub use time::{Clock, FixedClock, NumericDate, SystemClock};
pub use validate::{AlgorithmPolicy, DEFAULT_LEEWAY, Validation};
pub use verify::Verified;
