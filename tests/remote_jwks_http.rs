//! Remote JWK Sets against a real HTTP server on loopback (a std::net server thread started by
//! each test): 200, 304, 500, slow responses, oversized bodies, redirects, discovery, rotation
//! picked up on an unknown kid, a random-kid flood, and the endpoint down past the stale bound.
#![cfg(feature = "remote-http")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pqjose::remote::{CachePolicy, HttpOptions, RefreshOutcome, RemoteKeySet};
use pqjose::{
    Algorithm, CustomClaims, Error, KeySet, RemoteKeysError, SigningKey, TokenBuilder, Validation,
};

/// What the server answers.
#[derive(Clone)]
enum Reply {
    Ok {
        body: String,
        etag: Option<String>,
        cache_control: Option<String>,
    },
    Status(u16),
    Slow(Duration, Box<Reply>),
    Redirect(String),
    /// Close the connection without answering.
    Reset,
}

#[derive(Default)]
struct Log {
    requests: AtomicUsize,
    if_none_match: Mutex<Vec<Option<String>>>,
    paths: Mutex<Vec<String>>,
}

struct Server {
    base: String,
    routes: Arc<Mutex<Vec<(String, Reply)>>>,
    log: Arc<Log>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<Vec<(String, Reply)>>> = Arc::default();
        let log = Arc::new(Log::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (r, l, s) = (routes.clone(), log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (r, l) = (r.clone(), l.clone());
                std::thread::spawn(move || serve(conn, &r, &l));
            }
        });
        Self {
            base,
            routes,
            log,
            stop,
            thread: Some(thread),
        }
    }

    fn route(&self, path: &str, reply: Reply) {
        let mut routes = self.routes.lock().unwrap();
        routes.retain(|(p, _)| p != path);
        routes.push((path.to_owned(), reply));
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self) -> usize {
        self.log.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, routes: &Mutex<Vec<(String, Reply)>>, log: &Log) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() || first.is_empty() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut inm = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            inm = Some(value.trim().to_owned());
        }
    }
    log.requests.fetch_add(1, Ordering::SeqCst);
    log.if_none_match.lock().unwrap().push(inm.clone());
    log.paths.lock().unwrap().push(path.clone());
    let reply = routes
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, r)| r.clone())
        .unwrap_or(Reply::Status(404));
    respond(conn, reply, inm);
}

fn respond(mut conn: TcpStream, reply: Reply, inm: Option<String>) {
    let head = |status: &str, extra: &str, len: usize| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {len}\r\n{extra}\r\n")
    };
    let out = match reply {
        Reply::Ok {
            body,
            etag,
            cache_control,
        } => {
            let mut extra = String::new();
            if let Some(cc) = &cache_control {
                extra += &format!("Cache-Control: {cc}\r\n");
            }
            if let Some(e) = &etag {
                extra += &format!("ETag: {e}\r\n");
                if inm.as_ref() == Some(e) {
                    let _ = conn.write_all(head("304 Not Modified", &extra, 0).as_bytes());
                    return;
                }
            }
            extra += "Content-Type: application/jwk-set+json\r\n";
            head("200 OK", &extra, body.len()) + &body
        }
        Reply::Status(code) => head(&format!("{code} Status"), "", 0),
        Reply::Slow(d, inner) => {
            std::thread::sleep(d);
            return respond(conn, *inner, inm);
        }
        Reply::Redirect(to) => head("302 Found", &format!("Location: {to}\r\n"), 0),
        Reply::Reset => return,
    };
    let _ = conn.write_all(out.as_bytes());
}

fn ed() -> SigningKey {
    SigningKey::generate(Algorithm::Ed25519).unwrap()
}

fn jwks(keys: &[&SigningKey]) -> String {
    KeySet::from_keys(keys.iter().map(|k| k.verifying_key().unwrap()))
        .unwrap()
        .to_public_jwk_set()
        .to_json()
}

fn ok(body: String, etag: Option<&str>, cache_control: Option<&str>) -> Reply {
    Reply::Ok {
        body,
        etag: etag.map(str::to_owned),
        cache_control: cache_control.map(str::to_owned),
    }
}

