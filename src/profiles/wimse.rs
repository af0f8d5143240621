//! WIMSE workload credentials: the Workload Identity Token (WIT, `typ` `wit+jwt`,
//! draft-ietf-wimse-workload-creds §5.1) and the Workload Proof Token (WPT, `typ` `wpt+jwt`,
//! draft-ietf-wimse-wpt §2).
//!
//! A WIT names a workload (`sub`, a workload identifier URI) and carries its public key
//! (`cnf.jwk` with `alg`); it is never a bearer token. With each request the workload signs a
//! short-lived WPT with that key, bound to the WIT (`wth`), to the target (`aud`) and to the
//! other tokens of the request (`ath`, `tth`, `oth`). Verification checks the chain end to end:
//! the WIT against the trust domain's keys, the WPT against the WIT's key, the hashes against
//! what was presented, and the WPT's `jti` in the [`ReplayStore`].
//!
//! ```
//! use pqjose::wimse::{Presented, WitBuilder, WptBuilder, WptVerifier, verify_wit};
//! use pqjose::{Algorithm, KeySet, SigningKey, Validation};
//!
//! let trust_domain = SigningKey::generate(Algorithm::MlDsa65)?;
//! let workload = SigningKey::generate(Algorithm::MlDsa44)?;
//! let wit = WitBuilder::new("spiffe://example.org/agent")?
//!     .issuer("https://wit.example.org")
//!     .sign(&trust_domain, &workload.verifying_key()?)?;
//! let wpt = WptBuilder::new("https://api.example.org/tasks").sign(&workload, &wit)?;
//!
//! let anchors = KeySet::from_keys([trust_domain.verifying_key()?])?;
//! let verified_wit = verify_wit(&Validation::pqc_only(), &wit, &anchors)?;
//! let verified_wpt = WptVerifier::new("https://api.example.org/tasks")
//!     .verify(&wpt, &verified_wit, &Presented::new())?;
//! assert_eq!(verified_wit.workload(), "spiffe://example.org/agent");
//! # let _ = verified_wpt;
//! # Ok::<(), pqjose::Error>(())
//! ```

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::TokenBuilder;
use crate::alg::Algorithm;
use crate::error::{ClaimName, ClaimsError, Error, KeyError, ProfileError, RegisteredClaim};
use crate::format::jwk::Jwk;
use crate::jws::JwsSigner;
use crate::jwt::claims::{Claims, CustomClaims};
use crate::jwt::replay::{ReplayStore, TokenUse};
use crate::jwt::validate::Validation;
use crate::jwt::verify::Verified;
use crate::keys::{KeySet, SigningKey, VerifyingKey};
use crate::profiles::{has_secret_material, same, token_hash, uri};
use crate::time::{Clock, SystemClock};

/// The WIT's header `typ`.
pub const WIT_TYP: &str = "wit+jwt";
/// The WPT's header `typ`.
pub const WPT_TYP: &str = "wpt+jwt";
/// Default WIT lifetime (hours-scale, §5.1).
pub const DEFAULT_WIT_TTL: Duration = Duration::from_secs(3600);
/// Default WPT lifetime.
pub const DEFAULT_WPT_TTL: Duration = Duration::from_secs(60);
/// Default longest WPT lifetime a verifier accepts (`exp` further ahead is refused).
pub const DEFAULT_MAX_WPT_LIFETIME: Duration = Duration::from_secs(300);

/// A workload identifier: an absolute URI with an authority (the trust domain), e.g.
/// `spiffe://example.org/svc` or `wimse://example.org/svc`.
fn check_workload_id(id: &str) -> Result<(), Error> {
    let bad = || Error::Profile(ProfileError::WorkloadIdentifier);
    let (scheme, rest) = id.split_once("://").ok_or_else(bad)?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !scheme_ok || authority.is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(())
}

