//! [`pqj_status`]: the status every fallible function returns, with explicit numbers.
//!
//! Numbers are append-only: a retired number stays reserved forever. Codes 1–99 belong to the
//! C ABI itself; codes from 100 up are pqjose's stable error codes (`pqjose::Error::code`),
//! one to one, so a log line from Rust and one from C name the same failure with one number.

use core::ffi::{CStr, c_char};

use crate::boundary::guard_value;
use crate::ptr;

/// The outcome of a call. `PQJ_STATUS_OK` (0) is success; every other value is a failure.
///
/// Numbers are stable and never reused. A library newer than the caller's header may return a
/// number the header does not name: treat any non-zero value as failure and use
/// `pqj_status_str` or the call's `pqj_error` for text.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum pqj_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// A text argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument was out of range or malformed (the error message names it).
    InvalidArgument = 3,
    /// pqjose panicked; the call had no effect. Please report it.
    Panic = 4,
    /// A failure this version of the C ABI has no number for (see the error message).
    Other = 5,
    /// The verified token has no claim of this name (`pqj_claims_*` accessors).
    ClaimAbsent = 6,
    /// The claim exists but has another JSON type than the accessor reads (`pqj_claims_*`).
    ClaimType = 7,

    /// The token exceeds the size limit (checked before any decoding).
    TokenTooLarge = 100,
    /// The protected header exceeds the size limit.
    HeaderTooLarge = 101,
    /// The payload exceeds the size limit.
    PayloadTooLarge = 102,
    /// A compact JWS must have exactly three segments.
    SegmentCount = 103,
    /// Invalid base64url (padding, whitespace or non-canonical encoding).
    Base64 = 104,
    /// The protected header is not a JSON object.
    HeaderJson = 105,
    /// The payload is not a JSON object.
    PayloadJson = 106,
    /// The payload is not valid UTF-8.
    PayloadUtf8 = 107,
    /// A JSON object contains the same member name twice.
    DuplicateMember = 108,
    /// JSON nesting exceeds the depth limit.
    TooDeep = 109,
    /// A header member has the wrong JSON type.
    HeaderMember = 110,
    /// Unsupported critical header extension (`crit`).
    UnsupportedCritical = 111,
    /// Unencoded payload (`b64: false`) is not supported.
    UnencodedPayload = 112,
    /// Header-supplied keys (`jwk`, `jku`, `x5u`, `x5c`) are not accepted.
    EmbeddedKey = 113,
    /// The signature has the wrong length for the algorithm.
    SignatureLength = 114,
    /// Malformed JWS JSON serialization.
    JwsJson = 115,
    /// The JWS JSON serialization has more signatures than the limit.
    TooManySignatures = 116,
    /// `alg`, `crit`, `b64` or a key in an unprotected header, or a header member given twice.
    UnprotectedHeader = 117,
    /// The compact token contains whitespace (strip it before verifying).
    Whitespace = 118,
    /// The header's cty says the payload is a nested JWT, which is not a claims set.
    NestedJwt = 119,

    /// Malformed JWK.
    MalformedJwk = 200,
    /// Unsupported key type (`kty`).
    UnsupportedKeyType = 201,
    /// The key's algorithm must be given (no `alg` member).
    AlgorithmRequired = 202,
    /// Key type, curve or size does not fit the algorithm.
    WrongKeyType = 203,
    /// A key component has the wrong length or encoding.
    InvalidKeyEncoding = 204,
    /// The public key does not match the private key.
    KeyMismatch = 205,
    /// The key is too weak for the algorithm.
    KeyTooWeak = 206,
    /// A private key is required.
    KeyNotPrivate = 207,
    /// Symmetric (HMAC) keys have no public form.
    NoPublicForm = 208,
    /// Malformed PEM, PKCS#8 or SPKI document.
    Pem = 209,
    /// This algorithm has no PEM form.
    PemUnsupported = 210,
    /// Malformed JWK Set.
    MalformedJwkSet = 211,
    /// The key cannot be exported in this form.
    NotExportable = 212,
    /// A key with this `kid` and algorithm is already in the key set.
    DuplicateKey = 213,
    /// The key set is full (`MAX_KEY_SET_KEYS` keys).
    TooManyKeys = 214,
    /// A public key or certificate was needed; the document holds a private key.
    KeyNotPublic = 215,
    /// A raw key has the wrong length for the algorithm.
    RawKeyLength = 216,
    /// The private key is encrypted (`ENCRYPTED PRIVATE KEY`); decrypt it first.
    EncryptedPrivateKey = 217,
    /// A compact JWE must have exactly five segments.
    JweSegmentCount = 230,
    /// `enc` missing, or present with HPKE integrated encryption.
    JweEncPresence = 231,
    /// Malformed JWE JSON serialization.
    JweSerialization = 232,
    /// Wrong number of JWE recipients.
    JweRecipients = 233,
    /// A JWE header member is repeated across headers, or `crit` is not protected.
    JweDuplicateHeader = 234,
    /// Unsupported JWE key-management algorithm.
    JweUnsupportedAlgorithm = 235,
    /// Missing, malformed or unsupported HPKE header parameter.
    JweHpkeParameters = 236,
    /// The key is not an encryption key for this algorithm.
    JweKeyMismatch = 237,
    /// The JWE does not carry a nested JWT (`cty` `JWT`).
    JweNotNested = 238,
    /// The JWE's `alg` or `enc` is not allowed by the decryption policy.
    JweNotAllowed = 239,
    /// JWE decryption failed (deliberately without detail: no oracle).
    JweDecryption = 240,
    /// RSA-OAEP decryption is unavailable in this build (RUSTSEC-2023-0071).
    JweRsaDecryptionUnavailable = 241,
    /// Invalid ephemeral public key (`epk`).
    JweInvalidEphemeralKey = 242,
    /// Key-management algorithm refused (`RSA1_5`, `PBES2`).
    JweRefusedAlgorithm = 243,
    /// Compressed JWE (`zip`) is refused.
    JweCompression = 244,
    /// The key does not fit the content encryption (`enc`).
    JweEncMismatch = 245,
    /// Unknown content encryption (`enc`).
    JweUnknownEnc = 246,
    /// Missing or malformed key-management header parameter (`epk`, `apu`, `apv`).
    JweKeyManagementHeader = 247,

    /// `alg` `none` is never accepted.
    AlgNone = 300,
    /// Unknown algorithm.
    AlgUnknown = 301,
    /// The header's algorithm does not match the key's.
    AlgMismatch = 302,
    /// The algorithm is not allowed by the validation policy.
    AlgNotAllowed = 303,
    /// The algorithm is not supported by this backend.
    AlgUnsupported = 304,
    /// Unknown algorithm policy (one of pqc, hybrid, composite, any).
    UnknownPolicy = 305,

    /// Bad signature.
    InvalidSignature = 400,

    /// The token has expired.
    Expired = 500,
    /// The token is not yet valid (`nbf`).
    NotYetValid = 501,
    /// The token was issued in the future (`iat`).
    IssuedInFuture = 502,
    /// The token is older than the maximum age.
    TooOld = 503,
    /// Issuer mismatch: `iss` is not one of the expected issuers.
    Issuer = 504,
    /// Audience mismatch: `aud` contains none of the expected audiences.
    Audience = 505,
    /// The token has an audience but none was expected.
    UnexpectedAudience = 506,
    /// Subject mismatch: `sub` is not the expected subject.
    Subject = 507,
    /// Token type (`typ`) mismatch.
    Type = 508,
    /// A required claim is missing.
    MissingClaim = 509,
    /// A claim has the wrong type or an out-of-range value.
    InvalidClaim = 510,
    /// The claims could not be deserialized.
    Deserialize = 511,
    /// The validation is configured with an empty expected issuer, audience or subject.
    EmptyExpected = 512,

    /// No key in the key set matches the token.
    KeyNotFound = 600,
    /// The token was replayed (`jti` seen before).
    Replayed = 601,
    /// The token or its key was revoked.
    Revoked = 602,
    /// The replay store is full; the token was refused.
    ReplayStoreFull = 603,
    /// The replay store could not answer (down, slow, or restarted); the token was refused.
    ReplayStoreUnavailable = 604,
    /// No remote JWK Set has been fetched yet.
    RemoteKeysUnavailable = 610,
    /// The last good remote JWK Set is past its stale bound (fail closed).
    RemoteKeysStale = 611,
    /// Fetching the JWK Set: the connection failed.
    RemoteTransport = 612,
    /// Fetching the JWK Set: timed out.
    RemoteTimeout = 613,
    /// Fetching the JWK Set: unexpected HTTP status.
    RemoteHttpStatus = 614,
    /// Fetching the JWK Set: the response exceeds the size limit.
    RemoteTooLarge = 615,
    /// Fetching the JWK Set: a redirect to another origin was refused.
    RemoteRedirect = 616,
    /// The URL is not https and plain HTTP was not allowed.
    RemoteInsecureUrl = 617,
    /// The URL cannot be parsed.
    RemoteInvalidUrl = 618,
    /// The response is not a JWK Set.
    RemoteMalformed = 619,
    /// The JWK Set has no usable key; the previous keys are kept.
    NoUsableKeys = 620,
    /// The issuer metadata has no usable jwks_uri.
    RemoteDiscovery = 621,
    /// Built without the HTTP client.
    NoHttpSupport = 622,

    /// A cryptographic operation (or the system random generator) failed.
    Crypto = 700,

    /// The JWK Set has more keys than the limit (`MAX_JWK_SET_KEYS`).
    JwkSetTooManyKeys = 800,
    /// The JWK Set exceeds the size limit (`MAX_JWK_SET_LEN`).
    JwkSetTooLarge = 801,
    /// The key's `use` or `key_ops` does not allow this purpose (RFC 7517 §4.2, §4.3).
    KeyUse = 802,

    /// DPoP proof has no usable public jwk for its alg (profiles).
    DpopProofKey = 1000,
    /// DPoP proof jwk contains private key members (profiles).
    DpopProofKeyPrivate = 1001,
    /// DPoP proof htm does not match the request method (profiles).
    DpopMethod = 1002,
    /// DPoP proof htu does not match the request URI (profiles).
    DpopUri = 1003,
    /// DPoP proof htu carries a query or fragment (profiles).
    DpopUriQuery = 1004,
    /// Not an absolute http(s) URI (profiles).
    InvalidUri = 1005,
    /// Proof iat is too old (profiles).
    ProofTooOld = 1006,
    /// Proof iat is too far in the future (profiles).
    ProofInFuture = 1007,
    /// Ath does not match the access token (profiles).
    AccessTokenHash = 1008,
    /// Nonce missing or not the required one (profiles).
    Nonce = 1009,
    /// Access token is not sender-constrained (no cnf.jkt) (profiles).
    NotSenderConstrained = 1010,
    /// Proof key is not the key the token is bound to (cnf.jkt) (profiles).
    BindingMismatch = 1011,
    /// Requested scope widens the subject token's scope (profiles).
    ScopeWidened = 1020,
    /// Requested lifetime ends after the subject token's exp (profiles).
    LifetimeExtended = 1021,
    /// Delegation chain (act) too deep (profiles).
    ChainTooDeep = 1022,
    /// Actor not allowed (profiles).
    ActorNotAllowed = 1023,
    /// Malformed token-exchange request (profiles).
    ExchangeRequest = 1030,
    /// Unsupported grant_type (profiles).
    ExchangeGrantType = 1031,
    /// Malformed token-exchange response (profiles).
    ExchangeResponse = 1032,
    /// WIT sub is not a workload identifier URI (profiles).
    WorkloadIdentifier = 1040,
    /// WIT cnf.jwk missing or unusable (profiles).
    WorkloadKey = 1041,
    /// WPT alg does not match the WIT cnf.jwk alg (profiles).
    WorkloadProofAlgorithm = 1042,
    /// Wth does not match the WIT (profiles).
    WorkloadTokenHash = 1043,
    /// Tth does not match the transaction token (profiles).
    TransactionTokenHash = 1044,
    /// Oth does not match the presented tokens (profiles).
    OtherTokenHash = 1045,
    /// Proof exp too far in the future (profiles).
    ProofLifetime = 1046,
    /// Audit log: audit log I/O error.
    AuditIo = 1100,
    /// Audit log: directory is not empty.
    AuditNotEmpty = 1101,
    /// Audit log: not an audit log directory.
    AuditNotALog = 1102,
    /// Audit log: malformed audit log configuration.
    AuditConfig = 1103,
    /// Audit log: record is not one JSON object.
    AuditRecordNotObject = 1104,
    /// Audit log: record exceeds the size limit.
    AuditRecordTooLarge = 1105,
    /// Audit log: index or tree size out of range.
    AuditIndexOutOfRange = 1106,
    /// Audit log: no checkpoint of that tree size.
    AuditNoCheckpoint = 1107,
    /// Audit log: malformed checkpoint.
    AuditCheckpointFormat = 1108,
    /// Audit log: checkpoint of another log.
    AuditCheckpointOrigin = 1109,
    /// Audit log: malformed proof.
    AuditProofFormat = 1110,
    /// Audit log: inclusion proof does not verify.
    AuditInclusionProof = 1111,
    /// Audit log: consistency proof does not verify.
    AuditConsistencyProof = 1112,
    /// Audit log: audit log fails verification.
    AuditTampered = 1113,
    /// Audit log: key cannot sign or verify this log's checkpoints.
    AuditUnsuitableKey = 1114,
    /// Audit log: the checkpoint signer stopped after an error.
    AuditSignerStopped = 1115,
}

