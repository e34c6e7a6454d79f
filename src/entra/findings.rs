//! `entra inspect`: what the tenant holds compared with what the profile and preset want,
//! as findings with a stable cause code, the evidence read from Entra and the fix. Pure: the
//! tenant comes in as a [`TenantView`].

use serde::Serialize;
use time::OffsetDateTime;

use super::target::{Target, VendorTarget};
use super::view::{AppReg, LookedUp, Perm, TenantView};
use crate::expiry::{WARN_EARLY_DAYS, WARN_URGENT_DAYS};
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};

/// Why a finding was raised; the kebab-case name is the stable code in `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    AppNotFound,
    SeveralApps,
    NoServicePrincipal,
    PermissionMissing,
    PermissionNotConsented,
    WrongPermissionKind,
    ConsentWithoutConfiguration,
    PermissionNotNeeded,
    SecretIdNotInEntra,
    SecretExpired,
    SecretExpiring,
    CertificateMismatch,
    CertificateExpired,
    CertificateExpiring,
    RedirectUriMissing,
    RedirectUriDifferent,
    SignInAudienceDifferent,
    AccessTokenVersion,
    /// The profile chose the vendor-hosted app but has not confirmed its ID.
    VendorAppUnconfirmed,
    /// Users of a delegated preset would meet "Need admin approval".
    UsersNeedAdminApproval,
}

impl Cause {
    /// The code as `--json` shows it.
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub cause: Cause,
    /// What Entra holds, in words.
    pub evidence: String,
    /// What to do.
    pub fix: String,
}

fn finding(cause: Cause, evidence: String, fix: impl Into<String>) -> Finding {
    Finding {
        cause,
        evidence,
        fix: fix.into(),
    }
}

/// The findings for `profile` (with its `preset`) in `view`, at `now`.
pub fn inspect(
    view: &TenantView,
    profile: &Profile,
    preset: &Preset,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let want = Target::of(profile, preset);
    let mut out = Vec::new();
    if let Some(vendor) = &want.vendor {
        vendor_app(view, &want, vendor, &profile.name, &mut out);
        return out;
    }
    let Some(app) = view.app() else {
        let how = match &view.looked_up {
            LookedUp::AppId(id) => format!("no app registration has the client ID {id}"),
            LookedUp::DisplayName(n) => format!("no app registration is named '{n}'"),
            LookedUp::VendorApp(_) => "the vendor app was looked up instead".to_string(),
        };
        out.push(finding(
            Cause::AppNotFound,
            format!("In tenant {}, {how}.", view.organisation.display_name),
            "Check the profile's client ID and tenant, or create the app (`mailscope entra plan` shows what `apply` would create).",
        ));
        return out;
    };
    if view.apps.len() > 1 {
        let ids: Vec<&str> = view.apps.iter().map(|a| a.app_id.as_str()).collect();
        out.push(finding(
            Cause::SeveralApps,
            format!(
                "{} app registrations are named '{}': {}; mailscope looked at the first.",
                view.apps.len(),
                app.display_name,
                ids.join(", ")
            ),
            "Put the right app's client ID into the profile, and delete or rename the others.",
        ));
    }
    if view.service_principal.is_none() {
        out.push(finding(
            Cause::NoServicePrincipal,
            format!(
                "The app {} has no service principal (enterprise application) in this tenant, so nothing can be consented and no token is issued.",
                app.app_id
            ),
            "Create it: `mailscope entra apply`, or open the app's Enterprise application once in the portal, or run `New-MgServicePrincipal -AppId <client ID>`.",
        ));
    }
    permissions(&want, &app.configured, &view.consented, &mut out);
    credentials(&want, app, now, &mut out);
    shape(&want, app, &mut out);
    out.extend(super::consent::user_consent_findings(view, &want));
    out
}

