//! `vidapi schema update | infer | diff`: the schemas kept in step with what
//! providers send, in the project's conventions.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vidapi::schema;
use vidapi::schema::resolve::{self, Resolved};

use crate::args::Schema;
use crate::{Failure, input, output};

pub fn run(as_json: bool, command: Schema) -> Result<(), Failure> {
    match command {
        Schema::Update {
            schema_file,
            samples,
            check,
            allow_breaking,
        } => update(as_json, &schema_file, &samples, check, allow_breaking),
        Schema::Infer { samples, title } => infer(&samples, &title),
        Schema::Diff { old, new } => diff(as_json, &old, &new),
    }
}

fn read(path: &Path) -> Result<(String, Value), Failure> {
    let limit = input::limit()?;
    let bytes = crate::drift::read_input(path, limit)
        .map_err(|problem| Failure::Api(format!("{}: {problem}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::Api(format!(
            "{}: cannot read: stream did not contain valid UTF-8",
            path.display()
        ))
    })?;
    let value = serde_json::from_str(&text)
        .map_err(|e| Failure::Api(format!("{}: not JSON: {e}", path.display())))?;
    Ok((text, value))
}

/// Reads a schema file and resolves its cross-file references (relative to
/// the file's own folder): what every command works on, as the build does.
fn read_schema(path: &Path) -> Result<Resolved, Failure> {
    let (_, value) = read(path)?;
    resolve_schema(path, value, path)
}

/// Resolves `value`, read from `path`, with its relative references taken
/// from `refs_from`'s folder, and checks it.
fn resolve_schema(path: &Path, value: Value, refs_from: &Path) -> Result<Resolved, Failure> {
    let mut load = |p: &Path| match read(p) {
        Ok((_, v)) => Ok(v),
        Err(Failure::Api(m) | Failure::Usage(m)) => Err(m),
        Err(other) => Err(format!("{}: cannot read: {other:?}", p.display())),
    };
    let resolved = resolve::resolve(path, value, refs_from, &mut load).map_err(Failure::Api)?;
    schema::check(&resolved.value).map_err(|e| Failure::Api(format!("{}: {e}", path.display())))?;
    Ok(resolved)
}

