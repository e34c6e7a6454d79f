//! Graph URL routing: `/users/{id}/...` paths to [`Route`]s with stable names for the stats.

use axum::http::Method;

use super::authz::Need;

/// What a Graph request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Folder(String),
    ListMessages(Option<String>),
    GetMessage(String),
    CreateMessage,
    DeleteMessage(String),
    SendMail,
    GetSettings,
    PatchSettings,
    Batch,
    BadMethod,
    Unknown(String),
}

/// A parsed Graph request path.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// Route template for the stats, e.g. `GET /v1.0/users/{id}/messages`.
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// The `{id}` of `/users/{id}` as sent (decoded).
    pub(crate) user: String,
}

const FOLDERS: &[&str] = &["inbox", "drafts", "sentitems", "deleteditems", "archive"];

/// Percent-decodes a path segment (`+` stays a plus).
fn decode_segment(s: &str) -> String {
    super::form::decode(&s.replace('+', "%2B"))
}

impl Route {
    /// Parses a path relative to the version (`/users/a@b/messages`, no `/v1.0`).
    pub(crate) fn parse(method: &Method, path: &str) -> Route {
        let segs: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_segment)
            .collect();
        let s: Vec<&str> = segs.iter().map(String::as_str).collect();
        let m = method.as_str();
        let user = s.get(1).map(|u| u.to_string()).unwrap_or_default();
        let lower: Vec<String> = s.iter().map(|x| x.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        let (name, kind) = match (m, l.as_slice()) {
            ("POST", ["$batch"]) => ("POST /v1.0/$batch", Kind::Batch),
            ("GET", ["users", _]) => ("GET /v1.0/users/{id}", Kind::User),
            ("GET", ["users", _, "mailfolders", f]) if FOLDERS.contains(f) => (
                "GET /v1.0/users/{id}/mailFolders/{folder}",
                Kind::Folder(f.to_string()),
            ),
            ("GET", ["users", _, "mailfolders", f, "messages"]) if FOLDERS.contains(f) => (
                "GET /v1.0/users/{id}/mailFolders/{folder}/messages",
                Kind::ListMessages(Some(f.to_string())),
            ),
            ("GET", ["users", _, "messages"]) => {
                ("GET /v1.0/users/{id}/messages", Kind::ListMessages(None))
            }
            ("POST", ["users", _, "messages"]) => {
                ("POST /v1.0/users/{id}/messages", Kind::CreateMessage)
            }
            ("GET", ["users", _, "messages", _]) => (
                "GET /v1.0/users/{id}/messages/{message}",
                Kind::GetMessage(s[3].to_string()),
            ),
            ("DELETE", ["users", _, "messages", _]) => (
                "DELETE /v1.0/users/{id}/messages/{message}",
                Kind::DeleteMessage(s[3].to_string()),
            ),
            ("POST", ["users", _, "sendmail"]) => {
                ("POST /v1.0/users/{id}/sendMail", Kind::SendMail)
            }
            ("GET", ["users", _, "mailboxsettings"]) => {
                ("GET /v1.0/users/{id}/mailboxSettings", Kind::GetSettings)
            }
            ("PATCH", ["users", _, "mailboxsettings"]) => (
                "PATCH /v1.0/users/{id}/mailboxSettings",
                Kind::PatchSettings,
            ),
            (_, ["$batch"])
            | (_, ["users", _])
            | (_, ["users", _, "messages" | "sendmail" | "mailboxsettings"])
            | (_, ["users", _, "messages", _]) => {
                ("other /v1.0 (method not allowed)", Kind::BadMethod)
            }
            _ => {
                let known = ["users", "messages", "mailfolders"];
                let seg = s
                    .iter()
                    .zip(l.iter())
                    .enumerate()
                    .find(|(i, (_, x))| !(known.contains(x) || *i == 1 && l[0] == "users"))
                    .map(|(_, (o, _))| o.to_string())
                    .unwrap_or_default();
                ("other /v1.0 (unknown)", Kind::Unknown(seg))
            }
        };
        Route { name, kind, user }
    }

    /// The permission a mailbox route needs (`None` for non-mailbox routes).
    pub(crate) fn need(&self) -> Option<Need> {
        match &self.kind {
            Kind::Folder(_) | Kind::ListMessages(_) | Kind::GetMessage(_) => {
                Some(Need::ReadMailBasic)
            }
            Kind::CreateMessage | Kind::DeleteMessage(_) => Some(Need::WriteMail),
            Kind::SendMail => Some(Need::SendMail),
            Kind::GetSettings => Some(Need::ReadSettings),
            Kind::PatchSettings => Some(Need::WriteSettings),
            _ => None,
        }
    }
}
