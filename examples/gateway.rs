//! A gateway: it loads an issuer's JWK Set once at startup, then verifies every request's token
//! under a post-quantum-or-hybrid policy, with typed claims and a replay cache, and maps each
//! rejection to a decision.
//!
//! Run: `cargo run --example gateway`

use std::sync::Arc;
use std::time::Duration;

use pqjose::{
    Algorithm, AlgorithmError, ClaimsError, Error, KeySet, MemoryReplayStore, SigningKey,
    TokenBuilder, Validation,
};
use serde::Deserialize;

const ISSUER: &str = "https://issuer.example";
const GATEWAY: &str = "https://gateway.example";

/// The custom claims the gateway expects; a token whose claims do not fit is rejected.
#[derive(Debug, Deserialize)]
struct TaskClaims {
    task: String,
    scope: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (jwks, requests) = issuer()?;

    // Startup: parse the JWK Set once; unusable entries are skipped and reported, not fatal.
    let (keys, skipped) = KeySet::from_jwk_set_json(&jwks)?;
    for s in &skipped {
        eprintln!("skipped JWK #{} ({:?}): {}", s.index, s.kid, s.reason);
    }
    let validation = Validation::hybrid_or_pqc()
        .issuer(ISSUER)
        .audience(GATEWAY)
        .typ("at+jwt")
        .replay_store(Arc::new(MemoryReplayStore::default()));

    // Per request.
    let mut allowed = 0;
    for (label, token) in &requests {
        match validation.verify_with_keys::<TaskClaims>(token, &keys) {
            Ok(v) => {
                allowed += 1;
                let claims = v.claims();
                println!(
                    "{label}: allow {} for {} {:?} (key {}, {})",
                    claims.subject().unwrap_or("?"),
                    v.custom().task,
                    v.custom().scope,
                    v.kid().unwrap_or("?"),
                    v.algorithm()
                );
            }
            // Match on the typed error (or on e.code(), stable across releases).
            Err(e @ Error::Algorithm(AlgorithmError::NotAllowed(_))) => {
                println!("{label}: deny, algorithm outside policy: {e}");
            }
            Err(e @ Error::Claims(ClaimsError::Expired)) => {
                println!("{label}: deny, ask the issuer for a new token: {e}");
            }
            Err(e) => println!("{label}: deny: {e} (code {})", e.code()),
        }
    }
    assert_eq!(
        allowed, 1,
        "only the first presentation of the PQC token passes"
    );
    Ok(())
}

/// What the issuer stand-in hands over: its JWK Set, and labelled tokens to present.
type Issued = (String, Vec<(&'static str, String)>);

/// A stand-in for the issuer (see `examples/issuer.rs`), so this example runs on its own: its
/// JWK Set, and the tokens presented to the gateway.
fn issuer() -> Result<Issued, pqjose::Error> {
    let pq = SigningKey::generate(Algorithm::MlDsa65)?;
    let legacy = SigningKey::generate(Algorithm::Es256)?;
    let jwks = KeySet::from_keys([pq.verifying_key()?, legacy.verifying_key()?])?
        .to_public_jwk_set()
        .to_json();
    let builder = TokenBuilder::new()
        .issuer(ISSUER)
        .subject("agent-1")
        .audience(GATEWAY)
        .ttl(Duration::from_secs(300))
        .typ("at+jwt")
        .claim("task", "t-1001")
        .claim("scope", ["reports:read"].as_slice());
    let good = builder.sign(&pq)?;
    let requests = vec![
        ("ML-DSA-65 token", good.clone()),
        ("same token again", good),
        ("ES256 token", builder.sign(&legacy)?),
        ("untyped token", builder.clone().typ("JWT").sign(&pq)?),
    ];
    Ok((jwks, requests))
}

#[test]
fn example_runs() {
    main().unwrap();
}
