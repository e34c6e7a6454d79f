//! Query options of the mail collections: `$filter`, `$orderby`, `$select`, `$top`, `$skip`,
//! `$count`, `$expand=attachments` and `Prefer: odata.maxpagesize`, with the nextLink that
//! continues exactly the collection asked for (percent-encoded, as Graph writes it).
//!
//! An option this sim does not implement (`$search`, `$format`, ...) is refused as Graph
//! refuses an unsupported one (400 "The query parameter '$x' is not supported."), never
//! ignored. `$filter` with `$orderby` follows Exchange's rule: the ordered properties must
//! lead the filter, in the same order, or the answer is `InefficientFilter`.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::graph_filter::{self, Expr, FilterError};
use super::graph_reply::GraphReply;

/// One collection type: its property names and OData type name (for errors).
pub(crate) struct Collection {
    pub(crate) properties: &'static [&'static str],
    pub(crate) type_name: &'static str,
    /// Default order when `$orderby` is absent: (property, descending).
    pub(crate) default_order: Option<(&'static str, bool)>,
}

/// The message resource's properties (Graph v1.0).
pub(crate) const MESSAGE_PROPERTIES: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "categories",
    "receivedDateTime",
    "sentDateTime",
    "hasAttachments",
    "internetMessageId",
    "subject",
    "bodyPreview",
    "importance",
    "parentFolderId",
    "conversationId",
    "conversationIndex",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
    "isRead",
    "isDraft",
    "webLink",
    "inferenceClassification",
    "body",
    "uniqueBody",
    "sender",
    "from",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "flag",
    "attachments",
    "extensions",
    "internetMessageHeaders",
    "multiValueExtendedProperties",
    "singleValueExtendedProperties",
];

pub(crate) const MESSAGES: Collection = Collection {
    properties: MESSAGE_PROPERTIES,
    type_name: "Microsoft.OutlookServices.Message",
    default_order: Some(("receivedDateTime", true)),
};

pub(crate) const FOLDERS: Collection = Collection {
    properties: &[
        "id",
        "displayName",
        "parentFolderId",
        "childFolderCount",
        "unreadItemCount",
        "totalItemCount",
        "sizeInBytes",
        "isHidden",
        "childFolders",
        "messages",
    ],
    type_name: "Microsoft.OutlookServices.MailFolder",
    default_order: None,
};

/// The options of one list request.
#[derive(Debug, Default)]
pub(crate) struct ListQuery {
    page: usize,
    skip: usize,
    select: Option<Vec<String>>,
    filter: Option<Expr>,
    order: Vec<(Vec<String>, bool)>,
    count: bool,
    /// `$expand=attachments`.
    pub(crate) expand_attachments: bool,
    /// The applied `odata.maxpagesize`, for `Preference-Applied`.
    pub(crate) max_page_applied: Option<usize>,
}

fn bad(code: &'static str, message: impl Into<String>) -> GraphReply {
    GraphReply::error(400, code, message)
}

fn unsupported(option: &str) -> GraphReply {
    bad(
        "BadRequest",
        format!("The query parameter '{option}' is not supported."),
    )
}

fn unknown_property(c: &Collection, name: &str) -> GraphReply {
    bad(
        "RequestBroker--ParseUri",
        format!(
            "Could not find a property named '{name}' on type '{}'.",
            c.type_name
        ),
    )
}

fn known(c: &Collection, name: &str) -> bool {
    c.properties.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// `odata.maxpagesize=N` from a `Prefer` header (1..=1000; otherwise not applied).
fn max_page_size(prefer: Option<&str>) -> Option<usize> {
    prefer?.split(',').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("odata.maxpagesize") {
            return None;
        }
        let n = v.trim().trim_matches('"').parse::<usize>().ok()?;
        (1..=1000).contains(&n).then_some(n)
    })
}

