//! Generated PowerShell for the steps an admin runs by hand: Exchange Online scoping and,
//! for admins who prefer a script to portal clicks, the Entra app registration.
//!
//! Every value from the profile or preset reaches a script through [`quote::quote`] and sits in
//! a variable in one block at the top; the code below it is constant text that only refers to
//! those variables, so no value can change what the script does. Scripts are idempotent (each
//! create is guarded by a lookup), commented block by block, Windows PowerShell 5.1 compatible,
//! ASCII-only, and take `-WhatIf` for a dry run.
//!
//! The cmdlet-level facts the scripts rely on (parameter sets, required parameters, switches,
//! output property names), each with its Microsoft reference page, are recorded once in
//! `cmdlet_facts.toml` beside this module; `tests/powershell.rs` checks every script against it.

mod aap;
mod entra;
mod exchange;
mod inputs;
pub mod permission_ids;
pub mod quote;
mod rbac;
mod script;

use crate::preset::Preset;
use crate::profile::{Profile, ScopeMechanism};

pub use inputs::{exchange_environment, graph_environment};
pub use script::ScriptValue;

use inputs::Inputs;
use script::Script;

/// Which part of the setup a script covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Shared mailboxes, the mail-enabled security group and the mailbox scoping.
    Exchange,
    /// The app registration, its permissions, consent and credential (Microsoft Graph PowerShell).
    Entra,
    /// Entra first, then Exchange, in one script.
    All,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Exchange, Part::Entra, Part::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Exchange => "exchange",
            Part::Entra => "entra",
            Part::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Why a script cannot be written yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the profile has no {what} yet: {hint}")]
    Missing {
        what: &'static str,
        hint: &'static str,
    },
    #[error(
        "mailscope does not know Microsoft's ID for the {kind} permission {name}; add it in the portal under API permissions instead"
    )]
    UnknownPermission { name: String, kind: &'static str },
}

/// A generated script and the values written into it, in order of appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedScript {
    pub text: String,
    pub values: Vec<ScriptValue>,
}

/// The script for `part` of `profile`'s setup. `mechanism` overrides the profile's (and the
/// preset's) choice of scoping.
pub fn script_for(
    profile: &Profile,
    preset: &Preset,
    part: Part,
    mechanism: Option<ScopeMechanism>,
) -> Result<String, ScriptError> {
    generate(profile, preset, part, mechanism).map(|g| g.text)
}

/// Writes a generated script to `path` (atomically; readable by its owner only, as it names
/// the tenant and the app). Without `--out`, callers print the text instead.
pub fn write_script(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    crate::fsutil::write_private(path, text.as_bytes())
}

/// Like [`script_for`], also returning the values written into the script.
pub fn generate(
    profile: &Profile,
    preset: &Preset,
    part: Part,
    mechanism: Option<ScopeMechanism>,
) -> Result<GeneratedScript, ScriptError> {
    // Optional permissions the admin did not choose are neither requested nor scoped.
    let preset = preset.narrowed(&profile.optional_permissions);
    let inputs = Inputs::resolve(profile, &preset, mechanism);
    require(&inputs, part)?;
    let mut s = Script::new();
    header(&mut s, &inputs, part);
    s.section("The values this script works with (written by mailscope from the profile)");
    if part != Part::Exchange {
        entra::values(&mut s, &inputs)?;
    }
    if part != Part::Entra {
        exchange::values(&mut s, &inputs, part == Part::All);
    }
    if part != Part::Exchange {
        entra::body(&mut s, &inputs);
    }
    if part != Part::Entra {
        exchange::body(&mut s, &inputs);
    }
    s.section("Done");
    say(
        &mut s,
        "Finished. Run the script again at any time: existing objects are reused.",
    );
    let (text, values) = s.finish();
    Ok(GeneratedScript { text, values })
}

