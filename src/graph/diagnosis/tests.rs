//! Every error body documented in the wire-behaviour reference, diagnosed.

use super::*;

fn token(status: u16, body: &str) -> Diagnosis {
    diagnose(EndpointKind::Token, status, &[], body.as_bytes())
}

fn graph(status: u16, body: &str) -> Diagnosis {
    diagnose(EndpointKind::Graph, status, &[], body.as_bytes())
}

fn hdr(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn secret_invalid_7000215_with_ids_kept() {
    let body = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'a8fdfbd0-da97-42d9-8f1a-fd6a7cb650b4'.\r\nTrace ID: 6f6c4645-0202-4486-b625-fa957dfc4700\r\nCorrelation ID: 5fc87507-4086-4e77-b415-cee677eb232e\r\nTimestamp: 2023-05-06 06:03:00Z","error_codes":[7000215],"timestamp":"2023-05-06 06:03:00Z","trace_id":"6f6c4645-0202-4486-b625-fa957dfc4700","correlation_id":"5fc87507-4086-4e77-b415-cee677eb232e","error_uri":"https://login.microsoftonline.com/error?code=7000215"}"#;
    let d = token(401, body);
    assert_eq!(d.cause, Cause::SecretInvalid);
    assert!(d.summary.contains("Secret ID"), "{}", d.summary);
    assert_eq!(d.error_code.as_deref(), Some("AADSTS7000215"));
    assert_eq!(
        d.request_id.as_deref(),
        Some("6f6c4645-0202-4486-b625-fa957dfc4700")
    );
    assert_eq!(
        d.correlation_id.as_deref(),
        Some("5fc87507-4086-4e77-b415-cee677eb232e")
    );
    assert_eq!(d.timestamp.as_deref(), Some("2023-05-06 06:03:00Z"));
    assert_eq!(d.status, Some(401));
}

#[test]
fn secret_expired_7000222_even_when_truncated() {
    // The captured body was cut off mid-array: not JSON at all.
    let cut = r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '***' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.\r\nTrace ID: 8c95acf1-cc04-40a1-ad14-481862cf1801\r\nCorrelation ID: d65574ea-000b-4526-8595-ddaae8b4250d\r\nTimestamp: 2023-01-09 14:06:14Z","error_codes":[70"#;
    assert_eq!(token(401, cut).cause, Cause::UnexpectedResponse);
    let full = r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '***' are expired.","error_codes":[7000222],"timestamp":"2023-01-09 14:06:14Z"}"#;
    assert_eq!(token(401, full).cause, Cause::SecretExpired);
    // Without error_codes, the AADSTS number in the description decides.
    let no_codes = r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app 'x' are expired."}"#;
    let d = token(401, no_codes);
    assert_eq!(d.cause, Cause::SecretExpired);
    assert_eq!(d.error_code.as_deref(), Some("AADSTS7000222"));
}

#[test]
fn app_not_found_700016_says_wait_for_new_apps() {
    let body = r#"{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '<CLIENT_ID_VALUE>' was not found in the directory '<DIRECTORY_NAME>'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.\r\nTrace ID: <TRACE_ID>\r\nCorrelation ID: <CORRELATION_ID>\r\nTimestamp: <TIMESTAMP>","error_codes":[700016],"timestamp":"<TIMESTAMP>","trace_id":"<TRACE_ID>","correlation_id":"<CORRELATION_ID>","error_uri":"https://login.microsoftonline.com/error?code=700016"}"#;
    let d = token(400, body);
    assert_eq!(d.cause, Cause::AppNotFound);
    assert!(d.fix.contains("wait"));
}

#[test]
fn tenant_not_found_90002_discovery_and_token_shapes() {
    let discovery = r#"{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant '2b0623dd-90fa-4c5c-bee8-8dc18bd4d948' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.","error_codes":[90002],"timestamp":"2022-04-21 16:26:49Z","trace_id":"c1806f4a-bcae-4ac1-b7ff-4eea2dcd1200","correlation_id":"9d8aaacf-a655-4b1f-b113-3d0691054798","error_uri":"https://login.microsoftonline.com/error?code=90002"}"#;
    assert_eq!(token(400, discovery).cause, Cause::TenantNotFound);
    let old = r#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found. This may happen if there are no active subscriptions for the tenant. Check with your subscription administrator."}"#;
    assert_eq!(token(400, old).cause, Cause::TenantNotFound);
    // Only the OAuth error value survived.
    assert_eq!(
        token(400, r#"{"error":"invalid_tenant"}"#).cause,
        Cause::TenantNotFound
    );
}

#[test]
fn tenant_invalid_900023_and_required_9001023() {
    let bad = r#"{"error":"invalid_request","error_description":"AADSTS900023: Specified tenant identifier 'f837e147-205f-4bdf-9cfe-d07587a9ae3c' is neither a valid DNS name, nor a valid external domain.\r\nTrace ID: x","error_codes":[900023]}"#;
    assert_eq!(token(400, bad).cause, Cause::TenantInvalid);
    let common = r#"{"error":"invalid_request","error_description":"AADSTS9001023: The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.","error_codes":[9001023]}"#;
    assert_eq!(token(400, common).cause, Cause::TenantRequired);
}

#[test]
fn certificate_not_registered_700027_current_and_older_text() {
    let cur = r#"{"error":"invalid_client","error_description":"AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '1C74D7C9E9', Please visit the Azure Portal]","error_codes":[700027],"error_uri":"https://login.microsoftonline.com/error?code=700027"}"#;
    assert_eq!(token(401, cur).cause, Cause::CertificateNotRegistered);
    let older = r#"{"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found., ...]"}"#;
    assert_eq!(token(401, older).cause, Cause::CertificateNotRegistered);
    let wrong_key = r#"{"error":"invalid_client","error_description":"AADSTS50013: Assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: 'AB12', Found key 'Start=08/18/2024 19:33:23, End=08/18/2029 19:33:23']"}"#;
    assert_eq!(token(401, wrong_key).cause, Cause::CertificateNotRegistered);
}

#[test]
fn consent_missing_65001_and_unrelated_codes() {
    let body = r#"{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application with ID '0b76e815-fcb7-45bf-87ab-8201461ad821' named 'WebApi-SharedTokenCache'. Send an interactive authorization request for this user and resource.","error_codes":[65001]}"#;
    assert_eq!(token(400, body).cause, Cause::PermissionMissing);
    // A token-endpoint outage (AADSTS90033, 503) is a service problem, retried.
    let busy = r#"{"error":"temporarily_unavailable","error_description":"AADSTS90033: A transient error has occurred. Please try again.","error_codes":[90033]}"#;
    assert_eq!(token(503, busy).cause, Cause::ServiceUnavailable);
    // An unknown AADSTS code with a 400 is unexpected, not guessed.
    let odd = r#"{"error":"invalid_request","error_description":"AADSTS12345: something new","error_codes":[12345]}"#;
    let d = token(400, odd);
    assert_eq!(d.cause, Cause::UnexpectedResponse);
    assert_eq!(d.error_code.as_deref(), Some("AADSTS12345"));
}

#[test]
fn missing_service_principal_7000229_and_unknown_resource_500011() {
    let sp = r#"{"error":"invalid_client","error_description":"AADSTS7000229: The client application 78b9b9b6-6a3d-4c8f-9a53-95701700b726 is missing service principal in the tenant 50612dbb-0237-4969-b378-8d42590f9c00. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119\r\nTrace ID: x\r\nCorrelation ID: y\r\nTimestamp: 2026-01-01 00:00:00Z","error_codes":[7000229]}"#;
    let d = token(401, sp);
    assert_eq!(d.cause, Cause::AppNotFound);
    assert!(d.summary.contains("no service principal"), "{}", d.summary);
    assert!(d.fix.contains("New-MgServicePrincipal"), "{}", d.fix);
    assert_eq!(d.error_code.as_deref(), Some("AADSTS7000229"));
    let res = r#"{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal named https://graph.microsoft.us was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.","error_codes":[500011]}"#;
    let d = token(400, res);
    assert_eq!(d.cause, Cause::ScopeInvalid);
    assert!(d.summary.contains("does not know"), "{}", d.summary);
    assert_eq!(d.error_code.as_deref(), Some("AADSTS500011"));
    // the code lost (a proxy's excerpt): the OAuth error value still leads there
    let d = token(400, r#"{"error":"invalid_resource"}"#);
    assert!(d.summary.contains("does not know"), "{}", d.summary);
}

#[test]
fn assertion_time_700024_no_credential_7000218_scope_1002012() {
    let t = r#"{"error":"invalid_client","error_description":"AADSTS700024: Client assertion is not within its valid time range. Current time: 2023-08-01T11:08:01.5274809Z, assertion valid from 2023-08-01T09:28:26.0000000Z, expiry time of assertion 2023-08-01T10:28:26.0000000Z.","error_codes":[700024]}"#;
    assert_eq!(token(401, t).cause, Cause::AssertionTimeInvalid);
    let none = r#"{"error":"invalid_client","error_description":"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.","error_codes":[7000218]}"#;
    assert_eq!(token(401, none).cause, Cause::SecretInvalid);
    for body in [
        r#"{"error":"invalid_scope","error_description":"AADSTS1002012: The provided value for scope User.Read is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).","error_codes":[1002012]}"#,
        r#"{"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope https://foo.microsoft.com/.default is not valid.\r\nTrace ID: x","error_codes":[70011]}"#,
        r#"{"error":"invalid_request","error_description":"AADSTS900144: The request body must contain the following parameter: 'scope'."}"#,
    ] {
        assert_eq!(token(400, body).cause, Cause::ScopeInvalid, "{body}");
    }
}

#[test]
fn disabled_conditional_access_and_national_cloud() {
    let cases = [
        (7000112, Cause::AppDisabled),
        (53003, Cause::ConditionalAccessBlocked),
        (90038, Cause::WrongCloud),
    ];
    for (code, cause) in cases {
        let body = format!(
            r#"{{"error":"invalid_request","error_description":"AADSTS{code}: text","error_codes":[{code}]}}"#
        );
        assert_eq!(token(400, &body).cause, cause, "{code}");
    }
}

#[test]
fn policy_denied_raop_with_and_without_inner_error() {
    let live = r#"{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."}}"#;
    assert_eq!(graph(403, live).cause, Cause::PolicyDenied);
    let doc = r#"{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled.","innerError":{"request-id":"2f038156-aaaa","date":"2019-05-24T10:16:21"}}}"#;
    let d = graph(403, doc);
    assert_eq!(d.cause, Cause::PolicyDenied);
    assert_eq!(d.request_id.as_deref(), Some("2f038156-aaaa"));
    assert_eq!(d.timestamp.as_deref(), Some("2019-05-24T10:16:21"));
    // Marker only (a proxy re-wrapped the code): wording fallback.
    let marker = r#"{"error":{"code":"Forbidden","message":"Zugriff verweigert: [RAOP] : ..."}}"#;
    assert_eq!(graph(403, marker).cause, Cause::PolicyDenied);
}

#[test]
fn permission_missing_access_denied_and_directory_refusal() {
    let d = graph(
        403,
        r#"{"error":{"code":"ErrorAccessDenied","message":"Access is denied. Check credentials and try again."}}"#,
    );
    assert_eq!(d.cause, Cause::PermissionMissing);
    assert!(d.summary.contains("RBAC"));
    // Localized wording still decided by the code.
    let fr = r#"{"error":{"code":"ErrorAccessDenied","message":"Accès refusé. Vérifiez les informations d'identification et réessayez."}}"#;
    assert_eq!(graph(403, fr).cause, Cause::PermissionMissing);
    let dir = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"r1","date":"2020-01-27T19:20:20"}}}"#;
    assert_eq!(graph(403, dir).cause, Cause::PermissionMissing);
}

