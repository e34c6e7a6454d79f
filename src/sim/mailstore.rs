//! Mailbox contents: seeded inbox messages (generated on demand), what clients changed (drafts,
//! sent copies, moves, edits, deletions), attachments, mailbox settings, upload sessions.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use serde_json::{Map, Value, json};

use super::scenario::{Mailbox, MailboxKind};

/// Well-known folders: (name in URLs, display name).
pub(crate) const WELL_KNOWN: &[(&str, &str)] = &[
    ("inbox", "Inbox"),
    ("drafts", "Drafts"),
    ("sentitems", "Sent Items"),
    ("deleteditems", "Deleted Items"),
    ("archive", "Archive"),
    ("junkemail", "Junk Email"),
    ("outbox", "Outbox"),
];

/// Sent copies kept per mailbox (older ones are dropped).
const SENT_KEPT: usize = 500;

/// Mutable state of the mailboxes touched so far.
#[derive(Default)]
pub(crate) struct MailStore {
    boxes: HashMap<String, BoxData>,
    next: u64,
    /// Attachment upload sessions by session id.
    pub(crate) sessions: HashMap<String, UploadSession>,
}

#[derive(Default)]
struct BoxData {
    /// Seeded messages edited in place.
    changed: HashMap<String, Value>,
    /// Seeded messages deleted or moved away.
    removed: HashSet<String>,
    /// Drafts, sent copies and moved messages.
    added: Vec<Value>,
    /// Attachments by message id.
    attachments: HashMap<String, Vec<Value>>,
    /// PATCHed settings (merged over the defaults).
    settings: Map<String, Value>,
}

/// An attachment upload in progress (`createUploadSession`).
#[derive(Debug, Clone)]
pub(crate) struct UploadSession {
    pub(crate) mailbox: Mailbox,
    pub(crate) message: String,
    pub(crate) name: String,
    pub(crate) content_type: String,
    pub(crate) is_inline: bool,
    pub(crate) size: usize,
    /// The `authtoken` the upload URL carries.
    pub(crate) token: String,
    pub(crate) data: Vec<u8>,
    pub(crate) expires: time::OffsetDateTime,
}

fn item_id(m: &Mailbox, tag: &str) -> String {
    format!("AAMkAD{}", URL_SAFE.encode(format!("{}:{tag}", m.id)))
}

/// Folder id of a well-known folder.
pub(crate) fn folder_id(m: &Mailbox, folder: &str) -> String {
    format!("AQMkAD{}", URL_SAFE.encode(format!("{}:{folder}", m.id)))
}

/// The well-known folder a URL segment names: its name (any case) or the id the sim gave it.
pub(crate) fn resolve_folder(m: &Mailbox, segment: &str) -> Option<&'static str> {
    WELL_KNOWN
        .iter()
        .map(|(n, _)| *n)
        .find(|n| n.eq_ignore_ascii_case(segment) || folder_id(m, n) == segment)
}

/// Now as Graph writes it (`2026-10-01T08:01:00Z`).
pub(crate) fn now_text() -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(&f)
        .unwrap_or_default()
}

fn seeded(m: &Mailbox, n: u32, domain: &str) -> Value {
    let day = 1 + (n % 28);
    let when = format!("2026-10-{day:02}T08:{:02}:00Z", n % 60);
    json!({
        "@odata.etag": format!("W/\"CQAAABYAAAA{n}\""),
        "id": item_id(m, &format!("seed{n}")),
        "createdDateTime": when, "lastModifiedDateTime": when,
        "receivedDateTime": when, "sentDateTime": when,
        "hasAttachments": false,
        "internetMessageId": format!("<seed{n}.{}@{domain}>", m.id),
        "subject": format!("Question #{n}"),
        "bodyPreview": format!("Hello, this is message {n}."),
        "importance": "normal",
        "parentFolderId": folder_id(m, "inbox"),
        "conversationId": format!("AAQkAD{}", URL_SAFE.encode(format!("conv{n}"))),
        "isRead": n.is_multiple_of(2), "isDraft": false,
        "body": { "contentType": "text", "content": format!("Hello, this is message {n}.") },
        "from": { "emailAddress": { "name": "Customer", "address": format!("customer{n}@example.com") } },
        "toRecipients": [{ "emailAddress": { "name": m.display_name, "address": m.address } }],
        "ccRecipients": [], "bccRecipients": [], "replyTo": [], "categories": [],
        "flag": { "flagStatus": "notFlagged" },
    })
}

/// Recursive merge: objects merge key by key, anything else replaces.
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

impl MailStore {
    fn data(&mut self, m: &Mailbox) -> &mut BoxData {
        self.boxes.entry(m.address.clone()).or_default()
    }

