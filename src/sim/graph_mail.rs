//! Graph mail resources for an authorized mailbox: the dispatcher, user, folders, settings.
//! Messages are in `graph_messages.rs`, attachments in `graph_attach.rs`.

use serde_json::{Map, Value, json};

use super::graph_dispatch::Input;
use super::graph_query::{self, ListQuery};
use super::graph_reply::GraphReply;
use super::graph_routes::{Kind, Route};
use super::mailstore::{WELL_KNOWN, folder_id, resolve_folder};
use super::scenario::{Mailbox, MailboxKind};
use super::state::{SimState, lock};
use super::{graph_attach, graph_messages};

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
    if let Some(id) = route.message_id()
        && lock(&st.store).find(m, st.domain(), id).is_none()
    {
        return not_found();
    }
    match &route.kind {
        Kind::ListFolders => list_folders(st, m, input),
        Kind::Folder(f) => match resolve_folder(m, f) {
            Some(f) => folder(st, m, f),
            None => not_found(),
        },
        Kind::GetSettings => settings(st, m),
        Kind::PatchSettings => patch_settings(st, m, input),
        Kind::ListAttachments(_)
        | Kind::AddAttachment(_)
        | Kind::GetAttachment(..)
        | Kind::DeleteAttachment(..)
        | Kind::CreateUploadSession(_) => graph_attach::handle(st, m, route, input),
        _ => graph_messages::handle(st, m, route, input, full_read),
    }
}

/// `@odata.context` under this user.
pub(crate) fn context(st: &SimState, m: &Mailbox, what: &str) -> String {
    format!("{}/v1.0/$metadata#users('{}'){what}", st.graph, m.address)
}

/// 404 ErrorItemNotFound: an id the mailbox does not have.
pub(crate) fn not_found() -> GraphReply {
    GraphReply::error(
        404,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

/// The request body as a JSON object, or Graph's 400.
pub(crate) fn json_object(input: &Input) -> Result<Map<String, Value>, GraphReply> {
    serde_json::from_slice::<Value>(&input.body)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .ok_or_else(|| {
            GraphReply::error(
                400,
                "RequestBodyRead",
                "Cannot read the request body: it is not a JSON object.",
            )
        })
}

/// An action parameter by name, without regard to case (`Message` = `message`).
pub(crate) fn param<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn folder_json(st: &SimState, m: &Mailbox, f: &str) -> Value {
    let msgs = lock(&st.store).in_folder(m, st.domain(), f);
    let unread = msgs.iter().filter(|v| v["isRead"] == json!(false)).count();
    let name = WELL_KNOWN
        .iter()
        .find(|(n, _)| *n == f)
        .map_or("Folder", |(_, d)| *d);
    json!({
        "id": folder_id(m, f), "displayName": name,
        "parentFolderId": folder_id(m, "msgfolderroot"), "childFolderCount": 0,
        "unreadItemCount": unread, "totalItemCount": msgs.len(),
        "sizeInBytes": msgs.len() * 2048, "isHidden": false,
    })
}

fn folder(st: &SimState, m: &Mailbox, f: &str) -> GraphReply {
    let mut v = folder_json(st, m, f);
    v["@odata.context"] = json!(context(st, m, "/mailFolders/$entity"));
    GraphReply::json(200, v)
}

fn list_folders(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let c = &graph_query::FOLDERS;
    let q = match ListQuery::parse(&input.query, input.prefer.as_deref(), c) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let all: Vec<Value> = WELL_KNOWN
        .iter()
        .map(|(f, _)| folder_json(st, m, f))
        .collect();
    paged(st, &q, all, c, context(st, m, "/mailFolders"), input)
}

/// A collection reply: filtered, ordered, paged, with nextLink and `Preference-Applied`.
pub(crate) fn paged(
    st: &SimState,
    q: &ListQuery,
    items: Vec<Value>,
    c: &graph_query::Collection,
    context: String,
    input: &Input,
) -> GraphReply {
    let (page, total, more) = q.apply(items, c);
    let base = format!("{}/v1.0{}", st.graph, input.path);
    let body = q.body(context, page, total, more, &base, &input.query);
    let reply = GraphReply::json(200, body);
    match q.max_page_applied {
        Some(n) => reply.header("preference-applied", format!("odata.maxpagesize={n}")),
        None => reply,
    }
}

fn settings(st: &SimState, m: &Mailbox) -> GraphReply {
    let mut v = lock(&st.store).settings(m);
    v["@odata.context"] = json!(context(st, m, "/mailboxSettings"));
    GraphReply::json(200, v)
}

/// Writable mailboxSettings properties.
const SETTINGS: &[&str] = &[
    "automaticRepliesSetting",
    "dateFormat",
    "delegateMeetingMessageDeliveryOptions",
    "language",
    "timeFormat",
    "timeZone",
    "workingHours",
    "archiveFolder",
];

/// PATCH mailboxSettings: nested objects merge; the answer holds the properties that were
/// updated (their whole new values), as Graph documents.
fn patch_settings(st: &SimState, m: &Mailbox, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let patch: Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| !k.starts_with('@'))
        .collect();
    if let Some(k) = patch.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return GraphReply::error(
            400,
            "BadRequest",
            format!(
                "The property '{k}' does not exist on type 'microsoft.graph.mailboxSettings'. Make sure to only use property names that are defined by the type or mark the type as open type."
            ),
        );
    }
    let merged = {
        let mut store = lock(&st.store);
        store.patch_settings(m, &patch);
        store.settings(m)
    };
    let mut out = json!({ "@odata.context": context(st, m, "/mailboxSettings") });
    for k in patch.keys() {
        out[k] = merged[k].clone();
    }
    GraphReply::json(200, out)
}

/// Removes what Mail.ReadBasic cannot read.
pub(crate) fn shape(mut v: Value, full_read: bool) -> Value {
    if let (false, Some(o)) = (full_read, v.as_object_mut()) {
        o.remove("body");
        o.remove("bodyPreview");
        o.remove("uniqueBody");
    }
    v
}
