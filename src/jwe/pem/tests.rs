use super::*;
use crate::jwe::{self, ContentEncryption};
use crate::{Algorithm, SigningKey};

fn generate(alg: KeyManagement) -> DecryptionKey {
    let enc = (alg == KeyManagement::Dir).then_some(ContentEncryption::A256Gcm);
    DecryptionKey::generate_with(alg, None, enc).unwrap()
}

/// Encrypt to `public` and decrypt with `private` (RSA-OAEP decryption only where the build
/// has it).
fn opens(public: &EncryptionKey, private: &DecryptionKey) {
    let token = jwe::encrypt(public, b"secret").unwrap();
    match jwe::decrypt(private, &token) {
        Ok(opened) => assert_eq!(opened.plaintext(), b"secret"),
        Err(e) => {
            assert!(!crate::jwe::rsa::decryption_available());
            assert_eq!(e, Error::Jwe(JweError::RsaDecryptionUnavailable));
        }
    }
}

#[test]
fn every_algorithm_round_trips_or_is_refused() {
    let mut with_form = Vec::new();
    for &alg in KeyManagement::ALL {
        if !alg.generates_keys() {
            continue;
        }
        let key = generate(alg);
        let public = key.encryption_key();
        if standard(alg).is_err() {
            let unsupported = Error::Key(KeyError::PemUnsupported);
            assert_eq!(key.to_pkcs8_der().unwrap_err(), unsupported, "{alg}");
            assert_eq!(DecryptionKey::from_der(alg, b"x").unwrap_err(), unsupported);
            assert_eq!(EncryptionKey::from_der(alg, b"x").unwrap_err(), unsupported);
            if alg.as_str().starts_with("HPKE") {
                assert_eq!(public.to_spki_der().unwrap_err(), unsupported, "{alg}");
            }
            continue;
        }
        with_form.push(alg.as_str());
        let pem = key.to_pkcs8_pem().unwrap();
        let der = key.to_pkcs8_der().unwrap();
        for again in [
            DecryptionKey::from_pem(alg, &pem).unwrap(),
            DecryptionKey::from_pkcs8_pem(alg, &pem).unwrap(),
            DecryptionKey::from_der(alg, &der).unwrap(),
            DecryptionKey::from_pkcs8_der(alg, &der).unwrap(),
        ] {
            assert_eq!(again.to_jwk().unwrap(), key.to_jwk().unwrap(), "{alg}");
            assert_eq!(again.kid(), key.thumbprint().unwrap());
            assert!(!again.has_explicit_kid());
        }
        let spki = public.to_spki_pem().unwrap();
        let spki_der = public.to_spki_der().unwrap();
        for again in [
            EncryptionKey::from_pem(alg, &spki).unwrap(),
            EncryptionKey::from_spki_pem(alg, &spki).unwrap(),
            EncryptionKey::from_der(alg, &spki_der).unwrap(),
            EncryptionKey::from_spki_der(alg, &spki_der).unwrap(),
        ] {
            assert_eq!(again.to_jwk().unwrap(), public.to_jwk().unwrap(), "{alg}");
            opens(&again, &DecryptionKey::from_pem(alg, &pem).unwrap());
        }
        assert_eq!(
            DecryptionKey::from_pem(alg, &spki).unwrap_err(),
            Error::Key(KeyError::NotPrivate)
        );
        assert_eq!(
            EncryptionKey::from_pem(alg, &pem).unwrap_err(),
            Error::Key(KeyError::NotPublic)
        );
    }
    assert_eq!(
        with_form,
        [
            "HPKE-0",
            "HPKE-0-KE",
            "HPKE-1",
            "HPKE-1-KE",
            "HPKE-3",
            "HPKE-3-KE",
            "HPKE-4",
            "HPKE-7",
            "HPKE-7-KE",
            "ECDH-ES",
            "ECDH-ES+A128KW",
            "ECDH-ES+A256KW",
            "RSA-OAEP",
            "RSA-OAEP-256"
        ]
    );
}

