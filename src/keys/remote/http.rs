//! [`HttpFetcher`]: the built-in [`JwksFetcher`] on `ureq` with rustls (feature `remote-http`).
//!
//! Limits: a response-size limit, connect and read timeouts, redirects followed only within
//! the same origin (scheme, host and port) and at most 3 times, `https` only
//! unless plain HTTP is allowed explicitly. Proxies are taken from the usual environment
//! variables (`HTTPS_PROXY`, `NO_PROXY`, ...).

use std::time::Duration;

use super::{FetchResponse, JwksFetcher, parse_max_age};
use crate::error::{Error, RemoteKeysError};

/// The most redirects followed (each to the same origin).
const MAX_REDIRECTS: usize = 3;

/// Limits and permissions of an [`HttpFetcher`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    allow_http: bool,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_body: u64,
}

impl Default for HttpOptions {
    /// `https` only; connect timeout 2 s; 5 s for the whole response; bodies up to 256 KiB.
    fn default() -> Self {
        Self {
            allow_http: false,
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(5),
            max_body: 256 * 1024,
        }
    }
}

impl HttpOptions {
    /// The defaults (see [`HttpOptions::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// **Weakens the default**: also accept `http://` URLs (for loopback tests; keys fetched
    /// over plain HTTP can be replaced by anyone on the path).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Timeout for establishing the connection (TCP and TLS).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Timeout for receiving the whole response once connected.
    pub fn read_timeout(mut self, t: Duration) -> Self {
        self.read_timeout = t;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn max_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }
}

/// Fetches a JWK Set over HTTPS.
#[derive(Debug)]
pub struct HttpFetcher {
    agent: ureq::Agent,
    url: String,
    options: HttpOptions,
}

impl HttpFetcher {
    /// A fetcher for the JWK Set at `url`.
    pub fn new(url: &str, options: HttpOptions) -> Result<Self, Error> {
        check_url(url, &options)?;
        Ok(Self {
            agent: agent(&options),
            url: url.to_owned(),
            options,
        })
    }

    /// A fetcher for the JWK Set named by `issuer`'s metadata: `jwks_uri` of
    /// `{issuer}/.well-known/openid-configuration` (whose `issuer` must equal `issuer`), else
    /// of RFC 8414 `{origin}/.well-known/oauth-authorization-server{path}`.
    pub fn discover(issuer: &str, options: HttpOptions) -> Result<Self, Error> {
        let origin = check_url(issuer, &options)?;
        let trimmed = issuer.trim_end_matches('/');
        let path = trimmed.get(origin.len()..).unwrap_or("");
        let candidates = [
            format!("{trimmed}/.well-known/openid-configuration"),
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
        ];
        let probe = Self {
            agent: agent(&options),
            url: String::new(),
            options: options.clone(),
        };
        let mut last = Error::from(RemoteKeysError::Discovery);
        for url in &candidates {
            match probe.get(url, None) {
                Ok(FetchResponse::Modified { body, .. }) => {
                    return Self::new(&jwks_uri(&body, trimmed)?, options);
                }
                Ok(FetchResponse::NotModified { .. }) => {}
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The JWK Set URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn get(&self, url: &str, etag: Option<&str>) -> Result<FetchResponse, Error> {
        let origin = check_url(url, &self.options)?;
        let mut url = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self
                .agent
                .get(&url)
                .header("Accept", "application/jwk-set+json, application/json");
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            let mut response = request.call().map_err(map_error)?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let max_age = header("cache-control").as_deref().and_then(parse_max_age);
            match response.status().as_u16() {
                200 => {
                    let etag = header("etag");
                    let body = response
                        .body_mut()
                        .with_config()
                        .limit(self.options.max_body)
                        .read_to_vec()
                        .map_err(map_error)?;
                    return Ok(FetchResponse::Modified {
                        body,
                        etag,
                        max_age,
                    });
                }
                304 if etag.is_some() => return Ok(FetchResponse::NotModified { max_age }),
                301 | 302 | 303 | 307 | 308 => {
                    let location = header("location").ok_or(RemoteKeysError::Redirect)?;
                    let next = if location.starts_with('/') && !location.starts_with("//") {
                        format!("{origin}{location}")
                    } else {
                        location
                    };
                    if origin_of(&next).ok() != Some(origin.clone()) {
                        return Err(RemoteKeysError::Redirect.into());
                    }
                    url = next;
                }
                _ => return Err(RemoteKeysError::HttpStatus.into()),
            }
        }
        Err(RemoteKeysError::Redirect.into())
    }
}

impl JwksFetcher for HttpFetcher {
    fn fetch(&self, etag: Option<&str>) -> Result<FetchResponse, Error> {
        self.get(&self.url, etag)
    }
}

fn agent(options: &HttpOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .https_only(!options.allow_http)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.read_timeout))
        .timeout_recv_body(Some(options.read_timeout))
        .timeout_global(Some(
            options.connect_timeout.saturating_add(options.read_timeout),
        ))
        .user_agent(concat!("pqjose/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn map_error(e: ureq::Error) -> Error {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => RemoteKeysError::Timeout,
        ureq::Error::Io(io) if matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            RemoteKeysError::Timeout
        }
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::LargeResponseHeader(..) => {
            RemoteKeysError::TooLarge
        }
        ureq::Error::RequireHttpsOnly(_) => RemoteKeysError::InsecureUrl,
        ureq::Error::BadUri(_) => RemoteKeysError::InvalidUrl,
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => RemoteKeysError::Redirect,
        _ => RemoteKeysError::Transport,
    }
    .into()
}

