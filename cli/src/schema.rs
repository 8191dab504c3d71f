//! `vidapi schema update | infer | diff`: the schemas kept in step with what
//! providers send, in the project's conventions.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vidapi::schema;

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
    let bytes = input::read(path, limit)
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

fn read_schema(path: &Path) -> Result<(String, Value), Failure> {
    let (text, value) = read(path)?;
    schema::check(&value).map_err(|e| Failure::Api(format!("{}: {e}", path.display())))?;
    Ok((text, value))
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
    let (_, mut document) = read_schema(file)?;
    let original = document.clone();
    let samples = read_samples(samples)?;
    let changes = schema::update(&mut document, &samples)
        .map_err(|e| Failure::Api(format!("{}: {e}", file.display())))?;
    // The same classifier as `schema diff`: structure dropped or decoding
    // narrowed is refused unless asked for.
    let destructive = schema::destructive(&original, &document)
        .map_err(|e| Failure::Api(format!("{}: {e}", file.display())))?;
    if !destructive.is_empty() && !allow_breaking {
        for d in &destructive {
            eprintln!("{}: refused: {d}", file.display());
        }
        return Err(Failure::Found(Some(format!(
            "{}: not written: {} change{} would drop structure or narrow decoding (a sample of another shape? pass --allow-breaking to write it anyway)",
            file.display(),
            destructive.len(),
            if destructive.len() == 1 { "" } else { "s" }
        ))));
    }
    if as_json {
        let list: Vec<Value> = changes
            .iter()
            .map(|c| {
                json!({
                    "at": c.at,
                    "pointer": c.pointer,
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
    // Written only if the file still holds what was read (under a lock
    // shared with any other update of its folder).
    let unchanged = |now: &[u8]| serde_json::from_slice::<Value>(now).is_ok_and(|v| v == original);
    vidapi::fsio::replace_unchanged(file, schema::to_file_text(&document).as_bytes(), unchanged)
        .map_err(|e| Failure::Api(format!("{}: cannot write: {e}", file.display())))?;
    eprintln!(
        "{}: {} change{} written; `cargo build` regenerates the types",
        file.display(),
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
    output::text(&schema::to_file_text(&inferred))?;
    Ok(())
}

fn diff(as_json: bool, old: &Path, new: &Path) -> Result<(), Failure> {
    let (_, before) = read_schema(old)?;
    let (_, after) = read_schema(new)?;
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
