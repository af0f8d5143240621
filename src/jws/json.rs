//! JWS JSON serialization (RFC 7515 §7.2), flattened and general: one payload signed by several
//! keys, verified under an explicit [`SignatureRule`].
//!
//! ```text
//! flattened: {"payload":B64,"protected":B64,"header":{…},"signature":B64}
//! general:   {"payload":B64,"signatures":[{"protected":B64,"header":{…},"signature":B64},…]}
//! ```
//!
//! Rules of this implementation, stricter than RFC 7515 where it leaves room:
//! - `alg` must be in the integrity-protected header; a per-signature unprotected `header`
//!   that carries `alg`, `crit`, `b64` or a key (`jwk`, `jku`, `x5u`, `x5c`), or repeats a
//!   protected member, makes that signature unusable ([`FormatError::UnprotectedHeader`]).
//!   An unprotected `kid` may only select a key (which must then verify).
//! - The document's size is checked before parsing, and the number of signatures
//!   ([`Limits::max_signatures`]) before any signature is verified.
//! - The JSON is parsed strictly (duplicate members refused, depth bounded); the payload is
//!   decoded only once a signature has been accepted.

use serde_json::{Map, Value};

use crate::alg::{Algorithm, AlgorithmPolicy};
use crate::error::{AlgorithmError, Error, FormatError};
use crate::format::b64;
use crate::format::header::{Header, MAX_KID_LEN, MAX_KIDLESS_CANDIDATES};
use crate::format::json;
use crate::jws::compact::Limits;
use crate::jws::signer::{JwsSigner, JwsVerifier};

/// Members that must never come from an unprotected header.
const PROTECTED_ONLY: &[&str] = &["alg", "crit", "b64", "jwk", "jku", "x5u", "x5c"];

/// Which signatures of a JWS JSON serialization must verify for it to be accepted.
///
/// Every rule needs at least one signature that verifies with one of the given keys; the key's
/// algorithm always decides how a signature is checked (the header must agree with it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureRule {
    /// At least one signature verifies with one of the keys; the others are not looked at
    /// further once one is accepted.
    AnyValid,
    /// Every signature verifies with one of the keys.
    AllValid,
    /// At least one signature whose algorithm `policy` allows (and, when `algorithms` is not
    /// empty, is listed there) verifies; signatures of other algorithms are ignored, never
    /// verified. The migration case: require a valid ML-DSA signature
    /// ([`AlgorithmPolicy::PqcOnly`]) and ignore the classical one that old verifiers read.
    AnyAllowed {
        /// The algorithm policy.
        policy: AlgorithmPolicy,
        /// An explicit allow-list on top of the policy (empty: the policy alone).
        algorithms: Vec<Algorithm>,
    },
}

impl SignatureRule {
    /// Whether a signature with (protected) algorithm `alg` counts under this rule.
    fn considers(&self, alg: Algorithm) -> bool {
        match self {
            Self::AnyValid | Self::AllValid => true,
            Self::AnyAllowed { policy, algorithms } => {
                policy.allows(alg)
                    && (algorithms.is_empty() || algorithms.iter().any(|a| a.accepts_header(alg)))
            }
        }
    }
}

/// One signature that verified.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedSignature {
    index: usize,
    header: Header,
    algorithm: Algorithm,
    kid: Option<String>,
}

impl VerifiedSignature {
    /// Its position in the serialization (0 for the flattened form).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Its protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The algorithm of the key that verified it.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The id of the key that verified it, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Its protected header, by value.
    pub fn into_header(self) -> Header {
        self.header
    }
}

/// A JWS JSON serialization accepted under a [`SignatureRule`]: the payload and the signatures
/// that verified (under [`SignatureRule::AllValid`], all of them).
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJwsJson {
    payload: Vec<u8>,
    verified: Vec<VerifiedSignature>,
    total: usize,
}

impl VerifiedJwsJson {
    /// The payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signatures that verified, in document order (at least one).
    pub fn verified(&self) -> &[VerifiedSignature] {
        &self.verified
    }

