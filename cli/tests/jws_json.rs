//! `pqjose sign --json` and `pqjose verify` over the JWS JSON serialization (RFC 7515 §7.2):
//! flattened for one key, general for several; verify detects the form and accepts when at
//! least one signature whose algorithm the policy and `--alg` allow verifies with a key of
//! `--key`/`--jwks`, ignoring signatures of other algorithms.

mod common;

use std::path::{Path, PathBuf};

use common::{keypair, path_str, pqjose, scratch};
use serde_json::Value;

/// A classical and a post-quantum key pair, and a JWK Set holding both public keys.
struct Keys {
    dir: PathBuf,
    ec: (PathBuf, PathBuf),
    pq: (PathBuf, PathBuf),
    set: PathBuf,
}

fn keys(name: &str) -> Keys {
    let dir = scratch(name);
    let ec = keypair(&dir, "ES256");
    let pq = keypair(&dir, "ML-DSA-44");
    let set = dir.join("set.jwks");
    let public = |p: &Path| std::fs::read_to_string(p).unwrap();
    std::fs::write(
        &set,
        format!(
            "{{\"keys\":[{},{}]}}",
            public(&ec.1).trim(),
            public(&pq.1).trim()
        ),
    )
    .unwrap();
    Keys { dir, ec, pq, set }
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, body).unwrap();
    f
}

fn doc(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The protected `alg` of signature `i` of a general serialization.
fn alg_of(doc: &Value, i: usize) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let protected = doc["signatures"][i]["protected"].as_str().unwrap();
    let header: Value =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(protected).unwrap()).unwrap();
    header["alg"].as_str().unwrap().to_owned()
}

