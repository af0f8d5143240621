//! # pqjose-redis
//!
//! [`RedisReplayStore`]: a [`pqjose::ReplayStore`] shared by a fleet of gateways through Redis
//! or Valkey, on the `redis` crate's synchronous API (no async runtime).
//!
//! - **Single use across the fleet.** The first use of a `jti`, scoped by issuer, is recorded
//!   with `SET NX PX` inside one Lua script that first checks every revocation, so of any number
//!   of concurrent presentations at any number of gateways exactly one is accepted. The entry
//!   expires when the token can no longer pass its `exp` check (`exp` plus the validator's
//!   leeway); a token without `exp` is remembered for good.
//! - **Revocation** by `jti` (scoped by issuer), by key (`kid`), and by subject: "every token of
//!   agent X issued at or before T" ([`RedisReplayStore::revoke_subject`]).
//! - **Events.** Issuance ([`RedisReplayStore::log_issued`]), revocations, and refusals (replay
//!   or revoked) are appended to three Redis streams, `{prefix}events:issued`,
//!   `{prefix}events:revoked` and `{prefix}events:refused` (capped at about
//!   [`RedisConfig::stream_max_len`] entries each), with who (`iss`, `sub`, `kid`), what (`jti`,
//!   `reason`) and when (`at`, seconds).
//! - **Fail closed.** Any Redis error, and any reply slower than [`RedisConfig::timeout`]
//!   (default 50 ms), refuses the token with [`pqjose::Error::ReplayStoreUnavailable`]. A
//!   connection that failed is dropped, never reused; the next call connects again, so the
//!   store recovers by itself when Redis comes back.
//!
//! **Durability.** Used `jti`s live only as long as Redis keeps them. A Redis without
//! append-only persistence (`appendonly no`, the default) forgets them when it restarts, and a
//! token used before the restart can be replayed once more until it expires. Run Redis with
//! `appendonly yes` and `appendfsync everysec` (a second of writes at risk) or `always` to
//! close that window, or keep token lifetimes short. Revocations are kept the same way. The
//! tests run `redis-server` without persistence (`--save "" --appendonly no`) and check that
//! the store fails closed while Redis is down and recovers by itself once it is back.
//!
//! Keys: `{prefix}used:H`, `{prefix}rjti:H`, `{prefix}rkid:H`, `{prefix}rsub:H` where `H` is
//! the hex SHA-256 of the (length-prefixed) values, so token contents never become key names.
//! All keys of one check are touched by one script: use a single Redis (or Valkey) primary,
//! not a cluster.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pqjose::{Clock, Error, NumericDate, ReplayStore, SystemClock, TokenUse};
use redis::{Client, Connection, RedisResult, Script};
use sha2::{Digest, Sha256};

/// The default bound on every Redis call (connect, send, receive).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 32;

/// The check, in one round trip. KEYS: used, rjti, rkid, rsub, refused stream. ARGV: mode
/// ("check", "record" or "both"), ttl in ms (0: no expiry), iat ("" if none), max stream length,
/// then the event fields iss, sub, kid, jti, at.
const CHECK: &str = r#"
local function refuse(reason)
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'reason', reason,
    'iss', ARGV[5], 'sub', ARGV[6], 'kid', ARGV[7], 'jti', ARGV[8], 'at', ARGV[9])
end
if ARGV[1] ~= 'record' then
  if redis.call('EXISTS', KEYS[2]) == 1 then refuse('revoked-jti') return 2 end
  if redis.call('EXISTS', KEYS[3]) == 1 then refuse('revoked-kid') return 2 end
  local cutoff = redis.call('GET', KEYS[4])
  if cutoff and (ARGV[3] == '' or tonumber(ARGV[3]) <= tonumber(cutoff)) then
    refuse('revoked-sub') return 2
  end
end
if ARGV[1] ~= 'check' then
  local ok
  if ARGV[2] == '0' then
    ok = redis.call('SET', KEYS[1], ARGV[9], 'NX')
  else
    ok = redis.call('SET', KEYS[1], ARGV[9], 'NX', 'PX', ARGV[2])
  end
  if not ok then refuse('replayed') return 1 end
end
return 0
"#;

