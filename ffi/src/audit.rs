//! `pqj_audit_log`: the signed, tamper-evident audit log (append, sync, seal, prove) and the
//! checks anyone can run with the public key (whole-log verification, proof checking).

use core::ffi::c_char;
use std::path::Path;
use std::sync::{Arc, Mutex};

use pqjose::audit::{
    AuditLog, ConsistencyProof, DirStorage, FsyncPolicy, InclusionProof, LogOptions, MAX_PROOF_LEN,
    MAX_RECORD_LEN, prove_consistency, verify_log,
};

use crate::boundary::{guard, guard_value};
use crate::error::{Failure, pqj_error};
use crate::key::pqj_key;
use crate::ptr;
use crate::status::pqj_status;

/// An open audit log (one writer). Checkpoints are signed by a background thread, so appending
/// never waits for a signature.
///
/// Thread safety: calls on one handle are serialized by an internal lock, so a handle may be
/// used from any thread; free it once, when no other thread is using it.
pub struct pqj_audit_log {
    log: Mutex<Option<AuditLog>>,
}

fn with_log<T>(
    log: *const pqj_audit_log,
    f: impl FnOnce(&mut AuditLog) -> Result<T, pqjose::Error>,
) -> Result<T, Failure> {
    let handle = ptr::box_ref(log, "log")?;
    let mut guard = handle
        .log
        .lock()
        .map_err(|_| Failure::internal("the audit log lock is poisoned"))?;
    let log = guard
        .as_mut()
        .ok_or_else(|| Failure::internal("the audit log is closed"))?;
    Ok(f(log)?)
}

fn signing_key(key: *const pqj_key) -> Result<pqjose::SigningKey, Failure> {
    let key = ptr::arc_clone(key, "key")?;
    // The log owns its key: a copy through the private JWK (zeroized when dropped).
    let jwk = key.signing()?.to_jwk()?;
    Ok(pqjose::SigningKey::from_jwk(&jwk)?)
}

/// A proof document passed in from C: UTF-8, at most `MAX_PROOF_LEN` bytes (longer is a
/// malformed proof, as for the Rust parsers).
fn proof_text<'a>(proof: *const u8, proof_len: usize) -> Result<&'a str, Failure> {
    ptr::text_max(proof, proof_len, "proof", MAX_PROOF_LEN, || {
        Failure::lib(pqjose::AuditError::ProofFormat)
    })
}

/// What `pqj_audit_create` and `pqj_audit_open` share: decode the directory and the key, let
/// `start` create or open the log, and hand the new handle to `*log_out`.
fn start_log(
    dir: *const c_char,
    key: *const pqj_key,
    log_out: *mut *mut pqj_audit_log,
    start: impl FnOnce(&Path, pqjose::SigningKey) -> Result<AuditLog, pqjose::Error>,
) -> Result<(), Failure> {
    let out = ptr::out(log_out, "log_out")?;
    let dir = ptr::cstr(dir, "dir")?;
    let log = start(Path::new(dir), signing_key(key)?)?;
    out.write(ptr::box_into_raw(pqj_audit_log {
        log: Mutex::new(Some(log)),
    }));
    Ok(())
}

/// Create an audit log in directory `dir` (created; refused unless empty), signing checkpoints
/// with the private `key` (any algorithm but HMAC), sealing one every `every` records (0 means
/// the default, 1000) or once the oldest uncovered record is `interval_ms` milliseconds old.
/// `sync_every_record`: sync after each record (else once per `pqj_audit_sync`).
///
/// On success stores a new handle in `*log_out` (free with `pqj_audit_log_free`).
///
/// Thread safety: safe from any thread; `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_create(
    dir: *const c_char,
    key: *const pqj_key,
    every: u64,
    interval_ms: u64,
    sync_every_record: bool,
    log_out: *mut *mut pqj_audit_log,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let mut options = LogOptions::new()
            .interval_ms(interval_ms)
            .fsync(if sync_every_record {
                FsyncPolicy::Record
            } else {
                FsyncPolicy::Batch
            });
        if every > 0 {
            options = options.every(every);
        }
        start_log(dir, key, log_out, |dir, key| {
            AuditLog::create(dir, key, options)
        })
    })
}

/// Open the audit log in directory `dir` for appending, with its private `key`. A crash's torn
/// tail is cut; the latest checkpoint must verify with `key` and match the records.
///
/// On success stores a new handle in `*log_out` (free with `pqj_audit_log_free`).
///
/// Thread safety: safe from any thread; one writer per log directory.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_open(
    dir: *const c_char,
    key: *const pqj_key,
    log_out: *mut *mut pqj_audit_log,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || start_log(dir, key, log_out, AuditLog::open))
}

/// Append one record (`record_len` bytes: one JSON object on one line, stored byte for byte).
/// Unless NULL, `*index_out` receives its index and `leaf_hash_out` (32 bytes) its leaf hash.
/// The record is durable when this returns if the log syncs every record, else after the next
/// `pqj_audit_sync` (acknowledge it to others only then).
///
/// Thread safety: see `pqj_audit_log`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_append(
    log: *const pqj_audit_log,
    record: *const u8,
    record_len: usize,
    index_out: *mut u64,
    leaf_hash_out: *mut u8,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        if record_len > MAX_RECORD_LEN {
            return Err(Failure::lib(pqjose::AuditError::RecordTooLarge));
        }
        let record = ptr::bytes(record, record_len, "record")?;
        let appended = with_log(log, |l| l.append(record))?;
        if !index_out.is_null() {
            ptr::out(index_out, "index_out")?.write(appended.index);
        }
        if !leaf_hash_out.is_null() {
            ptr::out(leaf_hash_out.cast::<[u8; 32]>(), "leaf_hash_out")?.write(appended.leaf_hash);
        }
        Ok(())
    })
}

