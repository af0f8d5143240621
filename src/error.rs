//! Errors: one `#[non_exhaustive]` enum with nested kinds, and a stable numeric code per variant.
//!
//! Messages name the check that failed; they never echo token bytes, key bytes or claim values.

use core::fmt;

use crate::alg::Algorithm;
use crate::audit::AuditError;

/// Every error pqjose returns.
///
/// Match on the variants (or on [`Error::code`], which is stable across releases) rather than on
/// the message text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The token or JWS is not well formed (structure, base64url, JSON or header).
    Format(FormatError),
    /// A key could not be generated, imported or exported.
    Key(KeyError),
    /// The algorithm is unknown, `none`, not allowed, or does not match the key.
    Algorithm(AlgorithmError),
    /// The signature does not verify. Deliberately carries no detail.
    InvalidSignature,
    /// A claim check failed after the signature verified.
    Claims(ClaimsError),
    /// No key in the key set matches the token's `kid` and `alg`.
    KeyNotFound,
    /// The token's `jti` was seen before.
    Replayed,
    /// The token's `jti` or `kid` has been revoked.
    Revoked,
    /// The replay store is full of unexpired entries, so a new `jti` cannot be recorded; the
    /// token is refused (fail closed) rather than an entry forgotten early.
    ReplayStoreFull,
    /// The replay store could not answer (a database down, slow beyond its timeout, or
    /// answering nonsense); the token is refused (fail closed).
    ReplayStoreUnavailable,
    /// A remote JWK Set could not be fetched or used.
    RemoteKeys(RemoteKeysError),
    /// The cryptographic backend failed to sign (or the system random generator failed).
    Crypto,
    /// A profile check failed: DPoP, delegation (token exchange) or WIMSE.
    Profile(ProfileError),
    /// The signed audit log refused an operation or failed verification (codes 1100–1199).
    Audit(AuditError),
    /// A JWE could not be made or opened (see [`JweError`]).
    Jwe(JweError),
}

/// Why a JWE (RFC 7516) was refused or could not be made.
///
/// Every failure of decryption itself (wrong key, bad tag, bad key unwrap, bad padding, a
/// content-encryption key of the wrong length) is the one opaque [`JweError::Decryption`], so
/// that no error is an oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JweError {
    /// Decryption failed. Deliberately carries no detail.
    Decryption,
    /// RSA-OAEP decryption is refused in this build: the pure-Rust `rsa` crate is affected by
    /// RUSTSEC-2023-0071 (Marvin timing side channel). Build with the `aws-lc` feature to
    /// decrypt RSA-OAEP with aws-lc-rs. Encryption to RSA keys works in every build.
    RsaDecryptionUnavailable,
    /// The ephemeral public key (`epk`) is malformed, not on the recipient key's curve, the
    /// identity, carries private members, or gives an all-zero X25519 shared secret.
    InvalidEphemeralKey,
    /// The key-management algorithm is one pqjose never implements (`RSA1_5`, `PBES2-*`).
    RefusedAlgorithm,
    /// The header asks for compression (`zip`), which pqjose refuses.
    Compression,
    /// A `dir` key's length differs from the key length of the content encryption (`enc`), or
    /// the key cannot be used with the requested `enc`.
    EncMismatch,
    /// The content encryption (`enc`) names no algorithm pqjose supports.
    UnknownEnc,
    /// A header parameter the key-management algorithm needs (`epk`, `apu`, `apv`) is missing
    /// or malformed.
    KeyManagementHeader,
    /// A compact JWE has exactly five `.`-separated segments.
    SegmentCount,
    /// `enc` is missing where the algorithm needs one, or present with HPKE integrated
    /// encryption (`HPKE-n`), which has none.
    ContentEncryptionPresence,
    /// A JSON serialization is malformed: a required member missing, a member of the wrong
    /// type, `recipients` together with flattened members.
    Serialization,
    /// Zero recipients, more than the limit, or more than one where the algorithm allows only
    /// one (HPKE integrated encryption, `dir`, `ECDH-ES`).
    Recipients,
    /// A header member appears in more than one of the protected, shared unprotected and
    /// per-recipient headers (RFC 7516 §7.2.1), or `crit` is not in the protected header.
    DuplicateHeader,
    /// The `alg` is not a JWE key-management algorithm pqjose implements.
    UnsupportedAlgorithm,
    /// An HPKE header parameter is missing, malformed or not allowed: `ek` (required with
    /// `HPKE-n-KE`, forbidden with `HPKE-n`), a non-empty IV or tag with `HPKE-n`, `psk_id`
    /// (PSK mode is not supported).
    HpkeParameters,
    /// The key is not an encryption key of the JWE's algorithm: the header's `alg` differs
    /// from the key's, or a JWK describes a signing key (`use` other than `enc`, a signature
    /// `alg`).
    KeyMismatch,
    /// A nested JWT was expected (`cty` `JWT`) and the JWE carries something else.
    NotNested,
    /// The JWE's `alg` or `enc` is not in the decryption policy's allow-list.
    NotAllowed,
}

