//! Entra token-endpoint and discovery errors (AADSTS), with Microsoft's exact body shape.
//!
//! Body: `error`, `error_description` (ending in `\r\nTrace ID: ..\r\nCorrelation ID: ..\r\n
//! Timestamp: YYYY-MM-DD HH:MM:SSZ`), `error_codes`, `timestamp`, `trace_id`, `correlation_id`,
//! `error_uri` (reference §2).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// One AADSTS error.
#[derive(Debug, Clone)]
pub(crate) struct AadError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) code: u32,
    pub(crate) text: String,
    pub(crate) retry_after: Option<String>,
}

fn aad(status: StatusCode, error: &'static str, code: u32, text: String) -> AadError {
    AadError {
        status,
        error,
        code,
        text: format!("AADSTS{code}: {text}"),
        retry_after: None,
    }
}

const UNAUTH: StatusCode = StatusCode::UNAUTHORIZED;
const BAD: StatusCode = StatusCode::BAD_REQUEST;

/// Timestamp in Entra's `YYYY-MM-DD HH:MM:SSZ` form.
pub(crate) fn aad_timestamp(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    t.format(&f).unwrap_or_default()
}

impl AadError {
    /// AADSTS7000215, 401: wrong secret (or the secret id sent as the value).
    pub(crate) fn invalid_secret(app: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'."
            ),
        )
    }
    /// AADSTS7000222, 401: every matching secret has expired.
    pub(crate) fn expired_secret(app: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            7000222,
            format!(
                "The provided client secret keys for app '{app}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."
            ),
        )
    }
    /// AADSTS700016, 400 unauthorized_client: app not in this tenant.
    pub(crate) fn app_not_found(app: &str, directory: &str) -> Self {
        aad(
            BAD,
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{app}' was not found in the directory '{directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            ),
        )
    }
    /// AADSTS90002: unknown tenant. `error` is invalid_tenant on discovery, invalid_request on
    /// the token endpoint. [U] token-endpoint text assumed equal to the discovery text.
    pub(crate) fn tenant_not_found(tenant: &str, error: &'static str) -> Self {
        aad(
            BAD,
            error,
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        )
    }
    /// AADSTS900023, 400: malformed tenant segment.
    pub(crate) fn malformed_tenant(tenant: &str) -> Self {
        aad(
            BAD,
            "invalid_request",
            900023,
            format!(
                "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain."
            ),
        )
    }
    /// AADSTS9001023, 400: client credentials on /common, /organizations or /consumers. [U]
    pub(crate) fn reserved_tenant() -> Self {
        aad(BAD, "invalid_request", 9001023, "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.".into())
    }
    /// AADSTS700027, 401 [U status]: no registered certificate matches the thumbprint.
    pub(crate) fn cert_not_registered(app: &str, thumbprint: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            700027,
            format!(
                "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/{app}']"
            ),
        )
    }
    /// AADSTS700027, 401 [U]: registered thumbprint, but the signature does not verify.
    pub(crate) fn bad_signature(app: &str, thumbprint: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            700027,
            format!(
                "Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app}'.]"
            ),
        )
    }
    /// AADSTS700024, 401 invalid_client [U error/status]: assertion outside its time range.
    pub(crate) fn assertion_time(now: &str, nbf: &str, exp: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            700024,
            format!(
                "Client assertion is not within its valid time range. Current time: {now}, assertion valid from {nbf}, expiry time of assertion {exp}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials ."
            ),
        )
    }
    /// AADSTS50027, 400 invalid_request [U]: the assertion is not a usable JWT.
    pub(crate) fn malformed_assertion(detail: &str) -> Self {
        aad(
            BAD,
            "invalid_request",
            50027,
            format!("JWT token is invalid or malformed. {detail}"),
        )
    }
    /// AADSTS50012, 401 [U; 2017 capture]: assertion audience is not this token endpoint.
    pub(crate) fn assertion_audience() -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            50012,
            "Client assertion audience claim does not match Realm issuer.".into(),
        )
    }
    /// AADSTS700021, 401 [U]: assertion iss/sub is not the client id.
    pub(crate) fn assertion_issuer() -> Self {
        aad(UNAUTH, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .".into())
    }
    /// AADSTS7000218, 401 [U status]: neither secret nor assertion sent.
    pub(crate) fn no_credential() -> Self {
        aad(UNAUTH, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.".into())
    }
    /// AADSTS900144, 400: a required form parameter is missing.
    pub(crate) fn missing_parameter(name: &str) -> Self {
        aad(
            BAD,
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }
    /// AADSTS70003, 400 [U]: grant type other than client_credentials.
    pub(crate) fn unsupported_grant(grant: &str) -> Self {
        aad(
            BAD,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        )
    }
    /// AADSTS1002012, 400: scope without `/.default`.
    pub(crate) fn scope_not_default(scope: &str) -> Self {
        aad(
            BAD,
            "invalid_scope",
            1002012,
            format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        )
    }
    /// AADSTS500011, 400 invalid_resource: `/.default` of a resource the tenant does not know.
    pub(crate) fn resource_not_found(resource: &str, tenant_name: &str) -> Self {
        aad(
            BAD,
            "invalid_resource",
            500011,
            format!(
                "The resource principal named {resource} was not found in the tenant named {tenant_name}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
            ),
        )
    }
    /// AADSTS7000229, 401 invalid_client: the app exists but has no service principal here.
    pub(crate) fn no_service_principal(app: &str, tenant_id: &str) -> Self {
        aad(
            UNAUTH,
            "invalid_client",
            7000229,
            format!(
                "The client application {app} is missing service principal in the tenant {tenant_id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119"
            ),
        )
    }
    /// AADSTS70011, 400: scopes for more than one resource in one request.
    pub(crate) fn scope_invalid(scope: &str) -> Self {
        aad(
            BAD,
            "invalid_scope",
            70011,
            format!(
                "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."
            ),
        )
    }
    /// AADSTS7000112, 400 unauthorized_client [U]: the app is disabled.
    pub(crate) fn app_disabled(app: &str, name: &str) -> Self {
        aad(
            BAD,
            "unauthorized_client",
            7000112,
            format!("Application '{app}'({name}) is disabled."),
        )
    }
    /// AADSTS90033, 503 [U]: fault injection, the token service is unavailable.
    pub(crate) fn unavailable(retry_after: String) -> Self {
        let mut e = aad(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.".into(),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// The JSON body, with fresh trace and correlation ids.
    pub(crate) fn body(&self, correlation_id: &str) -> serde_json::Value {
        let trace = uuid::Uuid::new_v4().to_string();
        let ts = aad_timestamp(time::OffsetDateTime::now_utc());
        json!({
            "error": self.error,
            "error_description": format!("{}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {ts}", self.text),
            "error_codes": [self.code],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }

    /// The HTTP response (Entra's JSON headers).
    pub(crate) fn response(&self, correlation_id: &str) -> Response {
        let mut resp = (self.status, axum::Json(self.body(correlation_id))).into_response();
        if let Some(ra) = self
            .retry_after
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, ra);
        }
        aad_headers(&mut resp, correlation_id);
        resp
    }
}

/// Headers Entra sends on token responses.
pub(crate) fn aad_headers(resp: &mut Response, correlation_id: &str) {
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(header::EXPIRES, HeaderValue::from_static("-1"));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(correlation_id) {
        h.insert("client-request-id", v);
    }
}
