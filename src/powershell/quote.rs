//! The one way a value reaches a generated script: a PowerShell expression that evaluates to it.
//!
//! PowerShell ends a single-quoted string at `'` and also at the Unicode quotes U+2018, U+2019,
//! U+201A and U+201B; inside such a string nothing is expanded (no `$`, no backtick), and a
//! quote character written twice stands for one. [`single_quoted`] relies on exactly that.
//!
//! Windows PowerShell 5.1 reads a `.ps1` file without a byte-order mark in the system's ANSI
//! code page, so UTF-8 text would be misread: the byte 0x91 that ends many UTF-8 sequences is
//! U+2018, a quote, in Windows-1252. [`quote`] therefore emits ASCII only: printable ASCII runs
//! as single-quoted strings, every other character (controls, newlines, non-ASCII) as a
//! `[char]0xXXXX` UTF-16 code unit, joined with `+` behind a leading string so that PowerShell
//! concatenates strings. The script's bytes mean the same in every encoding PowerShell may use.

/// The characters PowerShell treats as a single quote.
pub const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// The characters PowerShell treats as a double quote (never produced raw by [`quote`]).
pub const DOUBLE_QUOTES: [char; 4] = ['"', '\u{201C}', '\u{201D}', '\u{201E}'];

/// Whether PowerShell treats `c` as a single quote.
pub fn is_single_quote(c: char) -> bool {
    SINGLE_QUOTES.contains(&c)
}

/// `value` as a single-quoted PowerShell string: every single-quote character doubled.
///
/// Exact for any value, but the result contains `value`'s characters as they are; scripts use
/// [`quote`], which keeps them ASCII.
pub fn single_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if is_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn is_plain(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_control()
}

/// An ASCII-only PowerShell expression whose value is exactly `value`.
///
/// Printable ASCII values become `'...'`; others become a parenthesised concatenation such as
/// `('caf' + [char]0x00E9)`, which is valid both as an expression and as a command argument.
pub fn quote(value: &str) -> String {
    if value.chars().all(is_plain) {
        return single_quoted(value);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in value.chars() {
        if is_plain(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() || parts.is_empty() {
            // A leading string literal makes `+` concatenate rather than add numbers.
            parts.push(single_quoted(&run));
            run.clear();
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            parts.push(format!("[char]0x{unit:04X}"));
        }
    }
    if !run.is_empty() {
        parts.push(single_quoted(&run));
    }
    format!("({})", parts.join(" + "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_single_quoted_with_quotes_doubled() {
        assert_eq!(quote("Kundo Mail"), "'Kundo Mail'");
        assert_eq!(quote("O'Neil"), "'O''Neil'");
        assert_eq!(quote("$(evil) `n ; | # <# @'"), "'$(evil) `n ; | # <# @'''");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn unicode_quotes_are_doubled_in_raw_literals() {
        assert_eq!(
            single_quoted("a\u{2018}b\u{2019}c\u{201A}d\u{201B}e'"),
            "'a\u{2018}\u{2018}b\u{2019}\u{2019}c\u{201A}\u{201A}d\u{201B}\u{201B}e'''"
        );
        // Double quotes are not special inside single quotes.
        assert_eq!(single_quoted("\u{201C}x\""), "'\u{201C}x\"'");
    }

    #[test]
    fn everything_else_becomes_char_codes_and_stays_ascii() {
        assert_eq!(quote("caf\u{e9}"), "('caf' + [char]0x00E9)");
        assert_eq!(quote("\u{2019}"), "('' + [char]0x2019)");
        assert_eq!(quote("a\nb"), "('a' + [char]0x000A + 'b')");
        assert_eq!(quote("\u{1F600}"), "('' + [char]0xD83D + [char]0xDE00)");
        assert!(quote("\u{201C}\r\t\u{0}\u{7f}\u{2028}x").is_ascii());
    }
}