#[test]
fn invalid_authentication_token_variants() {
    let cases = [
        (
            "Access token has expired or is not yet valid.",
            Cause::TokenExpired,
        ),
        ("Access token is empty.", Cause::TokenInvalid),
        (
            "Access token validation failure. Invalid audience.",
            Cause::TokenInvalid,
        ),
        ("Access token validation failure.", Cause::TokenInvalid),
        (
            "CompactToken parsing failed with error code: 80049217",
            Cause::TokenInvalid,
        ),
    ];
    for (msg, cause) in cases {
        let body = format!(
            r#"{{"error":{{"code":"InvalidAuthenticationToken","message":"{msg}","innerError":{{"date":"2023-01-01T00:00:00","request-id":"r","client-request-id":"c"}}}}}}"#
        );
        let d = graph(401, &body);
        assert_eq!(d.cause, cause, "{msg}");
        assert_eq!(d.correlation_id.as_deref(), Some("c"));
    }
    assert!(
        graph(
            401,
            r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience."}}"#
        )
        .summary
        .contains("cloud")
    );
}

#[test]
fn not_found_and_not_rest_enabled() {
    let cases = [
        (
            r#"{"error":{"code":"ErrorInvalidUser","message":"The requested user '3864667a@6ab3a8f0' is invalid.","innerError":{}}}"#,
            Cause::MailboxNotFound,
        ),
        (
            r#"{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise.","innerError":{"date":"2023-01-05T03:01:23","request-id":"q","client-request-id":"q"}}}"#,
            Cause::MailboxNotRestEnabled,
        ),
        (
            r#"{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"REST API is not yet supported for this mailbox."}}"#,
            Cause::MailboxNotRestEnabled,
        ),
        (
            r#"{"error":{"code":"ResourceNotFound","message":"Resource could not be discovered."}}"#,
            Cause::MailboxNotFound,
        ),
        (
            r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource '8c14a998-3c8d-4c52-ad09-c9032671ea31' does not exist or one of its queried reference-property objects are not present."}}"#,
            Cause::MailboxNotFound,
        ),
    ];
    for (body, cause) in cases {
        assert_eq!(graph(404, body).cause, cause, "{body}");
    }
}

