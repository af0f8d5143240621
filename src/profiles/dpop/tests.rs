use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::error::FormatError;
use crate::format::b64;
use crate::jws::JwsSigner;
use crate::time::FixedClock;
use crate::{Algorithm, MemoryReplayStore};

const NOW: i64 = 1_800_000_000;
const HTU: &str = "https://rs.example/api/items";

fn key(alg: Algorithm) -> SigningKey {
    SigningKey::generate(alg).unwrap()
}

fn verifier() -> ProofVerifier {
    ProofVerifier::new().clock(FixedClock::at_secs(NOW))
}

fn builder() -> ProofBuilder {
    ProofBuilder::new("GET", HTU)
        .unwrap()
        .clock(FixedClock::at_secs(NOW))
}

fn part(token: &str, i: usize) -> Value {
    let seg = token.split('.').nth(i).unwrap();
    serde_json::from_slice(&b64::decode(seg).unwrap()).unwrap()
}

/// A proof with a hand-made header and claims, signed by `key` (for the negative tests).
fn forge(key: &SigningKey, header: Value, claims: Value) -> String {
    let mut h = b64::encode(&serde_json::to_vec(&header).unwrap());
    h.push('.');
    h.push_str(&b64::encode(&serde_json::to_vec(&claims).unwrap()));
    let sig = key.sign(h.as_bytes()).unwrap();
    h.push('.');
    h.push_str(&b64::encode(&sig));
    h
}

fn public_jwk(key: &SigningKey) -> Value {
    let mut jwk = key.to_public_jwk().unwrap();
    jwk.kid = None;
    serde_json::to_value(&jwk).unwrap()
}

fn good_claims() -> Value {
    json!({"jti": "j1", "htm": "GET", "htu": HTU, "iat": NOW})
}

fn p(e: ProfileError) -> Result<(), Error> {
    Err(Error::Profile(e))
}

fn check(proof: &str) -> Result<(), Error> {
    verifier().verify(proof, "GET", HTU).map(|_| ())
}

#[test]
fn round_trip_every_proof_algorithm() {
    for alg in [
        Algorithm::MlDsa44,
        Algorithm::MlDsa65,
        Algorithm::MlDsa87,
        Algorithm::Ed25519,
        Algorithm::Es256,
        Algorithm::MlDsa44Es256,
        Algorithm::MlDsa65Es256,
        Algorithm::MlDsa87Es384,
        Algorithm::MlDsa44Ed25519,
        Algorithm::MlDsa65Ed25519,
        Algorithm::MlDsa87Ed448,
    ] {
        let k = key(alg);
        // A long target, query and fragment included: they are left out of the proof.
        let long = format!("{HTU}/{}?q=1#f", "p".repeat(200));
        let proof = ProofBuilder::new("POST", &long)
            .unwrap()
            .access_token("at")
            .nonce("n-1")
            .clock(FixedClock::at_secs(NOW))
            .sign(&k)
            .unwrap();
        assert!(proof.len() <= MAX_PROOF_LEN, "{alg}: {}", proof.len());
        let h = part(&proof, 0);
        assert_eq!(h["typ"], DPOP_TYP);
        assert_eq!(h["alg"], alg.as_str());
        assert!(h["jwk"].get("kid").is_none());
        let c = part(&proof, 1);
        assert_eq!(c["htu"], format!("{HTU}/{}", "p".repeat(200)));
        assert_eq!(c["iat"], NOW);
        assert_eq!(c["ath"], token_hash("at"));
        assert_eq!(b64::decode(c["jti"].as_str().unwrap()).unwrap().len(), 16);
        let v = verifier()
            .nonce("n-1")
            .verify_with_access_token(&proof, "POST", &long, "at")
            .unwrap();
        assert_eq!(v.jkt(), k.thumbprint().unwrap(), "{alg}");
        assert_eq!(v.algorithm(), alg);
        assert_eq!(v.htm(), "POST");
        assert_eq!(v.nonce(), Some("n-1"));
        assert_eq!(v.issued_at(), NumericDate::from_secs(NOW));
    }
}

