//! The resource an Exchange token is asked for, per Microsoft cloud (the sign-in needs it; the
//! exchange module posts cmdlets to the same host): the cloud's Exchange host
//! ([`Cloud::exchange_host`], as Microsoft's Exchange admin API reference lists them; the
//! PowerShell module itself connects DoD to webmail.apps.mil and 21Vianet to
//! partner.outlook.cn).

use super::cloud::CloudEndpoints;
#[cfg(test)]
use crate::profile::Cloud;

/// `https://{Exchange host}`; for custom endpoints Exchange's commercial resource, as the
/// simulated tenant expects.
pub fn exchange_resource(endpoints: &CloudEndpoints) -> String {
    format!(
        "https://{}",
        endpoints
            .cloud
            .exchange_host()
            .unwrap_or("outlook.office365.com")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_cloud_has_its_exchange_resource() {
        let resources: Vec<_> = Cloud::ALL
            .iter()
            .filter_map(|c| CloudEndpoints::named(*c))
            .map(|e| exchange_resource(&e))
            .collect();
        assert_eq!(
            resources,
            [
                "https://outlook.office365.com",
                "https://outlook.office365.com",
                "https://outlook.office365.us",
                "https://outlook-dod.office365.us",
                "https://outlook.office365.cn",
            ]
        );
        let sim = CloudEndpoints::custom("https://127.0.0.1:9", "https://127.0.0.1:9", None)
            .expect("custom");
        assert_eq!(exchange_resource(&sim), "https://outlook.office365.com");
    }
}