/// What is wrong with the structure of a compact JWS, its header or its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatError {
    /// The token is longer than the configured limit (checked before any decoding).
    TooLarge,
    /// The protected header is longer than the configured limit.
    HeaderTooLarge,
    /// The payload is longer than the configured limit.
    PayloadTooLarge,
    /// A compact JWS has exactly three `.`-separated segments.
    SegmentCount,
    /// A segment is not strict base64url (no padding, canonical trailing bits, no whitespace).
    Base64,
    /// The protected header is not a JSON object.
    HeaderJson,
    /// The payload (claims) is not a JSON object.
    PayloadJson,
    /// The payload is not valid UTF-8.
    PayloadUtf8,
    /// A JSON object contains the same member name twice.
    DuplicateMember,
    /// JSON nesting is deeper than the configured limit.
    TooDeep,
    /// A header member has the wrong JSON type (for example a numeric `kid`).
    HeaderMember,
    /// The header lists a `crit` extension that pqjose does not understand, or `crit` is malformed.
    UnsupportedCritical,
    /// The header asks for an unencoded payload (`b64: false`, RFC 7797), which is not supported.
    UnencodedPayload,
    /// The header carries an embedded or remote key (`jwk`, `jku`, `x5u`, `x5c`); such keys are never used.
    EmbeddedKey,
    /// The signature has the wrong length for the algorithm.
    SignatureLength,
    /// A JWS JSON serialization is malformed (not an object, `payload` or `signature` missing
    /// or not a string, flattened and general members mixed, no signature).
    JwsJson,
    /// A JWS JSON serialization carries more signatures than the configured limit.
    TooManySignatures,
    /// A per-signature unprotected header carries `alg`, `crit`, `b64` or a key, or repeats a
    /// protected member, or the signature has no protected header (so no protected `alg`).
    UnprotectedHeader,
    /// A compact token contains whitespace (a trailing newline or space the caller did not
    /// strip, a line-wrapped token): it is malformed, whatever else it holds.
    Whitespace,
    /// The header's `cty` is `JWT` (any case, `application/` optional): the payload is a nested
    /// token (RFC 7519 §5.2), never a claims set, and the JWT verifier does not unwrap it.
    NestedJwt,
}

/// Why a key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyError {
    /// The JWK is not valid JSON or lacks a required member.
    MalformedJwk,
    /// The `kty` is not one pqjose supports.
    UnsupportedKeyType,
    /// The key's algorithm cannot be determined (no `alg`, and the key type allows several).
    AlgorithmRequired,
    /// The key type, curve or size does not fit the algorithm.
    WrongKeyType,
    /// A key component has the wrong length or encoding.
    InvalidEncoding,
    /// The public part does not match the private part (for example `pub` versus the ML-DSA seed).
    Mismatch,
    /// The key is too weak (RSA modulus under 2048 bits, HMAC key shorter than the hash output).
    TooWeak,
    /// A private key was needed but only a public key was given.
    NotPrivate,
    /// The key has no public form (HMAC keys are symmetric).
    NoPublicForm,
    /// The PEM, PKCS#8 or SPKI document could not be parsed.
    Pem,
    /// The key's algorithm has no PEM/PKCS#8 form in pqjose.
    PemUnsupported,
    /// The JWK Set is not a JSON object with a `keys` array.
    MalformedJwkSet,
    /// The key cannot be exported in the requested form (for example an ML-DSA key imported
    /// from an expanded-only PKCS#8 document has no seed for a JWK `priv`).
    NotExportable,
    /// A key set already holds a key with this `kid` and algorithm.
    DuplicateKey,
    /// A key set already holds [`crate::MAX_KEY_SET_KEYS`] keys.
    TooManyKeys,
    /// A JWK Set document lists more than [`crate::jwk::MAX_JWK_SET_KEYS`] entries (checked before
    /// any entry is parsed).
    JwkSetTooManyKeys,
    /// A JWK Set document is longer than [`crate::jwk::MAX_JWK_SET_LEN`] bytes (checked before
    /// parsing).
    JwkSetTooLarge,
    /// The JWK's `use` or `key_ops` (RFC 7517 §4.2, §4.3) does not allow what the key is
    /// being imported for: a key marked `use` `enc`, or whose `key_ops` lack `verify`, is never
    /// a verifying key (and `sign` for a signing key); a key marked `use` `sig` is never an
    /// encryption key.
    KeyUse,
    /// A public key (SPKI, PKCS#1 public key or certificate) was needed but the document holds
    /// a private key.
    NotPublic,
    /// A raw key (see [`crate::SigningKey::from_raw_secret`],
    /// [`crate::VerifyingKey::from_raw_public`]) has the wrong length for the algorithm.
    RawKeyLength,
    /// The private key is encrypted (PEM `ENCRYPTED PRIVATE KEY`, or a PKCS#8
    /// `EncryptedPrivateKeyInfo` in DER): pqjose does not decrypt keys. Decrypt it first (for
    /// example `openssl pkcs8 -in key.pem -out plain.pem`).
    EncryptedPrivateKey,
}

