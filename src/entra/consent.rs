//! "Will users be able to consent?": the tenant's user consent setting (`GET
//! /policies/authorizationPolicy`, `defaultUserRolePermissions.permissionGrantPoliciesAssigned`)
//! and admin consent request policy (`GET /policies/adminConsentRequestPolicy`), both readable
//! with Policy.Read.All, and the finding for a delegated preset whose users would meet "Need
//! admin approval", with the way out that fits among the guide's three.

use serde_json::Value;

use super::findings::{Cause, Finding};
use super::read::Reader;
use super::target::Target;
use super::view::{AdminConsentRequests, ConsentSettings, Kind, TenantView, UserConsent};

const FOR_SELF: &str = "managepermissiongrantsforself.";

/// The user consent setting from an `authorizationPolicy` body (v1.0 returns the object; a
/// collection wrapper is accepted too).
pub fn user_consent(body: &Value) -> Option<UserConsent> {
    let policy = match body.get("value").and_then(Value::as_array) {
        Some(items) => items.first()?,
        None => body,
    };
    let assigned = policy
        .get("defaultUserRolePermissions")?
        .get("permissionGrantPoliciesAssigned")?
        .as_array()?;
    let own: Vec<String> = assigned
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| {
            let lower = p.to_ascii_lowercase();
            lower
                .starts_with(FOR_SELF)
                .then(|| p.get(FOR_SELF.len()..).map(String::from))
                .flatten()
        })
        .collect();
    let has = |id: &str| own.iter().any(|p| p.eq_ignore_ascii_case(id));
    Some(if own.is_empty() {
        UserConsent::Off
    } else if has("microsoft-user-default-legacy") {
        UserConsent::AllApps
    } else if has("microsoft-user-default-recommended") {
        UserConsent::MicrosoftManaged
    } else if has("microsoft-user-default-low") {
        UserConsent::LowImpact
    } else {
        UserConsent::Custom(own)
    })
}

/// The admin consent request policy from its body.
pub fn admin_requests(body: &Value) -> Option<AdminConsentRequests> {
    Some(AdminConsentRequests {
        enabled: body.get("isEnabled")?.as_bool()?,
        reviewers: body
            .get("reviewers")
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
    })
}

/// Reads both settings; one that cannot be read (refused, absent) is `None`.
pub(super) async fn read_settings(r: &Reader<'_>) -> ConsentSettings {
    let get = |what: &'static str, path: &'static str| async move {
        r.get(what, path).await.ok().flatten()
    };
    let user = get(
        "read the user consent settings",
        "/policies/authorizationPolicy",
    )
    .await;
    let requests = get(
        "read the admin consent request policy",
        "/policies/adminConsentRequestPolicy",
    )
    .await;
    ConsentSettings {
        user_consent: user.as_ref().and_then(user_consent),
        admin_consent_requests: requests.as_ref().and_then(admin_requests),
    }
}

/// Why users would meet "Need admin approval" for `scopes`, or `None` when they can consent.
fn blocked_because(setting: &UserConsent, scopes: &str) -> Option<String> {
    match setting {
        UserConsent::AllApps => None,
        UserConsent::Off => Some(
            "User consent is turned off (\"Do not allow user consent\"): every user who connects gets \"Need admin approval\".".into(),
        ),
        UserConsent::LowImpact => Some(format!(
            "Users may consent only to apps from verified publishers or registered in this tenant, and only to permissions classified low impact; unless {scopes} are all classified low impact, users get \"Need admin approval\"."
        )),
        UserConsent::MicrosoftManaged => Some(format!(
            "User consent is managed by Microsoft (microsoft-user-default-recommended): Microsoft decides which permissions users may grant, and mail permissions among {scopes} may need an admin, so users may get \"Need admin approval\"."
        )),
        UserConsent::Custom(ids) => Some(format!(
            "User consent follows the custom app consent policies {}; mailscope cannot tell whether they allow {scopes}, so users may get \"Need admin approval\".",
            ids.join(", ")
        )),
    }
}

