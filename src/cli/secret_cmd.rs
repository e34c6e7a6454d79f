//! `mailscope credential …` (also `mailscope secret …`): put a client secret into the OS keyring, report on it, delete it.

use std::io::{BufRead, IsTerminal, Read};

use mailscope::profile::{Profile, ProfileStore, validate};
use mailscope::secrets::{self, KeyringStore, Secret, SecretError, SecretSlot, SecretStore};

use super::args::SecretCommand;
use super::output::{
    EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, profile_exit_code, safe,
};

pub fn run(cmd: SecretCommand) -> u8 {
    let profiles = match ProfileStore::open_default() {
        Ok(s) => s,
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    let name = match &cmd {
        SecretCommand::Set(a) | SecretCommand::Status(a) | SecretCommand::Delete(a) => {
            a.profile.clone()
        }
        SecretCommand::Rotate(a) => return super::credential_lifecycle::rotate(a),
        SecretCommand::RetireOld(a) => return super::credential_lifecycle::retire_old(a),
        SecretCommand::Reveal(a) => return super::credential_lifecycle::reveal(a),
    };
    let profile = match profiles.load(&name) {
        Ok(p) => p,
        Err(e) => return fail(profile_exit_code(&e), e),
    };
    let keyring = KeyringStore::open();
    match cmd {
        SecretCommand::Set(_) => {
            let secret_id = profile
                .credential
                .as_ref()
                .and_then(|c| c.secret_id.as_deref());
            set(&keyring, &profile, secret_id)
        }
        SecretCommand::Status(_) => status(&keyring, &profile),
        // Handled above, before the profile is loaded here.
        SecretCommand::Rotate(_) | SecretCommand::RetireOld(_) | SecretCommand::Reveal(_) => {
            EXIT_USAGE
        }
        SecretCommand::Delete(_) => match secrets::delete_all_for(&keyring, &name) {
            Ok(0) => {
                println!(
                    "No secret was stored for '{}' in the {}.",
                    safe(&name),
                    keyring.backend()
                );
                EXIT_OK
            }
            Ok(n) => {
                println!(
                    "Deleted {n} secret(s) of '{}' from the {}.",
                    safe(&name),
                    keyring.backend()
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_CANNOT_RUN, e),
        },
    }
}

fn set(store: &dyn SecretStore, profile: &Profile, secret_id: Option<&str>) -> u8 {
    let name = &profile.name;
    if profile.tenant.is_none() || profile.client_id.is_none() {
        return fail(
            EXIT_USAGE,
            format!(
                "profile '{name}' has no tenant or client_id yet. A stored secret is bound to its tenant and app, so enter them first (the wizard's app registration step, or `mailscope profile export` / edit / import)."
            ),
        );
    }
    let value = match read_secret() {
        Ok(v) => v,
        Err(e) => return fail(EXIT_USAGE, e),
    };
    if let Err(e) = validate::client_secret(value.expose(), secret_id) {
        return fail(EXIT_USAGE, format!("not stored: {e}"));
    }
    let value = Secret::new(value.expose().trim());
    match secrets::store_client_secret(store, profile, &value) {
        Ok(()) => {
            println!(
                "Stored the client secret of '{}' in the {}, for tenant {} and app {} only.",
                safe(name),
                store.backend(),
                safe(profile.tenant.as_deref().unwrap_or("(not set yet)")),
                safe(profile.client_id.as_deref().unwrap_or("(not set yet)")),
            );
            EXIT_OK
        }
        Err(e) => fail(EXIT_CANNOT_RUN, e),
    }
}

/// The most read from piped standard input for a secret (a Value has 40 characters).
const MAX_SECRET_LINE: u64 = 64 * 1024;

/// Reads one line: from the terminal without echo, or from piped standard input.
fn read_secret() -> Result<Secret, String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Paste the client secret Value (input is hidden): ")
            .map(Secret::new)
            .map_err(|e| format!("could not read the secret: {e}"))
    } else {
        let mut line = zeroize::Zeroizing::new(String::new());
        let read = std::io::stdin()
            .lock()
            .take(MAX_SECRET_LINE)
            .read_line(&mut line)
            .map_err(|e| format!("could not read the secret from standard input: {e}"))?;
        if read as u64 >= MAX_SECRET_LINE && !line.ends_with('\n') {
            return Err(format!(
                "standard input holds no line break within {} KiB; give the secret Value (40 characters) on one line",
                MAX_SECRET_LINE / 1024
            ));
        }
        Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
    }
}

fn status(store: &dyn SecretStore, profile: &Profile) -> u8 {
    let env_set = std::env::var_os(secrets::CLIENT_SECRET_ENV).is_some_and(|v| !v.is_empty());
    if env_set {
        println!(
            "{} is set: runs use it instead of the keyring (it is never stored).",
            secrets::CLIENT_SECRET_ENV
        );
    }
    let mut code = EXIT_OK;
    for slot in SecretSlot::SECRETS {
        let what = slot.label();
        match secrets::bound_secret(store, profile, slot) {
            Ok(Some(_)) => println!("{what}: stored in the {}", store.backend()),
            Ok(None) if slot == SecretSlot::PreviousClientSecret => {}
            Ok(None) => println!("{what}: not stored"),
            Err(SecretError::Unbound { .. }) => println!(
                "{what}: stored in the {}, not yet bound to this profile's tenant and app (the next `mailscope check --profile {}` binds it)",
                store.backend(),
                safe(&profile.name)
            ),
            Err(e) => {
                println!("{what}: not usable ({})", safe(&e.to_string()));
                code = EXIT_FINDINGS;
            }
        }
    }
    code
}
