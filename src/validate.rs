//! [`Validation`]: the policy a JWT must satisfy, with RFC 8725 defaults.
//!
//! Fields are private; every setting is a builder method, and every *weakening* of a default is
//! a call whose name says so ([`Validation::allow_missing_exp`],
//! [`Validation::allow_unexpected_audience`]). The checks themselves run in
//! [`Validation::verify`] / [`Validation::verify_with_keys`].

use core::fmt;
use core::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::claims::Claims;
use crate::error::{AlgorithmError, ClaimName, ClaimsError, Error, FormatError, RegisteredClaim};
use crate::header::Header;
use crate::jws::Limits;
use crate::key::MAX_KID_LEN;
use crate::replay::ReplayStore;
use crate::time::{Clock, NumericDate, SystemClock};

/// Default clock-skew allowance for `exp`, `nbf` and `iat`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// Which signature algorithms a [`Validation`] accepts, before any explicit allow-list.
///
/// Whatever the policy, the verifying key's own algorithm decides how a signature is checked;
/// the policy only narrows which keys and headers are acceptable at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmPolicy {
    /// Post-quantum only: ML-DSA, SLH-DSA and the composite ML-DSA hybrids.
    PqcOnly,
    /// Post-quantum or hybrid: the same set as [`AlgorithmPolicy::PqcOnly`] (every hybrid
    /// pqjose knows has an ML-DSA component). Kept separate so configurations say what they
    /// mean; named `hybrid` on the command line.
    HybridOrPqc,
    /// Every algorithm pqjose implements (the key still decides).
    #[default]
    Any,
}

impl AlgorithmPolicy {
    /// Whether the policy accepts `alg`.
    pub const fn allows(self, alg: Algorithm) -> bool {
        match self {
            Self::PqcOnly | Self::HybridOrPqc => alg.is_post_quantum() || alg.is_composite(),
            Self::Any => true,
        }
    }

    /// The command-line name: `pqc`, `hybrid` or `any`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PqcOnly => "pqc",
            Self::HybridOrPqc => "hybrid",
            Self::Any => "any",
        }
    }
}

impl FromStr for AlgorithmPolicy {
    type Err = Error;

    /// `pqc`, `hybrid` or `any` (exact). Anything else is [`AlgorithmError::Unknown`].
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "pqc" => Ok(Self::PqcOnly),
            "hybrid" => Ok(Self::HybridOrPqc),
            "any" => Ok(Self::Any),
            _ => Err(AlgorithmError::Unknown.into()),
        }
    }
}

impl fmt::Display for AlgorithmPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    leeway: Duration,
    require_exp: bool,
    max_age: Option<Duration>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    allow_unexpected_audience: bool,
    subject: Option<String>,
    typ: Option<String>,
    required: Vec<ClaimName>,
    policy: AlgorithmPolicy,
    algorithms: Option<Vec<Algorithm>>,
    limits: Limits,
    clock: Arc<dyn Clock>,
    replay: Option<(Arc<dyn ReplayStore>, ReplayMode)>,
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
            .finish_non_exhaustive()
    }
}

impl Validation {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// The default policy restricted to post-quantum and composite algorithms
    /// ([`AlgorithmPolicy::PqcOnly`]).
    pub fn pqc_only() -> Self {
        Self::new().policy(AlgorithmPolicy::PqcOnly)
    }

