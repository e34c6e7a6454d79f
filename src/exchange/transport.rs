//! The one transport for every Exchange operation: a cmdlet and its parameters posted as JSON
//! to `adminapi/beta/{tenant}/InvokeCommand` with the admin's Exchange token and
//! `X-AnchorMailbox: UPN:{admin}`, next pages fetched by POSTing `@odata.nextLink` with the
//! same body, throttling waited out within a bound, and every other failure parsed into an
//! [`ExchangeError`]. Parameter values are JSON data, never PowerShell text; none is a secret.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::endpoints::{invoke_url, is_admin_url};
use super::error::{ExchangeError, from_answer};
use crate::secrets::Secret;

/// A cmdlet's parameters by name.
pub type Params = Map<String, Value>;

/// Parameters from `(name, value)` pairs.
pub fn params<const N: usize>(pairs: [(&str, Value); N]) -> Params {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// How long throttling may be waited out: `retries` waits of at most `max_wait` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub retries: u32,
    pub max_wait: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            retries: 3,
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The most pages one cmdlet's answer is read to (1000 items each).
const MAX_PAGES: usize = 200;

/// A connection to one tenant's Exchange admin endpoint as one admin.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base: String,
    url: String,
    token: Secret,
    anchor: String,
    timeout: Duration,
    throttle: Throttle,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("url", &self.url)
            .field("anchor", &self.anchor)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// `base` from [`super::endpoints::base`]; `tenant` the tenant's ID (or domain);
    /// `admin_upn` the signed-in admin, for `X-AnchorMailbox`.
    pub fn new(
        http: reqwest::Client,
        base: &str,
        tenant: &str,
        token: Secret,
        admin_upn: &str,
    ) -> Transport {
        Transport {
            http,
            base: base.trim_end_matches('/').to_string(),
            url: invoke_url(base, tenant),
            token,
            anchor: format!("UPN:{}", admin_upn.trim()),
            timeout: Duration::from_secs(60),
            throttle: Throttle::default(),
        }
    }

    /// The bound on each HTTP exchange.
    pub fn with_timeout(mut self, timeout: Duration) -> Transport {
        self.timeout = timeout;
        self
    }

    /// How throttling is waited out.
    pub fn with_throttle(mut self, throttle: Throttle) -> Transport {
        self.throttle = throttle;
        self
    }

    /// Runs `cmdlet` with `params`; every item of every page, annotation keys removed.
    pub async fn invoke(&self, cmdlet: &str, params: &Params) -> Result<Vec<Value>, ExchangeError> {
        let body = json!({"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}});
        let mut out = Vec::new();
        let mut url = self.url.clone();
        for _ in 0..MAX_PAGES {
            let page = self.post(cmdlet, &url, &body).await?;
            if let Some(items) = page.get("value").and_then(Value::as_array) {
                out.extend(items.iter().map(clean));
            }
            match page.get("@odata.nextLink").and_then(Value::as_str) {
                Some(next) if is_admin_url(&self.base, next) => url = next.to_string(),
                Some(_) => {
                    return Err(ExchangeError::BadResponse {
                        cmdlet: cmdlet.to_string(),
                        what: "a next page on another host".into(),
                    });
                }
                None => return Ok(out),
            }
        }
        Ok(out)
    }

    /// The first item `cmdlet` returns; `None` when it returns none or says not found.
    pub async fn find(
        &self,
        cmdlet: &str,
        params: &Params,
    ) -> Result<Option<Value>, ExchangeError> {
        match self.invoke(cmdlet, params).await {
            Ok(items) => Ok(items.into_iter().next()),
            Err(ExchangeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One POST, throttling waited out within the bound.
    async fn post(&self, cmdlet: &str, url: &str, body: &Value) -> Result<Value, ExchangeError> {
        let mut attempt = 0;
        loop {
            match self.post_once(cmdlet, url, body).await {
                Err(ExchangeError::Throttled { retry_after_s, .. })
                    if attempt < self.throttle.retries =>
                {
                    attempt += 1;
                    let wait = Duration::from_secs_f64(retry_after_s.unwrap_or(1.0))
                        .min(self.throttle.max_wait);
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn post_once(
        &self,
        cmdlet: &str,
        url: &str,
        body: &Value,
    ) -> Result<Value, ExchangeError> {
        let mut req = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-AnchorMailbox", &self.anchor)
            .header("X-CmdletName", cmdlet)
            .header("X-ResponseFormat", "json")
            .header("Prefer", "odata.maxpagesize=1000")
            .body(body.to_string());
        if let Some(auth) = crate::secrets::wipe::bearer_header(&self.token) {
            req = req.header(reqwest::header::AUTHORIZATION, auth);
        }
        let host = self.base.split("://").nth(1).unwrap_or(&self.base);
        let resp = crate::graph::client::send(req, self.timeout, host)
            .await
            .map_err(|d| ExchangeError::Network {
                cmdlet: cmdlet.to_string(),
                summary: d.summary,
            })?;
        if !resp.is_success() {
            return Err(from_answer(cmdlet, resp.status, &resp.headers, &resp.body));
        }
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Map::new()));
        }
        serde_json::from_slice(&resp.body).map_err(|_| ExchangeError::BadResponse {
            cmdlet: cmdlet.to_string(),
            what: "a body that is not JSON".into(),
        })
    }
}

/// An item without its `…@…` annotation keys.
fn clean(item: &Value) -> Value {
    match item {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.contains('@'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A string property of an item (`""` when absent); arrays give their first element.
pub fn text(item: &Value, key: &str) -> String {
    match item.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .first()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            })
            .unwrap_or_default(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// A string-list property of an item (a single string gives one element).
pub fn texts(item: &Value, key: &str) -> Vec<String> {
    match item.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_lose_their_annotations_and_properties_read_as_text() {
        let item = json!({"Name": "g", "Name@odata.type": "#String", "AppId": ["a", "b"], "InScope": true});
        let c = clean(&item);
        assert!(c.get("Name@odata.type").is_none());
        assert_eq!(text(&c, "Name"), "g");
        assert_eq!(text(&c, "AppId"), "a");
        assert_eq!(texts(&c, "AppId"), ["a", "b"]);
        assert_eq!(text(&c, "InScope"), "true");
        assert_eq!(text(&c, "Missing"), "");
        let p = params([("Identity", json!("x")), ("ResultSize", json!("Unlimited"))]);
        assert_eq!(p["Identity"], "x");
    }
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod transport_tests;
