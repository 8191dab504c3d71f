//! The library's modules only point down: docs/architecture.md's Layout table, checked
//! against the `crate::` paths in each module's code (its tests aside).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Each module's layer, as docs/architecture.md's Layout section lists them. A module
/// may use its own layer and the ones below.
const LAYERS: &[(&str, u8)] = &[
    ("wire", 1),
    ("stage", 1),
    ("endpoint", 1),
    ("error", 1),
    ("redact", 1),
    ("config", 1),
    ("fsio", 1),
    ("paging", 1),
    ("drift", 2),
    ("pace", 2),
    ("transport", 3),
    ("provider", 4),
    ("minimax", 5),
    ("pixverse", 5),
    ("hourone", 5),
    ("memories", 5),
    ("useapi", 5),
    ("registry", 6),
    ("endpoints", 6),
    ("view", 6),
    ("accounts", 6),
    ("download", 6),
    ("env", 6),
    ("generate", 6),
    ("emulator", 7),
    // The schema tools use no other module of the crate.
    ("schema", 0),
];

/// The crate's root re-exports, by the module they come from.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Body", "config"),
    ("Config", "config"),
    ("RetryPolicy", "config"),
    ("Rate", "endpoint"),
    ("Endpoint", "error"),
    ("CreateRefusal", "error"),
    ("Error", "error"),
    ("Provider", "error"),
    ("Result", "error"),
    ("HourOne", "hourone"),
    ("Memories", "memories"),
    ("Stage", "stage"),
    ("UseApi", "useapi"),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// A module's source files, `mod.rs` and below for a folder.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut out = Vec::new();
        for entry in fs::read_dir(path).unwrap() {
            out.extend(files(&entry.unwrap().path()));
        }
        out
    } else if path.extension().is_some_and(|e| e == "rs") {
        vec![path.to_path_buf()]
    } else {
        Vec::new()
    }
}

/// The code of a file without comments, and without its unit tests
/// (`#[cfg(test)] mod tests` to the end, or a file of tests).
fn code(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    if name == "tests.rs" || path.components().any(|c| c.as_os_str() == "tests") {
        return String::new();
    }
    let text = fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules (and root items, by their module) a text names as
/// `crate::x`, `$crate::x` or `crate::{x, y::z}`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |name: &str| {
        let name = name.trim().split("::").next().unwrap_or("").trim();
        if let Some((_, module)) = ROOT_ITEMS.iter().find(|(item, _)| *item == name) {
            out.insert((*module).to_owned());
        } else if layer(name).is_some() {
            out.insert(name.to_owned());
        }
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                add(part);
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            add(&rest[..end]);
        }
    }
    out
}

#[test]
fn modules_only_use_their_layer_and_below() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for entry in fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if matches!(name.as_str(), "lib" | "bin" | "codegen") {
            continue;
        }
        let own = layer(&name).unwrap_or_else(|| {
            panic!("src/{name}: a module docs/architecture.md's Layout table (and LAYERS here) does not place")
        });
        checked += 1;
        let mut used = BTreeSet::new();
        for file in files(&path) {
            used.extend(uses(&code(&file)));
        }
        used.remove(&name);
        for dep in used {
            let theirs = layer(&dep).unwrap();
            let allowed = if own == 0 { false } else { theirs <= own };
            if !allowed {
                wrong.push(format!("{name} (layer {own}) uses {dep} (layer {theirs})"));
            }
        }
    }
    assert!(checked >= 20, "only {checked} modules found");
    assert!(
        wrong.is_empty(),
        "upward dependencies:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_paths_in_every_spelling() {
    let found = uses(
        "use crate::{config::Config, error::Result};\n$crate::transport::Transport::new(); \
         crate::UseApi::new(); let x = crate::stage::Stage::Queued;",
    );
    let found: Vec<_> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["config", "error", "stage", "transport", "useapi"]);
}