#[test]
fn ecdh_takes_each_curve_and_dhkem_only_its_own() {
    let wrong = Error::Key(KeyError::WrongKeyType);
    for crv in ["P-256", "P-384", "X25519"] {
        let key =
            DecryptionKey::generate_with(KeyManagement::EcdhEsA256Kw, Some(crv), None).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        let spki = key.encryption_key().to_spki_pem().unwrap();
        let again = DecryptionKey::from_pem(KeyManagement::EcdhEs, &pem).unwrap();
        assert_eq!(again.to_jwk().unwrap().crv.as_deref(), Some(crv));
        opens(
            &EncryptionKey::from_pem(KeyManagement::EcdhEs, &spki).unwrap(),
            &again,
        );
        for (alg, fits) in [
            (KeyManagement::Hpke0, "P-256"),
            (KeyManagement::Hpke1, "P-384"),
            (KeyManagement::Hpke3, "X25519"),
        ] {
            let got = DecryptionKey::from_pem(alg, &pem);
            let public = EncryptionKey::from_pem(alg, &spki);
            if crv == fits {
                opens(&public.unwrap(), &got.unwrap());
            } else {
                assert_eq!(got.unwrap_err(), wrong, "{alg} {crv}");
                assert_eq!(public.unwrap_err(), wrong, "{alg} {crv}");
            }
        }
        for alg in [KeyManagement::RsaOaep256, KeyManagement::RsaOaep] {
            assert_eq!(DecryptionKey::from_pem(alg, &pem).unwrap_err(), wrong);
            assert_eq!(EncryptionKey::from_pem(alg, &spki).unwrap_err(), wrong);
        }
    }
}

#[test]
fn signature_only_key_types_are_refused() {
    let wrong = Error::Key(KeyError::WrongKeyType);
    for sig in [Algorithm::Ed25519, Algorithm::MlDsa65, Algorithm::Rs256] {
        let key = SigningKey::generate(sig).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        let spki = key.verifying_key().unwrap().to_spki_pem().unwrap();
        for alg in [
            KeyManagement::EcdhEs,
            KeyManagement::Hpke3,
            KeyManagement::Hpke0,
        ] {
            assert_eq!(DecryptionKey::from_pem(alg, &pem).unwrap_err(), wrong);
            assert_eq!(EncryptionKey::from_pem(alg, &spki).unwrap_err(), wrong);
        }
    }
}

#[test]
fn a_signing_key_imported_for_jwe_is_bound_to_it() {
    // The same P-256 key material, made for ES256, imported for ECDH-ES+A256KW: the result is
    // an encryption key whose JWK names the JWE algorithm, and it cannot become a signer.
    let signing = SigningKey::generate(Algorithm::Es256).unwrap();
    let pem = signing.to_pkcs8_pem().unwrap();
    let key = DecryptionKey::from_pem(KeyManagement::EcdhEsA256Kw, &pem).unwrap();
    let jwk = key.to_jwk().unwrap();
    assert_eq!(jwk.alg.as_deref(), Some("ECDH-ES+A256KW"));
    assert!(SigningKey::from_jwk(&jwk).is_err());
    assert!(crate::VerifyingKey::from_jwk(&key.to_public_jwk().unwrap()).is_err());
    opens(&key.encryption_key(), &key);
}

#[test]
fn oct_and_pq_algorithms_have_no_form_whatever_the_input() {
    let pem = DecryptionKey::generate(KeyManagement::EcdhEs)
        .unwrap()
        .to_pkcs8_pem()
        .unwrap();
    for alg in [
        KeyManagement::A256Kw,
        KeyManagement::Dir,
        KeyManagement::Hpke2,
        KeyManagement::Hpke5,
        KeyManagement::Hpke8,
        KeyManagement::Hpke9,
        KeyManagement::Hpke10Ke,
        KeyManagement::Hpke12,
        KeyManagement::Hpke13Ke,
    ] {
        assert_eq!(
            DecryptionKey::from_pem(alg, &pem).unwrap_err(),
            Error::Key(KeyError::PemUnsupported),
            "{alg}"
        );
    }
}
