//! [`AuditLog`]: append records, seal checkpoints in the background, prove inclusion.
//!
//! The sealing rules are a sans-I/O state machine, [`SealSchedule`], fed with the durable tree
//! size and the time in milliseconds; the log drives it from its writer (after each sync) and
//! from a background signer thread (at the schedule's deadlines). Appending never waits for a
//! signature: seal requests go to a queue the signer thread drains, signing with the log's key
//! and storing the checkpoint once the records it covers are durable.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::checkpoint::{Checkpoint, CheckpointSigner, verify_checkpoint};
use super::error::{AuditError, TamperKind};
use super::merkle::{CompactRange, Hash, leaf_hash, root_at};
use super::proof::{InclusionProof, prove_inclusion};
use super::storage::{DirStorage, LogConfig, Storage, StoredTree, compact_range_of};
use super::verify::check_records_against_tree;
use super::{FsyncPolicy, MAX_RECORD_LEN, latest_checkpoint};
use crate::error::Error;
use crate::keys::{SigningKey, VerifyingKey};
use crate::time::{Clock, SystemClock};

/// At most this many seal requests wait for the signer; beyond, the newest replaces the last
/// (a slow signer then signs fewer, larger checkpoints).
const MAX_PENDING_SEALS: usize = 1024;

/// When to seal: every `every` records, or once the oldest uncovered durable record is
/// `interval_ms` old. Sans-I/O: the caller supplies the durable size and the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealSchedule {
    every: u64,
    interval_ms: u64,
    covered: u64,
    oldest_uncovered_ms: Option<u64>,
}

impl SealSchedule {
    /// A schedule whose latest requested (or stored) checkpoint covers `covered` records.
    pub fn new(every: u64, interval_ms: u64, covered: u64) -> Self {
        Self {
            every: every.max(1),
            interval_ms,
            covered,
            oldest_uncovered_ms: None,
        }
    }

    /// The tree size the latest seal request covers.
    pub fn covered(&self) -> u64 {
        self.covered
    }

    /// Would `size` records reach the count trigger?
    pub fn due_by_count(&self, size: u64) -> bool {
        size.saturating_sub(self.covered) >= self.every
    }

    /// `durable` records are durable at `now_ms`: the tree size to seal now, if any.
    pub fn poll(&mut self, durable: u64, now_ms: u64) -> Option<u64> {
        if durable <= self.covered {
            self.oldest_uncovered_ms = None;
            return None;
        }
        let oldest = *self.oldest_uncovered_ms.get_or_insert(now_ms);
        if self.due_by_count(durable) || now_ms.saturating_sub(oldest) >= self.interval_ms {
            self.take(durable)
        } else {
            None
        }
    }

    /// Seal now whatever is durable and not covered (an explicit seal).
    pub fn force(&mut self, durable: u64) -> Option<u64> {
        if durable > self.covered {
            self.take(durable)
        } else {
            None
        }
    }

    fn take(&mut self, durable: u64) -> Option<u64> {
        self.covered = durable;
        self.oldest_uncovered_ms = None;
        Some(durable)
    }

    /// When the time trigger fires next (milliseconds), if records are waiting.
    pub fn deadline(&self) -> Option<u64> {
        self.oldest_uncovered_ms
            .map(|t| t.saturating_add(self.interval_ms))
    }
}

/// How to create a log.
#[derive(Clone)]
pub struct LogOptions {
    origin: Option<String>,
    every: u64,
    interval_ms: u64,
    fsync: FsyncPolicy,
    clock: Arc<dyn Clock>,
    key_path: Option<String>,
}

impl core::fmt::Debug for LogOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LogOptions")
            .field("origin", &self.origin)
            .field("every", &self.every)
            .field("interval_ms", &self.interval_ms)
            .field("fsync", &self.fsync)
            .finish_non_exhaustive()
    }
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            origin: None,
            every: 1000,
            interval_ms: 1000,
            fsync: FsyncPolicy::Batch,
            clock: Arc::new(SystemClock),
            key_path: None,
        }
    }
}

