//! Form fields: text inputs (optionally masked) and choices, with an error shown beside each.
//! Every text field has a length limit; typed bursts and pastes are inserted in one step, in
//! time linear in what fits, and what does not fit is dropped with a note under the field.

use tui_input::{Input, InputRequest};

/// The limit of a text field unless it sets its own (paths, URLs and other free text).
pub const DEFAULT_MAX_CHARS: usize = 4096;

/// Limits for kinds of values (characters).
pub mod limits {
    /// A GUID, with the braces some portals copy.
    pub const GUID: usize = 38;
    /// An e-mail address (RFC 5321 path limit).
    pub const ADDRESS: usize = 254;
    /// A DNS domain name.
    pub const DOMAIN: usize = 253;
    /// A secret value or password: far more than any real one (Entra secrets have 40).
    pub const SECRET: usize = 1024;
    /// A URL.
    pub const URL: usize = 2048;
    /// A profile name (see `validate::profile_name`).
    pub const PROFILE_NAME: usize = 64;
    /// An app's display name (see `validate::display_name`).
    pub const APP_NAME: usize = 120;
    /// A group's display name.
    pub const GROUP_NAME: usize = 64;
    /// A date as typed (YYYY-MM-DD, with room for mistakes the validation explains).
    pub const DATE: usize = 32;
}

/// An edit of the focused field: one key's request, or text typed in a burst (inserted at
/// once, like a paste but kept verbatim).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Key(InputRequest),
    Insert(String),
}

impl From<InputRequest> for Edit {
    fn from(r: InputRequest) -> Self {
        Edit::Key(r)
    }
}

impl From<&Edit> for Edit {
    fn from(e: &Edit) -> Self {
        e.clone()
    }
}

/// What a field holds.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// Free text. `masked` fields draw bullets unless revealed.
    Text { input: Input, masked: bool },
    /// One of a few options, cycled with ←/→.
    Choice { options: Vec<String>, index: usize },
}

/// One labelled field with its current error.
#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub error: Option<String>,
    /// A hint shown under the field when there is no error.
    pub hint: Option<String>,
    /// Hidden fields are neither drawn nor focused (e.g. endpoints unless the cloud is custom).
    pub hidden: bool,
    /// The most characters a text field holds.
    pub max_chars: usize,
    /// Said under the field until the next edit, e.g. that a paste was cut to fit.
    pub note: Option<String>,
}

impl Field {
    pub fn text(label: &'static str, value: impl Into<String>) -> Self {
        Field {
            label,
            kind: FieldKind::Text {
                input: Input::new(value.into()),
                masked: false,
            },
            error: None,
            hint: None,
            hidden: false,
            max_chars: DEFAULT_MAX_CHARS,
            note: None,
        }
    }

    pub fn masked(label: &'static str) -> Self {
        Field {
            label,
            kind: FieldKind::Text {
                input: Input::default(),
                masked: true,
            },
            error: None,
            hint: None,
            hidden: false,
            max_chars: limits::SECRET,
            note: None,
        }
    }

    pub fn choice(label: &'static str, options: Vec<String>, index: usize) -> Self {
        Field {
            label,
            kind: FieldKind::Choice { options, index },
            error: None,
            hint: None,
            hidden: false,
            max_chars: DEFAULT_MAX_CHARS,
            note: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the most characters the field holds.
    pub fn with_max(mut self, max_chars: usize) -> Self {
        self.max_chars = max_chars;
        self
    }

    /// The text of a text field, or the chosen option.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Text { input, .. } => input.value(),
            FieldKind::Choice { options, index } => {
                options.get(*index).map(String::as_str).unwrap_or("")
            }
        }
    }

