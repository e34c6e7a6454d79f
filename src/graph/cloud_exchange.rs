//! Exchange Online's host per Microsoft cloud, and the resource an Exchange token is asked
//! for (the sign-in needs it; the exchange module posts cmdlets there). Hosts as Microsoft's
//! Exchange admin API endpoints reference lists them (reference §3b; the PowerShell module
//! itself connects DoD to webmail.apps.mil and 21Vianet to partner.outlook.cn).

use super::cloud::CloudEndpoints;
use crate::profile::Cloud;

/// The Exchange host of a named cloud; `None` for a custom cloud.
pub fn exchange_host(cloud: Cloud) -> Option<&'static str> {
    match cloud {
        Cloud::Global | Cloud::Gcc => Some("outlook.office365.com"),
        Cloud::GccHigh => Some("outlook.office365.us"),
        Cloud::Dod => Some("outlook-dod.office365.us"),
        Cloud::China => Some("outlook.office365.cn"),
        Cloud::Custom => None,
    }
}

/// The resource an Exchange token is asked for (`{resource}/.default`): the cloud's Exchange
/// host; for custom endpoints Exchange's commercial resource, as the simulated tenant expects.
pub fn exchange_resource(endpoints: &CloudEndpoints) -> String {
    format!(
        "https://{}",
        exchange_host(endpoints.cloud).unwrap_or("outlook.office365.com")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_cloud_has_its_exchange_host() {
        let hosts: Vec<_> = Cloud::ALL.iter().map(|c| exchange_host(*c)).collect();
        assert_eq!(
            hosts,
            [
                Some("outlook.office365.com"),
                Some("outlook.office365.com"),
                Some("outlook.office365.us"),
                Some("outlook-dod.office365.us"),
                Some("outlook.office365.cn"),
                None,
            ]
        );
        let dod = CloudEndpoints::named(Cloud::Dod).expect("named");
        assert_eq!(exchange_resource(&dod), "https://outlook-dod.office365.us");
    }
}
