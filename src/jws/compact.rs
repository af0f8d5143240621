//! Compact JWS (RFC 7515 §7.1) over arbitrary payloads: size limits before decoding, strict
//! base64url, exactly three segments, a checked header, the key's algorithm.

use crate::alg::Algorithm;
use crate::error::{AlgorithmError, Error, FormatError};
use crate::format::b64;
use crate::format::header::Header;
use crate::format::json::DEFAULT_MAX_DEPTH;
use crate::jws::signer::{JwsSigner, JwsVerifier};

/// Size and depth limits applied before any decoding or parsing.
///
/// The token limit defaults to what the header and payload limits plus the largest signature
/// of the accepted algorithm(s) can encode to, so a token can never be longer than a valid one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    max_header_len: usize,
    max_payload_len: usize,
    max_depth: usize,
    max_token_len: Option<usize>,
    max_signatures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_header_len: 4 * 1024,
            max_payload_len: 64 * 1024,
            max_depth: DEFAULT_MAX_DEPTH,
            max_token_len: None,
            max_signatures: Self::DEFAULT_SIGNATURES,
        }
    }
}

impl Limits {
    /// The default number of signatures a JWS JSON serialization may carry.
    pub const DEFAULT_SIGNATURES: usize = 8;
    /// The most signatures [`Limits::max_signatures`] can allow (and the most a JWS JSON
    /// serialization can be signed with).
    pub const MAX_SIGNATURES: usize = 64;

    /// The default limits: header 4 KiB, payload 64 KiB (decoded), JSON depth 16, token length
    /// derived from those and the algorithm, 8 signatures in a JWS JSON serialization.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maximum number of signatures in a JWS JSON serialization, checked before any is
    /// verified: clamped to `1..=`[`Limits::MAX_SIGNATURES`].
    pub fn max_signatures(mut self, n: usize) -> Self {
        self.max_signatures = n.clamp(1, Self::MAX_SIGNATURES);
        self
    }

    /// The configured maximum number of signatures in a JWS JSON serialization.
    pub fn signatures(&self) -> usize {
        self.max_signatures
    }

    /// The configured maximum decoded protected-header length.
    pub fn header_len(&self) -> usize {
        self.max_header_len
    }

    /// The length limit of a JWS JSON serialization when the largest accepted signature is
    /// `max_sig_len` bytes: per signature, a protected and an unprotected header of the header
    /// limit, the signature and 64 bytes of JSON framing; the payload once. An explicit
    /// [`Limits::max_token_len`] applies instead when set.
    pub fn json_len_for(&self, max_sig_len: usize) -> usize {
        self.max_token_len.unwrap_or_else(|| {
            let per_signature = b64::encoded_len(self.max_header_len)
                .saturating_mul(2)
                .saturating_add(b64::encoded_len(max_sig_len))
                .saturating_add(64);
            per_signature
                .saturating_mul(self.max_signatures)
                .saturating_add(b64::encoded_len(self.max_payload_len))
                .saturating_add(64)
        })
    }

    /// Maximum decoded protected-header length in bytes.
    pub fn max_header_len(mut self, n: usize) -> Self {
        self.max_header_len = n;
        self
    }

    /// Maximum decoded payload length in bytes.
    pub fn max_payload_len(mut self, n: usize) -> Self {
        self.max_payload_len = n;
        self
    }

    /// Maximum JSON nesting depth of header and claims (the top-level object is depth 1).
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// An explicit maximum token length in bytes (otherwise derived).
    pub fn max_token_len(mut self, n: usize) -> Self {
        self.max_token_len = Some(n);
        self
    }

    /// The configured JSON depth limit.
    pub fn depth(&self) -> usize {
        self.max_depth
    }

    /// The configured maximum decoded payload length.
    pub fn payload_len(&self) -> usize {
        self.max_payload_len
    }

    /// The token length limit when the largest accepted signature is `max_sig_len` bytes.
    pub fn token_len_for(&self, max_sig_len: usize) -> usize {
        self.max_token_len.unwrap_or_else(|| {
            b64::encoded_len(self.max_header_len)
                .saturating_add(b64::encoded_len(self.max_payload_len))
                .saturating_add(b64::encoded_len(max_sig_len))
                .saturating_add(2)
        })
    }
}

