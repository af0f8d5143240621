//! [`TokenBuilder`]: header and claims in, compact JWS out.
//!
//! Defaults for a short-lived credential: `iat` from the clock, `exp` five minutes later
//! ([`DEFAULT_TTL`]), a random 128-bit `jti`, `typ: JWT`, and `kid` from the signing key.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::backend::rng;
use crate::error::{ClaimsError, Error, FormatError, RegisteredClaim};
use crate::format::b64;
use crate::format::header::Header;
use crate::jws;
use crate::jws::signer::JwsSigner;
use crate::jwt::claims::{Audience, Claims, CustomClaims};
use crate::time::{Clock, NumericDate, SystemClock};

/// Lifetime of a token when neither [`TokenBuilder::ttl`] nor [`TokenBuilder::expires_at`] is
/// given.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

/// Builds and signs JWTs. Reusable: every [`sign`](TokenBuilder::sign) takes a fresh `iat`,
/// `exp` and `jti`.
///
/// ```
/// use std::time::Duration;
/// use pqjose::{Algorithm, SigningKey, TokenBuilder};
///
/// let key = SigningKey::generate(Algorithm::MlDsa65)?;
/// let token = TokenBuilder::new()
///     .issuer("https://issuer.example")
///     .subject("agent-7")
///     .audience("https://gateway.example")
///     .ttl(Duration::from_secs(120))
///     .claim("task", "t-42")
///     .typ("at+jwt")
///     .sign(&key)?;
/// # Ok::<(), pqjose::Error>(())
/// ```
#[derive(Clone)]
pub struct TokenBuilder<T = CustomClaims> {
    claims: Claims<T>,
    /// Ad-hoc claims from [`TokenBuilder::claim`], written after the typed ones.
    extra: serde_json::Map<String, Value>,
    ttl: Option<Duration>,
    random_jti: bool,
    typ: Option<String>,
    cty: Option<String>,
    members: Vec<(String, Value)>,
    clock: Arc<dyn Clock>,
}

impl<T> core::fmt::Debug for TokenBuilder<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenBuilder")
            .field("ttl", &self.ttl)
            .field("typ", &self.typ)
            .finish_non_exhaustive()
    }
}

impl Default for TokenBuilder<CustomClaims> {
    fn default() -> Self {
        Self::with_custom(CustomClaims::new())
    }
}

impl TokenBuilder<CustomClaims> {
    /// A builder whose custom claims are a JSON map, filled with [`TokenBuilder::claim`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder starting from a claims JSON object (as given to `pqjose sign` or the C ABI).
    /// Registered claims in it are taken as typed values (a present `exp` or `iat` replaces the
    /// one the builder would derive, a present `jti` the random one); the rest are custom
    /// claims. Parsed strictly: duplicate members, excessive nesting and ill-typed registered
    /// claims are refused.
    pub fn from_claims_json(json: &str) -> Result<Self, Error> {
        let (registered, rest) = crate::jwt::claims::parse_payload(
            json.as_bytes(),
            crate::format::json::DEFAULT_MAX_DEPTH,
        )?;
        Ok(Self::from_claims(registered.map_custom(rest)))
    }
}

impl<T: Serialize> TokenBuilder<T> {
    /// A builder with custom claims `custom`: any type that serializes to a JSON object
    /// without registered claim names. Ad-hoc claims can still be added with
    /// [`TokenBuilder::claim`]:
    ///
    /// ```
    /// use pqjose::{Algorithm, SigningKey, TokenBuilder};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Task {
    ///     task: String,
    /// }
    ///
    /// let key = SigningKey::generate(Algorithm::MlDsa44)?;
    /// let token = TokenBuilder::with_custom(Task { task: "t-42".into() })
    ///     .subject("agent-7")
    ///     .claim("scope", "orders:read")
    ///     .sign(&key)?;
    /// # Ok::<(), pqjose::Error>(())
    /// ```
    pub fn with_custom(custom: T) -> Self {
        Self::from_claims(Claims::new(custom))
    }

    /// A builder starting from `claims`. Registered claims set there are kept (an `exp`, `iat`
    /// or `jti` there replaces the derived one).
    pub fn from_claims(claims: Claims<T>) -> Self {
        Self {
            claims,
            extra: serde_json::Map::new(),
            ttl: Some(DEFAULT_TTL),
            random_jti: true,
            typ: Some("JWT".to_owned()),
            cty: None,
            members: Vec::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Add an ad-hoc custom claim, whatever the builder's typed claims `T` are. It is written
    /// after the typed claims: a name they already have is replaced, and a second `claim` of
    /// one name replaces the first. A registered name (`iss`, `exp`, …) is refused when
    /// signing ([`ClaimsError::Invalid`]); use the typed setters for those.
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// Set `iss`.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.claims = self.claims.with_issuer(iss);
        self
    }

    /// Set `sub`.
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.claims = self.claims.with_subject(sub);
        self
    }

    /// Set `aud`: one audience (`"x"`) or several (`["x", "y"]`, or a `Vec<String>`).
    pub fn audience(mut self, aud: impl Into<Audience>) -> Self {
        self.claims = self.claims.with_audience(aud);
        self
    }

