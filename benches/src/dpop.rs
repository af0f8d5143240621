//! The DPoP fixture of the `profiles` and `dpop_icount` binaries: a client key, an access token
//! bound to it (`cnf.jkt`) by an issuer, one proof presenting it, and the verifiers.

use std::hint::black_box;
use std::time::Duration;

use pqjose::dpop::{ProofBuilder, ProofVerifier};
use pqjose::{
    Algorithm, CustomClaims, JwsVerifier, SigningKey, TokenBuilder, Verified, VerifyingKey,
};

use crate::{AUDIENCE, ISSUER, keys, token};

/// The request every proof is for.
pub const HTM: &str = "POST";
/// See [`HTM`].
pub const HTU: &str = "https://api.example.com/orders";

/// One client, one bound access token, one proof.
pub struct DpopFixture {
    /// The client's key.
    pub client: SigningKey,
    /// Its public half, parsed once (the raw verify's key).
    pub client_vk: VerifyingKey,
    /// The issuer's key.
    pub issuer: SigningKey,
    /// Its public half.
    pub issuer_vk: VerifyingKey,
    /// The access token, `cnf.jkt` = the client key's thumbprint.
    pub access_token: String,
    /// The access token, verified.
    pub bound: Verified<CustomClaims>,
    /// A proof for [`HTM`] [`HTU`] presenting the access token.
    pub proof: String,
    /// The proof's signing input.
    pub input: Vec<u8>,
    /// The proof's signature.
    pub signature: Vec<u8>,
    /// No replay store (each run verifies the same proof), a window longer than the run.
    pub cached: ProofVerifier,
    /// The same with the proof-key cache off.
    pub uncached: ProofVerifier,
}

impl DpopFixture {
    /// Keys, token and proof for `alg`.
    pub fn new(alg: Algorithm) -> Self {
        let (client, client_vk) = keys(alg);
        let (issuer, issuer_vk) = keys(alg);
        let access_token = TokenBuilder::new()
            .issuer(ISSUER)
            .subject("agent-7f3a/task-0192")
            .audience(AUDIENCE)
            .ttl(Duration::from_secs(3600))
            .claim("scope", "inventory:read orders:write")
            .cnf_jkt(client_vk.thumbprint().expect("thumbprint"))
            .sign(&issuer)
            .expect("access token");
        let bound = token::validation()
            .verify::<CustomClaims>(&access_token, &issuer_vk)
            .expect("access token verifies");
        let proof = ProofBuilder::new(HTM, HTU)
            .expect("proof builder")
            .access_token(&access_token)
            .sign(&client)
            .expect("proof");
        let (input, signature) = token::split(&proof);
        let cached = ProofVerifier::new().max_age(Duration::from_secs(3600));
        Self {
            client,
            client_vk,
            issuer,
            issuer_vk,
            access_token,
            bound,
            proof,
            input,
            signature,
            uncached: cached.clone().key_cache_capacity(0),
            cached,
        }
    }

    /// The backend verify of the proof's signing input.
    pub fn raw(&self) {
        self.client_vk
            .verify(black_box(&self.input), black_box(&self.signature))
            .expect("raw verify");
    }

    /// The proof verified with its access token by `verifier`, and the token's binding.
    pub fn verify(&self, verifier: &ProofVerifier) {
        let p = verifier
            .verify_with_access_token(black_box(&self.proof), HTM, HTU, &self.access_token)
            .expect("proof verifies");
        p.check_binding(&self.bound).expect("bound");
        black_box(p);
    }
}
