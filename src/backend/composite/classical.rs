//! The traditional half of a composite key: ECDSA P-256 / P-384, Ed25519 or Ed448, with the
//! byte encodings of draft-ietf-jose-pq-composite-sigs.
//!
//! | component | [`CompositeEncoding::Draft03`] | [`CompositeEncoding::Lamps`] |
//! |---|---|---|
//! | ECDSA public key | `x ‖ y` | `0x04 ‖ x ‖ y` |
//! | ECDSA private key | `d` | DER `ECPrivateKey` (v1, namedCurve, no publicKey) |
//! | ECDSA signature | `r ‖ s` | DER `Ecdsa-Sig-Value` |
//! | EdDSA (both) | RFC 8032 public key, seed, signature | same |
//!
//! ECDSA signs deterministically (RFC 6979) with the curve's hash (SHA-256 / SHA-384) over the
//! message representative; Ed25519 and Ed448 are pure EdDSA, Ed448 with an empty context.

use signature::{Signer, Verifier};
use zeroize::Zeroizing;

use super::CompositeEncoding;
use crate::backend::rng;
use crate::error::{Error, FormatError, KeyError};

/// Which traditional algorithm a composite uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    P256,
    P384,
    Ed25519,
    Ed448,
}

/// Generate one ECDSA curve's component codec: a module with free functions over that curve's
/// `SigningKey` / `VerifyingKey`, so the two curves share one definition.
macro_rules! ecdsa_component {
    ($module:ident, $curve:ident, $len:literal, $der_prefix:expr, $der_suffix:expr) => {
        pub(super) mod $module {
            use $curve::ecdsa::{Signature, SigningKey, VerifyingKey};
            use $curve::elliptic_curve::Generate;

            use super::*;

            /// Bytes of a scalar / coordinate.
            const LEN: usize = $len;
            /// DER `ECPrivateKey` framing around `d` (LAMPS composite encoding).
            const DER_PREFIX: &[u8] = &$der_prefix;
            const DER_SUFFIX: &[u8] = &$der_suffix;

            pub(crate) fn generate() -> Result<SigningKey, Error> {
                SigningKey::try_generate_from_rng(&mut getrandom::SysRng).map_err(|_| Error::Crypto)
            }

            pub(crate) fn secret_from_bytes(
                bytes: &[u8],
                enc: CompositeEncoding,
            ) -> Result<SigningKey, Error> {
                let d = match enc {
                    CompositeEncoding::Draft03 => bytes,
                    CompositeEncoding::Lamps => bytes
                        .strip_prefix(DER_PREFIX)
                        .and_then(|rest| rest.strip_suffix(DER_SUFFIX))
                        .ok_or(KeyError::InvalidEncoding)?,
                };
                if d.len() != LEN {
                    return Err(KeyError::InvalidEncoding.into());
                }
                SigningKey::from_slice(d).map_err(|_| Error::Key(KeyError::InvalidEncoding))
            }

            pub(crate) fn secret_to_bytes(
                key: &SigningKey,
                enc: CompositeEncoding,
            ) -> Zeroizing<Vec<u8>> {
                let d = Zeroizing::new(key.to_bytes());
                let mut out = Zeroizing::new(Vec::with_capacity(
                    DER_PREFIX.len() + LEN + DER_SUFFIX.len(),
                ));
                if enc == CompositeEncoding::Lamps {
                    out.extend_from_slice(DER_PREFIX);
                }
                out.extend_from_slice(d.as_slice());
                if enc == CompositeEncoding::Lamps {
                    out.extend_from_slice(DER_SUFFIX);
                }
                out
            }

            pub(crate) fn public_from_bytes(
                bytes: &[u8],
                enc: CompositeEncoding,
            ) -> Result<VerifyingKey, Error> {
                let mut sec1 = Vec::with_capacity(1 + 2 * LEN);
                if enc == CompositeEncoding::Draft03 {
                    sec1.push(0x04);
                }
                sec1.extend_from_slice(bytes);
                // Uncompressed points only, in both encodings.
                if sec1.len() != 1 + 2 * LEN || sec1.first() != Some(&0x04) {
                    return Err(KeyError::InvalidEncoding.into());
                }
                VerifyingKey::from_sec1_bytes(&sec1)
                    .map_err(|_| Error::Key(KeyError::InvalidEncoding))
            }

            pub(crate) fn public_to_bytes(key: &VerifyingKey, enc: CompositeEncoding) -> Vec<u8> {
                let point = key.to_sec1_point(false);
                let bytes = point.as_bytes();
                match enc {
                    CompositeEncoding::Draft03 => bytes.get(1..).unwrap_or_default().to_vec(),
                    CompositeEncoding::Lamps => bytes.to_vec(),
                }
            }

            pub(crate) fn sign(
                key: &SigningKey,
                msg: &[u8],
                enc: CompositeEncoding,
            ) -> Result<Vec<u8>, Error> {
                let sig: Signature = key.try_sign(msg).map_err(|_| Error::Crypto)?;
                Ok(match enc {
                    CompositeEncoding::Draft03 => sig.to_vec(),
                    CompositeEncoding::Lamps => sig.to_der().as_bytes().to_vec(),
                })
            }

            pub(crate) fn verify(
                key: &VerifyingKey,
                msg: &[u8],
                sig: &[u8],
                enc: CompositeEncoding,
            ) -> Result<(), Error> {
                let sig = match enc {
                    CompositeEncoding::Draft03 => {
                        if sig.len() != 2 * LEN {
                            return Err(FormatError::SignatureLength.into());
                        }
                        Signature::from_slice(sig).map_err(|_| Error::InvalidSignature)?
                    }
                    CompositeEncoding::Lamps => {
                        // SEQUENCE of two INTEGERs: 1..=LEN+1 content bytes each.
                        if !(8..=2 + 2 * (3 + LEN)).contains(&sig.len()) {
                            return Err(FormatError::SignatureLength.into());
                        }
                        Signature::from_der(sig).map_err(|_| Error::InvalidSignature)?
                    }
                };
                key.verify(msg, &sig).map_err(|_| Error::InvalidSignature)
            }
        }
    };
}

