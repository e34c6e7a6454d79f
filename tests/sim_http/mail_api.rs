//! The rest of the mail API a normal integration uses: folders, draft edit/send, move, reply,
//! attachments, upload sessions, settings merge, case-insensitive action parameters, 404s.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

async fn post(s: &Sim, t: &str, path: &str, body: Value) -> (u16, Value) {
    let r = s.call(Method::POST, t, path, Some(body)).await;
    let st = r.status().as_u16();
    let text = r.text().await.unwrap();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn patch(s: &Sim, t: &str, path: &str, body: Value) -> (u16, Value) {
    let r = s.call(Method::PATCH, t, path, Some(body)).await;
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn send_mail_parameter_names_ignore_case() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let to = json!([{"emailAddress": {"address": "ops@example.com"}}]);
    let (st, b) = post(
        &s,
        &t,
        "/users/a@contoso.com/sendMail",
        json!({"Message": {"Subject": "sdk", "ToRecipients": to}, "SaveToSentItems": false}),
    )
    .await;
    assert_eq!(st, 202, "{b}");
    let (_, b) = s
        .get(&t, "/users/a@contoso.com/mailFolders/sentitems/messages")
        .await;
    assert_eq!(
        b["value"].as_array().unwrap().len(),
        0,
        "SaveToSentItems=false"
    );
    let (st, _) = post(
        &s,
        &t,
        "/users/a@contoso.com/sendMail",
        json!({"message": {"subject": "kept", "toRecipients": to}}),
    )
    .await;
    assert_eq!(st, 202);
    let (_, b) = s
        .get(&t, "/users/a@contoso.com/mailFolders/sentitems/messages")
        .await;
    assert_eq!(b["value"][0]["subject"], "kept", "saved by default");
    let st = s.stats().await;
    assert_eq!(st.mails_sent, 2);
    assert_eq!(st.sent_mail[0].to, ["ops@example.com"]);
}

#[tokio::test]
async fn folders_listed_and_addressed_by_their_ids() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = s.get(&t, "/users/a@contoso.com/mailFolders").await;
    assert_eq!(st, 200, "{b}");
    let folders = b["value"].as_array().unwrap();
    let inbox = folders
        .iter()
        .find(|f| f["displayName"] == "Inbox")
        .unwrap();
    assert_eq!(inbox["totalItemCount"], 3);
    assert_eq!(inbox["unreadItemCount"], 2);
    assert!(folders.iter().any(|f| f["displayName"] == "Sent Items"));
    let id = inbox["id"].as_str().unwrap();
    let (st, b) = s
        .get(&t, &format!("/users/a@contoso.com/mailFolders/{id}"))
        .await;
    assert_eq!((st, b["displayName"].as_str()), (200, Some("Inbox")));
    let (_, b) = s
        .get(
            &t,
            &format!("/users/a@contoso.com/mailFolders/{id}/messages"),
        )
        .await;
    assert_eq!(b["value"].as_array().unwrap().len(), 3);
    let (st, b) = s
        .get(&t, "/users/a@contoso.com/mailFolders/AQMkADnope")
        .await;
    assert_eq!(st, 404);
    graph_error(&b, "ErrorItemNotFound");
}

