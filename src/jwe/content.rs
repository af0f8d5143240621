//! Content encryption (RFC 7518 §5): `A128GCM`, `A256GCM` (AES-GCM, 96-bit IV, 128-bit tag) and
//! `A128CBC-HS256`, `A256CBC-HS512` (AES-CBC with HMAC-SHA-2, RFC 7518 §5.2).
//!
//! For CBC-HMAC the tag is compared, in constant time, before anything is decrypted; every
//! failure (wrong key length, wrong IV or tag length, bad tag, bad padding) is the one opaque
//! [`JweError::Decryption`], and no plaintext is produced. Keys and decrypted plaintext live in
//! zeroizing buffers.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use aes_gcm::aead::{AeadInOut, KeyInit};
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::backend::rng;
use crate::error::{Error, JweError};

/// A content-encryption algorithm (the JWE `enc` header parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentEncryption {
    /// `A128GCM`: AES-128 in Galois/Counter Mode.
    A128Gcm,
    /// `A256GCM`: AES-256 in Galois/Counter Mode.
    A256Gcm,
    /// `A128CBC-HS256`: AES-128-CBC with HMAC-SHA-256 (tag truncated to 128 bits).
    A128CbcHs256,
    /// `A256CBC-HS512`: AES-256-CBC with HMAC-SHA-512 (tag truncated to 256 bits).
    A256CbcHs512,
}

/// Every content encryption pqjose supports, in a fixed order.
pub(crate) const ALL_CONTENT_ENCRYPTIONS: [ContentEncryption; 4] = [
    ContentEncryption::A128Gcm,
    ContentEncryption::A256Gcm,
    ContentEncryption::A128CbcHs256,
    ContentEncryption::A256CbcHs512,
];

impl ContentEncryption {
    /// The registered `enc` name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::A128Gcm => "A128GCM",
            Self::A256Gcm => "A256GCM",
            Self::A128CbcHs256 => "A128CBC-HS256",
            Self::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    /// The algorithm for a registered `enc` name (exact, case-sensitive), or
    /// [`JweError::UnknownEnc`].
    pub fn from_name(name: &str) -> Result<Self, Error> {
        ALL_CONTENT_ENCRYPTIONS
            .into_iter()
            .find(|e| e.name() == name)
            .ok_or(Error::Jwe(JweError::UnknownEnc))
    }

    /// The length in bytes of the content-encryption key (CEK).
    pub const fn key_len(self) -> usize {
        match self {
            Self::A128Gcm => 16,
            Self::A256Gcm | Self::A128CbcHs256 => 32,
            Self::A256CbcHs512 => 64,
        }
    }

    /// The length in bytes of the initialization vector.
    pub const fn iv_len(self) -> usize {
        match self {
            Self::A128Gcm | Self::A256Gcm => 12,
            Self::A128CbcHs256 | Self::A256CbcHs512 => 16,
        }
    }

    /// The length in bytes of the authentication tag.
    pub const fn tag_len(self) -> usize {
        match self {
            Self::A128Gcm | Self::A256Gcm | Self::A128CbcHs256 => 16,
            Self::A256CbcHs512 => 32,
        }
    }

    /// A fresh random CEK of the right length.
    pub(crate) fn generate_cek(self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let mut cek = Zeroizing::new(vec![0u8; self.key_len()]);
        rng::fill(&mut cek)?;
        Ok(cek)
    }
}

impl core::fmt::Display for ContentEncryption {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for ContentEncryption {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_name(s)
    }
}

/// The ciphertext parts of one content encryption.
pub(crate) struct Sealed {
    /// The random IV.
    pub(crate) iv: Vec<u8>,
    /// The ciphertext.
    pub(crate) ciphertext: Vec<u8>,
    /// The authentication tag.
    pub(crate) tag: Vec<u8>,
}

fn opaque() -> Error {
    Error::Jwe(JweError::Decryption)
}

