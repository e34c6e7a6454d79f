//! `POST /adminapi/beta/{tenantId}/InvokeCommand`: Exchange Online's REST entry as the
//! ExchangeOnlineManagement v3 module uses it. Token, `X-AnchorMailbox`, the `CmdletInput`
//! body, the admin's role, injected failures, then the cmdlet, paged by POSTing
//! `@odata.nextLink` with the same body (admin-wire-behaviour §3a).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::exchange_auth::{authenticate, check_anchor};
use super::exchange_cmdlets::{self as cmdlets, Cmdlet, Ctx};
use super::exchange_reply::{CmdletError, ExoReply};
use super::exchange_setup::MAX_PAGE;
use super::limits::retry_after_text;
use super::state::{SimState, lock};

const ROUTE: &str = "POST /adminapi/beta/{tenantId}/InvokeCommand";

/// The handler.
pub(crate) async fn invoke(
    State(st): State<Arc<SimState>>,
    Path(tenant): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    st.delay().await;
    let (reply, cmdlet) = handle(&st, &tenant, &query, &headers, &body);
    st.record(ROUTE, reply.status);
    if let Some(name) = cmdlet {
        st.record(&format!("InvokeCommand {name}"), reply.status);
    }
    reply.into_http()
}

/// `CmdletInput` of the body: name and parameters.
fn cmdlet_input(body: &[u8]) -> Option<(String, Map<String, Value>)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let input = v.get("CmdletInput")?;
    let name = input.get("CmdletName")?.as_str()?.to_string();
    let params = match input.get("Parameters") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return None,
    };
    Some((name, params))
}

fn handle(
    st: &SimState,
    tenant: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> (ExoReply, Option<String>) {
    let who = match authenticate(st, headers) {
        Ok(w) => w,
        Err(r) => return (r, None),
    };
    if !st.scenario.names_tenant(tenant) {
        let r = ExoReply::unauthorized("The token's tenant does not match the tenant in the URL.");
        return (r, None);
    }
    if let Err(r) = check_anchor(headers) {
        return (r, None);
    }
    let Some((name, params)) = cmdlet_input(body) else {
        let r = ExoReply::error(
            400,
            "BadRequest",
            "The request body must be {\"CmdletInput\":{\"CmdletName\":\"…\",\"Parameters\":{…}}}.",
        );
        return (r, None);
    };
    let Some(c) = cmdlets::find(&name) else {
        let reason = format!("The cmdlet '{name}' is not available to this user.");
        return (ExoReply::nul_forbidden(&reason), Some("(unknown)".into()));
    };
    let label = Some(c.name.to_string());
    if !cmdlets::allowed(c, &who.wids) {
        let e = CmdletError::access_denied(c.name);
        return (ExoReply::cmdlet_failed(&e), label);
    }
    let skip = match query.get("$skiptoken") {
        None => 0,
        Some(t) => match read_skiptoken(t, c) {
            Some(n) => n,
            None => {
                let msg = "The $skiptoken is invalid or belongs to another request.";
                return (ExoReply::error(400, "BadRequest", msg), label);
            }
        },
    };
    let injected = if skip == 0 {
        injected_fault(st, c)
    } else {
        None
    };
    let mut dir = lock(&st.directory);
    let mut cx = Ctx {
        dir: &mut dir,
        now: st.elapsed_s(),
        propagation_s: st.scenario.exchange.propagation_s,
        tenant: &st.scenario.tenant_id,
        domain: st.domain(),
        admin: &who.upn,
    };
    if let Some((fault, applied)) = injected {
        if applied {
            let _ = cmdlets::run(c, &mut cx, params);
        }
        return (fault, label);
    }
    let items = match cmdlets::run(c, &mut cx, params) {
        Ok(items) => items,
        Err(e) => return (ExoReply::cmdlet_failed(&e), label),
    };
    drop(dir);
    (page(st, tenant, query, headers, c, items, skip), label)
}

/// The `[[exchange.fail]]` answer for this call of `c`, and whether the change is still made.
fn injected_fault(st: &SimState, c: &Cmdlet) -> Option<(ExoReply, bool)> {
    let n = {
        let mut calls = lock(&st.exchange_calls);
        let n = calls.entry(c.name.to_ascii_lowercase()).or_insert(0);
        *n += 1;
        *n
    };
    let f =
        st.scenario.exchange.fail.iter().find(|f| {
            f.cmdlet.eq_ignore_ascii_case(c.name) && n >= f.call && n - f.call < f.times
        })?;
    let retry = retry_after_text(st.scenario.faults.retry_after_s);
    let reply = match f.status {
        429 => ExoReply::error(
            429,
            "TooManyRequests",
            "You have reached the maximum number of concurrent requests per tenant. Please wait and try again",
        )
        .header("Retry-After", retry),
        503 => ExoReply::error(
            503,
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please try again later.",
        )
        .header("Retry-After", retry),
        _ => ExoReply::error(
            500,
            "InternalServerError",
            "An internal server error occurred. The operation failed.",
        ),
    };
    Some((reply, f.applied))
}

fn skiptoken(offset: usize, c: &Cmdlet) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}:{}", c.name.to_ascii_lowercase()))
}

fn read_skiptoken(t: &str, c: &Cmdlet) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(t.trim()).ok()?).ok()?;
    let (n, name) = raw.split_once(':')?;
    (name == c.name.to_ascii_lowercase())
        .then(|| n.parse().ok())
        .flatten()
}

/// `Prefer: odata.maxpagesize=N` (capped to 1000).
fn max_page_size(headers: &HeaderMap) -> Option<usize> {
    let v = headers.get("prefer")?.to_str().ok()?;
    v.split(',').find_map(|p| {
        let (k, n) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("odata.maxpagesize")
            .then(|| n.trim().parse::<usize>().ok())
            .flatten()
            .filter(|n| *n > 0)
            .map(|n| n.min(MAX_PAGE))
    })
}

/// `$select=A,B`: keeps only those properties (and OData annotations).
fn select(query: &HashMap<String, String>, items: Vec<Value>) -> Vec<Value> {
    let Some(sel) = query.get("$select") else {
        return items;
    };
    let wanted: Vec<&str> = sel.split(',').map(str::trim).collect();
    items
        .into_iter()
        .map(|v| match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(k, _)| {
                        k.starts_with('@') || wanted.iter().any(|w| w.eq_ignore_ascii_case(k))
                    })
                    .collect(),
            ),
            other => other,
        })
        .collect()
}

fn page(
    st: &SimState,
    tenant: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    c: &Cmdlet,
    items: Vec<Value>,
    skip: usize,
) -> ExoReply {
    let base = format!("{}/adminapi/beta/{tenant}", st.graph);
    let context = format!("{base}/$metadata#Collection(Exchange.GenericHashTable)");
    let preferred = max_page_size(headers);
    let size = preferred.unwrap_or(st.scenario.exchange.page_size);
    let total = items.len();
    let mut items = select(query, items);
    let (items, next) = if c.reads() && total > skip.saturating_add(size) {
        let end = skip + size;
        let rest: Vec<Value> = items.drain(skip.min(total)..end).collect();
        let mut link = format!("{base}/InvokeCommand?$skiptoken={}", skiptoken(end, c));
        if let Some(sel) = query.get("$select") {
            link.push_str("&$select=");
            link.push_str(sel);
        }
        (rest, Some(link))
    } else {
        (items.into_iter().skip(skip).collect(), None)
    };
    let mut r = ExoReply::page(&context, items, next);
    if let Some(n) = preferred {
        r = r.header("Preference-Applied", format!("odata.maxpagesize={n}"));
    }
    r
}
