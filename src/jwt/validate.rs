//! [`Validation`]: the policy a JWT must satisfy, with RFC 8725 defaults.
//!
//! Fields are private; every setting is a builder method, and every *weakening* of a default is
//! a call whose name says so ([`Validation::allow_missing_exp`],
//! [`Validation::allow_unexpected_audience`]). Fields are `pub(crate)` only so the pipeline in
//! `verify.rs`, which applies the policy, can read them; nothing outside the crate can.

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::alg::Algorithm;
use crate::error::{ClaimName, ClaimsError, Error, RegisteredClaim};
use serde_json::{Map, Value};

use crate::format::header::Header;
use crate::jws::Limits;
use crate::jwt::claims::Claims;
use crate::jwt::replay::ReplayStore;
use crate::telemetry::Observer;
use crate::time::{Clock, SystemClock};

/// Default clock-skew allowance for `exp`, `nbf` and `iat`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

pub use crate::alg::AlgorithmPolicy;

/// A claims check contributed by a profile (a delegation policy, a `cnf.jkt` binding): runs
/// after the built-in claim checks and before the replay store, so a token it refuses does not
/// use up its `jti`. Crate-internal: profiles add them through named `Validation` methods.
pub(crate) trait ClaimsCheck: Send + Sync {
    /// `rest` holds the custom (non-registered) claims.
    fn check(
        &self,
        header: &Header,
        claims: &Claims<()>,
        rest: &Map<String, Value>,
    ) -> Result<(), Error>;
}

/// How a [`Validation`] uses its [`ReplayStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplayMode {
    /// Revocation of `jti`/`kid`, and every `jti` accepted once only.
    SingleUse,
    /// Revocation of `jti`/`kid` only.
    RevocationOnly,
}

/// A JWT validation policy.
///
/// Defaults (RFC 8725): `exp` required; `exp`, `nbf` and `iat` checked with a 30 s leeway; an
/// `iat` in the future beyond the leeway rejected; a token carrying `aud` rejected unless an
/// audience is configured (or [`allow_unexpected_audience`](Self::allow_unexpected_audience)
/// is called); algorithm policy [`AlgorithmPolicy::Any`] (the key decides the algorithm; use
/// [`Validation::pqc_only`] or [`algorithms`](Self::algorithms) to narrow it); `typ` not
/// checked unless [`typ`](Self::typ) is set; the system clock; default [`Limits`].
///
/// `Validation` is cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct Validation {
    pub(crate) leeway: Duration,
    pub(crate) require_exp: bool,
    pub(crate) max_age: Option<Duration>,
    pub(crate) issuers: Vec<String>,
    pub(crate) audiences: Vec<String>,
    pub(crate) allow_unexpected_audience: bool,
    pub(crate) subject: Option<String>,
    pub(crate) typ: Option<String>,
    pub(crate) required: Vec<ClaimName>,
    pub(crate) policy: AlgorithmPolicy,
    pub(crate) algorithms: Option<Vec<Algorithm>>,
    pub(crate) limits: Limits,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) replay: Option<(Arc<dyn ReplayStore>, ReplayMode)>,
    pub(crate) checks: Vec<(&'static str, Arc<dyn ClaimsCheck>)>,
    pub(crate) observer: Option<Arc<dyn Observer>>,
}

impl Default for Validation {
    fn default() -> Self {
        Self {
            leeway: DEFAULT_LEEWAY,
            require_exp: true,
            max_age: None,
            issuers: Vec::new(),
            audiences: Vec::new(),
            allow_unexpected_audience: false,
            subject: None,
            typ: None,
            required: Vec::new(),
            policy: AlgorithmPolicy::Any,
            algorithms: None,
            limits: Limits::default(),
            clock: Arc::new(SystemClock),
            replay: None,
            checks: Vec::new(),
            observer: None,
        }
    }
}

