//! Unit tests of the composite message representative and the traditional halves against the
//! published draft-ietf-jose-pq-composite-sigs examples (the ML-DSA half is the ML-DSA
//! backend's; the public API tests are in `tests/kat_composite.rs`).

use super::classical::{ClassicalPublic, ClassicalSecret};
use super::*;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-jose-pq-composite-sigs/jose/"
);

struct Example {
    params: &'static Params,
    trad_secret: Vec<u8>,
    signing_input: String,
    m: Vec<u8>,
    sig: Vec<u8>,
    public: Vec<u8>,
}

fn examples() -> Vec<Example> {
    Algorithm::ALL
        .iter()
        .filter(|a| a.is_composite())
        .map(|&alg| {
            let file = format!("{DIR}{}.jose.json", alg.as_str());
            let text = std::fs::read_to_string(&file).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let hex = |k: &str| hex::decode(v[k].as_str().unwrap()).unwrap();
            let jws = v["jws"].as_str().unwrap();
            let (signing_input, _) = jws.rsplit_once('.').unwrap();
            let trad_secret = match v.get("ecdsa_d") {
                Some(_) => hex("ecdsa_d"),
                None => hex("eddsa_seed"),
            };
            Example {
                params: params(alg).unwrap(),
                trad_secret,
                signing_input: signing_input.to_owned(),
                m: hex("raw_to_be_signed"),
                sig: hex("raw_composite_signature"),
                public: hex("raw_composite_public_key"),
            }
        })
        .collect()
}

#[test]
fn message_representative_matches_examples() {
    let all = examples();
    assert_eq!(all.len(), 6);
    let mut agree = 0;
    for ex in &all {
        let m = ex
            .params
            .message_representative(ex.signing_input.as_bytes());
        assert_eq!(m, ex.m, "{:?}", ex.params.alg);
        let expected_len = match ex.params.alg {
            Algorithm::MlDsa44Es256 => 98,
            Algorithm::MlDsa65Es256 | Algorithm::MlDsa87Es384 => 130,
            _ => 127,
        };
        assert_eq!(m.len(), expected_len);
        agree += 1;
    }
    eprintln!("composite examples: {} M' cases, {agree} agree", all.len());
}

#[test]
fn traditional_halves_of_examples_verify() {
    let enc = CompositeEncoding::Draft03;
    let mut agree = 0;
    let all = examples();
    for ex in &all {
        let p = ex.params;
        let (_, trad_pk) = ex.public.split_at(p.ml_pk_len);
        let (_, trad_sig) = ex.sig.split_at(p.ml_sig_len);
        let public = ClassicalPublic::from_bytes(p.kind, trad_pk, enc).unwrap();
        public.verify(&ex.m, trad_sig, enc).unwrap();
        assert_eq!(public.to_bytes(enc), trad_pk);

        // The private component regenerates the public one.
        let secret = ClassicalSecret::from_bytes(p.kind, &ex.trad_secret, enc).unwrap();
        assert_eq!(secret.public().to_bytes(enc), trad_pk);
        assert_eq!(secret.to_bytes(enc).as_slice(), ex.trad_secret.as_slice());

        // A changed message or signature fails.
        let mut m = ex.m.clone();
        m[40] ^= 1;
        assert_eq!(
            public.verify(&m, trad_sig, enc),
            Err(Error::InvalidSignature)
        );
        let mut bad = trad_sig.to_vec();
        bad[3] ^= 0x80;
        assert_eq!(
            public.verify(&ex.m, &bad, enc),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            public.verify(&ex.m, &trad_sig[1..], enc),
            Err(Error::Format(FormatError::SignatureLength))
        );

        // A fresh signature by the regenerated key verifies too.
        let sig = secret.sign(&ex.m, enc).unwrap();
        public.verify(&ex.m, &sig, enc).unwrap();
        agree += 1;
    }
    eprintln!(
        "composite examples: {} traditional halves, {agree} agree",
        all.len()
    );
}

