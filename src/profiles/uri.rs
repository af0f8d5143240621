//! `htu` handling (RFC 9449 §4.3 check 9): an absolute `http`/`https` URI, without query and
//! fragment, normalized by RFC 3986 §6.2.2 (case, percent-encoding, dot segments) and §6.2.3
//! (default port, empty path). Only what a proof needs; userinfo is refused (RFC 9110 §4.2.4).

use crate::error::{Error, ProfileError};

/// A URI split for `htu`: its normalized form without query and fragment, and whether it had
/// either.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Htu {
    pub(crate) normalized: String,
    pub(crate) had_query_or_fragment: bool,
}

fn bad() -> Error {
    ProfileError::InvalidUri.into()
}

/// The part of `uri` before any `?` or `#`, unchanged (what a proof puts in `htu`, §4.2), after
/// checking that the whole URI normalizes.
pub(crate) fn strip(uri: &str) -> Result<&str, Error> {
    parse(uri)?;
    let end = uri.find(['?', '#']).unwrap_or(uri.len());
    uri.get(..end).ok_or_else(bad)
}

/// Parse and normalize `uri`.
pub(crate) fn parse(uri: &str) -> Result<Htu, Error> {
    if uri.is_empty() || uri.len() > 8 * 1024 || !uri.bytes().all(is_uri_char) {
        return Err(bad());
    }
    let (scheme_text, rest) = uri.split_once("://").ok_or_else(bad)?;
    let scheme = scheme_text.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(bad()),
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let had_query_or_fragment = end < rest.len();
    let hier = rest.get(..end).ok_or_else(bad)?;
    let path_start = hier.find('/').unwrap_or(hier.len());
    let (authority, path) = hier.split_at(path_start);
    if authority.contains('@') || authority.is_empty() {
        return Err(bad());
    }
    let (host, port) = split_host_port(authority)?;
    if host.is_empty() {
        return Err(bad());
    }
    // The usual case: lower-case scheme and host, no port, no percent-escape, a path without
    // dot segments. Such a URI is its own normal form (checked against the rules in debug
    // builds).
    let already_normal = scheme_text == scheme
        && !hier.contains('%')
        && !authority.contains(':')
        && !authority.bytes().any(|b| b.is_ascii_uppercase())
        && path.starts_with('/')
        && !path
            .split('/')
            .any(|segment| segment == "." || segment == "..");
    let normalized = if already_normal {
        let normal = format!("{scheme}://{hier}");
        debug_assert_eq!(
            Ok(&normal),
            normalize(&scheme, host, port, default_port, path).as_ref()
        );
        normal
    } else {
        normalize(&scheme, host, port, default_port, path)?
    };
    Ok(Htu {
        normalized,
        had_query_or_fragment,
    })
}

/// RFC 3986 §6.2.2 and §6.2.3 for the parts of an `http(s)` URI.
fn normalize(
    scheme: &str,
    host: &str,
    port: Option<u16>,
    default_port: u16,
    path: &str,
) -> Result<String, Error> {
    let mut out = String::with_capacity(scheme.len() + 3 + host.len() + path.len() + 6);
    out.push_str(scheme);
    out.push_str("://");
    out.push_str(&percent_normalize(host)?.to_ascii_lowercase());
    if let Some(port) = port
        && port != default_port
    {
        out.push(':');
        out.push_str(&port.to_string());
    }
    let path = percent_normalize(path)?;
    if path.is_empty() {
        out.push('/');
    } else {
        out.push_str(&remove_dot_segments(&path));
    }
    Ok(out)
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), Error> {
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']').ok_or_else(bad)?;
        let (host, rest) = authority.split_at(close + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let literal = host.starts_with('[');
    let inner = if literal {
        host.get(1..host.len() - 1)
    } else {
        Some(host)
    };
    if inner.is_none_or(|h| {
        h.bytes().any(|b| b":[]".contains(&b) && !literal) || h.contains(['[', ']'])
    }) {
        return Err(bad());
    }
    let port = match port {
        None | Some("") => None,
        Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| bad())?)
        }
        Some(_) => return Err(bad()),
    };
    Ok((host, port))
}

