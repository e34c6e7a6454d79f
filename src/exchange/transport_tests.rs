//! The transport against a small local server answering with recorded Exchange bodies:
//! paging by POSTing the next link with the same body and headers, the NUL-body 403, a 429
//! waited out, a cmdlet failure parsed, a next link to another host refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::*;

#[derive(Clone)]
struct Srv {
    base: Arc<std::sync::OnceLock<String>>,
    busy: Arc<AtomicUsize>,
}

async fn handler(
    State(s): State<Srv>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let anchor = headers
        .get("x-anchormailbox")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if anchor != "UPN:admin@contoso.com" || auth != "Bearer tok" {
        return (StatusCode::UNAUTHORIZED, "").into_response();
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let cmdlet = body["CmdletInput"]["CmdletName"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let base = s.base.get().cloned().unwrap_or_default();
    match cmdlet.as_str() {
        "Get-Paged" if q.get("page").map(String::as_str) == Some("2") => {
            assert_eq!(body["CmdletInput"]["Parameters"]["Identity"], "x");
            axum::Json(json!({"value": [{"N": 3}]})).into_response()
        }
        "Get-Paged" => axum::Json(json!({
            "@odata.context": "ctx",
            "value": [{"N": 1, "N@odata.type": "#Int32"}, {"N": 2}],
            "@odata.nextLink": format!("{base}/adminapi/beta/t/InvokeCommand?page=2"),
        }))
        .into_response(),
        "Get-Evil" => axum::Json(json!({
            "value": [],
            "@odata.nextLink": "https://evil.example/adminapi/beta/t/InvokeCommand",
        }))
        .into_response(),
        "Get-Nul" => (StatusCode::FORBIDDEN, vec![0u8; 32]).into_response(),
        "Get-Busy" if s.busy.fetch_add(1, Ordering::SeqCst) == 0 => {
            (StatusCode::TOO_MANY_REQUESTS, [("Retry-After", "0")], "").into_response()
        }
        "Get-Busy" => axum::Json(json!({"value": [{"ok": true}]})).into_response(),
        _ => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": {"code": "BadRequest", "message": "Error executing cmdlet", "details": [{"code": "Context", "message": "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found."}]}})),
        )
            .into_response(),
    }
}

async fn serve() -> String {
    let srv = Srv {
        base: Arc::new(std::sync::OnceLock::new()),
        busy: Arc::new(AtomicUsize::new(0)),
    };
    let app = axum::Router::new()
        .route(
            "/adminapi/beta/{tenant}/InvokeCommand",
            axum::routing::post(handler),
        )
        .with_state(srv.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let _ = srv.base.set(base.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

fn transport(base: &str) -> Transport {
    Transport::new(
        reqwest::Client::new(),
        base,
        "t",
        Secret::new("tok"),
        "admin@contoso.com",
    )
    .with_timeout(Duration::from_secs(10))
    .with_throttle(Throttle {
        retries: 2,
        max_wait: Duration::ZERO,
    })
}

#[tokio::test]
async fn pages_errors_and_throttling() {
    let base = serve().await;
    let t = transport(&base);
    let p = params([("Identity", json!("x"))]);
    let items = t.invoke("Get-Paged", &p).await.expect("paged");
    assert_eq!(
        items,
        vec![json!({"N": 1}), json!({"N": 2}), json!({"N": 3})]
    );
    let refused = t.invoke("Get-Nul", &p).await.expect_err("refused");
    assert!(refused.falls_back_to_script(), "{refused:?}");
    assert_eq!(
        t.invoke("Get-Busy", &p).await.expect("waited out"),
        vec![json!({"ok": true})]
    );
    let missing = t.invoke("Get-Missing", &p).await.expect_err("missing");
    assert!(
        matches!(missing, ExchangeError::NotFound { .. }),
        "{missing:?}"
    );
    assert_eq!(t.find("Get-Missing", &p).await.expect("none"), None);
    let evil = t.invoke("Get-Evil", &p).await.expect_err("other host");
    assert!(
        matches!(evil, ExchangeError::BadResponse { .. }),
        "{evil:?}"
    );
}
