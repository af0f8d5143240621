//! The keys of a JWK Set: algorithm, class, public key and JWK sizes, the size of a typical
//! token each signing key makes, and key age when the set carries `iat` (or `nbf`) and `exp`.
//!
//! The set is read as plain JSON, not loaded: a key pqjose cannot use (an unknown `kty` or
//! `alg`, an encryption key) is still inventoried. Private members are never printed; only
//! their presence is reported.

use pqjose::Algorithm;
use serde_json::{Map, Value, json};

use super::classify;
use super::entry::{Entry, decoded_len, encoded_len};

/// Members of a private JWK (RFC 7518 §6, draft-ietf-cose-dilithium `priv`).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

/// The claims of the typical token a key's size is estimated with (as `pqjose bench`).
const TYPICAL_CLAIMS: &str = r#"{"iss":"https://issuer.example.com","sub":"agent-7f3a/task-0192","aud":"https://api.example.com","iat":1764700000,"exp":1764700300,"jti":"Xk3c9qZ2vN5bT8wR1yL4mA","scope":"inventory:read orders:write"}"#;

/// Seconds in a day, for key ages.
const DAY: i64 = 86_400;

/// Why a document is not a JWK Set.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NotAJwkSet(pub(crate) &'static str);

/// Inventory the keys of a JWK Set document; `now` is the current time in seconds.
pub(crate) fn inventory(text: &str, now: i64) -> Result<Vec<Entry>, NotAJwkSet> {
    let doc: Value =
        serde_json::from_str(text).map_err(|_| NotAJwkSet("the document is not JSON"))?;
    let keys = doc
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(NotAJwkSet("a JWK Set is an object with a `keys` array"))?;
    Ok(keys
        .iter()
        .enumerate()
        .map(|(index, key)| entry(index, key, now))
        .collect())
}

fn entry(index: usize, key: &Value, now: i64) -> Entry {
    let empty = Map::new();
    let jwk = key.as_object().unwrap_or(&empty);
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    let kty = text("kty");
    let alg = text("alg");
    let class = classify::of_key(kty, alg);
    let mut json = Map::new();
    json.insert("kind".into(), json!("key"));
    json.insert("index".into(), json!(index));
    for member in ["kty", "crv", "use"] {
        if let Some(v) = text(member) {
            json.insert(member.into(), json!(v));
        }
    }
    let mut notes = Vec::new();
    if !key.is_object() {
        json.insert("error".into(), json!("not a JSON object"));
        notes.push("not a JSON object".to_owned());
    }
    let private = PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m));
    json.insert("private".into(), json!(private));
    if private && kty != Some("oct") {
        notes.push("PRIVATE key in the set".to_owned());
    }

    let b64_len = |member: &str| text(member).map(|s| decoded_len(s.len()));
    let public_key = match kty {
        Some("AKP") => b64_len("pub"),
        Some("OKP") => b64_len("x"),
        Some("EC") => b64_len("x").zip(b64_len("y")).map(|(x, y)| x + y),
        Some("RSA") => b64_len("n"),
        _ => None,
    };
    if let Some(bytes) = public_key {
        json.insert("public_key_bytes".into(), json!(bytes));
        notes.push(match kty {
            Some("RSA") => format!("RSA-{}", bytes * 8),
            _ => format!("public key {bytes} B"),
        });
    }
    if kty == Some("oct")
        && let Some(bits) = b64_len("k").map(|n| n * 8)
    {
        json.insert("secret_bits".into(), json!(bits));
        notes.push(format!("{bits}-bit secret"));
    }
    let public_jwk: Map<String, Value> = jwk
        .iter()
        .filter(|(k, _)| !PRIVATE_MEMBERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if kty != Some("oct") {
        let jwk_bytes = Value::Object(public_jwk).to_string().len();
        json.insert("jwk_bytes".into(), json!(jwk_bytes));
    }

    let kid = text("kid");
    let signature =
        alg.and_then(|a| a.parse::<Algorithm>().ok())
            .map(|a| match (kty, public_key) {
                // An RSA signature is as long as the modulus.
                (Some("RSA"), Some(n)) => n,
                _ => a.max_signature_len(),
            });
    if let Some(sig) = signature {
        json.insert("signature_bytes".into(), json!(sig));
    }
    let token_bytes = signature
        .zip(alg)
        .map(|(sig, alg)| typical_token_len(alg, kid, sig));

    age(jwk, now, &mut json, &mut notes);
    Entry {
        place: format!("key #{index}"),
        alg: alg.map(str::to_owned),
        kid: kid.map(str::to_owned),
        class,
        token_bytes,
        notes,
        json,
    }
}

