//! The public certificate: the facts mailscope needs from it, and the `.cer` file written for
//! upload to the portal.

use std::fmt;
use std::io;
use std::path::Path;

use time::{Date, OffsetDateTime, UtcOffset};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::thumbprint::Thumbprints;
use super::{CredentialError, der, pem};

/// Smallest RSA modulus Entra accepts for a certificate credential.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus mailscope accepts: its PKCS#8 key (about 2.4 kB) still fits the
/// Windows Credential Manager's 2560-byte limit.
pub const MAX_RSA_BITS: usize = 4096;

/// A certificate's public part and what mailscope shows and records about it.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicCertificate {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The subject as a distinguished name, e.g. `CN=mailscope Kundo Mail`.
    pub subject: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub thumbprints: Thumbprints,
    /// Size of the RSA modulus.
    pub key_bits: usize,
    /// The RSA public key as PKCS#1 `RSAPublicKey` DER (what `DecodingKey::from_rsa_der` takes).
    pub rsa_public_key: Vec<u8>,
}

impl PublicCertificate {
    /// Reads a DER certificate; refuses keys that are not RSA or whose size Entra or the
    /// keyring cannot take.
    pub fn from_der(cert_der: &[u8]) -> Result<Self, CredentialError> {
        let (_, cert) =
            X509Certificate::from_der(cert_der).map_err(|_| CredentialError::NotACertificate)?;
        let spki = cert.public_key();
        let rsa = match spki.parsed() {
            Ok(PublicKey::RSA(_)) => spki.subject_public_key.data.to_vec(),
            _ => {
                let oid = spki.algorithm.algorithm.to_id_string();
                return Err(CredentialError::NotRsa(der::key_algorithm_name(&oid)));
            }
        };
        let (modulus, _) = der::rsa_public_parts(&rsa).ok_or(CredentialError::NotACertificate)?;
        let key_bits = bit_length(modulus);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&key_bits) {
            return Err(CredentialError::KeySize(key_bits));
        }
        Ok(PublicCertificate {
            der: cert_der.to_vec(),
            subject: cert.subject().to_string(),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            thumbprints: Thumbprints::of(cert_der),
            key_bits,
            rsa_public_key: rsa,
        })
    }

    /// The certificate as PEM text (`-----BEGIN CERTIFICATE-----`).
    pub fn pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// The day it expires (UTC), as the portal's "Expires" column and the profile record it.
    pub fn expires(&self) -> Date {
        self.not_after.to_offset(UtcOffset::UTC).date()
    }

    /// Refuses a certificate that has expired by `today` (or expires on that day).
    pub fn check_not_expired(&self, today: Date) -> Result<(), CredentialError> {
        if self.expires() <= today {
            return Err(CredentialError::Expired(self.expires()));
        }
        Ok(())
    }

    /// Whether an RSA private key (PKCS#1 DER) is the other half of this certificate.
    pub(crate) fn matches_pkcs1(&self, pkcs1: &[u8]) -> bool {
        match (
            der::pkcs1_public_parts(pkcs1),
            der::rsa_public_parts(&self.rsa_public_key),
        ) {
            (Some(key), Some(cert)) => key == cert,
            _ => false,
        }
    }
}

impl fmt::Debug for PublicCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicCertificate")
            .field("subject", &self.subject)
            .field("not_after", &self.not_after)
            .field("sha1", &self.thumbprints.sha1_hex)
            .field("key_bits", &self.key_bits)
            .finish_non_exhaustive()
    }
}

fn bit_length(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        None => 0,
        Some(&top) => magnitude.len() * 8 - top.leading_zeros() as usize,
    }
}

/// Reads a certificate file (PEM or DER), e.g. the `.cer` recorded in the profile's
/// `cert_file`. With several certificates in one PEM file, the first is taken.
pub fn read_certificate_file(path: &Path) -> Result<PublicCertificate, CredentialError> {
    let bytes = crate::fsutil::read_regular(path, crate::fsutil::MAX_CREDENTIAL_BYTES)
        .map_err(|e| io_error(path, e))?;
    match std::str::from_utf8(&bytes).ok().filter(|t| pem::has_pem(t)) {
        None => PublicCertificate::from_der(&bytes),
        Some(text) => {
            let blocks = pem::parse(text).map_err(|_| CredentialError::NotACertificate)?;
            let first = blocks
                .iter()
                .find(|b| b.label.ends_with("CERTIFICATE"))
                .ok_or(CredentialError::NotACertificate)?;
            PublicCertificate::from_der(&first.der)
        }
    }
}

/// Writes the public certificate as PEM text to `path`, for upload under Certificates &
/// secrets > Certificates > Upload certificate.
///
/// PEM rather than binary DER: the portal accepts either in a `.cer`, `.pem` or `.crt` file,
/// Windows opens both, and text can be checked by eye (one `BEGIN CERTIFICATE` block, no
/// `PRIVATE KEY`), pasted, or mailed. Only the DER certificate is taken, so no key can end up in
/// the file. An existing file is kept unless `overwrite` is true.
pub fn write_public_certificate(
    path: &Path,
    cert_der: &[u8],
    overwrite: bool,
) -> Result<(), CredentialError> {
    let cert = PublicCertificate::from_der(cert_der)?;
    if !overwrite && path.exists() {
        return Err(CredentialError::FileExists(path.display().to_string()));
    }
    crate::fsutil::write_private(path, cert.pem().as_bytes()).map_err(|e| io_error(path, e))
}

pub(crate) fn io_error(path: &Path, e: io::Error) -> CredentialError {
    CredentialError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("testdata/fixture-cert.pem");

    fn fixture() -> PublicCertificate {
        let blocks = pem::parse(FIXTURE).expect("fixture parses");
        PublicCertificate::from_der(&blocks[0].der).expect("fixture is an RSA certificate")
    }

    #[test]
    fn reads_the_facts_openssl_shows() {
        let c = fixture();
        assert_eq!(c.subject, "CN=mailscope thumbprint fixture");
        assert_eq!(c.key_bits, 2048);
        assert_eq!(c.expires().to_string(), "2036-11-19");
        assert_eq!(c.not_before.date().to_string(), "2026-11-22");
        assert_eq!(c.pem(), FIXTURE.replace("\r\n", "\n"));
        assert!(format!("{c:?}").contains("BE321F3F"));
    }

    #[test]
    fn weak_rsa_keys_are_refused() {
        let blocks = pem::parse(include_str!("testdata/rsa1024-cert.pem")).expect("parses");
        assert_eq!(
            PublicCertificate::from_der(&blocks[0].der),
            Err(CredentialError::KeySize(1024))
        );
    }

    #[test]
    fn expiry_is_checked_against_today() {
        let c = fixture();
        let day = c.expires();
        assert!(
            c.check_not_expired(day.previous_day().expect("day"))
                .is_ok()
        );
        assert_eq!(c.check_not_expired(day), Err(CredentialError::Expired(day)));
    }

    #[test]
    fn write_refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("app.cer");
        let c = fixture();
        write_public_certificate(&path, &c.der, false).expect("first write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), c.pem());
        let again = write_public_certificate(&path, &c.der, false);
        assert!(
            matches!(again, Err(CredentialError::FileExists(_))),
            "{again:?}"
        );
        assert!(
            again
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("already exists")
        );
        write_public_certificate(&path, &c.der, true).expect("overwrite when asked");
        let garbage = write_public_certificate(&dir.path().join("x.cer"), b"not a cert", false);
        assert_eq!(garbage, Err(CredentialError::NotACertificate));
        assert!(!dir.path().join("x.cer").exists());
    }
}
