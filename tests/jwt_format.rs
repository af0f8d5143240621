//! Structural attacks on JWTs: each is refused, with the error naming what is wrong, whether the
//! token is verified with one key or against a key set.

mod jwt_support;

use jwt_support::*;
use pqjose::jws::Limits;
use pqjose::{
    Algorithm, AlgorithmError, CustomClaims, Error, FormatError, KeySet, Validation, dangerous,
};

fn fmt(e: FormatError) -> Error {
    Error::Format(e)
}

/// Verify with the key alone and through a key set holding it; both must agree.
fn check(k: &TestKey, token: &str) -> Result<(), Error> {
    let v = validation();
    let single = v.verify::<CustomClaims>(token, &*k.verifier).map(drop);
    let set = KeySet::new();
    set.add_verifier(k.verifier.clone()).unwrap();
    let via_set = v.verify_with_keys::<CustomClaims>(token, &set).map(drop);
    assert_eq!(single, via_set, "single key and key set disagree");
    single
}

fn mldsa() -> TestKey {
    key(Algorithm::MlDsa65, "k1")
}

#[test]
fn baseline_token_verifies() {
    let k = mldsa();
    let token = forge(
        &*k.signer,
        &header_for(&*k.signer, ""),
        payload("").as_bytes(),
    );
    assert_eq!(check(&k, &token), Ok(()));
    let built = builder().sign(&*k.signer).unwrap();
    assert_eq!(check(&k, &built), Ok(()));
}

