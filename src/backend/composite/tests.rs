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
        assert_eq!(
            secret.to_bytes(enc).unwrap().as_slice(),
            ex.trad_secret.as_slice()
        );

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
    let lamps = CompositeEncoding::Draft04;
    let draft = CompositeEncoding::Draft03;
    for (kind, len, priv_len, max_sig) in [(Kind::P256, 32, 51, 72), (Kind::P384, 48, 64, 104)] {
        let secret = ClassicalSecret::generate(kind).unwrap();
        let public = secret.public();

        let pk = public.to_bytes(lamps);
        assert_eq!(pk.len(), 1 + 2 * len);
        assert_eq!(pk[0], 0x04);
        assert_eq!(&pk[1..], public.to_bytes(draft).as_slice());

        let sk = secret.to_bytes(lamps).unwrap();
        assert_eq!(sk.len(), priv_len);
        assert_eq!(sk[0], 0x30);
        assert_eq!(&sk[7..7 + len], secret.to_bytes(draft).unwrap().as_slice());
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

const DIR_04: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/ietf-jose-pq-composite-sigs-04/"
);

/// One -04 example's traditional half.
struct Example04 {
    params: &'static Params,
    /// The traditional private key bytes from `priv` (after the seed).
    trad_secret: Vec<u8>,
    /// M'.
    m: Vec<u8>,
    trad_sig: Vec<u8>,
    trad_pk: Vec<u8>,
}

fn examples_04() -> Vec<Example04> {
    Algorithm::ALL
        .iter()
        .filter(|a| a.is_composite())
        .map(|&alg| {
            let text =
                std::fs::read_to_string(format!("{DIR_04}{}.jose.json", alg.as_str())).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let hex = |k: &str| hex::decode(v[k].as_str().unwrap()).unwrap();
            let p = params(alg).unwrap();
            let private = crate::format::b64::decode(v["jwk"]["priv"].as_str().unwrap()).unwrap();
            let sig = hex("raw_composite_signature");
            let public = hex("raw_composite_public_key");
            Example04 {
                params: p,
                trad_secret: private[SEED_LEN..].to_vec(),
                m: hex("raw_message_representative"),
                trad_sig: sig[p.ml_sig_len..].to_vec(),
                trad_pk: public[p.ml_pk_len..].to_vec(),
            }
        })
        .collect()
}

#[test]
fn traditional_halves_of_04_examples_verify() {
    let enc = CompositeEncoding::Draft04;
    let all = examples_04();
    assert_eq!(all.len(), 6);
    for Example04 {
        params: p,
        trad_secret,
        m,
        trad_sig,
        trad_pk,
    } in &all
    {
        let public = ClassicalPublic::from_bytes(p.kind, trad_pk, enc).unwrap();
        public.verify(m, trad_sig, enc).unwrap();
        assert_eq!(&public.to_bytes(enc), trad_pk);
        let secret = ClassicalSecret::from_bytes(p.kind, trad_secret, enc).unwrap();
        assert_eq!(&secret.public().to_bytes(enc), trad_pk);
        // The private key re-encodes to exactly the published bytes (the LAMPS template).
        assert_eq!(
            secret.to_bytes(enc).unwrap().as_slice(),
            trad_secret.as_slice()
        );
        let sig = secret.sign(m, enc).unwrap();
        public.verify(m, &sig, enc).unwrap();
        if matches!(p.kind, Kind::P256 | Kind::P384) {
            // Under -03 rules neither the key nor the signature is accepted.
            assert!(
                ClassicalPublic::from_bytes(p.kind, trad_pk, CompositeEncoding::Draft03).is_err()
            );
            assert!(
                ClassicalSecret::from_bytes(p.kind, trad_secret, CompositeEncoding::Draft03)
                    .is_err()
            );
        }
    }
}