/// Whether `bytes` holds ASCII whitespace (RFC 8259's four plus form feed, as
/// `u8::is_ascii_whitespace`). An ML-DSA token is several kilobytes, a DPoP proof up to 12, so
/// this is a vectorized scan: every whitespace byte is at most `b' '`, and a block whose
/// smallest byte is above that (a branch-free minimum) holds none; only a block with a space or
/// a control byte is looked at byte by byte.
fn has_whitespace(bytes: &[u8]) -> bool {
    bytes.chunks(256).any(|block| {
        block.iter().fold(u8::MAX, |low, &b| low.min(b)) <= b' '
            && block
                .iter()
                .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0C' | b'\r'))
    })
}

/// What [`Parsed::parse_taking_jwk`] found for the header's key.
pub(crate) enum HeaderKey<K> {
    /// The caller's key for this exact header segment.
    Known(K),
    /// The header's `jwk` member, if present (not yet checked).
    Jwk(Option<serde_json::Value>),
}

/// A compact JWS split and its header checked, signature not yet verified. Crate-internal: the
/// public ways to read one are [`verify`] and `dangerous`.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    header: Header,
    signing_input: &'a str,
    payload_b64: &'a str,
    signature_b64: &'a str,
}

impl<'a> Parsed<'a> {
    /// Check the size, split into three segments and parse the header. `max_sig_len` is the
    /// largest signature any accepted algorithm produces. No payload or signature decoding.
    pub(crate) fn parse(
        token: &'a str,
        limits: &Limits,
        max_sig_len: usize,
    ) -> Result<Self, Error> {
        Self::parse_inner(token, limits, max_sig_len, |h| {
            Ok((Header::parse(&b64::decode(h)?, limits.max_depth)?, ()))
        })
        .map(|(p, ())| p)
    }

    /// [`Parsed::parse`] for a DPoP proof: `known` may recognise the header segment (base64url,
    /// exactly as sent, already within the size limit) and return its parsed header and key,
    /// which the caller obtained from the very same segment before; otherwise the header is
    /// decoded and its `jwk` taken out and returned (see `Header::parse_taking_jwk`). Every
    /// other check is the same.
    pub(crate) fn parse_taking_jwk<K>(
        token: &'a str,
        limits: &Limits,
        max_sig_len: usize,
        known: impl FnOnce(&str) -> Option<(Header, K)>,
    ) -> Result<(Self, HeaderKey<K>), Error> {
        Self::parse_inner(token, limits, max_sig_len, |h| match known(h) {
            Some((header, key)) => Ok((header, HeaderKey::Known(key))),
            None => {
                let (header, jwk) = Header::parse_taking_jwk(&b64::decode(h)?, limits.max_depth)?;
                Ok((header, HeaderKey::Jwk(jwk)))
            }
        })
    }

    /// The size checks and the split, then `header_of` on the header segment.
    fn parse_inner<X>(
        token: &'a str,
        limits: &Limits,
        max_sig_len: usize,
        header_of: impl FnOnce(&'a str) -> Result<(Header, X), Error>,
    ) -> Result<(Self, X), Error> {
        if token.len() > limits.token_len_for(max_sig_len) {
            return Err(FormatError::TooLarge.into());
        }
        // Whitespace is never part of a compact token: a trailing newline the caller did not
        // strip is named as such, not reported as a bad signature length or base64 later.
        if has_whitespace(token.as_bytes()) {
            return Err(FormatError::Whitespace.into());
        }
        // Exactly two dots (a SIMD scan: an ML-DSA token is several kilobytes long).
        let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
        let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
            return Err(FormatError::SegmentCount.into());
        };
        let (Some(h), Some(p), Some(s), Some(signing_input)) = (
            token.get(..d1),
            token.get(d1 + 1..d2),
            token.get(d2 + 1..),
            token.get(..d2),
        ) else {
            return Err(FormatError::SegmentCount.into());
        };
        if h.len() > b64::encoded_len(limits.max_header_len) {
            return Err(FormatError::HeaderTooLarge.into());
        }
        if p.len() > b64::encoded_len(limits.max_payload_len) {
            return Err(FormatError::PayloadTooLarge.into());
        }
        if s.len() > b64::encoded_len(max_sig_len) {
            return Err(FormatError::SignatureLength.into());
        }
        let (header, extra) = header_of(h)?;
        let parsed = Self {
            header,
            signing_input,
            payload_b64: p,
            signature_b64: s,
        };
        Ok((parsed, extra))
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    pub(crate) fn into_header(self) -> Header {
        self.header
    }

    /// Check that `verifier`'s algorithm accepts the header's, then verify the signature.
    pub(crate) fn verify_signature(
        &self,
        verifier: &(impl JwsVerifier + ?Sized),
    ) -> Result<(), Error> {
        let expected = verifier.algorithm();
        if !expected.accepts_header(self.header.alg()) {
            return Err(AlgorithmError::Mismatch {
                expected,
                found: self.header.alg(),
            }
            .into());
        }
        let sig = b64::decode(self.signature_b64)?;
        verifier.verify(self.signing_input.as_bytes(), &sig)
    }

    /// The JWS signing input, `BASE64URL(header) || '.' || BASE64URL(payload)` (in
    /// `dangerous`).
    pub(crate) fn signing_input(&self) -> &'a str {
        self.signing_input
    }

