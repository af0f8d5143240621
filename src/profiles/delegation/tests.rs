use serde_json::json;

use super::*;
use crate::alg::Algorithm;
use crate::format::b64;
use crate::jwt::claims::CustomClaims;
use crate::keys::SigningKey;

const NOW: i64 = 1_800_000_000;
const STS: &str = "https://sts.example";

struct World {
    idp: SigningKey,
    sts: SigningKey,
    idp_keys: KeySet,
    sts_keys: KeySet,
}

fn world() -> World {
    let idp = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let sts = SigningKey::generate(Algorithm::MlDsa44).unwrap();
    World {
        idp_keys: KeySet::from_keys([idp.verifying_key().unwrap()]).unwrap(),
        sts_keys: KeySet::from_keys([sts.verifying_key().unwrap()]).unwrap(),
        idp,
        sts,
    }
}

fn clock() -> FixedClock {
    FixedClock::at_secs(NOW)
}

impl World {
    /// A token from the IdP for the STS with these extra claims, verified.
    fn verified(&self, sub: &str, extra: Value, ttl: u64) -> Verified {
        let mut b = TokenBuilder::new()
            .issuer("idp")
            .subject(sub)
            .audience(STS)
            .ttl(Duration::from_secs(ttl))
            .clock(clock());
        if let Value::Object(m) = extra {
            for (k, v) in m {
                b = b.claim(k, v);
            }
        }
        let t = b.sign(&self.idp).unwrap();
        Validation::new()
            .audience(STS)
            .clock(clock())
            .verify_with_keys(&t, &self.idp_keys)
            .unwrap()
    }

    fn mint(
        &self,
        d: Delegation,
        subject: &Verified,
        actor: Option<&Verified>,
    ) -> Result<Value, Error> {
        let t = d.clock(clock()).mint(subject, actor, &self.sts)?;
        let seg = t.split('.').nth(1).unwrap();
        Ok(serde_json::from_slice(&b64::decode(seg).unwrap()).unwrap())
    }
}

fn d() -> Delegation {
    Delegation::new(STS, "https://api.example")
}

#[test]
fn mints_the_nested_chain() {
    let w = world();
    let subject = w.verified(
        "user",
        json!({"scope": "read write admin", "act": {"sub": "agent-a"}}),
        3600,
    );
    let actor = w.verified("agent-b", json!({}), 3600);
    let c = w
        .mint(d().scope("read write"), &subject, Some(&actor))
        .unwrap();
    assert_eq!(c["iss"], STS);
    assert_eq!(c["sub"], "user");
    assert_eq!(c["aud"], "https://api.example");
    assert_eq!(c["scope"], "read write");
    assert_eq!(
        c["act"],
        json!({"sub": "agent-b", "act": {"sub": "agent-a"}})
    );
    assert_eq!(c["iat"], NOW);
    assert_eq!(c["exp"], NOW + 300);
    // Without a requested scope the subject's is kept; without an actor, the subject's act.
    let c = w.mint(d(), &subject, None).unwrap();
    assert_eq!(c["scope"], "read write admin");
    assert_eq!(c["act"], json!({"sub": "agent-a"}));
}

#[test]
fn scope_only_narrows() {
    let w = world();
    let subject = w.verified("user", json!({"scope": "read"}), 3600);
    let err = |e: ProfileError| Err(Error::Profile(e));
    assert_eq!(
        w.mint(d().scope("read write"), &subject, None),
        err(ProfileError::ScopeWidened)
    );
    assert_eq!(
        w.mint(d().scope("admin"), &subject, None),
        err(ProfileError::ScopeWidened)
    );
    assert_eq!(
        w.mint(d().scope("read  read"), &subject, None),
        err(ProfileError::ExchangeRequest)
    );
    let unscoped = w.verified("user", json!({}), 3600);
    assert_eq!(
        w.mint(d().scope("read"), &unscoped, None),
        err(ProfileError::ScopeWidened)
    );
    assert!(w.mint(d(), &unscoped, None).unwrap().get("scope").is_none());
}

#[test]
fn exp_only_comes_earlier() {
    let w = world();
    let short = w.verified("user", json!({}), 100);
    assert_eq!(w.mint(d(), &short, None).unwrap()["exp"], NOW + 100);
    assert_eq!(
        w.mint(d().ttl(Duration::from_secs(50)), &short, None)
            .unwrap()["exp"],
        NOW + 50
    );
    assert_eq!(
        w.mint(d().ttl(Duration::from_secs(101)), &short, None),
        Err(ProfileError::LifetimeExtended.into())
    );
    let long = w.verified("user", json!({}), 3600);
    assert_eq!(
        w.mint(d().ttl(Duration::from_secs(1000)), &long, None)
            .unwrap()["exp"],
        NOW + 1000
    );
}