    /// How many signatures the serialization carries.
    pub fn signature_count(&self) -> usize {
        self.total
    }

    /// The payload bytes, by value.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }
}

/// Sign `payload` in the flattened JWS JSON serialization, with `header` protected. The header's
/// `alg` must be the signer's algorithm.
pub fn sign_flattened(
    signer: &(impl JwsSigner + ?Sized),
    header: &Header,
    payload: &[u8],
) -> Result<String, Error> {
    let payload_b64 = b64::encode(payload);
    let mut doc = Map::new();
    doc.insert("payload".into(), Value::String(payload_b64.clone()));
    let (protected, signature) = sign_one(signer, header, &payload_b64)?;
    doc.insert("protected".into(), Value::String(protected));
    doc.insert("signature".into(), Value::String(signature));
    to_text(&doc)
}

/// Sign `payload` once per `(signer, header)` in the general JWS JSON serialization (each
/// header protected; each `alg` must be its signer's algorithm). At most
/// [`Limits::MAX_SIGNATURES`] signers, and at least one.
pub fn sign_general(
    signers: &[(&dyn JwsSigner, &Header)],
    payload: &[u8],
) -> Result<String, Error> {
    if signers.is_empty() {
        return Err(FormatError::JwsJson.into());
    }
    if signers.len() > Limits::MAX_SIGNATURES {
        return Err(FormatError::TooManySignatures.into());
    }
    let payload_b64 = b64::encode(payload);
    let mut signatures = Vec::with_capacity(signers.len());
    for (signer, header) in signers {
        let (protected, signature) = sign_one(*signer, header, &payload_b64)?;
        let mut entry = Map::new();
        entry.insert("protected".into(), Value::String(protected));
        entry.insert("signature".into(), Value::String(signature));
        signatures.push(Value::Object(entry));
    }
    let mut doc = Map::new();
    doc.insert("payload".into(), Value::String(payload_b64));
    doc.insert("signatures".into(), Value::Array(signatures));
    to_text(&doc)
}

/// Sign `payload` with each signer under a protected header `{alg, kid}` taken from it: the
/// flattened form for one signer, the general form for several.
pub fn sign_payload_json(signers: &[&dyn JwsSigner], payload: &[u8]) -> Result<String, Error> {
    let headers: Vec<Header> = signers.iter().map(|s| header_for(*s)).collect();
    sign_flattened_or_general(signers, &headers, payload)
}

/// Sign `payload` once per signer with the header at the same position: the flattened form
/// for one signer, the general form for several.
pub(crate) fn sign_flattened_or_general(
    signers: &[&dyn JwsSigner],
    headers: &[Header],
    payload: &[u8],
) -> Result<String, Error> {
    match (signers, headers) {
        ([signer], [header]) => sign_flattened(*signer, header, payload),
        _ if signers.len() != headers.len() => Err(FormatError::JwsJson.into()),
        _ => {
            let pairs: Vec<(&dyn JwsSigner, &Header)> =
                signers.iter().copied().zip(headers.iter()).collect();
            sign_general(&pairs, payload)
        }
    }
}

fn header_for(signer: &dyn JwsSigner) -> Header {
    let header = Header::new(signer.algorithm());
    match signer.key_id() {
        Some(kid) => header.with_kid(kid),
        None => header,
    }
}

/// (protected, signature), both base64url.
fn sign_one(
    signer: &(impl JwsSigner + ?Sized),
    header: &Header,
    payload_b64: &str,
) -> Result<(String, String), Error> {
    if header.alg() != signer.algorithm() {
        return Err(AlgorithmError::Mismatch {
            expected: signer.algorithm(),
            found: header.alg(),
        }
        .into());
    }
    let protected = b64::encode(&header.to_json()?);
    let signing_input = format!("{protected}.{payload_b64}");
    let signature = b64::encode(&signer.sign(signing_input.as_bytes())?);
    Ok((protected, signature))
}

