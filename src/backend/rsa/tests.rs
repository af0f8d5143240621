//! Unit tests of the RSA backend.

use super::*;

/// The RFC 7515 Appendix A.2 key (2048 bits, all CRT members).
fn rfc7515_jwk() -> Jwk {
    Jwk::from_json(
        r#"{"kty":"RSA",
        "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
        "e":"AQAB",
        "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
        "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
        "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
        "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
        "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
        "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"}"#,
    )
    .unwrap()
}

const ALL: [Algorithm; 6] = [
    Algorithm::Rs256,
    Algorithm::Rs384,
    Algorithm::Rs512,
    Algorithm::Ps256,
    Algorithm::Ps384,
    Algorithm::Ps512,
];

#[test]
fn jwk_round_trip_is_exact() {
    let jwk = rfc7515_jwk();
    let sk = secret_from_jwk(Algorithm::Rs256, &jwk).unwrap();
    let out = sk.to_jwk().unwrap();
    assert_eq!(out.alg.as_deref(), Some("RS256"));
    assert_eq!(Jwk { alg: None, ..out }, jwk);
    // d alone (no p, q): the crate recovers the primes; the export is the same key.
    let d_only = Jwk {
        p: None,
        q: None,
        dp: None,
        dq: None,
        qi: None,
        ..rfc7515_jwk()
    };
    let sk2 = secret_from_jwk(Algorithm::Rs256, &d_only).unwrap();
    assert_eq!(sk2.to_jwk().unwrap(), sk.to_jwk().unwrap());
}

#[test]
fn every_algorithm_round_trips_and_rejects_tampering() {
    let jwk = rfc7515_jwk();
    for alg in ALL {
        let sk = secret_from_jwk(alg, &jwk).unwrap();
        let pk = sk.public().unwrap();
        let sig = sk.sign(b"msg", SigningMode::Deterministic).unwrap();
        assert_eq!(sig.len(), 256);
        pk.verify(b"msg", &sig).unwrap();
        assert_eq!(pk.verify(b"msh", &sig), Err(Error::InvalidSignature));
        let mut bad = sig.clone();
        bad[100] ^= 4;
        assert_eq!(pk.verify(b"msg", &bad), Err(Error::InvalidSignature));
        for wrong in [0, 255, 257, 512] {
            let mut s = sig.clone();
            s.resize(wrong, 0);
            assert_eq!(
                pk.verify(b"msg", &s),
                Err(Error::Format(FormatError::SignatureLength))
            );
        }
        // PSS is randomized, PKCS#1 v1.5 deterministic.
        let again = sk.sign(b"msg", SigningMode::Deterministic).unwrap();
        assert_eq!(again == sig, !is_pss(alg), "{alg}");
    }
    // A signature of one scheme or hash never verifies under another.
    let sign = |alg| {
        secret_from_jwk(alg, &jwk)
            .unwrap()
            .sign(b"m", SigningMode::Hedged)
            .unwrap()
    };
    for a in ALL {
        let sig = sign(a);
        for b in ALL.into_iter().filter(|b| *b != a) {
            let pk = public_from_jwk(b, &jwk).unwrap();
            assert_eq!(pk.verify(b"m", &sig), Err(Error::InvalidSignature));
        }
    }
}

#[test]
fn generated_keys_are_2048_bits() {
    let sk = generate(Algorithm::Ps256).unwrap();
    let n = crate::format::b64::decode(sk.to_jwk().unwrap().n.as_deref().unwrap()).unwrap();
    assert_eq!(n.len(), 256);
    assert!(n[0] >= 0x80);
    let sig = sk.sign(b"x", SigningMode::Hedged).unwrap();
    sk.public().unwrap().verify(b"x", &sig).unwrap();
    assert_eq!(
        generate(Algorithm::Hs256).unwrap_err(),
        Error::Algorithm(AlgorithmError::Unsupported(Algorithm::Hs256))
    );
}

