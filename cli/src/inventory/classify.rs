//! Which algorithms a quantum computer breaks: RSA, ECDSA, EdDSA and ECDH (and the HPKE suites
//! built on classical DH) are quantum-vulnerable; ML-DSA, SLH-DSA and ML-KEM are post-quantum;
//! the composites and PQ/T hybrid KEMs hold while their post-quantum half holds; HMAC and AES
//! key wrapping are symmetric (Grover's search only halves their security level).

use pqjose::{Algorithm, Family};

/// How an algorithm (or a key without `alg`) stands against a quantum adversary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// ML-DSA, SLH-DSA, ML-KEM.
    PostQuantum,
    /// A composite signature or PQ/T hybrid KEM: its post-quantum half holds.
    Composite,
    /// HMAC, AES key wrap, direct keys, PBES2.
    Symmetric,
    /// RSA, ECDSA, EdDSA, ECDH, classical-DH HPKE.
    Classical,
    /// Not recognized: not shown to be post-quantum, so counted as vulnerable.
    Unknown,
}

impl Class {
    /// The name used in the text and JSON reports.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::PostQuantum => "post-quantum",
            Self::Composite => "composite",
            Self::Symmetric => "symmetric",
            Self::Classical => "classical",
            Self::Unknown => "unknown",
        }
    }

    /// Whether a quantum computer breaks it (an unrecognized algorithm is not shown to resist
    /// one, so it counts as vulnerable).
    pub(crate) const fn quantum_vulnerable(self) -> bool {
        matches!(self, Self::Classical | Self::Unknown)
    }
}

/// The class of a signature algorithm pqjose knows.
pub(crate) const fn of_algorithm(alg: Algorithm) -> Class {
    match alg.family() {
        Family::MlDsa | Family::SlhDsa => Class::PostQuantum,
        Family::Composite => Class::Composite,
        Family::Hmac => Class::Symmetric,
        Family::EdDsa | Family::Ecdsa | Family::Rsa => Class::Classical,
        _ => Class::Unknown,
    }
}

/// The class of a JOSE `alg` value: a JWS algorithm, or a JWE key-management algorithm.
pub(crate) fn of_alg(alg: &str) -> Class {
    if let Ok(known) = alg.parse::<Algorithm>() {
        return of_algorithm(known);
    }
    match alg {
        "ES512" | "ES256K" | "Ed448" | "RSA1_5" => Class::Classical,
        "dir" | "A128KW" | "A192KW" | "A256KW" | "A128GCMKW" | "A192GCMKW" | "A256GCMKW" => {
            Class::Symmetric
        }
        "ML-KEM-512" | "ML-KEM-768" | "ML-KEM-1024" => Class::PostQuantum,
        _ if alg.starts_with("RSA-OAEP") || alg.starts_with("ECDH-ES") => Class::Classical,
        _ if alg.starts_with("PBES2-") => Class::Symmetric,
        _ => hpke(alg).unwrap_or(Class::Unknown),
    }
}

/// JOSE-HPKE (draft-ietf-jose-hpke-encrypt, draft-ietf-jose-hpke-pq-pqt): `HPKE-0` to `HPKE-7`
/// use a classical DHKEM; `HPKE-8` to `HPKE-10` a PQ/T hybrid KEM; `HPKE-12` and `HPKE-13`
/// ML-KEM. Each with or without `-KE`.
fn hpke(alg: &str) -> Option<Class> {
    let id = alg.strip_prefix("HPKE-")?;
    let id = id.strip_suffix("-KE").unwrap_or(id);
    if id.len() > 1 && id.starts_with('0') {
        return None;
    }
    match id.parse::<u8>().ok()? {
        0..=7 => Some(Class::Classical),
        8..=10 => Some(Class::Composite),
        12 | 13 => Some(Class::PostQuantum),
        _ => None,
    }
}

/// The class of a JWK: by its `alg` when it has one, else by its key type (`RSA`, `EC` and
/// `OKP` keys are classical whatever they are used for; `oct` keys are symmetric).
pub(crate) fn of_key(kty: Option<&str>, alg: Option<&str>) -> Class {
    match (alg, kty) {
        (Some(alg), _) => of_alg(alg),
        (None, Some("RSA" | "EC" | "OKP")) => Class::Classical,
        (None, Some("oct")) => Class::Symmetric,
        (None, _) => Class::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_classification() {
        for alg in [
            "RS256",
            "PS512",
            "ES256",
            "ES384",
            "ES512",
            "EdDSA",
            "Ed25519",
            "RSA-OAEP-256",
            "ECDH-ES+A256KW",
            "HPKE-0",
            "HPKE-7-KE",
        ] {
            assert_eq!(of_alg(alg), Class::Classical, "{alg}");
            assert!(of_alg(alg).quantum_vulnerable());
        }
        for alg in [
            "ML-DSA-44",
            "ML-DSA-87",
            "SLH-DSA-SHA2-128s",
            "ML-KEM-768",
            "HPKE-12",
        ] {
            assert_eq!(of_alg(alg), Class::PostQuantum, "{alg}");
        }
        for alg in ["ML-DSA-65-ES256", "ML-DSA-87-Ed448", "HPKE-9", "HPKE-10-KE"] {
            assert_eq!(of_alg(alg), Class::Composite, "{alg}");
        }
        for alg in ["HS256", "HS512", "dir", "A256KW", "PBES2-HS256+A128KW"] {
            assert_eq!(of_alg(alg), Class::Symmetric, "{alg}");
        }
        for alg in ["ML-DSA-65", "ML-DSA-65-Ed25519", "HS256", "HPKE-13"] {
            assert!(!of_alg(alg).quantum_vulnerable(), "{alg}");
        }
        for alg in ["none", "XYZ", "HPKE-11", "HPKE-07", "HPKE-", "ml-dsa-65"] {
            assert_eq!(of_alg(alg), Class::Unknown, "{alg}");
            assert!(of_alg(alg).quantum_vulnerable(), "{alg}");
        }
    }

    #[test]
    fn keys_without_alg_go_by_key_type() {
        assert_eq!(of_key(Some("RSA"), None), Class::Classical);
        assert_eq!(of_key(Some("OKP"), None), Class::Classical);
        assert_eq!(of_key(Some("EC"), None), Class::Classical);
        assert_eq!(of_key(Some("oct"), None), Class::Symmetric);
        assert_eq!(of_key(Some("AKP"), None), Class::Unknown);
        assert_eq!(of_key(None, None), Class::Unknown);
        assert_eq!(of_key(Some("AKP"), Some("ML-DSA-65")), Class::PostQuantum);
    }
}
