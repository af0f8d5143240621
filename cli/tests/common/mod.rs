//! Helpers for running the built `pqjose` binary.

#![allow(dead_code)]

pub(crate) mod http;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The outcome of one `pqjose` run.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn stdout_str(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", self.stdout_str()))
    }

    /// Assert success and return stdout as text.
    pub(crate) fn ok(&self) -> String {
        assert_eq!(self.code, 0, "expected success, stderr: {}", self.stderr);
        self.stdout_str()
    }

    /// Assert exit 1 with exactly one `error: ` line on stderr; return that line.
    pub(crate) fn rejected(&self) -> String {
        assert_eq!(self.code, 1, "expected exit 1, stderr: {}", self.stderr);
        self.one_error_line()
    }

    /// Assert exit 2 (usage or I/O) with an `error: ` first line.
    pub(crate) fn usage_or_io(&self) -> String {
        assert_eq!(self.code, 2, "expected exit 2, stderr: {}", self.stderr);
        let first = self.stderr.lines().next().unwrap_or_default().to_owned();
        assert!(first.starts_with("error: "), "stderr: {}", self.stderr);
        first
    }

    pub(crate) fn one_error_line(&self) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "want one stderr line, got: {:?}",
            self.stderr
        );
        assert!(lines[0].starts_with("error: "), "stderr: {:?}", self.stderr);
        assert!(self.stdout.is_empty(), "stdout must be empty on error");
        lines[0].to_owned()
    }
}

/// Run `pqjose ARGS` with `stdin` bytes (or an empty stdin).
pub(crate) fn pqjose(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pqjose"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pqjose");
    let mut pipe = child.stdin.take().expect("stdin");
    // A command that exits before reading its input (a usage error) closes the pipe early.
    match pipe.write_all(stdin.unwrap_or_default()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write stdin: {e}"),
        _ => {}
    }
    drop(pipe);
    let out = child.wait_with_output().expect("wait pqjose");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty scratch directory for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("pqjose-cli-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub(crate) fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Generate a key for `alg` into `dir`; return (private path, verifying-key path). The
/// verifying key is the public JWK, or for HS* the private (oct) JWK itself.
pub(crate) fn keypair(dir: &Path, alg: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{alg}.priv.json"));
    pqjose(&["keygen", "--alg", alg, "--out", path_str(&private)], None).ok();
    if alg.starts_with("HS") {
        return (private.clone(), private);
    }
    let public = dir.join(format!("{alg}.pub.json"));
    let out = pqjose(&["public", path_str(&private)], None).ok();
    std::fs::write(&public, out).unwrap();
    (private, public)
}

/// Flip one character in the middle of the signature segment.
pub(crate) fn tamper_signature(token: &str) -> String {
    let sig_start = token.rfind('.').unwrap() + 1;
    let mid = sig_start + (token.len() - sig_start) / 2;
    let mut bytes = token.as_bytes().to_vec();
    bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

/// Run `openssl` with `args` (split at spaces) in `dir`; it must succeed (a machine without
/// `openssl` fails the test).
pub(crate) fn openssl(dir: &Path, args: &str) {
    let out = Command::new("openssl")
        .args(args.split_whitespace())
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("`openssl` is required by this test and cannot run: {e}"));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The path of `name` in `dir`, as text (for a command line).
pub(crate) fn file(dir: &Path, name: &str) -> String {
    path_str(&dir.join(name)).to_owned()
}

/// `pqjose import --alg ALG FILE` exits 2 with one error line saying the file holds no usable
/// key for `alg`, and nothing on stdout.
pub(crate) fn import_refused(dir: &Path, alg: &str, name: &str) {
    let out = pqjose(&["import", "--alg", alg, &file(dir, name)], None);
    let err = out.usage_or_io();
    assert!(
        err.contains("does not hold a usable"),
        "{alg} {name}: {err}"
    );
    assert!(out.stdout.is_empty());
}
