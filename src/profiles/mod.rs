//! Token profiles for agent identity, built on the JWT pipeline: DPoP proofs of possession
//! (RFC 9449), delegation chains and token exchange (RFC 8693), and WIMSE workload tokens.
//!
//! `dpop` creates and verifies proofs and binds access tokens to a key (`cnf.jkt`);
//! `delegation` mints delegated tokens (`act`) and checks chains; `exchange` holds the RFC 8693
//! §2 request and response types; `wimse` issues and verifies workload identity and proof
//! tokens. May import `jwt`, `keys`, `jws`, `format`, `backend`, `alg`, `error` and `time`;
//! nothing below imports this module. Every check fails closed with a
//! [`crate::ProfileError`] (codes 1000–1099) or the pipeline's own error.

pub mod delegation;
pub mod dpop;
pub mod exchange;
mod uri;
pub mod wimse;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::format::b64;

/// Private JWK members in any key type (RFC 7518 §6, RFC 9964 `priv`).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

/// Whether a JWK (a JSON object) holds secret material: any private member, or `kty` `oct`
/// (a symmetric key is nothing but its secret). A key carried in a token (a DPoP proof's
/// header `jwk`, a WIMSE token's `cnf.jwk`) must be public, so such a key is refused.
fn has_secret_material(jwk: &Map<String, Value>) -> bool {
    jwk.get("kty").and_then(Value::as_str) == Some("oct")
        || PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m))
}

/// `b64u(SHA-256(ASCII(token)))`: the `ath` of a DPoP proof (RFC 9449 §4.2), and the `wth`,
/// `ath` and `tth` of a WIMSE proof token.
pub(crate) fn token_hash(token: &str) -> String {
    b64::encode(&Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two short ASCII strings (hashes, thumbprints).
fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
