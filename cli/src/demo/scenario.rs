//! The embedded scenario: an issuer mints per-task tokens for agents, a gateway verifies them
//! under a post-quantum-or-hybrid policy, and the issuer rotates its key.
//!
//! Every presentation of a token to the gateway is a [`Check`] with the outcome the scenario
//! expects, so the demo doubles as a smoke test. Time is a [`FixedClock`] that starts at the real
//! time and is moved forward by the scenario (expiry, rotation overlap).

use std::sync::Arc;
use std::time::Duration;

use pqjose::{
    Algorithm, AlgorithmError, ClaimName, ClaimsError, Clock, CustomClaims, Error, FixedClock,
    FormatError, JwkSet, KeySet, MemoryReplayStore, NumericDate, SigningKey, SystemClock,
    TokenBuilder, Validation, Verified, dangerous,
};
use serde_json::Value;

use super::report::{
    Check, Expect, KeyLine, Line, Outcome, Report, TokenLine, clock_label, thousands,
};
use super::timing;

/// The issuer (`iss`).
pub(super) const ISSUER: &str = "https://issuer.example";
/// The gateway (`aud` of the tokens it accepts).
pub(super) const GATEWAY: &str = "https://gateway.example";
/// Another service: tokens for it must not work at the gateway.
const BILLING: &str = "https://billing.example";
/// Lifetime of every token.
const TTL: Duration = Duration::from_secs(5 * 60);
/// How long the old key keeps verifying after the rotation.
const OVERLAP_SECS: i64 = 2 * 60;
/// Capacity of the gateway's replay cache.
const REPLAY_CAPACITY: usize = 64;

/// A step that could not be carried out at all: what was being done and the library's error.
pub(super) struct Failed {
    during: String,
    error: Error,
}

impl Failed {
    /// `during: error [code]`.
    pub(super) fn message(&self) -> String {
        format!("{}: {} [{}]", self.during, self.error, self.error.code())
    }
}

/// Attach what was being done to a library error.
pub(super) trait During<T> {
    fn during(self, what: impl Into<String>) -> Result<T, Failed>;
}

impl<T> During<T> for Result<T, Error> {
    fn during(self, what: impl Into<String>) -> Result<T, Failed> {
        self.map_err(|error| Failed {
            during: what.into(),
            error,
        })
    }
}

/// The scenario's clock: it starts at the real time and only the scenario moves it.
pub(super) struct Timeline {
    pub(super) clock: Arc<FixedClock>,
    start: i64,
}

impl Timeline {
    fn new() -> Self {
        let start = SystemClock.now().as_secs();
        Self {
            clock: Arc::new(FixedClock::at_secs(start)),
            start,
        }
    }

    /// The date `offset` seconds after the start.
    fn date(&self, offset: i64) -> NumericDate {
        NumericDate::from_secs(self.start.saturating_add(offset))
    }

    /// Move the clock to `offset` seconds after the start.
    fn set(&self, offset: i64) {
        self.clock.set(self.date(offset));
    }

    /// Seconds since the start.
    pub(super) fn offset(&self) -> i64 {
        self.clock.now().as_secs().saturating_sub(self.start)
    }
}

/// One unit of work an agent gets a token for.
struct Task {
    agent: &'static str,
    task: &'static str,
    scope: &'static str,
    audience: &'static str,
}

impl Task {
    const fn new(agent: &'static str, task: &'static str, scope: &'static str) -> Self {
        Self {
            agent,
            task,
            scope,
            audience: GATEWAY,
        }
    }
}

/// The issuer's keys and its published key set.
struct Issuer {
    pq: SigningKey,
    hybrid: SigningKey,
    legacy: SigningKey,
    published: KeySet,
}

