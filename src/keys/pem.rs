//! Keys in the PEM and DER forms OpenSSL writes: [`SigningKey::from_pem`]/[`SigningKey::from_der`]
//! (PKCS#8, SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`) and
//! [`VerifyingKey::from_pem`]/[`VerifyingKey::from_der`] (SPKI, PKCS#1 `RSA PUBLIC KEY`, an X.509
//! certificate's public key).
//!
//! Every traditional form is rewrapped into the PKCS#8 or SPKI document it is equivalent to and
//! handed to the same backend import as PKCS#8/SPKI, so each form is checked against the
//! algorithm exactly as strictly. The secret rewrapped documents live in zeroizing buffers.

use pkcs8::der::asn1::{AnyRef, BitStringRef, OctetStringRef};
use pkcs8::der::{Decode, Encode, Reader, SecretDocument, SliceReader};
use pkcs8::{AlgorithmIdentifierRef, ObjectIdentifier, PrivateKeyInfoRef};
use spki::SubjectPublicKeyInfoRef;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::alg::{Algorithm, Family};
use crate::backend;
use crate::error::{Error, KeyError};
use crate::keys::key::{SigningKey, VerifyingKey};
use crate::keys::scrub::scrubbed;

/// id-ecPublicKey (RFC 5480).
pub(crate) const EC_PUBLIC_KEY_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// The PEM label that is only curve parameters, written by `openssl ecparam -genkey` before the
/// key itself: skipped.
const EC_PARAMETERS: &str = "EC PARAMETERS";

/// The start of a PEM block.
const BEGIN: &str = "-----BEGIN ";

/// The PEM label of a PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5958 §3, RFC 7468 §11).
pub(crate) const ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";

/// The header OpenSSL's legacy encryption puts in a traditional PEM block
/// (`openssl genrsa -aes256 -traditional`): `Proc-Type: 4,ENCRYPTED` (RFC 1421).
const LEGACY_ENCRYPTED: &str = "Proc-Type: 4,ENCRYPTED";

/// Whether `der` is a PKCS#8 `EncryptedPrivateKeyInfo`: `SEQUENCE { AlgorithmIdentifier,
/// OCTET STRING }` and nothing else (a `PrivateKeyInfo` starts with an INTEGER, an SPKI has a
/// BIT STRING, so no key form pqjose reads has this shape).
pub(crate) fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    let Ok(mut reader) = SliceReader::new(der) else {
        return false;
    };
    let parsed = reader.sequence(|r| {
        r.decode::<AlgorithmIdentifierRef<'_>>()?;
        r.decode::<&OctetStringRef>()?;
        Ok::<_, pkcs8::der::Error>(())
    });
    parsed.is_ok() && reader.is_finished()
}

/// The error for a DER document of no known form: [`KeyError::EncryptedPrivateKey`] for an
/// encrypted PKCS#8 document, else [`KeyError::Pem`].
fn unknown_der(der: &[u8]) -> Error {
    if is_encrypted_pkcs8(der) {
        KeyError::EncryptedPrivateKey.into()
    } else {
        KeyError::Pem.into()
    }
}

/// The private-key forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PrivateForm {
    /// PKCS#8 `PrivateKeyInfo` (RFC 5208/5958), PEM `PRIVATE KEY`.
    Pkcs8,
    /// SEC1 `ECPrivateKey` (RFC 5915), PEM `EC PRIVATE KEY`.
    Sec1,
    /// PKCS#1 `RSAPrivateKey` (RFC 8017), PEM `RSA PRIVATE KEY`.
    Pkcs1,
}

/// The public-key forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PublicForm {
    /// `SubjectPublicKeyInfo` (RFC 5280), PEM `PUBLIC KEY`.
    Spki,
    /// PKCS#1 `RSAPublicKey` (RFC 8017), PEM `RSA PUBLIC KEY`.
    Pkcs1,
    /// An X.509 certificate (RFC 5280), PEM `CERTIFICATE`.
    Certificate,
}

/// What a PEM label or a DER document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Private(PrivateForm),
    Public(PublicForm),
}

