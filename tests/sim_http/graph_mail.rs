//! Graph mail endpoints: list with $top/$select, drafts, sendMail, mailbox settings, kinds.

use reqwest::Method;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn list_messages_top_select_and_next_link() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = s
        .get(
            &t,
            "/users/a@contoso.com/messages?$top=2&$select=subject,from",
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let v = b["value"].as_array().unwrap();
    assert_eq!(v.len(), 2);
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert!(
        keys.iter()
            .all(|k| ["@odata.etag", "id", "subject", "from"].contains(&k.as_str())),
        "{keys:?}"
    );
    let next = b["@odata.nextLink"].as_str().unwrap();
    let path = next.strip_prefix(&format!("{}/v1.0", s.h.graph)).unwrap();
    let (st, b2) = s.get(&t, path).await;
    assert_eq!(st, 200);
    assert_eq!(
        b2["value"].as_array().unwrap().len(),
        1,
        "3 seeded messages"
    );
    assert!(b2.get("@odata.nextLink").is_none());
    let (st, _) = s.get(&t, "/users/a@contoso.com/messages?$top=0").await;
    assert_eq!(st, 400);
    let (st, b) = s.get(&t, "/users/s@contoso.com/mailFolders/Inbox").await;
    assert_eq!((st, b["totalItemCount"].as_u64()), (200, Some(3)));
}

#[tokio::test]
async fn read_basic_cannot_see_bodies() {
    let extra = r#"
[[app]]
client_id = "55555555-0000-4000-8000-000000000005"
name = "Basic"
roles = ["Mail.ReadBasic.All"]
secrets = [{ id = "dddddddd-0000-4000-8000-000000000001", value = "s5", expires = "2099-01-01" }]
"#;
    let s = sim("", extra).await;
    let t = s.token("55555555-0000-4000-8000-000000000005", "s5").await;
    let (st, b) = s.get(&t, "/users/a@contoso.com/messages?$top=1").await;
    assert_eq!(st, 200);
    assert!(b["value"][0].get("body").is_none());
    assert!(b["value"][0].get("subject").is_some());
    let full = s.token(FULL, "good~secret").await;
    let (_, b) = s.get(&full, "/users/a@contoso.com/messages?$top=1").await;
    assert!(b["value"][0].get("body").is_some());
}

#[tokio::test]
async fn drafts_created_and_deleted_are_counted() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let r = s
        .call(
            Method::POST,
            &t,
            "/users/s@contoso.com/messages",
            Some(json!({"subject": "probe", "body": {"contentType": "text", "content": "x"}})),
        )
        .await;
    assert_eq!(r.status(), 201);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (d["isDraft"].as_bool(), d["subject"].as_str()),
        (Some(true), Some("probe"))
    );
    let id = d["id"].as_str().unwrap().to_string();
    let left = json!({"subject": "left"});
    let st = s
        .status_of(Method::POST, &t, "/users/s@contoso.com/messages", left)
        .await;
    assert_eq!(st, 201);
    assert_eq!(s.stats().await.drafts_outstanding, 2);
    let path = format!("/users/s@contoso.com/messages/{id}");
    for expected in [204, 404] {
        let r = s.call(Method::DELETE, &t, &path, None).await;
        assert_eq!(r.status(), expected, "second delete finds nothing");
    }
    let st = s.stats().await;
    assert_eq!(
        (st.drafts_created, st.drafts_deleted, st.drafts_outstanding),
        (2, 1, 1)
    );
    assert_eq!(
        st.count("DELETE /v1.0/users/{id}/messages/{message}", 204),
        1
    );
}

#[tokio::test]
async fn send_mail_is_recorded_not_delivered() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let mail = json!({"message": {"subject": "Hi", "body": {"contentType": "Text", "content": "x"},
        "toRecipients": [{"emailAddress": {"address": "ops@example.com"}}]}, "saveToSentItems": false});
    let r = s
        .call(
            Method::POST,
            &t,
            "/users/a@contoso.com/sendMail",
            Some(mail),
        )
        .await;
    assert_eq!(r.status(), 202);
    assert!(r.text().await.unwrap().is_empty());
    let r = s
        .call(
            Method::POST,
            &t,
            "/users/a@contoso.com/sendMail",
            Some(json!({"message": {"subject": "none"}})),
        )
        .await;
    assert_eq!(r.status(), 400);
    let url = format!("{}/v1.0/users/a@contoso.com/sendMail", s.h.graph);
    let r =
        s.c.post(url)
            .bearer_auth(&t)
            .header("content-type", "text/plain")
            .body("%%%")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 400);
    let b: serde_json::Value = r.json().await.unwrap();
    graph_error(&b, "ErrorMimeContentInvalidBase64String");
    let st = s.stats().await;
    assert_eq!(st.mails_sent, 1);
    assert_eq!(st.sent_mail[0].to, ["ops@example.com"]);
    assert_eq!(st.sent_mail[0].from, "a@contoso.com");
}

#[tokio::test]
async fn mailbox_settings_get_and_patch() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = s.get(&t, "/users/s@contoso.com/mailboxSettings").await;
    assert_eq!((st, b["userPurpose"].as_str()), (200, Some("shared")));
    let tz = json!({"timeZone": "W. Europe Standard Time"});
    let st = s
        .status_of(
            Method::PATCH,
            &t,
            "/users/s@contoso.com/mailboxSettings",
            tz,
        )
        .await;
    assert_eq!(st, 200);
    let (_, b) = s.get(&t, "/users/s@contoso.com/mailboxSettings").await;
    assert_eq!(b["timeZone"], "W. Europe Standard Time");
}

#[tokio::test]
async fn mailbox_kinds_and_unknown_routes() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    for m in ["onprem@contoso.com", "unlic@contoso.com"] {
        let (st, b) = s.get(&t, &format!("/users/{m}/messages")).await;
        assert_eq!(st, 404);
        assert!(graph_error(&b, "MailboxNotEnabledForRESTAPI"));
        assert_eq!(
            b["error"]["message"],
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise."
        );
        assert_eq!(
            s.get(&t, &format!("/users/{m}")).await.0,
            200,
            "the directory user exists"
        );
    }
    let (st, b) = s.get(&t, "/users/a@contoso.com/calendarz").await;
    assert_eq!(st, 400);
    assert_eq!(
        b["error"]["message"],
        "Resource not found for the segment 'calendarz'."
    );
}