#[test]
fn symmetric_keys_make_no_proofs() {
    let k = SigningKey::from_hmac_secret(Algorithm::Hs256, &[7; 32]).unwrap();
    assert_eq!(builder().sign(&k), Err(Error::Key(KeyError::NoPublicForm)));
}

#[test]
fn request_mismatches() {
    let k = key(Algorithm::Es256);
    let proof = builder().sign(&k).unwrap();
    let v = verifier();
    assert!(v.verify(&proof, "GET", HTU).is_ok());
    // htu is compared normalized and without the request's query and fragment.
    assert!(
        v.verify(&proof, "GET", "HTTPS://RS.example:443/api/./items?x=1#y")
            .is_ok()
    );
    assert_eq!(
        v.verify(&proof, "POST", HTU).map(|_| ()),
        p(ProfileError::ProofMethod)
    );
    assert_eq!(
        v.verify(&proof, "get", HTU).map(|_| ()),
        p(ProfileError::ProofMethod)
    );
    assert_eq!(
        v.verify(&proof, "GET", "https://rs.example/api/other")
            .map(|_| ()),
        p(ProfileError::ProofUri)
    );
    assert_eq!(
        v.verify(&proof, "GET", "http://rs.example/api/items")
            .map(|_| ()),
        p(ProfileError::ProofUri)
    );
    assert_eq!(
        v.verify(&proof, "GET", "not a uri").map(|_| ()),
        p(ProfileError::InvalidUri)
    );
}

#[test]
fn proof_htu_with_query_or_fragment_is_refused() {
    let k = key(Algorithm::Ed25519);
    let h = json!({"typ": "dpop+jwt", "alg": "Ed25519", "jwk": public_jwk(&k)});
    for htu in [format!("{HTU}?a=b"), format!("{HTU}#f"), format!("{HTU}?")] {
        let mut c = good_claims();
        c["htu"] = json!(htu);
        let proof = forge(&k, h.clone(), c);
        assert_eq!(check(&proof), p(ProfileError::ProofUriQuery));
        // Also when the request URI is that very text (the proof's htu is not parsed again).
        assert_eq!(
            verifier().verify(&proof, "GET", &htu).map(|_| ()),
            p(ProfileError::ProofUriQuery)
        );
    }
    let mut c = good_claims();
    c["htu"] = json!("/api/items");
    assert_eq!(check(&forge(&k, h, c)), p(ProfileError::ProofUri));
}

#[test]
fn iat_window() {
    let k = key(Algorithm::Ed25519);
    let at = |t: i64| {
        ProofBuilder::new("GET", HTU)
            .unwrap()
            .clock(FixedClock::at_secs(t))
            .sign(&k)
            .unwrap()
    };
    assert_eq!(check(&at(NOW - 60)), Ok(()));
    assert_eq!(check(&at(NOW - 61)), p(ProfileError::ProofTooOld));
    assert_eq!(check(&at(NOW + 5)), Ok(()));
    assert_eq!(check(&at(NOW + 6)), p(ProfileError::ProofInFuture));
    let wide = verifier()
        .max_age(Duration::from_secs(300))
        .max_future(Duration::from_secs(30));
    assert!(wide.verify(&at(NOW - 300), "GET", HTU).is_ok());
    assert!(wide.verify(&at(NOW + 30), "GET", HTU).is_ok());
    let h = json!({"typ": "dpop+jwt", "alg": "Ed25519", "jwk": public_jwk(&k)});
    let mut c = good_claims();
    c.as_object_mut().unwrap().remove("iat");
    assert_eq!(
        check(&forge(&k, h, c)),
        Err(ClaimsError::Missing(crate::RegisteredClaim::IssuedAt.into()).into())
    );
}

