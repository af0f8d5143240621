//! A fleet against a real `redis-server` started on a free loopback port (no persistence:
//! `--save "" --appendonly no`) and stopped afterwards: two gateways sharing one Redis, 64
//! simultaneous presentations of one token, revocation by subject, jti and kid taking effect at
//! both, and Redis killed mid-run then restarted.
//!
//! `redis-server` must be on PATH (`scripts/test/35-redis.sh` installs it). Without it these
//! tests print why and pass, unless `PQJOSE_REQUIRE_REDIS=1` (set by that step) makes them fail.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use pqjose::{
    Algorithm, CustomClaims, Error, FixedClock, NumericDate, SigningKey, TokenBuilder, Validation,
    VerifyingKey,
};
use pqjose_redis::{RedisConfig, RedisReplayStore};

const T0: i64 = 1_900_000_000;

#[path = "support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;

/// A store on `redis` with a short timeout and the clock at [`T0`].
fn store(redis: &RedisServer) -> Arc<RedisReplayStore> {
    let config = RedisConfig::new()
        .timeout(Duration::from_millis(200))
        .clock(FixedClock::at_secs(T0));
    Arc::new(RedisReplayStore::with_config(&redis.url(), config).unwrap())
}

struct Issuer {
    key: SigningKey,
    public: VerifyingKey,
}

impl Issuer {
    fn new() -> Self {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let public = key.verifying_key().unwrap();
        Self { key, public }
    }

    fn token(&self, sub: &str, iat: i64) -> String {
        TokenBuilder::new()
            .issuer("https://issuer.example")
            .subject(sub)
            .clock(FixedClock::at_secs(iat))
            .ttl(Duration::from_secs(600))
            .sign(&self.key)
            .unwrap()
    }
}

fn gateway(store: Arc<RedisReplayStore>) -> Validation {
    Validation::new()
        .issuer("https://issuer.example")
        .clock(FixedClock::at_secs(T0 + 10))
        .replay_store(store)
}

fn verify(v: &Validation, i: &Issuer, token: &str) -> Result<(), Error> {
    v.verify::<CustomClaims>(token, &i.public).map(|_| ())
}

#[test]
fn two_gateways_share_one_redis() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let issuer = Issuer::new();
    let (a, b) = (gateway(store(&redis)), gateway(store(&redis)));
    let t = issuer.token("agent-1", T0);
    assert_eq!(verify(&a, &issuer, &t), Ok(()));
    assert_eq!(verify(&b, &issuer, &t), Err(Error::Replayed));
    assert_eq!(verify(&a, &issuer, &t), Err(Error::Replayed));
    let t2 = issuer.token("agent-1", T0);
    assert_eq!(verify(&b, &issuer, &t2), Ok(()));
    assert_eq!(store(&redis).event_count("refused"), Ok(2));
}

#[test]
fn sixty_four_simultaneous_presentations_one_accepted() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let issuer = Issuer::new();
    let gateways = [gateway(store(&redis)), gateway(store(&redis))];
    for round in 0..3 {
        let t = issuer.token("agent-2", T0 + round);
        let barrier = Barrier::new(64);
        let results: Vec<Result<(), Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..64)
                .map(|i| {
                    let (g, t, b, issuer) = (&gateways[i % 2], &t, &barrier, &issuer);
                    s.spawn(move || {
                        b.wait();
                        verify(g, issuer, t)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(()) | Err(Error::Replayed))),
            "{results:?}"
        );
    }
}

#[test]
fn revocations_take_effect_at_both_gateways() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let issuer = Issuer::new();
    let store_a = store(&redis);
    let (a, b) = (gateway(store_a.clone()).clone(), gateway(store(&redis)));
    let (a_rev, b_rev) = (
        Validation::new()
            .clock(FixedClock::at_secs(T0 + 10))
            .revocation_store(store_a.clone()),
        Validation::new()
            .clock(FixedClock::at_secs(T0 + 10))
            .revocation_store(store(&redis)),
    );
    let old = issuer.token("agent-3", T0);
    let at_cutoff = issuer.token("agent-3", T0 + 5);
    let newer = issuer.token("agent-3", T0 + 6);
    let other = issuer.token("agent-4", T0);
    assert_eq!(verify(&a_rev, &issuer, &old), Ok(()));
    // The orchestrator (a third client) ends the task: agent-3's tokens issued until T0+5.
    let orchestrator = store(&redis);
    orchestrator
        .revoke_subject("agent-3", Some(NumericDate::from_secs(T0 + 5)))
        .unwrap();
    for g in [&a_rev, &b_rev] {
        assert_eq!(verify(g, &issuer, &old), Err(Error::Revoked));
        assert_eq!(verify(g, &issuer, &at_cutoff), Err(Error::Revoked));
        assert_eq!(verify(g, &issuer, &newer), Ok(()));
        assert_eq!(verify(g, &issuer, &other), Ok(()));
    }
    // An earlier time never moves the cutoff back.
    orchestrator
        .revoke_subject("agent-3", Some(NumericDate::from_secs(T0)))
        .unwrap();
    assert_eq!(verify(&b_rev, &issuer, &at_cutoff), Err(Error::Revoked));
    // Single-use gateways see revocations too (and a refused token does not use its jti).
    assert_eq!(verify(&a, &issuer, &old), Err(Error::Revoked));

    // By jti (scoped by issuer) and by kid.
    let t = issuer.token("agent-5", T0);
    let jti = pqjose::dangerous::decode_unverified(&t)
        .unwrap()
        .claims::<CustomClaims>()
        .unwrap()
        .jwt_id()
        .unwrap()
        .to_owned();
    orchestrator
        .revoke_jti("https://other.example", &jti, None)
        .unwrap();
    assert_eq!(verify(&b, &issuer, &t), Ok(()), "another issuer's jti");
    orchestrator
        .revoke_jti(
            "https://issuer.example",
            &jti,
            Some(NumericDate::from_secs(T0 + 700)),
        )
        .unwrap();
    assert_eq!(verify(&a_rev, &issuer, &t), Err(Error::Revoked));
    orchestrator.revoke_kid(issuer.key.kid()).unwrap();
    let fresh = issuer.token("agent-6", T0 + 9);
    assert_eq!(verify(&b_rev, &issuer, &fresh), Err(Error::Revoked));
    orchestrator.unrevoke_kid(issuer.key.kid()).unwrap();
    assert_eq!(verify(&b_rev, &issuer, &fresh), Ok(()));
    assert_eq!(orchestrator.event_count("revoked"), Ok(6));
    assert!(orchestrator.event_count("refused").unwrap() >= 7);
}