/// Flip one character in the middle of a base64url signature.
fn flip(sig: &str) -> String {
    let mut bytes = sig.as_bytes().to_vec();
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

/// The two-signature token (ES256 first, ML-DSA-44 second) with `claims`.
fn sign_both(k: &Keys, claims: &str) -> String {
    pqjose(
        &[
            "sign",
            "--json",
            "--key",
            path_str(&k.ec.0),
            "--key",
            path_str(&k.pq.0),
            "--ttl",
            "300",
            "--claims",
            claims,
        ],
        None,
    )
    .ok()
}

fn verify(key_args: &[&str], extra: &[&str], token: &Path) -> common::Run {
    let mut args = vec!["verify"];
    args.extend_from_slice(key_args);
    args.extend_from_slice(extra);
    args.push(path_str(token));
    pqjose(&args, None)
}

#[test]
fn one_key_gives_the_flattened_form() {
    let k = keys("json-flattened");
    let out = pqjose(
        &[
            "sign",
            "--json",
            "--key",
            path_str(&k.pq.0),
            "--ttl",
            "60",
            "--claims",
            r#"{"sub":"agent-7"}"#,
        ],
        None,
    )
    .ok();
    assert!(out.ends_with('\n'));
    let d = doc(&out);
    assert!(d.get("signatures").is_none(), "flattened: {d}");
    for member in ["payload", "protected", "signature"] {
        assert!(d[member].is_string(), "{member} missing: {d}");
    }
    let token = write(&k.dir, "flat.json", &out);
    let claims = doc(&verify(&["--key", path_str(&k.pq.1)], &[], &token).ok());
    assert_eq!(claims["sub"], "agent-7");
    // The JWT claim checks still apply to a JSON serialization.
    verify(&["--key", path_str(&k.pq.1)], &["--iss", "someone"], &token).rejected();
    // Without --json, one key still gives a compact token.
    let compact = pqjose(&["sign", "--key", path_str(&k.pq.0), "--ttl", "60"], None).ok();
    assert_eq!(compact.trim_end().split('.').count(), 3);
}

#[test]
fn several_keys_give_the_general_form() {
    let k = keys("json-general");
    let out = sign_both(&k, r#"{"sub":"agent-7"}"#);
    let d = doc(&out);
    let sigs = d["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    assert_eq!(alg_of(&d, 0), "ES256");
    assert_eq!(alg_of(&d, 1), "ML-DSA-44");
    assert!(d.get("protected").is_none() && d.get("signature").is_none());
    // Several keys without --json: a usage error (a compact token has one signature).
    let e = pqjose(
        &[
            "sign",
            "--key",
            path_str(&k.ec.0),
            "--key",
            path_str(&k.pq.0),
        ],
        None,
    )
    .usage_or_io();
    assert!(e.contains("--json"), "{e}");
}

#[test]
fn verify_accepts_one_allowed_valid_signature_and_ignores_the_rest() {
    let k = keys("json-rule");
    let out = sign_both(&k, r#"{"sub":"agent-7"}"#);
    let token = write(&k.dir, "both.json", &out);
    let pq = ["--key", path_str(&k.pq.1)];
    let ec = ["--key", path_str(&k.ec.1)];
    let set = ["--jwks", path_str(&k.set)];

    // Either key alone verifies its own signature under the default policy.
    assert_eq!(doc(&verify(&pq, &[], &token).ok())["sub"], "agent-7");
    verify(&ec, &[], &token).ok();
    verify(&set, &[], &token).ok();
    // The migration rule: pqc requires the ML-DSA signature; the ES256 key cannot satisfy it.
    verify(&pq, &["--policy", "pqc"], &token).ok();
    verify(&set, &["--policy", "pqc"], &token).ok();
    let e = verify(&ec, &["--policy", "pqc"], &token).rejected();
    assert!(e.contains("ES256"), "{e}");
    verify(&set, &["--alg", "ES256"], &token).ok();
    verify(&set, &["--alg", "ML-DSA-44"], &token).ok();
    verify(&set, &["--alg", "ML-DSA-65"], &token).rejected();
    verify(&set, &["--policy", "composite"], &token).rejected();

    // A broken ML-DSA signature: pqc refuses; the ES256 one still satisfies the `any` policy.
    let mut d = doc(&out);
    let s = d["signatures"][1]["signature"].as_str().unwrap().to_owned();
    d["signatures"][1]["signature"] = Value::String(flip(&s));
    let bad_pq = write(&k.dir, "bad-pq.json", &d.to_string());
    verify(&set, &["--policy", "pqc"], &bad_pq).rejected();
    verify(&pq, &[], &bad_pq).rejected();
    verify(&set, &[], &bad_pq).ok();

    // A broken ES256 signature is ignored under pqc (never verified), refused with its key.
    let mut d = doc(&out);
    let s = d["signatures"][0]["signature"].as_str().unwrap().to_owned();
    d["signatures"][0]["signature"] = Value::String(flip(&s));
    let bad_ec = write(&k.dir, "bad-ec.json", &d.to_string());
    verify(&set, &["--policy", "pqc"], &bad_ec).ok();
    verify(&ec, &[], &bad_ec).rejected();

    // Pretty-printed JSON is the same serialization.
    let pretty = serde_json::to_string_pretty(&doc(&out)).unwrap();
    let pretty = write(&k.dir, "pretty.json", &format!("{pretty}\n"));
    verify(&pq, &["--policy", "pqc"], &pretty).ok();
    // ... and so is stdin.
    pqjose(
        &["verify", "--key", path_str(&k.pq.1)],
        Some(out.as_bytes()),
    )
    .ok();
}

#[test]
fn unprotected_alg_is_never_trusted() {
    let k = keys("json-unprotected");
    let out = pqjose(
        &["sign", "--json", "--key", path_str(&k.pq.0), "--ttl", "60"],
        None,
    )
    .ok();
    let mut d = doc(&out);
    d["header"] = serde_json::json!({ "alg": "ML-DSA-44" });
    let token = write(&k.dir, "unprotected.json", &d.to_string());
    verify(&["--key", path_str(&k.pq.1)], &[], &token).rejected();
    // A signature with no protected header at all.
    let mut d = doc(&out);
    d.as_object_mut().unwrap().remove("protected");
    d["header"] = serde_json::json!({ "alg": "ML-DSA-44" });
    let token = write(&k.dir, "no-protected.json", &d.to_string());
    verify(&["--key", path_str(&k.pq.1)], &[], &token).rejected();
}

#[test]
fn raw_payload_in_both_forms() {
    let k = keys("json-raw");
    let payload = write(&k.dir, "payload.bin", "not JSON \u{1f600} at all");
    for key_args in [
        vec!["--key", path_str(&k.pq.0)],
        vec!["--key", path_str(&k.ec.0), "--key", path_str(&k.pq.0)],
    ] {
        let mut args = vec!["sign", "--json", "--payload", path_str(&payload)];
        args.extend_from_slice(&key_args);
        let out = pqjose(&args, None).ok();
        let token = write(&k.dir, "raw.json", &out);
        let got = verify(
            &["--key", path_str(&k.pq.1)],
            &["--raw", "--policy", "pqc"],
            &token,
        );
        assert_eq!(
            got.stdout,
            std::fs::read(&payload).unwrap(),
            "{}",
            got.stderr
        );
        verify(
            &["--key", path_str(&k.ec.1)],
            &["--raw", "--policy", "pqc"],
            &token,
        )
        .rejected();
    }
}
