//! Graph mail resources for an authorized mailbox: user, folders, messages, sendMail, settings.

use serde_json::{Map, Value, json};

use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::graph_routes::{Kind, Route};
use super::mailstore::folder_id;
use super::scenario::{Mailbox, MailboxKind};
use super::state::{SimState, lock};
use super::stats::SentMail;

/// `GET /users/{id}`.
pub(crate) fn user(st: &SimState, m: &Mailbox) -> GraphReply {
    let (given, surname) = m
        .display_name
        .split_once(' ')
        .unwrap_or((&m.display_name, ""));
    GraphReply::json(
        200,
        json!({
            "@odata.context": format!("{}/v1.0/$metadata#users/$entity", st.graph),
            "businessPhones": [], "displayName": m.display_name,
            "givenName": (m.kind != MailboxKind::Shared).then_some(given),
            "surname": (m.kind != MailboxKind::Shared && !surname.is_empty()).then_some(surname),
            "jobTitle": Value::Null, "mail": m.address, "mobilePhone": Value::Null,
            "officeLocation": Value::Null, "preferredLanguage": "en-US",
            "userPrincipalName": m.address, "id": m.id,
        }),
    )
}

/// Serves an authorized mailbox route.
pub(crate) fn handle(
    st: &SimState,
    m: &Mailbox,
    route: &Route,
    input: &Input,
    full_read: bool,
) -> GraphReply {
    match &route.kind {
        Kind::Folder(f) => folder(st, m, f),
        Kind::ListMessages(f) => list(st, m, f.as_deref(), input, full_read),
        Kind::GetMessage(id) => get_message(st, m, id, full_read),
        Kind::CreateMessage => create(st, m, input),
        Kind::DeleteMessage(id) => delete(st, m, id),
        Kind::SendMail => send(st, m, input),
        Kind::GetSettings => settings(st, m),
        Kind::PatchSettings => patch_settings(st, m, input),
        _ => GraphReply::error(400, "BadRequest", "Unsupported request."),
    }
}

fn context(st: &SimState, m: &Mailbox, what: &str) -> String {
    format!("{}/v1.0/$metadata#users('{}'){what}", st.graph, m.address)
}

fn folder(st: &SimState, m: &Mailbox, f: &str) -> GraphReply {
    let (unread, total) = if f == "inbox" {
        lock(&st.store).inbox_counts(m, st.domain())
    } else {
        (0, 0)
    };
    let name = match f {
        "inbox" => "Inbox",
        "drafts" => "Drafts",
        "sentitems" => "Sent Items",
        "deleteditems" => "Deleted Items",
        _ => "Archive",
    };
    GraphReply::json(
        200,
        json!({
            "@odata.context": context(st, m, "/mailFolders/$entity"),
            "id": folder_id(m, f), "displayName": name,
            "parentFolderId": folder_id(m, "root"), "childFolderCount": 0,
            "unreadItemCount": unread, "totalItemCount": total,
            "sizeInBytes": total * 2048, "isHidden": false,
        }),
    )
}

/// Removes what Mail.ReadBasic cannot read, then applies `$select`.
fn shape(mut v: Value, full_read: bool, select: Option<&[String]>) -> Value {
    if let Some(o) = v.as_object_mut() {
        if !full_read {
            o.remove("body");
            o.remove("bodyPreview");
        }
        if let Some(sel) = select {
            o.retain(|k, _| k == "id" || k == "@odata.etag" || sel.iter().any(|s| s == k));
        }
    }
    v
}

fn list(
    st: &SimState,
    m: &Mailbox,
    folder: Option<&str>,
    input: &Input,
    full_read: bool,
) -> GraphReply {
    let top = match input.query.get("$top").map(|t| t.parse::<usize>()) {
        None => 10,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => {
            return GraphReply::error(
                400,
                "ErrorInvalidParameter",
                "Invalid value for parameter '$top'.",
            );
        }
    };
    let skip = input
        .query
        .get("$skip")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let select: Option<Vec<String>> = input
        .query
        .get("$select")
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let all: Vec<Value> = lock(&st.store)
        .messages(m, st.domain())
        .into_iter()
        .filter(|v| match folder {
            Some("inbox") | None => folder.is_none() || v["isDraft"] == json!(false),
            Some("drafts") => v["isDraft"] == json!(true),
            Some(_) => false,
        })
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(top)
        .map(|v| shape(v.clone(), full_read, select.as_deref()))
        .collect();
    let mut body = json!({ "@odata.context": context(st, m, "/messages"), "value": page });
    if skip + top < all.len() {
        let mut next = format!(
            "{}/v1.0/users/{}/messages?$top={top}&$skip={}",
            st.graph,
            m.address,
            skip + top
        );
        if let Some(sel) = input.query.get("$select") {
            next.push_str(&format!("&$select={sel}"));
        }
        body["@odata.nextLink"] = json!(next);
    }
    GraphReply::json(200, body)
}

