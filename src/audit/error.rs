//! [`AuditError`]: everything the audit log can refuse, with stable codes 1100–1199.

use core::fmt;

/// Why an audit-log operation failed. Codes ([`crate::Error::code`]) are 1100–1199.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditError {
    /// A file of the log could not be read or written (the I/O error's kind only).
    Io(std::io::ErrorKind),
    /// `create` refused: the directory already holds something.
    NotEmpty,
    /// The directory holds no audit log (no `log.json`).
    NotALog,
    /// The log's `log.json` is malformed or of an unknown version.
    Config,
    /// A record is not one JSON object on one line.
    RecordNotObject,
    /// A record is longer than [`crate::audit::MAX_RECORD_LEN`].
    RecordTooLarge,
    /// An index or tree size is beyond the log (or a proof asks for an impossible range).
    IndexOutOfRange,
    /// No checkpoint of the requested tree size exists.
    NoCheckpoint,
    /// A checkpoint (its text, signed note or JWS) is malformed.
    CheckpointFormat,
    /// A checkpoint names another log's origin.
    CheckpointOrigin,
    /// A proof document is malformed.
    ProofFormat,
    /// An inclusion proof does not verify.
    InclusionProof,
    /// A consistency proof does not verify.
    ConsistencyProof,
    /// The log fails verification: `kind` says how, `index` is the first bad record (or, for a
    /// checkpoint that fails, its tree size).
    Tampered {
        /// What is wrong.
        kind: TamperKind,
        /// The first bad index (or the failing checkpoint's tree size).
        index: u64,
    },
    /// The key cannot sign or verify checkpoints (HMAC keys are not publicly verifiable), or it
    /// is not the log's key.
    UnsuitableKey,
    /// The background signer stopped after an error; the log must be reopened.
    SignerStopped,
}

/// How a log failed verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TamperKind {
    /// A record is not a JSON object on one line.
    RecordMalformed,
    /// A record was changed, inserted, deleted or moved (its hash differs from the log's tree).
    RecordMismatch,
    /// A record is missing: the log ends before a checkpoint's tree size.
    RecordMissing,
    /// The tree file does not match the records.
    TreeMismatch,
    /// A stored checkpoint is malformed.
    CheckpointMalformed,
    /// A checkpoint's signature does not verify with the log's key.
    CheckpointSignature,
    /// A checkpoint's root hash does not match the records.
    CheckpointRoot,
    /// Two checkpoints of the same tree size with different roots (a forked history).
    Fork,
    /// A checkpoint's tree size is smaller than an earlier checkpoint's.
    CheckpointOrder,
}

impl AuditError {
    /// The stable code (1100–1199).
    pub(crate) fn code(&self) -> u32 {
        match self {
            Self::Io(_) => 1100,
            Self::NotEmpty => 1101,
            Self::NotALog => 1102,
            Self::Config => 1103,
            Self::RecordNotObject => 1104,
            Self::RecordTooLarge => 1105,
            Self::IndexOutOfRange => 1106,
            Self::NoCheckpoint => 1107,
            Self::CheckpointFormat => 1108,
            Self::CheckpointOrigin => 1109,
            Self::ProofFormat => 1110,
            Self::InclusionProof => 1111,
            Self::ConsistencyProof => 1112,
            Self::Tampered { .. } => 1113,
            Self::UnsuitableKey => 1114,
            Self::SignerStopped => 1115,
        }
    }

    pub(crate) fn tampered(kind: TamperKind, index: u64) -> Self {
        Self::Tampered { kind, index }
    }
}

impl From<std::io::Error> for AuditError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.kind())
    }
}

impl fmt::Display for TamperKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RecordMalformed => "record is not a JSON object line",
            Self::RecordMismatch => "record changed, inserted, deleted or out of place",
            Self::RecordMissing => "record missing (log truncated before a checkpoint)",
            Self::TreeMismatch => "tree file does not match the records",
            Self::CheckpointMalformed => "malformed checkpoint",
            Self::CheckpointSignature => "checkpoint signature does not verify",
            Self::CheckpointRoot => "checkpoint root does not match the records",
            Self::Fork => "forked checkpoints (same tree size, different roots)",
            Self::CheckpointOrder => "checkpoint out of order",
        })
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(kind) => write!(f, "audit log I/O error: {kind}"),
            Self::NotEmpty => f.write_str("directory is not empty"),
            Self::NotALog => f.write_str("not an audit log directory (no log.json)"),
            Self::Config => f.write_str("malformed audit log configuration (log.json)"),
            Self::RecordNotObject => f.write_str("record is not one JSON object"),
            Self::RecordTooLarge => f.write_str("record exceeds the size limit"),
            Self::IndexOutOfRange => f.write_str("index or tree size out of range"),
            Self::NoCheckpoint => f.write_str("no checkpoint of that tree size"),
            Self::CheckpointFormat => f.write_str("malformed checkpoint"),
            Self::CheckpointOrigin => f.write_str("checkpoint of another log (origin differs)"),
            Self::ProofFormat => f.write_str("malformed proof"),
            Self::InclusionProof => f.write_str("inclusion proof does not verify"),
            Self::ConsistencyProof => f.write_str("consistency proof does not verify"),
            Self::Tampered { kind, index } => write!(f, "{kind} at index {index}"),
            Self::UnsuitableKey => f.write_str("key cannot sign or verify this log's checkpoints"),
            Self::SignerStopped => f.write_str("the checkpoint signer stopped after an error"),
        }
    }
}