fn token(key: &SigningKey) -> String {
    TokenBuilder::new().sign(key).unwrap()
}

fn options() -> HttpOptions {
    HttpOptions::new()
        .allow_http(true)
        .connect_timeout(Duration::from_millis(500))
        .read_timeout(Duration::from_millis(500))
}

fn policy() -> CachePolicy {
    CachePolicy::new()
        .ttl_bounds(Duration::from_secs(1), Duration::from_secs(60))
        .default_ttl(Duration::from_secs(60))
        .cooldown(Duration::from_millis(200))
        .stale_for(Duration::from_secs(1))
}

fn remote(server: &Server) -> RemoteKeySet {
    RemoteKeySet::from_url(&server.url("/jwks"), options())
        .unwrap()
        .policy(policy())
        .build()
}

fn verify(remote: &RemoteKeySet, token: &str) -> Result<(), Error> {
    Validation::new()
        .verify_with_remote_keys::<CustomClaims>(token, remote)
        .map(|_| ())
}

fn remote_err(e: RemoteKeysError) -> Result<(), Error> {
    Err(Error::RemoteKeys(e))
}

#[test]
fn ok_then_not_modified_keeps_the_keys() {
    let server = Server::start();
    let k = ed();
    server.route("/jwks", ok(jwks(&[&k]), Some("\"v1\""), Some("max-age=30")));
    let r = remote(&server);
    assert_eq!(verify(&r, &token(&k)), Ok(()));
    assert_eq!(r.refresh(), Ok(()));
    assert_eq!(
        r.last_refresh().unwrap().outcome,
        RefreshOutcome::NotModified
    );
    assert_eq!(
        *server.log.if_none_match.lock().unwrap(),
        [None, Some("\"v1\"".to_owned())]
    );
    assert_eq!(verify(&r, &token(&k)), Ok(()));
    assert_eq!(server.requests(), 2);
}

