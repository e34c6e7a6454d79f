//! `mailscope credential rotate | retire-old | reveal`: the lifecycle of a profile's client
//! secret on the admin's remembered sign-in ([`mailscope::lifecycle`] does the work; this asks,
//! prints progress and hands the Value over only when asked: `reveal` prints it to a terminal
//! only, `--copy` puts it on the clipboard).

use std::io::{BufRead, IsTerminal, Write};

use mailscope::entra::retry::RetryPolicy;
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::lifecycle::last_used::{LastUse, RECENT_HOURS, last_use};
use mailscope::lifecycle::retire::previous_of;
use mailscope::lifecycle::{
    Ctx, LifecycleError, Progress, Rotation, retire_old as retire, rotate as rot,
};
use mailscope::preset::{self, Preset};
use mailscope::profile::{CredentialKind, Profile, ProfileStore};
use mailscope::secrets::{self, KeyringStore, SecretSlot, SecretStore};

use super::args::{ConfirmArg, RevealArg, RotateArg};
use super::output::{
    EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, profile_exit_code, safe,
};

/// The profile store, the profile and its preset.
pub(super) fn load(name: &str) -> Result<(ProfileStore, Profile, Preset), u8> {
    let store = ProfileStore::open_default().map_err(|e| fail(EXIT_CANNOT_RUN, e))?;
    let profile = store
        .load(name)
        .map_err(|e| fail(profile_exit_code(&e), e))?;
    let preset = preset::preset(profile.preset).map_err(|e| fail(EXIT_CANNOT_RUN, e))?;
    Ok((store, profile, preset))
}

/// Asks `question` on the terminal; `--yes` answers for a script.
fn confirmed(question: &str, yes: bool) -> Result<bool, u8> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            EXIT_USAGE,
            "standard input is not a terminal, so mailscope cannot ask; add --yes to go ahead",
        ));
    }
    print!("{} [y/N] ", safe(question));
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// Asks; `Some(exit code)` when not going ahead.
pub(super) fn ask(question: &str, yes: bool) -> Option<u8> {
    match confirmed(question, yes) {
        Ok(true) => None,
        Ok(false) => {
            println!("Nothing changed.");
            Some(EXIT_OK)
        }
        Err(code) => Some(code),
    }
}

/// The exit code of a step that ran (or could not start): `done` prints a success.
pub(super) fn finish<T>(
    name: &str,
    out: Result<Result<T, LifecycleError>, u8>,
    done: impl FnOnce(T) -> u8,
) -> u8 {
    match out {
        Err(code) => code,
        Ok(Err(e)) => stopped(name, &e),
        Ok(Ok(r)) => done(r),
    }
}

pub(super) fn show(p: Progress) {
    match p {
        Progress::Doing(line) => println!("  {}", safe(&line)),
        Progress::Waiting(w) => println!("  {}", safe(&w.line())),
    }
}

pub(super) fn stopped(name: &str, e: &LifecycleError) -> u8 {
    let code = match e {
        LifecycleError::Profile { .. }
        | LifecycleError::PreviousPending { .. }
        | LifecycleError::NotAccepted { .. } => EXIT_USAGE,
        LifecycleError::NothingToRetire { .. } => EXIT_OK,
        _ => EXIT_CANNOT_RUN,
    };
    let text = format!("{name}: {e}\n  Fix: {}", e.fix());
    if code == EXIT_OK {
        println!("{}", safe(&text));
        code
    } else {
        fail(code, text)
    }
}

