//! The JWE header (RFC 7516 §4): the union of the protected, shared unprotected and
//! per-recipient headers, checked.

use serde_json::{Map, Value};

use crate::error::{Error, FormatError, JweError};
use crate::jwe::alg::{KeyManagement, Mode};
use crate::jwe::classical::is_refused;
use crate::jwe::content::ContentEncryption;

/// Header members that would supply or locate a key: refused, never used or fetched.
const KEY_SUPPLYING: &[&str] = &["jwk", "jku", "x5u", "x5c"];

/// A JWE's JOSE Header: the protected, shared unprotected and per-recipient members merged.
///
/// Parsed headers have been checked: no member name repeats across the three parts (RFC 7516
/// §7.2.1); `alg` is a key-management algorithm pqjose implements; `enc` is present and known
/// unless `alg` is HPKE integrated encryption, where it must be absent; no `zip`; no `crit`
/// (pqjose understands no extension); no header-supplied key (`jwk`, `jku`, `x5u`, `x5c`);
/// `kid`, `typ`, `cty` are strings.
#[derive(Clone, Debug, PartialEq)]
pub struct JweHeader {
    alg: KeyManagement,
    enc: Option<ContentEncryption>,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    extra: Map<String, Value>,
}

impl JweHeader {
    /// The key-management algorithm.
    pub fn alg(&self) -> KeyManagement {
        self.alg
    }

    /// The content encryption (`None` for HPKE integrated encryption).
    pub fn enc(&self) -> Option<ContentEncryption> {
        self.enc
    }

    /// The key id, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The type (`typ`), if present.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The content type (`cty`), if present; `JWT` marks a nested token.
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// Any other member (`ek`, `epk`, `apu`, `apv`, private members), if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }

    /// Whether `cty` says the plaintext is a JWT (RFC 7519 §5.2: `JWT`, compared without
    /// regard to case).
    pub fn is_nested_jwt(&self) -> bool {
        self.cty
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
    }

