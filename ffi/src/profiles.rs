//! DPoP proofs (RFC 9449) and delegated tokens (RFC 8693 `act`) over the C ABI.
//!
//! `pqj_dpop_proof` / `pqj_dpop_verify` make and check proofs; `pqj_validation_bind_jkt`
//! requires an access token bound to a proof's key; `pqj_delegate` mints a delegated token
//! from tokens a verifier accepts; `pqj_verify_delegated` verifies one and returns its chain
//! of actors.

use core::ffi::c_char;
use std::sync::LazyLock;
use std::time::Duration;

use pqjose::delegation::{ActorChain, Delegation, DelegationPolicy, verify_delegated};
use pqjose::dpop::{ProofBuilder, ProofVerifier};
use pqjose::{AlgorithmPolicy, Verified};
use serde_json::Value;

use crate::boundary::guard;
use crate::error::{Failure, pqj_error};
use crate::fleet::pqj_replay_store;
use crate::key::pqj_key;
use crate::ptr;
use crate::status::pqj_status;
use crate::verify::{pqj_validation, pqj_verifier};

/// An optional token argument: NULL with length 0 means "none".
fn opt_token<'a>(
    token: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if token.is_null() && len == 0 {
        return Ok(None);
    }
    let t = crate::token::token_text(token, len)
        .map_err(|_| Failure::invalid(format!("argument `{name}` is not a token")))?;
    Ok(Some(t))
}

/// Make a DPoP proof for the request `htm` (HTTP method) to `htu` (absolute http(s) URI; its
/// query and fragment are left out of the proof) with the private `key`: header `typ`
/// `dpop+jwt`, the key's `alg` and public `jwk`; claims `jti`, `htm`, `htu`, `iat`, plus `ath`
/// when `access_token` (`access_token_len` bytes; NULL and 0 for none) is given and `nonce`
/// when not NULL.
///
/// On success stores the proof in `*proof_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread; `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_dpop_proof(
    key: *const pqj_key,
    htm: *const c_char,
    htu: *const c_char,
    access_token: *const u8,
    access_token_len: usize,
    nonce: *const c_char,
    proof_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(proof_out, "proof_out")?;
        let key = ptr::arc_ref(key, "key")?;
        let mut builder = ProofBuilder::new(ptr::cstr(htm, "htm")?, ptr::cstr(htu, "htu")?)?;
        if let Some(t) = opt_token(access_token, access_token_len, "access_token")? {
            builder = builder.access_token(t);
        }
        if let Some(n) = ptr::opt_cstr(nonce, "nonce")? {
            builder = builder.nonce(n);
        }
        out.write_string(builder.sign(key.signing()?)?)
    })
}

/// The verifier whose proof-key cache every `pqj_dpop_verify` call shares (the cache is
/// thread-safe and independent of the per-call settings).
static SHARED_PROOF_KEYS: LazyLock<ProofVerifier> = LazyLock::new(ProofVerifier::new);

/// Verify a DPoP proof (`proof`, `proof_len` bytes) for the request `htm` to `htu` (its query
/// and fragment ignored): signature by the proof's own public `jwk` (which must fit its `alg`),
/// `typ`, `alg` allowed by `policy` (`"pqc"`, `"hybrid"`, `"composite"`, `"any"`; NULL for
/// any), `htm`, `htu` (normalized; a proof `htu` with query or fragment is refused), `iat` no
/// older than `max_age_seconds` (0: the default 60) and at most 5 s ahead, `nonce` when not
/// NULL, and `ath` when `access_token` (NULL and 0 for none) is given. The access token's own
/// binding is checked when it is verified (`pqj_validation_bind_jkt`). `jti` replay is not
/// tracked here: `pqj_dpop_verify_once` does that.
///
/// Proof keys are cached for the process (up to 128 proof headers, the least used evicted
/// first, about 40 KB each for ML-DSA-65): a client's later proofs, which repeat its header,
/// skip decoding the header and importing its key. A cached key is used only for a proof
/// whose header is byte for byte the one it came from; every check above still runs.
///
/// On success stores the proof key's RFC 7638 thumbprint (what the token's `cnf.jkt` must be)
/// in `*jkt_out` and, unless `claims_out` is NULL, the proof's claims JSON in `*claims_out`
/// (free both with `pqj_string_free`).
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_dpop_verify(
    proof: *const u8,
    proof_len: usize,
    htm: *const c_char,
    htu: *const c_char,
    access_token: *const u8,
    access_token_len: usize,
    nonce: *const c_char,
    max_age_seconds: u64,
    policy: *const c_char,
    jkt_out: *mut *mut c_char,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    let request = DpopRequest {
        htm,
        htu,
        access_token,
        access_token_len,
        nonce,
        max_age_seconds,
        policy,
    };
    dpop_verify(
        None, proof, proof_len, &request, jkt_out, claims_out, err_out,
    )
}

