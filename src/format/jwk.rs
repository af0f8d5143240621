//! JSON Web Keys (RFC 7517) and JWK Sets: the `AKP`, `OKP`, `EC`, `RSA` and `oct` key types,
//! RFC 7638 thumbprints.
//!
//! A [`Jwk`] is a typed, parsed document; turning it into a usable key (and checking that its
//! members fit the algorithm) is [`crate::SigningKey::from_jwk`] /
//! [`crate::VerifyingKey::from_jwk`].

use core::fmt;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, FormatError, KeyError};
use crate::format::b64;
use crate::format::json;

/// A base64url string holding secret key material: redacted in `Debug`, zeroized on drop.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub(crate) struct SecretMember(String);

impl SecretMember {
    #[cfg(test)]
    pub(crate) fn new(s: String) -> Self {
        Self(s)
    }
    pub(crate) fn encode(bytes: &[u8]) -> Self {
        Self(b64::encode(bytes))
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
    /// Decode to bytes held in a zeroizing buffer.
    pub(crate) fn decode(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        b64::decode_secret(&self.0).map_err(|_| Error::Key(KeyError::InvalidEncoding))
    }
}

impl fmt::Debug for SecretMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A JSON Web Key.
///
/// Members are typed and private; the secret members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`,
/// `priv`) are redacted in `Debug` and zeroized on drop. Unknown members are ignored on import
/// and not re-exported. Duplicate member names are rejected.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub(crate) kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub(crate) use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) e: Option<String>,
    #[serde(default, rename = "pub", skip_serializing_if = "Option::is_none")]
    pub(crate) pub_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) d: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) p: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) q: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dp: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dq: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) qi: Option<SecretMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) k: Option<SecretMember>,
    #[serde(default, rename = "priv", skip_serializing_if = "Option::is_none")]
    pub(crate) priv_: Option<SecretMember>,
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("crv", &self.crv)
            .field("private", &self.is_private())
            .finish_non_exhaustive()
    }
}

/// What a key is being imported for, checked against a JWK's `use` and `key_ops`
/// (RFC 7517 §4.2, §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyPurpose {
    /// Signing (a [`crate::SigningKey`]): `use` `sig`, `key_ops` with `sign`.
    Sign,
    /// Verifying signatures (a [`crate::VerifyingKey`]): `use` `sig`, `key_ops` with `verify`.
    Verify,
    /// Encrypting to the key (a JWE encryption key): `use` `enc`, `key_ops` with `encrypt`,
    /// `wrapKey`, `deriveKey` or `deriveBits`.
    Encrypt,
    /// Decrypting with the key (a JWE decryption key): `use` `enc`, `key_ops` with `decrypt`,
    /// `unwrapKey`, `deriveKey` or `deriveBits`.
    Decrypt,
}

impl KeyPurpose {
    /// The `use` value this purpose needs.
    fn use_value(self) -> &'static str {
        match self {
            Self::Sign | Self::Verify => "sig",
            Self::Encrypt | Self::Decrypt => "enc",
        }
    }

    /// The `key_ops` values of which one must be present (when `key_ops` is).
    fn operations(self) -> &'static [&'static str] {
        match self {
            Self::Sign => &["sign"],
            Self::Verify => &["verify"],
            Self::Encrypt => &["encrypt", "wrapKey", "deriveKey", "deriveBits"],
            Self::Decrypt => &["decrypt", "unwrapKey", "deriveKey", "deriveBits"],
        }
    }
}

/// Maximum size of one JWK's JSON text accepted by [`Jwk::from_json`].
pub const MAX_JWK_LEN: usize = 64 * 1024;
/// Maximum size of a JWK Set's JSON text accepted by [`JwkSet::from_json`].
pub const MAX_JWK_SET_LEN: usize = 4 * 1024 * 1024;
/// Maximum number of keys in a JWK Set.
pub const MAX_JWK_SET_KEYS: usize = 1024;

impl Jwk {
    /// Whether the JWK's `use` and `key_ops` allow `purpose`: an absent member allows every
    /// purpose; a present one must name it. [`KeyError::KeyUse`] otherwise.
    pub(crate) fn check_purpose(&self, purpose: KeyPurpose) -> Result<(), Error> {
        if self
            .use_
            .as_deref()
            .is_some_and(|u| u != purpose.use_value())
        {
            return Err(KeyError::KeyUse.into());
        }
        if let Some(ops) = &self.key_ops
            && !ops
                .iter()
                .any(|op| purpose.operations().contains(&op.as_str()))
        {
            return Err(KeyError::KeyUse.into());
        }
        Ok(())
    }

