//! JWT claims (RFC 7519 §4): the registered claims typed, custom claims through serde.
//!
//! [`Claims<T>`] holds `iss`, `sub`, `aud` ([`Audience`], one or many), `exp`, `nbf`, `iat`
//! ([`NumericDate`]) and `jti`, plus the caller's custom claims `T` (any serde type whose JSON
//! form is an object; by default [`CustomClaims`], a JSON map). Reading claims from a token is
//! strict: a registered claim of the wrong JSON type is [`ClaimsError::Invalid`], never treated as
//! absent.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ClaimName, ClaimsError, Error, RegisteredClaim};
use crate::time::NumericDate;

/// Custom claims as an uninterpreted JSON object (the default `T` of [`Claims`]).
pub type CustomClaims = Map<String, Value>;

impl RegisteredClaim {
    /// Every registered claim, in RFC 7519 order.
    pub const ALL: &'static [RegisteredClaim] = &[
        Self::Issuer,
        Self::Subject,
        Self::Audience,
        Self::Expiration,
        Self::NotBefore,
        Self::IssuedAt,
        Self::JwtId,
    ];

    /// The registered claim with this JSON member name, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl ClaimName {
    /// The claim called `name`: registered if `name` is one of `iss`, `sub`, `aud`, `exp`,
    /// `nbf`, `iat`, `jti`, custom otherwise.
    pub fn from_name(name: &str) -> Self {
        RegisteredClaim::from_name(name).map_or_else(|| Self::Custom(name.to_owned()), Self::from)
    }
}

/// The `aud` claim: one audience (a JSON string) or several (a JSON array of strings).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// `"aud": "x"`
    Single(String),
    /// `"aud": ["x", "y"]`
    Multiple(Vec<String>),
}

impl Audience {
    /// Whether `aud` is one of the audiences (exact, case-sensitive comparison).
    pub fn contains(&self, aud: &str) -> bool {
        self.iter().any(|a| a == aud)
    }

    /// The audiences.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (single, many) = match self {
            Self::Single(a) => (Some(a.as_str()), &[][..]),
            Self::Multiple(v) => (None, v.as_slice()),
        };
        single.into_iter().chain(many.iter().map(String::as_str))
    }

    fn from_json(v: Value) -> Option<Self> {
        match v {
            Value::String(s) => Some(Self::Single(s)),
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(Self::Multiple),
            _ => None,
        }
    }
}

impl From<&str> for Audience {
    fn from(s: &str) -> Self {
        Self::Single(s.to_owned())
    }
}

impl From<String> for Audience {
    fn from(s: String) -> Self {
        Self::Single(s)
    }
}

impl From<Vec<String>> for Audience {
    fn from(v: Vec<String>) -> Self {
        Self::Multiple(v)
    }
}

impl<const N: usize> From<[&str; N]> for Audience {
    fn from(v: [&str; N]) -> Self {
        Self::Multiple(v.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl Serialize for Audience {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Single(a) => s.serialize_str(a),
            Self::Multiple(v) => v.serialize(s),
        }
    }
}

/// The claims of a JWT: the registered ones typed, the custom ones as `T`.
///
/// Build one with [`Claims::new`] and the `with_*` methods (or let [`crate::TokenBuilder`] do it);
/// a verified token's claims are in [`crate::Verified::claims`]. `T` must serialize to a JSON
/// object (or `null`/unit, meaning no custom claim) and must not use a registered claim's name.
/// When verifying, `T = ()` accepts a token without custom claims; to accept any custom claims
/// and ignore them, use `serde::de::IgnoredAny`, or keep them with [`CustomClaims`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claims<T = CustomClaims> {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
    jti: Option<String>,
    custom: T,
}

impl<T> Claims<T> {
    /// Claims with no registered claim and the custom claims `custom`.
    pub fn new(custom: T) -> Self {
        Self {
            iss: None,
            sub: None,
            aud: None,
            exp: None,
            nbf: None,
            iat: None,
            jti: None,
            custom,
        }
    }

