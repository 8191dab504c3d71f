//! `vidapi sync DIR/`: every finished video of every configured account,
//! mirrored to `DIR/<provider>/<account>/<id>.<ext>` with the provider's
//! own JSON of it beside it (`<id>.json`), incrementally.
//!
//! What is on disk is recorded in the job ledger (`DIR/.vidapi/ledger.sqlite`
//! unless `--ledger` names another): each video is a job, written `final`
//! before its file is fetched and `downloaded` (with the file's size and
//! SHA-256) once the file is in place. A rerun fetches only what is not
//! `downloaded`, and a `downloaded` file whose size no longer matches is
//! fetched again. A file is only ever renamed into place whole (the
//! library's `.part` downloads), so a run killed at any moment (Ctrl-C,
//! SIGKILL) leaves every file whole or absent and the ledger consistent; a
//! file that landed just before a kill, ahead of its ledger row, is
//! adopted by the next run (hashed, no media request), and a `.part` left
//! behind is resumed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, mpsc};

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use serde::Serialize;
use serde::de::DeserializeOwned;
use vidapi::accounts::{Accounts, Scope};
use vidapi::download::{Options, default_file_name};
use vidapi::useapi::split_video_id;
use vidapi::view::Stage;
use vidapi::view::Video;
use vidapi::{Provider, hourone, minimax, pixverse};

use crate::Failure;
use crate::args::ProviderArg;
use crate::jobs::default_ledger;
use crate::ledger::{
    Change, FileRecord, FoundVideo, Job, Ledger, SqliteLedger, State, file_digest,
};
use crate::output::{Col, Rows, count, json};
use crate::raw;

/// `vidapi sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The folder to mirror into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Only this provider's videos
    ///
    /// Default: every configured provider whose answers carry media URLs
    /// (minimax, pixverse, hourone).
    #[arg(long, value_name = "P")]
    pub provider: Option<ProviderArg>,
    /// Only videos created on or after DATE (YYYY-MM-DD or RFC 3339)
    ///
    /// A bare date is midnight UTC. Videos whose provider gives no creation
    /// time are kept.
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<DateTime<Utc>>,
    /// The ledger file (default: DIR/.vidapi/ledger.sqlite).
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Another MiniMax account to mirror besides the default one
    /// (repeatable).
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
    /// Another PixVerse account email to mirror besides the default one
    /// (repeatable).
    #[arg(long = "email", value_name = "ADDR")]
    pub emails: Vec<String>,
    /// How many files are fetched at once
    ///
    /// Each file waits on the media host's latency before its first byte;
    /// 16 at once keep a 2-core machine busy with 20 ms of it.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "not a date: give YYYY-MM-DD or an RFC 3339 time".to_owned())
}

/// What one provider account's mirror did this run.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub provider: String,
    pub account: String,
    /// Files fetched (or found in place ahead of the ledger) this run.
    pub new: u64,
    /// Files already there, as the ledger recorded them.
    pub already: u64,
    /// Files that could not be fetched this run (kept for the next).
    pub failed: u64,
}

/// What `vidapi sync --json` prints.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub new: u64,
    pub already: u64,
    pub failed: u64,
    pub accounts: Vec<Tally>,
    /// One line per failure: a provider that could not be listed, or a
    /// file that could not be fetched.
    pub errors: Vec<String>,
}

/// One file to fetch.
struct Task {
    job: Job,
    video: Video,
    /// The id to look the video up by, for a fresh media URL.
    lookup: String,
    path: PathBuf,
    meta_path: PathBuf,
    meta: Option<Box<serde_json::value::RawValue>>,
    tally: usize,
}

/// A name safe as one folder: letters, digits, `-`, `_`, `.`, `@`, the rest
/// `_`, no leading dot; `default` when nothing is left.
fn folder_name(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "default".to_owned()
    } else {
        safe.chars().take(120).collect()
    }
}

