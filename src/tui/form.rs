//! Form fields: text inputs (optionally masked) and choices, with an error shown beside each.

use tui_input::{Input, InputRequest};

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
        }
    }

    pub fn choice(label: &'static str, options: Vec<String>, index: usize) -> Self {
        Field {
            label,
            kind: FieldKind::Choice { options, index },
            error: None,
            hint: None,
            hidden: false,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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

    fn edit(&mut self, req: InputRequest) -> bool {
        match &mut self.kind {
            FieldKind::Text { input, .. } => {
                let changed = input.handle(req).is_some_and(|c| c.value);
                if changed {
                    self.error = None;
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

    /// Applies an editing request to the focused field; true when its value changed.
    pub fn edit(&mut self, req: InputRequest) -> bool {
        self.fields.get_mut(self.focus).is_some_and(|f| f.edit(req))
    }

    /// Inserts pasted text into the focused text field (line breaks dropped).
    pub fn paste(&mut self, text: &str) -> bool {
        let mut changed = false;
        for c in text.chars().filter(|c| !c.is_control()) {
            changed |= self.edit(InputRequest::InsertChar(c));
        }
        changed
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
}