#[tokio::test]
async fn draft_edited_attached_sent() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, d) = post(
        &s,
        &t,
        "/users/s@contoso.com/messages",
        json!({"subject": "draft"}),
    )
    .await;
    assert_eq!(st, 201);
    let id = d["id"].as_str().unwrap().to_string();
    let path = format!("/users/s@contoso.com/messages/{id}");
    let (st, _) = post(&s, &t, &format!("{path}/send"), json!({})).await;
    assert_eq!(st, 400, "no recipients yet");
    let (st, b) = patch(
        &s,
        &t,
        &path,
        json!({"subject": "ready", "toRecipients": [{"emailAddress": {"address": "c@example.com"}}]}),
    )
    .await;
    assert_eq!((st, b["subject"].as_str()), (200, Some("ready")), "{b}");
    let (st, b) = patch(&s, &t, &path, json!({"nope": 1})).await;
    assert_eq!(st, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("'nope'"));
    let content = STANDARD.encode(b"hello attachment");
    let (st, a) = post(
        &s,
        &t,
        &format!("{path}/attachments"),
        json!({"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt",
            "contentType": "text/plain", "contentBytes": content}),
    )
    .await;
    assert_eq!((st, a["size"].as_u64()), (201, Some(16)), "{a}");
    let (_, m) = s.get(&t, &path).await;
    assert_eq!(m["hasAttachments"], true);
    let (st, _) = post(&s, &t, &format!("{path}/send"), json!({})).await;
    assert_eq!(st, 202);
    assert_eq!(s.get(&t, &path).await.0, 404, "the draft is gone");
    let (_, b) = s
        .get(&t, "/users/s@contoso.com/mailFolders/sentitems/messages")
        .await;
    let sent = &b["value"][0];
    assert_eq!(
        (sent["subject"].as_str(), sent["isDraft"].as_bool()),
        (Some("ready"), Some(false))
    );
    let (_, b) = s
        .get(
            &t,
            &format!(
                "/users/s@contoso.com/messages/{}/attachments",
                sent["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(b["value"][0]["contentBytes"], content);
    let st = s.stats().await;
    assert_eq!((st.mails_sent, st.drafts_outstanding), (1, 0));
    // a received message cannot be sent again, nor its subject changed
    let (_, inbox) = s
        .get(&t, "/users/s@contoso.com/mailFolders/inbox/messages")
        .await;
    let seeded = inbox["value"][0]["id"].as_str().unwrap();
    let p = format!("/users/s@contoso.com/messages/{seeded}");
    let (st, b) = patch(&s, &t, &p, json!({"subject": "x"})).await;
    assert_eq!(st, 400);
    graph_error(&b, "ErrorInvalidPropertyUpdateSentMessage");
    let (st, b) = patch(&s, &t, &p, json!({"isRead": true})).await;
    assert_eq!((st, b["isRead"].as_bool()), (200, Some(true)));
}

#[tokio::test]
async fn move_and_reply() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (_, inbox) = s
        .get(&t, "/users/a@contoso.com/mailFolders/inbox/messages")
        .await;
    let first = &inbox["value"][0];
    let id = first["id"].as_str().unwrap();
    let (st, _) = post(
        &s,
        &t,
        &format!("/users/a@contoso.com/messages/{id}/reply"),
        json!({"Comment": "Thanks!"}),
    )
    .await;
    assert_eq!(st, 202);
    let last = s.stats().await.sent_mail.pop().unwrap();
    assert_eq!(
        last.to,
        [first["from"]["emailAddress"]["address"].as_str().unwrap()]
    );
    assert_eq!(
        last.subject,
        format!("RE: {}", first["subject"].as_str().unwrap())
    );
    let (st, moved) = post(
        &s,
        &t,
        &format!("/users/a@contoso.com/messages/{id}/move"),
        json!({"DestinationId": "archive"}),
    )
    .await;
    assert_eq!(st, 201, "{moved}");
    assert_ne!(moved["id"], json!(id), "a moved message gets a new id");
    let (_, archive) = s.get(&t, "/users/a@contoso.com/mailFolders/archive").await;
    assert_eq!(moved["parentFolderId"], archive["id"]);
    assert_eq!(archive["totalItemCount"], 1);
    let (st, b) = s
        .get(&t, &format!("/users/a@contoso.com/messages/{id}"))
        .await;
    assert_eq!(st, 404);
    graph_error(&b, "ErrorItemNotFound");
}

#[tokio::test]
async fn unknown_ids_and_segments() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let m = "/users/a@contoso.com/messages/AAMkADbogus";
    for (method, path) in [
        (Method::GET, m.to_string()),
        (Method::PATCH, m.to_string()),
        (Method::DELETE, m.to_string()),
        (Method::POST, format!("{m}/send")),
        (Method::POST, format!("{m}/move")),
        (Method::POST, format!("{m}/reply")),
        (Method::GET, format!("{m}/attachments")),
        (Method::POST, format!("{m}/attachments")),
        (Method::GET, format!("{m}/attachments/x")),
        (Method::POST, format!("{m}/attachments/createUploadSession")),
    ] {
        let r = s.call(method.clone(), &t, &path, Some(json!({}))).await;
        assert_eq!(r.status(), 404, "{method} {path}");
        let b: Value = r.json().await.unwrap();
        graph_error(&b, "ErrorItemNotFound");
    }
    let (st, b) = s.get(&t, &format!("{m}/bogusSegment")).await;
    assert_eq!(st, 400);
    assert_eq!(
        b["error"]["message"],
        "Resource not found for the segment 'bogusSegment'."
    );
}