/// DER of a SEQUENCE of two INTEGERs with the given content octets (short-form lengths).
fn der_sig(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, r.len() as u8];
    body.extend_from_slice(r);
    body.extend_from_slice(&[0x02, s.len() as u8]);
    body.extend_from_slice(s);
    let mut out = vec![0x30, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

/// The INTEGER contents (r, s) of a short-form DER `Ecdsa-Sig-Value`.
fn der_parts(sig: &[u8]) -> (Vec<u8>, Vec<u8>) {
    assert_eq!(sig[0], 0x30);
    assert_eq!(sig[1] as usize, sig.len() - 2);
    let rl = sig[3] as usize;
    let r = sig[4..4 + rl].to_vec();
    let s = sig[6 + rl..].to_vec();
    assert_eq!(sig[5 + rl] as usize, s.len());
    (r, s)
}

#[test]
fn der_signatures_are_parsed_strictly() {
    let enc = CompositeEncoding::Draft04;
    let p256_n =
        hex::decode("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551").unwrap();
    let p384_n = hex::decode(concat!(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF",
        "581A0DB248B0A77AECEC196ACCC52973"
    ))
    .unwrap();
    let mut rejected = 0;
    for Example04 {
        params: p,
        m,
        trad_sig: sig,
        trad_pk: pk,
        ..
    } in examples_04()
    {
        let n = match p.kind {
            Kind::P256 => &p256_n,
            Kind::P384 => &p384_n,
            _ => continue,
        };
        let public = ClassicalPublic::from_bytes(p.kind, &pk, enc).unwrap();
        public.verify(&m, &sig, enc).unwrap();
        let (r, s) = der_parts(&sig);
        assert_eq!(der_sig(&r, &s), sig, "helper round trip");
        let positive = |v: &[u8]| {
            let mut out = vec![0];
            out.extend_from_slice(v);
            out
        };
        let mut cases: Vec<(&str, Vec<u8>)> = vec![
            ("trailing byte", [sig.as_slice(), &[0]].concat()),
            ("long-form length", {
                let mut v = vec![0x30, 0x81, sig[1]];
                v.extend_from_slice(&sig[2..]);
                v
            }),
            ("non-minimal r", der_sig(&positive(&r), &s)),
            ("non-minimal s", der_sig(&r, &positive(&s))),
            ("r = 0", der_sig(&[0], &s)),
            ("s = 0", der_sig(&r, &[0])),
            ("r = n", der_sig(&positive(n), &s)),
            ("s = n", der_sig(&r, &positive(n))),
            ("raw r || s", {
                let mut raw = vec![0; 2 * n.len()];
                let r_trim: Vec<u8> = r.iter().copied().skip_while(|b| *b == 0).collect();
                let s_trim: Vec<u8> = s.iter().copied().skip_while(|b| *b == 0).collect();
                raw[n.len() - r_trim.len()..n.len()].copy_from_slice(&r_trim);
                raw[2 * n.len() - s_trim.len()..].copy_from_slice(&s_trim);
                raw
            }),
            ("SET instead of SEQUENCE", {
                let mut v = sig.clone();
                v[0] = 0x31;
                v
            }),
            ("BIT STRING instead of INTEGER", {
                let mut v = sig.clone();
                v[2] = 0x03;
                v
            }),
        ];
        // A negative INTEGER: drop r's sign octet, or set its top bit.
        let negative_r = if r[0] == 0 {
            r[1..].to_vec()
        } else {
            let mut v = r.clone();
            v[0] |= 0x80;
            v
        };
        cases.push(("negative r", der_sig(&negative_r, &s)));
        for (what, bad) in &cases {
            assert!(
                public.verify(&m, bad, enc).is_err(),
                "{:?}: {what} accepted",
                p.alg
            );
            rejected += 1;
        }
        // The raw r || s form is the -03 signature: it verifies under -03 rules only.
        let raw = &cases.iter().find(|(w, _)| *w == "raw r || s").unwrap().1;
        public.verify(&m, raw, CompositeEncoding::Draft03).unwrap();
    }
    eprintln!("strict DER: {rejected} malformed signatures, {rejected} rejected");
    assert_eq!(rejected, 3 * 12);
}

#[test]
fn der_private_keys_are_parsed_strictly() {
    use sec1::der::Encode;
    let enc = CompositeEncoding::Draft04;
    let mut rejected = 0;
    for Example04 {
        params: p,
        trad_secret: sk,
        ..
    } in examples_04()
    {
        if !matches!(p.kind, Kind::P256 | Kind::P384) {
            continue;
        }
        ClassicalSecret::from_bytes(p.kind, &sk, enc).unwrap();
        let parsed = sec1::EcPrivateKey::try_from(sk.as_slice()).unwrap();
        let secret = ClassicalSecret::from_bytes(p.kind, &sk, enc).unwrap();
        let public = secret.public().to_bytes(enc);
        let other_curve = match p.kind {
            Kind::P256 => "1.3.132.0.34",
            _ => "1.2.840.10045.3.1.7",
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("with publicKey", {
                sec1::EcPrivateKey {
                    public_key: Some(&public),
                    ..parsed.clone()
                }
                .to_der()
                .unwrap()
            }),
            ("without parameters", {
                sec1::EcPrivateKey {
                    parameters: None,
                    ..parsed.clone()
                }
                .to_der()
                .unwrap()
            }),
            ("other curve", {
                sec1::EcPrivateKey {
                    parameters: Some(sec1::EcParameters::NamedCurve(
                        sec1::der::asn1::ObjectIdentifier::new_unwrap(other_curve),
                    )),
                    ..parsed.clone()
                }
                .to_der()
                .unwrap()
            }),
            ("trailing byte", [sk.as_slice(), &[0]].concat()),
            ("long-form length", {
                let mut v = vec![0x30, 0x81];
                v.extend_from_slice(&sk[1..]);
                v
            }),
            ("version 2", {
                let mut v = sk.clone();
                v[4] = 2;
                v
            }),
            ("raw d", sk[7..7 + sk[6] as usize].to_vec()),
        ];
        for (what, bad) in &cases {
            assert!(
                ClassicalSecret::from_bytes(p.kind, bad, enc).is_err(),
                "{:?}: {what} accepted",
                p.alg
            );
            rejected += 1;
        }
    }
    assert_eq!(rejected, 3 * 7);
}
