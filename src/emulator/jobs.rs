//! Videos the emulator makes: MiniMax's and PixVerse's create endpoints,
//! the accounts they spend (capacity, credits, hold), the life of each job
//! (queued → generating → completed, failed or moderated, on a clock), the
//! faults that matter for money (an error or a cut connection *after* the
//! job was accepted), and the counts that let a test prove that nothing
//! was created twice.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::http::{Answer, media_segment};
use crate::Provider;

/// A prompt holding this is refused at create with 422, as useapi.net
/// answers a moderated prompt.
pub const MARK_REFUSED: &str = "[emulator:422]";
/// A prompt holding this is accepted, then the video ends moderated.
pub const MARK_MODERATED: &str = "[emulator:moderated]";
/// A prompt holding this is accepted, then the video ends failed.
pub const MARK_FAILED: &str = "[emulator:failed]";

/// The MiniMax account the emulator has unless told otherwise
/// ([`Emulator::set_account`](super::Emulator::set_account)).
pub const MINIMAX_ACCOUNT: &str = "account";
/// The PixVerse account the emulator has unless told otherwise.
pub const PIXVERSE_EMAIL: &str = "me@example.com";

/// An emulated useapi.net account: how many videos it makes at once, the
/// credits it has left, and whether it is on hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Videos it makes at once: a create beyond that answers 429.
    pub max_jobs: u32,
    /// Videos it can still pay for (`None`: no limit); at 0 a create
    /// answers 412.
    pub credits: Option<u32>,
    /// On hold: every create answers 596.
    pub on_hold: bool,
}

impl Default for Account {
    /// Three at once, no credit limit, not on hold.
    fn default() -> Account {
        Account {
            max_jobs: 3,
            credits: None,
            on_hold: false,
        }
    }
}

/// What happens to a create the emulator has accepted, instead of the 200
/// ([`Emulator::after_accept`](super::Emulator::after_accept)): the job
/// exists and is counted either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAccept {
    /// Answer this status (502, 504, …) in useapi.net's error shape.
    Status(u16),
    /// Close the connection without answering.
    Cut,
    /// Hold the 200 back this long (past a client's timeout), then send it.
    Stall(Duration),
}

/// How long a created video spends queued and then generating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation {
    /// Time queued after the create.
    pub queued: Duration,
    /// Time generating after that.
    pub generating: Duration,
}

impl Default for Generation {
    /// 100 ms queued, 400 ms generating: fast enough for tests.
    fn default() -> Generation {
        Generation {
            queued: Duration::from_millis(100),
            generating: Duration::from_millis(400),
        }
    }
}

/// One accepted create, as the emulator's counters see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedJob {
    /// Whose create it was.
    pub provider: Provider,
    /// The account that pays for it.
    pub account: String,
    /// The composite id answered (or that would have been).
    pub video_id: String,
    /// The prompt sent.
    pub prompt: String,
    /// The `replyRef` sent, if any.
    pub reply_ref: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Completed,
    Failed,
    Moderated,
}

struct Job {
    created: CreatedJob,
    number: u64,
    at: Instant,
    started: String,
    ending: Ending,
    body: Map<String, Value>,
    /// Cancelled: ended failed at once.
    cancelled: bool,
}

/// Where a job is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Queued,
    Generating,
    Done(Ending),
}

struct State {
    accounts: Vec<(Provider, String, Account)>,
    jobs: Vec<Job>,
    after_accept: VecDeque<AfterAccept>,
    generation: Generation,
    /// Every upload: provider, account (empty when none was named), id.
    uploads: Vec<(Provider, String, String)>,
}

/// The emulator's jobs and accounts.
pub(crate) struct Jobs {
    state: Mutex<State>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs {
            state: Mutex::new(State {
                accounts: vec![
                    (
                        Provider::MiniMax,
                        MINIMAX_ACCOUNT.into(),
                        Account::default(),
                    ),
                    (
                        Provider::PixVerse,
                        PIXVERSE_EMAIL.into(),
                        Account::default(),
                    ),
                ],
                jobs: Vec::new(),
                after_accept: VecDeque::new(),
                generation: Generation::default(),
                uploads: Vec::new(),
            }),
        }
    }
}

