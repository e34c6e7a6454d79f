//! The one Entra step of RBAC for Applications: Exchange adds its scoped grants to whatever
//! Entra grants, so the app's tenant-wide admin consent for the same Mail permissions must go
//! (only with the admin's explicit confirmation). Uses the Entra sign-in (Graph), reads the
//! app's app role assignments and deletes those of the scoped permissions
//! (`DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{id}`, reference §2c) with
//! Entra's own Graph writer ([`crate::entra::write`]).

use std::time::Duration;

use serde_json::Value;

use crate::entra::write::Writer;
use crate::graph::cloud::CloudEndpoints;
use crate::powershell::permission_ids::permission_id;
use crate::preset::{PermissionKind, Preset};
use crate::profile::Profile;
use crate::secrets::{Secret, SecretStore};

/// One tenant-wide consent to a scoped permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub resource_id: String,
    pub permission: String,
}

/// Graph with the admin's Entra sign-in (the token stays in memory).
pub struct EntraConsent {
    endpoints: CloudEndpoints,
    http: reqwest::Client,
    token: Secret,
    timeout: Duration,
}

/// `(permission name, Graph app role ID)` for Exchange's `Application …` roles.
pub fn scoped_permissions(roles: &[String]) -> Vec<(String, String)> {
    roles
        .iter()
        .map(|r| r.trim_start_matches("Application ").to_string())
        .filter_map(|n| {
            permission_id(&n, PermissionKind::Application).map(|id| (n, id.to_string()))
        })
        .collect()
}

impl EntraConsent {
    /// The remembered Entra sign-in for `profile`, renewed; `None` when there is none (or it
    /// cannot be renewed: the plan then says it could not read the consent).
    pub async fn connect(
        profile: &Profile,
        preset: &Preset,
        endpoints: &CloudEndpoints,
        http: &reqwest::Client,
        secrets: &dyn SecretStore,
    ) -> Option<EntraConsent> {
        let cfg = crate::entra::signin_config(profile, preset, endpoints)?;
        let signed = crate::entra::session_for_profile(&cfg, profile, http, secrets)
            .await
            .ok()?;
        Some(EntraConsent {
            endpoints: endpoints.clone(),
            http: http.clone(),
            token: signed.access_token,
            timeout: cfg.request_timeout,
        })
    }

    /// Entra's Graph writes (and reads between them) with this sign-in.
    fn writer(&self) -> Writer<'_> {
        Writer {
            endpoints: &self.endpoints,
            http: &self.http,
            token: &self.token,
            timeout: self.timeout,
        }
    }

    async fn get(&self, what: &str, path: &str) -> Result<Value, String> {
        self.writer()
            .get(what, path)
            .await
            .map_err(|e| e.to_string())
    }

    /// The object ID of the app's service principal (Enterprise applications), if it has one.
    pub async fn service_principal_id(&self, app_id: &str) -> Result<Option<String>, String> {
        let q = format!(
            "/servicePrincipals?$filter=appId eq '{}'&$select=id",
            app_id.replace('\'', "''")
        );
        let sps = self.get("find the app's service principal", &q).await?;
        Ok(sps["value"]
            .get(0)
            .and_then(|s| s["id"].as_str())
            .map(String::from))
    }

    /// The app's tenant-wide consents to the permissions of `roles`.
    pub async fn scoped_grants(
        &self,
        app_id: &str,
        roles: &[String],
    ) -> Result<Vec<Grant>, String> {
        let wanted = scoped_permissions(roles);
        let Some(sp) = self.service_principal_id(app_id).await? else {
            return Ok(Vec::new());
        };
        let list = self
            .get(
                "list the app's app role assignments",
                &format!("/servicePrincipals/{sp}/appRoleAssignments"),
            )
            .await?;
        let items = list["value"].as_array().cloned().unwrap_or_default();
        Ok(items
            .iter()
            .filter_map(|a| {
                let role = a["appRoleId"].as_str()?;
                let (name, _) = wanted
                    .iter()
                    .find(|(_, id)| id.eq_ignore_ascii_case(role))?;
                Some(Grant {
                    id: a["id"].as_str()?.to_string(),
                    resource_id: a["resourceId"].as_str()?.to_string(),
                    permission: name.clone(),
                })
            })
            .collect())
    }

    /// Deletes one consent.
    pub async fn remove(&self, g: &Grant) -> Result<(), String> {
        self.writer()
            .remove_app_role(&g.resource_id, &g.id)
            .await
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_roles_map_back_to_graph_permissions() {
        let got = scoped_permissions(&[
            "Application Mail.ReadWrite".to_string(),
            "Application Unknown.Thing".to_string(),
        ]);
        assert_eq!(
            got,
            [(
                "Mail.ReadWrite".to_string(),
                "e2a3a72e-5f79-4c64-b1b1-878b674786c9".to_string()
            )]
        );
    }
}
