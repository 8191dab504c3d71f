//! Drift: what a provider sends that its schema does not say.
//!
//! Every response a client decodes is checked against the schema its type
//! was generated from, and the check never fails the decode: once the body
//! has decoded, a byte-level scan guided by the compiled schema compares
//! every key and value with what the schema declares (see `scan.rs` for why
//! a second pass beats hooking into the decoder).
//! Three kinds of finding are recorded:
//!
//! - an **unknown field**: a key the schema does not declare;
//! - a **type mismatch**: a value whose JSON type differs from the declared
//!   one, including those the tolerant types absorb (`"12"` where an integer
//!   is documented); a tolerant field may list the types it is known to
//!   arrive as in `x-wire-types`;
//! - an **unknown value**: a status the provider's `Status` enum does not
//!   know (the schema lists the known ones in `x-known-values`).
//!
//! Findings are deduplicated by schema, path (array indices collapsed, as in
//! `data.videos[].status`), kind and the JSON type seen, and counted. A
//! client's findings are shared by its clones and threads:
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! # let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! let mem = vidapi::Memories::with_config(vidapi::emulator::MEMORIES_KEY, config)?;
//! mem.list_videos(&Default::default())?;
//! for finding in mem.drift() {
//!     eprintln!("{finding}");
//! }
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Saved payloads are checked with [`registry::check`](crate::registry::check)
//! (what `vidapi drift` runs; the registry of every root type sits above the
//! providers, since it names their types), and
//! payloads against a schema file with [`Schema::check`].

mod record;
mod scan;
mod schema;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::Value;

use record::{Local, Path, Recorder, Redactor};
pub use schema::Schema;
pub use schema::{KNOWN_VALUES, WIRE_TYPES};

/// What kind of drift a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A key the schema does not declare.
    UnknownField,
    /// A value of another JSON type than the schema declares.
    TypeMismatch,
    /// A value outside the ones the schema lists as known (a new status).
    UnknownValue,
}

impl Kind {
    /// The stable name scripts match on: `unknown-field`, `type-mismatch`,
    /// `unknown-value`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::UnknownField => "unknown-field",
            Kind::TypeMismatch => "type-mismatch",
            Kind::UnknownValue => "unknown-value",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One kind of drift at one place, with how often it was seen.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Finding {
    /// The schema folder: `minimax`, `pixverse`, `useapi`, `hourone`, `memories`.
    pub provider: String,
    /// The root type the payload was decoded as (the schema's `title`).
    pub schema: String,
    /// Where, with array indices collapsed: `data.videos[].status`; empty
    /// for the root itself.
    pub path: String,
    /// What was found.
    pub kind: Kind,
    /// The JSON type that was sent: `string`, `integer`, `number`, …
    pub seen: String,
    /// What the schema declares there (`integer`, `null or array`), or the
    /// known values; empty for an unknown field.
    pub expected: String,
    /// The first value seen, as JSON, shortened; never a credential. A
    /// value serde cannot hold (a number beyond `f64`, nesting deeper than
    /// its limit, a lone surrogate) is shown as its source text.
    pub example: String,
    /// How many times it was seen.
    pub count: u64,
    /// The file the payload came from, when it was read from one (`vidapi
    /// drift` sets it; a client's findings have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Finding {
    fn from_local(provider: &str, schema: &str, local: Local, redactor: &Redactor) -> Finding {
        Finding {
            provider: provider.to_owned(),
            schema: schema.to_owned(),
            path: local.path,
            kind: local.kind,
            seen: local.seen.to_owned(),
            expected: local.expected,
            example: redactor.example(&local.example),
            count: local.count,
            file: None,
        }
    }

    /// What findings are deduplicated by: file, provider, schema, path,
    /// kind and the JSON type seen.
    fn key(&self) -> LogKey {
        (
            self.file.clone(),
            self.provider.clone(),
            self.schema.clone(),
            self.path.clone(),
            self.kind,
            self.seen.clone(),
        )
    }

    /// The path as printed: `(root)` for the root itself.
    pub fn place(&self) -> &str {
        if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        }
    }
}

