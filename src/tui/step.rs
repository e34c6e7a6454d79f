//! The wizard's steps, their order, and which of them a preset uses.

use mailscope::preset::{PermissionKind, Preset};

/// One documented step of an onboarding, in the order the guides give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    AppRegistration,
    Credential,
    Permissions,
    Branding,
    Mailboxes,
    Scoping,
    Checks,
    Summary,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::AppRegistration,
        Step::Credential,
        Step::Permissions,
        Step::Branding,
        Step::Mailboxes,
        Step::Scoping,
        Step::Checks,
        Step::Summary,
    ];

    /// The value stored in `profile.step` once this step is complete.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::AppRegistration => "app-registration",
            Step::Credential => "credential",
            Step::Permissions => "permissions",
            Step::Branding => "branding",
            Step::Mailboxes => "mailboxes",
            Step::Scoping => "scoping",
            Step::Checks => "checks",
            Step::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The title shown in the header.
    pub fn title(self) -> &'static str {
        match self {
            Step::AppRegistration => "App registration",
            Step::Credential => "Credential",
            Step::Permissions => "API permissions and consent",
            Step::Branding => "Branding (optional)",
            Step::Mailboxes => "Mailboxes",
            Step::Scoping => "Security group and scoping",
            Step::Checks => "Live checks",
            Step::Summary => "Summary",
        }
    }

    /// Whether the preset uses this step. Delegated-only presets (LEXZUR) have no mailboxes
    /// to scope or check app-only.
    pub fn applies(self, preset: &Preset) -> bool {
        let app_only = preset
            .permissions
            .iter()
            .any(|p| p.kind == PermissionKind::Application);
        match self {
            Step::Mailboxes | Step::Checks => app_only,
            Step::Scoping => app_only && preset.scoping.applies,
            _ => true,
        }
    }

    /// The steps this preset uses, in order.
    pub fn sequence(preset: &Preset) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| s.applies(preset))
            .collect()
    }

    /// The step after `self` for this preset (None after the summary).
    pub fn next(self, preset: &Preset) -> Option<Step> {
        let seq = Step::sequence(preset);
        let i = seq.iter().position(|s| *s == self)?;
        seq.get(i + 1).copied()
    }

    /// The step before `self` for this preset (None on the first).
    pub fn prev(self, preset: &Preset) -> Option<Step> {
        let seq = Step::sequence(preset);
        let i = seq.iter().position(|s| *s == self)?;
        i.checked_sub(1).and_then(|j| seq.get(j).copied())
    }

    /// Where a profile resumes: the step after the last one completed.
    pub fn resume_at(completed: Option<&str>, preset: &Preset) -> Step {
        match completed.and_then(Step::parse) {
            None => Step::AppRegistration,
            Some(Step::Summary) => Step::Summary,
            Some(done) => done.next(preset).unwrap_or(Step::Summary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::preset::preset;
    use mailscope::profile::PresetId;

    #[test]
    fn lexzur_skips_the_app_only_steps_and_kundo_uses_all() {
        let lex = preset(PresetId::Lexzur).expect("preset");
        assert_eq!(
            Step::sequence(&lex),
            [
                Step::AppRegistration,
                Step::Credential,
                Step::Permissions,
                Step::Branding,
                Step::Summary
            ]
        );
        let kundo = preset(PresetId::Kundo).expect("preset");
        assert_eq!(Step::sequence(&kundo).len(), 8);
        assert_eq!(Step::Branding.next(&lex), Some(Step::Summary));
        assert_eq!(Step::Summary.prev(&lex), Some(Step::Branding));
        assert_eq!(Step::AppRegistration.prev(&lex), None);
    }

    #[test]
    fn resume_goes_to_the_step_after_the_completed_one() {
        let kundo = preset(PresetId::Kundo).expect("preset");
        assert_eq!(Step::resume_at(None, &kundo), Step::AppRegistration);
        assert_eq!(
            Step::resume_at(Some("credential"), &kundo),
            Step::Permissions
        );
        assert_eq!(Step::resume_at(Some("summary"), &kundo), Step::Summary);
        assert_eq!(
            Step::resume_at(Some("bogus"), &kundo),
            Step::AppRegistration
        );
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
    }
}