/// One listed video as the provider sent it.
struct Sent {
    /// The item, byte for byte.
    raw: Box<serde_json::value::RawValue>,
    /// The id that looks the video up in one request and names its
    /// account, when the item has one besides its id (MiniMax `videoId`).
    lookup: Option<String>,
}

/// The provider's own id of each item of the list bodies kept since the
/// last call, mapped to the item as sent.
fn items_as_sent(provider: Provider) -> HashMap<String, Sent> {
    fn ids<T: DeserializeOwned>(
        raw: &str,
        id: impl Fn(&T) -> Option<&str>,
        lookup: impl Fn(&T) -> Option<&str>,
    ) -> Option<(String, Option<String>)> {
        let video = serde_json::from_str::<T>(raw).ok()?;
        Some((id(&video)?.to_owned(), lookup(&video).map(str::to_owned)))
    }
    let mut found = HashMap::new();
    for kept in raw::take() {
        let Ok(items) = raw::items(&kept.type_name, &kept.bytes) else {
            continue;
        };
        for item in items {
            let ids = match provider {
                Provider::MiniMax => ids(item.get(), minimax::Video::id, minimax::Video::lookup_id),
                Provider::PixVerse => ids(item.get(), pixverse::Video::id, |_| None),
                Provider::HourOne => ids(item.get(), hourone::Video::id, |_| None),
                Provider::Memories => None,
            };
            if let Some((id, lookup)) = ids {
                let raw = item.to_owned();
                found.insert(id, Sent { raw, lookup });
            }
        }
    }
    found
}

/// Writes the provider's JSON of the video beside its file, whole or not
/// at all.
fn write_meta(task: &Task) -> std::io::Result<()> {
    let Some(meta) = &task.meta else {
        return Ok(());
    };
    let mut bytes = meta.get().as_bytes().to_vec();
    bytes.push(b'\n');
    vidapi::fsio::write_atomic(&task.meta_path, &bytes)
}

/// Records a file in place: fetched now, with the size and SHA-256 the
/// download computed as it wrote it, or found ahead of its ledger row
/// (`None`: read back and hashed).
fn record(ledger: &dyn Ledger, task: &Task, digest: Option<(u64, String)>) -> Result<(), String> {
    let (size, sha256) = match digest {
        Some(digest) => digest,
        None => file_digest(&task.path)
            .map_err(|e| format!("cannot read {}: {e}", task.path.display()))?,
    };
    write_meta(task).map_err(|e| format!("cannot write {}: {e}", task.meta_path.display()))?;
    let file = FileRecord {
        path: task.path.display().to_string(),
        size,
        sha256,
    };
    ledger
        .downloaded(task.job.id, file)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Runs `vidapi sync`.
pub fn run(args: SyncArgs, as_json: bool) -> Result<(), Failure> {
    for (flag, values) in [("--account", &args.accounts), ("--email", &args.emails)] {
        if values.iter().any(|v| v.trim().is_empty()) {
            return Err(Failure::Usage(format!("{flag} must not be empty")));
        }
    }
    if args.dir.exists() && !args.dir.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a folder",
            args.dir.display()
        )));
    }
    let providers: Vec<Provider> = match args.provider {
        Some(p) if Provider::from(p) == Provider::Memories => {
            return Err(Failure::Usage(
                "memories.ai's answers carry no media URL: there is nothing to sync".into(),
            ));
        }
        Some(p) => vec![p.into()],
        None => Vec::new(),
    };
    let accounts = match providers.first() {
        Some(&p) => crate::settings::accounts_for(p)?,
        None => crate::settings::accounts()?,
    };
    let providers: Vec<Provider> = if providers.is_empty() {
        accounts
            .providers()
            .into_iter()
            .filter(|p| *p != Provider::Memories)
            .collect()
    } else {
        providers
    };
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", args.dir.display())))?;
    // Absolute, so the paths in the ledger hold from any folder.
    let mut args = args;
    args.dir = std::fs::canonicalize(&args.dir)
        .map_err(|e| Failure::Usage(format!("cannot resolve {}: {e}", args.dir.display())))?;
    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| default_ledger(&args.dir));
    let ledger = SqliteLedger::open(&ledger_path)?;
    let summary = sync(&accounts, &ledger, &providers, &args)?;
    print(&summary, as_json)?;
    if summary.failed > 0 || !summary.errors.is_empty() {
        return Err(Failure::Reported);
    }
    Ok(())
}