/// Make every appended record durable. Unless NULL, `*size_out` receives the durable size.
///
/// Thread safety: see `pqj_audit_log`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_sync(
    log: *const pqj_audit_log,
    size_out: *mut u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let size = with_log(log, |l| l.sync())?;
        if !size_out.is_null() {
            ptr::out(size_out, "size_out")?.write(size);
        }
        Ok(())
    })
}

/// Sync, sign a checkpoint of everything appended (unless the latest covers it) and wait for
/// it. On success stores the latest checkpoint, exactly as stored (a signed note for Ed25519
/// keys, else a compact JWS), in `*checkpoint_out` (free with `pqj_string_free`).
///
/// Thread safety: see `pqj_audit_log`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_seal(
    log: *const pqj_audit_log,
    checkpoint_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(checkpoint_out, "checkpoint_out")?;
        let text = with_log(log, |l| l.seal())?;
        out.write_string(text)
    })
}

/// An inclusion proof (JSON `{"index","size","leaf_hash","path","root","checkpoint"}`) for
/// record `index` against the checkpoint of tree size `size`, or the latest checkpoint when
/// `size` is 0. On success stores it in `*proof_out` (free with `pqj_string_free`).
///
/// Thread safety: see `pqj_audit_log`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_prove(
    log: *const pqj_audit_log,
    index: u64,
    size: u64,
    proof_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(proof_out, "proof_out")?;
        let size = (size > 0).then_some(size);
        let proof = with_log(log, |l| l.prove(index, size))?;
        out.write_string(proof.to_json())
    })
}

/// A consistency proof (JSON `{"size1","size2","path","checkpoint1","checkpoint2"}`) between
/// the log's stored checkpoints of tree sizes `size1` and `size2` (`size1 <= size2`; both must
/// be sizes some checkpoint was sealed at). On success stores it in `*proof_out` (free with
/// `pqj_string_free`).
///
/// Thread safety: see `pqj_audit_log`.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_prove_consistency(
    log: *const pqj_audit_log,
    size1: u64,
    size2: u64,
    proof_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(proof_out, "proof_out")?;
        let proof = with_log(log, |l| prove_consistency(l.storage(), size1, size2))?;
        out.write_string(proof.to_json())
    })
}

/// Close and free a log: syncs, waits for pending checkpoints, stops the signer thread.
/// `NULL` does nothing.
///
/// Thread safety: call once per handle, when no other thread is using it.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_log_free(log: *mut pqj_audit_log) {
    guard_value((), || ptr::box_free(log));
}

/// Verify the whole log in directory `dir` with its public `key` (streaming: the log is never
/// held in memory). On failure the status is `PQJ_STATUS_AUDIT_TAMPERED` for a log that fails
/// verification, and the error message ends with `at index N`: the first record that is
/// missing, changed or out of place, or, for a checkpoint that fails, its tree size. Unless
/// NULL, `*records_out` receives the number of records on success.
///
/// Thread safety: safe from any thread; `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_verify(
    dir: *const c_char,
    key: *const pqj_key,
    records_out: *mut u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let dir = ptr::cstr(dir, "dir")?;
        let key: Arc<pqj_key> = ptr::arc_clone(key, "key")?;
        let storage = DirStorage::open_read_only(Path::new(dir)).map_err(pqjose::Error::from)?;
        let summary = verify_log(&storage, key.verifying())?;
        if !records_out.is_null() {
            ptr::out(records_out, "records_out")?.write(summary.records);
        }
        Ok(())
    })
}

/// Check an inclusion proof (`proof_len` bytes of JSON) and its checkpoint with the log's
/// public `key`. If `record` is not NULL, also check that the proof is for these `record_len`
/// bytes. Unless NULL, `*size_out` receives the checkpoint's tree size.
///
/// Thread safety: safe from any thread; `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_check_proof(
    proof: *const u8,
    proof_len: usize,
    key: *const pqj_key,
    record: *const u8,
    record_len: usize,
    size_out: *mut u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let json = proof_text(proof, proof_len)?;
        let key: Arc<pqj_key> = ptr::arc_clone(key, "key")?;
        let proof = InclusionProof::from_json(json)?;
        let checkpoint = if record.is_null() {
            proof.verify(key.verifying())?
        } else {
            let record = ptr::bytes(record, record_len, "record")?;
            proof.verify_record(key.verifying(), record)?
        };
        if !size_out.is_null() {
            ptr::out(size_out, "size_out")?.write(checkpoint.size());
        }
        Ok(())
    })
}

/// Check a consistency proof (`proof_len` bytes of JSON): both checkpoints verify with the
/// log's public `key`, share the log's origin, and the tree of the first is a prefix of the
/// tree of the second (RFC 9162 §2.1.4). Unless NULL, `*size1_out` and `*size2_out` receive
/// the two tree sizes.
///
/// Thread safety: safe from any thread; `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_audit_check_consistency(
    proof: *const u8,
    proof_len: usize,
    key: *const pqj_key,
    size1_out: *mut u64,
    size2_out: *mut u64,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let json = proof_text(proof, proof_len)?;
        let key: Arc<pqj_key> = ptr::arc_clone(key, "key")?;
        let (c1, c2) = ConsistencyProof::from_json(json)?.verify(key.verifying())?;
        if !size1_out.is_null() {
            ptr::out(size1_out, "size1_out")?.write(c1.size());
        }
        if !size2_out.is_null() {
            ptr::out(size2_out, "size2_out")?.write(c2.size());
        }
        Ok(())
    })
}
