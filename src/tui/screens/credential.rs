//! Credential: a client secret (masked, never the Secret ID, stored in the keyring at once)
//! or a certificate (generated self-signed, or imported), as the preset allows.

use std::path::PathBuf;

use mailscope::preset::Preset;
use mailscope::profile::{CredentialInfo, CredentialKind, Profile, validate};
use mailscope::secrets::Secret;
use time::Date;

use crate::tui::binding::Binding;
use crate::tui::form::{Field, Form, limits};
use crate::tui::msg::{Action, CertInfo, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

pub const F_KIND: usize = 0;
pub const F_SECRET_ID: usize = 1;
pub const F_VALUE: usize = 2;
pub const F_EXPIRES: usize = 3;
pub const F_CER: usize = 4;
pub const F_IMPORT: usize = 5;
pub const F_PFX_PASSWORD: usize = 6;

/// A request to the runner this screen waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    None,
    Probe(RunId),
    Store(RunId),
    Certificate(RunId),
}

#[derive(Debug)]
pub struct CredState {
    pub kinds: Vec<CredentialKind>,
    pub form: Form,
    /// Whether the keyring already holds a client secret for this profile (None: unknown).
    pub stored: Option<bool>,
    pub pending: Pending,
    pub cert: Option<CertInfo>,
    /// Whether the pending certificate request is an import (else a generation).
    pub importing: bool,
}

impl CredState {
    pub fn new(profile: &Profile, preset: &Preset, today: Date) -> Self {
        let kinds = preset.credential_kinds.clone();
        let current = profile
            .credential
            .as_ref()
            .map_or(preset.default_credential, |c| c.kind);
        let index = kinds.iter().position(|k| *k == current).unwrap_or(0);
        let info = profile.credential.as_ref();
        let expires = info
            .and_then(|c| c.expires)
            .unwrap_or_else(|| validate::add_months(today, preset.secret_lifetime_months));
        let cer_default = info
            .and_then(|c| c.cert_file.clone())
            .unwrap_or_else(|| format!("{}.cer", profile.name));
        let form = Form::new(vec![
            Field::choice(
                "Credential",
                kinds
                    .iter()
                    .map(|k| match k {
                        CredentialKind::Secret => "Client secret".to_string(),
                        CredentialKind::Certificate => "Certificate".to_string(),
                    })
                    .collect(),
                index,
            ),
            Field::text(
                "Secret ID (optional)",
                info.and_then(|c| c.secret_id.clone()).unwrap_or_default(),
            )
            .with_hint("Lets mailscope recognise the ID if it is pasted as the value.")
            .with_max(limits::GUID),
            Field::masked("Value").with_hint("Ctrl-R shows or hides what you typed."),
            Field::text("Expires (YYYY-MM-DD)", expires.to_string()).with_max(limits::DATE),
            Field::text("Write public .cer to", cer_default)
                .with_hint("Upload this file under Certificates & secrets > Certificates."),
            Field::text("Or import PEM/PFX", "")
                .with_hint("An existing certificate with its private key."),
            Field::masked("PFX password").with_hint("Only for a .pfx file; Ctrl-R shows it."),
        ]);
        let cert = info.and_then(|c| {
            Some(CertInfo {
                sha1: c.thumbprint_sha1.clone()?,
                sha256: c.thumbprint_sha256.clone().unwrap_or_default(),
                cer_path: c.cert_file.clone().unwrap_or_default(),
                expires: c.expires,
            })
        });
        let mut st = CredState {
            kinds,
            form,
            stored: None,
            pending: Pending::None,
            cert,
            importing: false,
        };
        st.show_fields_for_kind();
        st
    }

    pub fn kind(&self) -> CredentialKind {
        self.kinds
            .get(self.form.value_index(F_KIND))
            .copied()
            .unwrap_or(CredentialKind::Secret)
    }

    fn show_fields_for_kind(&mut self) {
        let secret = self.kind() == CredentialKind::Secret;
        for i in [F_SECRET_ID, F_VALUE, F_EXPIRES] {
            self.form.set_hidden(i, !secret);
        }
        for i in [F_CER, F_IMPORT, F_PFX_PASSWORD] {
            self.form.set_hidden(i, secret);
        }
        self.form.set_hidden(F_KIND, self.kinds.len() < 2);
        if self.form.focused().is_some_and(|f| f.hidden) {
            self.form.focus_next();
        }
    }
}