    fn seeded_ids(m: &Mailbox) -> impl Iterator<Item = (u32, String)> + '_ {
        (1..=m.messages)
            .rev()
            .map(|n| (n, item_id(m, &format!("seed{n}"))))
    }

    /// Every message of the mailbox, all folders.
    pub(crate) fn messages(&self, m: &Mailbox, domain: &str) -> Vec<Value> {
        let data = self.boxes.get(&m.address);
        let mut out: Vec<Value> = Self::seeded_ids(m)
            .filter(|(_, id)| data.is_none_or(|d| !d.removed.contains(id)))
            .map(|(n, id)| {
                data.and_then(|d| d.changed.get(&id).cloned())
                    .unwrap_or_else(|| seeded(m, n, domain))
            })
            .collect();
        out.extend(data.into_iter().flat_map(|d| d.added.iter().cloned()));
        out
    }

    /// Messages in one well-known folder.
    pub(crate) fn in_folder(&self, m: &Mailbox, domain: &str, folder: &str) -> Vec<Value> {
        let fid = json!(folder_id(m, folder));
        self.messages(m, domain)
            .into_iter()
            .filter(|v| v["parentFolderId"] == fid)
            .collect()
    }

    /// One message by id.
    pub(crate) fn find(&self, m: &Mailbox, domain: &str, id: &str) -> Option<Value> {
        let data = self.boxes.get(&m.address);
        if let Some(v) = data.and_then(|d| d.added.iter().find(|v| v["id"] == json!(id))) {
            return Some(v.clone());
        }
        if data.is_some_and(|d| d.removed.contains(id)) {
            return None;
        }
        if let Some(v) = data.and_then(|d| d.changed.get(id)) {
            return Some(v.clone());
        }
        Self::seeded_ids(m)
            .find(|(_, sid)| sid == id)
            .map(|(n, _)| seeded(m, n, domain))
    }

    /// Changes a message in place; returns the new version.
    pub(crate) fn update(
        &mut self,
        m: &Mailbox,
        domain: &str,
        id: &str,
        change: impl FnOnce(&mut Value),
    ) -> Option<Value> {
        let current = self.find(m, domain, id)?;
        self.next += 1;
        let stamp = self.next;
        let d = self.data(m);
        let slot = match d.added.iter_mut().find(|v| v["id"] == json!(id)) {
            Some(v) => v,
            None => d.changed.entry(id.to_string()).or_insert(current),
        };
        change(slot);
        slot["lastModifiedDateTime"] = json!(now_text());
        slot["@odata.etag"] = json!(format!("W/\"CQAAABYAAAE{stamp}\""));
        Some(slot.clone())
    }

    /// Removes a message; returns it.
    pub(crate) fn remove(&mut self, m: &Mailbox, domain: &str, id: &str) -> Option<Value> {
        let found = self.find(m, domain, id)?;
        let d = self.data(m);
        if let Some(i) = d.added.iter().position(|v| v["id"] == json!(id)) {
            d.added.remove(i);
        } else {
            d.changed.remove(id);
            d.removed.insert(id.to_string());
        }
        d.attachments.remove(id);
        Some(found)
    }

    /// A fresh message id.
    pub(crate) fn new_id(&mut self, m: &Mailbox) -> String {
        self.next += 1;
        item_id(m, &format!("item{}", self.next))
    }

    /// Adds a message (its `id` and `parentFolderId` set by the caller); sent copies are capped.
    pub(crate) fn add(&mut self, m: &Mailbox, msg: Value) {
        let sent = json!(folder_id(m, "sentitems"));
        let d = self.data(m);
        let is_sent = msg["parentFolderId"] == sent;
        d.added.push(msg);
        let too_many = is_sent
            && d.added
                .iter()
                .filter(|v| v["parentFolderId"] == sent)
                .count()
                > SENT_KEPT;
        if too_many && let Some(i) = d.added.iter().position(|v| v["parentFolderId"] == sent) {
            let old = d.added.remove(i);
            if let Some(id) = old["id"].as_str() {
                d.attachments.remove(id);
            }
        }
    }

    /// Stores a draft built from the request body in `folder`; returns it.
    pub(crate) fn create_draft(
        &mut self,
        m: &Mailbox,
        body: &Map<String, Value>,
        folder: &str,
    ) -> Value {
        let id = self.new_id(m);
        let now = now_text();
        let mut msg = json!({
            "@odata.etag": format!("W/\"CQAAABYAAAD{}\"", self.next),
            "id": id,
            "createdDateTime": now, "lastModifiedDateTime": now,
            "receivedDateTime": now, "sentDateTime": Value::Null,
            "hasAttachments": false, "subject": "", "bodyPreview": "",
            "importance": "normal", "parentFolderId": folder_id(m, folder),
            "isRead": true, "isDraft": true,
            "body": { "contentType": "text", "content": "" },
            "from": Value::Null, "sender": Value::Null, "toRecipients": [], "ccRecipients": [],
            "bccRecipients": [], "replyTo": [], "categories": [],
            "flag": { "flagStatus": "notFlagged" },
        });
        let mut attachments = Vec::new();
        for (k, v) in body {
            if k.eq_ignore_ascii_case("attachments") {
                attachments.extend(v.as_array().into_iter().flatten().cloned());
            } else if !k.starts_with('@') && k != "id" {
                msg[k] = v.clone();
            }
        }
        set_preview(&mut msg);
        self.add(m, msg.clone());
        for a in attachments {
            self.add_attachment(m, &id, a);
        }
        self.find(m, "", &id).unwrap_or(msg)
    }

    /// Attachments of a message.
    pub(crate) fn attachments(&self, m: &Mailbox, id: &str) -> Vec<Value> {
        self.boxes
            .get(&m.address)
            .and_then(|d| d.attachments.get(id))
            .cloned()
            .unwrap_or_default()
    }

    /// Stores an attachment (id, size and dates filled in); returns it.
    pub(crate) fn add_attachment(&mut self, m: &Mailbox, msg_id: &str, mut att: Value) -> Value {
        self.next += 1;
        let aid = format!("{}{}", msg_id, URL_SAFE.encode(format!("att{}", self.next)));
        let size = att["contentBytes"].as_str().map_or(0, |b| b.len() / 4 * 3);
        att["id"] = json!(aid);
        att["lastModifiedDateTime"] = json!(now_text());
        if att["@odata.type"].is_null() {
            att["@odata.type"] = json!("#microsoft.graph.fileAttachment");
        }
        if att["size"].as_u64().is_none() {
            att["size"] = json!(size + 200);
        }
        for (k, v) in [
            ("isInline", json!(false)),
            ("contentType", json!("application/octet-stream")),
        ] {
            if att[k].is_null() {
                att[k] = v;
            }
        }
        self.data(m)
            .attachments
            .entry(msg_id.to_string())
            .or_default()
            .push(att.clone());
        self.set_has_attachments(m, msg_id);
        att
    }

    /// Deletes an attachment; whether it existed.
    pub(crate) fn remove_attachment(&mut self, m: &Mailbox, msg_id: &str, aid: &str) -> bool {
        let list = self
            .data(m)
            .attachments
            .entry(msg_id.to_string())
            .or_default();
        let before = list.len();
        list.retain(|a| a["id"] != json!(aid));
        let removed = list.len() != before;
        self.set_has_attachments(m, msg_id);
        removed
    }

    /// Copies the attachments of one message to another (a sent copy, a moved message).
    pub(crate) fn copy_attachments(&mut self, m: &Mailbox, from: &str, to: &str) {
        let list = self.attachments(m, from);
        if !list.is_empty() {
            self.data(m).attachments.insert(to.to_string(), list);
        }
    }

    fn set_has_attachments(&mut self, m: &Mailbox, msg_id: &str) {
        let has = !self.attachments(m, msg_id).is_empty();
        let d = self.data(m);
        if let Some(v) = d.added.iter_mut().find(|v| v["id"] == json!(msg_id)) {
            v["hasAttachments"] = json!(has);
        } else if let Some(v) = d.changed.get_mut(msg_id) {
            v["hasAttachments"] = json!(has);
        }
    }

    /// Mailbox settings with any PATCHed values merged in.
    pub(crate) fn settings(&self, m: &Mailbox) -> Value {
        let purpose = if m.kind == MailboxKind::Shared {
            "shared"
        } else {
            "user"
        };
        let mut v = json!({
            "archiveFolder": folder_id(m, "archive"),
            "timeZone": "UTC",
            "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
            "dateFormat": "yyyy-MM-dd",
            "timeFormat": "HH:mm",
            "userPurpose": purpose,
            "automaticRepliesSetting": {
                "status": "disabled", "externalAudience": "all",
                "internalReplyMessage": "", "externalReplyMessage": "",
                "scheduledStartDateTime": { "dateTime": "2026-01-01T00:00:00.0000000", "timeZone": "UTC" },
                "scheduledEndDateTime": { "dateTime": "2026-01-02T00:00:00.0000000", "timeZone": "UTC" }
            },
            "language": { "locale": "en-US", "displayName": "English (United States)" },
            "workingHours": {
                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000",
                "timeZone": { "name": "UTC" }
            }
        });
        if let Some(d) = self.boxes.get(&m.address) {
            merge(&mut v, &Value::Object(d.settings.clone()));
        }
        v
    }

    /// Applies a PATCH of mailbox settings: nested objects merge, other values replace.
    pub(crate) fn patch_settings(&mut self, m: &Mailbox, patch: &Map<String, Value>) {
        let d = self.data(m);
        let mut current = Value::Object(std::mem::take(&mut d.settings));
        merge(&mut current, &Value::Object(patch.clone()));
        if let Value::Object(o) = current {
            d.settings = o;
        }
    }
}

/// `bodyPreview` from the body text (first 255 characters).
pub(crate) fn set_preview(msg: &mut Value) {
    if let Some(text) = msg["body"]["content"].as_str() {
        let preview: String = text.chars().take(255).collect();
        msg["bodyPreview"] = json!(preview);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn merge_keeps_nested_values_not_named() {
        let mut v = json!({"a": {"x": 1, "y": {"p": 1, "q": 2}}, "b": [1]});
        merge(&mut v, &json!({"a": {"y": {"q": 3}}, "b": [2]}));
        assert_eq!(v, json!({"a": {"x": 1, "y": {"p": 1, "q": 3}}, "b": [2]}));
    }
}