fn error(status: u16, message: &str) -> Answer {
    Answer::json(status, &json!({"error": message, "code": status}))
}

impl State {
    fn phase(&self, job: &Job, now: Instant) -> Phase {
        if job.cancelled {
            return Phase::Done(Ending::Failed);
        }
        let age = now.saturating_duration_since(job.at);
        let g = self.generation;
        if age < g.queued {
            Phase::Queued
        } else if age < g.queued + g.generating {
            Phase::Generating
        } else {
            Phase::Done(job.ending)
        }
    }

    fn running(&self, provider: Provider, account: &str, now: Instant) -> usize {
        self.jobs
            .iter()
            .filter(|j| j.created.provider == provider && j.created.account == account)
            .filter(|j| !matches!(self.phase(j, now), Phase::Done(_)))
            .count()
    }
}

impl Jobs {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_account(&self, provider: Provider, name: &str, account: Account) {
        let mut state = self.lock();
        match state
            .accounts
            .iter_mut()
            .find(|(p, n, _)| *p == provider && n == name)
        {
            Some(slot) => slot.2 = account,
            None => state.accounts.push((provider, name.to_owned(), account)),
        }
    }

    pub fn remove_accounts(&self, provider: Provider) {
        self.lock().accounts.retain(|(p, _, _)| *p != provider);
    }

    pub fn account(&self, provider: Provider, name: &str) -> Option<Account> {
        let state = self.lock();
        let found = state
            .accounts
            .iter()
            .find(|(p, n, _)| *p == provider && n == name);
        found.map(|(_, _, a)| a.clone())
    }

    pub fn set_generation(&self, generation: Generation) {
        self.lock().generation = generation;
    }

    pub fn after_accept(&self, times: usize, what: AfterAccept) {
        self.lock()
            .after_accept
            .extend(std::iter::repeat_n(what, times));
    }

    pub fn created(&self) -> Vec<CreatedJob> {
        self.lock().jobs.iter().map(|j| j.created.clone()).collect()
    }

