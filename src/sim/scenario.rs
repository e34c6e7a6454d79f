//! The scenario model: a simulated tenant's apps, mailboxes, groups, policies and faults.
//!
//! A scenario is read from TOML; [`Scenario::from_file`] and [`Scenario::from_toml`] report a
//! bad file with its name, line and key. Every key is described in `docs/scenario-format.md`;
//! in short:
//!
//! ```toml
//! tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
//! domains = ["contoso.onmicrosoft.com", "contoso.com"]
//! latency_ms = 50                  # plus jitter_ms; token_lifetime_s = 3599
//!
//! [[app]]                          # client_id, name, roles (consented app permissions),
//! client_id = "b1c2d3e4-0000-4000-8000-000000000001"
//! name = "Kundo Mail"
//! roles = ["Mail.Send", "Mail.ReadWrite"]
//! secrets = [{ id = "5e1c0a77-…", value = "…", expires = "2028-11-22" }]
//! certificates = ["elegere.pem"]   # public PEM certificates, relative to the scenario
//!
//! [[mailbox]]                      # kind = user | shared | on-premises | unlicensed
//! address = "support@contoso.com"
//! kind = "shared"
//!
//! [[mailbox_range]]                # agent1@ … agent1000@
//! pattern = "agent{n}@contoso.com"
//! count = 1000
//! member_of = ["kundo-mailboxes@contoso.com"]
//!
//! [[group]]                        # members: mailboxes or groups (nested); kind, name
//! address = "kundo-mailboxes@contoso.com"
//! members = ["support@contoso.com"]
//!
//! [[access_policy]]                # RestrictAccess | DenyAccess, nested groups count
//! app = "b1c2d3e4-0000-4000-8000-000000000001"
//! group = "kundo-mailboxes@contoso.com"
//! access = "RestrictAccess"
//! effective_after_s = 0            # propagation: applies this long after sim start
//!
//! [[rbac_assignment]]              # union with roles; direct group members only
//! app = "b1c2d3e4-0000-4000-8000-000000000001"
//! role = "Application Mail.ReadWrite"
//! group = "kundo-mailboxes@contoso.com"
//!
//! [exchange]                       # InvokeCommand: changes reach Graph after propagation_s
//! propagation_s = 1.0              # plus page_size and [[exchange.fail]]
//!
//! [faults]                         # rates, *_first counters, retry_after_s, seed
//! throttle_rate = 0.0
//! retry_after_s = 1.5
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A parsed, validated scenario (mailbox ranges expanded, group memberships resolved).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where the scenario came from (file name), used in messages.
    pub origin: String,
    /// The tenant GUID (lower case).
    pub tenant_id: String,
    /// The tenant's display name ("Contoso"), used in AADSTS700016 texts.
    pub tenant_name: String,
    /// Verified domains (lower case); any of them names the tenant in URLs.
    pub domains: Vec<String>,
    /// Fixed latency added to every token and Graph response.
    pub latency_ms: u64,
    /// Random extra latency, uniform in `0..=jitter_ms`.
    pub jitter_ms: u64,
    /// Lifetime of issued access tokens (`expires_in`); negative issues already expired tokens.
    pub token_lifetime_s: i64,
    /// Registered applications (with their service principals).
    pub apps: Vec<App>,
    /// Directory users and their mailboxes.
    pub mailboxes: Vec<Mailbox>,
    /// Groups (mail-enabled security groups), members are addresses of mailboxes or groups.
    pub groups: Vec<Group>,
    /// Exchange application access policies.
    pub access_policies: Vec<AccessPolicy>,
    /// Exchange RBAC for Applications role assignments.
    pub rbac_assignments: Vec<RbacAssignment>,
    /// Limits and faults.
    pub faults: Faults,
    /// Replication lag and the app management policy (`[app_management]`).
    pub app_management: super::apps::AppManagement,
    /// Exchange Online's InvokeCommand endpoint: propagation, paging, faults (`[exchange]`).
    pub exchange: super::exchange_setup::ExchangeSetup,
    /// Admins who sign in (delegated), the public clients they use, automatic approval.
    pub signin: super::scenario_signin::SigninSetup,
}

