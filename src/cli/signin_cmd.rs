//! `mailscope signin` and `mailscope signout`: the admin's delegated sign-in from the command
//! line. The library ([`mailscope::signin`]) does the protocol; this opens the system browser
//! (or shows the device code), prints who signed in, and keeps the refresh token in the OS
//! keyring. No token is ever printed.

use std::io::Write;

use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset;
use mailscope::profile::{Cloud, ProfileStore, validate};
use mailscope::secrets::{KeyringStore, SecretStore};
use mailscope::signin::{
    Purpose, SignedIn, SigninConfig, SigninEvent, browser_possible, remember, sign_in_browser,
    sign_in_device_code,
};

use super::args::{SigninArgs, SigninTarget, SignoutArgs};
use super::output::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, fail, safe};

/// The sign-in configuration the arguments name.
fn config(t: &SigninTarget) -> Result<SigninConfig, String> {
    let mut cfg = if let Some(name) = &t.profile {
        let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
        let profile = store
            .load_named_or_file(Some(name), None)
            .map_err(|e| e.to_string())?;
        let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
        let endpoints = CloudEndpoints::from_profile(&profile).map_err(|e| e.to_string())?;
        let Some(tenant) = profile.tenant.clone() else {
            return Err(format!(
                "profile '{name}' names no tenant yet; add it, or sign in with --tenant"
            ));
        };
        let purpose = if t.exchange {
            Purpose::Exchange
        } else {
            Purpose::for_preset(&preset)
        };
        SigninConfig::new(endpoints, &tenant, purpose)
    } else {
        let tenant = t.tenant.as_deref().unwrap_or_default();
        let tenant = validate::tenant(tenant).map_err(|e| format!("--tenant: {e}"))?;
        let cloud = match t.cloud.as_deref() {
            None => Cloud::Global,
            Some(c) => Cloud::parse(c).ok_or_else(|| {
                format!("--cloud: '{c}' is not a cloud; use global, gcc, gcc-high, dod or china")
            })?,
        };
        let endpoints = CloudEndpoints::named(cloud).ok_or_else(|| {
            "--cloud custom needs endpoints: sign in with --profile NAME of a profile that has an [endpoints] table".to_string()
        })?;
        let purpose = if t.exchange {
            Purpose::Exchange
        } else {
            Purpose::AppManagementDelegated
        };
        SigninConfig::new(endpoints, &tenant, purpose)
    };
    if let Some(id) = &t.client_id {
        cfg.client_id = validate::client_id(id).map_err(|e| format!("--client-id: {e}"))?;
    }
    Ok(cfg)
}

/// Shows what the admin must see or do, on standard error.
fn show(event: SigninEvent, err: &mut dyn Write) {
    match event {
        SigninEvent::OpenBrowser { url } => {
            let _ = writeln!(
                err,
                "Opening the browser to sign in. If it does not open, visit:\n  {}",
                safe(&url)
            );
            if webbrowser::open(&url).is_err() {
                let _ = writeln!(
                    err,
                    "(The browser could not be opened; copy the address above.)"
                );
            }
        }
        SigninEvent::DeviceCode { message, .. } => {
            let _ = writeln!(err, "{}", safe(&message));
        }
        SigninEvent::StillWaiting { .. } => {}
    }
}

/// Who signed in, to which tenant, with which roles (standard output).
fn describe(s: &SignedIn, out: &mut dyn Write) {
    let a = &s.account;
    let name = a
        .display_name
        .as_deref()
        .map(|n| format!(" ({})", safe(n)))
        .unwrap_or_default();
    let _ = writeln!(out, "Signed in as {}{name}", safe(&a.upn));
    let _ = writeln!(out, "Tenant: {}", safe(&a.tenant_id));
    if a.role_ids.is_empty() {
        let _ = writeln!(
            out,
            "Directory roles: none active. An eligible role may need activating in Privileged Identity Management."
        );
    } else {
        let _ = writeln!(out, "Directory roles: {}", safe(&a.role_names().join(", ")));
    }
}

/// Runs `mailscope signin`.
pub fn signin(args: SigninArgs) -> u8 {
    let cfg = match config(&args.target) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_USAGE, format!("signin: {e}")),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")),
    };
    let http = match cfg.endpoints.http_client(cfg.request_timeout) {
        Ok(h) => h,
        Err(e) => return fail(EXIT_USAGE, format!("signin: {e}")),
    };
    let device = args.device_code || !browser_possible();
    let result = runtime.block_on(async {
        let mut err = std::io::stderr();
        let mut on_event = |e: SigninEvent| show(e, &mut err);
        if device {
            sign_in_device_code(&cfg, &http, &mut on_event).await
        } else {
            sign_in_browser(&cfg, &http, &mut on_event).await
        }
    });
    let signed = match result {
        Ok(s) => s,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("signin: {e}")),
    };
    let mut out = std::io::stdout();
    describe(&signed, &mut out);
    if args.no_remember {
        let _ = writeln!(
            out,
            "Not remembered (--no-remember): the next step signs in again."
        );
        return EXIT_OK;
    }
    let Some(rt) = &signed.refresh_token else {
        let _ = writeln!(out, "Not remembered: Microsoft sent no refresh token.");
        return EXIT_OK;
    };
    let store = KeyringStore::open();
    match remember::store(&store, &cfg.remember_key(), &signed.account.upn, rt) {
        Ok(()) => {
            let _ = writeln!(out, "Remembered in the {}.", store.backend());
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "Not remembered: {} The next step signs in again.",
                safe(&format!("{}.", e.to_string().trim_end_matches('.')))
            );
        }
    }
    EXIT_OK
}

/// Runs `mailscope signout`.
pub fn signout(args: SignoutArgs) -> u8 {
    let cfg = match config(&args.target) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_USAGE, format!("signout: {e}")),
    };
    let store = KeyringStore::open();
    match remember::forget(&store, &cfg.remember_key()) {
        Ok(Some(admin)) => {
            println!(
                "Forgot the sign-in of {} for tenant {}. Access tokens already issued lapse within the hour.",
                safe(&admin),
                safe(&cfg.tenant)
            );
            EXIT_OK
        }
        Ok(None) => {
            println!("No sign-in is remembered for tenant {}.", safe(&cfg.tenant));
            EXIT_OK
        }
        Err(e) => fail(EXIT_CANNOT_RUN, format!("signout: {e}")),
    }
}
