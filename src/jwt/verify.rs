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
//! Only then does a [`Verified`] exist. The [`Validation`] checks live here too, in the order
//! the pipeline applies them.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::error::{AlgorithmError, ClaimName, ClaimsError, Error, FormatError, RegisteredClaim};
use crate::format::header::Header;
use crate::jws::signer::JwsVerifier;
use crate::jws::{HeaderKey, Parsed, SignatureRule};
use crate::jwt::claims::{self, Claims};
use crate::jwt::replay::TokenUse;
use crate::jwt::validate::{ReplayMode, Validation};
use crate::jwt::verified::CnfJkt;
pub use crate::jwt::verified::Verified;
pub(crate) use crate::jwt::verified::cnf_jkt;
use crate::keys::key::MAX_KID_LEN;
use crate::keys::keyset::KeySet;
use crate::keys::remote::RemoteKeySet;
use crate::telemetry::{Operation, Span};
use crate::time::NumericDate;

impl Validation {
    /// Verify `token` with one key, then check its claims. The token's `kid`, if any, is not
    /// compared with the key's (the caller chose the key); use [`Validation::verify_with_keys`]
    /// to select among several.
    ///
    /// `T` receives the custom claims (every member except the registered ones); use
    /// [`CustomClaims`](crate::CustomClaims) to keep them as a JSON map.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        key: &(impl JwsVerifier + ?Sized),
    ) -> Result<Verified<T>, Error> {
        let span = Span::start(self.observer.as_ref());
        let result = self.verify_one(token, key);
        if let Some(span) = span {
            let outcome = result.as_ref().map(drop);
            self.report_verify(span, Some(key.algorithm()), key.key_id(), outcome);
        }
        result
    }

    fn verify_one<T: DeserializeOwned>(
        &self,
        token: &str,
        key: &(impl JwsVerifier + ?Sized),
    ) -> Result<Verified<T>, Error> {
        let now = self.clock.now();
        let alg = key.algorithm();
        let parsed = Parsed::parse(token, &self.limits, alg.max_signature_len())?;
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
        let span = Span::start(self.observer.as_ref());
        let mut seen = span.as_ref().map(|_| Seen::default());
        let result = self.verify_in_set(token, keys, seen.as_mut());
        if let Some(span) = span {
            self.report(span, &result, seen.as_ref());
        }
        result
    }

    /// Report a verification that chose its key from the token (a key set, a header key):
    /// on success the key's algorithm and kid, else what the token named.
    fn report<T>(&self, span: Span<'_>, result: &Result<Verified<T>, Error>, seen: Option<&Seen>) {
        let (alg, kid) = match result {
            Ok(v) => (Some(v.algorithm()), v.kid()),
            Err(_) => seen.map_or((None, None), |s| (s.alg, s.kid.as_deref())),
        };
        self.report_verify(span, alg, kid, result.as_ref().map(drop));
    }

    /// The one place a verification event is reported: the algorithm and kid each caller
    /// found, this validation's policy, and the outcome.
    fn report_verify(
        &self,
        span: Span<'_>,
        alg: Option<Algorithm>,
        kid: Option<&str>,
        outcome: Result<(), &Error>,
    ) {
        let policy = self.policy.as_str();
        span.finish(
            Operation::Verify,
            alg.map(Algorithm::as_str),
            kid,
            policy,
            outcome,
        );
    }

    fn verify_in_set<T: DeserializeOwned>(
        &self,
        token: &str,
        keys: &KeySet,
        seen: Option<&mut Seen>,
    ) -> Result<Verified<T>, Error> {
        let now = self.clock.now();
        let snapshot = keys.snapshot();
        if snapshot.is_empty() {
            // Nothing could verify it; do not even look at it.
            return Err(Error::KeyNotFound);
        }
        let parsed = Parsed::parse(token, &self.limits, snapshot.max_signature_len())?;
        let header = parsed.header();
        if let Some(seen) = seen {
            seen.alg = Some(header.alg());
            seen.kid = header.kid().map(str::to_owned);
        }
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

    /// Verify `token` against a [`RemoteKeySet`], then check its claims: as
    /// [`Validation::verify_with_keys`] on the remote set's current keys, which never waits on
    /// the network when the token's key is known. An unknown `kid` (or no set fetched yet)
    /// refreshes the set at most once per cooldown, single-flight, and the token is tried
    /// once more; past the stale bound it is [`RemoteKeysError::Stale`](crate::RemoteKeysError).
    pub fn verify_with_remote_keys<T: DeserializeOwned>(
        &self,
        token: &str,
        remote: &RemoteKeySet,
    ) -> Result<Verified<T>, Error> {
        remote.with_keys(|keys| self.verify_with_keys(token, keys))
    }

    /// [`Validation::verify_json`] against a [`RemoteKeySet`]: the remote set's keys now in
    /// force (retired keys left out), with the compact path's refresh rule: when the document
    /// finds no key (an unknown `kid`, or no set fetched yet) the set is refreshed at most once
    /// per cooldown, single-flight, and the document is tried once more; past the stale bound
    /// it is [`RemoteKeysError::Stale`](crate::RemoteKeysError).
    pub fn verify_json_with_remote_keys<T: DeserializeOwned>(
        &self,
        jws: &str,
        remote: &RemoteKeySet,
    ) -> Result<Verified<T>, Error> {
        remote.with_keys(|keys| {
            let snapshot = keys.snapshot();
            self.verify_json(jws, &snapshot.verifiers_at(self.clock.now()))
        })
    }

    /// **The one path that uses a header-embedded key** (DPoP proofs, RFC 9449 §4.3): the
    /// header's `jwk` is handed to `key_of` together with the checked header, and the key it
    /// returns verifies this token's own signature and nothing else. `known` is asked first
    /// with the header segment as sent: a caller that verified a token with exactly that
    /// segment before may return the header and key it got then (DPoP's key cache), which
    /// skips decoding the header and importing its key; the header checks, the signature and
    /// everything after still run. Everything else is the
    /// usual pipeline (limits, header, `alg` allowed and agreeing with the key, signature,
    /// claims, replay). Crate-internal: only `profiles::dpop` calls it.
    pub(crate) fn verify_with_header_jwk<T: DeserializeOwned, K: JwsVerifier>(
        &self,
        token: &str,
        max_sig_len: usize,
        known: impl FnOnce(&str) -> Option<(Header, K)>,
        key_of: impl FnOnce(&Header, Option<Value>) -> Result<K, Error>,
    ) -> Result<(Verified<T>, K), Error> {
        let span = Span::start(self.observer.as_ref());
        let mut seen = span.as_ref().map(|_| Seen::default());
        let result = self.verify_header_jwk(token, max_sig_len, known, key_of, seen.as_mut());
        if let Some(span) = span {
            let alg = match &result {
                Ok((v, _)) => Some(v.algorithm()),
                Err(_) => seen.as_ref().and_then(|s| s.alg),
            };
            self.report_verify(span, alg, None, result.as_ref().map(drop));
        }
        result
    }

    fn verify_header_jwk<T: DeserializeOwned, K: JwsVerifier>(
        &self,
        token: &str,
        max_sig_len: usize,
        known: impl FnOnce(&str) -> Option<(Header, K)>,
        key_of: impl FnOnce(&Header, Option<Value>) -> Result<K, Error>,
        seen: Option<&mut Seen>,
    ) -> Result<(Verified<T>, K), Error> {
        let now = self.clock.now();
        let (parsed, found) = Parsed::parse_taking_jwk(token, &self.limits, max_sig_len, known)?;
        if let Some(seen) = seen {
            seen.alg = Some(parsed.header().alg());
        }
        self.check_header(parsed.header())?;
        let key = match found {
            HeaderKey::Known(key) => key,
            HeaderKey::Jwk(jwk) => key_of(parsed.header(), jwk)?,
        };
        let alg = key.algorithm();
        self.check_key_alg(alg)?;
        parsed.verify_signature(&key)?;
        let verified = self.finish(parsed, alg, None, now)?;
        Ok((verified, key))
    }

    /// Verify a JWT in the JWS JSON serialization (RFC 7515 §7.2, flattened or general; see
    /// [`crate::jws::verify_json`]) with `keys`, then check its claims.
    ///
    /// The rule is the migration rule ([`SignatureRule::AnyAllowed`] with this validation's
    /// policy and allow-list): the token is accepted when at least one signature whose
    /// algorithm the validation allows verifies with one of `keys`; signatures of other
    /// algorithms are ignored, never verified. The claims checks then run once, against the
    /// protected header of the first signature that verified. `T` is as for
    /// [`Validation::verify`].
    pub fn verify_json<T: DeserializeOwned>(
        &self,
        jws: &str,
        keys: &[&dyn JwsVerifier],
    ) -> Result<Verified<T>, Error> {
        let span = Span::start(self.observer.as_ref());
        let result = self.verify_json_inner(jws, keys);
        if let Some(span) = span {
            // On failure: the key's algorithm and kid when there was one key, else unknown.
            let (alg, kid) = match (&result, keys) {
                (Ok(v), _) => (Some(v.algorithm()), v.kid()),
                (Err(_), [key]) => (Some(key.algorithm()), key.key_id()),
                (Err(_), _) => (None, None),
            };
            self.report_verify(span, alg, kid, result.as_ref().map(drop));
        }
        result
    }

    fn verify_json_inner<T: DeserializeOwned>(
        &self,
        jws: &str,
        keys: &[&dyn JwsVerifier],
    ) -> Result<Verified<T>, Error> {
        self.check_config()?;
        let now = self.clock.now();
        let rule = SignatureRule::AnyAllowed {
            policy: self.policy,
            algorithms: self.algorithms.clone().unwrap_or_default(),
        };
        // An explicit but empty allow-list allows nothing (as for compact tokens).
        let allowed: Vec<&dyn JwsVerifier> = keys
            .iter()
            .copied()
            .filter(|k| self.allows(k.algorithm()))
            .collect();
        if allowed.is_empty() {
            return Err(match keys.first() {
                Some(k) => AlgorithmError::NotAllowed(k.algorithm()).into(),
                None => Error::KeyNotFound,
            });
        }
        let keys = allowed;
        let verified = crate::jws::verify_json_with_limits(&keys, jws, &rule, &self.limits)?;
        let first = verified
            .verified()
            .first()
            .cloned()
            .ok_or(Error::InvalidSignature)?;
        let algorithm = first.algorithm();
        let kid = first.kid().map(str::to_owned);
        self.finish_with(
            first.into_header(),
            verified.into_payload(),
            algorithm,
            kid.as_deref(),
            now,
        )
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
        self.finish_with(parsed.into_header(), payload, algorithm, key_kid, now)
    }

    /// [`Self::finish`] over a verified header and decoded payload, whatever the serialization.
    fn finish_with<T: DeserializeOwned>(
        &self,
        header: Header,
        payload: Vec<u8>,
        algorithm: Algorithm,
        key_kid: Option<&str>,
        now: NumericDate,
    ) -> Result<Verified<T>, Error> {
        // RFC 7519 §7.2 step 8: a `cty` of JWT means a nested token, never a claims set.
        if header.cty().is_some_and(|cty| typ_matches("JWT", cty)) {
            return Err(FormatError::NestedJwt.into());
        }
        let (registered, rest) = claims::parse_payload(&payload, self.limits.depth())?;
        self.check_claims(&header, &registered, &rest, now)?;
        let cnf_jkt = CnfJkt::of(&rest);
        let claims: Claims<T> = registered.with_custom_from(rest)?;
        self.check_replay(&claims, key_kid.or(header.kid()), now)?;
        let kid = key_kid.map(str::to_owned);
        Ok(Verified::new(
            header, claims, payload, algorithm, kid, cnf_jkt,
        ))
    }
}

