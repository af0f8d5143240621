//! Criterion benchmarks. Results are named `<backend>.<group>/<op>/<alg>` so the default run
//! (`rustcrypto`) and the `aws-lc` run sit side by side under `target/criterion`, and
//! `cargo run --release --bin report` turns them into the ratio table of docs/PERFORMANCE.md.
//!
//! Groups: `raw` (keygen/sign/verify through the backend seam, no JOSE work), `token` (JWT
//! sign / verify with claim checks, cached key) and `overhead` (token verify with a verifier
//! that accepts everything: base64, JSON and claims alone), measured per algorithm back to back
//! on one key and token; `lib` (aws-lc-rs called directly, aws-lc run only), `keyset` (token
//! verify through a `KeySet` of 1, 10, 1000 keys), `c_abi` (`pqj_verifier_verify` against the
//! Rust API doing the same work), `peer` (jsonwebtoken 11 encode and decode of the same claims,
//! matching backend).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pqjose::{Algorithm, JwsVerifier, KeySet, SigningKey};
use pqjose_benches::fixture::Fixture;
use pqjose_benches::token::{self, AcceptAll};
use pqjose_benches::{algorithms, backend, keys};

fn config() -> Criterion {
    let secs: f64 = std::env::var("PQJOSE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(secs / 2.0))
        .measurement_time(Duration::from_secs_f64(secs))
        .sample_size(20)
        .without_plots()
        .configure_from_args()
}

/// SLH-DSA signing takes most of a second: the fewest samples criterion allows.
fn samples(alg: Algorithm) -> usize {
    if alg.family() == pqjose::Family::SlhDsa {
        10
    } else {
        20
    }
}

/// Key generation is slow for RSA (and SLH-DSA): measure it once per family.
fn keygen_worth_measuring(alg: Algorithm) -> bool {
    !matches!(
        alg,
        Algorithm::Rs384
            | Algorithm::Rs512
            | Algorithm::Ps256
            | Algorithm::Ps384
            | Algorithm::Ps512
    )
}

/// Per algorithm, back to back on one key pair and one token (so the ratios compare the same
/// signing input and signature): `raw` keygen/sign/verify through the backend seam, `token`
/// sign/verify, and `overhead` (token verify with a verifier that accepts everything).
fn per_algorithm(c: &mut Criterion) {
    let validation = token::validation();
    let builder = token::builder(0);
    for alg in algorithms() {
        let name = alg.as_str();
        let (sk, vk) = keys(alg);
        let tok = token::mint(&sk);
        let (input, sig) = token::split(&tok);

        let mut g = c.benchmark_group(format!("{}.raw", backend()));
        g.sample_size(samples(alg));
        if keygen_worth_measuring(alg) {
            g.bench_function(BenchmarkId::new("keygen", name), |b| {
                b.iter(|| SigningKey::generate(black_box(alg)).unwrap())
            });
        }
        g.bench_function(BenchmarkId::new("sign", name), |b| {
            b.iter(|| token::raw_sign(&sk, black_box(&input)))
        });
        g.bench_function(BenchmarkId::new("verify", name), |b| {
            b.iter(|| vk.verify(black_box(&input), black_box(&sig)).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group(format!("{}.token", backend()));
        g.sample_size(samples(alg));
        g.bench_function(BenchmarkId::new("sign", name), |b| {
            b.iter(|| builder.sign(black_box(&sk)).unwrap())
        });
        g.bench_function(BenchmarkId::new("verify", name), |b| {
            b.iter(|| token::verify(&validation, &vk, black_box(&tok)).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group(format!("{}.overhead", backend()));
        g.bench_function(BenchmarkId::new("verify", name), |b| {
            b.iter(|| token::verify(&validation, &AcceptAll(alg), black_box(&tok)).unwrap())
        });
        g.finish();
    }
}

/// The pieces of the JOSE overhead for the largest common token (ML-DSA-65): base64url
/// decoding of the signature (4412 characters) and of the payload, with the decoder pqjose uses
/// for public data (`base64-simd`).
fn parts(c: &mut Criterion) {
    let decode = |s: &str| base64_simd::URL_SAFE_NO_PAD.decode_to_vec(s).unwrap();
    let mut g = c.benchmark_group(format!("{}.parts", backend()));
    for alg in [Algorithm::MlDsa65, Algorithm::Ed25519] {
        let (sk, _) = keys(alg);
        let tok = token::mint(&sk);
        let mut segs = tok.split('.');
        let (_, payload, sig) = (
            segs.next().unwrap(),
            segs.next().unwrap(),
            segs.next().unwrap(),
        );
        g.bench_function(BenchmarkId::new("b64-signature", alg.as_str()), |b| {
            b.iter(|| decode(black_box(sig)))
        });
        g.bench_function(BenchmarkId::new("b64-payload", alg.as_str()), |b| {
            b.iter(|| decode(black_box(payload)))
        });
    }
    g.finish();
}

/// Token verify through a key set of 1, 10 and 1000 keys (the token's `kid` selects), against
/// the same verify with the key given directly.
fn keyset(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("{}.keyset", backend()));
    let validation = token::validation();
    let alg = Algorithm::Ed25519;
    let (sk, vk) = keys(alg);
    let tok = token::mint(&sk);
    let others: Vec<_> = (0..999).map(|_| keys(alg).1).collect();
    g.bench_function(BenchmarkId::new("direct", alg.as_str()), |b| {
        b.iter(|| token::verify(&validation, &vk, black_box(&tok)).unwrap())
    });
    for n in [1usize, 10, 1000] {
        let set = KeySet::new();
        for k in others.iter().take(n / 2) {
            set.add(k.clone()).unwrap();
        }
        set.add(vk.clone()).unwrap();
        for k in others.iter().skip(n / 2).take(n - 1 - n / 2) {
            set.add(k.clone()).unwrap();
        }
        assert_eq!(set.len(), n);
        g.bench_function(BenchmarkId::new(format!("keys-{n}"), alg.as_str()), |b| {
            b.iter(|| {
                validation
                    .verify_with_keys::<token::Custom>(black_box(&tok), &set)
                    .unwrap()
            })
        });
    }
    g.finish();
}

/// Token verify through the C ABI (`pqj_verifier_verify`, claims JSON returned and freed)
/// against the Rust API doing the same work (`Validation::verify_with_keys` through a one-key
/// `KeySet`, claims deserialized), same key, same token, same policy.
fn c_abi(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("{}.c_abi", backend()));
    for alg in algorithms() {
        if alg.family() == pqjose::Family::SlhDsa {
            continue;
        }
        g.sample_size(samples(alg));
        let f = Fixture::new(alg);
        g.bench_function(BenchmarkId::new("rust-verify", alg.as_str()), |b| {
            b.iter(|| f.keyset())
        });
        g.bench_function(BenchmarkId::new("c-verify", alg.as_str()), |b| {
            b.iter(|| f.c_abi())
        });
    }
    g.finish();
}

fn peer(c: &mut Criterion) {
    use jsonwebtoken as jwt;
    let mut g = c.benchmark_group(format!("{}.peer", backend()));
    let validation = token::validation();
    for (alg, theirs) in [
        (Algorithm::EdDsa, jwt::Algorithm::EdDSA),
        (Algorithm::Es256, jwt::Algorithm::ES256),
        (Algorithm::Rs256, jwt::Algorithm::RS256),
        (Algorithm::Hs256, jwt::Algorithm::HS256),
    ] {
        let name = alg.as_str();
        let (sk, vk) = keys(alg);
        let tok = token::mint(&sk);
        let jwk: serde_json::Value = serde_json::from_str(&sk.to_jwk().unwrap().to_json()).unwrap();
        let s = |m: &str| jwk[m].as_str().unwrap().to_owned();
        let key = match theirs {
            jwt::Algorithm::EdDSA => jwt::DecodingKey::from_ed_components(&s("x")).unwrap(),
            jwt::Algorithm::ES256 => {
                jwt::DecodingKey::from_ec_components(&s("x"), &s("y")).unwrap()
            }
            jwt::Algorithm::RS256 => {
                jwt::DecodingKey::from_rsa_components(&s("n"), &s("e")).unwrap()
            }
            _ => {
                use base64ct::{Base64UrlUnpadded, Encoding};
                jwt::DecodingKey::from_secret(&Base64UrlUnpadded::decode_vec(&s("k")).unwrap())
            }
        };
        // jsonwebtoken's policy set to pqjose's: issuer, audience, exp and nbf, 30 s leeway.
        let mut theirs_validation = jwt::Validation::new(theirs);
        theirs_validation.set_issuer(&[pqjose_benches::ISSUER]);
        theirs_validation.set_audience(&[pqjose_benches::AUDIENCE]);
        theirs_validation.validate_nbf = true;
        theirs_validation.leeway = 30;
        // Same token, same claims, both accept it.
        jwt::decode::<token::PeerClaims>(&tok, &key, &theirs_validation).unwrap();
        token::verify(&validation, &vk, &tok).unwrap();
        g.bench_function(BenchmarkId::new("pqjose-verify", name), |b| {
            b.iter(|| token::verify(&validation, &vk, black_box(&tok)).unwrap())
        });
        g.bench_function(BenchmarkId::new("jsonwebtoken-decode", name), |b| {
            b.iter(|| {
                jwt::decode::<token::PeerClaims>(black_box(&tok), &key, &theirs_validation).unwrap()
            })
        });

        // Signing: pqjose's builder against jsonwebtoken::encode of the same claims, both
        // stamping the time and a fresh `jti` per token (pqjose's is 128 random bits).
        // (HMAC keys have no PEM form: `pem` is read for the asymmetric algorithms only.)
        let pem = || sk.to_pkcs8_pem().unwrap();
        let encoding = match theirs {
            jwt::Algorithm::EdDSA => jwt::EncodingKey::from_ed_pem(pem().as_bytes()).unwrap(),
            jwt::Algorithm::ES256 => jwt::EncodingKey::from_ec_pem(pem().as_bytes()).unwrap(),
            jwt::Algorithm::RS256 => jwt::EncodingKey::from_rsa_pem(pem().as_bytes()).unwrap(),
            _ => {
                use base64ct::{Base64UrlUnpadded, Encoding};
                jwt::EncodingKey::from_secret(&Base64UrlUnpadded::decode_vec(&s("k")).unwrap())
            }
        };
        let header = jwt::Header::new(theirs);
        let mut counter = 0u64;
        let mut peer_claims = move || {
            counter += 1;
            token::PeerClaims::now(format!("{counter:032x}"))
        };
        let theirs_token = jwt::encode(&header, &peer_claims(), &encoding).unwrap();
        token::verify(&validation, &vk, &theirs_token).unwrap();
        let builder = token::builder(0);
        g.bench_function(BenchmarkId::new("pqjose-sign", name), |b| {
            b.iter(|| builder.sign(black_box(&sk)).unwrap())
        });
        g.bench_function(BenchmarkId::new("jsonwebtoken-encode", name), |b| {
            b.iter(|| jwt::encode(&header, &peer_claims(), &encoding).unwrap())
        });
    }
    g.finish();
}

/// aws-lc-rs called directly, for the algorithms of the targets: the seam's own cost.
#[cfg(feature = "aws-lc")]
fn lib(c: &mut Criterion) {
    use aws_lc_rs::signature::{
        ED25519, Ed25519KeyPair, ML_DSA_65, ML_DSA_65_SIGNING, ParsedPublicKey, PqdsaKeyPair,
    };
    let mut g = c.benchmark_group(format!("{}.lib", backend()));
    for alg in [Algorithm::MlDsa65, Algorithm::Ed25519] {
        let (sk, _) = keys(alg);
        let tok = token::mint(&sk);
        let (input, sig) = token::split(&tok);
        let jwk: serde_json::Value = serde_json::from_str(&sk.to_jwk().unwrap().to_json()).unwrap();
        let bytes = |m: &str| {
            use base64ct::{Base64UrlUnpadded, Encoding};
            Base64UrlUnpadded::decode_vec(jwk[m].as_str().unwrap()).unwrap()
        };
        let name = alg.as_str();
        if alg == Algorithm::MlDsa65 {
            let pair = PqdsaKeyPair::from_seed(&ML_DSA_65_SIGNING, &bytes("priv")).unwrap();
            let public = ParsedPublicKey::new(&ML_DSA_65, bytes("pub")).unwrap();
            let mut out = vec![0u8; 3309];
            g.bench_function(BenchmarkId::new("sign", name), |b| {
                b.iter(|| pair.sign(black_box(&input), &mut out).unwrap())
            });
            g.bench_function(BenchmarkId::new("verify", name), |b| {
                b.iter(|| {
                    public
                        .verify_sig(black_box(&input), black_box(&sig))
                        .unwrap()
                })
            });
        } else {
            let pair = Ed25519KeyPair::from_seed_unchecked(&bytes("d")).unwrap();
            let public = ParsedPublicKey::new(&ED25519, bytes("x")).unwrap();
            g.bench_function(BenchmarkId::new("sign", name), |b| {
                b.iter(|| pair.sign(black_box(&input)))
            });
            g.bench_function(BenchmarkId::new("verify", name), |b| {
                b.iter(|| {
                    public
                        .verify_sig(black_box(&input), black_box(&sig))
                        .unwrap()
                })
            });
        }
    }
    g.finish();
}

#[cfg(not(feature = "aws-lc"))]
fn lib(_: &mut Criterion) {}

criterion_group! {
    name = benches;
    config = config();
    targets = per_algorithm, lib, parts, keyset, c_abi, peer
}
criterion_main!(benches);
