//! DPoP: proof of possession for OAuth access tokens (RFC 9449).
//!
//! A client signs a short proof JWT (`typ` `dpop+jwt`) with its own key, carrying the public
//! key in the header (`jwk`) and the request in the claims (`htm`, `htu`, `iat`, `jti`, and
//! `ath` when it presents an access token). The authorization server binds the access token to
//! that key (`cnf.jkt`, the RFC 7638 thumbprint), so a stolen token is useless without it.
//!
//! This is the only place where pqjose uses a key carried in a header, and only to verify that
//! proof's own signature: the key's algorithm must be the header's `alg` and allowed by the
//! policy, and a `jwk` with private members is refused. Everything else goes through the
//! JWT pipeline (size limits first, strict header and claims, signature, then the checks of
//! RFC 9449 §4.3, then the `jti` in the [`ReplayStore`]).
//!
//! A client's proofs repeat one header (its key), so a [`ProofVerifier`] keeps the parsed
//! header and imported key of recent proof headers, bounded, used only for a byte-identical
//! header (see [`ProofVerifier::key_cache_capacity`]): importing an ML-DSA key costs as much as
//! verifying the signature.
//!
//! ```
//! use pqjose::dpop::{ProofBuilder, ProofVerifier};
//! use pqjose::{Algorithm, SigningKey};
//!
//! let client_key = SigningKey::generate(Algorithm::MlDsa65)?;
//! let proof = ProofBuilder::new("POST", "https://as.example/token?x=1")?.sign(&client_key)?;
//!
//! let verified = ProofVerifier::new().verify(&proof, "POST", "https://as.example/token")?;
//! assert_eq!(verified.jkt(), client_key.thumbprint()?);
//! # Ok::<(), pqjose::Error>(())
//! ```

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::TokenBuilder;
use crate::alg::Algorithm;
use crate::error::{AlgorithmError, ClaimName, ClaimsError, Error, KeyError, ProfileError};
use crate::format::header::Header;
use crate::format::jwk::Jwk;
use crate::jws::{self, JwsVerifier, Limits};
use crate::jwt::builder::random_jti;
use crate::jwt::claims::{Claims, CustomClaims};
use crate::jwt::replay::{ReplayStore, TokenUse};
use crate::jwt::validate::{AlgorithmPolicy, ClaimsCheck, Validation};
use crate::jwt::verify::{Verified, cnf_jkt};
use crate::keys::{KeySet, SigningKey, VerifyingKey};
use crate::profiles::{has_secret_material, same, token_hash, uri};
use crate::time::{Clock, NumericDate, SystemClock};

mod key_cache;

pub use key_cache::DEFAULT_KEY_CACHE_CAPACITY;
use key_cache::{AthMemo, ProofKeyCache};

/// The proof's header `typ` (RFC 9449 §4.2).
pub const DPOP_TYP: &str = "dpop+jwt";

/// The issuer under which a [`ProofVerifier`] records a proof's `jti` in its [`ReplayStore`],
/// followed by the proof key's RFC 7638 thumbprint: `jti`s are scoped by proof key, apart from
/// the `jti`s of tokens (scoped by their `iss`).
pub const PROOF_JTI_SCOPE: &str = "dpop-proof-key:";

/// Default oldest acceptable proof: `iat` at most 60 s before the verifier's clock.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60);

/// Default clock skew for proofs: `iat` at most 5 s after the verifier's clock.
pub const DEFAULT_MAX_FUTURE: Duration = Duration::from_secs(5);

/// The longest proof accepted, in bytes: room for the largest key pqjose makes proofs with in
/// the header (ML-DSA-87 with ECDSA P-384, about 11.5 KB with a long `htu`), and not much more.
pub const MAX_PROOF_LEN: usize = 12 * 1024;

/// The longest decoded proof header (its `jwk` holds an ML-DSA-87 public key of 2592 bytes,
/// 3456 in base64url).
const MAX_PROOF_HEADER_LEN: usize = 4 * 1024;