/// Algorithm problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmError {
    /// `alg` is `none` (in any letter case); unsecured JWS is never accepted.
    None,
    /// `alg` names no algorithm pqjose knows.
    Unknown,
    /// The header's `alg` differs from the algorithm bound to the key.
    Mismatch {
        /// The key's algorithm.
        expected: Algorithm,
        /// The algorithm the header named.
        found: Algorithm,
    },
    /// The algorithm is not in the validation policy's allow-list.
    NotAllowed(Algorithm),
    /// The algorithm is not implemented by the backend in use.
    Unsupported(Algorithm),
    /// An algorithm policy name is not one of `pqc`, `hybrid`, `composite`, `any`.
    UnknownPolicy,
}

/// The registered claims, for naming a claim in errors and policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RegisteredClaim {
    /// `iss`
    Issuer,
    /// `sub`
    Subject,
    /// `aud`
    Audience,
    /// `exp`
    Expiration,
    /// `nbf`
    NotBefore,
    /// `iat`
    IssuedAt,
    /// `jti`
    JwtId,
}

impl RegisteredClaim {
    /// The claim's JSON member name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Issuer => "iss",
            Self::Subject => "sub",
            Self::Audience => "aud",
            Self::Expiration => "exp",
            Self::NotBefore => "nbf",
            Self::IssuedAt => "iat",
            Self::JwtId => "jti",
        }
    }
}

/// A claim named in an error or a policy: registered, or custom by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClaimName {
    /// A registered claim.
    Registered(RegisteredClaim),
    /// A custom claim, by its JSON member name (taken from the policy, never from the token).
    Custom(String),
}

impl ClaimName {
    /// The JSON member name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Registered(r) => r.name(),
            Self::Custom(s) => s,
        }
    }
}

impl From<RegisteredClaim> for ClaimName {
    fn from(r: RegisteredClaim) -> Self {
        Self::Registered(r)
    }
}

/// A failed claim check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimsError {
    /// `exp` is in the past (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    IssuedInFuture,
    /// `iat` is older than the configured maximum age.
    TooOld,
    /// `iss` is not one of the expected issuers.
    Issuer,
    /// `aud` contains none of the expected audiences.
    Audience,
    /// The token carries `aud` but no audience was configured.
    UnexpectedAudience,
    /// `sub` is not the expected subject.
    Subject,
    /// The header `typ` is not the expected type.
    Type,
    /// A required claim is absent.
    Missing(ClaimName),
    /// A claim has the wrong JSON type or an out-of-range value.
    Invalid(ClaimName),
    /// The claims could not be deserialized into the caller's type.
    Deserialize,
    /// The [`Validation`](crate::Validation) expects an empty `iss`, `aud` or `sub`: a
    /// configuration error (an unset variable, say), refused before any token is looked at
    /// rather than silently compared.
    EmptyExpected(RegisteredClaim),
}