#[test]
fn chain_depth_at_minting() {
    let w = world();
    let nest = |n: usize| {
        let mut act = Value::Null;
        for i in (0..n).rev() {
            act = if act.is_null() {
                json!({"sub": format!("a{i}")})
            } else {
                json!({"sub": format!("a{i}"), "act": act})
            };
        }
        act
    };
    let actor = w.verified("next", json!({}), 3600);
    let three = w.verified("user", json!({"act": nest(3)}), 3600);
    let c = w.mint(d(), &three, Some(&actor)).unwrap();
    assert_eq!(c["act"]["act"]["act"]["act"]["sub"], "a2");
    let four = w.verified("user", json!({"act": nest(4)}), 3600);
    assert_eq!(
        w.mint(d(), &four, Some(&actor)),
        Err(ProfileError::ChainTooDeep.into())
    );
    assert!(w.mint(d(), &four, None).is_ok());
    assert!(w.mint(d().max_chain_depth(5), &four, Some(&actor)).is_ok());
    assert_eq!(
        w.mint(
            d().max_chain_depth(1),
            &w.verified("u", json!({}), 60),
            Some(&actor)
        )
        .map(|c| c["act"]["sub"].clone()),
        Ok(json!("next"))
    );
    let malformed = w.verified("user", json!({"act": "agent"}), 3600);
    assert_eq!(
        w.mint(d(), &malformed, Some(&actor)),
        Err(ClaimsError::Invalid(ClaimName::Custom("act".into())).into())
    );
}

#[test]
fn may_act_restricts_the_actor() {
    let w = world();
    let subject = w.verified(
        "user",
        json!({"may_act": {"sub": "agent-b", "iss": "idp"}}),
        3600,
    );
    assert!(
        w.mint(d(), &subject, Some(&w.verified("agent-b", json!({}), 60)))
            .is_ok()
    );
    assert_eq!(
        w.mint(d(), &subject, Some(&w.verified("agent-c", json!({}), 60))),
        Err(ProfileError::ActorNotAllowed.into())
    );
}

#[test]
fn verifier_exposes_and_checks_the_chain() {
    let w = world();
    let mk = |act: Value| {
        TokenBuilder::new()
            .subject("user")
            .claim("act", act)
            .clock(clock())
            .sign(&w.sts)
            .unwrap()
    };
    let v = Validation::new().clock(clock());
    let t = mk(json!({"sub": "b", "iss": "x", "act": {"sub": "a"}}));
    let (_, chain) = verify_delegated::<CustomClaims>(&v, &t, &w.sts_keys).unwrap();
    let subs: Vec<&str> = chain.actors().iter().map(Actor::subject).collect();
    assert_eq!(subs, ["b", "a"]);
    assert_eq!(chain.current().unwrap().issuer(), Some("x"));
    assert_eq!(chain.depth(), 2);
    let five = mk(
        json!({"sub":"e","act":{"sub":"d","act":{"sub":"c","act":{"sub":"b","act":{"sub":"a"}}}}}),
    );
    assert_eq!(
        verify_delegated::<CustomClaims>(&v, &five, &w.sts_keys).map(|_| ()),
        Err(ProfileError::ChainTooDeep.into())
    );
    let deep_ok = v.clone().delegation(DelegationPolicy::new().max_depth(5));
    assert!(verify_delegated::<CustomClaims>(&deep_ok, &five, &w.sts_keys).is_ok());
    let shallow = v.clone().delegation(DelegationPolicy::new().max_depth(1));
    assert_eq!(
        shallow
            .verify_with_keys::<CustomClaims>(&t, &w.sts_keys)
            .map(|_| ()),
        Err(ProfileError::ChainTooDeep.into())
    );
    let only_b = v
        .clone()
        .delegation(DelegationPolicy::new().allow_actor("b"));
    assert_eq!(
        only_b
            .verify_with_keys::<CustomClaims>(&t, &w.sts_keys)
            .map(|_| ()),
        Err(ProfileError::ActorNotAllowed.into())
    );
    let both = v.delegation(DelegationPolicy::new().allow_actor("b").allow_actor("a"));
    assert!(
        both.verify_with_keys::<CustomClaims>(&t, &w.sts_keys)
            .is_ok()
    );
    for bad in [
        json!("b"),
        json!({"iss": "x"}),
        json!({"sub": 7}),
        json!({"sub": "b", "act": []}),
    ] {
        assert_eq!(
            verify_delegated::<CustomClaims>(
                &Validation::new().clock(clock()),
                &mk(bad.clone()),
                &w.sts_keys
            )
            .map(|_| ()),
            Err(ClaimsError::Invalid(ClaimName::Custom("act".into())).into()),
            "{bad}"
        );
    }
}
