//! The audit log on disk: append, seal, prove, verify; every tampering the issue lists is
//! detected and names the first bad index; a torn tail is cut on reopen.

use std::fs;
use std::path::{Path, PathBuf};

use pqjose::audit::{
    AuditError, AuditLog, DirStorage, FsyncPolicy, InclusionProof, LogOptions, TamperKind,
    prove_consistency, prove_inclusion, verify_log,
};
use pqjose::{Algorithm, Error, SigningKey, VerifyingKey};

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("pqjose-audit-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        Self(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn record(i: u64) -> Vec<u8> {
    format!(r#"{{"sub":"agent-{i}","action":"db.write","resource":"t/{i}","outcome":"ok"}}"#)
        .into_bytes()
}

/// A log of `n` records with checkpoints every `every` records and a final seal.
fn make_log(dir: &Path, alg: Algorithm, n: u64, every: u64) -> VerifyingKey {
    let key = SigningKey::generate(alg).unwrap();
    let public = key.verifying_key().unwrap();
    let mut log = AuditLog::create(
        dir,
        key,
        LogOptions::new().every(every).interval_ms(3_600_000),
    )
    .unwrap();
    for i in 0..n {
        let a = log.append(&record(i)).unwrap();
        assert_eq!(a.index, i);
    }
    log.seal().unwrap();
    log.close().unwrap();
    public
}

fn verify(dir: &Path, key: &VerifyingKey) -> Result<u64, Error> {
    verify_log(&DirStorage::open_read_only(dir)?, key).map(|s| s.records)
}

fn tampered(kind: TamperKind, index: u64) -> Error {
    Error::Audit(AuditError::Tampered { kind, index })
}

fn lines(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(dir: &Path, lines: &[String]) {
    let mut s = lines.join("\n");
    s.push('\n');
    fs::write(dir.join("records.jsonl"), s).unwrap();
}

#[test]
fn round_trip_with_every_envelope() {
    for alg in [Algorithm::Ed25519, Algorithm::MlDsa44, Algorithm::Es256] {
        let t = TempDir::new(&format!("rt-{alg}"));
        let public = make_log(&t.0, alg, 10, 4);
        assert_eq!(verify(&t.0, &public).unwrap(), 10);
        let storage = DirStorage::open_read_only(&t.0).unwrap();
        // Checkpoints at 0 (creation), 4, 8 and 10 (the final seal).
        for size in [0u64, 4, 8, 10] {
            for i in 0..size {
                let p = prove_inclusion(&storage, i, Some(size)).unwrap();
                let p = InclusionProof::from_json(&p.to_json()).unwrap();
                assert_eq!(p.verify_record(&public, &record(i)).unwrap().size(), size);
                assert!(p.verify_record(&public, &record(i + 1)).is_err());
            }
        }
        assert_eq!(
            prove_inclusion(&storage, 0, Some(5)).unwrap_err(),
            Error::Audit(AuditError::NoCheckpoint)
        );
        let c = prove_consistency(&storage, 4, 10).unwrap();
        c.verify(&public).unwrap();
        // Another key of the same algorithm verifies nothing.
        let other = SigningKey::generate(alg).unwrap().verifying_key().unwrap();
        assert!(matches!(
            verify(&t.0, &other).unwrap_err(),
            Error::Audit(AuditError::Tampered {
                kind: TamperKind::CheckpointSignature,
                index: 0
            })
        ));
    }
}

#[test]
fn every_tampering_is_detected_at_the_first_bad_index() {
    let t = TempDir::new("tamper");
    let public = make_log(&t.0, Algorithm::Ed25519, 20, 5);
    let original = lines(&t.0);
    let tree = fs::read(t.0.join("tree")).unwrap();
    let cps = fs::read(t.0.join("checkpoints.jsonl")).unwrap();
    let restore = || {
        write_lines(&t.0, &original);
        fs::write(t.0.join("tree"), &tree).unwrap();
        fs::write(t.0.join("checkpoints.jsonl"), &cps).unwrap();
    };
    assert_eq!(verify(&t.0, &public).unwrap(), 20);

    // Modified record 7 (one byte).
    let mut l = original.clone();
    l[7] = l[7].replace("db.write", "db.wrote");
    write_lines(&t.0, &l);
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::RecordMismatch, 7)
    );
    restore();

    // Deleted record 3.
    let mut l = original.clone();
    l.remove(3);
    write_lines(&t.0, &l);
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::RecordMismatch, 3)
    );
    restore();

    // Inserted record at 12.
    let mut l = original.clone();
    l.insert(12, String::from_utf8(record(99)).unwrap());
    write_lines(&t.0, &l);
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::RecordMismatch, 12)
    );
    restore();

    // Reordered records 14 and 16.
    let mut l = original.clone();
    l.swap(14, 16);
    write_lines(&t.0, &l);
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::RecordMismatch, 14)
    );
    restore();

    // Truncation before the latest checkpoint (records and tree both cut to 17).
    write_lines(&t.0, &original[..17]);
    fs::write(
        t.0.join("tree"),
        &tree[..(2 * 17 - 17u64.count_ones() as usize) * 32],
    )
    .unwrap();
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::RecordMissing, 17)
    );
    restore();

    // A record changed and the tree file recomputed to match: the checkpoint covering it fails.
    let mut l = original.clone();
    l[2] = l[2].replace("ok", "no");
    write_lines(&t.0, &l);
    fs::remove_file(t.0.join("tree")).unwrap();
    fs::write(t.0.join("tree"), b"").unwrap();
    // Reopening for append rebuilds the tree from the records, and then refuses the log.
    let key2 = SigningKey::generate(Algorithm::Ed25519).unwrap();
    assert!(AuditLog::open(&t.0, key2).is_err());
    let err = verify(&t.0, &public).unwrap_err();
    assert!(err == tampered(TamperKind::CheckpointRoot, 5), "{err:?}");
    restore();

    // The tree file damaged, records intact: named as such.
    let mut bad_tree = tree.clone();
    bad_tree[32 * 4] ^= 1; // stored hash 4 = leaf 3
    fs::write(t.0.join("tree"), &bad_tree).unwrap();
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::TreeMismatch, 3)
    );
    restore();

    // A checkpoint's signature broken.
    let text = String::from_utf8(cps.clone()).unwrap();
    let mut cp_lines: Vec<&str> = text.lines().collect();
    let broken = cp_lines[2].replacen("\\n10\\n", "\\n11\\n", 1);
    cp_lines[2] = &broken;
    fs::write(t.0.join("checkpoints.jsonl"), cp_lines.join("\n") + "\n").unwrap();
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::CheckpointSignature, 11)
    );
    restore();

    // Checkpoints out of order.
    let mut cp_lines: Vec<&str> = text.lines().collect();
    cp_lines.swap(1, 2);
    fs::write(t.0.join("checkpoints.jsonl"), cp_lines.join("\n") + "\n").unwrap();
    assert_eq!(
        verify(&t.0, &public).unwrap_err(),
        tampered(TamperKind::CheckpointOrder, 5)
    );
    restore();
}

