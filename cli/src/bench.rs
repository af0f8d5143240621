//! `pqjose bench`: operations per second on this machine, key/signature/token sizes and the
//! backend, one table per algorithm. A quick look for choosing an algorithm; the criterion
//! benchmarks in `benches/` (docs/PERFORMANCE.md) are the careful measurement.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pqjose::{Algorithm, JwsSigner, JwsVerifier, SigningKey, TokenBuilder, Validation};

use crate::exit::Exit;
use crate::{input, parse};

/// Tokens longer than this are flagged: a common limit for one HTTP header in proxies.
const HEADER_LIMIT: usize = 8 * 1024;
/// Time spent on each operation (at least one run).
const BUDGET: Duration = Duration::from_millis(300);

/// Measure key generation, signing and verifying on this machine
///
/// Measure each algorithm on this machine: key generation, signing and verifying (operations
/// per second), public key, signature and typical token sizes, and the backend used.
///
/// Verify uses a parsed (cached) key, as a gateway does. The typical token carries iss, sub,
/// aud, iat, exp, jti and a scope. A token above 8 KB is flagged: many proxies limit one header
/// to 8 KB. Each operation runs for about 0.3 s, so the numbers are rough; RSA key generation
/// and SLH-DSA signing take a while.
#[derive(clap::Args)]
#[command(override_usage = "pqjose bench [--alg ALG]...")]
pub(crate) struct BenchArgs {
    /// Measure ALG (repeatable; default: every registered algorithm)
    #[arg(long, value_name = "ALG", value_parser = parse::algorithm, allow_hyphen_values = true)]
    alg: Vec<Algorithm>,
}

/// `pqjose bench`.
pub(crate) fn run(args: BenchArgs) -> Result<(), Exit> {
    let algs = if args.alg.is_empty() {
        Algorithm::ALL
            .iter()
            .copied()
            .filter(|a| a.is_registered() && *a != Algorithm::EdDsa)
            .collect()
    } else {
        args.alg
    };
    let mut out = format!(
        "pqjose {} ({} build; each figure from about {} ms of work)\n",
        env!("CARGO_PKG_VERSION"),
        pqjose::backend_name(),
        BUDGET.as_millis()
    );
    for alg in algs {
        out.push('\n');
        out.push_str(&table(
            &measure(alg, BUDGET).map_err(|e| Exit::rejected(&e))?,
        ));
    }
    input::write_stdout(out.as_bytes())
}

/// What `pqjose bench` reports for one algorithm.
#[derive(Debug)]
struct Report {
    alg: Algorithm,
    keygen: f64,
    sign: f64,
    verify: f64,
    public_key: Option<usize>,
    signature: usize,
    token: usize,
}

/// Runs of `f` per second, running it for about `budget` (at least once).
fn rate(
    budget: Duration,
    mut f: impl FnMut() -> Result<(), pqjose::Error>,
) -> Result<f64, pqjose::Error> {
    let start = Instant::now();
    let mut runs = 0u32;
    loop {
        f()?;
        runs += 1;
        let elapsed = start.elapsed();
        if elapsed >= budget {
            return Ok(f64::from(runs) / elapsed.as_secs_f64());
        }
    }
}

fn measure(alg: Algorithm, budget: Duration) -> Result<Report, pqjose::Error> {
    let keygen = rate(budget, || {
        SigningKey::generate(alg).map(|k| drop(black_box(k)))
    })?;
    let key = SigningKey::generate(alg)?;
    let public = key.verifying_key()?;
    let token = TokenBuilder::new()
        .issuer("https://issuer.example.com")
        .subject("agent-7f3a/task-0192")
        .audience("https://api.example.com")
        .claim("scope", "inventory:read orders:write")
        .sign(&key)?;
    let (input, sig) = token
        .rsplit_once('.')
        .ok_or(pqjose::Error::InvalidSignature)?;
    let signature = decoded_len(sig);
    let sig_bytes = JwsSigner::sign(&key, input.as_bytes())?;
    let sign = rate(budget, || {
        JwsSigner::sign(&key, black_box(input.as_bytes())).map(|s| drop(black_box(s)))
    })?;
    let verify = rate(budget, || {
        public.verify(black_box(input.as_bytes()), &sig_bytes)
    })?;
    // The typical token verifies under a gateway's policy (a sanity check of the figures).
    Validation::new()
        .issuer("https://issuer.example.com")
        .audience("https://api.example.com")
        .verify::<pqjose::CustomClaims>(&token, &public)?;
    Ok(Report {
        alg,
        keygen,
        sign,
        verify,
        public_key: public_key_len(&public),
        signature,
        token: token.len(),
    })
}

