//! Crash safety: a writer process is killed with SIGKILL at random points, many times, on the
//! same log; after each kill, every record the writer acknowledged (printed after its sync) is
//! in the log at its index, the log reopens (torn tail cut) and verifies, and appending goes on.
//!
//! The writer is this test binary itself, re-run with `PQJOSE_AUDIT_CRASH_WRITER` set.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use pqjose::audit::{AuditLog, DirStorage, FsyncPolicy, LogOptions, Storage, verify_log};
use pqjose::{Algorithm, SigningKey};

const WRITER_ENV: &str = "PQJOSE_AUDIT_CRASH_WRITER";
const ROUNDS: u64 = 40;

fn record(i: u64) -> String {
    format!(
        r#"{{"sub":"agent","action":"write","n":{i},"pad":"{}"}}"#,
        "x".repeat((i % 97) as usize)
    )
}

/// The writer: open the log, append records in batches of varying size, print
/// "ACK <index>" for each once synced; alternate the fsync policy's effect by syncing after
/// each record on odd rounds.
fn writer(dir: &Path, key_json: &str, per_record: bool) {
    let key = SigningKey::from_jwk_json(key_json).unwrap();
    let mut log = AuditLog::open(dir, key).unwrap();
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(out, "READY {}", log.size()).unwrap();
    out.flush().unwrap();
    let mut n = log.size();
    let mut batch = 1u64;
    loop {
        let mut acks = Vec::new();
        for _ in 0..batch {
            let a = log.append(record(n).as_bytes()).unwrap();
            assert_eq!(a.index, n);
            acks.push(n);
            n += 1;
            if per_record {
                log.sync().unwrap();
            }
        }
        log.sync().unwrap();
        for a in acks {
            writeln!(out, "ACK {a}").unwrap();
        }
        out.flush().unwrap();
        batch = batch % 37 + 1;
    }
}

#[test]
fn sigkill_at_random_points_loses_no_acknowledged_record() {
    if let Ok(spec) = std::env::var(WRITER_ENV) {
        let (dir, rest) = spec.split_once('|').unwrap();
        let (mode, key) = rest.split_once('|').unwrap();
        writer(Path::new(dir), key, mode == "record");
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("pqjose-audit-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let key_json = key.to_jwk().unwrap().to_json();
    let public = key.verifying_key().unwrap();
    AuditLog::create(
        &dir,
        key,
        LogOptions::new()
            .every(50)
            .interval_ms(5)
            .fsync(FsyncPolicy::Batch),
    )
    .unwrap()
    .close()
    .unwrap();

    // A small deterministic generator for the kill delays (no rand dependency needed).
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(std::process::id());
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = 0u64; // records 0..acknowledged were acknowledged at some point
    for round in 0..ROUNDS {
        let mode = if round % 2 == 1 { "record" } else { "batch" };
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "sigkill_at_random_points_loses_no_acknowledged_record",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER_ENV, format!("{}|{mode}|{key_json}", dir.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let delay = Duration::from_micros(5_000 + next() % 100_000);
        let reader = std::thread::spawn(move || {
            let mut max_ack = None;
            let mut ready = None;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("ACK ") {
                    max_ack = Some(n.parse::<u64>().unwrap());
                } else if let Some(n) = line.strip_prefix("READY ") {
                    ready = Some(n.parse::<u64>().unwrap());
                }
            }
            (ready, max_ack)
        });
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (ready, max_ack) = reader.join().unwrap();
        if let Some(r) = ready {
            assert!(
                r >= acknowledged,
                "round {round}: reopened with {r} < {acknowledged} acknowledged"
            );
        }
        if let Some(m) = max_ack {
            acknowledged = acknowledged.max(m + 1);
        }
        // Reopen (cutting any torn tail), check every acknowledged record and verify.
        let storage = DirStorage::open(&dir).unwrap();
        assert!(
            storage.len() >= acknowledged,
            "round {round}: {} < {acknowledged}",
            storage.len()
        );
        let mut rec = storage.records(0).unwrap();
        let mut buf = Vec::new();
        for i in 0..storage.len() {
            assert!(rec.next_record(&mut buf).unwrap());
            assert_eq!(buf, record(i).as_bytes(), "round {round}: record {i}");
        }
        let summary = verify_log(&storage, &public).unwrap();
        assert_eq!(summary.records, storage.len());
    }
    // The kills landed while the writer was busy: many records were acknowledged over the
    // rounds (each round acknowledges some before its kill).
    eprintln!("{acknowledged} records acknowledged over {ROUNDS} kills");
    assert!(
        acknowledged > ROUNDS,
        "only {acknowledged} records acknowledged"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