fn to_text(doc: &Map<String, Value>) -> Result<String, Error> {
    serde_json::to_string(doc).map_err(|_| Error::Format(FormatError::JwsJson))
}

/// Whether `text` looks like a JWS JSON serialization rather than a compact one (its first
/// non-whitespace character is `{`). Only a hint for choosing a parser; both parsers check.
pub fn is_json_serialization(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Verify a JWS JSON serialization (flattened or general) with `keys` under `rule` and the
/// default [`Limits`].
pub fn verify_json(
    keys: &[&dyn JwsVerifier],
    jws: &str,
    rule: &SignatureRule,
) -> Result<VerifiedJwsJson, Error> {
    verify_json_with_limits(keys, jws, rule, &Limits::default())
}

/// [`verify_json`] with explicit limits.
///
/// Order: document size, strict JSON parse, signature count, then per signature: protected
/// header (checked as for compact tokens), unprotected header (see the module docs), the
/// rule's algorithm filter, key selection (by `kid`, else up to eight keys of the algorithm),
/// signature length, signature. The payload is decoded last.
pub fn verify_json_with_limits(
    keys: &[&dyn JwsVerifier],
    jws: &str,
    rule: &SignatureRule,
    limits: &Limits,
) -> Result<VerifiedJwsJson, Error> {
    let max_sig = keys
        .iter()
        .map(|k| k.algorithm().max_signature_len())
        .max()
        .ok_or(Error::KeyNotFound)?;
    if jws.len() > limits.json_len_for(max_sig) {
        return Err(FormatError::TooLarge.into());
    }
    // Two levels more than a header may have: the document and the signatures array.
    let mut doc = json::parse_object(
        jws.as_bytes(),
        limits.depth().saturating_add(2),
        FormatError::JwsJson,
    )?;
    let payload_b64 = match doc.remove("payload") {
        Some(Value::String(p)) => p,
        _ => return Err(FormatError::JwsJson.into()),
    };
    if payload_b64.len() > b64::encoded_len(limits.payload_len()) {
        return Err(FormatError::PayloadTooLarge.into());
    }
    let entries: Vec<Map<String, Value>> = match doc.remove("signatures") {
        Some(Value::Array(list)) => {
            // The general form: no flattened members beside `signatures`.
            if ["protected", "header", "signature"]
                .iter()
                .any(|m| doc.contains_key(*m))
            {
                return Err(FormatError::JwsJson.into());
            }
            if list.len() > limits.signatures() {
                return Err(FormatError::TooManySignatures.into());
            }
            list.into_iter()
                .map(|v| match v {
                    Value::Object(m) => Ok(m),
                    _ => Err(Error::Format(FormatError::JwsJson)),
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => return Err(FormatError::JwsJson.into()),
        None => vec![doc],
    };
    if entries.is_empty() {
        return Err(FormatError::JwsJson.into());
    }

    let total = entries.len();
    let mut verified = Vec::new();
    let mut first_error: Option<Error> = None;
    let mut skipped_alg: Option<Algorithm> = None;
    for (index, entry) in entries.iter().enumerate() {
        let outcome = check_signature(keys, entry, &payload_b64, rule, limits, index);
        match outcome {
            Ok(Some(v)) => {
                verified.push(v);
                if rule != &SignatureRule::AllValid {
                    break;
                }
            }
            Ok(None) => {
                // Not considered by the rule (algorithm filtered out).
                skipped_alg = skipped_alg.or_else(|| protected_alg(entry));
            }
            Err(e) => {
                if rule == &SignatureRule::AllValid {
                    return Err(e);
                }
                first_error.get_or_insert(e);
            }
        }
    }
    if verified.is_empty() {
        return Err(match (first_error, skipped_alg) {
            (Some(e), _) => e,
            (None, Some(alg)) => AlgorithmError::NotAllowed(alg).into(),
            (None, None) => Error::InvalidSignature,
        });
    }
    let payload = b64::decode(&payload_b64)?;
    Ok(VerifiedJwsJson {
        payload,
        verified,
        total,
    })
}

/// The protected algorithm of a signature entry, if it parses (for error reporting only).
fn protected_alg(entry: &Map<String, Value>) -> Option<Algorithm> {
    let protected = entry.get("protected")?.as_str()?;
    let bytes = b64::decode(protected).ok()?;
    Header::parse(&bytes, json::DEFAULT_MAX_DEPTH)
        .ok()
        .map(|h| h.alg())
}

/// Check one signature entry: `Ok(None)` when the rule does not consider its algorithm.
fn check_signature(
    keys: &[&dyn JwsVerifier],
    entry: &Map<String, Value>,
    payload_b64: &str,
    rule: &SignatureRule,
    limits: &Limits,
    index: usize,
) -> Result<Option<VerifiedSignature>, Error> {
    let protected_b64 = match entry.get("protected") {
        Some(Value::String(p)) => p.as_str(),
        // No protected header means no protected `alg`: refused.
        _ => return Err(FormatError::UnprotectedHeader.into()),
    };
    let signature_b64 = match entry.get("signature") {
        Some(Value::String(s)) => s.as_str(),
        _ => return Err(FormatError::JwsJson.into()),
    };
    if protected_b64.len() > b64::encoded_len(limits.header_len()) {
        return Err(FormatError::HeaderTooLarge.into());
    }
    let header = Header::parse(&b64::decode(protected_b64)?, limits.depth())?;
    let unprotected_kid = match entry.get("header") {
        None => None,
        Some(Value::Object(h)) => unprotected_kid(h, &header)?,
        Some(_) => return Err(FormatError::JwsJson.into()),
    };
    let alg = header.alg();
    if !rule.considers(alg) {
        return Ok(None);
    }
    let kid = header.kid().or(unprotected_kid);
    if kid.is_some_and(|k| k.len() > MAX_KID_LEN) {
        return Err(FormatError::HeaderMember.into());
    }
    let candidates: Vec<&dyn JwsVerifier> = keys
        .iter()
        .copied()
        .filter(|k| k.algorithm().accepts_header(alg) && rule.considers(k.algorithm()))
        .filter(|k| kid.is_none() || k.key_id() == kid)
        .take(MAX_KIDLESS_CANDIDATES)
        .collect();
    if candidates.is_empty() {
        return Err(Error::KeyNotFound);
    }
    let signing_input = format!("{protected_b64}.{payload_b64}");
    let mut last = Error::InvalidSignature;
    for key in candidates {
        let key_alg = key.algorithm();
        if signature_b64.len() > b64::encoded_len(key_alg.max_signature_len()) {
            last = FormatError::SignatureLength.into();
            continue;
        }
        let signature = b64::decode(signature_b64)?;
        match key.verify(signing_input.as_bytes(), &signature) {
            Ok(()) => {
                return Ok(Some(VerifiedSignature {
                    index,
                    header,
                    algorithm: key_alg,
                    kid: key.key_id().map(str::to_owned),
                }));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Check a per-signature unprotected header and return its `kid`, if any: no member that must
/// be protected, none that repeats a protected one, `kid` a string.
fn unprotected_kid<'a>(
    unprotected: &'a Map<String, Value>,
    protected: &Header,
) -> Result<Option<&'a str>, Error> {
    for name in unprotected.keys() {
        let in_protected = match name.as_str() {
            "kid" => protected.kid().is_some(),
            "typ" => protected.typ().is_some(),
            "cty" => protected.cty().is_some(),
            other => protected.get(other).is_some(),
        };
        if in_protected || PROTECTED_ONLY.contains(&name.as_str()) {
            return Err(FormatError::UnprotectedHeader.into());
        }
    }
    match unprotected.get("kid") {
        None => Ok(None),
        Some(Value::String(k)) => Ok(Some(k.as_str())),
        Some(_) => Err(FormatError::HeaderMember.into()),
    }
}