    /// Parse a JWK from JSON text. Duplicate member names and over-long input are refused.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        if json.len() > MAX_JWK_LEN {
            return Err(KeyError::MalformedJwk.into());
        }
        let map = json::parse_object(json.as_bytes(), 4, FormatError::HeaderJson)
            .map_err(|_| Error::Key(KeyError::MalformedJwk))?;
        Self::from_map(map)
    }

    pub(crate) fn from_map(map: serde_json::Map<String, serde_json::Value>) -> Result<Self, Error> {
        serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|_| Error::Key(KeyError::MalformedJwk))
    }

    /// Serialize as compact JSON. Private members are included if present: use
    /// [`Jwk::to_public`] first for anything that leaves the issuer.
    pub fn to_json(&self) -> String {
        to_json_exact(self)
    }

    /// The key type (`kty`).
    pub fn kty(&self) -> &str {
        &self.kty
    }

    /// The key id (`kid`), if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithm (`alg`), if present, as written.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// Set the key id.
    pub fn set_kid(&mut self, kid: impl Into<String>) {
        self.kid = Some(kid.into());
    }

    /// Whether any private member is present.
    pub fn is_private(&self) -> bool {
        self.d.is_some()
            || self.p.is_some()
            || self.q.is_some()
            || self.dp.is_some()
            || self.dq.is_some()
            || self.qi.is_some()
            || self.k.is_some()
            || self.priv_.is_some()
    }

    /// The public form: every private member stripped. Refused for `oct` (symmetric) keys,
    /// which have no public form.
    pub fn to_public(&self) -> Result<Self, Error> {
        if self.kty == "oct" {
            return Err(KeyError::NoPublicForm.into());
        }
        Ok(Self {
            kty: self.kty.clone(),
            kid: self.kid.clone(),
            alg: self.alg.clone(),
            use_: self.use_.clone(),
            key_ops: self.key_ops.clone(),
            crv: self.crv.clone(),
            x: self.x.clone(),
            y: self.y.clone(),
            n: self.n.clone(),
            e: self.e.clone(),
            pub_: self.pub_.clone(),
            ..Self::default()
        })
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url) over the required members of the key type:
    /// `AKP`: `alg`, `kty`, `pub` (RFC 9964 §6); `OKP`: `crv`, `kty`, `x`; `EC`: `crv`, `kty`,
    /// `x`, `y`; `RSA`: `e`, `kty`, `n`; `oct`: `k`, `kty`.
    pub fn thumbprint(&self) -> Result<String, Error> {
        let missing = || Error::Key(KeyError::MalformedJwk);
        let mut m: BTreeMap<&str, &str> = BTreeMap::new();
        m.insert("kty", &self.kty);
        match self.kty.as_str() {
            "AKP" => {
                m.insert("alg", self.alg.as_deref().ok_or_else(missing)?);
                m.insert("pub", self.pub_.as_deref().ok_or_else(missing)?);
            }
            "OKP" => {
                m.insert("crv", self.crv.as_deref().ok_or_else(missing)?);
                m.insert("x", self.x.as_deref().ok_or_else(missing)?);
            }
            "EC" => {
                m.insert("crv", self.crv.as_deref().ok_or_else(missing)?);
                m.insert("x", self.x.as_deref().ok_or_else(missing)?);
                m.insert("y", self.y.as_deref().ok_or_else(missing)?);
            }
            "RSA" => {
                m.insert("e", self.e.as_deref().ok_or_else(missing)?);
                m.insert("n", self.n.as_deref().ok_or_else(missing)?);
            }
            "oct" => {
                m.insert("k", self.k.as_ref().ok_or_else(missing)?.expose());
            }
            _ => return Err(KeyError::UnsupportedKeyType.into()),
        }
        let canonical = zeroize::Zeroizing::new(serde_json::to_vec(&m).map_err(|_| missing())?);
        Ok(b64::encode(&Sha256::digest(canonical.as_slice())))
    }
}

/// A key that a JWK Set import skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKey {
    /// Position in the set's `keys` array.
    pub index: usize,
    /// The key's `kid`, if it had one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: Error,
}

/// A JWK Set (RFC 7517 §5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JwkSet {
    keys: Vec<Jwk>,
    skipped: Vec<SkippedKey>,
}

#[derive(Serialize)]
struct JwkSetOut<'a> {
    keys: &'a [Jwk],
}