/// Encrypt `plaintext` under `cek` with a fresh random IV, authenticating `aad`.
/// A CEK of the wrong length is [`JweError::EncMismatch`].
pub(crate) fn encrypt(
    enc: ContentEncryption,
    cek: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed, Error> {
    let mut iv = vec![0u8; enc.iv_len()];
    rng::fill(&mut iv)?;
    encrypt_with_iv(enc, cek, &iv, aad, plaintext)
}

/// [`encrypt`] with a given IV (known-answer tests; the IV must never repeat under one key).
pub(crate) fn encrypt_with_iv(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed, Error> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(JweError::EncMismatch.into());
    }
    let (ciphertext, tag) = match enc {
        ContentEncryption::A128Gcm => gcm_seal::<aes_gcm::Aes128Gcm>(cek, iv, aad, plaintext)?,
        ContentEncryption::A256Gcm => gcm_seal::<aes_gcm::Aes256Gcm>(cek, iv, aad, plaintext)?,
        ContentEncryption::A128CbcHs256 => {
            cbc_seal::<aes::Aes128, Hmac<Sha256>>(cek, iv, aad, plaintext)?
        }
        ContentEncryption::A256CbcHs512 => {
            cbc_seal::<aes::Aes256, Hmac<Sha512>>(cek, iv, aad, plaintext)?
        }
    };
    Ok(Sealed {
        iv: iv.to_vec(),
        ciphertext,
        tag,
    })
}

/// Decrypt and authenticate. Every failure is the opaque [`JweError::Decryption`]; no
/// plaintext is released unless the tag verified.
pub(crate) fn decrypt(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(opaque());
    }
    match enc {
        ContentEncryption::A128Gcm => gcm_open::<aes_gcm::Aes128Gcm>(cek, iv, aad, ciphertext, tag),
        ContentEncryption::A256Gcm => gcm_open::<aes_gcm::Aes256Gcm>(cek, iv, aad, ciphertext, tag),
        ContentEncryption::A128CbcHs256 => {
            cbc_open::<aes::Aes128, Hmac<Sha256>>(cek, iv, aad, ciphertext, tag)
        }
        ContentEncryption::A256CbcHs512 => {
            cbc_open::<aes::Aes256, Hmac<Sha512>>(cek, iv, aad, ciphertext, tag)
        }
    }
}

fn gcm_seal<A: AeadInOut + KeyInit>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let cipher = A::new_from_slice(cek).map_err(|_| Error::Jwe(JweError::EncMismatch))?;
    let nonce = aes_gcm::aead::Nonce::<A>::try_from(iv).map_err(|_| Error::Crypto)?;
    let mut buf = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into())
        .map_err(|_| Error::Crypto)?;
    Ok((buf, tag.to_vec()))
}

fn gcm_open<A: AeadInOut + KeyInit>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let cipher = A::new_from_slice(cek).map_err(|_| opaque())?;
    let nonce = aes_gcm::aead::Nonce::<A>::try_from(iv).map_err(|_| opaque())?;
    let tag = aes_gcm::aead::Tag::<A>::try_from(tag).map_err(|_| opaque())?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag)
        .map_err(|_| opaque())?;
    Ok(buf)
}

/// `MAC_KEY ‖ ENC_KEY` (RFC 7518 §5.2.2.1): the first half of the CEK authenticates, the second
/// encrypts.
fn split_cek(cek: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let half = cek.len() / 2;
    match (cek.get(..half), cek.get(half..)) {
        (Some(mac), Some(enc)) if mac.len() == enc.len() => Ok((mac, enc)),
        _ => Err(opaque()),
    }
}

/// The CBC-HMAC tag: HMAC(MAC_KEY, AAD ‖ IV ‖ C ‖ AL) truncated to half the MAC output
/// (RFC 7518 §5.2.2.1 steps 4–6; AL is the AAD length in bits, 64-bit big-endian).
fn cbc_tag<M: Mac + hmac::KeyInit>(
    mac_key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, Error> {
    let mut mac = <M as hmac::KeyInit>::new_from_slice(mac_key).map_err(|_| opaque())?;
    let al = u64::try_from(aad.len())
        .ok()
        .and_then(|n| n.checked_mul(8))
        .ok_or_else(opaque)?;
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&al.to_be_bytes());
    let full = mac.finalize().into_bytes();
    let half = full.len() / 2;
    full.get(..half).map(<[u8]>::to_vec).ok_or_else(opaque)
}

