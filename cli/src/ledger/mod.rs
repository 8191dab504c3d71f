//! The job ledger: one row per job (a batch line to create, or a finished
//! video found by `vidapi sync`), in a state machine that survives crashes.
//!
//! A job goes planned → submitting → submitted → final → downloaded, or
//! ends failed or unknown. Every change is one committed transaction, and
//! a change the state machine does not allow is refused
//! ([`LedgerError::Transition`]), so two processes (or a process and its
//! rerun) can never walk a job backwards by accident. The intent to create
//! is committed *before* the create is sent ([`Ledger::claim_next`]) and
//! its answer right after ([`Ledger::submitted`]): a process killed between
//! the two leaves the job `submitting`, which the next run reconciles
//! ([`Ledger::submitting`]) before it would ever send it again.
//!
//! [`Ledger`] is the contract; [`SqliteLedger`] is the one implementation
//! (a single SQLite file in WAL mode). The trait is small on purpose, so a
//! database shared by several machines can implement it later.

mod sqlite;

use std::fmt;

use serde::Serialize;

pub use sqlite::SqliteLedger;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Validated and written down; nothing sent yet.
    Planned,
    /// The create is about to be sent, or was sent and not answered: what a
    /// killed run leaves behind, to reconcile before any resend.
    Submitting,
    /// The provider accepted it: the video id is known.
    Submitted,
    /// The video is finished on the provider and its file not yet on disk.
    Final,
    /// The file is on disk, whole, with its size and SHA-256 recorded.
    Downloaded,
    /// It ended without a video (refused, moderated, failed).
    Failed,
    /// Whether the provider accepted it could not be decided: never resent
    /// unless a person says so (`vidapi jobs retry --include-unknown`).
    Unknown,
}

impl State {
    /// Every state, in the order of a job's life.
    pub const ALL: [State; 7] = [
        State::Planned,
        State::Submitting,
        State::Submitted,
        State::Final,
        State::Downloaded,
        State::Failed,
        State::Unknown,
    ];

    /// The name stored in the ledger and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::Submitting => "submitting",
            State::Submitted => "submitted",
            State::Final => "final",
            State::Downloaded => "downloaded",
            State::Failed => "failed",
            State::Unknown => "unknown",
        }
    }

    /// The state of that name.
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The states a job may be in to be moved to `self`. A job is never
    /// moved back before `submitting` once it may have been created,
    /// except by a person (retry) or by a reconciliation that proved the
    /// provider never got it.
    pub fn allowed_from(self) -> &'static [State] {
        match self {
            // Reconciled as absent, or a person's retry.
            State::Planned => &[State::Submitting, State::Failed, State::Unknown],
            State::Submitting => &[State::Planned],
            State::Submitted => &[State::Submitting],
            // A downloaded file that went missing is fetched again.
            State::Final => &[State::Submitted, State::Downloaded],
            State::Downloaded => &[State::Final],
            State::Failed => &[
                State::Planned,
                State::Submitting,
                State::Submitted,
                State::Final,
            ],
            State::Unknown => &[State::Submitting, State::Submitted],
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One row of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Job {
    /// The ledger's own number for the job.
    pub id: i64,
    /// The job's idempotency key: sent as `replyRef` by a batch, the
    /// video's place (`sync:<provider>:<account>:<video id>`) for `sync`.
    pub key: String,
    /// The batch it belongs to (the batch file, or `sync`).
    pub batch: Option<String>,
    /// Its line in the batch file, from 1.
    pub line: Option<u64>,
    /// `minimax`, `pixverse`, `hourone`, `memories`.
    pub provider: String,
    /// The request, JSON text, with secret-looking fields redacted
    /// (serialized as the JSON it holds, not as a string).
    #[serde(serialize_with = "raw_json")]
    pub request: Option<String>,
    /// Where it is.
    pub state: State,
    /// The account it was placed on.
    pub account: Option<String>,
    /// The provider's id of the video.
    pub video_id: Option<String>,
    /// How many times a create (or, for `sync`, a download) was tried.
    pub attempts: u32,
    /// The last error seen, or the evidence of an `unknown`.
    pub last_error: Option<String>,
    /// The file on disk, once downloaded.
    pub path: Option<String>,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// Its SHA-256, lowercase hex.
    pub sha256: Option<String>,
    /// When the row was written (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// Writes JSON text as the JSON it is (text that is not JSON, as a string).
fn raw_json<S: serde::Serializer>(
    text: &Option<String>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match text {
        None => s.serialize_none(),
        Some(text) => match serde_json::from_str::<&serde_json::value::RawValue>(text) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(text),
        },
    }
}

/// A batch line to write down as `planned`.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    /// The batch it belongs to.
    pub batch: String,
    /// Its line in the batch file, from 1.
    pub line: u64,
    /// Its idempotency key: the same line of the same batch always gets
    /// the same key ([`line_key`]), so planning again adds nothing.
    pub key: String,
    /// The provider's slug.
    pub provider: String,
    /// The request (redacted before it is stored).
    pub request: serde_json::Value,
    /// The account the line names, if any.
    pub account: Option<String>,
}

