//! [`Verified`]: what the verification pipeline (`super::verify`) hands out once a JWT's
//! signature and every claim check passed, and the token's `cnf.jkt` read on the way.

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::error::{ClaimName, ClaimsError, Error};
use crate::format::header::Header;
use crate::jwt::claims::{Claims, CustomClaims};

/// A JWT whose signature and every claim check passed. There is no other way to obtain one.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified<T = CustomClaims> {
    header: Header,
    claims: Claims<T>,
    payload: Vec<u8>,
    algorithm: Algorithm,
    kid: Option<String>,
    /// The payload's `cnf.jkt`, read while the claims were parsed (a DPoP binding check then
    /// does not parse the payload again).
    cnf_jkt: CnfJkt,
}

/// A token's RFC 7800 confirmation by JWK thumbprint (`cnf.jkt`, RFC 9449 §6.1).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CnfJkt {
    /// No `cnf`, or a `cnf` without `jkt`.
    Absent,
    Jkt(String),
    /// `cnf` is not an object, or its `jkt` not a string.
    Invalid,
}

/// The `cnf.jkt` among a payload's non-registered members: `None` without `cnf` or without
/// `cnf.jkt`; an error (`cnf` invalid) when `cnf` is not an object or `jkt` not a string.
pub(crate) fn cnf_jkt(rest: &Map<String, Value>) -> Result<Option<&str>, Error> {
    match rest.get("cnf") {
        None => Ok(None),
        Some(Value::Object(cnf)) => match cnf.get("jkt") {
            None => Ok(None),
            Some(Value::String(jkt)) => Ok(Some(jkt)),
            Some(_) => Err(invalid_cnf()),
        },
        Some(_) => Err(invalid_cnf()),
    }
}

impl CnfJkt {
    /// The `cnf.jkt` among a payload's non-registered members.
    pub(crate) fn of(rest: &Map<String, Value>) -> Self {
        match cnf_jkt(rest) {
            Ok(None) => Self::Absent,
            Ok(Some(jkt)) => Self::Jkt(jkt.to_owned()),
            Err(_) => Self::Invalid,
        }
    }
}

fn invalid_cnf() -> Error {
    ClaimsError::Invalid(ClaimName::Custom("cnf".into())).into()
}

impl<T> Verified<T> {
    /// Made by the verification pipeline only, once every check passed.
    pub(crate) fn new(
        header: Header,
        claims: Claims<T>,
        payload: Vec<u8>,
        algorithm: Algorithm,
        kid: Option<String>,
        cnf_jkt: CnfJkt,
    ) -> Self {
        Self {
            header,
            claims,
            payload,
            algorithm,
            kid,
            cnf_jkt,
        }
    }

    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The claims.
    pub fn claims(&self) -> &Claims<T> {
        &self.claims
    }

    /// The custom claims.
    pub fn custom(&self) -> &T {
        self.claims.custom()
    }

    /// The claims, by value.
    pub fn into_claims(self) -> Claims<T> {
        self.claims
    }

    /// The verified payload exactly as signed (the claims JSON text, UTF-8).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The algorithm of the key that verified the signature.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The id of the key that verified the signature, if it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The payload's `cnf.jkt` (see [`cnf_jkt`]).
    pub(crate) fn cnf_jkt(&self) -> Result<Option<&str>, Error> {
        match &self.cnf_jkt {
            CnfJkt::Absent => Ok(None),
            CnfJkt::Jkt(jkt) => Ok(Some(jkt)),
            CnfJkt::Invalid => Err(invalid_cnf()),
        }
    }
}
