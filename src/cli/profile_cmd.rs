//! `mailscope profile …`: list, show, import, export and delete onboarding profiles.

use mailscope::profile::{ProfileError, ProfileStore};
use mailscope::secrets::{self, KeyringStore};

use super::args::ProfileCommand;
use super::output::{
    EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, fail, profile_exit_code, safe, safe_text,
};

pub fn run(cmd: ProfileCommand) -> u8 {
    let store = match ProfileStore::open_default() {
        Ok(s) => s,
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    match cmd {
        ProfileCommand::List => list(&store),
        ProfileCommand::Show { name } => match store.export(&name) {
            Ok(text) => {
                print!("{}", safe_text(&text));
                EXIT_OK
            }
            Err(e) => fail(profile_exit_code(&e), e),
        },
        ProfileCommand::Import { file } => match store.import(&file) {
            Ok(p) => {
                println!(
                    "Imported profile '{}' ({}).",
                    safe(&p.name),
                    p.preset.as_str()
                );
                EXIT_OK
            }
            Err(e) => fail(profile_exit_code(&e), e),
        },
        ProfileCommand::Export { name, file } => export(&store, &name, file.as_deref()),
        ProfileCommand::Delete { name, force } => delete(&store, &name, force),
    }
}

fn list(store: &ProfileStore) -> u8 {
    match store.list() {
        Ok(names) if names.is_empty() => {
            eprintln!(
                "No profiles yet in {}. Run `mailscope` to start an onboarding, or `mailscope profile import FILE`.",
                safe(&store.dir().display().to_string())
            );
            EXIT_OK
        }
        Ok(names) => {
            for n in names {
                println!("{}", safe(&n));
            }
            EXIT_OK
        }
        Err(e) => fail(profile_exit_code(&e), e),
    }
}

fn export(store: &ProfileStore, name: &str, file: Option<&std::path::Path>) -> u8 {
    let text = match store.export(name) {
        Ok(t) => t,
        Err(e) => return fail(profile_exit_code(&e), e),
    };
    match file {
        None => {
            print!("{}", safe_text(&text));
            EXIT_OK
        }
        Some(path) => match mailscope::fsutil::write_private(path, text.as_bytes()) {
            Ok(()) => {
                eprintln!(
                    "Exported '{}' to {} (no secrets are included).",
                    safe(name),
                    safe(&path.display().to_string())
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_CANNOT_RUN, format!("{}: {e}", path.display())),
        },
    }
}

fn delete(store: &ProfileStore, name: &str, force: bool) -> u8 {
    if !store.exists(name) {
        return fail(EXIT_USAGE, ProfileError::NotFound(name.to_string()));
    }
    let keyring = KeyringStore::open();
    let removed = match secrets::delete_all_for(&keyring, name) {
        Ok(n) => n,
        Err(e) if force => {
            eprintln!(
                "mailscope: warning: could not remove this profile's keyring entries: {}",
                safe_text(&e.to_string())
            );
            0
        }
        Err(e) => {
            return fail(
                EXIT_CANNOT_RUN,
                format!(
                    "profile '{name}' was not deleted, because its secrets could not be removed from the keyring: {e}\nRun again with --force to delete the profile file anyway."
                ),
            );
        }
    };
    match store.delete(name) {
        Ok(()) => {
            println!(
                "Deleted profile '{}' and {removed} keyring entr{}.",
                safe(name),
                if removed == 1 { "y" } else { "ies" }
            );
            EXIT_OK
        }
        Err(e) => fail(profile_exit_code(&e), e),
    }
}
