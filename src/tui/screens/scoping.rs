//! Security group and scoping: group name and address, the mechanism, and the generated
//! PowerShell (scroll, copy, save as .ps1, "I have run it" which records `scope.changed_at`).

use std::path::PathBuf;

use mailscope::preset::Preset;
use mailscope::profile::{Profile, Scope, ScopeMechanism, validate};
use mailscope::secrets::Secret;

use crate::tui::binding::{Binding, FocusKind};
use crate::tui::form::{Field, Form, limits};
use crate::tui::msg::{Action, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

pub const F_GROUP: usize = 0;
pub const F_ADDRESS: usize = 1;
pub const F_MECHANISM: usize = 2;
pub const F_SP: usize = 3;

const MECHANISMS: [ScopeMechanism; 2] = [
    ScopeMechanism::ApplicationAccessPolicy,
    ScopeMechanism::Rbac,
];

/// Which part of the screen has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Fields,
    Script,
}

/// The generated script, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptState {
    Generating(RunId),
    Ready(String),
    Failed(String),
}

#[derive(Debug)]
pub struct ScopingState {
    pub form: Form,
    pub pane: Pane,
    pub script: ScriptState,
    pub scroll: u16,
    /// Columns scrolled to the right (long script lines).
    pub hscroll: u16,
}

/// The suggested group address: the alias at the domain of the first mailbox, or the tenant's.
fn default_address(profile: &Profile, preset: &Preset) -> String {
    let domain = profile
        .mailboxes
        .first()
        .and_then(|m| m.address.rsplit_once('@').map(|(_, d)| d.to_string()))
        .or_else(|| {
            profile
                .tenant
                .clone()
                .filter(|t| validate::parse_guid(t).is_none())
        })
        .unwrap_or_else(|| "contoso.com".into());
    format!("{}@{domain}", preset.scoping.group_alias)
}

impl ScopingState {
    pub fn new(profile: &Profile, preset: &Preset) -> Self {
        let scope = profile.scope.as_ref();
        let mechanism = scope.map_or(preset.scoping.mechanism, |s| s.mechanism);
        let form = Form::new(vec![
            Field::text(
                "Group name",
                scope
                    .and_then(|s| s.group_name.clone())
                    .unwrap_or_else(|| preset.scoping.group_name.clone()),
            )
            .with_max(limits::GROUP_NAME),
            Field::text(
                "Group address",
                scope
                    .and_then(|s| s.group_address.clone())
                    .unwrap_or_else(|| default_address(profile, preset)),
            )
            .with_max(limits::ADDRESS),
            Field::choice(
                "Mechanism",
                vec![
                    "Application access policy (as in the guide)".into(),
                    "RBAC for Applications (recommended)".into(),
                ],
                MECHANISMS.iter().position(|m| *m == mechanism).unwrap_or(0),
            ),
            Field::text(
                "Service principal ID",
                profile.service_principal_id.clone().unwrap_or_default(),
            )
            .with_hint("Object ID from Enterprise applications > the app (not App registrations).")
            .with_max(limits::GUID),
        ]);
        let mut form = form;
        form.set_hidden(F_SP, mechanism != ScopeMechanism::Rbac);
        ScopingState {
            form,
            pane: Pane::Fields,
            script: ScriptState::Failed(String::new()),
            scroll: 0,
            hscroll: 0,
        }
    }

    pub fn mechanism(&self) -> ScopeMechanism {
        MECHANISMS
            .get(self.form.value_index(F_MECHANISM))
            .copied()
            .unwrap_or(ScopeMechanism::ApplicationAccessPolicy)
    }
}

pub fn bindings(st: &ScopingState) -> Vec<Binding> {
    match st.pane {
        Pane::Script => vec![
            Binding::key('c', Action::Copy, "copy", "c"),
            Binding::key('s', Action::Save, "save .ps1", "s"),
            Binding::key('r', Action::MarkRun, "I have run it", "r"),
        ],
        Pane::Fields => vec![],
    }
}

pub fn focus_kind(st: &ScopingState) -> FocusKind {
    match (st.pane, st.form.focused()) {
        (Pane::Fields, Some(f)) if f.is_text() => FocusKind::Text,
        (Pane::Fields, Some(_)) => FocusKind::Choice,
        _ => FocusKind::Other,
    }
}

