//! Messages: list (query options), get, create (drafts), PATCH, delete, send a draft, move,
//! reply, and `sendMail`. Action parameter names match without regard to case (msgraph-sdk
//! sends `Message` / `SaveToSentItems`, the names in Graph's metadata).

use serde_json::{Map, Value, json};

use super::graph_dispatch::Input;
use super::graph_mail::{context, json_object, not_found, paged, param, shape};
use super::graph_query::{self, ListQuery, MESSAGE_PROPERTIES};
use super::graph_reply::GraphReply;
use super::graph_routes::{Kind, Route};
use super::mailstore::{folder_id, now_text, resolve_folder, set_preview};
use super::scenario::Mailbox;
use super::state::{SimState, lock};
use super::stats::SentMail;

/// Serves a message route (the message id, if any, exists).
pub(crate) fn handle(
    st: &SimState,
    m: &Mailbox,
    route: &Route,
    input: &Input,
    full_read: bool,
) -> GraphReply {
    let folder = |f: &Option<String>| match f {
        None => Ok(None),
        Some(f) => resolve_folder(m, f).map(Some).ok_or_else(not_found),
    };
    let result = match &route.kind {
        Kind::ListMessages(f) => folder(f).map(|f| list(st, m, f, input, full_read)),
        Kind::CreateMessage(f) => folder(f).map(|f| create(st, m, f.unwrap_or("drafts"), input)),
        Kind::GetMessage(id) => Ok(get(st, m, id, full_read)),
        Kind::PatchMessage(id) => Ok(patch(st, m, id, input)),
        Kind::DeleteMessage(id) => Ok(delete(st, m, id)),
        Kind::SendDraft(id) => Ok(send_draft(st, m, id)),
        Kind::Move(id) => Ok(move_to(st, m, id, input)),
        Kind::Reply(id) => Ok(reply(st, m, id, input)),
        Kind::SendMail => Ok(send_mail(st, m, input)),
        _ => Ok(GraphReply::error(400, "BadRequest", "Unsupported request.")),
    };
    result.unwrap_or_else(|e| e)
}

fn list(
    st: &SimState,
    m: &Mailbox,
    folder: Option<&str>,
    input: &Input,
    full_read: bool,
) -> GraphReply {
    let c = &graph_query::MESSAGES;
    let q = match ListQuery::parse(&input.query, input.prefer.as_deref(), c) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let all: Vec<Value> = {
        let store = lock(&st.store);
        let msgs = match folder {
            Some(f) => store.in_folder(m, st.domain(), f),
            None => store.messages(m, st.domain()),
        };
        msgs.into_iter()
            .map(|mut v| {
                if q.expand_attachments {
                    let id = v["id"].as_str().unwrap_or_default().to_string();
                    v["attachments"] = json!(store.attachments(m, &id));
                }
                shape(v, full_read)
            })
            .collect()
    };
    let ctx = match folder {
        Some(f) => context(st, m, &format!("/mailFolders('{f}')/messages")),
        None => context(st, m, "/messages"),
    };
    paged(st, &q, all, c, ctx, input)
}

fn entity(st: &SimState, m: &Mailbox, mut v: Value) -> Value {
    v["@odata.context"] = json!(context(st, m, "/messages/$entity"));
    v
}

fn get(st: &SimState, m: &Mailbox, id: &str, full_read: bool) -> GraphReply {
    match lock(&st.store).find(m, st.domain(), id) {
        Some(v) => GraphReply::json(200, shape(entity(st, m, v), full_read)),
        None => not_found(),
    }
}

fn create(st: &SimState, m: &Mailbox, folder: &str, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Some(e) = unknown_property(&body) {
        return e;
    }
    let Value::Object(body) = canonical(&Value::Object(body)) else {
        return GraphReply::error(400, "BadRequest", "Unsupported request.");
    };
    let draft = lock(&st.store).create_draft(m, &body, folder);
    {
        let mut s = lock(&st.stats);
        s.drafts_created += 1;
        s.drafts_outstanding += 1;
    }
    GraphReply::json(201, entity(st, m, draft))
}

/// A message object with its property names spelled as Graph's metadata does (`ToRecipients`
/// is `toRecipients`); unknown names stay as sent.
fn canonical(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return v.clone();
    };
    let map: Map<String, Value> = o
        .iter()
        .map(|(k, val)| {
            let name = MESSAGE_PROPERTIES
                .iter()
                .find(|p| p.eq_ignore_ascii_case(k))
                .map_or_else(|| k.clone(), |p| (*p).to_string());
            (name, val.clone())
        })
        .collect();
    Value::Object(map)
}

