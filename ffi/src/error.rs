//! The per-call error object. No thread-local "last error": each fallible function takes an
//! optional `pqj_error **err_out` and, on failure only, stores a new error there that the
//! caller owns (consecutive cgo calls from one goroutine can run on different OS threads, so a
//! thread-local would hand Go the wrong message).

use core::ffi::c_char;
use std::ffi::CString;

use crate::boundary::guard_value;
use crate::ptr;
use crate::status::pqj_status;

/// A failure inside a call: a status and a detailed message. Messages name the argument or the
/// check that failed; they never contain key, token or claim bytes.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: pqj_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: pqj_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// [`pqj_status::InvalidArgument`] with a message.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(pqj_status::InvalidArgument, message)
    }

    /// [`pqj_status::Other`]: something that should not happen.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(pqj_status::Other, message)
    }

    /// A pqjose error as a failure (for refusals decided in the FFI, such as size limits).
    pub(crate) fn lib(e: impl Into<pqjose::Error>) -> Self {
        e.into().into()
    }

    pub(crate) fn panic() -> Self {
        Self::new(
            pqj_status::Panic,
            "internal panic in pqjose (the call had no effect); please report it",
        )
    }
}

impl From<pqjose::Error> for Failure {
    fn from(e: pqjose::Error) -> Self {
        Self::new(pqj_status::from_error_code(e.code()), e.to_string())
    }
}

/// A detailed error from one call: its status and a message. Owned by the caller, who frees it
/// with `pqj_error_free`.
///
/// Thread safety: immutable; may be read from any thread, freed once.
pub struct pqj_error {
    status: pqj_status,
    message: CString,
}

impl pqj_error {
    fn from_failure(f: Failure) -> Self {
        let message = CString::new(f.message.replace('\0', " "))
            .unwrap_or_else(|_| CString::from(f.status.message()));
        Self {
            status: f.status,
            message,
        }
    }
}

/// Store `failure` in `*err_out` if the caller asked for it (`err_out` not NULL).
pub(crate) fn report(err_out: *mut *mut pqj_error, failure: Failure) {
    if let Ok(out) = ptr::out(err_out, "err_out") {
        out.write(ptr::box_into_raw(pqj_error::from_failure(failure)));
    }
}

/// The status of an error; `PQJ_STATUS_NULL_PARAMETER` if `err` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_error_status(err: *const pqj_error) -> pqj_status {
    guard_value(pqj_status::Panic, || match ptr::box_ref(err, "err") {
        Ok(e) => e.status,
        Err(f) => f.status,
    })
}

/// The detailed message of an error: NUL-terminated UTF-8, owned by the error and valid until
/// `pqj_error_free`. Returns an empty string (never NULL) if `err` is NULL.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_error_message(err: *const pqj_error) -> *const c_char {
    guard_value(ptr::static_cstr(c""), || match ptr::box_ref(err, "err") {
        Ok(e) => e.message.as_ptr(),
        Err(_) => ptr::static_cstr(c""),
    })
}

/// Free an error. `NULL` does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_error_free(err: *mut pqj_error) {
    guard_value((), || ptr::box_free(err));
}

#[cfg(test)]
mod tests {
    use pqjose::{
        AlgorithmError, AuditError, ClaimName, ClaimsError, Error, FormatError, JweError, KeyError,
        ProfileError, RegisteredClaim, RemoteKeysError,
    };

    use super::*;