#[test]
fn jti_is_single_use_through_the_replay_store() {
    let k = key(Algorithm::MlDsa44);
    let store = Arc::new(MemoryReplayStore::new(10));
    let v = verifier().replay_store(store.clone());
    let proof = builder().sign(&k).unwrap();
    assert!(v.verify(&proof, "GET", HTU).is_ok());
    assert_eq!(
        v.verify(&proof, "GET", HTU).map(|_| ()),
        Err(Error::Replayed)
    );
    // A refused proof does not use up its jti.
    let other = builder().sign(&k).unwrap();
    assert!(v.verify(&other, "POST", HTU).is_err());
    assert!(v.verify(&other, "GET", HTU).is_ok());
    // Remembered only for the acceptance window.
    store.purge(NumericDate::from_secs(NOW + 61));
    assert!(store.is_empty());
    let h = json!({"typ": "dpop+jwt", "alg": "ML-DSA-44", "jwk": public_jwk(&k)});
    let mut c = good_claims();
    c.as_object_mut().unwrap().remove("jti");
    assert_eq!(
        v.verify(&forge(&k, h, c), "GET", HTU).map(|_| ()),
        Err(ClaimsError::Missing(crate::RegisteredClaim::JwtId.into()).into())
    );
}

#[test]
fn proof_jtis_are_scoped_by_proof_key() {
    let (a, b) = (key(Algorithm::Ed25519), key(Algorithm::Ed25519));
    let store = Arc::new(MemoryReplayStore::new(10));
    // An access token without iss used jti "j1" before: a proof with that jti is not a replay.
    let token = TokenUse {
        jti: Some("j1"),
        ..TokenUse::new(NumericDate::from_secs(NOW))
    };
    store.record_use("j1", &token).unwrap();
    let v = verifier().replay_store(store.clone());
    let h = |k: &SigningKey| json!({"typ": "dpop+jwt", "alg": "Ed25519", "jwk": public_jwk(k)});
    let (pa, pb) = (
        forge(&a, h(&a), good_claims()),
        forge(&b, h(&b), good_claims()),
    );
    assert!(v.verify(&pa, "GET", HTU).is_ok());
    // Another client's proof with the same jti is its own; each is single-use.
    assert!(v.verify(&pb, "GET", HTU).is_ok());
    for proof in [&pa, &pb] {
        assert_eq!(
            v.verify(proof, "GET", HTU).map(|_| ()),
            Err(Error::Replayed)
        );
    }
    assert_eq!(store.len(), 3);
}

#[test]
fn ath_and_nonce() {
    let k = key(Algorithm::Es256);
    let with_ath = builder().access_token("token-1").sign(&k).unwrap();
    let v = verifier();
    assert!(
        v.verify_with_access_token(&with_ath, "GET", HTU, "token-1")
            .is_ok()
    );
    assert_eq!(
        v.verify_with_access_token(&with_ath, "GET", HTU, "token-2")
            .map(|_| ()),
        p(ProfileError::AccessTokenHash)
    );
    let without = builder().sign(&k).unwrap();
    assert_eq!(
        v.verify_with_access_token(&without, "GET", HTU, "token-1")
            .map(|_| ()),
        p(ProfileError::AccessTokenHash)
    );
    let nv = verifier().nonce("n-2");
    assert_eq!(
        nv.verify(&without, "GET", HTU).map(|_| ()),
        p(ProfileError::Nonce)
    );
    let wrong = builder().nonce("n-1").sign(&k).unwrap();
    assert_eq!(
        nv.verify(&wrong, "GET", HTU).map(|_| ()),
        p(ProfileError::Nonce)
    );
    let right = builder().nonce("n-2").sign(&k).unwrap();
    assert!(nv.verify(&right, "GET", HTU).is_ok());
}

#[test]
fn ath_is_checked_alike_whatever_the_key_cache_remembers() {
    let k = key(Algorithm::Ed25519);
    let v = verifier();
    // Past the memo's size bound: hashed every time.
    let long = "t".repeat(20_000);
    let tokens = ["token-1", "token-2", long.as_str()];
    let proofs: Vec<String> = tokens
        .iter()
        .map(|t| builder().access_token(t).sign(&k).unwrap())
        .collect();
    // Every proof with every token, twice, so the cached key's memo holds each token in turn
    // (and the same token twice in a row): only a proof with its own token passes.
    for _ in 0..2 {
        for (i, proof) in proofs.iter().enumerate() {
            for (j, token) in tokens.iter().enumerate() {
                let result = v.verify_with_access_token(proof, "GET", HTU, token);
                if i == j {
                    assert!(result.is_ok(), "{i} {j}");
                } else {
                    assert_eq!(
                        result.map(|_| ()),
                        p(ProfileError::AccessTokenHash),
                        "{i} {j}"
                    );
                }
            }
        }
    }
}

