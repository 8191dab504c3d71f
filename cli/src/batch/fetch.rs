//! Finished videos to disk: looking up a submitted job missing from the
//! list pages, the download workers, and each file recorded in the ledger
//! with its size and SHA-256.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use vidapi::accounts::Accounts;
use vidapi::download::{Options, default_file_name};
use vidapi::useapi::split_video_id;

use super::pipeline::Pages;
use super::report::Events;
use super::{MISSING_ROUNDS, provider_of, scope_of};
use crate::ledger::{FileRecord, Job, Ledger};

/// A finished video to fetch.
pub(super) struct Fetch {
    pub(super) job: Job,
    pub(super) path: PathBuf,
}

/// Where a finished video's file goes: `NNNN-<name>` in the out folder,
/// by its line and the provider's file name.
pub(super) fn file_name(job: &Job, url: &str) -> String {
    let id = job.video_id.as_deref().unwrap_or("video");
    let short = split_video_id(provider_of(job), id).map_or(id, |(_, own)| own);
    format!(
        "{:04}-{}",
        job.line.unwrap_or_default(),
        default_file_name(short, url)
    )
}

/// The path for a `final` job, from a fresh lookup (its media URL's type).
pub(super) fn file_for(accounts: &Accounts, job: &Job, out: &Path) -> Option<PathBuf> {
    let provider = provider_of(job);
    let id = job.video_id.as_deref()?;
    let scope = scope_of(provider, job.account.as_deref());
    let video = accounts.find_in(provider, id, &scope).ok()??;
    Some(out.join(file_name(job, video.file_url.as_deref().unwrap_or(""))))
}

/// A submitted job's state, from its account's first page when it is
/// there, else from one lookup; a finished one is queued for download.
#[allow(clippy::too_many_arguments, reason = "the pipeline's shared parts")]
pub(super) fn look_up(
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
pub(super) fn download_worker(
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
pub(super) fn fetch_one(
    accounts: &Accounts,
    ledger: &dyn Ledger,
    fetch: &Fetch,
) -> Result<Job, String> {
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
