//! Delegation chains (RFC 8693 `act`): minting a delegated token from verified ones, and
//! checking and exposing the chain of actors when verifying.
//!
//! `{"sub":"user","act":{"sub":"agent-b","act":{"sub":"agent-a"}}}`: agent-b acts now, on
//! behalf of the user, and agent-a acted before it. Only the top-level claims and the current
//! (outermost) actor are for access control (RFC 8693 §4.1); prior actors are informational.
//!
//! ```
//! use std::time::Duration;
//! use pqjose::delegation::{ActorChain, Delegation};
//! use pqjose::{Algorithm, KeySet, SigningKey, TokenBuilder, Validation};
//!
//! let idp = SigningKey::generate(Algorithm::MlDsa65)?;
//! let sts = SigningKey::generate(Algorithm::MlDsa65)?;
//! let subject_token = TokenBuilder::new()
//!     .issuer("https://idp.example").subject("user").audience("https://sts.example")
//!     .claim("scope", "read write").sign(&idp)?;
//! let actor_token = TokenBuilder::new()
//!     .issuer("https://idp.example").subject("agent-b").audience("https://sts.example")
//!     .sign(&idp)?;
//!
//! // The exchange service verifies both tokens, then mints a narrower one.
//! let idp_keys = KeySet::from_keys([idp.verifying_key()?])?;
//! let v = Validation::new().issuer("https://idp.example").audience("https://sts.example");
//! let subject: pqjose::Verified = v.verify_with_keys(&subject_token, &idp_keys)?;
//! let actor: pqjose::Verified = v.verify_with_keys(&actor_token, &idp_keys)?;
//! let delegated = Delegation::new("https://sts.example", "https://api.example")
//!     .scope("read")
//!     .mint(&subject, Some(&actor), &sts)?;
//!
//! // The API sees the user as subject and agent-b as the current actor.
//! let sts_keys = KeySet::from_keys([sts.verifying_key()?])?;
//! let v = Validation::new().audience("https://api.example");
//! let (token, chain): (pqjose::Verified, _) = pqjose::delegation::verify_delegated(&v, &delegated, &sts_keys)?;
//! assert_eq!(token.claims().subject(), Some("user"));
//! assert_eq!(chain.current().map(|a| a.subject()), Some("agent-b"));
//! # Ok::<(), pqjose::Error>(())
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::TokenBuilder;
use crate::error::{ClaimName, ClaimsError, Error, ProfileError, RegisteredClaim};
use crate::format::header::Header;
use crate::jws::JwsSigner;
use crate::jwt::builder::DEFAULT_TTL;
use crate::jwt::claims::{self, Audience, Claims};
use crate::jwt::validate::{ClaimsCheck, Validation};
use crate::jwt::verify::Verified;
use crate::keys::KeySet;
use crate::time::{Clock, FixedClock, NumericDate, SystemClock};

/// Default maximum number of nested `act` levels, at minting and at verification.
pub const DEFAULT_MAX_CHAIN_DEPTH: usize = 4;

fn invalid_act() -> Error {
    ClaimsError::Invalid(ClaimName::Custom("act".into())).into()
}

/// One actor of a delegation chain: the members of one `act` object except the nested `act`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    subject: String,
    issuer: Option<String>,
    members: Map<String, Value>,
}

impl Actor {
    /// The actor's `sub`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The actor's `iss`, if given.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// Every member of the actor's `act` object except the nested `act` (including `sub`).
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }
}

/// The actors of a token, outermost (current) first; empty when the token has no `act`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActorChain {
    actors: Vec<Actor>,
}

impl ActorChain {
    /// The chain of a verified token (read from its verified payload). A malformed `act`
    /// (not an object, or without a string `sub`) is [`ClaimsError::Invalid`].
    pub fn of<T>(token: &Verified<T>) -> Result<Self, Error> {
        let rest = claims::parse_object(token.payload(), crate::format::json::DEFAULT_MAX_DEPTH)?;
        Self::from_claims(&rest, usize::MAX)
    }

    /// Parse the chain from a claims object, refusing it past `max_depth` levels.
    fn from_claims(claims: &Map<String, Value>, max_depth: usize) -> Result<Self, Error> {
        let mut actors = Vec::new();
        let mut next = claims.get("act");
        while let Some(act) = next {
            if actors.len() >= max_depth {
                return Err(ProfileError::ChainTooDeep.into());
            }
            let Value::Object(obj) = act else {
                return Err(invalid_act());
            };
            let Some(Value::String(subject)) = obj.get("sub") else {
                return Err(invalid_act());
            };
            let issuer = match obj.get("iss") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(invalid_act()),
            };
            let mut members = obj.clone();
            members.remove("act");
            actors.push(Actor {
                subject: subject.clone(),
                issuer,
                members,
            });
            next = obj.get("act");
        }
        Ok(Self { actors })
    }

    /// The actors, outermost (current) first.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The current actor (the only one to use for access control), if any.
    pub fn current(&self) -> Option<&Actor> {
        self.actors.first()
    }

    /// The number of nested `act` levels.
    pub fn depth(&self) -> usize {
        self.actors.len()
    }

    /// Whether the token has no `act`.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }
}

