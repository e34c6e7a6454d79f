//! Public certificates registered on apps: PEM parsing, thumbprints and RSA key parts.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::Digest as _;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

use super::scenario::AppCertificate;

/// Reads a PEM (or DER) certificate file and extracts what the token endpoint needs.
pub(crate) fn load_certificate(path: &Path) -> Result<AppCertificate, String> {
    let bytes = crate::fsutil::read_regular(path, crate::fsutil::MAX_CREDENTIAL_BYTES)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let der = if bytes.starts_with(b"-----") {
        let (_, pem) =
            x509_parser::pem::parse_x509_pem(&bytes).map_err(|e| format!("not PEM: {e}"))?;
        pem.contents
    } else {
        bytes
    };
    certificate_from_der(der, path)
}

/// Builds an [`AppCertificate`] from DER.
pub(crate) fn certificate_from_der(der: Vec<u8>, path: &Path) -> Result<AppCertificate, String> {
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der)
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let (n, e) = match cert.tbs_certificate.subject_pki.parsed() {
        Ok(PublicKey::RSA(rsa)) => (strip_zeros(rsa.modulus), strip_zeros(rsa.exponent)),
        _ => return Err("the certificate's key is not RSA".to_string()),
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
            assert!(
                e.starts_with(&path.display().to_string()) && e.contains("not a regular file"),
                "{e}"
            );
        }
    }
}
