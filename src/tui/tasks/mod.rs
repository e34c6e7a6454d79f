//! The library parts the wizard calls through the runner: each function is the single place a
//! screen meets its engine (Graph checks and tokens, certificates, PowerShell).

mod cert;
pub(crate) mod checks;
pub(crate) mod entra;
mod entra_words;
pub(crate) mod exchange;
mod exchange_words;
mod online;

pub use cert::{generate_certificate, import_certificate};
pub use checks::{ChecksRequest, run_checks, verify_token};
pub use online::read_online;

use mailscope::powershell;
use mailscope::secrets::SecretStore;

use crate::tui::effect::DoItArea;
use crate::tui::entra_msg::{Applied, DoItReply, Failure, PlanSummary, Progress};

/// The plan "Do it for me" showed, with the admin's session (memory only).
pub enum Prepared {
    Entra(Box<entra::Prepared>),
    Exchange(Box<exchange::Prepared>),
}

/// Signs in (or resumes), reads and plans for `area`.
pub async fn prepare(
    area: DoItArea,
    profile: Profile,
    secrets: &dyn SecretStore,
    device_code: bool,
    send: &(dyn Fn(DoItReply) + Send + Sync),
) -> Result<Prepared, Failure> {
    Ok(match area {
        DoItArea::Entra => Prepared::Entra(Box::new(
            entra::prepare(profile, secrets, device_code, send).await?,
        )),
        DoItArea::Exchange => Prepared::Exchange(Box::new(
            exchange::prepare(profile, secrets, device_code, send).await?,
        )),
    })
}

impl Prepared {
    /// The plan in words, for the confirm screen.
    pub fn summary(&self) -> PlanSummary {
        match self {
            Prepared::Entra(p) => entra::summary(p),
            Prepared::Exchange(p) => exchange::summary(p),
        }
    }

    /// Carries out the plan, then proves it; `on_progress` sees each step.
    pub async fn execute(
        self,
        store: &mailscope::profile::ProfileStore,
        secrets: &dyn SecretStore,
        on_progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Applied, Failure> {
        match self {
            Prepared::Entra(p) => {
                let retry = mailscope::entra::retry::RetryPolicy::from_env();
                entra::execute(&p, store, secrets, retry, on_progress).await
            }
            Prepared::Exchange(p) => exchange::execute(*p, store, on_progress).await,
        }
    }
}
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
