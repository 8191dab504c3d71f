//! Golden files of the Rust generated from `schemas/`: one per provider
//! module, exactly as `build.rs` writes it to `OUT_DIR/<provider>.rs`
//! (prettyplease output), committed under `tests/generated/`. A schema
//! change therefore shows up in review as a Rust diff next to the JSON one.
//!
//! A local `cargo test` refreshes a stale golden file (an accepted
//! `vidapi schema update` is then followed by a green `cargo test` and a
//! `git diff` that shows both sides); under CI (`CI=1`) a stale one fails,
//! unless `VIDAPI_BLESS=1` asks for the rewrite there too. The golden files are never compiled on their own
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

/// Whether this run is under continuous integration: the `CI` variable set
/// to anything but empty, `0` or `false` (`.ci/run` exports `CI=1`, as
/// hosted CI services do).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Compares each `(provider, code)` with `dir/<provider>.rs`. With `refresh`
/// a stale or missing golden file is rewritten (and one of a provider that is
/// gone removed), and listed in the first vector; without it each is listed
/// in the second, as a failure.
fn reconcile(
    dir: &Path,
    generated: &[(String, String)],
    refresh: bool,
) -> (Vec<String>, Vec<String>) {
    let (mut refreshed, mut stale) = (Vec::new(), Vec::new());
    for (provider, code) in generated {
        let path = dir.join(format!("{provider}.rs"));
        let committed = fs::read_to_string(&path).unwrap_or_default();
        if committed == *code {
            continue;
        }
        let why = if committed.is_empty() {
            "missing".to_string()
        } else {
            first_difference(&committed, code)
        };
        let line = format!("tests/generated/{provider}.rs: {why}");
        if refresh {
            write_whole(&path, code);
            refreshed.push(line);
        } else {
            stale.push(line);
        }
    }
    // Golden files of providers whose schema folder is gone.
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Some(stem) = path
            .extension()
            .filter(|e| *e == "rs")
            .and(path.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
        else {
            continue;
        };
        if generated.iter().any(|(p, _)| *p == stem) {
            continue;
        }
        let line = format!("tests/generated/{stem}.rs: no schemas/{stem}/ generates it any more");
        if refresh {
            fs::remove_file(&path).unwrap();
            refreshed.push(line);
        } else {
            stale.push(line);
        }
    }
    (refreshed, stale)
}

/// Every provider's generated module matches its golden file, and no golden
/// file is left over for a provider that no longer exists.
///
/// The golden files are checked-in generated code, kept for review: after an
/// accepted `vidapi schema update` a local run refreshes a stale copy (and
/// says so on stderr), so `cargo test` stays green and `git diff` shows the
/// schema change next to the Rust it generates. Under CI (see [`under_ci`])
/// a stale copy fails: what is committed must be what the schemas generate.
#[test]
fn generated_rust_matches_the_golden_files() {
    let generated = codegen::generate(&manifest().join("schemas")).expect("schemas/ generates");
    let pairs: Vec<(String, String)> = generated
        .into_iter()
        .map(|g| (g.provider, g.code))
        .collect();
    let refresh = blessing() || !under_ci();
    let (refreshed, stale) = reconcile(&golden_dir(), &pairs, refresh);
    for line in &refreshed {
        eprintln!(
            "refreshed {line}; review it with `git diff tests/generated` and commit it with the schema"
        );
    }
    assert!(
        stale.is_empty(),
        "the Rust generated from schemas/ differs from the committed golden files:\n{}\n\n\
         Outside CI `cargo test --test generated` refreshes them (or {BLESS}=1 under CI); \
         commit tests/generated/ with the schema, so review shows the Rust diff.",
        stale.join("\n")
    );
}

/// A stale golden file is rewritten when refreshing and reported, untouched,
/// when not (as under CI); a leftover one is removed or reported the same way.
#[test]
fn a_stale_golden_file_is_refreshed_locally_and_fails_under_ci() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.rs");
    fs::write(&path, "pub struct Old;\n").unwrap();
    fs::write(dir.path().join("gone.rs"), "pub struct Gone;\n").unwrap();
    let fresh = vec![("acme".to_string(), "pub struct New;\n".to_string())];

    let (refreshed, stale) = reconcile(dir.path(), &fresh, false);
    assert_eq!((refreshed.len(), stale.len()), (0, 2), "{stale:?}");
    assert!(
        stale[0].contains("acme.rs: first difference at line 1"),
        "{stale:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "pub struct Old;\n");

    let (refreshed, stale) = reconcile(dir.path(), &fresh, true);
    assert_eq!((refreshed.len(), stale.len()), (2, 0), "{refreshed:?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "pub struct New;\n");
    assert!(!dir.path().join("gone.rs").exists());
    assert_eq!(reconcile(dir.path(), &fresh, false), (vec![], vec![]));
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
