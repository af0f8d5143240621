//! JWE (RFC 7516): encrypting to a recipient's key, post-quantum first.
//!
//! - **Algorithms** ([`KeyManagement`]): JOSE-HPKE (draft-ietf-jose-hpke-encrypt-20)
//!   integrated encryption `HPKE-n` and key encryption `HPKE-n-KE` for the classical suites,
//!   and the post-quantum / PQ-T suites of draft-ietf-jose-hpke-pq-pqt-01: `HPKE-8`
//!   (MLKEM768-P256), `HPKE-9` (X-Wing), `HPKE-10` (MLKEM1024-P384), `HPKE-12` (ML-KEM-768),
//!   `HPKE-13` (ML-KEM-1024); the classical `ECDH-ES(+A128KW/+A256KW)`, `RSA-OAEP(-256)`,
//!   `A128KW`, `A256KW`, `dir`; content encryption [`ContentEncryption`]. Never `RSA1_5`, no
//!   `PBES2`, no `zip`.
//! - **Keys**: [`DecryptionKey`] / [`EncryptionKey`] / [`DecryptionKeySet`], each bound to one
//!   algorithm, with JWK import/export (`AKP` `pub`/`priv` for the PQ suites; the ML-KEM
//!   private key is its 64-byte seed) and the RFC 7638 thumbprint as default `kid`.
//! - **Serializations**: compact, flattened and general JSON ([`Encryption`]); decryption
//!   detects the form ([`Decryption`]), applies [`Limits`] before decoding, merges the
//!   per-recipient headers (duplicates refused), and returns [`Decrypted`] (zeroizing
//!   plaintext). Every failure of decryption proper is the one opaque
//!   [`crate::JweError::Decryption`].
//! - **Nested tokens**: [`Encryption::nested_jwt`] and [`Decryption::decrypt_jwt`] (decrypt,
//!   then the full JWT [`crate::Validation`]).
//!
//! ```
//! use pqjose::jwe::{self, DecryptionKey, KeyManagement};
//!
//! // The agent makes an X-Wing key and publishes the public half.
//! let agent = DecryptionKey::generate(KeyManagement::Hpke9)?;
//! let public = agent.encryption_key();
//!
//! // The vault encrypts a credential to it; only the agent opens it.
//! let jwe = jwe::encrypt(&public, b"postgres://app:s3cret@db")?;
//! let opened = jwe::decrypt(&agent, &jwe)?;
//! assert_eq!(opened.plaintext(), b"postgres://app:s3cret@db");
//!
//! let other = DecryptionKey::generate(KeyManagement::Hpke9)?;
//! assert!(jwe::decrypt(&other, &jwe).is_err());
//! # Ok::<(), pqjose::Error>(())
//! ```
//!
//! Layout: `alg` (the `alg` names), `header`, `serial` (serializations and limits), `key`,
//! `encrypt`, `decrypt` (the framework); `hpke` (JOSE-HPKE on the `hpke` crate); the classical
//! primitives `content`, `keywrap`, `ecdh`, `rsa` and their seam `classical`. May import
//! `format`, `backend`, `keys`, `jws`, `jwt`, `alg`, `error` and `time`.

pub(crate) mod alg;
pub(crate) mod classical;
pub(crate) mod content;
mod decrypt;
mod dhkem_x448;
pub(crate) mod ecdh;
mod encrypt;
mod header;
pub(crate) mod hpke;
mod key;
pub(crate) mod keywrap;
mod pem;
pub(crate) mod rsa;
mod serial;

pub use alg::KeyManagement;
pub use content::ContentEncryption;
pub use decrypt::{Decrypted, Decryption, decrypt, decrypt_with_keys};
pub use encrypt::{DEFAULT_CONTENT_ENCRYPTION, Encryption, encrypt};
pub use header::JweHeader;
pub use key::{DecryptionKey, DecryptionKeySet, EncryptionKey};
pub use serial::Limits;
