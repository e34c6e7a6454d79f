//! Graph responses: success and error bodies, `innerError`, and the headers Graph sends.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

/// Per-request ids and time, shared by a `$batch` and its inner requests.
#[derive(Debug, Clone)]
pub(crate) struct ReqCtx {
    pub(crate) request_id: String,
    pub(crate) client_request_id: String,
    pub(crate) now: time::OffsetDateTime,
}

impl ReqCtx {
    /// Fresh ids; `client-request-id` is echoed when the client sent one.
    pub(crate) fn from_headers(h: &HeaderMap) -> ReqCtx {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = h
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .unwrap_or_else(|| request_id.clone());
        ReqCtx {
            request_id,
            client_request_id,
            now: time::OffsetDateTime::now_utc(),
        }
    }

    fn inner_date(&self) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        self.now.format(&f).unwrap_or_default()
    }

    fn http_date(&self) -> String {
        let f = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        self.now.format(&f).unwrap_or_default()
    }
}

/// Which `innerError` an error body carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inner {
    /// None (Exchange-originated: [RAOP], ApplicationThrottled, MailboxInfoStale).
    Omitted,
    /// `{date, request-id, client-request-id}`.
    Standard,
    /// The generic throttling sample's `{code, date, message, request-id, status}`.
    Throttle,
}

/// The body of a Graph reply.
#[derive(Debug, Clone)]
pub(crate) enum ReplyBody {
    Json(Value),
    Empty,
    Error {
        code: &'static str,
        message: String,
        inner: Inner,
    },
    /// An error with `details` (app management: policy and replication errors).
    ErrorDetails {
        code: &'static str,
        message: String,
        details: Box<Value>,
    },
    Html(String),
}

/// A Graph reply, independent of HTTP so `$batch` can embed it.
#[derive(Debug, Clone)]
pub(crate) struct GraphReply {
    pub(crate) status: u16,
    pub(crate) body: ReplyBody,
    pub(crate) retry_after: Option<String>,
    pub(crate) www_authenticate: bool,
    /// Further headers (`Preference-Applied`, `Location`).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl GraphReply {
    pub(crate) fn json(status: u16, v: Value) -> Self {
        Self::with(status, ReplyBody::Json(v))
    }
    pub(crate) fn empty(status: u16) -> Self {
        Self::with(status, ReplyBody::Empty)
    }
    pub(crate) fn error(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self::error_with(status, code, message, Inner::Standard)
    }
    pub(crate) fn error_with(
        status: u16,
        code: &'static str,
        message: impl Into<String>,
        inner: Inner,
    ) -> Self {
        let message = message.into();
        Self::with(
            status,
            ReplyBody::Error {
                code,
                message,
                inner,
            },
        )
    }
    /// An error whose body carries `details` next to `code` and `message`.
    pub(crate) fn error_details(
        status: u16,
        code: &'static str,
        message: impl Into<String>,
        details: Value,
    ) -> Self {
        let message = message.into();
        Self::with(
            status,
            ReplyBody::ErrorDetails {
                code,
                message,
                details: Box::new(details),
            },
        )
    }
    fn with(status: u16, body: ReplyBody) -> Self {
        GraphReply {
            status,
            body,
            retry_after: None,
            www_authenticate: false,
            headers: Vec::new(),
        }
    }
    pub(crate) fn retry_after(mut self, text: String) -> Self {
        self.retry_after = Some(text);
        self
    }
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The JSON body, if any (errors rendered with `innerError` as configured).
    pub(crate) fn body_json(&self, ctx: &ReqCtx) -> Option<Value> {
        match &self.body {
            ReplyBody::Json(v) => Some(v.clone()),
            ReplyBody::Empty | ReplyBody::Html(_) => None,
            ReplyBody::Error {
                code,
                message,
                inner,
            } => {
                let mut e = json!({ "code": code, "message": message });
                match inner {
                    Inner::Omitted => {}
                    Inner::Standard => {
                        e["innerError"] = json!({
                            "date": ctx.inner_date(),
                            "request-id": ctx.request_id,
                            "client-request-id": ctx.client_request_id,
                        });
                    }
                    Inner::Throttle => {
                        e["innerError"] = json!({
                            "code": "429", "date": ctx.inner_date(), "message": "Please retry after",
                            "request-id": ctx.request_id, "status": "429",
                        });
                    }
                }
                Some(json!({ "error": e }))
            }
            ReplyBody::ErrorDetails {
                code,
                message,
                details,
            } => Some(json!({ "error": {
                "code": code, "message": message, "details": details,
                "innerError": {
                    "date": ctx.inner_date(),
                    "request-id": ctx.request_id,
                    "client-request-id": ctx.client_request_id,
                },
            }})),
        }
    }

    /// `Content-Type` for this reply.
    pub(crate) fn content_type(&self) -> Option<&'static str> {
        match &self.body {
            ReplyBody::Json(_) => Some(
                "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
            ),
            ReplyBody::Error { .. } | ReplyBody::ErrorDetails { .. } => Some("application/json"),
            ReplyBody::Html(_) => Some("text/html"),
            ReplyBody::Empty => None,
        }
    }

    /// The HTTP response with Graph's headers.
    pub(crate) fn into_http(self, ctx: &ReqCtx, authority: &str) -> Response {
        let bytes = match (&self.body, self.body_json(ctx)) {
            (ReplyBody::Html(h), _) => h.clone().into_bytes(),
            (_, Some(v)) => v.to_string().into_bytes(),
            (_, None) => Vec::new(),
        };
        let mut resp = Response::new(Body::from(bytes));
        *resp.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let h = resp.headers_mut();
        let mut put = |name: &'static str, v: &str| {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(name, v);
            }
        };
        if let Some(ct) = self.content_type() {
            put("content-type", ct);
        }
        put("date", &ctx.http_date());
        put("request-id", &ctx.request_id);
        put("client-request-id", &ctx.client_request_id);
        put("strict-transport-security", "max-age=31536000");
        put("cache-control", "private");
        put(
            "x-ms-ags-diagnostic",
            r#"{"ServerInfo":{"DataCenter":"Sim","Slice":"E","Ring":"4","ScaleUnit":"000","RoleInstance":"SIM000000"}}"#,
        );
        if let Some(ra) = &self.retry_after {
            put("retry-after", ra);
        }
        for (name, v) in &self.headers {
            put(name, v);
        }
        if self.www_authenticate {
            let v = format!(
                r#"Bearer realm="", authorization_uri="{authority}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#
            );
            put("www-authenticate", &v);
        }
        resp
    }
}