/// The longest decoded proof payload (`htu` and `nonce` are the long ones).
const MAX_PROOF_PAYLOAD_LEN: usize = 4 * 1024;

/// Size limits for DPoP proofs (see [`MAX_PROOF_LEN`]).
fn proof_limits() -> Limits {
    Limits::new()
        .max_header_len(MAX_PROOF_HEADER_LEN)
        .max_payload_len(MAX_PROOF_PAYLOAD_LEN)
        .max_token_len(MAX_PROOF_LEN)
}

/// An HTTP method is an RFC 9110 `token`.
fn check_method(htm: &str) -> Result<(), Error> {
    let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if htm.is_empty() || htm.len() > 64 || !htm.bytes().all(tchar) {
        return Err(ProfileError::ProofMethod.into());
    }
    Ok(())
}

/// Creates DPoP proofs (RFC 9449 §4.2) for one request.
///
/// `htu` is the request URI without its query and fragment (stripped here); `jti` is 128
/// random bits; `iat` comes from the clock. The header carries `typ` `dpop+jwt`, the key's
/// `alg` and its public JWK (without `kid`).
#[derive(Clone)]
pub struct ProofBuilder {
    htm: String,
    htu: String,
    ath: Option<String>,
    nonce: Option<String>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for ProofBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofBuilder")
            .field("htm", &self.htm)
            .field("htu", &self.htu)
            .field("ath", &self.ath.is_some())
            .field("nonce", &self.nonce.is_some())
            .finish_non_exhaustive()
    }
}

impl ProofBuilder {
    /// A proof for the request `htm` (an HTTP method, case-sensitive) to `htu` (an absolute
    /// `http`/`https` URI; its query and fragment are left out of the proof).
    pub fn new(htm: &str, htu: &str) -> Result<Self, Error> {
        check_method(htm)?;
        Ok(Self {
            htm: htm.to_owned(),
            htu: uri::strip(htu)?.to_owned(),
            ath: None,
            nonce: None,
            clock: Arc::new(SystemClock),
        })
    }

    /// Present `access_token` with the request: the proof carries its hash (`ath`).
    pub fn access_token(mut self, access_token: &str) -> Self {
        self.ath = Some(token_hash(access_token));
        self
    }

    /// The nonce the server supplied (`DPoP-Nonce`).
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Take `iat` from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sign a proof with `key` (any asymmetric algorithm; HMAC keys have no public form and are
    /// refused). Each call makes a fresh `jti` and `iat`.
    pub fn sign(&self, key: &SigningKey) -> Result<String, Error> {
        let mut jwk = key.to_public_jwk()?;
        jwk.kid = None;
        let jwk = serde_json::to_value(&jwk).map_err(|_| Error::Key(KeyError::MalformedJwk))?;
        let header = Header::new(key.algorithm()).with_typ(DPOP_TYP);
        let mut claims = Map::new();
        claims.insert("jti".into(), Value::String(random_jti()?));
        claims.insert("htm".into(), Value::String(self.htm.clone()));
        claims.insert("htu".into(), Value::String(self.htu.clone()));
        claims.insert("iat".into(), Value::from(self.clock.now().as_secs()));
        if let Some(ath) = &self.ath {
            claims.insert("ath".into(), Value::String(ath.clone()));
        }
        if let Some(nonce) = &self.nonce {
            claims.insert("nonce".into(), Value::String(nonce.clone()));
        }
        let payload = serde_json::to_vec(&claims)
            .map_err(|_| Error::Format(crate::error::FormatError::PayloadJson))?;
        jws::sign_with_jwk(key, &header, Some(jwk), &payload)
    }
}

/// Verifies DPoP proofs (RFC 9449 §4.3).
///
/// Defaults: every asymmetric algorithm pqjose implements ([`AlgorithmPolicy::Any`]; narrow
/// it with [`policy`](Self::policy) or [`algorithms`](Self::algorithms)); `iat` at most
/// [`DEFAULT_MAX_AGE`] old and [`DEFAULT_MAX_FUTURE`] ahead; no nonce required; no replay
/// store (set one: without it a proof can be replayed within the window); proofs at most
/// [`MAX_PROOF_LEN`] bytes; up to [`DEFAULT_KEY_CACHE_CAPACITY`] proof keys kept parsed (see
/// [`key_cache_capacity`](Self::key_cache_capacity)).
///
/// Clones share the key cache; a verifier is `Send + Sync` and meant to be shared by the
/// threads of a server.
#[derive(Clone)]
pub struct ProofVerifier {
    validation: Validation,
    max_age: Duration,
    nonce: Option<String>,
    replay: Option<Arc<dyn ReplayStore>>,
    keys: Arc<ProofKeyCache>,
}

impl fmt::Debug for ProofVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofVerifier")
            .field("validation", &self.validation)
            .field("max_age", &self.max_age)
            .field("nonce", &self.nonce.is_some())
            .field("replay", &self.replay.is_some())
            .field("keys", &self.keys)
            .finish()
    }
}

