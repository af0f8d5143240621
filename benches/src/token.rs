//! Token minting and verification as an application does it: a header with `typ` and `kid`,
//! the [`Claims`], and on verify the claims checked (`exp`, `nbf`, `iss`, `aud`).
//!
//! Until the JWT layer (TokenBuilder / Validation) lands this uses the compact JWS API and checks
//! the claims here; the cost is the same shape (one JSON parse of the claims after the signature).

use pqjose::{Algorithm, Error, JwsSigner, JwsVerifier, SigningKey, jws};

use crate::{AUDIENCE, Claims, ISSUER};

/// Sign `claims` as a JWT.
pub fn mint(key: &SigningKey, claims: &Claims) -> String {
    let payload = serde_json::to_vec(claims).expect("claims");
    let header = pqjose::Header::new(key.algorithm())
        .with_kid(key.kid())
        .with_typ("JWT");
    jws::sign(key, &header, &payload).expect("sign")
}

/// Verify a JWT against one verifier and check its claims at `now`.
pub fn verify(verifier: &(impl JwsVerifier + ?Sized), token: &str, now: i64) -> Result<Claims, Error> {
    let verified = jws::verify(verifier, token)?;
    let claims: Claims = serde_json::from_slice(verified.payload())
        .map_err(|_| Error::Format(pqjose::FormatError::PayloadJson))?;
    let leeway = 30;
    if claims.exp + leeway <= now || claims.nbf - leeway > now {
        return Err(Error::Claims(pqjose::ClaimsError::Expired));
    }
    if claims.iss != ISSUER || claims.aud != AUDIENCE {
        return Err(Error::Claims(pqjose::ClaimsError::Issuer));
    }
    Ok(claims)
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
