//! **Reading a token without verifying it.** Nothing here checks a signature or a claim: every
//! value it returns may have been written by an attacker.
//!
//! Use it to show a token to a person (`pqjose inspect`) or to log why one was refused, never to
//! decide anything. To trust a token, use [`crate::Validation::verify`] or
//! [`crate::Validation::verify_with_keys`].
//!
//! The structure is still checked as strictly as when verifying (size limits, three segments,
//! strict base64url, a header without duplicate members, `crit`, `b64: false` or embedded keys,
//! and `alg` not `none`), so a token this module refuses is also refused by the verifier.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::error::Error;
use crate::format::header::Header;
use crate::jws::{Limits, Parsed};
use crate::jwt::claims::{self, Claims};

/// A token's parts, decoded but **not verified**.
#[derive(Clone, Debug, PartialEq)]
pub struct UnverifiedToken {
    header: Header,
    signing_input: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
    token_len: usize,
    max_depth: usize,
}

/// Decode `token` without verifying its signature or claims, under the default [`Limits`]
/// (with room for the largest signature of any algorithm).
pub fn decode_unverified(token: &str) -> Result<UnverifiedToken, Error> {
    decode_unverified_with_limits(token, &Limits::default())
}

/// [`decode_unverified`] with explicit limits.
pub fn decode_unverified_with_limits(
    token: &str,
    limits: &Limits,
) -> Result<UnverifiedToken, Error> {
    let largest = Algorithm::ALL
        .iter()
        .map(|a| a.max_signature_len())
        .max()
        .unwrap_or(0);
    let parsed = Parsed::parse(token, limits, largest)?;
    let payload = parsed.payload()?;
    let signature = parsed.signature()?;
    let signing_input = parsed.signing_input().to_owned();
    Ok(UnverifiedToken {
        signing_input,
        header: parsed.into_header(),
        payload,
        signature,
        token_len: token.len(),
        max_depth: limits.depth(),
    })
}

/// Parse `payload` as a JWT claims set (unverified), as strictly as [`UnverifiedToken::claims`]
/// does under the default [`Limits`]: UTF-8, one JSON object, no duplicate member, bounded
/// depth, registered claims well typed. For a payload whose signature was checked some other
/// way (a `--raw` JWS, an HSM): nothing here says who wrote it, and no claim is validated.
///
/// ```
/// use pqjose::{CustomClaims, dangerous};
///
/// let claims = dangerous::parse_claims::<CustomClaims>(br#"{"jti":"j1","exp":2000000000}"#)?;
/// assert_eq!(claims.jwt_id(), Some("j1"));
/// assert!(dangerous::parse_claims::<CustomClaims>(br#"{"jti":"a","jti":"b"}"#).is_err());
/// # Ok::<(), pqjose::Error>(())
/// ```
pub fn parse_claims<T: DeserializeOwned>(payload: &[u8]) -> Result<Claims<T>, Error> {
    let (registered, rest) = claims::parse_payload(payload, Limits::default().depth())?;
    registered.with_custom_from(rest)
}

impl UnverifiedToken {
    /// The protected header (unverified).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The payload bytes (unverified).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signature bytes (base64url-decoded, **not verified**): with
    /// [`UnverifiedToken::signing_input`], what a caller verifying with its own HSM or
    /// cryptographic backend needs. Check the header's `alg` against the key's before trusting
    /// any result.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The JWS signing input (RFC 7515 §5.2): the ASCII bytes `BASE64URL(header) '.'
    /// BASE64URL(payload)` exactly as they appear in the token, the message the signature is
    /// over. Unverified by construction: pqjose checked its structure only.
    ///
    /// ```
    /// use pqjose::{Algorithm, SigningKey, TokenBuilder, dangerous};
    ///
    /// let key = SigningKey::generate(Algorithm::Ed25519)?;
    /// let token = TokenBuilder::new().subject("alice").sign(&key)?;
    /// let parts = dangerous::decode_unverified(&token)?;
    /// // Hand these to the HSM or backend that holds the public key:
    /// assert!(token.as_bytes().starts_with(parts.signing_input()));
    /// assert_eq!(parts.signature().len(), 64);
    /// # Ok::<(), pqjose::Error>(())
    /// ```
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The length of the compact token in bytes.
    pub fn token_len(&self) -> usize {
        self.token_len
    }

    /// The payload as a JSON object (unverified), parsed strictly: UTF-8, no duplicate member,
    /// bounded depth. Claim types are not checked.
    pub fn claims_json(&self) -> Result<Map<String, Value>, Error> {
        claims::parse_object(&self.payload, self.max_depth)
    }

    /// The claims, typed (unverified): registered claims must have their proper types, as when
    /// verifying; `T` receives the custom ones.
    pub fn claims<T: DeserializeOwned>(&self) -> Result<Claims<T>, Error> {
        let (registered, rest) = claims::parse_payload(&self.payload, self.max_depth)?;
        registered.with_custom_from(rest)
    }
}
