//! JSON Web Signature (RFC 7515): the serializations and the signer/verifier seam.
//!
//! `compact` is the compact serialization over arbitrary payloads; `json` the JWS JSON
//! serialization (flattened and general, several signatures on one payload); `signer` is the
//! [`JwsSigner`] / [`JwsVerifier`] seam through which any backend, HSM or KMS plugs in. This
//! module may import `format`, `backend`, `alg` and `error`; the token layer (`jwt`) builds on
//! it, never the other way round.

mod compact;
mod json;
pub(crate) mod signer;

pub use compact::*;
pub(crate) use json::sign_flattened_or_general;
pub use json::{
    SignatureRule, VerifiedJwsJson, VerifiedSignature, is_json_serialization, sign_flattened,
    sign_general, sign_payload_json, verify_json, verify_json_with_limits,
};
pub use signer::{JwsSigner, JwsVerifier};
