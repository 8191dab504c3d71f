//! The pipeline: submits as capacity frees, polls submitted jobs (one list
//! page per account per round) and queues finished videos for download.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::json;
use vidapi::accounts::Accounts;
use vidapi::generate::{Generator, Plan, Submitted};
use vidapi::view::{ProviderVideo, Video};
use vidapi::{CreateRefusal, Provider, minimax};

use super::capacity::{Capacity, free_slots};
use super::fetch::{Fetch, file_for, look_up};
use super::reconcile::owner;
use super::report::Events;
use super::{COOL_DOWN, ROUND, account_of, provider_of};
use crate::ledger::{Filter, Job, Ledger, State};

/// Submits as capacity frees, looks up submitted jobs, and queues finished
/// ones for download, until every job of the batch is settled or Ctrl-C.
#[allow(clippy::too_many_arguments, reason = "the pipeline's shared parts")]
pub(super) fn pipeline(
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
pub(super) enum Sent {
    /// Its answer is recorded.
    Done,
    /// 429 past the short wait: planned again.
    NoCapacity,
}

/// Creates one claimed job (its intent already committed) and records the
/// answer.
pub(super) fn submit_one(
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
pub(super) type Pages = HashMap<(Provider, Option<String>), HashMap<String, Video>>;

/// One list page for each (provider, account) with submitted jobs, where
/// the provider lists with states (MiniMax, PixVerse): one request per
/// account per round rather than one per job. A page that cannot be read
/// is left out (its jobs are looked up one by one).
pub(super) fn first_pages(accounts: &Accounts, jobs: &[Job]) -> Pages {
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
