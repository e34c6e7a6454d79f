//! `mailscope entra inspect` and `mailscope entra plan` (and what `entra apply`, in
//! `entra_apply_cmd`, shares with them): the profile's app as Entra holds it,
//! read with the remembered admin sign-in. The library ([`mailscope::entra`]) reads and judges;
//! this prints. Read-only; no token is ever printed.

use std::io::Write;

use mailscope::entra::{
    self, EntraError, Finding, Plan, RoleNeed, TenantView, read_for_profile, signin_config,
};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::{Profile, ProfileStore};
use mailscope::secrets::KeyringStore;
use mailscope::signin::SigninConfig;
use serde_json::json;

use super::args::{EntraArgs, EntraCommand};
use super::output::{
    EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, profile_exit_code, safe, safe_json,
};

/// Runs `mailscope entra …`.
pub fn run(cmd: EntraCommand) -> u8 {
    match cmd {
        EntraCommand::Inspect(a) => with_view("entra inspect", &a, |v, p, pr, _| {
            inspect_out(v, p, pr, a.json)
        }),
        EntraCommand::Plan(a) => with_view("entra plan", &a, |v, p, pr, authority| {
            plan_out(v, p, pr, authority, a.json)
        }),
        EntraCommand::Apply(a) => super::entra_apply_cmd::run(&a),
    }
}

/// What every `entra` command starts from: the stored profile, its preset, cloud, the
/// sign-in to resume, an HTTP client, a runtime and the keyring.
pub(super) struct Setup {
    pub store: ProfileStore,
    pub profile: Profile,
    pub preset: Preset,
    pub endpoints: CloudEndpoints,
    pub cfg: SigninConfig,
    pub http: reqwest::Client,
    pub runtime: tokio::runtime::Runtime,
    pub secrets: KeyringStore,
}

/// Loads what `name` (the command) needs for `profile_name`; the exit code when it cannot.
pub(super) fn setup(name: &str, profile_name: &str) -> Result<Setup, u8> {
    let store =
        ProfileStore::open_default().map_err(|e| fail(EXIT_CANNOT_RUN, format!("{name}: {e}")))?;
    let profile = store
        .load_named_or_file(Some(profile_name), None)
        .map_err(|e| fail(profile_exit_code(&e), format!("{name}: {e}")))?;
    let preset = preset::preset(profile.preset)
        .map_err(|e| fail(EXIT_CANNOT_RUN, format!("{name}: {e}")))?;
    let endpoints = CloudEndpoints::from_profile(&profile)
        .map_err(|e| fail(EXIT_USAGE, format!("{name}: {e}")))?;
    let Some(cfg) = signin_config(&profile, &preset, &endpoints) else {
        return Err(fail(
            EXIT_USAGE,
            format!(
                "{name}: profile '{}' names no tenant yet; add the tenant (ID or domain) to it",
                profile.name
            ),
        ));
    };
    let http = endpoints
        .http_client(cfg.request_timeout)
        .map_err(|e| fail(EXIT_USAGE, format!("{name}: {e}")))?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")))?;
    Ok(Setup {
        store,
        profile,
        preset,
        endpoints,
        cfg,
        http,
        runtime,
        secrets: KeyringStore::open(),
    })
}

/// Loads the profile, resumes the sign-in, reads the tenant, then hands over.
fn with_view(
    name: &str,
    args: &EntraArgs,
    then: impl FnOnce(&TenantView, &Profile, &Preset, &str) -> u8,
) -> u8 {
    let s = match setup(name, &args.profile) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let view = s.runtime.block_on(read_for_profile(
        &s.cfg, &s.profile, &s.preset, &s.http, &s.secrets,
    ));
    match view {
        Ok(v) => then(&v, &s.profile, &s.preset, &s.endpoints.authority),
        Err(e) => cannot_read(name, &e),
    }
}

pub(super) fn cannot_read(name: &str, e: &EntraError) -> u8 {
    fail(EXIT_CANNOT_RUN, format!("{name}: {e}\n  Fix: {}", e.fix()))
}

