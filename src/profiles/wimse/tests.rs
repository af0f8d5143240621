use serde_json::json;

use super::*;
use crate::MemoryReplayStore;
use crate::format::b64;
use crate::jws::JwsSigner;
use crate::time::FixedClock;

const NOW: i64 = 1_800_000_000;
const AUD: &str = "https://api.example.org/tasks";
const ID: &str = "spiffe://example.org/ns/agents/a1";

struct World {
    domain: SigningKey,
    workload: SigningKey,
    anchors: KeySet,
    wit: String,
}

fn world(alg: Algorithm) -> World {
    let domain = SigningKey::generate(Algorithm::MlDsa65).unwrap();
    let workload = SigningKey::generate(alg).unwrap();
    let wit = WitBuilder::new(ID)
        .unwrap()
        .issuer("https://wit.example.org")
        .clock(clock())
        .sign(&domain, &workload.verifying_key().unwrap())
        .unwrap();
    World {
        anchors: KeySet::from_keys([domain.verifying_key().unwrap()]).unwrap(),
        workload,
        domain,
        wit,
    }
}

fn clock() -> FixedClock {
    FixedClock::at_secs(NOW)
}

impl World {
    fn wit(&self) -> String {
        self.wit.clone()
    }
    fn verified_wit(&self) -> Wit {
        verify_wit(
            &Validation::new().clock(clock()),
            &self.wit(),
            &self.anchors,
        )
        .unwrap()
    }
}

fn wpt() -> WptBuilder {
    WptBuilder::new(AUD).clock(clock())
}

fn verifier() -> WptVerifier {
    WptVerifier::new(AUD).clock(clock())
}

fn part(token: &str, i: usize) -> Value {
    let seg = token.split('.').nth(i).unwrap();
    serde_json::from_slice(&b64::decode(seg).unwrap()).unwrap()
}

#[test]
fn wit_shape_and_verification() {
    let w = world(Algorithm::Es256);
    let wit = w.wit();
    assert_eq!(part(&wit, 0)["typ"], WIT_TYP);
    let c = part(&wit, 1);
    assert_eq!(c["sub"], ID);
    assert_eq!(c["exp"], NOW + 3600);
    assert_eq!(c["cnf"]["jwk"]["alg"], "ES256");
    assert!(c["cnf"]["jwk"].get("d").is_none());
    let v = w.verified_wit();
    assert_eq!(v.workload(), ID);
    assert_eq!(v.key().algorithm(), Algorithm::Es256);
    assert_eq!(v.wth(), token_hash(&wit));
    assert!(WitBuilder::new("not-a-uri").is_err());
    assert!(WitBuilder::new("spiffe:///nodomain").is_err());
}

#[test]
fn wit_refusals() {
    let w = world(Algorithm::Ed25519);
    let v = Validation::new().clock(clock());
    let plain = TokenBuilder::new()
        .subject(ID)
        .clock(clock())
        .sign(&w.domain)
        .unwrap();
    assert_eq!(
        verify_wit(&v, &plain, &w.anchors).map(|_| ()),
        Err(ClaimsError::Type.into())
    );
    let mk = |sub: &str, cnf: Value| {
        TokenBuilder::new()
            .typ(WIT_TYP)
            .subject(sub)
            .claim("cnf", cnf)
            .clock(clock())
            .sign(&w.domain)
            .unwrap()
    };
    let public: Value = serde_json::to_value(w.workload.to_public_jwk().unwrap()).unwrap();
    assert!(verify_wit(&v, &mk(ID, json!({"jwk": public})), &w.anchors).is_ok());
    assert_eq!(
        verify_wit(&v, &mk("agent-7", json!({"jwk": public})), &w.anchors).map(|_| ()),
        Err(ProfileError::WorkloadIdentifier.into())
    );
    let private: Value = serde_json::from_str(&w.workload.to_jwk().unwrap().to_json()).unwrap();
    let mut no_alg = public.clone();
    no_alg.as_object_mut().unwrap().remove("alg");
    for cnf in [
        json!({}),
        json!({"jwk": private}),
        json!({"jwk": no_alg}),
        json!({"jwk": {"kty": "oct", "k": "AAAA", "alg": "HS256"}}),
        json!({"jkt": "x"}),
    ] {
        assert_eq!(
            verify_wit(&v, &mk(ID, cnf.clone()), &w.anchors).map(|_| ()),
            Err(ProfileError::WorkloadKey.into()),
            "{cnf}"
        );
    }
    // Another trust domain's WIT.
    let other = world(Algorithm::Ed25519);
    assert!(verify_wit(&v, &other.wit(), &w.anchors).is_err());
}