impl Default for ProofVerifier {
    fn default() -> Self {
        Self {
            validation: Validation::new()
                .typ(DPOP_TYP)
                .allow_missing_exp()
                .leeway(DEFAULT_MAX_FUTURE)
                .limits(proof_limits()),
            max_age: DEFAULT_MAX_AGE,
            nonce: None,
            replay: None,
            keys: Arc::new(ProofKeyCache::new(DEFAULT_KEY_CACHE_CAPACITY)),
        }
    }
}

/// The proof key taken from the header: used for this proof's signature only.
#[derive(Clone)]
struct ProofKey {
    key: VerifyingKey,
    jwk: Arc<Jwk>,
    jkt: String,
    /// The cache entry's memo of the last access token's `ath`: present exactly when the key
    /// came from the cache (the cache gives every entry one).
    ath: Option<Arc<AthMemo>>,
}

impl ProofKey {
    /// Whether the key came from the cache (else it is inserted once it has verified).
    fn cached(&self) -> bool {
        self.ath.is_some()
    }

    /// Whether `ath` is the hash of `token` (RFC 9449 §4.3 check 11).
    fn ath_matches(&self, token: &str, ath: &str) -> bool {
        match &self.ath {
            Some(memo) => memo.ath_matches(token, ath),
            None => same(ath, &token_hash(token)),
        }
    }
}

impl JwsVerifier for ProofKey {
    fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        None
    }
    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.key.verify(signing_input, signature)
    }
}

/// Check the header's `jwk` (present, an object, no private member, a key for the header's
/// `alg`) and make it a verifier.
fn proof_key(header: &Header, jwk: Option<Value>) -> Result<ProofKey, Error> {
    let Some(Value::Object(map)) = jwk else {
        return Err(ProfileError::ProofKey.into());
    };
    if has_secret_material(&map) {
        return Err(ProfileError::ProofKeyPrivate.into());
    }
    let mut jwk = Jwk::from_map(map).map_err(|_| Error::Profile(ProfileError::ProofKey))?;
    let jkt = jwk
        .thumbprint()
        .map_err(|_| Error::Profile(ProfileError::ProofKey))?;
    // The thumbprint doubles as the key id, so the key is not fingerprinted twice.
    jwk.kid = Some(jkt.clone());
    let key = VerifyingKey::from_jwk_with_alg(&jwk, header.alg()).map_err(|e| match e {
        Error::Algorithm(AlgorithmError::Mismatch { .. }) => e,
        _ => ProfileError::ProofKey.into(),
    })?;
    jwk.kid = None;
    Ok(ProofKey {
        key,
        jwk: Arc::new(jwk),
        jkt,
        ath: None,
    })
}

fn text<'a>(claims: &'a CustomClaims, name: &str) -> Result<&'a str, Error> {
    match claims.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ClaimsError::Invalid(ClaimName::Custom(name.into())).into()),
        None => Err(ClaimsError::Missing(ClaimName::Custom(name.into())).into()),
    }
}

