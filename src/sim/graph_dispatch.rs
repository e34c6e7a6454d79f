//! One Graph request after authentication: limits, faults, authorization, then the handler.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;

use super::authz::{self, Caller, Decision, Need};
use super::graph_mail;
use super::graph_reply::{GraphReply, Inner};
use super::graph_routes::{Kind, Route};
use super::limits::{Limits, retry_after_text};
use super::scenario::Mailbox;
use super::state::{SimState, lock};
use super::tokens_jwt::AccessClaims;

/// A request's method-independent inputs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Input {
    pub(crate) query: HashMap<String, String>,
    pub(crate) body: Bytes,
    pub(crate) content_type: Option<String>,
    /// Identifies a retry of this request ([`super::limits::signature`]).
    pub(crate) sig: u64,
    /// The path as sent, after the version (`/users/a%40b/messages`), for nextLinks.
    pub(crate) path: String,
    /// The `Prefer` header.
    pub(crate) prefer: Option<String>,
}

/// Serves one (non-batch) Graph request for an authenticated app.
pub(crate) async fn dispatch(
    st: &Arc<SimState>,
    who: &AccessClaims,
    route: &Route,
    input: &Input,
) -> GraphReply {
    match &route.kind {
        Kind::User => {
            st.delay().await;
            get_user(st, who, &route.user)
        }
        Kind::Apps(kind) => {
            st.delay().await;
            let reply = super::apps_graph::handle(st, who, route.name, kind, input);
            if let Some(hold) = super::apps_stall::due(st, route.name, &reply) {
                tokio::time::sleep(hold).await;
            }
            reply
        }
        Kind::Batch => GraphReply::error(
            400,
            "BadRequest",
            "Nested batch requests are not supported.",
        ),
        Kind::BadMethod => GraphReply::error(
            405,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        ),
        Kind::Unknown(seg) => GraphReply::error(
            400,
            "BadRequest",
            format!("Resource not found for the segment '{seg}'."),
        ),
        _ => mailbox_request(st, who, route, input).await,
    }
}

fn get_user(st: &SimState, who: &AccessClaims, id: &str) -> GraphReply {
    if !authz::token_grants(&who.roles, Need::ReadUser) {
        return GraphReply::error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let found = lock(&st.directory).find(id).cloned();
    match found {
        Some(m) => graph_mail::user(st, &m),
        None => GraphReply::error(
            404,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        ),
    }
}

async fn mailbox_request(
    st: &Arc<SimState>,
    who: &AccessClaims,
    route: &Route,
    input: &Input,
) -> GraphReply {
    let faults = &st.scenario.faults;
    let found: Option<Mailbox> = lock(&st.directory).find(&route.user).cloned();
    let mailbox = found.as_ref();
    let key = mailbox.map_or_else(|| route.user.to_ascii_lowercase(), |m| m.address.clone());
    let ra = faults.retry_after_s;
    Limits::check_early(st, &who.appid, &key, input.sig);
    let slot = Limits::enter(st, &who.appid, &key);
    let throttled = |code: &'static str, message: &str, inner: Inner| {
        Limits::told_to_wait(st, &who.appid, &key, input.sig, ra);
        GraphReply::error_with(429, code, message, inner).retry_after(retry_after_text(ra))
    };
    if !slot.admitted {
        let message = "Application is over its MailboxConcurrency limit.";
        return throttled("ApplicationThrottled", message, Inner::Omitted);
    }
    if st.faults.throttle(faults) {
        return throttled(
            "TooManyRequests",
            "Please retry again later.",
            Inner::Throttle,
        );
    }
    st.delay().await;
    let caller = Caller {
        app: &who.appid,
        sp: &who.oid,
        roles: &who.roles,
        elapsed_s: st.elapsed_s(),
    };
    let Some(need) = route.need() else {
        return GraphReply::error(400, "BadRequest", "Unsupported request.");
    };
    let decide = |n: Need| authz::decide(&lock(&st.directory), &caller, mailbox, n);
    let decision = decide(need);
    if let Some(reply) = refusal(decision, &route.user) {
        return reply;
    }
    let Some(m) = mailbox else {
        return GraphReply::error(404, "ErrorInvalidUser", "The requested user is invalid.");
    };
    if st.faults.stale(faults) {
        Limits::told_to_wait(st, &who.appid, &key, input.sig, ra);
        let msg = format!(
            "Target resource '{}' hosted on database '{}' is currently on backend 'Unknown'",
            m.id,
            super::scenario_load::derived_id("db", &m.address)
        );
        return GraphReply::error_with(503, "MailboxInfoStale", msg, Inner::Omitted)
            .retry_after(retry_after_text(ra));
    }
    let full_read = need != Need::ReadMailBasic || decide(Need::ReadMail) == Decision::Granted;
    graph_mail::handle(st, m, route, input, full_read)
}

/// The error reply for a refused decision.
fn refusal(d: Decision, user: &str) -> Option<GraphReply> {
    let denied = "Access is denied. Check credentials and try again.";
    Some(match d {
        Decision::Granted => return None,
        Decision::NoPermission | Decision::OutOfRbacScope => {
            GraphReply::error_with(403, "ErrorAccessDenied", denied, Inner::Omitted)
        }
        Decision::PolicyDenied => GraphReply::error_with(
            403,
            "ErrorAccessDenied",
            "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
            Inner::Omitted,
        ),
        Decision::UnknownUser => GraphReply::error(
            404,
            "ErrorInvalidUser",
            format!("The requested user '{user}' is invalid."),
        ),
        Decision::NoRestMailbox => GraphReply::error(
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        ),
    })
}
