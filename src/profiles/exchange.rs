//! The OAuth 2.0 token-exchange request and response (RFC 8693 §2), parsed strictly, so a
//! token endpoint can be built without hand-written form or JSON handling.
//!
//! Requests are `application/x-www-form-urlencoded` (§2.1): strict percent-decoding, no
//! parameter twice (except `resource` and `audience`), empty values treated as absent and
//! unknown parameters ignored (RFC 6749 §3.1, §3.2). Responses are JSON (§2.2.1).
//!
//! ```
//! use pqjose::exchange::{TokenExchangeRequest, TokenType};
//!
//! let body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange\
//!     &subject_token=eyJ.x.y&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt\
//!     &scope=read&audience=https%3A%2F%2Fapi.example";
//! let req = TokenExchangeRequest::from_form(body)?;
//! assert_eq!(req.subject_token_type(), &TokenType::Jwt);
//! assert_eq!(req.audiences(), ["https://api.example"]);
//! assert_eq!(TokenExchangeRequest::from_form(&req.to_form())?, req);
//! # Ok::<(), pqjose::Error>(())
//! ```

use core::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, FormatError, ProfileError};
use crate::format::json;
use crate::profiles::delegation::parse_scope;

/// The `grant_type` of a token-exchange request.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// The longest request body or response accepted.
const MAX_LEN: usize = 256 * 1024;

fn bad() -> Error {
    ProfileError::ExchangeRequest.into()
}

/// A token type identifier (RFC 8693 §3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenType {
    /// `urn:ietf:params:oauth:token-type:access_token`
    AccessToken,
    /// `urn:ietf:params:oauth:token-type:refresh_token`
    RefreshToken,
    /// `urn:ietf:params:oauth:token-type:id_token`
    IdToken,
    /// `urn:ietf:params:oauth:token-type:jwt`
    Jwt,
    /// `urn:ietf:params:oauth:token-type:saml1`
    Saml1,
    /// `urn:ietf:params:oauth:token-type:saml2`
    Saml2,
    /// Another absolute URI.
    Other(String),
}

impl TokenType {
    /// The URI.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessToken => "urn:ietf:params:oauth:token-type:access_token",
            Self::RefreshToken => "urn:ietf:params:oauth:token-type:refresh_token",
            Self::IdToken => "urn:ietf:params:oauth:token-type:id_token",
            Self::Jwt => "urn:ietf:params:oauth:token-type:jwt",
            Self::Saml1 => "urn:ietf:params:oauth:token-type:saml1",
            Self::Saml2 => "urn:ietf:params:oauth:token-type:saml2",
            Self::Other(s) => s,
        }
    }

    /// Parse a token type URI: one of RFC 8693 §3, or another absolute URI (`scheme:…`).
    pub fn parse(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "urn:ietf:params:oauth:token-type:access_token" => Self::AccessToken,
            "urn:ietf:params:oauth:token-type:refresh_token" => Self::RefreshToken,
            "urn:ietf:params:oauth:token-type:id_token" => Self::IdToken,
            "urn:ietf:params:oauth:token-type:jwt" => Self::Jwt,
            "urn:ietf:params:oauth:token-type:saml1" => Self::Saml1,
            "urn:ietf:params:oauth:token-type:saml2" => Self::Saml2,
            other if is_absolute_uri(other) => Self::Other(other.to_owned()),
            _ => return Err(bad()),
        })
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `scheme ":" rest`, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), no whitespace.
fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.bytes();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
        && !rest.is_empty()
        && s.bytes().all(|b| b.is_ascii_graphic())
}

/// A token-exchange request (RFC 8693 §2.1).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenExchangeRequest {
    subject_token: String,
    subject_token_type: TokenType,
    actor_token: Option<(String, TokenType)>,
    requested_token_type: Option<TokenType>,
    scope: Option<String>,
    audiences: Vec<String>,
    resources: Vec<String>,
}

impl fmt::Debug for TokenExchangeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens are credentials: never printed.
        f.debug_struct("TokenExchangeRequest")
            .field("subject_token_type", &self.subject_token_type)
            .field(
                "actor_token_type",
                &self.actor_token.as_ref().map(|(_, t)| t),
            )
            .field("requested_token_type", &self.requested_token_type)
            .field("scope", &self.scope)
            .field("audiences", &self.audiences)
            .field("resources", &self.resources)
            .finish_non_exhaustive()
    }
}

