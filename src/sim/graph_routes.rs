//! Graph URL routing: `/users/{id}/...` paths to [`Route`]s with stable names for the stats.
//!
//! Paths follow Graph's own grammar (segment names match without regard to case, actions may
//! carry the `microsoft.graph.` prefix). A segment Graph does not know is named in the error
//! ("Resource not found for the segment 'x'."); a known path with the wrong method is 405.

use axum::http::Method;

use super::authz::Need;

/// What a Graph request asks for. Ids are as sent (decoded); folders are resolved later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    ListFolders,
    Folder(String),
    ListMessages(Option<String>),
    CreateMessage(Option<String>),
    GetMessage(String),
    PatchMessage(String),
    DeleteMessage(String),
    SendDraft(String),
    Move(String),
    Reply(String),
    ListAttachments(String),
    AddAttachment(String),
    GetAttachment(String, String),
    DeleteAttachment(String, String),
    CreateUploadSession(String),
    SendMail,
    GetSettings,
    PatchSettings,
    Batch,
    /// App management (`/applications`, `/servicePrincipals`, ...), see `apps_routes.rs`.
    Apps(super::apps_routes::AppsKind),
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

/// Percent-decodes a path segment (`+` stays a plus).
fn decode_segment(s: &str) -> String {
    super::form::decode(&s.replace('+', "%2B"))
}

/// An action segment without its optional `microsoft.graph.` qualifier (lower case).
fn action(seg: &str) -> &str {
    seg.strip_prefix("microsoft.graph.").unwrap_or(seg)
}

const BAD_METHOD: (&str, Kind) = ("other /v1.0 (method not allowed)", Kind::BadMethod);

fn unknown(seg: &str) -> (&'static str, Kind) {
    ("other /v1.0 (unknown)", Kind::Unknown(seg.to_string()))
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
        let lower: Vec<String> = s.iter().map(|x| x.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        let m = method.as_str();
        let user = s.get(1).map(|u| u.to_string()).unwrap_or_default();
        if let Some((name, kind)) = super::apps_routes::parse(m, &s, &l) {
            return Route { name, kind, user };
        }
        let (name, kind) = match l.as_slice() {
            ["$batch"] if m == "POST" => ("POST /v1.0/$batch", Kind::Batch),
            ["$batch"] => BAD_METHOD,
            ["users", _] if m == "GET" => ("GET /v1.0/users/{id}", Kind::User),
            ["users", _] => BAD_METHOD,
            ["users", _, ..] => mailbox(m, &s[2..], &l[2..]),
            [first, ..] if *first != "users" => unknown(s[0]),
            _ => unknown(""),
        };
        Route { name, kind, user }
    }

    /// The permission a mailbox route needs (`None` for non-mailbox routes).
    pub(crate) fn need(&self) -> Option<Need> {
        Some(match &self.kind {
            Kind::ListFolders | Kind::Folder(_) | Kind::ListMessages(_) | Kind::GetMessage(_) => {
                Need::ReadMailBasic
            }
            Kind::ListAttachments(_) | Kind::GetAttachment(..) => Need::ReadMail,
            Kind::CreateMessage(_)
            | Kind::PatchMessage(_)
            | Kind::DeleteMessage(_)
            | Kind::Move(_)
            | Kind::AddAttachment(_)
            | Kind::DeleteAttachment(..)
            | Kind::CreateUploadSession(_) => Need::WriteMail,
            Kind::SendMail | Kind::SendDraft(_) | Kind::Reply(_) => Need::SendMail,
            Kind::GetSettings => Need::ReadSettings,
            Kind::PatchSettings => Need::WriteSettings,
            Kind::User | Kind::Batch | Kind::Apps(_) | Kind::BadMethod | Kind::Unknown(_) => {
                return None;
            }
        })
    }

    /// The message id the route addresses, if any.
    pub(crate) fn message_id(&self) -> Option<&str> {
        match &self.kind {
            Kind::GetMessage(id)
            | Kind::PatchMessage(id)
            | Kind::DeleteMessage(id)
            | Kind::SendDraft(id)
            | Kind::Move(id)
            | Kind::Reply(id)
            | Kind::ListAttachments(id)
            | Kind::AddAttachment(id)
            | Kind::GetAttachment(id, _)
            | Kind::DeleteAttachment(id, _)
            | Kind::CreateUploadSession(id) => Some(id),
            _ => None,
        }
    }
}

