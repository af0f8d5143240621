//! `inspect`: decode a token WITHOUT verifying it, to look at its header, claims and sizes.

use base64ct::{Base64UrlUnpadded, Encoding};
use pqjose::{Algorithm, dangerous};
use serde_json::Value;

use crate::exit::Exit;
use crate::input;

/// Show a token's header, claims and sizes (UNVERIFIED)
///
/// Decode a compact token without verifying it: header, claims (or payload) and sizes.
///
/// Nothing shown is trustworthy: the signature is NOT checked. Use `pqjose verify` for that.
/// Exit status: 0 decoded; 1 not a decodable compact token; 2 usage error or unreadable file.
#[derive(clap::Args)]
#[command(override_usage = "pqjose inspect [TOKEN_FILE|-]")]
pub(crate) struct InspectArgs {
    /// The token (`-` or absent: stdin)
    #[arg(value_name = "TOKEN_FILE|-")]
    token: Option<String>,
}

const BANNER: &str = "UNVERIFIED: the signature has NOT been checked; do not trust this content.";

/// `pqjose inspect`.
pub(crate) fn run(args: InspectArgs) -> Result<(), Exit> {
    let token = input::read_token(args.token.as_deref())?;
    let report = describe(&token).map_err(Exit::Rejected)?;
    input::write_stdout(report.as_bytes())
}

fn describe(token: &str) -> Result<String, String> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed token: compact JWS must have exactly three segments".into());
    };
    let header = decode(h, "header")?;
    let payload = decode(p, "payload")?;
    let signature = decode(s, "signature")?;
    let header_json: Value = serde_json::from_slice(&header)
        .map_err(|_| "malformed token: protected header is not JSON".to_owned())?;

    let mut out = format!("{BANNER}\n\nheader ({} bytes):\n", header.len());
    out.push_str(&pretty(&header_json));
    match serde_json::from_slice::<Value>(&payload) {
        Ok(claims @ Value::Object(_)) => {
            out.push_str(&format!("\nclaims ({} bytes):\n", payload.len()));
            out.push_str(&pretty(&claims));
        }
        _ => match core::str::from_utf8(&payload) {
            Ok(text) => out.push_str(&format!(
                "\npayload ({} bytes, not a JSON object):\n{}\n",
                payload.len(),
                Value::String(text.to_owned())
            )),
            Err(_) => out.push_str(&format!(
                "\npayload ({} bytes, binary; base64url):\n{p}\n",
                payload.len()
            )),
        },
    }
    out.push_str(&format!("\nsignature: {} bytes", signature.len()));
    let alg = header_json
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|a| a.parse::<Algorithm>().ok());
    if let Some(alg) = alg {
        out.push_str(&format!(
            " ({alg} signatures are at most {} bytes)",
            alg.max_signature_len()
        ));
    }
    out.push_str(&format!(
        "\ntoken: {} characters (header {}, payload {}, signature {})\n",
        token.len(),
        h.len(),
        p.len(),
        s.len()
    ));
    // The verifier's own structural checks (limits, strict base64url and JSON, header rules).
    match dangerous::decode_unverified(token) {
        Ok(_) => out.push_str("structure: well formed (signature and claims not checked)\n"),
        Err(e) => out.push_str(&format!("structure: a verifier rejects this token: {e}\n")),
    }
    out.push_str(&format!("\n{BANNER}\n"));
    Ok(out)
}

fn decode(segment: &str, what: &str) -> Result<Vec<u8>, String> {
    Base64UrlUnpadded::decode_vec(segment)
        .map_err(|_| format!("malformed token: the {what} is not base64url"))
}

fn pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}
