//! The HTTP entry for Graph (`/v1.0/...`): connection faults, bearer token, then dispatch.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;

use super::batch;
use super::body::{self, BodyProblem, MAX_REQUEST_BYTES};
use super::faults::ConnectionFault;
use super::graph_dispatch::{Input, dispatch};
use super::graph_reply::{GraphReply, ReplyBody, ReqCtx};
use super::graph_routes::{Kind, Route};
use super::state::{SimState, lock};
use super::tokens_jwt::{AccessClaims, TokenProblem};

/// Marks a response whose connection must be dropped instead (fault injection).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

const PROXY_PAGE: &str = "<!DOCTYPE html>\r\n<html><head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p><hr><address>proxy</address></body></html>\r\n";

/// `ANY /v1.0/{*rest}`.
pub(crate) async fn graph(
    State(st): State<Arc<SimState>>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let ctx = ReqCtx::from_headers(&headers);
    let path = uri.path();
    let rel = path
        .strip_prefix("/v1.0")
        .or_else(|| path.strip_prefix("/beta"))
        .unwrap_or(path);
    let route = Route::parse(&method, rel);
    let faults = &st.scenario.faults;
    match st.faults.connection(faults) {
        Some(ConnectionFault::Drop) => {
            lock(&st.stats).dropped_connections += 1;
            let mut r = Response::new(axum::body::Body::empty());
            r.extensions_mut().insert(DropConnection);
            return r;
        }
        Some(ConnectionFault::ProxyError) => {
            st.record(route.name, 502);
            let reply = GraphReply {
                status: 502,
                body: ReplyBody::Html(PROXY_PAGE.to_string()),
                retry_after: None,
                www_authenticate: false,
                headers: Vec::new(),
            };
            return reply.into_http(&ctx, &st.authority);
        }
        Some(ConnectionFault::Stall) => {
            lock(&st.stats).stalled += 1;
            tokio::time::sleep(Duration::from_secs_f64(faults.stall_s.max(0.0))).await;
        }
        None => {}
    }
    let body = match body::read(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(problem) => {
            let reply = body_refused(problem);
            st.record(route.name, reply.status);
            return reply.into_http(&ctx, &st.authority);
        }
    };
    let reply = match authenticate(&st, &headers) {
        Err(reply) => reply,
        Ok(who) => {
            let sig = super::limits::signature(
                method.as_str(),
                uri.path(),
                uri.query().unwrap_or(""),
                &body,
            );
            let input = Input {
                query,
                sig,
                path: rel.to_string(),
                prefer: headers
                    .get("prefer")
                    .and_then(|v| v.to_str().ok())
                    .map(String::from),
                body,
                content_type: headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(String::from),
            };
            if route.kind == Kind::Batch {
                batch::run(&st, &who, &ctx, &input).await
            } else {
                dispatch(&st, &who, &route, &input).await
            }
        }
    };
    st.record(route.name, reply.status);
    reply.into_http(&ctx, &st.authority)
}

/// Graph's answer to a body over 4 MB (checked before the token, as a gateway would [U]).
fn body_refused(problem: BodyProblem) -> GraphReply {
    match problem {
        // [U] 413 as documented for large payloads; the text is the one seen in captures.
        BodyProblem::TooLarge => GraphReply::error(
            413,
            "RequestEntityTooLarge",
            "The maximum request length supported is 4MB.",
        ),
        BodyProblem::Broken => {
            GraphReply::error(400, "BadRequest", "The request body could not be read.")
        }
    }
}

/// The token of `Authorization: Bearer …` (the whole value without the scheme word; empty
/// when absent).
pub(crate) fn bearer(headers: &HeaderMap) -> &str {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    raw.strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(if raw.trim().eq_ignore_ascii_case("bearer") {
            ""
        } else {
            raw
        })
}

/// Validates the bearer token; the 401 reply Graph sends otherwise.
fn authenticate(st: &SimState, headers: &HeaderMap) -> Result<AccessClaims, GraphReply> {
    let token = bearer(headers);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verified = match st.signer_now() {
        Some(signer) => signer.verify(token, &st.graph, now),
        None => Err(TokenProblem::Invalid),
    };
    verified.map_err(|p| {
        let message = match p {
            TokenProblem::Empty => "Access token is empty.",
            TokenProblem::Malformed => "CompactToken parsing failed with error code: 80049217",
            TokenProblem::Invalid => "Access token validation failure.",
            TokenProblem::Audience => "Access token validation failure. Invalid audience.",
            TokenProblem::Expired => "Access token has expired or is not yet valid.",
        };
        let mut r = GraphReply::error(401, "InvalidAuthenticationToken", message);
        r.www_authenticate = true;
        r
    })
}
