//! Where Exchange Online's admin endpoint lives for each cloud, the resource its tokens are
//! for, and the one URL mailscope posts cmdlets to. The endpoint (`adminapi/beta`) is the one
//! Exchange Online PowerShell v3 itself uses; Microsoft does not document it (reference §3a).

use crate::graph::cloud::CloudEndpoints;
use crate::profile::Profile;

/// The note every place that uses the endpoint shows.
pub const UNDOCUMENTED: &str = "mailscope talks to Exchange Online through the REST endpoint Exchange Online PowerShell itself uses (adminapi/beta InvokeCommand), which Microsoft does not document; `mailscope script` writes the documented PowerShell for the same steps.";

/// The base URL cmdlets are posted under (no trailing slash): the cloud's Exchange host, or
/// for custom endpoints the Graph base URL (the simulated tenant serves Exchange too).
pub fn base(endpoints: &CloudEndpoints) -> String {
    match endpoints.cloud.exchange_host() {
        Some(h) => format!("https://{h}"),
        None => endpoints.graph.trim_end_matches('/').to_string(),
    }
}

/// The base URL for `profile`: its `[endpoints] exchange` or its cloud's host
/// ([`Profile::exchange_endpoint`]), else [`base`].
pub fn base_for(profile: &Profile, endpoints: &CloudEndpoints) -> String {
    profile
        .exchange_endpoint()
        .unwrap_or_else(|| base(endpoints))
}

pub use crate::graph::cloud_exchange::exchange_resource as resource;

/// `{base}/adminapi/beta/{tenant}/InvokeCommand`.
pub fn invoke_url(base: &str, tenant: &str) -> String {
    format!(
        "{}/adminapi/beta/{}/InvokeCommand",
        base.trim_end_matches('/'),
        tenant.trim()
    )
}

/// Whether `url` is under `base`'s admin API (the only place an Exchange token may go, next
/// pages included).
pub fn is_admin_url(base: &str, url: &str) -> bool {
    url.strip_prefix(base.trim_end_matches('/'))
        .is_some_and(|rest| rest.starts_with("/adminapi/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Cloud;

    #[test]
    fn each_cloud_has_its_host_and_custom_uses_the_sim() {
        let g = CloudEndpoints::named(Cloud::Global).expect("named");
        assert_eq!(base(&g), "https://outlook.office365.com");
        assert_eq!(resource(&g), "https://outlook.office365.com");
        let h = CloudEndpoints::named(Cloud::GccHigh).expect("named");
        assert_eq!(resource(&h), "https://outlook.office365.us");
        let c = CloudEndpoints::custom("https://127.0.0.1:9/", "https://127.0.0.1:9/", None)
            .expect("custom");
        assert_eq!(base(&c), "https://127.0.0.1:9");
        assert_eq!(resource(&c), "https://outlook.office365.com");
        assert_eq!(
            invoke_url(&base(&c), "t-id"),
            "https://127.0.0.1:9/adminapi/beta/t-id/InvokeCommand"
        );
        let mut p = Profile::new("t", crate::profile::PresetId::Kundo, Cloud::Custom);
        assert_eq!(base_for(&p, &c), "https://127.0.0.1:9");
        p.endpoints = Some(crate::profile::Endpoints {
            authority: "https://127.0.0.1:9".into(),
            graph: "https://127.0.0.1:9".into(),
            ca_file: None,
            exchange: Some("https://127.0.0.1:10/".into()),
        });
        assert_eq!(base_for(&p, &c), "https://127.0.0.1:10");
        let dod = Profile::new("t", crate::profile::PresetId::Kundo, Cloud::Dod);
        assert_eq!(base_for(&dod, &c), "https://outlook-dod.office365.us");
    }

    #[test]
    fn tokens_stay_on_the_admin_api() {
        let b = "https://outlook.office365.com";
        assert!(is_admin_url(b, &invoke_url(b, "t")));
        assert!(!is_admin_url(
            b,
            "https://outlook.office365.com.evil/adminapi/x"
        ));
        assert!(!is_admin_url(b, "https://outlook.office365.com/owa"));
        assert!(!is_admin_url(
            b,
            "https://evil.example/adminapi/beta/t/InvokeCommand"
        ));
    }
}
