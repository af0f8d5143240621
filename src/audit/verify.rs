//! Whole-log verification, streaming: records, tree hashes and checkpoints are each read once,
//! in order, in bounded memory (O(log n) hashes plus one record and one checkpoint at a time).
//!
//! Every record's leaf hash is recomputed and compared with the tree file; every checkpoint's
//! signature is verified and its root compared with the root recomputed from the records at its
//! size. The tree file, written when each record was appended, pins down the first record that
//! differs; the checkpoints say whether the records or the tree file were changed.

use super::checkpoint::{Checkpoint, verify_checkpoint};
use super::error::{AuditError, TamperKind};
use super::merkle::{CompactRange, Hash, leaf_hash};
use super::proof::peek_checkpoint;
use super::storage::{CheckpointReader, Storage};
use crate::error::Error;
use crate::keys::VerifyingKey;

/// What a successful verification saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSummary {
    /// The number of records.
    pub records: u64,
    /// The number of checkpoints verified.
    pub checkpoints: u64,
    /// The latest checkpoint.
    pub latest: Option<Checkpoint>,
}

const CHUNK: usize = 4096;

/// Sequential reader of the tree file's stored hashes.
struct TreeStream<'a, S: Storage + ?Sized> {
    storage: &'a S,
    pos: u64,
    buf: Vec<Hash>,
    at: usize,
    done: bool,
}

impl<S: Storage + ?Sized> TreeStream<'_, S> {
    fn next(&mut self) -> Result<Option<Hash>, AuditError> {
        if self.at == self.buf.len() {
            if self.done {
                return Ok(None);
            }
            self.buf.resize(CHUNK, [0; 32]);
            let n = self.storage.read_hashes(self.pos, &mut self.buf)?;
            self.buf.truncate(n);
            self.pos += n as u64;
            self.at = 0;
            if n == 0 {
                self.done = true;
                return Ok(None);
            }
        }
        let h = self.buf.get(self.at).copied();
        self.at += 1;
        Ok(h)
    }
}

struct Checkpoints<'a> {
    reader: Box<dyn CheckpointReader + 'a>,
    key: &'a VerifyingKey,
    origin: &'a str,
    last: Option<Checkpoint>,
    count: u64,
}

impl Checkpoints<'_> {
    /// The next checkpoint, verified, in order, and not forked against the previous one.
    fn next(&mut self) -> Result<Option<Checkpoint>, AuditError> {
        let at = self.last.as_ref().map_or(0, Checkpoint::size);
        let text = match self.reader.next_checkpoint() {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(None),
            Err(AuditError::Io(k)) => return Err(AuditError::Io(k)),
            Err(_) => return Err(AuditError::tampered(TamperKind::CheckpointMalformed, at)),
        };
        let Ok(peeked) = peek_checkpoint(&text) else {
            return Err(AuditError::tampered(TamperKind::CheckpointMalformed, at));
        };
        let cp = match verify_checkpoint(self.key, &text) {
            Ok(cp) => cp,
            Err(Error::Audit(AuditError::CheckpointFormat)) => {
                return Err(AuditError::tampered(
                    TamperKind::CheckpointMalformed,
                    peeked.size(),
                ));
            }
            Err(_) => {
                return Err(AuditError::tampered(
                    TamperKind::CheckpointSignature,
                    peeked.size(),
                ));
            }
        };
        if cp.origin() != self.origin {
            return Err(AuditError::tampered(
                TamperKind::CheckpointSignature,
                cp.size(),
            ));
        }
        if let Some(prev) = &self.last {
            if cp.size() < prev.size() {
                return Err(AuditError::tampered(TamperKind::CheckpointOrder, cp.size()));
            }
            if cp.size() == prev.size() && cp.root() != prev.root() {
                return Err(AuditError::tampered(TamperKind::Fork, cp.size()));
            }
        }
        self.count += 1;
        self.last = Some(cp.clone());
        Ok(Some(cp))
    }
}