#[test]
fn header_checks() {
    let k = key(Algorithm::Es256);
    let jwk = public_jwk(&k);
    let hdr = |v: Value| forge(&k, v, good_claims());
    assert_eq!(
        check(&hdr(json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}))),
        Ok(())
    );
    // typ
    assert_eq!(
        check(&hdr(json!({"typ": "JWT", "alg": "ES256", "jwk": jwk}))),
        Err(ClaimsError::Type.into())
    );
    assert_eq!(
        check(&hdr(json!({"alg": "ES256", "jwk": jwk}))),
        Err(ClaimsError::Type.into())
    );
    // no key, or not an object
    assert_eq!(
        check(&hdr(json!({"typ": "dpop+jwt", "alg": "ES256"}))),
        p(ProfileError::ProofKey)
    );
    assert_eq!(
        check(&hdr(json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": "x"}))),
        p(ProfileError::ProofKey)
    );
    // a private key in the header
    let private: Value = serde_json::from_str(&k.to_jwk().unwrap().to_json()).unwrap();
    assert_eq!(
        check(&hdr(
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": private})
        )),
        p(ProfileError::ProofKeyPrivate)
    );
    let mut with_d = jwk.clone();
    with_d["d"] = json!("AAAA");
    assert_eq!(
        check(&hdr(
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": with_d})
        )),
        p(ProfileError::ProofKeyPrivate)
    );
    assert_eq!(
        check(&hdr(
            json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}})
        )),
        p(ProfileError::ProofKeyPrivate)
    );
    // jku / x5c are still refused
    assert_eq!(
        check(&hdr(
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk, "jku": "https://x"})
        )),
        Err(FormatError::EmbeddedKey.into())
    );
}

#[test]
fn alg_must_match_the_embedded_key() {
    let ec = key(Algorithm::Es256);
    let ed = key(Algorithm::Ed25519);
    let ml = key(Algorithm::MlDsa65);
    // Header says Ed25519, key is EC (signature by the EC key): with the JWK's alg, and
    // without it.
    let h = json!({"typ": "dpop+jwt", "alg": "Ed25519", "jwk": public_jwk(&ec)});
    assert!(matches!(
        check(&forge(&ec, h, good_claims())),
        Err(Error::Algorithm(AlgorithmError::Mismatch { .. }))
    ));
    let mut bare = public_jwk(&ec);
    bare.as_object_mut().unwrap().remove("alg");
    let h = json!({"typ": "dpop+jwt", "alg": "Ed25519", "jwk": bare});
    assert_eq!(
        check(&forge(&ec, h, good_claims())),
        p(ProfileError::ProofKey)
    );
    // Header says ML-DSA-44, key is an ML-DSA-65 AKP key with alg ML-DSA-65.
    let h = json!({"typ": "dpop+jwt", "alg": "ML-DSA-44", "jwk": public_jwk(&ml)});
    assert!(matches!(
        check(&forge(&ml, h, good_claims())),
        Err(Error::Algorithm(AlgorithmError::Mismatch { .. }))
    ));
    // HMAC named with a public key.
    let h = json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": public_jwk(&ed)});
    assert!(matches!(
        check(&forge(&ed, h, good_claims())),
        Err(Error::Algorithm(AlgorithmError::Mismatch { .. }))
    ));
    // A proof whose signature is by another key than the header's.
    let h = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&key(Algorithm::Es256))});
    assert_eq!(
        check(&forge(&ec, h, good_claims())),
        Err(Error::InvalidSignature)
    );
    // alg none
    let h = json!({"typ": "dpop+jwt", "alg": "none", "jwk": public_jwk(&ec)});
    assert_eq!(
        check(&forge(&ec, h, good_claims())),
        Err(AlgorithmError::None.into())
    );
}

