//! Raw serde shapes of a scenario file, with spans for error messages.

use serde::Deserialize;
use toml::Spanned;

use super::scenario::{AccessRight, Faults, GroupKind, MailboxKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub(crate) tenant_id: Spanned<String>,
    pub(crate) tenant_name: Option<String>,
    pub(crate) domains: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) latency_ms: u64,
    #[serde(default)]
    pub(crate) jitter_ms: u64,
    #[serde(default = "default_lifetime")]
    pub(crate) token_lifetime_s: i64,
    #[serde(default)]
    pub(crate) app: Vec<RawApp>,
    #[serde(default)]
    pub(crate) mailbox: Vec<RawMailbox>,
    #[serde(default)]
    pub(crate) mailbox_range: Vec<RawRange>,
    #[serde(default)]
    pub(crate) group: Vec<RawGroup>,
    #[serde(default)]
    pub(crate) access_policy: Vec<RawPolicy>,
    #[serde(default)]
    pub(crate) rbac_assignment: Vec<RawRbac>,
    #[serde(default)]
    pub(crate) faults: Faults,
    #[serde(default)]
    pub(crate) app_management: super::apps::AppManagement,
    #[serde(default)]
    pub(crate) exchange: super::exchange_setup::ExchangeSetup,
    #[serde(default)]
    pub(crate) admin: Vec<super::scenario_signin::RawAdmin>,
    #[serde(default)]
    pub(crate) public_client: Vec<super::scenario_signin::RawPublicClient>,
    pub(crate) auto_approve: Option<Spanned<String>>,
    #[serde(default = "super::scenario_signin::default_interval")]
    pub(crate) device_code_interval_s: u64,
    #[serde(default = "super::scenario_signin::default_device_lifetime")]
    pub(crate) device_code_lifetime_s: u64,
}

fn default_lifetime() -> i64 {
    3599
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawApp {
    pub(crate) client_id: Spanned<String>,
    pub(crate) name: String,
    pub(crate) object_id: Option<String>,
    #[serde(default)]
    pub(crate) roles: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) secrets: Vec<RawSecret>,
    #[serde(default)]
    pub(crate) certificates: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) disabled: bool,
    #[serde(default = "yes")]
    pub(crate) service_principal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSecret {
    pub(crate) id: String,
    pub(crate) value: String,
    pub(crate) expires: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMailbox {
    pub(crate) address: Spanned<String>,
    #[serde(default = "default_kind")]
    pub(crate) kind: MailboxKind,
    pub(crate) id: Option<String>,
    pub(crate) display_name: Option<String>,
    #[serde(default = "default_messages")]
    pub(crate) messages: u32,
    #[serde(default)]
    pub(crate) member_of: Vec<Spanned<String>>,
}

fn default_kind() -> MailboxKind {
    MailboxKind::User
}

fn default_messages() -> u32 {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRange {
    pub(crate) pattern: Spanned<String>,
    pub(crate) count: u32,
    #[serde(default = "default_start")]
    pub(crate) start: u32,
    #[serde(default = "default_kind")]
    pub(crate) kind: MailboxKind,
    #[serde(default = "default_messages")]
    pub(crate) messages: u32,
    #[serde(default)]
    pub(crate) member_of: Vec<Spanned<String>>,
}

fn default_start() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGroup {
    pub(crate) address: Spanned<String>,
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) kind: GroupKind,
    #[serde(default)]
    pub(crate) members: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    pub(crate) app: Spanned<String>,
    pub(crate) group: Spanned<String>,
    pub(crate) access: AccessRight,
    #[serde(default)]
    pub(crate) effective_after_s: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRbac {
    pub(crate) app: Spanned<String>,
    pub(crate) role: Spanned<String>,
    pub(crate) group: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) effective_after_s: f64,
}