/// Runs a lifecycle step with the keyring, the profile's endpoints and a runtime.
pub(super) fn with_ctx<T>(
    name: &str,
    store: &ProfileStore,
    profile: &Profile,
    work: impl AsyncFnOnce(&Ctx<'_>) -> T,
) -> Result<T, u8> {
    let endpoints = CloudEndpoints::from_profile(profile)
        .map_err(|e| fail(EXIT_USAGE, format!("{name}: {e}")))?;
    let http = endpoints
        .http_client(std::time::Duration::from_secs(30))
        .map_err(|e| fail(EXIT_USAGE, format!("{name}: {e}")))?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")))?;
    let keyring = KeyringStore::open();
    let ctx = Ctx {
        profiles: store,
        secrets: &keyring,
        endpoints: &endpoints,
        http: &http,
        retry: RetryPolicy::from_env(),
    };
    Ok(runtime.block_on(work(&ctx)))
}

/// `credential rotate`.
pub fn rotate(r: &RotateArg) -> u8 {
    let name = "credential rotate";
    let a = &r.confirm;
    let (store, mut profile, preset) = match load(&a.profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if profile
        .credential
        .as_ref()
        .is_some_and(|c| c.kind == CredentialKind::Certificate)
    {
        return super::credential_cert::rotate(r, &store, profile, &preset);
    }
    if r.import.is_some() {
        return fail(
            EXIT_USAGE,
            "credential rotate: --import is for certificate profiles; this profile uses a client secret (`mailscope credential switch --to certificate` moves it to a certificate)",
        );
    }
    let question = format!(
        "Add a new client secret to app {} in tenant {}? The current one stays valid until `credential retire-old`.",
        profile.client_id.as_deref().unwrap_or("(none)"),
        profile.tenant.as_deref().unwrap_or("(none)")
    );
    if let Some(code) = ask(&question, a.yes) {
        return code;
    }
    let out = with_ctx(name, &store, &profile.clone(), async |ctx| {
        rot(ctx, &mut profile, &preset, &mut show).await
    });
    finish(name, out, |r| rotated(&r, &profile, &preset))
}

fn rotated(r: &Rotation, profile: &Profile, preset: &Preset) -> u8 {
    let n = safe(&profile.name);
    match r {
        Rotation::Rotated {
            new_key_id,
            expires,
            lifetime_days,
            capped_by_policy,
            old_key_id,
            old_value_kept,
            proof,
        } => {
            let cap = if *capped_by_policy {
                ", the tenant's app management policy limit"
            } else {
                ""
            };
            println!(
                "Rotated: new secret {} expires {expires} ({lifetime_days} days{cap}).",
                safe(new_key_id)
            );
            proven(proof);
            println!(
                "The keyring holds the new secret for '{n}' (`mailscope check` uses it). The old secret {} stays valid in Entra{}.",
                safe(old_key_id.as_deref().unwrap_or("(unknown)")),
                if *old_value_kept {
                    " and its Value stays in the keyring"
                } else {
                    ""
                }
            );
            println!(
                "Next: give the new Value to {} at: {}. `mailscope credential reveal --profile {n}` shows it (--copy copies it).",
                safe(&preset.product),
                safe(&preset.vendor_settings.location)
            );
            println!(
                "Once {} uses it: `mailscope credential retire-old --profile {n}`.",
                safe(&preset.product)
            );
            EXIT_OK
        }
        Rotation::ProofFailed {
            reason,
            new_key_id,
            removed,
        } => {
            println!(
                "The new secret did not prove itself: {}. Nothing changed for '{n}': the current secret stays in use.",
                safe(reason)
            );
            if *removed {
                println!("The new secret {} was removed again.", safe(new_key_id));
            } else {
                println!(
                    "The new secret {} could not be removed: delete it under App registrations > Certificates & secrets in the Entra admin center.",
                    safe(new_key_id)
                );
            }
            EXIT_FINDINGS
        }
    }
}

/// What the proof of a new secret or certificate established, in one line.
pub(super) fn proven(proof: &mailscope::lifecycle::proof::Proof) {
    let read = proof
        .mailbox
        .as_deref()
        .map(|m| format!(", then read {m}"))
        .unwrap_or_default();
    println!(
        "Proven: its token carries {}{}.",
        safe(&proof.roles.join(", ")),
        safe(&read)
    );
}

/// `credential retire-old`.
pub fn retire_old(a: &ConfirmArg) -> u8 {
    let name = "credential retire-old";
    let (store, mut profile, preset) = match load(&a.profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let key_id = match previous_of(&profile) {
        Ok(k) => k,
        Err(e) => return stopped(name, &e),
    };
    let used = match with_ctx(name, &store, &profile, async |ctx| {
        last_use(ctx, &profile, &preset, &key_id).await
    }) {
        Ok(u) => u,
        Err(code) => return code,
    };
    let now = time::OffsetDateTime::now_utc();
    println!("{}", safe(&last_use_line(&profile, &key_id, &used, now)));
    if used.recent(now) {
        println!(
            "Warning: it was used within the last {RECENT_HOURS} hours: {} may still use it.",
            safe(&preset.product)
        );
    }
    let question = format!(
        "Remove it from Entra? Only once {} uses the new {}: anything still using the old one fails to sign in.",
        preset.product,
        noun(&profile)
    );
    if let Some(code) = ask(&question, a.yes) {
        return code;
    }
    let out = with_ctx(name, &store, &profile.clone(), async |ctx| {
        retire(ctx, &mut profile, &preset, &mut show).await
    });
    finish(name, out, |r| {
        let entra = if r.removed_from_entra {
            "Removed it from Entra"
        } else {
            "It was already gone from Entra"
        };
        let keyring = if r.value_deleted {
            " and deleted its Value or key from the keyring"
        } else {
            ""
        };
        println!(
            "{entra}{keyring}; '{}' keeps only the new {}.",
            safe(&profile.name),
            noun(&profile)
        );
        EXIT_OK
    })
}

/// When the old credential was last used, in words; a recent use is a warning.
fn last_use_line(
    profile: &Profile,
    key_id: &str,
    used: &LastUse,
    now: time::OffsetDateTime,
) -> String {
    let old = format!("The old {} ({key_id})", noun(profile));
    let at = |t: time::OffsetDateTime| {
        let t = t.replace_nanosecond(0).unwrap_or(t);
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    match used {
        LastUse::Used(t) => {
            let days = (now - *t).whole_days();
            format!(
                "{old} was last used to sign in at {} ({days} days ago).",
                at(*t)
            )
        }
        LastUse::NotUsed(Some(c)) => format!("{old} was never used since {}.", at(*c)),
        LastUse::NotUsed(None) => format!("{old}: no sign-in with it is recorded."),
        LastUse::Unavailable(why) => format!("{old}: last use not available: {why}."),
    }
}

/// What the profile's credential is: "certificate" or "secret".
fn noun(profile: &Profile) -> &'static str {
    match profile.credential.as_ref().map(|c| c.kind) {
        Some(CredentialKind::Certificate) => "certificate",
        _ => "secret",
    }
}

/// `credential reveal`.
pub fn reveal(a: &RevealArg) -> u8 {
    let (_, profile, preset) = match load(&a.profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let to_terminal = std::io::stdout().is_terminal();
    if !a.copy && !to_terminal {
        return fail(
            EXIT_USAGE,
            "credential reveal prints the secret only to a terminal (not into a file, pipe or log); run it in a terminal, or add --copy",
        );
    }
    let keyring = KeyringStore::open();
    let value = match secrets::bound_secret(&keyring, &profile, SecretSlot::ClientSecret) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return fail(
                EXIT_USAGE,
                format!(
                    "no client secret is stored for '{}' in the {}",
                    profile.name,
                    keyring.backend()
                ),
            );
        }
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    let Ok(text) = std::str::from_utf8(value.expose()) else {
        return fail(EXIT_CANNOT_RUN, secrets::SecretError::Corrupt);
    };
    let text = secrets::Secret::new(text);
    let place = safe(&preset.vendor_settings.location);
    if a.copy {
        match crate::tui::clipboard::copy(&text, to_terminal) {
            Ok(how) => {
                println!(
                    "Copied the client secret of '{}' to the {how}. Paste it at: {place}.",
                    safe(&profile.name)
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_CANNOT_RUN, e),
        }
    } else {
        println!("{}", safe(text.expose()));
        println!("Paste it at: {place}. Clear the screen afterwards.");
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::profile::{Cloud, PresetId};

    #[test]
    fn the_old_credential_s_last_use_in_words() {
        let p = Profile::new("kundo", PresetId::Kundo, Cloud::Global);
        let now = time::macros::datetime!(2026-12-03 12:00 UTC);
        let line = |u: LastUse| last_use_line(&p, "k1", &u, now);
        let used = line(LastUse::Used(now - time::Duration::days(3)));
        assert_eq!(
            used,
            "The old secret (k1) was last used to sign in at 2026-11-30T12:00:00Z (3 days ago)."
        );
        let never = line(LastUse::NotUsed(Some(now - time::Duration::days(9))));
        assert_eq!(
            never,
            "The old secret (k1) was never used since 2026-11-24T12:00:00Z."
        );
        let why = line(LastUse::Unavailable("no role".into()));
        assert_eq!(why, "The old secret (k1): last use not available: no role.");
    }
}