#[test]
fn forked_checkpoints_are_detected() {
    // Two logs under the same key and origin, diverging after 5 records: a checkpoint of the
    // fork copied into the first log cannot be true together with the first log's own.
    let a = TempDir::new("fork-a");
    let b = TempDir::new("fork-b");
    let key_jwk = SigningKey::generate(Algorithm::Ed25519)
        .unwrap()
        .to_jwk()
        .unwrap()
        .to_json();
    let key = || SigningKey::from_jwk_json(&key_jwk).unwrap();
    let public = key().verifying_key().unwrap();
    let opts = || LogOptions::new().origin("example.com/log").every(1000);
    for (dir, tail) in [(&a.0, 100u64), (&b.0, 200u64)] {
        let mut log = AuditLog::create(dir, key(), opts()).unwrap();
        for i in 0..5 {
            log.append(&record(i)).unwrap();
        }
        log.seal().unwrap();
        for i in 0..3 {
            log.append(&record(tail + i)).unwrap();
        }
        log.seal().unwrap();
        log.close().unwrap();
    }
    assert_eq!(verify(&a.0, &public).unwrap(), 8);
    assert_eq!(verify(&b.0, &public).unwrap(), 8);
    let forked = fs::read_to_string(b.0.join("checkpoints.jsonl")).unwrap();
    let forked_last = forked.lines().last().unwrap();
    let mut mine = fs::read_to_string(a.0.join("checkpoints.jsonl")).unwrap();
    mine.push_str(forked_last);
    mine.push('\n');
    fs::write(a.0.join("checkpoints.jsonl"), mine).unwrap();
    assert_eq!(
        verify(&a.0, &public).unwrap_err(),
        tampered(TamperKind::Fork, 8)
    );
}