/// The length of a compact JWT with header `{"alg","kid","typ":"JWT"}`, the typical claims
/// and a `signature`-byte signature.
fn typical_token_len(alg: &str, kid: Option<&str>, signature: usize) -> usize {
    let header = match kid {
        Some(kid) => json!({"alg": alg, "kid": kid, "typ": "JWT"}),
        None => json!({"alg": alg, "typ": "JWT"}),
    };
    encoded_len(header.to_string().len())
        + 1
        + encoded_len(TYPICAL_CLAIMS.len())
        + 1
        + encoded_len(signature)
}

/// Key age from `iat` (else `nbf`), and the expiry from `exp`, when the set carries them as
/// NumericDates (several issuers add them; RFC 7517 does not define them).
fn age(jwk: &Map<String, Value>, now: i64, json: &mut Map<String, Value>, notes: &mut Vec<String>) {
    let date = |name: &str| jwk.get(name).and_then(Value::as_i64);
    if let Some(created) = date("iat").or_else(|| date("nbf")) {
        let age_days = (now - created).div_euclid(DAY);
        json.insert("created".into(), json!(created));
        json.insert("age_days".into(), json!(age_days));
        notes.push(format!("age {age_days} days"));
    }
    if let Some(expires) = date("exp") {
        json.insert("expires".into(), json!(expires));
        json.insert("expired".into(), json!(expires <= now));
        if expires <= now {
            notes.push("EXPIRED".to_owned());
        } else {
            notes.push(format!(
                "expires in {} days",
                (expires - now).div_euclid(DAY)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::classify::Class;

    const NOW: i64 = 1_764_700_000;

    #[test]
    fn a_mixed_set() {
        let ml = pqjose::SigningKey::generate(Algorithm::MlDsa65).unwrap();
        let ml = ml.to_public_jwk().unwrap().to_json();
        let set = format!(
            r#"{{"keys":[{ml},
            {{"kty":"EC","crv":"P-256","alg":"ES256","kid":"old","x":"{x}","y":"{x}","iat":{iat}}},
            {{"kty":"RSA","kid":"enc","use":"enc","n":"{n}","e":"AQAB"}},
            {{"kty":"oct","alg":"HS256","k":"{k}"}},
            {{"kty":"AKP","alg":"ML-DSA-65-Ed25519","pub":"AAAA","exp":{exp}}},
            {{"kty":"XYZ"}}, 7]}}"#,
            x = "A".repeat(43),
            iat = NOW - 400 * DAY,
            n = "A".repeat(342),
            k = "A".repeat(43),
            exp = NOW - 1,
        );
        let entries = inventory(&set, NOW).unwrap();
        let classes: Vec<Class> = entries.iter().map(|e| e.class).collect();
        use Class::*;
        assert_eq!(
            classes,
            [
                PostQuantum,
                Classical,
                Classical,
                Symmetric,
                Composite,
                Unknown,
                Unknown
            ]
        );
        let ml = entries[0].to_json();
        assert_eq!(ml["alg"], "ML-DSA-65");
        assert_eq!(ml["quantum_vulnerable"], false);
        assert_eq!(ml["public_key_bytes"], 1952);
        assert_eq!(ml["signature_bytes"], 3309);
        // A typical ML-DSA-65 token: over a 4 KB cookie, within an 8 KB header line.
        assert_eq!(ml["fits_cookie"], false);
        assert_eq!(ml["fits_header_line"], true);
        assert!(ml["kid"].as_str().is_some());

        let ec = entries[1].to_json();
        assert_eq!(ec["quantum_vulnerable"], true);
        assert_eq!(ec["public_key_bytes"], 64);
        assert_eq!(ec["age_days"], 400);
        assert_eq!(ec["fits_cookie"], true);

        let rsa = entries[2].to_json();
        assert_eq!(rsa["alg"], Value::Null);
        assert_eq!(rsa["use"], "enc");
        assert_eq!(rsa["public_key_bytes"], 256);
        assert!(
            rsa.get("token_bytes").is_none(),
            "no alg, no signature size"
        );

        let hs = entries[3].to_json();
        assert_eq!(hs["secret_bits"], 256);
        assert_eq!(hs["private"], true);
        assert!(
            !hs.to_string().contains(&"A".repeat(43)),
            "no secret printed"
        );

        assert_eq!(entries[4].to_json()["expired"], true);
        assert_eq!(entries[6].to_json()["error"], "not a JSON object");
    }

    #[test]
    fn not_a_set() {
        assert!(inventory("nope", NOW).is_err());
        assert!(inventory(r#"{"kty":"EC"}"#, NOW).is_err());
        assert!(inventory(r#"{"keys":[]}"#, NOW).unwrap().is_empty());
    }
}
