//! The wizard's module layering, checked on the source: screens and the shared leaf modules
//! never reach up to the model, navigation or routing (that was an 18-file module cycle).

use std::path::{Path, PathBuf};

/// Modules above the screens: a screen importing one of them closes a cycle.
const ABOVE: [&str; 7] = ["model", "nav", "route", "update", "app", "keys", "view"];

/// The `tui` modules a file names, however the `use` is written: `crate::tui::nav::x`,
/// `crate::tui::{model, msg}`, `super::nav` from `depth` levels below `tui`.
fn tui_modules(source: &str, depth: usize) -> Vec<String> {
    let text: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect();
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
    let bad = "use crate::tui::nav;\nuse crate::tui::{msg::Msg, model::Model};\n";
    assert_eq!(tui_modules(bad, 2), ["nav", "msg", "model"]);
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
