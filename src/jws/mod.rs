//! JSON Web Signature (RFC 7515): the serializations and the signer/verifier seam.
//!
//! `compact` is the compact serialization over arbitrary payloads; `signer` is the
//! [`JwsSigner`] / [`JwsVerifier`] seam through which any backend, HSM or KMS plugs in. This
//! module may import `format`, `backend`, `alg` and `error`; the token layer (`jwt`) builds on
//! it, never the other way round.

mod compact;
pub(crate) mod signer;

pub use compact::*;
pub use signer::{JwsSigner, JwsVerifier};