/// Issues WITs (by the trust domain's issuer).
#[derive(Clone)]
pub struct WitBuilder {
    subject: String,
    issuer: Option<String>,
    ttl: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for WitBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WitBuilder")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl WitBuilder {
    /// A WIT for the workload `workload_id` (a workload identifier URI).
    pub fn new(workload_id: &str) -> Result<Self, Error> {
        check_workload_id(workload_id)?;
        Ok(Self {
            subject: workload_id.to_owned(),
            issuer: None,
            ttl: DEFAULT_WIT_TTL,
            clock: Arc::new(SystemClock),
        })
    }

    /// Set `iss` (recommended).
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuer = Some(iss.into());
        self
    }

    /// The lifetime (default [`DEFAULT_WIT_TTL`]).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Take `iat` from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sign a WIT with the issuer's key, confirming `workload_key` (`cnf.jwk`, with `alg`).
    pub fn sign(
        &self,
        issuer_key: &(impl JwsSigner + ?Sized),
        workload_key: &VerifyingKey,
    ) -> Result<String, Error> {
        let mut jwk = workload_key.to_jwk()?;
        jwk.kid = None;
        jwk.alg = Some(workload_key.algorithm().as_str().to_owned());
        let jwk = serde_json::to_value(&jwk).map_err(|_| Error::Key(KeyError::MalformedJwk))?;
        let mut cnf = Map::new();
        cnf.insert("jwk".into(), jwk);
        let mut builder = TokenBuilder::new()
            .typ(WIT_TYP)
            .subject(self.subject.clone())
            .ttl(self.ttl)
            .claim("cnf", Value::Object(cnf))
            .clock(Arc::clone(&self.clock));
        if let Some(iss) = &self.issuer {
            builder = builder.issuer(iss.clone());
        }
        builder.sign(issuer_key)
    }
}

/// A verified WIT: the workload, its confirmed key, and the hash a WPT must carry.
#[derive(Clone, Debug)]
pub struct Wit {
    token: Verified,
    key: VerifyingKey,
    wth: String,
}

impl Wit {
    /// The workload identifier (`sub`).
    pub fn workload(&self) -> &str {
        self.token.claims().subject().unwrap_or_default()
    }

    /// The verified WIT.
    pub fn token(&self) -> &Verified {
        &self.token
    }

    /// The workload's key (`cnf.jwk`), bound to its `alg`.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// `b64u(SHA-256(WIT))`, the `wth` of its proofs.
    pub fn wth(&self) -> &str {
        &self.wth
    }
}

/// Verify a WIT under `validation` (its `typ` is set to `wit+jwt` here) against the trust
/// domain's keys, then check `sub` (a workload identifier URI) and `cnf.jwk` (a public
/// signature key with `alg`).
pub fn verify_wit(
    validation: &Validation,
    wit: &str,
    trust_anchors: &KeySet,
) -> Result<Wit, Error> {
    let token: Verified = validation
        .clone()
        .typ(WIT_TYP)
        .verify_with_keys(wit, trust_anchors)?;
    check_workload_id(
        token
            .claims()
            .subject()
            .ok_or(ClaimsError::Missing(RegisteredClaim::Subject.into()))?,
    )?;
    let bad = || Error::Profile(ProfileError::WorkloadKey);
    let Some(Value::Object(cnf)) = token.custom().get("cnf") else {
        return Err(bad());
    };
    let Some(Value::Object(jwk)) = cnf.get("jwk") else {
        return Err(bad());
    };
    if has_secret_material(jwk) {
        return Err(bad());
    }
    let jwk = Jwk::from_map(jwk.clone()).map_err(|_| bad())?;
    if jwk.alg().is_none() {
        return Err(bad());
    }
    let key = VerifyingKey::from_jwk(&jwk).map_err(|_| bad())?;
    Ok(Wit {
        token,
        key,
        wth: token_hash(wit),
    })
}