fn form_of_label(label: &str) -> Option<Form> {
    Some(match label {
        "PRIVATE KEY" => Form::Private(PrivateForm::Pkcs8),
        "EC PRIVATE KEY" => Form::Private(PrivateForm::Sec1),
        "RSA PRIVATE KEY" => Form::Private(PrivateForm::Pkcs1),
        "PUBLIC KEY" => Form::Public(PublicForm::Spki),
        "RSA PUBLIC KEY" => Form::Public(PublicForm::Pkcs1),
        "CERTIFICATE" => Form::Public(PublicForm::Certificate),
        _ => return None,
    })
}

/// The form of a DER document, told by its structure: private forms first, then public ones.
/// The structures differ from their first elements on, so at most one parses.
fn form_of_der(der: &[u8]) -> Option<Form> {
    if PrivateKeyInfoRef::from_der(der).is_ok() {
        Some(Form::Private(PrivateForm::Pkcs8))
    } else if sec1::EcPrivateKey::from_der(der).is_ok() {
        Some(Form::Private(PrivateForm::Sec1))
    } else if pkcs1::RsaPrivateKeyRef::from_der(der).is_ok() {
        Some(Form::Private(PrivateForm::Pkcs1))
    } else if SubjectPublicKeyInfoRef::from_der(der).is_ok() {
        Some(Form::Public(PublicForm::Spki))
    } else if Certificate::from_der(der).is_ok() {
        Some(Form::Public(PublicForm::Certificate))
    } else if pkcs1::RsaPublicKeyRef::from_der(der).is_ok() {
        Some(Form::Public(PublicForm::Pkcs1))
    } else {
        None
    }
}

/// The first PEM block of `text` as `(label, block text, text after it)`; `None` for no
/// `-----BEGIN ` at all, `Some(Err)` for a block that does not end.
fn first_block(text: &str) -> Option<Result<(&str, &str, &str), Error>> {
    let block = text.get(text.find(BEGIN)?..)?;
    Some(split_block(block).ok_or(Error::Key(KeyError::Pem)))
}

/// `block` (starting at `-----BEGIN `) split into its label, itself up to its END line, and
/// the rest.
fn split_block(block: &str) -> Option<(&str, &str, &str)> {
    let after_begin = block.get(BEGIN.len()..)?;
    let label = after_begin.get(..after_begin.find("-----")?)?;
    let end_marker = format!("-----END {label}-----");
    let end = block.find(&end_marker)? + end_marker.len();
    Some((label, block.get(..end)?, block.get(end..)?))
}

/// The PEM blocks of `text` as `(label, block text)`, in order; text outside the blocks
/// (OpenSSL's "Bag Attributes", comments) is ignored, as RFC 7468 §2 allows.
fn pem_blocks(text: &str) -> impl Iterator<Item = Result<(&str, &str), Error>> {
    let mut rest = Some(text);
    core::iter::from_fn(move || match first_block(rest.take()?)? {
        Ok((label, pem, after)) => {
            rest = Some(after);
            Some(Ok((label, pem)))
        }
        Err(e) => Some(Err(e)),
    })
}

/// The one key block of a PEM text (skipping `EC PARAMETERS`), decoded: its form and DER. A
/// certificate file may hold a chain: the first certificate (the leaf) is used. Several key
/// blocks are ambiguous and refused.
fn pem_key(text: &str) -> Result<(Form, Zeroizing<Vec<u8>>), Error> {
    let mut found: Option<(Form, &str)> = None;
    for block in pem_blocks(text) {
        let (label, pem) = block?;
        if label == EC_PARAMETERS {
            continue;
        }
        if label == ENCRYPTED_PRIVATE_KEY || pem.contains(LEGACY_ENCRYPTED) {
            return Err(KeyError::EncryptedPrivateKey.into());
        }
        let form = form_of_label(label).ok_or(Error::Key(KeyError::Pem))?;
        match found {
            None => found = Some((form, pem)),
            Some((Form::Public(PublicForm::Certificate), _))
                if form == Form::Public(PublicForm::Certificate) => {}
            Some(_) => return Err(KeyError::Pem.into()),
        }
    }
    let (form, pem) = found.ok_or(Error::Key(KeyError::Pem))?;
    let (_, der) =
        pem_rfc7468::decode_vec(pem.as_bytes()).map_err(|_| Error::Key(KeyError::Pem))?;
    Ok((form, Zeroizing::new(der)))
}