/// A check of a token profile failed: a DPoP proof (RFC 9449), a delegation chain or token
/// exchange (RFC 8693), or a WIMSE workload token. Codes 1000–1099.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProfileError {
    /// The DPoP proof header carries no `jwk`, or it is not a usable public key for the `alg`.
    ProofKey,
    /// The proof's `jwk` contains private key members (or is a symmetric key).
    ProofKeyPrivate,
    /// The proof's `htm` is not the request method.
    ProofMethod,
    /// The proof's `htu` is not the request URI (compared without query and fragment,
    /// normalized per RFC 3986 §6.2.2–6.2.3).
    ProofUri,
    /// The proof's own `htu` carries a query or a fragment.
    ProofUriQuery,
    /// A URI is not an absolute `http`/`https` URI pqjose can normalize.
    InvalidUri,
    /// The proof's `iat` is older than the acceptance window.
    ProofTooOld,
    /// The proof's `iat` is further ahead of the clock than allowed.
    ProofInFuture,
    /// `ath` is missing or is not the hash of the presented access token.
    AccessTokenHash,
    /// `nonce` is missing or is not the nonce the server requires.
    Nonce,
    /// The access token is not sender-constrained (no `cnf.jkt`).
    NotSenderConstrained,
    /// The access token's `cnf.jkt` is not the thumbprint of the proof key.
    BindingMismatch,
    /// The requested scope is not within the subject token's scope.
    ScopeWidened,
    /// The requested lifetime ends after the subject token's `exp`.
    LifetimeExtended,
    /// The delegation chain (nested `act`) is deeper than allowed.
    ChainTooDeep,
    /// An actor in the delegation chain is not allowed (or not permitted by `may_act`).
    ActorNotAllowed,
    /// A token-exchange request is malformed (OAuth `invalid_request`).
    ExchangeRequest,
    /// A token-exchange request has the wrong `grant_type` (OAuth `unsupported_grant_type`).
    ExchangeGrantType,
    /// A token-exchange response is malformed.
    ExchangeResponse,
    /// The WIT's `sub` is not a workload identifier URI.
    WorkloadIdentifier,
    /// The WIT's `cnf.jwk` is missing, private, without `alg`, or not a signature key.
    WorkloadKey,
    /// The WPT's `alg` is not the WIT's `cnf.jwk.alg`.
    WorkloadProofAlgorithm,
    /// The WPT's `wth` is missing or is not the hash of the WIT.
    WorkloadTokenHash,
    /// `tth` is missing or is not the hash of the presented transaction token.
    TransactionTokenHash,
    /// `oth` is missing an entry, has an unknown entry, or a hash does not match.
    OtherTokenHash,
    /// The WPT's `exp` is further in the future than a proof may live.
    ProofLifetime,
}

impl ProfileError {
    /// The stable code (1000–1099).
    pub const fn code(self) -> u32 {
        match self {
            Self::ProofKey => 1000,
            Self::ProofKeyPrivate => 1001,
            Self::ProofMethod => 1002,
            Self::ProofUri => 1003,
            Self::ProofUriQuery => 1004,
            Self::InvalidUri => 1005,
            Self::ProofTooOld => 1006,
            Self::ProofInFuture => 1007,
            Self::AccessTokenHash => 1008,
            Self::Nonce => 1009,
            Self::NotSenderConstrained => 1010,
            Self::BindingMismatch => 1011,
            Self::ScopeWidened => 1020,
            Self::LifetimeExtended => 1021,
            Self::ChainTooDeep => 1022,
            Self::ActorNotAllowed => 1023,
            Self::ExchangeRequest => 1030,
            Self::ExchangeGrantType => 1031,
            Self::ExchangeResponse => 1032,
            Self::WorkloadIdentifier => 1040,
            Self::WorkloadKey => 1041,
            Self::WorkloadProofAlgorithm => 1042,
            Self::WorkloadTokenHash => 1043,
            Self::TransactionTokenHash => 1044,
            Self::OtherTokenHash => 1045,
            Self::ProofLifetime => 1046,
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ProofKey => "DPoP proof has no usable public jwk for its alg",
            Self::ProofKeyPrivate => "DPoP proof jwk contains private key members",
            Self::ProofMethod => "DPoP proof htm does not match the request method",
            Self::ProofUri => "DPoP proof htu does not match the request URI",
            Self::ProofUriQuery => "DPoP proof htu carries a query or fragment",
            Self::InvalidUri => "not an absolute http(s) URI",
            Self::ProofTooOld => "proof iat is too old",
            Self::ProofInFuture => "proof iat is too far in the future",
            Self::AccessTokenHash => "ath does not match the access token",
            Self::Nonce => "nonce missing or not the required one",
            Self::NotSenderConstrained => "access token is not sender-constrained (no cnf.jkt)",
            Self::BindingMismatch => "proof key is not the key the token is bound to (cnf.jkt)",
            Self::ScopeWidened => "requested scope widens the subject token's scope",
            Self::LifetimeExtended => "requested lifetime ends after the subject token's exp",
            Self::ChainTooDeep => "delegation chain (act) too deep",
            Self::ActorNotAllowed => "actor not allowed",
            Self::ExchangeRequest => "malformed token-exchange request",
            Self::ExchangeGrantType => "unsupported grant_type",
            Self::ExchangeResponse => "malformed token-exchange response",
            Self::WorkloadIdentifier => "WIT sub is not a workload identifier URI",
            Self::WorkloadKey => "WIT cnf.jwk missing or unusable",
            Self::WorkloadProofAlgorithm => "WPT alg does not match the WIT cnf.jwk alg",
            Self::WorkloadTokenHash => "wth does not match the WIT",
            Self::TransactionTokenHash => "tth does not match the transaction token",
            Self::OtherTokenHash => "oth does not match the presented tokens",
            Self::ProofLifetime => "proof exp too far in the future",
        })
    }
}