#[test]
fn torn_tails_are_cut_on_reopen_and_appends_continue() {
    let t = TempDir::new("torn");
    let key_jwk = SigningKey::generate(Algorithm::Ed25519)
        .unwrap()
        .to_jwk()
        .unwrap()
        .to_json();
    let key = || SigningKey::from_jwk_json(&key_jwk).unwrap();
    let public = key().verifying_key().unwrap();
    let mut log = AuditLog::create(
        &t.0,
        key(),
        LogOptions::new().every(3).fsync(FsyncPolicy::Record),
    )
    .unwrap();
    for i in 0..7 {
        log.append(&record(i)).unwrap();
    }
    log.close().unwrap();
    // A crash mid-append: half a record line, half a tree hash, half a checkpoint line.
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(t.0.join("records.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut f, br#"{"sub":"half"#).unwrap();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(t.0.join("tree"))
        .unwrap();
    std::io::Write::write_all(&mut f, &[7u8; 20]).unwrap();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(t.0.join("checkpoints.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"\"example\\n").unwrap();
    // Verification ignores the torn tail; reopening cuts it.
    assert_eq!(verify(&t.0, &public).unwrap(), 7);
    // The tree lagging the records (crash between the two writes) is recomputed.
    let tree = fs::read(t.0.join("tree")).unwrap();
    fs::write(t.0.join("tree"), &tree[..32 * 5]).unwrap();
    let mut log = AuditLog::open(&t.0, key()).unwrap();
    assert_eq!(log.size(), 7);
    assert_eq!(log.append(&record(7)).unwrap().index, 7);
    log.seal().unwrap();
    log.close().unwrap();
    assert_eq!(verify(&t.0, &public).unwrap(), 8);
    assert!(
        !fs::read_to_string(t.0.join("records.jsonl"))
            .unwrap()
            .contains("half")
    );
}

#[test]
fn seal_with_nothing_new_signs_nothing_and_empty_log_has_size_zero() {
    let t = TempDir::new("seal");
    let key_jwk = SigningKey::generate(Algorithm::MlDsa44)
        .unwrap()
        .to_jwk()
        .unwrap()
        .to_json();
    let key = || SigningKey::from_jwk_json(&key_jwk).unwrap();
    let public = key().verifying_key().unwrap();
    let mut log = AuditLog::create(&t.0, key(), LogOptions::new()).unwrap();
    let first = log.seal().unwrap();
    let again = log.seal().unwrap();
    assert_eq!(first, again);
    let cp = pqjose::audit::verify_checkpoint(&public, &first).unwrap();
    assert_eq!(cp.size(), 0);
    assert_eq!(*cp.root(), pqjose::audit::merkle::empty_root());
    log.close().unwrap();
    assert_eq!(
        fs::read_to_string(t.0.join("checkpoints.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
    // Refusals: a non-empty directory, a record that is not one JSON object, the wrong key.
    assert_eq!(
        AuditLog::create(&t.0, key(), LogOptions::new()).unwrap_err(),
        Error::Audit(AuditError::NotEmpty)
    );
    let mut log = AuditLog::open(&t.0, key()).unwrap();
    assert_eq!(
        log.append(b"[1]").unwrap_err(),
        Error::Audit(AuditError::RecordNotObject)
    );
    log.close().unwrap();
    let other = SigningKey::generate(Algorithm::MlDsa44).unwrap();
    assert_eq!(
        AuditLog::open(&t.0, other).unwrap_err(),
        Error::Audit(AuditError::UnsuitableKey)
    );
}

#[test]
fn the_time_trigger_seals_in_the_background() {
    let t = TempDir::new("timer");
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let mut log =
        AuditLog::create(&t.0, key, LogOptions::new().every(1000).interval_ms(50)).unwrap();
    log.append(&record(0)).unwrap();
    log.sync().unwrap();
    // No further call: the signer thread seals the record once it is 50 ms old.
    let start = std::time::Instant::now();
    loop {
        let cps = fs::read_to_string(t.0.join("checkpoints.jsonl")).unwrap();
        if cps.lines().count() == 2 {
            break;
        }
        assert!(start.elapsed().as_secs() < 20, "no background checkpoint");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    log.close().unwrap();
}

/// Reopening for appending rehashes the records against the stored tree: a record changed,
/// removed or inserted behind the writer's back (tree file left alone) is refused with its
/// index, whether a checkpoint covers it yet or not. (Before, reopening compared the latest
/// checkpoint with the tree file only, and appends went on over the altered records.)
/// A named tampering of the record lines and the index it must be reported at.
type Tamper = (&'static str, fn(&mut Vec<String>), u64);

#[test]
fn reopen_checks_the_records_against_the_tree() {
    let cases: [Tamper; 4] = [
        ("changed-covered", |l| l[3] = l[3].replace("t/3", "t/X"), 3),
        (
            "changed-uncovered",
            |l| l[9] = l[9].replace("t/9", "t/X"),
            9,
        ),
        ("removed", |l| drop(l.remove(5)), 5),
        (
            "inserted",
            |l| l.insert(2, r#"{"sub":"mallory"}"#.to_owned()),
            2,
        ),
    ];
    for (name, tamper, index) in cases {
        let t = TempDir::new(&format!("reopen-{name}"));
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let jwk = key.to_jwk().unwrap().to_json();
        let key = || SigningKey::from_jwk_json(&jwk).unwrap();
        // Checkpoints at 0, 4 and 8; records 8 and 9 are not covered by one.
        let mut log = AuditLog::create(
            &t.0,
            key(),
            LogOptions::new().every(4).interval_ms(3_600_000),
        )
        .unwrap();
        for i in 0..10 {
            log.append(&record(i)).unwrap();
        }
        log.close().unwrap();
        let mut l = lines(&t.0);
        tamper(&mut l);
        write_lines(&t.0, &l);
        let err = AuditLog::open(&t.0, key()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Audit(AuditError::Tampered {
                    kind: TamperKind::RecordMismatch,
                    index: i
                }) if i == index
            ),
            "{name}: {err:?}"
        );
    }
}