/// Which traditional (pre-PKCS#8/SPKI) forms an algorithm's keys may come in, and what they
/// must hold: the rewrapping below refuses a traditional form of another key type
/// ([`KeyError::WrongKeyType`]) before parsing it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Traditional<'a> {
    /// EC keys on one of these named curves: SEC1 `EC PRIVATE KEY`.
    Ec(&'a [ObjectIdentifier]),
    /// RSA keys: PKCS#1 `RSA PRIVATE KEY` and `RSA PUBLIC KEY`.
    Rsa,
    /// Neither: PKCS#8 and SPKI (and certificates) only.
    None,
}

/// The traditional forms of a signature algorithm's keys.
fn traditional(alg: Algorithm) -> Result<Traditional<'static>, Error> {
    Ok(match alg.family() {
        Family::Ecdsa => Traditional::Ec(match backend::ecdsa::curve_oid(alg)? {
            oid if oid == P256_OID => &[P256_OID],
            oid if oid == P384_OID => &[P384_OID],
            _ => return Err(KeyError::WrongKeyType.into()),
        }),
        Family::Rsa => Traditional::Rsa,
        _ => Traditional::None,
    })
}

/// secp256r1 (RFC 5480).
pub(crate) const P256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 (RFC 5480).
pub(crate) const P384_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// A SEC1 `ECPrivateKey` as the PKCS#8 document it is equivalent to, after checking that its
/// named curve is one of `curves` (`openssl ecparam` always writes it; a key without one is
/// refused, as its curve would be a guess).
pub(crate) fn sec1_to_pkcs8(
    curves: &[ObjectIdentifier],
    der: &[u8],
) -> Result<SecretDocument, Error> {
    let key = sec1::EcPrivateKey::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
    let named = key
        .parameters
        .and_then(sec1::EcParameters::named_curve)
        .ok_or(Error::Key(KeyError::Pem))?;
    if !curves.contains(&named) {
        return Err(KeyError::WrongKeyType.into());
    }
    let info = PrivateKeyInfoRef::new(
        AlgorithmIdentifierRef {
            oid: EC_PUBLIC_KEY_OID,
            parameters: Some(AnyRef::from(&named)),
        },
        OctetStringRef::new(der).map_err(|_| Error::Key(KeyError::Pem))?,
    );
    SecretDocument::encode_msg(&info).map_err(|_| Error::Key(KeyError::Pem))
}

/// A PKCS#1 `RSAPrivateKey` as the PKCS#8 document it is equivalent to.
pub(crate) fn pkcs1_private_to_pkcs8(der: &[u8]) -> Result<SecretDocument, Error> {
    pkcs1::RsaPrivateKeyRef::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
    let info = PrivateKeyInfoRef::new(
        pkcs1::ALGORITHM_ID,
        OctetStringRef::new(der).map_err(|_| Error::Key(KeyError::Pem))?,
    );
    SecretDocument::encode_msg(&info).map_err(|_| Error::Key(KeyError::Pem))
}

/// A PKCS#1 `RSAPublicKey` as the SPKI document it is equivalent to.
pub(crate) fn pkcs1_public_to_spki(der: &[u8]) -> Result<Vec<u8>, Error> {
    pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
    SubjectPublicKeyInfoRef {
        algorithm: pkcs1::ALGORITHM_ID,
        subject_public_key: BitStringRef::from_bytes(der).map_err(|_| Error::Key(KeyError::Pem))?,
    }
    .to_der()
    .map_err(|_| Error::Key(KeyError::Pem))
}

/// The SPKI of an X.509 certificate. Neither the certificate's signature nor its validity
/// period, extensions or chain are looked at.
fn certificate_spki(der: &[u8]) -> Result<Vec<u8>, Error> {
    let cert = Certificate::from_der(der).map_err(|_| Error::Key(KeyError::Pem))?;
    cert.tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|_| Error::Key(KeyError::Pem))
}

/// The PKCS#8 document a private form of `kind` is equivalent to.
fn private_pkcs8(
    kind: Traditional<'_>,
    form: Form,
    der: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let rewrapped = match (form, kind) {
        (Form::Private(PrivateForm::Pkcs8), _) => return Ok(Zeroizing::new(der.to_vec())),
        (Form::Private(PrivateForm::Sec1), Traditional::Ec(curves)) => sec1_to_pkcs8(curves, der)?,
        (Form::Private(PrivateForm::Pkcs1), Traditional::Rsa) => pkcs1_private_to_pkcs8(der)?,
        (Form::Private(_), _) => return Err(KeyError::WrongKeyType.into()),
        (Form::Public(_), _) => return Err(KeyError::NotPrivate.into()),
    };
    Ok(Zeroizing::new(rewrapped.as_bytes().to_vec()))
}

