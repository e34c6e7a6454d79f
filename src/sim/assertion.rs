//! Certificate credentials: validation of the client assertion JWT (reference §1b).
//!
//! RS256 (`x5t`, older doc) and PS256 (`x5t#S256`, newer doc) are both accepted; the
//! certificate is looked up by either thumbprint [U: recommendation of the reference]. The
//! thumbprint headers are decoded (base64url, padded or not) and compared as digest bytes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::scenario::App;
use super::state::SimState;
use super::token_errors::AadError;

/// The usual clock skew allowed on `nbf` and `exp`.
pub(crate) const SKEW_S: i64 = 300;

/// The digest bytes of an `x5t` / `x5t#S256` header: base64url with or without `=` padding
/// (MSAL Python and azure-identity pad it; Entra accepts both).
fn digest_bytes(b64: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(b64.trim().trim_end_matches('='))
        .ok()
}

fn hex_of_b64(b64: &str) -> String {
    digest_bytes(b64)
        .map(|b| b.iter().map(|x| format!("{x:02X}")).collect())
        .unwrap_or_else(|| b64.to_string())
}

/// Whether a thumbprint header names the registered digest (compared as bytes).
pub(crate) fn same_digest(header: Option<&str>, registered: &str) -> bool {
    match (header.and_then(digest_bytes), digest_bytes(registered)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn ms_time(unix: i64) -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&f).ok())
        .unwrap_or_default()
}

/// Validates `assertion` for `app`; when it proves possession of a registered certificate,
/// that certificate's thumbprint (upper-case hex).
pub(crate) fn validate(st: &SimState, app: &App, assertion: &str) -> Result<String, AadError> {
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|e| AadError::malformed_assertion(&format!("Header: {e}.")))?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::PS256) {
        return Err(AadError::malformed_assertion(
            "Unsupported signing algorithm.",
        ));
    }
    let thumbprint = header
        .x5t
        .as_deref()
        .or(header.x5t_s256.as_deref())
        .map(hex_of_b64)
        .unwrap_or_default();
    let cert = app.certificates.iter().find(|c| {
        same_digest(header.x5t.as_deref(), &c.x5t)
            || same_digest(header.x5t_s256.as_deref(), &c.x5t_s256)
    });
    let Some(cert) = cert else {
        return Err(AadError::cert_not_registered(&app.client_id, &thumbprint));
    };
    let key = DecodingKey::from_rsa_raw_components(&cert.rsa_n, &cert.rsa_e);
    let mut v = Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &v)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature | ErrorKind::InvalidRsaKey(_) => {
                AadError::bad_signature(&app.client_id, &cert.thumbprint_hex)
            }
            _ => AadError::malformed_assertion(&format!("{e}.")),
        })?
        .claims;
    check_claims(st, app, &claims)?;
    Ok(cert.thumbprint_hex.clone())
}

/// A JWT NumericDate: seconds, possibly with a fraction (RFC 7519 §2; MSAL Python sends
/// `time.time() + 600`).
pub(crate) fn numeric_date(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite())
            .map(|f| f.floor() as i64)
    })
}

fn check_claims(st: &SimState, app: &App, c: &Value) -> Result<(), AadError> {
    let is_client = |k: &str| {
        c[k].as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case(&app.client_id))
    };
    if !is_client("iss") || !is_client("sub") {
        return Err(AadError::assertion_issuer());
    }
    let Some(aud) = c["aud"].as_str() else {
        return Err(AadError::malformed_assertion(
            "The 'aud' claim must be a string.",
        ));
    };
    if !audience_ok(st, aud) {
        return Err(AadError::assertion_audience());
    }
    if c["jti"].as_str().is_none_or(str::is_empty) {
        return Err(AadError::malformed_assertion("The 'jti' claim is missing."));
    }
    let Some(exp) = numeric_date(&c["exp"]) else {
        return Err(AadError::malformed_assertion("The 'exp' claim is missing."));
    };
    let nbf = numeric_date(&c["nbf"]);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if now > exp + SKEW_S || nbf.is_some_and(|n| now < n - SKEW_S) {
        let from = nbf.or(numeric_date(&c["iat"])).unwrap_or(exp);
        return Err(AadError::assertion_time(
            &ms_time(now),
            &ms_time(from),
            &ms_time(exp),
        ));
    }
    Ok(())
}

/// `aud` must be this sim's token endpoint for this tenant (GUID or any domain).
fn audience_ok(st: &SimState, aud: &str) -> bool {
    let Some(rest) = aud.strip_prefix(st.authority.as_str()) else {
        return false;
    };
    let mut parts = rest.trim_start_matches('/').splitn(2, '/');
    let tenant = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    st.scenario.names_tenant(tenant) && matches!(path, "oauth2/v2.0/token" | "oauth2/token")
}
