//! Endpoints per Microsoft cloud, and the HTTP client that trusts exactly what it should.
//!
//! A token is only ever sent to the Graph host of the cloud it was acquired for: requests are
//! built from [`CloudEndpoints::graph_url`], and [`CloudEndpoints::is_graph_url`] guards them.

use std::time::Duration;

use crate::profile::{Cloud, Profile};

/// Where one cloud's identity platform and Graph live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEndpoints {
    pub cloud: Cloud,
    /// `https://login.microsoftonline.com`, no trailing slash.
    pub authority: String,
    /// `https://graph.microsoft.com`, no trailing slash, no version.
    pub graph: String,
    /// An extra CA to trust (PEM), for custom endpoints only.
    pub ca_pem: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    #[error("cloud \"custom\" needs an [endpoints] table with authority and graph URLs")]
    MissingEndpoints,
    #[error("endpoint {0:?} must be an https:// URL")]
    NotHttps(String),
    #[error("cannot read the CA file {path}: {source}")]
    CaFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the CA file {0} holds no PEM certificate")]
    CaInvalid(String),
    #[error("could not set up HTTPS: {0}")]
    Client(#[source] reqwest::Error),
}

fn fixed(cloud: Cloud, authority: &str, graph: &str) -> CloudEndpoints {
    CloudEndpoints {
        cloud,
        authority: authority.to_string(),
        graph: graph.to_string(),
        ca_pem: None,
    }
}

impl CloudEndpoints {
    /// The documented endpoints of a named cloud; `None` for [`Cloud::Custom`].
    pub fn named(cloud: Cloud) -> Option<CloudEndpoints> {
        Some(match cloud {
            Cloud::Global | Cloud::Gcc => fixed(
                cloud,
                "https://login.microsoftonline.com",
                "https://graph.microsoft.com",
            ),
            Cloud::GccHigh => fixed(
                cloud,
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us",
            ),
            Cloud::Dod => fixed(
                cloud,
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us",
            ),
            Cloud::China => fixed(
                cloud,
                "https://login.partner.microsoftonline.cn",
                "https://microsoftgraph.chinacloudapi.cn",
            ),
            Cloud::Custom => return None,
        })
    }