#[test]
fn small_and_huge_moduli_are_refused() {
    let small = RsaPrivateKey::new(&mut rng::infallible(), 1024).unwrap();
    let der = pkcs1_der(&small).unwrap();
    let parts = RsaPrivateKeyRef::from_der(&der).unwrap();
    let enc = |u: rsa::pkcs1::UintRef<'_>| crate::format::b64::encode(u.as_bytes());
    let sec = |u: rsa::pkcs1::UintRef<'_>| Some(SecretMember::new(enc(u)));
    let jwk = Jwk {
        n: Some(enc(parts.modulus)),
        e: Some(enc(parts.public_exponent)),
        d: sec(parts.private_exponent),
        p: sec(parts.prime1),
        q: sec(parts.prime2),
        ..jwk_for(Algorithm::Rs256)
    };
    let weak = Error::Key(KeyError::TooWeak);
    assert_eq!(secret_from_jwk(Algorithm::Rs256, &jwk).unwrap_err(), weak);
    assert_eq!(public_from_jwk(Algorithm::Ps256, &jwk).unwrap_err(), weak);
    let pkcs8 = small.to_pkcs8_der().unwrap();
    assert_eq!(
        secret_from_pkcs8(Algorithm::Rs256, pkcs8.as_bytes()).unwrap_err(),
        weak
    );
    let spki = small.to_public_key().to_public_key_der().unwrap();
    assert_eq!(
        public_from_spki(Algorithm::Rs256, spki.as_bytes()).unwrap_err(),
        weak
    );
    let huge = Jwk {
        n: Some(crate::format::b64::encode(&[0xffu8; 1025])),
        e: Some("AQAB".into()),
        ..jwk_for(Algorithm::Rs256)
    };
    assert_eq!(
        public_from_jwk(Algorithm::Rs256, &huge).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
}

#[test]
fn inconsistent_or_malformed_jwks_are_refused() {
    let err = |jwk: &Jwk| secret_from_jwk(Algorithm::Rs256, jwk).unwrap_err();
    let base = rfc7515_jwk();
    // q replaced by p: n ≠ p·q.
    let swapped = Jwk {
        q: base.p.clone(),
        ..rfc7515_jwk()
    };
    assert_eq!(err(&swapped), Error::Key(KeyError::Mismatch));
    // A CRT member that does not belong to the key.
    let bad_dp = Jwk {
        dp: base.dq.clone(),
        ..rfc7515_jwk()
    };
    assert_eq!(err(&bad_dp), Error::Key(KeyError::Mismatch));
    let p_only = Jwk {
        q: None,
        ..rfc7515_jwk()
    };
    assert_eq!(err(&p_only), Error::Key(KeyError::MalformedJwk));
    let padded_n = {
        let mut n = crate::format::b64::decode(base.n.as_deref().unwrap()).unwrap();
        n.insert(0, 0);
        Jwk {
            n: Some(crate::format::b64::encode(&n)),
            ..rfc7515_jwk()
        }
    };
    assert_eq!(err(&padded_n), Error::Key(KeyError::InvalidEncoding));
    let public = Jwk {
        d: None,
        ..rfc7515_jwk()
    };
    assert_eq!(err(&public), Error::Key(KeyError::NotPrivate));
}

#[test]
fn pkcs8_and_spki() {
    let sk = secret_from_jwk(Algorithm::Ps384, &rfc7515_jwk()).unwrap();
    let der = sk.to_pkcs8_der().unwrap();
    let again = secret_from_pkcs8(Algorithm::Ps384, &der).unwrap();
    assert_eq!(again.to_jwk().unwrap(), sk.to_jwk().unwrap());
    let spki = sk.public().unwrap().to_spki_der().unwrap();
    let pk = public_from_spki(Algorithm::Ps384, &spki).unwrap();
    let sig = again.sign(b"m", SigningMode::Hedged).unwrap();
    pk.verify(b"m", &sig).unwrap();
    // An EC document is not an RSA key.
    let ec = crate::backend::ecdsa::generate(Algorithm::Es256).unwrap();
    assert_eq!(
        secret_from_pkcs8(Algorithm::Rs256, &ec.to_pkcs8_der().unwrap()).unwrap_err(),
        Error::Key(KeyError::WrongKeyType)
    );
    assert_eq!(
        public_from_spki(Algorithm::Rs256, b"junk").unwrap_err(),
        Error::Key(KeyError::Pem)
    );
}

#[test]
fn debug_shows_no_secret() {
    let jwk = rfc7515_jwk();
    let sk = secret_from_jwk(Algorithm::Rs256, &jwk).unwrap();
    let shown = format!("{sk:?} {sk:#?}");
    for member in [&jwk.d, &jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi] {
        let bytes = member.as_ref().unwrap().decode().unwrap();
        assert!(!shown.contains(&hex::encode(&bytes[..8])));
        assert!(!shown.contains(member.as_ref().unwrap().expose()));
    }
    assert_eq!(format!("{sk:?}"), "RsaSecret { alg: Rs256, .. }");
}
