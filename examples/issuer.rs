//! An issuer of per-task agent credentials: it creates (or loads) an ML-DSA-65 signing key,
//! publishes its public JWK Set, and mints short-lived tokens with typed custom claims.
//!
//! Run: `cargo run --example issuer`

use std::time::Duration;

use pqjose::{Algorithm, KeySet, SigningKey, TokenBuilder};
use serde::Serialize;

const ISSUER: &str = "https://issuer.example";
const GATEWAY: &str = "https://gateway.example";

/// The custom claims of a per-task token. Any `Serialize` type whose JSON form is an object
/// works; registered claim names (`iss`, `exp`, ...) are refused here, use the builder's setters.
#[derive(Serialize)]
struct TaskClaims<'a> {
    task: &'a str,
    scope: &'a [&'a str],
}

fn main() -> Result<(), pqjose::Error> {
    // Create the key once and keep its private JWK (or PKCS#8 PEM) in a secret store; here we
    // round-trip it to show the loading side. The kid defaults to the RFC 7638 thumbprint.
    let created = SigningKey::generate(Algorithm::MlDsa65)?.with_kid("issuer-2026-01")?;
    let stored = created.to_jwk()?.to_json(); // secret: contains the ML-DSA seed
    let key = SigningKey::from_jwk_json(&stored)?;
    // Debug never shows secret material.
    println!("signing key: {key:?}");

    // The public JWK Set, served at https://issuer.example/.well-known/jwks.json.
    let jwks = KeySet::from_keys([key.verifying_key()?])?
        .to_public_jwk_set()
        .to_json();
    assert!(!jwks.contains("priv"));
    println!("public JWK Set: {} bytes", jwks.len());

    // One builder per kind of token; every sign() takes a fresh iat, exp and random jti.
    for (agent, task, scope) in [
        ("agent-1", "t-1001", &["reports:read"][..]),
        ("agent-2", "t-1002", &["tickets:read", "tickets:write"][..]),
    ] {
        let token = TokenBuilder::with_custom(TaskClaims { task, scope })
            .issuer(ISSUER)
            .subject(agent)
            .audience(GATEWAY)
            .ttl(Duration::from_secs(10 * 60))
            .typ("at+jwt")
            .sign(&key)?;
        let head = token.get(..40).unwrap_or(&token);
        println!("{agent} {task}: {} bytes  {head}...", token.len());
    }
    Ok(())
}

#[test]
fn example_runs() {
    main().unwrap();
}
