//! Where a log lives: the [`Storage`] trait and the embedded append-only directory backend.
//!
//! A directory log holds four files:
//!
//! - `log.json`: the configuration ([`LogConfig`]), written once at creation;
//! - `records.jsonl`: one record per line, the bytes exactly as appended, then `\n`;
//! - `tree`: the Merkle tree's hashes, 32 bytes each, in stored-hash order (leaf `n`'s hash, then
//!   every complete subtree it closes; see [`super::merkle`]), derived from the records;
//! - `checkpoints.jsonl`: one JSON string per line, each a signed checkpoint exactly as issued.
//!
//! Nothing is ever rewritten: records and hashes are appended, and the files only ever shrink
//! when reopening cuts a torn tail (an unterminated last line, a partial hash) left by a crash,
//! or drops tree hashes past the last record (the tree is derived data and is recomputed).
//!
//! **Durability.** [`Storage::sync`] writes out everything appended and `fdatasync`s the
//! records, then the tree. A checkpoint is appended only after the records it covers are
//! durable, and is itself synced before it counts as issued. Whether `sync` runs after every
//! record or once per batch is the log's [`FsyncPolicy`](super::FsyncPolicy).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::error::AuditError;
use super::merkle::{
    CompactRange, Hash, SubtreeSource, size_for_stored_count, stored_hash_count, stored_hash_index,
};
use super::{FsyncPolicy, MAX_RECORD_LEN};

const CONFIG: &str = "log.json";
const RECORDS: &str = "records.jsonl";
const TREE: &str = "tree";
const CHECKPOINTS: &str = "checkpoints.jsonl";
/// Write buffered data out once this much has accumulated.
const WRITE_BUFFER: usize = 256 * 1024;

/// A log's configuration, stored at creation (`log.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// Format version (1).
    pub version: u32,
    /// The checkpoint origin (the log's unique name, first line of every checkpoint).
    pub origin: String,
    /// The signing key's algorithm.
    pub algorithm: String,
    /// Seal a checkpoint once this many records are not covered by one.
    pub every: u64,
    /// Seal a checkpoint once the oldest uncovered record is this many milliseconds old.
    pub interval_ms: u64,
    /// `"record"` or `"batch"` (see [`FsyncPolicy`]).
    pub fsync: FsyncPolicy,
    /// Where tools (the CLI) find the signing key; the library never reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_path: Option<String>,
}

impl LogConfig {
    /// Read the configuration of the log in `dir` (`log.json`).
    pub fn load(dir: &Path) -> Result<Self, AuditError> {
        read_config(dir)
    }
}

/// Reads records in order.
pub trait RecordReader {
    /// Read the next record into `buf` (cleared first); `false` at the end.
    fn next_record(&mut self, buf: &mut Vec<u8>) -> Result<bool, AuditError>;
}

/// Reads stored checkpoints in order.
pub trait CheckpointReader {
    /// The next stored checkpoint, or `None` at the end.
    fn next_checkpoint(&mut self) -> Result<Option<String>, AuditError>;
}

/// A log's persistent state: records, the tree's stored hashes and checkpoints.
///
/// All methods take `&self` (implementations synchronize internally): the log's writer appends
/// records while its background signer appends checkpoints. Only one writer may use a log at a
/// time; readers may run beside it and see what was synced when they started.
pub trait Storage: Send + Sync {
    /// The configuration.
    fn config(&self) -> &LogConfig;
    /// The number of records appended (synced or not).
    fn len(&self) -> u64;
    /// Is the log empty?
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Append one record (without newline) and the stored hashes it produced.
    fn append(&self, record: &[u8], stored: &[Hash]) -> Result<(), AuditError>;
    /// Make every appended record and hash durable.
    fn sync(&self) -> Result<(), AuditError>;
    /// Read stored hashes from position `pos` into `out`; returns how many were read (fewer at
    /// the end of what is synced).
    fn read_hashes(&self, pos: u64, out: &mut [Hash]) -> Result<usize, AuditError>;
    /// Read records from index `from`, up to what was synced when called.
    fn records(&self, from: u64) -> Result<Box<dyn RecordReader + '_>, AuditError>;
    /// Append a signed checkpoint and make it durable.
    fn append_checkpoint(&self, stored: &str) -> Result<(), AuditError>;
    /// Read the stored checkpoints, oldest first.
    fn checkpoints(&self) -> Result<Box<dyn CheckpointReader + '_>, AuditError>;
}

/// Complete-subtree access over any storage (one hash read each).
pub(crate) struct StoredTree<'a, S: Storage + ?Sized>(pub(crate) &'a S);

impl<S: Storage + ?Sized> SubtreeSource for StoredTree<'_, S> {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        let mut h = [[0u8; 32]; 1];
        match self
            .0
            .read_hashes(stored_hash_index(level, index), &mut h)?
        {
            1 => Ok(h[0]),
            _ => Err(AuditError::IndexOutOfRange),
        }
    }
}

