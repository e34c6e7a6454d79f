//! The whole state of the wizard: plain data, drawn from `&Model`, changed only by `update`.

use mailscope::preset::Preset;
use mailscope::profile::Profile;
use time::{Date, OffsetDateTime};

use super::screens::{
    app_reg::AppRegState, checks::ChecksState, credential::CredState, doit::DoItState,
    mailboxes::MailboxesState, permissions::PermsState, scoping::ScopingState, start::StartState,
    summary::SummaryState,
};
pub use super::shared::Status;
use super::shared::{Ctx, RunId, Step};
use super::theme::Theme;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Which screen is showing. A step exists only with the onboarding it belongs to.
#[derive(Debug)]
pub enum Screen {
    /// Pick a profile to resume, or start a new onboarding.
    Start,
    /// One step of an onboarding, and everything that onboarding holds.
    Wizard { step: Step, wizard: Box<Wizard> },
}

/// What is drawn over the screen, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
}

/// When the wizard runs against the built-in simulated tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    /// Where the simulated tenant listens, shown on screen.
    pub authority: String,
}

/// Where the wizard's data came from when it is not the admin's own onboarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `mailscope open`: a customer's report, shown read-only.
    Report {
        profile: String,
        generated_at: String,
    },
    /// `mailscope replay`: a report reproduced on the simulated tenant.
    Replay {
        profile: String,
        generated_at: String,
    },
}

/// The onboarding being worked on: its profile, preset and each screen's state.
#[derive(Debug)]
pub struct Wizard {
    pub profile: Profile,
    pub preset: Preset,
    pub app: AppRegState,
    pub cred: CredState,
    pub perms: PermsState,
    pub mailboxes: MailboxesState,
    pub scoping: ScopingState,
    pub checks: ChecksState,
    pub summary: SummaryState,
    /// "Do it for me", on the app registration, credential and permissions screens.
    pub doit: DoItState,
}

impl Wizard {
    pub fn new(profile: Profile, preset: Preset, today: Date) -> Self {
        Wizard {
            app: AppRegState::new(&profile, &preset),
            cred: CredState::new(&profile, &preset, today),
            perms: PermsState::default(),
            mailboxes: MailboxesState::new(&profile),
            scoping: ScopingState::new(&profile, &preset),
            checks: ChecksState::default(),
            summary: SummaryState::default(),
            doit: DoItState::default(),
            profile,
            preset,
        }
    }
}

#[derive(Debug)]
pub struct Model {
    pub screen: Screen,
    pub overlay: Overlay,
    /// The start screen's list and form, kept between visits.
    pub start: StartState,
    /// Terminal size in cells.
    pub size: (u16, u16),
    pub status: Option<Status>,
    next_run: RunId,
    /// Set once the program should exit.
    pub quitting: bool,
    /// The current time, advanced by ticks (so `update` never reads the clock).
    pub now: OffsetDateTime,
    pub theme: Theme,
    pub demo: Option<Demo>,
    /// Set when showing or replaying a report instead of an onboarding.
    pub source: Option<Source>,
}

impl Model {
    pub fn new(now: OffsetDateTime, theme: Theme) -> Self {
        Model {
            screen: Screen::Start,
            overlay: Overlay::None,
            start: StartState::default(),
            size: (MIN_WIDTH, MIN_HEIGHT),
            status: None,
            next_run: 1,
            quitting: false,
            now,
            theme,
            demo: None,
            source: None,
        }
    }

    /// A fresh run id for a request whose reply must match.
    pub fn run_id(&mut self) -> RunId {
        let id = self.next_run;
        self.next_run += 1;
        id
    }

    pub fn today(&self) -> Date {
        self.now.date()
    }

    /// What a screen's `update` reads, with a fresh run id for its request.
    pub fn ctx(&mut self) -> Ctx {
        Ctx {
            now: self.now,
            size: self.size,
            run: self.run_id(),
        }
    }

    /// The step showing, if an onboarding is open.
    pub fn step(&self) -> Option<Step> {
        match &self.screen {
            Screen::Start => None,
            Screen::Wizard { step, .. } => Some(*step),
        }
    }

    /// The open onboarding, if any.
    pub fn wizard(&self) -> Option<&Wizard> {
        match &self.screen {
            Screen::Start => None,
            Screen::Wizard { wizard, .. } => Some(wizard),
        }
    }

    pub fn wizard_mut(&mut self) -> Option<&mut Wizard> {
        match &mut self.screen {
            Screen::Start => None,
            Screen::Wizard { wizard, .. } => Some(wizard),
        }
    }

    /// Whether nothing may be changed or run: a report opened with `mailscope open`.
    pub fn read_only(&self) -> bool {
        matches!(self.source, Some(Source::Report { .. }))
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    pub fn info(&mut self, s: impl Into<String>) {
        self.status = Some(Status::Info(s.into()));
    }

    pub fn error(&mut self, s: impl Into<String>) {
        self.status = Some(Status::Error(s.into()));
    }
}
