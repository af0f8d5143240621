//! DHKEM(X448, HKDF-SHA512) (RFC 9180 §4.1, KEM id 0x0021) as an `hpke` crate [`Kem`], for
//! `HPKE-5` and `HPKE-6`: the `hpke` crate has no X448.
//!
//! Only the KEM glue is here: the X448 function is the RustCrypto `x448` crate's (which refuses
//! low-order points and so an all-zero shared secret), HKDF is the `hkdf` crate's; the labels
//! and the key schedule are RFC 9180's `ExtractAndExpand` / `DeriveKeyPair` exactly. The
//! `hpke` crate runs everything after the KEM. Checked by the draft's HPKE-5/HPKE-6 examples.

use hkdf::Hkdf;
use hpke::hybrid_array::Array;
use hpke::hybrid_array::sizes::{U56, U64};
use hpke::kem::SharedSecret;
use hpke::rand_core::CryptoRng;
use hpke::{Deserializable, HpkeError, Kem, Serializable};
use sha2::Sha512;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const KEM_ID: u16 = 0x0021;
/// "KEM" ‖ I2OSP(kem_id, 2).
const SUITE_ID: [u8; 5] = [b'K', b'E', b'M', 0x00, 0x21];
const N: usize = 56;

/// DHKEM(X448, HKDF-SHA512).
pub(crate) struct X448HkdfSha512;

/// An X448 public key (u-coordinate), not a low-order point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicKey([u8; N]);

/// An X448 private key (56 bytes, zeroized on drop).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct PrivateKey([u8; N]);

impl ConstantTimeEq for PrivateKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl Serializable for PublicKey {
    type OutputSize = U56;
    fn write_exact(&self, buf: &mut [u8]) {
        // The `hpke` crate sizes the buffer from OutputSize.
        for (b, k) in buf.iter_mut().zip(self.0) {
            *b = k;
        }
    }
}

impl Deserializable for PublicKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let bytes: [u8; N] = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(N, encoded.len()))?;
        x448::PublicKey::from_bytes(&bytes).ok_or(HpkeError::ValidationError)?;
        Ok(Self(bytes))
    }
}

impl Serializable for PrivateKey {
    type OutputSize = U56;
    fn write_exact(&self, buf: &mut [u8]) {
        for (b, k) in buf.iter_mut().zip(self.0) {
            *b = k;
        }
    }
}

impl Deserializable for PrivateKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let bytes: [u8; N] = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(N, encoded.len()))?;
        Ok(Self(bytes))
    }
}

/// X448(k, u), refusing low-order inputs (and so an all-zero output).
fn dh(sk: &[u8; N], pk: &[u8; N]) -> Result<Zeroizing<[u8; N]>, HpkeError> {
    x448::x448(*sk, *pk)
        .map(Zeroizing::new)
        .ok_or(HpkeError::ValidationError)
}

fn public_of(sk: &PrivateKey) -> PublicKey {
    PublicKey(x448::x448_unchecked(sk.0, x448::X448_BASEPOINT_BYTES))
}

/// LabeledExtract(salt = "", label, ikm) then LabeledExpand(prk, label2, info, out.len()).
fn labeled(
    extract_label: &[u8],
    ikm: &[&[u8]],
    expand_label: &[u8],
    info: &[&[u8]],
    out: &mut [u8],
) -> Result<(), HpkeError> {
    let mut labeled_ikm = Zeroizing::new(Vec::new());
    labeled_ikm.extend_from_slice(b"HPKE-v1");
    labeled_ikm.extend_from_slice(&SUITE_ID);
    labeled_ikm.extend_from_slice(extract_label);
    for part in ikm {
        labeled_ikm.extend_from_slice(part);
    }
    let hk = Hkdf::<Sha512>::new(None, &labeled_ikm);
    let len = u16::try_from(out.len()).map_err(|_| HpkeError::KdfOutputTooLong)?;
    let mut labeled_info = Vec::new();
    labeled_info.extend_from_slice(&len.to_be_bytes());
    labeled_info.extend_from_slice(b"HPKE-v1");
    labeled_info.extend_from_slice(&SUITE_ID);
    labeled_info.extend_from_slice(expand_label);
    for part in info {
        labeled_info.extend_from_slice(part);
    }
    hk.expand(&labeled_info, out)
        .map_err(|_| HpkeError::KdfOutputTooLong)
}

/// ExtractAndExpand(dh, kem_context = enc ‖ pkR).
fn shared_secret(
    dh: &[u8; N],
    enc: &PublicKey,
    pk_recip: &PublicKey,
) -> Result<SharedSecret<X448HkdfSha512>, HpkeError> {
    let mut out = SharedSecret::<X448HkdfSha512>(Array::default());
    labeled(
        b"eae_prk",
        &[dh],
        b"shared_secret",
        &[&enc.0, &pk_recip.0],
        &mut out.0,
    )?;
    Ok(out)
}

impl Kem for X448HkdfSha512 {
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;
    type EncappedKey = PublicKey;
    type NSecret = U64;
    const KEM_ID: u16 = KEM_ID;

    fn sk_to_pk(sk: &PrivateKey) -> PublicKey {
        public_of(sk)
    }

    /// RFC 9180 §7.1.3: dkp_prk = LabeledExtract("", "dkp_prk", ikm);
    /// sk = LabeledExpand(dkp_prk, "sk", "", 56).
    fn derive_keypair(ikm: &[u8]) -> (PrivateKey, PublicKey) {
        let mut sk = PrivateKey([0u8; N]);
        // A 56-byte output of HKDF-SHA512 is always within its limits.
        let _ = labeled(b"dkp_prk", &[ikm], b"sk", &[], &mut sk.0);
        let pk = public_of(&sk);
        (sk, pk)
    }

    fn decap(
        sk_recip: &PrivateKey,
        pk_sender_id: Option<&PublicKey>,
        encapped_key: &PublicKey,
    ) -> Result<SharedSecret<Self>, HpkeError> {
        if pk_sender_id.is_some() {
            // Auth modes are not used by JOSE-HPKE.
            return Err(HpkeError::DecapError);
        }
        let dh = dh(&sk_recip.0, &encapped_key.0).map_err(|_| HpkeError::DecapError)?;
        shared_secret(&dh, encapped_key, &public_of(sk_recip))
    }

    fn encap_with_rng(
        pk_recip: &PublicKey,
        sender_id_keypair: Option<(&PrivateKey, &PublicKey)>,
        csprng: &mut impl CryptoRng,
    ) -> Result<(SharedSecret<Self>, PublicKey), HpkeError> {
        if sender_id_keypair.is_some() {
            return Err(HpkeError::EncapError);
        }
        let mut ikm = Zeroizing::new([0u8; N]);
        csprng.fill_bytes(ikm.as_mut_slice());
        let (sk_e, pk_e) = Self::derive_keypair(ikm.as_slice());
        let dh = dh(&sk_e.0, &pk_recip.0).map_err(|_| HpkeError::EncapError)?;
        Ok((shared_secret(&dh, &pk_e, pk_recip)?, pk_e))
    }
}