/// The right edge of the stored tree of `size` leaves.
pub(crate) fn compact_range_of(
    storage: &(impl Storage + ?Sized),
    size: u64,
) -> Result<CompactRange, AuditError> {
    let tree = StoredTree(storage);
    let mut hashes = Vec::new();
    let mut start = 0u64;
    for level in (0..64u32).rev() {
        if size & (1u64 << level) != 0 {
            hashes.push(tree.subtree(level, start >> level)?);
            start += 1u64 << level;
        }
    }
    CompactRange::from_parts(size, hashes).ok_or(AuditError::IndexOutOfRange)
}

struct Writer {
    records: File,
    tree: File,
    rec_buf: Vec<u8>,
    tree_buf: Vec<u8>,
    len: u64,
    /// Records and hashes written to the files (not necessarily synced).
    written_len: u64,
    synced_len: u64,
    synced_records_bytes: u64,
    records_bytes: u64,
}

/// The embedded backend: an append-only directory (see the module docs for its files).
pub struct DirStorage {
    dir: PathBuf,
    config: LogConfig,
    writer: Option<Mutex<Writer>>,
    checkpoints: Mutex<()>,
    /// For read-only opens: the sizes seen at open.
    ro_len: u64,
    ro_records_bytes: u64,
}

impl core::fmt::Debug for DirStorage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DirStorage")
            .field("dir", &self.dir)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

fn sync_dir(dir: &Path) -> Result<(), AuditError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

fn read_config(dir: &Path) -> Result<LogConfig, AuditError> {
    let mut f = match File::open(dir.join(CONFIG)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AuditError::NotALog),
        Err(e) => return Err(e.into()),
    };
    let mut s = String::new();
    Read::by_ref(&mut f)
        .take(64 * 1024)
        .read_to_string(&mut s)
        .map_err(|_| AuditError::Config)?;
    let c: LogConfig = serde_json::from_str(&s).map_err(|_| AuditError::Config)?;
    if c.version != 1 || c.every == 0 || c.origin.is_empty() {
        return Err(AuditError::Config);
    }
    Ok(c)
}

/// Scan `records.jsonl`: the number of complete lines, the byte length they span, and the byte
/// offset where line `want` starts (if it exists).
fn scan_records(f: &File, want: u64) -> Result<(u64, u64, Option<u64>), AuditError> {
    let mut r = BufReader::with_capacity(1 << 20, f);
    r.seek(SeekFrom::Start(0))?;
    let (mut lines, mut pos, mut want_off) = (0u64, 0u64, None);
    let mut line_start = 0u64;
    if want == 0 {
        want_off = Some(0);
    }
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        for i in memchr::memchr_iter(b'\n', buf) {
            lines += 1;
            line_start = pos + i as u64 + 1;
            if lines == want {
                want_off = Some(line_start);
            }
        }
        pos += n as u64;
        r.consume(n);
    }
    Ok((lines, line_start, want_off))
}