pub(super) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The tenant and admin, the first lines of both commands.
pub(super) fn header(v: &TenantView, out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "Tenant: {} ({})",
        safe(&v.organisation.display_name),
        safe(&v.organisation.id)
    );
    let roles = if v.admin.roles.is_empty() {
        "no active directory role".to_string()
    } else {
        v.admin.roles.join(", ")
    };
    let _ = writeln!(
        out,
        "Signed in as: {} ({})",
        safe(&v.admin.upn),
        safe(&roles)
    );
    if let Some(a) = v.app() {
        let _ = writeln!(
            out,
            "App: '{}' (client ID {})",
            safe(&a.display_name),
            safe(&a.app_id)
        );
    }
    if let entra::view::LookedUp::VendorApp(Some(id)) = &v.looked_up {
        let _ = writeln!(
            out,
            "Vendor-hosted app: {} (service principal {})",
            safe(id),
            safe(
                v.service_principal
                    .as_deref()
                    .unwrap_or("not in this tenant yet")
            )
        );
    }
}

fn inspect_out(v: &TenantView, profile: &Profile, preset: &Preset, as_json: bool) -> u8 {
    let findings = entra::inspect(v, profile, preset, now());
    let code = if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    let mut out = std::io::stdout();
    if as_json {
        let doc = json!({
            "tenant": v.organisation,
            "admin": v.admin,
            "app": v.app().map(|a| json!({"app_id": a.app_id, "object_id": a.object_id, "display_name": a.display_name})),
            "delegated_grants_read": v.delegated_grants_read,
            "looked_up": v.looked_up,
            "service_principal": v.service_principal,
            "consent_settings": v.consent,
            "findings": findings,
        });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let _ = writeln!(out, "{}", safe_json(&text));
        return code;
    }
    header(v, &mut out);
    if !v.delegated_grants_read {
        let _ = writeln!(
            out,
            "(Delegated permission grants not read: this preset's sign-in does not ask for the permission to list them.)"
        );
    }
    let _ = writeln!(out);
    print_findings(&findings, &mut out);
    code
}

fn print_findings(findings: &[Finding], out: &mut dyn Write) {
    if findings.is_empty() {
        let _ = writeln!(out, "No finding: the app in Entra matches the profile.");
        return;
    }
    for f in findings {
        let _ = writeln!(out, "[{}] {}", f.cause.code(), safe(&f.evidence));
        let _ = writeln!(out, "  Fix: {}", safe(&f.fix));
    }
    let _ = writeln!(out, "\n{} finding(s).", findings.len());
}

fn need_words(n: RoleNeed) -> &'static str {
    match n {
        RoleNeed::AppManagement => {
            "creating and changing the app, its service principal, secret and delegated consent"
        }
        RoleNeed::GraphAppRoleConsent => "admin consent to Microsoft Graph application permissions",
    }
}

fn plan_out(
    v: &TenantView,
    profile: &Profile,
    preset: &Preset,
    authority: &str,
    as_json: bool,
) -> u8 {
    let plan = entra::plan(v, profile, preset, authority, now());
    // A plan that must stop (the vendor app's ID unconfirmed) is a profile to complete.
    let code = if plan.stop.is_some() {
        EXIT_USAGE
    } else if plan.actions.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    let mut out = std::io::stdout();
    if as_json {
        let text = serde_json::to_string_pretty(&plan).unwrap_or_default();
        let _ = writeln!(out, "{}", safe_json(&text));
        return code;
    }
    header(v, &mut out);
    print_plan(&plan, &mut out);
    code
}