impl fmt::Debug for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validation")
            .field("leeway", &self.leeway)
            .field("require_exp", &self.require_exp)
            .field("max_age", &self.max_age)
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("allow_unexpected_audience", &self.allow_unexpected_audience)
            .field("subject", &self.subject)
            .field("typ", &self.typ)
            .field("required", &self.required)
            .field("policy", &self.policy)
            .field("algorithms", &self.algorithms)
            .field("limits", &self.limits)
            .field("replay", &self.replay.as_ref().map(|(_, mode)| mode))
            .field(
                "checks",
                &self.checks.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl Validation {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// The default policy restricted to pure post-quantum algorithms, ML-DSA and SLH-DSA
    /// ([`AlgorithmPolicy::PqcOnly`]; composites are refused).
    pub fn pqc_only() -> Self {
        Self::new().policy(AlgorithmPolicy::PqcOnly)
    }

    /// The default policy restricted to post-quantum or composite (hybrid) algorithms
    /// ([`AlgorithmPolicy::HybridOrPqc`]).
    pub fn hybrid_or_pqc() -> Self {
        Self::new().policy(AlgorithmPolicy::HybridOrPqc)
    }

    /// The default policy restricted to composite (hybrid) algorithms
    /// ([`AlgorithmPolicy::CompositeOnly`]): both an ML-DSA and a classical signature required.
    pub fn composite_only() -> Self {
        Self::new().policy(AlgorithmPolicy::CompositeOnly)
    }

    /// Set the algorithm policy.
    pub fn policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// An explicit allow-list, in addition to the policy: an algorithm must be in both. Calling
    /// this again adds to the list.
    pub fn algorithms(mut self, algs: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms.get_or_insert_with(Vec::new).extend(algs);
        self
    }

    /// Clock-skew allowance for `exp`, `nbf` and `iat` (default 30 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Reject tokens whose `iat` is older than `max_age` (plus the leeway); `iat` becomes
    /// required.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Accept this issuer (exact match). Calling it again adds another accepted issuer. Once
    /// any issuer is configured, `iss` is required. An empty issuer is a configuration error:
    /// every verification then fails with [`ClaimsError::EmptyExpected`] (see
    /// [`check_config`](Self::check_config)).
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Accept this audience: the token's `aud` (a string or an array) must contain one of the
    /// configured audiences. Calling it again adds another. Once any audience is configured,
    /// `aud` is required. An empty audience is a configuration error, as for
    /// [`issuer`](Self::issuer).
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Require this subject (exact match); `sub` becomes required. An empty subject is a
    /// configuration error, as for [`issuer`](Self::issuer).
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.subject = Some(sub.into());
        self
    }

    /// Require this header `typ`, compared case-insensitively with an optional `application/`
    /// prefix (RFC 7515 §4.1.9): `typ("at+jwt")` accepts `at+JWT` and `application/at+jwt`.
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Require a claim to be present: a [`crate::RegisteredClaim`] or a custom one
    /// ([`ClaimName::from_name`]).
    pub fn require(mut self, claim: impl Into<ClaimName>) -> Self {
        let claim = match claim.into() {
            ClaimName::Custom(name) => ClaimName::from_name(&name),
            registered => registered,
        };
        self.required.push(claim);
        self
    }

    /// Report every verification to `observer` (see [`crate::telemetry`]): one
    /// [`Event`](crate::telemetry::Event) with the algorithm, key id, policy, outcome code and
    /// duration, on success and on failure. Replaces any earlier observer.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Take "now" from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Size and depth limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Consult `store` for revoked `jti`/`kid` values and accept each `jti` once only; `jti`
    /// becomes required.
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some((store, ReplayMode::SingleUse));
        self
    }

    /// Consult `store` for revoked `jti`/`kid` values only (tokens may be used many times).
    pub fn revocation_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some((store, ReplayMode::RevocationOnly));
        self
    }

    /// **Weakens the default**: accept tokens without `exp` (a present `exp` is still checked).
    pub fn allow_missing_exp(mut self) -> Self {
        self.require_exp = false;
        self
    }

    /// **Weakens the default**: accept a token carrying `aud` although no audience is
    /// configured (by default such a token is refused, since it was meant for someone else).
    pub fn allow_unexpected_audience(mut self) -> Self {
        self.allow_unexpected_audience = true;
        self
    }

    /// Add (or replace, by `name`) a profile's claims check.
    pub(crate) fn with_check(mut self, name: &'static str, check: Arc<dyn ClaimsCheck>) -> Self {
        self.checks.retain(|(n, _)| *n != name);
        self.checks.push((name, check));
        self
    }

    /// Whether a profile check called `name` is configured.
    pub(crate) fn has_check(&self, name: &str) -> bool {
        self.checks.iter().any(|(n, _)| *n == name)
    }

    /// The configuration errors verification would report, to check once at start-up: an
    /// empty expected issuer, audience or subject ([`ClaimsError::EmptyExpected`]). Every
    /// verification checks this first, so a misconfigured validation refuses every token
    /// rather than comparing against an empty string.
    pub fn check_config(&self) -> Result<(), Error> {
        let empty = |c: RegisteredClaim| Err(ClaimsError::EmptyExpected(c).into());
        if self.issuers.iter().any(String::is_empty) {
            return empty(RegisteredClaim::Issuer);
        }
        if self.audiences.iter().any(String::is_empty) {
            return empty(RegisteredClaim::Audience);
        }
        if self.subject.as_deref() == Some("") {
            return empty(RegisteredClaim::Subject);
        }
        Ok(())
    }

    /// Whether the policy and the explicit allow-list both accept `alg`.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.policy.allows(alg) && self.algorithms.as_ref().is_none_or(|l| l.contains(&alg))
    }

    /// The configured leeway.
    pub fn leeway_duration(&self) -> Duration {
        self.leeway
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AlgorithmError;

    #[test]
    fn algorithm_policies() {
        assert!(AlgorithmPolicy::PqcOnly.allows(Algorithm::SlhDsaShake128s));
        assert!(!AlgorithmPolicy::PqcOnly.allows(Algorithm::MlDsa65Ed25519));
        assert!(AlgorithmPolicy::HybridOrPqc.allows(Algorithm::MlDsa65Ed25519));
        assert!(!AlgorithmPolicy::PqcOnly.allows(Algorithm::Es256));
        assert!(!AlgorithmPolicy::HybridOrPqc.allows(Algorithm::Hs256));
        assert!(AlgorithmPolicy::Any.allows(Algorithm::Hs256));
        // The three restrictive policies are distinct, and each is exactly its family set.
        let mut counts = [0usize; 3];
        for &alg in Algorithm::ALL {
            let pq = alg.is_post_quantum();
            let comp = alg.is_composite();
            assert_eq!(AlgorithmPolicy::PqcOnly.allows(alg), pq, "{alg}");
            assert_eq!(
                AlgorithmPolicy::HybridOrPqc.allows(alg),
                pq || comp,
                "{alg}"
            );
            assert_eq!(AlgorithmPolicy::CompositeOnly.allows(alg), comp, "{alg}");
            assert!(AlgorithmPolicy::Any.allows(alg));
            counts[0] += usize::from(pq);
            counts[1] += usize::from(pq || comp);
            counts[2] += usize::from(comp);
        }
        assert_eq!(counts, [15, 21, 6]);
        let v = Validation::pqc_only().algorithms([Algorithm::MlDsa44, Algorithm::Es256]);
        assert!(v.allows(Algorithm::MlDsa44));
        assert!(!v.allows(Algorithm::MlDsa65));
        assert!(!v.allows(Algorithm::Es256));
        assert_eq!(
            v.check_header(&Header::new(Algorithm::Es256)),
            Err(AlgorithmError::NotAllowed(Algorithm::Es256).into())
        );
        for &p in AlgorithmPolicy::ALL {
            assert_eq!(p.as_str().parse::<AlgorithmPolicy>().unwrap(), p);
        }
        for typo in ["PQC", "quantum", "", "hybrid ", "ML-DSA-44"] {
            assert_eq!(
                typo.parse::<AlgorithmPolicy>(),
                Err(AlgorithmError::UnknownPolicy.into())
            );
        }
    }
}
