//! What a sign-in is for: which cloud's authority, which tenant, which public client, which
//! scopes.

use std::time::Duration;

use crate::graph::cloud::CloudEndpoints;

/// Microsoft Graph Command Line Tools: a public client every tenant can use without
/// registering an app (reference §1d).
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Exchange Online PowerShell: the public client Exchange's own module signs admins in
/// through (reference §1d); mailscope's Exchange steps use it for a token to Exchange.
pub const EXCHANGE_CLIENT_ID: &str = "fb78d390-0c51-40cd-8e17-fdbfab77341b";

/// What a sign-in is for: the Graph permissions the Entra steps need, or Exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Create or update the app registration and grant application permissions (every
    /// preset); also reads the tenant's consent and credential policies, and the
    /// organisation's name (`GET /organization`: User.Read).
    AppManagement,
    /// The same plus delegated permission grants (presets whose app signs users in).
    AppManagementDelegated,
    /// Exchange Online administration (InvokeCommand), through [`EXCHANGE_CLIENT_ID`] with the
    /// scope `{exchange resource}/.default`: no Graph permission.
    Exchange,
    /// Reading the sign-in activity reports (AuditLog.Read.All), asked for on its own by
    /// redeeming the remembered sign-in, only when a command needs it (`credential retire-old`).
    SignInActivity,
}

impl Purpose {
    /// The Graph permission names, least first.
    pub fn permissions(self) -> &'static [&'static str] {
        match self {
            Purpose::AppManagement => &[
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
                "Policy.Read.All",
                "User.Read",
            ],
            Purpose::AppManagementDelegated => &[
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
                "Policy.Read.All",
                "DelegatedPermissionGrant.ReadWrite.All",
                "User.Read",
            ],
            Purpose::Exchange => &[],
            Purpose::SignInActivity => &["AuditLog.Read.All"],
        }
    }

    /// The public client a sign-in for this purpose goes through by default.
    pub fn client_id(self) -> &'static str {
        match self {
            Purpose::Exchange => EXCHANGE_CLIENT_ID,
            _ => DEFAULT_CLIENT_ID,
        }
    }
}

impl Purpose {
    /// What a preset's Entra steps need: delegated grants only when its app has delegated
    /// permissions.
    pub fn for_preset(preset: &crate::preset::Preset) -> Purpose {
        if preset.delegated_permissions().next().is_some() {
            Purpose::AppManagementDelegated
        } else {
            Purpose::AppManagement
        }
    }
}

/// The scopes to ask for: each permission on the cloud's Graph resource, plus
/// `offline_access` (a refresh token) and `openid profile` (who signed in).
/// For [`Purpose::Exchange`]: Exchange's resource followed by `/.default`.
pub fn scopes(endpoints: &CloudEndpoints, purpose: Purpose) -> Vec<String> {
    let mut out: Vec<String> = match purpose {
        Purpose::Exchange => vec![format!(
            "{}/.default",
            crate::graph::cloud_exchange::exchange_resource(endpoints)
        )],
        _ => purpose
            .permissions()
            .iter()
            .map(|p| format!("{}/{p}", endpoints.graph))
            .collect(),
    };
    out.extend(["openid", "profile", "offline_access"].map(String::from));
    out
}

/// One sign-in's parameters.
#[derive(Debug, Clone)]
pub struct SigninConfig {
    pub endpoints: CloudEndpoints,
    /// Tenant GUID or domain (`organizations` when unknown).
    pub tenant: String,
    /// The public client.
    pub client_id: String,
    /// Space-joined into `scope`.
    pub scopes: Vec<String>,
    /// `login_hint`: the admin to sign in as, when known.
    pub login_hint: Option<String>,
    /// How long to wait for the browser to come back to the loopback.
    pub browser_timeout: Duration,
    /// Bound on one HTTP exchange with the identity platform.
    pub request_timeout: Duration,
}

impl SigninConfig {
    /// A configuration with the purpose's default client, timeouts, and its scopes.
    pub fn new(endpoints: CloudEndpoints, tenant: &str, purpose: Purpose) -> SigninConfig {
        let scopes = scopes(&endpoints, purpose);
        SigninConfig {
            endpoints,
            tenant: tenant.trim().to_string(),
            client_id: purpose.client_id().to_string(),
            scopes,
            login_hint: None,
            browser_timeout: Duration::from_secs(300),
            request_timeout: Duration::from_secs(30),
        }
    }

    /// The key its refresh token is remembered under.
    pub fn remember_key(&self) -> super::RememberKey {
        super::RememberKey {
            authority: self.endpoints.authority.clone(),
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
        }
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{leaf}`.
    pub fn endpoint(&self, leaf: &str) -> String {
        format!(
            "{}/{}/oauth2/v2.0/{leaf}",
            self.endpoints.authority, self.tenant
        )
    }

    /// The `scope` parameter.
    pub fn scope_param(&self) -> String {
        self.scopes.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Cloud;

    #[test]
    fn scopes_follow_the_cloud_and_the_purpose() {
        let us = CloudEndpoints::named(Cloud::GccHigh).expect("named");
        let s = scopes(&us, Purpose::AppManagement);
        assert_eq!(s[0], "https://graph.microsoft.us/Application.ReadWrite.All");
        assert!(!s.iter().any(|x| x.contains("DelegatedPermissionGrant")));
        assert!(s.iter().any(|x| x.ends_with("/User.Read")));
        assert!(s.contains(&"offline_access".to_string()));
        let d = scopes(&us, Purpose::AppManagementDelegated);
        assert!(
            d.iter()
                .any(|x| x.ends_with("/DelegatedPermissionGrant.ReadWrite.All"))
        );
        let lexzur = crate::preset::preset(crate::vocab::PresetId::Lexzur).expect("preset");
        assert_eq!(
            Purpose::for_preset(&lexzur),
            Purpose::AppManagementDelegated
        );
        let kundo = crate::preset::preset(crate::vocab::PresetId::Kundo).expect("preset");
        assert_eq!(Purpose::for_preset(&kundo), Purpose::AppManagement);
        let c = SigninConfig::new(us, "contoso.com", Purpose::AppManagement);
        assert_eq!(c.client_id, DEFAULT_CLIENT_ID);
        assert_eq!(
            c.endpoint("devicecode"),
            "https://login.microsoftonline.us/contoso.com/oauth2/v2.0/devicecode"
        );
    }

    #[test]
    fn exchange_signs_in_through_its_own_client_for_its_resource() {
        let us = CloudEndpoints::named(Cloud::GccHigh).expect("named");
        let c = SigninConfig::new(us.clone(), "contoso.com", Purpose::Exchange);
        assert_eq!(c.client_id, EXCHANGE_CLIENT_ID);
        assert_eq!(c.scopes[0], "https://outlook.office365.us/.default");
        assert!(c.scopes.contains(&"offline_access".to_string()));
        assert!(!c.scopes.iter().any(|s| s.contains("graph")));
        let graph = SigninConfig::new(us, "contoso.com", Purpose::AppManagement);
        assert_ne!(c.remember_key(), graph.remember_key());
    }
}
