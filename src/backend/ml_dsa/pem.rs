//! ML-DSA PKCS#8 and SPKI (RFC 9881, the forms OpenSSL 3.5+ writes).
//!
//! ```text
//! ML-DSA-PrivateKey ::= CHOICE {
//!   seed        [0] OCTET STRING (SIZE (32)),
//!   expandedKey OCTET STRING (SIZE (2560 | 4032 | 4896)),
//!   both        SEQUENCE { seed OCTET STRING (SIZE (32)), expandedKey OCTET STRING } }
//! ```
//!
//! All three are read; only the seed form is written. An expanded-only key can sign but has no
//! seed, so it cannot be exported.

use ml_dsa::{ExpandedSigningKey, ExpandedSigningKeyBytes};
use pkcs8::PrivateKeyInfoRef;
use pkcs8::der::asn1::{BitStringRef, ContextSpecific, OctetStringRef};
use pkcs8::der::{Decode, Encode, Reader, SliceReader, Tag, TagMode, TagNumber};
use pkcs8::spki::{AlgorithmIdentifierRef, AssociatedAlgorithmIdentifier, SubjectPublicKeyInfoRef};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{Level, MlDsaPublic, MlDsaSecret, SEED_LEN, SecretKey};
use crate::alg::Algorithm;
use crate::backend::SigningMode;
use crate::error::{Error, KeyError};

const SEED_TAG: TagNumber = TagNumber(0);

fn pem_error<E>(_: E) -> Error {
    Error::Key(KeyError::Pem)
}

fn algorithm_identifier(alg: Algorithm) -> Result<AlgorithmIdentifierRef<'static>, Error> {
    by_level!(alg, P => Ok(P::ALGORITHM_IDENTIFIER))
}

/// The algorithm identifier must be the set's OID, with parameters absent.
fn check_algorithm(alg: Algorithm, found: &AlgorithmIdentifierRef<'_>) -> Result<(), Error> {
    if found.oid != algorithm_identifier(alg)?.oid {
        return Err(KeyError::WrongKeyType.into());
    }
    if found.parameters.is_some() {
        return Err(KeyError::Pem.into());
    }
    Ok(())
}

/// PKCS#8 DER in the seed-only form.
pub(super) fn seed_pkcs8(
    alg: Algorithm,
    seed: &[u8; SEED_LEN],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let inner = Zeroizing::new(
        ContextSpecific {
            tag_number: SEED_TAG,
            tag_mode: TagMode::Implicit,
            value: OctetStringRef::new(seed).map_err(pem_error)?,
        }
        .to_der()
        .map_err(pem_error)?,
    );
    let info = PrivateKeyInfoRef::new(
        algorithm_identifier(alg)?,
        OctetStringRef::new(&inner).map_err(pem_error)?,
    );
    info.to_der().map(Zeroizing::new).map_err(pem_error)
}

/// SPKI DER of the public key.
pub(super) fn spki(public: &MlDsaPublic) -> Result<Vec<u8>, Error> {
    SubjectPublicKeyInfoRef {
        algorithm: algorithm_identifier(public.alg)?,
        subject_public_key: BitStringRef::new(0, &public.encoded).map_err(pem_error)?,
    }
    .to_der()
    .map_err(pem_error)
}

/// Read an SPKI document for `alg`.
pub(super) fn public_from_spki(alg: Algorithm, der: &[u8]) -> Result<MlDsaPublic, Error> {
    let info = SubjectPublicKeyInfoRef::from_der(der).map_err(pem_error)?;
    check_algorithm(alg, &info.algorithm)?;
    let pk = info.subject_public_key.as_bytes().ok_or(KeyError::Pem)?;
    MlDsaPublic::from_bytes(alg, pk)
}

/// The three private-key forms, borrowed from the document.
enum PrivateForm<'a> {
    Seed(&'a [u8]),
    Expanded(&'a [u8]),
    Both { seed: &'a [u8], expanded: &'a [u8] },
}

fn parse_private(body: &[u8]) -> Result<PrivateForm<'_>, Error> {
    let mut reader = SliceReader::new(body).map_err(pem_error)?;
    let form = match Tag::peek(&reader).map_err(pem_error)? {
        Tag::ContextSpecific {
            constructed: false,
            number: SEED_TAG,
        } => {
            let seed = ContextSpecific::<&OctetStringRef>::decode_implicit(&mut reader, SEED_TAG)
                .map_err(pem_error)?
                .ok_or(KeyError::Pem)?;
            PrivateForm::Seed(seed.value.as_bytes())
        }
        Tag::OctetString => PrivateForm::Expanded(
            reader
                .decode::<&OctetStringRef>()
                .map_err(pem_error)?
                .as_bytes(),
        ),
        Tag::Sequence => reader
            .sequence(|r| {
                let seed = r.decode::<&OctetStringRef>()?.as_bytes();
                let expanded = r.decode::<&OctetStringRef>()?.as_bytes();
                Ok::<_, pkcs8::der::Error>(PrivateForm::Both { seed, expanded })
            })
            .map_err(pem_error)?,
        _ => return Err(KeyError::Pem.into()),
    };
    reader.finish().map_err(pem_error)?;
    Ok(form)
}