impl DirStorage {
    /// Create a new log in `dir` (created if missing; refused unless empty).
    pub fn create(dir: &Path, config: LogConfig) -> Result<Self, AuditError> {
        if config.version != 1 || config.every == 0 || config.origin.is_empty() {
            return Err(AuditError::Config);
        }
        fs::create_dir_all(dir)?;
        if fs::read_dir(dir)?.next().is_some() {
            return Err(AuditError::NotEmpty);
        }
        for name in [RECORDS, TREE, CHECKPOINTS] {
            let f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(name))?;
            f.sync_all()?;
        }
        let json = serde_json::to_vec_pretty(&config).map_err(|_| AuditError::Config)?;
        let tmp = dir.join(".log.json.tmp");
        {
            let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            f.write_all(&json)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
        }
        fs::rename(&tmp, dir.join(CONFIG))?;
        sync_dir(dir)?;
        Self::open(dir)
    }

    /// Open an existing log for appending, repairing what a crash can leave: an unterminated
    /// last record or checkpoint line and a partial hash are cut; tree hashes past the last
    /// record are dropped and missing ones recomputed from the records.
    pub fn open(dir: &Path) -> Result<Self, AuditError> {
        let config = read_config(dir)?;
        let records = OpenOptions::new()
            .read(true)
            .append(true)
            .open(dir.join(RECORDS))?;
        let tree = OpenOptions::new()
            .read(true)
            .write(true)
            .open(dir.join(TREE))?;
        // The tree first: it tells from which record on hashes must be recomputed.
        let tree_count = tree.metadata()?.len() / 32;
        let tree_size = size_for_stored_count(tree_count);
        let (len, bytes, tail_off) = scan_records(&records, tree_size)?;
        if records.metadata()?.len() != bytes {
            records.set_len(bytes)?;
            records.sync_all()?;
        }
        let keep = stored_hash_count(tree_size.min(len));
        if tree.metadata()?.len() != keep * 32 {
            tree.set_len(keep * 32)?;
            tree.sync_all()?;
        }
        let cp = OpenOptions::new()
            .read(true)
            .write(true)
            .open(dir.join(CHECKPOINTS))?;
        let (_, cp_bytes, _) = scan_records(&cp, 0)?;
        if cp.metadata()?.len() != cp_bytes {
            cp.set_len(cp_bytes)?;
            cp.sync_all()?;
        }
        let mut tree_w = tree;
        tree_w.seek(SeekFrom::End(0))?;
        let s = Self {
            dir: dir.to_owned(),
            config,
            writer: Some(Mutex::new(Writer {
                records,
                tree: tree_w,
                rec_buf: Vec::new(),
                tree_buf: Vec::new(),
                len: tree_size.min(len),
                written_len: tree_size.min(len),
                synced_len: tree_size.min(len),
                synced_records_bytes: bytes,
                records_bytes: bytes,
            })),
            checkpoints: Mutex::new(()),
            ro_len: 0,
            ro_records_bytes: 0,
        };
        if tree_size < len {
            s.rebuild_tree(tree_size, len, tail_off.unwrap_or(bytes))?;
        }
        Ok(s)
    }

    /// Recompute the tree hashes of records `from..to` (record `from` starts at byte `off`).
    fn rebuild_tree(&self, from: u64, to: u64, off: u64) -> Result<(), AuditError> {
        let mut range = compact_range_of(self, from)?;
        let mut r = BufReader::new(File::open(self.dir.join(RECORDS))?);
        r.seek(SeekFrom::Start(off))?;
        let mut stored = Vec::new();
        let mut line = Vec::new();
        let mut hashes = Vec::new();
        for _ in from..to {
            line.clear();
            r.read_until(b'\n', &mut line)?;
            let rec = line
                .strip_suffix(b"\n")
                .ok_or(AuditError::Io(std::io::ErrorKind::UnexpectedEof))?;
            stored.clear();
            range.push(super::merkle::leaf_hash(rec), |h| stored.push(*h));
            hashes.extend_from_slice(&stored);
        }
        let mut w = self.lock()?;
        for h in &hashes {
            w.tree_buf.extend_from_slice(h);
        }
        w.len = to;
        let bytes = w.records_bytes;
        w.written_len = w.len;
        w.synced_records_bytes = bytes;
        let buf = std::mem::take(&mut w.tree_buf);
        w.tree.write_all(&buf)?;
        w.tree.sync_data()?;
        w.synced_len = to;
        Ok(())
    }

    /// Open a log read-only (for verification): nothing is repaired; an unterminated last line
    /// is ignored.
    pub fn open_read_only(dir: &Path) -> Result<Self, AuditError> {
        let config = read_config(dir)?;
        let records = File::open(dir.join(RECORDS))?;
        let (len, bytes, _) = scan_records(&records, 0)?;
        Ok(Self {
            dir: dir.to_owned(),
            config,
            writer: None,
            checkpoints: Mutex::new(()),
            ro_len: len,
            ro_records_bytes: bytes,
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Writer>, AuditError> {
        match &self.writer {
            Some(m) => m.lock().map_err(|_| AuditError::SignerStopped),
            None => Err(AuditError::Io(std::io::ErrorKind::ReadOnlyFilesystem)),
        }
    }

    /// (synced records, their bytes) as readers see them.
    fn visible(&self) -> Result<(u64, u64), AuditError> {
        match &self.writer {
            Some(_) => {
                let w = self.lock()?;
                Ok((w.synced_len, w.synced_records_bytes))
            }
            None => Ok((self.ro_len, self.ro_records_bytes)),
        }
    }
}

fn flush(w: &mut Writer) -> Result<(), AuditError> {
    if !w.rec_buf.is_empty() {
        w.records.write_all(&w.rec_buf)?;
        w.rec_buf.clear();
    }
    if !w.tree_buf.is_empty() {
        w.tree.write_all(&w.tree_buf)?;
        w.tree_buf.clear();
    }
    w.written_len = w.len;
    Ok(())
}

impl Storage for DirStorage {
    fn config(&self) -> &LogConfig {
        &self.config
    }

    fn len(&self) -> u64 {
        match &self.writer {
            Some(m) => m.lock().map(|w| w.len).unwrap_or(0),
            None => self.ro_len,
        }
    }

    fn append(&self, record: &[u8], stored: &[Hash]) -> Result<(), AuditError> {
        if record.len() > MAX_RECORD_LEN {
            return Err(AuditError::RecordTooLarge);
        }
        let mut w = self.lock()?;
        w.rec_buf.extend_from_slice(record);
        w.rec_buf.push(b'\n');
        for h in stored {
            w.tree_buf.extend_from_slice(h);
        }
        w.len += 1;
        w.records_bytes += record.len() as u64 + 1;
        if w.rec_buf.len() >= WRITE_BUFFER || w.tree_buf.len() >= WRITE_BUFFER {
            flush(&mut w)?;
        }
        Ok(())
    }

    fn sync(&self) -> Result<(), AuditError> {
        let mut w = self.lock()?;
        if w.synced_len == w.len {
            return Ok(());
        }
        flush(&mut w)?;
        // Records first: a tree hash never becomes durable before its record.
        w.records.sync_data()?;
        w.tree.sync_data()?;
        w.synced_len = w.len;
        w.synced_records_bytes = w.records_bytes;
        Ok(())
    }

    fn read_hashes(&self, pos: u64, out: &mut [Hash]) -> Result<usize, AuditError> {
        let (synced, _) = self.visible()?;
        let f = File::open(self.dir.join(TREE))?;
        // What is synced, and (read-only, after a crash or tampering) what the file holds.
        let total = stored_hash_count(synced).min(f.metadata()?.len() / 32);
        if pos >= total {
            return Ok(0);
        }
        let n = (out.len() as u64).min(total - pos) as usize;
        let mut bytes = vec![0u8; n * 32];
        f.read_exact_at(&mut bytes, pos * 32)?;
        for (o, c) in out.iter_mut().zip(bytes.chunks_exact(32)) {
            o.copy_from_slice(c);
        }
        Ok(n)
    }

    fn records(&self, from: u64) -> Result<Box<dyn RecordReader + '_>, AuditError> {
        let (len, bytes) = self.visible()?;
        let f = File::open(self.dir.join(RECORDS))?;
        let mut r = BufReader::with_capacity(1 << 20, f.take(bytes));
        let mut line = Vec::new();
        let mut i = 0;
        while i < from.min(len) {
            line.clear();
            r.read_until(b'\n', &mut line)?;
            i += 1;
        }
        Ok(Box::new(DirRecords {
            r,
            left: len.saturating_sub(from),
        }))
    }

    fn append_checkpoint(&self, stored: &str) -> Result<(), AuditError> {
        let _guard = self
            .checkpoints
            .lock()
            .map_err(|_| AuditError::SignerStopped)?;
        let mut line = serde_json::to_string(stored).map_err(|_| AuditError::CheckpointFormat)?;
        line.push('\n');
        let mut f = OpenOptions::new()
            .append(true)
            .open(self.dir.join(CHECKPOINTS))?;
        f.write_all(line.as_bytes())?;
        f.sync_data()?;
        Ok(())
    }

    fn checkpoints(&self) -> Result<Box<dyn CheckpointReader + '_>, AuditError> {
        let f = File::open(self.dir.join(CHECKPOINTS))?;
        Ok(Box::new(DirCheckpoints {
            r: BufReader::new(f),
            line: Vec::new(),
        }))
    }
}

