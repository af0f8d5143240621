use super::*;

const GT: &str = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
const JWT: &str = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt";

fn form(extra: &str) -> String {
    format!("{GT}&subject_token=a.b.c&subject_token_type={JWT}{extra}")
}

#[test]
fn parses_the_rfc_example_shape() {
    let r = TokenExchangeRequest::from_form(&form(
        "&actor_token=d.e.f&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token\
         &scope=read+write&resource=https%3A%2F%2Fbackend.example.com%2Fapi&audience=a&audience=b&client_id=ignored&x=",
    ))
    .unwrap();
    assert_eq!(r.subject_token(), "a.b.c");
    assert_eq!(r.actor_token(), Some("d.e.f"));
    assert_eq!(r.actor_token_type(), Some(&TokenType::AccessToken));
    assert_eq!(r.scope(), Some("read write"));
    assert_eq!(r.resources(), ["https://backend.example.com/api"]);
    assert_eq!(r.audiences(), ["a", "b"]);
    assert_eq!(TokenExchangeRequest::from_form(&r.to_form()).unwrap(), r);
    assert!(!format!("{r:?}").contains("a.b.c"));
}

#[test]
fn refuses_malformed_requests() {
    let req = Error::Profile(ProfileError::ExchangeRequest);
    for (body, err) in [
        (form("&subject_token=again"), req.clone()),
        (form("&actor_token=x"), req.clone()),
        (form(&format!("&actor_token_type={JWT}")), req.clone()),
        (form("&scope=a++b"), req.clone()),
        (form("&scope=a%22b"), req.clone()),
        (form("&resource=relative%2Fpath"), req.clone()),
        (form("&resource=https%3A%2F%2Fx%23frag"), req.clone()),
        (form("&scope=%zz"), req.clone()),
        (form("&scope=%C3"), req.clone()),
        (form("&=x"), req.clone()),
        (form("&subject_token_type=not%20a%20uri"), req.clone()),
        (
            format!("subject_token=a&subject_token_type={JWT}"),
            req.clone(),
        ),
        (format!("{GT}&subject_token_type={JWT}"), req.clone()),
        (
            format!("grant_type=client_credentials&subject_token=a&subject_token_type={JWT}"),
            ProfileError::ExchangeGrantType.into(),
        ),
    ] {
        assert_eq!(TokenExchangeRequest::from_form(&body), Err(err), "{body}");
    }
}

#[test]
fn responses_round_trip_and_parse_strictly() {
    let r = TokenExchangeResponse::new("t.o.k", TokenType::AccessToken, "N_A")
        .with_expires_in(60)
        .with_scope("read");
    assert_eq!(TokenExchangeResponse::from_json(&r.to_json()).unwrap(), r);
    let ok = r#"{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:token-type:jwt","token_type":"Bearer","other":1}"#;
    assert!(TokenExchangeResponse::from_json(ok).is_ok());
    for bad in [
        r#"{"access_token":"x","token_type":"Bearer"}"#,
        r#"{"access_token":"x","access_token":"y","issued_token_type":"urn:x","token_type":"Bearer"}"#,
        r#"{"access_token":"x","issued_token_type":"urn:x","token_type":"Bearer","expires_in":-1}"#,
        r#"{"access_token":7,"issued_token_type":"urn:x","token_type":"Bearer"}"#,
        "[]",
    ] {
        assert_eq!(
            TokenExchangeResponse::from_json(bad),
            Err(ProfileError::ExchangeResponse.into()),
            "{bad}"
        );
    }
}
