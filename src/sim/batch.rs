//! `POST /v1.0/$batch`: JSON batching (≤ 20 requests, `dependsOn`, per-request statuses).
//!
//! Independent requests run concurrently, at most 4 at a time (Graph sends at most 4 at a
//! time to Outlook); each one counts against the (app, mailbox) concurrency like a direct call.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::http::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::form;
use super::graph_dispatch::{Input, dispatch};
use super::graph_reply::{GraphReply, ReqCtx};
use super::graph_routes::Route;
use super::state::SimState;
use super::tokens_jwt::AccessClaims;

/// Most requests in one batch.
const MAX_REQUESTS: usize = 20;
/// Inner requests in flight at once.
const PARALLEL: usize = 4;

#[derive(Deserialize)]
struct BatchBody {
    requests: Vec<Item>,
}

#[derive(Deserialize, Clone)]
struct Item {
    id: String,
    method: String,
    url: String,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default, rename = "dependsOn")]
    depends_on: Vec<String>,
}

fn bad(message: &str) -> GraphReply {
    GraphReply::error(400, "BadRequest", message)
}

/// Runs a batch for an authenticated app.
pub(crate) async fn run(
    st: &Arc<SimState>,
    who: &AccessClaims,
    ctx: &ReqCtx,
    input: &Input,
) -> GraphReply {
    let Ok(batch) = serde_json::from_slice::<BatchBody>(&input.body) else {
        return bad("Invalid batch payload format.");
    };
    let items = batch.requests;
    if items.is_empty() {
        return bad("Invalid batch payload format: no requests.");
    }
    if items.len() > MAX_REQUESTS {
        return bad("The number of batch requests exceeds the limit of 20.");
    }
    let ids: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    if ids.len() != items.len() {
        return bad("Batch request ids must be unique.");
    }
    if items
        .iter()
        .flat_map(|i| &i.depends_on)
        .any(|d| !ids.contains(d.as_str()))
    {
        return bad("A dependsOn id does not match any request id in the batch.");
    }
    let mut done: HashMap<String, GraphReply> = HashMap::new();
    while done.len() < items.len() {
        let ready: Vec<&Item> = items
            .iter()
            .filter(|i| !done.contains_key(&i.id))
            .filter(|i| i.depends_on.iter().all(|d| done.contains_key(d)))
            .collect();
        if ready.is_empty() {
            let stuck: Vec<String> = items
                .iter()
                .filter(|i| !done.contains_key(&i.id))
                .map(|i| i.id.clone())
                .collect();
            for id in stuck {
                done.insert(id, failed_dependency());
            }
            break;
        }
        let sem = Arc::new(Semaphore::new(PARALLEL));
        let mut set = JoinSet::new();
        for item in ready {
            let dep_failed = item
                .depends_on
                .iter()
                .any(|d| done.get(d).is_some_and(|r| r.status >= 400));
            if dep_failed {
                done.insert(item.id.clone(), failed_dependency());
                continue;
            }
            let (st, who, sem, item) = (st.clone(), who.clone(), sem.clone(), item.clone());
            set.spawn(async move {
                let _permit = sem.acquire_owned().await.ok();
                let (route, input) = inner_request(&item);
                let reply = dispatch(&st, &who, &route, &input).await;
                st.record(route.name, reply.status);
                (item.id, reply)
            });
        }
        while let Some(joined) = set.join_next().await {
            if let Ok((id, reply)) = joined {
                done.insert(id, reply);
            }
        }
    }
    let responses: Vec<Value> = items
        .iter()
        .map(|i| {
            let reply = done.remove(&i.id).unwrap_or_else(failed_dependency);
            render(&i.id, &reply, ctx)
        })
        .collect();
    GraphReply::json(200, json!({ "responses": responses }))
}

fn failed_dependency() -> GraphReply {
    GraphReply::error(
        424,
        "FailedDependency",
        "The request failed because it depended on a request that failed.",
    )
}

/// Route and input of an inner request (`url` is relative to the version).
fn inner_request(item: &Item) -> (Route, Input) {
    let url = item.url.trim_start_matches('/');
    let url = url.strip_prefix("v1.0/").unwrap_or(url);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let method =
        Method::from_bytes(item.method.to_ascii_uppercase().as_bytes()).unwrap_or(Method::GET);
    let content_type = item
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    let body = match &item.body {
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(v) => v.to_string().into_bytes(),
        None => Vec::new(),
    };
    let sig = super::limits::signature(method.as_str(), path, query, &body);
    let prefer = item
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("prefer"))
        .map(|(_, v)| v.clone());
    let input = Input {
        sig,
        path: format!("/{path}"),
        prefer,
        query: form::parse(query.as_bytes()),
        body: body.into(),
        content_type,
    };
    (Route::parse(&method, path), input)
}

fn render(id: &str, reply: &GraphReply, ctx: &ReqCtx) -> Value {
    let mut headers = Map::new();
    if let Some(ct) = reply.content_type() {
        headers.insert("Content-Type".into(), json!(ct));
    }
    if let Some(ra) = &reply.retry_after {
        headers.insert("Retry-After".into(), json!(ra));
    }
    for (name, v) in &reply.headers {
        headers.insert((*name).into(), json!(v));
    }
    let mut v = json!({ "id": id, "status": reply.status, "headers": headers });
    if let Some(body) = reply.body_json(ctx) {
        v["body"] = body;
    }
    v
}