    /// The default policy restricted to post-quantum or hybrid algorithms
    /// ([`AlgorithmPolicy::HybridOrPqc`]).
    pub fn hybrid_or_pqc() -> Self {
        Self::new().policy(AlgorithmPolicy::HybridOrPqc)
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
    /// any issuer is configured, `iss` is required.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Accept this audience: the token's `aud` (a string or an array) must contain one of the
    /// configured audiences. Calling it again adds another. Once any audience is configured,
    /// `aud` is required.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Require this subject (exact match); `sub` becomes required.
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

    /// Require a claim to be present: a [`RegisteredClaim`] or a custom one
    /// ([`ClaimName::from_name`]).
    pub fn require(mut self, claim: impl Into<ClaimName>) -> Self {
        let claim = match claim.into() {
            ClaimName::Custom(name) => ClaimName::from_name(&name),
            registered => registered,
        };
        self.required.push(claim);
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

    /// Whether the policy and the explicit allow-list both accept `alg`.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.policy.allows(alg) && self.algorithms.as_ref().is_none_or(|l| l.contains(&alg))
    }

    /// The configured leeway.
    pub fn leeway_duration(&self) -> Duration {
        self.leeway
    }

    pub(crate) fn limits_ref(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn now(&self) -> NumericDate {
        self.clock.now()
    }

    /// Before key selection: the header's `alg` is allowed; its `kid`, if any, is not too long.
    pub(crate) fn check_header(&self, header: &Header) -> Result<(), Error> {
        if !self.allows(header.alg()) {
            return Err(AlgorithmError::NotAllowed(header.alg()).into());
        }
        if header.kid().is_some_and(|k| k.len() > MAX_KID_LEN) {
            return Err(FormatError::HeaderMember.into());
        }
        Ok(())
    }

    /// The key's algorithm is allowed (it decides, but it must be acceptable too).
    pub(crate) fn check_key_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if self.allows(alg) {
            Ok(())
        } else {
            Err(AlgorithmError::NotAllowed(alg).into())
        }
    }

    /// Every claim check, after the signature verified. `rest` holds the custom members.
    pub(crate) fn check_claims(
        &self,
        header: &Header,
        claims: &Claims<()>,
        rest: &Map<String, Value>,
        now: NumericDate,
    ) -> Result<(), Error> {
        self.check_times(claims, now)?;
        if !self.issuers.is_empty() {
            let iss = claims
                .issuer()
                .ok_or_else(|| missing(RegisteredClaim::Issuer))?;
            if !self.issuers.iter().any(|i| i == iss) {
                return Err(ClaimsError::Issuer.into());
            }
        }
        match (claims.audience(), self.audiences.is_empty()) {
            (None, false) => return Err(missing(RegisteredClaim::Audience)),
            (Some(aud), false) if !self.audiences.iter().any(|a| aud.contains(a)) => {
                return Err(ClaimsError::Audience.into());
            }
            (Some(_), true) if !self.allow_unexpected_audience => {
                return Err(ClaimsError::UnexpectedAudience.into());
            }
            _ => {}
        }
        if let Some(expected) = &self.subject {
            let sub = claims
                .subject()
                .ok_or_else(|| missing(RegisteredClaim::Subject))?;
            if sub != expected {
                return Err(ClaimsError::Subject.into());
            }
        }
        if let Some(expected) = &self.typ
            && !header.typ().is_some_and(|t| typ_matches(expected, t))
        {
            return Err(ClaimsError::Type.into());
        }
        for claim in &self.required {
            let present = match claim {
                ClaimName::Registered(c) => claims.has(*c),
                ClaimName::Custom(name) => rest.contains_key(name),
            };
            if !present {
                return Err(ClaimsError::Missing(claim.clone()).into());
            }
        }
        if self.single_use() && claims.jwt_id().is_none() {
            return Err(missing(RegisteredClaim::JwtId));
        }
        Ok(())
    }

    fn check_times(&self, claims: &Claims<()>, now: NumericDate) -> Result<(), Error> {
        let leeway = self.leeway;
        if let Some(exp) = claims.expires_at() {
            // Valid while now < exp + leeway (RFC 7519 §4.1.4).
            let end = exp
                .checked_add(leeway)
                .ok_or_else(|| invalid(RegisteredClaim::Expiration))?;
            if now >= end {
                return Err(ClaimsError::Expired.into());
            }
        } else if self.require_exp {
            return Err(missing(RegisteredClaim::Expiration));
        }
        if let Some(nbf) = claims.not_before() {
            let start = nbf
                .checked_sub(leeway)
                .ok_or_else(|| invalid(RegisteredClaim::NotBefore))?;
            if now < start {
                return Err(ClaimsError::NotYetValid.into());
            }
        }
        match (claims.issued_at(), self.max_age) {
            (Some(iat), max_age) => {
                let latest = iat
                    .checked_sub(leeway)
                    .ok_or_else(|| invalid(RegisteredClaim::IssuedAt))?;
                if now < latest {
                    return Err(ClaimsError::IssuedInFuture.into());
                }
                if let Some(max_age) = max_age {
                    let oldest = iat
                        .checked_add(max_age)
                        .and_then(|t| t.checked_add(leeway))
                        .ok_or_else(|| invalid(RegisteredClaim::IssuedAt))?;
                    if now > oldest {
                        return Err(ClaimsError::TooOld.into());
                    }
                }
            }
            (None, Some(_)) => return Err(missing(RegisteredClaim::IssuedAt)),
            (None, None) => {}
        }
        Ok(())
    }

    fn single_use(&self) -> bool {
        matches!(self.replay, Some((_, ReplayMode::SingleUse)))
    }

    /// After every claim check: revocation of the `jti` or the key, then (single use) record the
    /// `jti`, to be remembered until the token can no longer pass the `exp` check.
    pub(crate) fn check_replay<T>(
        &self,
        claims: &Claims<T>,
        kid: Option<&str>,
        now: NumericDate,
    ) -> Result<(), Error> {
        let Some((store, mode)) = &self.replay else {
            return Ok(());
        };
        store.check_revoked(claims.jwt_id(), kid)?;
        if *mode == ReplayMode::SingleUse {
            let jti = claims
                .jwt_id()
                .ok_or_else(|| missing(RegisteredClaim::JwtId))?;
            let until = match claims.expires_at() {
                Some(exp) => Some(
                    exp.checked_add(self.leeway)
                        .ok_or_else(|| invalid(RegisteredClaim::Expiration))?,
                ),
                None => None,
            };
            store.record_use(jti, until, now)?;
        }
        Ok(())
    }
}

fn missing(c: RegisteredClaim) -> Error {
    ClaimsError::Missing(c.into()).into()
}

fn invalid(c: RegisteredClaim) -> Error {
    ClaimsError::Invalid(c.into()).into()
}

/// RFC 7515 §4.1.9: media types compare case-insensitively, and `application/` may be omitted.
fn typ_matches(expected: &str, found: &str) -> bool {
    fn bare(s: &str) -> &str {
        const PREFIX: &str = "application/";
        match s.get(..PREFIX.len()) {
            Some(p) if p.eq_ignore_ascii_case(PREFIX) => s.get(PREFIX.len()..).unwrap_or(s),
            _ => s,
        }
    }
    bare(expected).eq_ignore_ascii_case(bare(found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::parse_payload;

    const NOW: i64 = 1_700_000_000;

    fn check(v: &Validation, header: &Header, json: &str) -> Result<(), Error> {
        let (claims, rest) = parse_payload(json.as_bytes(), 16)?;
        v.check_claims(header, &claims, &rest, NumericDate::from_secs(NOW))
    }

    fn hdr() -> Header {
        Header::new(Algorithm::MlDsa65)
    }

    fn c(e: ClaimsError) -> Result<(), Error> {
        Err(Error::Claims(e))
    }

    #[test]
    fn time_windows_with_leeway() {
        let v = Validation::new();
        let h = hdr();
        let at = |claim: &str, t: i64| format!(r#"{{"exp":{},"{claim}":{t}}}"#, NOW + 3600);
        assert_eq!(check(&v, &h, &format!(r#"{{"exp":{}}}"#, NOW + 31)), Ok(()));
        assert_eq!(check(&v, &h, &format!(r#"{{"exp":{}}}"#, NOW - 29)), Ok(()));
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{}}}"#, NOW - 30)),
            c(ClaimsError::Expired)
        );
        assert_eq!(check(&v, &h, &at("nbf", NOW + 30)), Ok(()));
        assert_eq!(
            check(&v, &h, &at("nbf", NOW + 31)),
            c(ClaimsError::NotYetValid)
        );
        assert_eq!(check(&v, &h, &at("iat", NOW + 30)), Ok(()));
        assert_eq!(
            check(&v, &h, &at("iat", NOW + 31)),
            c(ClaimsError::IssuedInFuture)
        );
        assert_eq!(
            check(&v, &h, "{}"),
            c(ClaimsError::Missing(RegisteredClaim::Expiration.into()))
        );
        assert_eq!(check(&v.clone().allow_missing_exp(), &h, "{}"), Ok(()));
        let strict = Validation::new().leeway(Duration::ZERO);
        assert_eq!(
            check(&strict, &h, &format!(r#"{{"exp":{NOW}}}"#)),
            c(ClaimsError::Expired)
        );
    }

    #[test]
    fn overflowing_times_fail_closed() {
        let v = Validation::new();
        let h = hdr();
        let max = i64::MAX;
        let min = i64::MIN;
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{max}}}"#)),
            c(ClaimsError::Invalid(RegisteredClaim::Expiration.into()))
        );
        let far = NOW + 3600;
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{far},"nbf":{min}}}"#)),
            c(ClaimsError::Invalid(RegisteredClaim::NotBefore.into()))
        );
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{far},"nbf":{max}}}"#)),
            c(ClaimsError::NotYetValid)
        );
        let aged = Validation::new().max_age(Duration::from_secs(60));
        assert_eq!(
            check(&aged, &h, &format!(r#"{{"exp":{far},"iat":{}}}"#, max - 40)),
            c(ClaimsError::IssuedInFuture)
        );
        let huge = Validation::new().leeway(Duration::from_secs(u64::MAX));
        assert_eq!(
            check(&huge, &h, &format!(r#"{{"exp":{far}}}"#)),
            c(ClaimsError::Invalid(RegisteredClaim::Expiration.into()))
        );
    }

    #[test]
    fn max_age() {
        let v = Validation::new().max_age(Duration::from_secs(300));
        let h = hdr();
        let far = NOW + 3600;
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{far},"iat":{}}}"#, NOW - 330)),
            Ok(())
        );
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{far},"iat":{}}}"#, NOW - 331)),
            c(ClaimsError::TooOld)
        );
        assert_eq!(
            check(&v, &h, &format!(r#"{{"exp":{far}}}"#)),
            c(ClaimsError::Missing(RegisteredClaim::IssuedAt.into()))
        );
    }

    #[test]
    fn issuer_audience_subject() {
        let h = hdr();
        let far = NOW + 3600;
        let v = Validation::new()
            .issuer("a")
            .issuer("b")
            .audience("api")
            .subject("agent-7");
        let tok = |iss: &str, aud: &str, sub: &str| {
            format!(r#"{{"exp":{far},"iss":{iss},"aud":{aud},"sub":{sub}}}"#)
        };
        assert_eq!(
            check(&v, &h, &tok("\"b\"", "\"api\"", "\"agent-7\"")),
            Ok(())
        );
        assert_eq!(
            check(&v, &h, &tok("\"b\"", r#"["x","api"]"#, "\"agent-7\"")),
            Ok(())
        );
        assert_eq!(
            check(&v, &h, &tok("\"c\"", "\"api\"", "\"agent-7\"")),
            c(ClaimsError::Issuer)
        );
        assert_eq!(
            check(&v, &h, &tok("\"A\"", "\"api\"", "\"agent-7\"")),
            c(ClaimsError::Issuer)
        );
        assert_eq!(
            check(&v, &h, &tok("\"a\"", r#"["x"]"#, "\"agent-7\"")),
            c(ClaimsError::Audience)
        );
        assert_eq!(
            check(&v, &h, &tok("\"a\"", "[]", "\"agent-7\"")),
            c(ClaimsError::Audience)
        );
        assert_eq!(
            check(&v, &h, &tok("\"a\"", "\"api\"", "\"agent-8\"")),
            c(ClaimsError::Subject)
        );
        assert_eq!(
            check(
                &v,
                &h,
                &format!(r#"{{"exp":{far},"iss":"a","sub":"agent-7"}}"#)
            ),
            c(ClaimsError::Missing(RegisteredClaim::Audience.into()))
        );
        assert_eq!(
            check(
                &v,
                &h,
                &format!(r#"{{"exp":{far},"aud":"api","sub":"agent-7"}}"#)
            ),
            c(ClaimsError::Missing(RegisteredClaim::Issuer.into()))
        );
        // No audience configured: a token addressed to someone is refused unless allowed.
        let open = Validation::new();
        let addressed = format!(r#"{{"exp":{far},"aud":"api"}}"#);
        assert_eq!(
            check(&open, &h, &addressed),
            c(ClaimsError::UnexpectedAudience)
        );
        assert_eq!(
            check(&open.allow_unexpected_audience(), &h, &addressed),
            Ok(())
        );
    }

    #[test]
    fn typ_and_required_claims() {
        let far = NOW + 3600;
        let body = format!(r#"{{"exp":{far},"task":null}}"#);
        let v = Validation::new().typ("at+jwt");
        for ok in [
            "at+jwt",
            "AT+JWT",
            "application/at+jwt",
            "Application/At+Jwt",
        ] {
            assert_eq!(check(&v, &hdr().with_typ(ok), &body), Ok(()), "{ok}");
        }
        for bad in ["JWT", "at+jwt ", "application/", "applicationat+jwt"] {
            assert_eq!(
                check(&v, &hdr().with_typ(bad), &body),
                c(ClaimsError::Type),
                "{bad}"
            );
        }
        assert_eq!(check(&v, &hdr(), &body), c(ClaimsError::Type));
        let v = Validation::new()
            .require(ClaimName::from_name("task"))
            .require(RegisteredClaim::JwtId);
        assert_eq!(
            check(&v, &hdr(), &body),
            c(ClaimsError::Missing(RegisteredClaim::JwtId.into()))
        );
        let v = Validation::new().require(ClaimName::Custom("scope".into()));
        assert_eq!(
            check(&v, &hdr(), &body),
            c(ClaimsError::Missing(ClaimName::Custom("scope".into())))
        );
        // A custom name that is registered is treated as the registered claim.
        let v = Validation::new().require(ClaimName::Custom("exp".into()));
        assert_eq!(check(&v, &hdr(), &body), Ok(()));
    }

    #[test]
    fn algorithm_policies() {
        assert!(AlgorithmPolicy::PqcOnly.allows(Algorithm::SlhDsaShake128s));
        assert!(AlgorithmPolicy::PqcOnly.allows(Algorithm::MlDsa65Ed25519));
        assert!(!AlgorithmPolicy::PqcOnly.allows(Algorithm::Es256));
        assert!(!AlgorithmPolicy::HybridOrPqc.allows(Algorithm::Hs256));
        assert!(AlgorithmPolicy::Any.allows(Algorithm::Hs256));
        let v = Validation::pqc_only().algorithms([Algorithm::MlDsa44, Algorithm::Es256]);
        assert!(v.allows(Algorithm::MlDsa44));
        assert!(!v.allows(Algorithm::MlDsa65));
        assert!(!v.allows(Algorithm::Es256));
        assert_eq!(
            v.check_header(&Header::new(Algorithm::Es256)),
            Err(AlgorithmError::NotAllowed(Algorithm::Es256).into())
        );
        for p in [
            AlgorithmPolicy::PqcOnly,
            AlgorithmPolicy::HybridOrPqc,
            AlgorithmPolicy::Any,
        ] {
            assert_eq!(p.as_str().parse::<AlgorithmPolicy>().unwrap(), p);
        }
        assert!("PQC".parse::<AlgorithmPolicy>().is_err());
    }

    #[test]
    fn long_kid_refused() {
        let h = Header::new(Algorithm::MlDsa65).with_kid("k".repeat(MAX_KID_LEN + 1));
        assert_eq!(
            Validation::new().check_header(&h),
            Err(FormatError::HeaderMember.into())
        );
    }
}