    /// Every pqjose error maps to the status of the same number and name.
    #[test]
    fn library_errors_map_one_to_one() {
        use pqj_status as S;
        let alg = pqjose::Algorithm::MlDsa65;
        let cases: Vec<(Error, S)> = vec![
            (FormatError::TooLarge.into(), S::TokenTooLarge),
            (FormatError::HeaderTooLarge.into(), S::HeaderTooLarge),
            (FormatError::PayloadTooLarge.into(), S::PayloadTooLarge),
            (FormatError::SegmentCount.into(), S::SegmentCount),
            (FormatError::Base64.into(), S::Base64),
            (FormatError::HeaderJson.into(), S::HeaderJson),
            (FormatError::PayloadJson.into(), S::PayloadJson),
            (FormatError::PayloadUtf8.into(), S::PayloadUtf8),
            (FormatError::DuplicateMember.into(), S::DuplicateMember),
            (FormatError::TooDeep.into(), S::TooDeep),
            (FormatError::HeaderMember.into(), S::HeaderMember),
            (
                FormatError::UnsupportedCritical.into(),
                S::UnsupportedCritical,
            ),
            (FormatError::UnencodedPayload.into(), S::UnencodedPayload),
            (FormatError::EmbeddedKey.into(), S::EmbeddedKey),
            (FormatError::SignatureLength.into(), S::SignatureLength),
            (FormatError::JwsJson.into(), S::JwsJson),
            (FormatError::TooManySignatures.into(), S::TooManySignatures),
            (FormatError::UnprotectedHeader.into(), S::UnprotectedHeader),
            (FormatError::Whitespace.into(), S::Whitespace),
            (FormatError::NestedJwt.into(), S::NestedJwt),
            (KeyError::MalformedJwk.into(), S::MalformedJwk),
            (KeyError::UnsupportedKeyType.into(), S::UnsupportedKeyType),
            (KeyError::AlgorithmRequired.into(), S::AlgorithmRequired),
            (KeyError::WrongKeyType.into(), S::WrongKeyType),
            (KeyError::InvalidEncoding.into(), S::InvalidKeyEncoding),
            (KeyError::Mismatch.into(), S::KeyMismatch),
            (KeyError::TooWeak.into(), S::KeyTooWeak),
            (KeyError::NotPrivate.into(), S::KeyNotPrivate),
            (KeyError::NoPublicForm.into(), S::NoPublicForm),
            (KeyError::Pem.into(), S::Pem),
            (KeyError::PemUnsupported.into(), S::PemUnsupported),
            (KeyError::MalformedJwkSet.into(), S::MalformedJwkSet),
            (KeyError::NotExportable.into(), S::NotExportable),
            (KeyError::DuplicateKey.into(), S::DuplicateKey),
            (KeyError::TooManyKeys.into(), S::TooManyKeys),
            (KeyError::NotPublic.into(), S::KeyNotPublic),
            (KeyError::RawKeyLength.into(), S::RawKeyLength),
            (KeyError::EncryptedPrivateKey.into(), S::EncryptedPrivateKey),
            (JweError::SegmentCount.into(), S::JweSegmentCount),
            (
                JweError::ContentEncryptionPresence.into(),
                S::JweEncPresence,
            ),
            (JweError::Serialization.into(), S::JweSerialization),
            (JweError::Recipients.into(), S::JweRecipients),
            (JweError::DuplicateHeader.into(), S::JweDuplicateHeader),
            (
                JweError::UnsupportedAlgorithm.into(),
                S::JweUnsupportedAlgorithm,
            ),
            (JweError::HpkeParameters.into(), S::JweHpkeParameters),
            (JweError::KeyMismatch.into(), S::JweKeyMismatch),
            (JweError::NotNested.into(), S::JweNotNested),
            (JweError::NotAllowed.into(), S::JweNotAllowed),
            (JweError::Decryption.into(), S::JweDecryption),
            (
                JweError::RsaDecryptionUnavailable.into(),
                S::JweRsaDecryptionUnavailable,
            ),
            (
                JweError::InvalidEphemeralKey.into(),
                S::JweInvalidEphemeralKey,
            ),
            (JweError::RefusedAlgorithm.into(), S::JweRefusedAlgorithm),
            (JweError::Compression.into(), S::JweCompression),
            (JweError::EncMismatch.into(), S::JweEncMismatch),
            (JweError::UnknownEnc.into(), S::JweUnknownEnc),
            (
                JweError::KeyManagementHeader.into(),
                S::JweKeyManagementHeader,
            ),
            (AlgorithmError::None.into(), S::AlgNone),
            (AlgorithmError::Unknown.into(), S::AlgUnknown),
            (
                AlgorithmError::Mismatch {
                    expected: alg,
                    found: alg,
                }
                .into(),
                S::AlgMismatch,
            ),
            (AlgorithmError::NotAllowed(alg).into(), S::AlgNotAllowed),
            (AlgorithmError::Unsupported(alg).into(), S::AlgUnsupported),
            (AlgorithmError::UnknownPolicy.into(), S::UnknownPolicy),
            (Error::InvalidSignature, S::InvalidSignature),
            (ClaimsError::Expired.into(), S::Expired),
            (ClaimsError::NotYetValid.into(), S::NotYetValid),
            (ClaimsError::IssuedInFuture.into(), S::IssuedInFuture),
            (ClaimsError::TooOld.into(), S::TooOld),
            (ClaimsError::Issuer.into(), S::Issuer),
            (ClaimsError::Audience.into(), S::Audience),
            (
                ClaimsError::UnexpectedAudience.into(),
                S::UnexpectedAudience,
            ),
            (ClaimsError::Subject.into(), S::Subject),
            (ClaimsError::Type.into(), S::Type),
            (
                ClaimsError::Missing(ClaimName::Registered(RegisteredClaim::Expiration)).into(),
                S::MissingClaim,
            ),
            (
                ClaimsError::Invalid(ClaimName::Custom("x".into())).into(),
                S::InvalidClaim,
            ),
            (ClaimsError::Deserialize.into(), S::Deserialize),
            (
                ClaimsError::EmptyExpected(pqjose::RegisteredClaim::Issuer).into(),
                S::EmptyExpected,
            ),
            (Error::KeyNotFound, S::KeyNotFound),
            (Error::Replayed, S::Replayed),
            (Error::Revoked, S::Revoked),
            (Error::ReplayStoreFull, S::ReplayStoreFull),
            (Error::ReplayStoreUnavailable, S::ReplayStoreUnavailable),
            (
                RemoteKeysError::Unavailable.into(),
                S::RemoteKeysUnavailable,
            ),
            (RemoteKeysError::Stale.into(), S::RemoteKeysStale),
            (RemoteKeysError::Transport.into(), S::RemoteTransport),
            (RemoteKeysError::Timeout.into(), S::RemoteTimeout),
            (RemoteKeysError::HttpStatus.into(), S::RemoteHttpStatus),
            (RemoteKeysError::TooLarge.into(), S::RemoteTooLarge),
            (RemoteKeysError::Redirect.into(), S::RemoteRedirect),
            (RemoteKeysError::InsecureUrl.into(), S::RemoteInsecureUrl),
            (RemoteKeysError::InvalidUrl.into(), S::RemoteInvalidUrl),
            (RemoteKeysError::Malformed.into(), S::RemoteMalformed),
            (RemoteKeysError::NoUsableKeys.into(), S::NoUsableKeys),
            (RemoteKeysError::Discovery.into(), S::RemoteDiscovery),
            (RemoteKeysError::NoHttpSupport.into(), S::NoHttpSupport),
            (Error::Crypto, S::Crypto),
            (KeyError::JwkSetTooManyKeys.into(), S::JwkSetTooManyKeys),
            (KeyError::JwkSetTooLarge.into(), S::JwkSetTooLarge),
            (KeyError::KeyUse.into(), S::KeyUse),
            (ProfileError::ProofKey.into(), S::DpopProofKey),
            (ProfileError::ProofKeyPrivate.into(), S::DpopProofKeyPrivate),
            (ProfileError::ProofMethod.into(), S::DpopMethod),
            (ProfileError::ProofUri.into(), S::DpopUri),
            (ProfileError::ProofUriQuery.into(), S::DpopUriQuery),
            (ProfileError::InvalidUri.into(), S::InvalidUri),
            (ProfileError::ProofTooOld.into(), S::ProofTooOld),
            (ProfileError::ProofInFuture.into(), S::ProofInFuture),
            (ProfileError::AccessTokenHash.into(), S::AccessTokenHash),
            (ProfileError::Nonce.into(), S::Nonce),
            (
                ProfileError::NotSenderConstrained.into(),
                S::NotSenderConstrained,
            ),
            (ProfileError::BindingMismatch.into(), S::BindingMismatch),
            (ProfileError::ScopeWidened.into(), S::ScopeWidened),
            (ProfileError::LifetimeExtended.into(), S::LifetimeExtended),
            (ProfileError::ChainTooDeep.into(), S::ChainTooDeep),
            (ProfileError::ActorNotAllowed.into(), S::ActorNotAllowed),
            (ProfileError::ExchangeRequest.into(), S::ExchangeRequest),
            (ProfileError::ExchangeGrantType.into(), S::ExchangeGrantType),
            (ProfileError::ExchangeResponse.into(), S::ExchangeResponse),
            (
                ProfileError::WorkloadIdentifier.into(),
                S::WorkloadIdentifier,
            ),
            (ProfileError::WorkloadKey.into(), S::WorkloadKey),
            (
                ProfileError::WorkloadProofAlgorithm.into(),
                S::WorkloadProofAlgorithm,
            ),
            (ProfileError::WorkloadTokenHash.into(), S::WorkloadTokenHash),
            (
                ProfileError::TransactionTokenHash.into(),
                S::TransactionTokenHash,
            ),
            (ProfileError::OtherTokenHash.into(), S::OtherTokenHash),
            (ProfileError::ProofLifetime.into(), S::ProofLifetime),
            (
                AuditError::Io(std::io::ErrorKind::NotFound).into(),
                S::AuditIo,
            ),
            (AuditError::NotEmpty.into(), S::AuditNotEmpty),
            (AuditError::NotALog.into(), S::AuditNotALog),
            (AuditError::Config.into(), S::AuditConfig),
            (AuditError::RecordNotObject.into(), S::AuditRecordNotObject),
            (AuditError::RecordTooLarge.into(), S::AuditRecordTooLarge),
            (AuditError::IndexOutOfRange.into(), S::AuditIndexOutOfRange),
            (AuditError::NoCheckpoint.into(), S::AuditNoCheckpoint),
            (
                AuditError::CheckpointFormat.into(),
                S::AuditCheckpointFormat,
            ),
            (
                AuditError::CheckpointOrigin.into(),
                S::AuditCheckpointOrigin,
            ),
            (AuditError::ProofFormat.into(), S::AuditProofFormat),
            (AuditError::InclusionProof.into(), S::AuditInclusionProof),
            (
                AuditError::ConsistencyProof.into(),
                S::AuditConsistencyProof,
            ),
            (
                AuditError::Tampered {
                    kind: pqjose::audit::TamperKind::Fork,
                    index: 7,
                }
                .into(),
                S::AuditTampered,
            ),
            (AuditError::UnsuitableKey.into(), S::AuditUnsuitableKey),
            (AuditError::SignerStopped.into(), S::AuditSignerStopped),
        ];
        let mut disagreements = Vec::new();
        for (e, want) in &cases {
            let f = Failure::from(e.clone());
            assert_eq!(f.status, *want, "{e:?}");
            assert_eq!(f.status as u32, e.code(), "{e:?}");
            assert_eq!(f.message, e.to_string());
            disagreements.extend(status_string_disagreement(e, *want));
        }
        assert!(
            disagreements.is_empty(),
            "status strings disagree with the library's messages:\n{}",
            disagreements.join("\n")
        );
        // Every library-range status is covered above.
        let library = pqj_status::ALL.iter().filter(|s| **s as u32 >= 100).count();
        assert_eq!(cases.len(), library);
        eprintln!("{} library error codes map one to one", cases.len());
    }

