//! The fleet contract: `verify --lines`, `verify --jwks-url URL [--allow-http]` against a real
//! loopback HTTP server, `verify --replay redis://…` and `pqjose revoke` against a real
//! redis-server (skipped without one unless PQJOSE_REQUIRE_REDIS is set).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let input = format!("{good}\n\n  \n@@@.b.c\r\n{good}\r\n");
    let out = pqjose(
        &["verify", "--key", path_str(&public), "--lines"],
        Some(input.as_bytes()),
    );
    let results = lines_of(&out.ok());
    assert_eq!(results.len(), 3, "blank lines skipped");
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["claims"]["sub"], "a");
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["code"], 104);
    assert!(results[1]["error"].as_str().unwrap().contains("base64"));
    assert_eq!(results[2]["ok"], true);
    // From a file, and combined with other options.
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
    assert_eq!(r[0]["ok"], false);
    assert_eq!(r[0]["code"], 509);
    // A missing file is an I/O error.
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

/// Serve `body` to every request on a loopback port until the returned guard is dropped.
struct Http {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Http {
    fn serve(body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self { port, stop }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/jwks.json", self.port)
    }
}

impl Drop for Http {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
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
    let token = sign(&private, r#"{"sub":"s"}"#);
    let url = server.url();
    let out = pqjose(
        &["verify", "--jwks-url", &url, "--allow-http"],
        Some(token.as_bytes()),
    );
    assert_eq!(out.json()["sub"], "s");
    let out = pqjose(
        &["verify", "--jwks-url", &url, "--allow-http", "--lines"],
        Some(format!("{token}\n{token}\n").as_bytes()),
    );
    assert_eq!(lines_of(&out.ok()).len(), 2);
    // https only unless --allow-http; an unreachable endpoint is an I/O error.
    assert!(
        pqjose(&["verify", "--jwks-url", &url], Some(token.as_bytes()))
            .usage_or_io()
            .contains("https")
    );
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
    pqjose(
        &["verify", "--key", path_str(&public), "--allow-http"],
        None,
    )
    .usage_or_io();
}

#[test]
fn replay_and_revoke_through_redis() {
    if Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        assert!(
            std::env::var_os("PQJOSE_REQUIRE_REDIS").is_none(),
            "redis-server required"
        );
        eprintln!("redis-server not on PATH: skipped");
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("redis://127.0.0.1:{port}/0");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let dir = scratch("fleet-replay");
    let (private, public) = keypair(&dir, "Ed25519");
    let key = path_str(&public);
    let t1 = sign(&private, r#"{"sub":"agent-1","iss":"i"}"#);
    pqjose(
        &["verify", "--key", key, "--replay", &url],
        Some(t1.as_bytes()),
    )
    .ok();
    assert_eq!(
        pqjose(
            &["verify", "--key", key, "--replay", &url],
            Some(t1.as_bytes())
        )
        .rejected(),
        "error: token replayed (jti seen before)"
    );
    let t2 = sign(&private, r#"{"sub":"agent-1","iss":"i"}"#);
    let t3 = sign(&private, r#"{"sub":"agent-2","iss":"i"}"#);
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
    pqjose(
        &["revoke", "--replay", &url, "--kid", "k", "--sub", "s"],
        None,
    )
    .usage_or_io();
    pqjose(&["revoke", "--replay", &url, "--jti", "j"], None).usage_or_io();
    pqjose(
        &["revoke", "--replay", &url, "--jti", "j", "--iss", "i"],
        None,
    )
    .ok();
    let _ = redis.kill();
    let _ = redis.wait();
    // Redis gone: refused (fail closed), code 604.
    let t4 = sign(&private, r#"{"sub":"agent-3"}"#);
    let out = pqjose(
        &["verify", "--key", key, "--replay", &url],
        Some(t4.as_bytes()),
    );
    assert!(out.rejected().contains("replay store unavailable"));
    pqjose(&["revoke", "--replay", &url, "--kid", "k"], None).usage_or_io();
}