impl ListQuery {
    /// Reads and validates the options; the 400 Graph sends otherwise.
    pub(crate) fn parse(
        query: &HashMap<String, String>,
        prefer: Option<&str>,
        c: &Collection,
    ) -> Result<ListQuery, GraphReply> {
        let mut q = ListQuery::default();
        let mut top = None;
        for (k, v) in query {
            match k.to_ascii_lowercase().as_str() {
                "$top" => match v.trim().parse::<usize>() {
                    Ok(n) if (1..=1000).contains(&n) => top = Some(n),
                    _ => {
                        return Err(bad(
                            "ErrorInvalidParameter",
                            "Invalid value for parameter '$top'.",
                        ));
                    }
                },
                "$skip" => {
                    q.skip = v.trim().parse::<usize>().map_err(|_| {
                        bad(
                            "ErrorInvalidParameter",
                            "Invalid value for parameter '$skip'.",
                        )
                    })?;
                }
                "$select" => {
                    let names: Vec<String> = v
                        .split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect();
                    if let Some(n) = names.iter().find(|n| !known(c, n)) {
                        return Err(unknown_property(c, n));
                    }
                    q.select = Some(names);
                }
                "$count" => match v.trim().to_ascii_lowercase().as_str() {
                    "true" => q.count = true,
                    "false" => {}
                    _ => {
                        return Err(bad(
                            "BadRequest",
                            format!("Invalid value '{v}' for the query parameter '$count'."),
                        ));
                    }
                },
                "$filter" => {
                    q.filter = Some(graph_filter::parse(v, c.properties, c.type_name).map_err(
                        |e| match e {
                            FilterError::UnknownProperty(m) => bad("RequestBroker--ParseUri", m),
                            FilterError::Syntax(m) => {
                                bad("BadRequest", format!("Invalid filter clause: {m}"))
                            }
                            FilterError::Unsupported(m) => {
                                bad("BadRequest", format!("Invalid filter clause: {m}."))
                            }
                        },
                    )?);
                }
                "$orderby" => q.order = order_by(v, c)?,
                "$expand" => {
                    for item in v.split(',').map(str::trim) {
                        if item.eq_ignore_ascii_case("attachments")
                            && c.type_name.ends_with("Message")
                        {
                            q.expand_attachments = true;
                        } else if !known(c, item) {
                            return Err(unknown_property(c, item));
                        } else {
                            return Err(bad(
                                "BadRequest",
                                format!(
                                    "Expanding '{item}' is not supported by the simulated tenant."
                                ),
                            ));
                        }
                    }
                }
                "$skiptoken" => {}
                other if other.starts_with('$') => return Err(unsupported(k)),
                _ => {}
            }
        }
        if let (Some(f), false) = (&q.filter, q.order.is_empty()) {
            let mut props = Vec::new();
            graph_filter::properties(f, &mut props);
            let leads = q.order.len() <= props.len()
                && q.order
                    .iter()
                    .zip(&props)
                    .all(|((o, _), p)| o.join("/").eq_ignore_ascii_case(p));
            if !leads {
                return Err(bad(
                    "InefficientFilter",
                    "The restriction or sort order is too complex for this operation.",
                ));
            }
        }
        let max = max_page_size(prefer);
        q.page = match (top, max) {
            (Some(t), Some(m)) => t.min(m),
            (Some(t), None) => t,
            (None, Some(m)) => m,
            (None, None) => 10,
        };
        q.max_page_applied = max;
        Ok(q)
    }

