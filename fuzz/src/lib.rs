//! Shared fixtures and invariant checks for the pqjose fuzz targets.
//!
//! Each target feeds attacker-controlled bytes to one public entry point. Returning an error is
//! always fine; a panic, an abort, a hang or a broken invariant (asserted here) is a finding.

use std::sync::OnceLock;

use pqjose::jwe::{DecryptionKey, DecryptionKeySet};
use pqjose::{Algorithm, Error, JwsVerifier, SigningKey, VerifyingKey};

/// The fixed verification keys (public JWKs, plus the RFC 7515 A.1 HMAC secret).
pub const KEY_JSON: &[&str] = &[
    include_str!("../keys/hs256.json"),
    include_str!("../keys/rs256.json"),
    include_str!("../keys/es256.json"),
    include_str!("../keys/ed25519.json"),
    include_str!("../keys/ml_dsa_44.json"),
    include_str!("../keys/ml_dsa_44_ed25519.json"),
    include_str!("../keys/slh_dsa_sha2_128s.json"),
];

/// The fixed keys that this build of pqjose can import (backends that are not implemented yet
/// are skipped, so the targets work at every stage of the project).
pub fn verifiers() -> &'static [VerifyingKey] {
    static KEYS: OnceLock<Vec<VerifyingKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        KEY_JSON
            .iter()
            .filter_map(|j| VerifyingKey::from_jwk_json(j).ok())
            .collect()
    })
}

/// The fixed private JWE keys (`fuzz/keys/jwe/`; the `jwe_decrypt` seeds are encrypted to
/// them).
pub const JWE_KEY_JSON: &[&str] = &[
    include_str!("../keys/jwe/hpke9.json"),
    include_str!("../keys/jwe/hpke12ke.json"),
    include_str!("../keys/jwe/hpke0.json"),
    include_str!("../keys/jwe/ecdh_es_x25519.json"),
    include_str!("../keys/jwe/ecdh_es_a256kw_p256.json"),
    include_str!("../keys/jwe/a256kw.json"),
    include_str!("../keys/jwe/dir.json"),
];

/// The public keys of the seeds' audit logs (`fuzz/keys/audit.json`, written with the seeds by
/// `PQJOSE_BLESS=1 cargo test -p pqjose --test audit_fuzz_seeds`), parsed once; shared by the
/// `audit_log` and `audit_proof` targets.
pub fn audit_keys() -> &'static [VerifyingKey] {
    static K: OnceLock<Vec<VerifyingKey>> = OnceLock::new();
    K.get_or_init(|| {
        let set =
            pqjose::JwkSet::from_json(include_str!("../keys/audit.json")).expect("the fuzz keys");
        set.keys()
            .iter()
            .map(|j| VerifyingKey::from_jwk(j).expect("a fuzz key"))
            .collect()
    })
}

/// The fixed JWE decryption keys as one set.
pub fn jwe_keys() -> &'static DecryptionKeySet {
    static KEYS: OnceLock<DecryptionKeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        DecryptionKeySet::from_keys(
            JWE_KEY_JSON
                .iter()
                .map(|j| DecryptionKey::from_jwk_json(j).expect("a fixed JWE key imports")),
        )
        .expect("distinct fixed JWE keys")
    })
}

