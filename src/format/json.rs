//! Strict JSON: duplicate member names rejected at every level, nesting depth bounded.
//!
//! `serde_json` keeps the last of duplicate members; JOSE (RFC 7515 §5.2, RFC 8725 §3.9) wants
//! them refused, so headers, claims and JWKs are parsed through [`parse_object`].

use std::borrow::Cow;

use core::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::FormatError;

/// Default maximum nesting depth of header and claims JSON.
pub(crate) const DEFAULT_MAX_DEPTH: usize = 16;

/// Parse `bytes` as one JSON object, rejecting duplicate member names anywhere and nesting deeper
/// than `max_depth` (the top-level object counts as depth 1). `not_object` is the error for input
/// that is not JSON or not an object.
pub(crate) fn parse_object(
    bytes: &[u8],
    max_depth: usize,
    not_object: FormatError,
) -> Result<Map<String, Value>, FormatError> {
    parse_object_split(bytes, max_depth, not_object, &[]).map(|([], rest)| rest)
}

/// [`parse_object`], with the top-level members called `names[i]` taken out into slot `i` as
/// they are parsed (so a header or claims set with well-known members does not build and then
/// search a map for them). The other members are returned as a map. Same strictness: a name
/// that appears twice is a duplicate whether or not it has a slot.
pub(crate) fn parse_object_split<const N: usize>(
    bytes: &[u8],
    max_depth: usize,
    not_object: FormatError,
    names: &[&str; N],
) -> Result<Split<N>, FormatError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = TopLevel {
        names,
        outer: Strict {
            depth_left: max_depth,
        },
    };
    let split = match seed.deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => return Err(classify(&e, not_object)),
    };
    if de.end().is_err() {
        return Err(not_object);
    }
    Ok(split)
}

/// A top-level object split by [`parse_object_split`]: the named members (by slot), the rest.
pub(crate) type Split<const N: usize> = ([Option<Value>; N], Map<String, Value>);

/// The top-level object: its members split into named slots and the rest.
struct TopLevel<'a, const N: usize> {
    names: &'a [&'a str; N],
    /// The depth budget, the object itself included.
    outer: Strict,
}

impl<'de, const N: usize> DeserializeSeed<'de> for TopLevel<'_, N> {
    type Value = Split<N>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for TopLevel<'_, N> {
    type Value = Split<N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let inner = self.outer.nested()?;
        let mut slots: [Option<Value>; N] = [const { None }; N];
        let mut rest = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let slot = self
                .names
                .iter()
                .position(|n| *n == key.as_ref())
                .and_then(|i| slots.get_mut(i));
            match slot {
                Some(slot) => {
                    if slot.is_some() {
                        return Err(de::Error::custom(DUPLICATE));
                    }
                    *slot = Some(map.next_value_seed(inner)?);
                }
                None => insert_unique(&mut rest, key.into_owned(), &mut map, inner)?,
            }
        }
        Ok((slots, rest))
    }
}

/// A member name, borrowed from the input where it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Parse the next member value into `out` under `key`, refusing a name already present.
fn insert_unique<'de, A: MapAccess<'de>>(
    out: &mut Map<String, Value>,
    key: String,
    map: &mut A,
    seed: Strict,
) -> Result<(), A::Error> {
    match out.entry(key) {
        serde_json::map::Entry::Occupied(_) => Err(de::Error::custom(DUPLICATE)),
        serde_json::map::Entry::Vacant(slot) => {
            slot.insert(map.next_value_seed(seed)?);
            Ok(())
        }
    }
}

const DUPLICATE: &str = "pqjose:duplicate-member";
const TOO_DEEP: &str = "pqjose:too-deep";

fn classify(e: &serde_json::Error, fallback: FormatError) -> FormatError {
    let msg = e.to_string();
    if msg.starts_with(DUPLICATE) {
        FormatError::DuplicateMember
    } else if msg.starts_with(TOO_DEEP) || msg.starts_with("recursion limit exceeded") {
        FormatError::TooDeep
    } else {
        fallback
    }
}

