//! A new self-signed RSA-2048 / SHA-256 certificate for the Entra app's certificate credential.

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, PKCS_RSA_SHA256, RsaKeySize, SerialNumber,
};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::{CertificateWithKey, CredentialError, PublicCertificate};
use crate::profile::validate::add_months;
use crate::secrets::SecretBytes;

/// The longest validity mailscope gives a certificate (the portal's longest secret lifetime).
pub const MAX_VALID_MONTHS: u32 = 24;

/// How far before `now` the certificate becomes valid, so that a clock a few minutes ahead of
/// Microsoft's does not make the new credential "not yet valid".
const CLOCK_MARGIN: Duration = Duration::minutes(10);

/// Longest common name (X.520 upper bound).
const MAX_CN_CHARS: usize = 64;

/// Generates a self-signed certificate with subject `CN=<subject_cn>` and a new RSA-2048 key.
///
/// Validity: from `now` minus ten minutes, for exactly `valid_months` calendar months (1 to
/// [`MAX_VALID_MONTHS`]; the preset decides), so the expiry date is today plus the months. The
/// key is returned as PKCS#8 DER in [`SecretBytes`]; store it with
/// [`store_private_key`](super::store_private_key).
pub fn generate(
    subject_cn: &str,
    valid_months: u32,
    now: OffsetDateTime,
) -> Result<CertificateWithKey, CredentialError> {
    let cn = subject_cn.trim();
    if cn.is_empty() || cn.chars().count() > MAX_CN_CHARS || cn.chars().any(char::is_control) {
        return Err(CredentialError::InvalidInput(format!(
            "The certificate name must be 1 to {MAX_CN_CHARS} characters without line breaks, e.g. the app's name."
        )));
    }
    if !(1..=MAX_VALID_MONTHS).contains(&valid_months) {
        return Err(CredentialError::InvalidInput(format!(
            "A certificate lifetime of {valid_months} months is not offered: choose 1 to {MAX_VALID_MONTHS} months."
        )));
    }
    let not_before = (now.to_offset(UtcOffset::UTC) - CLOCK_MARGIN)
        .replace_nanosecond(0)
        .map_err(|e| CredentialError::Generation(e.to_string()))?;
    let not_after = not_before.replace_date(add_months(not_before.date(), valid_months));

    let key = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)
        .map_err(|e| CredentialError::Generation(e.to_string()))?;
    let mut params = CertificateParams::new(Vec::<String>::new())
        .map_err(|e| CredentialError::Generation(e.to_string()))?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, cn);
    params.distinguished_name = name;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(random_serial());
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params
        .self_signed(&key)
        .map_err(|e| CredentialError::Generation(e.to_string()))?;
    // rcgen keeps its own copy of the key inside `key` (dropped at the end of this function);
    // ours moves straight into the zeroizing buffer.
    let private_key = SecretBytes::new(key.serialize_der());
    let certificate = PublicCertificate::from_der(cert.der())?;
    Ok(CertificateWithKey {
        certificate,
        private_key,
    })
}

/// 16 random bytes as a positive serial number (RFC 5280 allows up to 20 octets).
fn random_serial() -> SerialNumber {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::der;
    use time::macros::datetime;

    #[test]
    fn generates_rsa_2048_with_requested_validity_and_matching_key() {
        let now = datetime!(2026-11-22 11:30:00 UTC);
        let g = generate("mailscope Kundo Mail", 12, now).expect("generates");
        let c = &g.certificate;
        assert_eq!(c.subject, "CN=mailscope Kundo Mail");
        assert_eq!(c.key_bits, 2048);
        assert_eq!(c.not_before, datetime!(2026-11-22 11:20:00 UTC));
        assert_eq!(c.not_after, datetime!(2027-11-22 11:20:00 UTC));
        assert_eq!(c.expires().to_string(), "2027-11-22");
        let pkcs8 = der::parse_pkcs8(g.private_key.expose()).expect("PKCS#8");
        assert_eq!(pkcs8.algorithm, der::Pkcs8Algorithm::Rsa);
        assert!(c.matches_pkcs1(pkcs8.inner), "key is the certificate's");
        assert!(g.private_key.expose().len() < crate::credential::MAX_STORED_KEY_BYTES);
        let shown = format!("{g:?}");
        assert!(shown.contains("private_key: [redacted]"), "{shown}");
        assert!(!c.pem().contains("PRIVATE"));
    }

    #[test]
    fn refuses_bad_names_and_lifetimes_before_generating() {
        let now = datetime!(2026-11-22 11:30:00 UTC);
        for (cn, months) in [("", 12), ("a\nb", 12), ("app", 0), ("app", 25)] {
            let e = generate(cn, months, now).expect_err("refused");
            assert!(matches!(e, CredentialError::InvalidInput(_)), "{e:?}");
        }
        let long = "x".repeat(65);
        assert!(generate(&long, 12, now).is_err());
    }
}