impl JwkSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse a JWK Set. A member that is not a well-formed JWK is skipped and reported in
    /// [`JwkSet::skipped`], not fatal; a document that is not `{"keys": [...]}`, has duplicate
    /// member names or is nested too deeply is [`KeyError::MalformedJwkSet`]; one longer than
    /// [`MAX_JWK_SET_LEN`] is [`KeyError::JwkSetTooLarge`], one listing more than
    /// [`MAX_JWK_SET_KEYS`] entries is [`KeyError::JwkSetTooManyKeys`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let bad = || Error::Key(KeyError::MalformedJwkSet);
        if json.len() > MAX_JWK_SET_LEN {
            return Err(KeyError::JwkSetTooLarge.into());
        }
        let mut map =
            json::parse_object(json.as_bytes(), 5, FormatError::HeaderJson).map_err(|_| bad())?;
        let Some(serde_json::Value::Array(entries)) = map.remove("keys") else {
            return Err(bad());
        };
        if entries.len() > MAX_JWK_SET_KEYS {
            return Err(KeyError::JwkSetTooManyKeys.into());
        }
        let mut set = Self::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let kid = entry.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
            let parsed = match entry {
                serde_json::Value::Object(m) => Jwk::from_map(m),
                _ => Err(KeyError::MalformedJwk.into()),
            };
            match parsed {
                Ok(jwk) => set.keys.push(jwk),
                Err(reason) => set.skipped.push(SkippedKey { index, kid, reason }),
            }
        }
        Ok(set)
    }

    /// The parsed keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// Entries skipped during parsing.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Add a key.
    pub fn push(&mut self, jwk: Jwk) {
        self.keys.push(jwk);
    }

    /// The public form of the set: private members stripped; `oct` keys are left out.
    pub fn to_public(&self) -> Self {
        Self {
            keys: self
                .keys
                .iter()
                .filter_map(|k| k.to_public().ok())
                .collect(),
            skipped: Vec::new(),
        }
    }

    /// Serialize as `{"keys":[...]}`.
    pub fn to_json(&self) -> String {
        to_json_exact(&JwkSetOut { keys: &self.keys })
    }
}

/// Serialize into a buffer allocated once at its final size. A growing buffer would free the
/// smaller ones it outgrew, with partial copies of private members in them, unzeroized.
fn to_json_exact(value: &impl Serialize) -> String {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    if serde_json::to_writer(&mut count, value).is_err() {
        return String::new();
    }
    let mut out = Vec::with_capacity(count.0);
    if serde_json::to_writer(&mut out, value).is_err() {
        out.zeroize();
        return String::new();
    }
    // serde_json writes UTF-8; should that ever fail, the bytes are zeroized, not leaked.
    String::from_utf8(out).unwrap_or_else(|e| {
        e.into_bytes().zeroize();
        String::new()
    })
}

impl FromIterator<Jwk> for JwkSet {
    fn from_iter<I: IntoIterator<Item = Jwk>>(iter: I) -> Self {
        Self {
            keys: iter.into_iter().collect(),
            skipped: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7638 §3.1 example.
    const RFC7638: &str = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;

    #[test]
    fn rfc7638_thumbprint() {
        let jwk = Jwk::from_json(RFC7638).unwrap();
        assert_eq!(
            jwk.thumbprint().unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn rejects_duplicates_and_junk() {
        assert!(Jwk::from_json(r#"{"kty":"oct","kty":"oct","k":"AA"}"#).is_err());
        assert!(Jwk::from_json("[]").is_err());
        assert!(Jwk::from_json(r#"{"k":"AA"}"#).is_err());
        assert!(Jwk::from_json(r#"{"kty":5}"#).is_err());
    }

    #[test]
    fn public_strips_private_members() {
        let jwk = Jwk::from_json(
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#,
        )
        .unwrap();
        assert!(jwk.is_private());
        let public = jwk.to_public().unwrap();
        assert!(!public.is_private());
        assert!(!public.to_json().contains("\"d\""));
        assert!(!format!("{jwk:?}").contains("nWGxne"));
        // RFC 8037 A.3
        assert_eq!(
            jwk.thumbprint().unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn oct_has_no_public_form() {
        let jwk = Jwk::from_json(r#"{"kty":"oct","k":"AAAA"}"#).unwrap();
        assert_eq!(jwk.to_public(), Err(Error::Key(KeyError::NoPublicForm)));
    }

    #[test]
    fn sets_skip_and_report() {
        let set = JwkSet::from_json(
            r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AA"},7,{"kid":"a"},{"kty":"oct","k":"AA"}]}"#,
        )
        .unwrap();
        assert_eq!(set.keys().len(), 2);
        assert_eq!(set.skipped().len(), 2);
        assert_eq!(set.skipped()[1].kid.as_deref(), Some("a"));
        assert_eq!(set.to_public().keys().len(), 1);
        assert!(JwkSet::from_json(r#"{"keys":{}}"#).is_err());
        assert!(JwkSet::from_json(r#"{"keys":[],"keys":[]}"#).is_err());
    }
}
