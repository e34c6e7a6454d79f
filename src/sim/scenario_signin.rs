//! Scenario keys for delegated sign-in: `[[admin]]`, `[[public_client]]`, `auto_approve` and
//! the device-code timings.
//!
//! ```toml
//! auto_approve = "admin@contoso.com"   # every sign-in succeeds as this admin, no browser
//! device_code_interval_s = 5           # `interval` of /devicecode (0 in fast tests)
//! device_code_lifetime_s = 900         # `expires_in` of /devicecode (0: expired at once)
//!
//! [[admin]]
//! upn = "admin@contoso.com"
//! roles = ["Application Administrator", "Privileged Role Administrator"]
//! mfa_required = false                  # token requests get AADSTS50076
//! blocked_by_conditional_access = false # AADSTS53003
//! consent_required = false              # AADSTS65001 (consent_required)
//!
//! [[public_client]]                     # besides Microsoft's own public clients
//! client_id = "…"
//! name = "Contoso Admin Tools"
//! redirect_uris = ["http://localhost"]
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::scenario::ScenarioError;
use super::scenario_load::{Ctx, derived_id};
use super::scenario_raw::RawScenario;

/// Microsoft Graph Command Line Tools, the default public client.
pub const GRAPH_CLI_TOOLS: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAdmin {
    upn: Spanned<String>,
    object_id: Option<String>,
    display_name: Option<String>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    #[serde(default)]
    mfa_required: bool,
    #[serde(default)]
    blocked_by_conditional_access: bool,
    #[serde(default)]
    consent_required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPublicClient {
    client_id: Spanned<String>,
    name: String,
    #[serde(default)]
    redirect_uris: Vec<Spanned<String>>,
}

pub(crate) fn default_interval() -> u64 {
    5
}

pub(crate) fn default_device_lifetime() -> u64 {
    900
}

/// An admin who can sign in.
#[derive(Debug, Clone)]
pub struct Admin {
    /// User principal name, lower case.
    pub upn: String,
    /// User object id (`oid`).
    pub object_id: String,
    /// Display name (`name`).
    pub display_name: String,
    /// Active directory roles, as template ids (`wids`).
    pub role_ids: Vec<String>,
    /// Token requests fail with AADSTS50076 (MFA required).
    pub mfa_required: bool,
    /// Token requests fail with AADSTS53003 (Conditional Access).
    pub blocked_by_conditional_access: bool,
    /// Token requests fail with AADSTS65001 (consent required).
    pub consent_required: bool,
}

/// A public client the tenant accepts sign-ins for.
#[derive(Debug, Clone)]
pub struct PublicClient {
    /// Application (client) id, lower case.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Registered redirect URIs (loopback ones match on any port).
    pub redirect_uris: Vec<String>,
}

/// Everything about delegated sign-in in a scenario.
#[derive(Debug, Clone)]
pub struct SigninSetup {
    /// Admins.
    pub admins: Vec<Admin>,
    /// Public clients: Microsoft's own (Graph Command Line Tools, Azure CLI, Exchange Online
    /// PowerShell) and the scenario's.
    pub public_clients: Vec<PublicClient>,
    /// The admin every sign-in succeeds as, without a browser.
    pub auto_approve: Option<String>,
    /// `interval` of device codes, seconds.
    pub device_code_interval_s: u64,
    /// `expires_in` of device codes, seconds.
    pub device_code_lifetime_s: u64,
}

impl Default for SigninSetup {
    fn default() -> Self {
        SigninSetup {
            admins: Vec::new(),
            public_clients: builtin_clients(),
            auto_approve: None,
            device_code_interval_s: default_interval(),
            device_code_lifetime_s: default_device_lifetime(),
        }
    }
}

impl SigninSetup {
    /// The admin with this UPN (case-insensitive).
    pub fn admin(&self, upn: &str) -> Option<&Admin> {
        self.admins
            .iter()
            .find(|a| a.upn.eq_ignore_ascii_case(upn.trim()))
    }

    /// The public client with this id (case-insensitive).
    pub fn client(&self, client_id: &str) -> Option<&PublicClient> {
        self.public_clients
            .iter()
            .find(|c| c.client_id.eq_ignore_ascii_case(client_id.trim()))
    }
}

fn client(id: &str, name: &str, redirect: &str) -> PublicClient {
    PublicClient {
        client_id: id.to_string(),
        name: name.to_string(),
        redirect_uris: vec![redirect.to_string()],
    }
}

fn builtin_clients() -> Vec<PublicClient> {
    vec![
        client(
            GRAPH_CLI_TOOLS,
            "Microsoft Graph Command Line Tools",
            "http://localhost",
        ),
        client(
            "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            "Microsoft Azure CLI",
            "http://localhost",
        ),
        client(
            "fb78d390-0c51-40cd-8e17-fdbfab77341b",
            "Microsoft Exchange REST API Based Powershell",
            "http://localhost",
        ),
    ]
}

/// Validates the sign-in keys of a scenario.
pub(crate) fn load(cx: &Ctx<'_>, raw: &RawScenario) -> Result<SigninSetup, ScenarioError> {
    let err = |s: &Spanned<String>, key: &str, m: String| cx.err_at(s.span().start, key, m);
    let mut admins: Vec<Admin> = Vec::new();
    for a in &raw.admin {
        let upn = a.upn.get_ref().trim().to_ascii_lowercase();
        if !upn.contains('@') {
            return Err(err(&a.upn, "admin.upn", format!("'{upn}' is not a UPN")));
        }
        if admins.iter().any(|x| x.upn == upn) {
            return Err(err(&a.upn, "admin.upn", format!("duplicate admin '{upn}'")));
        }
        let mut role_ids = Vec::new();
        for r in &a.roles {
            let Some(id) = crate::signin::roles::template_id(r.get_ref()) else {
                let known: Vec<&str> = crate::signin::roles::DIRECTORY_ROLES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                let m = format!(
                    "unknown directory role '{}' (known: {})",
                    r.get_ref(),
                    known.join(", ")
                );
                return Err(err(r, "admin.roles", m));
            };
            role_ids.push(id.to_string());
        }
        let local = upn.split('@').next().unwrap_or(&upn).to_string();
        admins.push(Admin {
            object_id: a
                .object_id
                .clone()
                .unwrap_or_else(|| derived_id("admin", &upn)),
            display_name: a.display_name.clone().unwrap_or(local),
            upn,
            role_ids,
            mfa_required: a.mfa_required,
            blocked_by_conditional_access: a.blocked_by_conditional_access,
            consent_required: a.consent_required,
        });
    }
    let mut public_clients = builtin_clients();
    for c in &raw.public_client {
        let id = c.client_id.get_ref().trim().to_ascii_lowercase();
        if uuid::Uuid::parse_str(&id).is_err() {
            return Err(err(
                &c.client_id,
                "public_client.client_id",
                "must be a GUID".into(),
            ));
        }
        if public_clients.iter().any(|x| x.client_id == id) {
            let m = format!("duplicate public client '{id}'");
            return Err(err(&c.client_id, "public_client.client_id", m));
        }
        let mut redirect_uris = Vec::new();
        for r in &c.redirect_uris {
            if super::redirect::parse(r.get_ref()).is_none() {
                let m = format!(
                    "'{}' is not a loopback redirect URI (http://localhost[:port]/path)",
                    r.get_ref()
                );
                return Err(err(r, "public_client.redirect_uris", m));
            }
            redirect_uris.push(r.get_ref().clone());
        }
        public_clients.push(PublicClient {
            client_id: id,
            name: c.name.clone(),
            redirect_uris,
        });
    }
    let auto_approve = match &raw.auto_approve {
        None => None,
        Some(s) => {
            let upn = s.get_ref().trim().to_ascii_lowercase();
            if !admins.iter().any(|a| a.upn == upn) {
                return Err(err(
                    s,
                    "auto_approve",
                    format!("no [[admin]] has upn '{upn}'"),
                ));
            }
            Some(upn)
        }
    };
    for (key, value, max) in [
        ("device_code_interval_s", raw.device_code_interval_s, 60),
        ("device_code_lifetime_s", raw.device_code_lifetime_s, 86_400),
    ] {
        if value > max {
            let at = cx.text.find(key).unwrap_or(0);
            let m = format!("must be at most {max} (seconds), not {value}");
            return Err(cx.err_at(at, key, m));
        }
    }
    Ok(SigninSetup {
        admins,
        public_clients,
        auto_approve,
        device_code_interval_s: raw.device_code_interval_s,
        device_code_lifetime_s: raw.device_code_lifetime_s,
    })
}