impl pqj_status {
    /// Every status, in number order.
    pub const ALL: &'static [pqj_status] = &[
        Self::Ok,
        Self::NullParameter,
        Self::InvalidUtf8,
        Self::InvalidArgument,
        Self::Panic,
        Self::Other,
        Self::ClaimAbsent,
        Self::ClaimType,
        Self::TokenTooLarge,
        Self::HeaderTooLarge,
        Self::PayloadTooLarge,
        Self::SegmentCount,
        Self::Base64,
        Self::HeaderJson,
        Self::PayloadJson,
        Self::PayloadUtf8,
        Self::DuplicateMember,
        Self::TooDeep,
        Self::HeaderMember,
        Self::UnsupportedCritical,
        Self::UnencodedPayload,
        Self::EmbeddedKey,
        Self::SignatureLength,
        Self::JwsJson,
        Self::TooManySignatures,
        Self::UnprotectedHeader,
        Self::Whitespace,
        Self::NestedJwt,
        Self::MalformedJwk,
        Self::UnsupportedKeyType,
        Self::AlgorithmRequired,
        Self::WrongKeyType,
        Self::InvalidKeyEncoding,
        Self::KeyMismatch,
        Self::KeyTooWeak,
        Self::KeyNotPrivate,
        Self::NoPublicForm,
        Self::Pem,
        Self::PemUnsupported,
        Self::MalformedJwkSet,
        Self::NotExportable,
        Self::DuplicateKey,
        Self::TooManyKeys,
        Self::KeyNotPublic,
        Self::RawKeyLength,
        Self::EncryptedPrivateKey,
        Self::JweSegmentCount,
        Self::JweEncPresence,
        Self::JweSerialization,
        Self::JweRecipients,
        Self::JweDuplicateHeader,
        Self::JweUnsupportedAlgorithm,
        Self::JweHpkeParameters,
        Self::JweKeyMismatch,
        Self::JweNotNested,
        Self::JweNotAllowed,
        Self::JweDecryption,
        Self::JweRsaDecryptionUnavailable,
        Self::JweInvalidEphemeralKey,
        Self::JweRefusedAlgorithm,
        Self::JweCompression,
        Self::JweEncMismatch,
        Self::JweUnknownEnc,
        Self::JweKeyManagementHeader,
        Self::AlgNone,
        Self::AlgUnknown,
        Self::AlgMismatch,
        Self::AlgNotAllowed,
        Self::AlgUnsupported,
        Self::UnknownPolicy,
        Self::InvalidSignature,
        Self::Expired,
        Self::NotYetValid,
        Self::IssuedInFuture,
        Self::TooOld,
        Self::Issuer,
        Self::Audience,
        Self::UnexpectedAudience,
        Self::Subject,
        Self::Type,
        Self::MissingClaim,
        Self::InvalidClaim,
        Self::Deserialize,
        Self::EmptyExpected,
        Self::KeyNotFound,
        Self::Replayed,
        Self::Revoked,
        Self::ReplayStoreFull,
        Self::ReplayStoreUnavailable,
        Self::RemoteKeysUnavailable,
        Self::RemoteKeysStale,
        Self::RemoteTransport,
        Self::RemoteTimeout,
        Self::RemoteHttpStatus,
        Self::RemoteTooLarge,
        Self::RemoteRedirect,
        Self::RemoteInsecureUrl,
        Self::RemoteInvalidUrl,
        Self::RemoteMalformed,
        Self::NoUsableKeys,
        Self::RemoteDiscovery,
        Self::NoHttpSupport,
        Self::Crypto,
        Self::JwkSetTooManyKeys,
        Self::JwkSetTooLarge,
        Self::KeyUse,
        Self::DpopProofKey,
        Self::DpopProofKeyPrivate,
        Self::DpopMethod,
        Self::DpopUri,
        Self::DpopUriQuery,
        Self::InvalidUri,
        Self::ProofTooOld,
        Self::ProofInFuture,
        Self::AccessTokenHash,
        Self::Nonce,
        Self::NotSenderConstrained,
        Self::BindingMismatch,
        Self::ScopeWidened,
        Self::LifetimeExtended,
        Self::ChainTooDeep,
        Self::ActorNotAllowed,
        Self::ExchangeRequest,
        Self::ExchangeGrantType,
        Self::ExchangeResponse,
        Self::WorkloadIdentifier,
        Self::WorkloadKey,
        Self::WorkloadProofAlgorithm,
        Self::WorkloadTokenHash,
        Self::TransactionTokenHash,
        Self::OtherTokenHash,
        Self::ProofLifetime,
        Self::AuditIo,
        Self::AuditNotEmpty,
        Self::AuditNotALog,
        Self::AuditConfig,
        Self::AuditRecordNotObject,
        Self::AuditRecordTooLarge,
        Self::AuditIndexOutOfRange,
        Self::AuditNoCheckpoint,
        Self::AuditCheckpointFormat,
        Self::AuditCheckpointOrigin,
        Self::AuditProofFormat,
        Self::AuditInclusionProof,
        Self::AuditConsistencyProof,
        Self::AuditTampered,
        Self::AuditUnsuitableKey,
        Self::AuditSignerStopped,
    ];

    /// The status with this number, if there is one.
    pub fn from_u32(n: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as u32 == n)
    }

    /// The status for a pqjose error code (`pqjose::Error::code`); [`pqj_status::Other`] for a
    /// code this version does not name.
    pub fn from_error_code(code: u32) -> Self {
        match Self::from_u32(code) {
            Some(s) if code >= 100 => s,
            _ => Self::Other,
        }
    }

    /// A fixed English description.
    pub fn message(self) -> &'static CStr {
        match self {
            Self::Ok => c"success",
            Self::NullParameter => c"a required argument is NULL",
            Self::InvalidUtf8 => c"a text argument is not valid UTF-8",
            Self::InvalidArgument => c"invalid argument",
            Self::Panic => c"internal panic (the call had no effect)",
            Self::Other => c"error",
            Self::ClaimAbsent => c"the token has no such claim",
            Self::ClaimType => c"the claim has another type",
            Self::TokenTooLarge => c"token exceeds the size limit",
            Self::HeaderTooLarge => c"protected header exceeds the size limit",
            Self::PayloadTooLarge => c"payload exceeds the size limit",
            Self::SegmentCount => c"compact JWS must have exactly three segments",
            Self::Base64 => c"invalid base64url (padding, whitespace or non-canonical encoding)",
            Self::HeaderJson => c"protected header is not a JSON object",
            Self::PayloadJson => c"payload is not a JSON object",
            Self::PayloadUtf8 => c"payload is not valid UTF-8",
            Self::DuplicateMember => c"duplicate JSON member name",
            Self::TooDeep => c"JSON nesting exceeds the depth limit",
            Self::HeaderMember => c"header member has the wrong type",
            Self::UnsupportedCritical => c"unsupported critical header extension",
            Self::UnencodedPayload => c"unencoded payload (b64: false) is not supported",
            Self::EmbeddedKey => c"header-supplied keys (jwk, jku, x5u, x5c) are not accepted",
            Self::SignatureLength => c"signature has the wrong length for the algorithm",
            Self::JwsJson => c"malformed JWS JSON serialization",
            Self::TooManySignatures => c"JWS JSON serialization has more signatures than the limit",
            Self::UnprotectedHeader => {
                c"alg, crit, b64 or a key in an unprotected header, or a header member given twice"
            }
            Self::Whitespace => c"token contains whitespace (strip it before verifying)",
            Self::NestedJwt => {
                c"the header's cty says the payload is a nested JWT, which is not a claims set"
            }
            Self::MalformedJwk => c"malformed JWK",
            Self::UnsupportedKeyType => c"unsupported key type",
            Self::AlgorithmRequired => c"the key's algorithm must be given (no alg member)",
            Self::WrongKeyType => c"key type, curve or size does not fit the algorithm",
            Self::InvalidKeyEncoding => c"key component has the wrong length or encoding",
            Self::KeyMismatch => c"public key does not match the private key",
            Self::KeyTooWeak => c"key is too weak for the algorithm",
            Self::KeyNotPrivate => c"a private key is required",
            Self::NoPublicForm => c"symmetric (HMAC) keys have no public form",
            Self::Pem => c"malformed PEM, PKCS#8, SPKI, SEC1, PKCS#1 or certificate document",
            Self::PemUnsupported => c"this algorithm has no PEM form",
            Self::MalformedJwkSet => c"malformed JWK Set",
            Self::NotExportable => c"key cannot be exported in this form",
            Self::DuplicateKey => c"a key with this kid and algorithm is already in the key set",
            Self::TooManyKeys => c"the key set is full",
            Self::KeyNotPublic => c"a public key or certificate is required, not a private key",
            Self::RawKeyLength => c"raw key has the wrong length for the algorithm",
            Self::EncryptedPrivateKey => {
                c"the private key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first"
            }
            Self::JweSegmentCount => c"compact JWE must have exactly five segments",
            Self::JweEncPresence => c"enc missing, or present with HPKE integrated encryption",
            Self::JweSerialization => c"malformed JWE JSON serialization",
            Self::JweRecipients => c"wrong number of JWE recipients",
            Self::JweDuplicateHeader => {
                c"JWE header member repeated across headers, or crit not in the protected header"
            }
            Self::JweUnsupportedAlgorithm => c"unsupported JWE key-management algorithm",
            Self::JweHpkeParameters => c"missing, malformed or unsupported HPKE header parameter",
            Self::JweKeyMismatch => c"the key is not an encryption key for this algorithm",
            Self::JweNotNested => c"the JWE does not carry a nested JWT (cty JWT)",
            Self::JweNotAllowed => c"the JWE's alg or enc is not allowed by the decryption policy",
            Self::JweDecryption => c"decryption failed",
            Self::JweRsaDecryptionUnavailable => {
                c"RSA-OAEP decryption is unavailable in this build (the pure-Rust rsa crate is \
                 affected by RUSTSEC-2023-0071); build pqjose with the aws-lc feature"
            }
            Self::JweInvalidEphemeralKey => c"invalid ephemeral public key (epk)",
            Self::JweRefusedAlgorithm => {
                c"key-management algorithm refused (RSA1_5 and PBES2 are never supported)"
            }
            Self::JweCompression => c"compressed JWE (zip) is refused",
            Self::JweEncMismatch => c"the key does not fit the content encryption (enc)",
            Self::JweUnknownEnc => c"unknown content encryption (enc)",
            Self::JweKeyManagementHeader => c"missing or malformed key-management header parameter",
            Self::AlgNone => c"alg none is not accepted",
            Self::AlgUnknown => c"unknown algorithm",
            Self::AlgMismatch => c"algorithm does not match the key's algorithm",
            Self::AlgNotAllowed => c"algorithm is not allowed",
            Self::AlgUnsupported => c"algorithm is not supported by this backend",
            Self::UnknownPolicy => c"unknown algorithm policy (one of pqc, hybrid, composite, any)",
            Self::InvalidSignature => c"bad signature",
            Self::Expired => c"token expired",
            Self::NotYetValid => c"token not yet valid",
            Self::IssuedInFuture => c"token issued in the future",
            Self::TooOld => c"token older than the maximum age",
            Self::Issuer => c"issuer mismatch",
            Self::Audience => c"audience mismatch",
            Self::UnexpectedAudience => c"token has an audience but none was expected",
            Self::Subject => c"subject mismatch",
            Self::Type => c"token type (typ) mismatch",
            Self::MissingClaim => c"missing claim",
            Self::InvalidClaim => c"invalid claim",
            Self::Deserialize => c"claims do not match the expected structure",
            Self::EmptyExpected => c"the validation is configured with an empty expected claim",
            Self::KeyNotFound => c"key not found",
            Self::Replayed => c"token replayed (jti seen before)",
            Self::Revoked => c"token or key revoked",
            Self::ReplayStoreFull => c"replay store is full; token refused",
            Self::ReplayStoreUnavailable => c"replay store unavailable; token refused",
            Self::RemoteKeysUnavailable => c"no JWK Set fetched yet",
            Self::RemoteKeysStale => c"the last good JWK Set is too old and refreshing it failed",
            Self::RemoteTransport => c"connection failed",
            Self::RemoteTimeout => c"timed out",
            Self::RemoteHttpStatus => c"unexpected HTTP status",
            Self::RemoteTooLarge => c"response exceeds the size limit",
            Self::RemoteRedirect => c"redirect to another origin refused",
            Self::RemoteInsecureUrl => c"URL is not https (plain HTTP not allowed)",
            Self::RemoteInvalidUrl => c"invalid URL",
            Self::RemoteMalformed => c"response is not a JWK Set",
            Self::NoUsableKeys => c"JWK Set has no usable key; last good set kept",
            Self::RemoteDiscovery => c"issuer metadata has no usable jwks_uri",
            Self::NoHttpSupport => c"built without the HTTP client (feature remote-http)",
            Self::Crypto => c"cryptographic operation failed",
            Self::JwkSetTooManyKeys => c"the JWK Set has more keys than the limit",
            Self::JwkSetTooLarge => c"the JWK Set exceeds the size limit",
            Self::KeyUse => c"the key's use or key_ops does not allow this purpose",
            Self::DpopProofKey => c"DPoP proof has no usable public jwk for its alg",
            Self::DpopProofKeyPrivate => c"DPoP proof jwk contains private key members",
            Self::DpopMethod => c"DPoP proof htm does not match the request method",
            Self::DpopUri => c"DPoP proof htu does not match the request URI",
            Self::DpopUriQuery => c"DPoP proof htu carries a query or fragment",
            Self::InvalidUri => c"not an absolute http(s) URI",
            Self::ProofTooOld => c"proof iat is too old",
            Self::ProofInFuture => c"proof iat is too far in the future",
            Self::AccessTokenHash => c"ath does not match the access token",
            Self::Nonce => c"nonce missing or not the required one",
            Self::NotSenderConstrained => c"access token is not sender-constrained (no cnf.jkt)",
            Self::BindingMismatch => c"proof key is not the key the token is bound to (cnf.jkt)",
            Self::ScopeWidened => c"requested scope widens the subject token's scope",
            Self::LifetimeExtended => c"requested lifetime ends after the subject token's exp",
            Self::ChainTooDeep => c"delegation chain (act) too deep",
            Self::ActorNotAllowed => c"actor not allowed",
            Self::ExchangeRequest => c"malformed token-exchange request",
            Self::ExchangeGrantType => c"unsupported grant_type",
            Self::ExchangeResponse => c"malformed token-exchange response",
            Self::WorkloadIdentifier => c"WIT sub is not a workload identifier URI",
            Self::WorkloadKey => c"WIT cnf.jwk missing or unusable",
            Self::WorkloadProofAlgorithm => c"WPT alg does not match the WIT cnf.jwk alg",
            Self::WorkloadTokenHash => c"wth does not match the WIT",
            Self::TransactionTokenHash => c"tth does not match the transaction token",
            Self::OtherTokenHash => c"oth does not match the presented tokens",
            Self::ProofLifetime => c"proof exp too far in the future",
            Self::AuditIo => c"audit log I/O error",
            Self::AuditNotEmpty => c"directory is not empty",
            Self::AuditNotALog => c"not an audit log directory (no log.json)",
            Self::AuditConfig => c"malformed audit log configuration (log.json)",
            Self::AuditRecordNotObject => c"record is not one JSON object",
            Self::AuditRecordTooLarge => c"record exceeds the size limit",
            Self::AuditIndexOutOfRange => c"index or tree size out of range",
            Self::AuditNoCheckpoint => c"no checkpoint of that tree size",
            Self::AuditCheckpointFormat => c"malformed checkpoint",
            Self::AuditCheckpointOrigin => c"checkpoint of another log (origin differs)",
            Self::AuditProofFormat => c"malformed proof",
            Self::AuditInclusionProof => c"inclusion proof does not verify",
            Self::AuditConsistencyProof => c"consistency proof does not verify",
            Self::AuditTampered => c"audit log fails verification",
            Self::AuditUnsuitableKey => c"key cannot sign or verify this log's checkpoints",
            Self::AuditSignerStopped => c"the checkpoint signer stopped after an error",
        }
    }
}

/// A fixed, static English description of a status number (never NULL; "unknown status" for a
/// number this version does not know). The string is never freed.
///
/// Thread safety: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_status_str(status: u32) -> *const c_char {
    guard_value(ptr::static_cstr(c"unknown status"), || {
        let s = pqj_status::from_u32(status).map_or(c"unknown status", pqj_status::message);
        ptr::static_cstr(s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_sorted() {
        let nums: Vec<u32> = pqj_status::ALL.iter().map(|s| *s as u32).collect();
        assert!(nums.windows(2).all(|w| w[0] < w[1]), "{nums:?}");
        for s in pqj_status::ALL {
            assert_eq!(pqj_status::from_u32(*s as u32), Some(*s));
            assert!(!s.message().is_empty());
        }
    }

    #[test]
    fn ffi_codes_never_come_from_library_errors() {
        assert_eq!(pqj_status::from_error_code(4), pqj_status::Other);
        assert_eq!(pqj_status::from_error_code(9999), pqj_status::Other);
        assert_eq!(
            pqj_status::from_error_code(400),
            pqj_status::InvalidSignature
        );
    }
}
