//! The library parts the wizard calls through the runner: each function is the single place a
//! screen meets its engine (Graph checks and tokens, certificates, PowerShell).

mod cert;
pub(crate) mod checks;
pub(crate) mod entra;
mod entra_words;

pub use cert::{generate_certificate, import_certificate};
pub use checks::{ChecksRequest, run_checks, verify_token};

use mailscope::powershell;
use mailscope::preset;
use mailscope::profile::Profile;

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

#[cfg(test)]
mod entra_tests;
#[cfg(test)]
mod tests;
