//! The docs-changed loop as a property test, on a scratch copy of the
//! repository: for every response schema, its documented sample with random
//! harmless changes (a new field of each JSON type, an integer made
//! fractional, a number sent as a string, `null` where the schema does not
//! allow it, a status value no `Status` enum knows) is folded in with
//! `vidapi schema update`, which must accept it (exit 0, no
//! `--allow-breaking`) and leave no drift; the later-doc samples of FACTS are
//! folded in too. Then the copy must build (library and command) and its
//! schema tests must pass, with no other step: the promise of `schema
//! update`.
//!
//! The copy builds into the workspace's own target directory, so every
//! dependency is reused and only the two workspace crates compile (a
//! separate target directory cost 7+ minutes and 3.8 GB on a cold 2-core
//! machine). Slow all the same (a few minutes): it says what it is doing on
//! stderr. The random changes come from a fixed seed, printed;
//! `VIDAPI_LOOP_SEED=<n>` tries another.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};
use vidapi::schema::resolve;

/// Later-doc samples, each with the schema (under `schemas/`) it is folded
/// into: FACTS later fields and new status values, the drifted fixtures, and
/// the Hour One create *request* with `scenes`.
const SAMPLES: [(&str, &str); 9] = [
    ("minimax/videos.json", "drift/minimax-videos-later.json"),
    (
        "minimax/videos.json",
        "drift/minimax-videos-new-status.json",
    ),
    (
        "memories/list-videos-response.json",
        "drift/memories-list-videos-new-status.json",
    ),
    (
        "hourone/create-video.json",
        "drift/hourone-create-video-scenes.json",
    ),
    ("pixverse/videos.json", "pixverse/videos-drift.json"),
    (
        "memories/list-videos-response.json",
        "memories/list-videos-drift.json",
    ),
    ("minimax/files.json", "minimax/files-drift.json"),
    ("hourone/video.json", "hourone/video-drift.json"),
    ("useapi/error.json", "useapi/error-drift.json"),
];

fn root() -> PathBuf {
    // The workspace root: this file is in `cli/tests/`.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace's target directory (where `CARGO_TARGET_TMPDIR` lives).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf()
}

fn progress(what: &str) {
    eprintln!("build_loop: {what}");
}

/// xorshift64*: a small deterministic generator, so a failure can be
/// replayed from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
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

/// A copy of what builds the workspace (never `target/` or `.git`), at a
/// fixed place so its fingerprints stay valid between runs.
fn scratch_copy() -> PathBuf {
    let dir = target_dir().join("build-loop/src");
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
    // The copy builds into the shared target directory, where cargo also
    // copies each binary to `target/debug/<name>`: under its own name, the
    // copy's command does not replace the workspace's `vidapi`.
    let manifest = dir.join("cli/Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let renamed = text.replacen(
        "[[bin]]\nname = \"vidapi\"",
        "[[bin]]\nname = \"vidapi-build-loop\"",
        1,
    );
    assert_ne!(
        renamed, text,
        "cli/Cargo.toml names its binary differently now"
    );
    let renamed = renamed.replace(
        "default-run = \"vidapi\"",
        "default-run = \"vidapi-build-loop\"",
    );
    fs::write(&manifest, renamed).unwrap();
    dir
}

/// `vidapi schema update SCHEMA SAMPLE` (the real command): must be
/// accepted without `--allow-breaking`.
fn update(schema: &Path, sample: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vidapi"))
        .args(["schema", "update"])
        .arg(schema)
        .arg(sample)
        .env_remove("USEAPI_TOKEN")
        .env_remove("HOURONE_API_KEY")
        .env_remove("MEMORIES_API_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "schema update {} {}: {:?}\n{stdout}\n{}",
        schema.display(),
        sample.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The names of the properties with `x-known-values` in a resolved schema,
/// with whether their known values are numbers.
fn status_fields(node: &Value, out: &mut Vec<(String, bool)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if let Some(Value::Array(known)) = prop.get("x-known-values") {
                        let numeric = known.iter().any(Value::is_number);
                        out.push((name.clone(), numeric));
                    }
                }
            }
            for child in map.values() {
                status_fields(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| status_fields(i, out)),
        _ => {}
    }
}

/// What one sample got, for the progress line.
#[derive(Default, Debug)]
struct Made {
    fields: usize,
    fractional: usize,
    as_text: usize,
    nulls: usize,
    statuses: usize,
}

/// Applies the harmless changes to `value` in place. A new field cycles
/// through the JSON types, so a sample with a few objects gets each. `null`
/// never replaces an array (a `Vec` field reads a missing array, not a
/// `null` one: that change is breaking, and `update` rightly refuses it).
fn mutate(value: &mut Value, rng: &mut Rng, statuses: &[(String, bool)], made: &mut Made) {
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if let Some((_, numeric)) = statuses.iter().find(|(n, _)| *n == key) {
                    if rng.one_in(2) {
                        map[&key] = if *numeric {
                            json!(900 + made.statuses)
                        } else {
                            json!(format!("loop-status-{}", made.statuses))
                        };
                        made.statuses += 1;
                        continue;
                    }
                }
                let child = map.get_mut(&key).unwrap();
                match child {
                    Value::Number(n) if n.is_i64() && rng.one_in(4) => {
                        *child = json!(n.as_i64().unwrap() as f64 + 0.5);
                        made.fractional += 1;
                    }
                    Value::Number(n) if rng.one_in(4) => {
                        *child = Value::String(n.to_string());
                        made.as_text += 1;
                    }
                    Value::Array(_) => mutate(child, rng, statuses, made),
                    Value::Null => {}
                    _ if rng.one_in(8) => {
                        *child = Value::Null;
                        made.nulls += 1;
                    }
                    _ => mutate(child, rng, statuses, made),
                }
            }
            if rng.one_in(2) || made.fields < 6 {
                let kinds = [
                    json!("text"),
                    json!(7),
                    json!(2.25),
                    json!(true),
                    json!({"inner": "x", "n": 1}),
                    json!(["a", "b"]),
                ];
                let kind = kinds[made.fields % kinds.len()].clone();
                map.insert(format!("loop_new_{}", made.fields), kind);
                made.fields += 1;
            }
        }
        Value::Array(items) => {
            for item in items {
                mutate(item, rng, statuses, made);
            }
        }
        _ => {}
    }
}