pub fn bindings(st: &CredState) -> Vec<Binding> {
    match st.kind() {
        CredentialKind::Secret => {
            vec![Binding::ctrl('r', Action::Reveal, "show/hide", "Ctrl-R")]
        }
        CredentialKind::Certificate => vec![
            Binding::ctrl('g', Action::Generate, "generate", "Ctrl-G"),
            Binding::ctrl('r', Action::Reveal, "show/hide", "Ctrl-R"),
            Binding::ctrl('o', Action::Import, "import", "Ctrl-O"),
        ],
    }
}

/// On arrival: ask whether a secret is already stored, so an empty Value can keep it.
pub fn on_enter(st: &mut CredState, profile: &Profile, ctx: &Ctx) -> Outcome {
    if st.kind() != CredentialKind::Secret {
        return Outcome::none();
    }
    st.pending = Pending::Probe(ctx.run);
    Outcome::effect(Effect::ProbeSecret {
        run: ctx.run,
        profile: Box::new(profile.clone()),
    })
}

pub fn update(st: &mut CredState, profile: &mut Profile, ctx: &Ctx, msg: Msg) -> Outcome {
    let run = ctx.run;
    match msg {
        Msg::Action(Action::FocusNext) => st.form.focus_next(),
        Msg::Action(Action::FocusPrev) => st.form.focus_prev(),
        Msg::Action(Action::Reveal) => st.form.revealed = !st.form.revealed,
        Msg::Edit(req) => {
            st.form.edit(req);
            st.show_fields_for_kind();
            live_check(st, ctx.today());
        }
        Msg::Paste(text) => {
            st.form.paste(text.trim());
            live_check(st, ctx.today());
        }
        Msg::Action(Action::Generate) => {
            let path = PathBuf::from(st.form.value(F_CER).trim());
            st.pending = Pending::Certificate(run);
            st.importing = false;
            return Outcome::effect(Effect::GenerateCertificate {
                run,
                profile: profile.clone(),
                cer_path: path,
            })
            .with_info("Generating a 2048-bit RSA certificate…");
        }
        Msg::Action(Action::Import) => {
            let path = st.form.value(F_IMPORT).trim().to_string();
            if path.is_empty() {
                st.form.set_error(
                    F_IMPORT,
                    Some("Enter the path of a PEM or PFX file.".into()),
                );
                st.form.focus = F_IMPORT;
                return Outcome::none();
            }
            st.pending = Pending::Certificate(run);
            st.importing = true;
            return Outcome::effect(Effect::ImportCertificate {
                run,
                profile: profile.clone(),
                path: PathBuf::from(path),
                password: Secret::new(st.form.value(F_PFX_PASSWORD)),
                cer_path: PathBuf::from(st.form.value(F_CER).trim()),
            });
        }
        Msg::Action(Action::Submit) if !st.form.at_last() => st.form.focus_next(),
        Msg::Action(Action::Submit) => return submit(st, profile, ctx),
        Msg::Reply(r) => return reply(st, profile, ctx, r),
        _ => {}
    }
    Outcome::none()
}

/// Refuses the Secret ID the moment it is pasted; checks the expiry as it is typed.
fn live_check(st: &mut CredState, today: Date) {
    let value = st.form.value(F_VALUE).to_string();
    if st.form.focus == F_VALUE && !value.trim().is_empty() {
        let id = st.form.value(F_SECRET_ID).to_string();
        let err = validate::client_secret(&value, Some(id.as_str()).filter(|s| !s.is_empty()))
            .err()
            .filter(|e| e.0.contains("Secret ID"));
        st.form.set_error(F_VALUE, err.map(|e| e.0));
    }
    if st.form.focus == F_EXPIRES {
        let err = validate::expiry(st.form.value(F_EXPIRES), today).err();
        st.form.set_error(F_EXPIRES, err.map(|e| e.0));
    }
}

