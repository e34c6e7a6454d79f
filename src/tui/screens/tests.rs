//! The wizard's module layering, checked on the source: screens and the shared leaf modules
//! never reach up to the model, navigation or routing (that was an 18-file module cycle), and
//! no two of the wizard's modules import each other, however indirectly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules above the screens: a screen importing one of them closes a cycle.
const ABOVE: [&str; 7] = ["model", "nav", "route", "update", "app", "keys", "view"];

/// The `tui` modules a file names, however the `use` is written: `crate::tui::nav::x`,
/// `crate::tui::{model, msg}`, `super::nav` from `depth` levels below `tui`.
fn tui_modules(source: &str, depth: usize) -> Vec<String> {
    let words = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ");
    // Paths may be spread over lines: `crate::tui::{\n    model,\n    msg::Msg,\n}`.
    let text = [
        (" ::", "::"),
        (":: ", "::"),
        ("{ ", "{"),
        (" }", "}"),
        (" ,", ","),
        (", ", ","),
    ]
    .iter()
    .fold(words, |t, (from, to)| t.replace(from, to));
    let prefixes = ["crate::tui::".to_string(), "super::".repeat(depth)];
    let mut found = Vec::new();
    for prefix in &prefixes {
        for (at, _) in text.match_indices(prefix.as_str()) {
            let rest = &text[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                found.extend(inner.split(',').map(|p| head(p).to_string()));
            } else {
                found.push(head(rest).to_string());
            }
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

/// The first path segment of `p`.
fn head(p: &str) -> &str {
    let end = p
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(p.len());
    &p[..end]
}

fn tui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui")
}

/// Every module above the screens that `file` (at `depth` below `tui`) imports.
fn upward(file: &Path, depth: usize) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("read a source file");
    tui_modules(&text, depth)
        .into_iter()
        .filter(|m| ABOVE.contains(&m.as_str()))
        .collect()
}

#[test]
fn the_scan_sees_every_way_of_writing_an_import() {
    let bad = "use crate::tui::nav;\nuse crate::tui::{\n    msg::Msg,\n    model::Model,\n};\n";
    assert_eq!(tui_modules(bad, 2), ["nav", "msg", "model"]);
    assert_eq!(tui_modules("use crate::tui::nav as n;", 2), ["nav"]);
    assert_eq!(
        tui_modules("use super::super::route::update;", 2),
        ["route"]
    );
    assert_eq!(tui_modules("use super::model::Model;", 1), ["model"]);
    assert!(tui_modules("// use crate::tui::nav;", 2).is_empty());
}

#[test]
fn no_screen_imports_the_model_navigation_or_routing() {
    let dir = tui_dir().join("screens");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the screens folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
            continue;
        }
        let depth = if path.ends_with("mod.rs") { 1 } else { 2 };
        let up = upward(&path, depth);
        assert!(up.is_empty(), "{} imports {up:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} screen files found");
}

#[test]
fn the_shared_leaf_modules_import_no_screen_and_nothing_above() {
    for leaf in [
        "shared.rs",
        "effect.rs",
        "msg.rs",
        "binding.rs",
        "step.rs",
        "form.rs",
    ] {
        let path = tui_dir().join(leaf);
        let text = std::fs::read_to_string(&path).expect("read a leaf module");
        let bad: Vec<String> = tui_modules(&text, 1)
            .into_iter()
            .filter(|m| m == "screens" || ABOVE.contains(&m.as_str()))
            .collect();
        assert!(bad.is_empty(), "{leaf} imports {bad:?}");
    }
}

/// The source files of `dir` and below (tests left out), each with its depth below `tui`.
fn sources(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, usize)>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "tests" || name == "tests.rs" {
            continue;
        }
        if path.is_dir() {
            sources(&path, depth + 1, out);
        } else if name.ends_with(".rs") {
            let depth = if name == "mod.rs" { depth } else { depth + 1 };
            out.push((path, depth));
        }
    }
}

/// The source without its inline `#[cfg(test)] mod tests { … }` (always last in a file).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests {")
        .map_or(text, |at| &text[..at])
}

#[test]
fn the_wizard_modules_form_no_cycle() {
    let tui = tui_dir();
    let mut files = Vec::new();
    sources(&tui, 0, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, depth) in &files {
        let rel = path.strip_prefix(&tui).expect("below tui");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if top == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read a source file");
        let known = |m: &String| tui.join(format!("{m}.rs")).exists() || tui.join(m).is_dir();
        let deps: BTreeSet<String> = tui_modules(without_tests(&text), (*depth).max(1))
            .into_iter()
            .filter(|m| *m != top && known(m))
            .collect();
        graph.entry(top).or_default().extend(deps);
    }
    assert!(graph.len() >= 20, "only {} modules found", graph.len());
    // Peel off modules that import nothing left; whatever remains lies on a cycle.
    loop {
        let leaves: Vec<String> = graph
            .iter()
            .filter(|(_, deps)| deps.is_empty())
            .map(|(m, _)| m.clone())
            .collect();
        if leaves.is_empty() {
            break;
        }
        for m in &leaves {
            graph.remove(m);
        }
        for deps in graph.values_mut() {
            deps.retain(|d| !leaves.contains(d));
        }
    }
    assert!(graph.is_empty(), "modules on a cycle: {graph:?}");
}
