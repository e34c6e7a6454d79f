//! Start screen: resume a saved onboarding, or start a new one (preset, cloud, name).

use mailscope::preset;
use mailscope::profile::{Cloud, Endpoints, PresetId, Profile, validate};

use crate::tui::binding::{Binding, FocusKind};
use crate::tui::form::{Field, Form, limits};
use crate::tui::msg::{Action, ListedProfile, Msg};
use crate::tui::shared::{Effect, Nav, Outcome};

/// Field positions of the new-onboarding form.
pub const F_PRESET: usize = 0;
pub const F_CLOUD: usize = 1;
pub const F_NAME: usize = 2;
pub const F_AUTHORITY: usize = 3;
pub const F_GRAPH: usize = 4;
pub const F_CA: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    /// The list of saved profiles plus "start a new onboarding".
    List,
    /// The new-onboarding form.
    New,
}

#[derive(Debug)]
pub struct StartState {
    pub mode: StartMode,
    /// None until the saved profiles have been read.
    pub profiles: Option<Vec<ListedProfile>>,
    /// Selected row; the last row is "start a new onboarding".
    pub selected: usize,
    pub form: Form,
}

impl Default for StartState {
    fn default() -> Self {
        let presets = PresetId::ALL
            .iter()
            .map(|id| match preset::preset(*id) {
                Ok(p) => format!("{} ({})", p.product, p.vendor),
                Err(_) => id.as_str().to_string(),
            })
            .collect();
        let clouds = Cloud::ALL.iter().map(|c| c.label().to_string()).collect();
        let mut form = Form::new(vec![
            Field::choice("Vendor preset", presets, 0),
            Field::choice("Microsoft cloud", clouds, 0),
            Field::text("Profile name", "kundo")
                .with_hint("Names the saved profile, e.g. contoso-kundo.")
                .with_max(limits::PROFILE_NAME),
            Field::text("Authority URL", "https://").with_max(limits::URL),
            Field::text("Graph URL", "https://").with_max(limits::URL),
            Field::text("Extra CA file (PEM)", "")
                .with_hint("Optional: a CA certificate to trust for these endpoints."),
        ]);
        for i in [F_AUTHORITY, F_GRAPH, F_CA] {
            form.set_hidden(i, true);
        }
        StartState {
            mode: StartMode::List,
            profiles: None,
            selected: 0,
            form,
        }
    }
}

impl StartState {
    fn rows(&self) -> usize {
        self.profiles.as_ref().map_or(0, Vec::len) + 1
    }

    pub fn preset_id(&self) -> PresetId {
        PresetId::ALL
            .get(self.form.get(F_PRESET).map_or(0, Field::choice_index))
            .copied()
            .unwrap_or(PresetId::Custom)
    }

    pub fn cloud(&self) -> Cloud {
        Cloud::ALL
            .get(self.form.get(F_CLOUD).map_or(0, Field::choice_index))
            .copied()
            .unwrap_or(Cloud::Global)
    }
}

pub fn bindings(st: &StartState) -> Vec<Binding> {
    match st.mode {
        StartMode::List => vec![Binding::key('n', Action::New, "new onboarding", "n")],
        StartMode::New => vec![],
    }
}

pub fn focus_kind(st: &StartState) -> FocusKind {
    match st.mode {
        StartMode::List => FocusKind::Other,
        StartMode::New => match st.form.focused() {
            Some(f) if f.is_text() => FocusKind::Text,
            Some(_) => FocusKind::Choice,
            None => FocusKind::Other,
        },
    }
}

pub fn update(st: &mut StartState, msg: Msg) -> Outcome {
    match st.mode {
        StartMode::List => list_update(st, msg),
        StartMode::New => new_update(st, msg),
    }
}