/// `pqj_dpop_verify`, then each proof `jti` accepted once through `store` (NULL: an error):
/// remembered until the proof leaves its `iat` window, scoped by the proof key (apart from
/// tokens' `jti`s). With a Redis store (`pqj_replay_store_redis`) this holds across every
/// verifier sharing it; a replay is `PQJ_STATUS_REPLAYED`, and a Redis that cannot answer
/// refuses the proof (`PQJ_STATUS_REPLAY_STORE_UNAVAILABLE`). A refused proof does not use up
/// its `jti`. The caller keeps ownership of `store`.
///
/// Thread safety: safe from any thread; `store` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_dpop_verify_once(
    store: *const pqj_replay_store,
    proof: *const u8,
    proof_len: usize,
    htm: *const c_char,
    htu: *const c_char,
    access_token: *const u8,
    access_token_len: usize,
    nonce: *const c_char,
    max_age_seconds: u64,
    policy: *const c_char,
    jkt_out: *mut *mut c_char,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    let request = DpopRequest {
        htm,
        htu,
        access_token,
        access_token_len,
        nonce,
        max_age_seconds,
        policy,
    };
    dpop_verify(
        Some(store),
        proof,
        proof_len,
        &request,
        jkt_out,
        claims_out,
        err_out,
    )
}

/// The request a DPoP proof is checked against, and the per-call settings.
struct DpopRequest {
    htm: *const c_char,
    htu: *const c_char,
    access_token: *const u8,
    access_token_len: usize,
    nonce: *const c_char,
    max_age_seconds: u64,
    policy: *const c_char,
}

/// `pqj_dpop_verify` and, with `store`, `pqj_dpop_verify_once`.
fn dpop_verify(
    store: Option<*const pqj_replay_store>,
    proof: *const u8,
    proof_len: usize,
    request: &DpopRequest,
    jkt_out: *mut *mut c_char,
    claims_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    let DpopRequest {
        htm,
        htu,
        access_token,
        access_token_len,
        nonce,
        max_age_seconds,
        policy,
    } = *request;
    guard(err_out, || {
        let jkt_out = ptr::out(jkt_out, "jkt_out")?;
        let claims_out = ptr::out(claims_out, "claims_out").ok();
        let proof = crate::token::token_text(proof, proof_len)?;
        let htm = ptr::cstr(htm, "htm")?;
        let htu = ptr::cstr(htu, "htu")?;
        // A clone of the process-wide verifier shares its proof-key cache; the settings below
        // apply to this call only.
        let mut verifier = SHARED_PROOF_KEYS.clone();
        if max_age_seconds != 0 {
            if i64::try_from(max_age_seconds).is_err() {
                return Err(Failure::invalid(
                    "argument `max_age_seconds` is out of range",
                ));
            }
            verifier = verifier.max_age(Duration::from_secs(max_age_seconds));
        }
        if let Some(p) = ptr::opt_cstr(policy, "policy")? {
            verifier = verifier.policy(p.parse::<AlgorithmPolicy>()?);
        }
        if let Some(n) = ptr::opt_cstr(nonce, "nonce")? {
            verifier = verifier.nonce(n);
        }
        if let Some(store) = store {
            verifier = verifier.replay_store(crate::fleet::shared_store(store)?);
        }
        let verified = match opt_token(access_token, access_token_len, "access_token")? {
            None => verifier.verify(proof, htm, htu)?,
            Some(t) => verifier.verify_with_access_token(proof, htm, htu, t)?,
        };
        let claims = match claims_out {
            Some(_) => Some(Value::Object(verified.claims().to_json_object()?).to_string()),
            None => None,
        };
        jkt_out.write_string(verified.jkt().to_owned())?;
        if let (Some(out), Some(claims)) = (claims_out, claims) {
            out.write_string(claims)?;
        }
        Ok(())
    })
}

/// Require verified tokens to be bound to the DPoP key with thumbprint `jkt` (their `cnf.jkt`,
/// RFC 9449 §6.1; pass the `jkt` of `pqj_dpop_verify`). A token without `cnf.jkt` is
/// `PQJ_STATUS_NOT_SENDER_CONSTRAINED`, one bound to another key `PQJ_STATUS_BINDING_MISMATCH`.
///
/// Thread safety: changes `validation`; do not use it from another thread at the same time.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_validation_bind_jkt(
    validation: *mut pqj_validation,
    jkt: *const c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let jkt = ptr::cstr(jkt, "jkt")?.to_owned();
        let v = ptr::box_mut(validation, "validation")?;
        v.inner = v.inner.clone().bound_to_jkt(jkt);
        Ok(())
    })
}

