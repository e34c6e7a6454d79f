//! The report document: a versioned, documented schema (`mailscope-report/2`) that holds
//! everything support needs and nothing secret. Its shape is independent of internal types.
//! Version 2 added Exchange's own verdict per mailbox to the check (`check.exchange`);
//! version 1 reports are still read (without it).

use serde::{Deserialize, Serialize};

/// The schema identifier written into every JSON report.
pub const SCHEMA: &str = "mailscope-report/2";

/// Earlier schemas this mailscope still reads: their fields are a subset of [`SCHEMA`]'s.
pub const OLDER_SCHEMAS: [&str; 1] = ["mailscope-report/1"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`SCHEMA`]; readers refuse other values.
    pub schema: String,
    /// RFC 3339 time the report was made.
    pub generated_at: String,
    pub mailscope_version: String,
    pub profile: ReportProfile,
    pub permissions: Vec<ReportPermission>,
    pub scoping: ReportScoping,
    /// The token/consent result of the last check, when one ran.
    #[serde(default)]
    pub token: Option<ReportToken>,
    /// The last check matrix, when one ran.
    #[serde(default)]
    pub check: Option<ReportCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportProfile {
    pub name: String,
    pub preset: String,
    pub product: String,
    pub cloud: String,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub app_name: Option<String>,
    pub credential: ReportCredential,
    pub mailboxes: Vec<ReportMailbox>,
}

/// Identifies the credential without revealing it: Secret ID or thumbprints, and expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportCredential {
    /// `secret`, `certificate` or `none`.
    pub kind: String,
    pub secret_id: Option<String>,
    pub thumbprint_sha1: Option<String>,
    pub thumbprint_sha256: Option<String>,
    /// YYYY-MM-DD.
    pub expires: Option<String>,
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportMailbox {
    pub address: String,
    /// `user` or `shared`.
    pub kind: String,
    /// `granted` or `denied`.
    pub expect: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportPermission {
    pub name: String,
    /// `application` or `delegated`.
    pub kind: String,
    pub optional: bool,
    pub reason: String,
    /// For application permissions: whether the last token's `roles` claim carried it.
    pub in_token: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportScoping {
    /// Whether mailbox scoping applies to this preset at all.
    pub applies: bool,
    /// `application-access-policy` or `rbac`.
    pub mechanism: Option<String>,
    pub group_name: Option<String>,
    pub group_address: Option<String>,
    /// RFC 3339 time the admin said the scoping script was run.
    pub changed_at: Option<String>,
    /// SHA-256 (hex) of the generated Exchange script, to match what was run.
    pub script_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportToken {
    pub acquired: bool,
    /// Application permissions the token carried (`roles`).
    pub roles: Vec<String>,
    /// Application permissions the preset needs that the token lacked.
    pub missing: Vec<String>,
    /// The diagnosis when no token could be had.
    pub error: Option<ReportDiagnosis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportCheck {
    pub started_at: String,
    pub finished_at: String,
    /// Whether the run ended early (cancelled or past its deadline).
    pub complete: bool,
    pub totals: ReportTotals,
    pub cells: Vec<ReportCell>,
    /// Exchange's own verdict per mailbox beside Graph's, when the check asked for it.
    #[serde(default)]
    pub exchange: Option<ReportExchange>,
}

/// Exchange's verdict in a check (Test-ApplicationAccessPolicy or
/// Test-ServicePrincipalAuthorization, asked with an Exchange admin's sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportExchange {
    /// `tested` or `not-available`.
    pub state: String,
    /// Why there is no verdict, e.g. "not available: no Exchange sign-in (…)".
    pub reason: Option<String>,
    /// `application-access-policy` or `rbac`.
    pub mechanism: Option<String>,
    /// The admin whose sign-in asked Exchange.
    pub admin: Option<String>,
    /// RFC 3339 time Exchange answered.
    pub tested_at: Option<String>,
    pub mailboxes: Vec<ReportExchangeMailbox>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportExchangeMailbox {
    pub address: String,
    /// `granted`, `denied`, `partial` (some RBAC roles in scope) or `unknown`.
    pub access: String,
    /// Exchange's word as it came (`AccessCheckResult`).
    pub answer: Option<String>,
    /// RBAC for Applications: each role's `InScope`.
    pub roles: Vec<ReportExchangeRole>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportExchangeRole {
    pub role: String,
    pub in_scope: bool,
}

impl ReportCheck {
    /// The Exchange column's word for `mailbox`: `granted`, `denied`, `partial`, `unknown`, or
    /// `n/a` when Exchange had no verdict; `None` when the check did not ask Exchange.
    pub fn exchange_word(&self, mailbox: &str) -> Option<&str> {
        let x = self.exchange.as_ref()?;
        if x.state != "tested" {
            return Some("n/a");
        }
        Some(
            x.mailboxes
                .iter()
                .find(|m| m.address.trim().eq_ignore_ascii_case(mailbox.trim()))
                .map_or("unknown", |m| m.access.as_str()),
        )
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTotals {
    pub pass: usize,
    pub fail: usize,
    pub pending: usize,
    pub error: usize,
}

/// One mailbox × capability result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportCell {
    pub mailbox: String,
    /// `read`, `write`, `settings` or `send`.
    pub capability: String,
    /// `granted` or `denied`.
    pub expected: String,
    /// HTTP status Graph answered, when it answered.
    pub status: Option<u16>,
    /// `pass`, `fail`, `pending` or `error`.
    pub verdict: String,
    pub diagnosis: Option<ReportDiagnosis>,
    /// RFC 3339 time of the answer.
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDiagnosis {
    /// Stable cause code, e.g. `policy-denied`.
    pub cause: String,
    pub summary: String,
    pub fix: String,
    pub request_id: Option<String>,
    /// Microsoft's error code (AADSTS number or Graph `error.code`).
    pub error_code: Option<String>,
}

impl ReportCheck {
    pub fn count(cells: &[ReportCell]) -> ReportTotals {
        let mut t = ReportTotals::default();
        for c in cells {
            match c.verdict.as_str() {
                "pass" => t.pass += 1,
                "fail" => t.fail += 1,
                "pending" => t.pending += 1,
                _ => t.error += 1,
            }
        }
        t
    }
}