/// A revocation (or its lifting) and its event, in one script: all or nothing. KEYS: the
/// revocation key, the `revoked` stream. ARGV: what (`sub`, `jti`, `kid` or `unrevoke-kid`),
/// the value to store (a subject's cutoff time, else the time of revocation), ttl in ms (0: no
/// expiry), max stream length, then the event's field/value pairs. The stream's type is checked
/// before any write (Redis does not roll a script back), so a failing `XADD` cannot leave the
/// revocation recorded without its event. For a subject the later of the stored and the new
/// cutoff is kept.
const REVOKE: &str = r#"
local t = redis.call('TYPE', KEYS[2])['ok']
if t ~= 'none' and t ~= 'stream' then
  return redis.error_reply('WRONGTYPE the revocation stream is not a stream')
end
if ARGV[1] == 'sub' then
  local c = redis.call('GET', KEYS[1])
  if (not c) or tonumber(c) < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[2]) end
elseif ARGV[1] == 'unrevoke-kid' then
  redis.call('DEL', KEYS[1])
elseif ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
return 0
"#;

/// Settings of a [`RedisReplayStore`].
#[derive(Clone)]
pub struct RedisConfig {
    timeout: Duration,
    prefix: String,
    stream_max_len: u64,
    clock: Arc<dyn Clock>,
}

impl Default for RedisConfig {
    /// Timeout [`DEFAULT_TIMEOUT`], prefix `pqjose:`, streams capped near 1,000,000 entries,
    /// the system clock (for revocation and issuance events).
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            prefix: "pqjose:".into(),
            stream_max_len: 1_000_000,
            clock: Arc::new(SystemClock),
        }
    }
}

impl core::fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisConfig")
            .field("timeout", &self.timeout)
            .field("prefix", &self.prefix)
            .field("stream_max_len", &self.stream_max_len)
            .finish_non_exhaustive()
    }
}

impl RedisConfig {
    /// The defaults (see [`RedisConfig::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// The bound on each Redis call; a slower answer refuses the token.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The prefix of every key and stream (to share one Redis between deployments).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The approximate cap on each event stream (`XADD MAXLEN ~`).
    pub fn stream_max_len(mut self, len: u64) -> Self {
        self.stream_max_len = len.max(1);
        self
    }

    /// The clock stamping revocation and issuance events (checks use the validator's time).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }
}

/// A [`ReplayStore`] in Redis or Valkey, shared by every gateway pointed at it. Safe to share
/// between threads (it keeps a small pool of connections).
///
/// ```no_run
/// use std::sync::Arc;
/// use pqjose::Validation;
/// use pqjose_redis::RedisReplayStore;
///
/// let store = Arc::new(RedisReplayStore::open("redis://127.0.0.1:6379/0")?);
/// let validation = Validation::pqc_only().replay_store(store.clone());
/// // An orchestrator ends a task: every token of agent-7 issued until now is refused.
/// store.revoke_subject("agent-7", None)?;
/// # Ok::<(), pqjose::Error>(())
/// ```
pub struct RedisReplayStore {
    client: Client,
    idle: Mutex<Vec<Connection>>,
    config: RedisConfig,
    check: Script,
    revoke: Script,
}

impl core::fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A stream's name under the prefix.
fn stream(prefix: &str, name: &str) -> String {
    format!("{prefix}events:{name}")
}

