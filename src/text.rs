//! Terminal-safe text: the one place that makes control characters in printed values visible
//! and inert, so a value from a report, a profile or a server cannot drive the terminal.
//!
//! Values that come from outside (a customer's report, a profile file, an error body) may hold
//! escape sequences: a window title (OSC 0/2), a screen clear (CSI 2J), a clipboard write
//! (OSC 52), the 8-bit C1 introducers (U+009B is CSI on its own) or bidirectional overrides that
//! make text read differently from what it is. Everything mailscope prints for a person passes
//! [`terminal_safe`] (one value, one line) or [`terminal_safe_text`] (a document whose line
//! breaks are its own); JSON for machines passes [`json_terminal_safe`], which keeps the JSON's
//! meaning.
//!
//! ```
//! use mailscope::text::terminal_safe;
//! assert_eq!(terminal_safe("a\u{1b}]0;pwned\u{7}b"), r"a\x1b]0;pwned\x07b");
//! assert_eq!(terminal_safe("plain Ünïcode ✓"), "plain Ünïcode ✓");
//! ```

use std::borrow::Cow;
use std::fmt::Write;

/// Bidirectional formatting characters (Unicode 15, UAX #9): embeddings, overrides, isolates
/// and marks. They reorder what the reader sees without being visible themselves.
const BIDI: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Whether `c` must not reach a terminal as itself: C0 controls, DEL, C1 controls (U+0080 to
/// U+009F), bidirectional formatting characters, and the line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || BIDI.contains(&c) || c == '\u{2028}' || c == '\u{2029}'
}

/// One value for one line: every unsafe character spelled out (`\n`, `\r`, `\t`, `\x1b`,
/// `\u{9b}`), everything else unchanged. Borrows when there is nothing to change.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    neutralise(s, false)
}

/// A document (a report, a profile file, a message of several lines): as [`terminal_safe`],
/// but line feeds stay line feeds.
pub fn terminal_safe_text(s: &str) -> Cow<'_, str> {
    neutralise(s, true)
}

fn neutralise(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs(c) {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\t' => out.write_str("\\t"),
            c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
            c => write!(out, "\\u{{{:x}}}", c as u32),
        };
    }
    Cow::Owned(out)
}

/// Serialised JSON for a terminal: unsafe characters inside strings become `\uXXXX` escapes,
/// so the document means exactly the same to a parser and holds no raw control character.
/// (serde_json already escapes C0 controls; C1 controls and bidi characters it writes raw.)
/// The JSON's own line breaks (pretty printing) stay.
pub fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && c != '\n';
    if !json.chars().any(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if needs(c) {
            // Outside strings JSON allows only space, tab, CR and LF; tab and CR written as
            // escapes there would not parse, but serde_json never writes them between tokens.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is the failure report
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn neutralises_escape_sequences_and_keeps_ordinary_text() {
        let table: &[(&str, &str)] = &[
            ("kundo@contoso.com", "kundo@contoso.com"),
            ("Ünïcode ✓ 日本語 👍🏽", "Ünïcode ✓ 日本語 👍🏽"),
            ("\u{1b}]0;title\u{7}", r"\x1b]0;title\x07"),
            ("\u{1b}]2;title\u{1b}\\", r"\x1b]2;title\x1b\"),
            ("\u{1b}[2J\u{1b}[H", r"\x1b[2J\x1b[H"),
            ("\u{1b}]52;c;ZXZpbA==\u{7}", r"\x1b]52;c;ZXZpbA==\x07"),
            ("\u{9b}31m", r"\u{9b}31m"),
            ("\u{9d}0;t\u{9c}", r"\u{9d}0;t\u{9c}"),
            ("a\u{202e}gpj.exe", r"a\u{202e}gpj.exe"),
            ("\u{2066}x\u{2069}", r"\u{2066}x\u{2069}"),
            ("line\nnext\r\ttab\u{7f}\0", r"line\nnext\r\ttab\x7f\x00"),
        ];
        for (input, want) in table {
            assert_eq!(terminal_safe(input), *want, "{input:?}");
        }
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe_text("a\nb\u{1b}c\n"), "a\nb\\x1bc\n");
    }

    #[test]
    fn json_keeps_its_meaning() {
        let v = serde_json::json!({ "name": "a\u{1b}[2J\u{9b}1m\u{202e}b\nc", "n": 1 });
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_terminal_safe(&text);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn output_never_holds_a_control(s in any::<String>()) {
            let one = terminal_safe(&s);
            prop_assert!(!one.chars().any(is_unsafe), "{:?}", one);
            let doc = terminal_safe_text(&s);
            prop_assert!(!doc.chars().any(|c| is_unsafe(c) && c != '\n'), "{:?}", doc);
            prop_assert_eq!(doc.matches('\n').count(), s.matches('\n').count());
            // Idempotent: what it prints is already safe.
            prop_assert_eq!(terminal_safe(&one), one.clone());
        }

        #[test]
        fn ordinary_text_is_unchanged(s in "[^\\p{Cc}\\p{Cf}\\u{2028}\\u{2029}]*") {
            prop_assert_eq!(terminal_safe(&s), s.as_str());
        }

        #[test]
        fn json_round_trips(s in any::<String>()) {
            let text = serde_json::to_string_pretty(&serde_json::json!({ "v": s })).unwrap();
            let safe = json_terminal_safe(&text);
            prop_assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'));
            let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
            prop_assert_eq!(back["v"].as_str(), Some(s.as_str()));
        }
    }
}
