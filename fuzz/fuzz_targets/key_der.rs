//! PKCS#8 / SPKI import (DER and PEM) for every algorithm. The first byte picks the algorithm.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::{Algorithm, SigningKey, VerifyingKey};
use pqjose_fuzz::{check_signing_key, check_verifying_key};

fuzz_target!(|data: &[u8]| {
    let Some((&first, der)) = data.split_first() else {
        return;
    };
    let Some(&alg) = Algorithm::ALL.get(usize::from(first) % Algorithm::ALL.len()) else {
        return;
    };
    if let Ok(sk) = SigningKey::from_pkcs8_der(alg, der) {
        assert_eq!(sk.algorithm(), alg);
        check_signing_key(&sk);
        let der2 = sk.to_pkcs8_der().expect("export of an imported PKCS#8 key");
        let again = SigningKey::from_pkcs8_der(alg, &der2).expect("re-import of PKCS#8");
        assert_eq!(again.thumbprint().ok(), sk.thumbprint().ok());
    }
    if let Ok(vk) = VerifyingKey::from_spki_der(alg, der) {
        assert_eq!(vk.algorithm(), alg);
        check_verifying_key(&vk);
        let der2 = vk.to_spki_der().expect("export of an imported SPKI key");
        let again = VerifyingKey::from_spki_der(alg, &der2).expect("re-import of SPKI");
        assert_eq!(again.thumbprint().ok(), vk.thumbprint().ok());
    }
    if let Ok(pem) = std::str::from_utf8(der) {
        let _ = SigningKey::from_pkcs8_pem(alg, pem);
        let _ = VerifyingKey::from_spki_pem(alg, pem);
    }
});
