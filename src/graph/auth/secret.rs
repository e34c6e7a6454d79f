//! Client-credentials form fields, for a client secret or a certificate assertion.

use super::assertion::{ASSERTION_TYPE, AssertionError, CertificateCredential};
use crate::secrets::Secret;

/// The app's proof of identity for one run. Prints as redacted.
#[derive(Debug, Clone)]
pub enum Credential {
    Secret(Secret),
    Certificate(CertificateCredential),
}

impl Credential {
    /// `secret` or `certificate`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::Secret(_) => "secret",
            Credential::Certificate(_) => "certificate",
        }
    }

    /// The form of a client-credentials token request. Holds the secret or the signed
    /// assertion, so it lives only as long as the request.
    pub fn token_form(
        &self,
        client_id: &str,
        scope: &str,
        token_url: &str,
        now_unix: i64,
    ) -> Result<Vec<(&'static str, Secret)>, AssertionError> {
        let mut form = vec![
            ("grant_type", Secret::new("client_credentials")),
            ("client_id", Secret::new(client_id)),
            ("scope", Secret::new(scope)),
        ];
        match self {
            Credential::Secret(s) => form.push(("client_secret", s.clone())),
            Credential::Certificate(c) => {
                form.push(("client_assertion_type", Secret::new(ASSERTION_TYPE)));
                form.push((
                    "client_assertion",
                    Secret::new(c.assertion(client_id, token_url, now_unix)?),
                ));
            }
        }
        Ok(form)
    }
}
