//! Composite ML-DSA + ECDSA/EdDSA signatures (draft-ietf-jose-pq-composite-sigs-04, on
//! draft-ietf-lamps-pq-composite-sigs; the -03 ECDSA encoding on request).
//!
//! ```text
//! M' = "CompositeAlgorithmSignatures2025" ‖ Label ‖ 0x00 ‖ PH(JWS signing input)
//! signature = ML-DSA.Sign(seed, M', ctx = Label) ‖ Trad.Sign(tradSK, M')
//! pub  = ML-DSA public key ‖ traditional public key
//! priv = ML-DSA seed (32 bytes) ‖ traditional private key
//! ```
//!
//! The `0x00` is the length of the (always empty) JOSE application context. `M'` is signed as
//! raw bytes (drafts up to -02 base64url-encoded it; the published examples do not). Verification
//! splits at the fixed ML-DSA lengths and requires both halves to verify. The ECDSA component's
//! byte encoding is chosen by [`CompositeEncoding`].

mod classical;
mod pem;

use core::fmt;
use std::sync::Arc;

use pkcs8::ObjectIdentifier;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use self::classical::{ClassicalPublic, ClassicalSecret, Kind};
use crate::alg::Algorithm;
use crate::backend::ml_dsa::{MlDsaPublic, MlDsaSecret};
use crate::backend::{PublicBackend, SecretBackend, SigningMode, jwk_for, member, secret_member};
use crate::error::{Error, FormatError, KeyError};
use crate::format::jwk::{Jwk, SecretMember};

/// How the ECDSA component of a composite key and signature is encoded. EdDSA components are
/// the same in both; for non-composite algorithms the choice has no effect.
///
/// The default, [`CompositeEncoding::Draft04`], is draft-ietf-jose-pq-composite-sigs-04, which
/// adopted the LAMPS encodings (draft-ietf-lamps-pq-composite-sigs). The -03 encoding is only
/// used when asked for by name, to verify (or keep issuing) tokens minted with it. pqjose never
/// guesses between the two: a key or signature in one encoding is rejected by a key built for
/// the other, even where the lengths alone would tell them apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompositeEncoding {
    /// draft-ietf-jose-pq-composite-sigs-04 (= draft-ietf-lamps-pq-composite-sigs): ECDSA public
    /// key `0x04 ‖ x ‖ y`, private key a DER `ECPrivateKey` (version 1, namedCurve parameters,
    /// no publicKey), signature a DER `Ecdsa-Sig-Value`. DER is parsed strictly: minimal
    /// encodings only, no trailing bytes, `r` and `s` in `1..n`.
    #[default]
    Draft04,
    /// draft-ietf-jose-pq-composite-sigs-03 (and -01, -02): ECDSA public key `x ‖ y`, private
    /// key the raw scalar `d`, signature `r ‖ s` (fixed width, as in JWS `ES256`/`ES384`).
    Draft03,
}

impl CompositeEncoding {
    /// The name: `draft-04` or `draft-03`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft04 => "draft-04",
            Self::Draft03 => "draft-03",
        }
    }
}

impl fmt::Display for CompositeEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The message-representative prefix (draft-ietf-lamps-pq-composite-sigs §2).
const PREFIX: &[u8; 32] = b"CompositeAlgorithmSignatures2025";
/// Length of the ML-DSA seed at the start of `priv`.
const SEED_LEN: usize = 32;

/// The pre-hash applied to the JWS signing input.
#[derive(Clone, Copy, Debug)]
enum PreHash {
    Sha256,
    Sha512,
    /// SHAKE256 with a 64-byte output.
    Shake256,
}

/// One composite algorithm's parameters.
#[derive(Debug)]
struct Params {
    alg: Algorithm,
    ml_dsa: Algorithm,
    /// ML-DSA public key and signature lengths (FIPS 204).
    ml_pk_len: usize,
    ml_sig_len: usize,
    kind: Kind,
    label: &'static [u8],
    ph: PreHash,
    /// The PKCS#8/SPKI algorithm OID (draft-ietf-lamps-pq-composite-sigs).
    oid: ObjectIdentifier,
}