/// The vendor-hosted app: its ID confirmed, its service principal here, exactly the preset's
/// permissions consented, and whether users could consent without it. Its app registration
/// (redirect URI, credentials, audience) is the vendor's and not judged.
fn vendor_app(
    view: &TenantView,
    want: &Target,
    vendor: &VendorTarget,
    profile: &str,
    out: &mut Vec<Finding>,
) {
    let Some(id) = &vendor.confirmed else {
        out.push(finding(
            Cause::VendorAppUnconfirmed,
            vendor.unconfirmed_message(profile),
            format!(
                "Confirm the ID with {}, then set [vendor_app] app_id in the profile.",
                vendor.confirm_with
            ),
        ));
        return;
    };
    if view.service_principal.is_none() {
        out.push(finding(
            Cause::NoServicePrincipal,
            format!(
                "{} ({id}) has no service principal (enterprise application) in tenant {}, so nothing is consented to it yet.",
                vendor.name, view.organisation.display_name
            ),
            "Create it and grant the consent: `mailscope entra apply`, or open the admin-consent URL from `mailscope entra plan` as an admin who may consent.",
        ));
    }
    // The vendor's app registration declares its permissions in the vendor's tenant; here
    // only the consent is visible, so it is judged against the preset.
    permissions(want, &want.permissions, &view.consented, out);
    out.extend(super::consent::user_consent_findings(view, want));
}

fn permissions(want: &Target, configured: &[Perm], consented: &[Perm], out: &mut Vec<Finding>) {
    let has = |set: &[Perm], p: &Perm| set.contains(p);
    for p in &want.permissions {
        let other = Perm::new(&p.name, p.kind.other());
        let (c, g) = (has(configured, p), has(consented, p));
        if !c && !g && (has(configured, &other) || has(consented, &other)) {
            out.push(finding(
                Cause::WrongPermissionKind,
                format!(
                    "{} is there as a {} permission; the preset needs it as a {} permission.",
                    p.name,
                    p.kind.other().as_str(),
                    p.kind.as_str()
                ),
                format!(
                    "Remove the {} permission {} and add and consent {} instead.",
                    p.kind.other().as_str(),
                    p.name,
                    p.label()
                ),
            ));
            continue;
        }
        match (c, g) {
            (true, true) => {}
            (false, false) => out.push(finding(
                Cause::PermissionMissing,
                format!("{} is neither configured nor consented.", p.label()),
                format!(
                    "Add Microsoft Graph {} to the app's API permissions and grant admin consent.",
                    p.label()
                ),
            )),
            (true, false) => out.push(finding(
                Cause::PermissionNotConsented,
                format!("{} is configured but not consented.", p.label()),
                "Grant admin consent on the app's API permissions page (or hand the admin-consent URL from `mailscope entra plan` to an admin who may).",
            )),
            (false, true) => out.push(finding(
                Cause::ConsentWithoutConfiguration,
                format!(
                    "{} is consented but not in the app's configured permissions (requiredResourceAccess).",
                    p.label()
                ),
                format!(
                    "Add {} to the app's API permissions so the configuration says what is granted.",
                    p.label()
                ),
            )),
        }
    }
    let mut extra: Vec<&Perm> = configured
        .iter()
        .chain(consented.iter())
        .filter(|p| !want.wants(p) && want.wants_name(&p.name).is_none())
        .collect();
    extra.sort();
    extra.dedup();
    for p in extra {
        let state = match (has(configured, p), has(consented, p)) {
            (true, true) => "configured and consented",
            (true, false) => "configured",
            _ => "consented",
        };
        out.push(finding(
            Cause::PermissionNotNeeded,
            format!("{} is {state}, but the preset does not need it.", p.label()),
            format!(
                "Least privilege: remove {} from the app's API permissions and revoke its consent (or, if it is one of the preset's optional permissions, choose it in the profile).",
                p.label()
            ),
        ));
    }
}

fn days_left(end: Option<OffsetDateTime>, now: OffsetDateTime) -> Option<i64> {
    end.map(|e| (e.date() - now.date()).whole_days())
}

fn expiry(
    what: &str,
    end: Option<OffsetDateTime>,
    now: OffsetDateTime,
    causes: (Cause, Cause),
    out: &mut Vec<Finding>,
) {
    let (Some(end), Some(left)) = (end, days_left(end, now)) else {
        return;
    };
    let date = end.date();
    if end <= now {
        out.push(finding(
            causes.0,
            format!("In Entra, {what} expired on {date}."),
            "Add a new one (`mailscope entra plan` shows it), put it into the vendor's product, then remove the old one.",
        ));
    } else if left <= WARN_EARLY_DAYS {
        let urgency = if left <= WARN_URGENT_DAYS {
            "renew now"
        } else {
            "plan the renewal"
        };
        out.push(finding(
            causes.1,
            format!("In Entra, {what} expires on {date} ({left} days left): {urgency}."),
            "Add a new one before then, put it into the vendor's product, then remove the old one.",
        ));
    }
}

