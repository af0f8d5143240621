//! [`Algorithm`]: the one place where a JOSE `alg` string becomes a type and back.

use core::fmt;
use core::str::FromStr;

use crate::error::{AlgorithmError, Error};

macro_rules! algorithms {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
        /// A JWS signature algorithm.
        ///
        /// Parsing is exact and case-sensitive; `none` (in any case) is refused with
        /// [`AlgorithmError::None`]. There is no default algorithm: every key is bound to one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Algorithm {
            $( $(#[$doc])* $variant, )*
        }

        impl Algorithm {
            /// Every algorithm pqjose knows, in a stable order.
            pub const ALL: &'static [Algorithm] = &[ $( Algorithm::$variant, )* ];

            /// The JOSE `alg` string.
            pub const fn as_str(self) -> &'static str {
                match self { $( Algorithm::$variant => $name, )* }
            }

            fn parse_exact(s: &str) -> Option<Self> {
                match s { $( $name => Some(Algorithm::$variant), )* _ => None }
            }
        }
    };
}

algorithms! {
    /// ML-DSA-44 (FIPS 204, RFC 9964), pure, empty context.
    MlDsa44 => "ML-DSA-44",
    /// ML-DSA-65 (FIPS 204, RFC 9964), pure, empty context.
    MlDsa65 => "ML-DSA-65",
    /// ML-DSA-87 (FIPS 204, RFC 9964), pure, empty context.
    MlDsa87 => "ML-DSA-87",
    /// SLH-DSA-SHA2-128s (FIPS 205, draft-ietf-cose-sphincs-plus), pure, empty context.
    SlhDsaSha2_128s => "SLH-DSA-SHA2-128s",
    /// SLH-DSA-SHAKE-128s (FIPS 205, draft-ietf-cose-sphincs-plus), pure, empty context.
    SlhDsaShake128s => "SLH-DSA-SHAKE-128s",
    /// SLH-DSA-SHA2-128f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaSha2_128f => "SLH-DSA-SHA2-128f",
    /// SLH-DSA-SHA2-192s. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaSha2_192s => "SLH-DSA-SHA2-192s",
    /// SLH-DSA-SHA2-192f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaSha2_192f => "SLH-DSA-SHA2-192f",
    /// SLH-DSA-SHA2-256s. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaSha2_256s => "SLH-DSA-SHA2-256s",
    /// SLH-DSA-SHA2-256f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaSha2_256f => "SLH-DSA-SHA2-256f",
    /// SLH-DSA-SHAKE-128f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaShake128f => "SLH-DSA-SHAKE-128f",
    /// SLH-DSA-SHAKE-192s. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaShake192s => "SLH-DSA-SHAKE-192s",
    /// SLH-DSA-SHAKE-192f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaShake192f => "SLH-DSA-SHAKE-192f",
    /// SLH-DSA-SHAKE-256s. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaShake256s => "SLH-DSA-SHAKE-256s",
    /// SLH-DSA-SHAKE-256f. FIPS 205 parameter set; **not registered** for JOSE.
    SlhDsaShake256f => "SLH-DSA-SHAKE-256f",
    /// Ed25519 (RFC 9864, fully specified), strict verification.
    Ed25519 => "Ed25519",
    /// EdDSA with curve Ed25519 (RFC 8037; deprecated polymorphic name, accepted for interop).
    EdDsa => "EdDSA",
    /// ECDSA P-256 with SHA-256, fixed-width r‖s.
    Es256 => "ES256",
    /// ECDSA P-384 with SHA-384, fixed-width r‖s.
    Es384 => "ES384",
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256 => "RS256",
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384 => "RS384",
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512 => "RS512",
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    Ps256 => "PS256",
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
    Ps384 => "PS384",
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
    Ps512 => "PS512",
    /// HMAC with SHA-256.
    Hs256 => "HS256",
    /// HMAC with SHA-384.
    Hs384 => "HS384",
    /// HMAC with SHA-512.
    Hs512 => "HS512",
    /// Composite ML-DSA-44 + ECDSA P-256 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa44Es256 => "ML-DSA-44-ES256",
    /// Composite ML-DSA-65 + ECDSA P-256 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa65Es256 => "ML-DSA-65-ES256",
    /// Composite ML-DSA-87 + ECDSA P-384 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa87Es384 => "ML-DSA-87-ES384",
    /// Composite ML-DSA-44 + Ed25519 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa44Ed25519 => "ML-DSA-44-Ed25519",
    /// Composite ML-DSA-65 + Ed25519 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa65Ed25519 => "ML-DSA-65-Ed25519",
    /// Composite ML-DSA-87 + Ed448 (draft-ietf-jose-pq-composite-sigs-04).
    MlDsa87Ed448 => "ML-DSA-87-Ed448",
}