    /// `POST …/videos/create`: the job is checked against its account,
    /// accepted and counted, then answered (or not, after an
    /// [`AfterAccept`]).
    pub fn create(&self, provider: Provider, body: Option<Value>) -> Answer {
        let Some(Value::Object(body)) = body else {
            return error(400, "request body must be a JSON object");
        };
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        let prompt = text("prompt").unwrap_or_default();
        let (account_field, max) = match provider {
            Provider::PixVerse => ("email", 5000),
            _ => ("account", 2000),
        };
        if prompt.chars().count() > max {
            return error(400, &format!("prompt is longer than {max} characters"));
        }
        let image = ["fileID", "first_frame_path", "template_id"]
            .iter()
            .any(|f| body.contains_key(*f));
        if prompt.trim().is_empty() && !image {
            return error(400, "prompt is required");
        }
        let now = Instant::now();
        let mut state = self.lock();
        let named = text(account_field);
        let account = match &named {
            Some(name) => state
                .accounts
                .iter()
                .find(|(p, n, _)| *p == provider && n == name)
                .cloned(),
            // useapi.net picks an account with free capacity.
            None => state
                .accounts
                .iter()
                .filter(|(p, _, a)| *p == provider && !a.on_hold && a.credits != Some(0))
                .find(|(_, n, a)| state.running(provider, n, now) < a.max_jobs as usize)
                .or_else(|| state.accounts.iter().find(|(p, _, _)| *p == provider))
                .cloned(),
        };
        let Some((_, name, settings)) = account else {
            return error(400, &format!("{account_field} is not configured"));
        };
        if settings.on_hold {
            return error(596, "Account on hold");
        }
        if settings.credits == Some(0) {
            return error(412, "Insufficient credits");
        }
        let max_jobs = body
            .get("maxJobs")
            .and_then(Value::as_u64)
            .unwrap_or(settings.max_jobs.into());
        if state.running(provider, &name, now) as u64 >= max_jobs {
            return error(429, "Too many requests: no free capacity, retry later");
        }
        if let Some(file) = text("fileID") {
            let known = state
                .uploads
                .iter()
                .any(|(p, _, id)| *p == Provider::MiniMax && *id == file);
            let theirs = file.contains(&format!("-minimax:{name}-file:"));
            if !known || !theirs {
                return error(
                    400,
                    &format!("fileID {file} is not a file of account {name}"),
                );
            }
        }
        if let Some(path) = text("first_frame_path") {
            let known = state
                .uploads
                .iter()
                .any(|(p, _, id)| *p == Provider::PixVerse && *id == path);
            if !known {
                return error(400, &format!("first_frame_path {path} was not uploaded"));
            }
        }
        if prompt.contains(MARK_REFUSED) {
            return error(422, "Prompt moderated");
        }
        if let Some((_, _, a)) = state
            .accounts
            .iter_mut()
            .find(|(p, n, _)| *p == provider && *n == name)
        {
            a.credits = a.credits.map(|c| c - 1);
        }
        let number = 9_000_000 + state.jobs.len() as u64 + 1;
        let video_id = match provider {
            Provider::PixVerse => format!("user:1-pixverse:{name}-video:{number}"),
            _ => format!("user:1-minimax:{name}-video:{number}"),
        };
        let ending = if prompt.contains(MARK_MODERATED) {
            Ending::Moderated
        } else if prompt.contains(MARK_FAILED) {
            Ending::Failed
        } else {
            Ending::Completed
        };
        state.jobs.push(Job {
            created: CreatedJob {
                provider,
                account: name,
                video_id: video_id.clone(),
                prompt,
                reply_ref: text("replyRef"),
            },
            number,
            at: now,
            started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ending,
            body,
            cancelled: false,
        });
        let ok = || match provider {
            Provider::PixVerse => Answer::json(200, &json!({ "video_id": video_id })),
            _ => Answer::json(200, &json!({ "videoId": video_id })),
        };
        match state.after_accept.pop_front() {
            Some(AfterAccept::Status(status)) => error(status, "Bad gateway"),
            Some(AfterAccept::Cut) => Answer::hangup(),
            Some(AfterAccept::Stall(delay)) => {
                // Not holding the lock: other requests go on meanwhile.
                drop(state);
                std::thread::sleep(delay);
                ok()
            }
            None => ok(),
        }
    }

