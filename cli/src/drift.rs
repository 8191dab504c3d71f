//! `vidapi drift`: saved payloads checked against their schemas, and the
//! `--drift` report of what a command's responses showed.

use std::io::Read;
use std::path::{Path, PathBuf};

use vidapi::drift::{self, Finding};
use vidapi::registry;

use crate::Failure;
use crate::input;
use crate::output;

/// Checks each file as `provider`'s `type_name` and prints the findings of
/// each, one line each (or a JSON array). Every finding names its file (the
/// `file` member in JSON; with several files, a `FILE: ` prefix on the
/// line, as grep does); one file's findings are counted together.
pub fn files(
    as_json: bool,
    provider: &str,
    type_name: &str,
    files: &[PathBuf],
) -> Result<(), Failure> {
    let checked = registry::find(provider, type_name).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut all = Vec::new();
    let mut unreadable = 0;
    let limit = input::limit()?;
    for file in files {
        let found = read_input(file, limit)
            .and_then(|bytes| checked.check(&bytes).map_err(|e| e.to_string()));
        match found {
            Ok(found) => all.extend(found.into_iter().map(|mut finding| {
                finding.file = Some(file.display().to_string());
                finding
            })),
            Err(problem) => {
                eprintln!("vidapi: error: {}: {problem}", file.display());
                unreadable += 1;
            }
        }
    }
    let merged = drift::merge(all);
    if as_json {
        output::json(&merged)?;
    } else {
        for finding in &merged {
            match &finding.file {
                Some(file) if files.len() > 1 => output::line(&format!("{file}: {finding}"))?,
                _ => output::line(&finding.to_string())?,
            }
        }
    }
    if unreadable > 0 {
        Err(Failure::Reported)
    } else if !merged.is_empty() {
        Err(Failure::Found(None))
    } else {
        Ok(())
    }
}

/// The bytes of `path`, or of standard input when `path` is `-` (as for
/// every command that reads a file), bounded by `limit` either way.
pub(crate) fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    if path != Path::new("-") {
        return input::read(path, limit);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "standard input: more than the input limit of {limit} bytes"
        ));
    }
    Ok(bytes)
}

/// `--drift`: the findings of every client the command used, on stderr.
pub fn report(findings: Vec<Finding>) {
    for finding in drift::merge(findings) {
        eprintln!("drift: {finding}");
    }
}