/// Refuses a schema that vidapi could not read back: serde_json (which
/// `schema update --check`, `diff`, `drift` and the build all read with)
/// stops at 128 levels of nesting, and a deep sample makes a schema about
/// twice as deep as itself.
fn readable(file: &str, document: &Value) -> Result<(), Failure> {
    let text = schema::to_file_text(document);
    match serde_json::from_str::<Value>(&text) {
        Ok(_) => Ok(()),
        Err(e) => Err(Failure::Api(format!(
            "{file}: not written: the schema nests {} levels deep, more than vidapi and the build can read back (serde_json: {e}); fold in shallower samples",
            depth(document)
        ))),
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn read_samples(paths: &[PathBuf]) -> Result<Vec<Value>, Failure> {
    paths.iter().map(|p| read(p).map(|(_, v)| v)).collect()
}

fn update(
    as_json: bool,
    file: &Path,
    samples: &[PathBuf],
    check: bool,
    allow_breaking: bool,
) -> Result<(), Failure> {
    if file == Path::new("-") {
        return Err(Failure::Usage(
            "the schema file cannot be `-`: `schema update` writes it back (samples may be `-`)"
                .into(),
        ));
    }
    let resolved = read_schema(file)?;
    // Every file this schema was read from, as read: what each must still
    // hold when it is written back.
    let mut read_before = vec![(resolved.file.clone(), resolved.original.clone())];
    for (_, origin) in resolved.imported.iter().chain(&resolved.available) {
        if !read_before.iter().any(|(f, _)| *f == origin.file) {
            if let Ok(value) = resolve::read_json(&origin.file) {
                read_before.push((origin.file.clone(), value));
            }
        }
    }
    let original = resolved.value.clone();
    let mut document = original.clone();
    let samples = read_samples(samples)?;
    let changes = schema::update(&mut document, &samples)
        .map_err(|e| Failure::Api(format!("{}: {e}", file.display())))?;
    // One verdict with `schema diff`: whatever diff calls breaking (for the
    // Rust API or for decoding) is not written unless asked for, so an
    // accepted update always builds and tests green.
    let breaking: Vec<_> = schema::diff(&original, &document)
        .map_err(|e| Failure::Api(format!("{}: {e}", file.display())))?
        .into_iter()
        .filter(schema::Difference::is_breaking)
        .collect();
    if !breaking.is_empty() && !allow_breaking {
        for d in &breaking {
            eprintln!("{}: refused: {d}", file.display());
        }
        return Err(Failure::Found(Some(format!(
            "{}: not written: {} breaking change{} (as `vidapi schema diff` classifies them); pass --allow-breaking to write {} anyway",
            file.display(),
            breaking.len(),
            if breaking.len() == 1 { "" } else { "s" },
            if breaking.len() == 1 { "it" } else { "them" },
        ))));
    }
    if as_json {
        let list: Vec<Value> = changes
            .iter()
            .map(|c| {
                // The node as written: a definition another file holds is
                // changed there.
                let (file, pointer) = resolve::locate(&resolved, &c.pointer);
                json!({
                    "at": c.at,
                    "file": file.display().to_string(),
                    "pointer": pointer,
                    "change": c.to_string(),
                    "rust_type": c.rust_type,
                })
            })
            .collect();
        output::json(&list)?;
    } else {
        for change in &changes {
            output::line(&change.to_string())?;
        }
    }
    if changes.is_empty() {
        eprintln!("{}: the samples fit; nothing to change", file.display());
        return Ok(());
    }
    if check {
        return Err(Failure::Found(Some(format!(
            "{} would change ({} change{})",
            file.display(),
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        ))));
    }
    // Each change goes to the file that holds the definition it touches
    // (a list's `Video` lives in video.json, the `Flex*` leaves in
    // ../flex.json): one definition, one place.
    let writes = resolve::split(&resolved, &document).map_err(Failure::Api)?;
    for (file, document) in &writes {
        readable(&file.display().to_string(), document)?;
    }
    for (file, document) in writes {
        let file = file.as_path();
        // Written only if the file still holds what was read (under a lock
        // shared with any other update of its folder).
        let before = read_before.iter().find(|(f, _)| f == file).map(|(_, v)| v);
        let unchanged =
            |now: &[u8]| serde_json::from_slice::<Value>(now).is_ok_and(|v| Some(&v) == before);
        vidapi::fsio::replace_unchanged(
            file,
            schema::to_file_text(&document).as_bytes(),
            unchanged,
        )
        .map_err(|e| Failure::Api(format!("{}: cannot write: {e}", file.display())))?;
        eprintln!("{}: written", file.display());
    }
    eprintln!(
        "{} change{} written; `cargo build` regenerates the types, `cargo test` refreshes tests/generated/",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn infer(samples: &[PathBuf], title: &str) -> Result<(), Failure> {
    if title.trim().is_empty() {
        return Err(Failure::Usage("--title must name the root type".into()));
    }
    let samples = read_samples(samples)?;
    let inferred = schema::infer(&samples, title);
    readable("the inferred schema", &inferred)?;
    output::text(&schema::to_file_text(&inferred))?;
    Ok(())
}

fn diff(as_json: bool, old: &Path, new: &Path) -> Result<(), Failure> {
    // An old copy saved elsewhere (`git show HEAD:… > old.json`) has its
    // references resolved from its own folder if they resolve there, else
    // from the new file's.
    let (_, old_value) = read(old)?;
    let after = read_schema(new)?.value;
    let before = match resolve_schema(old, old_value.clone(), old) {
        Ok(resolved) => resolved.value,
        Err(_) => resolve_schema(old, old_value, new)?.value,
    };
    let differences = schema::diff(&before, &after).map_err(|e| Failure::Api(format!("{e}")))?;
    if as_json {
        let list: Vec<Value> = differences
            .iter()
            .map(|d| {
                json!({
                    "at": d.at,
                    "rule": d.rule,
                    "api": d.api.to_string(),
                    "decoding": d.decoding.to_string(),
                    "breaking": d.is_breaking(),
                    "detail": d.detail,
                })
            })
            .collect();
        output::json(&list)?;
    } else {
        for difference in &differences {
            output::line(&difference.to_string())?;
        }
    }
    let breaking = differences.iter().filter(|d| d.is_breaking()).count();
    if breaking > 0 {
        return Err(Failure::Found(Some(format!(
            "{breaking} breaking change{}",
            if breaking == 1 { "" } else { "s" }
        ))));
    }
    Ok(())
}