/// The scopes to list for `provider`: its default account, then each
/// account the flags name.
fn scopes(provider: Provider, args: &SyncArgs) -> Vec<Scope> {
    let mut scopes = vec![Scope::default()];
    match provider {
        Provider::MiniMax => scopes.extend(args.accounts.iter().map(|a| Scope {
            minimax_account: Some(a.clone()),
            ..Scope::default()
        })),
        Provider::PixVerse => scopes.extend(args.emails.iter().map(|e| Scope {
            pixverse_email: Some(e.clone()),
            ..Scope::default()
        })),
        _ => {}
    }
    scopes
}

/// Lists, plans and fetches; the summary of it all.
pub fn sync(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    providers: &[Provider],
    args: &SyncArgs,
) -> Result<Summary, Failure> {
    let mut summary = Summary::default();
    let mut tallies: Vec<Tally> = Vec::new();
    let mut tasks = VecDeque::new();
    let mut seen = HashSet::new();
    let mut made = HashSet::new();
    for &provider in providers {
        for scope in scopes(provider, args) {
            let listed = accounts.videos_of_in(provider, &scope);
            let as_sent = items_as_sent(provider);
            let videos = match listed {
                Ok(videos) => videos,
                Err(e) => {
                    summary.errors.push(format!("{}: {e}", provider.slug()));
                    continue;
                }
            };
            let (mut found, mut pending) = (Vec::new(), Vec::new());
            for video in videos {
                if video.stage != Stage::Completed || video.file_url.is_none() {
                    continue;
                }
                if args
                    .since
                    .zip(video.created)
                    .is_some_and(|(since, created)| created < since)
                {
                    continue;
                }
                if !seen.insert((provider, video.id.clone())) {
                    continue;
                }
                let sent = as_sent.get(&video.id);
                let lookup = sent
                    .and_then(|s| s.lookup.clone())
                    .unwrap_or_else(|| video.id.clone());
                let account = split_video_id(provider, &lookup).map_or_else(
                    || {
                        let named = scope.minimax_account.as_deref();
                        named
                            .or(scope.pixverse_email.as_deref())
                            .unwrap_or("default")
                    },
                    |(account, _)| account,
                );
                // The file is named by the video's own id in its account's
                // folder (the account part of a composite id left out).
                let short =
                    split_video_id(provider, &video.id).map_or(video.id.as_str(), |(_, own)| own);
                let (account, short) = (account.to_owned(), short.to_owned());
                let tally = match tallies
                    .iter()
                    .position(|t| t.provider == provider.slug() && t.account == account)
                {
                    Some(i) => i,
                    None => {
                        tallies.push(Tally {
                            provider: provider.slug().to_owned(),
                            account: account.clone(),
                            ..Tally::default()
                        });
                        tallies.len() - 1
                    }
                };
                let folder = args.dir.join(provider.slug()).join(folder_name(&account));
                let name = default_file_name(&short, video.file_url.as_deref().unwrap_or(""));
                let path = folder.join(&name);
                let meta_path = path.with_extension("json");
                found.push(FoundVideo {
                    key: format!("sync:{}:{account}:{}", provider.slug(), video.id),
                    provider: provider.slug().to_owned(),
                    account,
                    video_id: video.id.clone(),
                });
                pending.push((
                    video,
                    lookup,
                    path,
                    meta_path,
                    sent.map(|s| s.raw.clone()),
                    tally,
                ));
            }
            // One ledger transaction for the whole listing.
            let jobs = ledger.found_all(&found)?;
            for (job, (video, lookup, path, meta_path, meta, tally)) in
                jobs.into_iter().zip(pending)
            {
                let task = Task {
                    job,
                    video,
                    lookup,
                    path,
                    meta_path,
                    meta,
                    tally,
                };
                if let Some(task) = plan(ledger, task, &mut tallies[tally], &mut summary)? {
                    if let Some(folder) = task.path.parent() {
                        if made.insert(folder.to_owned()) {
                            std::fs::create_dir_all(folder).map_err(|e| {
                                Failure::Api(format!("cannot create {}: {e}", folder.display()))
                            })?;
                        }
                    }
                    tasks.push_back(task);
                }
            }
        }
    }
    fetch_all(
        accounts,
        ledger,
        tasks,
        &mut tallies,
        &mut summary,
        args.concurrency,
    );
    summary.new = tallies.iter().map(|t| t.new).sum();
    summary.already = tallies.iter().map(|t| t.already).sum();
    summary.failed = tallies.iter().map(|t| t.failed).sum();
    summary.accounts = tallies;
    Ok(summary)
}