/// Signs WPTs (by the workload, with the key its WIT confirms).
#[derive(Clone)]
pub struct WptBuilder {
    audience: String,
    ttl: Duration,
    ath: Option<String>,
    tth: Option<String>,
    oth: BTreeMap<String, String>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for WptBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WptBuilder")
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// An `http(s)` target loses its query and fragment; anything else (a deployment alias) is
/// kept as it is.
fn audience_of(target: &str) -> String {
    uri::strip(target).unwrap_or(target).to_owned()
}

impl WptBuilder {
    /// A proof for a request to `audience` (the target URI; its query and fragment are left
    /// out).
    pub fn new(audience: &str) -> Self {
        Self {
            audience: audience_of(audience),
            ttl: DEFAULT_WPT_TTL,
            ath: None,
            tth: None,
            oth: BTreeMap::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The lifetime (default [`DEFAULT_WPT_TTL`]).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The request carries this access token (`ath`).
    pub fn access_token(mut self, token: &str) -> Self {
        self.ath = Some(token_hash(token));
        self
    }

    /// The request carries this transaction token (`tth`).
    pub fn txn_token(mut self, token: &str) -> Self {
        self.tth = Some(token_hash(token));
        self
    }

    /// The request carries another token in the header `name` (`oth`; the name is
    /// lower-cased, the value trimmed).
    pub fn other_token(mut self, name: &str, value: &str) -> Self {
        self.oth
            .insert(name.to_ascii_lowercase(), token_hash(value.trim()));
        self
    }

    /// Take `iat`/`exp` from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sign a WPT bound to `wit` with the workload's key.
    pub fn sign(&self, workload_key: &SigningKey, wit: &str) -> Result<String, Error> {
        let mut builder = TokenBuilder::new()
            .typ(WPT_TYP)
            .audience(self.audience.clone())
            .ttl(self.ttl)
            .claim("wth", token_hash(wit))
            .clock(Arc::clone(&self.clock));
        if let Some(ath) = &self.ath {
            builder = builder.claim("ath", ath.clone());
        }
        if let Some(tth) = &self.tth {
            builder = builder.claim("tth", tth.clone());
        }
        if !self.oth.is_empty() {
            let oth: Map<String, Value> = self
                .oth
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            builder = builder.claim("oth", Value::Object(oth));
        }
        builder.sign(workload_key)
    }
}

/// The tokens presented with a request besides the WIT, which a WPT must cover.
#[derive(Clone, Default)]
pub struct Presented<'a> {
    access_token: Option<&'a str>,
    txn_token: Option<&'a str>,
    other: Vec<(String, &'a str)>,
}

impl fmt::Debug for Presented<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presented")
            .field("access_token", &self.access_token.is_some())
            .field("txn_token", &self.txn_token.is_some())
            .field(
                "other",
                &self.other.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<'a> Presented<'a> {
    /// No other token.
    pub fn new() -> Self {
        Self::default()
    }

    /// An access token was presented.
    pub fn access_token(mut self, token: &'a str) -> Self {
        self.access_token = Some(token);
        self
    }

    /// A transaction token was presented.
    pub fn txn_token(mut self, token: &'a str) -> Self {
        self.txn_token = Some(token);
        self
    }

    /// Another token was presented in the header `name`.
    pub fn other_token(mut self, name: &str, value: &'a str) -> Self {
        self.other.push((name.to_ascii_lowercase(), value));
        self
    }
}

/// Verifies WPTs for one audience.
///
/// Defaults: `exp` required, at most [`DEFAULT_MAX_WPT_LIFETIME`] ahead; 30 s leeway; no
/// replay store (set one: a WPT's `jti` should be accepted once).
#[derive(Clone)]
pub struct WptVerifier {
    validation: Validation,
    max_lifetime: Duration,
    replay: Option<Arc<dyn ReplayStore>>,
}

impl fmt::Debug for WptVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WptVerifier")
            .field("validation", &self.validation)
            .field("max_lifetime", &self.max_lifetime)
            .field("replay", &self.replay.is_some())
            .finish()
    }
}

/// A verified WPT.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWpt {
    claims: Claims,
}

impl VerifiedWpt {
    /// The WPT's claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }
}

fn hash_claim<'a>(claims: &'a CustomClaims, name: &str) -> Result<Option<&'a str>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ClaimsError::Invalid(ClaimName::Custom(name.into())).into()),
    }
}