fn not_found() -> GraphReply {
    GraphReply::error(
        404,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn get_message(st: &SimState, m: &Mailbox, id: &str, full_read: bool) -> GraphReply {
    let found = lock(&st.store)
        .messages(m, st.domain())
        .into_iter()
        .find(|v| v["id"] == json!(id));
    match found {
        Some(mut v) => {
            v["@odata.context"] = json!(context(st, m, "/messages/$entity"));
            GraphReply::json(200, shape(v, full_read, None))
        }
        None => not_found(),
    }
}

fn json_object(input: &Input) -> Option<Map<String, Value>> {
    serde_json::from_slice::<Value>(&input.body)
        .ok()?
        .as_object()
        .cloned()
}

fn bad_body() -> GraphReply {
    GraphReply::error(
        400,
        "RequestBodyRead",
        "Cannot read the request body: it is not a JSON object.",
    )
}

fn create(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let Some(body) = json_object(input) else {
        return bad_body();
    };
    let mut draft = lock(&st.store).create_draft(m, &body);
    {
        let mut s = lock(&st.stats);
        s.drafts_created += 1;
        s.drafts_outstanding += 1;
    }
    draft["@odata.context"] = json!(context(st, m, "/messages/$entity"));
    GraphReply::json(201, draft)
}

fn delete(st: &SimState, m: &Mailbox, id: &str) -> GraphReply {
    match lock(&st.store).delete(m, id) {
        Some(was_draft) => {
            let mut s = lock(&st.stats);
            s.drafts_deleted += 1;
            if was_draft {
                s.drafts_outstanding = s.drafts_outstanding.saturating_sub(1);
            }
            GraphReply::empty(204)
        }
        None => not_found(),
    }
}

fn addresses(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["emailAddress"]["address"].as_str().map(String::from))
        .collect()
}

fn send(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let is_mime = input
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("text/plain"));
    let record = if is_mime {
        use base64::Engine;
        let text = String::from_utf8_lossy(&input.body).replace(['\r', '\n'], "");
        let Ok(mime) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
            return GraphReply::error(
                400,
                "ErrorMimeContentInvalidBase64String",
                "Invalid base64 string for MIME content.",
            );
        };
        let mime = String::from_utf8_lossy(&mime).into_owned();
        let header = |name: &str| {
            mime.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        SentMail {
            from: m.address.clone(),
            to: vec![header("To:")],
            subject: header("Subject:"),
        }
    } else {
        let Some(body) = json_object(input) else {
            return bad_body();
        };
        let Some(msg) = body.get("message").filter(|v| v.is_object()) else {
            return GraphReply::error(
                400,
                "ErrorInvalidRequest",
                "The 'message' parameter is missing.",
            );
        };
        let to = addresses(&msg["toRecipients"]);
        if to.is_empty()
            && addresses(&msg["ccRecipients"]).is_empty()
            && addresses(&msg["bccRecipients"]).is_empty()
        {
            return GraphReply::error(
                400,
                "ErrorInvalidRecipients",
                "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
            );
        }
        let subject = msg["subject"].as_str().unwrap_or_default().to_string();
        SentMail {
            from: m.address.clone(),
            to,
            subject,
        }
    };
    lock(&st.stats).note_sent(record);
    GraphReply::empty(202)
}

fn settings(st: &SimState, m: &Mailbox) -> GraphReply {
    let mut v = lock(&st.store).settings(m);
    v["@odata.context"] = json!(context(st, m, "/mailboxSettings"));
    GraphReply::json(200, v)
}

fn patch_settings(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let Some(body) = json_object(input) else {
        return bad_body();
    };
    lock(&st.store).patch_settings(m, &body);
    settings(st, m)
}