#[test]
fn server_error_keeps_the_last_good_set() {
    let server = Server::start();
    let k = ed();
    server.route("/jwks", ok(jwks(&[&k]), None, None));
    let r = remote(&server);
    assert_eq!(r.refresh(), Ok(()));
    server.route("/jwks", Reply::Status(500));
    assert_eq!(r.refresh(), Err(RemoteKeysError::HttpStatus.into()));
    server.route("/jwks", ok("not json".into(), None, None));
    assert_eq!(r.refresh(), Err(RemoteKeysError::Malformed.into()));
    server.route("/jwks", ok(r#"{"keys":[]}"#.into(), None, None));
    assert_eq!(r.refresh(), Err(RemoteKeysError::NoUsableKeys.into()));
    assert_eq!(verify(&r, &token(&k)), Ok(()));
}

#[test]
fn slow_responses_time_out_and_never_hold_up_known_kids() {
    let server = Server::start();
    let k = ed();
    server.route("/jwks", ok(jwks(&[&k]), None, Some("max-age=1")));
    let r = RemoteKeySet::from_url(&server.url("/jwks"), options())
        .unwrap()
        .policy(policy().refresh_ahead(Duration::from_millis(900)))
        .build();
    assert_eq!(r.refresh(), Ok(()));
    server.route(
        "/jwks",
        Reply::Slow(
            Duration::from_secs(3),
            Box::new(ok(jwks(&[&k]), None, None)),
        ),
    );
    let started = Instant::now();
    assert_eq!(r.refresh(), Err(RemoteKeysError::Timeout.into()));
    assert!(started.elapsed() < Duration::from_millis(2500));
    // A background refresh is due now (refresh 0.9 s before the 1 s expiry); it hangs on the
    // slow server while known kids keep verifying at once.
    std::thread::sleep(Duration::from_millis(250));
    let t = token(&k);
    for _ in 0..50 {
        let one = Instant::now();
        assert_eq!(verify(&r, &t), Ok(()));
        assert!(one.elapsed() < Duration::from_millis(200), "verify waited");
    }
}

#[test]
fn oversized_bodies_are_refused() {
    let server = Server::start();
    let k = ed();
    let mut big = jwks(&[&k]);
    big.insert_str(1, &format!("\"pad\":\"{}\",", "x".repeat(300 * 1024)));
    server.route("/jwks", ok(big, None, None));
    let r = remote(&server);
    assert_eq!(r.refresh(), Err(RemoteKeysError::TooLarge.into()));
    assert_eq!(
        verify(&r, &token(&k)),
        remote_err(RemoteKeysError::Unavailable)
    );
}

#[test]
fn redirects_stay_within_the_origin() {
    let server = Server::start();
    let other = Server::start();
    let k = ed();
    server.route("/jwks", Reply::Redirect("/v2/jwks".into()));
    server.route("/v2/jwks", ok(jwks(&[&k]), None, None));
    let r = remote(&server);
    assert_eq!(r.refresh(), Ok(()));
    assert_eq!(verify(&r, &token(&k)), Ok(()));

    other.route("/jwks", ok(jwks(&[&k]), None, None));
    server.route("/jwks", Reply::Redirect(other.url("/jwks")));
    let r = remote(&server);
    assert_eq!(r.refresh(), Err(RemoteKeysError::Redirect.into()));
    assert_eq!(other.requests(), 0, "the other origin was never contacted");
}

#[test]
fn plain_http_needs_explicit_permission() {
    let server = Server::start();
    assert_eq!(
        RemoteKeySet::from_url(&server.url("/jwks"), HttpOptions::new()).err(),
        Some(RemoteKeysError::InsecureUrl.into())
    );
    assert_eq!(server.requests(), 0);
}

#[test]
fn discovery_through_issuer_metadata() {
    let server = Server::start();
    let k = ed();
    server.route("/keys.json", ok(jwks(&[&k]), None, None));
    // RFC 8414 only (no OpenID document): the second well-known path is used.
    server.route(
        "/.well-known/oauth-authorization-server/tenant",
        ok(
            format!(
                r#"{{"issuer":"{}/tenant","jwks_uri":"{}"}}"#,
                server.base,
                server.url("/keys.json")
            ),
            None,
            None,
        ),
    );
    let r = RemoteKeySet::discover(&server.url("/tenant"), options())
        .unwrap()
        .build();
    assert_eq!(verify(&r, &token(&k)), Ok(()));
    // An OpenID document for another issuer is refused.
    server.route(
        "/.well-known/openid-configuration",
        ok(
            r#"{"issuer":"https://evil.example","jwks_uri":"https://evil.example/jwks"}"#.into(),
            None,
            None,
        ),
    );
    assert_eq!(
        RemoteKeySet::discover(&server.base, options()).err(),
        Some(RemoteKeysError::Discovery.into())
    );
}

#[test]
fn rotation_is_picked_up_on_an_unknown_kid() {
    let server = Server::start();
    let (old, new) = (ed(), ed());
    server.route("/jwks", ok(jwks(&[&old]), None, Some("max-age=60")));
    let r = remote(&server);
    assert_eq!(verify(&r, &token(&old)), Ok(()));
    server.route("/jwks", ok(jwks(&[&old, &new]), None, Some("max-age=60")));
    std::thread::sleep(Duration::from_millis(250)); // past the cooldown
    assert_eq!(verify(&r, &token(&new)), Ok(()));
    assert_eq!(server.requests(), 2);
    assert_eq!(verify(&r, &token(&old)), Ok(()));
}

/// base64url without padding (for hand-made headers).
fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn random_kid_flood_is_one_fetch_per_cooldown() {
    let server = Server::start();
    let k = ed();
    server.route("/jwks", ok(jwks(&[&k]), None, Some("max-age=60")));
    let r = remote(&server);
    let good = token(&k);
    assert_eq!(verify(&r, &good), Ok(()));
    let rest = good.split_once('.').unwrap().1.to_owned();
    let started = Instant::now();
    let refused: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (r, rest) = (&r, &rest);
                s.spawn(move || {
                    (0..2500)
                        .filter(|i| {
                            let header = format!(r#"{{"alg":"Ed25519","kid":"rnd-{t}-{i}"}}"#);
                            let forged = format!("{}.{rest}", b64url(header.as_bytes()));
                            verify(r, &forged) == Err(Error::KeyNotFound)
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let elapsed = started.elapsed();
    assert_eq!(refused, 10_000);
    let cooldowns = elapsed.as_millis() / 200 + 1;
    let fetches = server.requests() - 1;
    assert!(
        fetches as u128 <= cooldowns,
        "{fetches} fetches in {elapsed:?} ({cooldowns} cooldowns)"
    );
    assert_eq!(verify(&r, &good), Ok(()));
}

#[test]
fn endpoint_down_past_the_stale_bound_fails_closed_then_recovers() {
    let server = Server::start();
    let k = ed();
    server.route("/jwks", ok(jwks(&[&k]), None, Some("max-age=1")));
    let r = remote(&server);
    let t = token(&k);
    assert_eq!(verify(&r, &t), Ok(()));
    let fetched = Instant::now();
    server.route("/jwks", Reply::Reset);
    // Expiry after 1 s, then 1 s of stale serving, then fail closed.
    let mut last = Ok(());
    while fetched.elapsed() < Duration::from_secs(4) {
        last = verify(&r, &t);
        if fetched.elapsed() < Duration::from_millis(1900) {
            assert_eq!(
                last,
                Ok(()),
                "within the stale bound at {:?}",
                fetched.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(last, remote_err(RemoteKeysError::Stale));
    assert!(matches!(
        r.last_refresh().unwrap().outcome,
        RefreshOutcome::Failed(Error::RemoteKeys(RemoteKeysError::Transport))
    ));
    // Back up: the background refresh (retried every cooldown) restores verification.
    server.route("/jwks", ok(jwks(&[&k]), None, Some("max-age=60")));
    let back = Instant::now();
    while verify(&r, &t).is_err() {
        assert!(back.elapsed() < Duration::from_secs(5), "did not recover");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A compact token as a flattened JWS JSON document (RFC 7515 §7.2.2).
fn flattened(compact: &str) -> String {
    let mut parts = compact.split('.');
    let (h, p, s) = (parts.next(), parts.next(), parts.next());
    format!(
        r#"{{"protected":"{}","payload":"{}","signature":"{}"}}"#,
        h.unwrap(),
        p.unwrap(),
        s.unwrap()
    )
}

fn verify_json(remote: &RemoteKeySet, jws: &str) -> Result<(), Error> {
    Validation::new()
        .verify_json_with_remote_keys::<CustomClaims>(jws, remote)
        .map(|_| ())
}

#[test]
fn json_serialization_picks_up_rotation_on_an_unknown_kid() {
    let server = Server::start();
    let (old, new) = (ed(), ed());
    server.route("/jwks", ok(jwks(&[&old]), None, Some("max-age=60")));
    let r = remote(&server);
    // No set yet: the first document fetches it.
    assert_eq!(verify_json(&r, &flattened(&token(&old))), Ok(()));
    assert_eq!(server.requests(), 1);
    server.route("/jwks", ok(jwks(&[&old, &new]), None, Some("max-age=60")));
    std::thread::sleep(Duration::from_millis(250)); // past the cooldown
    assert_eq!(verify_json(&r, &flattened(&token(&new))), Ok(()));
    assert_eq!(server.requests(), 2);
    assert_eq!(verify_json(&r, &flattened(&token(&old))), Ok(()));
    assert_eq!(server.requests(), 2, "a known kid never fetches");
    // A key the endpoint never serves: one more fetch, then refused; within the cooldown a
    // second unknown kid fetches nothing.
    std::thread::sleep(Duration::from_millis(250));
    assert_eq!(
        verify_json(&r, &flattened(&token(&ed()))),
        Err(Error::KeyNotFound)
    );
    assert_eq!(server.requests(), 3);
    assert_eq!(
        verify_json(&r, &flattened(&token(&ed()))),
        Err(Error::KeyNotFound)
    );
    assert_eq!(server.requests(), 3);
}
