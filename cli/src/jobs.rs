//! `vidapi jobs`: the job ledger as a table or JSON, and `vidapi jobs retry`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::Failure;
use crate::ledger::{Filter, Job, Ledger, SqliteLedger, State};
use std::io::{IsTerminal, Write};

use crate::output::{Col, Rows, WIDTH_VAR, count, display_width, json, plain};

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

/// The table's headers, shared by both ways of drawing it.
const HEADERS: [&str; 9] = [
    "job",
    "state",
    "provider",
    "account",
    "video",
    "line",
    "tries",
    "updated",
    "file / last error",
];

const COLUMNS: &[Col] = &[
    Col::id(HEADERS[0]),
    Col::keep(HEADERS[1], 0),
    Col::keep(HEADERS[2], 1),
    Col::keep(HEADERS[3], 3),
    Col::keep(HEADERS[4], 2),
    Col::keep(HEADERS[5], 4),
    Col::keep(HEADERS[6], 5),
    Col::keep(HEADERS[7], 6),
    Col::text(HEADERS[8], 1, 1),
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
    let total = jobs.len();
    // Buffered: a large ledger is written in large pieces, not a line at a
    // time.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if as_json {
        serde_json::to_writer_pretty(&mut out, &jobs).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        out.flush()?;
        return Ok(());
    }
    let fitted = std::io::stdout().is_terminal() || std::env::var_os(WIDTH_VAR).is_some();
    if fitted {
        drop(out);
        let mut table = Rows::new(COLUMNS);
        // In pieces, so a large ledger starts printing at once.
        for piece in jobs.chunks(2000) {
            table.print(piece.iter().map(row).collect())?;
        }
        table.finish()?;
    } else {
        let rows: Vec<Vec<String>> = jobs.iter().map(row).collect();
        plain_table(&mut out, &rows)?;
        out.flush()?;
    }
    eprintln!("{}", count(total, "job"));
    Ok(())
}

/// The table as `Rows` draws it when nothing is cut (stdout not a
/// terminal), drawn directly: every cell whole, each column as wide as its
/// widest cell. A ledger of 100,000 jobs is drawn in a fraction of the time
/// the general table takes.
fn plain_table(out: &mut impl Write, rows: &[Vec<String>]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| plain(c)).collect())
        .collect();
    let widths: Vec<usize> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            rows.iter()
                .map(|row| display_width(&row[i]))
                .chain([display_width(name)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = |out: &mut dyn Write, [left, mid, right, fill]: [char; 4]| {
        let mut line = String::new();
        line.push(left);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                line.push(mid);
            }
            line.extend(std::iter::repeat_n(fill, w + 2));
        }
        line.push(right);
        line.push('\n');
        out.write_all(line.as_bytes())
    };
    let cells = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::from("│");
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                line.push('┆');
            }
            line.push(' ');
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', w - display_width(cell) + 1));
        }
        line.push_str("│\n");
        out.write_all(line.as_bytes())
    };
    rule(out, ['┌', '┬', '┐', '─'])?;
    cells(out, &mut HEADERS.iter().copied())?;
    rule(out, ['╞', '╪', '╡', '═'])?;
    for row in &rows {
        cells(out, &mut row.iter().map(String::as_str))?;
    }
    rule(out, ['└', '┴', '┘', '─'])
}
