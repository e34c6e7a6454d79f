//! An independent reading of generated PowerShell: tree-sitter-powershell for the syntax, and a
//! small evaluator that reads string literals the way PowerShell's tokenizer does.

use std::collections::BTreeSet;

use tree_sitter::{Node, Parser, Tree};

/// PowerShell's single-quote characters: ' and U+2018, U+2019, U+201A, U+201B.
fn is_ps_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

pub struct Parsed<'a> {
    pub src: &'a str,
    pub tree: Tree,
}

pub fn parse(src: &str) -> Parsed<'_> {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("load grammar");
    let tree = p.parse(src, None).expect("parse");
    Parsed { src, tree }
}

/// Pre-order walk; `f` returns whether to descend. Uses a cursor (no recursion), as long
/// values make deep trees.
fn walk<'t>(root: Node<'t>, f: &mut dyn FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        if f(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

impl Parsed<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        &self.src[n.byte_range()]
    }

    /// ERROR and MISSING nodes, with their position and text.
    pub fn errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(self.tree.root_node(), &mut |n| {
            if n.is_error() || n.is_missing() {
                let p = n.start_position();
                out.push(format!(
                    "{}:{} {} {:?}",
                    p.row + 1,
                    p.column + 1,
                    n.kind(),
                    self.text(n)
                ));
            }
            true
        });
        out
    }

    /// The names of all commands the script invokes.
    pub fn commands(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        walk(self.tree.root_node(), &mut |n| {
            if n.kind() == "command" {
                let name = n
                    .child_by_field_name("command_name")
                    .map(|c| self.text(c).to_string())
                    .unwrap_or_else(|| format!("<unnamed: {}>", self.text(n)));
                out.insert(name);
            }
            true
        });
        out
    }

    /// Each command invocation as (name, full text), in document order.
    pub fn invocations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        walk(self.tree.root_node(), &mut |n| {
            if n.kind() == "command"
                && let Some(c) = n.child_by_field_name("command_name")
            {
                out.push((self.text(c).to_string(), self.text(n).to_string()));
            }
            true
        });
        out
    }

    /// Every quoted value (a single-quoted literal, or the `('..' + [char]0x..)` form) in
    /// document order, with its byte range and its value as PowerShell evaluates it.
    pub fn quoted(&self) -> Vec<(std::ops::Range<usize>, String)> {
        let mut out = Vec::new();
        walk(self.tree.root_node(), &mut |n| {
            if n.kind() == "verbatim_string_characters" {
                out.push((n.byte_range(), eval_literal(self.text(n))));
                return false;
            }
            if n.kind() == "parenthesized_expression"
                && let Some(v) = self.eval_concat(n)
            {
                out.push((n.byte_range(), v));
                return false;
            }
            true
        });
        out
    }

    /// Evaluates `('a' + [char]0x00E9 + ...)`: only string literals and `[char]` casts of hex
    /// integers joined by `+`, starting with a string (so `+` concatenates). Anything else is
    /// not a quoted value (`None`).
    fn eval_concat(&self, n: Node<'_>) -> Option<String> {
        let mut parts: Vec<(std::ops::Range<usize>, String, bool)> = Vec::new();
        let mut ok = true;
        let mut c = n.walk();
        for child in n.children(&mut c) {
            walk(child, &mut |d| {
                match d.kind() {
                    "verbatim_string_characters" => {
                        parts.push((d.byte_range(), eval_literal(self.text(d)), true));
                        return false;
                    }
                    "cast_expression" => {
                        let t = self.text(d);
                        let hex = t.strip_prefix("[char]0x");
                        match hex.and_then(|h| u16::from_str_radix(h, 16).ok()) {
                            Some(unit) => parts.push((d.byte_range(), unit_marker(unit), false)),
                            None => ok = false,
                        }
                        return false;
                    }
                    "variable"
                    | "command"
                    | "sub_expression"
                    | "expandable_string_literal"
                    | "member_access"
                    | "invokation_expression" => ok = false,
                    _ => {}
                }
                true
            });
        }
        if !ok || parts.is_empty() || !parts[0].2 {
            return None;
        }
        // Outside the parts only '(', ')', '+' and spaces may remain.
        let inner = self.text(n);
        let base = n.start_byte();
        let mut rest = String::new();
        let mut pos = base;
        for (r, _, _) in &parts {
            rest.push_str(&self.src[pos..r.start]);
            pos = r.end;
        }
        rest.push_str(&self.src[pos..base + inner.len()]);
        if !rest.chars().all(|c| matches!(c, '(' | ')' | '+' | ' ')) {
            return None;
        }
        let mut units: Vec<u16> = Vec::new();
        for (_, v, is_str) in &parts {
            if *is_str {
                units.extend(v.encode_utf16());
            } else {
                units.push(marker_unit(v));
            }
        }
        Some(String::from_utf16(&units).expect("valid UTF-16 after joining surrogates"))
    }

    /// The script with every quoted value replaced by `<Q>` and every comment by `#`: what
    /// the script does, independent of the values it holds.
    pub fn skeleton(&self) -> String {
        let mut spans: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
        walk(self.tree.root_node(), &mut |n| {
            match n.kind() {
                "comment" => spans.push((n.byte_range(), "#")),
                "verbatim_string_characters" => spans.push((n.byte_range(), "<Q>")),
                "parenthesized_expression" if self.eval_concat(n).is_some() => {
                    spans.push((n.byte_range(), "<Q>"))
                }
                _ => return true,
            }
            false
        });
        let mut out = String::new();
        let mut pos = 0;
        for (r, mark) in spans {
            out.push_str(&self.src[pos..r.start]);
            out.push_str(mark);
            pos = r.end;
        }
        out.push_str(&self.src[pos..]);
        // Comment text may wrap onto more or fewer lines; comment-only lines carry no code.
        out.lines()
            .filter(|l| l.trim() != "#")
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

// A UTF-16 unit travels through the parts list as a one-char marker string.
fn unit_marker(unit: u16) -> String {
    format!("{unit:04X}")
}

fn marker_unit(m: &str) -> u16 {
    u16::from_str_radix(m, 16).expect("marker")
}

/// The value of a single-quoted literal, read as PowerShell reads it: the string starts with
/// any single-quote character, a quote character followed by another stands for the second,
/// and a lone quote character ends the string. Panics if PowerShell would end the string
/// before the literal tree-sitter found ends, that is, if the two readings disagree.
pub fn eval_literal(text: &str) -> String {
    let mut chars = text.chars().peekable();
    let open = chars.next().expect("empty literal");
    assert!(
        is_ps_single_quote(open),
        "not a single-quoted literal: {text:?}"
    );
    let mut out = String::new();
    let mut consumed = open.len_utf8();
    while let Some(c) = chars.next() {
        consumed += c.len_utf8();
        if is_ps_single_quote(c) {
            match chars.peek() {
                Some(&next) if is_ps_single_quote(next) => {
                    chars.next();
                    consumed += next.len_utf8();
                    out.push(next);
                }
                _ => {
                    assert_eq!(
                        consumed,
                        text.len(),
                        "PowerShell ends this string early: {text:?}"
                    );
                    return out;
                }
            }
        } else {
            out.push(c);
        }
    }
    panic!("unterminated literal: {text:?}");
}