/// Run the whole scenario, filling `report`.
pub(super) fn run(report: &mut Report) -> Result<(), Failed> {
    let t = Timeline::new();
    report.start = t.start;
    let issuer = create_keys(report)?;
    let jwks = issuer.published.to_public_jwk_set().to_json();

    report.step(
        "mint",
        "t+0:00 The issuer mints per-task tokens (TTL 5 min, a random jti each)",
    );
    let mint =
        |key: &SigningKey, task: &Task, report: &mut Report| mint_token(&t, key, task, report);
    let pq = mint(
        &issuer.pq,
        &Task::new("agent-1", "t-1001", "reports:read"),
        report,
    )?;
    let hybrid = mint(
        &issuer.hybrid,
        &Task::new("agent-2", "t-1002", "tickets:write"),
        report,
    )?;
    let legacy = mint(
        &issuer.legacy,
        &Task::new("agent-3", "t-1003", "reports:read"),
        report,
    )?;
    let idle = mint(
        &issuer.pq,
        &Task::new("agent-4", "t-1004", "invoices:read"),
        report,
    )?;
    let elsewhere = Task {
        audience: BILLING,
        ..Task::new("agent-5", "t-1005", "invoices:pay")
    };
    let billing = mint(&issuer.hybrid, &elsewhere, report)?;

    let gateway = load_gateway(report, &jwks)?;
    let validation = gateway_policy(&t);
    let present = |report: &mut Report, what: &str, token: &str, expected: Expect| {
        present(report, &t, &validation, &gateway, what, token, expected)
    };
    present(report, "agent-1, ML-DSA-65", &pq, Expect::Accept);
    present(
        report,
        "agent-2, ML-DSA-65-Ed25519",
        &hybrid,
        Expect::Accept,
    );
    present(
        report,
        "agent-3, ES256 (legacy, not PQC)",
        &legacy,
        rejected(AlgorithmError::NotAllowed(Algorithm::Es256)),
    );
    let tampered = tamper(&pq)?;
    present(
        report,
        "agent-1's with a forged payload (admin:*)",
        &tampered,
        rejected(Error::InvalidSignature),
    );
    present(
        report,
        "agent-5's, minted for billing",
        &billing,
        rejected(ClaimsError::Audience),
    );
    present(
        report,
        "agent-1's again (replayed)",
        &pq,
        rejected(Error::Replayed),
    );
    let reused = reuse_jti(&t, &issuer.hybrid, &hybrid)?;
    present(
        report,
        "new token reusing agent-2's jti",
        &reused,
        rejected(Error::Replayed),
    );

    t.set(6 * 60);
    report.step(
        "expiry",
        "t+6:00 Later (the injected clock moved on 6 minutes)",
    );
    report.note("agent-4 presents the token it got at t+0:00 (TTL 5 min, 30 s leeway)");
    present(
        report,
        "agent-4, ML-DSA-65, issued t+0:00",
        &idle,
        rejected(ClaimsError::Expired),
    );

    let new_key = rotate(report, &t, &issuer, &gateway, present)?;

    let delivery = super::delivery::run(report, &t, &new_key, &gateway)?;
    report.timings = timing::measure(&t, &[&new_key, &issuer.hybrid, &issuer.legacy], &gateway)?;
    report.delivery = Some(delivery);
    Ok(())
}

/// Expect a rejection with the code of `e` (so expectations name errors, not numbers).
fn rejected(e: impl Into<Error>) -> Expect {
    Expect::Reject(e.into().code())
}

/// Step 1: the issuer's keys and its public JWK Set.
fn create_keys(report: &mut Report) -> Result<Issuer, Failed> {
    report.step(
        "keys",
        format!("t+0:00 Issuer {ISSUER} creates its signing keys"),
    );
    let mut make = |alg: Algorithm, kid: &str| -> Result<SigningKey, Failed> {
        let during = format!("generating the {alg} key");
        let key = SigningKey::generate(alg)
            .and_then(|k| k.with_kid(kid))
            .during(&during)?;
        let jwk = key.to_public_jwk().during(&during)?;
        report.push(Line::Key(KeyLine {
            alg: alg.as_str(),
            kid: key.kid().to_owned(),
            jwk_bytes: jwk.to_json().len(),
        }));
        Ok(key)
    };
    let pq = make(Algorithm::MlDsa65, "pq-1")?;
    let hybrid = make(Algorithm::MlDsa65Ed25519, "hybrid-1")?;
    let legacy = make(Algorithm::Es256, "legacy-1")?;
    let published = [&pq, &hybrid, &legacy]
        .into_iter()
        .map(SigningKey::verifying_key)
        .collect::<Result<Vec<_>, Error>>()
        .and_then(KeySet::from_keys)
        .during("publishing the JWK Set")?;
    let jwks = published.to_public_jwk_set().to_json();
    report.note(format!(
        "It publishes its public JWK Set at /.well-known/jwks.json: {} keys, {} bytes (abbreviated):",
        published.len(),
        thousands(jwks.len())
    ));
    for line in abbreviate_jwks(&jwks) {
        report.note(format!("  {line}"));
    }
    Ok(Issuer {
        pq,
        hybrid,
        legacy,
        published,
    })
}