impl ProofVerifier {
    /// The defaults (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// The algorithm policy for proofs.
    pub fn policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.validation = self.validation.policy(policy);
        self
    }

    /// An explicit allow-list of proof algorithms, in addition to the policy.
    pub fn algorithms(mut self, algs: impl IntoIterator<Item = Algorithm>) -> Self {
        self.validation = self.validation.algorithms(algs);
        self
    }

    /// The oldest acceptable `iat`, relative to the clock (default 60 s).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How far ahead of the clock `iat` may be (default 5 s).
    pub fn max_future(mut self, max_future: Duration) -> Self {
        self.validation = self.validation.leeway(max_future);
        self
    }

    /// Require this server-supplied nonce (RFC 9449 §8, §9).
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Accept each proof `jti` once, through `store` (remembered until the proof leaves the
    /// `iat` window). A shared store (Redis) makes this hold across a fleet. The store sees the
    /// proof's `jti` with the issuer `dpop-proof-key:` followed by the proof key's thumbprint
    /// ([`PROOF_JTI_SCOPE`]), so proofs never collide with tokens, nor with other keys' proofs.
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Take "now" from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.validation = self.validation.clock(clock);
        self
    }

    /// Keep the parsed header and imported key of up to `capacity` proof headers (default
    /// [`DEFAULT_KEY_CACHE_CAPACITY`]; 0 turns the cache off), starting empty.
    ///
    /// A client signs its proofs with one key (RFC 9449 §5) and the per-request members are in
    /// the payload, so its proofs share one header, byte for byte. Decoding it and importing
    /// its `jwk` costs as much as the signature check for ML-DSA (the public key's matrix is
    /// expanded, the thumbprint hashes the whole key). An entry is used only for a proof whose
    /// header segment is exactly the one it was made from (compared whole: same `alg`, same
    /// `jwk`), so a hit changes no outcome; the header checks, the signature and the claims
    /// are checked on every proof. Only keys that have verified a proof's signature are kept;
    /// entries not used lately are evicted first (CLOCK), so a flood of fresh keys cannot grow
    /// it. An entry holds one public key (about 40 KB for ML-DSA-65, 70 KB for ML-DSA-87, with
    /// the expanded matrix), its header, and the last access token presented with that key
    /// (up to 16 KB; a longer one is not kept) with its `ath`, so that the client's next proof
    /// for the same token does not hash it again. Lookups share a read lock; inserts take it
    /// briefly for writing.
    pub fn key_cache_capacity(mut self, capacity: usize) -> Self {
        self.keys = Arc::new(ProofKeyCache::new(capacity));
        self
    }

    /// Verify a proof sent without an access token (at the token endpoint): `htm` is the
    /// request method, `htu` the request URI (its query and fragment are ignored).
    pub fn verify(&self, proof: &str, htm: &str, htu: &str) -> Result<VerifiedProof, Error> {
        self.verify_inner(proof, htm, htu, None)
    }

    /// Verify a proof sent with `access_token` (at a resource server): also checks `ath`. The
    /// binding of the token to the proof key is checked when the token is verified
    /// ([`Validation::bound_to_jkt`], [`VerifiedProof::check_binding`], or both at once with
    /// [`ProofVerifier::verify_request`]).
    pub fn verify_with_access_token(
        &self,
        proof: &str,
        htm: &str,
        htu: &str,
        access_token: &str,
    ) -> Result<VerifiedProof, Error> {
        self.verify_inner(proof, htm, htu, Some(access_token))
    }

    /// A resource server's whole check of a DPoP request: the proof (with `ath`), then the
    /// access token under `validation` against `keys`, which must be bound to the proof's key
    /// (`cnf.jkt`).
    pub fn verify_request(
        &self,
        proof: &str,
        htm: &str,
        htu: &str,
        access_token: &str,
        validation: &Validation,
        keys: &KeySet,
    ) -> Result<(Verified, VerifiedProof), Error> {
        let proof = self.verify_with_access_token(proof, htm, htu, access_token)?;
        let token = validation
            .clone()
            .bound_to_jkt(proof.jkt())
            .verify_with_keys(access_token, keys)?;
        Ok((token, proof))
    }

    fn verify_inner(
        &self,
        proof: &str,
        htm: &str,
        htu: &str,
        access_token: Option<&str>,
    ) -> Result<VerifiedProof, Error> {
        let request_htu = uri::parse(htu)?;
        let max_sig = Algorithm::ALL
            .iter()
            .filter(|a| self.validation.allows(**a))
            .map(|a| a.max_signature_len())
            .max()
            .unwrap_or(0);
        let (verified, key) = self
            .validation
            .verify_with_header_jwk::<CustomClaims, _>(
                proof,
                max_sig,
                |segment| self.keys.get(segment),
                proof_key,
            )
            .map_err(|e| match e {
                Error::Claims(ClaimsError::IssuedInFuture) => ProfileError::ProofInFuture.into(),
                e => e,
            })?;
        if !key.cached()
            && let Some((segment, _)) = proof.split_once('.')
        {
            // The key has just verified this proof's signature.
            self.keys.insert(segment, verified.header(), &key);
        }
        let now = self.validation.clock.now();
        let claims = verified.claims();
        let jti = claims
            .jwt_id()
            .ok_or(ClaimsError::Missing(crate::RegisteredClaim::JwtId.into()))?;
        let iat = claims.issued_at().ok_or(ClaimsError::Missing(
            crate::RegisteredClaim::IssuedAt.into(),
        ))?;
        let until = iat
            .checked_add(self.max_age)
            .ok_or(ProfileError::ProofTooOld)?;
        if now > until {
            return Err(ProfileError::ProofTooOld.into());
        }
        let custom = claims.custom();
        if text(custom, "htm")? != htm {
            return Err(ProfileError::ProofMethod.into());
        }
        let proof_htu_text = text(custom, "htu")?;
        // A client usually puts the request URI verbatim: the same text parses the same.
        let parsed_htu;
        let proof_htu = if proof_htu_text == htu {
            &request_htu
        } else {
            parsed_htu =
                uri::parse(proof_htu_text).map_err(|_| Error::Profile(ProfileError::ProofUri))?;
            &parsed_htu
        };
        if proof_htu.had_query_or_fragment {
            return Err(ProfileError::ProofUriQuery.into());
        }
        if proof_htu.normalized != request_htu.normalized {
            return Err(ProfileError::ProofUri.into());
        }
        if let Some(expected) = &self.nonce {
            let found = custom.get("nonce").and_then(Value::as_str);
            if found.is_none_or(|n| !same(n, expected)) {
                return Err(ProfileError::Nonce.into());
            }
        }
        if let Some(token) = access_token {
            let found = custom.get("ath").and_then(Value::as_str);
            if found.is_none_or(|a| !key.ath_matches(token, a)) {
                return Err(ProfileError::AccessTokenHash.into());
            }
        }
        if let Some(store) = &self.replay {
            // A proof's jti is scoped by its key, apart from every token issuer's jtis: a proof
            // cannot use up the jti of an access token (or of another client's proof).
            let scope = format!("{PROOF_JTI_SCOPE}{}", key.jkt);
            let used = TokenUse {
                jti: Some(jti),
                iss: Some(&scope),
                expires: Some(until),
                ..TokenUse::new(now)
            };
            store.record_use(jti, &used)?;
        }
        Ok(VerifiedProof {
            algorithm: verified.algorithm(),
            claims: verified.into_claims(),
            jwk: key.jwk,
            jkt: key.jkt,
        })
    }
}

