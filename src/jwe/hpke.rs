//! JOSE-HPKE (draft-ietf-jose-hpke-encrypt-20, draft-ietf-jose-hpke-pq-pqt-01) on rozbb's
//! `hpke` crate: the suites, their keys, and single-shot seal/open.
//!
//! The hybrid KEMs are the `hpke` crate's `MlKem768P256` / `MlKem1024P384` (combiner labels
//! `MLKEM768-P256` / `MLKEM1024-P384`, as in the draft's examples) and `XWing`; the KDF of the
//! PQ suites is the one-stage SHAKE256 KDF (0x0011). DHKEM(X448) (`HPKE-5`/`HPKE-6`) is not in
//! the `hpke` crate: it is plugged in as a `Kem` from [`super::dhkem_x448`].

use hpke::aead::{Aead, AesGcm128, AesGcm256, ChaCha20Poly1305};
use hpke::kdf::{HkdfSha256, HkdfSha384, HkdfSha512, Kdf, KdfShake256};
use hpke::kem::{
    DhP256HkdfSha256, DhP384HkdfSha384, DhP521HkdfSha512, MlKem768, MlKem768P256, MlKem1024,
    MlKem1024P384, X25519HkdfSha256, XWing,
};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::backend::rng;
use crate::error::{Error, JweError, KeyError};
use crate::jwe::dhkem_x448::X448HkdfSha512;

/// An HPKE ciphersuite of JOSE-HPKE (KEM, KDF, AEAD). The mode (integrated or key encryption)
/// is part of the JWE `alg`, not of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Suite {
    /// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (`HPKE-0`).
    P256Sha256Aes128,
    /// DHKEM(P-384, HKDF-SHA384), HKDF-SHA384, AES-256-GCM (`HPKE-1`).
    P384Sha384Aes256,
    /// DHKEM(P-521, HKDF-SHA512), HKDF-SHA512, AES-256-GCM (`HPKE-2`).
    P521Sha512Aes256,
    /// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (`HPKE-3`).
    X25519Sha256Aes128,
    /// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305 (`HPKE-4`).
    X25519Sha256ChaCha,
    /// DHKEM(X448, HKDF-SHA512), HKDF-SHA512, AES-256-GCM (`HPKE-5`).
    X448Sha512Aes256,
    /// DHKEM(X448, HKDF-SHA512), HKDF-SHA512, ChaCha20Poly1305 (`HPKE-6`).
    X448Sha512ChaCha,
    /// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM (`HPKE-7`).
    P256Sha256Aes256,
    /// MLKEM768-P256, SHAKE256, AES-256-GCM (`HPKE-8`).
    MlKem768P256,
    /// X-Wing, SHAKE256, AES-256-GCM (`HPKE-9`).
    XWing,
    /// MLKEM1024-P384, SHAKE256, AES-256-GCM (`HPKE-10`).
    MlKem1024P384,
    /// ML-KEM-768, SHAKE256, AES-256-GCM (`HPKE-12`).
    MlKem768,
    /// ML-KEM-1024, SHAKE256, AES-256-GCM (`HPKE-13`).
    MlKem1024,
}

/// The KEM of a suite, which decides the key's JWK shape and sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KemKind {
    P256,
    P384,
    P521,
    X25519,
    X448,
    MlKem768P256,
    XWing,
    MlKem1024P384,
    MlKem768,
    MlKem1024,
}