/// Writes valid field values into the profile; returns false (errors beside fields) otherwise.
pub fn apply(st: &mut ScopingState, profile: &mut Profile, preset: &Preset) -> bool {
    let mechanism = st.mechanism();
    let form = &mut st.form;
    let name = validate::display_name(form.value(F_GROUP), "group name", 64);
    let address = validate::mail_address(form.value(F_ADDRESS));
    form.set_error(F_GROUP, name.as_ref().err().map(|e| e.0.clone()));
    form.set_error(F_ADDRESS, address.as_ref().err().map(|e| e.0.clone()));
    form.set_hidden(F_SP, mechanism != ScopeMechanism::Rbac);
    let sp = form.value(F_SP).trim().to_string();
    let sp = if mechanism != ScopeMechanism::Rbac || sp.is_empty() {
        form.set_error(F_SP, None);
        None
    } else if let Some(g) = validate::parse_guid(&sp) {
        form.set_error(F_SP, None);
        Some(g)
    } else {
        form.set_error(
            F_SP,
            Some("The Object ID is a GUID: Enterprise applications > the app > Overview.".into()),
        );
        return false;
    };
    let (Ok(name), Ok(address)) = (name, address) else {
        return false;
    };
    if sp.is_some() {
        profile.service_principal_id = sp;
    }
    let changed_at = profile.scope.as_ref().and_then(|s| s.changed_at);
    profile.scope = Some(Scope {
        mechanism,
        group_name: Some(name),
        group_address: Some(address),
        description: Some(preset.scoping.description.clone()),
        changed_at,
    });
    true
}

/// On arrival and after each change: regenerate the script for the current values.
pub fn regenerate(
    st: &mut ScopingState,
    profile: &mut Profile,
    preset: &Preset,
    ctx: &Ctx,
) -> Outcome {
    if !apply(st, profile, preset) {
        st.script = ScriptState::Failed("Fix the group name and address to see the script.".into());
        return Outcome::none();
    }
    st.script = ScriptState::Generating(ctx.run);
    Outcome::effect(Effect::GenerateScript {
        run: ctx.run,
        profile: profile.clone(),
    })
}

pub fn update(
    st: &mut ScopingState,
    profile: &mut Profile,
    preset: &Preset,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    let now = ctx.now;
    match (st.pane, msg) {
        (_, Msg::Reply(Reply::Script(id, res))) if st.script == ScriptState::Generating(id) => {
            st.script = match res {
                Ok(s) => ScriptState::Ready(s),
                Err(e) => ScriptState::Failed(e),
            };
        }
        (Pane::Fields, Msg::Action(Action::FocusNext)) if st.form.at_last() => {
            st.pane = Pane::Script
        }
        (Pane::Fields, Msg::Action(Action::FocusNext)) => st.form.focus_next(),
        (Pane::Fields, Msg::Action(Action::FocusPrev)) => st.form.focus_prev(),
        (Pane::Script, Msg::Action(Action::FocusNext | Action::FocusPrev)) => {
            st.pane = Pane::Fields
        }
        (Pane::Fields, Msg::Edit(req)) if st.form.edit(&req) => {
            return regenerate(st, profile, preset, ctx);
        }
        (Pane::Fields, Msg::Paste(text)) if st.form.paste(text.trim()) => {
            return regenerate(st, profile, preset, ctx);
        }
        (Pane::Fields, Msg::Action(Action::Submit)) if st.form.at_last() => st.pane = Pane::Script,
        (Pane::Fields, Msg::Action(Action::Submit)) => st.form.focus_next(),
        (Pane::Script, Msg::Action(a)) => match a {
            Action::Up => st.scroll = st.scroll.saturating_sub(1),
            Action::Down => st.scroll = st.scroll.saturating_add(1),
            Action::PageUp => st.scroll = st.scroll.saturating_sub(10),
            Action::PageDown => st.scroll = st.scroll.saturating_add(10),
            Action::Top => st.scroll = 0,
            Action::Left => st.hscroll = st.hscroll.saturating_sub(8),
            Action::Right => st.hscroll = st.hscroll.saturating_add(8).min(200),
            Action::Copy | Action::Save => {
                let ScriptState::Ready(text) = &st.script else {
                    return Outcome::error("There is no script to copy or save yet.");
                };
                if a == Action::Copy {
                    return Outcome::effect(Effect::Copy(Secret::new(text.clone())));
                }
                let path = PathBuf::from(format!("{}-scoping.ps1", profile.name));
                return Outcome::effect(Effect::WriteFile {
                    path,
                    contents: text.clone(),
                });
            }
            Action::MarkRun => {
                if !apply(st, profile, preset) {
                    return Outcome::none();
                }
                if let Some(s) = profile.scope.as_mut() {
                    s.changed_at = Some(now);
                }
                return Outcome::effect(Effect::SaveProfile(profile.clone())).with_info(format!(
                    "Recorded: scoping changed {} UTC. Exchange can take an hour or more to apply it to Graph.",
                    hhmm(now)
                ));
            }
            Action::Submit => {
                if !apply(st, profile, preset) {
                    st.pane = Pane::Fields;
                    st.form.focus_first_error();
                    return Outcome::none();
                }
                return Outcome::go(Nav::Complete(Step::Scoping));
            }
            _ => {}
        },
        (Pane::Script, Msg::Scroll(d)) => {
            st.scroll = (i32::from(st.scroll) + d * 3).clamp(0, i32::from(u16::MAX)) as u16
        }
        _ => {}
    }
    Outcome::none()
}

fn hhmm(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}
