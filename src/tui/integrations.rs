//! The library parts the wizard calls through the runner. Each function is the single place a
//! screen meets its engine; the ones whose engine is not in this build say so plainly.

use std::path::Path;
use std::sync::Arc;

use mailscope::credential;
use mailscope::powershell;
use mailscope::preset;
use mailscope::profile::Profile;
use mailscope::secrets::{Secret, SecretStore};
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use zeroize::Zeroizing;

use super::msg::{CertInfo, Msg, Reply, RunId};
use super::screens::checks::Capability;

fn not_in_build(what: &str) -> String {
    format!("{what} is not part of this build of mailscope yet.")
}

/// Gets a token with the profile's credential; Ok: the `roles` it carries.
pub async fn verify_token(
    _profile: Profile,
    _secrets: Arc<dyn SecretStore>,
) -> Result<Vec<String>, String> {
    Err(not_in_build("Token verification"))
}

/// The Exchange Online PowerShell (group, members, scoping) for the profile.
pub fn scoping_script(profile: &Profile) -> Result<String, String> {
    let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
    powershell::script_for(profile, &preset, powershell::Part::Exchange, None).map_err(|e| {
        let text = e.to_string();
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".")
            .unwrap_or_default()
    })
}

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
) -> Result<CertInfo, String> {
    if cer_path.as_os_str().is_empty() {
        return Err("Enter where to write the public .cer file.".into());
    }
    if cer_path.exists() {
        return Err(
            credential::CredentialError::FileExists(cer_path.display().to_string()).to_string(),
        );
    }
    credential::store_private_key(secrets, &profile.name, &cert.private_key)
        .map_err(|e| e.to_string())?;
    credential::write_public_certificate(cer_path, &cert.certificate.der, false)
        .map_err(|e| e.to_string())?;
    Ok(cert_info(&cert.certificate, cer_path))
}

/// Generates a self-signed certificate, keeps the key in the keyring, writes the public part.
pub fn generate_certificate(
    profile: &Profile,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
    let name = profile.app_name.clone().unwrap_or(preset.default_app_name);
    let months = preset
        .secret_lifetime_months
        .clamp(1, credential::MAX_VALID_MONTHS);
    let cert = credential::generate(&name, months, OffsetDateTime::now_utc())
        .map_err(|e| e.to_string())?;
    keep(profile, &cert, cer_path, secrets)
}

/// Imports a PEM (certificate and key) or PFX file, keeps the key, writes the public part.
pub fn import_certificate(
    profile: &Profile,
    path: &Path,
    password: &Secret,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    let today = OffsetDateTime::now_utc().date();
    let cert = match credential::inspect_file(&bytes) {
        credential::CertFileKind::Pfx => credential::import_pfx(&bytes, password, today),
        _ => credential::import_pem(&bytes, today),
    }
    .map_err(|e| e.to_string())?;
    keep(profile, &cert, cer_path, secrets)
}

/// Runs the checks, sending a `Reply` per cell, until done or `cancel` turns true.
pub async fn run_checks(
    run: RunId,
    _profile: Profile,
    _cells: Option<Vec<(usize, Capability)>>,
    _secrets: Arc<dyn SecretStore>,
    tx: UnboundedSender<Msg>,
    _cancel: watch::Receiver<bool>,
) {
    let _ = tx.send(Msg::Reply(Reply::ChecksFinished(
        run,
        Err(not_in_build("The live-check engine")),
    )));
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::profile::{Cloud, PresetId};
    use mailscope::secrets::{MemoryStore, SecretSlot};

    #[test]
    fn a_generated_certificate_keeps_its_key_in_the_store_and_only_the_public_part_on_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cer = dir.path().join("elegere.cer");
        let store = MemoryStore::new();
        let profile = Profile::new("contoso-elegere", PresetId::Elegere, Cloud::Global);
        let info = generate_certificate(&profile, &cer, &store).expect("generated");
        assert_eq!(info.sha1.len(), 40);
        assert_eq!(info.sha256.len(), 64);
        let text = std::fs::read_to_string(&cer).expect("cer written");
        assert!(text.contains("BEGIN CERTIFICATE") && !text.contains("PRIVATE KEY"));
        assert!(
            store
                .get("contoso-elegere", SecretSlot::PrivateKey)
                .expect("get")
                .is_some()
        );
        let again = generate_certificate(&profile, &cer, &store).expect_err("no overwrite");
        assert!(again.contains("already exists"), "{again}");
        let no_key = import_certificate(
            &profile,
            &cer,
            &Secret::new(""),
            &dir.path().join("x.cer"),
            &store,
        )
        .expect_err("a .cer has no key");
        assert!(!no_key.is_empty());
    }
}
