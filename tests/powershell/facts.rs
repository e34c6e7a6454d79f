//! Generated scripts read against the recorded cmdlet facts
//! (`src/powershell/cmdlet_facts.toml`): commands, parameter sets, required parameters,
//! switches, and the output properties a script reads.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use tree_sitter::Node;

use super::parse::Parsed;

const RECORD: &str = include_str!("../../src/powershell/cmdlet_facts.toml");

/// Accepted by every cmdlet (about_CommonParameters).
const COMMON: &[&str] = &[
    "Debug",
    "ErrorAction",
    "ErrorVariable",
    "InformationAction",
    "InformationVariable",
    "OutVariable",
    "OutBuffer",
    "PipelineVariable",
    "ProgressAction",
    "Verbose",
    "WarningAction",
    "WarningVariable",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(rename = "cmdlet")]
    pub cmdlets: Vec<Cmdlet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cmdlet {
    pub name: String,
    pub source: String,
    pub switches: Vec<String>,
    pub sets: BTreeMap<String, ParameterSet>,
    #[serde(default)]
    pub outputs: Vec<String>,
    #[serde(default)]
    pub outputs_source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSet {
    pub parameters: Vec<String>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub pipeline: Vec<String>,
}

pub fn load() -> Facts {
    toml::from_str(RECORD).expect("cmdlet_facts.toml parses")
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Facts {
    pub fn get(&self, name: &str) -> Option<&Cmdlet> {
        self.cmdlets.iter().find(|c| eq(&c.name, name))
    }
}

/// One parameter as written in a call.
#[derive(Debug)]
struct Arg {
    name: String,
    /// `-Name value` or `-Name:value` (or a splatted key).
    valued: bool,
    /// `-Name:value`.
    colon: bool,
}

/// Every disagreement between the script `p` and the record.
pub fn check(p: &Parsed<'_>, facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    let splats = splatted_keys(p.src);
    walk(p.tree.root_node(), &mut |n| {
        if n.kind() == "command" {
            check_call(p, n, facts, &splats, &mut out);
        }
    });
    out.extend(check_outputs(p, facts));
    out
}

fn walk<'t>(n: Node<'t>, f: &mut dyn FnMut(Node<'t>)) {
    f(n);
    let mut c = n.walk();
    for child in n.named_children(&mut c) {
        walk(child, f);
    }
}

fn text<'a>(p: &Parsed<'a>, n: Node<'_>) -> &'a str {
    &p.src[n.byte_range()]
}

fn check_call(
    p: &Parsed<'_>,
    n: Node<'_>,
    facts: &Facts,
    splats: &BTreeMap<String, Vec<String>>,
    out: &mut Vec<String>,
) {
    let Some(name) = n.child_by_field_name("command_name").map(|c| text(p, c)) else {
        out.push(format!("unnamed command: {}", text(p, n)));
        return;
    };
    let call = text(p, n);
    let Some(cmdlet) = facts.get(name) else {
        out.push(format!("{name} is not in cmdlet_facts.toml: {call}"));
        return;
    };
    let args = arguments(p, n, splats);
    for a in &args {
        let switch = cmdlet.switches.iter().any(|s| eq(s, &a.name));
        if switch && a.valued && !a.colon {
            out.push(format!("{name}: switch -{} given a value: {call}", a.name));
        }
        if !switch && !a.valued && !COMMON.iter().any(|c| eq(c, &a.name)) {
            out.push(format!("{name}: -{} needs a value: {call}", a.name));
        }
    }
    let used: Vec<&str> = args
        .iter()
        .map(|a| a.name.as_str())
        .filter(|a| !COMMON.iter().any(|c| eq(c, a)))
        .collect();
    let piped = is_piped_into(n);
    let fits = cmdlet.sets.values().any(|set| {
        let has = |x: &str| set.parameters.iter().any(|q| eq(q, x));
        used.iter().all(|u| has(u))
            && set.required.iter().all(|r| {
                used.iter().any(|u| eq(u, r)) || (piped && set.pipeline.iter().any(|q| eq(q, r)))
            })
    });
    if !fits {
        out.push(format!(
            "{name}: no parameter set of {} takes {used:?} with its required parameters: {call}",
            cmdlet.source
        ));
    }
}

/// Whether `n` gets input from a command or expression before it in its pipeline.
fn is_piped_into(n: Node<'_>) -> bool {
    n.prev_named_sibling().is_some() && n.parent().is_some_and(|p| p.kind() == "pipeline_chain")
}

fn arguments(p: &Parsed<'_>, n: Node<'_>, splats: &BTreeMap<String, Vec<String>>) -> Vec<Arg> {
    let Some(elements) = n.child_by_field_name("command_elements") else {
        return Vec::new();
    };
    let mut c = elements.walk();
    let kids: Vec<Node<'_>> = elements.named_children(&mut c).collect();
    let mut out = Vec::new();
    for (i, k) in kids.iter().enumerate() {
        let t = text(p, *k);
        if k.kind() == "command_parameter" {
            let mut colon = false;
            let mut j = i + 1;
            while j < kids.len() && kids[j].kind() == "command_argument_sep" {
                colon |= text(p, kids[j]) == ":";
                j += 1;
            }
            let valued = j < kids.len() && kids[j].kind() != "command_parameter";
            out.push(Arg {
                name: t.trim_start_matches('-').to_string(),
                valued,
                colon,
            });
        } else if let Some(var) = t.strip_prefix('@')
            && var
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            && !var.is_empty()
        {
            let keys = splats
                .get(var)
                .unwrap_or_else(|| panic!("splatted @{var} has no hashtable in the script"));
            out.extend(keys.iter().map(|k| Arg {
                name: k.clone(),
                valued: true,
                colon: false,
            }));
        }
    }
    out
}

/// The keys of every hashtable variable: `$name = @{ Key = ... }` blocks (one key per line)
/// and `$name['Key'] = ...` additions.
fn splatted_keys(src: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let lines: Vec<&str> = src.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if let Some(var) = t.strip_prefix('$').and_then(|r| r.strip_suffix(" = @{")) {
            let keys = out.entry(var.to_string()).or_default();
            for inner in &lines[i + 1..] {
                let it = inner.trim_start();
                if it == "}" && inner.len() - it.len() == indent {
                    break;
                }
                if inner.len() - it.len() == indent + 4
                    && let Some((k, _)) = it.split_once(" = ")
                {
                    keys.push(k.to_string());
                }
            }
        }
        if let Some(rest) = t.strip_prefix('$')
            && let Some((var, after)) = rest.split_once("['")
            && let Some((key, _)) = after.split_once("'] = ")
        {
            out.entry(var.to_string())
                .or_default()
                .push(key.to_string());
        }
    }
    out
}

/// The cmdlet whose output a pipeline segment or assigned value is: `Cmd ...`, `@(Cmd ...)`,
/// `$v` or `@($v | ...)` for a variable assigned from a cmdlet.
fn source_of(value: &str, vars: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut v = value.trim();
    if let Some(inner) = v.strip_prefix("@(").and_then(|r| r.strip_suffix(')'))
        && balanced(inner)
    {
        v = inner.trim();
    }
    let first = first_segment(v).trim();
    if let Some(var) = first.strip_prefix('$')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return vars.get(var).cloned().unwrap_or_default();
    }
    let word = first.split_whitespace().next().unwrap_or("");
    let is_cmdlet = word.contains('-')
        && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if is_cmdlet {
        vec![word.to_string()]
    } else {
        Vec::new()
    }
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// The text before the first `|` outside brackets and quotes.
fn first_segment(s: &str) -> &str {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' | '{' | '[' if !quoted => depth += 1,
            ')' | '}' | ']' if !quoted => depth -= 1,
            '|' if !quoted && depth == 0 => return &s[..i],
            _ => {}
        }
    }
    s
}

/// Properties read from command output: `$x.Prop` where `$x` was assigned from a cmdlet, and
/// `$_.Prop` in a Where-Object/ForEach-Object block fed (directly or through Where-Object)
/// by a cmdlet, or in a script block variable used as such a filter.
fn check_outputs(p: &Parsed<'_>, facts: &Facts) -> Vec<String> {
    // Variable -> the cmdlets assigned to it (in order; repeated assignments resolve first).
    let mut vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut blocks: BTreeMap<String, usize> = BTreeMap::new();
    // Variables that hold `@(...)` arrays: `.Count` is the array's own.
    let mut arrays: BTreeSet<String> = BTreeSet::new();
    walk(p.tree.root_node(), &mut |n| {
        if n.kind() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(value)) = (n.named_child(0), n.child_by_field_name("value")) else {
            return;
        };
        let name = text(p, left).trim().trim_start_matches('$').to_string();
        let v = text(p, value).trim();
        if v.starts_with('{') {
            blocks.insert(name, value.start_byte());
            return;
        }
        if v.starts_with("@(") {
            arrays.insert(name.clone());
        }
        let src = source_of(v, &vars);
        vars.entry(name).or_default().extend(src);
    });
    let mut out = Vec::new();
    let mut check = |sources: &[String], member: &str, at: &str| {
        for s in sources {
            match facts.get(s) {
                Some(c) if c.outputs.iter().any(|o| eq(o, member)) => {}
                Some(c) => out.push(format!(
                    "{s}: output property {member} is not recorded (outputs {:?}): {at}",
                    c.outputs
                )),
                None => out.push(format!("{s} is not in cmdlet_facts.toml: {at}")),
            }
        }
    };
    walk(p.tree.root_node(), &mut |n| {
        if n.kind() != "member_access" {
            return;
        }
        let (Some(object), Some(member)) = (n.named_child(0), n.named_child(1)) else {
            return;
        };
        let (root, element) = match object.kind() {
            "variable" => (text(p, object), false),
            "element_access" => (object.named_child(0).map_or("", |v| text(p, v)), true),
            _ => return,
        };
        let member = text(p, member);
        let at = text(p, n);
        if !element && member == "Count" && arrays.contains(root.trim_start_matches('$')) {
            return;
        }
        if root == "$_" {
            check(&feeding(p, n, &vars, &blocks), member, at);
        } else if let Some(sources) = vars.get(root.trim_start_matches('$')) {
            check(sources, member, at);
        }
    });
    out
}

