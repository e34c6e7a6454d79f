//! Mailbox contents: seeded inbox messages, drafts, deletions and mailbox settings.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use serde_json::{Map, Value, json};

use super::scenario::{Mailbox, MailboxKind};

/// Mutable state of the mailboxes touched so far.
#[derive(Default)]
pub(crate) struct MailStore {
    boxes: HashMap<String, BoxData>,
    next: u64,
}

#[derive(Default)]
struct BoxData {
    drafts: Vec<Value>,
    deleted: HashSet<String>,
    settings: Map<String, Value>,
}

fn item_id(m: &Mailbox, tag: &str) -> String {
    format!("AAMkAD{}", URL_SAFE.encode(format!("{}:{tag}", m.id)))
}

/// Folder id of a well-known folder.
pub(crate) fn folder_id(m: &Mailbox, folder: &str) -> String {
    format!("AQMkAD{}", URL_SAFE.encode(format!("{}:{folder}", m.id)))
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
    })
}

impl MailStore {
    /// Inbox messages (newest first), then drafts; deleted ones left out.
    pub(crate) fn messages(&self, m: &Mailbox, domain: &str) -> Vec<Value> {
        let data = self.boxes.get(&m.address);
        let deleted = |id: &str| data.is_some_and(|d| d.deleted.contains(id));
        let mut out: Vec<Value> = (1..=m.messages)
            .rev()
            .map(|n| seeded(m, n, domain))
            .filter(|v| !deleted(v["id"].as_str().unwrap_or_default()))
            .collect();
        out.extend(data.into_iter().flat_map(|d| d.drafts.iter().cloned()));
        out
    }

    /// Unread and total counts of the inbox.
    pub(crate) fn inbox_counts(&self, m: &Mailbox, domain: &str) -> (usize, usize) {
        let msgs: Vec<Value> = self
            .messages(m, domain)
            .into_iter()
            .filter(|v| v["isDraft"] == json!(false))
            .collect();
        let unread = msgs.iter().filter(|v| v["isRead"] == json!(false)).count();
        (unread, msgs.len())
    }

    /// Stores a draft built from the request body; returns it.
    pub(crate) fn create_draft(&mut self, m: &Mailbox, body: &Map<String, Value>) -> Value {
        self.next += 1;
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut msg = json!({
            "@odata.etag": format!("W/\"CQAAABYAAAD{}\"", self.next),
            "id": item_id(m, &format!("draft{}", self.next)),
            "createdDateTime": now, "lastModifiedDateTime": now,
            "receivedDateTime": now, "sentDateTime": Value::Null,
            "hasAttachments": false, "subject": "", "bodyPreview": "",
            "importance": "normal", "parentFolderId": folder_id(m, "drafts"),
            "isRead": true, "isDraft": true,
            "body": { "contentType": "text", "content": "" },
            "from": Value::Null, "toRecipients": [],
        });
        for (k, v) in body {
            if !k.starts_with('@') && k != "id" {
                msg[k] = v.clone();
            }
        }
        self.boxes
            .entry(m.address.clone())
            .or_default()
            .drafts
            .push(msg.clone());
        msg
    }

    /// Deletes a message; `Some(was_draft)` when it existed.
    pub(crate) fn delete(&mut self, m: &Mailbox, id: &str) -> Option<bool> {
        let data = self.boxes.entry(m.address.clone()).or_default();
        if let Some(i) = data.drafts.iter().position(|d| d["id"] == json!(id)) {
            data.drafts.remove(i);
            return Some(true);
        }
        let seeded = (1..=m.messages).any(|n| item_id(m, &format!("seed{n}")) == id);
        (seeded && data.deleted.insert(id.to_string())).then_some(false)
    }

    /// Mailbox settings with any PATCHed values applied.
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
            for (k, val) in &d.settings {
                v[k] = val.clone();
            }
        }
        v
    }

    /// Applies a PATCH of mailbox settings (top-level properties replace).
    pub(crate) fn patch_settings(&mut self, m: &Mailbox, patch: &Map<String, Value>) {
        let d = self.boxes.entry(m.address.clone()).or_default();
        for (k, v) in patch {
            d.settings.insert(k.clone(), v.clone());
        }
    }
}