fn cbc_seal<C, M>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error>
where
    C: aes::cipher::BlockCipherEncrypt + aes::cipher::KeyInit,
    cbc::Encryptor<C>: KeyIvInit + BlockModeEncrypt,
    M: Mac + hmac::KeyInit,
{
    let (mac_key, enc_key) = split_cek(cek)?;
    let enc = cbc::Encryptor::<C>::new_from_slices(enc_key, iv)
        .map_err(|_| Error::Jwe(JweError::EncMismatch))?;
    let ciphertext = enc.encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = cbc_tag::<M>(mac_key, iv, aad, &ciphertext)?;
    Ok((ciphertext, tag))
}

fn cbc_open<C, M>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error>
where
    C: aes::cipher::BlockCipherDecrypt + aes::cipher::KeyInit,
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
    M: Mac + hmac::KeyInit,
{
    let (mac_key, enc_key) = split_cek(cek)?;
    // Authenticate first, in constant time; nothing is decrypted unless the tag is right.
    let expected = cbc_tag::<M>(mac_key, iv, aad, ciphertext)?;
    if !bool::from(expected.ct_eq(tag)) {
        return Err(opaque());
    }
    let dec = cbc::Decryptor::<C>::new_from_slices(enc_key, iv).map_err(|_| opaque())?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = dec
        .decrypt_padded::<Pkcs7>(buf.as_mut_slice())
        .map_err(|_| opaque())?
        .len();
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).unwrap()
    }

    // RFC 7518 Appendix B.1 (A128CBC-HS256), B.3 (A256CBC-HS512): K, P, IV, A, E, T.
    const P: &str = "41 20 63 69 70 68 65 72 20 73 79 73 74 65 6d 20 6d 75 73 74 20 6e 6f 74 20 62 65 20 72 65 71 75 69 72 65 64 20 74 6f 20 62 65 20 73 65 63 72 65 74 2c 20 61 6e 64 20 69 74 20 6d 75 73 74 20 62 65 20 61 62 6c 65 20 74 6f 20 66 61 6c 6c 20 69 6e 74 6f 20 74 68 65 20 68 61 6e 64 73 20 6f 66 20 74 68 65 20 65 6e 65 6d 79 20 77 69 74 68 6f 75 74 20 69 6e 63 6f 6e 76 65 6e 69 65 6e 63 65";
    const IV: &str = "1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04";
    const A: &str = "54 68 65 20 73 65 63 6f 6e 64 20 70 72 69 6e 63 69 70 6c 65 20 6f 66 20 41 75 67 75 73 74 65 20 4b 65 72 63 6b 68 6f 66 66 73";

    fn b1() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let k = hex(
            "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f",
        );
        let e = hex(
            "c8 0e df a3 2d df 39 d5 ef 00 c0 b4 68 83 42 79 a2 e4 6a 1b 80 49 f7 92 f7 6b fe 54 b9 03 a9 c9 a9 4a c9 b4 7a d2 65 5c 5f 10 f9 ae f7 14 27 e2 fc 6f 9b 3f 39 9a 22 14 89 f1 63 62 c7 03 23 36 09 d4 5a c6 98 64 e3 32 1c f8 29 35 ac 40 96 c8 6e 13 33 14 c5 40 19 e8 ca 79 80 df a4 b9 cf 1b 38 4c 48 6f 3a 54 c5 10 78 15 8e e5 d7 9d e5 9f bd 34 d8 48 b3 d6 95 50 a6 76 46 34 44 27 ad e5 4b 88 51 ff b5 98 f7 f8 00 74 b9 47 3c 82 e2 db",
        );
        let t = hex("65 2c 3f a3 6b 0a 7c 5b 32 19 fa b3 a3 0b c1 c4");
        (k, e, t)
    }

    fn b3() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let k = hex(
            "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f",
        );
        let e = hex(
            "4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd 82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b 36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3 a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6",
        );
        let t = hex(
            "4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5",
        );
        (k, e, t)
    }

    #[test]
    fn rfc7518_b1_b3_known_answers() {
        for (enc, (k, e, t)) in [
            (ContentEncryption::A128CbcHs256, b1()),
            (ContentEncryption::A256CbcHs512, b3()),
        ] {
            let sealed = encrypt_with_iv(enc, &k, &hex(IV), &hex(A), &hex(P)).unwrap();
            assert_eq!(sealed.ciphertext, e, "{enc}");
            assert_eq!(sealed.tag, t, "{enc}");
            let opened = decrypt(enc, &k, &hex(IV), &hex(A), &e, &t).unwrap();
            assert_eq!(*opened, hex(P));
        }
    }

    // NIST GCM test case 4 (McGrew–Viega, "The Galois/Counter Mode of Operation", AES-128) and
    // case 16 (AES-256), 96-bit IV, with AAD.
    #[test]
    fn gcm_known_answers() {
        let p = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let a = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let iv = hex("cafebabefacedbaddecaf888");
        let cases = [
            (
                ContentEncryption::A128Gcm,
                "feffe9928665731c6d6a8f9467308308",
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
                "5bc94fbc3221a5db94fae95ae7121a47",
            ),
            (
                ContentEncryption::A256Gcm,
                "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                "76fc6ece0f4e1768cddf8853bb2d551b",
            ),
        ];
        for (enc, k, c, t) in cases {
            let sealed = encrypt_with_iv(enc, &hex(k), &iv, &a, &p).unwrap();
            assert_eq!(sealed.ciphertext, hex(c), "{enc}");
            assert_eq!(sealed.tag, hex(t), "{enc}");
            assert_eq!(
                *decrypt(enc, &hex(k), &iv, &a, &hex(c), &hex(t)).unwrap(),
                p
            );
        }
    }

    #[test]
    fn every_tamper_is_one_opaque_error() {
        for enc in ALL_CONTENT_ENCRYPTIONS {
            let cek = enc.generate_cek().unwrap();
            let s = encrypt(enc, &cek, b"aad", b"secret value 0123456789").unwrap();
            assert_eq!(
                *decrypt(enc, &cek, &s.iv, b"aad", &s.ciphertext, &s.tag).unwrap(),
                b"secret value 0123456789"
            );
            let fail = Err(Error::Jwe(JweError::Decryption));
            let flip = |v: &[u8], i: usize| {
                let mut v = v.to_vec();
                v[i] ^= 1;
                v
            };
            assert_eq!(
                decrypt(enc, &flip(&cek, 0), &s.iv, b"aad", &s.ciphertext, &s.tag),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &flip(&s.iv, 3), b"aad", &s.ciphertext, &s.tag),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &s.iv, b"aae", &s.ciphertext, &s.tag),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &s.iv, b"aad", &flip(&s.ciphertext, 5), &s.tag),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &s.iv, b"aad", &s.ciphertext, &flip(&s.tag, 15)),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek[1..], &s.iv, b"aad", &s.ciphertext, &s.tag),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &s.iv, b"aad", &s.ciphertext, &s.tag[1..]),
                fail
            );
            assert_eq!(
                decrypt(enc, &cek, &s.iv[1..], b"aad", &s.ciphertext, &s.tag),
                fail
            );
            // Fresh IV every time.
            let again = encrypt(enc, &cek, b"aad", b"secret value 0123456789").unwrap();
            assert_ne!(again.iv, s.iv);
        }
    }

    #[test]
    fn cbc_bad_padding_with_a_valid_tag_is_the_same_error() {
        // A ciphertext whose padding is wrong but whose tag is computed correctly: the only
        // way to reach the unpadding step. It still gives the opaque error.
        let enc = ContentEncryption::A128CbcHs256;
        let cek = enc.generate_cek().unwrap();
        let (mac_key, enc_key) = split_cek(&cek).unwrap();
        let iv = [7u8; 16];
        let mut block = [0u8; 16];
        let ct = cbc::Encryptor::<aes::Aes128>::new_from_slices(enc_key, &iv)
            .unwrap()
            .encrypt_padded::<aes::cipher::block_padding::NoPadding>(&mut block, 16)
            .unwrap()
            .to_vec();
        let tag = cbc_tag::<Hmac<Sha256>>(mac_key, &iv, b"", &ct).unwrap();
        assert_eq!(
            decrypt(enc, &cek, &iv, b"", &ct, &tag),
            Err(Error::Jwe(JweError::Decryption))
        );
    }

    #[test]
    fn names_round_trip() {
        for enc in ALL_CONTENT_ENCRYPTIONS {
            assert_eq!(ContentEncryption::from_name(enc.name()).unwrap(), enc);
        }
        assert_eq!(
            ContentEncryption::from_name("a128gcm"),
            Err(Error::Jwe(JweError::UnknownEnc))
        );
        assert!(ContentEncryption::from_name("A192GCM").is_err());
    }
}