#[derive(Clone, Copy)]
struct Strict {
    depth_left: usize,
}

impl Strict {
    fn nested<E: de::Error>(self) -> Result<Strict, E> {
        self.depth_left
            .checked_sub(1)
            .map(|depth_left| Strict { depth_left })
            .ok_or_else(|| E::custom(TOO_DEEP))
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Non-finite numbers cannot come from JSON text; keep the value as a number.
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            insert_unique(&mut out, key, &mut map, inner)?;
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOT: FormatError = FormatError::PayloadJson;

    #[test]
    fn accepts_objects() {
        let m = parse_object(br#"{"a":1,"b":{"c":[1,2,{"d":null}]}}"#, 16, NOT).unwrap();
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        for s in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":{"b":1,"b":1}}"#,
            r#"{"a":[{"x":1,"x":2}]}"#,
            r#"{"exp":1,"exp":1}"#,
        ] {
            assert_eq!(
                parse_object(s.as_bytes(), 16, NOT),
                Err(FormatError::DuplicateMember),
                "{s}"
            );
        }
    }

    #[test]
    fn rejects_non_objects_and_trailing_data() {
        for s in ["[1]", "1", "\"x\"", "null", "{} {}", "{", "", "{\"a\":1}x"] {
            assert_eq!(parse_object(s.as_bytes(), 16, NOT), Err(NOT), "{s}");
        }
    }

    #[test]
    fn split_takes_named_members_out() {
        let names = ["alg", "kid"];
        let (slots, rest) = parse_object_split(
            br#"{"kid":"k","x":{"alg":1},"alg":"ES256"}"#,
            16,
            NOT,
            &names,
        )
        .unwrap();
        assert_eq!(slots, [Some(Value::from("ES256")), Some(Value::from("k"))]);
        assert_eq!(rest.len(), 1);
        assert!(rest.contains_key("x"));
        let (slots, rest) = parse_object_split(br#"{"y":true}"#, 16, NOT, &names).unwrap();
        assert_eq!(slots, [None, None]);
        assert_eq!(rest.len(), 1);
    }

    #[test]
    fn split_agrees_with_the_plain_parse() {
        // Duplicates are duplicates whether or not the name has a slot, escaped or not; the
        // rest is the plain map without the named members; errors are the same.
        let names = ["alg", "b"];
        for s in [
            r#"{"alg":1,"alg":2}"#,
            r#"{"alg":1,"\u0061lg":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"b":[1,{"c":2,"c":3}]}"#,
            r#"{"alg":{"x":{"y":{"z":1}}}}"#,
            r#"{"\u0062":"escaped b","c":[]}"#,
            r#"{}"#,
            r#"[]"#,
            r#"{"a":1} x"#,
            "{\"alg\":\"\u{e9}\"}",
        ] {
            let plain = parse_object(s.as_bytes(), 3, NOT);
            let split = parse_object_split(s.as_bytes(), 3, NOT, &names);
            match (plain, split) {
                (Ok(mut plain), Ok((slots, rest))) => {
                    for (name, slot) in names.iter().zip(slots) {
                        assert_eq!(plain.remove(*name), slot, "{s}");
                    }
                    assert_eq!(plain, rest, "{s}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{s}"),
                (a, b) => panic!("{s}: plain {a:?}, split {b:?}"),
            }
        }
    }

    #[test]
    fn bounds_depth() {
        let ok = format!("{}{}", "{\"a\":".repeat(3), "1}}}");
        assert!(parse_object(ok.as_bytes(), 3, NOT).is_ok());
        let deep = format!("{}1{}", "{\"a\":".repeat(4), "}".repeat(4));
        assert_eq!(
            parse_object(deep.as_bytes(), 3, NOT),
            Err(FormatError::TooDeep)
        );
        let very_deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let wrapped = format!("{{\"a\":{very_deep}}}");
        assert_eq!(
            parse_object(wrapped.as_bytes(), 16, NOT),
            Err(FormatError::TooDeep)
        );
    }
}
