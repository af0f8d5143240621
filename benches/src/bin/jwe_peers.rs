//! Classical JWE against the Rust JOSE peers that have it (issue 12: pqjose's classical JWE
//! decrypt at least as fast as the fastest peer), side by side in one run: for each algorithm,
//! the fastest of many interleaved batches (see `pqjose_benches::timing`) of
//!
//! - decrypting one and the same compact JWE (made by pqjose: every library reads it, which
//!   checks interop too) of a 1 KiB JWT claims set, and
//! - encrypting that claims set to the same recipient key, each library its own way,
//!
//! with pqjose (`jwe::decrypt` / `jwe::encrypt`), josekit (on OpenSSL) and jwt-simple (its
//! pure-Rust build; it decrypts JWTs only, so it also parses and checks the claims). The keys
//! are pqjose's, handed to the peers as JWK or PKCS#8 PEM. A peer without the algorithm shows
//! `—`.
//!
//! Needs the `jwe-peers` feature (josekit builds against the system OpenSSL):
//! `cargo run --release --features jwe-peers --bin jwe_peers` (pqjose's RustCrypto backend;
//! RSA-OAEP decryption is refused there, RUSTSEC-2023-0071), and with pqjose on aws-lc:
//! `cargo run --release --no-default-features --features aws-lc,jwe-peers --bin jwe_peers`.
//! `PQJOSE_RATIO_ROUNDS` sets the rounds.

use std::hint::black_box;
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use jwt_simple::prelude::*;
use pqjose::jwe::{self, ContentEncryption, DecryptionKey, KeyManagement};
use pqjose_benches::backend;
use pqjose_benches::timing::{interleaved, rounds};

/// The secret the JWT carries (with `iat`, `exp`, `nbf`, the claims set is about 1 KiB).
#[derive(Clone, Serialize, Deserialize)]
struct Secret {
    secret: String,
}

/// A 1 KiB JWT claims set that every library accepts (jwt-simple checks the time claims).
fn claims() -> (JWTClaims<Secret>, Vec<u8>) {
    let secret = "s".repeat(960);
    let claims = Claims::with_custom_claims(
        Secret { secret },
        jwt_simple::prelude::Duration::from_hours(1),
    );
    let bytes = serde_json::to_vec(&claims).expect("claims");
    (claims, bytes)
}

/// One library's decrypt and encrypt of an algorithm, as closures.
type Ops = (Box<dyn Fn()>, Box<dyn Fn()>);

fn josekit_ops(alg: KeyManagement, dk: &DecryptionKey, token: &str, plaintext: &[u8]) -> Ops {
    use josekit::jwe::{self as jjwe, JweHeader};
    use josekit::jwk::Jwk;
    let private = Jwk::from_bytes(dk.to_jwk().expect("jwk").to_json()).expect("josekit jwk");
    let public = match alg {
        KeyManagement::A256Kw | KeyManagement::Dir => private.clone(),
        _ => Jwk::from_bytes(dk.to_public_jwk().expect("jwk").to_json()).expect("josekit jwk"),
    };
    let (decrypter, encrypter): (Box<dyn jjwe::JweDecrypter>, Box<dyn jjwe::JweEncrypter>) =
        match alg {
            KeyManagement::EcdhEsA256Kw => (
                Box::new(
                    jjwe::ECDH_ES_A256KW
                        .decrypter_from_jwk(&private)
                        .expect("dec"),
                ),
                Box::new(
                    jjwe::ECDH_ES_A256KW
                        .encrypter_from_jwk(&public)
                        .expect("enc"),
                ),
            ),
            KeyManagement::RsaOaep256 => (
                Box::new(
                    jjwe::RSA_OAEP_256
                        .decrypter_from_jwk(&private)
                        .expect("dec"),
                ),
                Box::new(jjwe::RSA_OAEP_256.encrypter_from_jwk(&public).expect("enc")),
            ),
            KeyManagement::RsaOaep => (
                Box::new(jjwe::RSA_OAEP.decrypter_from_jwk(&private).expect("dec")),
                Box::new(jjwe::RSA_OAEP.encrypter_from_jwk(&public).expect("enc")),
            ),
            KeyManagement::A256Kw => (
                Box::new(jjwe::A256KW.decrypter_from_jwk(&private).expect("dec")),
                Box::new(jjwe::A256KW.encrypter_from_jwk(&public).expect("enc")),
            ),
            KeyManagement::Dir => (
                Box::new(jjwe::Dir.decrypter_from_jwk(&private).expect("dec")),
                Box::new(jjwe::Dir.encrypter_from_jwk(&public).expect("enc")),
            ),
            other => panic!("no josekit row for {other}"),
        };
    let (got, _) = jjwe::deserialize_compact(token, &*decrypter).expect("josekit decrypt");
    assert_eq!(got, plaintext);
    let token = token.to_owned();
    let plaintext = plaintext.to_vec();
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    (
        Box::new(move || {
            black_box(jjwe::deserialize_compact(black_box(&token), &*decrypter).expect("dec"));
        }),
        Box::new(move || {
            black_box(
                jjwe::serialize_compact(black_box(&plaintext), &header, &*encrypter).expect("enc"),
            );
        }),
    )
}

