//! What the demo found, as data: filled in by the scenario, then rendered as text
//! ([`Report::to_text`]) or as JSON ([`Report::to_json`]). Both renderings come from the same
//! values, so `--json` says exactly what the text says.

use std::fmt::Write as _;

use serde_json::{Value, json};

/// One key the issuer created.
pub(super) struct KeyLine {
    pub(super) alg: &'static str,
    pub(super) kid: String,
    /// Size of its public JWK (JSON text), bytes.
    pub(super) jwk_bytes: usize,
}

/// One token the issuer minted.
pub(super) struct TokenLine {
    pub(super) agent: &'static str,
    pub(super) task: &'static str,
    pub(super) scope: &'static str,
    pub(super) alg: &'static str,
    pub(super) kid: String,
    pub(super) audience: &'static str,
    pub(super) bytes: usize,
}

/// What a check expects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// The token verifies.
    Accept,
    /// The token is rejected with this error code.
    Reject(u32),
}

/// What happened.
pub(super) enum Outcome {
    /// Verified; a description of the verified claims and key.
    Accepted(String),
    /// Rejected: the error's code and `Display`.
    Rejected { code: u32, reason: String },
}

/// One presentation of a token to the gateway, with what the scenario expects.
pub(super) struct Check {
    /// Seconds after the start of the scenario.
    pub(super) at: i64,
    pub(super) what: String,
    pub(super) expected: Expect,
    pub(super) outcome: Outcome,
}

impl Check {
    /// Whether the outcome is the expected one (for a rejection: with the expected code).
    pub(super) fn ok(&self) -> bool {
        match (&self.expected, &self.outcome) {
            (Expect::Accept, Outcome::Accepted(_)) => true,
            (Expect::Reject(want), Outcome::Rejected { code, .. }) => want == code,
            _ => false,
        }
    }
}

/// One row of the closing table.
pub(super) struct Timing {
    pub(super) alg: &'static str,
    pub(super) token_bytes: usize,
    pub(super) sign_us: u128,
    pub(super) verify_us: u128,
    pub(super) runs: usize,
}

/// A line of a step.
pub(super) enum Line {
    Note(String),
    Key(KeyLine),
    Token(TokenLine),
    Check(Check),
}

/// A numbered step of the scenario.
pub(super) struct Step {
    /// A stable identifier (`keys`, `mint`, `gateway`, `expiry`, `rotation`).
    pub(super) id: &'static str,
    pub(super) title: String,
    pub(super) lines: Vec<Line>,
}

/// Everything the demo found.
#[derive(Default)]
pub(super) struct Report {
    pub(super) steps: Vec<Step>,
    pub(super) timings: Vec<Timing>,
    /// The closing table's row for the secret delivery (sign + encrypt, decrypt + verify).
    pub(super) delivery: Option<Timing>,
    /// A step that could not be carried out at all (for example a key that could not be made).
    pub(super) error: Option<String>,
    /// The real time the scenario's clock started at (seconds since the Unix epoch); every
    /// check's `at` is an offset from it.
    pub(super) start: i64,
    pub(super) elapsed_ms: u128,
}

impl Report {
    /// Start a new step.
    pub(super) fn step(&mut self, id: &'static str, title: impl Into<String>) {
        self.steps.push(Step {
            id,
            title: title.into(),
            lines: Vec::new(),
        });
    }

    /// Add a line to the current step.
    pub(super) fn push(&mut self, line: Line) {
        if let Some(step) = self.steps.last_mut() {
            step.lines.push(line);
        }
    }

