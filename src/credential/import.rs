//! Importing an existing certificate with its private key, from PEM or PFX: the key must be RSA,
//! belong to the certificate, and the certificate must not have expired.

use p12_keystore::Pkcs12Archive;
use p12_keystore::error::Error as P12Error;
use time::Date;

use super::inspect::{CertFileKind, KeyFormat, inspect_file};
use super::{CertificateWithKey, CredentialError, PublicCertificate, der, pem};
use crate::secrets::{Secret, SecretBytes};

/// Imports a certificate and its private key from PEM text: one file holding both, or the
/// certificate file and the key file joined. With several certificates (a chain), the one
/// whose public key matches the private key is taken.
pub fn import_pem(pem_bytes: &[u8], today: Date) -> Result<CertificateWithKey, CredentialError> {
    let kind = inspect_file(pem_bytes);
    let CertFileKind::PemCertificateAndKey(format) = &kind else {
        return Err(wrong_file(&kind));
    };
    kind.for_sign_in().map_err(CredentialError::WrongFile)?;
    let text = std::str::from_utf8(pem_bytes).map_err(|_| wrong_file(&CertFileKind::Unknown))?;
    let blocks = pem::parse(text).map_err(|_| wrong_file(&kind))?;
    let key_block = blocks
        .iter()
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or_else(|| wrong_file(&kind))?;
    let private_key = match format {
        KeyFormat::Pkcs8 => SecretBytes::new(key_block.der.to_vec()),
        _ => {
            if der::pkcs1_public_parts(&key_block.der).is_none() {
                return Err(CredentialError::BadPrivateKey);
            }
            der::pkcs1_to_pkcs8(&key_block.der)
        }
    };
    let certs = blocks
        .iter()
        .filter(|b| b.label.ends_with("CERTIFICATE"))
        .map(|b| b.der.as_slice());
    pair(certs, private_key, Some(today))
}

/// Imports a certificate and its private key from a PKCS#12 file (`.pfx`, `.p12`).
pub fn import_pfx(
    bytes: &[u8],
    password: &Secret,
    today: Date,
) -> Result<CertificateWithKey, CredentialError> {
    let kind = inspect_file(bytes);
    if kind != CertFileKind::Pfx {
        return Err(wrong_file(&kind));
    }
    let archive = Pkcs12Archive::from_pkcs12(bytes, password.expose()).map_err(pfx_error)?;
    if archive.keys.is_empty() {
        return Err(CredentialError::PfxNoKey);
    }
    if archive.certs.is_empty() {
        return Err(CredentialError::PfxNoCertificate);
    }
    let mut last = CredentialError::PfxNoKey;
    for bag in &archive.keys {
        let key = SecretBytes::new(bag.key.as_der().to_vec());
        let certs = archive.certs.iter().map(|c| c.cert.as_der());
        match pair(certs, key, Some(today)) {
            Ok(found) => return Ok(found),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Finds the certificate that belongs to `private_key` (PKCS#8) and checks both; with `today`,
/// also that the certificate has not expired.
pub(crate) fn pair<'a>(
    certs: impl Iterator<Item = &'a [u8]>,
    private_key: SecretBytes,
    today: Option<Date>,
) -> Result<CertificateWithKey, CredentialError> {
    let pkcs1 = match der::parse_pkcs8(private_key.expose()) {
        Some(der::Pkcs8 {
            algorithm: der::Pkcs8Algorithm::Rsa,
            inner,
        }) => inner,
        Some(der::Pkcs8 {
            algorithm: der::Pkcs8Algorithm::Other(oid),
            ..
        }) => {
            return Err(CredentialError::NotRsa(der::key_algorithm_name(&oid)));
        }
        None => return Err(CredentialError::BadPrivateKey),
    };
    let mut first_error = None;
    for der in certs {
        match PublicCertificate::from_der(der) {
            Ok(cert) if cert.matches_pkcs1(pkcs1) => {
                if let Some(today) = today {
                    cert.check_not_expired(today)?;
                }
                return Ok(CertificateWithKey {
                    certificate: cert,
                    private_key,
                });
            }
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(CredentialError::KeyMismatch))
}

fn wrong_file(kind: &CertFileKind) -> CredentialError {
    match kind.for_sign_in() {
        Err(invalid) => CredentialError::WrongFile(invalid),
        // A usable file of the other format (PFX given to the PEM import or the reverse).
        Ok(()) => CredentialError::InvalidInput(match kind {
            CertFileKind::Pfx => {
                "This is a .pfx file; open it as a .pfx (mailscope asks for its password).".into()
            }
            _ => "This is a PEM file; open it as PEM (no password).".into(),
        }),
    }
}

fn pfx_error(e: P12Error) -> CredentialError {
    match e {
        P12Error::MacError(_) | P12Error::UnpadError | P12Error::Pkcs5Error(_) => {
            CredentialError::PfxPassword
        }
        other => CredentialError::PfxUnreadable(other.to_string()),
    }
}
