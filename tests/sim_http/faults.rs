//! Limits and faults: 4 concurrent per app+mailbox, early retries, random throttling,
//! MailboxInfoStale, proxy page, dropped connections, stalls, latency.

use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::support::*;

#[tokio::test]
async fn fifth_concurrent_request_gets_application_throttled() {
    let s = sim("latency_ms = 400\n[faults]\nretry_after_s = 30", "").await;
    let t = s.token(FULL, "good~secret").await;
    let calls = (0..5).map(|_| s.get(&t, "/users/a@contoso.com/messages?$top=1"));
    let other = s.get(&t, "/users/s@contoso.com/messages?$top=1");
    let (results, other) = tokio::join!(join_all(calls), other);
    assert_eq!(other.0, 200, "other mailboxes are not affected");
    let throttled: Vec<_> = results.iter().filter(|(st, _)| *st == 429).collect();
    assert_eq!(throttled.len(), 1, "{results:?}");
    let b = &throttled[0].1;
    assert!(!graph_error(b, "ApplicationThrottled"), "no innerError");
    assert_eq!(
        b["error"]["message"],
        "Application is over its MailboxConcurrency limit."
    );
    let stats = s.stats().await;
    let mut direct = s.h.stats().await;
    direct.uptime_s = stats.uptime_s;
    assert_eq!(direct, stats, "SimHandle::stats and GET /_sim/stats agree");
    assert_eq!(
        stats.max_concurrent_per_mailbox["a@contoso.com"], 4,
        "the request refused with 429 was never being served"
    );
    assert_eq!(stats.max_concurrent_per_mailbox["s@contoso.com"], 1);
    assert_eq!(stats.throttled_429, 1);
    assert_eq!(stats.early_retries, 0);
    // retrying before the 30 s Retry-After is an early retry
    let (st, _) = s.get(&t, "/users/a@contoso.com/messages?$top=1").await;
    assert_eq!(st, 200);
    assert_eq!(s.stats().await.early_retries, 1);
}

#[tokio::test]
async fn retry_after_header_on_429() {
    let s = sim("latency_ms = 300\n[faults]\nretry_after_s = 2", "").await;
    let t = s.token(FULL, "good~secret").await;
    let url = format!("{}/v1.0/users/a@contoso.com/mailFolders/inbox", s.h.graph);
    let calls = (0..5).map(|_| s.c.get(&url).bearer_auth(&t).send());
    let rs = join_all(calls).await;
    let r = rs
        .into_iter()
        .map(Result::unwrap)
        .find(|r| r.status() == 429)
        .unwrap();
    assert_eq!(r.headers()["retry-after"], "2");
}

#[tokio::test]
async fn random_throttling_retry_after_is_whole_seconds() {
    let s = sim("[faults]\nthrottle_first = 1\nretry_after_s = 1.5", "").await;
    let t = s.token(FULL, "good~secret").await;
    let url = format!("{}/v1.0/users/a@contoso.com/messages", s.h.graph);
    let r = s.c.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2", "whole seconds, rounded up");
    let b: serde_json::Value = r.json().await.unwrap();
    assert!(graph_error(&b, "TooManyRequests"));
    assert_eq!(b["error"]["innerError"]["status"], "429");
    // another request (not a retry of the throttled one) is not an early retry
    let other = format!("{url}?$top=1");
    let r = s.c.get(&other).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.stats().await.early_retries, 0);
    let r = s.c.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.stats().await.early_retries, 1);
}

#[tokio::test]
async fn mailbox_info_stale_then_ok() {
    let s = sim("[faults]\nmailbox_stale_first = 1\nretry_after_s = 1", "").await;
    let t = s.token(FULL, "good~secret").await;
    let url = format!("{}/v1.0/users/a@contoso.com/messages", s.h.graph);
    let r = s.c.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let b: serde_json::Value = r.json().await.unwrap();
    assert!(!graph_error(&b, "MailboxInfoStale"));
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is currently on backend 'Unknown'")
    );
    assert_eq!(
        s.c.get(&url).bearer_auth(&t).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn proxy_html_page_dropped_connection_and_stall() {
    let s = sim(
        "[faults]\ndrop_connection_first = 1\nproxy_error_first = 1\nstall_first = 1\nstall_s = 0.8",
        "",
    )
    .await;
    let t = s.token(FULL, "good~secret").await;
    let url = format!("{}/v1.0/users/a@contoso.com", s.h.graph);
    // 1st: dropped (no response)
    let e = s.c.get(&url).bearer_auth(&t).send().await;
    assert!(e.is_err(), "{e:?}");
    // 2nd: proxy page
    let r = s.c.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["content-type"], "text/html");
    assert!(r.text().await.unwrap().contains("502 Bad Gateway"));
    // 3rd: stalls longer than the client waits
    let e =
        s.c.get(&url)
            .bearer_auth(&t)
            .timeout(Duration::from_millis(300))
            .send()
            .await;
    assert!(e.unwrap_err().is_timeout());
    // then normal
    assert_eq!(
        s.c.get(&url).bearer_auth(&t).send().await.unwrap().status(),
        200
    );
    let st = s.stats().await;
    assert_eq!((st.dropped_connections, st.stalled), (1, 1));
}

#[tokio::test]
async fn latency_and_jitter_apply() {
    let s = sim("latency_ms = 250\njitter_ms = 50", "").await;
    let t0 = Instant::now();
    let t = s.token(FULL, "good~secret").await;
    let token_time = t0.elapsed();
    let t1 = Instant::now();
    assert_eq!(s.get(&t, "/users/a@contoso.com").await.0, 200);
    let graph_time = t1.elapsed();
    assert!(token_time >= Duration::from_millis(250), "{token_time:?}");
    assert!(graph_time >= Duration::from_millis(250), "{graph_time:?}");
    assert!(graph_time < Duration::from_millis(1500), "{graph_time:?}");
}

#[tokio::test]
async fn random_faults_follow_the_seed() {
    let top =
        "[faults]\nthrottle_rate = 0.3\nmailbox_stale_rate = 0.2\nretry_after_s = 0.001\nseed = 42";
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = sim(top, "").await;
        let t = s.token(FULL, "good~secret").await;
        let mut seq = Vec::new();
        for _ in 0..30 {
            seq.push(s.get(&t, "/users/a@contoso.com/mailFolders/inbox").await.0);
        }
        runs.push(seq);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    for status in [200, 429, 503] {
        assert!(
            runs[0].contains(&status),
            "{status} missing from {:?}",
            runs[0]
        );
    }
}