impl LogOptions {
    /// Defaults: seal every 1000 records or 1000 ms, batched fsync, origin
    /// `pqjose.audit/<key thumbprint>`, system clock.
    pub fn new() -> Self {
        Self::default()
    }
    /// The checkpoint origin (non-empty; no spaces, `+` or control characters).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
    /// Seal once this many records are uncovered (at least 1).
    pub fn every(mut self, n: u64) -> Self {
        self.every = n.max(1);
        self
    }
    /// Seal once the oldest uncovered record is this many milliseconds old.
    pub fn interval_ms(mut self, ms: u64) -> Self {
        self.interval_ms = ms;
        self
    }
    /// The fsync policy.
    pub fn fsync(mut self, policy: FsyncPolicy) -> Self {
        self.fsync = policy;
        self
    }
    /// The clock for checkpoint times.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// Record where tools find the signing key (stored in `log.json`; never read by the
    /// library).
    pub fn key_path(mut self, path: impl Into<String>) -> Self {
        self.key_path = Some(path.into());
        self
    }
}

fn valid_origin(o: &str) -> bool {
    !o.is_empty()
        && o.len() <= 1024
        && !o
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
}

/// A record appended to the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Its index (0-based).
    pub index: u64,
    /// Its leaf hash, `SHA-256(0x00 ‖ record)`.
    pub leaf_hash: Hash,
}

/// Check that `record` is one JSON object on one line.
pub(crate) fn check_record(record: &[u8]) -> Result<(), AuditError> {
    if record.len() > MAX_RECORD_LEN {
        return Err(AuditError::RecordTooLarge);
    }
    if record.contains(&b'\n')
        || record.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
        || serde_json::from_slice::<serde::de::IgnoredAny>(record).is_err()
    {
        return Err(AuditError::RecordNotObject);
    }
    Ok(())
}

struct State {
    sched: SealSchedule,
    durable: u64,
    queue: VecDeque<u64>,
    busy: bool,
    latest: Option<(u64, String)>,
    error: Option<AuditError>,
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    cv: Condvar,
    start: Instant,
}

impl Shared {
    fn lock(&self) -> Result<MutexGuard<'_, State>, AuditError> {
        self.state.lock().map_err(|_| AuditError::SignerStopped)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn enqueue(st: &mut State, size: u64) {
    if st.queue.len() >= MAX_PENDING_SEALS {
        st.queue.pop_back();
    }
    st.queue.push_back(size);
}

/// A signed, tamper-evident log (see the [module docs](crate::audit)). One writer per log.
pub struct AuditLog<S: Storage + 'static = DirStorage> {
    storage: Arc<S>,
    range: CompactRange,
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
    fsync: FsyncPolicy,
    covered: u64,
    scratch: Vec<Hash>,
    verifier: VerifyingKey,
}

impl<S: Storage + 'static> core::fmt::Debug for AuditLog<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuditLog")
            .field("size", &self.range.size())
            .finish_non_exhaustive()
    }
}

impl AuditLog<DirStorage> {
    /// Create a log in directory `dir` (created; refused unless empty) and sign its size-0
    /// checkpoint.
    pub fn create(dir: &Path, key: SigningKey, options: LogOptions) -> Result<Self, Error> {
        let signer = CheckpointSigner::new(key)?;
        let origin = match &options.origin {
            Some(o) => o.clone(),
            None => format!("pqjose.audit/{}", signer.verifying_key()?.thumbprint()?),
        };
        if !valid_origin(&origin) {
            return Err(AuditError::Config.into());
        }
        let config = LogConfig {
            version: 1,
            origin,
            algorithm: signer.algorithm().as_str().to_owned(),
            every: options.every,
            interval_ms: options.interval_ms,
            fsync: options.fsync,
            key_path: options.key_path.clone(),
        };
        let storage = DirStorage::create(dir, config)?;
        let mut log = Self::start(storage, signer, options.clock)?;
        log.seal()?;
        Ok(log)
    }

