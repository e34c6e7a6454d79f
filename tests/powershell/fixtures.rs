//! Profiles for the script tests: a realistic one per preset, and the same shape with any
//! strings (for the property tests).

use mailscope::preset::{self, Preset};
use mailscope::profile::{
    CredentialInfo, CredentialKind, Expectation, Mailbox, MailboxKind, PresetId, Profile, Scope,
};
use time::macros::date;

pub fn preset_for(id: PresetId) -> Preset {
    preset::preset(id).expect("built-in preset")
}

/// The strings of a profile, so tests can fill them with anything.
#[derive(Debug, Clone)]
pub struct Strings {
    pub name: String,
    pub tenant: String,
    pub client_id: String,
    pub app_name: String,
    pub redirect_uri: String,
    pub sp_id: String,
    pub cert_file: String,
    pub group_name: String,
    pub group_address: String,
    pub description: String,
    pub mailboxes: Vec<String>,
}

impl Strings {
    pub fn realistic() -> Strings {
        Strings {
            name: "contoso-kundo".into(),
            tenant: "3f1c2a9e-8d7b-4c6a-9e5f-1a2b3c4d5e6f".into(),
            client_id: "1b2c3d4e-0000-4000-8000-000000000001".into(),
            app_name: "Contoso mail app".into(),
            redirect_uri: "https://lexzur.contoso.com/api/v2/core/user_authorization_callback"
                .into(),
            sp_id: "9a8b7c6d-1111-4222-8333-444455556666".into(),
            cert_file: "C:\\certs\\contoso-mail.cer".into(),
            group_name: "Contoso app mailboxes".into(),
            group_address: "app-mailboxes@contoso.com".into(),
            description: "Restrict the Contoso mail app to its mailboxes".into(),
            mailboxes: vec![
                "support@contoso.com".into(),
                "sales@contoso.com".into(),
                "queue@contoso.com".into(),
                "ceo@contoso.com".into(),
            ],
        }
    }

    /// Every string replaced by a plain one of the same presence: the benign twin.
    pub fn benign(&self) -> Strings {
        let x = |_: &String| "x".to_string();
        Strings {
            name: x(&self.name),
            tenant: x(&self.tenant),
            client_id: x(&self.client_id),
            app_name: x(&self.app_name),
            redirect_uri: x(&self.redirect_uri),
            sp_id: x(&self.sp_id),
            cert_file: x(&self.cert_file),
            group_name: x(&self.group_name),
            group_address: x(&self.group_address),
            description: x(&self.description),
            mailboxes: self.mailboxes.iter().map(x).collect(),
        }
    }
}

/// A complete profile for `preset`: the last mailbox is expected denied, the third (when
/// there are four) is a shared mailbox; Sinch uses shared mailboxes only.
pub fn profile(preset: &Preset, s: &Strings) -> Profile {
    let mut p = Profile::new(&s.name, preset.id, Default::default());
    p.tenant = Some(s.tenant.clone());
    p.client_id = Some(s.client_id.clone());
    p.app_name = Some(s.app_name.clone());
    p.account_type = Some(preset.default_account_type);
    if preset.redirect_uri_template.is_some() {
        p.redirect_uri = Some(s.redirect_uri.clone());
    }
    p.service_principal_id = Some(s.sp_id.clone());
    let mut cred = CredentialInfo::new(preset.default_credential);
    match preset.default_credential {
        CredentialKind::Secret => cred.expires = Some(date!(2027 - 05 - 01)),
        CredentialKind::Certificate => cred.cert_file = Some(s.cert_file.clone()),
    }
    p.credential = Some(cred);
    p.scope = Some(Scope {
        mechanism: preset.scoping.mechanism,
        group_name: Some(s.group_name.clone()),
        group_address: Some(s.group_address.clone()),
        description: Some(s.description.clone()),
        changed_at: None,
    });
    let n = s.mailboxes.len();
    p.mailboxes = s
        .mailboxes
        .iter()
        .enumerate()
        .map(|(i, a)| Mailbox {
            address: a.clone(),
            kind: if preset.id == PresetId::Sinch || (n == 4 && i == 2) {
                MailboxKind::Shared
            } else {
                MailboxKind::User
            },
            expect: if i + 1 == n && n > 1 {
                Expectation::Denied
            } else {
                Expectation::Granted
            },
        })
        .collect();
    p
}