    /// `exp` = `iat` + `ttl` (default [`DEFAULT_TTL`]).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// A fixed `exp` instead of one derived from a TTL.
    pub fn expires_at(mut self, exp: NumericDate) -> Self {
        self.claims = self.claims.with_expires_at(exp);
        self
    }

    /// **Weakens the default**: issue tokens without `exp` (validators refuse them unless told
    /// otherwise). A fixed [`expires_at`](Self::expires_at) is still honoured.
    pub fn without_expiry(mut self) -> Self {
        self.ttl = None;
        self
    }

    /// Set `nbf`.
    pub fn not_before(mut self, nbf: NumericDate) -> Self {
        self.claims = self.claims.with_not_before(nbf);
        self
    }

    /// A fixed `jti` instead of a random one (only for a builder that signs one token).
    pub fn jwt_id(mut self, jti: impl Into<String>) -> Self {
        self.claims = self.claims.with_jwt_id(jti);
        self
    }

    /// Issue tokens without `jti` (replay detection then cannot work for them).
    pub fn without_jwt_id(mut self) -> Self {
        self.random_jti = false;
        self
    }

    /// The header `typ` (default `JWT`; for example `at+jwt`, RFC 9068).
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// The header `cty`.
    pub fn cty(mut self, cty: impl Into<String>) -> Self {
        self.cty = Some(cty.into());
        self
    }

    /// An extra protected header member. Registered header names are refused when signing
    /// (see [`Header::with_member`]).
    pub fn header_member(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.members.push((name.into(), value.into()));
        self
    }

    /// Take `iat` from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The claims of the next token, as a JSON object: the registered and custom claims plus
    /// `iat`, `exp` and `jti` as configured.
    pub fn claims_at(&self, now: NumericDate) -> Result<serde_json::Map<String, Value>, Error> {
        let mut out = self.claims.to_json_object()?;
        for (name, value) in &self.extra {
            if let Some(c) = RegisteredClaim::from_name(name) {
                return Err(ClaimsError::Invalid(c.into()).into());
            }
            out.insert(name.clone(), value.clone());
        }
        let mut put = |c: RegisteredClaim, v: Value| {
            out.entry(c.name()).or_insert(v);
        };
        put(RegisteredClaim::IssuedAt, Value::from(now.as_secs()));
        if let Some(ttl) = self.ttl {
            let exp = now
                .checked_add(ttl)
                .ok_or(ClaimsError::Invalid(RegisteredClaim::Expiration.into()))?;
            put(RegisteredClaim::Expiration, Value::from(exp.as_secs()));
        }
        if self.random_jti && self.claims.jwt_id().is_none() {
            put(RegisteredClaim::JwtId, Value::String(random_jti()?));
        }
        Ok(out)
    }

    /// The protected header for `signer`: its algorithm and `kid`, `typ`, `cty`, extra members.
    pub fn header_for(&self, signer: &(impl JwsSigner + ?Sized)) -> Result<Header, Error> {
        let mut header = Header::new(signer.algorithm());
        if let Some(kid) = signer.key_id() {
            header = header.with_kid(kid);
        }
        if let Some(typ) = &self.typ {
            header = header.with_typ(typ.clone());
        }
        if let Some(cty) = &self.cty {
            header = header.with_cty(cty.clone());
        }
        for (name, value) in &self.members {
            header = header.with_member(name.clone(), value.clone())?;
        }
        Ok(header)
    }

    /// Sign a token with `signer` (a [`crate::SigningKey`], or any [`JwsSigner`]).
    pub fn sign(&self, signer: &(impl JwsSigner + ?Sized)) -> Result<String, Error> {
        let header = self.header_for(signer)?;
        let claims = self.claims_at(self.clock.now())?;
        let payload =
            serde_json::to_vec(&claims).map_err(|_| Error::Format(FormatError::PayloadJson))?;
        jws::sign(signer, &header, &payload)
    }

    /// Sign one token with several keys in the JWS JSON serialization (RFC 7515 §7.2): the
    /// flattened form for one signer, the general form for several (at most
    /// [`crate::jws::Limits::MAX_SIGNATURES`]). Every signature covers the same claims; each
    /// protected header is [`header_for`](Self::header_for) its signer. The migration case:
    /// sign with the classical key and the post-quantum key, and let each verifier require the
    /// signature it trusts ([`Validation::verify_json`](crate::Validation::verify_json)).
    pub fn sign_json(&self, signers: &[&dyn JwsSigner]) -> Result<String, Error> {
        let headers = signers
            .iter()
            .map(|s| self.header_for(*s))
            .collect::<Result<Vec<_>, _>>()?;
        let claims = self.claims_at(self.clock.now())?;
        let payload =
            serde_json::to_vec(&claims).map_err(|_| Error::Format(FormatError::PayloadJson))?;
        jws::sign_flattened_or_general(signers, &headers, &payload)
    }
}