fn jwt_simple_ops(alg: KeyManagement, dk: &DecryptionKey, token: &str) -> Option<Ops> {
    let (claims, _) = claims();
    let token = token.to_owned();
    let check = |got: JWTClaims<Secret>| assert_eq!(got.custom.secret, claims.custom.secret);
    macro_rules! ops {
        ($dk:expr, $ek:expr) => {{
            let (dk, ek) = ($dk, $ek);
            check(
                dk.decrypt_token::<Secret>(&token, None)
                    .expect("jwt-simple decrypt"),
            );
            Some((
                Box::new(move || {
                    black_box(
                        dk.decrypt_token::<Secret>(black_box(&token), None)
                            .expect("dec"),
                    );
                }) as Box<dyn Fn()>,
                Box::new(move || {
                    black_box(ek.encrypt(black_box(claims.clone())).expect("enc"));
                }) as Box<dyn Fn()>,
            ))
        }};
    }
    match alg {
        KeyManagement::EcdhEsA256Kw => {
            let pem = dk.to_pkcs8_pem().expect("pem");
            let dk = EcdhEsA256KWDecryptionKey::from_pem(&pem).expect("jwt-simple key");
            let ek = dk.encryption_key();
            ops!(dk, ek)
        }
        KeyManagement::RsaOaep => {
            let pem = dk.to_pkcs8_pem().expect("pem");
            let dk = RsaOaepDecryptionKey::from_pem(&pem).expect("jwt-simple key");
            let ek = dk.encryption_key();
            ops!(dk, ek)
        }
        KeyManagement::A256Kw => {
            let jwk: serde_json::Value =
                serde_json::from_str(&dk.to_jwk().expect("jwk").to_json()).expect("json");
            let k = jwk["k"].as_str().expect("k");
            let bytes = Base64UrlUnpadded::decode_vec(k).expect("k");
            let key = A256KWKey::from_bytes(&bytes).expect("jwt-simple key");
            ops!(key.clone(), key)
        }
        _ => None,
    }
}

fn main() {
    let rounds = rounds();
    let (_, plaintext) = claims();
    println!(
        "pqjose backend {}: fastest of {rounds} interleaved batches per operation; JWT claims \
         {} bytes; enc A256GCM\n",
        backend(),
        plaintext.len()
    );
    println!(
        "| alg | pqjose decrypt | josekit decrypt | jwt-simple decrypt | pqjose / fastest peer | pqjose encrypt | josekit encrypt | jwt-simple encrypt | pqjose / fastest peer |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let us = |d: Option<Duration>| {
        d.map_or("—".to_owned(), |d| {
            format!("{:.1} µs", d.as_secs_f64() * 1e6)
        })
    };
    let ratio = |ours: Option<Duration>, peers: [Option<Duration>; 2]| {
        let best = peers.into_iter().flatten().min();
        match (ours, best) {
            (Some(a), Some(b)) => format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64()),
            _ => "—".to_owned(),
        }
    };
    for alg in [
        KeyManagement::EcdhEsA256Kw,
        KeyManagement::RsaOaep256,
        KeyManagement::RsaOaep,
        KeyManagement::A256Kw,
        KeyManagement::Dir,
    ] {
        let enc = (alg == KeyManagement::Dir).then_some(ContentEncryption::A256Gcm);
        let dk = DecryptionKey::generate_with(alg, None, enc).expect("keygen");
        let ek = dk.encryption_key();
        let token = jwe::encrypt(&ek, &plaintext).expect("encrypt");
        let ours_decrypts = match jwe::decrypt(&dk, &token) {
            Ok(opened) => {
                assert_eq!(opened.plaintext(), plaintext.as_slice());
                true
            }
            Err(e) => {
                println!("<!-- pqjose {alg} decrypt: {e} -->");
                false
            }
        };
        let ours_decrypt = || {
            black_box(jwe::decrypt(&dk, black_box(&token)).expect("decrypt"));
        };
        let ours_encrypt = || {
            black_box(jwe::encrypt(&ek, black_box(&plaintext)).expect("encrypt"));
        };
        let (jose_dec, jose_enc) = josekit_ops(alg, &dk, &token, &plaintext);
        let simple = jwt_simple_ops(alg, &dk, &token);
        let nothing = || {};
        let (simple_dec, simple_enc): (&dyn Fn(), &dyn Fn()) = match &simple {
            Some((d, e)) => (&**d, &**e),
            None => (&nothing, &nothing),
        };
        let ours_dec: &dyn Fn() = if ours_decrypts {
            &ours_decrypt
        } else {
            &nothing
        };
        let [od, jd, sd, oe, je, se] = interleaved(
            rounds,
            [
                ours_dec,
                &*jose_dec,
                simple_dec,
                &ours_encrypt,
                &*jose_enc,
                simple_enc,
            ],
        );
        let od = ours_decrypts.then_some(od);
        let (sd, se) = if simple.is_some() {
            (Some(sd), Some(se))
        } else {
            (None, None)
        };
        println!(
            "| {alg}/A256GCM | {} | {} | {} | {} | {} | {} | {} | {} |",
            us(od),
            us(Some(jd)),
            us(sd),
            ratio(od, [Some(jd), sd]),
            us(Some(oe)),
            us(Some(je)),
            us(se),
            ratio(Some(oe), [Some(je), se]),
        );
    }
}
