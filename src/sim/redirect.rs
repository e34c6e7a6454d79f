//! Loopback redirect URIs as Entra matches them: `http` only for loopback hosts, the port
//! ignored, the path compared exactly (case-sensitive), a path-less URI meaning `/`
//! (reference §1a, E3).

/// A parsed loopback redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loopback {
    /// `localhost` or `127.0.0.1`, lower case.
    pub(crate) host: String,
    /// The port, if one was given.
    pub(crate) port: Option<u16>,
    /// The path, `/` when none was given.
    pub(crate) path: String,
}

/// Parses `http://localhost[:port][/path]` (or `127.0.0.1`); `None` for anything else
/// (other schemes, other hosts, `[::1]`, query or fragment).
pub(crate) fn parse(uri: &str) -> Option<Loopback> {
    let rest = uri.strip_prefix("http://")?;
    if rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse::<u16>().ok()?)),
        None => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    if host != "localhost" && host != "127.0.0.1" {
        return None;
    }
    Some(Loopback {
        host,
        port,
        path: path.to_string(),
    })
}

/// Whether `sent` matches one of `registered` (port-blind, host and path exact).
pub(crate) fn matches(registered: &[String], sent: &str) -> bool {
    let Some(s) = parse(sent) else {
        return false;
    };
    registered
        .iter()
        .filter_map(|r| parse(r))
        .any(|r| r.host == s.host && r.path == s.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_blind_path_exact() {
        let reg = vec!["http://localhost".to_string()];
        assert!(matches(&reg, "http://localhost:53127/"));
        assert!(matches(&reg, "http://localhost:53127"));
        assert!(!matches(&reg, "http://localhost:53127/cb"));
        assert!(!matches(&reg, "http://127.0.0.1:53127/"));
        assert!(!matches(&reg, "https://localhost:53127/"));
        assert!(!matches(&reg, "http://[::1]:53127/"));
        assert!(!matches(&reg, "http://localhost:x/"));
        let reg = vec!["http://localhost/Cb".to_string()];
        assert!(matches(&reg, "http://localhost:1/Cb"));
        assert!(!matches(&reg, "http://localhost:1/cb"));
    }
}
