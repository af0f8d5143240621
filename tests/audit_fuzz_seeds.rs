//! The audit fuzz targets' seeds (`fuzz/seeds/audit_log`, `fuzz/seeds/audit_proof`) and the
//! public keys the targets embed (`fuzz/keys/audit.json`) belong together: a valid seed must
//! verify with those keys, or the smoke run never gets past the signature checks.
//!
//! `PQJOSE_BLESS=1 cargo test -p pqjose --test audit_fuzz_seeds` regenerates all of it with
//! fresh keys (their private halves are thrown away).

use std::fs;
use std::path::{Path, PathBuf};

use pqjose::audit::{
    AuditError, AuditLog, ConsistencyProof, DirStorage, InclusionProof, LogOptions,
    prove_consistency, prove_inclusion, verify_log,
};
use pqjose::{Algorithm, Error, JwkSet, SigningKey, VerifyingKey};

/// Separates the log files inside an `audit_log` seed (as the target splits them).
const SEP: &[u8] = b"\xff\xfe\xfd\xfc";
const FILES: [&str; 4] = ["log.json", "records.jsonl", "tree", "checkpoints.jsonl"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("pqjose-seeds-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    p
}

fn record(i: u64) -> Vec<u8> {
    format!(
        r#"{{"sub":"agent-{i}","act":["gw"],"action":"db.write","resource":"t/{i}","outcome":"ok","time":{}}}"#,
        1_790_000_000 + i
    )
    .into_bytes()
}

/// A log directory's files joined as one `audit_log` seed.
fn pack(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, name) in FILES.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(SEP);
        }
        let bytes = fs::read(dir.join(name)).unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == SEP),
            "{name} holds the separator"
        );
        out.extend_from_slice(&bytes);
    }
    out
}

/// Write an `audit_log` seed into a directory, split as the target splits it.
fn unpack(seed: &[u8], dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    let mut parts = Vec::new();
    let mut rest = seed;
    while let Some(i) = rest.windows(4).position(|w| w == SEP) {
        parts.push(&rest[..i]);
        rest = &rest[i + 4..];
    }
    parts.push(rest);
    for (i, name) in FILES.iter().enumerate() {
        fs::write(dir.join(name), parts.get(i).copied().unwrap_or(b"")).unwrap();
    }
}

fn keys() -> Vec<VerifyingKey> {
    let json = fs::read_to_string(root().join("fuzz/keys/audit.json")).unwrap();
    JwkSet::from_json(&json)
        .unwrap()
        .keys()
        .iter()
        .map(|j| VerifyingKey::from_jwk(j).unwrap())
        .collect()
}