/// 128 random bits, base64url (22 characters).
pub(crate) fn random_jti() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rng::fill(&mut bytes)?;
    Ok(b64::encode(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Algorithm;
    use crate::time::FixedClock;

    struct Fake;
    impl JwsSigner for Fake {
        fn algorithm(&self) -> Algorithm {
            Algorithm::MlDsa44
        }
        fn key_id(&self) -> Option<&str> {
            Some("k1")
        }
        fn sign(&self, _: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(vec![7; 4])
        }
    }

    fn decode(token: &str, part: usize) -> Value {
        let seg = token.split('.').nth(part).unwrap();
        serde_json::from_slice(&b64::decode(seg).unwrap()).unwrap()
    }

    #[test]
    fn defaults() {
        let b = TokenBuilder::new()
            .issuer("i")
            .claim("task", "t")
            .clock(FixedClock::at_secs(1000));
        let t1 = b.sign(&Fake).unwrap();
        let t2 = b.sign(&Fake).unwrap();
        assert_eq!(
            decode(&t1, 0),
            serde_json::json!({"alg":"ML-DSA-44","kid":"k1","typ":"JWT"})
        );
        let c = decode(&t1, 1);
        assert_eq!(c["iat"], 1000);
        assert_eq!(c["exp"], 1300);
        assert_eq!(c["iss"], "i");
        assert_eq!(c["task"], "t");
        let jti = c["jti"].as_str().unwrap();
        assert_eq!(b64::decode(jti).unwrap().len(), 16);
        assert_ne!(decode(&t2, 1)["jti"], c["jti"]);
    }

    #[test]
    fn options() {
        let t = TokenBuilder::new()
            .typ("at+jwt")
            .header_member("x-task", 5)
            .audience(["a", "b"])
            .expires_at(NumericDate::from_secs(5000))
            .not_before(NumericDate::from_secs(900))
            .jwt_id("fixed")
            .clock(FixedClock::at_secs(1000))
            .sign(&Fake)
            .unwrap();
        assert_eq!(decode(&t, 0)["typ"], "at+jwt");
        assert_eq!(decode(&t, 0)["x-task"], 5);
        let c = decode(&t, 1);
        assert_eq!(c["exp"], 5000);
        assert_eq!(c["nbf"], 900);
        assert_eq!(c["jti"], "fixed");
        assert_eq!(c["aud"], serde_json::json!(["a", "b"]));
        let bare = TokenBuilder::new()
            .without_expiry()
            .without_jwt_id()
            .clock(FixedClock::at_secs(1))
            .sign(&Fake)
            .unwrap();
        assert_eq!(decode(&bare, 1), serde_json::json!({"iat": 1}));
    }

    #[test]
    fn from_claims_json() {
        let b = TokenBuilder::from_claims_json(
            r#"{"iss":"i","aud":["a"],"exp":5000,"jti":"j","task":{"id":1}}"#,
        )
        .unwrap()
        .clock(FixedClock::at_secs(1000));
        let c = decode(&b.sign(&Fake).unwrap(), 1);
        assert_eq!(
            c,
            serde_json::json!({"iss":"i","aud":["a"],"exp":5000,"iat":1000,"jti":"j","task":{"id":1}})
        );
        for bad in [
            r#"{"exp":"soon"}"#,
            r#"{"a":1,"a":2}"#,
            "[1]",
            r#"{"aud":7}"#,
        ] {
            assert!(TokenBuilder::from_claims_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_and_ad_hoc_claims_together() {
        #[derive(Serialize)]
        struct Task {
            task: String,
            priority: u8,
        }
        let b = TokenBuilder::with_custom(Task {
            task: "t-42".into(),
            priority: 1,
        })
        .issuer("i")
        .claim("scope", "orders:read")
        .claim("priority", 2)
        .without_jwt_id()
        .clock(FixedClock::at_secs(1000));
        let c = decode(&b.sign(&Fake).unwrap(), 1);
        assert_eq!(
            c,
            serde_json::json!({"iss":"i","task":"t-42","priority":2,"scope":"orders:read",
                "iat":1000,"exp":1300})
        );
        // The untyped builder keeps its behaviour: the last value of a name wins.
        let c = decode(
            &TokenBuilder::from_claims_json(r#"{"task":"a"}"#)
                .unwrap()
                .claim("task", "b")
                .sign(&Fake)
                .unwrap(),
            1,
        );
        assert_eq!(c["task"], "b");
        assert_eq!(
            TokenBuilder::with_custom(Task {
                task: "t".into(),
                priority: 0
            })
            .claim("sub", "x")
            .sign(&Fake)
            .unwrap_err(),
            ClaimsError::Invalid(RegisteredClaim::Subject.into()).into()
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            TokenBuilder::new().claim("exp", 1).sign(&Fake).unwrap_err(),
            ClaimsError::Invalid(RegisteredClaim::Expiration.into()).into()
        );
        assert_eq!(
            TokenBuilder::new()
                .header_member("alg", "none")
                .sign(&Fake)
                .unwrap_err(),
            FormatError::HeaderMember.into()
        );
        assert_eq!(
            TokenBuilder::new()
                .clock(FixedClock::at_secs(i64::MAX))
                .sign(&Fake)
                .unwrap_err(),
            ClaimsError::Invalid(RegisteredClaim::Expiration.into()).into()
        );
    }
}