    /// Filters, orders and pages `items`; `(page, total matching, more after this page)`.
    pub(crate) fn apply(&self, items: Vec<Value>, c: &Collection) -> (Vec<Value>, usize, bool) {
        let mut all: Vec<Value> = items
            .into_iter()
            .filter(|v| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| graph_filter::matches(f, v))
            })
            .collect();
        let default: Vec<(Vec<String>, bool)> = c
            .default_order
            .map(|(p, d)| vec![(vec![p.to_string()], d)])
            .unwrap_or_default();
        let order = if self.order.is_empty() {
            &default
        } else {
            &self.order
        };
        if !order.is_empty() {
            all.sort_by(|a, b| {
                for (path, desc) in order {
                    let o = compare(
                        graph_filter::at_path(a, path),
                        graph_filter::at_path(b, path),
                    );
                    let o = if *desc { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        let total = all.len();
        let page: Vec<Value> = all
            .into_iter()
            .skip(self.skip)
            .take(self.page)
            .map(|v| self.select(v))
            .collect();
        (page, total, self.skip.saturating_add(self.page) < total)
    }

    fn select(&self, mut v: Value) -> Value {
        if let (Some(sel), Some(o)) = (&self.select, v.as_object_mut()) {
            o.retain(|k, _| {
                k == "id" || k == "@odata.etag" || sel.iter().any(|s| s.eq_ignore_ascii_case(k))
            });
        }
        v
    }

    /// The collection body: context, `@odata.count` when asked, value, nextLink.
    pub(crate) fn body(
        &self,
        context: String,
        page: Vec<Value>,
        total: usize,
        more: bool,
        next_base: &str,
        query: &HashMap<String, String>,
    ) -> Value {
        let mut body = json!({ "@odata.context": context });
        if self.count {
            body["@odata.count"] = json!(total);
        }
        body["value"] = Value::Array(page);
        if more {
            body["@odata.nextLink"] = json!(next_link(
                next_base,
                query,
                self.skip.saturating_add(self.page)
            ));
        }
        body
    }
}

fn order_by(v: &str, c: &Collection) -> Result<Vec<(Vec<String>, bool)>, GraphReply> {
    let mut out = Vec::new();
    for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = item.split_whitespace();
        let path: Vec<String> = words
            .next()
            .unwrap_or_default()
            .split('/')
            .map(String::from)
            .collect();
        if !known(c, &path[0]) {
            return Err(unknown_property(c, &path[0]));
        }
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => {
                return Err(bad(
                    "BadRequest",
                    format!("Invalid $orderby clause: '{item}'."),
                ));
            }
        };
        if words.next().is_some() {
            return Err(bad(
                "BadRequest",
                format!("Invalid $orderby clause: '{item}'."),
            ));
        }
        out.push((path, desc));
    }
    Ok(out)
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            match (graph_filter::parse_time(x), graph_filter::parse_time(y)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => x.to_lowercase().cmp(&y.to_lowercase()),
            }
        }
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `{base}?{the same options}&%24skip=N`, options in a stable order.
fn next_link(base: &str, query: &HashMap<String, String>, skip: usize) -> String {
    let mut keys: Vec<&String> = query
        .keys()
        .filter(|k| !k.eq_ignore_ascii_case("$skip") && !k.eq_ignore_ascii_case("$skiptoken"))
        .collect();
    keys.sort();
    let mut parts: Vec<String> = keys
        .into_iter()
        .map(|k| format!("{}={}", encode_component(k), encode_component(&query[k])))
        .collect();
    parts.push(format!("%24skip={skip}"));
    format!("{base}?{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn next_link_keeps_the_options_and_encodes_them() {
        let l = next_link(
            "https://h/v1.0/users/a@b/mailFolders/drafts/messages",
            &q(&[
                ("$top", "1"),
                ("$filter", "isRead eq false"),
                ("$skip", "1"),
            ]),
            2,
        );
        assert_eq!(
            l,
            "https://h/v1.0/users/a@b/mailFolders/drafts/messages?%24filter=isRead%20eq%20false&%24top=1&%24skip=2"
        );
    }

    #[test]
    fn refusals_have_graphs_codes() {
        let code = |pairs: &[(&str, &str)], prefer: Option<&str>| match ListQuery::parse(
            &q(pairs),
            prefer,
            &MESSAGES,
        ) {
            Ok(_) => "ok".to_string(),
            Err(r) => match r.body {
                super::super::graph_reply::ReplyBody::Error { code, .. } => code.to_string(),
                _ => "other".to_string(),
            },
        };
        assert_eq!(code(&[("$search", "\"x\"")], None), "BadRequest");
        assert_eq!(
            code(&[("$filter", "nope eq 1")], None),
            "RequestBroker--ParseUri"
        );
        assert_eq!(
            code(
                &[
                    ("$filter", "isRead eq false"),
                    ("$orderby", "receivedDateTime desc")
                ],
                None
            ),
            "InefficientFilter"
        );
        assert_eq!(
            code(
                &[
                    (
                        "$filter",
                        "receivedDateTime ge 2026-01-01T00:00:00Z and isRead eq false"
                    ),
                    ("$orderby", "receivedDateTime desc")
                ],
                None
            ),
            "ok"
        );
        assert_eq!(
            code(&[("$select", "subject,nope")], None),
            "RequestBroker--ParseUri"
        );
        assert_eq!(code(&[("$top", "0")], None), "ErrorInvalidParameter");
        let p = ListQuery::parse(
            &q(&[]),
            Some("odata.maxpagesize=3, return=minimal"),
            &MESSAGES,
        )
        .unwrap();
        assert_eq!((p.page, p.max_page_applied), (3, Some(3)));
    }
}