    /// Open the log in `dir` for appending with its signing key. A crash's torn tail is cut;
    /// every record is rehashed and compared with the stored tree (streaming: the cost of
    /// reading and hashing the records once, about the cost of [`verify_log`] without its
    /// signature checks), and the latest checkpoint must verify with `key` and match that tree.
    /// The first record that differs is named in [`AuditError::Tampered`].
    ///
    /// [`verify_log`]: super::verify_log
    pub fn open(dir: &Path, key: SigningKey) -> Result<Self, Error> {
        Self::open_with_clock(dir, key, Arc::new(SystemClock))
    }

    /// [`AuditLog::open`] with a clock for checkpoint times.
    pub fn open_with_clock(
        dir: &Path,
        key: SigningKey,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let storage = DirStorage::open(dir)?;
        Self::with_storage(storage, key, clock)
    }
}

impl<S: Storage + 'static> AuditLog<S> {
    /// Run a log over any [`Storage`] (created with its configuration). The records are checked
    /// against the stored tree and the latest checkpoint against the key and the tree, as in
    /// [`AuditLog::open`]. An empty log without a checkpoint gets its size-0 checkpoint.
    pub fn with_storage(storage: S, key: SigningKey, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        let signer = CheckpointSigner::new(key)?;
        let mut log = Self::start(storage, signer, clock)?;
        if log.shared.lock()?.latest.is_none() {
            log.seal()?;
        }
        Ok(log)
    }

    fn start(storage: S, signer: CheckpointSigner, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        let config = storage.config().clone();
        if config.algorithm != signer.algorithm().as_str() {
            return Err(AuditError::UnsuitableKey.into());
        }
        let verifier = signer.verifying_key()?;
        storage.sync()?;
        let len = storage.len();
        // The records must be the ones the tree was built from: the checkpoints below are
        // checked against the tree, and new appends extend it.
        check_records_against_tree(&storage, len)?;
        let latest = match latest_checkpoint(&storage)? {
            None => None,
            Some(text) => {
                let cp = verify_checkpoint(&verifier, &text).map_err(|e| match e {
                    Error::InvalidSignature => AuditError::UnsuitableKey.into(),
                    e => e,
                })?;
                if cp.origin() != config.origin {
                    return Err(AuditError::CheckpointOrigin.into());
                }
                if cp.size() > len {
                    return Err(AuditError::tampered(TamperKind::RecordMissing, len).into());
                }
                if root_at(&StoredTree(&storage), cp.size())? != *cp.root() {
                    return Err(AuditError::tampered(TamperKind::CheckpointRoot, cp.size()).into());
                }
                Some((cp.size(), text))
            }
        };
        let range = compact_range_of(&storage, len)?;
        let covered = latest.as_ref().map_or(0, |(s, _)| *s);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                sched: SealSchedule::new(config.every, config.interval_ms, covered),
                durable: len,
                queue: VecDeque::new(),
                busy: false,
                latest,
                error: None,
                stop: false,
            }),
            cv: Condvar::new(),
            start: Instant::now(),
        });
        let storage = Arc::new(storage);
        let worker = {
            let (storage, shared) = (Arc::clone(&storage), Arc::clone(&shared));
            let origin = config.origin.clone();
            std::thread::Builder::new()
                .name("pqjose-audit-signer".into())
                .spawn(move || signer_loop(&*storage, &shared, &signer, &origin, &*clock))
                .map_err(|_| AuditError::SignerStopped)?
        };
        Ok(Self {
            storage,
            range,
            shared,
            worker: Some(worker),
            fsync: config.fsync,
            covered,
            scratch: Vec::new(),
            verifier,
        })
    }

    /// The number of records appended.
    pub fn size(&self) -> u64 {
        self.range.size()
    }

    /// The storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The public key that verifies this log's checkpoints.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifier
    }

    /// Append one record: one JSON object on one line, stored byte for byte.
    ///
    /// Under [`FsyncPolicy::Record`] the record is durable when this returns. Under
    /// [`FsyncPolicy::Batch`] it is durable after the next [`AuditLog::sync`] (also run when a
    /// checkpoint is due by count, by [`AuditLog::seal`] and on close): acknowledge records to
    /// others only after that.
    pub fn append(&mut self, record: &[u8]) -> Result<Appended, Error> {
        check_record(record)?;
        let leaf = leaf_hash(record);
        let index = self.range.size();
        self.scratch.clear();
        let scratch = &mut self.scratch;
        let mut next = self.range.clone();
        next.push(leaf, |h| scratch.push(*h));
        self.storage.append(record, &self.scratch)?;
        self.range = next;
        let size = self.range.size();
        if self.fsync == FsyncPolicy::Record || size.saturating_sub(self.covered) >= self.every() {
            self.sync()?;
        }
        Ok(Appended {
            index,
            leaf_hash: leaf,
        })
    }

    /// Append a typed action record (serialized as compact JSON).
    pub fn append_record(&mut self, record: &super::ActionRecord) -> Result<Appended, Error> {
        let json = serde_json::to_vec(record).map_err(|_| AuditError::RecordNotObject)?;
        self.append(&json)
    }

    fn every(&self) -> u64 {
        self.storage.config().every.max(1)
    }

    /// Make every appended record durable; returns the durable size. Seals a checkpoint when
    /// one is due.
    pub fn sync(&mut self) -> Result<u64, Error> {
        self.storage.sync()?;
        let size = self.range.size();
        let mut st = self.shared.lock()?;
        if let Some(e) = &st.error {
            return Err(e.clone().into());
        }
        st.durable = size;
        let now = self.shared.now_ms();
        if let Some(s) = st.sched.poll(size, now) {
            enqueue(&mut st, s);
        }
        self.covered = st.sched.covered();
        self.shared.cv.notify_all();
        Ok(size)
    }

    /// Sync, then sign a checkpoint of everything appended unless the latest already covers it,
    /// and wait for it. Returns the latest stored checkpoint.
    pub fn seal(&mut self) -> Result<String, Error> {
        self.sync()?;
        let size = self.range.size();
        let mut st = self.shared.lock()?;
        if let Some(s) = st.sched.force(size) {
            enqueue(&mut st, s);
        } else if st.latest.is_none() && st.queue.is_empty() && !st.busy {
            enqueue(&mut st, size);
        }
        self.covered = st.sched.covered();
        self.shared.cv.notify_all();
        loop {
            if let Some(e) = &st.error {
                return Err(e.clone().into());
            }
            match &st.latest {
                Some((s, text)) if *s >= size && st.queue.is_empty() && !st.busy => {
                    return Ok(text.clone());
                }
                _ => {}
            }
            st = self
                .shared
                .cv
                .wait(st)
                .map_err(|_| AuditError::SignerStopped)?;
        }
    }

    /// Wait until every requested checkpoint is signed and stored.
    pub fn wait_sealed(&self) -> Result<(), Error> {
        let mut st = self.shared.lock()?;
        while !st.queue.is_empty() || st.busy {
            if let Some(e) = &st.error {
                return Err(e.clone().into());
            }
            st = self
                .shared
                .cv
                .wait(st)
                .map_err(|_| AuditError::SignerStopped)?;
        }
        Ok(())
    }

    /// The latest stored checkpoint, as stored.
    pub fn latest_checkpoint(&self) -> Result<Option<String>, Error> {
        Ok(self.shared.lock()?.latest.as_ref().map(|(_, t)| t.clone()))
    }

    /// An inclusion proof for record `index` against the checkpoint of tree size `size`
    /// (default: the latest).
    pub fn prove(&self, index: u64, size: Option<u64>) -> Result<InclusionProof, Error> {
        prove_inclusion(&*self.storage, index, size)
    }

    /// Sync, wait for pending checkpoints, and stop the signer thread.
    pub fn close(mut self) -> Result<(), Error> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), Error> {
        let synced = self.sync().map(|_| ());
        let waited = self.wait_sealed();
        if let Ok(mut st) = self.shared.lock() {
            st.stop = true;
            self.shared.cv.notify_all();
        }
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        synced.and(waited)
    }
}

