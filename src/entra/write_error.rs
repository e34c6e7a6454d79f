//! Why a Graph write failed, typed from Microsoft's error answer ([`classify`]): refused
//! (role or scope), not replicated yet, refused by the tenant's app management policy,
//! already there, transient, other. Never holds a secret or a token.

use std::fmt;

use serde_json::Value;

/// Why a write failed. Never holds a secret or a token.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteError {
    /// 403 `Authorization_RequestDenied`: the token's scope or the admin's directory role is
    /// too weak.
    Denied { what: String, message: String },
    /// A freshly created object has not replicated yet: 404 `Request_ResourceNotFound`, 400
    /// `NoBackingApplicationObject`, 400 "Not a valid reference update.". Retry with backoff.
    Replicating {
        what: String,
        code: String,
        message: String,
    },
    /// 400 `CredentialInvalidLifetimeAsPerAppPolicy`; `max_days` when the answer names the
    /// limit (`P180D`).
    LifetimeTooLong {
        what: String,
        max_days: Option<u32>,
        message: String,
    },
    /// 400 `CredentialTypeNotAllowedAsPerAppPolicy`: the tenant's policy bans this kind of
    /// credential.
    CredentialTypeNotAllowed { what: String, message: String },
    /// 409 `Request_MultipleObjectsWithSameKeyValue` or 400 "Permission being assigned
    /// already exists on the object".
    AlreadyExists { what: String, message: String },
    /// 429, 500, 502, 503, 504: Microsoft's side, worth retrying (`retry_after_s` from
    /// `Retry-After`).
    Transient {
        what: String,
        status: u16,
        code: String,
        message: String,
        retry_after_s: Option<f64>,
    },
    /// Another Graph error answer.
    Graph {
        what: String,
        status: u16,
        code: String,
        message: String,
    },
    /// Graph could not be reached (already diagnosed in words).
    Network { what: String, summary: String },
    /// The answer was not what Graph promises.
    BadResponse { what: String },
}

impl WriteError {
    /// Replication: the object exists but this part of Entra does not know it yet.
    pub fn is_replication(&self) -> bool {
        matches!(self, WriteError::Replicating { .. })
    }

    /// Worth another try after a wait: replication, throttling, a server error.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            WriteError::Replicating { .. } | WriteError::Transient { .. }
        )
    }

    /// What was being done ("create the service principal").
    pub fn what(&self) -> &str {
        match self {
            WriteError::Denied { what, .. }
            | WriteError::Replicating { what, .. }
            | WriteError::LifetimeTooLong { what, .. }
            | WriteError::CredentialTypeNotAllowed { what, .. }
            | WriteError::AlreadyExists { what, .. }
            | WriteError::Transient { what, .. }
            | WriteError::Graph { what, .. }
            | WriteError::Network { what, .. }
            | WriteError::BadResponse { what } => what,
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            WriteError::Denied { .. } => "Sign in as an admin who holds the role the step needs (creating and changing apps: Application Administrator, Cloud Application Administrator or Global Administrator; consent to Microsoft Graph application permissions: Privileged Role Administrator or Global Administrator). An eligible role may need activating in Privileged Identity Management.".into(),
            WriteError::Replicating { .. } => "Entra has not finished replicating a new object; wait a few minutes and run the command again (it continues where it stopped).".into(),
            WriteError::LifetimeTooLong { .. } => "The tenant's app management policy limits how long a secret may live; mailscope asks for a shorter one.".into(),
            WriteError::CredentialTypeNotAllowed { .. } => "The tenant's app management policy does not allow this kind of credential: use a certificate instead, or ask the admin who manages the policy for an exception for this app.".into(),
            WriteError::AlreadyExists { .. } => "It is already there; run the command again (the plan reads the tenant first).".into(),
            WriteError::Transient { .. } | WriteError::Graph { .. } | WriteError::BadResponse { .. } => "Run the command again (it continues where it stopped); if it keeps failing, check Microsoft 365 service health.".into(),
            WriteError::Network { .. } => "Check the network connection and the profile's cloud, then run the command again.".into(),
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Denied { what, message } => {
                write!(f, "Microsoft Graph refused to {what}: {message}")
            }
            WriteError::Replicating { what, message, .. } => write!(
                f,
                "could not {what}: Entra has not replicated the new object yet ({message})"
            ),
            WriteError::LifetimeTooLong { what, message, .. }
            | WriteError::CredentialTypeNotAllowed { what, message } => write!(
                f,
                "could not {what}: the tenant's app management policy refused it ({message})"
            ),
            WriteError::AlreadyExists { what, message } => {
                write!(f, "could not {what}: it already exists ({message})")
            }
            WriteError::Transient {
                what,
                status,
                code,
                message,
                ..
            }
            | WriteError::Graph {
                what,
                status,
                code,
                message,
            } => write!(
                f,
                "Microsoft Graph could not {what} (HTTP {status} {code}): {message}"
            ),
            WriteError::Network { what, summary } => write!(f, "could not {what}: {summary}"),
            WriteError::BadResponse { what } => {
                write!(f, "Microsoft Graph answered something unexpected to {what}")
            }
        }
    }
}