impl TokenExchangeRequest {
    /// A request exchanging `subject_token` of type `subject_token_type`.
    pub fn new(subject_token: impl Into<String>, subject_token_type: TokenType) -> Self {
        Self {
            subject_token: subject_token.into(),
            subject_token_type,
            actor_token: None,
            requested_token_type: None,
            scope: None,
            audiences: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// Add the actor token and its type.
    pub fn with_actor_token(mut self, token: impl Into<String>, token_type: TokenType) -> Self {
        self.actor_token = Some((token.into(), token_type));
        self
    }

    /// Set the requested token type.
    pub fn with_requested_token_type(mut self, token_type: TokenType) -> Self {
        self.requested_token_type = Some(token_type);
        self
    }

    /// Set the scope (space-separated; checked when sent or parsed).
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Add an audience.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Add a resource (an absolute URI without fragment, RFC 8707).
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// `subject_token`.
    pub fn subject_token(&self) -> &str {
        &self.subject_token
    }

    /// `subject_token_type`.
    pub fn subject_token_type(&self) -> &TokenType {
        &self.subject_token_type
    }

    /// `actor_token`, if any.
    pub fn actor_token(&self) -> Option<&str> {
        self.actor_token.as_ref().map(|(t, _)| t.as_str())
    }

    /// `actor_token_type` (present exactly when `actor_token` is).
    pub fn actor_token_type(&self) -> Option<&TokenType> {
        self.actor_token.as_ref().map(|(_, t)| t)
    }

    /// `requested_token_type`, if any.
    pub fn requested_token_type(&self) -> Option<&TokenType> {
        self.requested_token_type.as_ref()
    }

    /// `scope`, if any.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The `audience` parameters, in order.
    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }

    /// The `resource` parameters, in order.
    pub fn resources(&self) -> &[String] {
        &self.resources
    }

    /// Parse a form-encoded request body. [`ProfileError::ExchangeGrantType`] when
    /// `grant_type` is not [`GRANT_TYPE`]; [`ProfileError::ExchangeRequest`] for anything else
    /// wrong (a missing or repeated parameter, bad encoding, an actor token without its type
    /// or the reverse, a malformed scope, a resource that is not an absolute URI).
    pub fn from_form(body: &str) -> Result<Self, Error> {
        if body.len() > MAX_LEN {
            return Err(bad());
        }
        let mut grant_type = None;
        let mut subject_token = None;
        let mut subject_token_type = None;
        let mut actor_token = None;
        let mut actor_token_type = None;
        let mut requested_token_type = None;
        let mut scope = None;
        let mut audiences = Vec::new();
        let mut resources = Vec::new();
        for pair in body.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = form_decode(name)?;
            let value = form_decode(value)?;
            if name.is_empty() {
                return Err(bad());
            }
            if value.is_empty() {
                continue;
            }
            let slot = match name.as_str() {
                "grant_type" => &mut grant_type,
                "subject_token" => &mut subject_token,
                "subject_token_type" => &mut subject_token_type,
                "actor_token" => &mut actor_token,
                "actor_token_type" => &mut actor_token_type,
                "requested_token_type" => &mut requested_token_type,
                "scope" => &mut scope,
                "audience" => {
                    audiences.push(value);
                    continue;
                }
                "resource" => {
                    resources.push(value);
                    continue;
                }
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(bad());
            }
        }
        match grant_type.as_deref() {
            Some(GRANT_TYPE) => {}
            Some(_) => return Err(ProfileError::ExchangeGrantType.into()),
            None => return Err(bad()),
        }
        let actor_token = match (actor_token, actor_token_type) {
            (Some(t), Some(ty)) => Some((t, TokenType::parse(&ty)?)),
            (None, None) => None,
            _ => return Err(bad()),
        };
        let request = Self {
            subject_token: subject_token.ok_or_else(bad)?,
            subject_token_type: TokenType::parse(&subject_token_type.ok_or_else(bad)?)?,
            actor_token,
            requested_token_type: requested_token_type
                .map(|t| TokenType::parse(&t))
                .transpose()?,
            scope,
            audiences,
            resources,
        };
        request.check()?;
        Ok(request)
    }

    fn check(&self) -> Result<(), Error> {
        if let Some(scope) = &self.scope {
            parse_scope(scope)?;
        }
        if self
            .resources
            .iter()
            .any(|r| !is_absolute_uri(r) || r.contains('#'))
        {
            return Err(bad());
        }
        if self.subject_token.is_empty()
            || self.actor_token.as_ref().is_some_and(|(t, _)| t.is_empty())
        {
            return Err(bad());
        }
        Ok(())
    }

