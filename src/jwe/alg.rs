//! [`KeyManagement`]: the JWE `alg` values pqjose knows, and how each manages the content key.

use core::fmt;
use core::str::FromStr;

use crate::error::{Error, JweError};
use crate::jwe::hpke::Suite;

macro_rules! key_management {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
        /// A JWE key-management algorithm (the JWE header's `alg`).
        ///
        /// Every encryption key is bound to exactly one of these, as a signing key is bound to
        /// one [`crate::Algorithm`]. Parsing is exact and case-sensitive. `RSA1_5` and the
        /// `PBES2-*` algorithms are never accepted.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum KeyManagement {
            $( $(#[$doc])* $variant, )*
        }

        impl KeyManagement {
            /// Every key-management algorithm pqjose knows, in a stable order.
            pub const ALL: &'static [KeyManagement] = &[ $( KeyManagement::$variant, )* ];

            /// The JOSE `alg` string.
            pub const fn as_str(self) -> &'static str {
                match self { $( KeyManagement::$variant => $name, )* }
            }

            fn parse_exact(s: &str) -> Option<Self> {
                match s { $( $name => Some(KeyManagement::$variant), )* _ => None }
            }
        }
    };
}

key_management! {
    /// JOSE-HPKE integrated encryption, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.
    Hpke0 => "HPKE-0",
    /// JOSE-HPKE key encryption, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.
    Hpke0Ke => "HPKE-0-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(P-384, HKDF-SHA384), HKDF-SHA384, AES-256-GCM.
    Hpke1 => "HPKE-1",
    /// JOSE-HPKE key encryption, DHKEM(P-384, HKDF-SHA384), HKDF-SHA384, AES-256-GCM.
    Hpke1Ke => "HPKE-1-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(P-521, HKDF-SHA512), HKDF-SHA512, AES-256-GCM.
    Hpke2 => "HPKE-2",
    /// JOSE-HPKE key encryption, DHKEM(P-521, HKDF-SHA512), HKDF-SHA512, AES-256-GCM.
    Hpke2Ke => "HPKE-2-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.
    Hpke3 => "HPKE-3",
    /// JOSE-HPKE key encryption, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.
    Hpke3Ke => "HPKE-3-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
    /// ChaCha20Poly1305.
    Hpke4 => "HPKE-4",
    /// JOSE-HPKE key encryption, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305.
    /// In draft -20; reported as dropped by a later revision: decrypted, keys not generated.
    Hpke4Ke => "HPKE-4-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(X448, HKDF-SHA512), HKDF-SHA512, AES-256-GCM.
    Hpke5 => "HPKE-5",
    /// JOSE-HPKE key encryption, DHKEM(X448, HKDF-SHA512), HKDF-SHA512, AES-256-GCM.
    Hpke5Ke => "HPKE-5-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(X448, HKDF-SHA512), HKDF-SHA512,
    /// ChaCha20Poly1305.
    Hpke6 => "HPKE-6",
    /// JOSE-HPKE key encryption, DHKEM(X448, HKDF-SHA512), HKDF-SHA512, ChaCha20Poly1305.
    /// In draft -20; reported as dropped by a later revision: decrypted, keys not generated.
    Hpke6Ke => "HPKE-6-KE",
    /// JOSE-HPKE integrated encryption, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
    Hpke7 => "HPKE-7",
    /// JOSE-HPKE key encryption, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
    Hpke7Ke => "HPKE-7-KE",
    /// PQ/T hybrid integrated encryption: MLKEM768-P256, SHAKE256, AES-256-GCM
    /// (draft-ietf-jose-hpke-pq-pqt).
    Hpke8 => "HPKE-8",
    /// PQ/T hybrid key encryption: MLKEM768-P256, SHAKE256, AES-256-GCM.
    Hpke8Ke => "HPKE-8-KE",
    /// PQ/T hybrid integrated encryption: X-Wing (MLKEM768-X25519), SHAKE256, AES-256-GCM.
    Hpke9 => "HPKE-9",
    /// PQ/T hybrid key encryption: X-Wing (MLKEM768-X25519), SHAKE256, AES-256-GCM.
    Hpke9Ke => "HPKE-9-KE",
    /// PQ/T hybrid integrated encryption: MLKEM1024-P384, SHAKE256, AES-256-GCM.
    Hpke10 => "HPKE-10",
    /// PQ/T hybrid key encryption: MLKEM1024-P384, SHAKE256, AES-256-GCM.
    Hpke10Ke => "HPKE-10-KE",
    /// Post-quantum integrated encryption: ML-KEM-768, SHAKE256, AES-256-GCM.
    Hpke12 => "HPKE-12",
    /// Post-quantum key encryption: ML-KEM-768, SHAKE256, AES-256-GCM.
    Hpke12Ke => "HPKE-12-KE",
    /// Post-quantum integrated encryption: ML-KEM-1024, SHAKE256, AES-256-GCM.
    Hpke13 => "HPKE-13",
    /// Post-quantum key encryption: ML-KEM-1024, SHAKE256, AES-256-GCM.
    Hpke13Ke => "HPKE-13-KE",
    /// ECDH-ES direct key agreement, Concat KDF (RFC 7518 §4.6).
    EcdhEs => "ECDH-ES",
    /// ECDH-ES with the derived key wrapping the CEK under AES-128 Key Wrap.
    EcdhEsA128Kw => "ECDH-ES+A128KW",
    /// ECDH-ES with the derived key wrapping the CEK under AES-256 Key Wrap.
    EcdhEsA256Kw => "ECDH-ES+A256KW",
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 (legacy, for interop).
    RsaOaep => "RSA-OAEP",
    /// RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256 => "RSA-OAEP-256",
    /// AES-128 Key Wrap (RFC 3394) with a shared key.
    A128Kw => "A128KW",
    /// AES-256 Key Wrap (RFC 3394) with a shared key.
    A256Kw => "A256KW",
    /// Direct use of a shared key as the CEK.
    Dir => "dir",
}

