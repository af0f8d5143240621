//! # pqjose
//!
//! Post-quantum JOSE: compact JWS and JWT with ML-DSA (FIPS 204, RFC 9964), SLH-DSA (FIPS 205),
//! composite ML-DSA + ECDSA/EdDSA hybrids, and the classical algorithms (EdDSA, ECDSA, RSA,
//! HMAC), with JWK/JWKS key management and secure defaults.
//!
//! ```no_run
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
//! ## Security
//!
//! - The key decides the algorithm. A header's `alg` must agree with the key's; it never selects
//!   a key type. `none` is never accepted.
//! - Size limits are checked before any base64 or JSON work; base64url is strict; duplicate JSON
//!   member names are rejected; `crit` extensions are refused (none are understood); header
//!   keys (`jwk`, `jku`, `x5u`, `x5c`) are refused, never used.
//! - Everything in a token is untrusted until its signature has verified.
//! - Secret-holding types print no secret in `Debug`, have no `Display`, and zeroize on drop.
#![forbid(unsafe_code)]

mod alg;
mod b64;
mod backend;
mod error;
mod header;
mod json;
pub mod jwk;
pub mod jws;
mod key;
mod signer;

pub use alg::{Algorithm, Family};
pub use backend::SigningMode;
pub use error::{
    AlgorithmError, ClaimName, ClaimsError, Error, FormatError, KeyError, RegisteredClaim, Result,
};
pub use header::Header;
pub use jwk::{Jwk, JwkSet, SkippedKey};
pub use key::{MAX_KID_LEN, SigningKey, VerifyingKey};
pub use signer::{JwsSigner, JwsVerifier};
