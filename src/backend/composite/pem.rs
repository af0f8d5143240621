//! Composite keys as PKCS#8 and SPKI with the LAMPS composite OIDs
//! (draft-ietf-lamps-pq-composite-sigs, "Algorithm Identifiers and Parameters").
//!
//! ```text
//! SubjectPublicKeyInfo: algorithm = { id-MLDSA…, parameters absent }
//!                       subjectPublicKey BIT STRING = mldsaPK ‖ tradPK
//! OneAsymmetricKey:     privateKeyAlgorithm = { id-MLDSA…, parameters absent }
//!                       privateKey OCTET STRING = mldsaSeed ‖ tradSK
//!                       publicKey [1] (optional; when present it must match)
//! ```
//!
//! The component encodings are the LAMPS ones, which draft-ietf-jose-pq-composite-sigs-04
//! adopted ([`CompositeEncoding::Draft04`]): an ECDSA public key `0x04 ‖ x ‖ y`, an ECDSA private
//! key a DER `ECPrivateKey`. A key made for the -03 JOSE encoding exports in these encodings
//! too (the key is the same; only its byte form differs), and a key read from PKCS#8 or SPKI uses
//! the -04 encoding.

use pkcs8::PrivateKeyInfoRef;
use pkcs8::der::asn1::{BitStringRef, OctetStringRef};
use pkcs8::der::{Decode, Encode};
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::{CompositeEncoding, CompositePublic, CompositeSecret, Params, params_for};
use crate::alg::Algorithm;
use crate::error::{Error, KeyError};

fn pem_error<E>(_: E) -> Error {
    Error::Key(KeyError::Pem)
}

fn algorithm_identifier(params: &Params) -> AlgorithmIdentifierRef<'static> {
    AlgorithmIdentifierRef {
        oid: params.oid,
        parameters: None,
    }
}

/// The algorithm identifier must be the composite's OID, with parameters absent.
fn check_algorithm(params: &Params, found: &AlgorithmIdentifierRef<'_>) -> Result<(), Error> {
    if found.oid != params.oid {
        return Err(KeyError::WrongKeyType.into());
    }
    if found.parameters.is_some() {
        return Err(KeyError::Pem.into());
    }
    Ok(())
}

/// SPKI DER of a composite public key (LAMPS encodings).
pub(super) fn spki(public: &CompositePublic) -> Result<Vec<u8>, Error> {
    let bytes = public.to_bytes_in(CompositeEncoding::Draft04);
    SubjectPublicKeyInfoRef {
        algorithm: algorithm_identifier(public.params),
        subject_public_key: BitStringRef::new(0, &bytes).map_err(pem_error)?,
    }
    .to_der()
    .map_err(pem_error)
}

/// PKCS#8 (`OneAsymmetricKey` v1, no public key) DER of a composite private key.
pub(super) fn pkcs8(secret: &CompositeSecret) -> Result<Zeroizing<Vec<u8>>, Error> {
    let private = secret.private_bytes_in(CompositeEncoding::Draft04)?;
    let info = PrivateKeyInfoRef::new(
        algorithm_identifier(secret.params),
        OctetStringRef::new(&private).map_err(pem_error)?,
    );
    info.to_der().map(Zeroizing::new).map_err(pem_error)
}

/// Read an SPKI document for the composite `alg`.
pub(super) fn public_from_spki(alg: Algorithm, der: &[u8]) -> Result<CompositePublic, Error> {
    let params = params_for(alg)?;
    let info = SubjectPublicKeyInfoRef::from_der(der).map_err(pem_error)?;
    check_algorithm(params, &info.algorithm)?;
    let pk = info.subject_public_key.as_bytes().ok_or(KeyError::Pem)?;
    CompositePublic::from_bytes(params, pk, CompositeEncoding::Draft04)
}

/// Read a PKCS#8 document for the composite `alg`. An embedded public key must match.
pub(super) fn secret_from_pkcs8(alg: Algorithm, der: &[u8]) -> Result<CompositeSecret, Error> {
    let params = params_for(alg)?;
    let info = PrivateKeyInfoRef::from_der(der).map_err(pem_error)?;
    check_algorithm(params, &info.algorithm)?;
    let secret = CompositeSecret::from_bytes(
        params,
        info.private_key.as_bytes(),
        CompositeEncoding::Draft04,
    )?;
    if let Some(pk) = info.public_key {
        let pk = pk.as_bytes().ok_or(KeyError::Pem)?;
        // Decoding it first reports a malformed public key as such.
        CompositePublic::from_bytes(params, pk, CompositeEncoding::Draft04)?;
        if secret.public_bytes() != pk {
            return Err(KeyError::Mismatch.into());
        }
    }
    Ok(secret)
}