fn list_update(st: &mut StartState, msg: Msg) -> Outcome {
    if let Some(to) = super::listnav::moved(st.selected, st.rows(), 10, &msg) {
        st.selected = to;
        return Outcome::none();
    }
    match msg {
        Msg::Action(Action::New) => st.mode = StartMode::New,
        Msg::Action(Action::Back) => return Outcome::go(Nav::Quit),
        Msg::Action(Action::Submit) => {
            let chosen = st
                .profiles
                .as_ref()
                .and_then(|p| p.get(st.selected))
                .cloned();
            match chosen {
                None => st.mode = StartMode::New,
                Some(ListedProfile {
                    profile: Ok(p),
                    last_run,
                    ..
                }) => {
                    return Outcome::go(Nav::Open {
                        profile: Box::new(p),
                        last_run,
                    });
                }
                Some(ListedProfile {
                    name,
                    profile: Err(e),
                    ..
                }) => return Outcome::error(format!("Cannot open '{name}': {e}")),
            }
        }
        _ => {}
    }
    Outcome::none()
}

fn new_update(st: &mut StartState, msg: Msg) -> Outcome {
    match msg {
        Msg::Action(Action::Back) => st.mode = StartMode::List,
        Msg::Action(Action::FocusNext) => st.form.focus_next(),
        Msg::Action(Action::FocusPrev) => st.form.focus_prev(),
        Msg::Edit(req) => {
            let before = st.preset_id();
            st.form.edit(req);
            let after = st.preset_id();
            if before != after
                && st.form.value(F_NAME) == before.as_str()
                && let Some(f) = st.form.fields.get_mut(F_NAME)
            {
                f.set_text(after.as_str());
            }
            if st.form.focus == F_NAME {
                let err = validate::profile_name(st.form.value(F_NAME))
                    .err()
                    .map(|e| e.0);
                st.form.set_error(F_NAME, err);
            }
            let custom = st.cloud() == Cloud::Custom;
            for i in [F_AUTHORITY, F_GRAPH, F_CA] {
                st.form.set_hidden(i, !custom);
            }
        }
        Msg::Paste(text) => {
            st.form.paste(&text);
        }
        Msg::Action(Action::Submit) if !st.form.at_last() => st.form.focus_next(),
        Msg::Action(Action::Submit) => return create(st),
        _ => {}
    }
    Outcome::none()
}

/// Validates the form and opens a fresh profile; errors go next to their fields.
fn create(st: &mut StartState) -> Outcome {
    let name = match validate::profile_name(st.form.value(F_NAME)) {
        Ok(n) => n,
        Err(e) => {
            st.form.set_error(F_NAME, Some(e.0));
            st.form.focus = F_NAME;
            return Outcome::none();
        }
    };
    let taken = st
        .profiles
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| p.name == name));
    if taken {
        st.form.set_error(
            F_NAME,
            Some(format!(
                "A profile named '{name}' exists; pick it from the list to resume, or choose another name."
            )),
        );
        st.form.focus = F_NAME;
        return Outcome::none();
    }
    let cloud = st.cloud();
    let mut profile = Profile::new(&name, st.preset_id(), cloud);
    if cloud == Cloud::Custom {
        let mut ok = true;
        for i in [F_AUTHORITY, F_GRAPH] {
            let v = st.form.value(i).trim().to_string();
            if !v.starts_with("https://") || v.len() <= "https://".len() {
                st.form.set_error(
                    i,
                    Some("Enter an https:// URL, e.g. https://127.0.0.1:8443.".into()),
                );
                ok = false;
            }
        }
        if !ok {
            st.form.focus_first_error();
            return Outcome::none();
        }
        let ca = st.form.value(F_CA).trim();
        profile.endpoints = Some(Endpoints {
            authority: st.form.value(F_AUTHORITY).trim().to_string(),
            graph: st.form.value(F_GRAPH).trim().to_string(),
            ca_file: (!ca.is_empty()).then(|| ca.to_string()),
            exchange: None,
        });
    }
    if let Ok(p) = preset::preset(profile.preset) {
        profile.app_name = Some(p.default_app_name.clone());
        profile.account_type = Some(p.default_account_type);
    }
    st.mode = StartMode::List;
    Outcome::effect(Effect::SaveProfile(profile.clone())).and_go(Nav::Open {
        profile: Box::new(profile),
        last_run: None,
    })
}
