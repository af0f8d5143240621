//! One inventoried key or token, the size limits it is held against, and the summary.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::classify::Class;

/// A common limit for one cookie (name, value and attributes) in browsers and proxies; the
/// token alone, as the cookie's value, is compared with it.
pub(crate) const COOKIE_LIMIT: usize = 4096;
/// A common limit for one HTTP header line in servers and proxies (nginx, Apache, many load
/// balancers): `Authorization: Bearer <token>` is compared with it.
pub(crate) const HEADER_LINE_LIMIT: usize = 8192;
/// What precedes the token on its header line.
const BEARER_PREFIX: &str = "Authorization: Bearer ";

/// One key of a set or one token of a sample.
#[derive(Debug)]
pub(crate) struct Entry {
    /// `key #N` (0-based index in the set) or `line N` (1-based line of the tokens file).
    pub(crate) place: String,
    /// The `alg` it names, if any.
    pub(crate) alg: Option<String>,
    /// The `kid` it names, if any.
    pub(crate) kid: Option<String>,
    /// Where it stands against a quantum adversary.
    pub(crate) class: Class,
    /// The token's size; for a signing key, the size of a typical token it signs.
    pub(crate) token_bytes: Option<usize>,
    /// Short facts for the text report (`public key 1952 B`, `age 12 days`).
    pub(crate) notes: Vec<String>,
    /// Every fact, for the JSON report (`alg`, `kid`, `class`, `quantum_vulnerable` and the
    /// sizes are added by [`Entry::to_json`]).
    pub(crate) json: Map<String, Value>,
}

impl Entry {
    /// Whether the token (or a typical token of the key) fits in a 4 KB cookie.
    pub(crate) fn fits_cookie(&self) -> Option<bool> {
        self.token_bytes.map(|n| n <= COOKIE_LIMIT)
    }

    /// Whether `Authorization: Bearer <token>` fits in an 8 KB header line.
    pub(crate) fn fits_header_line(&self) -> Option<bool> {
        self.token_bytes
            .map(|n| BEARER_PREFIX.len() + n <= HEADER_LINE_LIMIT)
    }

    /// The JSON form: at least `alg`, `kid` and `quantum_vulnerable`.
    pub(crate) fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("alg".into(), json!(self.alg));
        out.insert("kid".into(), json!(self.kid));
        out.insert("class".into(), json!(self.class.as_str()));
        out.insert(
            "quantum_vulnerable".into(),
            json!(self.class.quantum_vulnerable()),
        );
        out.extend(self.json.clone());
        if let Some(bytes) = self.token_bytes {
            out.insert("token_bytes".into(), json!(bytes));
            out.insert("fits_cookie".into(), json!(self.fits_cookie()));
            out.insert("fits_header_line".into(), json!(self.fits_header_line()));
        }
        Value::Object(out)
    }

    /// Two lines of the text report: place, alg, class (and a mark when vulnerable); then
    /// kid and the other facts.
    pub(crate) fn to_text(&self) -> String {
        let alg = self
            .alg
            .as_deref()
            .map_or_else(|| "-".to_owned(), printable);
        let mut line = format!("  {:<9} {:<19} {}", self.place, alg, self.class.as_str());
        if self.class.quantum_vulnerable() {
            line.push_str("  QUANTUM-VULNERABLE");
        }
        let mut notes = Vec::new();
        if let Some(kid) = &self.kid {
            notes.push(format!("kid {}", printable(kid)));
        }
        notes.extend(self.notes.iter().cloned());
        if let Some(bytes) = self.token_bytes {
            let what = if self.place.starts_with("key") {
                "typical token"
            } else {
                "token"
            };
            let mut size = format!("{what} {bytes} B");
            if self.fits_header_line() == Some(false) {
                size.push_str(" (over the 8 KB header line and the 4 KB cookie limits)");
            } else if self.fits_cookie() == Some(false) {
                size.push_str(" (over the 4 KB cookie limit)");
            }
            notes.push(size);
        }
        if !notes.is_empty() {
            line.push_str("\n            ");
            line.push_str(&notes.join(", "));
        }
        line.push('\n');
        line
    }
}

