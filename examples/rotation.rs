//! Key rotation without downtime: publish the new key, keep the old one verifying for an
//! overlap, then let it lapse and purge it. Time is a `FixedClock` moved by hand.
//!
//! Run: `cargo run --example rotation`

use std::sync::Arc;
use std::time::Duration;

use pqjose::{
    Algorithm, Clock, CustomClaims, Error, FixedClock, KeySet, SigningKey, TokenBuilder, Validation,
};

const ISSUER: &str = "https://issuer.example";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = Arc::new(FixedClock::at_secs(1_900_000_000));
    let builder = TokenBuilder::new()
        .issuer(ISSUER)
        .ttl(Duration::from_secs(3600))
        .clock(Arc::clone(&clock));
    let validation = Validation::pqc_only()
        .issuer(ISSUER)
        .clock(Arc::clone(&clock));

    let old = SigningKey::generate(Algorithm::MlDsa65)?.with_kid("2026-01")?;
    let keys = KeySet::new();
    keys.add(old.verifying_key()?)?;
    let old_token = builder.sign(&old)?;

    // Rotate: publish the new key, and keep the old one for a ten-minute overlap (tokens already
    // issued with it keep working; new ones are signed with the new key).
    let new = SigningKey::generate(Algorithm::MlDsa65)?.with_kid("2026-02")?;
    keys.add(new.verifying_key()?)?;
    let overlap_end = clock
        .now()
        .checked_add(Duration::from_secs(600))
        .ok_or("time out of range")?;
    keys.retire(old.kid(), Some(overlap_end))?;
    let new_token = builder.sign(&new)?;
    print_keys("after rotation", &keys);

    clock.advance(Duration::from_secs(300));
    validation.verify_with_keys::<CustomClaims>(&old_token, &keys)?;
    validation.verify_with_keys::<CustomClaims>(&new_token, &keys)?;
    println!("t+5 min: tokens from both keys verify");

    clock.advance(Duration::from_secs(360));
    let late = validation.verify_with_keys::<CustomClaims>(&old_token, &keys);
    assert_eq!(late.map(drop), Err(Error::KeyNotFound));
    validation.verify_with_keys::<CustomClaims>(&new_token, &keys)?;
    println!("t+11 min: the old key's token is refused (key not found), the new key's verifies");

    let purged = keys.purge_retired(clock.now());
    println!("purged {purged} key");
    print_keys("after purge", &keys);

    // A compromised key is stopped at once: retire it without an overlap.
    keys.retire(new.kid(), None)?;
    assert_eq!(
        validation
            .verify_with_keys::<CustomClaims>(&new_token, &keys)
            .map(drop),
        Err(Error::KeyNotFound)
    );
    println!("emergency: 2026-02 retired at once; its tokens are refused");
    Ok(())
}

fn print_keys(when: &str, keys: &KeySet) {
    let published = keys.to_public_jwk_set();
    println!("{when}: {} key(s) published", published.keys().len());
    for k in keys.keys() {
        println!("  kid {:?} {} {:?}", k.kid, k.alg, k.status);
    }
}

#[test]
fn example_runs() {
    main().unwrap();
}