#[test]
fn policy_limits_proof_algorithms() {
    let ed = key(Algorithm::Ed25519);
    let proof = builder().sign(&ed).unwrap();
    let pqc = verifier().policy(AlgorithmPolicy::PqcOnly);
    assert_eq!(
        pqc.verify(&proof, "GET", HTU).map(|_| ()),
        Err(AlgorithmError::NotAllowed(Algorithm::Ed25519).into())
    );
    let listed = verifier().algorithms([Algorithm::MlDsa65]);
    assert!(listed.verify(&proof, "GET", HTU).is_err());
    let ml = builder().sign(&key(Algorithm::MlDsa65)).unwrap();
    assert!(listed.verify(&ml, "GET", HTU).is_ok());
    assert!(pqc.verify(&ml, "GET", HTU).is_ok());
}

#[test]
fn size_limits_admit_ml_dsa_87_and_not_much_more() {
    let k = key(Algorithm::MlDsa87);
    let proof = builder().sign(&k).unwrap();
    assert!(
        proof.len() > 10 * 1024 && proof.len() < 12 * 1024,
        "{}",
        proof.len()
    );
    assert!(check(&proof).is_ok());
    let mut c = good_claims();
    c["pad"] = json!("x".repeat(MAX_PROOF_LEN - proof.len() + 100));
    let h = part(&proof, 0);
    assert_eq!(check(&forge(&k, h, c)), Err(FormatError::TooLarge.into()));
}

#[test]
fn cnf_jkt_binding() {
    let client = key(Algorithm::MlDsa65);
    let thief = key(Algorithm::MlDsa65);
    let issuer = key(Algorithm::MlDsa65);
    let keys = KeySet::from_keys([issuer.verifying_key().unwrap()]).unwrap();
    let token = TokenBuilder::new()
        .subject("u")
        .cnf_jkt(client.thumbprint().unwrap())
        .clock(FixedClock::at_secs(NOW))
        .sign(&issuer)
        .unwrap();
    let unbound = TokenBuilder::new()
        .subject("u")
        .clock(FixedClock::at_secs(NOW))
        .sign(&issuer)
        .unwrap();
    let validation = Validation::new().clock(FixedClock::at_secs(NOW));
    let v = verifier();
    let good = builder().access_token(&token).sign(&client).unwrap();
    let (t, proof) = v
        .verify_request(&good, "GET", HTU, &token, &validation, &keys)
        .unwrap();
    assert_eq!(proof.check_binding(&t), Ok(()));
    // A stolen token with the thief's own proof.
    let stolen = builder().access_token(&token).sign(&thief).unwrap();
    assert_eq!(
        v.verify_request(&stolen, "GET", HTU, &token, &validation, &keys)
            .map(|_| ()),
        p(ProfileError::BindingMismatch)
    );
    let thief_proof = v.verify(&stolen, "GET", HTU).unwrap();
    assert_eq!(
        thief_proof.check_binding(&t),
        p(ProfileError::BindingMismatch)
    );
    // A bearer token presented with a proof.
    let proof_for_unbound = builder().access_token(&unbound).sign(&client).unwrap();
    assert_eq!(
        v.verify_request(&proof_for_unbound, "GET", HTU, &unbound, &validation, &keys)
            .map(|_| ()),
        p(ProfileError::NotSenderConstrained)
    );
    let bearer: Verified = validation.verify_with_keys(&unbound, &keys).unwrap();
    assert_eq!(
        proof.check_binding(&bearer),
        p(ProfileError::NotSenderConstrained)
    );
    // Validation alone.
    let required = validation.clone().require_sender_constrained();
    assert!(
        required
            .verify_with_keys::<CustomClaims>(&token, &keys)
            .is_ok()
    );
    assert_eq!(
        required
            .verify_with_keys::<CustomClaims>(&unbound, &keys)
            .map(|_| ()),
        p(ProfileError::NotSenderConstrained)
    );
    let pinned = validation.bound_to_jkt(thief.thumbprint().unwrap());
    assert_eq!(
        pinned
            .verify_with_keys::<CustomClaims>(&token, &keys)
            .map(|_| ()),
        p(ProfileError::BindingMismatch)
    );
}