    pub fn choice_index(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index,
            FieldKind::Text { .. } => 0,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, FieldKind::Text { .. })
    }

    pub fn set_text(&mut self, value: &str) {
        if let FieldKind::Text { input, .. } = &mut self.kind {
            *input = Input::new(value.to_string());
        }
    }

    fn edit(&mut self, edit: Edit) -> bool {
        let req = match edit {
            Edit::Insert(text) => return self.insert(&text),
            Edit::Key(InputRequest::InsertChar(c)) => {
                return self.insert(c.encode_utf8(&mut [0; 4]));
            }
            Edit::Key(req) => req,
        };
        match &mut self.kind {
            FieldKind::Text { input, .. } => {
                let changed = input.handle(req).is_some_and(|c| c.value);
                if changed {
                    self.error = None;
                    self.note = None;
                }
                changed
            }
            FieldKind::Choice { options, index } => {
                let n = options.len().max(1);
                match req {
                    InputRequest::GoToNextChar => *index = (*index + 1) % n,
                    InputRequest::GoToPrevChar => *index = (*index + n - 1) % n,
                    _ => return false,
                }
                self.error = None;
                true
            }
        }
    }
}

impl Field {
    /// Inserts `text` at the cursor of a text field, without control characters (line breaks
    /// included), up to the field's limit; what does not fit is dropped and a note says so.
    /// Linear in the characters that fit, whatever the length of `text`.
    fn insert(&mut self, text: &str) -> bool {
        let FieldKind::Text { input, .. } = &mut self.kind else {
            return false;
        };
        let value = input.value();
        let room = self.max_chars.saturating_sub(value.chars().count());
        let mut added = String::new();
        let mut count = 0;
        let mut cut = false;
        for c in text.chars().filter(|c| !c.is_control()) {
            if count == room {
                cut = true;
                break;
            }
            added.push(c);
            count += 1;
        }
        self.note = cut.then(|| {
            format!(
                "Only the first {} characters fit in this field; the rest was not inserted.",
                self.max_chars
            )
        });
        if count == 0 {
            return false;
        }
        let cursor = input.cursor();
        let at = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        let mut next = String::with_capacity(value.len() + added.len());
        next.push_str(&value[..at]);
        next.push_str(&added);
        next.push_str(&value[at..]);
        *input = Input::new(next).with_cursor(cursor + count);
        self.error = None;
        true
    }
}

