//! OData `$filter` for the mail collections: parsing and evaluation against a JSON item.
//!
//! Supported: comparisons (`eq ne gt ge lt le`) of a property path (`isRead`,
//! `receivedDateTime`, `from/emailAddress/address`, ...) with a literal (`true`, `false`,
//! `null`, `'text'`, numbers, unquoted date-times), `and`, `or`, `not`, parentheses, and
//! `startswith(path,'x')` / `contains(path,'x')`. Strings compare without regard to case, as
//! Exchange does. A property the type does not have is Graph's `RequestBroker--ParseUri`;
//! anything else this sim cannot evaluate (lambda operators, other functions) is refused with
//! 400 and says so, never ignored.

use serde_json::Value;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Vec<String>, Op, Lit),
    Func(Func, Vec<String>, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    StartsWith,
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Bool(bool),
    Null,
    Str(String),
    Num(f64),
    /// An unquoted date-time literal (unix seconds).
    Time(i64),
}

/// Why a filter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FilterError {
    /// Graph's parser error text ("Syntax error at position ...").
    Syntax(String),
    /// The root property does not exist on the type.
    UnknownProperty(String),
    /// Valid OData this sim does not evaluate.
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

fn tokenize(s: &str) -> Result<Vec<(usize, Tok)>, FilterError> {
    let b: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => {
                out.push((i, Tok::Open));
                i += 1;
            }
            ')' => {
                out.push((i, Tok::Close));
                i += 1;
            }
            ',' => {
                out.push((i, Tok::Comma));
                i += 1;
            }
            '\'' => {
                let start = i;
                let mut text = String::new();
                i += 1;
                loop {
                    match b.get(i) {
                        None => {
                            return Err(FilterError::Syntax(format!(
                                "Syntax error: unterminated string literal at position {start} in '{s}'."
                            )));
                        }
                        Some('\'') if b.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            text.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push((start, Tok::Str(text)));
            }
            _ => {
                let start = i;
                while i < b.len() && !matches!(b[i], ' ' | '\t' | '(' | ')' | ',' | '\'') {
                    i += 1;
                }
                out.push((start, Tok::Word(b[start..i].iter().collect())));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(usize, Tok)>,
    at: usize,
    text: &'a str,
    known: &'a [&'a str],
    type_name: &'a str,
}

impl Parser<'_> {
    fn syntax(&self) -> FilterError {
        let pos = self
            .toks
            .get(self.at)
            .map_or(self.text.chars().count(), |t| t.0);
        FilterError::Syntax(format!(
            "Syntax error at position {pos} in '{}'.",
            self.text
        ))
    }

    fn peek_word(&self) -> Option<String> {
        match self.toks.get(self.at) {
            Some((_, Tok::Word(w))) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn expect(&mut self, t: &Tok) -> Result<(), FilterError> {
        if self.toks.get(self.at).map(|x| &x.1) == Some(t) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.syntax())
        }
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.peek_word().as_deref() == Some("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.toks.get(self.at).map(|t| &t.1) == Some(&Tok::Open) {
            self.at += 1;
            let e = self.or()?;
            self.expect(&Tok::Close)?;
            return Ok(e);
        }
        self.comparison()
    }

    fn path(&mut self) -> Result<Vec<String>, FilterError> {
        let Some((_, Tok::Word(w))) = self.toks.get(self.at).cloned() else {
            return Err(self.syntax());
        };
        self.at += 1;
        let parts: Vec<String> = w.split('/').map(String::from).collect();
        if parts.iter().any(|p| p.contains(':')) {
            return Err(FilterError::Unsupported(
                "lambda operators (any/all) are not supported by the simulated tenant".into(),
            ));
        }
        let root = &parts[0];
        if !self.known.iter().any(|k| k.eq_ignore_ascii_case(root)) {
            return Err(FilterError::UnknownProperty(format!(
                "Could not find a property named '{root}' on type '{}'.",
                self.type_name
            )));
        }
        Ok(parts)
    }

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        if let (Some(w), Some((_, Tok::Open))) = (self.peek_word(), self.toks.get(self.at + 1)) {
            let func = match w.as_str() {
                "startswith" => Func::StartsWith,
                "contains" => Func::Contains,
                other => {
                    return Err(FilterError::Unsupported(format!(
                        "the function '{other}' is not supported by the simulated tenant"
                    )));
                }
            };
            self.at += 2;
            let path = self.path()?;
            self.expect(&Tok::Comma)?;
            let Some((_, Tok::Str(arg))) = self.toks.get(self.at).cloned() else {
                return Err(self.syntax());
            };
            self.at += 1;
            self.expect(&Tok::Close)?;
            return Ok(Expr::Func(func, path, arg));
        }
        let path = self.path()?;
        let op = match self.peek_word().as_deref() {
            Some("eq") => Op::Eq,
            Some("ne") => Op::Ne,
            Some("gt") => Op::Gt,
            Some("ge") => Op::Ge,
            Some("lt") => Op::Lt,
            Some("le") => Op::Le,
            _ => return Err(self.syntax()),
        };
        self.at += 1;
        let lit = match self.toks.get(self.at).cloned() {
            Some((_, Tok::Str(s))) => Lit::Str(s),
            Some((_, Tok::Word(w))) => literal(&w).ok_or_else(|| self.syntax())?,
            _ => return Err(self.syntax()),
        };
        self.at += 1;
        Ok(Expr::Cmp(path, op, lit))
    }
}

