//! A sample of tokens, one per line: each token's algorithm, class, size against the cookie
//! and header-line limits, and (for a JWS) its signature size and issuer. Nothing is verified:
//! the header (and a JWS payload's `iss`) is only decoded.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value, json};

use super::classify;
use super::entry::{Entry, decoded_len};

/// A line that is not a compact JWS or JWE.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unreadable {
    /// Its 1-based line number.
    pub(crate) line: usize,
    /// Why.
    pub(crate) reason: &'static str,
}

/// Inventory every non-empty line of `text` (surrounding whitespace ignored).
pub(crate) fn inventory(text: &str) -> (Vec<Entry>, Vec<Unreadable>) {
    let mut entries = Vec::new();
    let mut unreadable = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let token = line.trim();
        if token.is_empty() {
            continue;
        }
        match entry(i + 1, token) {
            Ok(e) => entries.push(e),
            Err(reason) => unreadable.push(Unreadable {
                line: i + 1,
                reason,
            }),
        }
    }
    (entries, unreadable)
}

fn decode_json(segment: &str) -> Option<Map<String, Value>> {
    let bytes = Base64UrlUnpadded::decode_vec(segment).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn entry(line: usize, token: &str) -> Result<Entry, &'static str> {
    let segments: Vec<&str> = token.split('.').collect();
    let format = match segments.len() {
        3 => "JWS",
        5 => "JWE",
        _ => return Err("not a compact JWS (3 segments) or JWE (5 segments)"),
    };
    let header = segments
        .first()
        .and_then(|h| decode_json(h))
        .ok_or("the protected header is not base64url-encoded JSON")?;
    let text = |name: &str| header.get(name).and_then(Value::as_str).map(str::to_owned);
    let alg = text("alg").ok_or("the header has no `alg`")?;
    let class = classify::of_alg(&alg);
    let mut json = Map::new();
    json.insert("kind".into(), json!("token"));
    json.insert("line".into(), json!(line));
    json.insert("format".into(), json!(format));
    let mut notes = vec![format.to_owned()];
    for member in ["typ", "enc"] {
        if let Some(v) = text(member) {
            json.insert(member.into(), json!(v));
        }
    }
    if format == "JWS" {
        if let Some(sig) = segments.get(2) {
            let bytes = decoded_len(sig.len());
            json.insert("signature_bytes".into(), json!(bytes));
            notes.push(format!("signature {bytes} B"));
        }
        let iss = segments
            .get(1)
            .and_then(|p| decode_json(p))
            .and_then(|claims| claims.get("iss").and_then(Value::as_str).map(str::to_owned));
        if let Some(iss) = iss {
            notes.push(format!("iss {}", super::entry::printable(&iss)));
            json.insert("iss".into(), json!(iss));
        }
    }
    Ok(Entry {
        place: format!("line {line}"),
        alg: Some(alg),
        kid: text("kid"),
        class,
        token_bytes: Some(token.len()),
        notes,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::classify::Class;

    fn b64(s: &str) -> String {
        Base64UrlUnpadded::encode_string(s.as_bytes())
    }

    #[test]
    fn a_mixed_sample() {
        let key = pqjose::SigningKey::generate(pqjose::Algorithm::MlDsa44).unwrap();
        let ml = pqjose::TokenBuilder::new()
            .issuer("https://pq.example")
            .sign(&key)
            .unwrap();
        let es = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"ES256","kid":"k1"}"#),
            b64("{}"),
            "A".repeat(86)
        );
        let jwe = format!(
            "{}.a.b.c.d",
            b64(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#)
        );
        let text = format!(
            "{ml}\n\n  {es}  \r\nnot-a-token\n{}.e30.\n{jwe}\n",
            b64("[]")
        );
        let (entries, unreadable) = inventory(&text);
        assert_eq!(entries.len(), 3);
        assert_eq!(
            unreadable,
            [
                Unreadable {
                    line: 4,
                    reason: "not a compact JWS (3 segments) or JWE (5 segments)"
                },
                Unreadable {
                    line: 5,
                    reason: "the protected header is not base64url-encoded JSON"
                }
            ]
        );
        let ml_json = entries[0].to_json();
        assert_eq!(entries[0].class, Class::PostQuantum);
        assert_eq!(ml_json["line"], 1);
        assert_eq!(ml_json["signature_bytes"], 2420);
        assert_eq!(ml_json["iss"], "https://pq.example");
        assert_eq!(ml_json["token_bytes"], ml.len());
        assert_eq!(ml_json["quantum_vulnerable"], false);
        let es_json = entries[1].to_json();
        assert_eq!(es_json["kid"], "k1");
        assert_eq!(es_json["quantum_vulnerable"], true);
        assert_eq!(es_json["signature_bytes"], 64);
        assert_eq!(es_json["line"], 3);
        let jwe_json = entries[2].to_json();
        assert_eq!(jwe_json["format"], "JWE");
        assert_eq!(jwe_json["enc"], "A256GCM");
        assert_eq!(jwe_json["quantum_vulnerable"], true);
    }
}