#[test]
fn malformed_cnf_is_refused_alike_by_proof_and_validation() {
    let client = key(Algorithm::Ed25519);
    let issuer = key(Algorithm::Ed25519);
    let keys = KeySet::from_keys([issuer.verifying_key().unwrap()]).unwrap();
    let validation = Validation::new().clock(FixedClock::at_secs(NOW));
    let jkt = client.thumbprint().unwrap();
    let proof = verifier()
        .verify(&builder().sign(&client).unwrap(), "GET", HTU)
        .unwrap();
    let invalid = || {
        Err(Error::Claims(ClaimsError::Invalid(ClaimName::Custom(
            "cnf".into(),
        ))))
    };
    for (cnf, expected) in [
        (json!({"jkt": jkt}), Ok(())),
        (json!({}), p(ProfileError::NotSenderConstrained)),
        (json!({"jwk": {}}), p(ProfileError::NotSenderConstrained)),
        (json!({"jkt": 5}), invalid()),
        (json!({"jkt": null}), invalid()),
        (json!([jkt]), invalid()),
        (json!(jkt), invalid()),
        (Value::Null, invalid()),
    ] {
        let token = TokenBuilder::new()
            .subject("u")
            .claim("cnf", cnf.clone())
            .clock(FixedClock::at_secs(NOW))
            .sign(&issuer)
            .unwrap();
        let verified: Verified = validation.verify_with_keys(&token, &keys).unwrap();
        assert_eq!(proof.check_binding(&verified), expected, "{cnf}");
        let required = validation.clone().require_sender_constrained();
        assert_eq!(
            required
                .verify_with_keys::<CustomClaims>(&token, &keys)
                .map(|_| ()),
            expected,
            "{cnf}"
        );
    }
}

#[test]
fn the_general_verifier_still_refuses_header_keys() {
    let k = key(Algorithm::Es256);
    let proof = builder().sign(&k).unwrap();
    let keys = KeySet::from_keys([k.verifying_key().unwrap()]).unwrap();
    assert_eq!(
        Validation::new()
            .allow_missing_exp()
            .verify_with_keys::<CustomClaims>(&proof, &keys)
            .map(|_| ()),
        Err(FormatError::EmbeddedKey.into())
    );
    assert_eq!(
        jws::verify(&k.verifying_key().unwrap(), &proof).map(|_| ()),
        Err(FormatError::EmbeddedKey.into())
    );
}

#[test]
fn rfc9449_example_proof_shape_verifies() {
    // RFC 9449 §4.1 figure 3 header and claims, with a fresh ES256 key in place of the
    // example's (whose private part is not published).
    let k = key(Algorithm::Es256);
    let h = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(&k)});
    let c = json!({"jti": "-BwC3ESc6acc2lTc", "htm": "POST", "htu": "https://server.example.com/token", "iat": NOW});
    let v = verifier()
        .verify(&forge(&k, h, c), "POST", "https://server.example.com/token")
        .unwrap();
    assert_eq!(v.jti(), "-BwC3ESc6acc2lTc");
}

/// `proof` with its payload replaced by `claims` and signed by `key` (the header segment kept
/// byte for byte).
fn resign(proof: &str, key: &SigningKey, claims: Value) -> String {
    let (header, _) = proof.split_once('.').unwrap();
    let mut t = format!(
        "{header}.{}",
        b64::encode(&serde_json::to_vec(&claims).unwrap())
    );
    let sig = key.sign(t.as_bytes()).unwrap();
    t.push('.');
    t.push_str(&b64::encode(&sig));
    t
}