/// A token presented ⇔ its hash in the proof, and equal.
fn covers(claim: Option<&str>, presented: Option<&str>, err: ProfileError) -> Result<(), Error> {
    match (claim, presented) {
        (None, None) => Ok(()),
        (Some(h), Some(t)) if same(h, &token_hash(t)) => Ok(()),
        _ => Err(err.into()),
    }
}

impl WptVerifier {
    /// A verifier for requests to `audience` (the target URI; compared after dropping its
    /// query and fragment, or a deployment alias compared exactly).
    pub fn new(audience: &str) -> Self {
        Self {
            validation: Validation::new()
                .typ(WPT_TYP)
                .audience(audience_of(audience)),
            max_lifetime: DEFAULT_MAX_WPT_LIFETIME,
            replay: None,
        }
    }

    /// The longest acceptable remaining lifetime (`exp` - now).
    pub fn max_lifetime(mut self, d: Duration) -> Self {
        self.max_lifetime = d;
        self
    }

    /// Clock-skew allowance for `exp`, `nbf` and `iat` (default 30 s).
    pub fn leeway(mut self, d: Duration) -> Self {
        self.validation = self.validation.leeway(d);
        self
    }

    /// Accept each WPT `jti` once, through `store`; `jti` becomes required.
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Take "now" from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.validation = self.validation.clock(clock);
        self
    }

    /// Verify `wpt` for a request carrying the (verified) `wit` and the `presented` tokens.
    pub fn verify(
        &self,
        wpt: &str,
        wit: &Wit,
        presented: &Presented<'_>,
    ) -> Result<VerifiedWpt, Error> {
        let token: Verified = self.validation.verify(wpt, wit.key())?;
        // `alg` string-equal to the WIT's cnf.jwk.alg (no EdDSA/Ed25519 alias here).
        let expected: Algorithm = wit.key().algorithm();
        if token.header().alg() != expected {
            return Err(ProfileError::WorkloadProofAlgorithm.into());
        }
        let now = self.validation.clock.now();
        let exp = token
            .claims()
            .expires_at()
            .ok_or(ClaimsError::Missing(RegisteredClaim::Expiration.into()))?;
        let latest = now
            .checked_add(self.max_lifetime)
            .ok_or(ProfileError::ProofLifetime)?;
        if exp > latest {
            return Err(ProfileError::ProofLifetime.into());
        }
        let custom = token.custom();
        match hash_claim(custom, "wth")? {
            Some(h) if same(h, wit.wth()) => {}
            _ => return Err(ProfileError::WorkloadTokenHash.into()),
        }
        covers(
            hash_claim(custom, "ath")?,
            presented.access_token,
            ProfileError::AccessTokenHash,
        )?;
        covers(
            hash_claim(custom, "tth")?,
            presented.txn_token,
            ProfileError::TransactionTokenHash,
        )?;
        let oth = match custom.get("oth") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(ClaimsError::Invalid(ClaimName::Custom("oth".into())).into()),
        };
        if oth.len() != presented.other.len() {
            return Err(ProfileError::OtherTokenHash.into());
        }
        for (name, value) in &presented.other {
            match oth.get(name) {
                Some(Value::String(h)) if same(h, &token_hash(value.trim())) => {}
                _ => return Err(ProfileError::OtherTokenHash.into()),
            }
        }
        if let Some(store) = &self.replay {
            let jti = token
                .claims()
                .jwt_id()
                .ok_or(ClaimsError::Missing(RegisteredClaim::JwtId.into()))?;
            let until = exp
                .checked_add(self.validation.leeway_duration())
                .ok_or(ClaimsError::Invalid(RegisteredClaim::Expiration.into()))?;
            let used = TokenUse {
                jti: Some(jti),
                sub: Some(wit.workload()),
                expires: Some(until),
                ..TokenUse::new(now)
            };
            store.record_use(jti, &used)?;
        }
        Ok(VerifiedWpt {
            claims: token.into_claims(),
        })
    }
}

#[cfg(test)]
mod tests;