/// The JWK Set one key per line, long values (keys, thumbprints) cut short.
fn abbreviate_jwks(json: &str) -> Vec<String> {
    let keys = serde_json::from_str::<Value>(json)
        .ok()
        .and_then(|doc| doc.get("keys").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let count = keys.len();
    let mut lines = vec![r#"{"keys":["#.to_owned()];
    for (i, key) in keys.into_iter().enumerate() {
        let short = match key {
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(name, value)| (name, abbreviate(value)))
                    .collect(),
            ),
            other => other,
        };
        let comma = if i + 1 < count { "," } else { "" };
        lines.push(format!("  {short}{comma}"));
    }
    lines.push("]}".to_owned());
    lines
}

fn abbreviate(value: Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > 24 => {
            let head: String = s.chars().take(10).collect();
            Value::String(format!("{head}…({} chars)", s.chars().count()))
        }
        other => other,
    }
}

/// Mint a token for `task` with `key` at the timeline's current time, and list it.
fn mint_token(
    t: &Timeline,
    key: &SigningKey,
    task: &Task,
    report: &mut Report,
) -> Result<String, Failed> {
    let token = builder(t, task)
        .sign(key)
        .during(format!("minting {}'s token", task.agent))?;
    report.push(Line::Token(TokenLine {
        agent: task.agent,
        task: task.task,
        scope: task.scope,
        alg: key.algorithm().as_str(),
        kid: key.kid().to_owned(),
        audience: task.audience,
        bytes: token.len(),
    }));
    Ok(token)
}

/// The claims of a per-task token: `iss`, `sub` = the agent, `aud`, `exp` = now + TTL, a random
/// `jti`, and the task id and scope as custom claims.
fn builder(t: &Timeline, task: &Task) -> TokenBuilder {
    TokenBuilder::new()
        .issuer(ISSUER)
        .subject(task.agent)
        .audience(task.audience)
        .ttl(TTL)
        .claim("task", task.task)
        .claim("scope", task.scope)
        .clock(Arc::clone(&t.clock))
}

/// The claims of the timing runs: agent-1's task at the gateway.
pub(super) fn timing_builder(t: &Timeline) -> TokenBuilder {
    builder(t, &Task::new("agent-1", "t-1001", "reports:read"))
}

/// Step 3: the gateway loads the issuer's JWK Set.
fn load_gateway(report: &mut Report, jwks: &str) -> Result<KeySet, Failed> {
    let (keys, skipped) = KeySet::from_jwk_set_json(jwks).during("loading the JWK Set")?;
    report.step(
        "gateway",
        format!("t+0:00 Gateway {GATEWAY} loads the JWK Set and verifies the tokens"),
    );
    report.note(format!(
        "{} keys loaded, {} skipped; policy `hybrid` (post-quantum or composite only),",
        keys.len(),
        skipped.len()
    ));
    report.note(format!(
        "iss and aud checked, claim `task` required, each jti accepted once (replay cache of {REPLAY_CAPACITY})"
    ));
    Ok(keys)
}

/// The gateway's policy.
fn gateway_policy(t: &Timeline) -> Validation {
    Validation::hybrid_or_pqc()
        .issuer(ISSUER)
        .audience(GATEWAY)
        .require(ClaimName::from_name("task"))
        .replay_store(Arc::new(MemoryReplayStore::new(REPLAY_CAPACITY)))
        .clock(Arc::clone(&t.clock))
}

/// Present `token` to the gateway and record the outcome against the expectation.
fn present(
    report: &mut Report,
    t: &Timeline,
    validation: &Validation,
    keys: &KeySet,
    what: &str,
    token: &str,
    expected: Expect,
) {
    let outcome = match validation.verify_with_keys::<CustomClaims>(token, keys) {
        Ok(v) => Outcome::Accepted(describe(&v)),
        Err(e) => Outcome::Rejected {
            code: e.code(),
            reason: e.to_string(),
        },
    };
    report.push(Line::Check(Check {
        at: t.offset(),
        what: what.to_owned(),
        expected,
        outcome,
    }));
}

/// `sub agent-1, task t-1001, scope reports:read; key pq-1`.
fn describe(v: &Verified) -> String {
    let custom = |name: &str| v.custom().get(name).and_then(Value::as_str).unwrap_or("?");
    format!(
        "sub {}, task {}, scope {}; key {}",
        v.claims().subject().unwrap_or("?"),
        custom("task"),
        custom("scope"),
        v.kid().unwrap_or("?")
    )
}

