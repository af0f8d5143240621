//! Delegated-token verification (`delegation::verify_delegated`, RFC 8693 `act` chains) of
//! arbitrary text against the fixed key set (with the accept-anything verifiers, kid `any`, so
//! the chain checks are reached without forging signatures), with the default chain policy and a strict one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::delegation::{DEFAULT_MAX_CHAIN_DEPTH, DelegationPolicy, verify_delegated};
use pqjose::{CustomClaims, FixedClock, Validation};
use pqjose_fuzz::check_error;
use pqjose_fuzz::jwt::fixture;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = Validation::new()
        .clock(FixedClock::at_secs(1_700_000_000))
        .allow_missing_exp()
        .allow_unexpected_audience();
    let strict = lenient
        .clone()
        .delegation(DelegationPolicy::new().max_depth(2).allow_actor("agent-b"));
    for (v, max) in [(&lenient, DEFAULT_MAX_CHAIN_DEPTH), (&strict, 2)] {
        match verify_delegated::<CustomClaims>(v, token, &fixture().keys) {
            Ok((_, chain)) => {
                assert!(chain.depth() <= max);
                assert_eq!(chain.current(), chain.actors().first());
                if max == 2 {
                    assert!(chain.actors().iter().all(|a| a.subject() == "agent-b"));
                }
            }
            Err(e) => check_error(&e),
        }
    }
});
