//! JWE (RFC 7516): encryption to a recipient's key.
//!
//! Classical primitives (each with its own known-answer tests): `content` (the `enc`
//! algorithms), `keywrap` (A*KW, `dir`), `ecdh` (ECDH-ES*, Concat KDF), `rsa` (RSA-OAEP*), and
//! `classical` (the seam the framework uses to deliver a CEK with any of them). May import
//! `format`, `backend`, `keys`, `jws`, `alg`, `error` and `time`; never `jwt`'s callers.

#![allow(dead_code)] // the framework that calls these lands separately

pub(crate) mod classical;
pub(crate) mod content;
pub(crate) mod ecdh;
pub(crate) mod keywrap;
pub(crate) mod rsa;

pub use content::ContentEncryption;
