//! What kind of certificate file the admin picked, and whether it fits the step: signing in
//! needs the private key (PFX, or PEM with both parts); the portal upload needs the public part
//! only.

use x509_parser::prelude::{FromDer, X509Certificate};

use super::{der, pem};
use crate::profile::validate::Invalid;

/// How a PEM private key is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFormat {
    /// `PRIVATE KEY` (PKCS#8, unencrypted).
    Pkcs8,
    /// `RSA PRIVATE KEY` (PKCS#1, unencrypted).
    Pkcs1,
    /// `ENCRYPTED PRIVATE KEY` (PKCS#8 protected by a password).
    EncryptedPkcs8,
    /// `RSA PRIVATE KEY` with a `Proc-Type: 4,ENCRYPTED` header (legacy OpenSSL).
    EncryptedPkcs1,
    /// `EC PRIVATE KEY`, or a PKCS#8 key of an elliptic curve: not RSA.
    Ec,
    /// `OPENSSH PRIVATE KEY`: an SSH key, not a certificate key.
    OpenSsh,
    /// Another `… PRIVATE KEY` label, or a PKCS#8 key of another algorithm (Ed25519, RSA-PSS…).
    Other(String),
}

impl KeyFormat {
    fn from_block(block: &pem::PemBlock) -> Option<KeyFormat> {
        Some(match block.label.as_str() {
            "PRIVATE KEY" => match der::parse_pkcs8(&block.der).map(|p| p.algorithm) {
                Some(der::Pkcs8Algorithm::Other(oid)) if oid == der::EC_PUBLIC_KEY => KeyFormat::Ec,
                Some(der::Pkcs8Algorithm::Other(oid)) => {
                    KeyFormat::Other(format!("{} PRIVATE KEY", der::key_algorithm_name(&oid)))
                }
                _ => KeyFormat::Pkcs8,
            },
            "RSA PRIVATE KEY" if block.encrypted_header => KeyFormat::EncryptedPkcs1,
            "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
            "ENCRYPTED PRIVATE KEY" => KeyFormat::EncryptedPkcs8,
            "EC PRIVATE KEY" => KeyFormat::Ec,
            "OPENSSH PRIVATE KEY" => KeyFormat::OpenSsh,
            l if l.ends_with("PRIVATE KEY") => KeyFormat::Other(l.to_string()),
            _ => return None,
        })
    }
}

/// What a certificate file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertFileKind {
    /// PEM with certificate(s) only: the public part.
    PemCertificate,
    /// PEM with a private key and no certificate.
    PemPrivateKey(KeyFormat),
    /// PEM with certificate(s) and a private key.
    PemCertificateAndKey(KeyFormat),
    /// A binary (DER) certificate, as Windows exports a `.cer`.
    DerCertificate,
    /// A binary (DER) private key.
    DerPrivateKey,
    /// A PKCS#12 `.pfx`/`.p12`: certificate and key, opened with a password.
    Pfx,
    /// PEM, but none of its blocks is a certificate or private key (labels given), or a block
    /// is damaged (label given).
    PemOther(Vec<String>),
    /// Not a format mailscope knows.
    Unknown,
}

/// Tells what kind of certificate file these bytes are. Never fails; see
/// [`CertFileKind::for_sign_in`] and [`CertFileKind::for_upload`] for the verdict.
pub fn inspect_file(bytes: &[u8]) -> CertFileKind {
    if let Ok(text) = std::str::from_utf8(bytes)
        && pem::has_pem(text)
    {
        return inspect_pem(text);
    }
    if der::looks_like_pfx(bytes) {
        CertFileKind::Pfx
    } else if X509Certificate::from_der(bytes).is_ok() {
        CertFileKind::DerCertificate
    } else if der::looks_like_private_key(bytes) {
        CertFileKind::DerPrivateKey
    } else {
        CertFileKind::Unknown
    }
}

fn is_certificate_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

fn inspect_pem(text: &str) -> CertFileKind {
    let blocks = match pem::parse(text) {
        Ok(b) => b,
        Err(pem::PemError::Unterminated(l) | pem::PemError::Damaged(l)) => {
            return CertFileKind::PemOther(vec![format!("{l} (damaged)")]);
        }
    };
    let has_cert = blocks.iter().any(|b| is_certificate_label(&b.label));
    let key = blocks.iter().find_map(KeyFormat::from_block);
    match (has_cert, key) {
        (true, Some(k)) => CertFileKind::PemCertificateAndKey(k),
        (true, None) => CertFileKind::PemCertificate,
        (false, Some(k)) => CertFileKind::PemPrivateKey(k),
        (false, None) => CertFileKind::PemOther(blocks.into_iter().map(|b| b.label).collect()),
    }
}