/// How a KEM's keys are written as a JWK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JwkShape {
    /// `kty` `EC`, this `crv`, coordinates and scalar of this many bytes.
    Ec(&'static str, usize),
    /// `kty` `OKP`, this `crv`.
    Okp(&'static str),
    /// `kty` `AKP`, `pub`/`priv` as HPKE SerializePublicKey/SerializePrivateKey.
    Akp,
}

impl Suite {
    pub(crate) const fn kem(self) -> KemKind {
        match self {
            Self::P256Sha256Aes128 | Self::P256Sha256Aes256 => KemKind::P256,
            Self::P384Sha384Aes256 => KemKind::P384,
            Self::P521Sha512Aes256 => KemKind::P521,
            Self::X25519Sha256Aes128 | Self::X25519Sha256ChaCha => KemKind::X25519,
            Self::X448Sha512Aes256 | Self::X448Sha512ChaCha => KemKind::X448,
            Self::MlKem768P256 => KemKind::MlKem768P256,
            Self::XWing => KemKind::XWing,
            Self::MlKem1024P384 => KemKind::MlKem1024P384,
            Self::MlKem768 => KemKind::MlKem768,
            Self::MlKem1024 => KemKind::MlKem1024,
        }
    }

    pub(crate) const fn is_post_quantum(self) -> bool {
        matches!(
            self,
            Self::MlKem768P256
                | Self::XWing
                | Self::MlKem1024P384
                | Self::MlKem768
                | Self::MlKem1024
        )
    }
}

impl KemKind {
    /// Length of the encapsulated secret (`enc`), checked before the KEM runs.
    pub(crate) const fn enc_len(self) -> usize {
        match self {
            Self::P256 => 65,
            Self::P384 => 97,
            Self::P521 => 133,
            Self::X25519 => 32,
            Self::X448 => 56,
            Self::MlKem768P256 => 1153,
            Self::XWing => 1120,
            Self::MlKem1024P384 => 1665,
            Self::MlKem768 => 1088,
            Self::MlKem1024 => 1568,
        }
    }

    pub(crate) const fn jwk_shape(self) -> JwkShape {
        match self {
            Self::P256 => JwkShape::Ec("P-256", 32),
            Self::P384 => JwkShape::Ec("P-384", 48),
            Self::P521 => JwkShape::Ec("P-521", 66),
            Self::X25519 => JwkShape::Okp("X25519"),
            Self::X448 => JwkShape::Okp("X448"),
            _ => JwkShape::Akp,
        }
    }
}

macro_rules! hpke_keys {
    ($( $variant:ident => $kem:ty, )*) => {
        /// An HPKE private key of one KEM (zeroized on drop by the `hpke` crate's types).
        #[derive(Clone)]
        pub(crate) enum PrivateKey {
            $( $variant(<$kem as Kem>::PrivateKey), )*
        }

        /// An HPKE public key of one KEM.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub(crate) enum PublicKey {
            $( $variant(<$kem as Kem>::PublicKey), )*
        }

        /// A KEM whose keys live in [`PrivateKey`] / [`PublicKey`].
        trait JoseKem: Kem {
            fn sk(k: &PrivateKey) -> Option<&Self::PrivateKey>;
            fn pk(k: &PublicKey) -> Option<&Self::PublicKey>;
        }

        $(
            impl JoseKem for $kem {
                fn sk(k: &PrivateKey) -> Option<&Self::PrivateKey> {
                    match k {
                        PrivateKey::$variant(k) => Some(k),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn pk(k: &PublicKey) -> Option<&Self::PublicKey> {
                    match k {
                        PublicKey::$variant(k) => Some(k),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*

        impl PrivateKey {
            /// A new random key for `kem`.
            pub(crate) fn generate(kem: KemKind) -> Result<Self, Error> {
                let mut rng = rng::infallible();
                match kem {
                    $( KemKind::$variant => Ok(Self::$variant(<$kem>::gen_keypair_with_rng(&mut rng).0)), )*
                    #[allow(unreachable_patterns)]
                    _ => Err(JweError::UnsupportedAlgorithm.into()),
                }
            }

            /// Import SerializePrivateKey bytes (EC scalar, X25519 scalar, PQ seed).
            pub(crate) fn from_bytes(kem: KemKind, bytes: &[u8]) -> Result<Self, Error> {
                let bad = |_| Error::Key(KeyError::InvalidEncoding);
                match kem {
                    $( KemKind::$variant => Ok(Self::$variant(
                        <<$kem as Kem>::PrivateKey as Deserializable>::from_bytes(bytes).map_err(bad)?,
                    )), )*
                    #[allow(unreachable_patterns)]
                    _ => Err(JweError::UnsupportedAlgorithm.into()),
                }
            }

            /// SerializePrivateKey, in a zeroizing buffer.
            pub(crate) fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
                match self {
                    $( Self::$variant(k) => {
                        let mut out = Zeroizing::new(vec![0u8; <<$kem as Kem>::PrivateKey as Serializable>::size()]);
                        k.write_exact(&mut out);
                        out
                    } )*
                }
            }

            /// The public key.
            pub(crate) fn public_key(&self) -> PublicKey {
                match self {
                    $( Self::$variant(k) => PublicKey::$variant(<$kem>::sk_to_pk(k)), )*
                }
            }
        }

        impl PublicKey {
            /// Import SerializePublicKey bytes (uncompressed SEC1 point, X25519 u, PQ `pub`).
            pub(crate) fn from_bytes(kem: KemKind, bytes: &[u8]) -> Result<Self, Error> {
                let bad = |_| Error::Key(KeyError::InvalidEncoding);
                match kem {
                    $( KemKind::$variant => Ok(Self::$variant(
                        <<$kem as Kem>::PublicKey as Deserializable>::from_bytes(bytes).map_err(bad)?,
                    )), )*
                    #[allow(unreachable_patterns)]
                    _ => Err(JweError::UnsupportedAlgorithm.into()),
                }
            }

            /// SerializePublicKey.
            pub(crate) fn to_bytes(&self) -> Vec<u8> {
                match self {
                    $( Self::$variant(k) => k.to_bytes().to_vec(), )*
                }
            }
        }
    };
}

hpke_keys! {
    P256 => DhP256HkdfSha256,
    P384 => DhP384HkdfSha384,
    P521 => DhP521HkdfSha512,
    X25519 => X25519HkdfSha256,
    X448 => X448HkdfSha512,
    MlKem768P256 => MlKem768P256,
    XWing => XWing,
    MlKem1024P384 => MlKem1024P384,
    MlKem768 => MlKem768,
    MlKem1024 => MlKem1024,
}

/// Run `$f::<Aead, Kdf, Kem>($args)` for `$suite`.
macro_rules! dispatch {
    ($suite:expr, $f:ident ( $($arg:expr),* )) => {
        match $suite {
            Suite::P256Sha256Aes128 => $f::<AesGcm128, HkdfSha256, DhP256HkdfSha256>($($arg),*),
            Suite::P384Sha384Aes256 => $f::<AesGcm256, HkdfSha384, DhP384HkdfSha384>($($arg),*),
            Suite::P521Sha512Aes256 => $f::<AesGcm256, HkdfSha512, DhP521HkdfSha512>($($arg),*),
            Suite::X25519Sha256Aes128 => $f::<AesGcm128, HkdfSha256, X25519HkdfSha256>($($arg),*),
            Suite::X25519Sha256ChaCha => {
                $f::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>($($arg),*)
            }
            Suite::P256Sha256Aes256 => $f::<AesGcm256, HkdfSha256, DhP256HkdfSha256>($($arg),*),
            Suite::MlKem768P256 => $f::<AesGcm256, KdfShake256, MlKem768P256>($($arg),*),
            Suite::XWing => $f::<AesGcm256, KdfShake256, XWing>($($arg),*),
            Suite::MlKem1024P384 => $f::<AesGcm256, KdfShake256, MlKem1024P384>($($arg),*),
            Suite::MlKem768 => $f::<AesGcm256, KdfShake256, MlKem768>($($arg),*),
            Suite::MlKem1024 => $f::<AesGcm256, KdfShake256, MlKem1024>($($arg),*),
            Suite::X448Sha512Aes256 => $f::<AesGcm256, HkdfSha512, X448HkdfSha512>($($arg),*),
            Suite::X448Sha512ChaCha => {
                $f::<ChaCha20Poly1305, HkdfSha512, X448HkdfSha512>($($arg),*)
            }
        }
    };
}

/// HPKE single-shot Seal (mode_base) to `pk`: the encapsulated secret and ciphertext ‖ tag.
pub(crate) fn seal(
    suite: Suite,
    pk: &PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    dispatch!(suite, seal_with(pk, info, aad, plaintext))
}

/// HPKE single-shot Open (mode_base) with `sk`. Every failure is [`JweError::Decryption`];
/// the encapsulated secret's length is checked before the KEM runs.
pub(crate) fn open(
    suite: Suite,
    sk: &PrivateKey,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if enc.len() != suite.kem().enc_len() {
        return Err(JweError::Decryption.into());
    }
    dispatch!(suite, open_with(sk, enc, info, aad, ciphertext))
}

fn seal_with<A: Aead, F: Kdf, M: JoseKem>(
    pk: &PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let pk = M::pk(pk).ok_or(JweError::KeyMismatch)?;
    let mut rng = rng::infallible();
    let (enc, ct) = hpke::single_shot_seal_with_rng::<A, F, M>(
        &OpModeS::Base,
        pk,
        info,
        plaintext,
        aad,
        &mut rng,
    )
    .map_err(|_| Error::Crypto)?;
    Ok((enc.to_bytes().to_vec(), ct))
}

fn open_with<A: Aead, F: Kdf, M: JoseKem>(
    sk: &PrivateKey,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let opaque = |_| Error::Jwe(JweError::Decryption);
    let sk = M::sk(sk).ok_or(JweError::Decryption)?;
    let enc = <M::EncappedKey as Deserializable>::from_bytes(enc).map_err(opaque)?;
    hpke::single_shot_open::<A, F, M>(&OpModeR::Base, sk, &enc, info, ciphertext, aad)
        .map(Zeroizing::new)
        .map_err(opaque)
}

/// The key-encryption mode's HPKE `info`: Recipient_structure = ASCII("JOSE-HPKE rcpt") ‖ 0xFF
/// ‖ ASCII(`enc`) ‖ 0xFF ‖ recipient_extra_info (empty) (draft-ietf-jose-hpke-encrypt-20 §6.1).
pub(crate) fn recipient_structure(enc: &str) -> Vec<u8> {
    let mut info = Vec::with_capacity(16 + enc.len());
    info.extend_from_slice(b"JOSE-HPKE rcpt");
    info.push(0xFF);
    info.extend_from_slice(enc.as_bytes());
    info.push(0xFF);
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_structure_matches_the_draft() {
        assert_eq!(
            hex::encode(recipient_structure("A128GCM")),
            "4a4f53452d48504b452072637074ff4131323847434dff"
        );
    }

    #[test]
    fn sizes_match_the_kems() {
        for (kem, pub_len, priv_len) in [
            (KemKind::MlKem768P256, 1249, 32),
            (KemKind::XWing, 1216, 32),
            (KemKind::MlKem1024P384, 1665, 32),
            (KemKind::MlKem768, 1184, 64),
            (KemKind::MlKem1024, 1568, 64),
            (KemKind::P256, 65, 32),
            (KemKind::X25519, 32, 32),
            (KemKind::X448, 56, 56),
        ] {
            let sk = PrivateKey::generate(kem).unwrap();
            assert_eq!(sk.to_bytes().len(), priv_len, "{kem:?}");
            assert_eq!(sk.public_key().to_bytes().len(), pub_len, "{kem:?}");
            let again = PrivateKey::from_bytes(kem, &sk.to_bytes()).unwrap();
            assert_eq!(again.public_key(), sk.public_key());
        }
    }
}
