//! One HTTPS request to Graph or the token endpoint: timeout, network-error diagnosis, and the
//! few response headers that matter (Retry-After, request ids, Date).

use std::time::Duration;

use super::diagnosis::{Diagnosis, NetworkErrorKind, network, timed_out};

/// Headers kept from a response; everything else is dropped to keep memory small. The last
/// two carry the reason of a refusal with an empty body (Exchange's admin endpoint).
const KEPT_HEADERS: [&str; 6] = [
    "retry-after",
    "request-id",
    "client-request-id",
    "date",
    "www-authenticate",
    "x-ms-diagnostics",
];

/// A response, status and body as received.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What kind of network failure a reqwest error is, from the typed errors in its source chain
/// (I/O error kinds, rustls errors), not from words in messages: a server that dies mid-exchange
/// makes rustls say "peer closed connection without sending TLS close_notify", which is a
/// broken connection, not an untrusted certificate.
pub fn classify(err: &reqwest::Error) -> NetworkErrorKind {
    if err.is_timeout() {
        return NetworkErrorKind::Timeout;
    }
    let mut dns = false;
    let mut io_kind = None;
    for e in causes(err) {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return NetworkErrorKind::Tls;
        }
        // The deepest specific kind: wrappers are often `Other`.
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() != std::io::ErrorKind::Other
        {
            io_kind = Some(io.kind());
        }
        // hyper-util's resolver error has no public type; its message is stable ("dns error").
        let text = e.to_string().to_ascii_lowercase();
        dns |= text.starts_with("dns error") || text.contains("failed to lookup address");
    }
    if dns {
        return NetworkErrorKind::Dns;
    }
    match io_kind {
        Some(std::io::ErrorKind::TimedOut) => NetworkErrorKind::Timeout,
        Some(
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::NetworkUnreachable
            | std::io::ErrorKind::AddrNotAvailable,
        ) => NetworkErrorKind::Connect,
        _ if err.is_connect() => NetworkErrorKind::Connect,
        _ => NetworkErrorKind::Io,
    }
}

/// Every error under `err`: its sources, and what an `io::Error` wraps (whose `source()`
/// skips the wrapped error itself).
fn causes<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        out.push(e);
        next = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

/// Sends `req` with a timeout covering the whole exchange (headers and body).
pub async fn send(
    req: reqwest::RequestBuilder,
    timeout: Duration,
    host: &str,
) -> Result<RawResponse, Diagnosis> {
    let exchange = async {
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter(|(n, _)| KEPT_HEADERS.contains(&n.as_str()))
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp.bytes().await?.to_vec();
        Ok::<_, reqwest::Error>(RawResponse {
            status,
            headers,
            body,
        })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Err(_) => Err(timed_out(host, timeout)),
        Ok(Err(e)) => match classify(&e) {
            // The connect limit is the same limit.
            NetworkErrorKind::Timeout => Err(timed_out(host, timeout)),
            kind => Err(network(kind, host)),
        },
        Ok(Ok(r)) => Ok(r),
    }
}