fn require(inputs: &Inputs<'_>, part: Part) -> Result<(), ScriptError> {
    let exchange_alone = part == Part::Exchange && inputs.scoping_applies;
    if exchange_alone && inputs.profile.client_id.is_none() {
        return Err(ScriptError::Missing {
            what: "Application (client) ID",
            hint: "register the app first (or generate the script with --part all), then enter the ID from the app's Overview page",
        });
    }
    if exchange_alone && inputs.rbac() && inputs.profile.service_principal_id.is_none() {
        return Err(ScriptError::Missing {
            what: "service principal object ID",
            hint: "copy the Object ID from Enterprise applications > the app > Overview (not from App registrations)",
        });
    }
    let certificate = inputs.credential == crate::profile::CredentialKind::Certificate;
    let cert_file = inputs
        .profile
        .credential
        .as_ref()
        .and_then(|c| c.cert_file.as_ref());
    if part != Part::Exchange && certificate && cert_file.is_none() {
        return Err(ScriptError::Missing {
            what: "certificate file",
            hint: "create or choose the certificate first; the script uploads its public part (.cer or .pem)",
        });
    }
    Ok(())
}

fn header(s: &mut Script, inputs: &Inputs<'_>, part: Part) {
    let what = match part {
        Part::Exchange => "Exchange Online mailbox scoping",
        Part::Entra => "Entra app registration",
        Part::All => "Entra app registration and Exchange Online mailbox scoping",
    };
    s.comment(&format!("{what} for {}", inputs.preset.product));
    s.comment(&format!(
        "Written by mailscope for the profile {}.",
        inputs.profile.name
    ));
    s.comment("");
    s.comment(
        "Runs in Windows PowerShell 5.1 and PowerShell 7. Every step first looks for what it",
    );
    s.comment("would create and reuses it, so running the script twice is safe.");
    s.comment("Dry run (shows what would change, changes nothing): .\\script.ps1 -WhatIf");
    s.line("param(");
    s.line("    [switch]$WhatIf");
    s.line(")");
    s.blank();
    s.line("$ErrorActionPreference = [System.Management.Automation.ActionPreference]::Stop");
}

/// `Write-Host <constant text>`; the text is quoted like any value.
pub(crate) fn say(s: &mut Script, text: &str) {
    s.line_q("Write-Host ", text, "");
}

/// `Write-Warning <constant text>`.
pub(crate) fn warn(s: &mut Script, text: &str) {
    s.line_q("Write-Warning ", text, "");
}

/// The Exchange names and values a profile's scoping uses, resolved exactly as the generated
/// script resolves them, so `mailscope exchange apply` and the script create the same objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopingNames {
    /// Whether mailbox scoping applies at all (not to delegated-only apps).
    pub applies: bool,
    pub mechanism: ScopeMechanism,
    pub app_name: String,
    pub group_name: String,
    pub group_alias: String,
    /// Empty when the profile names none (Exchange picks the address).
    pub group_address: String,
    pub description: String,
    /// Exchange roles for the application permissions (RBAC for Applications).
    pub roles: Vec<String>,
    /// Graph app-role IDs of the permissions RBAC grants in Exchange instead of Entra.
    pub scoped_graph_role_ids: Vec<String>,
}

/// [`ScopingNames`] for `profile` (optional permissions it did not choose left out);
/// `mechanism` overrides the profile's and the preset's.
pub fn scoping_names(
    profile: &Profile,
    preset: &Preset,
    mechanism: Option<ScopeMechanism>,
) -> ScopingNames {
    let preset = preset.narrowed(&profile.optional_permissions);
    let i = Inputs::resolve(profile, &preset, mechanism);
    ScopingNames {
        applies: i.scoping_applies,
        mechanism: i.mechanism,
        app_name: i.app_name.clone(),
        group_name: i.group_name.clone(),
        group_alias: i.group_alias.clone(),
        group_address: i.group_address.clone(),
        description: i.description.clone(),
        roles: i.exchange_roles(),
        scoped_graph_role_ids: i.scoped_graph_role_ids(),
    }
}
