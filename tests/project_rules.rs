//! Project rules that are enforced as lints, checked so that a config edit cannot quietly drop
//! them: `unsafe` only in `ffi/`, the clippy denials in `[workspace.lints]`, and the
//! disallowed panicking/ambient-time methods in `clippy.toml`.

// Test helpers outside `#[test]` functions may unwrap and panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code with `//` comments removed (good enough for these keyword checks).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
}

#[test]
fn unsafe_is_forbidden_outside_ffi() {
    let lib = read("src/lib.rs");
    assert!(
        lib.contains("#![forbid(unsafe_code)]"),
        "src/lib.rs must forbid unsafe_code"
    );
    if let Some(cli) = crate_root("cli/src/main.rs") {
        assert!(
            cli.contains("#![forbid(unsafe_code)]"),
            "cli/src/main.rs must forbid unsafe_code"
        );
    }
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("cli"), &mut files);
    assert!(files.len() > 10, "found only {} files", files.len());
    let mut offenders = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in code_lines(&text) {
            let has_unsafe = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == "unsafe");
            if has_unsafe && !line.contains("unsafe_code") {
                offenders.push(format!("{}:{n}", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "unsafe outside ffi/: {offenders:?}");
    eprintln!("{} files outside ffi/ checked: no unsafe", files.len());
}

/// The crate roots other than `src/lib.rs`, skipped while they are still placeholders.
fn crate_root(rel: &str) -> Option<String> {
    let text = read(rel);
    if text.lines().count() < 3 {
        eprintln!("{rel}: placeholder, not checked yet");
        return None;
    }
    Some(text)
}

#[test]
fn workspace_lints_deny_panicking_code() {
    let cargo = read("Cargo.toml");
    let lints = cargo
        .split("[workspace.lints.clippy]")
        .nth(1)
        .expect("[workspace.lints.clippy] section")
        .split("\n[")
        .next()
        .unwrap();
    for lint in ["todo", "unimplemented", "dbg_macro", "disallowed_methods"] {
        let line = lints
            .lines()
            .find(|l| l.split('=').next().unwrap().trim() == lint)
            .unwrap_or_else(|| panic!("{lint} missing from [workspace.lints.clippy]"));
        assert!(
            line.contains("\"deny\"") || line.contains("\"forbid\""),
            "{line}"
        );
    }
    // Every member crate inherits the workspace lints.
    for manifest in ["Cargo.toml", "cli/Cargo.toml", "ffi/Cargo.toml"] {
        let text = read(manifest);
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{manifest} does not inherit [workspace.lints]"
        );
    }
    // unwrap/expect/panic/indexing are denied at each crate root for non-test code.
    let roots = [
        ("src/lib.rs", Some(read("src/lib.rs"))),
        ("cli/src/main.rs", crate_root("cli/src/main.rs")),
        ("ffi/src/lib.rs", crate_root("ffi/src/lib.rs")),
    ];
    for (rel, text) in roots {
        let Some(text) = text else { continue };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let attr = compact
            .split("#![cfg_attr(not(test),deny(")
            .nth(1)
            .unwrap_or_else(|| panic!("{rel}: no #![cfg_attr(not(test), deny(...))]"));
        let denied = attr.split(")").next().unwrap();
        for lint in [
            "clippy::unwrap_used",
            "clippy::expect_used",
            "clippy::panic",
            "clippy::indexing_slicing",
        ] {
            assert!(denied.contains(lint), "{rel} does not deny {lint}");
        }
        for weak in [
            "allow(clippy::unwrap_used",
            "allow(clippy::panic",
            "warn(clippy::unwrap_used",
        ] {
            assert!(!compact.contains(weak), "{rel} weakens a lint: {weak}");
        }
    }
}

#[test]
fn clippy_disallows_panicking_signers_and_ambient_time() {
    let clippy = read("clippy.toml");
    for path in [
        "signature::Signer::sign",
        "signature::SignerMut::sign",
        "signature::RandomizedSigner::sign_with_rng",
        "signature::DigestSigner::sign_digest",
        "std::time::SystemTime::now",
    ] {
        assert!(
            clippy.contains(&format!("path = \"{path}\"")),
            "clippy.toml does not disallow {path}"
        );
    }
    // Tests may unwrap; library code may not.
    assert!(clippy.contains("allow-unwrap-in-tests = true"));
}
