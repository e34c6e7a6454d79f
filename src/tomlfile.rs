//! Reading TOML files so that every error names the file, the line and the key.

use std::fmt;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path: a table key or an index into an array of tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySeg {
    Key(String),
    Index(usize),
}

impl From<&str> for KeySeg {
    fn from(s: &str) -> Self {
        KeySeg::Key(s.to_string())
    }
}

impl From<usize> for KeySeg {
    fn from(i: usize) -> Self {
        KeySeg::Index(i)
    }
}

/// Renders a key path the way a person would write it: `mailbox[2].address`.
pub fn render_path(path: &[KeySeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            KeySeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            // Shown 1-based: "the 2nd [[mailbox]]" reads as mailbox[2].
            KeySeg::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// A problem in a TOML file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file (or other origin) the text came from.
    pub origin: String,
    /// 1-based line, when the problem could be located.
    pub line: Option<usize>,
    /// The dotted key, when known.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FileError {}

/// Parses `text` into `T`, with unknown keys and wrong types reported at their line and key.
pub fn parse<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span();
        let (line, key) = match &span {
            Some(span) => (
                Some(line_of(text, span.start)),
                key_at(text, span.start).map(|p| render_path(&p)),
            ),
            None => (None, None),
        };
        let mut message = e.message().trim().to_string();
        // The parser's depth limit comes without a location: point at the deepest key.
        let line = if line.is_none() && message.contains("recursion") {
            message = format!("{message}: keys or values are nested too deeply");
            deepest_line(text)
        } else {
            line
        };
        FileError {
            origin: origin.to_string(),
            line,
            key,
            message,
        }
    })
}

/// Nesting no mailscope file comes near; the parser's own limit is higher.
const DEEP: usize = 64;

/// The 1-based line where nesting first gets deep (at least [`DEEP`]), else the deepest:
/// table headers' segments, plus the segments of a dotted key under them, plus open brackets
/// of inline arrays and tables.
fn deepest_line(text: &str) -> Option<usize> {
    let mut header = 0usize;
    let mut best: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        let depth = if t.starts_with('[') && !t.contains('=') {
            header = key_segments(t.trim_start_matches('[').split(']').next().unwrap_or(""));
            header
        } else {
            let (key, value) = t.split_once('=').unwrap_or((t, ""));
            let nesting = value.chars().filter(|c| matches!(c, '[' | '{')).count();
            header + key_segments(key) + nesting
        };
        if depth >= DEEP {
            return Some(i + 1);
        }
        if best.is_none_or(|(d, _)| depth > d) {
            best = Some((depth, i + 1));
        }
    }
    best.map(|(_, line)| line)
}

/// Segments of a dotted key (`a."b.c".d` has three).
fn key_segments(key: &str) -> usize {
    let mut n = 1;
    let mut quote: Option<char> = None;
    for c in key.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => n += 1,
            _ => {}
        }
    }
    n
}

/// An error about the value at `path` (found after parsing, e.g. by validation).
pub fn error_at(
    text: &str,
    origin: &str,
    path: &[KeySeg],
    message: impl Into<String>,
) -> FileError {
    FileError {
        origin: origin.to_string(),
        line: span_of(text, path).map(|s| line_of(text, s.start)),
        key: Some(render_path(path)),
        message: message.into(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The key path whose key or value covers `offset`, deepest first.
fn key_at(text: &str, offset: usize) -> Option<Vec<KeySeg>> {
    let doc = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    walk_table(doc.get_ref(), offset, &mut path);
    (!path.is_empty()).then_some(path)
}

fn covers(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

fn walk_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<KeySeg>) -> bool {
    for (k, v) in table.iter() {
        if covers(&k.span(), offset) {
            path.push(KeySeg::Key(k.get_ref().to_string()));
            return true;
        }
        path.push(KeySeg::Key(k.get_ref().to_string()));
        if walk_value(v, offset, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn walk_value(v: &Spanned<DeValue<'_>>, offset: usize, path: &mut Vec<KeySeg>) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => walk_table(t, offset, path) || covers(&v.span(), offset),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(KeySeg::Index(i));
                if walk_value(item, offset, path) {
                    return true;
                }
                path.pop();
            }
            covers(&v.span(), offset)
        }
        _ => covers(&v.span(), offset),
    }
}

/// The span of the value at `path`, or of the nearest existing parent.
fn span_of(text: &str, path: &[KeySeg]) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut best: Option<Range<usize>> = None;
    let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    for seg in path {
        let next = match (seg, table, value) {
            (KeySeg::Key(k), Some(t), _) => {
                t.iter()
                    .find(|(key, _)| key.get_ref() == k)
                    .map(|(key, v)| {
                        best = Some(key.span());
                        v
                    })
            }
            (KeySeg::Index(i), _, Some(v)) => v.get_ref().as_array().and_then(|a| a.get(*i)),
            _ => None,
        };
        let Some(next) = next else { break };
        if !matches!(next.get_ref(), DeValue::Table(_)) {
            best = Some(next.span());
        }
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
        value = Some(next);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        item: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        address: String,
        count: u32,
    }

    const DOC: &str = "name = \"x\"\n\n[[item]]\naddress = \"a\"\ncount = 1\n\n[[item]]\naddress = \"b\"\ncount = \"two\"\n";

    #[test]
    fn wrong_type_names_line_and_key() {
        let e = parse::<Doc>(DOC, "f.toml").expect_err("wrong type");
        assert_eq!(e.line, Some(9));
        assert_eq!(e.key.as_deref(), Some("item[2].count"));
        assert!(
            e.to_string().starts_with("f.toml:9: key `item[2].count`: "),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let e = parse::<Doc>("name = \"x\"\ncolour = 3\n", "g.toml").expect_err("unknown");
        assert_eq!(e.line, Some(2));
        assert_eq!(e.key.as_deref(), Some("colour"));
        assert!(e.message.contains("unknown field"), "{}", e.message);
    }

    #[test]
    fn over_deep_keys_and_values_are_reported_at_their_line() {
        let segments: Vec<String> = (0..300).map(|i| format!("k{i}")).collect();
        let dotted = format!("name = \"x\"\n\n{} = 1\nother = 2\n", segments.join("."));
        let header = format!("name = \"x\"\n[{}]\nz = 1\n", segments.join("."));
        let array = format!(
            "name = \"x\"\n\nv = {}1{}\n",
            "[".repeat(300),
            "]".repeat(300)
        );
        for (text, line) in [(dotted, 3), (header, 2), (array, 3)] {
            let e = parse::<Doc>(&text, "deep.toml").expect_err("too deep");
            assert_eq!(e.line, Some(line), "{e}");
            assert!(
                e.to_string().starts_with(&format!("deep.toml:{line}: ")),
                "{e}"
            );
        }
    }

    #[test]
    fn error_at_locates_array_entries() {
        let path = [
            KeySeg::from("item"),
            KeySeg::from(1),
            KeySeg::from("address"),
        ];
        let e = error_at(DOC, "f.toml", &path, "bad address");
        assert_eq!(e.line, Some(8));
        assert_eq!(e.key.as_deref(), Some("item[2].address"));
    }
}
