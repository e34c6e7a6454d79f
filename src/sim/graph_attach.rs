//! Message attachments: list, add (file attachments under 3 MB), get, delete, and
//! `createUploadSession` for 3 MB to 150 MB (the PUTs are served by `upload.rs`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::graph_dispatch::Input;
use super::graph_mail::{context, json_object, not_found, param};
use super::graph_reply::GraphReply;
use super::graph_routes::{Kind, Route};
use super::mailstore::UploadSession;
use super::scenario::Mailbox;
use super::state::{SimState, lock};

/// Smallest file an upload session accepts; larger files cannot be POSTed (3 MB).
pub(crate) const MIN_SESSION_BYTES: usize = 3 * 1024 * 1024;
/// Largest attachment (150 MB).
pub(crate) const MAX_ATTACHMENT_BYTES: usize = 150 * 1024 * 1024;
/// How long an upload URL stays valid.
const SESSION_LIFETIME_S: i64 = 15 * 60;

/// Serves an attachment route (the message exists).
pub(crate) fn handle(st: &SimState, m: &Mailbox, route: &Route, input: &Input) -> GraphReply {
    match &route.kind {
        Kind::ListAttachments(id) => {
            let list = lock(&st.store).attachments(m, id);
            let ctx = context(st, m, &format!("/messages('{id}')/attachments"));
            GraphReply::json(200, json!({ "@odata.context": ctx, "value": list }))
        }
        Kind::GetAttachment(id, aid) => {
            let found = lock(&st.store)
                .attachments(m, id)
                .into_iter()
                .find(|a| a["id"] == json!(aid));
            match found {
                Some(mut a) => {
                    let ctx = format!("/messages('{id}')/attachments/$entity");
                    a["@odata.context"] = json!(context(st, m, &ctx));
                    GraphReply::json(200, a)
                }
                None => not_found(),
            }
        }
        Kind::DeleteAttachment(id, aid) => {
            if lock(&st.store).remove_attachment(m, id, aid) {
                GraphReply::empty(204)
            } else {
                not_found()
            }
        }
        Kind::AddAttachment(id) => add(st, m, id, input),
        Kind::CreateUploadSession(id) => create_session(st, m, id, input),
        _ => GraphReply::error(400, "BadRequest", "Unsupported request."),
    }
}

fn add(st: &SimState, m: &Mailbox, id: &str, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let kind = param(&body, "@odata.type")
        .and_then(Value::as_str)
        .unwrap_or("#microsoft.graph.fileAttachment");
    if !kind.eq_ignore_ascii_case("#microsoft.graph.fileAttachment") {
        return GraphReply::error(
            400,
            "BadRequest",
            format!("Attachments of type '{kind}' are not supported by the simulated tenant."),
        );
    }
    let Some(name) = param(&body, "name").and_then(Value::as_str) else {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            "The 'name' property is missing.",
        );
    };
    let bytes = param(&body, "contentBytes")
        .and_then(Value::as_str)
        .map(|b| STANDARD.decode(b.trim()));
    let size = match bytes {
        Some(Ok(b)) => b.len(),
        Some(Err(_)) => {
            return GraphReply::error(
                400,
                "ErrorInvalidRequest",
                "The 'contentBytes' property is not valid base64.",
            );
        }
        None => {
            return GraphReply::error(
                400,
                "ErrorInvalidRequest",
                "The 'contentBytes' property is missing.",
            );
        }
    };
    let att = json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": name,
        "contentType": param(&body, "contentType").cloned().unwrap_or(json!("application/octet-stream")),
        "isInline": param(&body, "isInline").and_then(Value::as_bool).unwrap_or(false),
        "contentId": param(&body, "contentId").cloned().unwrap_or(Value::Null),
        "size": size,
        "contentBytes": param(&body, "contentBytes").cloned().unwrap_or(Value::Null),
    });
    let mut a = lock(&st.store).add_attachment(m, id, att);
    a["@odata.context"] = json!(context(
        st,
        m,
        &format!("/messages('{id}')/attachments/$entity")
    ));
    GraphReply::json(201, a)
}

fn create_session(st: &SimState, m: &Mailbox, id: &str, input: &Input) -> GraphReply {
    let body = match json_object(input) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(item) = param(&body, "attachmentItem").and_then(Value::as_object) else {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            "The 'AttachmentItem' parameter is missing.",
        );
    };
    let kind = param(item, "attachmentType")
        .and_then(Value::as_str)
        .unwrap_or("file");
    if !kind.eq_ignore_ascii_case("file") {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            format!("Upload sessions are for file attachments, not '{kind}'."),
        );
    }
    let (Some(name), Some(size)) = (
        param(item, "name").and_then(Value::as_str),
        param(item, "size").and_then(Value::as_u64),
    ) else {
        return GraphReply::error(
            400,
            "ErrorInvalidRequest",
            "The attachment item needs a 'name' and a 'size'.",
        );
    };
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size < MIN_SESSION_BYTES {
        return GraphReply::error(
            400,
            "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
            "Attachment size must be greater than the minimum size.",
        );
    }
    if size > MAX_ATTACHMENT_BYTES {
        return GraphReply::error(
            400,
            "ErrorAttachmentSizeLimitExceeded",
            "The attachment is larger than 150 MB.",
        );
    }
    let sid = format!(
        "{id}{}",
        URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
    );
    let token = URL_SAFE_NO_PAD.encode(
        [
            uuid::Uuid::new_v4().as_bytes().as_slice(),
            uuid::Uuid::new_v4().as_bytes().as_slice(),
        ]
        .concat(),
    );
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(SESSION_LIFETIME_S);
    let url = format!(
        "{}/api/v2.0/Users('{}@{}')/Messages('{id}')/AttachmentSessions('{sid}')?authtoken={token}",
        st.graph, m.id, st.scenario.tenant_id
    );
    let session = UploadSession {
        mailbox: m.clone(),
        message: id.to_string(),
        name: name.to_string(),
        content_type: param(item, "contentType")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream")
            .to_string(),
        is_inline: param(item, "isInline")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        size,
        token,
        data: Vec::new(),
        expires,
    };
    lock(&st.store).sessions.insert(sid, session);
    GraphReply::json(
        201,
        json!({
            "@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.uploadSession", st.graph),
            "uploadUrl": url,
            "expirationDateTime": expiry_text(expires),
            "nextExpectedRanges": ["0-"],
        }),
    )
}

/// `2026-10-01T08:01:00.0000000Z`.
pub(crate) fn expiry_text(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z"
    );
    t.format(&f).unwrap_or_default()
}