/// Text from the input, safe to print on a terminal: control characters become `?`, and long
/// values are cut.
pub(crate) fn printable(s: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = s
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// The counts over all entries.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Entries inventoried.
    pub(crate) total: usize,
    /// Entries a quantum computer breaks (classical or unrecognized).
    pub(crate) quantum_vulnerable: usize,
    /// Entries per class.
    pub(crate) by_class: BTreeMap<&'static str, usize>,
    /// Entries per `alg` (`(none)` for a key without `alg`).
    pub(crate) by_alg: BTreeMap<String, usize>,
    /// Tokens (or typical tokens) over the 4 KB cookie limit.
    pub(crate) over_cookie: usize,
    /// Tokens (or typical tokens) whose bearer header line is over 8 KB.
    pub(crate) over_header_line: usize,
}

impl Summary {
    /// Count `entries`.
    pub(crate) fn of(entries: &[Entry]) -> Self {
        let mut s = Self {
            total: entries.len(),
            ..Self::default()
        };
        for e in entries {
            if e.class.quantum_vulnerable() {
                s.quantum_vulnerable += 1;
            }
            *s.by_class.entry(e.class.as_str()).or_default() += 1;
            *s.by_alg
                .entry(e.alg.clone().unwrap_or_else(|| "(none)".to_owned()))
                .or_default() += 1;
            if e.fits_cookie() == Some(false) {
                s.over_cookie += 1;
            }
            if e.fits_header_line() == Some(false) {
                s.over_header_line += 1;
            }
        }
        s
    }

    /// The JSON form.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "total": self.total,
            "quantum_vulnerable": self.quantum_vulnerable,
            "by_class": self.by_class,
            "by_alg": self.by_alg,
            "over_cookie_limit": self.over_cookie,
            "over_header_line_limit": self.over_header_line,
        })
    }

    /// The closing lines of the text report.
    pub(crate) fn to_text(&self, what: &str) -> String {
        let list = |m: &mut dyn Iterator<Item = (String, usize)>| {
            m.map(|(k, n)| format!("{} {n}", printable(&k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "\nquantum-vulnerable: {} of {} {what}",
            self.quantum_vulnerable, self.total
        );
        if self.total > 0 {
            out.push_str(&format!(
                " (by class: {}; by alg: {})",
                list(&mut self.by_class.iter().map(|(k, n)| ((*k).to_owned(), *n))),
                list(&mut self.by_alg.iter().map(|(k, n)| (k.clone(), *n)))
            ));
        }
        out.push_str(&format!(
            "\nsize limits: {} over the 4 KB cookie limit, {} over the 8 KB header line limit\n",
            self.over_cookie, self.over_header_line
        ));
        out
    }
}

/// Bytes encoded by an unpadded base64url string of `len` characters.
pub(crate) const fn decoded_len(len: usize) -> usize {
    len / 4 * 3
        + match len % 4 {
            2 => 1,
            3 => 2,
            _ => 0,
        }
}

/// Characters of the unpadded base64url encoding of `len` bytes.
pub(crate) const fn encoded_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(bytes: usize, class: Class) -> Entry {
        Entry {
            place: "line 1".into(),
            alg: Some("ES256".into()),
            kid: None,
            class,
            token_bytes: Some(bytes),
            notes: Vec::new(),
            json: Map::new(),
        }
    }

    #[test]
    fn limits_are_inclusive() {
        assert_eq!(token(4096, Class::Classical).fits_cookie(), Some(true));
        assert_eq!(token(4097, Class::Classical).fits_cookie(), Some(false));
        let at_limit = HEADER_LINE_LIMIT - BEARER_PREFIX.len();
        assert_eq!(
            token(at_limit, Class::Classical).fits_header_line(),
            Some(true)
        );
        assert_eq!(
            token(at_limit + 1, Class::Classical).fits_header_line(),
            Some(false)
        );
    }

    #[test]
    fn base64_lengths() {
        for n in 0..40 {
            assert_eq!(decoded_len(encoded_len(n)), n);
        }
        assert_eq!(encoded_len(3309), 4412);
    }

    #[test]
    fn summary_counts() {
        let entries = [
            token(5000, Class::PostQuantum),
            token(300, Class::Classical),
            token(9000, Class::Unknown),
        ];
        let s = Summary::of(&entries);
        assert_eq!((s.total, s.quantum_vulnerable), (3, 2));
        assert_eq!((s.over_cookie, s.over_header_line), (2, 1));
        assert_eq!(s.by_alg["ES256"], 3);
        assert_eq!(s.by_class["classical"], 1);
    }

    #[test]
    fn printable_neutralizes_terminal_controls() {
        assert_eq!(printable("a\u{1b}[2Jb\n"), "a?[2Jb?");
        assert!(printable(&"k".repeat(100)).ends_with('…'));
    }
}