#[tokio::test]
async fn upload_session_protocol() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (_, d) = post(
        &s,
        &t,
        "/users/a@contoso.com/messages",
        json!({"subject": "big"}),
    )
    .await;
    let mpath = format!(
        "/users/a@contoso.com/messages/{}",
        d["id"].as_str().unwrap()
    );
    let session = format!("{mpath}/attachments/createUploadSession");
    let item = |size: usize| json!({"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": size}});
    let (st, b) = post(&s, &t, &session, item(1024)).await;
    assert_eq!(st, 400);
    graph_error(&b, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize");
    let data: Vec<u8> = (0..3_500_000u32).map(|i| (i % 251) as u8).collect();
    let (st, b) = post(&s, &t, &session, item(data.len())).await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(b["nextExpectedRanges"], json!(["0-"]));
    let url = b["uploadUrl"].as_str().unwrap().to_string();
    let put = |from: usize, to: usize, url: String| {
        let chunk = data[from..=to].to_vec();
        let c = s.c.clone();
        let total = data.len();
        async move {
            c.put(url)
                .header("Content-Range", format!("bytes {from}-{to}/{total}"))
                .header("Content-Type", "application/octet-stream")
                .body(chunk)
                .send()
                .await
                .unwrap()
        }
    };
    let bad = url.replace("authtoken=", "authtoken=x");
    assert_eq!(put(0, 9, bad).await.status(), 401);
    // A chunk over 2 MiB (up to 4 MB is allowed) is taken whole.
    let r = put(0, 2_999_999, url.clone()).await;
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["nextExpectedRanges"], json!(["3000000"]));
    assert!(b["ExpirationDateTime"].is_string());
    assert_eq!(put(0, 9, url.clone()).await.status(), 416, "out of order");
    let r = put(3_000_000, data.len() - 1, url.clone()).await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("/Attachments('"), "{location}");
    assert!(r.bytes().await.unwrap().is_empty());
    let (_, b) = s.get(&t, &format!("{mpath}/attachments")).await;
    let a = &b["value"][0];
    assert_eq!(a["size"], data.len());
    assert_eq!(
        STANDARD
            .decode(a["contentBytes"].as_str().unwrap())
            .unwrap(),
        data
    );
    assert!(location.contains(a["id"].as_str().unwrap()));
}

#[tokio::test]
async fn mailbox_settings_patch_merges_and_answers_with_what_changed() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let p = "/users/a@contoso.com/mailboxSettings";
    let (st, b) = patch(
        &s,
        &t,
        p,
        json!({"automaticRepliesSetting": {"status": "alwaysEnabled", "internalReplyMessage": "Away"}}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let ars = &b["automaticRepliesSetting"];
    assert_eq!(ars["status"], "alwaysEnabled");
    assert_eq!(
        ars["externalAudience"], "all",
        "nested values not named are kept"
    );
    assert!(b.get("timeZone").is_none(), "only what changed: {b}");
    let (st, b) = patch(
        &s,
        &t,
        p,
        json!({"workingHours": {"timeZone": {"name": "W. Europe Standard Time"}}}),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(b["workingHours"]["startTime"], "08:00:00.0000000");
    let (_, all) = s.get(&t, p).await;
    assert_eq!(
        all["automaticRepliesSetting"]["internalReplyMessage"],
        "Away"
    );
    assert_eq!(
        all["workingHours"]["timeZone"]["name"],
        "W. Europe Standard Time"
    );
    let (st, b) = patch(&s, &t, p, json!({"nope": 1})).await;
    assert_eq!(st, 400, "{b}");
}
