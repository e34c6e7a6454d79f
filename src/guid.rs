//! GUIDs as admins paste them: the 8-4-4-4-12 form, and the GUID a value with misplaced or
//! missing hyphens most likely means (shown as a suggestion, never used silently). A leaf: it
//! imports nothing of mailscope, so `profile` and `preset` can both use it.

/// `s` trimmed, without the braces a GUID is sometimes written in.
fn unbraced(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t)
}

/// Parses a GUID in its usual 8-4-4-4-12 form (braces and surrounding space tolerated),
/// returning it lower-cased.
pub fn parse_guid(s: &str) -> Option<String> {
    let t = unbraced(s);
    let groups: Vec<&str> = t.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != 5
        || groups
            .iter()
            .zip(lens)
            .any(|(g, n)| g.len() != n || !g.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(t.to_ascii_lowercase())
}

/// For a value that is not a GUID but holds exactly 32 hex digits with its hyphens misplaced or
/// missing (as a vendor's guide once printed `21e7e0d8-bedf4a60-a5eb-fd0ae1571d36`): the GUID it
/// most likely means. Only ever shown to the admin as a suggestion; never used silently.
pub fn likely_guid(s: &str) -> Option<String> {
    let t = unbraced(s);
    if parse_guid(t).is_some() || !t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return None;
    }
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    (hex.len() == 32).then(|| {
        let h = hex.to_ascii_lowercase();
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    })
}

/// The sentence that names the likely intended GUID, when there is one.
pub fn likely_guid_hint(s: &str) -> String {
    likely_guid(s).map_or_else(String::new, |g| {
        format!(
            " It has the 32 hex digits of a GUID with a hyphen out of place or missing: did the source mean {g}? Check it there before you use it."
        )
    })
}