ecdsa_component!(
    p256_component,
    p256,
    32,
    [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20],
    [
        0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07
    ]
);
ecdsa_component!(
    p384_component,
    p384,
    48,
    [0x30, 0x3E, 0x02, 0x01, 0x01, 0x04, 0x30],
    [0xA0, 0x07, 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]
);

const ED25519_LEN: usize = 32;
const ED448_LEN: usize = 57;
const ED448_SIG_LEN: usize = 114;

/// A traditional private key. Every variant's crate type zeroizes on drop.
pub(super) enum ClassicalSecret {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    /// Boxed: the expanded Ed448 key is much larger than the others.
    Ed448(Box<ed448_goldilocks::SigningKey>),
}

/// A traditional public key.
pub(super) enum ClassicalPublic {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Ed448(ed448_goldilocks::VerifyingKey),
}

/// Exactly `N` bytes, or [`KeyError::InvalidEncoding`].
fn exact<const N: usize>(bytes: &[u8]) -> Result<&[u8; N], Error> {
    bytes
        .try_into()
        .map_err(|_| Error::Key(KeyError::InvalidEncoding))
}

impl ClassicalSecret {
    /// A fresh key from the system random generator.
    pub(super) fn generate(kind: Kind) -> Result<Self, Error> {
        Ok(match kind {
            Kind::P256 => Self::P256(p256_component::generate()?),
            Kind::P384 => Self::P384(p384_component::generate()?),
            Kind::Ed25519 => {
                let seed = rng::secret_array::<ED25519_LEN>()?;
                Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            Kind::Ed448 => {
                let seed = rng::secret_array::<ED448_LEN>()?;
                Self::from_bytes(kind, seed.as_slice(), CompositeEncoding::Draft03)?
            }
        })
    }

    /// Decode the private-key bytes of the composite `priv` member (after the ML-DSA seed).
    pub(super) fn from_bytes(
        kind: Kind,
        bytes: &[u8],
        enc: CompositeEncoding,
    ) -> Result<Self, Error> {
        Ok(match kind {
            Kind::P256 => Self::P256(p256_component::secret_from_bytes(bytes, enc)?),
            Kind::P384 => Self::P384(p384_component::secret_from_bytes(bytes, enc)?),
            Kind::Ed25519 => Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(exact(bytes)?)),
            Kind::Ed448 => Self::Ed448(Box::new(
                ed448_goldilocks::SigningKey::try_from(exact::<ED448_LEN>(bytes)?.as_slice())
                    .map_err(|_| Error::Key(KeyError::InvalidEncoding))?,
            )),
        })
    }