/// Hex SHA-256 of length-prefixed parts (no two tuples collide).
fn hashed(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl RedisReplayStore {
    /// A store at `url` (`redis://HOST:PORT[/DB]`, `rediss://` for TLS is not built in) with
    /// the default [`RedisConfig`]. Nothing is connected yet; see [`RedisReplayStore::ping`].
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::with_config(url, RedisConfig::default())
    }

    /// A store at `url` with `config`.
    pub fn with_config(url: &str, config: RedisConfig) -> Result<Self, Error> {
        let client = Client::open(url).map_err(|_| Error::ReplayStoreUnavailable)?;
        Ok(Self {
            client,
            idle: Mutex::new(Vec::new()),
            config,
            check: Script::new(CHECK),
            revoke: Script::new(REVOKE),
        })
    }

    /// Whether Redis answers within the timeout.
    pub fn ping(&self) -> Result<(), Error> {
        self.with(|c| redis::cmd("PING").query::<String>(c).map(|_| ()))
    }

    fn key(&self, kind: &str, parts: &[&str]) -> String {
        format!("{}{kind}:{}", self.config.prefix, hashed(parts))
    }

    fn connect(&self) -> RedisResult<Connection> {
        let t = self.config.timeout;
        let c = self.client.get_connection_with_timeout(t)?;
        c.set_read_timeout(Some(t))?;
        c.set_write_timeout(Some(t))?;
        Ok(c)
    }

    /// Run `f` on a pooled connection. A connection that failed is dropped; a reused one that
    /// turned out dead (Redis restarted) is replaced once by a fresh one.
    fn with<T>(&self, f: impl Fn(&mut Connection) -> RedisResult<T>) -> Result<T, Error> {
        let reused = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let (mut con, was_reused) = match reused {
            Some(c) => (c, true),
            None => (
                self.connect().map_err(|_| Error::ReplayStoreUnavailable)?,
                false,
            ),
        };
        let result = match f(&mut con) {
            Err(e) if was_reused && (e.is_connection_dropped() || e.is_connection_refusal()) => {
                con = self.connect().map_err(|_| Error::ReplayStoreUnavailable)?;
                f(&mut con)
            }
            other => other,
        };
        match result {
            Ok(v) => {
                let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                if idle.len() < MAX_IDLE {
                    idle.push(con);
                }
                Ok(v)
            }
            Err(_) => Err(Error::ReplayStoreUnavailable),
        }
    }

    fn run_check(&self, mode: &str, jti: Option<&str>, t: &TokenUse<'_>) -> Result<(), Error> {
        let iss = t.iss.unwrap_or("");
        let jti = jti.or(t.jti).unwrap_or("");
        let none = "\u{0}none";
        let used = self.key("used", &[iss, jti]);
        let rjti = self.key("rjti", &[iss, if t.jti.is_some() { jti } else { none }]);
        let rkid = self.key("rkid", &[t.kid.unwrap_or(none)]);
        let rsub = self.key("rsub", &[t.sub.unwrap_or(none)]);
        let refused = stream(&self.config.prefix, "refused");
        let ttl_ms = match t.expires {
            None => 0,
            Some(exp) => exp
                .as_secs()
                .saturating_sub(t.now.as_secs())
                .saturating_mul(1000)
                .max(1),
        };
        let iat = t.iat.map(|i| i.as_secs().to_string()).unwrap_or_default();
        let at = t.now.as_secs().to_string();
        let code: i64 = self.with(|c| {
            self.check
                .key(&used)
                .key(&rjti)
                .key(&rkid)
                .key(&rsub)
                .key(&refused)
                .arg(mode)
                .arg(ttl_ms)
                .arg(&iat)
                .arg(self.config.stream_max_len)
                .arg(iss)
                .arg(t.sub.unwrap_or(""))
                .arg(t.kid.unwrap_or(""))
                .arg(jti)
                .arg(&at)
                .invoke(c)
        })?;
        match code {
            0 => Ok(()),
            1 => Err(Error::Replayed),
            2 => Err(Error::Revoked),
            _ => Err(Error::ReplayStoreUnavailable),
        }
    }

    fn now(&self) -> NumericDate {
        self.config.clock.now()
    }

    /// Record a revocation (or lift one) and append its event to the `revoked` stream, in one
    /// script ([`REVOKE`]): an error records neither. `value` is stored at `key`; `ttl_ms` 0
    /// keeps it for good.
    fn revoke_and_log(
        &self,
        what: &str,
        key: &str,
        value: i64,
        ttl_ms: i64,
        fields: &[(&str, &str)],
    ) -> Result<(), Error> {
        let events = stream(&self.config.prefix, "revoked");
        self.with(|c| {
            let mut call = self.revoke.key(key);
            call.key(&events)
                .arg(what)
                .arg(value)
                .arg(ttl_ms)
                .arg(self.config.stream_max_len)
                .arg("what")
                .arg(what);
            for (k, v) in fields {
                call.arg(*k).arg(*v);
            }
            call.invoke::<i64>(c)
        })
        .map(drop)
    }

    /// Revoke the token of issuer `iss` with `jti`, until `until` (its `exp` plus leeway is
    /// enough; `None`: for good).
    pub fn revoke_jti(
        &self,
        iss: &str,
        jti: &str,
        until: Option<NumericDate>,
    ) -> Result<(), Error> {
        let key = self.key("rjti", &[iss, jti]);
        let now = self.now();
        let ttl_ms = until.map_or(0, |u| {
            u.as_secs()
                .saturating_sub(now.as_secs())
                .saturating_mul(1000)
                .max(1)
        });
        let at = now.as_secs().to_string();
        self.revoke_and_log(
            "jti",
            &key,
            now.as_secs(),
            ttl_ms,
            &[("iss", iss), ("jti", jti), ("at", &at)],
        )
    }

    /// Revoke every token verified by the key `kid` (kept until
    /// [`RedisReplayStore::unrevoke_kid`]).
    pub fn revoke_kid(&self, kid: &str) -> Result<(), Error> {
        let key = self.key("rkid", &[kid]);
        let now = self.now();
        let at = now.as_secs().to_string();
        self.revoke_and_log("kid", &key, now.as_secs(), 0, &[("kid", kid), ("at", &at)])
    }

    /// Lift the revocation of `kid` (the lifting is logged in the `revoked` stream, all or
    /// nothing like a revocation).
    pub fn unrevoke_kid(&self, kid: &str) -> Result<(), Error> {
        let key = self.key("rkid", &[kid]);
        let now = self.now();
        let at = now.as_secs().to_string();
        self.revoke_and_log(
            "unrevoke-kid",
            &key,
            now.as_secs(),
            0,
            &[("kid", kid), ("at", &at)],
        )
    }

    /// Revoke every token of subject `sub` whose `iat` is at or before `at_or_before`
    /// (default: now; a token without `iat` counts as issued at the beginning of time). Tokens
    /// issued later are accepted: the agent can be given new credentials. A later revocation
    /// moves the time forward, never back. Kept for good. The revocation and its event are
    /// written by one script, all or nothing: an error records neither.
    pub fn revoke_subject(
        &self,
        sub: &str,
        at_or_before: Option<NumericDate>,
    ) -> Result<(), Error> {
        let key = self.key("rsub", &[sub]);
        let now = self.now();
        let t = at_or_before.unwrap_or(now).as_secs();
        let (before, at) = (t.to_string(), now.as_secs().to_string());
        self.revoke_and_log(
            "sub",
            &key,
            t,
            0,
            &[("sub", sub), ("before", &before), ("at", &at)],
        )
    }

    /// Append an issuance event (an issuer records what it minted, so the audit trail shows
    /// the whole flow).
    pub fn log_issued(&self, token: &TokenUse<'_>) -> Result<(), Error> {
        let opt = |v: Option<&str>| v.unwrap_or("").to_owned();
        let time = |v: Option<NumericDate>| v.map(|t| t.as_secs().to_string()).unwrap_or_default();
        let fields = [
            ("iss", opt(token.iss)),
            ("sub", opt(token.sub)),
            ("kid", opt(token.kid)),
            ("jti", opt(token.jti)),
            ("iat", time(token.iat)),
            ("exp", time(token.expires)),
            ("at", token.now.as_secs().to_string()),
        ];
        let s = stream(&self.config.prefix, "issued");
        self.with(|c| {
            let mut cmd = redis::cmd("XADD");
            cmd.arg(&s)
                .arg("MAXLEN")
                .arg("~")
                .arg(self.config.stream_max_len)
                .arg("*");
            for (k, v) in &fields {
                cmd.arg(*k).arg(v);
            }
            cmd.query::<()>(c)
        })
    }

    /// The number of events in stream `name` (`issued`, `revoked` or `refused`).
    pub fn event_count(&self, name: &str) -> Result<u64, Error> {
        let s = stream(&self.config.prefix, name);
        self.with(|c| redis::cmd("XLEN").arg(&s).query::<u64>(c))
    }
}

