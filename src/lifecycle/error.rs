//! Why a rotation or retirement could not go ahead, in words with the fix. Never carries a
//! secret or a token.

use std::fmt;

use crate::changes::ChangesError;
use crate::credential::CredentialError;
use crate::entra::EntraError;
use crate::entra::write::WriteError;
use crate::exchange::ExchangeError;
use crate::profile::ProfileError;
use crate::secrets::SecretError;

/// A lifecycle command that stopped.
#[derive(Debug)]
pub enum LifecycleError {
    /// The profile lacks what the command needs (`what`: tenant, client ID, a secret, …).
    Profile { profile: String, what: String },
    /// A rotation's previous secret is still in Entra: retire it before rotating again.
    PreviousPending { profile: String, key_id: String },
    /// Nothing to retire.
    NothingToRetire { profile: String },
    /// The tenant could not be read (no remembered sign-in among the reasons).
    Entra(Box<EntraError>),
    /// A Graph write was refused.
    Write(Box<WriteError>),
    /// The keyring refused.
    Keyring(SecretError),
    /// A certificate could not be made, read, written or used.
    Certificate(CredentialError),
    /// The preset's vendor does not accept this kind of credential.
    NotAccepted { profile: String, vendor: String },
    /// The change record could not be written: no change is made unrecorded.
    Record(ChangesError),
    /// The profile could not be saved.
    Save(ProfileError),
    /// An Exchange removal failed (offboard); the ones before it are done and recorded.
    Exchange {
        profile: String,
        error: Box<ExchangeError>,
    },
}

impl LifecycleError {
    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            LifecycleError::Profile { profile, .. } => format!(
                "Complete the profile first (`mailscope entra apply --profile {profile}`, or the wizard)."
            ),
            LifecycleError::PreviousPending { profile, .. } => format!(
                "Once the vendor uses the current secret, run `mailscope credential retire-old --profile {profile}`, then rotate again."
            ),
            LifecycleError::NothingToRetire { profile } => format!(
                "`mailscope credential rotate --profile {profile}` adds a new secret and keeps the old one until retire-old."
            ),
            LifecycleError::Entra(e) => e.fix(),
            LifecycleError::Write(e) => e.fix(),
            LifecycleError::Certificate(_) => "Generate or import the certificate again (mailscope checks that the key belongs to it), then run the command again.".into(),
            LifecycleError::NotAccepted { profile, .. } => format!(
                "Keep the client secret and rotate it with `mailscope credential rotate --profile {profile}`."
            ),
            LifecycleError::Keyring(_) => "Make the OS keyring reachable and unlocked, then run the command again.".into(),
            LifecycleError::Record(_) => "Make the profile folder writable (mailscope records every change it makes beside the profile), then run the command again.".into(),
            LifecycleError::Save(_) => "Make the profile folder writable, then run `mailscope entra inspect --profile NAME` to see where the app stands.".into(),
            LifecycleError::Exchange { profile, error } => error.fix_for(profile),
        }
    }
}

impl fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LifecycleError::Profile { profile, what } => {
                write!(f, "profile '{profile}' has no {what}")
            }
            LifecycleError::PreviousPending { profile, key_id } => write!(
                f,
                "profile '{profile}' still keeps the secret {key_id} that the last rotation replaced"
            ),
            LifecycleError::NothingToRetire { profile } => write!(
                f,
                "profile '{profile}' keeps no previous secret: nothing to retire"
            ),
            LifecycleError::Entra(e) => write!(f, "{e}"),
            LifecycleError::Write(e) => write!(f, "{e}"),
            LifecycleError::Keyring(e) => write!(f, "{e}"),
            LifecycleError::Certificate(e) => write!(f, "{e}"),
            LifecycleError::NotAccepted { profile, vendor } => write!(
                f,
                "profile '{profile}': {vendor} accepts only client secrets for this integration (its preset names no certificate)"
            ),
            LifecycleError::Record(e) => write!(f, "{e}"),
            LifecycleError::Save(e) => write!(f, "could not save the profile: {e}"),
            LifecycleError::Exchange { error, .. } => write!(f, "Exchange: {error}"),
        }
    }
}

impl std::error::Error for LifecycleError {}

impl From<EntraError> for LifecycleError {
    fn from(e: EntraError) -> Self {
        LifecycleError::Entra(Box::new(e))
    }
}

impl From<WriteError> for LifecycleError {
    fn from(e: WriteError) -> Self {
        LifecycleError::Write(Box::new(e))
    }
}

impl From<SecretError> for LifecycleError {
    fn from(e: SecretError) -> Self {
        LifecycleError::Keyring(e)
    }
}

impl From<ChangesError> for LifecycleError {
    fn from(e: ChangesError) -> Self {
        LifecycleError::Record(e)
    }
}

impl From<CredentialError> for LifecycleError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Store(s) => LifecycleError::Keyring(s),
            other => LifecycleError::Certificate(other),
        }
    }
}