    /// The form-encoded body, `grant_type` first. Refused if a parameter would not parse back.
    pub fn to_form(&self) -> String {
        let mut out = String::new();
        let mut put = |name: &str, value: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            form_encode(value, &mut out);
        };
        put("grant_type", GRANT_TYPE);
        put("subject_token", &self.subject_token);
        put("subject_token_type", self.subject_token_type.as_str());
        if let Some((token, ty)) = &self.actor_token {
            put("actor_token", token);
            put("actor_token_type", ty.as_str());
        }
        if let Some(ty) = &self.requested_token_type {
            put("requested_token_type", ty.as_str());
        }
        if let Some(scope) = &self.scope {
            put("scope", scope);
        }
        for a in &self.audiences {
            put("audience", a);
        }
        for r in &self.resources {
            put("resource", r);
        }
        out
    }
}

/// Strict `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte (both
/// digits hex), the result UTF-8.
fn form_decode(s: &str) -> Result<String, Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |j: usize| {
                    bytes
                        .get(j)
                        .and_then(|c| char::from(*c).to_digit(16))
                        .and_then(|d| u8::try_from(d).ok())
                };
                let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(bad());
                };
                out.push(h * 16 + l);
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

fn form_encode(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._*".contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0xF] {
                out.push(HEX.get(usize::from(nibble)).map_or('0', |c| char::from(*c)));
            }
        }
    }
}

/// A successful token-exchange response (RFC 8693 §2.2.1).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenExchangeResponse {
    access_token: String,
    issued_token_type: TokenType,
    token_type: String,
    expires_in: Option<u64>,
    scope: Option<String>,
    refresh_token: Option<String>,
}

impl fmt::Debug for TokenExchangeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenExchangeResponse")
            .field("issued_token_type", &self.issued_token_type)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl TokenExchangeResponse {
    /// A response carrying `access_token` (the issued token, whatever its type) of type
    /// `issued_token_type`, usable as `token_type` (`Bearer`, `DPoP`, or `N_A`).
    pub fn new(
        access_token: impl Into<String>,
        issued_token_type: TokenType,
        token_type: impl Into<String>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            issued_token_type,
            token_type: token_type.into(),
            expires_in: None,
            scope: None,
            refresh_token: None,
        }
    }

    /// Set `expires_in` (seconds).
    pub fn with_expires_in(mut self, secs: u64) -> Self {
        self.expires_in = Some(secs);
        self
    }

    /// Set `scope` (when it differs from the request's).
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Set `refresh_token`.
    pub fn with_refresh_token(mut self, token: impl Into<String>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// `access_token`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `issued_token_type`.
    pub fn issued_token_type(&self) -> &TokenType {
        &self.issued_token_type
    }

    /// `token_type`.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// `expires_in`, if given.
    pub fn expires_in(&self) -> Option<u64> {
        self.expires_in
    }

    /// `scope`, if given.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `refresh_token`, if given.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("access_token".into(), self.access_token.clone().into());
        m.insert(
            "issued_token_type".into(),
            self.issued_token_type.as_str().into(),
        );
        m.insert("token_type".into(), self.token_type.clone().into());
        if let Some(e) = self.expires_in {
            m.insert("expires_in".into(), e.into());
        }
        if let Some(s) = &self.scope {
            m.insert("scope".into(), s.clone().into());
        }
        if let Some(r) = &self.refresh_token {
            m.insert("refresh_token".into(), r.clone().into());
        }
        Value::Object(m).to_string()
    }

    /// Parse a JSON response strictly: one object, no duplicate member, the required members
    /// present and well typed (unknown members ignored, RFC 6749 §5.1).
    /// [`ProfileError::ExchangeResponse`] otherwise.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let bad = || Error::Profile(ProfileError::ExchangeResponse);
        if text.len() > MAX_LEN {
            return Err(bad());
        }
        let m =
            json::parse_object(text.as_bytes(), 8, FormatError::PayloadJson).map_err(|_| bad())?;
        let string = |name: &str| match m.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(bad()),
        };
        let expires_in = match m.get("expires_in") {
            None => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(bad)?),
            Some(_) => return Err(bad()),
        };
        let issued = string("issued_token_type")?.ok_or_else(bad)?;
        Ok(Self {
            access_token: string("access_token")?.ok_or_else(bad)?,
            issued_token_type: TokenType::parse(&issued).map_err(|_| bad())?,
            token_type: string("token_type")?.ok_or_else(bad)?,
            expires_in,
            scope: string("scope")?,
            refresh_token: string("refresh_token")?,
        })
    }
}

#[cfg(test)]
mod tests;
