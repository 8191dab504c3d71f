//! `vidapi generate --batch FILE.jsonl --out DIR/`: many videos, one job a
//! line, on the job ledger, as a pipeline that survives Ctrl-C and kills.
//!
//! Every line is checked before anything is sent (exit 2 naming the line
//! and the field). The lines are then written down in the ledger as
//! `planned`, each with an idempotency key from the file's contents and the
//! line's number (sent as `replyRef`), so a rerun of the same file finds
//! its own jobs and two identical lines stay two jobs. Jobs a killed run
//! left `submitting` are reconciled with the provider before anything is
//! sent: found → `submitted`, absent → `planned` again, undecidable →
//! `unknown` (never resent by this command). Then, until every job is
//! settled: jobs are claimed (the intent committed before the create) as
//! far as the accounts' free capacity goes, submitted jobs are polled
//! (one list page per account per round, a lookup only for a job not on
//! it), and finished videos are downloaded by worker threads while others
//! are still being made, each file recorded with its size and SHA-256.
//!
//! Here: the options and the run from start to end. The parts: [`lines`]
//! reads and checks the file, [`reconcile`] settles what a killed run
//! left, [`capacity`] reads the accounts' free slots, [`pipeline`] submits
//! and polls, [`fetch`] downloads and records, [`report`] says what
//! happened.

mod capacity;
mod fetch;
mod lines;
mod pipeline;
mod reconcile;
mod report;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use clap::Args;
use serde_json::{Value, json};
use vidapi::Provider;
use vidapi::accounts::Scope;
use vidapi::generate::{Backoff, Generator, Plan, Reconciled};
use vidapi::useapi::split_video_id;

use crate::Failure;
use crate::jobs::default_ledger;
use crate::ledger::{Change, Filter, Job, Ledger, NewJob, SqliteLedger, State};
use fetch::{Fetch, download_worker};
use lines::read_lines;
use pipeline::pipeline;
use reconcile::{owner, reconcile_anywhere};
use report::{Events, show_plan, summary};

/// The batch options of `vidapi generate`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Make every job of a JSON Lines file (needs --out)
    ///
    /// One job a line: {"provider": "minimax", "prompt":
    /// "…", "image": "cat.png", "account": "…", "model": "…", …} (any
    /// documented create field). Needs --out.
    #[arg(long, value_name = "FILE.jsonl", requires = "out",
          conflicts_with_all = ["provider", "prompt", "image", "model", "account", "email", "set", "wait", "download"])]
    pub batch: Option<PathBuf>,
    /// With --batch: the folder the videos go into
    ///
    /// The folder the videos are downloaded into (created if
    /// missing; the ledger is DIR/.vidapi/ledger.sqlite).
    #[arg(long, value_name = "DIR/", requires = "batch")]
    pub out: Option<PathBuf>,
    /// With --batch: the ledger file (default: DIR/.vidapi/ledger.sqlite).
    #[arg(long, value_name = "PATH", requires = "batch")]
    pub ledger: Option<PathBuf>,
}

/// Free slots assumed for Hour One, which has no scheduler to ask.
const HOURONE_SLOTS: i64 = 2;
/// How long the pipeline rests when a round changed nothing.
const ROUND: Duration = Duration::from_millis(250);
/// How long a provider that kept answering 429 is left alone.
const COOL_DOWN: Duration = Duration::from_secs(5);
/// Rounds (of at least 250 ms) a submitted video may be missing before its
/// job ends failed.
const MISSING_ROUNDS: u32 = 40;
/// Files fetched at once.
const DOWNLOADERS: usize = 4;

/// The useapi.net account in a composite id (`…-minimax:<account>-video:…`).
fn account_of(provider: Provider, id: &str) -> Option<String> {
    split_video_id(provider, id).map(|(account, _)| account.to_owned())
}

fn provider_of(job: &Job) -> Provider {
    match job.provider.as_str() {
        "pixverse" => Provider::PixVerse,
        "hourone" => Provider::HourOne,
        _ => Provider::MiniMax,
    }
}