/// An ordered set of fields with one focused.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Whether masked fields currently show their text (the reveal toggle).
    pub revealed: bool,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Self {
        Form {
            fields,
            focus: 0,
            revealed: false,
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    fn step_focus(&mut self, forward: bool) {
        let n = self.fields.len();
        for _ in 0..n {
            self.focus = if forward {
                (self.focus + 1) % n
            } else {
                (self.focus + n - 1) % n
            };
            if self.fields.get(self.focus).is_some_and(|f| !f.hidden) {
                return;
            }
        }
    }

    pub fn focus_next(&mut self) {
        self.step_focus(true);
    }

    pub fn focus_prev(&mut self) {
        self.step_focus(false);
    }

    /// Whether the focus is on the last visible field (Enter then means "continue").
    pub fn at_last(&self) -> bool {
        !self.fields.iter().skip(self.focus + 1).any(|f| !f.hidden)
    }

    pub fn set_hidden(&mut self, i: usize, hidden: bool) {
        if let Some(f) = self.fields.get_mut(i) {
            f.hidden = hidden;
        }
    }

    /// Applies an edit to the focused field; true when its value changed.
    pub fn edit(&mut self, edit: impl Into<Edit>) -> bool {
        let edit = edit.into();
        self.fields
            .get_mut(self.focus)
            .is_some_and(|f| f.edit(edit))
    }

    /// Inserts pasted text into the focused text field (control characters and line breaks
    /// dropped, cut to the field's limit).
    pub fn paste(&mut self, text: &str) -> bool {
        self.fields
            .get_mut(self.focus)
            .is_some_and(|f| f.insert(text))
    }

    pub fn get(&self, i: usize) -> Option<&Field> {
        self.fields.get(i)
    }

    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(Field::value).unwrap_or("")
    }

    /// The chosen option's index of a choice field.
    pub fn value_index(&self, i: usize) -> usize {
        self.fields.get(i).map_or(0, Field::choice_index)
    }

    pub fn set_error(&mut self, i: usize, error: Option<String>) {
        if let Some(f) = self.fields.get_mut(i) {
            f.error = error;
        }
    }

    /// Focuses the first field that has an error; true when there was one.
    pub fn focus_first_error(&mut self) -> bool {
        match self.fields.iter().position(|f| f.error.is_some()) {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn editing_clears_the_error_and_choices_cycle() {
        let mut form = Form::new(vec![
            Field::text("Name", "ab"),
            Field::choice("Kind", vec!["x".into(), "y".into()], 0),
        ]);
        form.set_error(0, Some("bad".into()));
        assert!(form.edit(InputRequest::InsertChar('c')));
        assert_eq!(form.value(0), "abc");
        assert!(form.get(0).is_some_and(|f| f.error.is_none()));
        form.focus_next();
        form.edit(InputRequest::GoToPrevChar);
        assert_eq!(form.value(1), "y");
        form.focus_next();
        assert_eq!(form.focus, 0);
        assert!(form.paste("d\ne"));
        assert_eq!(form.value(0), "abcde");
    }

    #[test]
    fn a_megabyte_paste_is_cut_to_the_limit_with_a_note() {
        let mut form = Form::new(vec![Field::text("ID", "").with_max(limits::GUID)]);
        let huge = "0123456789abcdef".repeat(1 << 16);
        assert_eq!(huge.len(), 1 << 20);
        assert!(form.paste(&huge));
        assert_eq!(form.value(0), &huge[..limits::GUID]);
        let note = form.get(0).and_then(|f| f.note.clone()).unwrap_or_default();
        assert!(note.contains("first 38 characters"), "{note}");
        // Full: typing is refused, and says why; deleting clears the note.
        assert!(!form.edit(InputRequest::InsertChar('x')));
        assert!(form.edit(InputRequest::DeletePrevChar));
        assert!(form.get(0).is_some_and(|f| f.note.is_none()));
        assert!(form.edit(Edit::Insert("zz".into())));
        assert_eq!(form.value(0).chars().count(), limits::GUID);
        assert!(form.value(0).ends_with('z'));
    }

    #[test]
    fn typed_text_goes_in_at_the_cursor() {
        let mut form = Form::new(vec![Field::text("Name", "héllo")]);
        form.edit(InputRequest::GoToStart);
        form.edit(InputRequest::GoToNextChar);
        form.edit(InputRequest::GoToNextChar);
        assert!(form.edit(Edit::Insert("XY".into())));
        assert_eq!(form.value(0), "héXYllo");
        assert!(form.edit(InputRequest::InsertChar('!')));
        assert_eq!(
            form.value(0),
            "héXY!llo",
            "the cursor follows the insertion"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn paste_never_exceeds_the_limit_and_keeps_a_prefix(
            before in "\\PC{0,8}",
            cursor in 0usize..10,
            pasted in any::<String>(),
            max in 0usize..40,
        ) {
            let before: String = before.chars().take(max).collect();
            let mut field = Field::text("F", before.clone()).with_max(max);
            let cursor = cursor.min(before.chars().count());
            if let FieldKind::Text { input, .. } = &mut field.kind {
                *input = Input::new(before.clone()).with_cursor(cursor);
            }
            let mut form = Form::new(vec![field]);
            form.paste(&pasted);
            let value: Vec<char> = form.value(0).chars().collect();
            prop_assert!(value.len() <= max);
            let sanitized: Vec<char> = pasted.chars().filter(|c| !c.is_control()).collect();
            let head: Vec<char> = before.chars().take(cursor).collect();
            let tail: Vec<char> = before.chars().skip(cursor).collect();
            prop_assert_eq!(&value[..head.len()], &head[..]);
            prop_assert_eq!(&value[value.len() - tail.len()..], &tail[..]);
            let inserted = &value[head.len()..value.len() - tail.len()];
            prop_assert_eq!(inserted, &sanitized[..inserted.len()]);
            let fits = max - before.chars().count();
            prop_assert_eq!(inserted.len(), sanitized.len().min(fits));
            let noted = form.get(0).is_some_and(|f| f.note.is_some());
            prop_assert_eq!(noted, sanitized.len() > fits);
        }
    }
}