    /// Add a note to the current step.
    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.push(Line::Note(text.into()));
    }

    fn checks(&self) -> impl Iterator<Item = (&'static str, &Check)> {
        self.steps.iter().flat_map(|s| {
            s.lines.iter().filter_map(move |l| match l {
                Line::Check(c) => Some((s.id, c)),
                _ => None,
            })
        })
    }

    /// The number of checks whose outcome differs from the expectation.
    pub(super) fn failures(&self) -> usize {
        self.checks().filter(|(_, c)| !c.ok()).count()
    }

    /// Whether every expectation held and no step failed.
    pub(super) fn ok(&self) -> bool {
        self.error.is_none() && self.failures() == 0 && self.checks().next().is_some()
    }

    /// The readable rendering.
    pub(super) fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "pqjose demo: per-task agent credentials signed with post-quantum keys\n"
        );
        for (n, step) in self.steps.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", n + 1, step.title);
            for line in &step.lines {
                text_line(&mut out, line);
            }
            out.push('\n');
        }
        if !self.timings.is_empty() {
            text_timings(
                &mut out,
                self.steps.len() + 1,
                &self.timings,
                self.delivery.as_ref(),
            );
        }
        if let Some(e) = &self.error {
            let _ = writeln!(out, "FAILED: {e}");
        }
        let total = self.checks().count();
        let failures = self.failures();
        if self.ok() {
            let _ = writeln!(
                out,
                "All {total} expectations held ({} ms).",
                self.elapsed_ms
            );
        } else {
            let _ = writeln!(out, "{failures} of {total} expectations FAILED.");
        }
        out
    }

    /// The machine-readable rendering.
    pub(super) fn to_json(&self) -> Value {
        let steps: Vec<Value> = self.steps.iter().map(json_step).collect();
        let checks: Vec<Value> = self.checks().map(|(id, c)| json_check(id, c)).collect();
        let keys: Vec<Value> = self.lines().filter_map(json_key).collect();
        let tokens: Vec<Value> = self.lines().filter_map(json_token).collect();
        let timings: Vec<Value> = self
            .timings
            .iter()
            .map(|t| {
                json!({
                    "alg": t.alg,
                    "token_bytes": t.token_bytes,
                    "sign_us": t.sign_us,
                    "verify_us": t.verify_us,
                    "runs": t.runs,
                })
            })
            .collect();
        json!({
            "ok": self.ok(),
            "failures": self.failures(),
            "error": self.error,
            "keys": keys,
            "tokens": tokens,
            "checks": checks,
            "timings": timings,
            "delivery_timing": self.delivery.as_ref().map(|t| json!({
                "alg": t.alg,
                "jwe_bytes": t.token_bytes,
                "sign_encrypt_us": t.sign_us,
                "decrypt_verify_us": t.verify_us,
                "runs": t.runs,
            })),
            "steps": steps,
            "start": self.start,
            "elapsed_ms": self.elapsed_ms,
        })
    }

    fn lines(&self) -> impl Iterator<Item = &Line> {
        self.steps.iter().flat_map(|s| s.lines.iter())
    }
}

/// `t+M:SS`.
pub(super) fn clock_label(at: i64) -> String {
    format!("t+{}:{:02}", at / 60, at % 60)
}

/// `1234` → `1,234`.
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn text_line(out: &mut String, line: &Line) {
    let _ = match line {
        Line::Note(text) => writeln!(out, "   {text}"),
        Line::Key(k) => writeln!(
            out,
            "   {:<18} kid {:<9} public JWK {:>5} bytes",
            k.alg,
            k.kid,
            thousands(k.jwk_bytes)
        ),
        Line::Token(t) => writeln!(
            out,
            "   {:<8} {:<7} {:<14} {:<18} -> {:<24} {:>6} bytes",
            t.agent,
            t.task,
            t.scope,
            t.alg,
            t.audience,
            thousands(t.bytes)
        ),
        Line::Check(c) => {
            let mark = if c.ok() { "ok  " } else { "FAIL" };
            let result = match &c.outcome {
                Outcome::Accepted(detail) => format!("accepted: {detail}"),
                Outcome::Rejected { code, reason } => format!("rejected: {reason} [{code}]"),
            };
            let _ = writeln!(
                out,
                "   {mark} {} {:<42} {result}",
                clock_label(c.at),
                c.what
            );
            if c.ok() {
                Ok(())
            } else {
                let want = match c.expected {
                    Expect::Accept => "accepted".to_owned(),
                    Expect::Reject(code) => format!("rejected [{code}]"),
                };
                writeln!(out, "          expected: {want}")
            }
        }
    };
}

