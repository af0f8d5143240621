//! The seam: [`JwsSigner`] and [`JwsVerifier`], over the JWS signing input, with the algorithm
//! bound to the key.
//!
//! pqjose's own [`crate::SigningKey`] and [`crate::VerifyingKey`] implement them; so can an
//! HSM, a KMS client or another implementation, and every token API accepts either.

use crate::alg::Algorithm;
use crate::error::Error;

/// Something that produces JWS signatures for one algorithm.
pub trait JwsSigner: Send + Sync {
    /// The algorithm this signer is bound to; it becomes the header's `alg`.
    fn algorithm(&self) -> Algorithm;

    /// The key id to put in the header's `kid`, if any.
    fn key_id(&self) -> Option<&str> {
        None
    }

    /// Sign the JWS signing input (`BASE64URL(header) || '.' || BASE64URL(payload)`), returning
    /// the raw signature bytes. Fallible: never panics.
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error>;
}

/// Something that verifies JWS signatures for one algorithm.
pub trait JwsVerifier: Send + Sync {
    /// The algorithm this verifier is bound to. The token header's `alg` must agree with it
    /// (see [`Algorithm::accepts_header`]); the header never chooses the algorithm.
    fn algorithm(&self) -> Algorithm;

    /// The key id of this verifier, if any.
    fn key_id(&self) -> Option<&str> {
        None
    }

    /// Verify `signature` over the JWS signing input. Any failure is an error; a bad signature
    /// is [`Error::InvalidSignature`] with no further detail.
    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error>;
}

impl<T: JwsSigner + ?Sized> JwsSigner for &T {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        (**self).key_id()
    }
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        (**self).sign(signing_input)
    }
}

impl<T: JwsVerifier + ?Sized> JwsVerifier for &T {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        (**self).key_id()
    }
    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        (**self).verify(signing_input, signature)
    }
}
