//! Exchange Online's host per Microsoft cloud, and the resource an Exchange token is asked
//! for (the sign-in needs it; the exchange module posts cmdlets there). Hosts as the Exchange
//! Online PowerShell module connects to them (`-ExchangeEnvironmentName`), reference §3b.

use super::cloud::CloudEndpoints;
use crate::profile::Cloud;

/// The Exchange host of a named cloud; `None` for a custom cloud.
pub fn exchange_host(cloud: Cloud) -> Option<&'static str> {
    match cloud {
        Cloud::Global | Cloud::Gcc => Some("outlook.office365.com"),
        Cloud::GccHigh => Some("outlook.office365.us"),
        Cloud::Dod => Some("webmail.apps.mil"),
        Cloud::China => Some("partner.outlook.cn"),
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