    /// The profile's endpoints: its cloud's, or `[endpoints]` (reading the CA file) for custom.
    pub fn from_profile(p: &Profile) -> Result<CloudEndpoints, CloudError> {
        if let Some(e) = CloudEndpoints::named(p.cloud) {
            return Ok(e);
        }
        let ep = p.endpoints.as_ref().ok_or(CloudError::MissingEndpoints)?;
        let ca_pem = match &ep.ca_file {
            None => None,
            Some(path) => {
                let bytes = crate::fsutil::read_regular(
                    std::path::Path::new(path),
                    crate::fsutil::MAX_CREDENTIAL_BYTES,
                )
                .map_err(|source| CloudError::CaFile {
                    path: path.clone(),
                    source,
                })?;
                if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") {
                    return Err(CloudError::CaInvalid(path.clone()));
                }
                Some(bytes)
            }
        };
        CloudEndpoints::custom(&ep.authority, &ep.graph, ca_pem)
    }

    /// Explicit endpoints (the simulated tenant).
    pub fn custom(
        authority: &str,
        graph: &str,
        ca_pem: Option<Vec<u8>>,
    ) -> Result<CloudEndpoints, CloudError> {
        for u in [authority, graph] {
            if !u.starts_with("https://") {
                return Err(CloudError::NotHttps(u.to_string()));
            }
        }
        Ok(CloudEndpoints {
            cloud: Cloud::Custom,
            authority: authority.trim_end_matches('/').to_string(),
            graph: graph.trim_end_matches('/').to_string(),
            ca_pem,
        })
    }

    /// The token endpoint for a tenant; also the `aud` of a client assertion.
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority, tenant)
    }

    /// The app-only scope: the Graph resource followed by `/.default`.
    pub fn scope(&self) -> String {
        format!("{}/.default", self.graph)
    }

    /// A Graph v1.0 URL; `path` starts with `/`.
    pub fn graph_url(&self, path: &str) -> String {
        format!("{}/v1.0{}", self.graph, path)
    }

    /// Whether `url` is on this cloud's Graph host (the only place a token may go).
    pub fn is_graph_url(&self, url: &str) -> bool {
        url.strip_prefix(&self.graph)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// Host name of the Graph endpoint, for messages.
    pub fn graph_host(&self) -> &str {
        host_of(&self.graph)
    }

    /// Host name of the authority, for messages.
    pub fn authority_host(&self) -> &str {
        host_of(&self.authority)
    }

    /// An HTTPS client for these endpoints: the extra CA only (custom), else the OS roots.
    pub fn http_client(&self, connect_timeout: Duration) -> Result<reqwest::Client, CloudError> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .pool_max_idle_per_host(256)
            .user_agent(concat!("mailscope/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &self.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(CloudError::Client)?;
            b = b.tls_certs_only(certs);
        }
        b.build().map_err(CloudError::Client)
    }
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_clouds_use_documented_hosts() {
        let cases = [
            (
                Cloud::Global,
                "login.microsoftonline.com",
                "graph.microsoft.com",
            ),
            (
                Cloud::Gcc,
                "login.microsoftonline.com",
                "graph.microsoft.com",
            ),
            (
                Cloud::GccHigh,
                "login.microsoftonline.us",
                "graph.microsoft.us",
            ),
            (
                Cloud::Dod,
                "login.microsoftonline.us",
                "dod-graph.microsoft.us",
            ),
            (
                Cloud::China,
                "login.partner.microsoftonline.cn",
                "microsoftgraph.chinacloudapi.cn",
            ),
        ];
        for (cloud, login, graph) in cases {
            let e = CloudEndpoints::named(cloud).expect("named cloud");
            assert_eq!(e.authority_host(), login);
            assert_eq!(e.graph_host(), graph);
        }
        assert!(CloudEndpoints::named(Cloud::Custom).is_none());
    }

    #[test]
    fn urls_and_scope() {
        let e = CloudEndpoints::named(Cloud::GccHigh).expect("named");
        assert_eq!(
            e.token_url("contoso.onmicrosoft.com"),
            "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(e.scope(), "https://graph.microsoft.us/.default");
        assert_eq!(
            e.graph_url("/users/a@b.c/messages"),
            "https://graph.microsoft.us/v1.0/users/a@b.c/messages"
        );
    }

    #[test]
    fn tokens_never_leave_their_cloud() {
        let us = CloudEndpoints::named(Cloud::GccHigh).expect("named");
        assert!(us.is_graph_url(&us.graph_url("/$batch")));
        assert!(!us.is_graph_url("https://graph.microsoft.com/v1.0/users"));
        assert!(!us.is_graph_url("https://graph.microsoft.us.evil.example/v1.0"));
        let dod = CloudEndpoints::named(Cloud::Dod).expect("named");
        assert!(!dod.is_graph_url("https://graph.microsoft.us/v1.0/users"));
    }

    #[test]
    fn custom_endpoints_need_https_and_a_readable_ca() {
        assert!(matches!(
            CloudEndpoints::custom("http://127.0.0.1:1", "https://127.0.0.1:1", None),
            Err(CloudError::NotHttps(_))
        ));
        let e = CloudEndpoints::custom("https://127.0.0.1:9/", "https://127.0.0.1:9/", None)
            .expect("valid");
        assert_eq!(e.scope(), "https://127.0.0.1:9/.default");
        let mut p = Profile::new("t", crate::profile::PresetId::Kundo, Cloud::Custom);
        assert!(matches!(
            CloudEndpoints::from_profile(&p),
            Err(CloudError::MissingEndpoints)
        ));
        p.endpoints = Some(crate::profile::Endpoints {
            authority: "https://127.0.0.1:9".into(),
            graph: "https://127.0.0.1:9".into(),
            ca_file: Some("/nonexistent/ca.pem".into()),
            exchange: None,
        });
        let err = CloudEndpoints::from_profile(&p).expect_err("missing file");
        assert!(err.to_string().contains("/nonexistent/ca.pem"));
        assert!(
            matches!(&err, CloudError::CaFile { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
            "the I/O cause is kept: {err:?}"
        );
    }
}
