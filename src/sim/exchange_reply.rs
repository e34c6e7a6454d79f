//! Exchange Online's InvokeCommand answers: the `value` page with `@odata.nextLink`, the cmdlet
//! failure (400, `details[0].message` = `Id|Type|Text`), the 401s and the NUL-byte 403
//! (admin-wire-behaviour §3a). Error ids and most texts are [U]: composites of what clients
//! have seen.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

/// The server name Exchange puts in not-found texts.
const SERVER: &str = "AM0PR01A001DC01.EURPR01A001.PROD.OUTLOOK.COM";

/// A cmdlet that failed: Exchange's exception id, type and text.
#[derive(Debug, Clone)]
pub(crate) struct CmdletError {
    pub(crate) id: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) text: String,
}

fn err(id: &'static str, kind: &'static str, text: impl Into<String>) -> CmdletError {
    CmdletError {
        id,
        kind,
        text: text.into(),
    }
}

impl CmdletError {
    /// `-Identity` (or another reference) names nothing.
    pub(crate) fn not_found(what: &str) -> CmdletError {
        err(
            "Ex6F9304",
            "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
            format!(
                "The operation couldn't be performed because object '{what}' couldn't be found on '{SERVER}'."
            ),
        )
    }

    /// A member or referenced recipient that does not exist.
    pub(crate) fn recipient_not_found(what: &str) -> CmdletError {
        err(
            "Ex9C1E8D",
            "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
            format!(
                "Couldn't find object \"{what}\". Please make sure that it was spelled correctly or specify a different object."
            ),
        )
    }

    /// A name already used.
    pub(crate) fn name_exists(name: &str) -> CmdletError {
        err(
            "Ex2A5E4F",
            "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException",
            format!("The name \"{name}\" is already being used. Please try another name."),
        )
    }

    /// An object (policy, pointer, assignment) that already exists.
    pub(crate) fn object_exists(what: &str) -> CmdletError {
        err(
            "Ex2A5E4F",
            "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException",
            format!("The object '{what}' already exists."),
        )
    }

    /// An SMTP address already used.
    pub(crate) fn address_exists(address: &str, holder: &str) -> CmdletError {
        err(
            "Ex4CB0D9",
            "Microsoft.Exchange.Management.Tasks.ProxyAddressExistsException",
            format!(
                "The proxy address \"SMTP:{address}\" is already being used by the proxy addresses or LegacyExchangeDN of \"{holder}\". Please choose another proxy address."
            ),
        )
    }

    /// Add-DistributionGroupMember of a member already there.
    pub(crate) fn member_exists(member: &str, group: &str) -> CmdletError {
        err(
            "ExB6C5F2",
            "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException",
            format!("The recipient \"{member}\" is already a member of the group \"{group}\"."),
        )
    }

    /// Remove-DistributionGroupMember of a recipient that is not a direct member.
    pub(crate) fn member_not_found(member: &str, group: &str) -> CmdletError {
        err(
            "Ex2C0B1E",
            "Microsoft.Exchange.Management.Tasks.MemberNotFoundException",
            format!("The recipient \"{member}\" isn't a member of the group \"{group}\"."),
        )
    }

    /// A group change by an admin who does not manage the group, without
    /// `-BypassSecurityGroupManagerCheck`.
    pub(crate) fn not_group_manager() -> CmdletError {
        err(
            "Ex8A3F61",
            "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException",
            "You don't have sufficient permissions. This operation can only be performed by a manager of the group.",
        )
    }

    /// `-PolicyScopeGroupId` that is not a security principal (a distribution list, a shared
    /// mailbox).
    pub(crate) fn not_security_principal(what: &str) -> CmdletError {
        err(
            "Ex3D7B12",
            "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException",
            format!(
                "The recipient '{what}' isn't a security principal. PolicyScopeGroupId must be a mail-enabled security group or a user mailbox."
            ),
        )
    }

    /// The admin's roles do not include the cmdlet (text seen for a parameter, DLConversionV2#101).
    pub(crate) fn access_denied(cmdlet: &str) -> CmdletError {
        err(
            "Ex5E8EA4",
            "Microsoft.Exchange.Configuration.Authorization.CmdletAccessDeniedException",
            format!(
                "Some of the parameters specified with the \"{cmdlet}\" cmdlet aren't present in the role definition for the current user. Check the management roles assigned to you, and try again."
            ),
        )
    }

