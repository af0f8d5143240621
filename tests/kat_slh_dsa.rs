//! SLH-DSA known answers and round trips through the public API: the draft-ietf-cose-sphincs-plus
//! examples (SHA2-128s verifies and re-signs byte-for-byte; SHAKE-128s regenerated JWS verifies;
//! the stale SHAKE JWS is rejected) and a round trip for every FIPS 205 parameter set.
//!
//! The SHAKE 's' sets sign slowly (seconds each, even optimized), so only the SHAKE-128s
//! known answer runs by default; the round trip over SHAKE 128s/192s/256s is `#[ignore]`d: run
//! it with `cargo test --test kat_slh_dsa -- --ignored`.

use pqjose::{Algorithm, Error, Jwk, JwsSigner, JwsVerifier, KeyError, SigningKey, SigningMode};
use pqjose::{VerifyingKey, jws};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-cose-sphincs-plus/"
);

fn read(rel: &str) -> String {
    let path = format!("{DIR}{rel}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn b64u_decode(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

/// The signing input and signature of a compact JWS.
fn split(token: &str) -> (&str, Vec<u8>) {
    let (input, sig) = token.rsplit_once('.').unwrap();
    (input, b64u_decode(sig))
}

struct Example {
    key: SigningKey,
    public: VerifyingKey,
}

fn example(set: &str, kid: &str, thumbprint: &str) -> Example {
    let key = SigningKey::from_jwk_json(&read(&format!("{set}/private-jwk.json"))).unwrap();
    let public = VerifyingKey::from_jwk_json(&read(&format!("{set}/public-jwk.json"))).unwrap();
    assert_eq!(key.algorithm().as_str(), set);
    assert_eq!(public.algorithm().as_str(), set);
    // The examples' kid is a label, kept as given; the thumbprint is RFC 9964's (alg, kty, pub).
    assert_eq!(key.kid(), kid);
    assert_eq!(public.kid(), kid);
    assert_eq!(key.thumbprint().unwrap(), thumbprint);
    assert_eq!(public.thumbprint().unwrap(), thumbprint);
    // The private JWK's public form is the published public JWK.
    let published = Jwk::from_json(&read(&format!("{set}/public-jwk.json"))).unwrap();
    assert_eq!(key.to_public_jwk().unwrap(), published);
    Example { key, public }
}

#[test]
fn sha2_128s_example_verifies_and_is_deterministic() {
    let ex = example(
        "SLH-DSA-SHA2-128s",
        "slh-dsa-sha2-128s-kid",
        "EHjNlKNXE05wWQw9A_EsBMOxDrqbi10yNFgATTxt5wI",
    );
    let token = read("SLH-DSA-SHA2-128s/jws.txt");
    let token = token.trim_end();
    let verified = jws::verify(&ex.public, token).unwrap();
    assert_eq!(verified.payload(), b"fake");
    assert_eq!(split(token).1.len(), 7856);

    // Deterministic re-signing reproduces the published JWS byte-for-byte.
    let key = ex.key.with_signing_mode(SigningMode::Deterministic);
    assert_eq!(jws::sign_payload(&key, b"fake").unwrap(), token);
    eprintln!("SLH-DSA-SHA2-128s/jws.txt: verifies, re-signed byte-for-byte: agree");

    // A modified signature or payload is rejected.
    let (input, mut sig) = split(token);
    sig[100] ^= 1;
    assert_eq!(
        ex.public.verify(input.as_bytes(), &sig),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        ex.public.verify(
            b"eyJhbGciOiJTTEgtRFNBLVNIQTItMTI4cyJ9.ZmFrZQ",
            &split(token).1
        ),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn shake_128s_examples() {
    let ex = example(
        "SLH-DSA-SHAKE-128s",
        "slh-dsa-shake-128s-kid",
        "X55kNPB41kvssCSce9TKxBdeZpOtTIcQlh2EHyZCiB8",
    );
    let regenerated = read("SLH-DSA-SHAKE-128s/jws-regenerated-deterministic.txt");
    let verified = jws::verify(&ex.public, regenerated.trim_end()).unwrap();
    assert_eq!(verified.payload(), b"fake");
    eprintln!("SLH-DSA-SHAKE-128s/jws-regenerated-deterministic.txt: verifies: agree");

    // The stale repository JWS is well formed but was made with another key: it must fail.
    let stale = read("SLH-DSA-SHAKE-128s/jws-stale-469bdeaf-does-not-verify.txt");
    let stale = stale.trim_end();
    assert_eq!(split(stale).1.len(), 7856);
    assert_eq!(
        jws::verify(&ex.public, stale).err(),
        Some(Error::InvalidSignature)
    );
    eprintln!("SLH-DSA-SHAKE-128s/jws-stale-469bdeaf-does-not-verify.txt: rejected: agree");
}

#[test]
fn example_key_checks() {
    let text = read("SLH-DSA-SHA2-128s/private-jwk.json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let priv_ = v["priv"].as_str().unwrap();
    let pub_ = v["pub"].as_str().unwrap();
    let sk = b64u_decode(priv_);
    assert_eq!(sk.len(), 64);
    assert_eq!(sk[32..], b64u_decode(pub_)[..]);

    // A `pub` that is not the private key's public part is refused.
    let mut other = b64u_decode(pub_);
    other[31] ^= 1;
    let tampered = text.replace(pub_, &b64u(&other));
    assert_eq!(
        SigningKey::from_jwk_json(&tampered).err(),
        Some(Error::Key(KeyError::Mismatch))
    );
    // Wrong lengths are refused.
    let short = text.replace(priv_, &b64u(&sk[..48]));
    assert_eq!(
        SigningKey::from_jwk_json(&short).err(),
        Some(Error::Key(KeyError::InvalidEncoding))
    );
    let public = r#"{"kty":"AKP","alg":"SLH-DSA-SHA2-128s","pub":"AAAA"}"#;
    assert_eq!(
        VerifyingKey::from_jwk_json(public).err(),
        Some(Error::Key(KeyError::InvalidEncoding))
    );
    // No PEM form.
    let key = SigningKey::from_jwk_json(&text).unwrap();
    assert_eq!(
        key.to_pkcs8_der().err(),
        Some(Error::Key(KeyError::PemUnsupported))
    );
}

fn b64u(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// Generate, export/import as JWK, sign (hedged; deterministic too for the fast sets), verify,
/// and refuse a tampered token. Deterministic and hedged signing are compared for the SHA2 'f'
/// sets only (the others sign slowly).
fn round_trip(alg: Algorithm) {
    let key = SigningKey::generate(alg).unwrap();
    let n = match alg.as_str() {
        s if s.contains("128") => 16,
        s if s.contains("192") => 24,
        _ => 32,
    };
    let jwk = key.to_jwk().unwrap();
    let fields: serde_json::Value = serde_json::from_str(&jwk.to_json()).unwrap();
    assert_eq!(b64u_decode(fields["pub"].as_str().unwrap()).len(), 2 * n);
    assert_eq!(b64u_decode(fields["priv"].as_str().unwrap()).len(), 4 * n);
    let imported = SigningKey::from_jwk(&jwk).unwrap();
    assert_eq!(imported.kid(), key.kid());
    let public = VerifyingKey::from_jwk(&key.to_public_jwk().unwrap()).unwrap();

    let token = jws::sign_payload(&imported, b"round trip").unwrap();
    assert_eq!(
        jws::verify(&public, &token).unwrap().payload(),
        b"round trip"
    );
    let (input, sig) = split(&token);
    assert_eq!(sig.len(), alg.max_signature_len());
    let mut bad = sig.clone();
    bad[sig.len() / 2] ^= 0x40;
    assert_eq!(
        public.verify(input.as_bytes(), &bad),
        Err(Error::InvalidSignature)
    );
    if alg.as_str().starts_with("SLH-DSA-SHA2-") && alg.as_str().ends_with('f') {
        let det = key.with_signing_mode(SigningMode::Deterministic);
        let (a, b) = (det.sign(b"m").unwrap(), det.sign(b"m").unwrap());
        assert_eq!(a, b, "{alg}: deterministic");
        let hedged = imported.sign(b"m").unwrap();
        assert_ne!(a, hedged, "{alg}: hedged differs from deterministic");
        public.verify(b"m", &a).unwrap();
        public.verify(b"m", &hedged).unwrap();
    }
    eprintln!("{alg}: round trip agrees");
}

#[test]
fn round_trip_fast_sets() {
    for alg in [
        Algorithm::SlhDsaSha2_128f,
        Algorithm::SlhDsaSha2_192f,
        Algorithm::SlhDsaSha2_256f,
        Algorithm::SlhDsaShake128f,
        Algorithm::SlhDsaShake192f,
        Algorithm::SlhDsaShake256f,
    ] {
        round_trip(alg);
    }
}

#[test]
fn round_trip_sha2_small_sets() {
    for alg in [
        Algorithm::SlhDsaSha2_128s,
        Algorithm::SlhDsaSha2_192s,
        Algorithm::SlhDsaSha2_256s,
    ] {
        round_trip(alg);
    }
}

#[test]
fn regenerated_shake_128s_jws_is_reproduced() {
    let ex = example(
        "SLH-DSA-SHAKE-128s",
        "slh-dsa-shake-128s-kid",
        "X55kNPB41kvssCSce9TKxBdeZpOtTIcQlh2EHyZCiB8",
    );
    let regenerated = read("SLH-DSA-SHAKE-128s/jws-regenerated-deterministic.txt");
    let key = ex.key.with_signing_mode(SigningMode::Deterministic);
    assert_eq!(
        jws::sign_payload(&key, b"fake").unwrap(),
        regenerated.trim_end()
    );
    eprintln!("SLH-DSA-SHAKE-128s: re-signed byte-for-byte: agree");
}

#[test]
#[ignore = "slow: SHAKE 's' signing takes seconds per signature; run with --ignored"]
fn round_trip_shake_small_sets() {
    for alg in [
        Algorithm::SlhDsaShake128s,
        Algorithm::SlhDsaShake192s,
        Algorithm::SlhDsaShake256s,
    ] {
        round_trip(alg);
    }
}
