//! Submitting a plan: account choice, one create at a time, and
//! reconciliation before any resend.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};

use super::plan::{Plan, typed};
use crate::error::{CreateRefusal, Error, Provider, Result};
use crate::{HourOne, UseApi, hourone, minimax, pixverse, wire};

/// How long [`Generator::submit`] keeps trying when there is no capacity
/// (429), and how it waits between tries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait when the answer says no `Retry-After`.
    pub initial: Duration,
    /// The longest single wait.
    pub max: Duration,
    /// When to give up, counted from the first create.
    pub deadline: Duration,
}

impl Default for Backoff {
    /// 5 s doubling to 60 s, for at most 15 minutes: useapi.net's own
    /// scripts wait 20–30 s after a 429.
    fn default() -> Backoff {
        Backoff {
            initial: Duration::from_secs(5),
            max: Duration::from_secs(60),
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

impl Backoff {
    /// The wait before try `n` (0-based) after a 429: `Retry-After` when
    /// sent, else `initial · 2ⁿ` capped at `max`, with ±25 % jitter.
    fn wait(&self, n: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max);
        }
        let base = self.initial.saturating_mul(1 << n.min(16)).min(self.max);
        let jitter = 0.75 + fastrand::f64() * 0.5;
        base.mul_f64(jitter).min(self.max)
    }
}

/// What one create call did.
#[derive(Debug)]
pub enum Attempt {
    /// The provider made the video: its id.
    Created(String),
    /// The provider refused the job for a reason that proves it made
    /// nothing (412, 422, 429, 596, or another error answer).
    Refused(CreateRefusal, Error),
    /// The call failed in a way that does not prove the job was not
    /// accepted (502/504, a timeout, a cut after sending): reconcile
    /// before anything else.
    Ambiguous(Error),
    /// Any other failure: nothing was made (refused before sending, a
    /// connection that could not be made, 400, 401).
    Failed(Error),
}

/// What [`Generator::reconcile`] found out about a job whose create ended
/// ambiguously.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reconciled {
    /// The job exists: its video id, and how it was found.
    Found {
        /// The video's id.
        id: String,
        /// Where it was seen (`scheduler/available replyRef`, the list).
        how: String,
    },
    /// Both the running jobs and the newest videos show it absent: it may
    /// be sent again.
    Absent,
    /// It cannot be decided: what was seen.
    Unknown(Vec<String>),
}

/// A job the provider took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    /// The provider.
    pub provider: Provider,
    /// The video's id (the one its lookup takes).
    pub id: String,
    /// The account it went to, when one was named in the create.
    pub account: Option<String>,
    /// The idempotency key it was sent with.
    pub key: String,
    /// How many create calls were sent for it (resends only after
    /// reconciliation proved the job absent).
    pub creates: u32,
    /// Whether its id came from reconciliation after an ambiguous failure.
    pub reconciled: bool,
}

/// How a submission ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// The video is being made.
    Created(Created),
    /// The provider refused the prompt (422): the job failed, moderated.
    Moderated {
        /// The provider's message.
        message: String,
        /// The account it was refused on.
        account: Option<String>,
    },
    /// A create may have been accepted and reconciliation could not say:
    /// the job was not sent again. What was seen.
    Unknown {
        /// The account the create went to.
        account: Option<String>,
        /// The error that made it ambiguous, then what reconciliation saw.
        evidence: Vec<String>,
    },
}

/// Submits plans through the configured clients, remembering for its
/// lifetime which accounts are out of credits or on hold.
#[derive(Debug, Default)]
pub struct Generator<'a> {
    useapi: Option<&'a UseApi>,
    hourone: Option<&'a HourOne>,
    backoff: Backoff,
    /// Accounts (provider, name) that answered 412 or 596.
    skipped: HashSet<(Provider, String)>,
    workspace_id: Option<String>,
    /// Upload ids by provider, account ("" where an upload serves every
    /// account) and the file's SHA-256.
    uploads: HashMap<(Provider, String, String), String>,
}

