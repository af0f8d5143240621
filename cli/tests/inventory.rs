//! `pqjose inventory`: keys of a JWK Set and samples of tokens, classified as the issue says
//! (RSA, ECDSA, EdDSA quantum-vulnerable; ML-DSA, SLH-DSA, composites, HMAC not), sizes
//! against the 4 KB cookie and 8 KB header-line limits, and exit 3 with --fail-on-classical.

mod common;

use common::http::Http;
use common::{keypair, path_str, pqjose, scratch};
use std::sync::atomic::Ordering;

use serde_json::Value;

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A public JWK Set of fresh keys for `algs`, written to `dir/name`; returns its path and the
/// private key paths.
fn jwks(
    dir: &std::path::Path,
    name: &str,
    algs: &[&str],
) -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
    let mut keys = Vec::new();
    let mut privates = Vec::new();
    for alg in algs {
        let (private, public) = keypair(dir, alg);
        keys.push(read(&public));
        privates.push(private);
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::json!({ "keys": keys }).to_string()).unwrap();
    (path, privates)
}

fn by_alg<'a>(doc: &'a Value, alg: &str) -> &'a Value {
    doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["alg"] == alg)
        .unwrap_or_else(|| panic!("no entry for {alg}: {doc}"))
}

#[test]
fn a_jwk_set_with_a_classical_key_fails_the_gate() {
    let dir = scratch("inventory-jwks");
    let (set, _) = jwks(
        &dir,
        "mixed.json",
        &[
            "ML-DSA-65",
            "ES256",
            "ML-DSA-65-Ed25519",
            "SLH-DSA-SHA2-128s",
        ],
    );
    let out = pqjose(&["inventory", "--jwks", path_str(&set), "--json"], None);
    let doc = out.json();
    assert_eq!(out.code, 0);
    assert_eq!(doc["entries"].as_array().unwrap().len(), 4);
    for (alg, vulnerable) in [
        ("ML-DSA-65", false),
        ("ES256", true),
        ("ML-DSA-65-Ed25519", false),
        ("SLH-DSA-SHA2-128s", false),
    ] {
        let e = by_alg(&doc, alg);
        assert_eq!(e["quantum_vulnerable"], vulnerable, "{alg}");
        assert!(e["kid"].as_str().is_some_and(|k| !k.is_empty()), "{alg}");
    }
    // A typical token: ML-DSA-65 over a 4 KB cookie, SLH-DSA-128s over an 8 KB header line.
    assert_eq!(by_alg(&doc, "ML-DSA-65")["fits_cookie"], false);
    assert_eq!(by_alg(&doc, "ML-DSA-65")["fits_header_line"], true);
    assert_eq!(by_alg(&doc, "SLH-DSA-SHA2-128s")["fits_header_line"], false);
    assert_eq!(by_alg(&doc, "ES256")["fits_cookie"], true);
    assert_eq!(by_alg(&doc, "ML-DSA-65")["public_key_bytes"], 1952);
    assert_eq!(doc["summary"]["quantum_vulnerable"], 1);
    assert_eq!(doc["summary"]["total"], 4);

    let gate = pqjose(
        &["inventory", "--fail-on-classical", "--jwks", path_str(&set)],
        None,
    );
    assert_eq!(gate.code, 3, "{}", gate.stderr);
    assert_eq!(
        gate.stderr,
        "error: quantum-vulnerable: 1 of 4 keys (--fail-on-classical)\n"
    );
    let text = gate.stdout_str();
    assert!(
        text.contains("ES256               classical  QUANTUM-VULNERABLE"),
        "{text}"
    );
    assert!(text.contains("over the 4 KB cookie limit"), "{text}");
    // The JSON document is printed whole before exit 3.
    let gate = pqjose(
        &[
            "inventory",
            "--json",
            "--fail-on-classical",
            "--jwks",
            path_str(&set),
        ],
        None,
    );
    assert_eq!(gate.code, 3);
    assert_eq!(gate.json()["summary"]["quantum_vulnerable"], 1);
}