    /// A parameter the cmdlet does not have.
    pub(crate) fn parameter_not_found(name: &str) -> CmdletError {
        err(
            "Ex0B4D51",
            "System.Management.Automation.ParameterBindingException",
            format!("A parameter cannot be found that matches parameter name '{name}'."),
        )
    }

    /// A mandatory parameter missing.
    pub(crate) fn missing_parameter(cmdlet: &str, name: &str) -> CmdletError {
        err(
            "Ex0B4D52",
            "System.Management.Automation.ParameterBindingException",
            format!(
                "Cannot process command because of one or more missing mandatory parameters: {name}. ({cmdlet})"
            ),
        )
    }

    /// A value of the wrong shape.
    pub(crate) fn bad_value(cmdlet: &str, name: &str) -> CmdletError {
        err(
            "Ex0B4D53",
            "System.Management.Automation.ParameterBindingException",
            format!("Cannot bind parameter '{name}' of {cmdlet}: the value has the wrong type."),
        )
    }

    /// A value Exchange refuses.
    pub(crate) fn invalid(text: impl Into<String>) -> CmdletError {
        err(
            "Ex7C2A90",
            "Microsoft.Exchange.Configuration.Tasks.TaskArgumentException",
            text,
        )
    }

    /// `Id|Type|Text`.
    pub(crate) fn detail(&self) -> String {
        format!("{}|{}|{}", self.id, self.kind, self.text)
    }
}

/// One InvokeCommand answer.
pub(crate) struct ExoReply {
    pub(crate) status: u16,
    body: Body,
    json: bool,
    headers: Vec<(&'static str, String)>,
}

impl ExoReply {
    /// 200 with a page of items.
    pub(crate) fn page(context: &str, items: Vec<Value>, next: Option<String>) -> ExoReply {
        let mut v = json!({"@odata.context": context, "value": items});
        if let Some(n) = next {
            v["@odata.nextLink"] = n.into();
        }
        ExoReply::json(200, &v)
    }

    /// A JSON body.
    pub(crate) fn json(status: u16, v: &Value) -> ExoReply {
        ExoReply {
            status,
            body: Body::from(v.to_string()),
            json: true,
            headers: Vec::new(),
        }
    }

    /// 400: the cmdlet failed.
    pub(crate) fn cmdlet_failed(e: &CmdletError) -> ExoReply {
        let v = json!({"error": {
            "code": "BadRequest",
            "message": "Error executing cmdlet",
            "details": [{"code": "Context", "target": "", "message": e.detail()}],
            "innererror": {
                "message": "Error executing cmdlet",
                "type": "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
                "internalexception": {"message": e.text, "type": e.kind},
            },
        }});
        ExoReply::json(400, &v).header("x-ExceptionType", e.kind.to_string())
    }

    /// A plain OData error (bad request body, missing header, unknown tenant, faults).
    pub(crate) fn error(status: u16, code: &str, message: &str) -> ExoReply {
        ExoReply::json(
            status,
            &json!({"error": {"code": code, "message": message}}),
        )
    }

    /// 401: no usable token.
    pub(crate) fn unauthorized(reason: &str) -> ExoReply {
        ExoReply::error(401, "Unauthorized", reason).header(
            "WWW-Authenticate",
            format!("Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", error=\"invalid_token\", error_description=\"{reason}\""),
        )
    }

    /// 403 whose body is NUL bytes; the reason only in `x-ms-diagnostics` (C4, C5).
    pub(crate) fn nul_forbidden(reason: &str) -> ExoReply {
        ExoReply {
            status: 403,
            body: Body::from(vec![0u8; 16]),
            json: false,
            headers: vec![(
                "x-ms-diagnostics",
                format!("2000003;reason=\"{reason}\";error_category=\"invalid_grant\""),
            )],
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &'static str, value: String) -> ExoReply {
        self.headers.push((name, value));
        self
    }

    /// The HTTP response, with `request-id`.
    pub(crate) fn into_http(self) -> Response {
        let mut r = Response::new(self.body);
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let h = r.headers_mut();
        if self.json {
            h.insert(
                "content-type",
                HeaderValue::from_static("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"),
            );
        }
        if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
            h.insert("request-id", v);
        }
        h.insert(
            "X-CalculatedBETarget",
            HeaderValue::from_static("AM0PR01MB0001.eurprd01.prod.outlook.com"),
        );
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
        r
    }
}
