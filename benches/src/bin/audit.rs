//! The audit log's throughput and proof figures (issue 16), measured end to end through the
//! public API on the directory storage:
//!
//! 1. appending typed action records with batched fsync and an ML-DSA-65 checkpoint every
//!    1,000 records;
//! 2. appending with an SLH-DSA-SHA2-128s checkpoint every second (checkpoints by time only);
//! 3. verifying a whole log of `PQJOSE_AUDIT_RECORDS` records (default 1,000,000), against the
//!    cost of hashing alone (the leaf and node hashes of the same records, no I/O, no
//!    signatures);
//! 4. inclusion and consistency proof sizes and verification times in that log.
//!
//! Appending reports wall-clock records per second and records per CPU-second of the whole
//! process (the background signer's time included), so "on one core" is the second figure.
//!
//! `cargo run --release --bin audit` (from `benches/`); `PQJOSE_AUDIT_RECORDS`,
//! `PQJOSE_AUDIT_APPEND` (records per append run, default 200,000) and `PQJOSE_AUDIT_DIR` (a
//! scratch directory, default the system temp directory) adjust it.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pqjose::audit::merkle::{CompactRange, leaf_hash};
use pqjose::audit::{
    ActionRecord, AuditLog, DirStorage, FsyncPolicy, InclusionProof, LogOptions, prove_consistency,
    prove_inclusion, verify_log,
};
use pqjose::{Algorithm, SigningKey, VerifyingKey};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// User plus system CPU time of this process so far, from `/proc/self/stat` (Linux; zero
/// elsewhere, and the per-CPU-second column then reads `n/a`).
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the parenthesized command name: utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

fn record(i: u64) -> Vec<u8> {
    let r = ActionRecord {
        sub: format!("agent-{}", i % 1000),
        act: vec!["https://orchestrator.example".into()],
        action: "db.write".into(),
        resource: format!("orders/{i}"),
        outcome: "ok".into(),
        time: 1_800_000_000 + i as i64,
        jti: Some(format!("{i:016x}")),
        kid: Some("agent-key-2026".into()),
    };
    serde_json::to_vec(&r).expect("record")
}

fn scratch(name: &str) -> PathBuf {
    let base = std::env::var_os("PQJOSE_AUDIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("pqjose-bench-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

struct Appending {
    records: u64,
    wall: Duration,
    cpu: Duration,
    checkpoints: u64,
}

/// Append `n` records (batched fsync), seal what is left, close; wall and CPU time of it all.
fn append_run(dir: &Path, key: SigningKey, options: LogOptions, n: u64) -> Appending {
    let records: Vec<Vec<u8>> = (0..n).map(record).collect();
    let (cpu0, t0) = (cpu_time(), Instant::now());
    let mut log = AuditLog::create(dir, key, options.fsync(FsyncPolicy::Batch)).expect("create");
    for r in &records {
        log.append(r).expect("append");
    }
    log.seal().expect("seal");
    log.close().expect("close");
    let (wall, cpu) = (t0.elapsed(), cpu_time().saturating_sub(cpu0));
    let checkpoints = std::fs::read_to_string(dir.join("checkpoints.jsonl"))
        .map(|s| s.lines().count() as u64)
        .unwrap_or(0);
    Appending {
        records: n,
        wall,
        cpu,
        checkpoints,
    }
}

fn per_sec(n: u64, d: Duration) -> String {
    if d.is_zero() {
        return "n/a".into();
    }
    format!("{:.0}", n as f64 / d.as_secs_f64())
}

fn time_per<T>(iters: u32, f: impl Fn() -> T) -> Duration {
    let t0 = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    t0.elapsed() / iters
}

fn main() {
    let append_n = env_u64("PQJOSE_AUDIT_APPEND", 200_000);
    let verify_n = env_u64("PQJOSE_AUDIT_RECORDS", 1_000_000);
    println!("backend {}\n", pqjose::backend_name());

    println!(
        "| checkpoint key | schedule | records | checkpoints | wall | records/s | records per CPU-second |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let runs = [
        (
            Algorithm::MlDsa65,
            "every 1,000 records",
            LogOptions::new().every(1000).interval_ms(3_600_000),
        ),
        (
            Algorithm::SlhDsaSha2_128s,
            "every 1 s",
            LogOptions::new().every(u64::MAX / 2).interval_ms(1000),
        ),
    ];
    for (alg, schedule, options) in runs {
        let dir = scratch(alg.as_str());
        let key = SigningKey::generate(alg).expect("keygen");
        let a = append_run(&dir, key, options, append_n);
        println!(
            "| {} | {schedule} | {} | {} | {:.2} s | {} | {} |",
            alg.as_str(),
            a.records,
            a.checkpoints,
            a.wall.as_secs_f64(),
            per_sec(a.records, a.wall),
            per_sec(a.records, a.cpu),
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    // A large log for verification and proofs: ML-DSA-65 checkpoints every 1,000 records.
    let dir = scratch("verify");
    let key = SigningKey::generate(Algorithm::MlDsa65).expect("keygen");
    let public: VerifyingKey = key.verifying_key().expect("public");
    let built = append_run(&dir, key, LogOptions::new().every(1000), verify_n);
    let storage = DirStorage::open_read_only(&dir).expect("open");

    let t0 = Instant::now();
    let summary = verify_log(&storage, &public).expect("the log verifies");
    let verify = t0.elapsed();
    assert_eq!(summary.records, verify_n);

    // Hashing alone: the same records' leaf and node hashes, in memory.
    let records: Vec<Vec<u8>> = (0..verify_n).map(record).collect();
    let t0 = Instant::now();
    let mut range = CompactRange::new();
    for r in &records {
        range.push(leaf_hash(r), |h| {
            black_box(h);
        });
    }
    black_box(range.root());
    let hashing = t0.elapsed();
    drop(records);

    println!(
        "\nverify_log over {verify_n} records and {} checkpoints (built in {:.1} s): {:.2} s, \
         {} records/s; hashing alone {:.2} s ({} records/s); verify / hashing {:.2}×",
        summary.checkpoints,
        built.wall.as_secs_f64(),
        verify.as_secs_f64(),
        per_sec(verify_n, verify),
        hashing.as_secs_f64(),
        per_sec(verify_n, hashing),
        verify.as_secs_f64() / hashing.as_secs_f64(),
    );

    // Proofs in the large log.
    println!(
        "\n| proof ({verify_n}-record log, ML-DSA-65 checkpoints) | path hashes | JSON bytes | verify |"
    );
    println!("|---|---:|---:|---:|");
    let index = verify_n * 2 / 3;
    let inclusion = prove_inclusion(&storage, index, None).expect("prove");
    let json = inclusion.to_json();
    let parsed = InclusionProof::from_json(&json).expect("parse");
    let t = time_per(50, || parsed.verify(&public).expect("verify"));
    println!(
        "| inclusion of record {index} | {} | {} | {:.0} µs |",
        inclusion.path.len(),
        json.len(),
        t.as_secs_f64() * 1e6
    );
    let (size1, size2) = (verify_n / 2 / 1000 * 1000, verify_n);
    let consistency = prove_consistency(&storage, size1, size2).expect("prove consistency");
    let cjson = consistency.to_json();
    let t = time_per(50, || consistency.verify(&public).expect("verify"));
    println!(
        "| consistency {size1} → {size2} | {} | {} | {:.0} µs |",
        consistency.path.len(),
        cjson.len(),
        t.as_secs_f64() * 1e6
    );
    drop(storage);
    let _ = std::fs::remove_dir_all(&dir);
}
