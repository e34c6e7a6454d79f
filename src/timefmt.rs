//! Times as people read them in reports and records: RFC 3339 to the second. A leaf module.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 to the second (reports are read by people; sub-second digits are noise).
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}