/// An app registration with its service principal.
#[derive(Debug, Clone)]
pub struct App {
    /// Application (client) id, lower case.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Service principal object id (`oid`/`sub` of its tokens).
    pub object_id: String,
    /// Admin-consented application permissions (Graph app roles).
    pub roles: Vec<String>,
    /// Client secrets.
    pub secrets: Vec<AppSecret>,
    /// Registered public certificates.
    pub certificates: Vec<AppCertificate>,
    /// A disabled app gets AADSTS7000112.
    pub disabled: bool,
    /// Whether the app has a service principal in this tenant (AADSTS7000229 when not).
    pub service_principal: bool,
}

/// A client secret: its id is public, its value is not printed by `Debug`.
#[derive(Clone)]
pub struct AppSecret {
    /// The secret's key id (a GUID).
    pub id: String,
    pub(crate) value: String,
    /// Last day of validity (the secret expires at the end of this UTC day).
    pub expires: time::Date,
}

impl AppSecret {
    /// The secret's value, for a client that signs in as this app (the demo). Never log it.
    pub fn expose_value(&self) -> &str {
        &self.value
    }

    /// Whether `candidate` is this secret's value.
    pub fn matches(&self, candidate: &str) -> bool {
        self.value.len() == candidate.len()
            && self
                .value
                .bytes()
                .zip(candidate.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppSecret")
            .field("id", &self.id)
            .field("value", &"[REDACTED]")
            .field("expires", &self.expires)
            .finish()
    }
}

/// A public certificate registered on an app (keyCredential).
#[derive(Debug, Clone)]
pub struct AppCertificate {
    /// The PEM file it was read from.
    pub path: PathBuf,
    /// DER encoding.
    pub der: Vec<u8>,
    /// Upper-case hex SHA-1 thumbprint, as the portal shows it.
    pub thumbprint_hex: String,
    /// base64url SHA-1 of the DER (`x5t`).
    pub x5t: String,
    /// base64url SHA-256 of the DER (`x5t#S256`).
    pub x5t_s256: String,
    /// RSA modulus (big-endian, no leading zero).
    pub rsa_n: Vec<u8>,
    /// RSA public exponent.
    pub rsa_e: Vec<u8>,
}

/// What kind of recipient a mailbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxKind {
    /// A licensed user mailbox in Exchange Online.
    User,
    /// A shared mailbox.
    Shared,
    /// A user whose mailbox is on premises (hybrid): MailboxNotEnabledForRESTAPI.
    OnPremises,
    /// A user without an Exchange Online license: MailboxNotEnabledForRESTAPI.
    Unlicensed,
}

impl MailboxKind {
    /// Whether Graph mail endpoints work for this kind.
    pub fn has_rest_mailbox(self) -> bool {
        matches!(self, MailboxKind::User | MailboxKind::Shared)
    }
}

/// A directory user with (maybe) a mailbox.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// Primary SMTP address = UPN, lower case.
    pub address: String,
    /// Directory object id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Kind.
    pub kind: MailboxKind,
    /// How many messages the inbox holds at start.
    pub messages: u32,
}

/// A group; `members` holds lower-case addresses of mailboxes or other groups.
#[derive(Debug, Clone)]
pub struct Group {
    /// Group address, lower case.
    pub address: String,
    /// Exchange name (`Identity`); the address's local part by default.
    pub name: String,
    /// Mail-enabled security group or distribution list.
    pub kind: GroupKind,
    /// Direct members.
    pub members: Vec<String>,
}

/// What kind of mail-enabled group a `[[group]]` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// A mail-enabled security group (a security principal: can scope an access policy).
    #[default]
    Security,
    /// A distribution list (not a security principal).
    Distribution,
}

/// `-AccessRight` of an application access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AccessRight {
    /// Only members of the group are reachable.
    RestrictAccess,
    /// Members of the group are not reachable.
    DenyAccess,
}

