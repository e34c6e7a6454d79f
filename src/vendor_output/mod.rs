//! What the admin hands to the vendor's product: LEXZUR's `integrations.json` entry (shown, or
//! merged into the installed file), and for the other products the fields their settings page
//! asks for with the values to enter. The client secret is included only on explicit request.

mod fields;
mod integrations;
mod ordered;

pub use fields::{FieldValue, NOT_SET, render_fields, secret_placeholder, vendor_fields};
pub use integrations::{
    MergeOutcome, SECRET_NOT_SHOWN, VendorOutputError, integrations_entry, merge_integrations,
    write_integrations,
};

#[cfg(test)]
mod tests;