/// Mint a delegated token (RFC 8693 §4.1). `subject_token` (and `actor_token`, NULL and 0 for
/// none) must pass `verifier` (its key set and full validation; make it for tokens addressed
/// to this exchange service). The new token, signed with the private `key`: `iss` = `issuer`,
/// `sub` = the subject token's, `act` = `{"sub": the actor token's sub}` with the subject
/// token's `act` nested inside (without an actor token, the subject's `act` unchanged), `aud`
/// = `audience`, `scope` = `scope` (NULL: the subject's unchanged; it may only narrow), `exp`
/// = now + `ttl_seconds` (0: 300 s or the subject's remaining lifetime if shorter; an explicit
/// TTL past the subject's `exp` is refused). At most 4 nested `act`.
///
/// On success stores the token in `*token_out` (free with `pqj_string_free`).
///
/// Thread safety: safe from any thread; `verifier` and `key` may be shared.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_delegate(
    verifier: *const pqj_verifier,
    subject_token: *const u8,
    subject_token_len: usize,
    actor_token: *const u8,
    actor_token_len: usize,
    key: *const pqj_key,
    issuer: *const c_char,
    audience: *const c_char,
    scope: *const c_char,
    ttl_seconds: u64,
    token_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let out = ptr::out(token_out, "token_out")?;
        let verifier = ptr::arc_ref(verifier, "verifier")?;
        let key = ptr::arc_ref(key, "key")?;
        let subject_token = crate::token::token_text(subject_token, subject_token_len)?;
        let actor_token = opt_token(actor_token, actor_token_len, "actor_token")?;
        let mut delegation = Delegation::new(
            ptr::cstr(issuer, "issuer")?,
            ptr::cstr(audience, "audience")?,
        );
        if let Some(s) = ptr::opt_cstr(scope, "scope")? {
            delegation = delegation.scope(s);
        }
        if ttl_seconds != 0 {
            if i64::try_from(ttl_seconds).is_err() {
                return Err(Failure::invalid("argument `ttl_seconds` is out of range"));
            }
            delegation = delegation.ttl(Duration::from_secs(ttl_seconds));
        }
        let subject = verifier.verify(subject_token, None)?;
        let actor: Option<Verified> = actor_token.map(|t| verifier.verify(t, None)).transpose()?;
        out.write_string(delegation.mint(&subject, actor.as_ref(), key.signing()?)?)
    })
}

/// Verify a delegated token with `verifier`, its chain of actors at most `max_depth` nested
/// `act` deep (a negative value: the default, 4). On success, unless NULL, stores the claims
/// JSON in `*claims_out` and the chain in `*actors_out` as a JSON array of the `act` objects
/// (without their nested `act`), outermost (current actor) first (free both with
/// `pqj_string_free`).
///
/// Thread safety: safe from any number of threads at once on one verifier.
#[unsafe(no_mangle)]
pub extern "C" fn pqj_verify_delegated(
    verifier: *const pqj_verifier,
    token: *const u8,
    token_len: usize,
    max_depth: i32,
    claims_out: *mut *mut c_char,
    actors_out: *mut *mut c_char,
    err_out: *mut *mut pqj_error,
) -> pqj_status {
    guard(err_out, || {
        let claims_out = ptr::out(claims_out, "claims_out").ok();
        let actors_out = ptr::out(actors_out, "actors_out").ok();
        let verifier = ptr::arc_ref(verifier, "verifier")?;
        let token = crate::token::token_text(token, token_len)?;
        let mut policy = DelegationPolicy::new();
        if let Ok(depth) = usize::try_from(max_depth) {
            policy = policy.max_depth(depth);
        }
        let validation = verifier.validation().clone().delegation(policy);
        let (verified, chain): (Verified, ActorChain) =
            verify_delegated(&validation, token, verifier.keyset())?;
        let actors: Vec<Value> = chain
            .actors()
            .iter()
            .map(|a| Value::Object(a.members().clone()))
            .collect();
        let claims = core::str::from_utf8(verified.payload())
            .map_err(|_| Failure::internal("verified payload is not UTF-8"))?
            .to_owned();
        if let Some(out) = claims_out {
            out.write_string(claims)?;
        }
        if let Some(out) = actors_out {
            out.write_string(Value::Array(actors).to_string())?;
        }
        Ok(())
    })
}
