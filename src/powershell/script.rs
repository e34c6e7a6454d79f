//! A small builder for multi-line PowerShell 5.1 scripts that keeps values out of the code.
//!
//! Code lines are constant text written by this crate. Values (from the profile or preset)
//! enter only through [`Script::assign`], [`Script::assign_list`] and [`Script::assign_records`],
//! which put them through [`quote`] into variables in one block near the top; the rest of the
//! script refers to the variables. Every value is also recorded, in order, so tests can check
//! that each literal in the script evaluates to exactly the value that went in.

use super::quote::quote;

const INDENT: &str = "    ";
/// Comments are wrapped at this many characters (after `# `).
const COMMENT_WIDTH: usize = 88;

/// A value written into a script, named by the variable (and field) that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptValue {
    /// `AppId`, `Mailboxes[2].Address`, `Roles[0]`, ...
    pub name: String,
    pub value: String,
}

/// One field of a record in [`Script::assign_records`].
pub(crate) enum Field<'a> {
    Text(&'a str),
    Flag(bool),
}

#[derive(Default)]
pub(crate) struct Script {
    text: String,
    depth: usize,
    values: Vec<ScriptValue>,
}

impl Script {
    pub(crate) fn new() -> Self {
        Script::default()
    }

    /// One line of constant code at the current indentation.
    pub(crate) fn line(&mut self, code: &str) {
        debug_assert!(!code.contains(['\n', '\r']), "one line at a time: {code:?}");
        for _ in 0..self.depth {
            self.text.push_str(INDENT);
        }
        self.text.push_str(code);
        self.text.push('\n');
    }

    /// A line of code around one constant text, which is quoted like any value:
    /// `before<quoted text>after`.
    pub(crate) fn line_q(&mut self, before: &str, text: &str, after: &str) {
        self.line(&format!("{before}{}{after}", quote(text)));
    }

    /// A line that opens a block (`if (...) {`); the following lines are indented.
    pub(crate) fn open(&mut self, code: &str) {
        self.line(code);
        self.depth += 1;
    }

    /// Closes a block with `code` (usually `}` or `} else {`).
    pub(crate) fn close(&mut self, code: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(code);
    }

    /// `} else {` style: closes one block and opens the next.
    pub(crate) fn reopen(&mut self, code: &str) {
        self.close(code);
        self.depth += 1;
    }

    pub(crate) fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A comment in the admin's terms. Anything that could end the comment early (line
    /// breaks) or that is not ASCII is replaced, so comments never carry code or bytes that
    /// Windows PowerShell would misread.
    pub(crate) fn comment(&mut self, text: &str) {
        let clean = comment_text(text);
        // Leading spaces are kept (indented examples); the rest is wrapped at word breaks.
        let indent = " ".repeat(clean.len() - clean.trim_start().len());
        let mut line = String::new();
        for word in clean.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.len() + 1 + word.len() > COMMENT_WIDTH {
                self.line(&format!("# {indent}{line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.is_empty() {
            self.line("#");
        } else {
            self.line(&format!("# {indent}{line}"));
        }
    }

    /// A comment holding a line of example code, kept whole (not wrapped) so it can be copied
    /// and run; cleaned like [`Script::comment`].
    pub(crate) fn code_comment(&mut self, code: &str) {
        self.line(&format!("# {}", comment_text(code).trim_end()));
    }

    /// A section heading: a blank line and a framed comment.
    pub(crate) fn section(&mut self, title: &str) {
        self.blank();
        self.comment(&"-".repeat(76));
        self.comment(title);
        self.comment(&"-".repeat(76));
    }

    fn record(&mut self, name: String, value: &str) -> String {
        self.values.push(ScriptValue {
            name,
            value: value.to_string(),
        });
        quote(value)
    }

    /// `$var = <value>`.
    pub(crate) fn assign(&mut self, var: &str, value: &str) {
        let q = self.record(var.to_string(), value);
        self.line(&format!("${var} = {q}"));
    }

    /// `$var = @(<value> ...)`, one element per line (an empty list is `@()`).
    pub(crate) fn assign_list(&mut self, var: &str, items: &[String]) {
        if items.is_empty() {
            self.line(&format!("${var} = @()"));
            return;
        }
        self.open(&format!("${var} = @("));
        for (i, item) in items.iter().enumerate() {
            let q = self.record(format!("{var}[{i}]"), item);
            self.line(&q);
        }
        self.close(")");
    }

    /// `$var = @(@{ Key = <value> ... } ...)`, a list of hashtables, one field per line.
    pub(crate) fn assign_records(&mut self, var: &str, records: &[Vec<(&str, Field<'_>)>]) {
        if records.is_empty() {
            self.line(&format!("${var} = @()"));
            return;
        }
        self.open(&format!("${var} = @("));
        for (i, fields) in records.iter().enumerate() {
            self.open("@{");
            for (key, field) in fields {
                let code = match field {
                    Field::Text(v) => self.record(format!("{var}[{i}].{key}"), v),
                    Field::Flag(true) => "$true".to_string(),
                    Field::Flag(false) => "$false".to_string(),
                };
                self.line(&format!("{key} = {code}"));
            }
            self.close("}");
        }
        self.close(")");
    }

    pub(crate) fn finish(self) -> (String, Vec<ScriptValue>) {
        (self.text, self.values)
    }
}

/// `text` with everything that could end a comment early (line breaks) or that is not ASCII
/// replaced by spaces.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_recorded_and_comments_cannot_break_out() {
        let mut s = Script::new();
        s.comment("line one\n$evil = 1 \u{2019}");
        s.assign("Name", "O'Neil");
        s.assign_list("Roles", &["a".to_string(), "b\u{e9}".to_string()]);
        let (text, values) = s.finish();
        assert_eq!(
            text,
            "# line one $evil = 1\n$Name = 'O''Neil'\n$Roles = @(\n    'a'\n    ('b' + [char]0x00E9)\n)\n"
        );
        let names: Vec<_> = values.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Name", "Roles[0]", "Roles[1]"]);
        assert_eq!(values[2].value, "b\u{e9}");
    }
}
