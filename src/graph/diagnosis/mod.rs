//! What the platform answered, mapped to a stable cause, a one-line summary and the fix.
//!
//! Microsoft's error codes are matched first (`AADSTS` numbers on the token endpoint, Graph's
//! `error.code`); wording is only a fallback (the `[RAOP]` marker), because wording changes and
//! some output is localized. The request id and timestamp are kept for a support ticket.

mod graph_errors;
mod network;
mod token_errors;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use network::{NetworkErrorKind, network, timed_out};

/// Which endpoint answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    /// The identity platform's token endpoint.
    Token,
    /// Microsoft Graph.
    Graph,
}

impl EndpointKind {
    pub fn parse(s: &str) -> Option<EndpointKind> {
        match s {
            "token" => Some(EndpointKind::Token),
            "graph" => Some(EndpointKind::Graph),
            _ => None,
        }
    }
}

/// Why a request did not do what was hoped. The kebab-case names are stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    SecretInvalid,
    SecretExpired,
    AppNotFound,
    TenantNotFound,
    TenantInvalid,
    TenantRequired,
    WrongCloud,
    CertificateNotRegistered,
    AssertionTimeInvalid,
    ScopeInvalid,
    AppDisabled,
    ConditionalAccessBlocked,
    PolicyDenied,
    PermissionMissing,
    TokenExpired,
    TokenInvalid,
    MailboxNotFound,
    MailboxNotRestEnabled,
    Throttled,
    ServiceUnavailable,
    Network,
    UnexpectedResponse,
}

impl Cause {
    pub const ALL: [Cause; 22] = [
        Cause::SecretInvalid,
        Cause::SecretExpired,
        Cause::AppNotFound,
        Cause::TenantNotFound,
        Cause::TenantInvalid,
        Cause::TenantRequired,
        Cause::WrongCloud,
        Cause::CertificateNotRegistered,
        Cause::AssertionTimeInvalid,
        Cause::ScopeInvalid,
        Cause::AppDisabled,
        Cause::ConditionalAccessBlocked,
        Cause::PolicyDenied,
        Cause::PermissionMissing,
        Cause::TokenExpired,
        Cause::TokenInvalid,
        Cause::MailboxNotFound,
        Cause::MailboxNotRestEnabled,
        Cause::Throttled,
        Cause::ServiceUnavailable,
        Cause::Network,
        Cause::UnexpectedResponse,
    ];

    /// The stable code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::SecretInvalid => "secret-invalid",
            Cause::SecretExpired => "secret-expired",
            Cause::AppNotFound => "app-not-found",
            Cause::TenantNotFound => "tenant-not-found",
            Cause::TenantInvalid => "tenant-invalid",
            Cause::TenantRequired => "tenant-required",
            Cause::WrongCloud => "wrong-cloud",
            Cause::CertificateNotRegistered => "certificate-not-registered",
            Cause::AssertionTimeInvalid => "assertion-time-invalid",
            Cause::ScopeInvalid => "scope-invalid",
            Cause::AppDisabled => "app-disabled",
            Cause::ConditionalAccessBlocked => "conditional-access-blocked",
            Cause::PolicyDenied => "policy-denied",
            Cause::PermissionMissing => "permission-missing",
            Cause::TokenExpired => "token-expired",
            Cause::TokenInvalid => "token-invalid",
            Cause::MailboxNotFound => "mailbox-not-found",
            Cause::MailboxNotRestEnabled => "mailbox-not-rest-enabled",
            Cause::Throttled => "throttled",
            Cause::ServiceUnavailable => "service-unavailable",
            Cause::Network => "network",
            Cause::UnexpectedResponse => "unexpected-response",
        }
    }

    /// A refusal that scoping produces: the app reached Graph and was told no for this mailbox.
    pub fn is_access_denial(self) -> bool {
        matches!(self, Cause::PolicyDenied | Cause::PermissionMissing)
    }

    /// Worth repeating the same request after a wait.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Cause::Throttled | Cause::ServiceUnavailable | Cause::Network
        )
    }
}

/// The verdict on one answer from the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub cause: Cause,
    /// One line in plain words.
    pub summary: String,
    /// What to do about it.
    pub fix: String,
    /// Seconds to wait before retrying, from `Retry-After` (fractions kept).
    #[serde(default)]
    pub retry_after_s: Option<f64>,
    /// Microsoft's request id (Graph `request-id`, token endpoint `trace_id`), for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The token endpoint's `correlation_id`, or Graph's `client-request-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// When Microsoft says it answered (body timestamp, else the `Date` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Microsoft's own code: `AADSTS7000215`, `ErrorAccessDenied`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The HTTP status, when there was a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Diagnosis {
    /// A diagnosis with no identifiers yet.
    pub fn new(cause: Cause, summary: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnosis {
            cause,
            summary: summary.into(),
            fix: fix.into(),
            retry_after_s: None,
            request_id: None,
            correlation_id: None,
            timestamp: None,
            error_code: None,
            status: None,
        }
    }

    /// The short JSON the `diagnose` command prints.
    pub fn brief_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "cause": self.cause,
            "summary": self.summary,
            "fix": self.fix,
            "retry_after_s": self.retry_after_s,
        });
        for (k, x) in [
            ("error_code", &self.error_code),
            ("request_id", &self.request_id),
            ("timestamp", &self.timestamp),
        ] {
            if let Some(x) = x {
                v[k] = serde_json::Value::String(x.clone());
            }
        }
        v
    }
}

/// Diagnoses one response. `body` may be anything: JSON, an HTML page, empty.
pub fn diagnose(
    kind: EndpointKind,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Diagnosis {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let mut d = match kind {
        EndpointKind::Token => token_errors::diagnose(status, json.as_ref()),
        EndpointKind::Graph => graph_errors::diagnose(status, json.as_ref()),
    };
    d.status = Some(status);
    d.retry_after_s = header(headers, "retry-after").and_then(parse_retry_after);
    if d.request_id.is_none() {
        d.request_id = header(headers, "request-id")
            .or_else(|| header(headers, "x-ms-request-id"))
            .map(str::to_string);
    }
    if d.correlation_id.is_none() {
        d.correlation_id = header(headers, "client-request-id")
            .or_else(|| header(headers, "x-ms-correlation-id"))
            .map(str::to_string);
    }
    if d.timestamp.is_none() {
        d.timestamp = header(headers, "date").map(str::to_string);
    }
    if d.cause == Cause::Throttled && d.retry_after_s.is_none() {
        d.summary
            .push_str(" Microsoft gave no Retry-After; wait a little and retry.");
    }
    d
}

/// A header's value, by case-insensitive name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// `Retry-After` in seconds: delta-seconds with optional fraction ("10", "2.128"). An HTTP
/// date or anything negative or unparsable yields `None`.
pub fn parse_retry_after(v: &str) -> Option<f64> {
    let s: f64 = v.trim().parse().ok()?;
    (s.is_finite() && s >= 0.0).then_some(s)
}

/// Text of a JSON string field.
fn text<'a>(v: Option<&'a serde_json::Value>, key: &str) -> Option<&'a str> {
    v?.get(key)?.as_str()
}
