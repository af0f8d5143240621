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
    Ok(UnverifiedToken {
        header: parsed.into_header(),
        payload,
        signature,
        token_len: token.len(),
        max_depth: limits.depth(),
    })
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

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
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
