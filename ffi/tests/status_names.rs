//! Every status has one name everywhere: the C constant in `include/pqjose.h`, the Go constant
//! in `bindings/go/status.go` and the Python member in `bindings/python/pqjose/_status.py` name
//! the same number with the same words, and no list has a number the others lack. (That the C
//! status string agrees with the library's message is checked in `ffi/src/error.rs`.)

// Test helpers outside `#[test]` functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::BTreeMap;
use std::path::PathBuf;

use pqjose_ffi::pqj_status;

fn read(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A name reduced to its words: lower case, no separators (`JWS_JSON`, `JwsJSON`, `JwsJson`
/// all give `jwsjson`).
fn words(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `NAME = NUMBER` pairs from lines that start (after indentation) with `prefix`, the name
/// ending at the first character that is neither alphanumeric nor `_`.
fn pairs(text: &str, prefix: &str, separator: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix(prefix) else {
            continue;
        };
        let Some((name, value)) = rest.split_once(separator) else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = value.trim().trim_end_matches(',');
        let Ok(n) = value.parse::<u32>() else {
            continue;
        };
        let old = out.insert(n, words(name));
        assert!(old.is_none(), "{prefix}: number {n} named twice");
    }
    out
}

fn c_names() -> BTreeMap<u32, String> {
    pairs(&read("include/pqjose.h"), "PQJ_STATUS_", "=")
}

fn go_names() -> BTreeMap<u32, String> {
    pairs(&read("bindings/go/status.go"), "Status", "Status =")
}

fn python_names() -> BTreeMap<u32, String> {
    let text = read("bindings/python/pqjose/_status.py");
    let body = text
        .split_once("class Status(")
        .map(|(_, b)| b)
        .expect("class Status");
    // Members are indented once; stop at the first method or class after the members.
    let members: String = body
        .lines()
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("def ") && !l.starts_with("class "))
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    pairs(&members, "", "=")
}

fn compare(what: &str, c: &BTreeMap<u32, String>, other: &BTreeMap<u32, String>) {
    let mut wrong = Vec::new();
    for (n, name) in c {
        match other.get(n) {
            None => wrong.push(format!("{n}: {what} lacks PQJ_STATUS_{name}")),
            Some(o) if o != name => wrong.push(format!("{n}: C says {name}, {what} says {o}")),
            Some(_) => {}
        }
    }
    for (n, o) in other {
        if !c.contains_key(n) {
            wrong.push(format!(
                "{n}: {what} has {o}, the C header has no such status"
            ));
        }
    }
    assert!(wrong.is_empty(), "{what} disagrees:\n{}", wrong.join("\n"));
}

#[test]
fn header_names_every_status_of_the_abi() {
    let c = c_names();
    let abi: Vec<u32> = pqj_status::ALL.iter().map(|s| *s as u32).collect();
    let header: Vec<u32> = c.keys().copied().collect();
    assert_eq!(header, abi);
    assert_eq!(c.get(&505).map(String::as_str), Some("audience"));
    assert_eq!(c.get(&506).map(String::as_str), Some("unexpectedaudience"));
}

#[test]
fn go_status_names_agree_with_c() {
    compare("Go", &c_names(), &go_names());
}

#[test]
fn python_status_names_agree_with_c() {
    compare("Python", &c_names(), &python_names());
}

#[test]
fn parsers_see_the_lists() {
    // A parser that found nothing would make the comparisons above vacuous.
    let n = pqj_status::ALL.len();
    assert_eq!(go_names().len(), n);
    assert_eq!(python_names().len(), n);
}