impl fmt::Display for Finding {
    /// One line: `memories ListVideosResponse data.videos[].duration:
    /// type-mismatch: string where number is declared; 3 times, e.g. "61"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}: {}: ",
            self.provider,
            self.schema,
            self.place(),
            self.kind
        )?;
        match self.kind {
            Kind::UnknownField => write!(f, "undeclared field sent as {}", self.seen)?,
            Kind::TypeMismatch => write!(f, "{} where {} is declared", self.seen, self.expected)?,
            Kind::UnknownValue => write!(
                f,
                "{} is not a known value ({})",
                self.example, self.expected
            )?,
        }
        let times = if self.count == 1 { "time" } else { "times" };
        write!(f, "; {} {times}", self.count)?;
        if self.kind != Kind::UnknownValue {
            write!(f, ", e.g. {}", self.example)?;
        }
        Ok(())
    }
}

/// One schema file's root type, as the build registered it.
pub struct Root {
    provider: &'static str,
    title: &'static str,
    file: &'static str,
    text: &'static str,
    check: Checker,
    check_list: Checker,
    compiled: OnceLock<Option<Schema>>,
}

type Checker = fn(&[u8]) -> Result<Vec<Finding>, CheckError>;

impl Root {
    /// The schema file's name in its provider's folder (`videos.json`).
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The provider's schema folder (`pixverse`).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The root type's schema `title` (`VideoPage`).
    pub fn title(&self) -> &'static str {
        self.title
    }

    #[doc(hidden)]
    pub const fn new(
        provider: &'static str,
        title: &'static str,
        file: &'static str,
        text: &'static str,
        check: Checker,
        check_list: Checker,
    ) -> Root {
        Root {
            provider,
            title,
            file,
            text,
            check,
            check_list,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled schema; `None` if it does not compile, in which case
    /// nothing is recorded for it (a test keeps every shipped one compiling).
    fn schema(&self) -> Option<&Schema> {
        self.compiled
            .get_or_init(|| Schema::parse(self.text).ok())
            .as_ref()
    }
}

/// A generated type whose schema is known: implemented by the build for
/// every schema's root type (and arrays of them), so [`decode`] can check a
/// payload against the schema its type came from.
pub trait Observed {
    /// The type's registry entry.
    #[doc(hidden)]
    fn root() -> &'static Root;
    /// Whether the payload is a bare array of the root type.
    #[doc(hidden)]
    fn is_list() -> bool {
        false
    }
}

impl<T: Observed> Observed for Vec<T> {
    fn root() -> &'static Root {
        T::root()
    }
    fn is_list() -> bool {
        true
    }
}

/// Why a payload could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// No schema folder of that name.
    #[error("unknown provider {given:?}; known: {}", known.join(", "))]
    UnknownProvider {
        /// What was asked for.
        given: String,
        /// The providers there are.
        known: Vec<String>,
    },
    /// The provider has no root type of that name.
    #[error("{provider} has no type {given:?}; its types: {}", known.join(", "))]
    UnknownType {
        /// The provider.
        provider: String,
        /// What was asked for.
        given: String,
        /// The provider's root types.
        known: Vec<String>,
    },
    /// The bytes are not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// The payload's root is not the type's at all: see [`Type::check`]
    /// for when that is said instead of listing findings.
    #[error("not a {type_name}: {reason}")]
    NotA {
        /// The type.
        type_name: String,
        /// What shape the root has instead.
        reason: String,
    },
    /// The JSON does not decode as the type, even tolerantly.
    #[error("does not decode as {type_name}: {reason}")]
    Decode {
        /// The type.
        type_name: String,
        /// What failed, with the JSON path where it did.
        reason: String,
    },
}

/// A generated root type that payloads can be checked as; see
/// [`registry::find`](crate::registry::find).
#[derive(Clone, Copy, Debug)]
pub struct Type {
    root: &'static Root,
    list: bool,
}

impl Type {
    /// `root`'s type, or a bare array of it (`list`).
    pub(crate) fn new(root: &'static Root, list: bool) -> Type {
        Type { root, list }
    }

    /// Decodes `json` as this type and returns the drift it shows.
    ///
    /// A payload whose root has the wrong shape is refused with
    /// [`CheckError::NotA`] instead of being reported field by field. The
    /// root shape is wrong when, for the root value (for `T[]`, the array
    /// and each of its items):
    ///
    /// 1. its JSON type is not one the schema's root accepts (`[]` given
    ///    as a page object, `{}` as a list, a string as either);
    /// 2. it is an object with at least one key, the schema's root declares
    ///    keys, and none of the object's keys is declared (a video given as
    ///    a page);
    /// 3. a declared key whose schema is an object or an array with its own
    ///    properties or items holds a value of another JSON type, `null`
    ///    aside (`{"data": "oops"}` for a page whose `data` is a list).
    ///
    /// Anything else is drift, reported as findings.
    pub fn check(&self, json: &[u8]) -> Result<Vec<Finding>, CheckError> {
        (if self.list {
            self.root.check_list
        } else {
            self.root.check
        })(json)
    }
}