/// RFC 3986 characters (unreserved, reserved, `%`).
fn is_uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// Percent-escapes checked, those of unreserved characters decoded, the rest upper-cased.
fn percent_normalize(s: &str) -> Result<String, Error> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                return Err(bad());
            };
            let (Some(hv), Some(lv)) = (hex(h), hex(l)) else {
                return Err(bad());
            };
            let v = hv * 16 + lv;
            if is_unreserved(v) {
                out.push(char::from(v));
            } else {
                out.push('%');
                out.push(char::from(h.to_ascii_uppercase()));
                out.push(char::from(l.to_ascii_uppercase()));
            }
            i += 3;
        } else {
            out.push(char::from(b));
            i += 1;
        }
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// RFC 3986 §5.2.4 for an absolute path (starting with `/`).
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." | ".." => {
                if *seg == ".." {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut s = String::with_capacity(path.len());
    for seg in out {
        s.push('/');
        s.push_str(seg);
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        parse(s).unwrap().normalized
    }

    #[test]
    fn normalizes_per_rfc3986() {
        assert_eq!(
            n("https://server.example.com/token"),
            "https://server.example.com/token"
        );
        assert_eq!(
            n("HTTPS://Server.Example.COM:443/token"),
            "https://server.example.com/token"
        );
        assert_eq!(n("http://a.example:80"), "http://a.example/");
        assert_eq!(n("http://a.example:8080/x"), "http://a.example:8080/x");
        assert_eq!(n("https://a.example:/x"), "https://a.example/x");
        assert_eq!(
            n("https://a.example/%7euser/%2fb"),
            "https://a.example/~user/%2Fb"
        );
        assert_eq!(n("https://a.example/a/./b/../c"), "https://a.example/a/c");
        assert_eq!(n("https://a.example/a/b/.."), "https://a.example/a/");
        assert_eq!(n("https://a.example/../../x"), "https://a.example/x");
        assert_eq!(n("https://[::1]:443/p"), "https://[::1]/p");
        assert_eq!(n("https://[::1]:8443/p"), "https://[::1]:8443/p");
        assert_eq!(n("https://a.example/Path"), "https://a.example/Path");
        assert_eq!(n("https://a.example/p?q=1#f"), "https://a.example/p");
        assert!(
            parse("https://a.example/p?q")
                .unwrap()
                .had_query_or_fragment
        );
        assert!(parse("https://a.example/p#").unwrap().had_query_or_fragment);
        assert!(!parse("https://a.example/p").unwrap().had_query_or_fragment);
    }

    #[test]
    fn already_normal_uris_are_their_own_form() {
        // Each goes through the shortcut, which debug builds check against the full rules.
        for uri in [
            "https://a.example/",
            "http://a.example/x",
            "https://a.example//x//",
            "https://a.example/.x/..y/x./x../...",
            "https://a-b.example/p_q~r/s!$&'()*+,;=/",
            "https://a.example/Path/UPPER",
        ] {
            assert_eq!(n(uri), uri);
            assert_eq!(n(&format!("{uri}?q=1#f")), uri);
        }
        // Not shortcut: each needs a rule applied.
        assert_eq!(n("https://a.example"), "https://a.example/");
        assert_eq!(n("https://a.example/x/."), "https://a.example/x/");
        assert_eq!(n("https://a.example/x/.."), "https://a.example/");
        assert_eq!(n("https://a.Example/x"), "https://a.example/x");
        assert_eq!(n("Https://a.example/x"), "https://a.example/x");
        assert_eq!(n("https://a.example:443/x"), "https://a.example/x");
        assert_eq!(n("https://a.example/%41"), "https://a.example/A");
    }

    #[test]
    fn refuses_what_is_not_an_http_uri() {
        for bad in [
            "",
            "/token",
            "ftp://a.example/",
            "https:/a.example",
            "https://",
            "https://:443/",
            "https://user@a.example/",
            "https://a.example:99999/",
            "https://a.example:8x/",
            "https://a.example/%zz",
            "https://a.example/%4",
            "https://a.example/ space",
            "https://a.example/é",
            "https://[::1/",
            "https://[::1]x/",
            "https://::1/",
            "https://a]b/",
        ] {
            assert_eq!(parse(bad), Err(bad_err()), "{bad}");
        }
    }

    fn bad_err() -> Error {
        ProfileError::InvalidUri.into()
    }

    #[test]
    fn strip_keeps_the_uri_as_given() {
        assert_eq!(
            strip("https://A.example/x?y#z").unwrap(),
            "https://A.example/x"
        );
        assert!(strip("mailto:x").is_err());
    }
}