fn literal(w: &str) -> Option<Lit> {
    match w.to_ascii_lowercase().as_str() {
        "true" => return Some(Lit::Bool(true)),
        "false" => return Some(Lit::Bool(false)),
        "null" => return Some(Lit::Null),
        _ => {}
    }
    if let Some(t) = parse_time(w) {
        return Some(Lit::Time(t));
    }
    w.parse::<f64>().ok().map(Lit::Num)
}

/// RFC 3339 date-time (or a bare date) to unix seconds.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &f)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// Parses `$filter` text; `known` are the type's property names, `type_name` its OData name.
pub(crate) fn parse(text: &str, known: &[&str], type_name: &str) -> Result<Expr, FilterError> {
    let mut p = Parser {
        toks: tokenize(text)?,
        at: 0,
        text,
        known,
        type_name,
    };
    if p.toks.is_empty() {
        return Err(p.syntax());
    }
    let e = p.or()?;
    if p.at != p.toks.len() {
        return Err(p.syntax());
    }
    Ok(e)
}

/// Property paths in the order they appear (for `$orderby` against `$filter`).
pub(crate) fn properties(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            properties(a, out);
            properties(b, out);
        }
        Expr::Not(a) => properties(a, out),
        Expr::Cmp(p, ..) | Expr::Func(_, p, _) => out.push(p.join("/").to_ascii_lowercase()),
    }
}

/// The value at a property path (case-insensitive names).
pub(crate) fn at_path<'a>(item: &'a Value, path: &[String]) -> &'a Value {
    let mut v = item;
    for p in path {
        v = v
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(p)))
            .map_or(&Value::Null, |(_, x)| x);
    }
    v
}

fn ordering(v: &Value, lit: &Lit) -> Option<std::cmp::Ordering> {
    match (v, lit) {
        (Value::Bool(a), Lit::Bool(b)) => Some(a.cmp(b)),
        (Value::String(a), Lit::Str(b)) => Some(a.to_lowercase().cmp(&b.to_lowercase())),
        (Value::String(a), Lit::Time(b)) => parse_time(a).map(|a| a.cmp(b)),
        (Value::Number(a), Lit::Num(b)) => a.as_f64().and_then(|a| a.partial_cmp(b)),
        _ => None,
    }
}

/// Whether `item` satisfies `e`.
pub(crate) fn matches(e: &Expr, item: &Value) -> bool {
    use std::cmp::Ordering::*;
    match e {
        Expr::Or(a, b) => matches(a, item) || matches(b, item),
        Expr::And(a, b) => matches(a, item) && matches(b, item),
        Expr::Not(a) => !matches(a, item),
        Expr::Func(f, path, arg) => {
            let Some(s) = at_path(item, path).as_str() else {
                return false;
            };
            let (s, arg) = (s.to_lowercase(), arg.to_lowercase());
            match f {
                Func::StartsWith => s.starts_with(&arg),
                Func::Contains => s.contains(&arg),
            }
        }
        Expr::Cmp(path, op, lit) => {
            let v = at_path(item, path);
            if *lit == Lit::Null {
                return match op {
                    Op::Eq => v.is_null(),
                    Op::Ne => !v.is_null(),
                    _ => false,
                };
            }
            let Some(o) = ordering(v, lit) else {
                return *op == Op::Ne;
            };
            match op {
                Op::Eq => o == Equal,
                Op::Ne => o != Equal,
                Op::Gt => o == Greater,
                Op::Ge => o != Less,
                Op::Lt => o == Less,
                Op::Le => o != Greater,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    const KNOWN: &[&str] = &["isRead", "receivedDateTime", "from", "subject"];

    fn p(s: &str) -> Result<Expr, FilterError> {
        parse(s, KNOWN, "Microsoft.OutlookServices.Message")
    }

    #[test]
    fn evaluates_the_documented_mail_filters() {
        let m = json!({"isRead": false, "receivedDateTime": "2026-10-02T08:02:00Z",
            "subject": "Question #2", "from": {"emailAddress": {"address": "Customer2@example.com"}}});
        for (f, want) in [
            ("isRead eq false", true),
            ("isRead ne false", false),
            ("receivedDateTime ge 2026-10-02T00:00:00Z", true),
            ("receivedDateTime lt 2026-10-02T00:00:00Z", false),
            ("from/emailAddress/address eq 'customer2@example.com'", true),
            (
                "isRead eq false and (subject eq 'x' or startswith(subject,'question'))",
                true,
            ),
            ("not (isRead eq false)", false),
            ("contains(subject, '#2')", true),
        ] {
            assert_eq!(matches(&p(f).unwrap(), &m), want, "{f}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        assert!(
            matches!(p("bogus eq 1"), Err(FilterError::UnknownProperty(m)) if m.contains("'bogus'"))
        );
        assert!(matches!(p("isRead eq"), Err(FilterError::Syntax(_))));
        assert!(matches!(
            p("isRead eq false extra"),
            Err(FilterError::Syntax(_))
        ));
        assert!(matches!(p("subject eq 'open"), Err(FilterError::Syntax(_))));
        assert!(matches!(
            p("from/any(a:a/emailAddress/address eq 'x')"),
            Err(FilterError::Unsupported(_))
        ));
        assert!(matches!(
            p("endswith(subject,'x')"),
            Err(FilterError::Unsupported(_))
        ));
        let mut props = Vec::new();
        properties(
            &p("receivedDateTime ge 2026-01-01 and isRead eq false").unwrap(),
            &mut props,
        );
        assert_eq!(props, ["receiveddatetime", "isread"]);
    }
}
