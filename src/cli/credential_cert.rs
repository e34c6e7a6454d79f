//! `mailscope credential rotate` for a certificate profile and `credential switch --to
//! certificate`: asks, reads an imported certificate (a .pfx password is asked without echo),
//! prints progress and the outcome ([`mailscope::lifecycle`] does the work). No private key
//! is ever printed.

use std::path::Path;

use mailscope::credential::{self, CertificateWithKey};
use mailscope::lifecycle::cert_rotate::{CertRotation, rotate_certificate};
use mailscope::lifecycle::switch::{Switch, accepts_certificate, switch_to_certificate};
use mailscope::preset::Preset;
use mailscope::profile::{CredentialKind, Profile, ProfileStore};
use mailscope::secrets::Secret;
use zeroize::Zeroizing;

use super::args::{RotateArg, SwitchArg};
use super::credential_lifecycle::{ask, finish, load, proven, show, with_ctx};
use super::output::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, safe};

/// The certificate and key in `path` (PEM with both, or PFX with its password asked).
fn read_import(path: &Path) -> Result<CertificateWithKey, u8> {
    let bytes = Zeroizing::new(
        mailscope::fsutil::read_regular(path, mailscope::fsutil::MAX_CREDENTIAL_BYTES)
            .map_err(|e| fail(EXIT_USAGE, format!("{}: {e}", path.display())))?,
    );
    let today = time::OffsetDateTime::now_utc().date();
    let made = match credential::inspect_file(&bytes) {
        credential::CertFileKind::Pfx => {
            let pw = rpassword::prompt_password(format!(
                "Password of {} (input is hidden): ",
                path.display()
            ))
            .map_err(|e| fail(EXIT_USAGE, format!("cannot ask for the password: {e}")))?;
            credential::import_pfx(&bytes, &Secret::new(pw), today)
        }
        _ => credential::import_pem(&bytes, today),
    };
    made.map_err(|e| fail(EXIT_USAGE, format!("{}: {e}", path.display())))
}

fn imported(path: Option<&Path>) -> Result<Option<CertificateWithKey>, u8> {
    path.map(read_import).transpose()
}

/// `credential rotate` of a certificate profile.
pub fn rotate(r: &RotateArg, store: &ProfileStore, mut profile: Profile, preset: &Preset) -> u8 {
    let name = "credential rotate";
    let new = match imported(r.import.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let question = format!(
        "Add a new certificate to app {} in tenant {} (addKey, proven by the current one)? The current certificate stays valid until `credential retire-old`.",
        profile.client_id.as_deref().unwrap_or("(none)"),
        profile.tenant.as_deref().unwrap_or("(none)")
    );
    if let Some(code) = ask(&question, r.confirm.yes) {
        return code;
    }
    let out = with_ctx(name, store, &profile.clone(), async |ctx| {
        rotate_certificate(ctx, &mut profile, preset, new, &mut show).await
    });
    finish(name, out, |r| match r {
        CertRotation::Rotated {
            new_key_id,
            thumbprint,
            expires,
            cert_file,
            old_key_id,
            proof,
        } => {
            println!(
                "Rotated: new certificate {} (thumbprint {}) expires {expires}.",
                safe(&new_key_id),
                safe(&thumbprint)
            );
            proven(&proof);
            let n = safe(&profile.name);
            println!(
                "The keyring holds its private key for '{n}' (`mailscope check` uses it); its public part is {}. The old certificate {} stays valid in Entra.",
                safe(&cert_file),
                safe(old_key_id.as_deref().unwrap_or("(unknown)"))
            );
            println!(
                "Next: give the new certificate to {} at: {}. Once it uses it: `mailscope credential retire-old --profile {n}`.",
                safe(&preset.product),
                safe(&preset.vendor_settings.location)
            );
            EXIT_OK
        }
        CertRotation::ProofFailed {
            reason,
            new_key_id,
            removed,
        } => not_proven(&profile, &reason, &new_key_id, removed),
    })
}

fn not_proven(profile: &Profile, reason: &str, key_id: &str, removed: bool) -> u8 {
    println!(
        "The new certificate did not prove itself: {}. Nothing changed for '{}': its current credential stays in use.",
        safe(reason),
        safe(&profile.name)
    );
    if removed {
        println!("The new certificate {} was removed again.", safe(key_id));
    } else {
        println!(
            "The new certificate {} could not be removed: delete it under App registrations > Certificates & secrets in the Entra admin center.",
            safe(key_id)
        );
    }
    EXIT_FINDINGS
}

/// `credential switch --to certificate`.
pub fn switch(a: &SwitchArg) -> u8 {
    let name = "credential switch";
    let (store, mut profile, preset) = match load(&a.confirm.profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !accepts_certificate(&preset) {
        return fail(
            EXIT_USAGE,
            format!(
                "{name}: {} accepts only client secrets for this integration (its preset names no certificate); keep the secret and rotate it with `mailscope credential rotate --profile {}`",
                preset.product, profile.name
            ),
        );
    }
    if profile
        .credential
        .as_ref()
        .is_some_and(|c| c.kind == CredentialKind::Certificate)
    {
        println!(
            "'{}' uses a certificate already; nothing changed.",
            safe(&profile.name)
        );
        return EXIT_OK;
    }
    let new = match imported(a.import.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let question = format!(
        "Upload a certificate to app {} in tenant {} and, once it is proven, make '{}' use it? The client secret stays until you confirm its removal.",
        profile.client_id.as_deref().unwrap_or("(none)"),
        profile.tenant.as_deref().unwrap_or("(none)"),
        profile.name
    );
    if let Some(code) = ask(&question, a.confirm.yes) {
        return code;
    }
    let yes = a.confirm.yes;
    let mut confirm = |q: &str| ask(q, yes).is_none();
    let out = with_ctx(name, &store, &profile.clone(), async |ctx| {
        switch_to_certificate(ctx, &mut profile, &preset, new, &mut confirm, &mut show).await
    });
    finish(name, out, |r| match r {
        Switch::Switched {
            key_id,
            thumbprint,
            expires,
            cert_file,
            proof,
            old_secret_id,
            retired,
        } => {
            let n = safe(&profile.name);
            println!(
                "Switched: '{n}' uses certificate {} (thumbprint {}, expires {expires}); its public part is {}.",
                safe(&key_id),
                safe(&thumbprint),
                safe(&cert_file)
            );
            proven(&proof);
            match (retired, old_secret_id) {
                (Some(r), _) => println!(
                    "The client secret {} was removed{}: the app signs in with the certificate only.",
                    safe(&r.key_id),
                    if r.removed_from_entra {
                        " from Entra"
                    } else {
                        " (it was already gone from Entra)"
                    }
                ),
                (None, Some(id)) => println!(
                    "The client secret {} stays in Entra until {} uses the certificate: then `mailscope credential retire-old --profile {n}`.",
                    safe(&id),
                    safe(&preset.product)
                ),
                (None, None) => {}
            }
            EXIT_OK
        }
        Switch::ProofFailed {
            reason,
            key_id,
            removed,
        } => not_proven(&profile, &reason, &key_id, removed),
    })
}