impl From<ProfileError> for Error {
    fn from(e: ProfileError) -> Self {
        Self::Profile(e)
    }
}

impl Error {
    /// A stable number for this error, for logs, metrics and the C ABI. Numbers are never reused.
    pub fn code(&self) -> u32 {
        match self {
            Self::Format(f) => match f {
                FormatError::TooLarge => 100,
                FormatError::HeaderTooLarge => 101,
                FormatError::PayloadTooLarge => 102,
                FormatError::SegmentCount => 103,
                FormatError::Base64 => 104,
                FormatError::HeaderJson => 105,
                FormatError::PayloadJson => 106,
                FormatError::PayloadUtf8 => 107,
                FormatError::DuplicateMember => 108,
                FormatError::TooDeep => 109,
                FormatError::HeaderMember => 110,
                FormatError::UnsupportedCritical => 111,
                FormatError::UnencodedPayload => 112,
                FormatError::EmbeddedKey => 113,
                FormatError::SignatureLength => 114,
                FormatError::JwsJson => 115,
                FormatError::TooManySignatures => 116,
                FormatError::UnprotectedHeader => 117,
                FormatError::Whitespace => 118,
                FormatError::NestedJwt => 119,
            },
            Self::Key(k) => match k {
                KeyError::MalformedJwk => 200,
                KeyError::UnsupportedKeyType => 201,
                KeyError::AlgorithmRequired => 202,
                KeyError::WrongKeyType => 203,
                KeyError::InvalidEncoding => 204,
                KeyError::Mismatch => 205,
                KeyError::TooWeak => 206,
                KeyError::NotPrivate => 207,
                KeyError::NoPublicForm => 208,
                KeyError::Pem => 209,
                KeyError::PemUnsupported => 210,
                KeyError::MalformedJwkSet => 211,
                KeyError::NotExportable => 212,
                KeyError::DuplicateKey => 213,
                KeyError::TooManyKeys => 214,
                KeyError::JwkSetTooManyKeys => 800,
                KeyError::JwkSetTooLarge => 801,
                KeyError::KeyUse => 802,
                KeyError::NotPublic => 215,
                KeyError::RawKeyLength => 216,
                KeyError::EncryptedPrivateKey => 217,
            },
            Self::Algorithm(a) => match a {
                AlgorithmError::None => 300,
                AlgorithmError::Unknown => 301,
                AlgorithmError::Mismatch { .. } => 302,
                AlgorithmError::NotAllowed(_) => 303,
                AlgorithmError::Unsupported(_) => 304,
                AlgorithmError::UnknownPolicy => 305,
            },
            Self::InvalidSignature => 400,
            Self::Claims(c) => match c {
                ClaimsError::Expired => 500,
                ClaimsError::NotYetValid => 501,
                ClaimsError::IssuedInFuture => 502,
                ClaimsError::TooOld => 503,
                ClaimsError::Issuer => 504,
                ClaimsError::Audience => 505,
                ClaimsError::UnexpectedAudience => 506,
                ClaimsError::Subject => 507,
                ClaimsError::Type => 508,
                ClaimsError::Missing(_) => 509,
                ClaimsError::Invalid(_) => 510,
                ClaimsError::Deserialize => 511,
                ClaimsError::EmptyExpected(_) => 512,
            },
            Self::KeyNotFound => 600,
            Self::Replayed => 601,
            Self::Revoked => 602,
            Self::ReplayStoreFull => 603,
            Self::ReplayStoreUnavailable => 604,
            Self::RemoteKeys(r) => match r {
                RemoteKeysError::Unavailable => 610,
                RemoteKeysError::Stale => 611,
                RemoteKeysError::Transport => 612,
                RemoteKeysError::Timeout => 613,
                RemoteKeysError::HttpStatus => 614,
                RemoteKeysError::TooLarge => 615,
                RemoteKeysError::Redirect => 616,
                RemoteKeysError::InsecureUrl => 617,
                RemoteKeysError::InvalidUrl => 618,
                RemoteKeysError::Malformed => 619,
                RemoteKeysError::NoUsableKeys => 620,
                RemoteKeysError::Discovery => 621,
                RemoteKeysError::NoHttpSupport => 622,
            },
            Self::Crypto => 700,
            Self::Profile(p) => p.code(),
            Self::Audit(a) => a.code(),
            Self::Jwe(j) => match j {
                JweError::Decryption => 240,
                JweError::RsaDecryptionUnavailable => 241,
                JweError::InvalidEphemeralKey => 242,
                JweError::RefusedAlgorithm => 243,
                JweError::Compression => 244,
                JweError::EncMismatch => 245,
                JweError::UnknownEnc => 246,
                JweError::KeyManagementHeader => 247,
                JweError::SegmentCount => 230,
                JweError::ContentEncryptionPresence => 231,
                JweError::Serialization => 232,
                JweError::Recipients => 233,
                JweError::DuplicateHeader => 234,
                JweError::UnsupportedAlgorithm => 235,
                JweError::HpkeParameters => 236,
                JweError::KeyMismatch => 237,
                JweError::NotNested => 238,
                JweError::NotAllowed => 239,
            },
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooLarge => "token exceeds the size limit",
            Self::HeaderTooLarge => "protected header exceeds the size limit",
            Self::PayloadTooLarge => "payload exceeds the size limit",
            Self::SegmentCount => "compact JWS must have exactly three segments",
            Self::Base64 => "invalid base64url (padding, whitespace or non-canonical encoding)",
            Self::HeaderJson => "protected header is not a JSON object",
            Self::PayloadJson => "payload is not a JSON object",
            Self::PayloadUtf8 => "payload is not valid UTF-8",
            Self::DuplicateMember => "duplicate JSON member name",
            Self::TooDeep => "JSON nesting exceeds the depth limit",
            Self::HeaderMember => "header member has the wrong type",
            Self::UnsupportedCritical => "unsupported critical header extension",
            Self::UnencodedPayload => "unencoded payload (b64: false) is not supported",
            Self::EmbeddedKey => "header-supplied keys (jwk, jku, x5u, x5c) are not accepted",
            Self::SignatureLength => "signature has the wrong length for the algorithm",
            Self::JwsJson => "malformed JWS JSON serialization",
            Self::TooManySignatures => "JWS JSON serialization has more signatures than the limit",
            Self::UnprotectedHeader => {
                "alg, crit, b64 or a key in an unprotected header, or a header member given twice"
            }
            Self::Whitespace => "token contains whitespace (strip it before verifying)",
            Self::NestedJwt => {
                "the header's cty says the payload is a nested JWT, which is not a claims set"
            }
        })
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MalformedJwk => "malformed JWK",
            Self::UnsupportedKeyType => "unsupported key type",
            Self::AlgorithmRequired => "the key's algorithm must be given (no alg member)",
            Self::WrongKeyType => "key type, curve or size does not fit the algorithm",
            Self::InvalidEncoding => "key component has the wrong length or encoding",
            Self::Mismatch => "public key does not match the private key",
            Self::TooWeak => "key is too weak for the algorithm",
            Self::NotPrivate => "a private key is required",
            Self::NoPublicForm => "symmetric (HMAC) keys have no public form",
            Self::Pem => "malformed PEM, PKCS#8, SPKI, SEC1, PKCS#1 or certificate document",
            Self::PemUnsupported => "this algorithm has no PEM form",
            Self::MalformedJwkSet => "malformed JWK Set",
            Self::NotExportable => "key cannot be exported in this form",
            Self::DuplicateKey => "a key with this kid and algorithm is already in the key set",
            Self::TooManyKeys => "the key set is full",
            Self::JwkSetTooManyKeys => "the JWK Set has more keys than the limit",
            Self::JwkSetTooLarge => "the JWK Set exceeds the size limit",
            Self::KeyUse => "the key's use or key_ops does not allow this purpose",
            Self::NotPublic => "a public key or certificate is required, not a private key",
            Self::RawKeyLength => "raw key has the wrong length for the algorithm",
            Self::EncryptedPrivateKey => {
                "the private key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first"
            }
        })
    }
}