#[test]
fn a_post_quantum_and_hmac_set_passes_the_gate() {
    let dir = scratch("inventory-pq");
    let (set, _) = jwks(&dir, "pq.json", &["ML-DSA-44", "ML-DSA-87-ES384"]);
    // HS* keys are their own secret: add one as it is (the inventory never prints `k`).
    let (hs, _) = keypair(&dir, "HS256");
    let mut doc = read(&set);
    let secret = read(&hs);
    doc["keys"].as_array_mut().unwrap().push(secret.clone());
    let text = doc.to_string();
    let out = pqjose(
        &["inventory", "--fail-on-classical", "--json", "--jwks", "-"],
        Some(text.as_bytes()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["quantum_vulnerable"], 0);
    assert_eq!(by_alg(&report, "HS256")["class"], "symmetric");
    assert_eq!(by_alg(&report, "ML-DSA-87-ES384")["class"], "composite");
    assert!(!out.stdout_str().contains(secret["k"].as_str().unwrap()));
}

#[test]
fn a_token_sample() {
    let dir = scratch("inventory-tokens");
    let mut lines = Vec::new();
    for alg in [
        "RS256",
        "Ed25519",
        "ES384",
        "ML-DSA-44",
        "HS512",
        "ML-DSA-44-ES256",
    ] {
        let (private, _) = keypair(&dir, alg);
        let token = pqjose(
            &[
                "sign",
                "--key",
                path_str(&private),
                "--ttl",
                "60",
                "--claims",
                r#"{"iss":"https://issuer.example"}"#,
            ],
            None,
        )
        .ok();
        lines.push(token.trim().to_owned());
    }
    lines.push(String::new());
    lines.push("not a token".to_owned());
    let file = dir.join("tokens.txt");
    std::fs::write(&file, lines.join("\n")).unwrap();

    let out = pqjose(&["inventory", "--tokens", path_str(&file), "--json"], None);
    let doc = out.json();
    assert_eq!(out.code, 0);
    for (alg, vulnerable) in [
        ("RS256", true),
        ("Ed25519", true),
        ("ES384", true),
        ("ML-DSA-44", false),
        ("HS512", false),
        ("ML-DSA-44-ES256", false),
    ] {
        let e = by_alg(&doc, alg);
        assert_eq!(e["quantum_vulnerable"], vulnerable, "{alg}");
        assert_eq!(e["iss"], "https://issuer.example", "{alg}");
        assert!(e["kid"].is_string(), "{alg}");
        assert_eq!(e["kind"], "token");
        assert!(e["token_bytes"].as_u64().unwrap() > 100);
    }
    assert_eq!(by_alg(&doc, "ML-DSA-44")["signature_bytes"], 2420);
    assert_eq!(by_alg(&doc, "RS256")["line"], 1);
    assert_eq!(doc["summary"]["quantum_vulnerable"], 3);
    assert_eq!(doc["unreadable"][0]["line"], 8);

    let gate = pqjose(
        &[
            "inventory",
            "--tokens",
            path_str(&file),
            "--fail-on-classical",
        ],
        None,
    );
    assert_eq!(gate.code, 3);
    assert_eq!(
        gate.stderr,
        "error: quantum-vulnerable: 3 of 6 tokens (--fail-on-classical)\n"
    );
    assert!(
        gate.stdout_str()
            .contains("line 8    unreadable: not a compact JWS")
    );

    // Only the post-quantum ones: the gate passes.
    let pq: Vec<&str> = lines[3..6].iter().map(String::as_str).collect();
    let out = pqjose(
        &["inventory", "--tokens", "-", "--fail-on-classical"],
        Some(pq.join("\n").as_bytes()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout_str()
            .contains("quantum-vulnerable: 0 of 3 tokens")
    );
}

/// `--jwks-url`: the issuer's published set, fetched once from a real HTTP server on loopback
/// with the library's fetcher (plain HTTP only with `--allow-http`, as for `verify`).
#[test]
fn a_remote_jwk_set() {
    let dir = scratch("inventory-jwks-url");
    let (mixed, _) = jwks(&dir, "mixed.json", &["ML-DSA-44", "RS256", "ES256"]);
    let server = Http::serve(std::fs::read_to_string(&mixed).unwrap());
    let url = server.url();
    let out = pqjose(
        &["inventory", "--jwks-url", &url, "--allow-http", "--json"],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["source"]["jwks_url"], url.as_str());
    assert_eq!(doc["entries"].as_array().unwrap().len(), 3);
    assert_eq!(by_alg(&doc, "ML-DSA-44")["quantum_vulnerable"], false);
    assert_eq!(by_alg(&doc, "RS256")["quantum_vulnerable"], true);
    assert_eq!(by_alg(&doc, "ES256")["quantum_vulnerable"], true);
    assert_eq!(doc["summary"]["quantum_vulnerable"], 2);
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);

    let gate = pqjose(
        &[
            "inventory",
            "--fail-on-classical",
            "--jwks-url",
            &url,
            "--allow-http",
        ],
        None,
    );
    assert_eq!(gate.code, 3, "{}", gate.stderr);
    assert_eq!(
        gate.stderr,
        "error: quantum-vulnerable: 2 of 3 keys (--fail-on-classical)\n"
    );
    assert!(
        gate.stdout_str()
            .starts_with(&format!("pqjose inventory: 3 keys in {url}\n"))
    );

    // A post-quantum set passes the gate.
    let (pq, _) = jwks(&dir, "pq.json", &["ML-DSA-65", "ML-DSA-65-ES256"]);
    let pq_server = Http::serve(std::fs::read_to_string(&pq).unwrap());
    let out = pqjose(
        &[
            "inventory",
            "--fail-on-classical",
            "--jwks-url",
            &pq_server.url(),
            "--allow-http",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout_str().contains("quantum-vulnerable: 0 of 2 keys"));

    // https only unless --allow-http; --allow-http needs --jwks-url; one source; a served
    // document that is not a JWK Set and an unreachable endpoint exit 2.
    assert!(
        pqjose(&["inventory", "--jwks-url", &url], None)
            .usage_or_io()
            .contains("https")
    );
    pqjose(
        &["inventory", "--jwks", path_str(&mixed), "--allow-http"],
        None,
    )
    .usage_or_io();
    pqjose(
        &[
            "inventory",
            "--jwks",
            path_str(&mixed),
            "--jwks-url",
            &url,
            "--allow-http",
        ],
        None,
    )
    .usage_or_io();
    let garbage = Http::serve("<html>".to_owned());
    assert!(
        pqjose(
            &["inventory", "--jwks-url", &garbage.url(), "--allow-http"],
            None
        )
        .usage_or_io()
        .contains("not JSON")
    );
    pqjose(
        &[
            "inventory",
            "--jwks-url",
            "http://127.0.0.1:1/jwks.json",
            "--allow-http",
        ],
        None,
    )
    .usage_or_io();
}

#[test]
fn usage_and_input_errors_exit_2() {
    let dir = scratch("inventory-errors");
    let not_a_set = dir.join("key.json");
    std::fs::write(&not_a_set, r#"{"kty":"EC"}"#).unwrap();
    pqjose(&["inventory"], None).usage_or_io();
    pqjose(&["inventory", "--jwks", "a", "--tokens", "b"], None).usage_or_io();
    pqjose(&["inventory", "--jwks", "a", "--jwks", "b"], None).usage_or_io();
    let out = pqjose(&["inventory", "--jwks", path_str(&not_a_set)], None);
    assert!(out.usage_or_io().contains("`keys` array"));
    let out = pqjose(&["inventory", "--tokens", "/nonexistent/tokens"], None);
    assert!(out.usage_or_io().contains("/nonexistent/tokens"));
}
