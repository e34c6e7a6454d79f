//! Query options of the mail collections: $filter, $orderby, $count, maxpagesize, refusals,
//! and nextLinks that continue the collection asked for.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

fn subjects(b: &Value) -> Vec<String> {
    b["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["subject"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn filter_orderby_count_and_max_page_size() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let inbox = "/users/a@contoso.com/mailFolders/inbox/messages";
    // seeded: #1 and #3 unread, #2 read; received 2026-10-02, -03, -04
    let (st, b) = s.get(&t, &format!("{inbox}?$filter=isRead eq false")).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(subjects(&b), ["Question #3", "Question #1"]);
    let (_, b) = s
        .get(
            &t,
            &format!("{inbox}?$filter=receivedDateTime ge 2026-10-03T00:00:00Z&$orderby=receivedDateTime asc"),
        )
        .await;
    assert_eq!(subjects(&b), ["Question #2", "Question #3"]);
    let (_, b) = s
        .get(
            &t,
            &format!("{inbox}?$filter=from/emailAddress/address eq 'CUSTOMER1@example.com'"),
        )
        .await;
    assert_eq!(subjects(&b), ["Question #1"]);
    let (_, b) = s
        .get(
            &t,
            &format!("{inbox}?$orderby=receivedDateTime desc&$top=1&$count=true"),
        )
        .await;
    assert_eq!(subjects(&b), ["Question #3"]);
    assert_eq!(b["@odata.count"], 3);
    let next = b["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("%24orderby=receivedDateTime%20desc"),
        "{next}"
    );
    let (_, b) = s
        .get(
            &t,
            next.strip_prefix(&format!("{}/v1.0", s.h.graph)).unwrap(),
        )
        .await;
    assert_eq!(subjects(&b), ["Question #2"], "the order carries over");
    // Prefer: odata.maxpagesize
    let url = format!("{}/v1.0{inbox}", s.h.graph);
    let r =
        s.c.get(&url)
            .bearer_auth(&t)
            .header("Prefer", "odata.maxpagesize=2")
            .send()
            .await
            .unwrap();
    assert_eq!(r.headers()["preference-applied"], "odata.maxpagesize=2");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["value"].as_array().unwrap().len(), 2);
    assert!(b["@odata.nextLink"].as_str().unwrap().contains("%24skip=2"));
}

#[tokio::test]
async fn unsupported_options_are_refused_never_ignored() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let base = "/users/a@contoso.com/messages";
    for (q, code, words) in [
        (
            "$search=\"pizza\"",
            "BadRequest",
            "'$search' is not supported",
        ),
        (
            "$filter=nope eq 1",
            "RequestBroker--ParseUri",
            "property named 'nope'",
        ),
        ("$filter=isRead eq", "BadRequest", "Invalid filter clause"),
        (
            "$filter=isRead eq false&$orderby=receivedDateTime",
            "InefficientFilter",
            "too complex",
        ),
        ("$select=subject,nope", "RequestBroker--ParseUri", "'nope'"),
        ("$orderby=nope", "RequestBroker--ParseUri", "'nope'"),
        ("$count=maybe", "BadRequest", "$count"),
        ("$format=json", "BadRequest", "'$format' is not supported"),
    ] {
        let (st, b) = s.get(&t, &format!("{base}?{q}")).await;
        assert_eq!(st, 400, "{q}: {b}");
        graph_error(&b, code);
        let msg = b["error"]["message"].as_str().unwrap();
        assert!(msg.contains(words), "{q}: {msg}");
    }
}

#[tokio::test]
async fn next_link_continues_the_folder_asked_for() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    for subject in ["one", "two"] {
        let st = s
            .status_of(
                Method::POST,
                &t,
                "/users/a@contoso.com/messages",
                json!({ "subject": subject }),
            )
            .await;
        assert_eq!(st, 201);
    }
    let (st, b) = s
        .get(
            &t,
            "/users/a@contoso.com/mailFolders/drafts/messages?$top=1",
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["value"][0]["isDraft"], true);
    let next = b["@odata.nextLink"].as_str().unwrap();
    assert_eq!(
        next,
        format!(
            "{}/v1.0/users/a@contoso.com/mailFolders/drafts/messages?%24top=1&%24skip=1",
            s.h.graph
        )
    );
    let (_, b) = s
        .get(
            &t,
            next.strip_prefix(&format!("{}/v1.0", s.h.graph)).unwrap(),
        )
        .await;
    let v = b["value"].as_array().unwrap();
    assert_eq!(v.len(), 1, "{b}");
    assert_eq!(v[0]["isDraft"], true, "still the Drafts folder");
    assert!(b.get("@odata.nextLink").is_none());
}
