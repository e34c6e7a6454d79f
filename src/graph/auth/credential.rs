//! The profile's credential for a run: the secret (environment or keyring) or the certificate
//! (public part from `cert_file`, private key from the keyring).

use std::path::Path;

use super::assertion::CertificateCredential;
use super::secret::Credential;
use crate::credential::load_signing_material;
use crate::profile::{CredentialKind, Profile};
use crate::secrets::{self, SecretError, SecretSlot, SecretStore};

/// Why the checks cannot start: the profile or the secret store is not ready.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Incomplete(String),
    #[error("secret store: {0}")]
    Secret(#[from] SecretError),
}

/// Loads the credential the profile names.
pub fn load_credential(
    profile: &Profile,
    store: &dyn SecretStore,
) -> Result<Credential, SetupError> {
    let info = profile.credential.as_ref().ok_or_else(|| {
        SetupError::Incomplete(format!(
            "profile {} has no credential yet; finish the credential step first",
            profile.name
        ))
    })?;
    match info.kind {
        CredentialKind::Secret => match secrets::client_secret(store, profile)? {
            Some((s, _)) => Ok(Credential::Secret(s)),
            None => Err(SetupError::Incomplete(format!(
                "no client secret stored for profile {}: run `mailscope credential set --profile {}` or set {}",
                profile.name,
                profile.name,
                secrets::CLIENT_SECRET_ENV
            ))),
        },
        CredentialKind::Certificate => {
            let path = info.cert_file.as_ref().ok_or_else(|| {
                SetupError::Incomplete(format!(
                    "profile {} uses a certificate but names no cert_file",
                    profile.name
                ))
            })?;
            let key = secrets::bound_secret(store, profile, SecretSlot::PrivateKey)?
                .ok_or_else(|| {
                    SetupError::Incomplete(format!(
                        "no private key stored for profile {}; import the certificate with its key again",
                        profile.name
                    ))
                })?;
            let material = load_signing_material(Path::new(path), key)
                .map_err(|e| SetupError::Incomplete(format!("{path}: {e}")))?;
            let cred = CertificateCredential::new(&material)
                .map_err(|e| SetupError::Incomplete(format!("profile {}: {e}", profile.name)))?;
            Ok(Credential::Certificate(cred))
        }
    }
}