fn unknown_property(body: &Map<String, Value>) -> Option<GraphReply> {
    let k = body.keys().find(|k| {
        !k.starts_with('@') && !MESSAGE_PROPERTIES.iter().any(|p| p.eq_ignore_ascii_case(k))
    })?;
    Some(GraphReply::error(
        400,
        "BadRequest",
        format!(
            "The property '{k}' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type."
        ),
    ))
}

/// Properties only a draft may change.
const DRAFT_ONLY: &[&str] = &[
    "subject",
    "body",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "from",
    "sender",
    "internetMessageId",
];

/// Read-only properties: accepted and left as they are.
const READ_ONLY: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "hasAttachments",
    "parentFolderId",
    "conversationId",
    "conversationIndex",
    "isDraft",
    "webLink",
    "bodyPreview",
    "receivedDateTime",
    "sentDateTime",
    "attachments",
];

fn patch(st: &SimState, m: &Mailbox, id: &str, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Some(e) = unknown_property(&body) {
        return e;
    }
    let mut store = lock(&st.store);
    let is_draft = store
        .find(m, st.domain(), id)
        .is_some_and(|v| v["isDraft"] == json!(true));
    let canonical = |k: &str| {
        MESSAGE_PROPERTIES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(k))
            .copied()
    };
    if !is_draft
        && body
            .keys()
            .filter_map(|k| canonical(k))
            .any(|k| DRAFT_ONLY.contains(&k))
    {
        return GraphReply::error(
            400,
            "ErrorInvalidPropertyUpdateSentMessage",
            "Update operation is invalid for property of a sent message.",
        );
    }
    let updated = store.update(m, st.domain(), id, |v| {
        for (k, val) in &body {
            match canonical(k) {
                Some(p) if !READ_ONLY.contains(&p) => v[p] = val.clone(),
                _ => {}
            }
        }
        set_preview(v);
    });
    drop(store);
    match updated {
        Some(v) => GraphReply::json(200, entity(st, m, v)),
        None => not_found(),
    }
}

