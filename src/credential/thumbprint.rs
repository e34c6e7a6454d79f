//! Certificate thumbprints: as the Entra portal shows them, and as JWT headers carry them.
//!
//! All are digests of the certificate's DER bytes. The portal's "Thumbprint" column is SHA-1
//! in upper-case hex; client assertions name the certificate with `x5t` (base64url SHA-1) or
//! `x5t#S256` (base64url SHA-256).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::{Digest, Sha1};
use sha2::Sha256;

/// The thumbprints of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbprints {
    /// SHA-1, 40 upper-case hex digits: the portal's "Thumbprint" column.
    pub sha1_hex: String,
    /// SHA-256, 64 upper-case hex digits.
    pub sha256_hex: String,
    /// base64url (no padding) SHA-1: the JWT `x5t` header.
    pub x5t: String,
    /// base64url (no padding) SHA-256: the JWT `x5t#S256` header.
    pub x5t_s256: String,
}

impl Thumbprints {
    pub fn of(cert_der: &[u8]) -> Self {
        Thumbprints {
            sha1_hex: sha1_hex(cert_der),
            sha256_hex: sha256_hex(cert_der),
            x5t: x5t(cert_der),
            x5t_s256: x5t_s256(cert_der),
        }
    }

    /// Whether a thumbprint copied from the portal (or from `openssl x509 -fingerprint`, or
    /// Windows, with spaces or colons, any case) is this certificate's SHA-1 or SHA-256.
    pub fn matches(&self, pasted: &str) -> bool {
        let clean: String = pasted
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':' && *c != '\u{200e}')
            .collect::<String>()
            .to_ascii_uppercase();
        !clean.is_empty() && (clean == self.sha1_hex || clean == self.sha256_hex)
    }
}

/// SHA-1 of the DER certificate in upper-case hex, as the Entra portal shows it.
pub fn sha1_hex(cert_der: &[u8]) -> String {
    upper_hex(&Sha1::digest(cert_der))
}

/// SHA-256 of the DER certificate in upper-case hex.
pub fn sha256_hex(cert_der: &[u8]) -> String {
    upper_hex(&Sha256::digest(cert_der))
}

/// The JWT `x5t` header value: base64url SHA-1, no padding.
pub fn x5t(cert_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha1::digest(cert_der))
}

/// The JWT `x5t#S256` header value: base64url SHA-256, no padding.
pub fn x5t_s256(cert_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der))
}

fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::pem;

    /// A fixed self-signed certificate (public part only) and its digests, computed with
    /// `openssl x509 -fingerprint -sha1|-sha256 -noout` and
    /// `openssl x509 -outform DER | openssl dgst -sha1|-sha256 -binary | basenc --base64url`.
    const FIXTURE: &str = include_str!("testdata/fixture-cert.pem");
    const SHA1: &str = "BE:32:1F:3F:66:47:EC:7B:C7:DA:61:65:0B:FA:70:11:A0:18:21:C8";
    const SHA256: &str = "C1:9D:C4:A9:83:4B:8C:31:50:0D:38:14:96:BB:C3:F9:74:28:0E:7E:A6:3A:3F:99:B1:4C:22:8C:12:07:56:4F";
    const X5T: &str = "vjIfP2ZH7HvH2mFlC_pwEaAYIcg";
    const X5T_S256: &str = "wZ3EqYNLjDFQDTgUlrvD-XQoDn6mOj-ZsUwijBIHVk8";

    fn fixture_der() -> Vec<u8> {
        let blocks = pem::parse(FIXTURE).expect("fixture parses");
        blocks[0].der.to_vec()
    }

    #[test]
    fn match_openssl_vectors() {
        let der = fixture_der();
        assert_eq!(sha1_hex(&der), SHA1.replace(':', ""));
        assert_eq!(sha256_hex(&der), SHA256.replace(':', ""));
        assert_eq!(x5t(&der), X5T);
        assert_eq!(x5t_s256(&der), X5T_S256);
        let t = Thumbprints::of(&der);
        assert_eq!(t.sha1_hex.len(), 40);
        assert_eq!(t.x5t, X5T);
    }

    #[test]
    fn pasted_thumbprints_match_in_any_common_form() {
        let t = Thumbprints::of(&fixture_der());
        assert!(t.matches(SHA1));
        assert!(t.matches(&SHA1.to_lowercase()));
        assert!(t.matches(&format!(" {} ", SHA256.replace(':', " "))));
        assert!(!t.matches(""));
        assert!(!t.matches(&SHA1[3..]));
    }
}
