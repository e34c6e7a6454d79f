//! Turning pasted or imported text into mailboxes: one or many per line, with optional
//! words `granted`/`denied` (or must-reach/must-not-reach) and `user`/`shared` after each.

use mailscope::profile::{Expectation, Mailbox, MailboxKind, validate};

/// What a block of text yields.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub mailboxes: Vec<Mailbox>,
    /// Tokens that are not addresses, with the reason.
    pub rejected: Vec<String>,
}

fn keyword(token: &str) -> Option<Result<Expectation, MailboxKind>> {
    match token.to_ascii_lowercase().as_str() {
        "granted" | "must-reach" | "allow" | "allowed" => Some(Ok(Expectation::Granted)),
        "denied" | "must-not-reach" | "deny" => Some(Ok(Expectation::Denied)),
        "shared" => Some(Err(MailboxKind::Shared)),
        "user" => Some(Err(MailboxKind::User)),
        _ => None,
    }
}

/// Parses text; `expect` and `kind` apply where a line does not say otherwise.
pub fn parse(text: &str, expect: Expectation, kind: MailboxKind) -> Parsed {
    let mut out = Parsed::default();
    // Terminals deliver pasted line breaks as CR, CRLF or LF.
    for line in text.split(['\n', '\r']) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let tokens: Vec<&str> = line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .map(|t| t.trim_matches(|c| matches!(c, '<' | '>' | '"' | '\'')))
            .filter(|t| !t.is_empty())
            .collect();
        let has_address = tokens.iter().any(|t| t.contains('@'));
        let start = out.mailboxes.len();
        for t in tokens {
            match keyword(t) {
                Some(k) if out.mailboxes.len() > start => {
                    if let Some(m) = out.mailboxes.last_mut() {
                        match k {
                            Ok(e) => m.expect = e,
                            Err(kd) => m.kind = kd,
                        }
                    }
                }
                Some(_) => {}
                None if t.contains('@') => match validate::mail_address(t) {
                    Ok(address) => out.mailboxes.push(Mailbox {
                        address,
                        kind,
                        expect,
                    }),
                    Err(e) => out.rejected.push(e.0),
                },
                None if has_address => {}
                None => out.rejected.push(format!(
                    "'{t}' is not an address: enter a full address such as support@contoso.com."
                )),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_per_line_keywords_and_outlook_style() {
        let p = parse(
            "a@contoso.com, b@contoso.com denied\r# comment\r\nSupport <S@Contoso.com> shared\nnot-an-address\nx@@y",
            Expectation::Granted,
            MailboxKind::User,
        );
        let got: Vec<(&str, Expectation, MailboxKind)> = p
            .mailboxes
            .iter()
            .map(|m| (m.address.as_str(), m.expect, m.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("a@contoso.com", Expectation::Granted, MailboxKind::User),
                ("b@contoso.com", Expectation::Denied, MailboxKind::User),
                ("s@contoso.com", Expectation::Granted, MailboxKind::Shared),
            ]
        );
        assert_eq!(p.rejected.len(), 2, "{:?}", p.rejected);
    }
}
