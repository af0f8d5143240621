//! Wire formats only: strict base64url, strict JSON, the JOSE header, and JWK / JWK Set.
//!
//! Owns the byte-level rules (canonical base64url, duplicate-member rejection, depth limits) and
//! the JSON shapes of JOSE objects. May import `alg`, `error` and `backend` (for key material
//! inside a JWK); never `jws`, `keys`, `jwt` or anything above them.

pub(crate) mod b64;
pub(crate) mod header;
pub(crate) mod json;
pub mod jwk;
