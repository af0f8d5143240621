//! Tokens as an application mints and checks them: [`TokenBuilder`] with a typical claims set,
//! and [`Validation`] with issuer, audience, `exp`/`nbf`/`iat` checks (RFC 8725 defaults).

use std::time::Duration;

use pqjose::{Algorithm, Error, JwsSigner, JwsVerifier, SigningKey, TokenBuilder, Validation};
use serde::{Deserialize, Serialize};

use crate::{AUDIENCE, ISSUER};

/// The subject of every benchmark token.
const SUBJECT: &str = "agent-7f3a/task-0192";
/// The `scope` claim of every benchmark token.
const SCOPE: &str = "inventory:read orders:write";

/// The custom claims of a typical per-task token (registered claims are pqjose's).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Custom {
    /// Granted scopes.
    pub scope: String,
    /// Padding to grow the claims (allocation counting); absent by default.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pad: String,
}

/// The whole claims set, as a peer library sees it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PeerClaims {
    /// Issuer.
    pub iss: String,
    /// Subject.
    pub sub: String,
    /// Audience.
    pub aud: String,
    /// Expiry.
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Token id.
    pub jti: String,
    /// Granted scopes.
    pub scope: String,
}

impl PeerClaims {
    /// The claims of a typical token (as [`builder`] makes them) issued now, with `jti`.
    pub fn now(jti: String) -> Self {
        // The bench measures wall-clock issuance, as jsonwebtoken callers do it.
        #[allow(clippy::disallowed_methods)]
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs() as i64;
        PeerClaims {
            iss: ISSUER.to_owned(),
            sub: SUBJECT.to_owned(),
            aud: AUDIENCE.to_owned(),
            exp: now + 3600,
            iat: now,
            jti,
            scope: SCOPE.to_owned(),
        }
    }
}

/// A builder for typical tokens: `iss`, `sub`, `aud`, `iat`, `exp` (one hour), a random `jti`,
/// `scope`, and `pad` extra bytes of padding (0 for a typical token, about 250 bytes of claims).
pub fn builder(pad: usize) -> TokenBuilder<Custom> {
    TokenBuilder::with_custom(Custom {
        scope: SCOPE.to_owned(),
        pad: "x".repeat(pad),
    })
    .issuer(ISSUER)
    .subject(SUBJECT)
    .audience(AUDIENCE)
    .ttl(Duration::from_secs(3600))
}

/// Sign a typical token.
pub fn mint(key: &SigningKey) -> String {
    builder(0).sign(key).expect("sign")
}

/// The gateway's policy: issuer, audience, default leeway, `exp` required.
pub fn validation() -> Validation {
    Validation::new().issuer(ISSUER).audience(AUDIENCE)
}

/// Verify and validate a token against one key.
pub fn verify(
    validation: &Validation,
    verifier: &(impl JwsVerifier + ?Sized),
    token: &str,
) -> Result<pqjose::Verified<Custom>, Error> {
    validation.verify::<Custom>(token, verifier)
}

/// A verifier that accepts every signature: verifying through it measures everything but the
/// cryptography (size checks, base64, JSON, claims).
#[derive(Debug, Clone, Copy)]
pub struct AcceptAll(pub Algorithm);

impl JwsVerifier for AcceptAll {
    fn algorithm(&self) -> Algorithm {
        self.0
    }
    fn verify(&self, _: &[u8], _: &[u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// The signing input and signature of a token (for the raw backend benchmarks).
pub fn split(token: &str) -> (Vec<u8>, Vec<u8>) {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let (input, sig) = token.rsplit_once('.').expect("three segments");
    (
        input.as_bytes().to_vec(),
        Base64UrlUnpadded::decode_vec(sig).expect("base64url"),
    )
}

/// Sign raw bytes through the seam (the backend, no JOSE work).
pub fn raw_sign(key: &SigningKey, msg: &[u8]) -> Vec<u8> {
    JwsSigner::sign(key, msg).expect("sign")
}