/// Check that records `0..len` hash to the stored tree (streaming, bounded memory): the first
/// record whose recomputed hashes differ from the tree file is reported as
/// [`TamperKind::RecordMismatch`], a tree file shorter than the records as
/// [`TamperKind::TreeMismatch`]. Signatures are not checked here.
pub(crate) fn check_records_against_tree(
    storage: &(impl Storage + ?Sized),
    len: u64,
) -> Result<(), AuditError> {
    let mut tree = TreeStream {
        storage,
        pos: 0,
        buf: Vec::new(),
        at: 0,
        done: false,
    };
    let mut records = storage.records(0)?;
    let mut range = CompactRange::new();
    let mut buf = Vec::new();
    let mut stored = Vec::with_capacity(64);
    while range.size() < len {
        let index = range.size();
        match records.next_record(&mut buf) {
            Ok(true) => {}
            Ok(false) => return Err(AuditError::tampered(TamperKind::RecordMissing, index)),
            Err(AuditError::RecordTooLarge) => {
                return Err(AuditError::tampered(TamperKind::RecordMalformed, index));
            }
            Err(e) => return Err(e),
        }
        stored.clear();
        range.push(leaf_hash(&buf), |h| stored.push(*h));
        for h in &stored {
            match tree.next()? {
                Some(t) if t == *h => {}
                Some(_) => return Err(AuditError::tampered(TamperKind::RecordMismatch, index)),
                None => return Err(AuditError::tampered(TamperKind::TreeMismatch, index)),
            }
        }
    }
    Ok(())
}

/// Verify a whole log with its public key. The error names the first bad index
/// ([`AuditError::Tampered`]): the first record that is missing, changed or out of place, or,
/// for a checkpoint that fails, its tree size.
///
/// Records after the latest checkpoint are checked against the tree file only (no signature
/// covers them yet).
pub fn verify_log(
    storage: &(impl Storage + ?Sized),
    key: &VerifyingKey,
) -> Result<LogSummary, Error> {
    let mut cps = Checkpoints {
        reader: storage.checkpoints()?,
        key,
        origin: &storage.config().origin,
        last: None,
        count: 0,
    };
    let mut tree = TreeStream {
        storage,
        pos: 0,
        buf: Vec::new(),
        at: 0,
        done: false,
    };
    let mut records = storage.records(0)?;
    let mut range = CompactRange::new();
    let mut first_tree_mismatch: Option<u64> = None;
    let mut pending = cps.next()?;
    let mut buf = Vec::new();
    let mut stored = Vec::with_capacity(64);
    loop {
        let size = range.size();
        // Every checkpoint of this size is checked against the records' root here.
        while let Some(cp) = pending.take() {
            if cp.size() > size {
                pending = Some(cp);
                break;
            }
            if *cp.root() != range.root() {
                return Err(match first_tree_mismatch {
                    Some(j) => AuditError::tampered(TamperKind::RecordMismatch, j),
                    None => AuditError::tampered(TamperKind::CheckpointRoot, cp.size()),
                }
                .into());
            }
            if let Some(j) = first_tree_mismatch {
                return Err(AuditError::tampered(TamperKind::TreeMismatch, j).into());
            }
            pending = cps.next()?;
        }
        match records.next_record(&mut buf) {
            Ok(true) => {}
            Ok(false) => break,
            Err(AuditError::RecordTooLarge) => {
                return Err(AuditError::tampered(TamperKind::RecordMalformed, size).into());
            }
            Err(e) => return Err(e.into()),
        }
        stored.clear();
        range.push(leaf_hash(&buf), |h| stored.push(*h));
        if first_tree_mismatch.is_none() {
            for h in &stored {
                match tree.next()? {
                    Some(t) if t == *h => {}
                    Some(_) => {
                        first_tree_mismatch = Some(size);
                        break;
                    }
                    // The tree file may lag the records after a crash: nothing to compare.
                    None => break,
                }
            }
        }
    }
    if let Some(cp) = pending {
        return Err(
            AuditError::tampered(TamperKind::RecordMissing, range.size().min(cp.size())).into(),
        );
    }
    if let Some(j) = first_tree_mismatch {
        return Err(AuditError::tampered(TamperKind::RecordMismatch, j).into());
    }
    Ok(LogSummary {
        records: range.size(),
        checkpoints: cps.count,
        latest: cps.last,
    })
}
