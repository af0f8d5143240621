//! The fleet contract of the CLI: `verify --lines`, `verify --jwks-url URL [--allow-http]`
//! against a real loopback HTTP server, `verify --replay redis://…` and `pqjose revoke` against
//! a real redis-server (skipped without one unless PQJOSE_REQUIRE_REDIS is set, as
//! `scripts/test/35-redis.sh` does).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;

use common::http::Http;
use common::{keypair, path_str, pqjose, scratch};

fn sign(private: &std::path::Path, claims: &str) -> String {
    pqjose(
        &[
            "sign",
            "--key",
            path_str(private),
            "--claims",
            claims,
            "--ttl",
            "600",
        ],
        None,
    )
    .ok()
    .trim()
    .to_owned()
}

fn lines_of(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn lines_prints_one_json_object_per_token() {
    let dir = scratch("fleet-lines");
    let (private, public) = keypair(&dir, "Ed25519");
    let good = sign(&private, r#"{"sub":"a"}"#);
    let input = format!("{good}\n\n  \n@@@.b.c\r\n{good}\r\n\u{0}\n{good}");
    let out = pqjose(
        &["verify", "--key", path_str(&public), "--lines"],
        Some(input.as_bytes()),
    );
    let text = out.ok();
    let results = lines_of(&text);
    assert_eq!(results.len(), 5, "blank lines skipped: {text}");
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["claims"]["sub"], "a");
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["code"], 104);
    assert!(results[1]["error"].as_str().unwrap().contains("base64"));
    assert_eq!(results[2]["ok"], true, "CRLF accepted");
    assert_eq!(results[3]["ok"], false);
    assert_eq!(results[4]["ok"], true, "last line without newline");
    for r in &results[1..2] {
        assert_eq!(r.as_object().unwrap().len(), 3, "ok, code, error: {r}");
    }
    // From a file, combined with claim options.
    let file = dir.join("tokens.txt");
    std::fs::write(&file, format!("{good}\n")).unwrap();
    let out = pqjose(
        &[
            "verify",
            "--key",
            path_str(&public),
            "--iss",
            "x",
            "--lines",
            path_str(&file),
        ],
        None,
    );
    let r = lines_of(&out.ok());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["ok"], false);
    assert_eq!(r[0]["code"], 509);
    // With --raw: the payload.
    let out = pqjose(
        &["verify", "--key", path_str(&public), "--raw", "--lines"],
        Some(format!("{good}\n").as_bytes()),
    );
    let r = lines_of(&out.ok());
    assert!(r[0]["payload"].as_str().unwrap().contains(r#""sub":"a""#));
    // Empty input: nothing printed, exit 0.
    assert_eq!(
        pqjose(&["verify", "--key", path_str(&public), "--lines"], None).ok(),
        ""
    );
    // A missing file is an I/O error (exit 2).
    pqjose(
        &[
            "verify",
            "--key",
            path_str(&public),
            "--lines",
            "/nonexistent/t",
        ],
        None,
    )
    .usage_or_io();
}

/// At end of input, `--lines` prints on stderr a summary of the tokens by algorithm and
/// outcome (issue 17): totals first, then accepted rows, then rejected rows with their code.
#[test]
fn lines_ends_with_a_summary_by_algorithm_and_outcome() {
    let dir = scratch("fleet-lines-summary");
    let (ml_private, ml_public) = keypair(&dir, "ML-DSA-44");
    let (ed_private, ed_public) = keypair(&dir, "Ed25519");
    let (es_private, _) = keypair(&dir, "ES256");
    let set = dir.join("set.json");
    let jwk = |p: &std::path::Path| std::fs::read_to_string(p).unwrap().trim().to_owned();
    std::fs::write(
        &set,
        format!(r#"{{"keys":[{},{}]}}"#, jwk(&ml_public), jwk(&ed_public)),
    )
    .unwrap();
    let ml = sign(&ml_private, r#"{"sub":"a"}"#);
    let ed = sign(&ed_private, r#"{"sub":"b"}"#);
    let stranger = sign(&es_private, r#"{"sub":"c"}"#);
    let tampered = common::tamper_signature(&ed);
    let input = format!("{ml}\n{ed}\n\n{tampered}\n@@@.b.c\n{ml}\n{stranger}\n");
    let out = pqjose(
        &["verify", "--jwks", path_str(&set), "--lines"],
        Some(input.as_bytes()),
    );
    assert_eq!(lines_of(&out.ok()).len(), 6);
    assert_eq!(
        out.stderr,
        "summary: tokens=6 ok=3 rejected=3 quantum_vulnerable=3\n\
         summary: alg=Ed25519 outcome=ok count=1\n\
         summary: alg=ML-DSA-44 outcome=ok count=2\n\
         summary: alg=ES256 outcome=rejected code=600 count=1\n\
         summary: alg=Ed25519 outcome=rejected code=400 count=1\n\
         summary: alg=none outcome=rejected code=104 count=1\n"
    );
    // --raw goes around the JWT validation: the verifying key's algorithm, or on failure the
    // one the token names.
    let out = pqjose(
        &["verify", "--key", path_str(&ed_public), "--raw", "--lines"],
        Some(format!("{ed}\n{ml}\n").as_bytes()),
    );
    assert_eq!(lines_of(&out.ok()).len(), 2);
    assert_eq!(
        out.stderr,
        "summary: tokens=2 ok=1 rejected=1 quantum_vulnerable=1\n\
         summary: alg=Ed25519 outcome=ok count=1\n\
         summary: alg=ML-DSA-44 outcome=rejected code=114 count=1\n"
    );
    // Empty input: a zero summary.
    let out = pqjose(&["verify", "--key", path_str(&ed_public), "--lines"], None);
    assert_eq!(out.ok(), "");
    assert_eq!(
        out.stderr,
        "summary: tokens=0 ok=0 rejected=0 quantum_vulnerable=0\n"
    );
}

/// Each result is written and flushed before the next line is read: a sidecar gets its answer
/// while its input stays open.
#[test]
fn lines_answers_each_token_as_it_arrives() {
    let dir = scratch("fleet-lines-flush");
    let (private, public) = keypair(&dir, "Ed25519");
    let good = sign(&private, r#"{"sub":"a"}"#);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pqjose"))
        .args(["verify", "--key", path_str(&public), "--lines"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for expect_ok in [true, false, true] {
        let line = if expect_ok { good.as_str() } else { "x.y.z" };
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let mut answer = String::new();
        stdout.read_line(&mut answer).unwrap();
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["ok"], expect_ok, "{answer}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn jwks_url_from_a_real_server() {
    let dir = scratch("fleet-jwks-url");
    let (private, public) = keypair(&dir, "ML-DSA-44");
    let jwks = format!(
        r#"{{"keys":[{}]}}"#,
        std::fs::read_to_string(&public).unwrap().trim()
    );
    let server = Http::serve(jwks);
    let token = sign(&private, r#"{"sub":"s","iss":"i"}"#);
    let url = server.url();
    let out = pqjose(
        &["verify", "--jwks-url", &url, "--allow-http", "--iss", "i"],
        Some(token.as_bytes()),
    );
    assert_eq!(out.json()["sub"], "s");
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    // --lines: the cache stays warm, one fetch for every token of the process.
    let out = pqjose(
        &["verify", "--jwks-url", &url, "--allow-http", "--lines"],
        Some(format!("{token}\n{token}\n{token}\n").as_bytes()),
    );
    let r = lines_of(&out.ok());
    assert_eq!(r.len(), 3);
    assert!(r.iter().all(|v| v["ok"] == true));
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    // A token signed by a key the set lacks: rejected (exit 1).
    let (other, _) = keypair(&dir, "Ed25519");
    let stranger = sign(&other, r#"{"sub":"s"}"#);
    pqjose(
        &["verify", "--jwks-url", &url, "--allow-http"],
        Some(stranger.as_bytes()),
    )
    .rejected();
    // --raw takes --jwks-url: the signature only, the payload as signed; compact and JSON.
    // The same tokens as flattened JWS JSON documents (RFC 7515 §7.2.2).
    let flatten = |compact: &str| {
        let p: Vec<&str> = compact.split('.').collect();
        format!(
            r#"{{"protected":"{}","payload":"{}","signature":"{}"}}"#,
            p[0], p[1], p[2]
        )
    };
    for (good, bad, args) in [
        (token.clone(), stranger.clone(), &["--raw"][..]),
        (flatten(&token), flatten(&stranger), &["--raw"][..]),
        (flatten(&token), flatten(&stranger), &[][..]),
    ] {
        let mut argv = vec!["verify", "--jwks-url", &url, "--allow-http"];
        argv.extend_from_slice(args);
        assert!(
            pqjose(&argv, Some(good.as_bytes()))
                .ok()
                .contains(r#""sub":"s""#)
        );
        // Signed by a key the set lacks: rejected (exit 1), never a usage error.
        pqjose(&argv, Some(bad.as_bytes())).rejected();
    }
    // https only unless --allow-http; --allow-http needs --jwks-url; an unreachable endpoint is
    // an I/O error.
    assert!(
        pqjose(&["verify", "--jwks-url", &url], Some(token.as_bytes()))
            .usage_or_io()
            .contains("https")
    );
    pqjose(
        &["verify", "--key", path_str(&public), "--allow-http"],
        None,
    )
    .usage_or_io();
    pqjose(
        &["verify", "--jwks-url", &url, "--jwks", path_str(&public)],
        Some(token.as_bytes()),
    )
    .usage_or_io();
    pqjose(
        &[
            "verify",
            "--jwks-url",
            "http://127.0.0.1:1/j",
            "--allow-http",
        ],
        Some(token.as_bytes()),
    )
    .usage_or_io();
}

#[path = "../../pqjose-redis/tests/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;

#[test]
fn replay_and_revoke_through_redis() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let dir = scratch("fleet-replay");
    let (private, public) = keypair(&dir, "Ed25519");
    let key = path_str(&public);
    let t1 = sign(&private, r#"{"sub":"agent-1","iss":"i","jti":"j1"}"#);
    pqjose(
        &["verify", "--key", key, "--replay", &url],
        Some(t1.as_bytes()),
    )
    .ok();
    // A second gateway process: the jti was used.
    assert_eq!(
        pqjose(
            &["verify", "--key", key, "--replay", &url],
            Some(t1.as_bytes())
        )
        .rejected(),
        "error: token replayed (jti seen before)"
    );
    // Subject revocation (default: now) refuses agent-1's tokens, not agent-2's.
    let t2 = sign(&private, r#"{"sub":"agent-1","iss":"i","jti":"j2"}"#);
    let t3 = sign(&private, r#"{"sub":"agent-2","iss":"i","jti":"j3"}"#);
    pqjose(&["revoke", "--replay", &url, "--sub", "agent-1"], None).ok();
    let out = pqjose(
        &["verify", "--key", key, "--replay", &url, "--lines"],
        Some(format!("{t2}\n{t3}\n{t3}\n").as_bytes()),
    );
    let r = lines_of(&out.ok());
    assert_eq!(
        (r[0]["ok"].clone(), r[0]["code"].clone()),
        (false.into(), 602.into())
    );
    assert_eq!(r[1]["ok"], true);
    assert_eq!(r[2]["code"], 601);
    // --before in the past leaves later tokens alone.
    let t4 = sign(&private, r#"{"sub":"agent-4","iss":"i","jti":"j4"}"#);
    pqjose(
        &[
            "revoke", "--replay", &url, "--sub", "agent-4", "--before", "1000",
        ],
        None,
    )
    .ok();
    pqjose(
        &["verify", "--key", key, "--replay", &url],
        Some(t4.as_bytes()),
    )
    .ok();
    // By jti and issuer, before first use.
    let t5 = sign(&private, r#"{"sub":"agent-5","iss":"i","jti":"j5"}"#);
    pqjose(
        &["revoke", "--replay", &url, "--jti", "j5", "--iss", "i"],
        None,
    )
    .ok();
    assert!(
        pqjose(
            &["verify", "--key", key, "--replay", &url],
            Some(t5.as_bytes())
        )
        .rejected()
        .contains("revoked")
    );
    // Usage errors (exit 2): two forms at once, --jti without --iss, --before without --sub,
    // nothing to revoke, a URL that is not Redis.
    for bad in [
        &["--kid", "k", "--sub", "s"][..],
        &["--jti", "j"],
        &["--iss", "i"],
        &["--kid", "k", "--before", "5"],
        &[],
        &["--sub", "s", "--before", "soon"],
    ] {
        let mut argv = vec!["revoke", "--replay", &url];
        argv.extend_from_slice(bad);
        pqjose(&argv, None).usage_or_io();
    }
    pqjose(&["revoke", "--replay", "http://x", "--kid", "k"], None).usage_or_io();
    pqjose(&["revoke", "--kid", "k"], None).usage_or_io();
    redis.stop();
    // Redis gone: refused (fail closed), code 604; revoke cannot record: exit 2.
    let t6 = sign(&private, r#"{"sub":"agent-6","jti":"j6"}"#);
    assert!(
        pqjose(
            &["verify", "--key", key, "--replay", &url],
            Some(t6.as_bytes())
        )
        .rejected()
        .contains("replay store unavailable")
    );
    let out = pqjose(
        &["verify", "--key", key, "--replay", &url, "--lines"],
        Some(format!("{t6}\n").as_bytes()),
    );
    assert_eq!(lines_of(&out.ok())[0]["code"], 604);
    pqjose(&["revoke", "--replay", &url, "--kid", "k"], None).usage_or_io();
}

/// `verify --raw --replay`: the signature only, then the payload's `jti` single-use and the
/// revocations, shared by separate verifier processes through one Redis; a payload that is not
/// a claims set with a `jti`, or past its `exp`, is rejected (exit 1), never accepted unchecked.
#[test]
fn raw_verification_with_replay_through_redis() {
    use pqjose::{Algorithm, SigningKey, jws};

    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let dir = scratch("fleet-raw-replay");
    let signer = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let public = dir.join("raw.pub.json");
    std::fs::write(&public, signer.to_public_jwk().unwrap().to_json()).unwrap();
    let key = path_str(&public);
    let raw = |payload: &str| jws::sign_payload(&signer, payload.as_bytes()).unwrap();
    let verify = |extra: &[&str], token: &str| {
        let mut argv = vec!["verify", "--key", key, "--raw", "--replay", &url];
        argv.extend_from_slice(extra);
        pqjose(&argv, Some(token.as_bytes()))
    };
    let now = pqjose::Clock::now(&pqjose::SystemClock).as_secs();
    let payload = format!(
        r#"{{"iss":"i","sub":"agent-r","jti":"raw-1","exp":{}}}"#,
        now + 600
    );
    let token = raw(&payload);
    // The payload exactly as signed, once; then a replay at another process, compact or JSON.
    assert_eq!(verify(&[], &token).ok(), payload);
    assert!(verify(&[], &token).rejected().contains("replayed"));
    let json = jws::sign_payload_json(&[&signer], payload.as_bytes()).unwrap();
    assert!(verify(&[], &json).rejected().contains("replayed"));
    // --lines: one JSON result per token, the replay refused with its code (601).
    let fresh = raw(&format!(
        r#"{{"iss":"i","jti":"raw-2","exp":{}}}"#,
        now + 600
    ));
    let out = verify(&["--lines"], &format!("{fresh}\n{fresh}\n"));
    let r = lines_of(&out.ok());
    assert_eq!(r[0]["ok"], true);
    assert_eq!(r[1]["code"], 601);
    // Not a claims set, no jti, a duplicate member, past exp + leeway: rejected, and the
    // replay store is not asked to remember anything it could not (exit 1 each time).
    for (payload, reason) in [
        ("not json at all".to_owned(), "payload"),
        (r#"{"iss":"i"}"#.to_owned(), "jti"),
        (r#"{"jti":"a","jti":"b"}"#.to_owned(), "duplicate"),
        (
            format!(r#"{{"jti":"raw-3","exp":{}}}"#, now - 120),
            "expired",
        ),
    ] {
        let err = verify(&[], &raw(&payload)).rejected();
        assert!(err.contains(reason), "{payload}: {err}");
    }
    // A revocation by kid (the key's thumbprint) reaches raw verification too.
    let revoked = raw(&format!(r#"{{"jti":"raw-4","exp":{}}}"#, now + 600));
    pqjose(&["revoke", "--replay", &url, "--kid", signer.kid()], None).ok();
    assert!(verify(&[], &revoked).rejected().contains("revoked"));
    // Without --replay, --raw still prints any payload, replayed or not.
    let plain = pqjose(
        &["verify", "--key", key, "--raw"],
        Some(raw("not json").as_bytes()),
    );
    assert_eq!(plain.ok(), "not json");
    // Redis gone: refused (fail closed).
    redis.stop();
    let late = raw(&format!(r#"{{"jti":"raw-5","exp":{}}}"#, now + 600));
    assert!(
        verify(&[], &late)
            .rejected()
            .contains("replay store unavailable")
    );
}

/// `dpop verify --replay`: a proof's `jti` is single-use across separate verifier processes
/// sharing one Redis (issue 15), and a Redis that is down refuses proofs.
#[test]
fn dpop_proof_replay_through_redis() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let dir = scratch("fleet-dpop-replay");
    let (private, _) = keypair(&dir, "ML-DSA-44");
    let htu = "https://rs.example/orders";
    let proof = || {
        pqjose(
            &[
                "dpop",
                "proof",
                "--key",
                path_str(&private),
                "--htm",
                "POST",
                "--htu",
                htu,
            ],
            None,
        )
        .ok()
    };
    let verify = |p: &str| {
        pqjose(
            &[
                "dpop", "verify", "--htm", "POST", "--htu", htu, "--replay", &url,
            ],
            Some(p.as_bytes()),
        )
    };
    let first = proof();
    let out = verify(&first);
    let jkt = out.json()["jkt"].as_str().unwrap().to_owned();
    // The same proof at a second verifier process: refused, exit 1.
    assert_eq!(
        verify(&first).rejected(),
        "error: token replayed (jti seen before)"
    );
    // A fresh proof with the same key is accepted, once.
    let second = proof();
    assert_eq!(verify(&second).json()["jkt"], jkt.as_str());
    verify(&second).rejected();
    // Without --replay the CLI keeps no state: the used proof still verifies on its own.
    pqjose(
        &["dpop", "verify", "--htm", "POST", "--htu", htu],
        Some(first.as_bytes()),
    )
    .ok();
    // Not a Redis URL: usage (exit 2).
    pqjose(
        &[
            "dpop", "verify", "--htm", "POST", "--htu", htu, "--replay", "http://x",
        ],
        Some(first.as_bytes()),
    )
    .usage_or_io();
    // Redis gone: a fresh proof is refused (fail closed), exit 1.
    redis.stop();
    assert!(
        verify(&proof())
            .rejected()
            .contains("replay store unavailable")
    );
}
