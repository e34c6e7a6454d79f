//! `$batch`: per-request statuses, dependsOn, limits, 429 inside a batch, 4 at a time.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

async fn batch(s: &Sim, t: &str, requests: Value) -> (u16, Value) {
    let r = s
        .call(
            Method::POST,
            t,
            "/$batch",
            Some(json!({ "requests": requests })),
        )
        .await;
    let st = r.status().as_u16();
    (st, r.json().await.unwrap())
}

fn by_id<'a>(b: &'a Value, id: &str) -> &'a Value {
    b["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn per_request_statuses_and_depends_on() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = batch(
        &s,
        &t,
        json!([
            {"id": "1", "method": "GET", "url": "/users/a@contoso.com/mailFolders/inbox"},
            {"id": "2", "method": "POST", "url": "/users/a@contoso.com/messages", "body": {"subject": "b"},
             "headers": {"Content-Type": "application/json"}, "dependsOn": ["1"]},
            {"id": "3", "method": "GET", "url": "/users/nobody@contoso.com/messages?$top=1"},
            {"id": "4", "method": "GET", "url": "/users/a@contoso.com/messages", "dependsOn": ["3"]},
            {"id": "5", "method": "GET", "url": "/users/onprem@contoso.com/mailboxSettings"}
        ]),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(by_id(&b, "1")["status"], 200);
    assert_eq!(by_id(&b, "2")["status"], 201);
    assert_eq!(by_id(&b, "3")["status"], 404);
    assert_eq!(by_id(&b, "3")["body"]["error"]["code"], "ErrorInvalidUser");
    assert_eq!(by_id(&b, "4")["status"], 424);
    assert_eq!(by_id(&b, "5")["status"], 404);
    let stats = s.stats().await;
    assert_eq!(stats.count("POST /v1.0/$batch", 200), 1);
    assert_eq!(
        stats.count("GET /v1.0/users/{id}/mailFolders/{folder}", 200),
        1
    );
    assert_eq!(stats.drafts_outstanding, 1);
}

#[tokio::test]
async fn more_than_twenty_is_rejected() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let reqs: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users/a@contoso.com"}))
        .collect();
    let (st, b) = batch(&s, &t, json!(reqs)).await;
    assert_eq!(st, 400);
    graph_error(&b, "BadRequest");
}

#[tokio::test]
async fn batch_sends_four_at_a_time_and_throttles_inside() {
    let s = sim("latency_ms = 150", "").await;
    let t = s.token(FULL, "good~secret").await;
    let reqs: Vec<Value> = (0..8)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users/a@contoso.com/messages?$top=1"}))
        .collect();
    let (st, b) = batch(&s, &t, json!(reqs)).await;
    assert_eq!(st, 200);
    assert!(
        b["responses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == 200),
        "{b}"
    );
    assert_eq!(
        s.stats().await.max_concurrent_per_mailbox["a@contoso.com"],
        4
    );
    // a direct request while a 4-wide batch is in flight: one of the five is refused
    let reqs: Vec<Value> = (0..4)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users/s@contoso.com/messages?$top=1"}))
        .collect();
    let direct = s.get(&t, "/users/s@contoso.com/messages?$top=1");
    let ((_, b), (st, _)) = tokio::join!(batch(&s, &t, json!(reqs)), direct);
    let inner_429 = b["responses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert_eq!(inner_429 + usize::from(st == 429), 1, "{b} / direct {st}");
    let stats = s.stats().await;
    assert_eq!(
        stats.max_concurrent_per_mailbox["s@contoso.com"], 4,
        "the refused one is not counted as served"
    );
}

#[tokio::test]
async fn throttled_inner_request_carries_retry_after() {
    let s = sim("[faults]\nthrottle_first = 1\nretry_after_s = 3", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = batch(
        &s,
        &t,
        json!([{"id": "a", "method": "GET", "url": "/users/a@contoso.com/messages"}]),
    )
    .await;
    assert_eq!(st, 200);
    let r = by_id(&b, "a");
    assert_eq!(r["status"], 429);
    assert_eq!(r["headers"]["Retry-After"], "3");
    assert_eq!(s.stats().await.throttled_429, 1);
}