fn text_timings(out: &mut String, number: usize, timings: &[Timing], delivery: Option<&Timing>) {
    let runs = timings.first().map_or(0, |t| t.runs);
    let _ = writeln!(
        out,
        "{number}. Cost on this machine (median of {runs} runs; a demo, not a benchmark)"
    );
    let _ = writeln!(
        out,
        "   {:<18} {:>12} {:>12} {:>12}",
        "algorithm", "token bytes", "sign", "verify"
    );
    for t in timings.iter().chain(delivery) {
        let _ = writeln!(
            out,
            "   {:<18} {:>12} {:>12} {:>12}",
            t.alg,
            thousands(t.token_bytes),
            micros(t.sign_us),
            micros(t.verify_us)
        );
    }
    if let Some(d) = delivery {
        let _ = writeln!(
            out,
            "   ({}: JWE bytes; sign = sign + encrypt, verify = decrypt + verify)",
            d.alg
        );
    }
    out.push('\n');
}

/// A duration in microseconds, readably.
fn micros(us: u128) -> String {
    if us >= 10_000 {
        format!("{} ms", us / 1000)
    } else if us >= 1000 {
        format!("{}.{:02} ms", us / 1000, (us % 1000) / 10)
    } else {
        format!("{us} µs")
    }
}

fn json_step(s: &Step) -> Value {
    let notes: Vec<&str> = s
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Note(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    json!({ "id": s.id, "title": s.title, "notes": notes })
}

fn json_check(step: &str, c: &Check) -> Value {
    let (expected, expected_code) = match c.expected {
        Expect::Accept => ("accept", None),
        Expect::Reject(code) => ("reject", Some(code)),
    };
    let (outcome, code, reason, detail) = match &c.outcome {
        Outcome::Accepted(d) => ("accepted", None, None, Some(d.as_str())),
        Outcome::Rejected { code, reason } => {
            ("rejected", Some(*code), Some(reason.as_str()), None)
        }
    };
    json!({
        "step": step,
        "at": c.at,
        "what": c.what,
        "expected": expected,
        "expected_code": expected_code,
        "outcome": outcome,
        "code": code,
        "reason": reason,
        "detail": detail,
        "ok": c.ok(),
    })
}

fn json_key(l: &Line) -> Option<Value> {
    match l {
        Line::Key(k) => Some(json!({ "alg": k.alg, "kid": k.kid, "jwk_bytes": k.jwk_bytes })),
        _ => None,
    }
}

fn json_token(l: &Line) -> Option<Value> {
    match l {
        Line::Token(t) => Some(json!({
            "agent": t.agent,
            "task": t.task,
            "scope": t.scope,
            "alg": t.alg,
            "kid": t.kid,
            "audience": t.audience,
            "bytes": t.bytes,
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_helpers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4_615), "4,615");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(clock_label(0), "t+0:00");
        assert_eq!(clock_label(545), "t+9:05");
        assert_eq!(micros(87), "87 µs");
        assert_eq!(micros(1_234), "1.23 ms");
        assert_eq!(micros(12_345), "12 ms");
    }

    #[test]
    fn a_wrong_code_is_a_failure() {
        let check = |expected, outcome| Check {
            at: 0,
            what: String::new(),
            expected,
            outcome,
        };
        let rejected = |code| Outcome::Rejected {
            code,
            reason: String::new(),
        };
        assert!(check(Expect::Reject(400), rejected(400)).ok());
        assert!(!check(Expect::Reject(400), rejected(505)).ok());
        assert!(!check(Expect::Reject(400), Outcome::Accepted(String::new())).ok());
        assert!(!check(Expect::Accept, rejected(400)).ok());
        let mut r = Report::default();
        assert!(!r.ok(), "a report without checks proves nothing");
        r.step("gateway", "g");
        r.push(Line::Check(check(Expect::Accept, rejected(400))));
        assert_eq!(r.failures(), 1);
        assert!(!r.ok());
        assert_eq!(r.to_json()["checks"][0]["ok"], false);
    }
}
