//! `GET /beta/reports/appCredentialSignInActivities`: when each application credential last
//! got a token (recorded by the token endpoint), filtered by `keyId` or `appId`; 403 without
//! AuditLog.Read.All and a reader role, or when the tenant does not offer the report.

use std::collections::HashMap;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::apps_authz::eq_filter;
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::{SimState, lock};

/// Last successful token per (app id, key id), both lower case.
pub(crate) type LastSignIns = HashMap<(String, String), (OffsetDateTime, String)>;

/// Records a token just issued to `client_id` with credential `key_id`.
pub(crate) fn record(st: &SimState, client_id: &str, key_id: &str) {
    let key = (client_id.to_ascii_lowercase(), key_id.to_ascii_lowercase());
    let request = uuid::Uuid::new_v4().to_string();
    lock(&st.apps)
        .last_sign_in
        .insert(key, (OffsetDateTime::now_utc(), request));
}

/// The key id of the app's certificate with this thumbprint.
pub(crate) fn key_of_cert(st: &SimState, client_id: &str, thumbprint: &str) -> Option<String> {
    let r = lock(&st.apps);
    let app = r
        .apps
        .iter()
        .find(|a| a.app_id.eq_ignore_ascii_case(client_id))?;
    app.keys
        .iter()
        .find(|k| k.cert.thumbprint_hex.eq_ignore_ascii_case(thumbprint))
        .map(|k| k.key_id.clone())
}

fn rfc3339(t: OffsetDateTime) -> Value {
    t.format(&Rfc3339).map_or(Value::Null, Value::String)
}

/// The report: one entry per credential of every application, `signInActivity` null when the
/// credential never got a token. [U] whether Microsoft lists unused credentials at all.
pub(crate) fn list(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    if st.scenario.app_management.no_sign_in_activity {
        return Err(GraphReply::error(
            403,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        ));
    }
    let filters = eq_filter(&input.query, &["keyid", "appid"])?;
    let r = lock(&st.apps);
    let mut out = Vec::new();
    for a in &r.apps {
        let sp = r.sp_by_app_id(&a.app_id).map(|s| s.id.clone());
        let creds = a
            .passwords
            .iter()
            .map(|p| (&p.key_id, "clientSecret", p.start, p.end))
            .chain(
                a.keys
                    .iter()
                    .map(|k| (&k.key_id, "certificate", k.start, k.end)),
            );
        for (key_id, kind, start, end) in creds {
            let matches = filters.iter().all(|(p, v)| match p.as_str() {
                "keyid" => key_id.eq_ignore_ascii_case(v),
                _ => a.app_id.eq_ignore_ascii_case(v),
            });
            if !matches {
                continue;
            }
            let used = r
                .last_sign_in
                .get(&(a.app_id.to_ascii_lowercase(), key_id.to_ascii_lowercase()));
            out.push(json!({
                "id": format!("{key_id}|application"),
                "appId": a.app_id,
                "appObjectId": a.id,
                "servicePrincipalObjectId": sp,
                "credentialOrigin": "application",
                "keyId": key_id,
                "keyType": kind,
                "keyUsage": if kind == "certificate" { "verify" } else { "sign" },
                "createdDateTime": rfc3339(start),
                "expirationDate": rfc3339(end),
                "signInActivity": used.map(|(t, req)| json!({
                    "lastSignInDateTime": rfc3339(*t),
                    "lastSignInRequestId": req,
                })),
            }));
        }
    }
    Ok(GraphReply::json(200, json!({ "value": out })))
}