impl fmt::Display for AlgorithmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("alg none is not accepted"),
            Self::Unknown => f.write_str("unknown algorithm"),
            Self::Mismatch { expected, found } => {
                write!(
                    f,
                    "algorithm {found} does not match the key's algorithm {expected}"
                )
            }
            Self::NotAllowed(a) => write!(f, "algorithm {a} is not allowed"),
            Self::Unsupported(a) => write!(f, "algorithm {a} is not supported by this backend"),
            Self::UnknownPolicy => {
                f.write_str("unknown algorithm policy (one of pqc, hybrid, composite, any)")
            }
        }
    }
}

impl fmt::Display for JweError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Decryption => "decryption failed",
            Self::RsaDecryptionUnavailable => {
                "RSA-OAEP decryption is unavailable in this build (the pure-Rust rsa crate is \
                 affected by RUSTSEC-2023-0071); build pqjose with the aws-lc feature"
            }
            Self::InvalidEphemeralKey => "invalid ephemeral public key (epk)",
            Self::RefusedAlgorithm => {
                "key-management algorithm refused (RSA1_5 and PBES2 are never supported)"
            }
            Self::Compression => "compressed JWE (zip) is refused",
            Self::EncMismatch => "the key does not fit the content encryption (enc)",
            Self::UnknownEnc => "unknown content encryption (enc)",
            Self::KeyManagementHeader => "missing or malformed key-management header parameter",
            Self::SegmentCount => "compact JWE must have exactly five segments",
            Self::ContentEncryptionPresence => {
                "enc missing, or present with HPKE integrated encryption"
            }
            Self::Serialization => "malformed JWE JSON serialization",
            Self::Recipients => "wrong number of JWE recipients",
            Self::DuplicateHeader => {
                "JWE header member repeated across headers, or crit not in the protected header"
            }
            Self::UnsupportedAlgorithm => "unsupported JWE key-management algorithm",
            Self::HpkeParameters => "missing, malformed or unsupported HPKE header parameter",
            Self::KeyMismatch => "the key is not an encryption key for this algorithm",
            Self::NotNested => "the JWE does not carry a nested JWT (cty JWT)",
            Self::NotAllowed => "the JWE's alg or enc is not allowed by the decryption policy",
        })
    }
}