/// A DPoP proof whose signature and every RFC 9449 §4.3 check passed.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedProof {
    algorithm: Algorithm,
    claims: Claims,
    jwk: Arc<Jwk>,
    jkt: String,
}

impl VerifiedProof {
    /// The RFC 7638 thumbprint of the proof key (what an access token's `cnf.jkt` must be).
    pub fn jkt(&self) -> &str {
        &self.jkt
    }

    /// The proof's public key, as sent (without `kid`).
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The proof's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The proof's claims (`htm`, `htu`, `ath`, `nonce` among the custom ones).
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The proof's `jti`.
    pub fn jti(&self) -> &str {
        self.claims.jwt_id().unwrap_or_default()
    }

    /// The proof's `iat`.
    pub fn issued_at(&self) -> NumericDate {
        self.claims.issued_at().unwrap_or(NumericDate::from_secs(0))
    }

    /// The proof's `htm`.
    pub fn htm(&self) -> &str {
        self.custom_str("htm").unwrap_or_default()
    }

    /// The proof's `htu`.
    pub fn htu(&self) -> &str {
        self.custom_str("htu").unwrap_or_default()
    }

    /// The proof's `nonce`, if any.
    pub fn nonce(&self) -> Option<&str> {
        self.custom_str("nonce")
    }