    /// The private-key bytes for the composite `priv` member.
    pub(super) fn to_bytes(&self, enc: CompositeEncoding) -> Zeroizing<Vec<u8>> {
        match self {
            Self::P256(k) => p256_component::secret_to_bytes(k, enc),
            Self::P384(k) => p384_component::secret_to_bytes(k, enc),
            Self::Ed25519(k) => Zeroizing::new(k.as_bytes().to_vec()),
            Self::Ed448(k) => Zeroizing::new(k.as_bytes().to_vec()),
        }
    }

    /// The matching public key.
    pub(super) fn public(&self) -> ClassicalPublic {
        match self {
            Self::P256(k) => ClassicalPublic::P256(*k.verifying_key()),
            Self::P384(k) => ClassicalPublic::P384(*k.verifying_key()),
            Self::Ed25519(k) => ClassicalPublic::Ed25519(k.verifying_key()),
            Self::Ed448(k) => ClassicalPublic::Ed448(k.verifying_key()),
        }
    }

    /// Sign the message representative `m` (ECDSA hashes it; EdDSA signs it directly).
    pub(super) fn sign(&self, m: &[u8], enc: CompositeEncoding) -> Result<Vec<u8>, Error> {
        match self {
            Self::P256(k) => p256_component::sign(k, m, enc),
            Self::P384(k) => p384_component::sign(k, m, enc),
            Self::Ed25519(k) => {
                let sig: ed25519_dalek::Signature = k.try_sign(m).map_err(|_| Error::Crypto)?;
                Ok(sig.to_bytes().to_vec())
            }
            Self::Ed448(k) => {
                let sig: ed448_goldilocks::Signature = k.try_sign(m).map_err(|_| Error::Crypto)?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

impl ClassicalPublic {
    /// Decode the public-key bytes of the composite `pub` member (after the ML-DSA key).
    pub(super) fn from_bytes(
        kind: Kind,
        bytes: &[u8],
        enc: CompositeEncoding,
    ) -> Result<Self, Error> {
        let bad = |_| Error::Key(KeyError::InvalidEncoding);
        Ok(match kind {
            Kind::P256 => Self::P256(p256_component::public_from_bytes(bytes, enc)?),
            Kind::P384 => Self::P384(p384_component::public_from_bytes(bytes, enc)?),
            Kind::Ed25519 => {
                Self::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(exact(bytes)?).map_err(bad)?)
            }
            Kind::Ed448 => {
                Self::Ed448(ed448_goldilocks::VerifyingKey::from_bytes(exact(bytes)?).map_err(bad)?)
            }
        })
    }

    /// The public-key bytes for the composite `pub` member.
    pub(super) fn to_bytes(&self, enc: CompositeEncoding) -> Vec<u8> {
        match self {
            Self::P256(k) => p256_component::public_to_bytes(k, enc),
            Self::P384(k) => p384_component::public_to_bytes(k, enc),
            Self::Ed25519(k) => k.to_bytes().to_vec(),
            Self::Ed448(k) => k.to_bytes().to_vec(),
        }
    }

    /// Verify the traditional signature over the message representative `m`. A signature of
    /// impossible length is [`FormatError::SignatureLength`]; any other failure is
    /// [`Error::InvalidSignature`].
    pub(super) fn verify(&self, m: &[u8], sig: &[u8], enc: CompositeEncoding) -> Result<(), Error> {
        match self {
            Self::P256(k) => p256_component::verify(k, m, sig, enc),
            Self::P384(k) => p384_component::verify(k, m, sig, enc),
            Self::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_bytes(
                    sig.try_into()
                        .map_err(|_| Error::Format(FormatError::SignatureLength))?,
                );
                k.verify_strict(m, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
            Self::Ed448(k) => {
                let bytes: &[u8; ED448_SIG_LEN] = sig
                    .try_into()
                    .map_err(|_| Error::Format(FormatError::SignatureLength))?;
                let sig = ed448_goldilocks::Signature::from_bytes(bytes);
                k.verify_raw(&sig, m).map_err(|_| Error::InvalidSignature)
            }
        }
    }
}
