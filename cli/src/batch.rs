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

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use serde_json::{Map, Value, json};
use vidapi::accounts::{Accounts, Scope};
use vidapi::download::{Options, default_file_name};
use vidapi::generate::{Backoff, Generator, Job as GenJob, Plan, Reconciled, Submitted};
use vidapi::useapi::split_video_id;
use vidapi::view::{ProviderVideo, Video};
use vidapi::{CreateRefusal, Provider, UseApi, minimax};

use crate::Failure;
use crate::jobs::default_ledger;
use crate::ledger::{
    Change, FileRecord, Filter, Job, Ledger, NewJob, SqliteLedger, State, line_key, sha256_hex,
};
use crate::output::{Col, Rows};

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

/// One checked line.
struct Line {
    number: u64,
    text: String,
    plan: Plan,
}

/// Reads and checks every line; the first error names its line and field.
fn read_lines(file: &Path) -> Result<(String, Vec<Line>), Failure> {
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
fn line_job(raw: &str, base: &Path) -> Result<GenJob, (String, String)> {
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

/// Reconciles a killed run's job. The account it went to is known when
/// its line names one; otherwise it may be any of the provider's accounts,
/// so each one `scheduler/available` lists is asked: found on one is
/// found, undecidable on one (and found on none) is unknown, and only
/// absent from all of them is absent.
fn reconcile_anywhere(
    generator: &Generator<'_>,
    useapi: Option<&UseApi>,
    plan: &Plan,
    account: Option<&str>,
    sent: SystemTime,
) -> Reconciled {
    let candidates: Vec<Option<String>> = match account {
        Some(a) => vec![Some(a.to_owned())],
        None => match free_slots(useapi, plan.provider()) {
            Ok(capacity) if !capacity.accounts.is_empty() => {
                let mut names: Vec<String> = capacity.accounts.into_keys().collect();
                names.sort();
                names.into_iter().map(Some).collect()
            }
            Ok(_) => vec![None],
            Err(e) => {
                return Reconciled::Unknown(vec![format!(
                    "the accounts it may have gone to could not be read: {e}"
                )]);
            }
        },
    };
    let mut unknown: Option<Vec<String>> = None;
    for candidate in candidates {
        match generator.reconcile(plan, candidate.as_deref(), sent) {
            found @ Reconciled::Found { .. } => return found,
            Reconciled::Unknown(mut seen) => {
                if let Some(a) = &candidate {
                    seen.insert(0, format!("account {a}:"));
                }
                unknown.get_or_insert_with(Vec::new).extend(seen);
            }
            Reconciled::Absent => {}
        }
    }
    unknown.map_or(Reconciled::Absent, Reconciled::Unknown)
}

/// The line of another job of the ledger that holds video `id`.
fn owner(ledger: &dyn Ledger, id: &str, except: i64) -> crate::ledger::Result<Option<u64>> {
    Ok(ledger
        .jobs(&Filter::default())?
        .into_iter()
        .find(|j| j.id != except && j.video_id.as_deref() == Some(id))
        .map(|j| j.line.unwrap_or_default()))
}

/// Says what happened, on stderr, or as one JSON object a line on stdout.
struct Events {
    json: bool,
    out: Mutex<()>,
    /// The counts last shown, so that only changes are.
    shown: Mutex<Option<[usize; 5]>>,
    /// The status line on a terminal (hidden elsewhere).
    bar: indicatif::ProgressBar,
}

impl Events {
    fn new(json: bool) -> Events {
        let bar = if json {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        Events {
            json,
            out: Mutex::new(()),
            shown: Mutex::new(None),
            bar,
        }
    }

    /// How many jobs are planned, generating, downloading, done and failed
    /// (failed or unknown): the status line on a terminal, a `progress`
    /// event with `--json`; only when the counts changed.
    fn progress(&self, jobs: &[Job]) {
        let mut counts = [0; 5];
        for job in jobs {
            let slot = match job.state {
                State::Planned | State::Submitting => 0,
                State::Submitted => 1,
                State::Final => 2,
                State::Downloaded => 3,
                State::Failed | State::Unknown => 4,
            };
            counts[slot] += 1;
        }
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if *shown == Some(counts) {
            return;
        }
        *shown = Some(counts);
        let [planned, generating, downloading, done, failed] = counts;
        if self.json {
            let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
            let event = json!({"event": "progress", "planned": planned, "generating": generating,
                "downloading": downloading, "done": done, "failed": failed});
            let _ = crate::output::line(&event.to_string());
        } else {
            self.bar.set_message(format!(
                "planned {planned} · generating {generating} · downloading {downloading} · done {done} · failed {failed}"
            ));
            self.bar.tick();
        }
    }

    fn emit(&self, event: &str, job: &Job, extra: Value) {
        let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if self.json {
            let mut object = json!({
                "event": event,
                "line": job.line,
                "job": job.id,
                "provider": job.provider,
                "account": job.account,
                "video_id": job.video_id,
            });
            if let (Value::Object(into), Value::Object(more)) = (&mut object, extra) {
                into.extend(more);
            }
            let _ = crate::output::line(&object.to_string());
        } else {
            let line = job.line.unwrap_or_default();
            let what = match (&job.video_id, extra.as_object()) {
                (_, Some(m)) if m.contains_key("error") => {
                    m["error"].as_str().unwrap_or_default().to_owned()
                }
                (_, Some(m)) if m.contains_key("path") => {
                    m["path"].as_str().unwrap_or_default().to_owned()
                }
                (Some(id), _) => id.clone(),
                _ => String::new(),
            };
            let text = format!("line {line}: {event} {} {what}", job.provider);
            if self.bar.is_hidden() {
                eprintln!("{text}");
            } else {
                self.bar.println(text);
            }
        }
    }
}

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

/// A provider's free capacity from one `scheduler/available` read: the
/// sum of `available` over its accounts, and each account's own.
#[derive(Debug, Default)]
struct Capacity {
    total: i64,
    accounts: HashMap<String, i64>,
}

impl Capacity {
    /// The free slots left for a job on `account` (`None`: any account).
    fn slots(&mut self, account: Option<&str>) -> &mut i64 {
        match account {
            None => &mut self.total,
            // An account the scheduler does not list: one at a time (its
            // create says what is wrong with it).
            Some(a) => self.accounts.entry(a.to_owned()).or_insert(1),
        }
    }
}

fn free_slots(useapi: Option<&UseApi>, provider: Provider) -> vidapi::Result<Capacity> {
    let listed: Vec<(Option<String>, i64)> = match (useapi, provider) {
        (Some(useapi), Provider::MiniMax) => {
            let a = useapi.minimax().scheduler_available()?.available;
            a.unwrap_or_default()
                .iter()
                .map(|a| {
                    (
                        a.account
                            .as_ref()
                            .and_then(|t| t.non_empty())
                            .map(str::to_owned),
                        a.free().unwrap_or(0),
                    )
                })
                .collect()
        }
        (Some(useapi), Provider::PixVerse) => {
            let a = useapi.pixverse().scheduler_available()?.available;
            a.unwrap_or_default()
                .iter()
                .map(|a| {
                    (
                        a.email
                            .as_ref()
                            .and_then(|t| t.non_empty())
                            .map(str::to_owned),
                        a.free().unwrap_or(0),
                    )
                })
                .collect()
        }
        _ => {
            return Ok(Capacity {
                total: HOURONE_SLOTS,
                ..Capacity::default()
            });
        }
    };
    if listed.is_empty() {
        // No account listed: useapi.net places the job itself; one at a time.
        return Ok(Capacity {
            total: 1,
            ..Capacity::default()
        });
    }
    let mut capacity = Capacity::default();
    for (account, free) in listed {
        capacity.total += free.max(0);
        if let Some(account) = account {
            capacity.accounts.insert(account, free.max(0));
        }
    }
    Ok(capacity)
}

/// A finished video to fetch.
struct Fetch {
    job: Job,
    path: PathBuf,
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

/// Submits as capacity frees, looks up submitted jobs, and queues finished
/// ones for download, until every job of the batch is settled or Ctrl-C.
#[allow(clippy::too_many_arguments, reason = "the pipeline's shared parts")]
fn pipeline(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    generator: &mut Generator<'_>,
    plans: &HashMap<&str, &Plan>,
    batch: &str,
    out: &Path,
    queue: &Mutex<VecDeque<Fetch>>,
    busy: &AtomicUsize,
    interrupted: &AtomicBool,
    events: &Events,
) -> Result<(), String> {
    let filter = Filter {
        state: None,
        batch: Some(batch.to_owned()),
    };
    let mut queued: HashSet<i64> = HashSet::new();
    // A provider that answered 429 past the short wait is left alone a
    // while, rather than asked again every round.
    let mut cooling: HashMap<Provider, Instant> = HashMap::new();
    // Rounds in which a submitted job's video was not found, by job.
    let mut missing: HashMap<i64, u32> = HashMap::new();
    let err = |e: &dyn std::fmt::Display| e.to_string();
    loop {
        if interrupted.load(Ordering::SeqCst) {
            return Ok(());
        }
        drop(crate::raw::take());
        let jobs = ledger.jobs(&filter).map_err(|e| err(&e))?;
        // Submit as far as free capacity goes: each provider's free slots
        // (one scheduler read each), jobs taken in line order, so a line
        // whose provider is full waits for it (and the lines after it).
        let mut next: Vec<&Job> = jobs.iter().filter(|j| j.state == State::Planned).collect();
        next.sort_by_key(|j| j.line);
        let mut free: HashMap<Provider, Capacity> = HashMap::new();
        for job in next {
            if interrupted.load(Ordering::SeqCst) {
                return Ok(());
            }
            let provider = provider_of(job);
            if cooling
                .get(&provider)
                .is_some_and(|until| Instant::now() < *until)
            {
                break;
            }
            let capacity = match free.get_mut(&provider) {
                Some(capacity) => capacity,
                None => {
                    let read =
                        free_slots(accounts.useapi.as_ref(), provider).map_err(|e| err(&e))?;
                    free.entry(provider).or_insert(read)
                }
            };
            // A line that names its account waits for that account.
            let slots = capacity.slots(job.account.as_deref());
            if *slots <= 0 {
                break;
            }
            *slots -= 1;
            let Some(job) = ledger.claim_next(batch).map_err(|e| err(&e))? else {
                break;
            };
            let Some(plan) = plans.get(job.key.as_str()) else {
                ledger
                    .failed(job.id, "the line is no longer in the batch file")
                    .map_err(|e| err(&e))?;
                continue;
            };
            if submit_one(ledger, generator, plan, job, events)? == Sent::NoCapacity {
                cooling.insert(provider, Instant::now() + COOL_DOWN);
            }
        }
        // Look up what is being made (one list page per account); queue
        // what is finished.
        let listed = first_pages(accounts, &ledger.jobs(&filter).map_err(|e| err(&e))?);
        let mut waiting = 0;
        let mut freed = false;
        for job in ledger.jobs(&filter).map_err(|e| err(&e))? {
            if interrupted.load(Ordering::SeqCst) {
                return Ok(());
            }
            match job.state {
                State::Planned | State::Submitting => waiting += 1,
                State::Submitted => {
                    waiting += 1;
                    freed |= look_up(
                        accounts,
                        ledger,
                        &listed,
                        &job,
                        out,
                        queue,
                        &mut queued,
                        &mut missing,
                        events,
                    )?;
                }
                State::Final if !queued.contains(&job.id) => {
                    waiting += 1;
                    let Some(path) = file_for(accounts, &job, out) else {
                        continue;
                    };
                    queued.insert(job.id);
                    queue
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push_back(Fetch { job, path });
                }
                State::Final => waiting += 1,
                _ => {}
            }
        }
        events.progress(&ledger.jobs(&filter).map_err(|e| err(&e))?);
        let fetching =
            busy.load(Ordering::SeqCst) + queue.lock().unwrap_or_else(|e| e.into_inner()).len();
        if waiting == 0 && fetching == 0 {
            return Ok(());
        }
        // A slot that just freed is refilled now, not a round later.
        if !freed {
            std::thread::sleep(ROUND);
        }
    }
}

/// What became of a claimed job.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    /// Its answer is recorded.
    Done,
    /// 429 past the short wait: planned again.
    NoCapacity,
}

/// Creates one claimed job (its intent already committed) and records the
/// answer.
fn submit_one(
    ledger: &dyn Ledger,
    generator: &mut Generator<'_>,
    plan: &Plan,
    job: Job,
    events: &Events,
) -> Result<Sent, String> {
    let err = |e: crate::ledger::LedgerError| e.to_string();
    match generator.submit(plan) {
        Ok(Submitted::Created(made))
            if made.reconciled && owner(ledger, &made.id, job.id).map_err(err)?.is_some() =>
        {
            // Found by prompt after an ambiguous answer, but it is an
            // identical line's video: this one's fate cannot be told.
            let why = format!(
                "the create ended ambiguously and the video found for it ({}) belongs to another \
                 line with the same prompt; whether this line was created cannot be decided",
                made.id
            );
            let job = ledger.unknown(job.id, &why).map_err(err)?;
            events.emit("unknown", &job, json!({"error": why}));
        }
        Ok(Submitted::Created(made)) => {
            let account = made
                .account
                .clone()
                .or_else(|| account_of(plan.provider(), &made.id))
                .unwrap_or_default();
            let job = ledger.submitted(job.id, &account, &made.id).map_err(err)?;
            let how = if made.reconciled {
                "found by reconciliation after an ambiguous answer, not sent again"
            } else {
                "created"
            };
            events.emit("submitted", &job, json!({"how": how}));
        }
        Ok(Submitted::Moderated { message, .. }) => {
            let why = format!("moderated: {message}");
            let job = ledger.failed(job.id, &why).map_err(err)?;
            events.emit("failed", &job, json!({"error": why}));
        }
        Ok(Submitted::Unknown { evidence, .. }) => {
            let why = evidence.join("; ");
            let job = ledger.unknown(job.id, &why).map_err(err)?;
            events.emit("unknown", &job, json!({"error": why}));
        }
        Err(e) if e.create_refusal() == Some(CreateRefusal::NoCapacity) => {
            // 429 past the short wait: nothing was made; a later round
            // sends it when capacity frees.
            let job = ledger.reconciled_absent(job.id).map_err(err)?;
            events.emit("no capacity", &job, json!({"error": "429: planned again"}));
            return Ok(Sent::NoCapacity);
        }
        Err(e) if e.create_refusal().is_some() => {
            // Refused (out of credits, on hold): nothing was made.
            let job = ledger.failed(job.id, &e.to_string()).map_err(err)?;
            events.emit("failed", &job, json!({"error": e.to_string()}));
        }
        Err(e) => {
            // Nothing sent, or refused before it was made (no connection,
            // 400, 401): back to planned for the next run, and stop.
            ledger.reconciled_absent(job.id).map_err(err)?;
            return Err(format!("line {}: {e}", job.line.unwrap_or_default()));
        }
    }
    Ok(Sent::Done)
}

/// Each account's first list page, by the ids its videos are looked up by.
type Pages = HashMap<(Provider, Option<String>), HashMap<String, Video>>;

/// One list page for each (provider, account) with submitted jobs, where
/// the provider lists with states (MiniMax, PixVerse): one request per
/// account per round rather than one per job. A page that cannot be read
/// is left out (its jobs are looked up one by one).
fn first_pages(accounts: &Accounts, jobs: &[Job]) -> Pages {
    let mut pages = Pages::new();
    let Some(useapi) = accounts.useapi.as_ref() else {
        return pages;
    };
    for job in jobs.iter().filter(|j| j.state == State::Submitted) {
        let provider = provider_of(job);
        let place = (provider, job.account.clone());
        if pages.contains_key(&place) || provider == Provider::HourOne {
            continue;
        }
        let account = job.account.as_deref();
        let page: Vec<(Vec<String>, ProviderVideo)> = match provider {
            Provider::MiniMax => {
                let query = minimax::VideosQuery {
                    account: account.map(str::to_owned),
                    limit: Some(minimax::DEFAULT_PAGE_SIZE),
                    ..Default::default()
                };
                match useapi.minimax().videos_page(&query) {
                    Ok(videos) => videos
                        .into_iter()
                        .map(|v| {
                            let ids = [v.lookup_id(), v.id()]
                                .into_iter()
                                .flatten()
                                .map(str::to_owned)
                                .collect();
                            (ids, ProviderVideo::MiniMax(v))
                        })
                        .collect(),
                    Err(_) => continue,
                }
            }
            _ => match useapi.pixverse().videos(account, None, None) {
                Ok(page) => page
                    .data
                    .unwrap_or_default()
                    .into_iter()
                    .map(|v| {
                        let ids = v.id().map(str::to_owned).into_iter().collect();
                        (ids, ProviderVideo::PixVerse(v))
                    })
                    .collect(),
                Err(_) => continue,
            },
        };
        let mut by_id = HashMap::new();
        for (ids, video) in page {
            let video = Video::from(video);
            for id in ids {
                by_id.insert(id, video.clone());
            }
        }
        pages.insert(place, by_id);
    }
    pages
}

/// Where a finished video's file goes: `NNNN-<name>` in the out folder,
/// by its line and the provider's file name.
fn file_name(job: &Job, url: &str) -> String {
    let id = job.video_id.as_deref().unwrap_or("video");
    let short = split_video_id(provider_of(job), id).map_or(id, |(_, own)| own);
    format!(
        "{:04}-{}",
        job.line.unwrap_or_default(),
        default_file_name(short, url)
    )
}

/// The path for a `final` job, from a fresh lookup (its media URL's type).
fn file_for(accounts: &Accounts, job: &Job, out: &Path) -> Option<PathBuf> {
    let provider = provider_of(job);
    let id = job.video_id.as_deref()?;
    let scope = scope_of(provider, job.account.as_deref());
    let video = accounts.find_in(provider, id, &scope).ok()??;
    Some(out.join(file_name(job, video.file_url.as_deref().unwrap_or(""))))
}

/// A submitted job's state, from its account's first page when it is
/// there, else from one lookup; a finished one is queued for download.
#[allow(clippy::too_many_arguments, reason = "the pipeline's shared parts")]
fn look_up(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    listed: &Pages,
    job: &Job,
    out: &Path,
    queue: &Mutex<VecDeque<Fetch>>,
    queued: &mut HashSet<i64>,
    missing: &mut HashMap<i64, u32>,
    events: &Events,
) -> Result<bool, String> {
    let provider = provider_of(job);
    let Some(id) = job.video_id.as_deref() else {
        return Ok(false);
    };
    let video = match listed
        .get(&(provider, job.account.clone()))
        .and_then(|page| page.get(id))
    {
        Some(video) => video.clone(),
        // Not on the account's first page: one lookup.
        None => match accounts.find_in(provider, id, &scope_of(provider, job.account.as_deref())) {
            Ok(Some(video)) => video,
            Ok(None) => {
                // Gone (MiniMax removes moderated videos): after a while
                // the job ends failed rather than being waited for forever.
                let rounds = missing.entry(job.id).or_default();
                *rounds += 1;
                if *rounds >= MISSING_ROUNDS {
                    let why = "the provider no longer lists or finds the video";
                    let job = ledger.failed(job.id, why).map_err(|e| e.to_string())?;
                    events.emit("failed", &job, json!({"error": why}));
                    return Ok(true);
                }
                return Ok(false);
            }
            // Not readable for now: looked up again next round.
            Err(_) => return Ok(false),
        },
    };
    missing.remove(&job.id);
    if !video.is_final {
        return Ok(false);
    }
    let err = |e: crate::ledger::LedgerError| e.to_string();
    if video.stage.is_failed() || video.file_url.is_none() {
        let why = format!(
            "the video ended {}",
            video
                .status
                .clone()
                .unwrap_or_else(|| video.stage.to_string())
        );
        let job = ledger.failed(job.id, &why).map_err(err)?;
        events.emit("failed", &job, json!({"error": why}));
        return Ok(true);
    }
    let job = ledger.finished(job.id).map_err(err)?;
    events.emit("finished", &job, json!({}));
    let path = out.join(file_name(&job, video.file_url.as_deref().unwrap_or("")));
    queued.insert(job.id);
    queue
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push_back(Fetch { job, path });
    Ok(true)
}

/// Fetches queued files until the pipeline is done (or Ctrl-C).
fn download_worker(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    queue: &Mutex<VecDeque<Fetch>>,
    busy: &AtomicUsize,
    done: &AtomicBool,
    interrupted: &AtomicBool,
    events: &Events,
) {
    loop {
        if interrupted.load(Ordering::SeqCst) {
            return;
        }
        let next = {
            let mut queue = queue.lock().unwrap_or_else(|e| e.into_inner());
            let next = queue.pop_front();
            if next.is_some() {
                busy.fetch_add(1, Ordering::SeqCst);
            }
            next
        };
        let Some(fetch) = next else {
            if done.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let outcome = fetch_one(accounts, ledger, &fetch);
        match outcome {
            Ok(job) => events.emit(
                "downloaded",
                &job,
                json!({"path": job.path, "size": job.size, "sha256": job.sha256}),
            ),
            Err(e) => {
                // Kept `final`: the next run fetches it again.
                let _ = ledger.note_error(fetch.job.id, &e);
                events.emit("download failed", &fetch.job, json!({"error": e}));
            }
        }
        busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Fetches one file (unless a killed run already renamed it into place:
/// files appear under their name only whole) and records it.
fn fetch_one(accounts: &Accounts, ledger: &dyn Ledger, fetch: &Fetch) -> Result<Job, String> {
    let job = &fetch.job;
    let provider = provider_of(job);
    let mut digest = None;
    if !fetch.path.is_file() {
        let id = job.video_id.as_deref().unwrap_or_default();
        // Hashed as it is written, not read back.
        let options = Options {
            sha256: true,
            ..Options::default()
        };
        let done = accounts
            .download(provider, id, Some(&fetch.path), &options, |_| {})
            .map_err(|e| format!("{} {id}: {e}", provider.slug()))?;
        digest = done.sha256.map(|sha| (done.bytes, sha));
    }
    let (size, sha256) = match digest {
        Some(digest) => digest,
        None => crate::ledger::file_digest(&fetch.path)
            .map_err(|e| format!("cannot read {}: {e}", fetch.path.display()))?,
    };
    let file = FileRecord {
        path: fetch.path.display().to_string(),
        size,
        sha256,
    };
    ledger.downloaded(job.id, file).map_err(|e| e.to_string())
}

const COLUMNS: &[Col] = &[
    Col::id("line"),
    Col::keep("state", 0),
    Col::keep("provider", 0),
    Col::keep("account", 1),
    Col::keep("video", 1),
    Col::keep("file / last error", 2),
];

/// The table of the batch's jobs and their totals (`--json`: one
/// `summary` event).
fn summary(jobs: &[Job], json_out: bool) -> Result<(), Failure> {
    let mut counts: Vec<(State, usize)> = Vec::new();
    for state in State::ALL {
        let n = jobs.iter().filter(|j| j.state == state).count();
        if n > 0 {
            counts.push((state, n));
        }
    }
    if json_out {
        let by_state: Map<String, Value> = counts
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), json!(n)))
            .collect();
        let out = json!({"event": "summary", "jobs": jobs.len(), "states": by_state});
        crate::output::line(&out.to_string())?;
        return Ok(());
    }
    let rows = jobs
        .iter()
        .map(|j| {
            vec![
                j.line.map(|l| l.to_string()).unwrap_or_default(),
                j.state.to_string(),
                j.provider.clone(),
                j.account.clone().unwrap_or_default(),
                j.video_id.clone().unwrap_or_default(),
                j.path
                    .clone()
                    .or_else(|| j.last_error.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Rows::new(COLUMNS).print_all(rows)?;
    let totals: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    crate::output::line(&format!("{} jobs: {}", jobs.len(), totals.join(", ")))?;
    Ok(())
}

/// `--dry-run`: each line's request and where it stands; nothing sent,
/// nothing written.
fn show_plan(
    lines: &[Line],
    batch: &str,
    args: &BatchArgs,
    out: &Path,
    json_out: bool,
) -> Result<(), Failure> {
    let ledger_path = args.ledger.clone().unwrap_or_else(|| default_ledger(out));
    // An existing ledger says where each line stands; none is created.
    let ledger = if ledger_path.is_file() {
        Some(SqliteLedger::open(&ledger_path)?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for line in lines {
        let plan = &line.plan;
        let state = match &ledger {
            Some(ledger) => ledger
                .by_key(plan.key())?
                .map_or("new", |j| j.state.as_str())
                .to_owned(),
            None => "new".to_owned(),
        };
        let account = plan
            .account()
            .unwrap_or("chosen when sent (most free capacity)")
            .to_owned();
        let body = Value::Object(plan.body(plan.account(), None));
        if json_out {
            let shown = json!({
                "dry_run": true,
                "line": line.number,
                "provider": plan.provider().slug(),
                "key": plan.key(),
                "ledger": state,
                "account": plan.account(),
                "image": plan.image().map(|i| i.path.display().to_string()),
                "body": body,
            });
            crate::output::line(&shown.to_string())?;
        } else {
            rows.push(vec![
                line.number.to_string(),
                state,
                plan.provider().slug().to_owned(),
                account,
                body.to_string(),
            ]);
        }
    }
    if !json_out {
        crate::output::line(&format!(
            "dry run: nothing sent; batch {batch}, {} jobs",
            lines.len()
        ))?;
        const PLAN: &[Col] = &[
            Col::id("line"),
            Col::keep("ledger", 0),
            Col::keep("provider", 0),
            Col::keep("account", 1),
            Col::keep("request", 2),
        ];
        Rows::new(PLAN).print_all(rows)?;
    }
    Ok(())
}
