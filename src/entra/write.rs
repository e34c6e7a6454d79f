//! Microsoft Graph writes for app management with the admin's delegated token: create and
//! patch an application, add and remove a client secret, set key credentials (certificates),
//! create a service principal, assign and remove app roles, create, patch and delete an
//! `AllPrincipals` delegated grant. Each returns the IDs the tenant created; Microsoft's error
//! answers become a typed [`WriteError`] (replication errors recognisable for
//! [`super::retry`]). A new secret's value is returned as a [`Secret`] and the answer that
//! carried it is wiped; no error or `Debug` output ever holds it.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

pub use super::write_error::WriteError;
use super::write_error::classify;
use crate::graph::cloud::CloudEndpoints;
use crate::secrets::Secret;

/// An application created: its object ID and its application (client) ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedApp {
    pub object_id: String,
    pub app_id: String,
}

/// A client secret added. `value` is shown once by Microsoft: store it, never print it.
#[derive(Debug, Clone)]
pub struct NewSecret {
    /// The Secret ID (`keyId`).
    pub key_id: String,
    pub end: OffsetDateTime,
    /// The first characters Entra shows (`hint`), when given.
    pub hint: Option<String>,
    pub value: Secret,
}

/// A certificate to upload: its public DER and a display name (`CN=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    pub der: Vec<u8>,
    pub display_name: String,
}

/// Graph writes with one admin token.
pub struct Writer<'a> {
    pub endpoints: &'a CloudEndpoints,
    pub http: &'a reqwest::Client,
    pub token: &'a Secret,
    /// Bound on one exchange.
    pub timeout: Duration,
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn b64(der: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(der)
}

