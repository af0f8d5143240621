//! Keys bound to one algorithm and one purpose, and sets of them with rotation.
//!
//! `key` holds [`SigningKey`] and [`VerifyingKey`]; `pem` their import from the PEM/DER forms
//! OpenSSL writes (PKCS#8, SEC1, PKCS#1, SPKI, certificates); `raw` their raw-bytes forms (the
//! value of the JWK member); `keyset` holds [`KeySet`] (selection by `kid`, retirement with an
//! overlap, bounded size); `remote` holds [`remote::RemoteKeySet`]
//! (an issuer's JWK Set fetched and cached). May import `format`, `backend`, `jws`,
//! `alg`, `error` and `time`; never `jwt` or the profiles.

pub(crate) mod key;
pub(crate) mod keyset;
pub(crate) mod pem;
pub(crate) mod raw;
pub mod remote;
pub(crate) mod scrub;

pub use key::{MAX_KID_LEN, SigningKey, VerifyingKey};
pub use keyset::{KeyInfo, KeySet, KeyStatus, MAX_KEY_SET_KEYS, MAX_KIDLESS_CANDIDATES};
