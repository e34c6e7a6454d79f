//! An application's credentials: `addPassword` (secret shown once, lifetime capped by the app
//! management policy), `removePassword`, and `keyCredentials` (public certificates) for PATCH
//! and `addKey` (`apps_keys.rs`).

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::apps::{KeyCred, Password, hint_of, validity};
use super::apps_authz::{bad_request, json_body};
use super::apps_graph::invalid;
use super::apps_json::iso;
use super::apps_lookup::find;
use super::apps_routes::Key;
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::{SimState, lock};

/// `keyCredentials` replaces the collection; an entry without `key` keeps the credential with
/// its `keyId` [U].
pub(crate) fn key_credentials(old: &[KeyCred], v: &Value) -> Result<Vec<KeyCred>, GraphReply> {
    let bad = || invalid("keyCredentials");
    let mut out = Vec::new();
    for k in v.as_array().ok_or_else(bad)? {
        let key_id = k.get("keyId").and_then(Value::as_str);
        if k.get("key").and_then(Value::as_str).is_none() {
            let kept = key_id.and_then(|id| old.iter().find(|o| o.key_id.eq_ignore_ascii_case(id)));
            out.push(kept.cloned().ok_or_else(bad)?);
            continue;
        }
        out.push(key_credential(k, "keyCredentials")?);
    }
    Ok(out)
}

/// One `keyCredential` with its `key` (base64 DER of an RSA certificate); a refusal names
/// `property`.
pub(crate) fn key_credential(k: &Value, property: &str) -> Result<KeyCred, GraphReply> {
    use base64::Engine;
    let bad = || invalid(property);
    let key = k.get("key").and_then(Value::as_str).ok_or_else(bad)?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .map_err(|_| bad())?;
    let (start, end) = validity(&der);
    let cert = super::certs::certificate_from_der(der, std::path::Path::new(property))
        .map_err(|_| bad())?;
    Ok(KeyCred {
        key_id: k
            .get("keyId")
            .and_then(Value::as_str)
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), String::from),
        display_name: k
            .get("displayName")
            .and_then(Value::as_str)
            .map(String::from),
        cert,
        start,
        end,
    })
}

/// A new secret value in Entra's shape (40 characters, `Q~` after the third).
fn new_secret() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    let mut bytes = Vec::new();
    for _ in 0..3 {
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    let mut s: String = bytes
        .iter()
        .take(38)
        .map(|b| CHARS[usize::from(*b) % CHARS.len()] as char)
        .collect();
    s.insert_str(3, "Q~");
    s.truncate(40);
    s
}

fn parse_time(v: Option<&Value>, property: &str) -> Result<Option<OffsetDateTime>, GraphReply> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(|s| {
                OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            })
            .map(Some)
            .ok_or_else(|| invalid(property)),
    }
}

pub(crate) fn add_password(
    st: &SimState,
    key: &Key,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let cred = body.get("passwordCredential").cloned().unwrap_or(json!({}));
    let now = OffsetDateTime::now_utc();
    let start = parse_time(cred.get("startDateTime"), "startDateTime")?.unwrap_or(now);
    let end = parse_time(cred.get("endDateTime"), "endDateTime")?
        .unwrap_or(start + time::Duration::days(730));
    if end <= start {
        return Err(invalid("endDateTime"));
    }
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    if let Some(days) = st.scenario.app_management.max_secret_lifetime_days
        && end - start > time::Duration::days(i64::from(days))
    {
        return Err(GraphReply::error_details(
            400,
            "CredentialInvalidLifetimeAsPerAppPolicy",
            "Credential lifetime exceeds the max value allowed as per assigned policy '00000000-0000-0000-0000-000000000000'.",
            json!([{
                "code": "InvalidKeyEndDate",
                "message": format!("Key credential end date is invalid: the maximum lifetime is P{days}D."),
                "target": "EndDate",
            }]),
        ));
    }
    let value = new_secret();
    let p = Password {
        key_id: uuid::Uuid::new_v4().to_string(),
        display_name: cred
            .get("displayName")
            .and_then(Value::as_str)
            .map(String::from),
        hint: hint_of(&value),
        value,
        start,
        end,
        added_s: st.elapsed_s(),
    };
    let reply = json!({
        "@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.passwordCredential", st.graph),
        "customKeyIdentifier": null,
        "displayName": p.display_name,
        "endDateTime": iso(p.end),
        "hint": p.hint,
        "keyId": p.key_id,
        "secretText": p.value,
        "startDateTime": iso(p.start),
    });
    r.apps[i].passwords.push(p);
    Ok(GraphReply::json(200, reply))
}

pub(crate) fn remove_password(
    st: &SimState,
    key: &Key,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let Some(key_id) = body.get("keyId").and_then(Value::as_str) else {
        return Err(bad_request("A value is required for property 'keyId'."));
    };
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    let before = r.apps[i].passwords.len();
    r.apps[i]
        .passwords
        .retain(|p| !p.key_id.eq_ignore_ascii_case(key_id));
    if r.apps[i].passwords.len() == before {
        // [U] Graph's text for an unknown keyId.
        return Err(bad_request(format!(
            "No password credential with keyId '{key_id}' was found on the application."
        )));
    }
    Ok(GraphReply::empty(204))
}