/// Bytes encoded by an unpadded base64url string.
fn decoded_len(b64: &str) -> usize {
    b64.len() * 3 / 4
}

/// The raw public key length (AKP `pub`, OKP `x`, EC `x‖y`, RSA `n`); none for HMAC.
fn public_key_len(key: &pqjose::VerifyingKey) -> Option<usize> {
    let jwk: serde_json::Value = serde_json::from_str(&key.to_jwk().ok()?.to_json()).ok()?;
    let len = |m: &str| jwk.get(m).and_then(|v| v.as_str()).map(decoded_len);
    match jwk.get("kty")?.as_str()? {
        "AKP" => len("pub"),
        "OKP" => len("x"),
        "EC" => Some(len("x")? + len("y")?),
        "RSA" => len("n"),
        _ => None,
    }
}

fn per_second(x: f64) -> String {
    if x >= 100.0 {
        format!("{:>12.0}/s", x)
    } else {
        format!("{:>12.2}/s", x)
    }
}

fn table(r: &Report) -> String {
    let mut t = format!(
        "{}  (backend: {})\n",
        r.alg.as_str(),
        pqjose::backend_for(r.alg)
    );
    t.push_str(&format!("  keygen      {}\n", per_second(r.keygen)));
    t.push_str(&format!("  sign        {}\n", per_second(r.sign)));
    t.push_str(&format!("  verify      {}\n", per_second(r.verify)));
    let pk = r
        .public_key
        .map_or_else(|| "shared secret".to_owned(), |n| format!("{n} B"));
    t.push_str(&format!("  public key  {pk:>14}\n"));
    t.push_str(&format!("  signature   {:>12} B\n", r.signature));
    t.push_str(&format!(
        "  token       {:>12} B  (typical claims)\n",
        r.token
    ));
    if r.token > HEADER_LIMIT {
        t.push_str(&format!(
            "  warning: a typical token is {} B, above the 8 KB header limit of many proxies\n",
            r.token
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_sizes_backend_and_rates() {
        let r = measure(Algorithm::MlDsa44, Duration::from_millis(1)).unwrap();
        assert_eq!(r.public_key, Some(1312));
        assert_eq!(r.signature, 2420);
        assert!(r.keygen > 0.0 && r.sign > 0.0 && r.verify > 0.0);
        let text = table(&r);
        assert!(text.starts_with("ML-DSA-44  (backend: "), "{text}");
        assert!(text.contains(pqjose::backend_for(Algorithm::MlDsa44)));
        assert!(!text.contains("warning"), "{text}");
    }

    #[test]
    fn warns_above_eight_kilobytes() {
        // SLH-DSA-SHA2-128s: 7856-byte signatures make a typical token about 10.9 KB.
        let r = Report {
            alg: Algorithm::SlhDsaSha2_128s,
            keygen: 50.0,
            sign: 1.5,
            verify: 900.0,
            public_key: Some(32),
            signature: 7856,
            token: 10_905,
        };
        let text = table(&r);
        assert!(
            text.contains("warning: a typical token is 10905 B"),
            "{text}"
        );
        assert!(text.contains("       1.50/s"), "{text}");
    }

    #[test]
    fn hmac_has_no_public_key_size() {
        let r = measure(Algorithm::Hs256, Duration::from_millis(1)).unwrap();
        assert_eq!(r.public_key, None);
        assert_eq!(r.signature, 32);
        assert!(table(&r).contains("shared secret"));
    }
}