/// `New-ApplicationAccessPolicy -AppId app -PolicyScopeGroupId group -AccessRight access`.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    /// Client id of the app.
    pub app: String,
    /// Scope group address.
    pub group: String,
    /// Restrict or deny.
    pub access: AccessRight,
    /// Seconds after sim start before Graph applies it (propagation).
    pub effective_after_s: f64,
}

/// `New-ManagementRoleAssignment -App app -Role role -CustomResourceScope (MemberOfGroup group)`.
#[derive(Debug, Clone)]
pub struct RbacAssignment {
    /// Client id of the app.
    pub app: String,
    /// Role name, e.g. "Application Mail.ReadWrite".
    pub role: String,
    /// Scope group address (direct members only); `None` = the whole organization.
    pub group: Option<String>,
    /// Seconds after sim start before Graph applies it (propagation).
    pub effective_after_s: f64,
}

/// Limits and faults (`[faults]`). Rates are probabilities per request, `*_first` count the
/// first N matching requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// The first N token requests get 503 (temporarily_unavailable).
    pub token_unavailable_first: u32,
    /// Graph requests whose connection is dropped without a response.
    pub drop_connection_rate: f64,
    /// The first N Graph requests have their connection dropped.
    pub drop_connection_first: u32,
    /// Graph requests that stall `stall_s` before being answered.
    pub stall_rate: f64,
    /// The first N Graph requests stall.
    pub stall_first: u32,
    /// Stall duration.
    pub stall_s: f64,
    /// Graph requests answered 429 TooManyRequests at random.
    pub throttle_rate: f64,
    /// The first N Graph requests are answered 429 TooManyRequests.
    pub throttle_first: u32,
    /// Retry-After sent with every 429 and 503 (fractional values are sent as such).
    pub retry_after_s: f64,
    /// Graph mailbox requests answered 503 MailboxInfoStale.
    pub mailbox_stale_rate: f64,
    /// The first N Graph mailbox requests are answered 503 MailboxInfoStale.
    pub mailbox_stale_first: u32,
    /// Graph requests answered with a proxy's HTML 502 page.
    pub proxy_error_rate: f64,
    /// The first N Graph requests are answered with a proxy's HTML 502 page.
    pub proxy_error_first: u32,
    /// Outlook's concurrent requests per app and mailbox.
    pub mailbox_concurrency: u32,
    /// Seed for the random faults and jitter (same seed, same sequence).
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            token_unavailable_first: 0,
            drop_connection_rate: 0.0,
            drop_connection_first: 0,
            stall_rate: 0.0,
            stall_first: 0,
            stall_s: 30.0,
            throttle_rate: 0.0,
            throttle_first: 0,
            retry_after_s: 1.0,
            mailbox_stale_rate: 0.0,
            mailbox_stale_first: 0,
            proxy_error_rate: 0.0,
            proxy_error_first: 0,
            mailbox_concurrency: 4,
            seed: 0,
        }
    }
}

/// A scenario that cannot be used: the file, the line and the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario: {source}")]
    Read {
        /// File name.
        file: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid scenario.
    #[error("{file}:{line}: key `{key}`: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// The key at fault (dotted where useful).
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Scenario {
    /// Reads and validates a scenario file; relative certificate paths resolve against its folder.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let origin = path.display().to_string();
        let text = crate::fsutil::read_regular_to_string(path, crate::fsutil::MAX_DOCUMENT_BYTES)
            .map_err(|source| ScenarioError::Read {
            file: origin.clone(),
            source,
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        Scenario::from_toml(&text, base, &origin)
    }

    /// Parses scenario text; `base_dir` resolves certificate paths, `origin` names it in errors.
    pub fn from_toml(text: &str, base_dir: &Path, origin: &str) -> Result<Scenario, ScenarioError> {
        super::scenario_load::load(text, base_dir, origin)
    }

    /// The app with this client id (case-insensitive).
    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }

    /// Whether `name` (GUID or domain, any case) names this tenant.
    pub fn names_tenant(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        name == self.tenant_id || self.domains.contains(&name)
    }
}
