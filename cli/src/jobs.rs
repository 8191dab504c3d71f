//! `vidapi jobs`: the job ledger as a table or JSON, and `vidapi jobs retry`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::Failure;
use crate::ledger::{Filter, Job, Ledger, SqliteLedger, State};
use crate::output::{Col, Rows, count, json};

impl From<crate::ledger::LedgerError> for Failure {
    fn from(e: crate::ledger::LedgerError) -> Self {
        Failure::Api(e.to_string())
    }
}

/// The ledger's place under a folder: `DIR/.vidapi/ledger.sqlite`.
pub fn default_ledger(dir: &Path) -> PathBuf {
    dir.join(".vidapi").join("ledger.sqlite")
}

/// `vidapi jobs`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub action: Option<JobsAction>,
    /// The ledger file (default: .vidapi/ledger.sqlite in the current
    /// folder, where `vidapi sync .` keeps it).
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Only the jobs in this state: planned, submitting, submitted, final,
    /// downloaded, failed, unknown.
    #[arg(long, value_name = "STATE", value_parser = parse_state)]
    pub state: Option<State>,
}

/// What `vidapi jobs` does besides listing.
#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// Put failed jobs back to planned, so the next run makes them again.
    /// Jobs whose create may have been accepted (unknown) stay as they are
    /// unless --include-unknown is given: requeuing them may pay twice.
    Retry {
        /// Requeue the failed jobs (required: says what is retried).
        #[arg(long, required = true)]
        failed: bool,
        /// Requeue the unknown jobs too.
        #[arg(long)]
        include_unknown: bool,
        /// The ledger file (default: .vidapi/ledger.sqlite in the current folder).
        #[arg(long, value_name = "PATH")]
        ledger: Option<PathBuf>,
    },
}

fn parse_state(text: &str) -> Result<State, String> {
    State::parse(text.trim()).ok_or_else(|| {
        let names: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        format!("not a job state; one of {}", names.join(", "))
    })
}

/// Opens an existing ledger; a missing one is bad usage (exit 2), not an
/// empty ledger created by a typo.
fn open_existing(path: Option<PathBuf>) -> Result<SqliteLedger, Failure> {
    let path = path.unwrap_or_else(|| default_ledger(Path::new(".")));
    if !path.is_file() {
        return Err(Failure::Usage(format!(
            "no ledger at {} (give its path with --ledger)",
            path.display()
        )));
    }
    Ok(SqliteLedger::open(&path)?)
}

const COLUMNS: &[Col] = &[
    Col::id("job"),
    Col::keep("state", 0),
    Col::keep("provider", 1),
    Col::keep("account", 3),
    Col::keep("video", 2),
    Col::keep("line", 4),
    Col::keep("tries", 5),
    Col::keep("updated", 6),
    Col::text("file / last error", 1, 1),
];

fn row(job: &Job) -> Vec<String> {
    let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
    let detail = match (job.state, &job.path, &job.last_error) {
        (State::Downloaded, Some(path), _) => path.clone(),
        (_, _, Some(error)) => error.clone(),
        (_, path, None) => or_empty(path),
    };
    vec![
        job.id.to_string(),
        job.state.to_string(),
        job.provider.clone(),
        or_empty(&job.account),
        or_empty(&job.video_id),
        job.line.map(|l| l.to_string()).unwrap_or_default(),
        job.attempts.to_string(),
        job.updated_at
            .get(..19)
            .unwrap_or(&job.updated_at)
            .replace('T', " "),
        detail,
    ]
}

/// What `vidapi jobs retry --json` prints.
#[derive(Serialize)]
struct Retried {
    requeued: u64,
    unknown_left: usize,
}

/// Runs `vidapi jobs …`.
pub fn run(args: JobsArgs, as_json: bool) -> Result<(), Failure> {
    match args.action {
        None => list(open_existing(args.ledger)?, args.state, as_json),
        Some(JobsAction::Retry {
            failed: _,
            include_unknown,
            ledger,
        }) => {
            let ledger = open_existing(ledger)?;
            let requeued = ledger.retry(include_unknown)?;
            let unknown_left = ledger
                .jobs(&Filter {
                    state: Some(State::Unknown),
                    batch: None,
                })?
                .len();
            if as_json {
                json(&Retried {
                    requeued,
                    unknown_left,
                })?;
            } else {
                crate::output::line(&format!("requeued {}", count(requeued as usize, "job")))?;
                if unknown_left > 0 {
                    eprintln!(
                        "{} left unknown (they may have been created; check the provider, \
                         then requeue them with --include-unknown)",
                        count(unknown_left, "job")
                    );
                }
            }
            Ok(())
        }
    }
}

fn list(ledger: SqliteLedger, state: Option<State>, as_json: bool) -> Result<(), Failure> {
    let jobs = ledger.jobs(&Filter { state, batch: None })?;
    if as_json {
        return Ok(json(&jobs)?);
    }
    let total = jobs.len();
    let mut table = Rows::new(COLUMNS);
    // In pieces, so a large ledger starts printing at once.
    for piece in jobs.chunks(2000) {
        table.print(piece.iter().map(row).collect())?;
    }
    table.finish()?;
    eprintln!("{}", count(total, "job"));
    Ok(())
}
