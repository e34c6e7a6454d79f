//! The shape of the code, checked: the library (everything under `src/` except `main.rs`,
//! `exit.rs`, `cli/` and `tui/`) holds no terminal, argument parsing or process exit, and no
//! two top-level modules import each other, directly or round a longer cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const BINARY_ONLY: [&str; 3] = ["cli", "tui", "exit"];
const TERMINAL_CRATES: [&str; 7] = [
    "clap",
    "indicatif",
    "crossterm",
    "ratatui",
    "rpassword",
    "arboard",
    "tui_input",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to (`graph` for `src/graph/auth/mod.rs`), or `None`
/// for `lib.rs` and `main.rs`.
fn top_module(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// A file's text without its test code: test-only files are skipped whole, and everything
/// from the first `#[cfg(test)]` on is dropped (tests sit at the end of a module here).
fn production_code(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_string_lossy().into_owned();
    let in_tests_dir = file.components().any(|c| c.as_os_str() == "tests");
    if name == "tests.rs" || name.ends_with("_tests.rs") || in_tests_dir {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    Some(match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    })
}

#[test]
fn the_library_has_no_terminal_no_argument_parsing_and_no_process_exit() {
    let mut found = Vec::new();
    for f in files(&src()) {
        let Some(top) = top_module(&f) else { continue };
        if BINARY_ONLY.contains(&top.as_str()) {
            continue;
        }
        let Some(code) = production_code(&f) else {
            continue;
        };
        for krate in TERMINAL_CRATES {
            if code.contains(&format!("{krate}::")) {
                found.push(format!("{}: uses {krate}", f.display()));
            }
        }
        if code.contains("process::exit") || code.contains("ExitCode") {
            found.push(format!("{}: ends the process", f.display()));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// `crate::X` references between top-level modules, test code left out.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let tops: BTreeSet<String> = files(&src()).iter().filter_map(|f| top_module(f)).collect();
    for f in files(&src()) {
        let Some(top) = top_module(&f) else { continue };
        let Some(code) = production_code(&f) else {
            continue;
        };
        let edges = graph.entry(top.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name != top && tops.contains(&name) {
                edges.insert(name);
            }
        }
    }
    graph
}

fn cycle_from(
    node: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(i) = path.iter().position(|n| n == node) {
        let mut cycle = path[i..].to_vec();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(c) = cycle_from(next, graph, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(node.to_string());
    None
}

#[test]
fn no_two_top_level_modules_depend_on_each_other() {
    let graph = module_graph();
    assert!(
        graph.get("graph").is_some_and(|g| g.contains("profile")),
        "the scan sees imports: {graph:?}"
    );
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = cycle_from(node, &graph, &mut Vec::new(), &mut done) {
            panic!("module cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    let c = cycle_from("a", &g, &mut Vec::new(), &mut BTreeSet::new());
    assert_eq!(c.map(|c| c.join(">")), Some("a>b>c>a".to_string()));
}

/// The command line and the wizard run checks only through `graph::run_profile`, so a run is
/// set up, announced, watched and reported the same way for both.
#[test]
fn checks_run_through_the_one_entry_point() {
    let mut found = Vec::new();
    for f in files(&src()) {
        let Some(top) = top_module(&f) else { continue };
        if top == "graph" {
            continue;
        }
        let Some(code) = production_code(&f) else {
            continue;
        };
        for engine in ["run_watch(", "graph::run(", "runner::run("] {
            if code.contains(engine) {
                found.push(format!("{}: calls {engine}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    let entry_users = files(&src())
        .iter()
        .filter(|f| top_module(f).is_some_and(|t| t == "cli" || t == "tui"))
        .filter_map(|f| production_code(f))
        .filter(|code| code.contains("run_profile("))
        .count();
    assert!(
        entry_users >= 2,
        "both the command line and the wizard call run_profile"
    );
}
