//! The values to enter on the vendor's settings page, labelled as that page labels them.

use crate::preset::{Preset, VendorValue};
use crate::profile::{Expectation, Profile};

/// One field of the vendor's settings page and what to enter there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The label on the vendor's page.
    pub label: String,
    /// The value to enter, or a note in parentheses when there is none to show.
    pub value: String,
    /// Whether `value` is the secret itself (so a caller can mask or avoid logging it).
    pub is_secret: bool,
}

/// Shown for a value the profile does not have yet.
pub const NOT_SET: &str = "(not set yet)";

/// The secret's place when it is not requested: where it is, and that it is shown on request.
pub fn secret_placeholder(profile_name: &str) -> String {
    format!("(kept in the OS keyring for profile {profile_name}; shown only when you ask for it)")
}

fn or_not_set(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| NOT_SET.to_string())
}

/// The vendor's fields with `profile`'s values. The secret appears only when the caller
/// passes it (an explicit request); otherwise a placeholder says where it is.
pub fn vendor_fields(profile: &Profile, preset: &Preset, secret: Option<&str>) -> Vec<FieldValue> {
    let cred = profile.credential.as_ref();
    preset
        .vendor_settings
        .fields
        .iter()
        .map(|f| {
            let (value, is_secret) = match f.value {
                VendorValue::ClientId => (or_not_set(profile.client_id.as_deref()), false),
                VendorValue::TenantId => (or_not_set(profile.tenant.as_deref()), false),
                VendorValue::ClientSecret => match secret {
                    Some(s) => (s.to_string(), true),
                    None => (secret_placeholder(&profile.name), false),
                },
                VendorValue::CertificateThumbprint => (
                    or_not_set(cred.and_then(|c| c.thumbprint_sha1.as_deref())),
                    false,
                ),
                VendorValue::CertificateFile => {
                    (or_not_set(cred.and_then(|c| c.cert_file.as_deref())), false)
                }
                VendorValue::RedirectUri => (or_not_set(profile.redirect_uri.as_deref()), false),
                VendorValue::MailboxAddresses => {
                    let granted: Vec<&str> = profile
                        .mailboxes
                        .iter()
                        .filter(|m| m.expect == Expectation::Granted)
                        .map(|m| m.address.as_str())
                        .collect();
                    let joined = granted.join(", ");
                    (or_not_set(Some(joined.as_str())), false)
                }
            };
            FieldValue {
                label: f.label.clone(),
                value,
                is_secret,
            }
        })
        .collect()
}

/// The fields as text: where to enter them, then one `label: value` line each.
pub fn render_fields(preset: &Preset, fields: &[FieldValue]) -> String {
    let width = fields.iter().map(|f| f.label.len()).max().unwrap_or(0);
    let mut out = format!("Enter these in {}:\n", preset.vendor_settings.location);
    for f in fields {
        out.push_str(&format!(
            "  {:width$}  {}\n",
            format!("{}:", f.label),
            f.value,
            width = width + 1
        ));
    }
    out
}