/// An attacker keeps agent-1's header and signature and swaps in a payload granting more.
fn tamper(token: &str) -> Result<String, Failed> {
    let attacker = SigningKey::generate(Algorithm::Es256).during("the attacker's key")?;
    let forged = TokenBuilder::new()
        .issuer(ISSUER)
        .subject("agent-1")
        .audience(GATEWAY)
        .claim("task", "t-1001")
        .claim("scope", "admin:*")
        .sign(&attacker)
        .during("the attacker's payload")?;
    let mut genuine = token.split('.');
    let mut fake = forged.split('.');
    match (genuine.next(), fake.nth(1), genuine.nth(1)) {
        (Some(header), Some(payload), Some(signature)) => {
            Ok(format!("{header}.{payload}.{signature}"))
        }
        _ => Err(Failed {
            during: "splicing the tampered token".to_owned(),
            error: FormatError::SegmentCount.into(),
        }),
    }
}

/// A fresh, validly signed token carrying the `jti` of `earlier` (the issuer reads back the jti
/// it chose itself, so reading without verification is fine here).
fn reuse_jti(t: &Timeline, key: &SigningKey, earlier: &str) -> Result<String, Failed> {
    let during = "reusing a jti";
    let claims = dangerous::decode_unverified(earlier)
        .and_then(|u| u.claims::<CustomClaims>())
        .during(during)?;
    let jti = claims.jwt_id().unwrap_or_default().to_owned();
    builder(t, &Task::new("agent-2", "t-1002", "tickets:write"))
        .jwt_id(jti)
        .sign(key)
        .during(during)
}

/// Step 5: the issuer rotates its ML-DSA-65 key with a two-minute overlap. Returns the new key.
fn rotate(
    report: &mut Report,
    t: &Timeline,
    issuer: &Issuer,
    gateway: &KeySet,
    present: impl Fn(&mut Report, &str, &str, Expect),
) -> Result<SigningKey, Failed> {
    report.step(
        "rotation",
        "t+6:00 The issuer rotates its ML-DSA-65 key (2-minute overlap)",
    );
    let old = issuer.pq.kid().to_owned();
    let during = "rotating the key";
    let before_a = mint_token(
        t,
        &issuer.pq,
        &Task::new("agent-1", "t-1006", "reports:read"),
        report,
    )?;
    let before_b = mint_token(
        t,
        &issuer.pq,
        &Task::new("agent-6", "t-1007", "reports:read"),
        report,
    )?;
    let new_key = SigningKey::generate(Algorithm::MlDsa65)
        .and_then(|k| k.with_kid("pq-2"))
        .during(during)?;
    let not_after = t.date(t.offset().saturating_add(OVERLAP_SECS));
    issuer
        .published
        .add(new_key.verifying_key().during(during)?)
        .and_then(|()| issuer.published.retire(&old, Some(not_after)))
        .during(during)?;
    let jwks = issuer.published.to_public_jwk_set();
    report.note(format!(
        "The issuer adds pq-2 and retires {old} with not-after {}; the JWK Set lists {} keys",
        clock_label(t.offset().saturating_add(OVERLAP_SECS)),
        jwks.keys().len()
    ));
    // The gateway refreshes the JWK Set: it picks up the new key (the others it already has are
    // reported as duplicates) and mirrors the announced retirement.
    let before = gateway.len();
    let refreshed = JwkSet::from_json(&jwks.to_json()).during(during)?;
    let _duplicates = gateway.add_jwk_set(&refreshed);
    gateway.retire(&old, Some(not_after)).during(during)?;
    report.note(format!(
        "The gateway refreshes it: {} new key, and retires {old} at the same time",
        gateway.len().saturating_sub(before)
    ));
    let fresh = mint_token(
        t,
        &new_key,
        &Task::new("agent-1", "t-1008", "reports:read"),
        report,
    )?;

    t.set(7 * 60);
    present(
        report,
        "agent-1's from pq-2 (new key)",
        &fresh,
        Expect::Accept,
    );
    present(
        report,
        "agent-1's from pq-1, during the overlap",
        &before_a,
        Expect::Accept,
    );
    t.set(9 * 60);
    present(
        report,
        "agent-6's from pq-1, after its retirement",
        &before_b,
        rejected(Error::KeyNotFound),
    );
    let now = t.clock.now();
    let purged = gateway.purge_retired(now) + issuer.published.purge_retired(now);
    let kids: Vec<String> = issuer
        .published
        .keys()
        .into_iter()
        .filter_map(|k| k.kid)
        .collect();
    report.note(format!(
        "{old} purged at the issuer and the gateway ({purged} entries); the JWK Set now lists {}",
        kids.join(", ")
    ));
    Ok(new_key)
}