/// The cmdlets whose objects `$_` stands for at `n`.
fn feeding(
    p: &Parsed<'_>,
    n: Node<'_>,
    vars: &BTreeMap<String, Vec<String>>,
    blocks: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut at = n;
    let block = loop {
        match at.parent() {
            Some(parent) if parent.kind() == "script_block_expression" => break parent,
            Some(parent) => at = parent,
            None => return Vec::new(),
        }
    };
    // A script block kept in a variable: whatever feeds the filters that use it.
    if let Some((name, _)) = blocks
        .iter()
        .find(|(_, start)| **start == block.start_byte())
    {
        let mut out = Vec::new();
        walk(p.tree.root_node(), &mut |c| {
            if c.kind() == "command"
                && c.child_by_field_name("command_name").map(|x| text(p, x)) == Some("Where-Object")
                && c.child_by_field_name("command_elements")
                    .is_some_and(|e| text(p, e).trim() == format!("${name}"))
            {
                out.extend(chain_source(p, c, vars));
            }
        });
        return out;
    }
    let mut at = block;
    while let Some(parent) = at.parent() {
        if parent.kind() == "command" {
            return chain_source(p, parent, vars);
        }
        at = parent;
    }
    Vec::new()
}

/// What feeds `command`: the first element of its pipeline, when every command between is a
/// Where-Object (which passes objects through unchanged).
fn chain_source(
    p: &Parsed<'_>,
    command: Node<'_>,
    vars: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let Some(chain) = command.parent().filter(|c| c.kind() == "pipeline_chain") else {
        return Vec::new();
    };
    let mut c = chain.walk();
    let elements: Vec<Node<'_>> = chain.named_children(&mut c).collect();
    let Some(pos) = elements.iter().position(|e| e.id() == command.id()) else {
        return Vec::new();
    };
    if pos == 0 {
        return Vec::new();
    }
    let through = elements[1..pos]
        .iter()
        .all(|e| e.child_by_field_name("command_name").map(|x| text(p, x)) == Some("Where-Object"));
    if !through {
        return Vec::new();
    }
    source_of(text(p, elements[0]), vars)
}

/// Every command name in `facts`, for the test that the record holds nothing unused.
pub fn names(facts: &Facts) -> BTreeSet<String> {
    facts.cmdlets.iter().map(|c| c.name.clone()).collect()
}
