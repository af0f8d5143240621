//! Claims parsing and checking: the input is a JWT payload, genuinely signed with the fixed
//! HMAC key so that it reaches the claim checks, and a claims object for `TokenBuilder`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::jws::{self, Limits};
use pqjose::{CustomClaims, FixedClock, Header, TokenBuilder, dangerous};
use pqjose_fuzz::check_error;
use pqjose_fuzz::jwt::{NOW, check_verified, fixture};

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    if data.len() > Limits::default().payload_len() {
        return;
    }
    // 1. Arbitrary payload bytes under a valid signature: the claim checks see attacker JSON.
    let header = Header::new(pqjose::Algorithm::Hs256)
        .with_kid("hs256")
        .with_typ("JWT");
    let token = jws::sign(&f.hmac, &header, data).expect("HMAC signing");
    for (i, policy) in f.policies.iter().enumerate() {
        match policy.verify_with_keys::<CustomClaims>(&token, &f.keys) {
            Ok(v) => {
                check_verified(&v, i);
                assert_eq!(v.payload(), data);
            }
            Err(e) => check_error(&e),
        }
        match policy.verify::<CustomClaims>(&token, &f.hmac_public) {
            Ok(v) => check_verified(&v, i),
            Err(e) => check_error(&e),
        }
    }
    if let Ok(d) = dangerous::decode_unverified(&token) {
        assert_eq!(d.payload(), data);
        let _ = d.claims::<CustomClaims>();
    }

    // 2. The same bytes as a claims object for the builder: what it signs must parse back
    //    with the same registered claims.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(builder) = TokenBuilder::from_claims_json(text) else {
        return;
    };
    match builder.clock(FixedClock::at_secs(NOW)).sign(&f.hmac) {
        Ok(token) => {
            let d = dangerous::decode_unverified(&token).expect("built token decodes");
            let c = d
                .claims::<CustomClaims>()
                .expect("built token's claims parse");
            // Registered claims given in the input are signed as given.
            let input: CustomClaims = serde_json::from_str(text).expect("builder accepted it");
            let given = |name: &str| input.get(name).and_then(|v| v.as_str());
            for (name, got) in [
                ("iss", c.issuer()),
                ("sub", c.subject()),
                ("jti", c.jwt_id()),
            ] {
                if let Some(want) = given(name) {
                    assert_eq!(got, Some(want), "{name} changed by the builder");
                }
            }
            if let Some(exp) = input.get("exp").and_then(|v| v.as_i64()) {
                assert_eq!(c.expires_at().map(|e| e.as_secs()), Some(exp));
            }
            if let Ok(v) = f.policies[0].verify::<CustomClaims>(&token, &f.hmac_public) {
                check_verified(&v, 0);
            }
        }
        Err(e) => check_error(&e),
    }
});
