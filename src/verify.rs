//! The single JWT verification pipeline, in this order and no other:
//!
//! 1. size limits (before any base64 or JSON work),
//! 2. header: split, strict base64url, strict JSON, `alg` allowed, `kid` bounded,
//! 3. key selection: the key decides the algorithm; the header only has to agree with it,
//! 4. signature,
//! 5. claims: the payload is decoded and parsed once, as strict JSON, then every check of the
//!    [`Validation`] runs, the custom claims are deserialized, and finally the replay store is
//!    consulted.
//!
//! Only then does a [`Verified`] exist.

use serde::de::DeserializeOwned;

use crate::alg::Algorithm;
use crate::claims::{self, Claims, CustomClaims};
use crate::error::Error;
use crate::header::Header;
use crate::jws::Parsed;
use crate::keyset::KeySet;
use crate::signer::JwsVerifier;
use crate::time::NumericDate;
use crate::validate::Validation;

/// A JWT whose signature and every claim check passed. There is no other way to obtain one.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified<T = CustomClaims> {
    header: Header,
    claims: Claims<T>,
    payload: Vec<u8>,
    algorithm: Algorithm,
    kid: Option<String>,
}

impl<T> Verified<T> {
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
}

impl Validation {
    /// Verify `token` with one key, then check its claims. The token's `kid`, if any, is not
    /// compared with the key's (the caller chose the key); use [`Validation::verify_with_keys`]
    /// to select among several.
    ///
    /// `T` receives the custom claims (every member except the registered ones); use
    /// [`CustomClaims`] to keep them as a JSON map.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        key: &(impl JwsVerifier + ?Sized),
    ) -> Result<Verified<T>, Error> {
        let now = self.now();
        let alg = key.algorithm();
        let parsed = Parsed::parse(token, self.limits_ref(), alg.max_signature_len())?;
        self.check_header(parsed.header())?;
        self.check_key_alg(alg)?;
        parsed.verify_signature(key)?;
        self.finish(parsed, alg, key.key_id(), now)
    }

    /// Verify `token` against a [`KeySet`], then check its claims.
    ///
    /// The key is chosen by the token's `kid`, then by algorithm, among the keys usable now
    /// whose algorithm the policy allows; a token without `kid` is tried against at most
    /// [`crate::MAX_KIDLESS_CANDIDATES`] keys of its algorithm. The set is read through
    /// one lock-free snapshot, so concurrent rotation never affects a verification midway.
    pub fn verify_with_keys<T: DeserializeOwned>(
        &self,
        token: &str,
        keys: &KeySet,
    ) -> Result<Verified<T>, Error> {
        let now = self.now();
        let snapshot = keys.snapshot();
        if snapshot.is_empty() {
            // Nothing could verify it; do not even look at it.
            return Err(Error::KeyNotFound);
        }
        let parsed = Parsed::parse(token, self.limits_ref(), snapshot.max_signature_len())?;
        let header = parsed.header();
        self.check_header(header)?;
        let candidates = snapshot.select(header.alg(), header.kid(), now, |a| self.allows(a))?;
        let mut last = Error::InvalidSignature;
        for c in candidates {
            match parsed.verify_signature(c.verifier) {
                Ok(()) => return self.finish(parsed, c.alg, c.kid, now),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// After the signature verified: decode and parse the payload once, check the claims,
    /// deserialize the custom ones, and last consult the replay store (so a token refused for
    /// any other reason does not use up its `jti`).
    fn finish<T: DeserializeOwned>(
        &self,
        parsed: Parsed<'_>,
        algorithm: Algorithm,
        key_kid: Option<&str>,
        now: NumericDate,
    ) -> Result<Verified<T>, Error> {
        let payload = parsed.payload()?;
        let (registered, rest) = claims::parse_payload(&payload, self.limits_ref().depth())?;
        let header = parsed.into_header();
        self.check_claims(&header, &registered, &rest, now)?;
        let claims: Claims<T> = registered.with_custom_from(rest)?;
        self.check_replay(&claims, key_kid.or(header.kid()), now)?;
        let kid = key_kid.map(str::to_owned);
        Ok(Verified {
            header,
            claims,
            payload,
            algorithm,
            kid,
        })
    }
}