    /// `iss`
    pub fn issuer(&self) -> Option<&str> {
        self.iss.as_deref()
    }
    /// `sub`
    pub fn subject(&self) -> Option<&str> {
        self.sub.as_deref()
    }
    /// `aud`
    pub fn audience(&self) -> Option<&Audience> {
        self.aud.as_ref()
    }
    /// `exp`
    pub fn expires_at(&self) -> Option<NumericDate> {
        self.exp
    }
    /// `nbf`
    pub fn not_before(&self) -> Option<NumericDate> {
        self.nbf
    }
    /// `iat`
    pub fn issued_at(&self) -> Option<NumericDate> {
        self.iat
    }
    /// `jti`
    pub fn jwt_id(&self) -> Option<&str> {
        self.jti.as_deref()
    }
    /// The custom claims.
    pub fn custom(&self) -> &T {
        &self.custom
    }
    /// The custom claims, by value.
    pub fn into_custom(self) -> T {
        self.custom
    }

    /// Whether the registered claim `c` is present.
    pub fn has(&self, c: RegisteredClaim) -> bool {
        match c {
            RegisteredClaim::Issuer => self.iss.is_some(),
            RegisteredClaim::Subject => self.sub.is_some(),
            RegisteredClaim::Audience => self.aud.is_some(),
            RegisteredClaim::Expiration => self.exp.is_some(),
            RegisteredClaim::NotBefore => self.nbf.is_some(),
            RegisteredClaim::IssuedAt => self.iat.is_some(),
            RegisteredClaim::JwtId => self.jti.is_some(),
        }
    }

    /// Set `iss`.
    pub fn with_issuer(mut self, iss: impl Into<String>) -> Self {
        self.iss = Some(iss.into());
        self
    }
    /// Set `sub`.
    pub fn with_subject(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }
    /// Set `aud` (one audience, or several).
    pub fn with_audience(mut self, aud: impl Into<Audience>) -> Self {
        self.aud = Some(aud.into());
        self
    }
    /// Set `exp`.
    pub fn with_expires_at(mut self, exp: NumericDate) -> Self {
        self.exp = Some(exp);
        self
    }
    /// Set `nbf`.
    pub fn with_not_before(mut self, nbf: NumericDate) -> Self {
        self.nbf = Some(nbf);
        self
    }
    /// Set `iat`.
    pub fn with_issued_at(mut self, iat: NumericDate) -> Self {
        self.iat = Some(iat);
        self
    }
    /// Set `jti`.
    pub fn with_jwt_id(mut self, jti: impl Into<String>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// Replace the custom claims, keeping the registered ones.
    pub(crate) fn map_custom<U>(self, custom: U) -> Claims<U> {
        Claims {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti,
            custom,
        }
    }
}

impl<T: Serialize> Claims<T> {
    /// The claims as one JSON object: the registered claims followed by the custom ones.
    /// A custom claim named like a registered claim is refused with [`ClaimsError::Invalid`].
    pub fn to_json_object(&self) -> Result<Map<String, Value>, Error> {
        let mut out = Map::new();
        let mut put = |c: RegisteredClaim, v: Option<Value>| {
            if let Some(v) = v {
                out.insert(c.name().to_owned(), v);
            }
        };
        put(RegisteredClaim::Issuer, self.iss.clone().map(Value::String));
        put(
            RegisteredClaim::Subject,
            self.sub.clone().map(Value::String),
        );
        put(
            RegisteredClaim::Audience,
            self.aud.as_ref().map(audience_json),
        );
        put(RegisteredClaim::Expiration, self.exp.map(date_json));
        put(RegisteredClaim::NotBefore, self.nbf.map(date_json));
        put(RegisteredClaim::IssuedAt, self.iat.map(date_json));
        put(RegisteredClaim::JwtId, self.jti.clone().map(Value::String));
        let custom = match serde_json::to_value(&self.custom) {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            _ => return Err(ClaimsError::Deserialize.into()),
        };
        for (name, value) in custom {
            if let Some(c) = RegisteredClaim::from_name(&name) {
                return Err(ClaimsError::Invalid(c.into()).into());
            }
            out.insert(name, value);
        }
        Ok(out)
    }