impl Writer<'_> {
    /// Sends one request; the answer's body (wiped when dropped) on 2xx.
    async fn send(
        &self,
        what: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Zeroizing<Vec<u8>>, WriteError> {
        self.send_to(what, method, self.endpoints.graph_url(path), body)
            .await
    }

    /// Sends one request to a full URL; the answer's body on 2xx.
    async fn send_to(
        &self,
        what: &str,
        method: reqwest::Method,
        url: String,
        body: Option<&Value>,
    ) -> Result<Zeroizing<Vec<u8>>, WriteError> {
        let mut req = self
            .http
            .request(method, url)
            .bearer_auth(self.token.expose());
        if let Some(b) = body {
            req = req.json(b);
        }
        let mut resp = crate::graph::client::send(req, self.timeout, self.endpoints.graph_host())
            .await
            .map_err(|d| WriteError::Network {
                what: what.to_string(),
                summary: d.summary,
            })?;
        let raw = Zeroizing::new(std::mem::take(&mut resp.body));
        if (200..300).contains(&resp.status) {
            return Ok(raw);
        }
        let parsed: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        let retry_after = resp
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, v)| v.trim().parse::<f64>().ok());
        Err(classify(what, resp.status, &parsed, retry_after))
    }

    async fn send_json(
        &self,
        what: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, WriteError> {
        let raw = self.send(what, method, path, body).await?;
        serde_json::from_slice(&raw).map_err(|_| WriteError::BadResponse {
            what: what.to_string(),
        })
    }

    /// `GET` a Graph path (under `/v1.0`), for reads apply needs between writes.
    pub async fn get(&self, what: &str, path: &str) -> Result<Value, WriteError> {
        self.send_json(what, reqwest::Method::GET, path, None).await
    }

    /// `GET` a Graph path under `/beta` (reports Microsoft offers only there).
    pub async fn get_beta(&self, what: &str, path: &str) -> Result<Value, WriteError> {
        let url = format!("{}/beta{path}", self.endpoints.graph.trim_end_matches('/'));
        let raw = self.send_to(what, reqwest::Method::GET, url, None).await?;
        serde_json::from_slice(&raw).map_err(|_| WriteError::BadResponse {
            what: what.to_string(),
        })
    }

    fn id_of(what: &str, v: &Value, key: &str) -> Result<String, WriteError> {
        v.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .ok_or_else(|| WriteError::BadResponse {
                what: what.to_string(),
            })
    }

    /// `POST /applications` with `body` (displayName, signInAudience,
    /// requiredResourceAccess, …).
    pub async fn create_app(&self, body: &Value) -> Result<CreatedApp, WriteError> {
        let what = "create the app registration";
        let v = self
            .send_json(what, reqwest::Method::POST, "/applications", Some(body))
            .await?;
        Ok(CreatedApp {
            object_id: Self::id_of(what, &v, "id")?,
            app_id: Self::id_of(what, &v, "appId")?,
        })
    }

    /// `PATCH /applications/{object_id}`.
    pub async fn patch_app(&self, object_id: &str, body: &Value) -> Result<(), WriteError> {
        self.patch_app_as("update the app registration", object_id, body)
            .await
    }

    async fn patch_app_as(
        &self,
        what: &str,
        object_id: &str,
        body: &Value,
    ) -> Result<(), WriteError> {
        self.send(
            what,
            reqwest::Method::PATCH,
            &format!("/applications/{object_id}"),
            Some(body),
        )
        .await
        .map(drop)
    }

    /// `addPassword` ending at `end`. The answer's `secretText` becomes [`NewSecret::value`];
    /// the answer is wiped.
    pub async fn add_password(
        &self,
        object_id: &str,
        display_name: &str,
        end: OffsetDateTime,
    ) -> Result<NewSecret, WriteError> {
        let what = "add a client secret";
        let body =
            json!({"passwordCredential": {"displayName": display_name, "endDateTime": iso(end)}});
        let raw = self
            .send(
                what,
                reqwest::Method::POST,
                &format!("/applications/{object_id}/addPassword"),
                Some(&body),
            )
            .await?;
        let bad = || WriteError::BadResponse {
            what: what.to_string(),
        };
        #[derive(serde::Deserialize)]
        struct Answer {
            #[serde(rename = "keyId")]
            key_id: String,
            #[serde(rename = "endDateTime")]
            end: String,
            #[serde(default)]
            hint: Option<String>,
            #[serde(rename = "secretText")]
            secret_text: String,
        }
        let a: Answer = serde_json::from_slice(&raw).map_err(|_| bad())?;
        let end = OffsetDateTime::parse(&a.end, &Rfc3339);
        let value = Secret::new(a.secret_text);
        if value.expose().is_empty() {
            return Err(bad());
        }
        Ok(NewSecret {
            key_id: a.key_id,
            end: end.map_err(|_| bad())?,
            hint: a.hint,
            // Moved, not copied: the value lives on only inside the zeroed Secret.
            value,
        })
    }

    /// `removePassword` of the secret `key_id`.
    pub async fn remove_password(&self, object_id: &str, key_id: &str) -> Result<(), WriteError> {
        self.send(
            "remove a client secret",
            reqwest::Method::POST,
            &format!("/applications/{object_id}/removePassword"),
            Some(&json!({"keyId": key_id})),
        )
        .await
        .map(drop)
    }

    /// Sets the app's certificates by `PATCH keyCredentials` (how the first certificate is
    /// uploaded: `addKey` needs proof from an existing one): `keep` are the key IDs already
    /// there that stay, `add` the new public certificates. Returns the new key IDs, in order
    /// (chosen here, so the record can name them).
    pub async fn set_key_credentials(
        &self,
        object_id: &str,
        keep: &[String],
        add: &[NewKey],
    ) -> Result<Vec<String>, WriteError> {
        let mut keys: Vec<Value> = keep.iter().map(|k| json!({"keyId": k})).collect();
        let mut ids = Vec::new();
        for k in add {
            let id = uuid::Uuid::new_v4().to_string();
            keys.push(
                json!({"keyId": id, "type": "AsymmetricX509Cert", "usage": "Verify",
                "key": b64(&k.der), "displayName": k.display_name}),
            );
            ids.push(id);
        }
        self.patch_app_as(
            "upload the certificate",
            object_id,
            &json!({"keyCredentials": keys}),
        )
        .await?;
        Ok(ids)
    }

    /// `addKey`: a further certificate, allowed by `proof` (a proof-of-possession JWT signed
    /// by a current certificate's key); the new key ID as Entra answers it.
    pub async fn add_key(
        &self,
        object_id: &str,
        key: &NewKey,
        proof: &Secret,
    ) -> Result<String, WriteError> {
        let what = "add the certificate (addKey)";
        let body = json!({
            "keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify",
                "key": b64(&key.der), "displayName": key.display_name},
            "passwordCredential": null,
            "proof": proof.expose(),
        });
        let v = self
            .send_json(
                what,
                reqwest::Method::POST,
                &format!("/applications/{object_id}/addKey"),
                Some(&body),
            )
            .await?;
        Self::id_of(what, &v, "keyId")
    }

    /// `removeKey` of the certificate `key_id`, allowed by `proof`.
    pub async fn remove_key(
        &self,
        object_id: &str,
        key_id: &str,
        proof: &Secret,
    ) -> Result<(), WriteError> {
        self.send(
            "remove a certificate (removeKey)",
            reqwest::Method::POST,
            &format!("/applications/{object_id}/removeKey"),
            Some(&json!({"keyId": key_id, "proof": proof.expose()})),
        )
        .await
        .map(drop)
    }

    /// `DELETE /applications/{object_id}`.
    pub async fn delete_app(&self, object_id: &str) -> Result<(), WriteError> {
        self.send(
            "delete the app registration",
            reqwest::Method::DELETE,
            &format!("/applications/{object_id}"),
            None,
        )
        .await
        .map(drop)
    }

    /// `DELETE /servicePrincipals/{id}`.
    pub async fn delete_service_principal(&self, id: &str) -> Result<(), WriteError> {
        self.send(
            "delete the service principal",
            reqwest::Method::DELETE,
            &format!("/servicePrincipals/{id}"),
            None,
        )
        .await
        .map(drop)
    }

    /// `POST /servicePrincipals {appId}`; the new object ID.
    pub async fn create_service_principal(&self, app_id: &str) -> Result<String, WriteError> {
        let what = "create the service principal";
        let v = self
            .send_json(
                what,
                reqwest::Method::POST,
                "/servicePrincipals",
                Some(&json!({"appId": app_id})),
            )
            .await?;
        Self::id_of(what, &v, "id")
    }

    /// `POST /servicePrincipals/{resource}/appRoleAssignedTo`: grants the app role
    /// `app_role_id` of `resource_sp` to `principal_sp`; the assignment's ID.
    pub async fn assign_app_role(
        &self,
        resource_sp: &str,
        principal_sp: &str,
        app_role_id: &str,
    ) -> Result<String, WriteError> {
        let what = "grant admin consent (app role assignment)";
        let body = json!({"principalId": principal_sp, "resourceId": resource_sp, "appRoleId": app_role_id});
        let v = self
            .send_json(
                what,
                reqwest::Method::POST,
                &format!("/servicePrincipals/{resource_sp}/appRoleAssignedTo"),
                Some(&body),
            )
            .await?;
        Self::id_of(what, &v, "id")
    }

    /// `DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{assignment}`.
    pub async fn remove_app_role(
        &self,
        resource_sp: &str,
        assignment_id: &str,
    ) -> Result<(), WriteError> {
        self.send(
            "revoke an app role assignment",
            reqwest::Method::DELETE,
            &format!("/servicePrincipals/{resource_sp}/appRoleAssignedTo/{assignment_id}"),
            None,
        )
        .await
        .map(drop)
    }

    /// `POST /oauth2PermissionGrants` (`AllPrincipals`); the grant's ID.
    pub async fn create_grant(
        &self,
        client_sp: &str,
        resource_sp: &str,
        scope: &str,
    ) -> Result<String, WriteError> {
        let what = "grant tenant-wide consent to delegated permissions";
        let body = json!({"clientId": client_sp, "consentType": "AllPrincipals", "resourceId": resource_sp, "scope": scope});
        let v = self
            .send_json(
                what,
                reqwest::Method::POST,
                "/oauth2PermissionGrants",
                Some(&body),
            )
            .await?;
        Self::id_of(what, &v, "id")
    }

    /// `PATCH /oauth2PermissionGrants/{id} {scope}`.
    pub async fn patch_grant(&self, grant_id: &str, scope: &str) -> Result<(), WriteError> {
        self.send(
            "change the delegated permission grant",
            reqwest::Method::PATCH,
            &format!("/oauth2PermissionGrants/{grant_id}"),
            Some(&json!({"scope": scope})),
        )
        .await
        .map(drop)
    }

    /// `DELETE /oauth2PermissionGrants/{id}`.
    pub async fn delete_grant(&self, grant_id: &str) -> Result<(), WriteError> {
        self.send(
            "remove the delegated permission grant",
            reqwest::Method::DELETE,
            &format!("/oauth2PermissionGrants/{grant_id}"),
            None,
        )
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_secret_never_prints() {
        let s = NewSecret {
            key_id: "k".into(),
            end: OffsetDateTime::UNIX_EPOCH,
            hint: None,
            value: Secret::new("very-secret-value"),
        };
        assert!(!format!("{s:?}").contains("very-secret-value"));
    }
}