/// `/users/{id}/...` after the user: `s` as sent, `l` lower case.
fn mailbox(m: &str, s: &[&str], l: &[&str]) -> (&'static str, Kind) {
    match (m, l) {
        ("GET", ["mailfolders"]) => ("GET /v1.0/users/{id}/mailFolders", Kind::ListFolders),
        (_, ["mailfolders"]) => BAD_METHOD,
        ("GET", ["mailfolders", _]) => (
            "GET /v1.0/users/{id}/mailFolders/{folder}",
            Kind::Folder(s[1].to_string()),
        ),
        (_, ["mailfolders", _]) => BAD_METHOD,
        ("GET", ["mailfolders", _, "messages"]) => (
            "GET /v1.0/users/{id}/mailFolders/{folder}/messages",
            Kind::ListMessages(Some(s[1].to_string())),
        ),
        ("POST", ["mailfolders", _, "messages"]) => (
            "POST /v1.0/users/{id}/mailFolders/{folder}/messages",
            Kind::CreateMessage(Some(s[1].to_string())),
        ),
        (_, ["mailfolders", _, "messages"]) => BAD_METHOD,
        (_, ["mailfolders", _, "messages", ..]) => message(m, &s[3..], &l[3..]),
        (_, ["mailfolders", _, other, ..]) => unknown(other),
        ("GET", ["messages"]) => ("GET /v1.0/users/{id}/messages", Kind::ListMessages(None)),
        ("POST", ["messages"]) => ("POST /v1.0/users/{id}/messages", Kind::CreateMessage(None)),
        (_, ["messages"]) => BAD_METHOD,
        (_, ["messages", ..]) => message(m, &s[1..], &l[1..]),
        ("POST", [a]) if action(a) == "sendmail" => {
            ("POST /v1.0/users/{id}/sendMail", Kind::SendMail)
        }
        (_, [a]) if action(a) == "sendmail" => BAD_METHOD,
        ("GET", ["mailboxsettings"]) => ("GET /v1.0/users/{id}/mailboxSettings", Kind::GetSettings),
        ("PATCH", ["mailboxsettings"]) => (
            "PATCH /v1.0/users/{id}/mailboxSettings",
            Kind::PatchSettings,
        ),
        (_, ["mailboxsettings"]) => BAD_METHOD,
        _ => unknown(s.first().copied().unwrap_or("")),
    }
}

/// `.../messages/{id}/...`: `s[0]` is the message id as sent.
fn message(m: &str, s: &[&str], l: &[&str]) -> (&'static str, Kind) {
    let id = s[0].to_string();
    match (m, l) {
        ("GET", [_]) => (
            "GET /v1.0/users/{id}/messages/{message}",
            Kind::GetMessage(id),
        ),
        ("PATCH", [_]) => (
            "PATCH /v1.0/users/{id}/messages/{message}",
            Kind::PatchMessage(id),
        ),
        ("DELETE", [_]) => (
            "DELETE /v1.0/users/{id}/messages/{message}",
            Kind::DeleteMessage(id),
        ),
        (_, [_]) => BAD_METHOD,
        (_, [_, a]) if matches!(action(a), "send" | "move" | "reply") => match (m, action(a)) {
            ("POST", "send") => (
                "POST /v1.0/users/{id}/messages/{message}/send",
                Kind::SendDraft(id),
            ),
            ("POST", "move") => (
                "POST /v1.0/users/{id}/messages/{message}/move",
                Kind::Move(id),
            ),
            ("POST", _) => (
                "POST /v1.0/users/{id}/messages/{message}/reply",
                Kind::Reply(id),
            ),
            _ => BAD_METHOD,
        },
        ("GET", [_, "attachments"]) => (
            "GET /v1.0/users/{id}/messages/{message}/attachments",
            Kind::ListAttachments(id),
        ),
        ("POST", [_, "attachments"]) => (
            "POST /v1.0/users/{id}/messages/{message}/attachments",
            Kind::AddAttachment(id),
        ),
        (_, [_, "attachments"]) => BAD_METHOD,
        (_, [_, "attachments", a]) if action(a) == "createuploadsession" => {
            if m == "POST" {
                (
                    "POST /v1.0/users/{id}/messages/{message}/attachments/createUploadSession",
                    Kind::CreateUploadSession(id),
                )
            } else {
                BAD_METHOD
            }
        }
        ("GET", [_, "attachments", _]) => (
            "GET /v1.0/users/{id}/messages/{message}/attachments/{attachment}",
            Kind::GetAttachment(id, s[2].to_string()),
        ),
        ("DELETE", [_, "attachments", _]) => (
            "DELETE /v1.0/users/{id}/messages/{message}/attachments/{attachment}",
            Kind::DeleteAttachment(id, s[2].to_string()),
        ),
        (_, [_, "attachments", _]) => BAD_METHOD,
        (_, [_, "attachments", _, other, ..]) => unknown(other),
        _ => unknown(s.get(1).copied().unwrap_or("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(m: Method, p: &str) -> Kind {
        Route::parse(&m, p).kind
    }

    #[test]
    fn mail_paths_and_unknown_segments() {
        assert_eq!(kind(Method::GET, "/users/a/mailFolders"), Kind::ListFolders);
        assert_eq!(
            kind(Method::POST, "/users/a/messages/X/microsoft.graph.send"),
            Kind::SendDraft("X".into())
        );
        assert_eq!(
            kind(
                Method::POST,
                "/users/a/messages/X/attachments/createUploadSession"
            ),
            Kind::CreateUploadSession("X".into())
        );
        assert_eq!(
            kind(
                Method::GET,
                "/users/a/mailFolders/AQMk/messages/X/attachments/Y"
            ),
            Kind::GetAttachment("X".into(), "Y".into())
        );
        assert_eq!(
            kind(Method::GET, "/users/a/messages/X/bogus"),
            Kind::Unknown("bogus".into())
        );
        assert_eq!(
            kind(Method::GET, "/users/a/calendarz"),
            Kind::Unknown("calendarz".into())
        );
        assert_eq!(kind(Method::PUT, "/users/a/messages/X"), Kind::BadMethod);
        assert_eq!(
            kind(Method::GET, "/users/a/messages/X/send"),
            Kind::BadMethod
        );
    }
}