fn submit(st: &mut CredState, profile: &mut Profile, ctx: &Ctx) -> Outcome {
    let today = ctx.today();
    if st.kind() == CredentialKind::Certificate {
        let Some(cert) = st.cert.clone() else {
            return Outcome::error("Generate a certificate (Ctrl-G) or import one (Ctrl-O) first.");
        };
        let mut info = CredentialInfo::new(CredentialKind::Certificate);
        info.thumbprint_sha1 = Some(cert.sha1);
        info.thumbprint_sha256 = Some(cert.sha256).filter(|s| !s.is_empty());
        info.cert_file = Some(cert.cer_path).filter(|s| !s.is_empty());
        info.expires = cert.expires;
        profile.credential = Some(info);
        return Outcome::go(Nav::Complete(Step::Credential));
    }
    let secret_id = st.form.value(F_SECRET_ID).trim().to_string();
    let id = if secret_id.is_empty() {
        None
    } else if let Some(g) = validate::parse_guid(&secret_id) {
        Some(g)
    } else {
        st.form.set_error(
            F_SECRET_ID,
            Some(
                "The Secret ID is a GUID from the Secret ID column; leave it empty if unsure."
                    .into(),
            ),
        );
        None
    };
    match validate::expiry(st.form.value(F_EXPIRES), today) {
        Ok(_) => {}
        Err(e) => st.form.set_error(F_EXPIRES, Some(e.0)),
    }
    let value = st.form.value(F_VALUE).trim().to_string();
    let keep_stored = value.is_empty() && st.stored == Some(true);
    if !keep_stored && let Err(e) = validate::client_secret(&value, id.as_deref()) {
        st.form.set_error(F_VALUE, Some(e.0));
    }
    if st.form.focus_first_error() {
        return Outcome::none();
    }
    if keep_stored {
        apply_secret_info(st, profile, today);
        return Outcome::go(Nav::Complete(Step::Credential));
    }
    st.pending = Pending::Store(ctx.run);
    Outcome::effect(Effect::StoreSecret {
        run: ctx.run,
        profile: Box::new(profile.clone()),
        value: Secret::new(value),
    })
    .with_info("Storing the secret in the keyring…")
}

fn apply_secret_info(st: &CredState, profile: &mut Profile, today: Date) {
    let mut info = CredentialInfo::new(CredentialKind::Secret);
    info.secret_id = validate::parse_guid(st.form.value(F_SECRET_ID));
    info.expires = validate::expiry(st.form.value(F_EXPIRES), today).ok();
    profile.credential = Some(info);
}

fn reply(st: &mut CredState, profile: &mut Profile, ctx: &Ctx, r: Reply) -> Outcome {
    match (st.pending, r) {
        (Pending::Probe(id), Reply::SecretPresence(run, res)) if id == run => {
            st.pending = Pending::None;
            st.stored = res.ok();
            if st.stored == Some(true)
                && let Some(f) = st.form.fields.get_mut(F_VALUE)
            {
                f.hint = Some("A secret is already stored; leave empty to keep it.".into());
            }
        }
        (Pending::Store(id), Reply::SecretStored(run, res)) if id == run => {
            st.pending = Pending::None;
            match res {
                Ok(backend) => {
                    st.stored = Some(true);
                    if let Some(f) = st.form.fields.get_mut(F_VALUE) {
                        f.set_text("");
                    }
                    apply_secret_info(st, profile, ctx.today());
                    return Outcome::info(format!("Secret stored in the {backend}."))
                        .and_go(Nav::Complete(Step::Credential));
                }
                Err(e) => {
                    st.form.set_error(F_VALUE, Some(format!("Not stored: {e}")));
                    st.form.focus = F_VALUE;
                    return Outcome::none().without_status();
                }
            }
        }
        (Pending::Certificate(id), Reply::Certificate(run, res)) if id == run => {
            st.pending = Pending::None;
            match res {
                Ok(c) => {
                    let note = format!("Certificate ready: {}", c.cer_path);
                    st.cert = Some(c);
                    return Outcome::info(note);
                }
                Err(e) => {
                    // Where the error belongs: the .cer path, the PFX password, or the import file.
                    use crate::tui::msg::CertTaskError;
                    let field = match &e {
                        CertTaskError::CerPath(_) => F_CER,
                        CertTaskError::Password(_) => F_PFX_PASSWORD,
                        CertTaskError::Source(_) | CertTaskError::Keyring(_) if st.importing => {
                            F_IMPORT
                        }
                        CertTaskError::Source(_) | CertTaskError::Keyring(_) => F_CER,
                    };
                    st.form.set_error(field, Some(e.to_string()));
                }
            }
        }
        _ => {}
    }
    Outcome::none()
}
