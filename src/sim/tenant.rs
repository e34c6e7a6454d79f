//! The `{tenant}` path segment: GUID, domain, reserved names, or malformed.

use super::scenario::Scenario;

/// How a `{tenant}` segment resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TenantMatch {
    /// This scenario's tenant.
    Ours,
    /// `common`, `organizations` or `consumers`.
    Reserved,
    /// Well formed but not this tenant (AADSTS90002).
    NotFound,
    /// Neither a GUID nor a DNS name (AADSTS900023).
    Malformed,
}

/// Whether `s` is shaped like a DNS name (at least two labels of letters, digits and hyphens).
pub(crate) fn looks_like_domain(s: &str) -> bool {
    crate::profile::validate::domain(s).is_ok()
}

/// Classifies a tenant segment against the scenario.
pub(crate) fn classify(s: &Scenario, segment: &str) -> TenantMatch {
    let lower = segment.to_ascii_lowercase();
    if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
        TenantMatch::Reserved
    } else if s.names_tenant(&lower) {
        TenantMatch::Ours
    } else if (uuid::Uuid::try_parse(&lower).is_ok() && lower.len() == 36)
        || looks_like_domain(&lower)
    {
        TenantMatch::NotFound
    } else {
        TenantMatch::Malformed
    }
}