fn scope_of(provider: Provider, account: Option<&str>) -> Scope {
    let account = account.map(str::to_owned);
    match provider {
        Provider::MiniMax => Scope {
            minimax_account: account,
            ..Scope::default()
        },
        Provider::PixVerse => Scope {
            pixverse_email: account,
            ..Scope::default()
        },
        _ => Scope::default(),
    }
}

/// Runs `vidapi generate --batch`.
pub fn run(args: &BatchArgs, json_out: bool, dry_run: bool) -> Result<(), Failure> {
    let (Some(file), Some(out)) = (&args.batch, &args.out) else {
        return Err(Failure::Usage("--batch needs --out DIR/".into()));
    };
    let (file_digest, lines) = read_lines(file)?;
    if out.exists() && !out.is_dir() {
        return Err(Failure::Usage(format!("{} is not a folder", out.display())));
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let batch = format!("{name}@{}", &file_digest[..16]);
    if dry_run {
        return show_plan(&lines, &batch, args, out, json_out);
    }
    let providers: Vec<Provider> = {
        let mut seen = Vec::new();
        for line in &lines {
            if !seen.contains(&line.plan.provider()) {
                seen.push(line.plan.provider());
            }
        }
        seen
    };
    let accounts = match providers.as_slice() {
        [one] => crate::settings::accounts_for(*one)?,
        _ => {
            let accounts = crate::settings::accounts()?;
            for &p in &providers {
                accounts.require(p)?;
            }
            accounts
        }
    };
    std::fs::create_dir_all(out)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", out.display())))?;
    let out = std::fs::canonicalize(out)
        .map_err(|e| Failure::Usage(format!("cannot resolve {}: {e}", out.display())))?;
    let ledger_path = args.ledger.clone().unwrap_or_else(|| default_ledger(&out));
    let ledger = SqliteLedger::open(&ledger_path)?;
    let interrupted = Arc::new(AtomicBool::new(false));
    // A second Ctrl-C ends the process at once (the ledger is consistent
    // after every committed step); the first only stops submitting.
    signal_hook::flag::register_conditional_shutdown(
        signal_hook::consts::SIGINT,
        130,
        Arc::clone(&interrupted),
    )
    .and_then(|_| {
        signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&interrupted))
    })
    .map_err(|e| Failure::Api(format!("cannot handle Ctrl-C: {e}")))?;
    let new: Vec<NewJob> = lines
        .iter()
        .map(|l| NewJob {
            batch: batch.clone(),
            line: l.number,
            key: l.plan.key().to_owned(),
            provider: l.plan.provider().slug().to_owned(),
            request: serde_json::from_str(&l.text).unwrap_or(Value::Null),
            account: l.plan.account().map(str::to_owned),
        })
        .collect();
    let planned = ledger.plan(&new)?;
    let events = Events::new(json_out);
    if !json_out {
        eprintln!(
            "batch {batch}: {} lines, {} new in the ledger {}",
            lines.len(),
            planned.added,
            ledger_path.display()
        );
    }
    let plans: HashMap<&str, &Plan> = lines.iter().map(|l| (l.plan.key(), &l.plan)).collect();
    // A 429 is waited out briefly (so Ctrl-C is heard within seconds),
    // then the job goes back to `planned` for a later round.
    let mut generator = Generator::new().backoff(Backoff {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(2),
        deadline: Duration::from_secs(4),
    });
    if let Some(useapi) = &accounts.useapi {
        generator = generator.useapi(useapi);
    }
    if let Some(hourone) = &accounts.hourone {
        generator = generator.hourone(hourone, None);
    }
    let this_batch = |job: &Job| job.batch.as_deref() == Some(batch.as_str());
    // A killed run's intents: decided with the provider before any send.
    for job in ledger.submitting()?.into_iter().filter(this_batch) {
        let Some(plan) = plans.get(job.key.as_str()) else {
            continue;
        };
        let sent = chrono::DateTime::parse_from_rfc3339(&job.updated_at)
            .map(SystemTime::from)
            .unwrap_or_else(|_| SystemTime::now());
        let account = job.account.clone().or(plan.account().map(str::to_owned));
        match reconcile_anywhere(
            &generator,
            accounts.useapi.as_ref(),
            plan,
            account.as_deref(),
            sent,
        ) {
            Reconciled::Found { id, how } if owner(&ledger, &id, job.id)?.is_some() => {
                // Matched by prompt to a video another job (an identical
                // line) already owns: not this job's. Whether this one was
                // accepted too cannot be told apart; never resent.
                let other = owner(&ledger, &id, job.id)?.unwrap_or_default();
                let why = format!(
                    "reconciliation found {id} ({how}), but that is line {other}'s video; \
                     whether this line was created too cannot be decided"
                );
                let job = ledger.unknown(job.id, &why)?;
                events.emit("unknown", &job, json!({"error": why}));
            }
            Reconciled::Found { id, how } => {
                let account = account_of(plan.provider(), &id)
                    .or(account)
                    .unwrap_or_default();
                let job = ledger.submitted(job.id, &account, &id)?;
                events.emit("reconciled", &job, json!({"found": how}));
            }
            Reconciled::Absent => {
                let job = ledger.reconciled_absent(job.id)?;
                events.emit(
                    "reconciled",
                    &job,
                    json!({"found": "absent: planned again"}),
                );
            }
            Reconciled::Unknown(evidence) => {
                let job = ledger.unknown(job.id, &evidence.join("; "))?;
                events.emit("unknown", &job, json!({"error": evidence.join("; ")}));
            }
        }
    }
    let filter = Filter {
        state: None,
        batch: Some(batch.clone()),
    };
    // Downloaded files still as recorded are left alone; the others are
    // fetched again.
    for job in ledger.jobs(&filter)? {
        if job.state != State::Downloaded {
            continue;
        }
        let whole = job.path.as_deref().is_some_and(|p| {
            crate::ledger::file_digest(Path::new(p)).is_ok_and(|(size, sha)| {
                Some(size) == job.size && Some(&sha) == job.sha256.as_ref()
            })
        });
        if !whole {
            // Changed since it was recorded: out of the way, so that it is
            // fetched again rather than taken as a file a killed run left.
            if let Some(p) = job.path.as_deref() {
                let _ = std::fs::remove_file(p);
            }
            ledger.transition(job.id, State::Final, Change::default())?;
        }
    }
    events.progress(&ledger.jobs(&filter)?);
    let queue: Mutex<VecDeque<Fetch>> = Mutex::new(VecDeque::new());
    let busy = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|threads| {
        for _ in 0..DOWNLOADERS {
            threads.spawn(|| {
                download_worker(
                    &accounts,
                    &ledger,
                    &queue,
                    &busy,
                    &done,
                    &interrupted,
                    &events,
                )
            });
        }
        let outcome = pipeline(
            &accounts,
            &ledger,
            &mut generator,
            &plans,
            &batch,
            &out,
            &queue,
            &busy,
            &interrupted,
            &events,
        );
        if let Err(e) = outcome {
            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
        }
        done.store(true, Ordering::SeqCst);
    });
    drop(crate::raw::take());
    let jobs = ledger.jobs(&filter)?;
    events.progress(&jobs);
    events.bar.finish_and_clear();
    summary(&jobs, json_out)?;
    let resume = format!(
        "vidapi generate --batch {} --out {}{}",
        file.display(),
        args.out
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        args.ledger
            .as_ref()
            .map(|p| format!(" --ledger {}", p.display()))
            .unwrap_or_default()
    );
    if interrupted.load(Ordering::SeqCst) {
        eprintln!(
            "interrupted: nothing more was submitted; jobs already submitted go on generating. \
             The ledger is consistent; run the same command to resume:\n  {resume}"
        );
        std::process::exit(130);
    }
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(Failure::Api(format!(
            "{e}; run the same command to resume: {resume}"
        )));
    }
    let unsettled = jobs.iter().filter(|j| j.state != State::Downloaded).count();
    if unsettled > 0 {
        eprintln!(
            "{unsettled} of {} jobs did not end downloaded (see the table; `vidapi jobs --ledger {}` shows why)",
            jobs.len(),
            ledger_path.display()
        );
        return Err(Failure::Reported);
    }
    Ok(())
}