/// What a verifier accepts of a delegation chain: a maximum depth (default
/// [`DEFAULT_MAX_CHAIN_DEPTH`]) and, optionally, the only actors (by `sub`) that may appear at
/// any level. Install it with [`Validation::delegation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationPolicy {
    max_depth: usize,
    allowed: Option<BTreeSet<String>>,
}

impl Default for DelegationPolicy {
    fn default() -> Self {
        Self {
            max_depth: DEFAULT_MAX_CHAIN_DEPTH,
            allowed: None,
        }
    }
}

impl DelegationPolicy {
    /// Depth at most [`DEFAULT_MAX_CHAIN_DEPTH`], any actor.
    pub fn new() -> Self {
        Self::default()
    }

    /// The maximum number of nested `act` levels (0: no `act` at all).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Allow this actor `sub` (anywhere in the chain). Once any is given, every actor of the
    /// chain must be one of them ([`ProfileError::ActorNotAllowed`]).
    pub fn allow_actor(mut self, sub: impl Into<String>) -> Self {
        self.allowed
            .get_or_insert_with(BTreeSet::new)
            .insert(sub.into());
        self
    }

    /// Check a parsed chain.
    fn check_chain(&self, claims: &Map<String, Value>) -> Result<ActorChain, Error> {
        let chain = ActorChain::from_claims(claims, self.max_depth)?;
        if let Some(allowed) = &self.allowed
            && chain.actors.iter().any(|a| !allowed.contains(&a.subject))
        {
            return Err(ProfileError::ActorNotAllowed.into());
        }
        Ok(chain)
    }
}

impl ClaimsCheck for DelegationPolicy {
    fn check(&self, _: &Header, _: &Claims<()>, rest: &Map<String, Value>) -> Result<(), Error> {
        self.check_chain(rest).map(|_| ())
    }
}

impl Validation {
    /// Check the token's delegation chain (`act`) against `policy`: depth and allowed actors.
    pub fn delegation(self, policy: DelegationPolicy) -> Self {
        self.with_check("act", Arc::new(policy))
    }
}

/// Verify a delegated token and return its chain of actors (outermost first). The chain is
/// checked by the `validation`'s [`DelegationPolicy`], or by the default one (depth at most
/// [`DEFAULT_MAX_CHAIN_DEPTH`]) if it has none.
pub fn verify_delegated<T: DeserializeOwned>(
    validation: &Validation,
    token: &str,
    keys: &KeySet,
) -> Result<(Verified<T>, ActorChain), Error> {
    let verified = if validation.has_check("act") {
        validation.verify_with_keys(token, keys)?
    } else {
        validation
            .clone()
            .delegation(DelegationPolicy::default())
            .verify_with_keys(token, keys)?
    };
    let chain = ActorChain::of(&verified)?;
    Ok((verified, chain))
}

/// A space-separated scope (RFC 6749 §3.3), parsed strictly: tokens of `%x21 / %x23-5B /
/// %x5D-7E` separated by single spaces.
pub(crate) fn parse_scope(scope: &str) -> Result<BTreeSet<&str>, Error> {
    let token_ok = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
    };
    let mut set = BTreeSet::new();
    for t in scope.split(' ') {
        if !token_ok(t) {
            return Err(ProfileError::ExchangeRequest.into());
        }
        set.insert(t);
    }
    Ok(set)
}

/// Mints delegated tokens (RFC 8693 §4.1) from verified subject (and actor) tokens.
///
/// The new token: `iss` the exchange service; `sub` the subject token's; `act` = the actor
/// token's `sub`, with the subject token's `act` nested inside (without an actor token, the
/// subject's `act` is kept as it is); `aud` as requested; `scope` as requested, which must be
/// within the subject token's (default: the subject's unchanged); `exp` = now + TTL (default
/// [`DEFAULT_TTL`], or the subject's remaining lifetime if shorter; an explicit TTL that ends
/// after the subject's `exp` is refused, not shortened); a fresh `iat` and `jti`. A subject
/// token with `may_act` only admits an actor whose claims match every member of it. The
/// chain may not exceed the maximum depth (default [`DEFAULT_MAX_CHAIN_DEPTH`]).
#[derive(Clone)]
pub struct Delegation {
    issuer: String,
    audience: Audience,
    scope: Option<String>,
    ttl: Option<Duration>,
    max_depth: usize,
    clock: Arc<dyn Clock>,
}

impl core::fmt::Debug for Delegation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Delegation")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("scope", &self.scope)
            .field("ttl", &self.ttl)
            .field("max_depth", &self.max_depth)
            .finish_non_exhaustive()
    }
}

