//! Symmetric key management (RFC 7518 §4.4, §4.5): `A128KW`/`A256KW` (RFC 3394 AES Key Wrap on
//! the `aes-kw` crate, default IV `A6A6A6A6A6A6A6A6`) and `dir` (the shared key is the CEK).
//!
//! The symmetric key ([`SymmetricKey`], an `oct` JWK) is zeroized on drop and redacted in
//! `Debug`. An unwrap that fails its integrity check is the opaque [`JweError::Decryption`].

use core::fmt;

use aes_kw::{KeyInit, KwAes128, KwAes256};
use zeroize::Zeroizing;

use crate::error::{Error, JweError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// The AES Key Wrap integrity-check block length (RFC 3394 §2.2.3).
const KW_IV_LEN: usize = 8;

/// A shared symmetric key (`kty` `oct`): an AES key-wrapping key or a `dir` CEK.
#[derive(Clone)]
pub(crate) struct SymmetricKey(Zeroizing<Vec<u8>>);

impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SymmetricKey")
            .field("len", &self.0.len())
            .finish_non_exhaustive()
    }
}

impl SymmetricKey {
    /// A key from raw bytes (the length is checked by the algorithm that uses it).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// `len` fresh random bytes.
    pub(crate) fn generate(len: usize) -> Result<Self, Error> {
        let mut k = Zeroizing::new(vec![0u8; len]);
        crate::backend::rng::fill(&mut k)?;
        Ok(Self(k))
    }

    /// The key from an `oct` JWK's `k`, which must be exactly `len` bytes long.
    pub(crate) fn from_jwk(jwk: &Jwk, len: usize) -> Result<Self, Error> {
        if jwk.kty() != "oct" {
            return Err(KeyError::WrongKeyType.into());
        }
        let k = crate::backend::secret_member(&jwk.k)?;
        if k.len() != len {
            return Err(KeyError::WrongKeyType.into());
        }
        Ok(Self(k))
    }

    /// The `k` member of an `oct` JWK.
    pub(crate) fn to_member(&self) -> SecretMember {
        SecretMember::encode(&self.0)
    }

    /// The raw key bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Wrap `cek` (a multiple of 8 bytes, at least 16) with a 16- or 32-byte key-encryption key.
pub(crate) fn wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, Error> {
    if cek.len() < 16 || !cek.len().is_multiple_of(KW_IV_LEN) {
        return Err(JweError::EncMismatch.into());
    }
    let mut out = vec![0u8; cek.len().saturating_add(KW_IV_LEN)];
    let n = match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .map_err(|_| Error::Key(KeyError::WrongKeyType))?
            .wrap_key(cek, &mut out)
            .map_err(|_| Error::Crypto)?
            .len(),
        32 => KwAes256::new_from_slice(kek)
            .map_err(|_| Error::Key(KeyError::WrongKeyType))?
            .wrap_key(cek, &mut out)
            .map_err(|_| Error::Crypto)?
            .len(),
        _ => return Err(KeyError::WrongKeyType.into()),
    };
    out.truncate(n);
    Ok(out)
}

/// Unwrap an RFC 3394 wrapped key. Any failure (length, integrity check) is the opaque
/// [`JweError::Decryption`].
pub(crate) fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let opaque = || Error::Jwe(JweError::Decryption);
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(KW_IV_LEN) {
        return Err(opaque());
    }
    let mut out = Zeroizing::new(vec![0u8; wrapped.len().saturating_sub(KW_IV_LEN)]);
    let n = match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .map_err(|_| opaque())?
            .unwrap_key(wrapped, &mut out)
            .map_err(|_| opaque())?
            .len(),
        32 => KwAes256::new_from_slice(kek)
            .map_err(|_| opaque())?
            .unwrap_key(wrapped, &mut out)
            .map_err(|_| opaque())?
            .len(),
        _ => return Err(opaque()),
    };
    out.truncate(n);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    // RFC 3394 §4.1 (128-bit KEK, 128-bit key data) and §4.3 (256-bit KEK, 128-bit key data),
    // §4.6 (256-bit KEK, 256-bit key data).
    #[test]
    fn rfc3394_known_answers() {
        let cases = [
            (
                "000102030405060708090A0B0C0D0E0F",
                "00112233445566778899AABBCCDDEEFF",
                "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
            ),
            (
                "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                "00112233445566778899AABBCCDDEEFF",
                "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7",
            ),
            (
                "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
                "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
            ),
        ];
        for (kek, key, wrapped) in cases {
            assert_eq!(wrap(&hex(kek), &hex(key)).unwrap(), hex(wrapped));
            assert_eq!(*unwrap(&hex(kek), &hex(wrapped)).unwrap(), hex(key));
        }
    }

    #[test]
    fn bad_unwraps_are_opaque() {
        let kek = [9u8; 16];
        let w = wrap(&kek, &[1u8; 32]).unwrap();
        let fail = Err(Error::Jwe(JweError::Decryption));
        let mut bad = w.clone();
        bad[10] ^= 1;
        assert_eq!(unwrap(&kek, &bad), fail);
        assert_eq!(unwrap(&[8u8; 16], &w), fail);
        assert_eq!(unwrap(&kek, &w[..w.len() - 1]), fail);
        assert_eq!(unwrap(&kek, &w[..16]), fail);
        assert_eq!(unwrap(&kek, &[]), fail);
        assert_eq!(unwrap(&[1u8; 24], &w), fail);
    }

    #[test]
    fn symmetric_key_is_redacted() {
        let k = SymmetricKey::from_bytes(&[0x42; 16]);
        assert!(!format!("{k:?}").contains("66"));
        assert_eq!(k.bytes().len(), 16);
    }
}
