//! One HTTPS request to Graph or the token endpoint: timeout, network-error diagnosis, and the
//! few response headers that matter (Retry-After, request ids, Date).

use std::time::Duration;

use super::diagnosis::{Diagnosis, NetworkErrorKind, network};

/// Headers kept from a response; everything else is dropped to keep memory small.
const KEPT_HEADERS: [&str; 4] = ["retry-after", "request-id", "client-request-id", "date"];

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

/// What kind of network failure a reqwest error is.
pub fn classify(err: &reqwest::Error) -> NetworkErrorKind {
    if err.is_timeout() {
        return NetworkErrorKind::Timeout;
    }
    let mut chain = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = src {
        chain.push_str(&e.to_string().to_ascii_lowercase());
        chain.push(' ');
        src = e.source();
    }
    if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        NetworkErrorKind::Dns
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        NetworkErrorKind::Tls
    } else if err.is_connect() {
        NetworkErrorKind::Connect
    } else {
        NetworkErrorKind::Io
    }
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
        Err(_) => Err(network(NetworkErrorKind::Timeout, host)),
        Ok(Err(e)) => Err(network(classify(&e), host)),
        Ok(Ok(r)) => Ok(r),
    }
}
