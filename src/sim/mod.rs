//! The simulated Microsoft 365 tenant: an HTTPS server speaking the Entra token endpoint and
//! the Graph mail endpoints as Microsoft documents them, driven by a scenario file.
//!
//! ```text
//! Scenario (TOML) ─► start() ─► SimHandle { authority, graph, ca_file, tenant_id }
//!                      │
//!                      ├─ /{tenant}/v2.0/.well-known/openid-configuration, /common/discovery/instance, JWKS
//!                      ├─ POST /{tenant}/oauth2/v2.0/token       (token.rs, assertion.rs, token_user.rs)
//!                      ├─ GET /{tenant}/oauth2/v2.0/authorize, POST …/devicecode (authorize.rs, devicecode.rs)
//!                      ├─ /v1.0/users/{id}/..., POST /v1.0/$batch (graph_*.rs, batch.rs, authz.rs)
//!                      ├─ /v1.0/applications, /servicePrincipals, /oauth2PermissionGrants, ... (apps*.rs)
//!                      ├─ PUT /api/v2.0/.../AttachmentSessions('..') (upload.rs)
//!                      ├─ POST /adminapi/beta/{tenant}/InvokeCommand (exchange_*.rs, directory.rs)
//!                      └─ GET /_sim/stats, POST /_sim/devicecode/{approve|decline}, /_sim/signin/revoke
//! ```
//!
//! The scenario format is documented in `docs/scenario-format.md`. Wire behaviour follows
//! `microsoft-wire-behaviour.md`; guesses are marked `[U]` in the code.

mod apps;
mod apps_activity;
mod apps_authz;
mod apps_creds;
mod apps_grants;
mod apps_graph;
mod apps_json;
mod apps_keys;
mod apps_lookup;
mod apps_routes;
mod apps_sp;
mod apps_stall;
mod assertion;
mod authorize;
mod authz;
mod batch;
mod body;
mod ca_dir;
mod certs;
mod devicecode;
mod directory;
mod exchange_auth;
mod exchange_cmdlets;
mod exchange_http;
mod exchange_params;
mod exchange_policy;
mod exchange_rbac;
mod exchange_recipients;
mod exchange_remove;
mod exchange_reply;
mod exchange_setup;
mod exo_model;
mod faults;
mod form;
mod graph_attach;
mod graph_catalog;
mod graph_dispatch;
mod graph_filter;
mod graph_http;
mod graph_mail;
mod graph_messages;
mod graph_query;
mod graph_reply;
mod graph_routes;
mod identity;
mod limits;
mod mailstore;
mod redirect;
mod run;
mod scenario;
mod scenario_bounds;
mod scenario_load;
mod scenario_raw;
mod scenario_signin;
mod server;
mod signin_errors;
mod signin_store;
mod state;
mod stats;
mod tenant;
mod tls;
mod token;
mod token_errors;
mod token_user;
mod tokens_jwt;
mod upload;

pub use apps::{AppManagement, ExternalApp, FailCall};
pub use apps_stall::StallCall;
pub use exchange_setup::{ExchangeSetup, FailCmdlet};
pub use run::{SimHandle, run_blocking, serve_until_signal, start};
pub use scenario::{
    AccessPolicy, AccessRight, App, AppCertificate, AppSecret, Faults, Group, GroupKind, Mailbox,
    MailboxKind, RbacAssignment, Scenario, ScenarioError,
};
pub use scenario_signin::{Admin, GRAPH_CLI_TOOLS, PublicClient, SigninSetup};
pub use stats::{SENT_MAIL_KEPT, SentMail, SimStats};

/// Why the sim could not start or serve.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Key or certificate generation failed.
    #[error("crypto: {0}")]
    Crypto(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Binding, writing the CA file, or signals.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Command-line usage error.
    #[error("{0}")]
    Usage(String),
}