#[test]
fn throttling_keeps_fractional_retry_after() {
    let body = r#"{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"},"message":"Please retry again later."}}"#;
    let d = diagnose(
        EndpointKind::Graph,
        429,
        &hdr(&[("Retry-After", "10")]),
        body.as_bytes(),
    );
    assert_eq!(d.cause, Cause::Throttled);
    assert_eq!(d.retry_after_s, Some(10.0));
    assert_eq!(
        d.request_id.as_deref(),
        Some("94fb3b52-452a-4535-a601-69e0a90e3aa2")
    );
    let outlook = r#"{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}"#;
    let d = diagnose(
        EndpointKind::Graph,
        429,
        &hdr(&[("retry-after", "2.128"), ("request-id", "hdr-id")]),
        outlook.as_bytes(),
    );
    assert_eq!(d.cause, Cause::Throttled);
    assert_eq!(d.retry_after_s, Some(2.128));
    assert_eq!(d.request_id.as_deref(), Some("hdr-id"));
}

#[test]
fn service_unavailable_503_504() {
    let stale = r#"{"error":{"code":"MailboxInfoStale","message":"Target resource '00030000-x' hosted on database '8d02d25d-x' is currently on backend 'Unknown'"}}"#;
    let d = diagnose(
        EndpointKind::Graph,
        503,
        &hdr(&[("Retry-After", "1.5")]),
        stale.as_bytes(),
    );
    assert_eq!(d.cause, Cause::ServiceUnavailable);
    assert_eq!(d.retry_after_s, Some(1.5));
    let gw = r#"{"error":{"code":"UnknownError","message":"","innerError":{"request-id":"g","date":"2022-01-01T00:00:00"}}}"#;
    assert_eq!(graph(504, gw).cause, Cause::ServiceUnavailable);
    // An unknown code with a non-5xx status is not a service outage.
    assert_eq!(
        graph(400, r#"{"error":{"code":"UnknownError","message":""}}"#).cause,
        Cause::UnexpectedResponse
    );
}

#[test]
fn non_json_bodies_and_headers() {
    let html = "<html><body><h1>403 Forbidden</h1>Blocked by proxy</body></html>";
    let d = diagnose(
        EndpointKind::Graph,
        403,
        &hdr(&[("Date", "Sun, 31 Oct 2021 05:13:50 GMT")]),
        html.as_bytes(),
    );
    assert_eq!(d.cause, Cause::UnexpectedResponse);
    assert!(d.summary.contains("proxy"));
    assert_eq!(
        d.timestamp.as_deref(),
        Some("Sun, 31 Oct 2021 05:13:50 GMT")
    );
    assert_eq!(token(502, html).cause, Cause::ServiceUnavailable);
    assert_eq!(graph(429, "").cause, Cause::Throttled);
    assert_eq!(
        graph(401, "").cause,
        Cause::TokenInvalid,
        "401 with only WWW-Authenticate"
    );
    assert_eq!(token(200, "").cause, Cause::UnexpectedResponse);
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert_eq!(parse_retry_after("-1"), None);
    assert_eq!(parse_retry_after(" 0.25 "), Some(0.25));
}

#[test]
fn causes_serialize_as_their_stable_codes() {
    for c in Cause::ALL {
        let json = serde_json::to_value(c).expect("serializes");
        assert_eq!(json, serde_json::Value::String(c.as_str().to_string()));
    }
    let n = network(NetworkErrorKind::Tls, "graph.microsoft.com");
    assert_eq!(n.cause, Cause::Network);
    assert!(n.fix.contains("ca_file"));
}
