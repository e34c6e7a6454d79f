//! The one Entra step of RBAC for Applications: Exchange adds its scoped grants to whatever
//! Entra grants, so the app's tenant-wide admin consent for the same Mail permissions must go
//! (only with the admin's explicit confirmation). Uses the Entra sign-in (Graph), reads the
//! app's app role assignments and deletes those of the scoped permissions
//! (`DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{id}`, reference §2c).

use std::time::Duration;

use serde_json::Value;

use crate::graph::client::send;
use crate::graph::cloud::CloudEndpoints;
use crate::powershell::permission_ids::permission_id;
use crate::preset::{PermissionKind, Preset};
use crate::profile::Profile;
use crate::secrets::{Secret, SecretStore};
use crate::signin::resume;

/// One tenant-wide consent to a scoped permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub resource_id: String,
    pub permission: String,
}

/// Graph with the admin's Entra sign-in.
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
        let signed = resume(&cfg, http, secrets).await.ok()??;
        Some(EntraConsent {
            endpoints: endpoints.clone(),
            http: http.clone(),
            token: signed.access_token,
            timeout: cfg.request_timeout,
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str) -> Result<Value, String> {
        let url = self.endpoints.graph_url(path);
        if !self.endpoints.is_graph_url(&url) {
            return Err("not a Graph URL".into());
        }
        let mut req = self.http.request(method, url);
        if let Some(auth) = crate::secrets::wipe::bearer_header(&self.token) {
            req = req.header(reqwest::header::AUTHORIZATION, auth);
        }
        let resp = send(req, self.timeout, self.endpoints.graph_host())
            .await
            .map_err(|d| d.summary)?;
        let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        if !resp.is_success() {
            let msg = body["error"]["message"].as_str().unwrap_or_default();
            return Err(format!(
                "Microsoft Graph answered HTTP {}: {msg}",
                resp.status
            ));
        }
        Ok(body)
    }

    /// The object ID of the app's service principal (Enterprise applications), if it has one.
    pub async fn service_principal_id(&self, app_id: &str) -> Result<Option<String>, String> {
        let q = format!(
            "/servicePrincipals?$filter=appId eq '{}'&$select=id",
            app_id.replace('\'', "''")
        );
        let sps = self.call(reqwest::Method::GET, &q).await?;
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
            .call(
                reqwest::Method::GET,
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
        self.call(
            reqwest::Method::DELETE,
            &format!(
                "/servicePrincipals/{}/appRoleAssignedTo/{}",
                g.resource_id, g.id
            ),
        )
        .await
        .map(|_| ())
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
