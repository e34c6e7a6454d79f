//! Failures before any answer: DNS, TLS, connection, timeout.

use serde::{Deserialize, Serialize};

use super::{Cause, Diagnosis};

/// What went wrong on the way to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkErrorKind {
    Dns,
    Tls,
    Connect,
    Timeout,
    /// The connection broke while sending or receiving.
    Io,
}

/// What to do about a timeout; names the option that sets the limit.
const TIMEOUT_FIX: &str = "Retry; if it repeats, check the network, proxy (HTTPS_PROXY) and the profile's endpoints. On a slow link allow more time with `mailscope check --timeout SECONDS` or the MAILSCOPE_TIMEOUT environment variable.";

/// Diagnosis of a request that got no answer within `limit`.
pub fn timed_out(host: &str, limit: std::time::Duration) -> Diagnosis {
    let mut d = network(NetworkErrorKind::Timeout, host);
    d.summary = format!(
        "{host} did not answer within {}.",
        crate::graph::timeout::seconds(limit)
    );
    d
}

/// Diagnosis of a request that got no HTTP answer. `host` names where it was going.
pub fn network(kind: NetworkErrorKind, host: &str) -> Diagnosis {
    let (summary, fix) = match kind {
        NetworkErrorKind::Dns => (
            format!("{host} could not be resolved (DNS)."),
            "Check the network, DNS and the profile's cloud; a proxy may be required (HTTPS_PROXY).",
        ),
        NetworkErrorKind::Tls => (
            format!("The TLS connection to {host} failed: the certificate was not trusted."),
            "If a proxy inspects TLS, add its CA; with custom endpoints, set [endpoints] ca_file to the right CA.",
        ),
        NetworkErrorKind::Connect => (
            format!("Could not connect to {host}."),
            "Check the network, firewall and proxy settings (HTTPS_PROXY), then retry.",
        ),
        NetworkErrorKind::Timeout => (format!("{host} did not answer in time."), TIMEOUT_FIX),
        NetworkErrorKind::Io => (
            format!("The connection to {host} broke before an answer arrived."),
            "Retry; if it repeats, check proxies and the network.",
        ),
    };
    let mut d = Diagnosis::new(Cause::Network, summary, fix);
    d.error_code = Some(
        match kind {
            NetworkErrorKind::Dns => "dns",
            NetworkErrorKind::Tls => "tls",
            NetworkErrorKind::Connect => "connect",
            NetworkErrorKind::Timeout => "timeout",
            NetworkErrorKind::Io => "io",
        }
        .to_string(),
    );
    d
}