#[test]
fn alg_none_in_any_case() {
    let k = mldsa();
    let body = b64(payload("").as_bytes());
    for none in ["none", "None", "NONE", "nOnE"] {
        let head = b64(format!(r#"{{"alg":"{none}"}}"#).as_bytes());
        // Unsecured (empty signature) and with some signature bytes.
        for token in [
            format!("{head}.{body}."),
            sign_segments(&*k.signer, &head, &body),
        ] {
            assert_eq!(
                check(&k, &token),
                Err(AlgorithmError::None.into()),
                "{none}"
            );
        }
    }
}

#[test]
fn embedded_and_remote_keys_are_refused() {
    let k = mldsa();
    for member in [
        r#""jwk":{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
        r#""jku":"https://attacker.example/jwks.json""#,
        r#""x5u":"https://attacker.example/cert.pem""#,
        r#""x5c":["MIIB"]"#,
    ] {
        let token = forge(
            &*k.signer,
            &header_for(&*k.signer, member),
            payload("").as_bytes(),
        );
        assert_eq!(
            check(&k, &token),
            Err(fmt(FormatError::EmbeddedKey)),
            "{member}"
        );
    }
}

#[test]
fn unknown_crit_and_unencoded_payload() {
    let k = mldsa();
    for (member, err) in [
        (
            r#""crit":["exp"],"exp":1"#,
            FormatError::UnsupportedCritical,
        ),
        (r#""crit":["x-unknown"]"#, FormatError::UnsupportedCritical),
        (r#""crit":[]"#, FormatError::UnsupportedCritical),
        (r#""b64":false"#, FormatError::UnencodedPayload),
        (
            r#""b64":false,"crit":["b64"]"#,
            FormatError::UnsupportedCritical,
        ),
        (r#""b64":"false""#, FormatError::UnencodedPayload),
    ] {
        let token = forge(
            &*k.signer,
            &header_for(&*k.signer, member),
            payload("").as_bytes(),
        );
        assert_eq!(check(&k, &token), Err(fmt(err)), "{member}");
    }
}

/// A variant of a canonical base64url segment with the same bits in the used positions but a
/// set unused trailing bit (lenient decoders accept it).
fn non_canonical(seg: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if seg.len().is_multiple_of(4) {
        return None;
    }
    let last = *seg.as_bytes().last()?;
    let idx = ALPHABET.iter().position(|&c| c == last)?;
    let mut out = seg[..seg.len() - 1].to_owned();
    out.push(ALPHABET[idx + 1] as char);
    Some(out)
}

#[test]
fn strict_base64url_in_every_segment() {
    let k = mldsa();
    // Lengths chosen so no segment is a multiple of 4 characters.
    let header = header_for(&*k.signer, r#""typ":"JWT""#);
    let mut body = payload("");
    while b64(body.as_bytes()).len().is_multiple_of(4) {
        body.insert(1, ' ');
    }
    let mut header = header;
    while b64(header.as_bytes()).len().is_multiple_of(4) {
        header.insert(1, ' ');
    }
    let (h, p) = (b64(header.as_bytes()), b64(body.as_bytes()));
    let good = sign_segments(&*k.signer, &h, &p);
    assert_eq!(check(&k, &good), Ok(()));
    let sig = good.rsplit('.').next().unwrap().to_owned();

    let variants = |seg: &str| -> Vec<String> {
        let mid = seg.len() / 2;
        let mut v = vec![
            format!("{seg}="),
            format!("{seg}=="),
            format!("{} {}", &seg[..mid], &seg[mid..]),
            format!("{}\n{}", &seg[..mid], &seg[mid..]),
            format!("{seg}\t"),
            format!("{}+{}", &seg[..mid], &seg[mid + 1..]),
            format!("{}/{}", &seg[..mid], &seg[mid + 1..]),
            format!("{}%{}", &seg[..mid], &seg[mid + 1..]),
        ];
        v.extend(non_canonical(seg));
        v
    };
    // Whitespace anywhere in a compact token is named as such, before any segment is decoded.
    let or_whitespace = |bad: &str, otherwise: FormatError| {
        if bad.bytes().any(|b| b.is_ascii_whitespace()) {
            FormatError::Whitespace
        } else {
            otherwise
        }
    };
    for bad in variants(&h) {
        // Even correctly signed over the altered text, the header is refused.
        let token = sign_segments(&*k.signer, &bad, &p);
        assert_eq!(
            check(&k, &token),
            Err(fmt(or_whitespace(&bad, FormatError::Base64))),
            "header {bad:?}"
        );
    }
    for bad in variants(&p) {
        let token = sign_segments(&*k.signer, &h, &bad);
        assert_eq!(
            check(&k, &token),
            Err(fmt(or_whitespace(&bad, FormatError::Base64))),
            "payload {bad:?}"
        );
    }
    // A real signature may already be as long as the algorithm allows: a longer variant is
    // then refused by the size check, before any decoding.
    let max_sig_chars = (k.signer.algorithm().max_signature_len() * 4).div_ceil(3);
    for bad in variants(&sig) {
        let token = format!("{h}.{p}.{bad}");
        let expected = if bad.len() > max_sig_chars {
            FormatError::SignatureLength
        } else {
            FormatError::Base64
        };
        let expected = or_whitespace(&bad, expected);
        assert_eq!(
            check(&k, &token),
            Err(fmt(expected)),
            "signature {bad:.20?}"
        );
    }
}

#[test]
fn exactly_three_segments() {
    let k = mldsa();
    let good = builder().sign(&*k.signer).unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    for token in [
        String::new(),
        h.to_owned(),
        format!("{h}.{p}"),
        format!("{h}.{p}.{s}.{s}"),
        format!("{h}.{p}.{s}.{p}.{s}"),
        format!("{h}.{p}.{s}."),
        format!(".{h}.{p}.{s}"),
        "..".to_owned() + ".",
    ] {
        assert_eq!(
            check(&k, &token),
            Err(fmt(FormatError::SegmentCount)),
            "{token:.40}"
        );
    }
}

#[test]
fn oversized_token_and_header_refused_before_decoding() {
    let k = mldsa();
    // Not even base64: the size check comes first.
    let huge = format!(
        "{}.{}.{}",
        "!".repeat(10),
        "!".repeat(200_000),
        "!".repeat(10)
    );
    assert_eq!(check(&k, &huge), Err(fmt(FormatError::TooLarge)));
    let big_header = format!("{}.e30.AAAA", "!".repeat(6_000));
    assert_eq!(
        check(&k, &big_header),
        Err(fmt(FormatError::HeaderTooLarge))
    );
    let big_payload = format!("e30.{}.AAAA", "!".repeat(90_000));
    assert_eq!(
        check(&k, &big_payload),
        Err(fmt(FormatError::PayloadTooLarge))
    );
    let big_sig = format!("e30.e30.{}", "A".repeat(5_000));
    assert_eq!(check(&k, &big_sig), Err(fmt(FormatError::SignatureLength)));

    // A correctly signed token over configured limits.
    let token = builder()
        .claim("blob", "x".repeat(2_000))
        .sign(&*k.signer)
        .unwrap();
    let tight = validation().limits(Limits::new().max_payload_len(1_000));
    assert_eq!(
        tight.verify::<CustomClaims>(&token, &*k.verifier).map(drop),
        Err(fmt(FormatError::PayloadTooLarge))
    );
    let tight = validation().limits(Limits::new().max_token_len(500));
    assert_eq!(
        tight.verify::<CustomClaims>(&token, &*k.verifier).map(drop),
        Err(fmt(FormatError::TooLarge))
    );
    let header = header_for(&*k.signer, &format!(r#""pad":"{}""#, "x".repeat(300)));
    let token = forge(&*k.signer, &header, payload("").as_bytes());
    let tight = validation().limits(Limits::new().max_header_len(256));
    assert_eq!(
        tight.verify::<CustomClaims>(&token, &*k.verifier).map(drop),
        Err(fmt(FormatError::HeaderTooLarge))
    );
}

#[test]
fn deep_json_nesting() {
    let k = mldsa();
    let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    // 20 levels: parsed and refused for depth; 100 000 levels: refused for size, unparsed.
    for (n, err) in [(20, FormatError::TooDeep), (100_000, FormatError::TooLarge)] {
        let deep = format!(r#""deep":{}"#, nest(n));
        let header = header_for(&*k.signer, &deep);
        let token = forge(&*k.signer, &header, payload("").as_bytes());
        assert_eq!(check(&k, &token), Err(fmt(err)), "header depth {n}");
        let body = payload(&deep);
        let token = forge(&*k.signer, &header_for(&*k.signer, ""), body.as_bytes());
        assert_eq!(check(&k, &token), Err(fmt(err)), "payload depth {n}");
    }
    // Deep within the payload limit, and under a tighter depth limit.
    let body = payload(&format!(r#""deep":{}"#, nest(30_000)));
    let token = forge(&*k.signer, &header_for(&*k.signer, ""), body.as_bytes());
    assert_eq!(check(&k, &token), Err(fmt(FormatError::TooDeep)));
    let token = forge(
        &*k.signer,
        &header_for(&*k.signer, ""),
        payload(r#""a":{"b":{"c":1}}"#).as_bytes(),
    );
    assert_eq!(check(&k, &token), Ok(()));
    let shallow = validation().limits(Limits::new().max_depth(2));
    assert_eq!(
        shallow
            .verify::<CustomClaims>(&token, &*k.verifier)
            .map(drop),
        Err(fmt(FormatError::TooDeep))
    );
}

#[test]
fn duplicate_members() {
    let k = mldsa();
    let dup_exp = format!(r#"{{"exp":{},"exp":{}}}"#, NOW + 300, NOW + 300);
    let dup_late = format!(r#"{{"exp":1,"exp":{}}}"#, NOW + 300);
    let nested = payload(r#""ctx":{"scope":"a","scope":"b"}"#);
    for body in [dup_exp, dup_late, nested] {
        let token = forge(&*k.signer, &header_for(&*k.signer, ""), body.as_bytes());
        assert_eq!(
            check(&k, &token),
            Err(fmt(FormatError::DuplicateMember)),
            "{body}"
        );
    }
    let alg = k.signer.algorithm().as_str();
    for header in [
        format!(r#"{{"alg":"{alg}","alg":"{alg}"}}"#),
        format!(r#"{{"alg":"{alg}","alg":"HS256"}}"#),
        format!(r#"{{"alg":"{alg}","kid":"k1","kid":"k2"}}"#),
    ] {
        let token = forge(&*k.signer, &header, payload("").as_bytes());
        assert_eq!(
            check(&k, &token),
            Err(fmt(FormatError::DuplicateMember)),
            "{header}"
        );
    }
}

#[test]
fn payload_must_be_a_utf8_json_object() {
    let k = mldsa();
    let cases: &[(&[u8], FormatError)] = &[
        (b"[1,2,3]", FormatError::PayloadJson),
        (b"\"claims\"", FormatError::PayloadJson),
        (b"null", FormatError::PayloadJson),
        (b"hello world", FormatError::PayloadJson),
        (b"", FormatError::PayloadJson),
        (b"{\"exp\":1} {}", FormatError::PayloadJson),
        (b"{\"sub\":\"\xc3\x28\"}", FormatError::PayloadUtf8),
        (b"\xff\xfe{}", FormatError::PayloadUtf8),
    ];
    for (body, err) in cases {
        let token = forge(&*k.signer, &header_for(&*k.signer, ""), body);
        assert_eq!(check(&k, &token), Err(fmt(*err)), "{body:?}");
    }
}

#[test]
fn kid_is_never_interpreted() {
    let k = mldsa();
    let set = KeySet::new();
    set.add_verifier(k.verifier.clone()).unwrap();
    let v = validation();
    for kid in [
        "../k1",
        "../../../../etc/passwd",
        "k1/../k1",
        "k1?x=1",
        "K1",
        "k1 ",
        "k1\u{0}",
        "%6b1",
        "file:///k1",
    ] {
        let header = format!(
            r#"{{"alg":"{}","kid":{}}}"#,
            k.signer.algorithm(),
            serde_json::Value::from(kid)
        );
        let token = forge(&*k.signer, &header, payload("").as_bytes());
        assert_eq!(
            v.verify_with_keys::<CustomClaims>(&token, &set).map(drop),
            Err(Error::KeyNotFound),
            "{kid:?}"
        );
    }
    for (len, err) in [
        (257, FormatError::HeaderMember),
        (5_000, FormatError::HeaderTooLarge),
    ] {
        let header = format!(
            r#"{{"alg":"{}","kid":"{}"}}"#,
            k.signer.algorithm(),
            "a".repeat(len)
        );
        let token = forge(&*k.signer, &header, payload("").as_bytes());
        assert_eq!(check(&k, &token), Err(fmt(err)), "kid of {len} bytes");
    }
}

#[test]
fn dangerous_decode_reads_but_never_trusts() {
    let k = mldsa();
    let token = builder()
        .issuer("https://issuer.example")
        .claim("task", "t-1")
        .sign(&*k.signer)
        .unwrap();
    let u = dangerous::decode_unverified(&token).unwrap();
    assert_eq!(u.header().alg(), k.signer.algorithm());
    assert_eq!(u.header().kid(), Some("k1"));
    assert_eq!(u.claims_json().unwrap()["task"], "t-1");
    let typed = u.claims::<CustomClaims>().unwrap();
    assert_eq!(typed.issuer(), Some("https://issuer.example"));
    assert_eq!(u.token_len(), token.len());
    assert!(!u.signature().is_empty());

    // A tampered token still decodes (nothing is verified) ...
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'Q' } else { 'A' });
    let _ = dangerous::decode_unverified(&tampered);
    // ... but the structural rules hold.
    let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}"));
    assert_eq!(
        dangerous::decode_unverified(&none),
        Err(AlgorithmError::None.into())
    );
    assert_eq!(
        dangerous::decode_unverified("a.b"),
        Err(fmt(FormatError::SegmentCount))
    );
    let array = forge(&*k.signer, &header_for(&*k.signer, ""), b"[1]");
    let u = dangerous::decode_unverified(&array).unwrap();
    assert_eq!(u.claims_json(), Err(fmt(FormatError::PayloadJson)));
    let bad_exp = forge(
        &*k.signer,
        &header_for(&*k.signer, ""),
        br#"{"exp":"soon"}"#,
    );
    let u = dangerous::decode_unverified(&bad_exp).unwrap();
    assert!(u.claims_json().is_ok());
    assert!(u.claims::<CustomClaims>().is_err());
    // The verifier refuses what `dangerous` shows.
    assert!(
        Validation::new()
            .verify::<CustomClaims>(&bad_exp, &*k.verifier)
            .is_err()
    );
}