/// The `jwks_uri` of a metadata document; an OpenID document's `issuer` must be `issuer`.
fn jwks_uri(body: &[u8], issuer: &str) -> Result<String, Error> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| RemoteKeysError::Discovery)?;
    if let Some(stated) = doc.get("issuer").and_then(serde_json::Value::as_str)
        && stated.trim_end_matches('/') != issuer
    {
        return Err(RemoteKeysError::Discovery.into());
    }
    doc.get("jwks_uri")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| RemoteKeysError::Discovery.into())
}

/// The URL's origin (`scheme://host[:port]`, lowercased), if its scheme is allowed.
fn check_url(url: &str, options: &HttpOptions) -> Result<String, Error> {
    let origin = origin_of(url)?;
    if origin.starts_with("https://") || (options.allow_http && origin.starts_with("http://")) {
        Ok(origin)
    } else {
        Err(RemoteKeysError::InsecureUrl.into())
    }
}

/// `scheme://authority` of an absolute `http`/`https` URL, lowercased. No user info.
fn origin_of(url: &str) -> Result<String, Error> {
    let invalid = || Error::from(RemoteKeysError::InvalidUrl);
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(RemoteKeysError::InsecureUrl.into());
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).ok_or_else(invalid)?;
    if authority.is_empty()
        || authority.contains('@')
        || authority
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.to_ascii_lowercase();
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Ok(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let o = |u| origin_of(u).ok();
        assert_eq!(
            o("https://A.example/jwks"),
            Some("https://a.example".into())
        );
        assert_eq!(
            o("https://a.example:443/x"),
            Some("https://a.example".into())
        );
        assert_eq!(
            o("http://127.0.0.1:8080?x"),
            Some("http://127.0.0.1:8080".into())
        );
        assert_eq!(o("https://user@a.example/"), None);
        assert_eq!(o("https:///x"), None);
        assert_eq!(o("a.example/jwks"), None);
        assert_eq!(
            origin_of("ftp://a.example/"),
            Err(RemoteKeysError::InsecureUrl.into())
        );
    }

    #[test]
    fn https_only_unless_allowed() {
        let http = "http://127.0.0.1:1/jwks";
        assert_eq!(
            HttpFetcher::new(http, HttpOptions::new()).err(),
            Some(RemoteKeysError::InsecureUrl.into())
        );
        assert!(HttpFetcher::new(http, HttpOptions::new().allow_http(true)).is_ok());
        assert!(HttpFetcher::new("https://a.example/jwks", HttpOptions::new()).is_ok());
    }

    #[test]
    fn metadata() {
        let doc = br#"{"issuer":"https://i.example","jwks_uri":"https://k.example/jwks"}"#;
        assert_eq!(
            jwks_uri(doc, "https://i.example").ok().as_deref(),
            Some("https://k.example/jwks")
        );
        assert!(jwks_uri(doc, "https://evil.example").is_err());
        assert!(jwks_uri(br#"{"issuer":"https://i.example"}"#, "https://i.example").is_err());
        assert!(jwks_uri(b"<html>", "https://i.example").is_err());
    }
}