/// A verifier that accepts every signature for one algorithm: lets the fuzzer reach the code
/// after signature verification (payload decoding) without forging signatures.
#[derive(Debug)]
pub struct AcceptAny(pub Algorithm, pub Option<&'static str>);

impl AcceptAny {
    /// Accept anything for `alg`, without a key id.
    pub fn new(alg: Algorithm) -> Self {
        Self(alg, None)
    }

    /// Accept anything for `alg`, under key id `kid`.
    pub fn with_kid(alg: Algorithm, kid: &'static str) -> Self {
        Self(alg, Some(kid))
    }
}

impl JwsVerifier for AcceptAny {
    fn algorithm(&self) -> Algorithm {
        self.0
    }

    fn key_id(&self) -> Option<&str> {
        self.1
    }

    fn verify(&self, _signing_input: &[u8], _signature: &[u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// Every error has a code and a short message. Messages are fixed text (plus algorithm names),
/// so their length is bounded whatever the input: they cannot echo token or key bytes.
pub fn check_error(e: &Error) {
    let code = e.code();
    // 100-999 core, 1000-1099 profiles (DPoP, delegation, WIMSE), 1100-1199 audit.
    assert!((100..1200).contains(&code), "code {code} out of range");
    let msg = e.to_string();
    assert!(
        !msg.is_empty() && msg.len() <= 160,
        "unbounded error message"
    );
}

/// Algorithms whose signing is slow enough to hurt fuzzing throughput.
pub fn slow_to_sign(alg: Algorithm) -> bool {
    matches!(alg.family(), pqjose::Family::SlhDsa | pqjose::Family::Rsa)
}

/// A private key imported from untrusted input must be self-consistent: it signs, its own
/// verifying key accepts the signature, and its JWK export imports back to the same key.
pub fn check_signing_key(sk: &SigningKey) {
    let vk = sk
        .verifying_key()
        .expect("verifying key of an imported signing key");
    assert_eq!(vk.algorithm(), sk.algorithm());
    assert_eq!(vk.kid(), sk.kid());
    let jwk = sk.to_jwk().expect("export of an imported signing key");
    assert!(jwk.is_private());
    let again = SigningKey::from_jwk(&jwk).expect("re-import of an exported signing key");
    assert_eq!(again.algorithm(), sk.algorithm());
    assert_eq!(again.thumbprint().ok(), sk.thumbprint().ok());
    if !slow_to_sign(sk.algorithm()) {
        let token = pqjose::jws::sign_payload(sk, b"{}").expect("sign with an imported key");
        let ok = pqjose::jws::verify(&vk, &token).expect("own signature verifies");
        assert_eq!(ok.payload(), b"{}");
    }
}

/// A public key imported from untrusted input exports and re-imports to the same key.
pub fn check_verifying_key(vk: &VerifyingKey) {
    if vk.algorithm().is_symmetric() {
        assert!(vk.to_jwk().is_err(), "HMAC key exported as a public JWK");
        return;
    }
    let jwk = vk.to_jwk().expect("export of an imported verifying key");
    assert!(!jwk.is_private(), "public export carries private members");
    let again = VerifyingKey::from_jwk(&jwk).expect("re-import of an exported verifying key");
    assert_eq!(again.algorithm(), vk.algorithm());
    assert_eq!(again.kid(), vk.kid());
    assert_eq!(again.thumbprint().ok(), vk.thumbprint().ok());
}

/// JWT fixtures: a fixed "now", the expected issuer and audience, a key set and policies.
pub mod jwt {
    use std::sync::{Arc, OnceLock};
    use std::time::Duration;

    use pqjose::{
        Algorithm, CustomClaims, FixedClock, KeySet, RegisteredClaim, SigningKey, Validation,
        Verified, VerifyingKey,
    };

    use super::{AcceptAny, verifiers};

    /// The fixed "now" of every JWT target (2023-11-14).
    pub const NOW: i64 = 1_700_000_000;
    /// The issuer every policy expects.
    pub const ISS: &str = "https://issuer.example";
    /// The audience every policy expects.
    pub const AUD: &str = "https://gateway.example";
    /// The `kid` of the accept-anything verifiers in the key set.
    pub const ANY_KID: &str = "any";
    /// Algorithms that get an accept-anything verifier (kid [`ANY_KID`]), so that mutated
    /// tokens reach the claim checks.
    pub const ANY_ALGS: &[Algorithm] = &[
        Algorithm::Hs256,
        Algorithm::Es256,
        Algorithm::Ed25519,
        Algorithm::MlDsa44,
    ];
    /// The leeway of the fixture policies.
    pub const LEEWAY: i64 = 30;

    /// What the JWT targets share.
    pub struct Fixture {
        /// The fixed real keys, plus accept-anything verifiers with kid [`ANY_KID`].
        pub keys: KeySet,
        /// The policies each token is verified under.
        pub policies: Vec<Validation>,
        /// The RFC 7515 A.1 HMAC key (kid "hs256"), for signing arbitrary payloads.
        pub hmac: SigningKey,
        /// Its verifier.
        pub hmac_public: VerifyingKey,
    }

    /// The shared fixture.
    pub fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let keys = KeySet::new();
            for vk in verifiers() {
                let _ = keys.add(vk.clone());
            }
            for &alg in ANY_ALGS {
                let _ = keys.add_verifier(Arc::new(AcceptAny::with_kid(alg, ANY_KID)));
            }
            let base = || {
                Validation::new()
                    .issuer(ISS)
                    .audience(AUD)
                    .clock(FixedClock::at_secs(NOW))
            };
            let policies = vec![
                base(),
                base()
                    .typ("JWT")
                    .max_age(Duration::from_secs(3600))
                    .require(RegisteredClaim::JwtId)
                    .require(RegisteredClaim::Subject),
                base().algorithms([Algorithm::Ed25519, Algorithm::MlDsa44, Algorithm::Hs256]),
                Validation::pqc_only()
                    .clock(FixedClock::at_secs(NOW))
                    .allow_missing_exp()
                    .allow_unexpected_audience(),
            ];
            let hmac = SigningKey::from_jwk_json(super::KEY_JSON[0]).expect("fixed HMAC key");
            let hmac_public = hmac.verifying_key().expect("HMAC verifier");
            Fixture {
                keys,
                policies,
                hmac,
                hmac_public,
            }
        })
    }

    /// A token that verified must satisfy the policy it verified under (index into
    /// [`Fixture::policies`]).
    pub fn check_verified(v: &Verified<CustomClaims>, policy: usize) {
        let c = v.claims();
        assert!(v.algorithm().accepts_header(v.header().alg()));
        let now = NOW;
        if let Some(exp) = c.expires_at() {
            assert!(
                exp.as_secs().saturating_add(LEEWAY) >= now,
                "expired token accepted"
            );
        } else {
            assert_eq!(policy, 3, "token without exp accepted");
        }
        if let Some(nbf) = c.not_before() {
            assert!(
                nbf.as_secs() <= now.saturating_add(LEEWAY),
                "nbf in the future"
            );
        }
        if let Some(iat) = c.issued_at() {
            assert!(
                iat.as_secs() <= now.saturating_add(LEEWAY),
                "iat in the future"
            );
        }
        match policy {
            0..=2 => {
                assert_eq!(c.issuer(), Some(ISS));
                assert!(c.audience().is_some_and(|a| a.contains(AUD)));
            }
            _ => assert!(v.algorithm().is_post_quantum() || v.algorithm().is_composite()),
        }
        if policy == 1 {
            assert!(c.jwt_id().is_some() && c.subject().is_some());
            let iat = c.issued_at().expect("max_age requires iat");
            assert!(
                iat.as_secs() >= now - 3600 - LEEWAY,
                "token older than max_age"
            );
            let typ = v.header().typ().expect("typ required").to_ascii_lowercase();
            assert!(typ == "jwt" || typ == "application/jwt", "typ {typ}");
        }
        if policy == 2 {
            assert!(matches!(
                v.algorithm(),
                Algorithm::Ed25519 | Algorithm::EdDsa | Algorithm::MlDsa44 | Algorithm::Hs256
            ));
        }
    }
}
