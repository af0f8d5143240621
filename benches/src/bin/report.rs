//! Turn the criterion results of both runs (`rustcrypto` and `aws-lc`) into the tables of
//! docs/PERFORMANCE.md: medians, and the ratios the performance targets are stated in.
//!
//! `cargo run --release --bin report` (reads `../target/criterion`, or `$CRITERION_DIR`).

use std::path::PathBuf;

use pqjose::Algorithm;

const BACKENDS: [&str; 2] = ["rustcrypto", "aws-lc"];

fn root() -> PathBuf {
    std::env::var_os("CRITERION_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/criterion"))
        })
}

/// The median of one benchmark in microseconds, if it was run.
fn median(backend: &str, group: &str, op: &str, alg: &str) -> Option<f64> {
    let path = root()
        .join(format!("{backend}.{group}"))
        .join(op)
        .join(alg)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64().map(|ns| ns / 1000.0)
}

fn us(x: Option<f64>) -> String {
    match x {
        Some(x) if x >= 1000.0 => format!("{:.2} ms", x / 1000.0),
        Some(x) => format!("{x:.1} µs"),
        None => "–".to_owned(),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

fn r(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{x:.2}×"))
}

fn verdict(x: Option<f64>, limit: f64) -> &'static str {
    match x {
        Some(x) if x <= limit => "met",
        Some(_) => "**missed**",
        None => "not run",
    }
}

fn main() {
    for backend in BACKENDS {
        if median(backend, "token", "verify", "ML-DSA-65").is_none()
            && median(backend, "token", "verify", "Ed25519").is_none()
        {
            continue;
        }
        println!("\n### Backend `{backend}` (medians)\n");
        println!(
            "| alg | keygen | raw sign | raw verify | token sign | token verify | JOSE overhead | verify ratio | sign ratio |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for alg in Algorithm::ALL {
            let a = alg.as_str();
            let tv = median(backend, "token", "verify", a);
            if tv.is_none() {
                continue;
            }
            let (rs, rv) = (
                median(backend, "raw", "sign", a),
                median(backend, "raw", "verify", a),
            );
            let ts = median(backend, "token", "sign", a);
            println!(
                "| {a} | {} | {} | {} | {} | {} | {} | {} | {} |",
                us(median(backend, "raw", "keygen", a)),
                us(rs),
                us(rv),
                us(ts),
                us(tv),
                us(median(backend, "overhead", "verify", a)),
                r(ratio(tv, rv)),
                r(ratio(ts, rs)),
            );
        }
        println!("\nKey set (Ed25519, token verify with `kid` lookup):\n");
        println!("| keys | verify | vs. key given directly |");
        println!("|---:|---:|---:|");
        let direct = median(backend, "keyset", "direct", "Ed25519");
        println!("| (direct) | {} | 1.00× |", us(direct));
        for n in [1, 10, 1000] {
            let t = median(backend, "keyset", &format!("keys-{n}"), "Ed25519");
            println!("| {n} | {} | {} |", us(t), r(ratio(t, direct)));
        }
        println!(
            "\nC ABI (`pqj_verifier_verify`, claims JSON returned) vs the Rust API doing the same \
             work (`verify_with_keys`, one-key set):\n"
        );
        println!("| alg | Rust verify | C ABI verify | C / Rust |");
        println!("|---|---:|---:|---:|");
        for alg in Algorithm::ALL {
            let a = alg.as_str();
            let rust = median(backend, "c_abi", "rust-verify", a);
            let c = median(backend, "c_abi", "c-verify", a);
            if rust.is_some() || c.is_some() {
                println!("| {a} | {} | {} | {} |", us(rust), us(c), r(ratio(c, rust)));
            }
        }
        println!("\nPeer (same claims, same checks; jsonwebtoken 11 with the matching backend):\n");
        println!(
            "| alg | pqjose verify | jsonwebtoken decode | verify ratio | pqjose sign | jsonwebtoken encode | sign ratio |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for a in ["EdDSA", "ES256", "RS256", "HS256"] {
            let p = median(backend, "peer", "pqjose-verify", a);
            let j = median(backend, "peer", "jsonwebtoken-decode", a);
            let ps = median(backend, "peer", "pqjose-sign", a);
            let js = median(backend, "peer", "jsonwebtoken-encode", a);
            println!(
                "| {a} | {} | {} | {} | {} | {} | {} |",
                us(p),
                us(j),
                r(ratio(p, j)),
                us(ps),
                us(js),
                r(ratio(ps, js))
            );
        }
    }

    println!("\n### Targets\n");
    println!("| # | target | measured | limit | verdict |");
    println!("|---|---|---:|---:|---|");
    let row = |n: u8, what: String, x: Option<f64>, limit: f64| {
        println!(
            "| {n} | {what} | {} | {limit:.2}× | {} |",
            r(x),
            verdict(x, limit)
        );
    };
    // A ratio of two medians of one run: (group, op) over (group, op).
    let of = |backend: &str, num: [&str; 2], den: [&str; 2], alg: &str| {
        ratio(
            median(backend, num[0], num[1], alg),
            median(backend, den[0], den[1], alg),
        )
    };
    for backend in BACKENDS {
        for (alg, limit) in [("ML-DSA-65", 1.05), ("Ed25519", 1.25)] {
            let x = of(backend, ["token", "verify"], ["raw", "verify"], alg);
            row(
                1,
                format!("{alg} token verify / raw verify ({backend})"),
                x,
                limit,
            );
        }
    }
    let x = ratio(
        median("aws-lc", "token", "sign", "ML-DSA-65"),
        median("aws-lc", "lib", "sign", "ML-DSA-65"),
    );
    row(
        2,
        "ML-DSA-65 token sign / aws-lc-rs sign (aws-lc)".into(),
        x,
        1.10,
    );
    for (backend, peer) in [("rustcrypto", "rust_crypto"), ("aws-lc", "aws_lc_rs")] {
        for a in ["EdDSA", "ES256", "RS256"] {
            let x = of(
                backend,
                ["peer", "pqjose-verify"],
                ["peer", "jsonwebtoken-decode"],
                a,
            );
            row(
                3,
                format!("{a} pqjose verify / jsonwebtoken `{peer}` decode"),
                x,
                1.0,
            );
        }
    }
    for backend in BACKENDS {
        for alg in ["ML-DSA-65", "Ed25519"] {
            let x = of(
                backend,
                ["c_abi", "c-verify"],
                ["c_abi", "rust-verify"],
                alg,
            );
            row(
                4,
                format!("{alg} C ABI verify / Rust API verify ({backend})"),
                x,
                1.05,
            );
        }
    }
    println!(
        "| 5 | allocations per token verify | see `alloc_count` | small, flat in claims size | – |"
    );
}