    /// The claims as compact JSON text (see [`Claims::to_json_object`]).
    pub fn to_json(&self) -> Result<String, Error> {
        serde_json::to_string(&self.to_json_object()?)
            .map_err(|_| Error::Claims(ClaimsError::Deserialize))
    }
}

fn date_json(d: NumericDate) -> Value {
    Value::from(d.as_secs())
}

fn audience_json(a: &Audience) -> Value {
    match a {
        Audience::Single(s) => Value::String(s.clone()),
        Audience::Multiple(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
    }
}

impl Claims<()> {
    /// The registered claims from their values, in [`RegisteredClaim::ALL`] order, as
    /// [`crate::format::json::parse_object_split`] took them out of a strictly parsed claims object;
    /// each is type-checked (`aud` first, then in order).
    fn from_registered(values: [Option<Value>; 7]) -> Result<Self, Error> {
        let [iss, sub, aud, exp, nbf, iat, jti] = values;
        fn string(v: Option<Value>, c: RegisteredClaim) -> Result<Option<String>, Error> {
            match v {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(ClaimsError::Invalid(c.into()).into()),
            }
        }
        fn date(v: Option<Value>, c: RegisteredClaim) -> Result<Option<NumericDate>, Error> {
            match v {
                None => Ok(None),
                Some(v) => NumericDate::from_json(&v)
                    .map(Some)
                    .ok_or_else(|| ClaimsError::Invalid(c.into()).into()),
            }
        }
        let aud = match aud {
            None => None,
            Some(v) => Some(
                Audience::from_json(v)
                    .ok_or(ClaimsError::Invalid(RegisteredClaim::Audience.into()))?,
            ),
        };
        Ok(Self {
            iss: string(iss, RegisteredClaim::Issuer)?,
            sub: string(sub, RegisteredClaim::Subject)?,
            aud,
            exp: date(exp, RegisteredClaim::Expiration)?,
            nbf: date(nbf, RegisteredClaim::NotBefore)?,
            iat: date(iat, RegisteredClaim::IssuedAt)?,
            jti: string(jti, RegisteredClaim::JwtId)?,
            custom: (),
        })
    }

    /// Deserialize the custom claims left in `rest` as `T`, completing the claims.
    pub(crate) fn with_custom_from<T: DeserializeOwned>(
        self,
        rest: Map<String, Value>,
    ) -> Result<Claims<T>, Error> {
        let empty = rest.is_empty();
        let custom = match serde_json::from_value(Value::Object(rest)) {
            Ok(c) => c,
            // No custom claim: a `T` that reads from unit/`null` (such as `()`) fits too.
            Err(_) if empty => serde_json::from_value(Value::Null)
                .map_err(|_| Error::Claims(ClaimsError::Deserialize))?,
            Err(_) => return Err(ClaimsError::Deserialize.into()),
        };
        Ok(self.map_custom(custom))
    }
}

/// The registered claim names in [`RegisteredClaim::ALL`] order (a test checks).
const REGISTERED_NAMES: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Parse a claims payload strictly: UTF-8, one JSON object, no duplicate member anywhere,
/// nesting within `max_depth`, registered claims well typed. Returns the registered claims and
/// the remaining (custom) members.
pub(crate) fn parse_payload(
    payload: &[u8],
    max_depth: usize,
) -> Result<(Claims<()>, Map<String, Value>), Error> {
    let (registered, rest) = parse_split(payload, max_depth, &REGISTERED_NAMES)?;
    Ok((Claims::from_registered(registered)?, rest))
}

/// Parse a claims payload as one strict JSON object (UTF-8, no duplicate member anywhere,
/// nesting within `max_depth`), without looking at the claims.
pub(crate) fn parse_object(payload: &[u8], max_depth: usize) -> Result<Map<String, Value>, Error> {
    parse_split(payload, max_depth, &[]).map(|([], rest)| rest)
}

fn parse_split<const N: usize>(
    payload: &[u8],
    max_depth: usize,
    names: &[&str; N],
) -> Result<crate::format::json::Split<N>, Error> {
    use crate::error::FormatError;
    crate::format::json::parse_object_split(payload, max_depth, FormatError::PayloadJson, names)
        .map_err(
            // JSON text that parsed is UTF-8 (serde_json checks strings, and everything else must
            // be ASCII), so the UTF-8 check is needed only to name the error.
            |e| match core::str::from_utf8(payload) {
                Err(_) => FormatError::PayloadUtf8.into(),
                Ok(_) => e.into(),
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<(Claims<()>, Map<String, Value>), Error> {
        parse_payload(json.as_bytes(), 16)
    }

    fn invalid(c: RegisteredClaim) -> Error {
        ClaimsError::Invalid(c.into()).into()
    }

    #[test]
    fn registered_names_in_order() {
        let names: Vec<&str> = RegisteredClaim::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, REGISTERED_NAMES);
    }

    #[test]
    fn typed_registered_claims() {
        let (c, rest) = parse(
            r#"{"iss":"i","sub":"s","aud":["a","b"],"exp":10.5,"nbf":1,"iat":2,"jti":"j","task":7}"#,
        )
        .unwrap();
        assert_eq!(c.issuer(), Some("i"));
        assert_eq!(c.subject(), Some("s"));
        assert!(c.audience().unwrap().contains("b"));
        assert!(!c.audience().unwrap().contains("c"));
        assert_eq!(c.expires_at(), Some(NumericDate::from_secs(10)));
        assert_eq!(c.jwt_id(), Some("j"));
        assert_eq!(rest.len(), 1);
        let full: Claims<CustomClaims> = c.with_custom_from(rest).unwrap();
        assert_eq!(full.custom()["task"], 7);
    }

    #[test]
    fn wrong_types_are_invalid_not_absent() {
        use RegisteredClaim::*;
        for (json, claim) in [
            (r#"{"exp":"1"}"#, Expiration),
            (r#"{"exp":null}"#, Expiration),
            (r#"{"exp":true}"#, Expiration),
            (r#"{"exp":1e300}"#, Expiration),
            (r#"{"nbf":"1"}"#, NotBefore),
            (r#"{"nbf":null}"#, NotBefore),
            (r#"{"iat":[1]}"#, IssuedAt),
            (r#"{"aud":1}"#, Audience),
            (r#"{"aud":null}"#, Audience),
            (r#"{"aud":["a",1]}"#, Audience),
            (r#"{"iss":1}"#, Issuer),
            (r#"{"sub":null}"#, Subject),
            (r#"{"jti":{}}"#, JwtId),
        ] {
            assert_eq!(parse(json).unwrap_err(), invalid(claim), "{json}");
        }
    }

    #[test]
    fn payload_must_be_a_utf8_object() {
        use crate::error::FormatError;
        assert_eq!(
            parse_payload(b"{\"a\":\"\xff\"}", 16).unwrap_err(),
            FormatError::PayloadUtf8.into()
        );
        assert_eq!(parse("[1]").unwrap_err(), FormatError::PayloadJson.into());
        assert_eq!(parse("hello").unwrap_err(), FormatError::PayloadJson.into());
        assert_eq!(
            parse(r#"{"exp":1,"exp":2}"#).unwrap_err(),
            FormatError::DuplicateMember.into()
        );
    }

    #[test]
    fn serializes_and_refuses_shadowing() {
        #[derive(Serialize)]
        struct Task {
            task: &'static str,
        }
        let c = Claims::new(Task { task: "t" })
            .with_issuer("i")
            .with_audience(["a", "b"])
            .with_expires_at(NumericDate::from_secs(9));
        assert_eq!(
            c.to_json().unwrap(),
            r#"{"aud":["a","b"],"exp":9,"iss":"i","task":"t"}"#
        );
        #[derive(Serialize)]
        struct Bad {
            exp: u8,
        }
        assert_eq!(
            Claims::new(Bad { exp: 1 }).to_json().unwrap_err(),
            invalid(RegisteredClaim::Expiration)
        );
        assert_eq!(Claims::new(()).to_json().unwrap(), "{}");
        assert!(Claims::new(5u8).to_json().is_err());
    }

    #[test]
    fn claim_names() {
        assert_eq!(
            ClaimName::from_name("exp"),
            ClaimName::Registered(RegisteredClaim::Expiration)
        );
        assert_eq!(
            ClaimName::from_name("task"),
            ClaimName::Custom("task".into())
        );
    }
}