    fn custom_str(&self, name: &str) -> Option<&str> {
        self.claims.custom().get(name).and_then(Value::as_str)
    }

    /// Check that `token` (verified) is bound to this proof's key: its `cnf.jkt` must be
    /// [`jkt`](Self::jkt). [`ProfileError::NotSenderConstrained`] if it has no `cnf.jkt`.
    pub fn check_binding<T>(&self, token: &Verified<T>) -> Result<(), Error> {
        match token.cnf_jkt()? {
            None => Err(ProfileError::NotSenderConstrained.into()),
            Some(jkt) if same(jkt, &self.jkt) => Ok(()),
            Some(_) => Err(ProfileError::BindingMismatch.into()),
        }
    }
}

/// The `cnf.jkt` check installed by [`Validation::bound_to_jkt`] and
/// [`Validation::require_sender_constrained`].
struct CnfJkt(Option<String>);

impl ClaimsCheck for CnfJkt {
    fn check(&self, _: &Header, _: &Claims<()>, rest: &Map<String, Value>) -> Result<(), Error> {
        let jkt = cnf_jkt(rest)?.ok_or(ProfileError::NotSenderConstrained)?;
        match &self.0 {
            Some(expected) if !same(jkt, expected) => Err(ProfileError::BindingMismatch.into()),
            _ => Ok(()),
        }
    }
}

/// Sender-constrained access tokens (RFC 9449 §6): the token's `cnf.jkt`.
impl Validation {
    /// Require the token to be bound to the key with thumbprint `jkt` (`cnf.jkt`, RFC 9449
    /// §6.1): [`ProfileError::NotSenderConstrained`] without `cnf.jkt`,
    /// [`ProfileError::BindingMismatch`] for another key. Pass [`VerifiedProof::jkt`].
    pub fn bound_to_jkt(self, jkt: impl Into<String>) -> Self {
        self.with_check("cnf.jkt", Arc::new(CnfJkt(Some(jkt.into()))))
    }

    /// Require the token to be sender-constrained (to carry `cnf.jkt`), whatever the key; check
    /// the key with [`VerifiedProof::check_binding`].
    pub fn require_sender_constrained(self) -> Self {
        if self.has_check("cnf.jkt") {
            return self;
        }
        self.with_check("cnf.jkt", Arc::new(CnfJkt(None)))
    }
}

impl TokenBuilder<CustomClaims> {
    /// Bind the token to a DPoP key: `cnf` = `{"jkt": jkt}` (RFC 9449 §6.1). `jkt` is the
    /// RFC 7638 thumbprint of the client's public key ([`VerifyingKey::thumbprint`],
    /// [`Jwk::thumbprint`], [`VerifiedProof::jkt`]).
    pub fn cnf_jkt(self, jkt: impl Into<String>) -> Self {
        let mut cnf = Map::new();
        cnf.insert("jkt".into(), Value::String(jkt.into()));
        self.claim("cnf", Value::Object(cnf))
    }
}

/// `ath`/`wth` for callers that build requests themselves: base64url(SHA-256(token)), as RFC 9449 §4.2 and the WIMSE drafts define them.
pub fn access_token_hash(access_token: &str) -> String {
    token_hash(access_token)
}

#[cfg(test)]
mod tests;