impl fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired => f.write_str("token expired"),
            Self::NotYetValid => f.write_str("token not yet valid"),
            Self::IssuedInFuture => f.write_str("token issued in the future"),
            Self::TooOld => f.write_str("token older than the maximum age"),
            Self::Issuer => f.write_str("issuer mismatch"),
            Self::Audience => f.write_str("audience mismatch"),
            Self::UnexpectedAudience => f.write_str("token has an audience but none was expected"),
            Self::Subject => f.write_str("subject mismatch"),
            Self::Type => f.write_str("token type (typ) mismatch"),
            Self::Missing(c) => write!(f, "missing claim `{}`", c.as_str()),
            Self::Invalid(c) => write!(f, "invalid claim `{}`", c.as_str()),
            Self::Deserialize => f.write_str("claims do not match the expected structure"),
            Self::EmptyExpected(c) => write!(
                f,
                "the validation is configured with an empty expected claim `{}`",
                c.name()
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(e) => write!(f, "malformed token: {e}"),
            Self::Key(e) => write!(f, "key error: {e}"),
            Self::Algorithm(e) => e.fmt(f),
            Self::InvalidSignature => f.write_str("bad signature"),
            Self::Claims(e) => e.fmt(f),
            Self::KeyNotFound => f.write_str("key not found"),
            Self::Replayed => f.write_str("token replayed (jti seen before)"),
            Self::Revoked => f.write_str("token or key revoked"),
            Self::ReplayStoreFull => f.write_str("replay store is full; token refused"),
            Self::ReplayStoreUnavailable => f.write_str("replay store unavailable; token refused"),
            Self::RemoteKeys(e) => write!(f, "remote JWK Set: {e}"),
            Self::Crypto => f.write_str("cryptographic operation failed"),
            Self::Profile(e) => e.fmt(f),
            Self::Audit(e) => e.fmt(f),
            Self::Jwe(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Why a remote JWK Set could not be fetched or used (see `pqjose::remote`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemoteKeysError {
    /// No good JWK Set has been fetched yet (the first fetch failed or is still under way).
    Unavailable,
    /// The last good set is older than the stale bound and every refresh since failed:
    /// verification fails closed.
    Stale,
    /// The connection failed (refused, reset, DNS, TLS).
    Transport,
    /// The connect or read timeout passed.
    Timeout,
    /// The server answered with a status other than 200 or 304.
    HttpStatus,
    /// The response body exceeds the size limit.
    TooLarge,
    /// The server redirected to another origin (or too many times).
    Redirect,
    /// The URL is not `https` and plain HTTP was not allowed explicitly.
    InsecureUrl,
    /// The URL cannot be parsed.
    InvalidUrl,
    /// The response is not a JWK Set (or not a metadata document).
    Malformed,
    /// The response parsed to a JWK Set without one usable key; the last good set is kept.
    NoUsableKeys,
    /// The issuer metadata has no usable `jwks_uri`.
    Discovery,
    /// This build has no HTTP client (cargo feature `remote-http`).
    NoHttpSupport,
}

impl fmt::Display for RemoteKeysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unavailable => "no JWK Set fetched yet",
            Self::Stale => "the last good JWK Set is too old and refreshing it failed",
            Self::Transport => "connection failed",
            Self::Timeout => "timed out",
            Self::HttpStatus => "unexpected HTTP status",
            Self::TooLarge => "response exceeds the size limit",
            Self::Redirect => "redirect to another origin refused",
            Self::InsecureUrl => "URL is not https (plain HTTP not allowed)",
            Self::InvalidUrl => "invalid URL",
            Self::Malformed => "response is not a JWK Set",
            Self::NoUsableKeys => "JWK Set has no usable key; last good set kept",
            Self::Discovery => "issuer metadata has no usable jwks_uri",
            Self::NoHttpSupport => "built without the HTTP client (feature remote-http)",
        })
    }
}