impl fmt::Debug for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.title)
    }
}

/// What the registry calls for one type:
/// [`registry::check`](crate::registry::check)'s work.
#[doc(hidden)]
pub fn check_as<T: DeserializeOwned + Observed>(json: &[u8]) -> Result<Vec<Finding>, CheckError> {
    // Not JSON at all is told apart from JSON of the wrong shape.
    serde_json::from_slice::<serde::de::IgnoredAny>(json)
        .map_err(|e| CheckError::NotJson(e.to_string()))?;
    let type_name = format!(
        "{}{}",
        T::root().title,
        if T::is_list() { "[]" } else { "" }
    );
    if let Some(schema) = T::root().schema() {
        let top = if T::is_list() {
            schema.root_list
        } else {
            schema.root
        };
        if let Err(reason) = scan::shape(json, top, schema, T::is_list()) {
            return Err(CheckError::NotA { type_name, reason });
        }
    }
    let (_, findings) =
        decode::<T>(json, true).map_err(|reason| CheckError::Decode { type_name, reason })?;
    Ok(findings)
}

impl Schema {
    /// The drift `value` shows against this schema, reported as `provider`
    /// (a label for the findings). Used to check a sample against a schema
    /// file that no compiled type comes from, such as an updated copy.
    pub fn check(&self, provider: &str, value: &Value) -> Vec<Finding> {
        let rec = Recorder::new(self);
        rec.walk(self.root, &Path::Root, value);
        let redactor = Redactor::default();
        rec.finish()
            .into_iter()
            .map(|local| Finding::from_local(provider, self.title(), local, &redactor))
            .collect()
    }
}

/// Decodes `json` as `T`, and when `record` is set, returns the drift seen
/// on the way (what a client does with every response). A decode error
/// names the JSON path where it failed.
///
/// ```
/// let json = br#"{"data": [{"video_id": 7, "camera": "x"}], "total": "1"}"#;
/// let (page, found) = vidapi::drift::decode::<vidapi::pixverse::VideoPage>(json, true)?;
/// assert_eq!(page.data.unwrap().len(), 1);
/// let places: Vec<_> = found.iter().map(|f| (f.place(), f.kind.as_str())).collect();
/// assert_eq!(places, [
///     ("data[].camera", "unknown-field"),
///     ("data[].video_id", "type-mismatch"),
///     ("total", "type-mismatch"),
/// ]);
/// # Ok::<(), String>(())
/// ```
pub fn decode<T: DeserializeOwned + Observed>(
    json: &[u8],
    record: bool,
) -> Result<(T, Vec<Finding>), String> {
    decode_redacted(json, record, &Redactor::default())
}

/// [`decode`] for a client: the findings go into `log` (when recording),
/// with the log's secrets removed from their examples before they are cut.
pub(crate) fn decode_logged<T: DeserializeOwned + Observed>(
    json: &[u8],
    log: Option<&Log>,
) -> Result<T, String> {
    match log {
        None => decode_redacted(json, false, &Redactor::default()).map(|(value, _)| value),
        Some(log) => {
            let (value, found) = decode_redacted(json, true, &log.redactor)?;
            log.merge(found);
            Ok(value)
        }
    }
}

fn decode_redacted<T: DeserializeOwned + Observed>(
    json: &[u8],
    record: bool,
    redactor: &Redactor,
) -> Result<(T, Vec<Finding>), String> {
    let root = T::root();
    let schema = root.schema().filter(|_| record);
    let outcome = match schema {
        Some(schema) => {
            let rec = Recorder::new(schema);
            let top = if T::is_list() {
                schema.root_list
            } else {
                schema.root
            };
            serde_json::from_slice::<T>(json).map(|value| {
                // Only a body that decoded is scanned: the scan relies on
                // it being valid JSON.
                scan::scan(json, top, &rec);
                let found = rec
                    .finish()
                    .into_iter()
                    .map(|l| Finding::from_local(root.provider, root.title, l, redactor));
                (value, found.collect())
            })
        }
        None => serde_json::from_slice(json).map(|v| (v, Vec::new())),
    };
    outcome.map_err(|e| with_path::<T>(json, e))
}