/// Decides, from the ledger and the disk alone, whether `task` needs its
/// file fetched; `None` when it does not.
fn plan(
    ledger: &dyn Ledger,
    mut task: Task,
    tally: &mut Tally,
    summary: &mut Summary,
) -> Result<Option<Task>, Failure> {
    let on_disk = std::fs::metadata(&task.path).ok().filter(|m| m.is_file());
    if task.job.state == State::Downloaded {
        let recorded = task.job.size;
        if on_disk.as_ref().is_some_and(|m| Some(m.len()) == recorded) {
            if !task.meta_path.exists() {
                // Metadata only: no media request.
                let _ = write_meta(&task);
            }
            tally.already += 1;
            return Ok(None);
        }
        // Gone or changed since: fetch it again.
        task.job = ledger.transition(task.job.id, State::Final, Change::default())?;
    }
    if task.job.state != State::Final {
        // A batch's job under the same key is not sync's to touch.
        return Ok(None);
    }
    if on_disk.is_some() {
        // Renamed into place whole just before a kill, ahead of its row.
        match record(ledger, &task, None) {
            Ok(()) => tally.new += 1,
            Err(e) => {
                tally.failed += 1;
                summary.errors.push(e);
            }
        }
        return Ok(None);
    }
    Ok(Some(task))
}

/// What a worker hands the recorder: a task and its file's size and
/// SHA-256, or why it could not be fetched.
type Fetched = (Task, Result<(u64, String), String>);