struct DirRecords<R> {
    r: BufReader<R>,
    left: u64,
}

impl<R: Read> RecordReader for DirRecords<R> {
    fn next_record(&mut self, buf: &mut Vec<u8>) -> Result<bool, AuditError> {
        buf.clear();
        if self.left == 0 {
            return Ok(false);
        }
        // Bounded: a line longer than the record limit is malformed, not read whole.
        let n = self
            .r
            .by_ref()
            .take(MAX_RECORD_LEN as u64 + 1)
            .read_until(b'\n', buf)?;
        if buf.pop() != Some(b'\n') {
            // An overlong line, or the file shrank since it was opened.
            return Err(if n > MAX_RECORD_LEN {
                AuditError::RecordTooLarge
            } else {
                AuditError::Io(std::io::ErrorKind::UnexpectedEof)
            });
        }
        self.left -= 1;
        Ok(true)
    }
}

struct DirCheckpoints {
    r: BufReader<File>,
    line: Vec<u8>,
}

impl CheckpointReader for DirCheckpoints {
    fn next_checkpoint(&mut self) -> Result<Option<String>, AuditError> {
        self.line.clear();
        let limit = (super::checkpoint::MAX_CHECKPOINT_LEN * 2) as u64;
        let n = (&mut self.r)
            .take(limit)
            .read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Ok(None);
        }
        if self.line.pop() != Some(b'\n') {
            // An unterminated last line is a torn tail: not issued.
            return if n as u64 >= limit {
                Err(AuditError::CheckpointFormat)
            } else {
                Ok(None)
            };
        }
        serde_json::from_slice::<String>(&self.line)
            .map(Some)
            .map_err(|_| AuditError::CheckpointFormat)
    }
}