/// Label, pre-hash and OID per algorithm (draft-ietf-jose-pq-composite-sigs-04 §3; the labels
/// and OIDs are those of draft-ietf-lamps-pq-composite-sigs, id-MLDSA44-ECDSA-P256-SHA256 …).
#[rustfmt::skip]
static PARAMS: [Params; 6] = {
    use Algorithm as A;
    [
        Params::new(A::MlDsa44Es256,   A::MlDsa44, Kind::P256,    b"COMPSIG-MLDSA44-ECDSA-P256-SHA256", PreHash::Sha256,   "1.3.6.1.5.5.7.6.40"),
        Params::new(A::MlDsa65Es256,   A::MlDsa65, Kind::P256,    b"COMPSIG-MLDSA65-ECDSA-P256-SHA512", PreHash::Sha512,   "1.3.6.1.5.5.7.6.45"),
        Params::new(A::MlDsa87Es384,   A::MlDsa87, Kind::P384,    b"COMPSIG-MLDSA87-ECDSA-P384-SHA512", PreHash::Sha512,   "1.3.6.1.5.5.7.6.49"),
        Params::new(A::MlDsa44Ed25519, A::MlDsa44, Kind::Ed25519, b"COMPSIG-MLDSA44-Ed25519-SHA512",    PreHash::Sha512,   "1.3.6.1.5.5.7.6.39"),
        Params::new(A::MlDsa65Ed25519, A::MlDsa65, Kind::Ed25519, b"COMPSIG-MLDSA65-Ed25519-SHA512",    PreHash::Sha512,   "1.3.6.1.5.5.7.6.48"),
        Params::new(A::MlDsa87Ed448,   A::MlDsa87, Kind::Ed448,   b"COMPSIG-MLDSA87-Ed448-SHAKE256",    PreHash::Shake256, "1.3.6.1.5.5.7.6.51"),
    ]
};

fn params(alg: Algorithm) -> Option<&'static Params> {
    PARAMS.iter().find(|p| p.alg == alg)
}

fn params_for(alg: Algorithm) -> Result<&'static Params, Error> {
    params(alg).ok_or(Error::Key(KeyError::WrongKeyType))
}

impl Params {
    const fn new(
        alg: Algorithm,
        ml_dsa: Algorithm,
        kind: Kind,
        label: &'static [u8],
        ph: PreHash,
        oid: &'static str,
    ) -> Self {
        // FIPS 204 public key and signature sizes.
        let (ml_pk_len, ml_sig_len) = match ml_dsa {
            Algorithm::MlDsa44 => (1312, 2420),
            Algorithm::MlDsa65 => (1952, 3309),
            _ => (2592, 4627),
        };
        Self {
            alg,
            ml_dsa,
            ml_pk_len,
            ml_sig_len,
            kind,
            label,
            ph,
            oid: ObjectIdentifier::new_unwrap(oid),
        }
    }

    /// M' = Prefix ‖ Label ‖ len(ctx) = 0 ‖ PH(M).
    fn message_representative(&self, msg: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(PREFIX.len() + self.label.len() + 1 + 64);
        out.extend_from_slice(PREFIX);
        out.extend_from_slice(self.label);
        out.push(0x00);
        match self.ph {
            PreHash::Sha256 => out.extend_from_slice(&Sha256::digest(msg)),
            PreHash::Sha512 => out.extend_from_slice(&Sha512::digest(msg)),
            PreHash::Shake256 => {
                use ed448_goldilocks::shake::{ExtendableOutput, Shake256, Update};
                let mut digest = [0u8; 64];
                let mut xof = Shake256::default();
                xof.update(msg);
                xof.finalize_xof_into(&mut digest);
                out.extend_from_slice(&digest);
            }
        }
        out
    }
}

/// A composite private key.
struct CompositeSecret {
    params: &'static Params,
    ml_dsa: MlDsaSecret,
    classical: ClassicalSecret,
    enc: CompositeEncoding,
}

/// A composite public key.
struct CompositePublic {
    params: &'static Params,
    ml_dsa: MlDsaPublic,
    classical: ClassicalPublic,
    enc: CompositeEncoding,
}

impl fmt::Debug for CompositeSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompositeSecret")
            .field("alg", &self.params.alg)
            .field("encoding", &self.enc)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for CompositePublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompositePublic")
            .field("alg", &self.params.alg)
            .field("encoding", &self.enc)
            .finish_non_exhaustive()
    }
}

