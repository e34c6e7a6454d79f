//! The library parts the wizard calls through the runner. Each function is the single place a
//! screen meets its engine; the ones whose engine is not in this build say so plainly.

use std::path::Path;
use std::sync::Arc;

use mailscope::profile::Profile;
use mailscope::secrets::SecretStore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

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

/// The scoping PowerShell for the profile.
pub fn scoping_script(_profile: &Profile) -> Result<String, String> {
    Err(not_in_build("PowerShell generation"))
}

/// Generates a self-signed certificate, writes its public part, keeps the key in the keyring.
pub fn generate_certificate(
    _profile: &Profile,
    _cer_path: &Path,
    _secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    Err(not_in_build("Certificate generation"))
}

/// Imports a PEM/PFX certificate with its private key.
pub fn import_certificate(
    _profile: &Profile,
    _path: &Path,
    _secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    Err(not_in_build("Certificate import"))
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