/// What a verification that chooses its key learned of the token before it failed, for the
/// telemetry event (filled only when an observer is set).
#[derive(Default)]
struct Seen {
    alg: Option<Algorithm>,
    kid: Option<String>,
}

/// The checks a [`Validation`] makes, in pipeline order.
impl Validation {
    /// Before key selection: the header's `alg` is allowed; its `kid`, if any, is not too long.
    pub(crate) fn check_header(&self, header: &Header) -> Result<(), Error> {
        self.check_config()?;
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
        for (_, check) in &self.checks {
            check.check(header, claims, rest)?;
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
        let expires = match claims.expires_at() {
            Some(exp) => Some(
                exp.checked_add(self.leeway)
                    .ok_or_else(|| invalid(RegisteredClaim::Expiration))?,
            ),
            None => None,
        };
        let token = TokenUse::of_claims(claims, kid, expires, now);
        store.check(&token, *mode == ReplayMode::SingleUse)?;
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
    use std::time::Duration;

    use super::*;
    use crate::jwt::claims::parse_payload;

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
    fn several_issuers_and_audiences() {
        let h = hdr();
        let far = NOW + 3600;
        let v = Validation::new()
            .issuer("a")
            .issuer("b")
            .audience("x")
            .audience("y");
        let tok = |iss: &str, aud: &str| format!(r#"{{"exp":{far},"iss":"{iss}","aud":{aud}}}"#);
        assert_eq!(check(&v, &h, &tok("b", r#""y""#)), Ok(()));
        assert_eq!(check(&v, &h, &tok("a", r#"["z","x"]"#)), Ok(()));
        assert_eq!(check(&v, &h, &tok("c", r#""x""#)), c(ClaimsError::Issuer));
        assert_eq!(
            check(&v, &h, &tok("a", r#"["z"]"#)),
            c(ClaimsError::Audience)
        );
    }

    #[test]
    fn typ_comparison() {
        for (expected, found, ok) in [
            ("at+jwt", "at+jwt", true),
            ("at+jwt", "AT+JWT", true),
            ("at+jwt", "application/at+jwt", true),
            ("application/at+jwt", "At+Jwt", true),
            ("JWT", "Application/jwt", true),
            ("at+jwt", "JWT", false),
            ("at+jwt", "at+jwt ", false),
            ("at+jwt", "application/", false),
            ("at+jwt", "applicationat+jwt", false),
        ] {
            assert_eq!(typ_matches(expected, found), ok, "{expected} vs {found}");
        }
    }

    #[test]
    fn required_custom_names_are_normalized() {
        let body = format!(r#"{{"exp":{}}}"#, NOW + 3600);
        // A custom name that is registered is treated as the registered claim.
        let v = Validation::new().require(ClaimName::Custom("exp".into()));
        assert_eq!(check(&v, &hdr(), &body), Ok(()));
        let v = Validation::new().require(ClaimName::Custom("jti".into()));
        assert_eq!(
            check(&v, &hdr(), &body),
            c(ClaimsError::Missing(RegisteredClaim::JwtId.into()))
        );
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