#[test]
fn cached_proof_keys_serve_only_the_same_header() {
    let v = verifier();
    let shared = v.clone();
    let ml = key(Algorithm::MlDsa65);
    let jwk = public_jwk(&ml);
    let hdr = |alg: &str, jwk: &Value| json!({"typ": "dpop+jwt", "alg": alg, "jwk": jwk});
    // A proof whose signature is not by the header's key leaves nothing behind.
    let other = key(Algorithm::MlDsa65);
    let bad = forge(&other, hdr("ML-DSA-65", &jwk), good_claims());
    assert_eq!(
        v.verify(&bad, "GET", HTU).map(|_| ()),
        Err(Error::InvalidSignature)
    );
    assert_eq!(v.keys.len(), 0);
    // Two proofs with one key share a header: imported once, and the clone shares the cache.
    let first_proof = builder().sign(&ml).unwrap();
    let first = v.verify(&first_proof, "GET", HTU).unwrap();
    assert_eq!(v.keys.len(), 1);
    let second = shared
        .verify(&builder().sign(&ml).unwrap(), "GET", HTU)
        .unwrap();
    assert_eq!(shared.keys.len(), 1);
    assert_eq!(first.jkt(), second.jkt());
    assert_eq!(second.jkt(), ml.thumbprint().unwrap());
    assert_eq!(first.jwk(), second.jwk());
    assert_eq!(first.algorithm(), second.algorithm());
    // The cached header's key still checks every signature, and every claim.
    assert_eq!(
        v.verify(&resign(&first_proof, &other, good_claims()), "GET", HTU)
            .map(|_| ()),
        Err(Error::InvalidSignature)
    );
    let mut stale = good_claims();
    stale["iat"] = json!(NOW - 3600);
    assert_eq!(
        v.verify(&resign(&first_proof, &ml, stale), "GET", HTU)
            .map(|_| ()),
        p(ProfileError::ProofTooOld)
    );
    // A verifier sharing the cache under a narrower policy still applies it to a cached header.
    let only_87 = v.clone().algorithms([Algorithm::MlDsa87]);
    assert_eq!(
        only_87
            .verify(&builder().sign(&ml).unwrap(), "GET", HTU)
            .map(|_| ()),
        Err(AlgorithmError::NotAllowed(Algorithm::MlDsa65).into())
    );
    // The same key under another header alg is another header: imported, and refused.
    assert!(matches!(
        v.verify(
            &forge(&ml, hdr("ML-DSA-44", &jwk), good_claims()),
            "GET",
            HTU
        ),
        Err(Error::Algorithm(AlgorithmError::Mismatch { .. }))
    ));
    // Same thumbprint, other JWK (a key that may not verify): imported and refused.
    let mut sign_only = jwk.clone();
    sign_only["key_ops"] = json!(["sign"]);
    assert_eq!(
        v.verify(
            &forge(&ml, hdr("ML-DSA-65", &sign_only), good_claims()),
            "GET",
            HTU
        )
        .map(|_| ()),
        p(ProfileError::ProofKey)
    );
    // Private members are refused.
    let private: Value = serde_json::from_str(&ml.to_jwk().unwrap().to_json()).unwrap();
    assert_eq!(
        v.verify(
            &forge(&ml, hdr("ML-DSA-65", &private), good_claims()),
            "GET",
            HTU
        )
        .map(|_| ()),
        p(ProfileError::ProofKeyPrivate)
    );
    assert_eq!(v.keys.len(), 1);
    // Unknown members and a `kid` make another header for the same key: a second entry.
    let mut decorated = jwk.clone();
    decorated["kid"] = json!("client-1");
    decorated["x-note"] = json!("ignored");
    let proof = forge(&ml, hdr("ML-DSA-65", &decorated), good_claims());
    assert_eq!(v.verify(&proof, "GET", HTU).unwrap().jkt(), first.jkt());
    assert_eq!(v.keys.len(), 2);
}

#[test]
fn key_cache_is_bounded_and_can_be_turned_off() {
    let v = verifier().key_cache_capacity(2);
    for _ in 0..4 {
        let proof = builder().sign(&key(Algorithm::Ed25519)).unwrap();
        assert!(v.verify(&proof, "GET", HTU).is_ok());
        assert!(v.keys.len() <= 2);
    }
    assert_eq!(v.keys.len(), 2);
    let off = verifier().key_cache_capacity(0);
    let k = key(Algorithm::Ed25519);
    for _ in 0..2 {
        assert!(off.verify(&builder().sign(&k).unwrap(), "GET", HTU).is_ok());
    }
    assert_eq!(off.keys.len(), 0);
}