impl Delegation {
    /// Mint as `issuer` for `audience`.
    pub fn new(issuer: impl Into<String>, audience: impl Into<Audience>) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            scope: None,
            ttl: None,
            max_depth: DEFAULT_MAX_CHAIN_DEPTH,
            clock: Arc::new(SystemClock),
        }
    }

    /// The requested scope (space-separated); it must be within the subject token's.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// An explicit lifetime; refused if it ends after the subject token's `exp`.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The maximum number of nested `act` levels in a minted token.
    pub fn max_chain_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Take "now" from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Mint a delegated token from a verified subject token and, optionally, a verified actor
    /// token, signed by `signer`.
    pub fn mint<S, A>(
        &self,
        subject: &Verified<S>,
        actor: Option<&Verified<A>>,
        signer: &(impl JwsSigner + ?Sized),
    ) -> Result<String, Error> {
        let now = self.clock.now();
        let sub_claims =
            claims::parse_object(subject.payload(), crate::format::json::DEFAULT_MAX_DEPTH)?;
        let sub = match sub_claims.get("sub") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(ClaimsError::Missing(RegisteredClaim::Subject.into()).into()),
        };
        // The subject's own chain, checked (depth and shape) before anything is nested in it.
        let prior = ActorChain::from_claims(&sub_claims, self.max_depth)?;
        let act = match actor {
            None => sub_claims.get("act").cloned(),
            Some(actor) => {
                if prior.depth() >= self.max_depth {
                    return Err(ProfileError::ChainTooDeep.into());
                }
                let act_claims =
                    claims::parse_object(actor.payload(), crate::format::json::DEFAULT_MAX_DEPTH)?;
                check_may_act(&sub_claims, &act_claims)?;
                let Some(Value::String(actor_sub)) = act_claims.get("sub") else {
                    return Err(ClaimsError::Missing(RegisteredClaim::Subject.into()).into());
                };
                let mut act = Map::new();
                act.insert("sub".into(), Value::String(actor_sub.clone()));
                if let Some(prior) = sub_claims.get("act") {
                    act.insert("act".into(), prior.clone());
                }
                Some(Value::Object(act))
            }
        };
        let scope = self.narrowed_scope(&sub_claims)?;
        let exp = self.expiry(subject.claims().expires_at(), now)?;
        let mut builder = TokenBuilder::new()
            .issuer(self.issuer.clone())
            .subject(sub)
            .audience(self.audience.clone())
            .expires_at(exp)
            .clock(FixedClock::new(now));
        if let Some(scope) = scope {
            builder = builder.claim("scope", scope);
        }
        if let Some(act) = act {
            builder = builder.claim("act", act);
        }
        builder.sign(signer)
    }

    fn narrowed_scope(&self, subject: &Map<String, Value>) -> Result<Option<String>, Error> {
        let had = match subject.get("scope") {
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(ClaimsError::Invalid(ClaimName::Custom("scope".into())).into()),
        };
        let Some(requested) = &self.scope else {
            return Ok(had.map(str::to_owned));
        };
        let wanted = parse_scope(requested)?;
        let Some(had) = had else {
            return Err(ProfileError::ScopeWidened.into());
        };
        // The subject's scope is compared as a set of space-separated tokens.
        let had: BTreeSet<&str> = had.split(' ').filter(|t| !t.is_empty()).collect();
        if !wanted.is_subset(&had) {
            return Err(ProfileError::ScopeWidened.into());
        }
        Ok(Some(requested.clone()))
    }

    fn expiry(
        &self,
        subject_exp: Option<NumericDate>,
        now: NumericDate,
    ) -> Result<NumericDate, Error> {
        let overflow = || Error::Claims(ClaimsError::Invalid(RegisteredClaim::Expiration.into()));
        if subject_exp.is_some_and(|e| e <= now) {
            return Err(ClaimsError::Expired.into());
        }
        match (self.ttl, subject_exp) {
            (Some(ttl), exp) => {
                let end = now.checked_add(ttl).ok_or_else(overflow)?;
                if exp.is_some_and(|e| end > e) {
                    return Err(ProfileError::LifetimeExtended.into());
                }
                Ok(end)
            }
            (None, exp) => {
                let end = now.checked_add(DEFAULT_TTL).ok_or_else(overflow)?;
                Ok(exp.map_or(end, |e| e.min(end)))
            }
        }
    }
}

/// RFC 8693 §4.4: a subject token's `may_act` names who may act for it; the actor token's
/// claims must match each of its members.
fn check_may_act(subject: &Map<String, Value>, actor: &Map<String, Value>) -> Result<(), Error> {
    match subject.get("may_act") {
        None => Ok(()),
        Some(Value::Object(may)) => {
            if may.iter().all(|(k, v)| actor.get(k) == Some(v)) {
                Ok(())
            } else {
                Err(ProfileError::ActorNotAllowed.into())
            }
        }
        Some(_) => Err(ClaimsError::Invalid(ClaimName::Custom("may_act".into())).into()),
    }
}

#[cfg(test)]
mod tests;