impl CompositeSecret {
    /// `priv` = ML-DSA seed ‖ traditional private key (in `enc`).
    fn from_bytes(
        params: &'static Params,
        private: &[u8],
        enc: CompositeEncoding,
    ) -> Result<Self, Error> {
        let (seed, trad) = private
            .split_at_checked(SEED_LEN)
            .ok_or(KeyError::InvalidEncoding)?;
        Ok(Self {
            params,
            ml_dsa: MlDsaSecret::from_seed(params.ml_dsa, seed)?,
            classical: ClassicalSecret::from_bytes(params.kind, trad, enc)?,
            enc,
        })
    }

    /// `pub` = ML-DSA public key ‖ traditional public key.
    fn public_bytes(&self) -> Vec<u8> {
        let mut out = self.ml_dsa.public_key_bytes();
        out.extend_from_slice(&self.classical.public().to_bytes(self.enc));
        out
    }

    /// `priv` = ML-DSA seed ‖ traditional private key, in `enc`.
    fn private_bytes_in(&self, enc: CompositeEncoding) -> Result<Zeroizing<Vec<u8>>, Error> {
        let (seed, trad) = (self.ml_dsa.seed(), self.classical.to_bytes(enc)?);
        // Sized up front so no secret is left behind in a reallocated buffer.
        let mut private = Zeroizing::new(Vec::with_capacity(seed.len() + trad.len()));
        private.extend_from_slice(seed);
        private.extend_from_slice(&trad);
        Ok(private)
    }

    fn public_key(&self) -> CompositePublic {
        CompositePublic {
            params: self.params,
            ml_dsa: self.ml_dsa.public(),
            classical: self.classical.public(),
            enc: self.enc,
        }
    }
}

impl CompositePublic {
    /// `pub` = ML-DSA public key ‖ traditional public key.
    fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_in(self.enc)
    }

    /// `pub` in `enc`.
    fn to_bytes_in(&self, enc: CompositeEncoding) -> Vec<u8> {
        let mut out = self.ml_dsa.to_bytes();
        out.extend_from_slice(&self.classical.to_bytes(enc));
        out
    }

    fn from_bytes(
        params: &'static Params,
        bytes: &[u8],
        enc: CompositeEncoding,
    ) -> Result<Self, Error> {
        let (ml, trad) = bytes
            .split_at_checked(params.ml_pk_len)
            .ok_or(KeyError::InvalidEncoding)?;
        Ok(Self {
            params,
            ml_dsa: MlDsaPublic::from_bytes(params.ml_dsa, ml)?,
            classical: ClassicalPublic::from_bytes(params.kind, trad, enc)?,
            enc,
        })
    }
}

impl SecretBackend for CompositeSecret {
    fn algorithm(&self) -> Algorithm {
        self.params.alg
    }

    fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>, Error> {
        let m = self.params.message_representative(msg);
        let mut sig = self.ml_dsa.sign_with_context(&m, self.params.label, mode)?;
        sig.extend_from_slice(&self.classical.sign(&m, self.enc)?);
        Ok(sig)
    }

    fn public(&self) -> Result<Arc<dyn PublicBackend>, Error> {
        Ok(Arc::new(self.public_key()))
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        let private = self.private_bytes_in(self.enc)?;
        Ok(Jwk {
            pub_: Some(crate::format::b64::encode(&self.public_bytes())),
            priv_: Some(SecretMember::encode(&private)),
            ..jwk_for(self.params.alg)
        })
    }

    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        pem::pkcs8(self)
    }
}

impl PublicBackend for CompositePublic {
    fn algorithm(&self) -> Algorithm {
        self.params.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        if sig.len() > self.params.alg.max_signature_len() {
            return Err(FormatError::SignatureLength.into());
        }
        let (ml_sig, trad_sig) = sig
            .split_at_checked(self.params.ml_sig_len)
            .ok_or(FormatError::SignatureLength)?;
        let m = self.params.message_representative(msg);
        // Both halves are always checked, so the time taken does not tell which one failed.
        let ml = self
            .ml_dsa
            .verify_with_context(&m, self.params.label, ml_sig);
        let trad = self.classical.verify(&m, trad_sig, self.enc);
        match (ml, trad) {
            (Ok(()), Ok(())) => Ok(()),
            (_, Err(e @ Error::Format(_))) | (Err(e @ Error::Format(_)), _) => Err(e),
            _ => Err(Error::InvalidSignature),
        }
    }