    /// Decode the signature (in `dangerous`; verification decodes it in `verify_signature`).
    pub(crate) fn signature(&self) -> Result<Vec<u8>, Error> {
        b64::decode(self.signature_b64)
    }

    /// Decode the payload (call after the signature verified, or in `dangerous`).
    pub(crate) fn payload(&self) -> Result<Vec<u8>, Error> {
        b64::decode(self.payload_b64)
    }
}

/// A JWS whose signature verified: its header and payload.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJws {
    header: Header,
    payload: Vec<u8>,
}

impl VerifiedJws {
    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The payload bytes, by value.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }
}

/// Sign `payload` as a compact JWS. The header's `alg` must be the signer's algorithm
/// ([`Header::new`] with [`JwsSigner::algorithm`]); use [`sign_payload`] to have it filled in.
pub fn sign(
    signer: &(impl JwsSigner + ?Sized),
    header: &Header,
    payload: &[u8],
) -> Result<String, Error> {
    sign_with_jwk(signer, header, None, payload)
}

/// [`sign`] with a `jwk` member in the protected header (DPoP proofs only; `jwk` must be a
/// public JWK).
pub(crate) fn sign_with_jwk(
    signer: &(impl JwsSigner + ?Sized),
    header: &Header,
    jwk: Option<serde_json::Value>,
    payload: &[u8],
) -> Result<String, Error> {
    if header.alg() != signer.algorithm() {
        return Err(AlgorithmError::Mismatch {
            expected: signer.algorithm(),
            found: header.alg(),
        }
        .into());
    }
    let header_json = match jwk {
        None => header.to_json()?,
        Some(jwk) => header.to_json_with_jwk(jwk)?,
    };
    let mut out = b64::encode(&header_json);
    out.push('.');
    out.push_str(&b64::encode(payload));
    let sig = signer.sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&b64::encode(&sig));
    Ok(out)
}

/// Sign `payload` with a header of `{alg, kid}` taken from the signer.
pub fn sign_payload(signer: &(impl JwsSigner + ?Sized), payload: &[u8]) -> Result<String, Error> {
    let mut header = Header::new(signer.algorithm());
    if let Some(kid) = signer.key_id() {
        header = header.with_kid(kid);
    }
    sign(signer, &header, payload)
}

/// Verify a compact JWS with one key under the default [`Limits`]: size, structure, header,
/// algorithm (the key's, never the header's choice), then the signature. The payload is returned
/// uninterpreted; for JWTs use the `jwt` validator.
pub fn verify(verifier: &(impl JwsVerifier + ?Sized), token: &str) -> Result<VerifiedJws, Error> {
    verify_with_limits(verifier, token, &Limits::default())
}

/// [`verify`] with explicit limits.
pub fn verify_with_limits(
    verifier: &(impl JwsVerifier + ?Sized),
    token: &str,
    limits: &Limits,
) -> Result<VerifiedJws, Error> {
    let alg: Algorithm = verifier.algorithm();
    let parsed = Parsed::parse(token, limits, alg.max_signature_len())?;
    parsed.verify_signature(verifier)?;
    let payload = parsed.payload()?;
    Ok(VerifiedJws {
        header: parsed.header,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::has_whitespace;

    #[test]
    fn whitespace_scan_agrees_with_std_at_every_position() {
        assert!(!has_whitespace(b""));
        for len in [1, 63, 64, 65, 200, 255, 256, 257, 600] {
            let clean = vec![b'A'; len];
            assert!(!has_whitespace(&clean));
            for at in [0, len / 2, len - 1] {
                for b in 0..=u8::MAX {
                    let mut t = clean.clone();
                    t[at] = b;
                    assert_eq!(
                        has_whitespace(&t),
                        b.is_ascii_whitespace(),
                        "{len} {at} {b}"
                    );
                }
            }
        }
    }
}