/// Runs cargo in the scratch copy with the workspace's target directory.
fn cargo(scratch: &Path, args: &[&str]) {
    progress(&format!("cargo {} in the scratch copy …", args.join(" ")));
    let started = Instant::now();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(scratch.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TERM_COLOR", "never")
        // Locally the golden files of the copy refresh themselves.
        .env_remove("CI")
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
    progress(&format!(
        "cargo {}: {:.0?}",
        args.join(" "),
        started.elapsed()
    ));
}

#[test]
fn harmless_changes_to_every_response_schema_keep_the_build_and_the_tests_green() {
    let seed = std::env::var("VIDAPI_LOOP_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(23);
    progress(&format!(
        "seed {seed} (VIDAPI_LOOP_SEED=<n> tries another); copying the workspace …"
    ));
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let scratch = scratch_copy();
    let samples_dir = target_dir().join("build-loop/samples");
    fs::create_dir_all(&samples_dir).unwrap();

    // One documented sample per response schema, changed at random.
    let mut done: Vec<String> = Vec::new();
    for (fixture, payload) in vidapi::endpoints::fixtures() {
        let schema_file = payload.schema_file();
        if done.contains(&schema_file) || schema_file.is_empty() {
            continue;
        }
        let schema_path = scratch.join(&schema_file);
        let resolved = resolve::resolve_file(&schema_path).unwrap();
        if vidapi::schema::is_request(&resolved.value) {
            continue;
        }
        done.push(schema_file.clone());
        let mut statuses = Vec::new();
        status_fields(&resolved.value, &mut statuses);
        let mut sample: Value =
            serde_json::from_slice(&fs::read(root().join(fixture)).unwrap()).unwrap();
        let mut made = Made::default();
        mutate(&mut sample, &mut rng, &statuses, &mut made);
        let path = samples_dir.join(schema_file.replace('/', "-"));
        fs::write(&path, serde_json::to_vec_pretty(&sample).unwrap()).unwrap();
        progress(&format!("{schema_file}: {made:?} folded in from {fixture}"));
        update(&schema_path, &path);
        // The updated schema (as every tool reads it) fits the sample.
        let after = resolve::resolve_file(&schema_path).unwrap();
        let left = vidapi::drift::Schema::parse(&after.value.to_string())
            .unwrap()
            .check(payload.provider(), &sample);
        assert!(left.is_empty(), "{schema_file}: drift left: {left:?}");
    }
    assert!(done.len() >= 9, "response schemas: {done:?}");

    for (schema, sample) in SAMPLES {
        progress(&format!("{schema}: folding in {sample}"));
        update(
            &scratch.join("schemas").join(schema),
            &root().join("tests/fixtures").join(sample),
        );
    }
    // Issue 23's second case: `"upscaled": true` where 0/1 is documented
    // widens the leaf past `FlexInt`; the accessors must still compile.
    let mut upscaled: Value = serde_json::from_slice(
        &fs::read(root().join("tests/fixtures/pixverse/videos.json")).unwrap(),
    )
    .unwrap();
    upscaled["data"][0]["upscaled"] = json!(true);
    let path = samples_dir.join("pixverse-upscaled-true.json");
    fs::write(&path, serde_json::to_vec(&upscaled).unwrap()).unwrap();
    progress("pixverse/videos.json: folding in \"upscaled\": true");
    let said = update(&scratch.join("schemas/pixverse/videos.json"), &path);
    assert!(said.contains("data[].upscaled: FlexInt →"), "{said}");

    // The request field got an exact type, never a tolerant reading type.
    let create = fs::read_to_string(scratch.join("schemas/hourone/create-video.json")).unwrap();
    let request: Value = serde_json::from_str(&create).unwrap();
    assert_eq!(request["properties"]["scenes"]["type"], "array", "{create}");
    assert!(!create.contains("Flex"), "{create}");
    // The shared leaves stay as they are: updates change the payloads.
    assert_eq!(
        fs::read(scratch.join("schemas/flex.json")).unwrap(),
        fs::read(root().join("schemas/flex.json")).unwrap()
    );

    // The copy builds, library and command, and its schema tests pass with
    // no other step (its golden files refresh themselves).
    cargo(&scratch, &["build", "--workspace"]);
    cargo(
        &scratch,
        &[
            "test",
            "-p",
            "vidapi",
            "--test",
            "generated",
            "--test",
            "schemas",
            "--test",
            "drift",
        ],
    );
    // The tests refreshed the copy's golden files: `git diff` would show the
    // Rust change next to the schema change.
    let refreshed = ["minimax", "pixverse", "hourone", "memories", "useapi"]
        .iter()
        .filter(|p| {
            let name = format!("tests/generated/{p}.rs");
            fs::read(scratch.join(&name)).unwrap() != fs::read(root().join(&name)).unwrap()
        })
        .count();
    assert_eq!(refreshed, 5, "every provider's golden file changed");
}
