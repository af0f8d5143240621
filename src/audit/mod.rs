//! A signed, tamper-evident log of agent actions: an RFC 9162 Merkle tree over the records,
//! with checkpoints signed by a pqjose key (ML-DSA, SLH-DSA, composite or classical).
//!
//! Owns `merkle` (tree hash, inclusion and consistency proofs), `checkpoint` (C2SP
//! tlog-checkpoint text in a signed note or a JWS), `log` (appending and the sealing state
//! machine with its background signer), `storage` (the storage trait and the directory
//! backend), `proof` (proof documents) and `verify` (streaming whole-log verification). May
//! import `keys`, `jws`, `format`, `alg`, `error` and `time`; nothing below imports it except
//! `error` (for the one `Error::Audit` variant).
//!
//! ```
//! use pqjose::{Algorithm, SigningKey};
//! use pqjose::audit::{AuditLog, LogOptions, DirStorage, verify_log, InclusionProof};
//!
//! let dir = std::env::temp_dir().join(format!("pqjose-audit-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let key = SigningKey::generate(Algorithm::MlDsa44)?;
//! let public = key.verifying_key()?;
//! let mut log = AuditLog::create(&dir, key, LogOptions::new().every(2))?;
//! log.append(br#"{"sub":"agent-7","action":"db.write","outcome":"ok"}"#)?;
//! log.append(br#"{"sub":"agent-7","action":"deploy","outcome":"denied"}"#)?;
//! log.seal()?;
//! let proof = log.prove(1, None)?;
//! log.close()?;
//!
//! // Anyone with the public key checks a proof, or the whole log.
//! let proof = InclusionProof::from_json(&proof.to_json())?;
//! assert_eq!(proof.verify(&public)?.size(), 2);
//! let summary = verify_log(&DirStorage::open_read_only(&dir)?, &public)?;
//! assert_eq!(summary.records, 2);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), pqjose::Error>(())
//! ```
//!
//! **Formats** (so that anyone can check a log without pqjose): a leaf is `SHA-256(0x00 ‖
//! record)` over the record's bytes exactly as appended (without the line's newline), a node
//! `SHA-256(0x01 ‖ left ‖ right)`; checkpoints are C2SP `tlog-checkpoint` text, signed as a
//! C2SP signed note for Ed25519 keys and as a compact JWS whose payload is the text for every
//! other key type (see [`checkpoint`](CheckpointSigner) for why); proofs are JSON
//! ([`InclusionProof`], [`ConsistencyProof`]).
//!
//! **Durability** ([`FsyncPolicy`]): an append that has been synced is never lost; a crash
//! leaves at worst a torn tail that reopening cuts. Checkpoints are signed by a background
//! thread, so appending never waits for a signature.

mod checkpoint;
mod error;
mod log;
pub mod merkle;
mod proof;
mod storage;
mod verify;

use serde::{Deserialize, Serialize};

pub use checkpoint::{Checkpoint, CheckpointSigner, MAX_CHECKPOINT_LEN, verify_checkpoint};
pub use error::{AuditError, TamperKind};
pub use log::{Appended, AuditLog, LogOptions, SealSchedule};
pub use proof::{
    ConsistencyProof, InclusionProof, MAX_PROOF_LEN, prove_consistency, prove_inclusion,
};
pub use storage::{CheckpointReader, DirStorage, LogConfig, RecordReader, Storage};
pub use verify::{LogSummary, verify_log};

/// The longest record accepted (1 MiB).
pub const MAX_RECORD_LEN: usize = 1024 * 1024;

/// When appended records are made durable (`fdatasync`).
///
/// - `Record`: every [`AuditLog::append`] syncs before returning: the record is durable when
///   the call returns. One sync per record (a few hundred per second on an ordinary disk).
/// - `Batch`: appends are buffered and made durable together by [`AuditLog::sync`] (also run
///   when a checkpoint is due, by [`AuditLog::seal`] and on close). One sync covers the whole
///   batch, for throughput; the price is that records appended since the last sync are lost in
///   a crash, so they must not be acknowledged before `sync` returns (the CLI prints a record's
///   line only then).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FsyncPolicy {
    /// Sync after every record.
    Record,
    /// Sync once per batch.
    #[default]
    Batch,
}

/// A typed action record: who did what to which resource, with which credential, and how it
/// ended. Serialized as one compact JSON object; any other JSON object can be appended too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// The acting subject (`sub` of the credential).
    pub sub: String,
    /// The delegation chain (`act` claims, outermost first), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub act: Vec<String>,
    /// The action (for example `db.write`).
    pub action: String,
    /// The resource acted on.
    pub resource: String,
    /// The outcome (for example `ok`, `denied`, `error`).
    pub outcome: String,
    /// When (Unix seconds).
    pub time: i64,
    /// The `jti` of the credential used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// The `kid` of the key that signed the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
}

/// The latest stored checkpoint, as stored (streams the checkpoints).
pub(crate) fn latest_checkpoint(
    storage: &(impl Storage + ?Sized),
) -> Result<Option<String>, AuditError> {
    let mut reader = storage.checkpoints()?;
    let mut last = None;
    while let Some(t) = reader.next_checkpoint()? {
        last = Some(t);
    }
    Ok(last)
}
