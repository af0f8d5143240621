//! The closing table: token size, and sign and verify time per algorithm on this machine.
//!
//! The median of a few runs, measured with the same claims and policy checks as the scenario
//! (without the replay cache, so one token can be verified repeatedly). A demo, not a benchmark:
//! the benches are in `benches/`.

use std::time::{Duration, Instant};

use pqjose::{CustomClaims, KeySet, SigningKey, Validation};

use super::report::Timing;
use super::scenario::{During, Failed, GATEWAY, ISSUER, Timeline};

/// Runs per algorithm.
pub(super) const RUNS: usize = 9;

/// Sign and verify `RUNS` tokens with each key; the verifier is `keys` (which must hold the
/// matching public keys).
pub(super) fn measure(
    t: &Timeline,
    signers: &[&SigningKey],
    keys: &KeySet,
) -> Result<Vec<Timing>, Failed> {
    let validation = Validation::new()
        .issuer(ISSUER)
        .audience(GATEWAY)
        .clock(std::sync::Arc::clone(&t.clock));
    let builder = super::scenario::timing_builder(t);
    signers
        .iter()
        .map(|key| {
            let alg = key.algorithm();
            let during = format!("timing {alg}");
            let mut sign = Vec::with_capacity(RUNS);
            let mut verify = Vec::with_capacity(RUNS);
            let mut token_bytes = 0;
            for _ in 0..RUNS {
                let started = Instant::now();
                let token = builder.sign(*key).during(&during)?;
                sign.push(started.elapsed());
                let started = Instant::now();
                validation
                    .verify_with_keys::<CustomClaims>(&token, keys)
                    .during(&during)?;
                verify.push(started.elapsed());
                token_bytes = token.len();
            }
            Ok(Timing {
                alg: alg.as_str(),
                token_bytes,
                sign_us: median(&mut sign).as_micros(),
                verify_us: median(&mut verify).as_micros(),
                runs: RUNS,
            })
        })
        .collect()
}

/// The median (the upper one for an even count); zero for no samples.
pub(super) fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_samples() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&mut ms(&[5, 1, 3])), Duration::from_millis(3));
        assert_eq!(median(&mut ms(&[4, 1, 3, 2])), Duration::from_millis(3));
        assert_eq!(median(&mut []), Duration::ZERO);
    }
}
