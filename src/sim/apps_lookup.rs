//! Finding applications and service principals by key or `$filter`, as replication lets Graph
//! see them.

use super::apps::Keyed;
use super::apps_authz::{self, not_found};
use super::apps_routes::Key;
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::SimState;

/// Whether an object created at `created_s` is visible yet (replication lag).
pub(crate) fn replicated(st: &SimState, created_s: f64) -> bool {
    st.elapsed_s() >= created_s + st.scenario.app_management.replication_lag_s
}

/// The index of the object a key names, if it exists and has replicated (404 otherwise).
pub(crate) fn find<T: Keyed>(st: &SimState, items: &[T], key: &Key) -> Result<usize, GraphReply> {
    let (text, i) = match key {
        Key::Id(id) => (
            id,
            items.iter().position(|a| a.id().eq_ignore_ascii_case(id)),
        ),
        Key::AppId(id) => (
            id,
            items
                .iter()
                .position(|a| a.app_id().eq_ignore_ascii_case(id)),
        ),
    };
    match i {
        Some(i) if replicated(st, items[i].created_s()) => Ok(i),
        _ => Err(not_found(text)),
    }
}

/// The objects matching a list request's `$filter` on `appId`, `displayName` or `id`.
pub(crate) fn filtered<'a, T: Keyed>(
    items: &'a [T],
    input: &Input,
) -> Result<Vec<&'a T>, GraphReply> {
    let filters = apps_authz::eq_filter(&input.query, &["appid", "displayname", "id"])?;
    Ok(items
        .iter()
        .filter(|a| {
            filters.iter().all(|(p, v)| match p.as_str() {
                "appid" => a.app_id().eq_ignore_ascii_case(v),
                "id" => a.id().eq_ignore_ascii_case(v),
                _ => a.display_name() == v,
            })
        })
        .collect())
}