impl std::error::Error for WriteError {}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `P180D` (anywhere in `s`) → 180.
fn days_in(s: &str) -> Option<u32> {
    let start = s.find('P')?;
    s[start + 1..]
        .split_once('D')
        .and_then(|(n, _)| n.parse().ok())
        .or_else(|| days_in(&s[start + 1..]))
}

/// Microsoft's error answer as a [`WriteError`].
pub fn classify(what: &str, status: u16, body: &Value, retry_after_s: Option<f64>) -> WriteError {
    let err = &body["error"];
    let code = text(err, "code");
    let message = text(err, "message");
    let detail_codes: Vec<String> = err["details"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| text(d, "code"))
        .collect();
    let what = what.to_string();
    let has_detail = |c: &str| detail_codes.iter().any(|d| d.eq_ignore_ascii_case(c));
    if code == "CredentialInvalidLifetimeAsPerAppPolicy" {
        let max_days = err["details"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|d| days_in(&text(d, "message")))
            .or_else(|| days_in(&message));
        return WriteError::LifetimeTooLong {
            what,
            max_days,
            message,
        };
    }
    if code == "CredentialTypeNotAllowedAsPerAppPolicy" {
        return WriteError::CredentialTypeNotAllowed { what, message };
    }
    let replication = (status == 404 && (code == "Request_ResourceNotFound" || code.is_empty()))
        || (status == 400 && has_detail("NoBackingApplicationObject"))
        || (status == 400 && message.trim() == "Not a valid reference update.");
    if replication {
        let code = if has_detail("NoBackingApplicationObject") {
            "NoBackingApplicationObject".to_string()
        } else {
            code
        };
        return WriteError::Replicating {
            what,
            code,
            message,
        };
    }
    if status == 403 || code == "Authorization_RequestDenied" {
        return WriteError::Denied { what, message };
    }
    if status == 409
        || code == "Request_MultipleObjectsWithSameKeyValue"
        || message.contains("already exists on the object")
    {
        return WriteError::AlreadyExists { what, message };
    }
    if matches!(status, 429 | 500 | 502 | 503 | 504) {
        return WriteError::Transient {
            what,
            status,
            code,
            message,
            retry_after_s,
        };
    }
    WriteError::Graph {
        what,
        status,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(status: u16, v: Value) -> WriteError {
        classify("do it", status, &v, None)
    }

    #[test]
    fn replication_errors_are_recognised() {
        let not_found = err(
            404,
            json!({"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist or one of its queried reference-property objects are not present."}}),
        );
        assert!(not_found.is_replication());
        let no_backing = err(
            400,
            json!({"error":{"code":"Request_BadRequest","message":"The appId 'a' of the service principal does not reference a valid application object.","details":[{"code":"NoBackingApplicationObject","target":"appId"}]}}),
        );
        assert!(
            matches!(&no_backing, WriteError::Replicating { code, .. } if code == "NoBackingApplicationObject")
        );
        let reference = err(
            400,
            json!({"error":{"code":"Request_BadRequest","message":"Not a valid reference update."}}),
        );
        assert!(reference.is_replication());
        let other = err(
            400,
            json!({"error":{"code":"Request_BadRequest","message":"Property x is invalid."}}),
        );
        assert!(!other.is_retryable());
    }

    #[test]
    fn policy_denial_duplicates_and_transient_errors() {
        let life = err(
            400,
            json!({"error":{"code":"CredentialInvalidLifetimeAsPerAppPolicy","message":"Credential lifetime exceeds the max value allowed as per assigned policy 'p'.","details":[{"code":"InvalidKeyEndDate","message":"Key credential end date is invalid: the maximum lifetime is P180D.","target":"EndDate"}]}}),
        );
        assert!(matches!(
            life,
            WriteError::LifetimeTooLong {
                max_days: Some(180),
                ..
            }
        ));
        let denied = err(
            403,
            json!({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}),
        );
        assert!(matches!(denied, WriteError::Denied { .. }));
        assert!(denied.fix().contains("Privileged Identity Management"));
        let dup = err(
            409,
            json!({"error":{"code":"Request_MultipleObjectsWithSameKeyValue","message":"in use"}}),
        );
        assert!(matches!(dup, WriteError::AlreadyExists { .. }));
        let dup = err(
            400,
            json!({"error":{"code":"Request_BadRequest","message":"Permission being assigned already exists on the object"}}),
        );
        assert!(matches!(dup, WriteError::AlreadyExists { .. }));
        let busy = classify(
            "x",
            503,
            &json!({"error":{"code":"Service_ServiceUnavailable","message":"m"}}),
            Some(1.5),
        );
        assert!(busy.is_retryable() && !busy.is_replication());
        assert!(matches!(busy, WriteError::Transient { retry_after_s: Some(s), .. } if s == 1.5));
        let banned = err(
            400,
            json!({"error":{"code":"CredentialTypeNotAllowedAsPerAppPolicy","message":"m"}}),
        );
        assert!(matches!(
            banned,
            WriteError::CredentialTypeNotAllowed { .. }
        ));
        assert_eq!(days_in("no limit"), None);
        assert_eq!(days_in("Policy P90D applies"), Some(90));
    }
}
