//! Golden files of the Rust generated from `schemas/`: one per provider
//! module, exactly as `build.rs` writes it to `OUT_DIR/<provider>.rs`
//! (prettyplease output), committed under `tests/generated/`. A schema
//! change therefore shows up in review as a Rust diff next to the JSON one.
//!
//! When a schema (or the generator) changes on purpose, rewrite them with
//!
//! ```text
//! VIDAPI_BLESS=1 cargo test --test generated
//! ```
//!
//! and commit the result. The golden files are never compiled on their own
//! (cargo only builds `tests/*.rs` as test crates, not `tests/generated/*`).

#[path = "../src/codegen.rs"]
#[allow(dead_code)]
mod codegen;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const BLESS: &str = "VIDAPI_BLESS";

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    manifest().join("tests/generated")
}

fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Writes `text` to `path` whole: a fresh temporary file next to it
/// (created exclusively), synced, then renamed over the old one.
fn write_whole(path: &Path, text: &str) {
    let dir = path.parent().expect("a golden file sits in a folder");
    fs::create_dir_all(dir).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = (0..100)
        .map(|i| dir.join(format!(".{name}.{}.{i}.tmp", std::process::id())))
        .find_map(|candidate| {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
                .ok()
                .map(|file| (candidate, file))
        });
    let (tmp, mut file) = tmp.expect("a free temporary name next to the golden file");
    file.write_all(text.as_bytes()).unwrap();
    file.sync_all().unwrap();
    drop(file);
    fs::rename(&tmp, path).unwrap();
}

/// The first line where `golden` and `fresh` differ, for the failure message.
fn first_difference(golden: &str, fresh: &str) -> String {
    let mut golden_lines = golden.lines();
    let mut fresh_lines = fresh.lines();
    for line in 1.. {
        match (golden_lines.next(), fresh_lines.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => break,
            (a, b) => {
                return format!(
                    "first difference at line {line}:\n  committed: {}\n  generated: {}",
                    a.unwrap_or("(end of file)"),
                    b.unwrap_or("(end of file)")
                );
            }
        }
    }
    "the files differ only in line endings".to_string()
}

/// Every provider's generated module matches its golden file, and no golden
/// file is left over for a provider that no longer exists.
#[test]
fn generated_rust_matches_the_golden_files() {
    let generated = codegen::generate(&manifest().join("schemas")).expect("schemas/ generates");
    let dir = golden_dir();
    let mut stale = Vec::new();
    for provider in &generated {
        let path = dir.join(format!("{}.rs", provider.provider));
        let committed = fs::read_to_string(&path).unwrap_or_default();
        if committed == provider.code {
            continue;
        }
        if blessing() {
            write_whole(&path, &provider.code);
            continue;
        }
        let why = if committed.is_empty() {
            "missing".to_string()
        } else {
            first_difference(&committed, &provider.code)
        };
        stale.push(format!("tests/generated/{}.rs: {why}", provider.provider));
    }
    // Golden files of providers whose schema folder is gone.
    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Some(stem) = path
            .extension()
            .filter(|e| *e == "rs")
            .and(path.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
        else {
            continue;
        };
        if generated.iter().any(|g| g.provider == stem) {
            continue;
        }
        if blessing() {
            fs::remove_file(&path).unwrap();
        } else {
            stale.push(format!(
                "tests/generated/{stem}.rs: no schemas/{stem}/ generates it any more"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the Rust generated from schemas/ differs from the committed golden files:\n{}\n\n\
         If the schema change is intended, rewrite them with\n    \
         {BLESS}=1 cargo test --test generated\nand commit tests/generated/ with the schema, \
         so review shows the Rust diff.",
        stale.join("\n")
    );
}

/// Every golden file is Rust that parses (what `build.rs` hands the
/// compiler), one per provider folder of `schemas/`.
#[test]
fn golden_files_parse_one_per_provider() {
    let mut providers: Vec<String> = fs::read_dir(manifest().join("schemas"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    providers.sort();
    assert!(!providers.is_empty(), "schemas/ has no provider folder");
    for provider in &providers {
        let path = golden_dir().join(format!("{provider}.rs"));
        let text = fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run {BLESS}=1 cargo test --test generated",
                path.display()
            )
        });
        syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