const ONLY_PUBLIC: &str = "This file holds only the public certificate (what you upload to the portal). To sign in, mailscope needs the private key too: choose the .pfx or the PEM that contains 'PRIVATE KEY'.";
const ONLY_KEY: &str = "This file holds only a private key. mailscope needs its certificate too: choose the .pfx, or a PEM file that contains both 'BEGIN CERTIFICATE' and 'PRIVATE KEY' (the two PEM files can be joined into one).";
const HAS_KEY_UPLOAD: &str = "This file contains a private key; upload only the public .cer to the portal. The private key must stay on this machine (mailscope can write the .cer for you from this file).";
const PFX_UPLOAD: &str = "This is a .pfx, which contains the private key; upload only the public .cer to the portal (mailscope can write the .cer for you from the .pfx).";
const UNKNOWN: &str = "mailscope does not recognise this file: it is not PEM text ('-----BEGIN …'), not a .pfx/.p12 and not a .cer certificate. Choose the certificate's .pfx or PEM file.";

fn key_problem(k: &KeyFormat) -> Option<String> {
    match k {
        KeyFormat::Pkcs8 | KeyFormat::Pkcs1 => None,
        KeyFormat::EncryptedPkcs8 | KeyFormat::EncryptedPkcs1 => Some(
            "The private key in this PEM file is protected by a password, which mailscope does not read from PEM. Choose the .pfx export of this certificate instead (mailscope asks for its password), or make one: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx".into(),
        ),
        KeyFormat::Ec => Some(
            "This key is an elliptic-curve (EC) key. Entra app certificates for mailscope must use RSA (2048 bits or more): let mailscope generate one, or create an RSA certificate.".into(),
        ),
        KeyFormat::OpenSsh => Some(
            "This is an SSH key (OPENSSH PRIVATE KEY), not a certificate's key. Choose the certificate's .pfx or PEM file, or let mailscope generate a certificate.".into(),
        ),
        KeyFormat::Other(label) => Some(format!(
            "This file holds a '{label}', which mailscope cannot use. Entra app certificates for mailscope need an RSA key: choose the .pfx, or a PEM with 'BEGIN CERTIFICATE' and 'PRIVATE KEY'."
        )),
    }
}

impl CertFileKind {
    /// Whether this file can give mailscope the certificate with its private key (to sign in).
    pub fn for_sign_in(&self) -> Result<(), Invalid> {
        let msg = match self {
            CertFileKind::Pfx => return Ok(()),
            CertFileKind::PemCertificateAndKey(k) => match key_problem(k) {
                None => return Ok(()),
                Some(m) => m,
            },
            CertFileKind::PemCertificate | CertFileKind::DerCertificate => ONLY_PUBLIC.into(),
            CertFileKind::PemPrivateKey(k) => key_problem(k).unwrap_or_else(|| ONLY_KEY.into()),
            CertFileKind::DerPrivateKey => ONLY_KEY.into(),
            CertFileKind::PemOther(labels) => other_pem(labels),
            CertFileKind::Unknown => UNKNOWN.into(),
        };
        Err(Invalid(msg))
    }

    /// Whether this file is what the admin should upload under Certificates & secrets >
    /// Certificates (the public part only).
    pub fn for_upload(&self) -> Result<(), Invalid> {
        let msg = match self {
            CertFileKind::PemCertificate | CertFileKind::DerCertificate => return Ok(()),
            CertFileKind::PemCertificateAndKey(_)
            | CertFileKind::PemPrivateKey(_)
            | CertFileKind::DerPrivateKey => HAS_KEY_UPLOAD.into(),
            CertFileKind::Pfx => PFX_UPLOAD.into(),
            CertFileKind::PemOther(labels) => other_pem(labels),
            CertFileKind::Unknown => UNKNOWN.into(),
        };
        Err(Invalid(msg))
    }
}

fn other_pem(labels: &[String]) -> String {
    let what = if labels.iter().any(|l| l.contains("REQUEST")) {
        "a certificate signing request (CSR), not a certificate".to_string()
    } else if labels.iter().any(|l| l.ends_with("PUBLIC KEY")) {
        "a bare public key, not a certificate".to_string()
    } else {
        format!("'{}', not a certificate", labels.join("', '"))
    };
    format!(
        "This PEM file holds {what}. Choose the certificate's .pfx, or the PEM that contains 'BEGIN CERTIFICATE' (and 'PRIVATE KEY' to sign in)."
    )
}
