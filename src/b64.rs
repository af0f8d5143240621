//! Strict base64url without padding (RFC 7515 §2), over `base64ct` (constant time).
//!
//! Rejects padding, whitespace, characters outside the URL-safe alphabet and non-canonical
//! trailing bits.

use base64ct::{Base64UrlUnpadded, Encoding};
use zeroize::Zeroizing;

use crate::error::{Error, FormatError};

/// Encode bytes as base64url without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decode strict base64url without padding.
pub(crate) fn decode(s: &str) -> Result<Vec<u8>, Error> {
    Base64UrlUnpadded::decode_vec(s).map_err(|_| Error::Format(FormatError::Base64))
}

/// Decode strict base64url into a buffer that is zeroized on drop (for secret key members).
pub(crate) fn decode_secret(s: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    decode(s).map(Zeroizing::new)
}

/// The number of base64url characters (without padding) that encode `n` bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    (n / 3) * 4
        + match n % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert_eq!(decode("AQID").unwrap(), vec![1, 2, 3]);
        assert_eq!(decode("AQI").unwrap(), vec![1, 2]);
        for bad in [
            "AQI=", "AQ==", "AQ I", "AQ\nI", "AQJ", "AR", "A", "+/8", "AQID\0",
        ] {
            assert!(decode(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(decode("_-8").unwrap(), vec![0xff, 0xef]);
    }

    #[test]
    fn lengths() {
        for n in 0..40 {
            assert_eq!(encoded_len(n), encode(&vec![0u8; n]).len());
        }
    }
}
