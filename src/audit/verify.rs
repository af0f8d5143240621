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
use super::storage::{CheckpointReader, RecordReader, Storage};
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

/// How a record's freshly computed hashes compared with the tree file.
enum TreeCheck {
    /// Every hash the record adds equals the stored one (or the comparison was not asked for).
    Match,
    /// A stored hash differs.
    Mismatch,
    /// The tree file ended first.
    TreeEnded,
}

/// Records read in order, each one's leaf hash pushed into the compact range and the hashes it
/// adds compared with the tree file: the one walk both [`verify_log`] and the reopen check
/// ([`check_records_against_tree`]) make.
struct RecordWalk<'a, S: Storage + ?Sized> {
    records: Box<dyn RecordReader + 'a>,
    tree: TreeStream<'a, S>,
    range: CompactRange,
    buf: Vec<u8>,
    stored: Vec<Hash>,
}

impl<'a, S: Storage + ?Sized> RecordWalk<'a, S> {
    fn new(storage: &'a S) -> Result<Self, AuditError> {
        Ok(Self {
            records: storage.records(0)?,
            tree: TreeStream {
                storage,
                pos: 0,
                buf: Vec::new(),
                at: 0,
                done: false,
            },
            range: CompactRange::new(),
            buf: Vec::new(),
            stored: Vec::with_capacity(64),
        })
    }

    /// The number of records walked so far (the next record's index).
    fn size(&self) -> u64 {
        self.range.size()
    }

    /// Take the next record (`None` at the end), comparing its hashes with the tree file when
    /// `compare` is set. A record too large to be one is [`TamperKind::RecordMalformed`].
    fn next(&mut self, compare: bool) -> Result<Option<TreeCheck>, AuditError> {
        let index = self.range.size();
        match self.records.next_record(&mut self.buf) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(AuditError::RecordTooLarge) => {
                return Err(AuditError::tampered(TamperKind::RecordMalformed, index));
            }
            Err(e) => return Err(e),
        }
        self.stored.clear();
        let stored = &mut self.stored;
        self.range.push(leaf_hash(&self.buf), |h| stored.push(*h));
        if compare {
            for h in &self.stored {
                match self.tree.next()? {
                    Some(t) if t == *h => {}
                    Some(_) => return Ok(Some(TreeCheck::Mismatch)),
                    None => return Ok(Some(TreeCheck::TreeEnded)),
                }
            }
        }
        Ok(Some(TreeCheck::Match))
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
    let mut walk = RecordWalk::new(storage)?;
    while walk.size() < len {
        let index = walk.size();
        let kind = match walk.next(true)? {
            Some(TreeCheck::Match) => continue,
            None => TamperKind::RecordMissing,
            Some(TreeCheck::Mismatch) => TamperKind::RecordMismatch,
            Some(TreeCheck::TreeEnded) => TamperKind::TreeMismatch,
        };
        return Err(AuditError::tampered(kind, index));
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
    let mut walk = RecordWalk::new(storage)?;
    let mut first_tree_mismatch: Option<u64> = None;
    let mut pending = cps.next()?;
    loop {
        let size = walk.size();
        // Every checkpoint of this size is checked against the records' root here.
        while let Some(cp) = pending.take() {
            if cp.size() > size {
                pending = Some(cp);
                break;
            }
            if *cp.root() != walk.range.root() {
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
        // After a first mismatch the tree file is out of step: stop comparing. A tree file
        // that ends early may just lag the records after a crash: nothing to compare.
        match walk.next(first_tree_mismatch.is_none())? {
            None => break,
            Some(TreeCheck::Mismatch) => first_tree_mismatch = Some(size),
            Some(TreeCheck::Match | TreeCheck::TreeEnded) => {}
        }
    }
    if let Some(cp) = pending {
        return Err(
            AuditError::tampered(TamperKind::RecordMissing, walk.size().min(cp.size())).into(),
        );
    }
    if let Some(j) = first_tree_mismatch {
        return Err(AuditError::tampered(TamperKind::RecordMismatch, j).into());
    }
    Ok(LogSummary {
        records: walk.size(),
        checkpoints: cps.count,
        latest: cps.last,
    })
}