/// How a key-management algorithm obtains the content-encryption key (RFC 7516 §2, as
/// redefined by draft-ietf-jose-hpke-encrypt §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// HPKE integrated encryption: no CEK; HPKE seals the plaintext itself.
    Integrated,
    /// The framework draws a random CEK and the algorithm encrypts or wraps it for each
    /// recipient (HPKE-n-KE, RSA-OAEP, AxxxKW, ECDH-ES+AxxxKW).
    Wrapped,
    /// The algorithm itself determines the CEK (ECDH-ES, dir): one recipient only, empty
    /// Encrypted Key.
    Direct,
}

impl KeyManagement {
    /// The HPKE suite and whether this is integrated encryption, for the HPKE algorithms.
    pub(crate) const fn hpke(self) -> Option<(Suite, bool)> {
        use KeyManagement::*;
        Some(match self {
            Hpke0 => (Suite::P256Sha256Aes128, true),
            Hpke0Ke => (Suite::P256Sha256Aes128, false),
            Hpke1 => (Suite::P384Sha384Aes256, true),
            Hpke1Ke => (Suite::P384Sha384Aes256, false),
            Hpke2 => (Suite::P521Sha512Aes256, true),
            Hpke2Ke => (Suite::P521Sha512Aes256, false),
            Hpke3 => (Suite::X25519Sha256Aes128, true),
            Hpke3Ke => (Suite::X25519Sha256Aes128, false),
            Hpke4 => (Suite::X25519Sha256ChaCha, true),
            Hpke4Ke => (Suite::X25519Sha256ChaCha, false),
            Hpke5 => (Suite::X448Sha512Aes256, true),
            Hpke5Ke => (Suite::X448Sha512Aes256, false),
            Hpke6 => (Suite::X448Sha512ChaCha, true),
            Hpke6Ke => (Suite::X448Sha512ChaCha, false),
            Hpke7 => (Suite::P256Sha256Aes256, true),
            Hpke7Ke => (Suite::P256Sha256Aes256, false),
            Hpke8 => (Suite::MlKem768P256, true),
            Hpke8Ke => (Suite::MlKem768P256, false),
            Hpke9 => (Suite::XWing, true),
            Hpke9Ke => (Suite::XWing, false),
            Hpke10 => (Suite::MlKem1024P384, true),
            Hpke10Ke => (Suite::MlKem1024P384, false),
            Hpke12 => (Suite::MlKem768, true),
            Hpke12Ke => (Suite::MlKem768, false),
            Hpke13 => (Suite::MlKem1024, true),
            Hpke13Ke => (Suite::MlKem1024, false),
            _ => return None,
        })
    }

    /// How this algorithm obtains the CEK.
    pub(crate) const fn mode(self) -> Mode {
        use KeyManagement::*;
        match self.hpke() {
            Some((_, true)) => Mode::Integrated,
            Some((_, false)) => Mode::Wrapped,
            None => match self {
                EcdhEs | Dir => Mode::Direct,
                _ => Mode::Wrapped,
            },
        }
    }

    /// Whether this is HPKE integrated encryption (`HPKE-n`: no `enc`, the plaintext sealed by
    /// HPKE itself).
    pub const fn is_integrated(self) -> bool {
        matches!(self.mode(), Mode::Integrated)
    }

    /// Whether this algorithm is post-quantum or a PQ/T hybrid (`HPKE-8` … `HPKE-13` and their
    /// `-KE` forms).
    pub const fn is_post_quantum(self) -> bool {
        match self.hpke() {
            Some((suite, _)) => suite.is_post_quantum(),
            None => false,
        }
    }

    /// Whether pqjose generates new keys for this algorithm. `HPKE-4-KE` and `HPKE-6-KE` are
    /// decrypted for interop but no new keys are made for them (a later revision of
    /// draft-ietf-jose-hpke-encrypt is reported to drop them).
    pub const fn generates_keys(self) -> bool {
        !matches!(self, KeyManagement::Hpke4Ke | KeyManagement::Hpke6Ke)
    }
}

impl FromStr for KeyManagement {
    type Err = Error;

    /// Parse a JWE `alg` string. Unknown names, `RSA1_5` and `PBES2-*` are
    /// [`JweError::UnsupportedAlgorithm`].
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse_exact(s).ok_or(Error::Jwe(JweError::UnsupportedAlgorithm))
    }
}

impl fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_refusals() {
        for a in KeyManagement::ALL {
            assert_eq!(a.as_str().parse::<KeyManagement>().unwrap(), *a);
        }
        for bad in [
            "RSA1_5",
            "PBES2-HS256+A128KW",
            "hpke-9",
            "HPKE-11",
            "ML-DSA-65",
            "",
        ] {
            assert!(bad.parse::<KeyManagement>().is_err(), "{bad}");
        }
        assert!(KeyManagement::Hpke9.is_integrated());
        assert!(!KeyManagement::Hpke9Ke.is_integrated());
        assert!(KeyManagement::Hpke12Ke.is_post_quantum());
        assert!(!KeyManagement::Hpke0.is_post_quantum());
        assert_eq!(KeyManagement::Dir.mode(), Mode::Direct);
        assert_eq!(KeyManagement::EcdhEsA128Kw.mode(), Mode::Wrapped);
    }
}