/// The SPKI document a public form of `kind` is equivalent to.
fn public_spki(kind: Traditional<'_>, form: Form, der: &[u8]) -> Result<Vec<u8>, Error> {
    match (form, kind) {
        (Form::Public(PublicForm::Spki), _) => Ok(der.to_vec()),
        (Form::Public(PublicForm::Certificate), _) => certificate_spki(der),
        (Form::Public(PublicForm::Pkcs1), Traditional::Rsa) => pkcs1_public_to_spki(der),
        (Form::Public(_), _) => Err(KeyError::WrongKeyType.into()),
        (Form::Private(_), _) => Err(KeyError::NotPublic.into()),
    }
}

/// The private key in a PEM text, in any form OpenSSL writes (told apart by the label), as
/// PKCS#8 DER. [`KeyError::NotPrivate`] for a public key or certificate,
/// [`KeyError::WrongKeyType`] for a traditional form `kind` does not take, [`KeyError::Pem`]
/// for anything unparsable or several keys.
pub(crate) fn pem_to_pkcs8(kind: Traditional<'_>, pem: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (form, der) = pem_key(pem)?;
    private_pkcs8(kind, form, &der)
}

/// [`pem_to_pkcs8`] for DER (the form told apart by the document's structure).
pub(crate) fn der_to_pkcs8(kind: Traditional<'_>, der: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let form = form_of_der(der).ok_or_else(|| unknown_der(der))?;
    private_pkcs8(kind, form, der)
}

/// The public key in a PEM text (SPKI, PKCS#1 for RSA, or a certificate's key, unchecked), as
/// SPKI DER. [`KeyError::NotPublic`] for a private key; otherwise as [`pem_to_pkcs8`].
pub(crate) fn pem_to_spki(kind: Traditional<'_>, pem: &str) -> Result<Vec<u8>, Error> {
    let (form, der) = pem_key(pem)?;
    public_spki(kind, form, &der)
}

/// [`pem_to_spki`] for DER.
pub(crate) fn der_to_spki(kind: Traditional<'_>, der: &[u8]) -> Result<Vec<u8>, Error> {
    let form = form_of_der(der).ok_or_else(|| unknown_der(der))?;
    public_spki(kind, form, der)
}

impl SigningKey {
    /// Import a private key for `alg` from PEM, in any of the forms OpenSSL writes, told apart
    /// by the PEM label: PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` (ES256/ES384; the named
    /// curve in the key must be the algorithm's) or PKCS#1 `RSA PRIVATE KEY` (RS*/PS*). An
    /// `EC PARAMETERS` block (as `openssl ecparam -genkey` writes before the key) and text
    /// outside the PEM blocks are ignored. Encrypted keys are not read: an `ENCRYPTED PRIVATE
    /// KEY` (or a traditional block with `Proc-Type: 4,ENCRYPTED`) is
    /// [`KeyError::EncryptedPrivateKey`]; decrypt it first (`openssl pkcs8 -in enc.pem`).
    ///
    /// Errors: [`KeyError::NotPrivate`] for a public key or certificate,
    /// [`KeyError::WrongKeyType`] for a key of another type or curve than `alg`,
    /// [`KeyError::Pem`] for anything unparsable or for several keys in one text.
    ///
    /// ```
    /// use pqjose::{Algorithm, SigningKey};
    /// let pem = SigningKey::generate(Algorithm::Es256)?.to_pkcs8_pem()?;
    /// let key = SigningKey::from_pem(Algorithm::Es256, &pem)?;
    /// assert!(SigningKey::from_pem(Algorithm::Es384, &pem).is_err());
    /// # Ok::<(), pqjose::Error>(())
    /// ```
    pub fn from_pem(alg: Algorithm, pem: &str) -> Result<Self, Error> {
        scrubbed(|| SigningKey::from_pkcs8_der(alg, &pem_to_pkcs8(traditional(alg)?, pem)?))
    }