/// The finding for a delegated target whose users would meet "Need admin approval"; none when
/// tenant-wide consent already covers every delegated permission, when users may consent, or
/// when the settings could not be read.
pub fn user_consent_findings(view: &TenantView, want: &Target) -> Vec<Finding> {
    let wanted: Vec<&str> = want
        .permissions
        .iter()
        .filter(|p| p.kind == Kind::Delegated)
        .map(|p| p.name.as_str())
        .collect();
    if wanted.is_empty() || !view.delegated_grants_read {
        return Vec::new();
    }
    let granted = wanted.iter().all(|w| {
        view.consented
            .iter()
            .any(|c| c.kind == Kind::Delegated && c.name == *w)
    });
    if granted && view.service_principal.is_some() {
        return Vec::new();
    }
    let scopes = wanted.join(" ");
    let Some(setting) = &view.consent.user_consent else {
        return Vec::new();
    };
    let Some(why) = blocked_because(setting, &scopes) else {
        return Vec::new();
    };
    let requests = match &view.consent.admin_consent_requests {
        Some(r) if r.enabled => format!(
            " Admin consent requests are on ({} reviewer{}): users can ask for approval, and each waits until a reviewer approves it.",
            r.reviewers,
            if r.reviewers == 1 { "" } else { "s" }
        ),
        Some(_) => " Admin consent requests are off: users get no way to ask.".into(),
        None => String::new(),
    };
    vec![Finding {
        cause: Cause::UsersNeedAdminApproval,
        evidence: format!("{why}{requests}"),
        fix: format!(
            "Grant tenant-wide admin consent to {scopes} (the guide's third way; `mailscope entra apply` does it), so no user is asked. Otherwise allow user consent (Enterprise applications > Consent and permissions > User consent settings > Allow user consent for apps), or turn on admin consent requests (Consent and permissions > Admin consent settings) and approve each request."
        ),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(assigned: &[&str]) -> Value {
        json!({"id":"authorizationPolicy","defaultUserRolePermissions":{
            "allowedToCreateApps":true,"permissionGrantPoliciesAssigned":assigned}})
    }

    #[test]
    fn the_user_consent_setting_is_read_from_the_assigned_policies() {
        let owned = "ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team";
        assert_eq!(user_consent(&policy(&[owned])), Some(UserConsent::Off));
        assert_eq!(
            user_consent(&policy(&[
                "ManagePermissionGrantsForSelf.microsoft-user-default-legacy",
                owned
            ])),
            Some(UserConsent::AllApps)
        );
        assert_eq!(
            user_consent(&policy(&[
                "managePermissionGrantsForSelf.microsoft-user-default-low"
            ])),
            Some(UserConsent::LowImpact)
        );
        assert_eq!(
            user_consent(&policy(&[
                "ManagePermissionGrantsForSelf.microsoft-user-default-recommended",
                "ManagePermissionGrantsForSelf.microsoft-user-default-allow-consent-apps"
            ])),
            Some(UserConsent::MicrosoftManaged)
        );
        assert_eq!(
            user_consent(&policy(&["ManagePermissionGrantsForSelf.contoso-mail"])),
            Some(UserConsent::Custom(vec!["contoso-mail".into()]))
        );
        assert_eq!(
            user_consent(&json!({"value":[policy(&[])]})),
            Some(UserConsent::Off)
        );
        assert_eq!(user_consent(&json!({"id":"x"})), None);
    }

    fn view(user: Option<UserConsent>, requests: Option<(bool, usize)>) -> TenantView {
        use super::super::view::{Admin, AppPolicy, LookedUp, Organisation};
        TenantView {
            organisation: Organisation {
                id: "t".into(),
                display_name: "Contoso".into(),
            },
            admin: Admin {
                upn: "a@contoso.com".into(),
                role_ids: vec![],
                roles: vec![],
            },
            looked_up: LookedUp::VendorApp(Some("v".into())),
            apps: vec![],
            service_principal: Some("sp".into()),
            consented: vec![],
            delegated_grants_read: true,
            graph_sp: Some("g".into()),
            policy: AppPolicy::default(),
            consent: ConsentSettings {
                user_consent: user,
                admin_consent_requests: requests
                    .map(|(enabled, reviewers)| AdminConsentRequests { enabled, reviewers }),
            },
        }
    }

    fn lexzur_target() -> Target {
        let p = crate::profile::Profile::new(
            "l",
            crate::profile::PresetId::Lexzur,
            crate::profile::Cloud::Global,
        );
        let preset = crate::preset::preset(p.preset).expect("lexzur");
        Target::of(&p, &preset)
    }

    #[test]
    fn need_admin_approval_follows_the_setting_and_goes_once_consented() {
        let want = lexzur_target();
        let found = |v: &TenantView| user_consent_findings(v, &want);
        assert!(found(&view(Some(UserConsent::AllApps), Some((false, 0)))).is_empty());
        assert!(found(&view(None, None)).is_empty(), "unread: no guess");
        let off = found(&view(Some(UserConsent::Off), Some((false, 0))));
        assert_eq!(off[0].cause, Cause::UsersNeedAdminApproval);
        assert!(off[0].evidence.contains("users get no way to ask"));
        let low = found(&view(Some(UserConsent::LowImpact), Some((true, 2))));
        assert!(
            low[0].evidence.contains("low impact"),
            "{}",
            low[0].evidence
        );
        assert!(
            low[0].evidence.contains("(2 reviewers)"),
            "{}",
            low[0].evidence
        );
        let managed = found(&view(Some(UserConsent::MicrosoftManaged), None));
        assert!(managed[0].evidence.contains("managed by Microsoft"));
        let custom = found(&view(Some(UserConsent::Custom(vec!["x".into()])), None));
        assert!(custom[0].evidence.contains("custom app consent policies x"));
        let mut granted = view(Some(UserConsent::Off), Some((false, 0)));
        granted.consented = want
            .permissions
            .iter()
            .filter(|p| p.kind == Kind::Delegated)
            .cloned()
            .collect();
        assert!(
            found(&granted).is_empty(),
            "tenant-wide consent: no finding"
        );
        granted.consented.pop();
        assert_eq!(found(&granted).len(), 1, "one scope short");
    }

    #[test]
    fn admin_consent_requests_and_reviewers() {
        let body = json!({"isEnabled":true,"notifyReviewers":true,"reviewers":[
            {"query":"/users/b6879be8-fb87-4482-a72e-18445d2b5c54","queryType":"MicrosoftGraph"}]});
        assert_eq!(
            admin_requests(&body),
            Some(AdminConsentRequests {
                enabled: true,
                reviewers: 1
            })
        );
        assert_eq!(admin_requests(&json!({})), None);
    }
}