#[test]
fn lamps_ecdsa_encoding() {
    let lamps = CompositeEncoding::Lamps;
    let draft = CompositeEncoding::Draft03;
    for (kind, len, priv_len, max_sig) in [(Kind::P256, 32, 51, 72), (Kind::P384, 48, 64, 104)] {
        let secret = ClassicalSecret::generate(kind).unwrap();
        let public = secret.public();

        let pk = public.to_bytes(lamps);
        assert_eq!(pk.len(), 1 + 2 * len);
        assert_eq!(pk[0], 0x04);
        assert_eq!(&pk[1..], public.to_bytes(draft).as_slice());

        let sk = secret.to_bytes(lamps);
        assert_eq!(sk.len(), priv_len);
        assert_eq!(sk[0], 0x30);
        assert_eq!(&sk[7..7 + len], secret.to_bytes(draft).as_slice());
        let again = ClassicalSecret::from_bytes(kind, &sk, lamps).unwrap();
        assert_eq!(again.public().to_bytes(lamps), pk);

        let sig = secret.sign(b"message", lamps).unwrap();
        assert_eq!(sig[0], 0x30, "DER SEQUENCE");
        assert!(sig.len() <= max_sig);
        public.verify(b"message", &sig, lamps).unwrap();
        assert_eq!(
            public.verify(b"other", &sig, lamps),
            Err(Error::InvalidSignature)
        );

        // The encodings do not cross.
        assert!(ClassicalPublic::from_bytes(kind, &pk, draft).is_err());
        assert!(ClassicalPublic::from_bytes(kind, &pk[1..], lamps).is_err());
        assert!(ClassicalSecret::from_bytes(kind, &sk, draft).is_err());
        assert!(ClassicalSecret::from_bytes(kind, &sk[7..7 + len], lamps).is_err());
        assert!(public.verify(b"message", &sig, draft).is_err());
        let raw = secret.sign(b"message", draft).unwrap();
        assert_eq!(raw.len(), 2 * len);
        assert!(public.verify(b"message", &raw, lamps).is_err());

        // A private key with a trailing publicKey or other framing is refused.
        let mut longer = sk.to_vec();
        longer.push(0);
        assert!(ClassicalSecret::from_bytes(kind, &longer, lamps).is_err());
    }
}

#[test]
fn rejects_bad_component_keys() {
    let enc = CompositeEncoding::Draft03;
    // Zero scalar, scalar of wrong length, off-curve point.
    assert!(ClassicalSecret::from_bytes(Kind::P256, &[0; 32], enc).is_err());
    assert!(ClassicalSecret::from_bytes(Kind::P256, &[1; 31], enc).is_err());
    assert!(ClassicalSecret::from_bytes(Kind::P384, &[0xff; 48], enc).is_err());
    assert!(ClassicalPublic::from_bytes(Kind::P256, &[1; 64], enc).is_err());
    assert!(ClassicalPublic::from_bytes(Kind::Ed25519, &[1; 31], enc).is_err());
    assert!(ClassicalPublic::from_bytes(Kind::Ed448, &[1; 56], enc).is_err());
    assert!(ClassicalSecret::from_bytes(Kind::Ed448, &[1; 32], enc).is_err());
}

#[test]
fn every_composite_has_params_consistent_with_algorithm() {
    for &alg in Algorithm::ALL {
        let Some(p) = params(alg) else {
            assert!(!alg.is_composite(), "{alg}");
            continue;
        };
        assert!(alg.is_composite());
        assert_eq!(p.ml_sig_len, p.ml_dsa.max_signature_len());
        let trad_max = match p.kind {
            Kind::P256 => 72,
            Kind::P384 => 104,
            Kind::Ed25519 => 64,
            Kind::Ed448 => 114,
        };
        assert_eq!(alg.max_signature_len(), p.ml_sig_len + trad_max, "{alg}");
        assert!(p.label.starts_with(b"COMPSIG-MLDSA"));
    }
}
