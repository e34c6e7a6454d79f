//! Token-endpoint answers (`/oauth2/v2.0/token`): `AADSTS` codes first, then the OAuth
//! `error` value, then the status.

use serde_json::Value;

use super::{Cause, Diagnosis, text};

/// The AADSTS number: `error_codes[0]`, else the first `AADSTSnnn` in the description.
fn aadsts(json: Option<&Value>) -> Option<u64> {
    if let Some(n) = json
        .and_then(|j| j.get("error_codes"))
        .and_then(|c| c.as_array())
        .and_then(|a| a.first())
        .and_then(Value::as_u64)
    {
        return Some(n);
    }
    let desc = text(json, "error_description")?;
    let at = desc.find("AADSTS")? + "AADSTS".len();
    let digits: String = desc[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn by_code(code: u64, desc: &str) -> Option<Diagnosis> {
    let d = match code {
        7000215 => Diagnosis::new(
            Cause::SecretInvalid,
            "Microsoft refused the client secret: it is wrong, or the Secret ID was used instead of the secret's Value.",
            "In Certificates & secrets, copy the secret's Value (shown only once, right after creation), not its Secret ID; if the Value is lost, create a new secret and store it with `mailscope credential set --profile NAME`.",
        ),
        7000222 => Diagnosis::new(
            Cause::SecretExpired,
            "The app's client secret has expired.",
            "Create a new client secret under Certificates & secrets (or switch to a certificate), store it with `mailscope credential set --profile NAME`, and give it to the vendor.",
        ),
        7000218 => Diagnosis::new(
            Cause::SecretInvalid,
            "The token request carried no credential (neither a client secret nor a certificate assertion).",
            "Store the client secret with `mailscope credential set --profile NAME` (or set MAILSCOPE_CLIENT_SECRET), or configure the certificate.",
        ),
        700016 => Diagnosis::new(
            Cause::AppNotFound,
            "No app with this client ID exists in this tenant.",
            "Check the Application (client) ID and the Directory (tenant) ID on the app's Overview page. If the app was created in the last few minutes, wait and retry: new apps take time to replicate.",
        ),
        90002 => Diagnosis::new(
            Cause::TenantNotFound,
            "The tenant was not found in this cloud.",
            "Check the Directory (tenant) ID or domain; if the tenant is in a national cloud (GCC High, DoD, China), choose that cloud in the profile.",
        ),
        900023 => Diagnosis::new(
            Cause::TenantInvalid,
            "The tenant identifier is malformed: neither a GUID nor a domain name.",
            "Use the Directory (tenant) ID GUID from the app's Overview page, or the tenant's domain such as contoso.onmicrosoft.com.",
        ),
        9001023 | 90133 => Diagnosis::new(
            Cause::TenantRequired,
            "App-only sign-in needs a specific tenant; /common, /organizations and /consumers are refused.",
            "Set the profile's tenant to the Directory (tenant) ID GUID or the tenant's domain.",
        ),
        90038 => Diagnosis::new(
            Cause::WrongCloud,
            "The tenant lives in a different Microsoft cloud than the one the request went to.",
            "Set the profile's cloud to the tenant's cloud (global, gcc-high, dod or china); apps and tokens do not cross clouds.",
        ),
        700027 | 50012 | 50013
            if code == 700027
                || desc.contains("Key was found")
                || desc.contains("not registered") =>
        {
            Diagnosis::new(
                Cause::CertificateNotRegistered,
                "The certificate that signed the request is not registered on the app, or its key does not match.",
                "Upload the certificate's public part (.cer) under Certificates & secrets and compare its thumbprint with the profile's; the private key must belong to that certificate.",
            )
        }
        7000229 => Diagnosis::new(
            Cause::AppNotFound,
            "The app is registered, but it has no service principal (enterprise application) in this tenant, so it cannot sign in here.",
            "Have an administrator of this tenant create it: open the admin consent URL (https://login.microsoftonline.com/<tenant>/adminconsent?client_id=<client id>), or run `New-MgServicePrincipal -AppId <client id>`; then grant admin consent to its API permissions.",
        ),
        500011 => Diagnosis::new(
            Cause::ScopeInvalid,
            "The requested scope names a resource this tenant does not know: its host is mistyped, or the API has no service principal in this tenant.",
            "Request `https://graph.microsoft.com/.default` (or the national cloud's Graph host followed by /.default); for any other API, have an administrator consent to it in this tenant first.",
        ),
        65001 => Diagnosis::new(
            Cause::PermissionMissing,
            "Nobody has consented to the app's permissions.",
            "Grant admin consent under API permissions (Grant admin consent for the tenant).",
        ),
        700024 => Diagnosis::new(
            Cause::AssertionTimeInvalid,
            "The signed client assertion is outside its valid time range: this computer's clock is probably wrong.",
            "Synchronise the system clock (NTP) and retry.",
        ),
        1002012 | 70011 | 900144 => Diagnosis::new(
            Cause::ScopeInvalid,
            "The requested scope is not valid for app-only sign-in; it must be the resource followed by /.default.",
            "Request `https://graph.microsoft.com/.default` (or the national cloud's Graph host followed by /.default).",
        ),
        7000112 => Diagnosis::new(
            Cause::AppDisabled,
            "The app (its enterprise application) is disabled in this tenant.",
            "In Enterprise applications > the app > Properties, set 'Enabled for users to sign-in?' to Yes, or ask who disabled it.",
        ),
        53003 => Diagnosis::new(
            Cause::ConditionalAccessBlocked,
            "A Conditional Access policy blocked this sign-in.",
            "Ask an administrator to review the sign-in logs for this app and exclude it from, or satisfy, the blocking Conditional Access policy (workload identity policies, location rules).",
        ),
        _ => return None,
    };
    Some(d)
}

fn by_error_value(error: &str) -> Option<Diagnosis> {
    let d = match error {
        "invalid_tenant" => by_code(90002, "")?,
        "invalid_scope" => by_code(1002012, "")?,
        "invalid_resource" => by_code(500011, "")?,
        "unauthorized_client" => by_code(700016, "")?,
        "invalid_client" => Diagnosis::new(
            Cause::SecretInvalid,
            "Microsoft refused the app's credential.",
            "Check the client secret value (not its ID) or the certificate registered on the app, then store it again.",
        ),
        _ => return None,
    };
    Some(d)
}

pub(super) fn diagnose(status: u16, json: Option<&Value>) -> Diagnosis {
    let desc = text(json, "error_description").unwrap_or("");
    let code = aadsts(json);
    let mut d = code
        .and_then(|c| by_code(c, desc))
        .or_else(|| text(json, "error").and_then(by_error_value))
        .or_else(|| wording(desc))
        .unwrap_or_else(|| by_status(status, json.is_some()));
    d.error_code = code.map(|c| format!("AADSTS{c}"));
    d.request_id = text(json, "trace_id").map(str::to_string);
    d.correlation_id = text(json, "correlation_id").map(str::to_string);
    d.timestamp = text(json, "timestamp").map(str::to_string);
    d
}

/// Fallback on wording, for bodies that lost their codes (proxies, log excerpts).
fn wording(desc: &str) -> Option<Diagnosis> {
    if desc.contains("not registered on application") {
        return by_code(700027, desc);
    }
    if desc.contains("client secret keys") && desc.contains("expired") {
        return by_code(7000222, desc);
    }
    None
}

pub(super) fn by_status(status: u16, was_json: bool) -> Diagnosis {
    match status {
        429 => Diagnosis::new(
            Cause::Throttled,
            "Microsoft is throttling requests.",
            "Wait for the Retry-After time and retry; mailscope does this itself.",
        ),
        500..=599 => Diagnosis::new(
            Cause::ServiceUnavailable,
            format!("The service answered {status}: it is temporarily unavailable."),
            "Retry in a few minutes; if it persists, check the Microsoft 365 service health page.",
        ),
        _ => Diagnosis::new(
            Cause::UnexpectedResponse,
            if was_json {
                format!("An unrecognised answer (HTTP {status}) came back.")
            } else {
                format!(
                    "HTTP {status} with a body that is not Microsoft's JSON: a proxy or firewall may have answered instead."
                )
            },
            "Check proxies and TLS inspection between this computer and Microsoft; keep the request id for a support ticket.",
        ),
    }
}