/// What a change records beside the new state; `None` keeps the value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub account: Option<String>,
    pub video_id: Option<String>,
    pub error: Option<String>,
    pub file: Option<FileRecord>,
}

/// A file on disk as the ledger knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What [`Ledger::plan`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Planned {
    /// Rows written now.
    pub added: u64,
    /// Lines whose key was already in the ledger (a rerun).
    pub already: u64,
}

/// Why a ledger call failed.
#[derive(Debug)]
pub enum LedgerError {
    /// The database said no (or could not be opened).
    Db(rusqlite::Error),
    /// The state machine does not allow the move.
    Transition {
        id: i64,
        /// Where the job is (`None`: there is no such job).
        from: Option<State>,
        to: State,
    },
    /// The file is not a ledger this version can use.
    Format(String),
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::Db(e) => write!(f, "ledger: {e}"),
            LedgerError::Transition { id, from: None, to } => {
                write!(f, "ledger: job {id} does not exist (cannot make it {to})")
            }
            LedgerError::Transition {
                id,
                from: Some(from),
                to,
            } => write!(f, "ledger: job {id} is {from} and cannot become {to}"),
            LedgerError::Format(why) => write!(f, "ledger: {why}"),
        }
    }
}

impl std::error::Error for LedgerError {}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Db(e)
    }
}

/// A ledger call's outcome.
pub type Result<T> = std::result::Result<T, LedgerError>;

/// A finished video found on a provider by `sync` ([`Ledger::found_all`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundVideo {
    /// Its key: `sync:<provider>:<account>:<id>`.
    pub key: String,
    /// The provider's slug.
    pub provider: String,
    pub account: String,
    pub video_id: String,
}

/// Which jobs [`Ledger::jobs`] lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub state: Option<State>,
    pub batch: Option<String>,
}

/// The job ledger's contract. Every method is one committed transaction:
/// when it returns `Ok`, the change survives a kill of the process.
pub trait Ledger: Send + Sync {
    /// Writes `jobs` down as `planned`, all or none. A key already in the
    /// ledger is left as it is (counted in [`Planned::already`]).
    fn plan(&self, jobs: &[NewJob]) -> Result<Planned>;

    /// The next `planned` job of `batch` (lowest line first), moved to
    /// `submitting` with one more attempt: the intent, committed before the
    /// create is sent. `None` when no job of the batch is planned.
    fn claim_next(&self, batch: &str) -> Result<Option<Job>>;

    /// Moves job `id` to `to`, recording what `change` holds, when the
    /// state machine allows it ([`State::allowed_from`]).
    fn transition(&self, id: i64, to: State, change: Change) -> Result<Job>;

    /// Records an error on job `id` without moving it (a download to try
    /// again next run), counting one more attempt.
    fn note_error(&self, id: i64, error: &str) -> Result<()>;

    /// The job with this key.
    fn by_key(&self, key: &str) -> Result<Option<Job>>;

    /// Every job `filter` selects, in ledger order.
    fn jobs(&self, filter: &Filter) -> Result<Vec<Job>>;