#[test]
fn redis_killed_mid_run_fails_closed_then_recovers_by_itself() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let issuer = Issuer::new();
    let (a, b) = (gateway(store(&redis)), gateway(store(&redis)));
    assert_eq!(verify(&a, &issuer, &issuer.token("agent-7", T0)), Ok(()));
    assert_eq!(verify(&b, &issuer, &issuer.token("agent-7", T0)), Ok(()));
    redis.stop();
    for g in [&a, &b, &a, &b] {
        let started = Instant::now();
        assert_eq!(
            verify(g, &issuer, &issuer.token("agent-7", T0)),
            Err(Error::ReplayStoreUnavailable),
            "nothing is accepted while Redis is down"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    redis.restart();
    // The same gateways recover without being restarted.
    for g in [&a, &b] {
        let t = issuer.token("agent-7", T0);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match verify(g, &issuer, &t) {
                Ok(()) => break,
                Err(e) => {
                    assert_eq!(e, Error::ReplayStoreUnavailable);
                    assert!(Instant::now() < deadline, "did not recover");
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        assert_eq!(verify(g, &issuer, &t), Err(Error::Replayed));
    }
}

/// `revoke_subject` writes the revocation and its event together or not at all: when the event
/// cannot be appended (the stream key holds another type), the subject is not revoked.
#[test]
fn revocations_are_all_or_nothing() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let issuer = Issuer::new();
    let store = store(&redis);
    let gateway = Validation::new()
        .clock(FixedClock::at_secs(T0 + 10))
        .revocation_store(store.clone());
    let token = issuer.token("agent-9", T0);
    let mut con = redis::Client::open(redis.url())
        .unwrap()
        .get_connection()
        .unwrap();
    redis::cmd("SET")
        .arg("pqjose:events:revoked")
        .arg("not a stream")
        .query::<()>(&mut con)
        .unwrap();
    assert_eq!(
        store.revoke_subject("agent-9", None),
        Err(Error::ReplayStoreUnavailable)
    );
    assert_eq!(
        verify(&gateway, &issuer, &token),
        Ok(()),
        "nothing recorded"
    );
    // The same for a revocation by jti or by kid, and for lifting one: nothing is written
    // without its event.
    let claims = pqjose::dangerous::decode_unverified(&token)
        .unwrap()
        .claims::<CustomClaims>()
        .unwrap();
    let jti = claims.jwt_id().unwrap();
    assert_eq!(
        store.revoke_jti("https://issuer.example", jti, None),
        Err(Error::ReplayStoreUnavailable)
    );
    assert_eq!(
        store.revoke_kid(issuer.public.kid()),
        Err(Error::ReplayStoreUnavailable)
    );
    assert_eq!(
        verify(&gateway, &issuer, &token),
        Ok(()),
        "nothing recorded"
    );
    let (rkid_before, rjti_before) = (count_keys(&mut con, "rkid"), count_keys(&mut con, "rjti"));
    assert_eq!((rkid_before, rjti_before), (0, 0));
    redis::cmd("DEL")
        .arg("pqjose:events:revoked")
        .query::<()>(&mut con)
        .unwrap();
    store.revoke_kid(issuer.public.kid()).unwrap();
    assert_eq!(verify(&gateway, &issuer, &token), Err(Error::Revoked));
    // Lifting a revocation while the stream is broken keeps the revocation.
    redis::cmd("DEL")
        .arg("pqjose:events:revoked")
        .query::<()>(&mut con)
        .unwrap();
    redis::cmd("SET")
        .arg("pqjose:events:revoked")
        .arg("not a stream")
        .query::<()>(&mut con)
        .unwrap();
    assert_eq!(
        store.unrevoke_kid(issuer.public.kid()),
        Err(Error::ReplayStoreUnavailable)
    );
    assert_eq!(verify(&gateway, &issuer, &token), Err(Error::Revoked));
    redis::cmd("DEL")
        .arg("pqjose:events:revoked")
        .query::<()>(&mut con)
        .unwrap();
    store.unrevoke_kid(issuer.public.kid()).unwrap();
    assert_eq!(verify(&gateway, &issuer, &token), Ok(()));
    store.revoke_subject("agent-9", None).unwrap();
    assert_eq!(verify(&gateway, &issuer, &token), Err(Error::Revoked));
    store
        .revoke_jti("https://issuer.example", jti, None)
        .unwrap();
    // Since the stream was last replaced: unrevoke-kid, revoke-sub, revoke-jti, one event each.
    assert_eq!(store.event_count("revoked"), Ok(3));
    assert_eq!(count_keys(&mut con, "rjti"), 1);
}

/// The number of `pqjose:KIND:*` keys.
fn count_keys(con: &mut redis::Connection, kind: &str) -> usize {
    redis::cmd("KEYS")
        .arg(format!("pqjose:{kind}:*"))
        .query::<Vec<String>>(con)
        .unwrap()
        .len()
}