/// The error, with the JSON path where decoding failed. Only on failure is
/// the body decoded a second time, to track the path.
fn with_path<T: DeserializeOwned>(json: &[u8], error: serde_json::Error) -> String {
    if error.is_syntax() {
        // An object key serde cannot read (a lone surrogate escape such as
        // `"\ud800"`; the JSON grammar allows it): named as sent.
        if let Some(key) = key_at(json, error.line(), error.column()) {
            return format!("the key {key} cannot be read as text: {error}");
        }
    }
    if !error.is_data() {
        return error.to_string();
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) if !e.path().to_string().is_empty() && e.path().to_string() != "." => {
            format!("at {}: {}", e.path(), e.inner())
        }
        _ => error.to_string(),
    }
}

/// The raw text of the object key whose string holds the 1-based `line`
/// and `column` of `json`, if a key does.
fn key_at(json: &[u8], line: usize, column: usize) -> Option<String> {
    let line_start = if line <= 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let at = (line_start + column).saturating_sub(1).min(json.len());
    // The string literal around `at`: found by walking from the start,
    // tracking quotes and escapes.
    let (mut start, mut in_string, mut escaped) = (None, false, false);
    for (i, &b) in json.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    let begin = start?;
                    if (begin..=i).contains(&at) {
                        let rest = json[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
                        return (rest == Some(&b':'))
                            .then(|| String::from_utf8_lossy(&json[begin..=i]).into_owned());
                    }
                }
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
            start = Some(i);
        }
        if i > at && !in_string {
            return None;
        }
    }
    None
}

/// Most distinct findings a client keeps, so that a provider sending a new
/// key per item cannot grow memory without bound; findings already kept go
/// on counting.
const LOG_LIMIT: usize = 1024;

type LogKey = (Option<String>, String, String, String, Kind, String);

/// A client's findings, shared by its clones and threads.
#[derive(Debug, Default)]
pub(crate) struct Log {
    inner: Mutex<LogInner>,
    /// The texts no example may show: the credential, the proxy URL and
    /// its parts.
    redactor: Redactor,
}

#[derive(Debug, Default)]
struct LogInner {
    findings: HashMap<LogKey, Finding>,
}

impl Log {
    /// A log whose examples never show any of `secrets` (the credential,
    /// the proxy URL and its user name and password), nor any URL's user
    /// information.
    pub(crate) fn new(secrets: impl IntoIterator<Item = String>) -> Log {
        Log {
            inner: Mutex::default(),
            redactor: Redactor::new(secrets),
        }
    }

    /// Adds one decode's findings (one lock per decode); their examples
    /// were redacted when they were made.
    fn merge(&self, found: Vec<Finding>) {
        if found.is_empty() {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for finding in found {
            let key = finding.key();
            if let Some(known) = inner.findings.get_mut(&key) {
                known.count += finding.count;
                continue;
            }
            if inner.findings.len() >= LOG_LIMIT {
                continue;
            }
            inner.findings.insert(key, finding);
        }
    }

    /// The findings so far, sorted by provider, schema and path.
    pub(crate) fn snapshot(&self) -> Vec<Finding> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        sorted(inner.findings.values().cloned().collect())
    }

    /// The findings so far, leaving the log empty.
    pub(crate) fn take(&self) -> Vec<Finding> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        sorted(inner.findings.drain().map(|(_, f)| f).collect())
    }
}

/// Findings of several decodes or files as one list: one finding per
/// file, provider, schema, path, kind and JSON type seen, with the counts added up
/// and the first example kept; sorted by provider, schema and path.
pub fn merge(findings: impl IntoIterator<Item = Finding>) -> Vec<Finding> {
    let mut merged: HashMap<LogKey, Finding> = HashMap::new();
    for finding in findings {
        match merged.entry(finding.key()) {
            std::collections::hash_map::Entry::Occupied(mut known) => {
                known.get_mut().count += finding.count;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(finding);
            }
        }
    }
    sorted(merged.into_values().collect())
}

fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (&a.file, &a.provider, &a.schema, &a.path, a.kind, &a.seen).cmp(&(
            &b.file,
            &b.provider,
            &b.schema,
            &b.path,
            b.kind,
            &b.seen,
        ))
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_schema_compiles() {
        for root in crate::registry::ROOTS.iter() {
            Schema::parse(root.text)
                .unwrap_or_else(|e| panic!("{}/{}: {e}", root.provider, root.file));
        }
    }
}
