//! Small types every screen and the top level share: what a screen's `update` reads (`Ctx`)
//! and what it asks for next (`Outcome`: effects, a status line, navigation). A leaf: it
//! imports no screen, nor `model` or `nav`.

use mailscope::graph::CheckRun;
use mailscope::profile::Profile;
use time::{Date, OffsetDateTime};

pub use super::effect::{Effect, RunId};
pub use super::step::Step;
pub use mailscope::graph::{Capability, CellResult};

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
}

/// What a screen's update does to the status line.
#[derive(Debug, Default)]
pub enum StatusChange {
    /// Leave it as it is.
    #[default]
    Keep,
    Clear,
    Show(Status),
}

impl StatusChange {
    /// Applies the change to the status line.
    pub fn apply(self, line: &mut Option<Status>) {
        match self {
            StatusChange::Keep => {}
            StatusChange::Clear => *line = None,
            StatusChange::Show(s) => *line = Some(s),
        }
    }
}

/// What a screen's `update` may read about the whole program; it changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The current time, advanced by ticks (so `update` never reads the clock).
    pub now: OffsetDateTime,
    /// Terminal size in cells (for page-wise moves).
    pub size: (u16, u16),
    /// A fresh run id reserved for this call, for a request whose reply must match.
    pub run: RunId,
}

impl Ctx {
    pub fn today(&self) -> Date {
        self.now.date()
    }
}

/// Where the wizard goes after a screen's update; applied in one place (`nav::apply`).
#[derive(Debug)]
pub enum Nav {
    /// This step is complete: save the profile with it recorded and show the next step.
    Complete(Step),
    /// One screen back (from the first step, to the start screen).
    Back,
    /// Open a saved or new profile where it was left, with its last recorded check run.
    Open {
        profile: Box<Profile>,
        last_run: Option<Box<CheckRun>>,
    },
    /// Leave the program (running checks are cancelled first).
    Quit,
}

/// What a screen's `update` asks for: effects to run, a status line, and where to go.
#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub status: StatusChange,
    pub nav: Option<Nav>,
}

impl Outcome {
    /// Nothing to do.
    pub fn none() -> Self {
        Outcome::default()
    }

    pub fn effects(effects: Vec<Effect>) -> Self {
        Outcome {
            effects,
            ..Outcome::default()
        }
    }

    pub fn effect(effect: Effect) -> Self {
        Outcome::effects(vec![effect])
    }

    pub fn go(nav: Nav) -> Self {
        Outcome::none().and_go(nav)
    }

    pub fn info(s: impl Into<String>) -> Self {
        Outcome::none().with_info(s)
    }

    pub fn error(s: impl Into<String>) -> Self {
        Outcome::none().with_error(s)
    }

    pub fn and_go(mut self, nav: Nav) -> Self {
        self.nav = Some(nav);
        self
    }

    pub fn with_info(mut self, s: impl Into<String>) -> Self {
        self.status = StatusChange::Show(Status::Info(s.into()));
        self
    }

    pub fn with_error(mut self, s: impl Into<String>) -> Self {
        self.status = StatusChange::Show(Status::Error(s.into()));
        self
    }

    /// Clears the status line.
    pub fn without_status(mut self) -> Self {
        self.status = StatusChange::Clear;
        self
    }

    /// Appends the effects of `later`; its status and navigation win when it has them.
    pub fn then(mut self, later: Outcome) -> Self {
        self.effects.extend(later.effects);
        if !matches!(later.status, StatusChange::Keep) {
            self.status = later.status;
        }
        if later.nav.is_some() {
            self.nav = later.nav;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_outcome_adds_its_effects_and_overrides_only_what_it_sets() {
        let first = Outcome::effect(Effect::LoadProfiles).with_error("first");
        let both = first.then(Outcome::effect(Effect::CancelChecks));
        assert!(matches!(
            both.effects.as_slice(),
            [Effect::LoadProfiles, Effect::CancelChecks]
        ));
        assert!(matches!(&both.status, StatusChange::Show(Status::Error(e)) if e == "first"));
        let later = both.then(Outcome::go(Nav::Quit).without_status());
        assert!(matches!(later.nav, Some(Nav::Quit)));
        let mut line = Some(Status::Info("before".into()));
        later.status.apply(&mut line);
        assert_eq!(line, None);
        let mut kept = Some(Status::Info("kept".into()));
        Outcome::none().status.apply(&mut kept);
        assert_eq!(kept, Some(Status::Info("kept".into())));
    }
}