    /// A string member of the extra members (`ek`, `apu`, …), or an error if it has another type.
    pub(crate) fn extra_str(&self, name: &str) -> Result<Option<&str>, Error> {
        match self.extra.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(FormatError::HeaderMember.into()),
        }
    }

    /// Merge and check: `protected` (already parsed from the protected header), then the
    /// shared unprotected and per-recipient headers, whose members must not repeat any.
    pub(crate) fn merge(
        mut protected: Map<String, Value>,
        unprotected: Option<&Map<String, Value>>,
        recipient: Option<&Map<String, Value>>,
    ) -> Result<Self, Error> {
        for part in [unprotected, recipient].into_iter().flatten() {
            if part.contains_key("crit") {
                return Err(JweError::DuplicateHeader.into());
            }
            for (name, value) in part {
                if protected.contains_key(name) {
                    return Err(JweError::DuplicateHeader.into());
                }
                protected.insert(name.clone(), value.clone());
            }
        }
        Self::check(protected)
    }

    fn check(mut all: Map<String, Value>) -> Result<Self, Error> {
        if all.contains_key("zip") {
            return Err(JweError::Compression.into());
        }
        if all.contains_key("crit") {
            // RFC 7516 §4.1.13: understand every listed extension or reject; pqjose
            // understands none.
            return Err(FormatError::UnsupportedCritical.into());
        }
        if KEY_SUPPLYING.iter().any(|k| all.contains_key(*k)) {
            return Err(FormatError::EmbeddedKey.into());
        }
        let alg = match all.remove("alg") {
            Some(Value::String(s)) => match s.parse::<KeyManagement>() {
                Ok(a) => a,
                Err(_) if is_refused(&s) => return Err(JweError::RefusedAlgorithm.into()),
                Err(e) => return Err(e),
            },
            Some(_) => return Err(FormatError::HeaderMember.into()),
            None => return Err(JweError::UnsupportedAlgorithm.into()),
        };
        let enc = match (all.remove("enc"), alg.mode()) {
            (None, Mode::Integrated) => None,
            (Some(_), Mode::Integrated) | (None, _) => {
                return Err(JweError::ContentEncryptionPresence.into());
            }
            (Some(Value::String(s)), _) => Some(ContentEncryption::from_name(&s)?),
            (Some(_), _) => return Err(FormatError::HeaderMember.into()),
        };
        if alg.hpke().is_some() {
            if all.contains_key("psk_id") {
                return Err(JweError::HpkeParameters.into());
            }
            if alg.is_integrated() == all.contains_key("ek") {
                return Err(JweError::HpkeParameters.into());
            }
        }
        let mut text = |name: &str| match all.remove(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::Format(FormatError::HeaderMember)),
        };
        Ok(Self {
            alg,
            enc,
            kid: text("kid")?,
            typ: text("typ")?,
            cty: text("cty")?,
            extra: all,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(s: &str) -> Map<String, Value> {
        serde_json::from_str(s).unwrap()
    }

    fn check(p: &str, u: Option<&str>, r: Option<&str>) -> Result<JweHeader, Error> {
        JweHeader::merge(obj(p), u.map(obj).as_ref(), r.map(obj).as_ref())
    }

    #[test]
    fn merges_and_checks() {
        let h = check(
            r#"{"enc":"A256GCM"}"#,
            Some(r#"{"cty":"jwt"}"#),
            Some(r#"{"alg":"HPKE-9-KE","ek":"AA","kid":"k"}"#),
        )
        .unwrap();
        assert_eq!(h.alg(), KeyManagement::Hpke9Ke);
        assert_eq!(h.enc(), Some(ContentEncryption::A256Gcm));
        assert!(h.is_nested_jwt());
        assert_eq!(h.extra_str("ek").unwrap(), Some("AA"));
    }

    #[test]
    fn refusals() {
        let jwe = |e: JweError| Err::<(), Error>(e.into());
        let fmt = |e: FormatError| Err::<(), Error>(e.into());
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Result<(), Error>);
        let cases: &[Case<'_>] = &[
            (
                r#"{"alg":"HPKE-9","enc":"A256GCM"}"#,
                None,
                None,
                jwe(JweError::ContentEncryptionPresence),
            ),
            (
                r#"{"alg":"HPKE-9-KE","ek":"AA"}"#,
                None,
                None,
                jwe(JweError::ContentEncryptionPresence),
            ),
            (
                r#"{"alg":"HPKE-9-KE","enc":"A256GCM"}"#,
                None,
                None,
                jwe(JweError::HpkeParameters),
            ),
            (
                r#"{"alg":"HPKE-9","ek":"AA"}"#,
                None,
                None,
                jwe(JweError::HpkeParameters),
            ),
            (
                r#"{"alg":"HPKE-9","psk_id":"AA"}"#,
                None,
                None,
                jwe(JweError::HpkeParameters),
            ),
            (
                r#"{"alg":"HPKE-9","zip":"DEF"}"#,
                None,
                None,
                jwe(JweError::Compression),
            ),
            (
                r#"{"alg":"HPKE-9","crit":["x"],"x":1}"#,
                None,
                None,
                fmt(FormatError::UnsupportedCritical),
            ),
            (
                r#"{"alg":"HPKE-9"}"#,
                Some(r#"{"crit":["x"]}"#),
                None,
                jwe(JweError::DuplicateHeader),
            ),
            (
                r#"{"alg":"HPKE-9"}"#,
                Some(r#"{"alg":"HPKE-9"}"#),
                None,
                jwe(JweError::DuplicateHeader),
            ),
            (
                r#"{"alg":"HPKE-9"}"#,
                Some(r#"{"kid":"a"}"#),
                Some(r#"{"kid":"a"}"#),
                jwe(JweError::DuplicateHeader),
            ),
            (
                r#"{"alg":"HPKE-9","jwk":{}}"#,
                None,
                None,
                fmt(FormatError::EmbeddedKey),
            ),
            (
                r#"{"alg":"RSA1_5","enc":"A128GCM"}"#,
                None,
                None,
                jwe(JweError::RefusedAlgorithm),
            ),
            (
                r#"{"alg":"ML-DSA-65","enc":"A128GCM"}"#,
                None,
                None,
                jwe(JweError::UnsupportedAlgorithm),
            ),
            (
                r#"{"enc":"A128GCM"}"#,
                None,
                None,
                jwe(JweError::UnsupportedAlgorithm),
            ),
            (
                r#"{"alg":"HPKE-9-KE","enc":"A192GCM","ek":"AA"}"#,
                None,
                None,
                jwe(JweError::UnknownEnc),
            ),
            (
                r#"{"alg":"HPKE-9","kid":1}"#,
                None,
                None,
                fmt(FormatError::HeaderMember),
            ),
        ];
        for (p, u, r, want) in cases {
            assert_eq!(&check(p, *u, *r).map(|_| ()), want, "{p} {u:?} {r:?}");
        }
    }
}
