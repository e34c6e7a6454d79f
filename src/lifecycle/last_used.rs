//! When the credential `credential retire-old` is about to remove last got a token, from
//! Microsoft's application credential sign-in activity report
//! (`GET /beta/reports/appCredentialSignInActivities`). Least privilege: the admin's usual
//! token does not carry AuditLog.Read.All; the remembered sign-in is redeemed for that one
//! scope only here, and when that or the read is refused, the reason is said instead.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::session::Ctx;
use crate::entra::write::{WriteError, Writer};
use crate::entra::{session_for_profile, signin_config};
use crate::preset::Preset;
use crate::profile::Profile;
use crate::signin::config::{Purpose, scopes};

/// A use newer than this many hours is a warning: the vendor may still use the old one.
pub const RECENT_HOURS: i64 = 24;

/// What the report says about one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastUse {
    /// Its last successful sign-in.
    Used(OffsetDateTime),
    /// No sign-in recorded; since when it exists, when the report says.
    NotUsed(Option<OffsetDateTime>),
    /// The report could not be read: why, in words.
    Unavailable(String),
}

impl LastUse {
    /// Whether it was used within [`RECENT_HOURS`] of `now`.
    pub fn recent(&self, now: OffsetDateTime) -> bool {
        matches!(self, LastUse::Used(t) if now - *t < time::Duration::hours(RECENT_HOURS))
    }
}

/// What an admin needs to read the report.
pub const NEEDS: &str = "the admin needs a role that may read sign-in activity (Reports Reader, Security Reader or Global Reader) and consent to AuditLog.Read.All";

/// Reads when `key_id` of the profile's app was last used; never fails.
pub async fn last_use(ctx: &Ctx<'_>, profile: &Profile, preset: &Preset, key_id: &str) -> LastUse {
    match read(ctx, profile, preset, key_id).await {
        Ok(v) => v,
        Err(why) => LastUse::Unavailable(why),
    }
}

async fn read(
    ctx: &Ctx<'_>,
    profile: &Profile,
    preset: &Preset,
    key_id: &str,
) -> Result<LastUse, String> {
    if key_id.is_empty() || !key_id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(format!("'{key_id}' is not a credential's key ID"));
    }
    let mut cfg = signin_config(profile, preset, ctx.endpoints)
        .ok_or_else(|| "the profile names no tenant".to_string())?;
    let signed = session_for_profile(&cfg, profile, ctx.http, ctx.secrets)
        .await
        .map_err(|e| e.to_string())?;
    let rt = signed
        .refresh_token
        .as_ref()
        .ok_or_else(|| "the admin sign-in kept no refresh token".to_string())?;
    cfg.scopes = scopes(ctx.endpoints, Purpose::SignInActivity);
    let reader = crate::signin::refresh(&cfg, ctx.http, rt)
        .await
        .map_err(|e| format!("{NEEDS} ({e})"))?;
    let writer = Writer {
        endpoints: ctx.endpoints,
        http: ctx.http,
        token: &reader.access_token,
        timeout: std::time::Duration::from_secs(30),
    };
    let path = format!("/reports/appCredentialSignInActivities?$filter=keyId eq '{key_id}'");
    let what = "read the application credential sign-in activity";
    let v = writer.get_beta(what, &path).await.map_err(|e| match e {
        WriteError::Denied { message, .. } => why_denied(&message),
        other => other.to_string(),
    })?;
    let app_id = profile.client_id.as_deref().unwrap_or_default().trim();
    Ok(of_report(&v, app_id, key_id))
}

/// Why Graph's 403 refused the report: the tenant's licence, or the admin's role or consent.
fn why_denied(message: &str) -> String {
    if message.to_ascii_lowercase().contains("premium") {
        format!(
            "the tenant needs Microsoft Entra ID P1 or P2 for sign-in activity (Graph: {message})"
        )
    } else {
        format!("{NEEDS} (Graph: {message})")
    }
}

fn when(v: &serde_json::Value) -> Option<OffsetDateTime> {
    v.as_str()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// The entry for `key_id` of app `app_id` in a report answer.
pub fn of_report(v: &serde_json::Value, app_id: &str, key_id: &str) -> LastUse {
    let entries = v["value"].as_array().cloned().unwrap_or_default();
    let is = |e: &serde_json::Value, k: &str, want: &str| {
        e[k].as_str().is_some_and(|x| x.eq_ignore_ascii_case(want))
    };
    let entry = entries
        .iter()
        .find(|e| is(e, "keyId", key_id) && is(e, "appId", app_id));
    let Some(e) = entry else {
        return LastUse::NotUsed(None);
    };
    match when(&e["signInActivity"]["lastSignInDateTime"]) {
        Some(t) => LastUse::Used(t),
        None => LastUse::NotUsed(when(&e["createdDateTime"])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_why() {
        let licence = why_denied("Neither tenant is B2C or tenant doesn't have premium license");
        assert!(
            licence.starts_with("the tenant needs Microsoft Entra ID P1"),
            "{licence}"
        );
        let role = why_denied("Insufficient privileges to complete the operation.");
        assert!(
            role.contains("Reports Reader") && role.contains("AuditLog.Read.All"),
            "{role}"
        );
    }

    #[test]
    fn report_entries() {
        let v = serde_json::json!({"value": [
            {"appId": "A", "keyId": "AB-1", "createdDateTime": "2026-01-02T00:00:00Z", "signInActivity": null},
            {"appId": "b", "keyId": "ab-1", "signInActivity": {"lastSignInDateTime": "2026-03-04T05:06:07Z"}},
            {"appId": "a", "keyId": "cd-2", "signInActivity": {"lastSignInDateTime": "2026-03-04T05:06:07Z"}},
        ]});
        let created = OffsetDateTime::parse("2026-01-02T00:00:00Z", &Rfc3339).ok();
        assert_eq!(of_report(&v, "a", "ab-1"), LastUse::NotUsed(created));
        let used = OffsetDateTime::parse("2026-03-04T05:06:07Z", &Rfc3339).ok();
        let t = used.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(of_report(&v, "A", "CD-2"), LastUse::Used(t));
        assert_eq!(of_report(&v, "a", "ef-3"), LastUse::NotUsed(None));
        assert!(LastUse::Used(t).recent(t + time::Duration::hours(23)));
        assert!(!LastUse::Used(t).recent(t + time::Duration::hours(25)));
    }
}
