//! Exchange's error answers parsed into [`ExchangeError`] (reference §3a: `details[0].message`
//! as `Id|Type|Text` or as a JSON string, then `innererror.internalexception.message`, then
//! `message`; the 403 whose body is NUL bytes; 401 with `claims`; 429 with `Retry-After`).

use serde_json::Value;

use super::error::ExchangeError;

/// The exception type and text of an error body, in the order the reference gives.
pub fn failure_text(body: &Value) -> (String, String) {
    let err = &body["error"];
    if let Some(d) = err["details"]
        .get(0)
        .and_then(|d| d["message"].as_str())
        .filter(|s| !s.trim().is_empty())
    {
        let d = d.trim();
        if d.starts_with('{')
            && let Ok(j) = serde_json::from_str::<Value>(d)
        {
            let kind = j["ClassName"].as_str().unwrap_or_default().to_string();
            let text = j["Message"]
                .as_str()
                .or_else(|| j["localizedString"]["stringId"].as_str())
                .unwrap_or(d)
                .to_string();
            return (kind, text);
        }
        let parts: Vec<&str> = d.splitn(3, '|').collect();
        if let [_, kind, text] = parts.as_slice() {
            return (kind.trim().to_string(), text.trim().to_string());
        }
        return (String::new(), d.to_string());
    }
    let inner = &err["innererror"];
    if let Some(m) = inner["internalexception"]["message"].as_str() {
        let kind = inner["internalexception"]["type"]
            .as_str()
            .unwrap_or_default();
        return (kind.to_string(), m.to_string());
    }
    let kind = inner["type"].as_str().unwrap_or_default();
    let text = err["message"].as_str().unwrap_or_default();
    (kind.to_string(), text.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// `claims="…"` of a `WWW-Authenticate` challenge.
fn claims(www: &str) -> Option<String> {
    let at = www.find("claims=\"")? + 8;
    let rest = &www[at..];
    rest.find('"').map(|end| rest[..end].to_string())
}

/// Maps an answer that is not a success.
pub fn from_answer(
    cmdlet: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> ExchangeError {
    let c = cmdlet.to_string();
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if status == 429 {
        let message = json.as_ref().map(|j| failure_text(j).1).unwrap_or_default();
        return ExchangeError::Throttled {
            cmdlet: c,
            retry_after_s: header(headers, "retry-after")
                .and_then(crate::graph::diagnosis::parse_retry_after),
            message,
        };
    }
    let Some(json) = json.filter(|j| j.get("error").is_some()) else {
        let reason = header(headers, "x-ms-diagnostics")
            .or_else(|| header(headers, "www-authenticate"))
            .unwrap_or_default()
            .to_string();
        if status == 401 {
            let claims = header(headers, "www-authenticate").and_then(claims);
            return ExchangeError::SignInAgain { cmdlet: c, claims };
        }
        return ExchangeError::EndpointRefused {
            cmdlet: c,
            status,
            reason,
        };
    };
    let (kind, message) = failure_text(&json);
    let lower = format!("{kind} {message}").to_ascii_lowercase();
    let has = |k: &str| lower.contains(&k.to_ascii_lowercase());
    if has("AccessDenied") || has("is not allowed to call") || has("aren't present in the role") {
        return ExchangeError::AccessDenied { cmdlet: c, message };
    }
    if status == 401 {
        let claims = header(headers, "www-authenticate").and_then(claims);
        return ExchangeError::SignInAgain { cmdlet: c, claims };
    }
    if has("security principal") || has("not a security group") {
        return ExchangeError::NotSecurityPrincipal { cmdlet: c, message };
    }
    if has("ManagementObjectNotFound")
        || has("MemberNotFound")
        || has("couldn't be found")
        || has("could not be found")
    {
        return ExchangeError::NotFound { cmdlet: c, message };
    }
    if has("AlreadyExists") || has("already exists") {
        return ExchangeError::AlreadyExists { cmdlet: c, message };
    }
    if has("maximum number of concurrent requests") {
        return ExchangeError::Throttled {
            cmdlet: c,
            retry_after_s: header(headers, "retry-after")
                .and_then(crate::graph::diagnosis::parse_retry_after),
            message,
        };
    }
    ExchangeError::Cmdlet {
        cmdlet: c,
        status,
        kind: kind.rsplit('.').next().unwrap_or_default().to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> ExchangeError {
        from_answer("New-X", status, &[], body.as_bytes())
    }

    const NOT_FOUND: &str = r#"{"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"Context","target":"","message":"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found on 'AM0PR.PROD.OUTLOOK.COM'."}],"innererror":{"type":"Microsoft.Exchange.Admin.OData.Core.ODataServiceException","internalexception":{"message":"other"}}}}"#;

    #[test]
    fn the_three_message_places_are_read_in_order() {
        let (kind, text) = failure_text(&serde_json::from_str(NOT_FOUND).expect("json"));
        assert!(
            kind.ends_with("ManagementObjectNotFoundException"),
            "{kind}"
        );
        assert!(text.starts_with("The operation couldn't"), "{text}");
        let as_json = r#"{"error":{"message":"x","details":[{"message":"{\"ClassName\":\"Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException\",\"Message\":\"An object with the name 'g' already exists.\",\"localizedString\":{\"stringId\":\"s\"}}"}]}}"#;
        let (kind, text) = failure_text(&serde_json::from_str(as_json).expect("json"));
        assert!(kind.ends_with("ADObjectAlreadyExistsException"), "{kind}");
        assert_eq!(text, "An object with the name 'g' already exists.");
        let inner = r#"{"error":{"message":"Invalid Operation","innererror":{"internalexception":{"message":"deep"}}}}"#;
        assert_eq!(
            failure_text(&serde_json::from_str(inner).expect("json")).1,
            "deep"
        );
        let top = r#"{"error":{"message":"Invalid Operation"}}"#;
        assert_eq!(
            failure_text(&serde_json::from_str(top).expect("json")).1,
            "Invalid Operation"
        );
    }

    #[test]
    fn answers_map_to_types() {
        assert!(matches!(
            map(400, NOT_FOUND),
            ExchangeError::NotFound { .. }
        ));
        let denied = r#"{"error":{"details":[{"message":"Ex5E8EA4|Microsoft.Exchange.Configuration.Authorization.CmdletAccessDeniedException|Some of the parameters specified with the \"New-X\" cmdlet aren't present in the role definition for the current user."}]}}"#;
        let e = map(400, denied);
        assert!(matches!(e, ExchangeError::AccessDenied { .. }), "{e:?}");
        assert!(e.fix_for("p").contains("Exchange Administrator"));
        assert!(e.fix_for("p").contains("New-X"));
        let rest401 = r#"{"error":{"code":"Unauthorized","message":"User is not allowed to call Get-Mailbox","innererror":{"type":"Microsoft.Exchange.Admin.OData.Core.ODataServiceException"}}}"#;
        assert!(matches!(
            map(401, rest401),
            ExchangeError::AccessDenied { .. }
        ));
        let dl = r#"{"error":{"details":[{"message":"Ex1|Microsoft.Exchange.Management.Tasks.ApplicationAccessPolicyException|The group 'Sales' is not a security principal."}]}}"#;
        assert!(matches!(
            map(400, dl),
            ExchangeError::NotSecurityPrincipal { .. }
        ));
        let exists = r#"{"error":{"details":[{"message":"Ex2|Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException|The object already exists."}]}}"#;
        assert!(matches!(
            map(400, exists),
            ExchangeError::AlreadyExists { .. }
        ));
        let other = map(500, r#"{"error":{"message":"Invalid Operation"}}"#);
        assert_eq!(other.code(), "cmdlet-failed");
    }

    #[test]
    fn refusals_throttling_and_claims() {
        let nul = from_answer("Get-X", 403, &[], &[0u8; 16]);
        assert!(nul.falls_back_to_script(), "{nul:?}");
        assert!(
            nul.fix_for("prod")
                .contains("mailscope script --profile prod")
        );
        let h = vec![("Retry-After".to_string(), "2.5".to_string())];
        let t = from_answer("Get-X", 429, &h, b"");
        assert_eq!(
            t,
            ExchangeError::Throttled {
                cmdlet: "Get-X".into(),
                retry_after_s: Some(2.5),
                message: String::new()
            }
        );
        assert!(t.fix_for("p").contains("wait 3 s"));
        let h = vec![(
            "WWW-Authenticate".to_string(),
            r#"Bearer realm="", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#.to_string(),
        )];
        assert_eq!(
            from_answer("Get-X", 401, &h, b""),
            ExchangeError::SignInAgain {
                cmdlet: "Get-X".into(),
                claims: Some("eyJhY2Nlc3NfdG9rZW4iOnt9fQ==".into())
            }
        );
    }
}