impl<'a> Generator<'a> {
    /// A generator with no clients: add them with [`useapi`](Self::useapi)
    /// and [`hourone`](Self::hourone).
    pub fn new() -> Generator<'a> {
        Generator::default()
    }

    /// The useapi.net client, for MiniMax and PixVerse jobs.
    pub fn useapi(mut self, useapi: &'a UseApi) -> Generator<'a> {
        self.useapi = Some(useapi);
        self
    }

    /// The Hour One client, and the `workspace-id` to create in.
    pub fn hourone(mut self, hourone: &'a HourOne, workspace_id: Option<&str>) -> Generator<'a> {
        self.hourone = Some(hourone);
        self.workspace_id = workspace_id.map(str::to_owned);
        self
    }

    /// How 429s are waited out.
    pub fn backoff(mut self, backoff: Backoff) -> Generator<'a> {
        self.backoff = backoff;
        self
    }

    /// Whether this generator stopped using `account` (412 or 596).
    pub fn is_skipped(&self, provider: Provider, account: &str) -> bool {
        self.skipped.contains(&(provider, account.to_owned()))
    }

    fn useapi_client(&self) -> Result<&'a UseApi> {
        self.useapi.ok_or_else(|| Error::NotConfigured {
            variables: vec!["USEAPI_TOKEN"],
            message: "no useapi.net token: set USEAPI_TOKEN".into(),
        })
    }

    /// The account the job goes to. A job that names one goes there (and
    /// this reads nothing). Otherwise one `scheduler/available` read: the
    /// account with the most free capacity, leaving out those this
    /// generator saw out of credits or on hold; `None` (useapi.net picks)
    /// when the answer lists no account. Hour One has no accounts.
    /// [`Error::Api`] with status 412 or 596 when every listed account was
    /// left out.
    pub fn choose_account(&self, plan: &Plan) -> Result<Option<String>> {
        if let Some(account) = plan.account() {
            return Ok(Some(account.to_owned()));
        }
        let provider = plan.provider();
        let listed: Vec<(String, i64)> = match provider {
            Provider::MiniMax => {
                let answer = self.useapi_client()?.minimax().scheduler_available()?;
                let accounts = answer.available.unwrap_or_default();
                accounts
                    .iter()
                    .filter_map(|a| Some((wire::text(&a.account)?.to_owned(), a.free()?)))
                    .collect()
            }
            Provider::PixVerse => {
                let answer = self.useapi_client()?.pixverse().scheduler_available()?;
                let accounts = answer.available.unwrap_or_default();
                accounts
                    .iter()
                    .filter_map(|a| Some((wire::text(&a.email)?.to_owned(), a.free()?)))
                    .collect()
            }
            _ => return Ok(None),
        };
        if listed.is_empty() {
            return Ok(None);
        }
        let usable = listed
            .into_iter()
            .filter(|(name, _)| !self.is_skipped(provider, name));
        // The first of the most free, in the order listed.
        let best = usable.fold(
            None,
            |best: Option<(String, i64)>, (name, free)| match best {
                Some((_, top)) if top >= free => best,
                _ => Some((name, free)),
            },
        );
        match best {
            Some((name, _)) => Ok(Some(name)),
            None => Err(Error::invalid(
                "account",
                format!("every {provider} account is out of credits or on hold"),
            )),
        }
    }

    /// The plan's image uploaded for a create on `account`, once per file
    /// and account (PixVerse: once per file, its uploads serve every
    /// account): the id the create takes (MiniMax `fileID`, PixVerse
    /// `first_frame_path`) and the account the create must then go to
    /// (MiniMax's `fileID` names it, which matters when `account` is
    /// `None`). `None` when the plan has no image.
    pub fn upload(
        &mut self,
        plan: &Plan,
        account: Option<&str>,
    ) -> Result<Option<(String, Option<String>)>> {
        let Some(image) = plan.image() else {
            return Ok(None);
        };
        let provider = plan.provider();
        let scope = match provider {
            Provider::PixVerse => String::new(),
            _ => account.unwrap_or_default().to_owned(),
        };
        let key = (provider, scope, image.sha256.clone());
        if let Some(id) = self.uploads.get(&key) {
            return Ok(Some((id.clone(), account.map(str::to_owned))));
        }
        let useapi = self.useapi_client()?;
        let bytes = image.bytes.clone();
        let (id, owner) = match provider {
            Provider::MiniMax => {
                // MiniMax takes PNG and JPEG; the docs send webp as JPEG.
                let content_type = match image.content_type {
                    "image/png" => "image/png",
                    _ => "image/jpeg",
                };
                let uploaded = useapi.minimax().upload(account, bytes, content_type)?;
                let owner = uploaded.account().map(str::to_owned);
                (
                    uploaded.file_id().map(str::to_owned),
                    owner.or(account.map(str::to_owned)),
                )
            }
            _ => {
                let uploaded = useapi
                    .pixverse()
                    .upload(account, bytes, image.content_type)?;
                (
                    uploaded.frame_path().map(str::to_owned),
                    account.map(str::to_owned),
                )
            }
        };
        let id = id.ok_or_else(|| Error::Decode {
            endpoint: crate::Endpoint::new(provider, "upload file"),
            status: 200,
            reason: "the answer holds no file id".into(),
            snippet: String::new(),
        })?;
        self.uploads.insert(key, id.clone());
        if provider == Provider::MiniMax && account.is_none() {
            // Remembered under the account it went to as well.
            if let Some(owner) = &owner {
                let key = (provider, owner.clone(), image.sha256.clone());
                self.uploads.insert(key, id.clone());
            }
        }
        Ok(Some((id, owner)))
    }

    /// Sends the create exactly once to `account` (with the image's upload
    /// id from [`upload`](Self::upload)), and says what came of it.
    pub fn create_once(&self, plan: &Plan, account: Option<&str>, upload: Option<&str>) -> Attempt {
        let sent = self.send_create(plan, account, upload);
        match sent {
            Ok(id) => Attempt::Created(id),
            Err(e) if e.is_ambiguous() => Attempt::Ambiguous(e),
            Err(e) => match e.create_refusal() {
                Some(refusal) => Attempt::Refused(refusal, e),
                None => Attempt::Failed(e),
            },
        }
    }

    fn send_create(
        &self,
        plan: &Plan,
        account: Option<&str>,
        upload: Option<&str>,
    ) -> Result<String> {
        let body = plan.body(account, upload);
        let missing = |provider: Provider| Error::Decode {
            endpoint: crate::Endpoint::new(provider, "create video"),
            status: 200,
            reason: "the answer holds no video id".into(),
            snippet: String::new(),
        };
        match plan.provider() {
            Provider::MiniMax => {
                let body: minimax::CreateVideoRequest = typed(body)?;
                let made = self.useapi_client()?.minimax().create(&body)?;
                made.video_id()
                    .map(str::to_owned)
                    .ok_or_else(|| missing(Provider::MiniMax))
            }
            Provider::PixVerse => {
                let body: pixverse::CreateVideoRequest = typed(body)?;
                let made = self.useapi_client()?.pixverse().create(&body)?;
                made.video_id()
                    .map(str::to_owned)
                    .ok_or_else(|| missing(Provider::PixVerse))
            }
            provider => {
                let client = self.hourone.ok_or_else(|| Error::NotConfigured {
                    variables: vec!["HOURONE_API_KEY"],
                    message: "no Hour One key: set HOURONE_API_KEY".into(),
                })?;
                let body: hourone::CreateVideoRequest = typed(body)?;
                let made = client.create_video(&body, self.workspace_id.as_deref(), None)?;
                made.id()
                    .map(str::to_owned)
                    .ok_or_else(|| missing(provider))
            }
        }
    }

    /// Whether the job of an ambiguous create to `account`, sent at `sent`,
    /// exists: first by its key among the scheduler's running jobs (its
    /// `replyRef`), then among the account's newest videos with the same
    /// prompt (PixVerse: created since the send; MiniMax's list carries no
    /// time, so a finished video with the same prompt cannot be told from
    /// an older one and leaves the job unknown). Any failed read leaves it
    /// unknown too.
    pub fn reconcile(&self, plan: &Plan, account: Option<&str>, sent: SystemTime) -> Reconciled {
        let mut evidence = Vec::new();
        match self.reconcile_reads(plan, account, sent, &mut evidence) {
            Ok(Some(found)) => found,
            Ok(None) => Reconciled::Absent,
            Err(e) => {
                evidence.push(format!("reconciliation could not read: {e}"));
                Reconciled::Unknown(evidence)
            }
        }
    }

    fn reconcile_reads(
        &self,
        plan: &Plan,
        account: Option<&str>,
        sent: SystemTime,
        evidence: &mut Vec<String>,
    ) -> Result<Option<Reconciled>> {
        let key = plan.key();
        let prompt = plan.prompt();
        let found = |id: &str, how: &str| {
            Some(Reconciled::Found {
                id: id.to_owned(),
                how: how.to_owned(),
            })
        };
        match plan.provider() {
            Provider::MiniMax => {
                let minimax = self.useapi_client()?.minimax();
                let running = minimax.scheduler_available()?.executing.unwrap_or_default();
                if let Some(job) = running
                    .iter()
                    .find(|j| wire::text(&j.reply_ref) == Some(key))
                {
                    let id = wire::text(&job.video_id).unwrap_or_default();
                    return Ok(found(id, "scheduler/available lists its replyRef"));
                }
                evidence.push(format!(
                    "scheduler/available: no running job with replyRef {key}"
                ));
                let query = minimax::VideosQuery {
                    account: account.map(str::to_owned),
                    limit: Some(minimax::DEFAULT_PAGE_SIZE),
                    ..Default::default()
                };
                let newest = minimax.videos_page(&query)?;
                let same: Vec<&minimax::Video> = newest
                    .iter()
                    .filter(|v| v.title() == Some(prompt))
                    .collect();
                if let Some(video) = same.iter().find(|v| !v.is_final()) {
                    let id = video.lookup_id().or(video.id()).unwrap_or_default();
                    return Ok(found(id, "the account's list has it, still being made"));
                }
                if !same.is_empty() {
                    evidence.push(format!(
                        "the account's newest videos hold {} finished video(s) with the same prompt ({}); MiniMax's list has no creation time to tell if one is this job",
                        same.len(),
                        same.iter().filter_map(|v| v.lookup_id().or(v.id())).collect::<Vec<_>>().join(", ")
                    ));
                    return Ok(Some(Reconciled::Unknown(std::mem::take(evidence))));
                }
                Ok(None)
            }
            Provider::PixVerse => {
                let pixverse = self.useapi_client()?.pixverse();
                let running = pixverse
                    .scheduler_available()?
                    .executing
                    .unwrap_or_default();
                if let Some(job) = running
                    .iter()
                    .find(|j| wire::text(&j.reply_ref) == Some(key))
                {
                    let id = wire::text(&job.video_id).unwrap_or_default();
                    return Ok(found(id, "scheduler/available lists its replyRef"));
                }
                evidence.push(format!(
                    "scheduler/available: no running job with replyRef {key}"
                ));
                let page = pixverse.videos(account, Some(20), None)?;
                // A minute of clock difference between here and there.
                let since =
                    chrono::DateTime::<chrono::Utc>::from(sent) - chrono::Duration::seconds(60);
                let newest = page.data.unwrap_or_default();
                let video = newest.iter().find(|v| {
                    wire::text(&v.prompt) == Some(prompt)
                        && v.created_at().is_some_and(|at| at >= since)
                });
                if let Some(video) = video {
                    let id = video.id().unwrap_or_default();
                    return Ok(found(
                        id,
                        "the account's list has it, created since the send",
                    ));
                }
                Ok(None)
            }
            _ => {
                let client = self
                    .hourone
                    .ok_or_else(|| Error::invalid("hourone", "no client"))?;
                let videos = client.videos()?;
                let same: Vec<&hourone::Video> = videos
                    .iter()
                    .filter(|v| wire::text(&v.name) == Some(prompt))
                    .collect();
                match same.as_slice() {
                    [] => Ok(None),
                    [one] if !one.is_final() => Ok(found(
                        one.id().unwrap_or_default(),
                        "the list has it, still being made",
                    )),
                    more => {
                        evidence.push(format!(
                            "the list holds {} video(s) named like the job; Hour One keeps no key to tell them apart",
                            more.len()
                        ));
                        Ok(Some(Reconciled::Unknown(std::mem::take(evidence))))
                    }
                }
            }
        }
    }

    /// The whole submission: choose an account, create, and on each
    /// outcome do what the docs say, never sending the create again
    /// unless [`reconcile`](Self::reconcile) proved the job absent.
    pub fn submit(&mut self, plan: &Plan) -> Result<Submitted> {
        let provider = plan.provider();
        let started = Instant::now();
        let mut waits = 0;
        let mut creates = 0;
        loop {
            let mut account = self.choose_account(plan)?;
            let upload = match self.upload(plan, account.as_deref()) {
                Ok(Some((id, owner))) => {
                    account = owner;
                    Some(id)
                }
                Ok(None) => None,
                Err(e) => match e.create_refusal() {
                    // An account that cannot take the upload cannot take the job.
                    Some(CreateRefusal::OutOfCredits | CreateRefusal::OnHold)
                        if plan.account().is_none() && account.is_some() =>
                    {
                        self.skipped.insert((provider, account.unwrap_or_default()));
                        continue;
                    }
                    _ => return Err(e),
                },
            };
            let sent = SystemTime::now();
            creates += 1;
            let attempt = self.create_once(plan, account.as_deref(), upload.as_deref());
            let created = |id: String, reconciled: bool| {
                Ok(Submitted::Created(Created {
                    provider,
                    id,
                    account: account.clone(),
                    key: plan.key().to_owned(),
                    creates,
                    reconciled,
                }))
            };
            match attempt {
                Attempt::Created(id) => return created(id, false),
                Attempt::Failed(e) => return Err(e),
                Attempt::Refused(CreateRefusal::Moderated, e) => {
                    return Ok(Submitted::Moderated {
                        message: e.to_string(),
                        account,
                    });
                }
                Attempt::Refused(CreateRefusal::OutOfCredits | CreateRefusal::OnHold, e) => {
                    match (&account, plan.account()) {
                        // The caller's own account: nowhere else to go.
                        (_, Some(_)) | (None, _) => return Err(e),
                        (Some(name), None) => {
                            self.skipped.insert((provider, name.clone()));
                        }
                    }
                }
                Attempt::Refused(_, e) => {
                    // 429 (or a 502/504 classified as a refusal: never here,
                    // those are ambiguous): wait within the deadline.
                    let wait = self.backoff.wait(waits, e.retry_after());
                    if started.elapsed() + wait > self.backoff.deadline {
                        return Err(e);
                    }
                    waits += 1;
                    std::thread::sleep(wait);
                }
                Attempt::Ambiguous(e) => {
                    let mut evidence = vec![format!("the create ended ambiguously: {e}")];
                    match self.reconcile(plan, account.as_deref(), sent) {
                        Reconciled::Found { id, .. } => return created(id, true),
                        Reconciled::Unknown(seen) => {
                            evidence.extend(seen);
                            return Ok(Submitted::Unknown { account, evidence });
                        }
                        Reconciled::Absent => {
                            let wait = self.backoff.wait(waits, None);
                            if started.elapsed() + wait > self.backoff.deadline {
                                evidence.push("reconciliation found it absent; the deadline leaves no time to send it again".into());
                                return Ok(Submitted::Unknown { account, evidence });
                            }
                            waits += 1;
                            std::thread::sleep(wait);
                        }
                    }
                }
            }
        }
    }
}
