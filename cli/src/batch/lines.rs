//! Reading a batch file: every line checked before anything is sent,
//! each into a create job; a bad line is exit 2 naming the line and field.

use std::path::Path;

use serde_json::{Map, Value};
use vidapi::Provider;
use vidapi::generate::{Job as GenJob, Plan};

use crate::Failure;
use crate::ledger::{line_key, sha256_hex};

/// One checked line.
pub(super) struct Line {
    pub(super) number: u64,
    pub(super) text: String,
    pub(super) plan: Plan,
}

/// Reads and checks every line; the first error names its line and field.
pub(super) fn read_lines(file: &Path) -> Result<(String, Vec<Line>), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
    let digest = sha256_hex(text.as_bytes());
    let base = file.parent().unwrap_or(Path::new("."));
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fail = |field: &str, why: String| {
            Failure::Usage(format!("{}: line {number}: {field}: {why}", file.display()))
        };
        let job = line_job(raw, base).map_err(|(field, why)| fail(&field, why))?;
        let mut job = job;
        job.key = Some(line_key(&digest, number, raw));
        let plan = job.plan().map_err(|e| match e {
            vidapi::Error::InvalidArgument { name, reason } => fail(name, reason),
            other => fail("job", other.to_string()),
        })?;
        lines.push(Line {
            number,
            text: raw.to_owned(),
            plan,
        });
    }
    if lines.is_empty() {
        return Err(Failure::Usage(format!(
            "{}: no job in the file",
            file.display()
        )));
    }
    Ok((digest, lines))
}

/// The job a line describes; `(field, why)` when it is not one.
pub(super) fn line_job(raw: &str, base: &Path) -> Result<GenJob, (String, String)> {
    let value: Value = serde_json::from_str(raw)
        .map_err(|e| ("json".to_owned(), format!("not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(("json".into(), "a line must be one JSON object".into()));
    };
    let text = |map: &Map<String, Value>, name: &str| -> Result<Option<String>, (String, String)> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err((name.to_owned(), "must be a string".into())),
        }
    };
    let provider = match text(&map, "provider")?.as_deref() {
        Some("minimax") => Provider::MiniMax,
        Some("pixverse") => Provider::PixVerse,
        Some("hourone") => Provider::HourOne,
        Some(other) => {
            return Err((
                "provider".into(),
                format!("unknown provider {other:?}: minimax, pixverse or hourone"),
            ));
        }
        None => return Err(("provider".into(), "is required".into())),
    };
    let account = match (text(&map, "account")?, text(&map, "email")?) {
        (Some(_), Some(_)) => {
            return Err(("email".into(), "give account or email, not both".into()));
        }
        (Some(_), None) if provider == Provider::PixVerse => {
            return Err(("account".into(), "PixVerse takes email".into()));
        }
        (None, Some(_)) if provider == Provider::MiniMax => {
            return Err(("email".into(), "MiniMax takes account".into()));
        }
        (Some(_), _) | (_, Some(_)) if provider == Provider::HourOne => {
            return Err((
                "account".into(),
                "Hour One has no accounts to choose".into(),
            ));
        }
        (a, e) => a.or(e),
    };
    let image = text(&map, "image")?.map(|p| base.join(p));
    let fields = map
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "provider" | "prompt" | "image" | "model" | "account" | "email"
            )
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Ok(GenJob {
        provider: Some(provider),
        prompt: text(&map, "prompt")?.unwrap_or_default(),
        image,
        model: text(&map, "model")?,
        account,
        fields,
        key: None,
    })
}
