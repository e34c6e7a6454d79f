//! Microsoft Graph answers: `error.code` first, then the `[RAOP]` marker, then the status.

use serde_json::Value;

use super::{Cause, Diagnosis, text, token_errors};

/// The application access policy marker Exchange puts in its refusals.
const RAOP: &str = "[RAOP]";

fn policy_denied() -> Diagnosis {
    Diagnosis::new(
        Cause::PolicyDenied,
        "An application access policy refused this mailbox: it is not in the group the policy allows, or a DenyAccess policy covers it.",
        "If this mailbox must be reachable, add it to the policy's mail-enabled security group (direct member) and wait for propagation (can take over an hour); check with Test-ApplicationAccessPolicy.",
    )
}

fn permission_missing() -> Diagnosis {
    Diagnosis::new(
        Cause::PermissionMissing,
        "Access denied: the app lacks the application permission (or admin consent) for this call, or its RBAC for Applications scope excludes this mailbox.",
        "Add the preset's Application permissions (not Delegated) and grant admin consent; with RBAC for Applications, check the role assignment's scope with Test-ServicePrincipalAuthorization. Changes take 30 minutes to 2 hours.",
    )
}

fn by_code(code: &str, message: &str, status: u16) -> Option<Diagnosis> {
    let d = match code {
        "ErrorAccessDenied" | "AccessDenied" | "ErrorAccessDeniedPolicy"
            if message.contains(RAOP) || message.starts_with("Access to OData is disabled") =>
        {
            policy_denied()
        }
        "ErrorAccessDenied" | "AccessDenied" | "Authorization_RequestDenied" => {
            permission_missing()
        }
        "InvalidAuthenticationToken" if message.contains("expired") => Diagnosis::new(
            Cause::TokenExpired,
            "The access token has expired (or is not yet valid: check this computer's clock).",
            "Get a new token; mailscope does this itself. If it repeats, synchronise the system clock.",
        ),
        "InvalidAuthenticationToken" if message.contains("audience") => Diagnosis::new(
            Cause::TokenInvalid,
            "Graph refused the token: it was issued for a different resource or cloud (invalid audience).",
            "Request the token for this cloud's Graph host with the /.default scope; tokens do not cross clouds.",
        ),
        "InvalidAuthenticationToken" => Diagnosis::new(
            Cause::TokenInvalid,
            "Graph refused the access token as malformed or empty.",
            "Get a new token from the same cloud as the Graph endpoint; check that no proxy rewrites the Authorization header.",
        ),
        "ErrorInvalidUser"
        | "Request_ResourceNotFound"
        | "ResourceNotFound"
        | "ErrorInvalidMailboxItemId"
        | "MailboxNotFound" => Diagnosis::new(
            Cause::MailboxNotFound,
            "No mailbox with this address exists (or it is a group or distribution list, not a mailbox).",
            "Check the address for typos; use the mailbox's primary SMTP address or UPN.",
        ),
        "MailboxNotEnabledForRESTAPI" | "MailboxNotSupportedForRESTAPI" => Diagnosis::new(
            Cause::MailboxNotRestEnabled,
            "The mailbox cannot be used through Graph: it is on-premises, unlicensed, inactive or soft-deleted.",
            "Move it to Exchange Online or give the user an Exchange Online licence (shared mailboxes need none but must be in the cloud); then wait for provisioning.",
        ),
        "TooManyRequests" | "ApplicationThrottled" | "activityLimitReached" => Diagnosis::new(
            Cause::Throttled,
            "Graph is throttling this app (too many requests, or over 4 concurrent requests per mailbox).",
            "Wait for the Retry-After time and retry; mailscope does this itself.",
        ),
        "MailboxInfoStale" | "ServiceNotAvailable" | "UnknownError" | "generalException"
            if status >= 500 =>
        {
            Diagnosis::new(
                Cause::ServiceUnavailable,
                "Exchange Online could not serve this mailbox right now (a transient service problem).",
                "Retry in a few minutes; if it persists, check the Microsoft 365 service health page.",
            )
        }
        _ => return None,
    };
    Some(d)
}

pub(super) fn diagnose(status: u16, json: Option<&Value>) -> Diagnosis {
    let err = json.and_then(|j| j.get("error"));
    let code = text(err, "code");
    let message = text(err, "message").unwrap_or("");
    let inner = err.and_then(|e| e.get("innerError").or_else(|| e.get("innererror")));
    let mut d = code
        .and_then(|c| by_code(c, message, status))
        .or_else(|| message.contains(RAOP).then(policy_denied))
        .unwrap_or_else(|| match status {
            // Graph answers 401 only about the bearer token, with or without a body.
            401 => by_code("InvalidAuthenticationToken", message, status)
                .unwrap_or_else(|| token_errors::by_status(status, true)),
            _ => token_errors::by_status(status, json.is_some()),
        });
    d.error_code = code.map(str::to_string);
    d.request_id = text(inner, "request-id").map(str::to_string);
    d.correlation_id = text(inner, "client-request-id").map(str::to_string);
    d.timestamp = text(inner, "date").map(str::to_string);
    d
}
