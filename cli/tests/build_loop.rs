//! The whole drift loop on a scratch copy of the repository: `vidapi schema
//! update` with one sample of each later-doc kind (FACTS later fields, new
//! status values, numbers sent as strings, the Hour One create request with
//! `scenes`), a field widened to `FlexNumber` by hand (what
//! `--allow-breaking` would write), then `cargo build --all-targets` and the
//! tests that used to hard-code the live schemas. The loop must never break
//! the build.
//!
//! Slow the first time (it compiles every dependency into its own target
//! directory, `target/build-loop/target`, kept between runs); incremental
//! afterwards.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// Each sample, with the schema (under `schemas/`) it is folded into.
const SAMPLES: [(&str, &str); 9] = [
    // FACTS: later MiniMax items carry `originFiles` and `canAppeal`.
    ("minimax/videos.json", "drift/minimax-videos-later.json"),
    // FACTS: status values no `Status` enum knows.
    (
        "minimax/videos.json",
        "drift/minimax-videos-new-status.json",
    ),
    (
        "memories/list-videos-response.json",
        "drift/memories-list-videos-new-status.json",
    ),
    // Later Hour One docs: the create *request* takes `scenes`.
    (
        "hourone/create-video.json",
        "drift/hourone-create-video-scenes.json",
    ),
    // Numbers as strings (`seed`, `output_width`), a status 42, new fields.
    ("pixverse/videos.json", "pixverse/videos-drift.json"),
    (
        "memories/list-videos-response.json",
        "memories/list-videos-drift.json",
    ),
    ("minimax/files.json", "minimax/files-drift.json"),
    ("hourone/video.json", "hourone/video-drift.json"),
    ("useapi/error.json", "useapi/error-drift.json"),
];

/// PixVerse leaves the tests read as numbers, widened `FlexInt` →
/// `FlexNumber` by hand.
const WIDENED: [&str; 3] = ["output_width", "template_id", "queue_count"];

fn root() -> PathBuf {
    // The workspace root: this file is in `cli/tests/`.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `target/build-loop`, next to the real build's own directories.
fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .join("build-loop")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&path, &target);
        } else if kind.is_file() {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of what builds the crate (never `target/` or `.git`), at a fixed
/// place so the scratch build's fingerprints stay valid between runs.
fn scratch_copy() -> PathBuf {
    let dir = work_dir().join("src");
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    let root = root();
    for sub in ["src", "schemas", "tests", "benches", "examples", "cli"] {
        if root.join(sub).is_dir() {
            copy_tree(&root.join(sub), &dir.join(sub));
        }
    }
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let wanted = ["build.rs", "Cargo.toml", "Cargo.lock"].contains(&name.as_str())
            || name.ends_with(".md");
        if wanted && path.is_file() {
            fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    dir
}

fn update(scratch: &Path, schema: &str, sample: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vidapi"))
        .args(["schema", "update"])
        .arg(scratch.join("schemas").join(schema))
        .arg(root().join("tests/fixtures").join(sample))
        .env_remove("USEAPI_TOKEN")
        .env_remove("HOURONE_API_KEY")
        .env_remove("MEMORIES_API_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "schema update {schema} {sample}: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.trim().is_empty(), "{sample} changed nothing");
    stdout
}

/// Points every property named in `names` that refers to `FlexInt` at
/// `FlexNumber` instead; returns how many it changed.
fn widen(node: &mut Value, names: &[&str]) -> usize {
    let mut changed = 0;
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for name in names {
                    if let Some(prop) = props.get_mut(*name) {
                        if prop["$ref"] == "#/definitions/FlexInt" {
                            prop["$ref"] = Value::from("#/definitions/FlexNumber");
                            changed += 1;
                        }
                    }
                }
            }
            for child in map.values_mut() {
                changed += widen(child, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                changed += widen(item, names);
            }
        }
        _ => {}
    }
    changed
}

fn cargo(scratch: &Path, args: &[&str]) {
    let started = Instant::now();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(scratch.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work_dir().join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(60).collect();
    assert!(
        out.status.success(),
        "cargo {} in the scratch copy failed:\n{}\n{}",
        args.join(" "),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        String::from_utf8_lossy(&out.stdout)
    );
    eprintln!(
        "cargo {}: {:.0?} in the scratch copy",
        args.join(" "),
        started.elapsed()
    );
}

#[test]
fn folding_every_later_doc_sample_keeps_the_build_and_the_tests_green() {
    let scratch = scratch_copy();
    for (schema, sample) in SAMPLES {
        update(&scratch, schema, sample);
    }

    // The request field got an exact type, never a tolerant reading type.
    let create = scratch.join("schemas/hourone/create-video.json");
    let text = fs::read_to_string(&create).unwrap();
    let request: Value = serde_json::from_str(&text).unwrap();
    let scenes = &request["properties"]["scenes"];
    assert_eq!(scenes["type"], "array", "{text}");
    assert_eq!(
        scenes["items"]["properties"]["text"]["type"], "string",
        "{text}"
    );
    assert!(!text.contains("Flex"), "{text}");
    // The additive changes the issue reproduced are in.
    let pixverse = fs::read_to_string(scratch.join("schemas/pixverse/videos.json")).unwrap();
    let mut pixverse: Value = serde_json::from_str(&pixverse).unwrap();
    let video = &pixverse["definitions"]["Video"]["properties"];
    assert_eq!(video["seed"]["x-wire-types"][1], "string");
    assert!(
        video["video_status"]["x-known-values"]
            .as_array()
            .unwrap()
            .contains(&Value::from(42))
    );

    // A breaking widening, as `schema update --allow-breaking` writes it.
    assert_eq!(widen(&mut pixverse, &WIDENED), WIDENED.len());
    let mut text = serde_json::to_string_pretty(&pixverse).unwrap();
    text.push('\n');
    fs::write(scratch.join("schemas/pixverse/videos.json"), text).unwrap();

    cargo(&scratch, &["build", "--all-targets"]);
    // The tests that used to read the live schemas (a new status value, a
    // widened `seed`, a `FlexNumber` field) still pass.
    cargo(&scratch, &["test", "--lib", "schema::"]);
    cargo(
        &scratch,
        &["test", "--test", "schemas", "--test", "codegen"],
    );
    cargo(
        &scratch,
        &["test", "--test", "drift", "known_status_values_match"],
    );
}