fn delete(st: &SimState, m: &Mailbox, id: &str) -> GraphReply {
    match lock(&st.store).remove(m, st.domain(), id) {
        Some(v) => {
            let mut s = lock(&st.stats);
            s.drafts_deleted += 1;
            if v["isDraft"] == json!(true) {
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

fn no_recipients() -> GraphReply {
    GraphReply::error(
        400,
        "ErrorInvalidRecipients",
        "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    )
}

fn has_recipients(msg: &Value) -> bool {
    ["toRecipients", "ccRecipients", "bccRecipients"]
        .iter()
        .any(|k| !addresses(&msg[*k]).is_empty())
}

/// Records a sent mail and, when asked, keeps a copy in Sent Items (attachments included).
fn sent(st: &SimState, m: &Mailbox, msg: &Value, source_id: Option<&str>, save: bool) {
    let record = SentMail {
        from: m.address.clone(),
        to: addresses(&msg["toRecipients"]),
        subject: msg["subject"].as_str().unwrap_or_default().to_string(),
    };
    lock(&st.stats).note_sent(record);
    if !save {
        return;
    }
    let mut store = lock(&st.store);
    let id = store.new_id(m);
    let now = now_text();
    let mut copy = msg.clone();
    if let Some(o) = copy.as_object_mut() {
        o.remove("@odata.context");
        o.remove("attachments");
    }
    for (k, v) in [
        ("id", json!(id)),
        ("parentFolderId", json!(folder_id(m, "sentitems"))),
        ("isDraft", json!(false)),
        ("isRead", json!(true)),
        ("sentDateTime", json!(now)),
        ("receivedDateTime", json!(now)),
        ("lastModifiedDateTime", json!(now)),
        (
            "from",
            json!({ "emailAddress": { "name": m.display_name, "address": m.address } }),
        ),
    ] {
        copy[k] = v;
    }
    if copy.get("createdDateTime").is_none_or(Value::is_null) {
        copy["createdDateTime"] = json!(now);
    }
    set_preview(&mut copy);
    store.add(m, copy);
    if let Some(src) = source_id {
        store.copy_attachments(m, src, &id);
    }
    for a in msg["attachments"].as_array().into_iter().flatten() {
        store.add_attachment(m, &id, a.clone());
    }
}

/// `POST /messages/{id}/send`: sends a draft (202); the draft becomes a Sent Items copy.
fn send_draft(st: &SimState, m: &Mailbox, id: &str) -> GraphReply {
    let Some(draft) = lock(&st.store).find(m, st.domain(), id) else {
        return not_found();
    };
    if draft["isDraft"] != json!(true) {
        // [U] the code Exchange gives for sending an item that is not a draft.
        return GraphReply::error(
            400,
            "ErrorInvalidOperation",
            "The item is not a draft and cannot be sent.",
        );
    }
    if !has_recipients(&draft) {
        return no_recipients();
    }
    sent(st, m, &draft, Some(id), true);
    lock(&st.store).remove(m, st.domain(), id);
    let mut s = lock(&st.stats);
    s.drafts_outstanding = s.drafts_outstanding.saturating_sub(1);
    GraphReply::empty(202)
}

/// `POST /messages/{id}/move` `{destinationId}`: 201 with the moved message (a new id).
fn move_to(st: &SimState, m: &Mailbox, id: &str, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(dest) = param(&body, "destinationId").and_then(Value::as_str) else {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            "The 'destinationId' parameter is missing.",
        );
    };
    let Some(folder) = resolve_folder(m, dest) else {
        return not_found();
    };
    let mut store = lock(&st.store);
    let attachments = store.attachments(m, id);
    let Some(mut msg) = store.remove(m, st.domain(), id) else {
        return not_found();
    };
    let new_id = store.new_id(m);
    msg["id"] = json!(new_id);
    msg["parentFolderId"] = json!(folder_id(m, folder));
    msg["lastModifiedDateTime"] = json!(now_text());
    store.add(m, msg.clone());
    for a in attachments {
        store.add_attachment(m, &new_id, a);
    }
    let msg = store.find(m, st.domain(), &new_id).unwrap_or(msg);
    drop(store);
    GraphReply::json(201, entity(st, m, msg))
}

/// `POST /messages/{id}/reply` `{comment, message}`: 202; to the sender unless `message`
/// names recipients.
fn reply(st: &SimState, m: &Mailbox, id: &str, input: &Input) -> GraphReply {
    let body = if input.body.is_empty() {
        Map::new()
    } else {
        match json_object(input) {
            Ok(b) => b,
            Err(e) => return e,
        }
    };
    let Some(original) = lock(&st.store).find(m, st.domain(), id) else {
        return not_found();
    };
    let given = canonical(&param(&body, "message").cloned().unwrap_or(json!({})));
    let mut msg = json!({
        "subject": format!("RE: {}", original["subject"].as_str().unwrap_or_default()),
        "body": { "contentType": "text",
            "content": param(&body, "comment").and_then(Value::as_str).unwrap_or_default() },
        "toRecipients": if addresses(&original["replyTo"]).is_empty() {
            json!([original["from"].clone()])
        } else {
            original["replyTo"].clone()
        },
        "conversationId": original["conversationId"].clone(),
    });
    if let Some(o) = given.as_object() {
        for (k, v) in o {
            if !addresses(v).is_empty() || !k.ends_with("Recipients") {
                msg[k] = v.clone();
            }
        }
    }
    if !has_recipients(&msg) {
        return no_recipients();
    }
    sent(st, m, &msg, None, true);
    GraphReply::empty(202)
}

/// `POST /users/{id}/sendMail`: JSON `{message, saveToSentItems}` or base64 MIME (text/plain).
fn send_mail(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let is_mime = input
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("text/plain"));
    if is_mime {
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
        let msg = json!({
            "subject": header("Subject:"),
            "toRecipients": [{ "emailAddress": { "address": header("To:") } }],
        });
        sent(st, m, &msg, None, true);
        return GraphReply::empty(202);
    }
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(msg) = param(&body, "message")
        .filter(|v| v.is_object())
        .map(canonical)
    else {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            "The 'message' parameter is missing.",
        );
    };
    let msg = &msg;
    if !has_recipients(msg) {
        return no_recipients();
    }
    let save = param(&body, "saveToSentItems")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    sent(st, m, msg, None, save);
    GraphReply::empty(202)
}
