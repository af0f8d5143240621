//! `pqjose audit`: the exact interface scripts rely on (issue 16).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{keypair, path_str, pqjose, scratch};

#[test]
fn init_append_seal_verify_prove_check() {
    let dir = scratch("audit-flow");
    let (private, public) = keypair(&dir, "ML-DSA-44");
    let log = dir.join("log");
    let (log_s, key_s, pub_s) = (path_str(&log), path_str(&private), path_str(&public));
    pqjose(
        &[
            "audit",
            "init",
            "--dir",
            log_s,
            "--key",
            key_s,
            "--every",
            "2",
            "--interval-ms",
            "60000",
        ],
        None,
    )
    .ok();
    // A directory that already holds something else is refused.
    assert_ne!(
        pqjose(&["audit", "init", "--dir", log_s, "--key", key_s], None).code,
        0
    );
    // An empty log's checkpoint: size 0, the empty-tree hash; seal with nothing new signs nothing.
    let cp0 = pqjose(&["audit", "seal", "--dir", log_s], None).ok();
    assert_eq!(cp0, pqjose(&["audit", "seal", "--dir", log_s], None).ok());

    // One JSON object per line, and one pretty-printed object; INDEX LEAF_HASH_HEX per record.
    let input = b"{\"sub\":\"a\",\"action\":\"x\"}\n\n{\"sub\":\"b\"}\r\n{\n  \"sub\": \"c\"\n}\n";
    let out = pqjose(&["audit", "append", "--dir", log_s, "-"], Some(input)).ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (i, l) in lines.iter().enumerate() {
        let (idx, hash) = l.split_once(' ').unwrap();
        assert_eq!(idx, i.to_string());
        assert_eq!(hash.len(), 64);
    }
    // The leaf hash is SHA-256(0x00 || the record's bytes as stored), checkable without pqjose.
    let stored = std::fs::read_to_string(log.join("records.jsonl")).unwrap();
    assert_eq!(stored.lines().nth(1), Some("{\"sub\":\"b\"}"));
    let file = dir.join("more.json");
    std::fs::write(&file, "{\"sub\":\"d\"}\n").unwrap();
    let out = pqjose(&["audit", "append", "--dir", log_s, path_str(&file)], None).ok();
    assert!(out.starts_with("3 "), "{out}");
    // Not a JSON object: exit 1.
    pqjose(&["audit", "append", "--dir", log_s], Some(b"[1,2]\n")).rejected();

    pqjose(&["audit", "verify", "--dir", log_s, "--key", pub_s], None).ok();
    // Checkpoints at 0, 2 (every 2), 3 (end of input), 4 (end of input).
    let proof = pqjose(
        &[
            "audit", "prove", "--dir", log_s, "--index", "1", "--size", "2",
        ],
        None,
    )
    .ok();
    let v: serde_json::Value = serde_json::from_str(&proof).unwrap();
    assert_eq!(v["index"], 1);
    assert_eq!(v["size"], 2);
    assert_eq!(v["path"].as_array().unwrap().len(), 1);
    for k in ["leaf_hash", "root", "checkpoint"] {
        assert!(v[k].is_string(), "{k}");
    }
    let latest = pqjose(&["audit", "prove", "--dir", log_s, "--index", "3"], None).ok();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&latest).unwrap()["size"],
        4
    );
    pqjose(
        &[
            "audit", "prove", "--dir", log_s, "--index", "0", "--size", "1",
        ],
        None,
    )
    .rejected();
    let pf = dir.join("proof.json");
    std::fs::write(&pf, &proof).unwrap();
    pqjose(
        &["audit", "check-proof", "--key", pub_s, path_str(&pf)],
        None,
    )
    .ok();
    std::fs::write(&pf, proof.replacen("\"index\":1", "\"index\":0", 1)).unwrap();
    pqjose(
        &["audit", "check-proof", "--key", pub_s, path_str(&pf)],
        None,
    )
    .rejected();

    // Tampering: one changed record is named by its index.
    let tampered = stored.replacen("\"b\"", "\"B\"", 1);
    std::fs::write(log.join("records.jsonl"), tampered + "{\"sub\":\"d\"}\n").unwrap();
    let err = pqjose(&["audit", "verify", "--dir", log_s, "--key", pub_s], None).rejected();
    assert!(err.ends_with(" at index 1"), "{err}");
}

#[test]
fn append_acknowledges_each_record_while_input_is_open() {
    let dir = scratch("audit-stream");
    let (private, public) = keypair(&dir, "Ed25519");
    let log = dir.join("log");
    pqjose(
        &[
            "audit",
            "init",
            "--dir",
            path_str(&log),
            "--key",
            path_str(&private),
            "--interval-ms",
            "50",
        ],
        None,
    )
    .ok();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pqjose"))
        .args(["audit", "append", "--dir", path_str(&log)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for i in 0..3 {
        writeln!(stdin, "{{\"n\":{i}}}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(line.starts_with(&format!("{i} ")), "{line}");
    }
    // While the input stays open, the interval seals the records in the background.
    let start = std::time::Instant::now();
    while std::fs::read_to_string(log.join("checkpoints.jsonl"))
        .unwrap()
        .lines()
        .count()
        < 2
    {
        assert!(
            start.elapsed().as_secs() < 20,
            "no checkpoint while input is open"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    pqjose(
        &[
            "audit",
            "verify",
            "--dir",
            path_str(&log),
            "--key",
            path_str(&public),
        ],
        None,
    )
    .ok();
}