    /// Import a private key for `alg` from DER: PKCS#8, SEC1 or PKCS#1, told apart by the
    /// document's structure. Errors as [`SigningKey::from_pem`] (a PKCS#8
    /// `EncryptedPrivateKeyInfo` is [`KeyError::EncryptedPrivateKey`]).
    pub fn from_der(alg: Algorithm, der: &[u8]) -> Result<Self, Error> {
        scrubbed(|| SigningKey::from_pkcs8_der(alg, &der_to_pkcs8(traditional(alg)?, der)?))
    }
}

impl VerifyingKey {
    /// Import a public key for `alg` from PEM, in any of the forms OpenSSL writes, told apart by
    /// the PEM label: SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY` (RS*/PS*) or the public key of
    /// an X.509 `CERTIFICATE` (of a chain, the first one), for every algorithm whose SPKI
    /// pqjose reads.
    ///
    /// **The certificate is not checked**: not its signature, issuer, validity period,
    /// extensions or chain. Only its public key is taken, exactly as if it had been given as
    /// SPKI; use a certificate only where you would trust that public key by itself.
    ///
    /// Errors: [`KeyError::NotPublic`] for a private key, [`KeyError::WrongKeyType`] for a key
    /// of another type or curve than `alg`, [`KeyError::Pem`] for anything unparsable or for
    /// several keys in one text.
    pub fn from_pem(alg: Algorithm, pem: &str) -> Result<Self, Error> {
        VerifyingKey::from_spki_der(alg, &pem_to_spki(traditional(alg)?, pem)?)
    }

    /// Import a public key for `alg` from DER: SPKI, an X.509 certificate (not checked, as for
    /// [`VerifyingKey::from_pem`]) or PKCS#1, told apart by the document's structure. Errors as
    /// [`VerifyingKey::from_pem`].
    pub fn from_der(alg: Algorithm, der: &[u8]) -> Result<Self, Error> {
        VerifyingKey::from_spki_der(alg, &der_to_spki(traditional(alg)?, der)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_skip_text_and_ec_parameters() {
        let text = "Bag Attributes\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\nx\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        let labels: Vec<_> = pem_blocks(text).map(|b| b.map(|(l, _)| l)).collect();
        assert_eq!(labels, vec![Ok("EC PARAMETERS"), Ok("PUBLIC KEY")]);
    }

    #[test]
    fn unterminated_or_unknown_blocks_are_refused() {
        for text in [
            "",
            "no pem here",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n",
            "-----BEGIN PUBLIC KEY",
            "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n",
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n",
        ] {
            assert_eq!(
                pem_key(text).unwrap_err(),
                Error::Key(KeyError::Pem),
                "{text:?}"
            );
        }
    }

    #[test]
    fn two_keys_are_ambiguous() {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        let two = format!("{}{}", pem.as_str(), pem.as_str());
        assert_eq!(
            SigningKey::from_pem(Algorithm::Ed25519, &two).unwrap_err(),
            Error::Key(KeyError::Pem)
        );
        let public = key.verifying_key().unwrap().to_spki_pem().unwrap();
        assert_eq!(
            SigningKey::from_pem(Algorithm::Ed25519, &public).unwrap_err(),
            Error::Key(KeyError::NotPrivate)
        );
        assert_eq!(
            VerifyingKey::from_pem(Algorithm::Ed25519, &pem).unwrap_err(),
            Error::Key(KeyError::NotPublic)
        );
    }

    #[test]
    fn der_forms_are_told_apart() {
        let key = SigningKey::generate(Algorithm::Es256).unwrap();
        let pkcs8 = key.to_pkcs8_der().unwrap();
        assert_eq!(form_of_der(&pkcs8), Some(Form::Private(PrivateForm::Pkcs8)));
        let spki = key.verifying_key().unwrap().to_spki_der().unwrap();
        assert_eq!(form_of_der(&spki), Some(Form::Public(PublicForm::Spki)));
        for garbage in [
            &b""[..],
            b"\x30",
            b"\x30\x00",
            b"\x30\x03\x02\x01\x00",
            &[0xff; 64],
        ] {
            assert_eq!(form_of_der(garbage), None);
            assert!(SigningKey::from_der(Algorithm::Es256, garbage).is_err());
            assert!(VerifyingKey::from_der(Algorithm::Es256, garbage).is_err());
        }
    }
}