    /// `POST /v1/minimax/videos/cancel`: a MiniMax job still being made
    /// ends failed; anything else is 404, a finished one 400.
    pub fn cancel(&self, body: Option<Value>) -> Answer {
        let id = body
            .as_ref()
            .and_then(|b| b.get("videoId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(id) = id else {
            return error(400, "videoId is required");
        };
        let now = Instant::now();
        let mut state = self.lock();
        let Some(at) = state
            .jobs
            .iter()
            .position(|j| j.created.provider == Provider::MiniMax && j.created.video_id == id)
        else {
            return Answer::json(
                404,
                &json!({"error": format!("Unable to locate running {id}")}),
            );
        };
        if matches!(state.phase(&state.jobs[at], now), Phase::Done(_)) {
            return error(400, &format!("{id} is no longer running"));
        }
        state.jobs[at].cancelled = true;
        Answer::json(200, &json!({}))
    }

    /// `POST …/files/`: a raw image upload; MiniMax's `fileID` names the
    /// account it went to, PixVerse's `path` serves every account.
    pub fn upload(
        &self,
        provider: Provider,
        account: Option<&str>,
        content_type: Option<&str>,
        size: usize,
        base: &str,
    ) -> Answer {
        let allowed: &[&str] = match provider {
            Provider::MiniMax => &["image/png", "image/jpeg"],
            _ => &["image/png", "image/jpeg", "image/gif", "image/webp"],
        };
        let Some(content_type) = content_type.filter(|c| allowed.contains(c)) else {
            return error(
                400,
                &format!("Content-Type must be one of {}", allowed.join(", ")),
            );
        };
        if size == 0 {
            return error(400, "the body holds no file");
        }
        let mut state = self.lock();
        let mine: Vec<&String> = state
            .accounts
            .iter()
            .filter(|(p, _, _)| *p == provider)
            .map(|(_, n, _)| n)
            .collect();
        let account = match account {
            Some(a) if mine.iter().any(|n| *n == a) => a.to_owned(),
            Some(a) => return error(400, &format!("account {a} is not configured")),
            None if provider == Provider::MiniMax && mine.len() > 1 => {
                return error(
                    400,
                    "account is required when several accounts are configured",
                );
            }
            None => mine.first().map(|n| n.to_string()).unwrap_or_default(),
        };
        let number = state.uploads.len() + 1;
        let extension = content_type.trim_start_matches("image/");
        let url = format!("{base}/media/uploads/{number}.{extension}");
        let (id, answer) = match provider {
            Provider::MiniMax => {
                let id = format!("user:1-minimax:{account}-file:{number}");
                let answer = json!({"ossPath": url, "fileID": id});
                (id, answer)
            }
            _ => {
                let path = format!("upload/{number}.{extension}");
                let answer = json!({"result": [{
                    "id": number, "url": url, "path": path, "size": size,
                    "name": format!("{number}.{extension}"), "category": 0, "err_msg": ""
                }]});
                (path, answer)
            }
        };
        state.uploads.push((provider, account, id));
        Answer::json(200, &answer)
    }

    /// How many uploads of `provider` went to `account`.
    pub fn uploads_on(&self, provider: Provider, account: &str) -> usize {
        let state = self.lock();
        let on = state
            .uploads
            .iter()
            .filter(|(p, a, _)| *p == provider && a == account);
        on.count()
    }

    /// `GET …/scheduler/available`: the running jobs with their
    /// `replyRef`, and each account's capacity.
    pub fn scheduler(&self, provider: Provider) -> Answer {
        let now = Instant::now();
        let state = self.lock();
        let (id_field, account_field) = match provider {
            Provider::PixVerse => ("video_id", "email"),
            _ => ("videoId", "account"),
        };
        let executing: Vec<Value> = state
            .jobs
            .iter()
            .filter(|j| j.created.provider == provider)
            .filter(|j| !matches!(state.phase(j, now), Phase::Done(_)))
            .map(|j| {
                let secs = now.saturating_duration_since(j.at).as_secs();
                let mut job = json!({
                    id_field: j.created.video_id,
                    "started": j.started,
                    "elapsed": format!("{:02}:{:02}", secs / 60, secs % 60),
                });
                if let Some(r) = &j.created.reply_ref {
                    job["replyRef"] = json!(r);
                }
                if let Some(u) = j.body.get("replyUrl") {
                    job["replyUrl"] = u.clone();
                }
                job
            })
            .collect();
        let available: Vec<Value> = state
            .accounts
            .iter()
            .filter(|(p, _, _)| *p == provider)
            .map(|(_, name, a)| {
                let running = state.running(provider, name, now);
                json!({
                    account_field: name,
                    "maxJobs": a.max_jobs,
                    "executing": running,
                    "available": (a.max_jobs as usize).saturating_sub(running),
                })
            })
            .collect();
        Answer::json(
            200,
            &json!({"executing": executing, "available": available}),
        )
    }

    /// The MiniMax videos created on `account` (every account when
    /// `None`), newest first, as the list and the lookup show them.
    pub fn minimax_videos(&self, account: Option<&str>, base: &str) -> Vec<Value> {
        let now = Instant::now();
        let state = self.lock();
        let mut videos: Vec<Value> = state
            .jobs
            .iter()
            .filter(|j| j.created.provider == Provider::MiniMax)
            .filter(|j| account.is_none_or(|a| a == j.created.account))
            .map(|j| minimax_video(j, state.phase(j, now), base))
            .collect();
        videos.reverse();
        videos
    }

    /// The created MiniMax video with this composite `videoId`, if any.
    pub fn minimax_video(&self, video_id: &str, base: &str) -> Option<Value> {
        let now = Instant::now();
        let state = self.lock();
        let job = state
            .jobs
            .iter()
            .find(|j| j.created.provider == Provider::MiniMax && j.created.video_id == video_id)?;
        Some(minimax_video(job, state.phase(job, now), base))
    }

    /// The created PixVerse videos of `email`, newest first, as listed.
    pub fn pixverse_videos(&self, email: &str, base: &str) -> Vec<Value> {
        let now = Instant::now();
        let state = self.lock();
        let mut videos: Vec<Value> = state
            .jobs
            .iter()
            .filter(|j| j.created.provider == Provider::PixVerse && j.created.account == email)
            .map(|j| pixverse_video(j, state.phase(j, now), base))
            .collect();
        videos.reverse();
        videos
    }

    /// The created PixVerse video with this `video_id`: `Some(None)` while
    /// it is queued or generating (the lookup answers 404 then), `None`
    /// when it is not one of them.
    pub fn pixverse_video(&self, video_id: &str, base: &str) -> Option<Option<Value>> {
        let now = Instant::now();
        let state = self.lock();
        let job = state
            .jobs
            .iter()
            .find(|j| j.created.provider == Provider::PixVerse && j.created.video_id == video_id)?;
        let phase = state.phase(job, now);
        Some(matches!(phase, Phase::Done(_)).then(|| pixverse_video(job, phase, base)))
    }
}

fn minimax_video(job: &Job, phase: Phase, base: &str) -> Value {
    let (status, label) = match phase {
        Phase::Queued => (11, "queued"),
        Phase::Generating => (12, "processing"),
        Phase::Done(Ending::Completed) => (2, "completed"),
        Phase::Done(Ending::Failed) => (3, "failed"),
        Phase::Done(Ending::Moderated) => (5, "moderated"),
    };
    let id = format!("video_id_{}", job.number);
    let mut video = json!({
        "id": id,
        "videoId": job.created.video_id,
        "desc": job.created.prompt,
        "status": status,
        "statusLabel": label,
        "statusFinal": matches!(phase, Phase::Done(_)),
        "message": "",
        "canRetry": false,
        "width": 1280,
        "height": 720,
    });
    if phase == Phase::Done(Ending::Completed) {
        let name = media_segment(&id);
        video["coverURL"] = json!(format!("{base}/media/minimax/{name}.jpg"));
        video["videoURL"] = json!(format!("{base}/media/minimax/{name}.mp4"));
        video["downloadURL"] = json!(format!("{base}/media/minimax/{name}.mp4"));
    }
    video
}

fn pixverse_video(job: &Job, phase: Phase, base: &str) -> Value {
    let (status, name) = match phase {
        Phase::Queued => (5, "QUEUED"),
        Phase::Generating => (10, "GENERATING"),
        Phase::Done(Ending::Completed) => (1, "COMPLETED"),
        Phase::Done(Ending::Failed) => (8, "FAILED"),
        Phase::Done(Ending::Moderated) => (7, "MODERATED"),
    };
    let field = |n: &str| job.body.get(n).cloned().unwrap_or(Value::Null);
    let mut video = json!({
        "video_id": job.created.video_id,
        "video_status": status,
        "video_status_name": name,
        "video_status_final": matches!(phase, Phase::Done(_)),
        "created_at": job.started,
        "prompt": job.created.prompt,
        "model": field("model"),
        "quality": field("quality"),
        "duration": field("duration"),
    });
    if phase == Phase::Done(Ending::Completed) {
        let name = media_segment(&job.number.to_string());
        video["url"] = json!(format!("{base}/media/pixverse/{name}.mp4"));
    }
    video
}