impl ReplayStore for RedisReplayStore {
    fn check_revoked(&self, token: &TokenUse<'_>) -> Result<(), Error> {
        self.run_check("check", None, token)
    }

    fn record_use(&self, jti: &str, token: &TokenUse<'_>) -> Result<(), Error> {
        self.run_check("record", Some(jti), token)
    }

    /// Revocations and first use in one script, one round trip.
    fn check(&self, token: &TokenUse<'_>, single_use: bool) -> Result<(), Error> {
        if single_use && token.jti.is_none() {
            return Err(Error::Claims(pqjose::ClaimsError::Missing(
                pqjose::RegisteredClaim::JwtId.into(),
            )));
        }
        self.run_check(if single_use { "both" } else { "check" }, None, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_keys_are_unambiguous() {
        assert_ne!(hashed(&["ab", "c"]), hashed(&["a", "bc"]));
        assert_eq!(hashed(&["a"]).len(), 64);
    }

    #[test]
    fn unreachable_redis_fails_closed_within_the_timeout() {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let store = RedisReplayStore::open("redis://127.0.0.1:1/0").unwrap();
        let use_ = TokenUse {
            jti: Some("j"),
            ..TokenUse::new(NumericDate::from_secs(1))
        };
        assert_eq!(store.check(&use_, true), Err(Error::ReplayStoreUnavailable));
        assert_eq!(store.revoke_kid("k"), Err(Error::ReplayStoreUnavailable));
        assert!(RedisReplayStore::open("not a url").is_err());
    }
}
