//! Keys for the hardening tests (`secrets`, `zeroize_on_drop`, `proptests`).
//!
//! SLH-DSA is slow in a debug build (measured with slh-dsa 0.2.0-rc.5: SHAKE key generation
//! 1–1.5 minutes for the 's' sets, SHAKE signing 20–90 s, SHA2 's' signing over 10 s), so:
//! keys of the SHAKE sets are imported from fixed pseudo-random bytes (import computes no
//! hash tree) instead of generated, and only the sets listed in [`signs_quickly`] sign.
//! Every SLH-DSA set signs and verifies in `kat_slh_dsa`.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::{Algorithm, AlgorithmError, Error, Family, SigningKey};

/// Whether signing with `alg` is fast enough for a debug-build test (SLH-DSA: the SHA2 'f'
/// sets only).
pub(crate) fn signs_quickly(alg: Algorithm) -> bool {
    alg.family() != Family::SlhDsa
        || (alg.as_str().starts_with("SLH-DSA-SHA2-") && alg.as_str().ends_with('f'))
}

fn shake_slh(alg: Algorithm) -> bool {
    alg.as_str().starts_with("SLH-DSA-SHAKE-")
}

/// A private key for `alg`; `None` while its backend is unsupported.
///
/// Keys of the SLH-DSA SHAKE sets come from fixed bytes: their `PK.root` is not the root of
/// their tree, so they format, export and import like any key but must not be used to sign.
pub(crate) fn test_key(alg: Algorithm) -> Option<SigningKey> {
    if shake_slh(alg) {
        let n = match alg.as_str() {
            s if s.contains("128") => 16,
            s if s.contains("192") => 24,
            _ => 32,
        };
        let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (alg as u64);
        let bytes: Vec<u8> = (0..4 * n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let json = format!(
            r#"{{"kty":"AKP","alg":"{}","priv":"{}"}}"#,
            alg.as_str(),
            Base64UrlUnpadded::encode_string(&bytes)
        );
        return Some(SigningKey::from_jwk_json(&json).unwrap());
    }
    match SigningKey::generate(alg) {
        Ok(k) => Some(k),
        Err(Error::Algorithm(AlgorithmError::Unsupported(_))) => None,
        Err(e) => panic!("{alg}: {e}"),
    }
}
