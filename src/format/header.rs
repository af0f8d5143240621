//! The typed JWS protected header (RFC 7515 §4): `alg`, `kid`, `typ`, `cty`, `crit`, plus extra
//! members.

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::error::{AlgorithmError, Error, FormatError};
use crate::format::json;

/// The longest `kid` pqjose accepts on a key and in a header.
pub const MAX_KID_LEN: usize = 256;

/// The most keys a token (or a JWS JSON signature) without `kid` is tried against, newest
/// first.
pub const MAX_KIDLESS_CANDIDATES: usize = 8;

/// Header members pqjose understands itself; they cannot be set as extra members.
const REGISTERED: &[&str] = &[
    "alg", "kid", "typ", "cty", "crit", "b64", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256",
];

/// Header members that would supply or locate a key. pqjose never uses them and refuses tokens
/// that carry them, so a reader cannot be misled into trusting them.
const KEY_SUPPLYING: &[&str] = &["jwk", "jku", "x5u", "x5c"];

/// A JWS protected header.
///
/// Parsed headers have been checked: `alg` is a known algorithm and not `none`; `kid`, `typ`,
/// `cty` are strings; no member name repeats; no `crit` extension is present (pqjose
/// understands none); no `b64: false`; no header-supplied key (`jwk`, `jku`, `x5u`, `x5c`).
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    alg: Algorithm,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    extra: Map<String, Value>,
}