fn credentials(want: &Target, app: &AppReg, now: OffsetDateTime, out: &mut Vec<Finding>) {
    match want.credential {
        CredentialKind::Secret => {
            let Some(id) = &want.secret_id else { return };
            match app
                .secrets
                .iter()
                .find(|s| s.key_id.eq_ignore_ascii_case(id.trim()))
            {
                None => {
                    let there: Vec<&str> = app.secrets.iter().map(|s| s.key_id.as_str()).collect();
                    out.push(finding(
                        Cause::SecretIdNotInEntra,
                        format!(
                            "The profile's Secret ID {id} is not among the app's client secrets ({}).",
                            if there.is_empty() { "it has none".to_string() } else { there.join(", ") }
                        ),
                        "The secret was deleted or the ID was mistyped: add a new secret and record its Secret ID in the profile.",
                    ));
                }
                Some(s) => expiry(
                    &format!("the client secret {id}"),
                    s.end,
                    now,
                    (Cause::SecretExpired, Cause::SecretExpiring),
                    out,
                ),
            }
        }
        CredentialKind::Certificate => {
            let Some(tp) = &want.thumbprint else { return };
            match app
                .certificates
                .iter()
                .find(|c| c.thumbprint.as_deref() == Some(tp.as_str()))
            {
                None => {
                    let there: Vec<&str> = app
                        .certificates
                        .iter()
                        .filter_map(|c| c.thumbprint.as_deref())
                        .collect();
                    out.push(finding(
                        Cause::CertificateMismatch,
                        format!(
                            "The profile's certificate (SHA-1 thumbprint {tp}) is not uploaded to the app ({}).",
                            if there.is_empty() { "it has no certificate".to_string() } else { format!("it has {}", there.join(", ")) }
                        ),
                        "Upload the profile's certificate (the .cer file) under Certificates & secrets, or point the profile at the certificate that is uploaded.",
                    ));
                }
                Some(c) => expiry(
                    &format!("the certificate {tp}"),
                    c.end,
                    now,
                    (Cause::CertificateExpired, Cause::CertificateExpiring),
                    out,
                ),
            }
        }
    }
}

fn shape(want: &Target, app: &AppReg, out: &mut Vec<Finding>) {
    if let Some(uri) = &want.redirect_uri {
        let found = app.redirect_uris.iter().any(|u| u == uri);
        if !found && app.redirect_uris.is_empty() {
            out.push(finding(
                Cause::RedirectUriMissing,
                format!("The app has no redirect URI; the profile needs {uri}."),
                format!("Add the Web redirect URI {uri} under Authentication."),
            ));
        } else if !found {
            out.push(finding(
                Cause::RedirectUriDifferent,
                format!(
                    "The app's redirect URIs are {}; the profile needs {uri} (they must match character for character).",
                    app.redirect_uris.join(", ")
                ),
                format!("Add the Web redirect URI {uri} under Authentication and remove mistyped ones."),
            ));
        }
    }
    if !app
        .sign_in_audience
        .eq_ignore_ascii_case(want.sign_in_audience)
    {
        out.push(finding(
            Cause::SignInAudienceDifferent,
            format!(
                "The app's sign-in audience is {}; the profile needs {}.",
                app.sign_in_audience, want.sign_in_audience
            ),
            format!(
                "Change 'Supported account types' under Authentication (signInAudience = {}).",
                want.sign_in_audience
            ),
        ));
    }
    if want.needs_token_v2 && app.requested_access_token_version != Some(2) {
        out.push(finding(
            Cause::AccessTokenVersion,
            format!(
                "Personal accounts are allowed but api.requestedAccessTokenVersion is {}.",
                app.requested_access_token_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "not set".into())
            ),
            "Set accessTokenAcceptedVersion to 2 in the app's manifest (api.requestedAccessTokenVersion = 2).",
        ));
    }
}

/// Kinds present, for tests and summaries.
pub fn causes(findings: &[Finding]) -> Vec<Cause> {
    findings.iter().map(|f| f.cause).collect()
}