/// The family of an algorithm: which backend implements it and which JWK `kty` holds its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Family {
    /// ML-DSA (FIPS 204), `kty` `AKP`.
    MlDsa,
    /// SLH-DSA (FIPS 205), `kty` `AKP`.
    SlhDsa,
    /// Ed25519, `kty` `OKP`.
    EdDsa,
    /// ECDSA, `kty` `EC`.
    Ecdsa,
    /// RSA PKCS#1 v1.5 and PSS, `kty` `RSA`.
    Rsa,
    /// HMAC, `kty` `oct`.
    Hmac,
    /// Composite ML-DSA + ECDSA/EdDSA, `kty` `AKP`.
    Composite,
}

/// The hash function an algorithm (or its classical part) uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    /// The algorithm's family.
    pub const fn family(self) -> Family {
        use Algorithm::*;
        match self {
            MlDsa44 | MlDsa65 | MlDsa87 => Family::MlDsa,
            SlhDsaSha2_128s | SlhDsaShake128s | SlhDsaSha2_128f | SlhDsaSha2_192s
            | SlhDsaSha2_192f | SlhDsaSha2_256s | SlhDsaSha2_256f | SlhDsaShake128f
            | SlhDsaShake192s | SlhDsaShake192f | SlhDsaShake256s | SlhDsaShake256f => {
                Family::SlhDsa
            }
            Ed25519 | EdDsa => Family::EdDsa,
            Es256 | Es384 => Family::Ecdsa,
            Rs256 | Rs384 | Rs512 | Ps256 | Ps384 | Ps512 => Family::Rsa,
            Hs256 | Hs384 | Hs512 => Family::Hmac,
            MlDsa44Es256 | MlDsa65Es256 | MlDsa87Es384 | MlDsa44Ed25519 | MlDsa65Ed25519
            | MlDsa87Ed448 => Family::Composite,
        }
    }

    /// The JWK `kty` that holds keys for this algorithm.
    pub const fn key_type(self) -> &'static str {
        match self.family() {
            Family::MlDsa | Family::SlhDsa | Family::Composite => "AKP",
            Family::EdDsa => "OKP",
            Family::Ecdsa => "EC",
            Family::Rsa => "RSA",
            Family::Hmac => "oct",
        }
    }

    /// Post-quantum only: ML-DSA or SLH-DSA (composites are [`Algorithm::is_composite`]).
    pub const fn is_post_quantum(self) -> bool {
        matches!(self.family(), Family::MlDsa | Family::SlhDsa)
    }

    /// A composite (hybrid) ML-DSA + classical algorithm.
    pub const fn is_composite(self) -> bool {
        matches!(self.family(), Family::Composite)
    }

    /// Symmetric (HMAC): the verifying key is the signing secret.
    pub const fn is_symmetric(self) -> bool {
        matches!(self.family(), Family::Hmac)
    }

    /// Registered in the IANA JOSE registry or in the IETF drafts pqjose follows. The ten
    /// additional SLH-DSA parameter sets are offered but not registered.
    pub const fn is_registered(self) -> bool {
        use Algorithm::*;
        !matches!(
            self,
            SlhDsaSha2_128f
                | SlhDsaSha2_192s
                | SlhDsaSha2_192f
                | SlhDsaSha2_256s
                | SlhDsaSha2_256f
                | SlhDsaShake128f
                | SlhDsaShake192s
                | SlhDsaShake192f
                | SlhDsaShake256s
                | SlhDsaShake256f
        )
    }

    /// The largest signature this algorithm produces, in bytes. RSA is counted at the largest
    /// modulus pqjose accepts (8192 bits); composite ECDSA at its DER encoding's maximum.
    pub const fn max_signature_len(self) -> usize {
        use Algorithm::*;
        match self {
            MlDsa44 => 2420,
            MlDsa65 => 3309,
            MlDsa87 => 4627,
            SlhDsaSha2_128s | SlhDsaShake128s => 7856,
            SlhDsaSha2_128f | SlhDsaShake128f => 17088,
            SlhDsaSha2_192s | SlhDsaShake192s => 16224,
            SlhDsaSha2_192f | SlhDsaShake192f => 35664,
            SlhDsaSha2_256s | SlhDsaShake256s => 29792,
            SlhDsaSha2_256f | SlhDsaShake256f => 49856,
            Ed25519 | EdDsa => 64,
            Es256 => 64,
            Es384 => 96,
            Rs256 | Rs384 | Rs512 | Ps256 | Ps384 | Ps512 => 1024,
            Hs256 => 32,
            Hs384 => 48,
            Hs512 => 64,
            MlDsa44Es256 => 2420 + 72,
            MlDsa65Es256 => 3309 + 72,
            MlDsa87Es384 => 4627 + 104,
            MlDsa44Ed25519 => 2420 + 64,
            MlDsa65Ed25519 => 3309 + 64,
            MlDsa87Ed448 => 4627 + 114,
        }
    }

    /// Whether a token whose header names `header` may be verified by a key bound to `self`.
    ///
    /// Exact equality, with one alias: `EdDSA` (RFC 8037, curve Ed25519) and `Ed25519` (RFC 9864)
    /// denote the same signature scheme over the same key, so each accepts the other.
    pub const fn accepts_header(self, header: Algorithm) -> bool {
        use Algorithm::*;
        matches!((self, header), (Ed25519 | EdDsa, Ed25519 | EdDsa)) || self as u8 == header as u8
    }

    pub(crate) const fn hash(self) -> Option<Hash> {
        use Algorithm::*;
        match self {
            Es256 | Rs256 | Ps256 | Hs256 => Some(Hash::Sha256),
            Es384 | Rs384 | Ps384 | Hs384 => Some(Hash::Sha384),
            Rs512 | Ps512 | Hs512 => Some(Hash::Sha512),
            _ => None,
        }
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Parse a JOSE `alg` string exactly. `none` in any letter case is [`AlgorithmError::None`].
    fn from_str(s: &str) -> Result<Self, Error> {
        if s.eq_ignore_ascii_case("none") {
            return Err(AlgorithmError::None.into());
        }
        Self::parse_exact(s).ok_or(Error::Algorithm(AlgorithmError::Unknown))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Algorithm policies
// ---------------------------------------------------------------------------------------------

/// Which signature algorithms a validation (a JWT `Validation`, or a rule over the signatures
/// of a JWS JSON serialization) accepts, before any explicit allow-list.
///
/// Whatever the policy, the verifying key's own algorithm decides how a signature is checked;
/// the policy only narrows which keys and headers are acceptable at all.
///
/// | policy | name | accepts |
/// |---|---|---|
/// | [`PqcOnly`](Self::PqcOnly) | `pqc` | ML-DSA, SLH-DSA |
/// | [`HybridOrPqc`](Self::HybridOrPqc) | `hybrid` | ML-DSA, SLH-DSA, composite ML-DSA hybrids |
/// | [`CompositeOnly`](Self::CompositeOnly) | `composite` | composite ML-DSA hybrids |
/// | [`Any`](Self::Any) (default) | `any` | every algorithm pqjose implements |
///
/// **Changed:** before issue 14, `pqc` also accepted the composites (it was the same set as
/// `hybrid`); use `hybrid` for that set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmPolicy {
    /// Pure post-quantum only: ML-DSA and SLH-DSA. Composites are refused (they are accepted by
    /// [`AlgorithmPolicy::HybridOrPqc`]). Named `pqc` on the command line.
    PqcOnly,
    /// Post-quantum or hybrid: ML-DSA, SLH-DSA and the composite ML-DSA + ECDSA/EdDSA
    /// algorithms. Named `hybrid` on the command line.
    HybridOrPqc,
    /// Every algorithm pqjose implements (the key still decides).
    #[default]
    Any,
    /// Composite (hybrid) ML-DSA + ECDSA/EdDSA only: a token must carry both a post-quantum
    /// and a classical signature. Named `composite` on the command line.
    CompositeOnly,
}

impl AlgorithmPolicy {
    /// Every policy.
    pub const ALL: &'static [AlgorithmPolicy] = &[
        Self::PqcOnly,
        Self::HybridOrPqc,
        Self::CompositeOnly,
        Self::Any,
    ];

    /// Whether the policy accepts `alg`.
    pub const fn allows(self, alg: Algorithm) -> bool {
        match self {
            Self::PqcOnly => alg.is_post_quantum(),
            Self::HybridOrPqc => alg.is_post_quantum() || alg.is_composite(),
            Self::Any => true,
            Self::CompositeOnly => alg.is_composite(),
        }
    }

    /// The command-line name: `pqc`, `hybrid`, `any` or `composite`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PqcOnly => "pqc",
            Self::HybridOrPqc => "hybrid",
            Self::Any => "any",
            Self::CompositeOnly => "composite",
        }
    }
}

