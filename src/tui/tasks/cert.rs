//! Certificates through `mailscope::credential`: generate or import, key into the keyring,
//! public part written for upload, thumbprints for the screen.

use std::path::Path;

use mailscope::credential;
use mailscope::preset;
use mailscope::profile::Profile;
use mailscope::secrets::{Secret, SecretStore};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::tui::msg::{CertInfo, CertTaskError};

/// The facts shown for a certificate the admin now holds.
fn cert_info(cert: &credential::PublicCertificate, cer_path: &Path) -> CertInfo {
    CertInfo {
        sha1: cert.thumbprints.sha1_hex.clone(),
        sha256: cert.thumbprints.sha256_hex.clone(),
        cer_path: std::path::absolute(cer_path)
            .unwrap_or_else(|_| cer_path.to_path_buf())
            .display()
            .to_string(),
        expires: Some(cert.expires()),
    }
}

/// Keeps the private key in the keyring, then writes the public `.cer` (never overwriting).
fn keep(
    profile: &Profile,
    cert: &credential::CertificateWithKey,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, CertTaskError> {
    if cer_path.as_os_str().is_empty() {
        return Err(CertTaskError::CerPath(
            "Enter where to write the public .cer file.".into(),
        ));
    }
    if cer_path.exists() {
        return Err(credential::CredentialError::FileExists(cer_path.display().to_string()).into());
    }
    credential::store_private_key(secrets, profile, &cert.private_key)?;
    credential::write_public_certificate(cer_path, &cert.certificate.der, false)
        .map_err(|e| CertTaskError::CerPath(e.to_string()))?;
    Ok(cert_info(&cert.certificate, cer_path))
}

/// Generates a self-signed certificate, keeps the key in the keyring, writes the public part.
pub fn generate_certificate(
    profile: &Profile,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, CertTaskError> {
    let preset =
        preset::preset(profile.preset).map_err(|e| CertTaskError::Source(e.to_string()))?;
    let name = profile.app_name.clone().unwrap_or(preset.default_app_name);
    let months = preset
        .secret_lifetime_months
        .clamp(1, credential::MAX_VALID_MONTHS);
    let cert = credential::generate(&name, months, OffsetDateTime::now_utc())?;
    keep(profile, &cert, cer_path, secrets)
}

/// Imports a PEM (certificate and key) or PFX file, keeps the key, writes the public part.
pub fn import_certificate(
    profile: &Profile,
    path: &Path,
    password: &Secret,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, CertTaskError> {
    let bytes = Zeroizing::new(
        mailscope::fsutil::read_regular(path, mailscope::fsutil::MAX_CREDENTIAL_BYTES)
            .map_err(|e| CertTaskError::Source(format!("{}: {e}", path.display())))?,
    );
    let today = OffsetDateTime::now_utc().date();
    let cert = match credential::inspect_file(&bytes) {
        credential::CertFileKind::Pfx => credential::import_pfx(&bytes, password, today),
        _ => credential::import_pem(&bytes, today),
    }?;
    keep(profile, &cert, cer_path, secrets)
}
