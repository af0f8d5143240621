//! The end-of-input summary of `pqjose verify --lines`: every token (every non-blank line) is
//! counted by algorithm and outcome; at end of input the counts go to stderr, one line each,
//! so stdout stays one JSON object per token:
//!
//! ```text
//! summary: tokens=5 ok=3 rejected=2 quantum_vulnerable=1
//! summary: alg=ML-DSA-65 outcome=ok count=3
//! summary: alg=ES256 outcome=rejected code=401 count=1
//! summary: alg=none outcome=rejected code=100 count=1
//! ```
//!
//! The algorithm is the one the library's telemetry reports ([`pqjose::telemetry::Event::alg`]:
//! the [`Summary`] is the validation's observer): on success the algorithm of the key that
//! verified, on failure the one the token named or the key was bound to. `--raw` checks no
//! claims and goes around the validation, so there the verified signature's algorithm is
//! noted directly ([`Summary::saw`]). A rejected token without a reported algorithm is
//! counted under the algorithm its protected header names, if it has a readable one, else
//! `alg=none` (a malformed header, an oversized line). `quantum_vulnerable` counts the tokens,
//! accepted or not, whose algorithm is quantum-vulnerable (RSA, ECDSA, EdDSA), as `inventory`
//! classifies them.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use pqjose::telemetry::{Event, Observer};
use pqjose::{Algorithm, Error, dangerous};

use crate::inventory::classify;

/// Counts the tokens of `--lines` by (algorithm, outcome code). Share it with the validation
/// as its observer, and [`Summary::record`] each token's outcome.
#[derive(Default)]
pub(crate) struct Summary {
    /// The algorithm reported for the token being verified (the last event's, when a remote
    /// set was refreshed and the token tried twice).
    current: Mutex<Option<&'static str>>,
    counts: Mutex<BTreeMap<(&'static str, u32), u64>>,
}

impl Observer for Summary {
    fn observe(&self, event: &Event<'_>) {
        if let Some(alg) = event.alg() {
            self.saw_str(alg);
        }
    }
}

impl Summary {
    /// Note the algorithm that verified the current token (paths outside the validation).
    pub(crate) fn saw(&self, alg: Algorithm) {
        self.saw_str(alg.as_str());
    }

    fn saw_str(&self, alg: &'static str) {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(alg);
    }

    /// Count one token (`None`: a line too long to be one) with its outcome.
    pub(crate) fn record(&self, token: Option<&str>, outcome: Result<(), &Error>) {
        let seen = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let alg = seen
            .or_else(|| {
                let header = dangerous::decode_unverified(token?).ok()?;
                Some(header.header().alg().as_str())
            })
            .unwrap_or("none");
        let code = outcome.map_or_else(Error::code, |()| 0);
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry((alg, code)).or_default() += 1;
    }

    /// The summary lines (each without its newline): the totals, then one line per algorithm
    /// and outcome, accepted first, in algorithm order.
    pub(crate) fn lines(&self) -> Vec<String> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut total, mut ok, mut vulnerable) = (0, 0, 0);
        for (&(alg, code), n) in counts.iter() {
            total += n;
            if code == 0 {
                ok += n;
            }
            if alg != "none" && classify::of_alg(alg).quantum_vulnerable() {
                vulnerable += n;
            }
        }
        let mut lines = vec![format!(
            "summary: tokens={total} ok={ok} rejected={} quantum_vulnerable={vulnerable}",
            total - ok
        )];
        let mut rows: Vec<_> = counts.iter().collect();
        rows.sort_by_key(|&(&(alg, code), _)| (code != 0, alg, code));
        lines.extend(rows.into_iter().map(|(&(alg, code), n)| match code {
            0 => format!("summary: alg={alg} outcome=ok count={n}"),
            _ => format!("summary: alg={alg} outcome=rejected code={code} count={n}"),
        }));
        lines
    }

    /// Write the summary to stderr (a failed write is ignored: stdout carried the results).
    pub(crate) fn print(&self) {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        for line in self.lines() {
            let _ = writeln!(err, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use pqjose::{CustomClaims, FormatError, SigningKey, TokenBuilder, Validation};

    use super::*;

    fn verify(summary: &Summary, validation: &Validation, token: &str, key: &SigningKey) {
        let result = validation.verify::<CustomClaims>(token, &key.verifier());
        summary.record(Some(token), result.as_ref().map(drop));
    }

    #[test]
    fn counts_by_algorithm_and_outcome() {
        let summary = Arc::new(Summary::default());
        let validation = Validation::new().observer(summary.clone());
        let pq = SigningKey::generate(Algorithm::MlDsa44).unwrap();
        let classical = SigningKey::generate(Algorithm::Es256).unwrap();
        let good = |k: &SigningKey| {
            TokenBuilder::new()
                .ttl(Duration::from_secs(60))
                .sign(k)
                .unwrap()
        };
        for _ in 0..2 {
            verify(&summary, &validation, &good(&pq), &pq);
        }
        // Signed by another key: rejected, the key's algorithm reported.
        let wrong = SigningKey::generate(Algorithm::Es256).unwrap();
        verify(&summary, &validation, &good(&wrong), &classical);
        verify(&summary, &validation, &good(&classical), &classical);
        // No event (a line too long to be a token; a path around the validation).
        summary.record(None, Err(&FormatError::TooLarge.into()));
        summary.saw(Algorithm::MlDsa44);
        summary.record(Some("not read"), Ok(()));
        assert_eq!(
            summary.lines(),
            [
                "summary: tokens=6 ok=4 rejected=2 quantum_vulnerable=2".to_owned(),
                "summary: alg=ES256 outcome=ok count=1".to_owned(),
                "summary: alg=ML-DSA-44 outcome=ok count=3".to_owned(),
                "summary: alg=ES256 outcome=rejected code=400 count=1".to_owned(),
                format!(
                    "summary: alg=none outcome=rejected code={} count=1",
                    pqjose::Error::from(FormatError::TooLarge).code()
                ),
            ]
        );
    }

    #[test]
    fn an_empty_input_has_a_zero_summary() {
        assert_eq!(
            Summary::default().lines(),
            ["summary: tokens=0 ok=0 rejected=0 quantum_vulnerable=0"]
        );
    }
}
