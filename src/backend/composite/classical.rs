//! The traditional half of a composite key: ECDSA P-256 / P-384, Ed25519 or Ed448, with the
//! byte encodings of draft-ietf-jose-pq-composite-sigs.
//!
//! | component | [`CompositeEncoding::Draft04`] (LAMPS) | [`CompositeEncoding::Draft03`] |
//! |---|---|---|
//! | ECDSA public key | `0x04 ‖ x ‖ y` | `x ‖ y` |
//! | ECDSA private key | DER `ECPrivateKey` (v1, namedCurve, no publicKey) | `d` |
//! | ECDSA signature | DER `Ecdsa-Sig-Value` | `r ‖ s` |
//! | EdDSA (both) | RFC 8032 public key, seed, signature | same |
//!
//! DER is parsed by the `sec1` and `ecdsa` crates (strict DER: minimal lengths and integers, no
//! trailing bytes; `r` and `s` in `1..n`), and the value must then re-encode to exactly the bytes
//! given, so only the one canonical form of -04 is accepted: an `ECPrivateKey` with a
//! `publicKey` member, other curve parameters or another version is refused.
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
    ($module:ident, $curve:ident, $curve_type:ident, $len:literal) => {
        pub(super) mod $module {
            use sec1::der::{Decode, Encode};
            use $curve::ecdsa::{Signature, SigningKey, VerifyingKey};
            use $curve::elliptic_curve::Generate;
            use $curve::pkcs8::AssociatedOid;

            use super::*;

            /// Bytes of a scalar / coordinate.
            const LEN: usize = $len;

            /// The -04 `ECPrivateKey` around `d`: version 1, namedCurve, no publicKey.
            fn ec_private_key(d: &[u8]) -> sec1::EcPrivateKey<'_> {
                sec1::EcPrivateKey {
                    private_key: d,
                    parameters: Some(sec1::EcParameters::NamedCurve(
                        <$curve::$curve_type as AssociatedOid>::OID,
                    )),
                    public_key: None,
                }
            }

            /// DER-encode an `ECPrivateKey` into a zeroizing buffer sized up front (so no copy
            /// of `d` is left in a reallocated buffer).
            fn encode_ec_private_key(
                key: &sec1::EcPrivateKey<'_>,
            ) -> Result<Zeroizing<Vec<u8>>, Error> {
                let len = key
                    .encoded_len()
                    .ok()
                    .and_then(|l| usize::try_from(l).ok())
                    .ok_or(KeyError::InvalidEncoding)?;
                let mut out = Zeroizing::new(Vec::with_capacity(len));
                key.encode_to_vec(&mut out)
                    .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
                Ok(out)
            }

            pub(crate) fn generate() -> Result<SigningKey, Error> {
                SigningKey::try_generate_from_rng(&mut getrandom::SysRng).map_err(|_| Error::Crypto)
            }

            pub(crate) fn secret_from_bytes(
                bytes: &[u8],
                enc: CompositeEncoding,
            ) -> Result<SigningKey, Error> {
                let d = match enc {
                    CompositeEncoding::Draft03 => bytes,
                    CompositeEncoding::Draft04 => {
                        // Strict DER (sec1/der), then exactly the canonical -04 form.
                        let parsed = sec1::EcPrivateKey::from_der(bytes)
                            .map_err(|_| Error::Key(KeyError::InvalidEncoding))?;
                        let canonical = encode_ec_private_key(&ec_private_key(parsed.private_key))?;
                        if canonical.as_slice() != bytes {
                            return Err(KeyError::InvalidEncoding.into());
                        }
                        parsed.private_key
                    }
                };
                if d.len() != LEN {
                    return Err(KeyError::InvalidEncoding.into());
                }
                SigningKey::from_slice(d).map_err(|_| Error::Key(KeyError::InvalidEncoding))
            }

            pub(crate) fn secret_to_bytes(
                key: &SigningKey,
                enc: CompositeEncoding,
            ) -> Result<Zeroizing<Vec<u8>>, Error> {
                let d = Zeroizing::new(key.to_bytes());
                match enc {
                    CompositeEncoding::Draft03 => Ok(Zeroizing::new(d.to_vec())),
                    CompositeEncoding::Draft04 => encode_ec_private_key(&ec_private_key(&d)),
                }
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
                    CompositeEncoding::Draft04 => bytes.to_vec(),
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
                    CompositeEncoding::Draft04 => sig.to_der().as_bytes().to_vec(),
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
                    CompositeEncoding::Draft04 => {
                        // SEQUENCE of two INTEGERs: 1..=LEN+1 content bytes each.
                        if !(8..=2 + 2 * (3 + LEN)).contains(&sig.len()) {
                            return Err(FormatError::SignatureLength.into());
                        }
                        // Strict DER (der crate: minimal lengths and integers, no negative
                        // values, no trailing bytes); r and s in 1..n (ecdsa crate). The
                        // re-encoding check keeps it to the one canonical form.
                        let parsed =
                            Signature::from_der(sig).map_err(|_| Error::InvalidSignature)?;
                        if parsed.to_der().as_bytes() != sig {
                            return Err(Error::InvalidSignature);
                        }
                        parsed
                    }
                };
                key.verify(msg, &sig).map_err(|_| Error::InvalidSignature)
            }
        }
    };
}

ecdsa_component!(p256_component, p256, NistP256, 32);
ecdsa_component!(p384_component, p384, NistP384, 48);

const ED25519_LEN: usize = 32;
const ED448_LEN: usize = 57;
const ED448_SIG_LEN: usize = 114;

/// A traditional private key. Every variant's crate type zeroizes on drop.
///
/// Every variant is boxed so that the enum has no unused space: an inline variant smaller than
/// the largest one leaves bytes that moving the enum copies from whatever the stack held (an
/// ML-DSA seed, in an optimized build), into a heap block no destructor clears.
pub(super) enum ClassicalSecret {
    P256(Box<p256::ecdsa::SigningKey>),
    P384(Box<p384::ecdsa::SigningKey>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
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
            Kind::P256 => Self::P256(Box::new(p256_component::generate()?)),
            Kind::P384 => Self::P384(Box::new(p384_component::generate()?)),
            Kind::Ed25519 => {
                let seed = rng::secret_array::<ED25519_LEN>()?;
                Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed)))
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
            Kind::P256 => Self::P256(Box::new(p256_component::secret_from_bytes(bytes, enc)?)),
            Kind::P384 => Self::P384(Box::new(p384_component::secret_from_bytes(bytes, enc)?)),
            Kind::Ed25519 => Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(exact(
                bytes,
            )?))),
            Kind::Ed448 => Self::Ed448(Box::new(
                ed448_goldilocks::SigningKey::try_from(exact::<ED448_LEN>(bytes)?.as_slice())
                    .map_err(|_| Error::Key(KeyError::InvalidEncoding))?,
            )),
        })
    }

    /// The private-key bytes for the composite `priv` member.
    pub(super) fn to_bytes(&self, enc: CompositeEncoding) -> Result<Zeroizing<Vec<u8>>, Error> {
        Ok(match self {
            Self::P256(k) => p256_component::secret_to_bytes(k, enc)?,
            Self::P384(k) => p384_component::secret_to_bytes(k, enc)?,
            Self::Ed25519(k) => Zeroizing::new(k.as_bytes().to_vec()),
            Self::Ed448(k) => Zeroizing::new(k.as_bytes().to_vec()),
        })
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