impl From<RemoteKeysError> for Error {
    fn from(e: RemoteKeysError) -> Self {
        Self::RemoteKeys(e)
    }
}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Self {
        Self::Format(e)
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Self::Key(e)
    }
}

impl From<AlgorithmError> for Error {
    fn from(e: AlgorithmError) -> Self {
        Self::Algorithm(e)
    }
}

impl From<JweError> for Error {
    fn from(e: JweError) -> Self {
        Self::Jwe(e)
    }
}

impl From<AuditError> for Error {
    fn from(e: AuditError) -> Self {
        Self::Audit(e)
    }
}

impl From<ClaimsError> for Error {
    fn from(e: ClaimsError) -> Self {
        Self::Claims(e)
    }
}

/// `Result` with pqjose's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let all = [
            Error::Format(FormatError::TooLarge),
            Error::Format(FormatError::Base64),
            Error::Format(FormatError::JwsJson),
            Error::Format(FormatError::TooManySignatures),
            Error::Format(FormatError::UnprotectedHeader),
            Error::Format(FormatError::Whitespace),
            Error::Format(FormatError::NestedJwt),
            Error::Key(KeyError::Mismatch),
            Error::Algorithm(AlgorithmError::None),
            Error::InvalidSignature,
            Error::Claims(ClaimsError::Expired),
            Error::Claims(ClaimsError::Missing(RegisteredClaim::Expiration.into())),
            Error::KeyNotFound,
            Error::Replayed,
            Error::Revoked,
            Error::ReplayStoreFull,
            Error::ReplayStoreUnavailable,
            Error::RemoteKeys(RemoteKeysError::Unavailable),
            Error::RemoteKeys(RemoteKeysError::Stale),
            Error::RemoteKeys(RemoteKeysError::NoHttpSupport),
            Error::Key(KeyError::DuplicateKey),
            Error::Key(KeyError::TooManyKeys),
            Error::Key(KeyError::JwkSetTooManyKeys),
            Error::Key(KeyError::JwkSetTooLarge),
            Error::Key(KeyError::KeyUse),
            Error::Key(KeyError::NotPublic),
            Error::Key(KeyError::RawKeyLength),
            Error::Key(KeyError::EncryptedPrivateKey),
            Error::Algorithm(AlgorithmError::UnknownPolicy),
            Error::Crypto,
            Error::Jwe(JweError::Decryption),
            Error::Jwe(JweError::RsaDecryptionUnavailable),
            Error::Jwe(JweError::InvalidEphemeralKey),
            Error::Jwe(JweError::RefusedAlgorithm),
            Error::Jwe(JweError::Compression),
            Error::Jwe(JweError::EncMismatch),
            Error::Jwe(JweError::UnknownEnc),
            Error::Jwe(JweError::KeyManagementHeader),
            Error::Jwe(JweError::SegmentCount),
            Error::Jwe(JweError::ContentEncryptionPresence),
            Error::Jwe(JweError::Serialization),
            Error::Jwe(JweError::Recipients),
            Error::Jwe(JweError::DuplicateHeader),
            Error::Jwe(JweError::UnsupportedAlgorithm),
            Error::Jwe(JweError::HpkeParameters),
            Error::Jwe(JweError::KeyMismatch),
            Error::Jwe(JweError::NotNested),
            Error::Jwe(JweError::NotAllowed),
        ];
        let mut codes: Vec<u32> = all.iter().map(Error::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn messages_name_the_check() {
        let e = Error::Claims(ClaimsError::Missing(ClaimName::Custom("task".into())));
        assert_eq!(e.to_string(), "missing claim `task`");
        assert_eq!(Error::InvalidSignature.to_string(), "bad signature");
    }
}