    /// The C status string of `status` says what the library's message for `e` says: the
    /// same text without the `malformed token:` / `key error:` / `remote JWK Set:` prefix, or,
    /// where the library's message names a value (an algorithm, a claim), the same words with
    /// the value left out.
    fn status_string_disagreement(e: &Error, status: pqj_status) -> Option<String> {
        let c = status.message().to_str().unwrap();
        let full = e.to_string();
        let inner = ["malformed token: ", "key error: ", "remote JWK Set: "]
            .iter()
            .find_map(|p| full.strip_prefix(p))
            .unwrap_or(&full);
        if inner == c {
            return None;
        }
        let parameterized = matches!(
            e,
            Error::Algorithm(
                AlgorithmError::Mismatch { .. }
                    | AlgorithmError::NotAllowed(_)
                    | AlgorithmError::Unsupported(_)
            ) | Error::Claims(
                ClaimsError::Missing(_) | ClaimsError::Invalid(_) | ClaimsError::EmptyExpected(_)
            ) | Error::Audit(AuditError::Io(_))
        );
        // Every word of the status string appears in the message, in order.
        let mut rest = inner.split_whitespace().map(|m| m.trim_end_matches(':'));
        let words_in_order = c.split_whitespace().all(|w| rest.any(|m| m == w));
        if parameterized && words_in_order {
            return None;
        }
        // The one exception: a failed audit log verification's message is what failed and
        // where (`forked checkpoints ... at index 7`, a line scripts parse); its status says
        // that the log fails verification.
        if matches!(e, Error::Audit(AuditError::Tampered { .. }))
            && c == "audit log fails verification"
            && inner.contains(" at index ")
        {
            return None;
        }
        Some(format!(
            "{} {status:?}: C {c:?} / library {inner:?}",
            status as u32
        ))
    }

    #[test]
    fn error_object_round_trip() {
        let mut err: *mut pqj_error = core::ptr::null_mut();
        report(&mut err, Failure::invalid("argument `ttl` is out of range"));
        assert!(!err.is_null());
        assert_eq!(pqj_error_status(err), pqj_status::InvalidArgument);
        let msg = ptr::read_cstr(pqj_error_message(err));
        assert_eq!(msg, "argument `ttl` is out of range");
        pqj_error_free(err);
        pqj_error_free(core::ptr::null_mut());
        assert_eq!(
            pqj_error_status(core::ptr::null()),
            pqj_status::NullParameter
        );
        report(core::ptr::null_mut(), Failure::panic());
    }
}