impl Header {
    /// A header for `alg` with no other member.
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            kid: None,
            typ: None,
            cty: None,
            extra: Map::new(),
        }
    }

    /// The algorithm.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The type (`typ`), if present.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The content type (`cty`), if present.
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// An extra (non-registered) member, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }

    /// The extra (non-registered) members.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// Set the key id.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Set the type (`typ`), for example `JWT` or `at+jwt`.
    pub fn with_typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Set the content type (`cty`).
    pub fn with_cty(mut self, cty: impl Into<String>) -> Self {
        self.cty = Some(cty.into());
        self
    }

    /// Add an extra member. Registered names (`alg`, `kid`, `typ`, `cty`, `crit`, `b64`, `jwk`,
    /// `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256`) are refused with [`FormatError::HeaderMember`].
    pub fn with_member(mut self, name: impl Into<String>, value: Value) -> Result<Self, Error> {
        let name = name.into();
        if REGISTERED.contains(&name.as_str()) {
            return Err(FormatError::HeaderMember.into());
        }
        self.extra.insert(name, value);
        Ok(self)
    }

    /// Parse and check a decoded protected header.
    pub(crate) fn parse(bytes: &[u8], max_depth: usize) -> Result<Self, Error> {
        Self::parse_inner(bytes, max_depth, false).map(|(h, _)| h)
    }

    /// The one exception to "header keys are refused", for DPoP proofs only (RFC 9449 §4.3):
    /// parse the header like [`Header::parse`], but take its `jwk` member out and return it
    /// (`None` if absent). `jku`, `x5u` and `x5c` are still refused. The caller may use the key
    /// only to verify this token's own signature.
    pub(crate) fn parse_taking_jwk(
        bytes: &[u8],
        max_depth: usize,
    ) -> Result<(Self, Option<Value>), Error> {
        Self::parse_inner(bytes, max_depth, true)
    }

    fn parse_inner(
        bytes: &[u8],
        max_depth: usize,
        take_jwk: bool,
    ) -> Result<(Self, Option<Value>), Error> {
        let ([alg, kid, typ, cty, crit, b64], mut extra) = json::parse_object_split(
            bytes,
            max_depth,
            FormatError::HeaderJson,
            &["alg", "kid", "typ", "cty", "crit", "b64"],
        )?;
        let alg = match alg {
            Some(Value::String(s)) => s.parse::<Algorithm>()?,
            Some(_) => return Err(FormatError::HeaderMember.into()),
            None => return Err(AlgorithmError::Unknown.into()),
        };
        if crit.is_some() {
            // RFC 7515 §4.1.11: a recipient MUST reject a JWS whose `crit` lists an extension it
            // does not understand. pqjose understands none, so any `crit` is refused.
            return Err(FormatError::UnsupportedCritical.into());
        }
        match b64 {
            None | Some(Value::Bool(true)) => {}
            Some(_) => return Err(FormatError::UnencodedPayload.into()),
        }
        let jwk = if take_jwk { extra.remove("jwk") } else { None };
        if KEY_SUPPLYING.iter().any(|k| extra.contains_key(*k)) {
            return Err(FormatError::EmbeddedKey.into());
        }
        let text = |v: Option<Value>| match v {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::Format(FormatError::HeaderMember)),
        };
        let header = Self {
            alg,
            kid: text(kid)?,
            typ: text(typ)?,
            cty: text(cty)?,
            extra,
        };
        Ok((header, jwk))
    }

    /// The header as compact JSON, `alg` first.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, Error> {
        self.to_json_inner(None)
    }

    /// The header as compact JSON with a `jwk` member (a DPoP proof's public key; the caller
    /// passes a public JWK only).
    pub(crate) fn to_json_with_jwk(&self, jwk: Value) -> Result<Vec<u8>, Error> {
        self.to_json_inner(Some(jwk))
    }

    fn to_json_inner(&self, jwk: Option<Value>) -> Result<Vec<u8>, Error> {
        let mut map = Map::new();
        map.insert("alg".into(), Value::String(self.alg.as_str().into()));
        if let Some(k) = &self.kid {
            map.insert("kid".into(), Value::String(k.clone()));
        }
        if let Some(t) = &self.typ {
            map.insert("typ".into(), Value::String(t.clone()));
        }
        if let Some(c) = &self.cty {
            map.insert("cty".into(), Value::String(c.clone()));
        }
        if let Some(jwk) = jwk {
            map.insert("jwk".into(), jwk);
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        serde_json::to_vec(&map).map_err(|_| Error::Format(FormatError::HeaderJson))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Header, Error> {
        Header::parse(s.as_bytes(), 8)
    }

    #[test]
    fn parses_registered_members() {
        let h = parse(r#"{"alg":"ML-DSA-65","kid":"k1","typ":"JWT","x":1}"#).unwrap();
        assert_eq!(h.alg(), Algorithm::MlDsa65);
        assert_eq!(h.kid(), Some("k1"));
        assert_eq!(h.typ(), Some("JWT"));
        assert_eq!(h.get("x"), Some(&Value::from(1)));
    }

    #[test]
    fn refuses_dangerous_headers() {
        let cases: &[(&str, Error)] = &[
            (r#"{"alg":"none"}"#, AlgorithmError::None.into()),
            (r#"{"alg":"NoNe"}"#, AlgorithmError::None.into()),
            (r#"{"alg":"XS256"}"#, AlgorithmError::Unknown.into()),
            (r#"{"typ":"JWT"}"#, AlgorithmError::Unknown.into()),
            (r#"{"alg":256}"#, FormatError::HeaderMember.into()),
            (
                r#"{"alg":"ES256","kid":7}"#,
                FormatError::HeaderMember.into(),
            ),
            (
                r#"{"alg":"ES256","alg":"HS256"}"#,
                FormatError::DuplicateMember.into(),
            ),
            (
                r#"{"alg":"ES256","crit":["exp"],"exp":1}"#,
                FormatError::UnsupportedCritical.into(),
            ),
            (
                r#"{"alg":"ES256","b64":false,"crit":["b64"]}"#,
                FormatError::UnsupportedCritical.into(),
            ),
            (
                r#"{"alg":"ES256","b64":false}"#,
                FormatError::UnencodedPayload.into(),
            ),
            (
                r#"{"alg":"ES256","jwk":{}}"#,
                FormatError::EmbeddedKey.into(),
            ),
            (
                r#"{"alg":"ES256","jku":"https://x"}"#,
                FormatError::EmbeddedKey.into(),
            ),
            (
                r#"{"alg":"ES256","x5u":"https://x"}"#,
                FormatError::EmbeddedKey.into(),
            ),
            (
                r#"{"alg":"ES256","x5c":[]}"#,
                FormatError::EmbeddedKey.into(),
            ),
            (r#"["alg"]"#, FormatError::HeaderJson.into()),
        ];
        for (json, err) in cases {
            assert_eq!(parse(json).as_ref(), Err(err), "{json}");
        }
    }

    #[test]
    fn only_the_dpop_path_takes_a_jwk() {
        let json = r#"{"alg":"ES256","typ":"dpop+jwt","jwk":{"kty":"EC"}}"#;
        assert_eq!(parse(json), Err(FormatError::EmbeddedKey.into()));
        let (h, jwk) = Header::parse_taking_jwk(json.as_bytes(), 8).unwrap();
        assert_eq!(jwk, Some(serde_json::json!({"kty":"EC"})));
        assert!(h.get("jwk").is_none());
        for other in [
            r#"{"alg":"ES256","jwk":{},"jku":"https://x"}"#,
            r#"{"alg":"ES256","x5c":[]}"#,
        ] {
            assert_eq!(
                Header::parse_taking_jwk(other.as_bytes(), 8).unwrap_err(),
                FormatError::EmbeddedKey.into()
            );
        }
    }

    #[test]
    fn extra_members_cannot_shadow_registered_ones() {
        for name in ["alg", "crit", "b64", "jwk", "kid"] {
            assert!(
                Header::new(Algorithm::Es256)
                    .with_member(name, Value::Null)
                    .is_err()
            );
        }
        let h = Header::new(Algorithm::Es256)
            .with_kid("a")
            .with_member("task", Value::from("t"))
            .unwrap();
        let json = String::from_utf8(h.to_json().unwrap()).unwrap();
        assert_eq!(json, r#"{"alg":"ES256","kid":"a","task":"t"}"#);
        assert_eq!(parse(&json).unwrap(), h);
    }
}