#[test]
fn wpt_end_to_end() {
    for alg in [
        Algorithm::MlDsa44,
        Algorithm::Es256,
        Algorithm::Ed25519,
        Algorithm::MlDsa65Ed25519,
    ] {
        let w = world(alg);
        let wit = w.verified_wit();
        let raw_wit = w.wit();
        let token = wpt()
            .access_token("at")
            .txn_token("tt")
            .other_token("X-Other", " o1 ")
            .sign(&w.workload, &raw_wit)
            .unwrap();
        assert_eq!(part(&token, 0)["typ"], WPT_TYP);
        let c = part(&token, 1);
        assert_eq!(c["wth"], token_hash(&raw_wit));
        assert_eq!(c["oth"]["x-other"], token_hash("o1"));
        let presented = Presented::new()
            .access_token("at")
            .txn_token("tt")
            .other_token("x-other", "o1");
        let store = Arc::new(MemoryReplayStore::new(10));
        let v = verifier().replay_store(store);
        assert!(v.verify(&token, &wit, &presented).is_ok(), "{alg}");
        assert_eq!(
            v.verify(&token, &wit, &presented).map(|_| ()),
            Err(Error::Replayed)
        );
    }
}

#[test]
fn wpt_refusals() {
    let w = world(Algorithm::Ed25519);
    let wit = w.verified_wit();
    let raw = w.wit();
    let v = verifier();
    let none = Presented::new();
    let err = |e: ProfileError| Err(Error::Profile(e));
    let ok = wpt().sign(&w.workload, &raw).unwrap();
    assert_eq!(v.verify(&ok, &wit, &none).map(|_| ()), Ok(()));
    // Wrong audience, query ignored.
    assert!(
        WptVerifier::new("https://api.example.org/tasks?x=1")
            .clock(clock())
            .verify(&ok, &wit, &none)
            .is_ok()
    );
    assert_eq!(
        WptVerifier::new("https://other.example")
            .clock(clock())
            .verify(&ok, &wit, &none)
            .map(|_| ()),
        Err(ClaimsError::Audience.into())
    );
    // Bound to another WIT.
    let other = wpt().sign(&w.workload, "another.wit.token").unwrap();
    assert_eq!(
        v.verify(&other, &wit, &none).map(|_| ()),
        err(ProfileError::WorkloadTokenHash)
    );
    // Signed by a key other than the WIT's.
    let thief = SigningKey::generate(Algorithm::Ed25519).unwrap();
    assert_eq!(
        v.verify(&wpt().sign(&thief, &raw).unwrap(), &wit, &none)
            .map(|_| ()),
        Err(Error::InvalidSignature)
    );
    // Tokens presented but not covered, or covered but different.
    assert_eq!(
        v.verify(&ok, &wit, &Presented::new().access_token("at"))
            .map(|_| ()),
        err(ProfileError::AccessTokenHash)
    );
    let with_ath = wpt().access_token("at").sign(&w.workload, &raw).unwrap();
    assert_eq!(
        v.verify(&with_ath, &wit, &Presented::new().access_token("other"))
            .map(|_| ()),
        err(ProfileError::AccessTokenHash)
    );
    assert_eq!(
        v.verify(&ok, &wit, &Presented::new().txn_token("tt"))
            .map(|_| ()),
        err(ProfileError::TransactionTokenHash)
    );
    let with_oth = wpt()
        .other_token("x-a", "1")
        .sign(&w.workload, &raw)
        .unwrap();
    assert_eq!(
        v.verify(&with_oth, &wit, &none).map(|_| ()),
        err(ProfileError::OtherTokenHash)
    );
    assert_eq!(
        v.verify(&with_oth, &wit, &Presented::new().other_token("x-a", "2"))
            .map(|_| ()),
        err(ProfileError::OtherTokenHash)
    );
    assert_eq!(
        v.verify(&ok, &wit, &Presented::new().other_token("x-a", "1"))
            .map(|_| ()),
        err(ProfileError::OtherTokenHash)
    );
    // Lifetime: far future refused, expired refused.
    let long = wpt()
        .ttl(Duration::from_secs(3600))
        .sign(&w.workload, &raw)
        .unwrap();
    assert_eq!(
        v.verify(&long, &wit, &none).map(|_| ()),
        err(ProfileError::ProofLifetime)
    );
    let old = WptBuilder::new(AUD)
        .clock(FixedClock::at_secs(NOW - 200))
        .sign(&w.workload, &raw)
        .unwrap();
    assert_eq!(
        v.verify(&old, &wit, &none).map(|_| ()),
        Err(ClaimsError::Expired.into())
    );
    // alg must be string-equal to the WIT's cnf.jwk.alg: EdDSA is not Ed25519 here.
    let mut h = part(&ok, 0);
    h["alg"] = json!("EdDSA");
    let mut forged = b64::encode(&serde_json::to_vec(&h).unwrap());
    forged.push('.');
    forged.push_str(ok.split('.').nth(1).unwrap());
    let sig = w.workload.sign(forged.as_bytes()).unwrap();
    forged.push('.');
    forged.push_str(&b64::encode(&sig));
    assert_eq!(
        v.verify(&forged, &wit, &none).map(|_| ()),
        err(ProfileError::WorkloadProofAlgorithm)
    );
    // typ
    let plain = TokenBuilder::new()
        .audience(AUD)
        .claim("wth", wit.wth())
        .clock(clock())
        .sign(&w.workload)
        .unwrap();
    assert_eq!(
        v.verify(&plain, &wit, &none).map(|_| ()),
        Err(ClaimsError::Type.into())
    );
}