    fn to_jwk(&self) -> Result<Jwk, Error> {
        Ok(Jwk {
            pub_: Some(crate::format::b64::encode(&self.to_bytes())),
            ..jwk_for(self.params.alg)
        })
    }

    fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        pem::spki(self)
    }
}

/// Generate a composite key with the default ([`CompositeEncoding::Draft04`]) encoding.
pub(crate) fn generate(alg: Algorithm) -> Result<Box<dyn SecretBackend>, Error> {
    generate_with(alg, CompositeEncoding::default())
}

/// Import a private composite JWK with the default encoding.
pub(crate) fn secret_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Box<dyn SecretBackend>, Error> {
    secret_from_jwk_with(alg, jwk, CompositeEncoding::default())
}

/// Import a public composite JWK with the default encoding.
pub(crate) fn public_from_jwk(alg: Algorithm, jwk: &Jwk) -> Result<Arc<dyn PublicBackend>, Error> {
    public_from_jwk_with(alg, jwk, CompositeEncoding::default())
}

/// Generate a composite key: a fresh 32-byte ML-DSA seed and an independent traditional key.
pub(crate) fn generate_with(
    alg: Algorithm,
    enc: CompositeEncoding,
) -> Result<Box<dyn SecretBackend>, Error> {
    let params = params_for(alg)?;
    let seed = crate::backend::rng::secret_array::<SEED_LEN>()?;
    Ok(Box::new(CompositeSecret {
        params,
        ml_dsa: MlDsaSecret::from_seed(params.ml_dsa, seed.as_slice())?,
        classical: ClassicalSecret::generate(params.kind)?,
        enc,
    }))
}

/// Import a private composite JWK: `priv` = seed ‖ traditional private key. Both public halves
/// are recomputed and must equal `pub` ([`KeyError::Mismatch`] otherwise).
pub(crate) fn secret_from_jwk_with(
    alg: Algorithm,
    jwk: &Jwk,
    enc: CompositeEncoding,
) -> Result<Box<dyn SecretBackend>, Error> {
    let params = params_for(alg)?;
    let private = secret_member(&jwk.priv_)?;
    let public = member(&jwk.pub_)?;
    let key = CompositeSecret::from_bytes(params, &private, enc)?;
    // Decoding `pub` first rejects a malformed one as such rather than as a mismatch.
    CompositePublic::from_bytes(params, &public, enc)?;
    if key.public_bytes() != public {
        return Err(KeyError::Mismatch.into());
    }
    Ok(Box::new(key))
}

/// Import a composite private key from its raw form (the bytes of the JWK `priv` member, seed ‖
/// traditional private key, in the default encoding); the public key is derived from it.
pub(crate) fn secret_from_raw(
    alg: Algorithm,
    private: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    let params = params_for(alg)?;
    let key = CompositeSecret::from_bytes(params, private, CompositeEncoding::default())?;
    Ok(Box::new(key))
}

/// Import a composite JWK's `pub` (private members are ignored).
pub(crate) fn public_from_jwk_with(
    alg: Algorithm,
    jwk: &Jwk,
    enc: CompositeEncoding,
) -> Result<Arc<dyn PublicBackend>, Error> {
    let params = params_for(alg)?;
    let public = member(&jwk.pub_)?;
    Ok(Arc::new(CompositePublic::from_bytes(params, &public, enc)?))
}

/// Import a composite PKCS#8 document (LAMPS OID and encodings).
pub(crate) fn secret_from_pkcs8(
    alg: Algorithm,
    der: &[u8],
) -> Result<Box<dyn SecretBackend>, Error> {
    Ok(Box::new(pem::secret_from_pkcs8(alg, der)?))
}

/// Import a composite SPKI document (LAMPS OID and encodings).
pub(crate) fn public_from_spki(
    alg: Algorithm,
    der: &[u8],
) -> Result<Arc<dyn PublicBackend>, Error> {
    Ok(Arc::new(pem::public_from_spki(alg, der)?))
}

#[cfg(test)]
mod tests;
