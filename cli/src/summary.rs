//! The end-of-input summary of `pqjose verify --lines`: a telemetry observer
//! ([`pqjose::telemetry`]) set on the validation counts every verification by algorithm and
//! outcome; at end of input the counts go to stderr, one line each, so stdout stays one JSON
//! object per token:
//!
//! ```text
//! summary: tokens=5 ok=3 rejected=2 quantum_vulnerable=1
//! summary: alg=ML-DSA-65 outcome=ok count=3
//! summary: alg=ES256 outcome=rejected code=401 count=1
//! summary: alg=none outcome=rejected code=100 count=1
//! ```
//!
//! `alg=none`: the token failed before its algorithm was known (for example a malformed
//! header). `quantum_vulnerable` counts the tokens, accepted or not, whose algorithm is
//! quantum-vulnerable (RSA, ECDSA, EdDSA), as `inventory` classifies them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use pqjose::telemetry::{Event, Observer};

use crate::inventory::classify;

/// Counts verifications by (algorithm, outcome code); share it with the validation.
#[derive(Default)]
pub(crate) struct Summary {
    counts: Mutex<BTreeMap<(String, u32), u64>>,
}

impl Observer for Summary {
    fn observe(&self, event: &Event<'_>) {
        let alg = event.alg().unwrap_or("none").to_owned();
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry((alg, event.code())).or_default() += 1;
    }
}

impl Summary {
    /// A new, empty summary, ready to pass to `Validation::observer`.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The summary lines (each without its newline): the totals, then one line per algorithm
    /// and outcome, accepted first, in algorithm order.
    pub(crate) fn lines(&self) -> Vec<String> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut total, mut ok, mut vulnerable) = (0, 0, 0);
        for ((alg, code), n) in counts.iter() {
            total += n;
            if *code == 0 {
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
        rows.sort_by_key(|((alg, code), _)| (*code != 0, alg.clone(), *code));
        lines.extend(rows.into_iter().map(|((alg, code), n)| match code {
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
    use std::time::Duration;

    use pqjose::{Algorithm, CustomClaims, SigningKey, TokenBuilder, Validation};

    use super::*;

    #[test]
    fn counts_by_algorithm_and_outcome() {
        let summary = Summary::new();
        let validation = Validation::new().observer(summary.clone());
        let pq = SigningKey::generate(Algorithm::MlDsa44).unwrap();
        let classical = SigningKey::generate(Algorithm::Es256).unwrap();
        let good = |k: &SigningKey| {
            TokenBuilder::new()
                .ttl(Duration::from_secs(60))
                .sign(k)
                .unwrap()
        };
        let pq_vk = pq.verifying_key().unwrap();
        let es_vk = classical.verifying_key().unwrap();
        for _ in 0..2 {
            validation
                .verify::<CustomClaims>(&good(&pq), &pq_vk)
                .unwrap();
        }
        // Signed by another key: rejected, the key's algorithm reported.
        let wrong = SigningKey::generate(Algorithm::Es256).unwrap();
        let refused = validation
            .verify::<CustomClaims>(&good(&wrong), &es_vk)
            .unwrap_err();
        validation
            .verify::<CustomClaims>(&good(&classical), &es_vk)
            .unwrap();
        assert_eq!(
            summary.lines(),
            [
                "summary: tokens=4 ok=3 rejected=1 quantum_vulnerable=2".to_owned(),
                "summary: alg=ES256 outcome=ok count=1".to_owned(),
                "summary: alg=ML-DSA-44 outcome=ok count=2".to_owned(),
                format!(
                    "summary: alg=ES256 outcome=rejected code={} count=1",
                    refused.code()
                ),
            ]
        );
    }

    #[test]
    fn an_empty_input_has_a_zero_summary() {
        assert_eq!(
            Summary::new().lines(),
            ["summary: tokens=0 ok=0 rejected=0 quantum_vulnerable=0"]
        );
    }
}