fn bless() {
    let seeds = root().join("fuzz/seeds");
    let (log_seeds, proof_seeds) = (seeds.join("audit_log"), seeds.join("audit_proof"));
    for d in [&log_seeds, &proof_seeds] {
        let _ = fs::remove_dir_all(d);
        fs::create_dir_all(d).unwrap();
    }
    let mut set = JwkSet::new();
    for (alg, name, n, every) in [
        (Algorithm::Ed25519, "ed25519", 7u64, 3u64),
        (Algorithm::MlDsa44, "ml_dsa_44", 5, 2),
    ] {
        let key = SigningKey::generate(alg)
            .unwrap()
            .with_kid(format!("audit-fuzz-{name}"))
            .unwrap();
        set.push(key.to_public_jwk().unwrap());
        let dir = temp(name);
        let options = LogOptions::new()
            .origin(format!("fuzz.pqjose.example/{name}"))
            .every(every)
            .interval_ms(3_600_000);
        let mut log = AuditLog::create(&dir, key, options).unwrap();
        for i in 0..n {
            log.append(&record(i)).unwrap();
        }
        log.seal().unwrap();
        log.close().unwrap();
        let storage = DirStorage::open_read_only(&dir).unwrap();
        for (index, size) in [(0, None), (n - 1, None), (1, Some(every))] {
            let p = prove_inclusion(&storage, index, size).unwrap();
            let file = format!("{name}_inclusion_{index}_{}", p.size);
            fs::write(proof_seeds.join(file), p.to_json()).unwrap();
        }
        for (a, b) in [(every, n), (every, 2 * every), (2 * every, n)] {
            let p = prove_consistency(&storage, a, b).unwrap();
            fs::write(
                proof_seeds.join(format!("{name}_consistency_{a}_{b}")),
                p.to_json(),
            )
            .unwrap();
        }
        let valid = pack(&dir);
        fs::write(log_seeds.join(format!("{name}_valid")), &valid).unwrap();
        // A crash's torn tail: a record cut mid-line after the last one (reopening cuts it).
        let records = fs::read(dir.join("records.jsonl")).unwrap();
        let mut torn = records.clone();
        torn.extend_from_slice(&record(n)[..20]);
        fs::write(dir.join("records.jsonl"), &torn).unwrap();
        fs::write(log_seeds.join(format!("{name}_torn_tail")), pack(&dir)).unwrap();
        // A changed record.
        let mut changed = records.clone();
        let at = changed.iter().position(|&b| b == b'1').unwrap();
        changed[at] = b'9';
        fs::write(dir.join("records.jsonl"), &changed).unwrap();
        fs::write(log_seeds.join(format!("{name}_changed_record")), pack(&dir)).unwrap();
        // Only the configuration: an empty log without its size-0 checkpoint.
        fs::write(dir.join("records.jsonl"), b"").unwrap();
        fs::write(dir.join("tree"), b"").unwrap();
        fs::write(dir.join("checkpoints.jsonl"), b"").unwrap();
        fs::write(log_seeds.join(format!("{name}_config_only")), pack(&dir)).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
    let mut json = set.to_json();
    json.push('\n');
    fs::write(root().join("fuzz/keys/audit.json"), json).unwrap();
}

#[test]
fn seeds_verify_with_the_fuzz_keys() {
    if std::env::var_os("PQJOSE_BLESS").is_some() {
        bless();
    }
    let keys = keys();
    assert_eq!(keys.len(), 2);
    let seeds = root().join("fuzz/seeds");

    let mut checked = 0;
    for entry in fs::read_dir(seeds.join("audit_log")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dir = temp(&format!("log-{name}"));
        unpack(&fs::read(&path).unwrap(), &dir);
        let results: Vec<Result<_, Error>> = keys
            .iter()
            .map(|k| verify_log(&DirStorage::open_read_only(&dir)?, k))
            .collect();
        if name.ends_with("_valid") {
            // Exactly one of the keys verifies the whole log (records and checkpoints).
            let ok: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(ok.len(), 1, "{name}: {results:?}");
            assert!(ok[0].records > 0 && ok[0].checkpoints > 1, "{name}");
            checked += 1;
        } else if name.ends_with("_changed_record") {
            assert!(
                results
                    .iter()
                    .any(|r| matches!(r, Err(Error::Audit(AuditError::Tampered { .. })))),
                "{name}: {results:?}"
            );
        }
        // A torn tail verifies after the repairing open.
        if name.ends_with("_torn_tail") {
            let storage = DirStorage::open(&dir).unwrap();
            assert!(
                keys.iter().any(|k| verify_log(&storage, k).is_ok()),
                "{name}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }
    assert_eq!(checked, 2, "one valid log seed per key");

    let (mut inclusion, mut consistency) = (0, 0);
    for entry in fs::read_dir(seeds.join("audit_proof")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        if let Ok(p) = InclusionProof::from_json(&text) {
            assert!(keys.iter().any(|k| p.verify(k).is_ok()), "{text}");
            inclusion += 1;
        } else {
            let p = ConsistencyProof::from_json(&text).unwrap();
            assert!(keys.iter().any(|k| p.verify(k).is_ok()), "{text}");
            consistency += 1;
        }
    }
    assert!(
        inclusion >= 4 && consistency >= 4,
        "{inclusion} {consistency}"
    );
}
