//! The upload URL of an attachment session (`.../AttachmentSessions('{id}')?authtoken=...`):
//! byte ranges PUT in order with `Content-Range: bytes {start}-{end}/{total}`; each answer is
//! 200 with `nextExpectedRanges: ["{next}"]`, the last one 201 with a `Location` header and no
//! body; DELETE cancels (204). As Microsoft documents it, the URL is pre-authenticated: the
//! `authtoken` decides, an `Authorization` header is not needed (and not looked at).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::body::{BodyProblem, MAX_REQUEST_BYTES};
use super::graph_attach::expiry_text;
use super::state::{SimState, lock};

const ROUTE: &str = "PUT /api/v2.0/Users/Messages/AttachmentSessions";

fn respond(status: u16, body: Option<Value>, location: Option<&str>) -> Response {
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    let has_body = !bytes.is_empty();
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if has_body {
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn error(status: u16, code: &str, message: &str) -> Response {
    respond(
        status,
        Some(json!({ "error": { "code": code, "message": message } })),
        None,
    )
}

/// `bytes {start}-{end}/{total}`.
fn content_range(h: &HeaderMap) -> Option<(usize, usize, usize)> {
    let v = h.get(header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = v.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    Some((
        a.trim().parse().ok()?,
        b.trim().parse().ok()?,
        total.trim().parse().ok()?,
    ))
}

/// The session id in `.../AttachmentSessions('{id}')`.
fn session_id(path: &str) -> Option<String> {
    let decoded = super::form::decode(&path.replace('+', "%2B"));
    let at = decoded.find("AttachmentSessions('")? + "AttachmentSessions('".len();
    let rest = &decoded[at..];
    Some(rest[..rest.find("')")?].to_string())
}

/// `ANY /api/v2.0/{*rest}`.
pub(crate) async fn upload(
    State(st): State<Arc<SimState>>,
    method: Method,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // At most 4 MB in one PUT (Microsoft: "up to 4 MB each time"); a larger one is read to
    // its end and refused, so the client sees the 413 rather than a reset connection.
    let resp = match super::body::read(body, MAX_REQUEST_BYTES).await {
        Ok(body) => serve(&st, &method, &uri, &q, &headers, &body),
        Err(BodyProblem::TooLarge) => error(
            413,
            "RequestEntityTooLarge",
            "Upload at most 4 MB in one PUT.",
        ),
        Err(BodyProblem::Broken) => error(
            400,
            "ErrorInvalidRequest",
            "The request body could not be read.",
        ),
    };
    st.record(ROUTE, resp.status().as_u16());
    resp
}

fn serve(
    st: &SimState,
    method: &Method,
    uri: &Uri,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let not_found = || {
        error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        )
    };
    let Some(sid) = session_id(uri.path()) else {
        return not_found();
    };
    let mut store = lock(&st.store);
    let Some(session) = store.sessions.get(&sid) else {
        return not_found();
    };
    let token_ok = q.get("authtoken").is_some_and(|t| *t == session.token);
    if !token_ok || time::OffsetDateTime::now_utc() > session.expires {
        // [U] Outlook's answer to a missing, wrong or expired authtoken.
        return error(
            401,
            "InvalidAuthenticationToken",
            "The upload URL's authtoken is missing, wrong or expired.",
        );
    }
    match *method {
        Method::DELETE => {
            store.sessions.remove(&sid);
            return respond(204, None, None);
        }
        Method::PUT => {}
        _ => {
            return error(
                405,
                "ErrorInvalidRequest",
                "Use PUT to upload a byte range, DELETE to cancel.",
            );
        }
    }
    let Some((start, end, total)) = content_range(headers) else {
        return error(
            400,
            "ErrorInvalidRequest",
            "The Content-Range header is missing or not 'bytes {start}-{end}/{total}'.",
        );
    };
    let (size, have) = (session.size, session.data.len());
    if total != size {
        return error(
            400,
            "ErrorInvalidRequest",
            "The total in Content-Range differs from the size given when the session was created.",
        );
    }
    if end < start || end - start + 1 != body.len() || end >= size {
        return error(
            400,
            "ErrorInvalidRequest",
            "The Content-Range does not match the bytes sent.",
        );
    }
    if start != have {
        // [U] bytes must come in order, starting where nextExpectedRanges says.
        return error(
            416,
            "ErrorInvalidRequest",
            &format!("The next expected byte is {have}; this range starts at {start}."),
        );
    }
    let Some(session) = store.sessions.get_mut(&sid) else {
        return not_found();
    };
    session.data.extend_from_slice(body);
    let (uid, mid) = (
        format!("{}@{}", session.mailbox.id, st.scenario.tenant_id),
        session.message.clone(),
    );
    if session.data.len() < size {
        let ctx = format!(
            "{}/api/v2.0/$metadata#Users('{}')/Messages('{}')/AttachmentSessions/$entity",
            st.graph,
            uid.replace('@', "%40"),
            mid
        );
        return respond(
            200,
            Some(json!({
                "@odata.context": ctx,
                "ExpirationDateTime": expiry_text(session.expires),
                "nextExpectedRanges": [session.data.len().to_string()],
            })),
            None,
        );
    }
    let Some(done) = store.sessions.remove(&sid) else {
        return not_found();
    };
    if store
        .find(&done.mailbox, st.domain(), &done.message)
        .is_none()
    {
        return not_found();
    }
    let att = json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": done.name,
        "contentType": done.content_type,
        "isInline": done.is_inline,
        "size": done.size,
        "contentBytes": STANDARD.encode(&done.data),
    });
    let att = store.add_attachment(&done.mailbox, &done.message, att);
    let location = format!(
        "{}/api/v2.0/Users('{uid}')/Messages('{mid}')/Attachments('{}')",
        st.graph,
        att["id"].as_str().unwrap_or_default()
    );
    respond(201, None, Some(&location))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_range_and_session() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes 0-2097151/3483322"),
        );
        assert_eq!(content_range(&h), Some((0, 2097151, 3483322)));
        assert_eq!(
            session_id("/api/v2.0/Users('a@b')/Messages('M%3D')/AttachmentSessions('S%3D')"),
            Some("S=".to_string())
        );
    }
}