/// Read a PKCS#8 document for `alg` in any of the three forms. For `both`, the expanded key
/// must equal the one derived from the seed; an optional embedded public key (PKCS#8 v2) must
/// match the private key.
pub(super) fn secret_from_pkcs8(alg: Algorithm, der: &[u8]) -> Result<MlDsaSecret, Error> {
    let info = PrivateKeyInfoRef::from_der(der).map_err(pem_error)?;
    check_algorithm(alg, &info.algorithm)?;
    let secret = match parse_private(info.private_key.as_bytes())? {
        PrivateForm::Seed(seed) => MlDsaSecret::from_seed(alg, seed)?,
        PrivateForm::Both { seed, expanded } => {
            let secret = MlDsaSecret::from_seed(alg, seed)?;
            if !bool::from(expanded_bytes(&secret)?.ct_eq(expanded)) {
                return Err(KeyError::Mismatch.into());
            }
            secret
        }
        PrivateForm::Expanded(expanded) => by_level!(alg, P => from_expanded::<P>(expanded))?,
    };
    if let Some(pk) = info.public_key
        && pk.as_bytes() != Some(&*secret.public.encoded)
    {
        return Err(KeyError::Mismatch.into());
    }
    Ok(secret)
}

/// skEncode of the key (only needed to compare with a `both` document).
fn expanded_bytes(secret: &MlDsaSecret) -> Result<Zeroizing<Vec<u8>>, Error> {
    // `to_expanded` is deprecated in favour of seeds; the comparison needs it.
    #[allow(deprecated)]
    let bytes = each!(&secret.key, SecretKey, k => Zeroizing::new(Zeroizing::new(k.to_expanded()).to_vec()));
    Ok(bytes)
}

/// An expanded-only key: its `s1`/`s2` coefficients must be in range, it must be canonically
/// encoded (skDecode then skEncode gives it back), and it must pass a pairwise consistency test
/// (a signature verifying under the public key derived from `rho`, `s1`, `s2`), which checks
/// `tr`. Limitation: `ml-dsa` offers no way to recompute `t0`, so a slightly wrong `t0` can go
/// unnoticed; such a key only harms its holder (some of its signatures would not verify).
fn from_expanded<P: Level>(bytes: &[u8]) -> Result<MlDsaSecret, Error> {
    let enc = Zeroizing::new(
        ExpandedSigningKeyBytes::<P>::try_from(bytes)
            .map_err(|_| Error::Key(KeyError::InvalidEncoding))?,
    );
    if !short_vectors_in_range(P::ALG, bytes) {
        return Err(KeyError::InvalidEncoding.into());
    }
    // Deprecated because seeds are preferred; OpenSSL still writes this form.
    #[allow(deprecated)]
    let sk = ExpandedSigningKey::<P>::from_expanded(&enc);
    #[allow(deprecated)]
    let again = Zeroizing::new(sk.to_expanded());
    if !bool::from(again.as_slice().ct_eq(enc.as_slice())) {
        return Err(KeyError::InvalidEncoding.into());
    }
    let public = MlDsaPublic::from_key::<P>(sk.verifying_key());
    let secret = MlDsaSecret::from_expanded(sk, public);
    pairwise_consistent(&secret)?;
    Ok(secret)
}

/// FIPS 204 skDecode range check: `s1` and `s2` (after `rho`, `K`, `tr`: 128 bytes) pack each
/// coefficient c as η − c in 3 bits (η = 2) or 4 bits (η = 4), and the packed value must be at
/// most 2η. `ml-dsa`'s decoder asserts this (it would panic), so it is checked first.
fn short_vectors_in_range(alg: Algorithm, sk: &[u8]) -> bool {
    let (eta, l, k) = match alg {
        Algorithm::MlDsa44 => (2, 4, 4),
        Algorithm::MlDsa65 => (4, 5, 6),
        Algorithm::MlDsa87 => (2, 7, 8),
        _ => return false,
    };
    let bits = if eta == 2 { 3 } else { 4 };
    let Some(packed) = sk.get(128..128 + 32 * bits * (l + k)) else {
        return false;
    };
    let max = 2 * eta;
    if bits == 4 {
        packed.iter().all(|b| b & 0x0f <= max && b >> 4 <= max)
    } else {
        packed.chunks_exact(3).all(|c| {
            let &[b0, b1, b2] = c else { return false };
            let word = u32::from_le_bytes([b0, b1, b2, 0]);
            (0..8).all(|i| (word >> (3 * i)) & 0x07 <= u32::from(max))
        })
    }
}

fn pairwise_consistent(secret: &MlDsaSecret) -> Result<(), Error> {
    const PROBE: &[u8] = b"pqjose ML-DSA expanded key consistency";
    let sig = secret.sign_with_context(PROBE, &[], SigningMode::Deterministic)?;
    secret
        .public
        .verify_with_context(PROBE, &[], &sig)
        .map_err(|_| Error::Key(KeyError::Mismatch))
}