/// Fetches every task, `concurrency` at a time, while this thread records
/// what they fetched ([`record_all`]): the workers only download.
fn fetch_all(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    tasks: VecDeque<Task>,
    tallies: &mut [Tally],
    summary: &mut Summary,
    concurrency: u16,
) {
    let workers = usize::from(concurrency).min(tasks.len());
    let queue = &Mutex::new(tasks);
    let (done, fetched) = mpsc::channel::<Fetched>();
    let outcomes = std::thread::scope(|threads| {
        for _ in 0..workers {
            let done = done.clone();
            threads.spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some(task) = next else { break };
                    let outcome = fetch(accounts, &task);
                    // The lookup's body was kept by the tap that serves the
                    // listing's metadata; it is not needed.
                    drop(raw::take());
                    if done.send((task, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        record_all(ledger, fetched)
    });
    for (tally, outcome) in outcomes {
        match outcome {
            Ok(()) => tallies[tally].new += 1,
            Err(e) => {
                tallies[tally].failed += 1;
                summary.errors.push(e);
            }
        }
    }
}

/// The most fetched files committed to the ledger in one transaction.
const GROUP: usize = 256;

/// Writes each fetched file's metadata beside it, then moves its job to
/// `downloaded`, committing whatever has arrived since the last commit in
/// one transaction; returns each task's tally and outcome once the workers
/// are done.
///
/// One commit per group, not per file, is safe: a file is in place before
/// its row says so, and a run killed in between leaves a file the next run
/// adopts by hashing it, without a media request.
fn record_all(
    ledger: &dyn Ledger,
    fetched: mpsc::Receiver<Fetched>,
) -> Vec<(usize, Result<(), String>)> {
    let mut outcomes = Vec::new();
    while let Ok(first) = fetched.recv() {
        let mut files = Vec::new();
        let mut tallies = Vec::new();
        for (task, digest) in std::iter::once(first).chain(fetched.try_iter().take(GROUP - 1)) {
            let file = digest.and_then(|(size, sha256)| {
                write_meta(&task)
                    .map_err(|e| format!("cannot write {}: {e}", task.meta_path.display()))?;
                Ok(FileRecord {
                    path: task.path.display().to_string(),
                    size,
                    sha256,
                })
            });
            match file {
                Ok(file) => {
                    files.push((task.job.id, file));
                    tallies.push(task.tally);
                }
                Err(e) => {
                    let _ = ledger.note_error(task.job.id, &e);
                    outcomes.push((task.tally, Err(e)));
                }
            }
        }
        match ledger.downloaded_all(files) {
            Ok(moved) => outcomes.extend(
                tallies
                    .into_iter()
                    .zip(moved)
                    .map(|(tally, m)| (tally, m.map(drop).map_err(|e| e.to_string()))),
            ),
            Err(e) => {
                let e = e.to_string();
                outcomes.extend(tallies.into_iter().map(|tally| (tally, Err(e.clone()))));
            }
        }
    }
    outcomes
}

/// Fetches one file: its size and SHA-256, computed as it was written.
///
/// The video is looked up first (one request where the provider has a
/// lookup), as `vidapi download` does: a listed media URL may have expired
/// since the list was read, a looked-up one is fresh.
fn fetch(accounts: &Accounts, task: &Task) -> Result<(u64, String), String> {
    let provider = task.video.provider;
    // Hashed as written, and out of the page cache once on disk: a mirror
    // of thousands of files neither reads each back nor fills memory.
    let options = Options {
        sha256: true,
        drop_cache: true,
        ..Options::default()
    };
    let done = accounts
        .download(provider, &task.lookup, Some(&task.path), &options, |_| {})
        .map_err(|e| format!("{} {}: {e}", task.video.provider.slug(), task.video.id))?;
    let sha256 = done
        .sha256
        .ok_or_else(|| format!("{}: the download gave no SHA-256", task.path.display()))?;
    Ok((done.bytes, sha256))
}

const COLUMNS: &[Col] = &[
    Col::id("provider"),
    Col::keep("account", 0),
    Col::keep("new", 0),
    Col::keep("already there", 0),
    Col::keep("failed", 0),
];

fn print(summary: &Summary, as_json: bool) -> Result<(), Failure> {
    for error in &summary.errors {
        eprintln!("vidapi: error: {error}");
    }
    if as_json {
        return Ok(json(summary)?);
    }
    let mut rows: Vec<Vec<String>> = summary
        .accounts
        .iter()
        .map(|t| {
            vec![
                t.provider.clone(),
                t.account.clone(),
                t.new.to_string(),
                t.already.to_string(),
                t.failed.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        String::new(),
        summary.new.to_string(),
        summary.already.to_string(),
        summary.failed.to_string(),
    ]);
    Rows::new(COLUMNS).print_all(rows)?;
    if summary.failed > 0 {
        eprintln!(
            "{} not fetched; run the same command again to fetch them",
            count(summary.failed as usize, "file")
        );
    }
    Ok(())
}