impl<S: Storage + 'static> Drop for AuditLog<S> {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

fn seal_one(
    storage: &(impl Storage + ?Sized),
    signer: &CheckpointSigner,
    origin: &str,
    clock: &dyn Clock,
    size: u64,
) -> Result<String, Error> {
    let root = root_at(&StoredTree(storage), size)?;
    let cp = Checkpoint::new(origin, size, root, clock.now().as_secs());
    let text = signer.sign(&cp)?;
    storage.append_checkpoint(&text)?;
    Ok(text)
}

fn signer_loop(
    storage: &(impl Storage + ?Sized),
    shared: &Shared,
    signer: &CheckpointSigner,
    origin: &str,
    clock: &dyn Clock,
) {
    let Ok(mut st) = shared.lock() else { return };
    loop {
        if st.error.is_some() {
            shared.cv.notify_all();
            return;
        }
        if let Some(size) = st.queue.pop_front() {
            st.busy = true;
            drop(st);
            let result = seal_one(storage, signer, origin, clock, size);
            let Ok(next) = shared.lock() else { return };
            st = next;
            st.busy = false;
            match result {
                Ok(text) => st.latest = Some((size, text)),
                Err(_) => st.error = Some(AuditError::SignerStopped),
            }
            shared.cv.notify_all();
            continue;
        }
        if st.stop {
            return;
        }
        let now = shared.now_ms();
        let durable = st.durable;
        if let Some(size) = st.sched.poll(durable, now) {
            enqueue(&mut st, size);
            continue;
        }
        let next = match st.sched.deadline() {
            Some(d) => shared
                .cv
                .wait_timeout(st, Duration::from_millis(d.saturating_sub(now).max(1)))
                .ok()
                .map(|(g, _)| g),
            None => shared.cv.wait(st).ok(),
        };
        match next {
            Some(g) => st = g,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_by_count_and_time() {
        let mut s = SealSchedule::new(3, 100, 0);
        assert_eq!(s.poll(0, 0), None);
        assert_eq!(s.deadline(), None);
        assert_eq!(s.poll(1, 10), None);
        assert_eq!(s.deadline(), Some(110));
        assert_eq!(s.poll(2, 50), None);
        assert_eq!(s.poll(3, 60), Some(3), "count trigger");
        assert_eq!(s.deadline(), None);
        assert_eq!(s.poll(4, 200), None);
        assert_eq!(s.poll(4, 299), None);
        assert_eq!(
            s.poll(4, 300),
            Some(4),
            "time trigger: oldest uncovered is 100 ms old"
        );
        assert_eq!(s.force(4), None, "nothing new");
        assert_eq!(s.poll(5, 301), None);
        assert_eq!(s.force(5), Some(5));
        assert!(s.due_by_count(8));
        assert!(!s.due_by_count(7));
    }

    #[test]
    fn records_must_be_one_json_object() {
        assert!(check_record(br#"{"a":1}"#).is_ok());
        assert!(check_record(br#"  {"a":1} "#).is_ok());
        for bad in [
            &b"[1]"[..],
            b"1",
            b"{",
            b"{\"a\":1}\n",
            b"{} {}",
            b"",
            b"\"x\"",
        ] {
            assert_eq!(
                check_record(bad),
                Err(AuditError::RecordNotObject),
                "{bad:?}"
            );
        }
    }
}
