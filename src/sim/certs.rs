//! Public certificates registered on apps: PEM parsing, thumbprints and RSA key parts.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::Digest as _;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

use super::scenario::AppCertificate;

/// Why a scenario's app certificate cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error("{path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// It starts like PEM but is not.
    #[error("not PEM: {0}")]
    NotPem(#[source] x509_parser::nom::Err<x509_parser::error::PEMError>),
    /// The bytes are not a certificate.
    #[error("not an X.509 certificate: {0}")]
    NotX509(#[source] x509_parser::nom::Err<x509_parser::error::X509Error>),
    /// A certificate whose key the simulated token endpoint cannot verify with.
    #[error("the certificate's key is not RSA")]
    NotRsa,
}

/// Reads a PEM (or DER) certificate file and extracts what the token endpoint needs.
pub(crate) fn load_certificate(path: &Path) -> Result<AppCertificate, CertError> {
    let bytes = crate::fsutil::read_regular(path, crate::fsutil::MAX_CREDENTIAL_BYTES).map_err(
        |source| CertError::Read {
            path: path.to_path_buf(),
            source,
        },
    )?;
    let der = if bytes.starts_with(b"-----") {
        let (_, pem) = x509_parser::pem::parse_x509_pem(&bytes).map_err(CertError::NotPem)?;
        pem.contents
    } else {
        bytes
    };
    certificate_from_der(der, path)
}

/// Builds an [`AppCertificate`] from DER.
pub(crate) fn certificate_from_der(der: Vec<u8>, path: &Path) -> Result<AppCertificate, CertError> {
    let (_, cert) =
        x509_parser::certificate::X509Certificate::from_der(&der).map_err(CertError::NotX509)?;
    let (n, e) = match cert.tbs_certificate.subject_pki.parsed() {
        Ok(PublicKey::RSA(rsa)) => (strip_zeros(rsa.modulus), strip_zeros(rsa.exponent)),
        _ => return Err(CertError::NotRsa),
    };
    let sha1 = sha1::Sha1::digest(&der);
    let sha256 = sha2::Sha256::digest(&der);
    let thumbprint_hex = sha1.iter().map(|b| format!("{b:02X}")).collect();
    Ok(AppCertificate {
        path: path.to_path_buf(),
        x5t: URL_SAFE_NO_PAD.encode(sha1),
        x5t_s256: URL_SAFE_NO_PAD.encode(sha256),
        thumbprint_hex,
        rsa_n: n,
        rsa_e: e,
        der,
    })
}

/// Big-endian integer bytes without leading zero bytes (JWK form).
pub(crate) fn strip_zeros(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_that_is_a_fifo_or_a_device_is_refused_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pipe = crate::fsutil::mkfifo(dir.path(), "app.pem");
        for path in [pipe.as_path(), Path::new("/dev/zero")] {
            let e = load_certificate(path).expect_err("refused");
            assert!(matches!(e, CertError::Read { .. }), "{e:?}");
            let e = e.to_string();
            assert!(
                e.starts_with(&path.display().to_string()) && e.contains("not a regular file"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_caller_can_tell_unreadable_from_not_a_certificate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pem = dir.path().join("bad.pem");
        std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n!!\n").expect("write");
        let e = load_certificate(&pem).expect_err("not PEM");
        assert!(matches!(e, CertError::NotPem(_)), "{e:?}");
        let e = certificate_from_der(b"not DER".to_vec(), &pem).expect_err("not DER");
        assert!(matches!(e, CertError::NotX509(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("not an X.509 certificate: "),
            "{e}"
        );
    }
}