impl FromStr for AlgorithmPolicy {
    type Err = Error;

    /// `pqc`, `hybrid`, `any` or `composite` (exact). Anything else is
    /// [`AlgorithmError::UnknownPolicy`].
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "pqc" => Ok(Self::PqcOnly),
            "hybrid" => Ok(Self::HybridOrPqc),
            "any" => Ok(Self::Any),
            "composite" => Ok(Self::CompositeOnly),
            _ => Err(AlgorithmError::UnknownPolicy.into()),
        }
    }
}

impl fmt::Display for AlgorithmPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_name() {
        for &a in Algorithm::ALL {
            assert_eq!(a.as_str().parse::<Algorithm>().unwrap(), a);
        }
        assert_eq!(Algorithm::ALL.len(), 34);
    }

    #[test]
    fn refuses_none_and_near_misses() {
        for s in ["none", "None", "NONE", "nOnE"] {
            assert_eq!(
                s.parse::<Algorithm>(),
                Err(Error::Algorithm(AlgorithmError::None))
            );
        }
        for s in ["es256", "ML-DSA-44 ", "", "ML_DSA_44", "HS256\0"] {
            assert_eq!(
                s.parse::<Algorithm>(),
                Err(Error::Algorithm(AlgorithmError::Unknown))
            );
        }
    }

    #[test]
    fn eddsa_alias_only() {
        assert!(Algorithm::Ed25519.accepts_header(Algorithm::EdDsa));
        assert!(Algorithm::EdDsa.accepts_header(Algorithm::Ed25519));
        assert!(!Algorithm::Es256.accepts_header(Algorithm::Es384));
        assert!(!Algorithm::MlDsa44.accepts_header(Algorithm::MlDsa65));
        assert!(Algorithm::MlDsa44.accepts_header(Algorithm::MlDsa44));
    }

    #[test]
    fn classes() {
        assert!(Algorithm::SlhDsaShake128s.is_post_quantum());
        assert!(!Algorithm::MlDsa65Ed25519.is_post_quantum());
        assert!(Algorithm::MlDsa65Ed25519.is_composite());
        assert!(!Algorithm::SlhDsaSha2_128f.is_registered());
        assert!(Algorithm::SlhDsaSha2_128s.is_registered());
        assert_eq!(Algorithm::MlDsa87Ed448.key_type(), "AKP");
    }
}