    /// Moves every `failed` job (and every `unknown` one when
    /// `include_unknown`) back to `planned`; how many moved.
    fn retry(&self, include_unknown: bool) -> Result<u64>;

    /// Finished videos found on a provider (by `sync`), all in one
    /// transaction: each written as a `final` job under its key when the
    /// key is new; each job as it is, in the order given. (One commit for a
    /// listing of thousands, not one each.)
    fn found_all(&self, videos: &[FoundVideo]) -> Result<Vec<Job>>;

    /// The jobs left `submitting` (by a killed run), to reconcile with the
    /// provider before anything is sent again.
    fn submitting(&self) -> Result<Vec<Job>> {
        self.jobs(&Filter {
            state: Some(State::Submitting),
            batch: None,
        })
    }

    /// The create was answered with a video id: `submitting` → `submitted`.
    fn submitted(&self, id: i64, account: &str, video_id: &str) -> Result<Job> {
        let change = Change {
            account: Some(account.to_owned()),
            video_id: Some(video_id.to_owned()),
            ..Change::default()
        };
        self.transition(id, State::Submitted, change)
    }

    /// The video is finished on the provider: → `final`.
    fn finished(&self, id: i64) -> Result<Job> {
        self.transition(id, State::Final, Change::default())
    }

    /// Files on disk, whole: each job `final` → `downloaded`, all in one
    /// transaction (a commit per group of finished downloads, not one
    /// each). The outer error is the transaction's (nothing was written);
    /// each inner result is one job's move, in the order given.
    fn downloaded_all(&self, files: Vec<(i64, FileRecord)>) -> Result<Vec<Result<Job>>>;

    /// The file is on disk, whole: `final` → `downloaded`.
    fn downloaded(&self, id: i64, file: FileRecord) -> Result<Job> {
        let change = Change {
            file: Some(file),
            ..Change::default()
        };
        self.transition(id, State::Downloaded, change)
    }

    /// The job ended without a video: → `failed`, with why.
    fn failed(&self, id: i64, error: &str) -> Result<Job> {
        let change = Change {
            error: Some(error.to_owned()),
            ..Change::default()
        };
        self.transition(id, State::Failed, change)
    }

    /// Whether it was created could not be decided: → `unknown`, with the
    /// evidence.
    fn unknown(&self, id: i64, evidence: &str) -> Result<Job> {
        let change = Change {
            error: Some(evidence.to_owned()),
            ..Change::default()
        };
        self.transition(id, State::Unknown, change)
    }

    /// Reconciliation proved the provider never got the create:
    /// `submitting` → `planned`, to be claimed again.
    fn reconciled_absent(&self, id: i64) -> Result<Job> {
        self.transition(id, State::Planned, Change::default())
    }
}

/// The idempotency key of line `line` (from 1) of a batch whose file's
/// contents hash to `batch_digest`: stable across reruns of the same file,
/// different for two identical lines (they are two jobs). 32 hex digits,
/// short enough for a `replyRef`.
pub fn line_key(batch_digest: &str, line: u64, text: &str) -> String {
    let mut input = Vec::with_capacity(batch_digest.len() + text.len() + 24);
    input.extend_from_slice(batch_digest.as_bytes());
    input.push(0);
    input.extend_from_slice(line.to_string().as_bytes());
    input.push(0);
    input.extend_from_slice(text.as_bytes());
    sha256_hex(&input)[..32].to_owned()
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// The size and SHA-256 of the file at `path`, read 64 KiB at a time: what
/// the ledger records of a file on disk and checks before trusting it.
pub fn file_digest(path: &std::path::Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        context.update(&buffer[..n]);
    }
    Ok((size, hex(context.finish().as_ref())))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `request` with the value of every secret-looking field
/// ([`vidapi::redact::is_secret_param`]: token, key, password, …) replaced,
/// at any depth: what the ledger stores.
pub fn redact_request(request: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match request {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, value)| {
                    let value = if vidapi::redact::is_secret_param(name) && !value.is_null() {
                        Value::String("[redacted]".to_owned())
                    } else {
                        redact_request(value)
                    };
                    (name.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_request).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