pub(super) fn print_plan(plan: &Plan, out: &mut dyn Write) {
    if let Some(stop) = &plan.stop {
        let _ = writeln!(out, "\nNothing can be planned yet. {}", safe(stop));
        return;
    }
    if plan.actions.is_empty() {
        let _ = writeln!(
            out,
            "\nNothing to do: the app in Entra matches the profile."
        );
        return;
    }
    let _ = writeln!(out, "\nDirectory roles needed:");
    for r in &plan.roles {
        let names = r.roles.join(" or ");
        match &r.held {
            Some(h) => {
                let _ = writeln!(out, "  - {names} ({}): held ({h})", need_words(r.need));
            }
            None => {
                let _ = writeln!(
                    out,
                    "  - {names} ({}): NOT held by {}. An eligible role may need activating in Privileged Identity Management.",
                    need_words(r.need),
                    safe(&plan.admin.upn)
                );
            }
        }
    }
    if plan.missing_roles().next().is_some() {
        match &plan.admin_consent_url {
            Some(url) => {
                let _ = writeln!(
                    out,
                    "  Or hand this admin-consent URL to someone who holds the role:\n    {}",
                    safe(url)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  Or ask someone who holds the role to run the plan (the admin-consent URL exists once the app does)."
                );
            }
        }
    }
    let _ = writeln!(out, "\nWhat `entra apply` would do:");
    for (i, a) in plan.actions.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, safe(&a.describe()));
    }
    for n in &plan.notes {
        let _ = writeln!(out, "Note: {}", safe(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::entra::Action;
    use mailscope::entra::findings::Cause;
    use mailscope::entra::plan::RoleCheck;
    use mailscope::entra::view::{Admin, Organisation};

    fn plan(held: Option<&str>, url: Option<&str>) -> Plan {
        Plan {
            tenant: Organisation {
                id: "t-id".into(),
                display_name: "Contoso".into(),
            },
            admin: Admin {
                upn: "a@contoso.com".into(),
                role_ids: vec![],
                roles: vec![],
            },
            roles: vec![RoleCheck {
                need: RoleNeed::GraphAppRoleConsent,
                roles: RoleNeed::GraphAppRoleConsent
                    .roles()
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
                held: held.map(String::from),
            }],
            actions: vec![Action::GrantAppRole {
                permission: "Mail.Send".into(),
            }],
            admin_consent_url: url.map(String::from),
            notes: vec![],
            stop: None,
            vendor_app_id: None,
        }
    }

    fn printed(p: &Plan) -> String {
        let mut out = Vec::new();
        print_plan(p, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn a_plan_that_must_stop_says_why_and_lists_nothing() {
        let mut p = plan(Some("Global Administrator"), None);
        p.actions.clear();
        p.stop = Some("Confirm the vendor app's ID 21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36.".into());
        let text = printed(&p);
        assert!(
            text.contains("Nothing can be planned yet. Confirm"),
            "{text}"
        );
        assert!(!text.contains("Nothing to do"), "{text}");
    }

    #[test]
    fn a_missing_role_is_named_with_pim_and_the_consent_url() {
        let url = "https://login.microsoftonline.us/t-id/adminconsent?client_id=c";
        let text = printed(&plan(None, Some(url)));
        assert!(
            text.contains("Privileged Role Administrator or Global Administrator"),
            "{text}"
        );
        assert!(text.contains("NOT held by a@contoso.com"), "{text}");
        assert!(text.contains("Privileged Identity Management"), "{text}");
        assert!(text.contains(url), "{text}");
        assert!(
            text.contains(
                "1. Grant admin consent to the Microsoft Graph application permission Mail.Send"
            ),
            "{text}"
        );
        let text = printed(&plan(Some("Global Administrator"), Some(url)));
        assert!(text.contains("held (Global Administrator)"), "{text}");
        assert!(!text.contains("adminconsent"), "{text}");
        let mut nothing = plan(None, None);
        nothing.actions.clear();
        assert!(printed(&nothing).contains("Nothing to do"));
    }

    #[test]
    fn findings_show_code_evidence_and_fix() {
        let f = Finding {
            cause: Cause::SecretIdNotInEntra,
            evidence: "The profile's Secret ID x is not there.".into(),
            fix: "Add a new secret.".into(),
        };
        let mut out = Vec::new();
        print_findings(&[f], &mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(
            text.starts_with("[secret-id-not-in-entra] The profile's Secret ID x"),
            "{text}"
        );
        assert!(text.contains("  Fix: Add a new secret."), "{text}");
        let mut out = Vec::new();
        print_findings(&[], &mut out);
        assert!(
            String::from_utf8(out)
                .unwrap_or_default()
                .starts_with("No finding")
        );
    }
}
