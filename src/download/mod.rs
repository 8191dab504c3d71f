//! Media downloads: a finished video's file, from the provider's media host
//! to disk.
//!
//! The media host is not the API host: a [`Downloader`] is made from a
//! [`Config`] alone and holds no credential, so none can be sent to it. It
//! streams the body to `PATH.part` through a fixed 64 KiB buffer (a
//! multi-GB file is never held in memory) and renames the file into place
//! only when every byte arrived, so a file at `PATH` is always whole.
//!
//! The partial file has one writer: it is created exclusively (never
//! through a symbolic link) and locked for the whole download, so a second
//! download to the same path fails at once and touches nothing of the
//! first. Beside it, `PATH.part.json` records the media URL (redacted: no
//! userinfo, and no query at all, where signed URLs carry their tokens), the media host's validators
//! (`ETag`, `Last-Modified`) and the file's length. A cut connection is
//! resumed with `Range` and `If-Range`, in this run or a later one (after a
//! crash, Ctrl-C or a kill: `wget -c` behaviour), and only when the media
//! host proves it is the same file: a different validator, length or start
//! restarts from byte 0 (counted in [`Downloaded::restarted`] and logged).
//!
//! Bounded: a size cap ([`Options::max_bytes`], by default
//! [`DEFAULT_MAX_BYTES`]), a progress floor (an attempt gaining less than
//! [`PROGRESS_FLOOR`] counts as failed; [`RetryPolicy::max_retries`] such
//! in a row end the download) and an optional overall deadline
//! ([`Options::deadline`]). A download that ends on a cut connection, a
//! stall, the floor or the deadline keeps its `.part` and sidecar, and its
//! error says so: running it again resumes it.
//!
//! Most callers go through [`Accounts::download`](crate::accounts::Accounts::download),
//! which looks the video up and picks its file URL; a known URL is fetched with
//! [`Downloader::fetch`]:
//!
//! ```no_run
//! use std::path::Path;
//! use vidapi::download::{Downloader, Options};
//! let options = Options { max_bytes: Some(4 << 30), ..Default::default() };
//! let downloader = Downloader::new(vidapi::Provider::PixVerse, &vidapi::Config::new())?
//!     .with_options(options);
//! let done = downloader.fetch("https://media.example.com/v.mp4", Path::new("v.mp4"), |p| {
//!     eprintln!("{} of {:?} bytes", p.downloaded, p.total);
//! })?;
//! println!("{} bytes in {}", done.bytes, done.path.display());
//! # Ok::<(), vidapi::Error>(())
//! ```

mod open;
mod part;
mod sidecar;
mod video;

pub use video::file_url;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::{Config, RetryPolicy};
use crate::error::{Endpoint, Error, Provider, Result};
use crate::redact;
use crate::transport::Media;

use part::{Found, Part};
use sidecar::Sidecar;

/// How much of the body is held in memory at a time.
const BUFFER: usize = 64 * 1024;
/// The longest file name [`default_file_name`] makes, extension included.
const MAX_NAME: usize = 160;

/// The default of [`Options::max_bytes`]: 4 GiB. The providers' clips are
/// tens of megabytes (a 10 s 1080p video is about 5-30 MB), so this is a
/// hundred times any real file, yet an endless or lying media body stops
/// long before it fills a disk.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

/// The least an attempt must add to the furthest point reached so far to
/// count as progress: 64 KiB. An attempt gaining less counts as a failure,
/// so a media host that sends a byte and cuts, again and again, ends the
/// download after [`RetryPolicy::max_retries`] retries.
pub const PROGRESS_FLOOR: u64 = 64 * 1024;

/// The default of [`Options::max_requests`]: 256. A real cut connection
/// costs a handful of requests; a host that cuts every answer just past
/// [`PROGRESS_FLOOR`] would otherwise keep a 4 GiB download going for
/// 65 536 requests.
pub const DEFAULT_MAX_REQUESTS: u32 = 256;

/// Settings of one download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The largest file accepted, in bytes, announced or not (a body with
    /// no `Content-Length` stops there); by default [`DEFAULT_MAX_BYTES`],
    /// `None` for no limit. The API's body limit
    /// ([`Config::max_body_bytes`]) does not apply to media. A file
    /// announced larger is refused before a byte is written; one that grows
    /// past it stops there.
    pub max_bytes: Option<u64>,
    /// Replace a file already at the path (atomically, by the final
    /// rename), when it is a regular file or a symbolic link (the link is
    /// replaced, never its target); anything else there (a folder, a FIFO,
    /// a device) is refused. Also replaces a `PATH.part` that is not a
    /// vidapi partial download. Off by default: an existing file is an
    /// [`Error::FileExists`] and nothing is downloaded.
    pub overwrite: bool,
    /// Give up once the download has taken this long, keeping what arrived
    /// for a later run; `None` (the default) for no deadline. It bounds the
    /// wall time: a connection, an answer or a read under way when it
    /// passes is cut then (not after [`Config::timeout`]), and a wait
    /// between attempts is cut short.
    pub deadline: Option<Duration>,
    /// The most requests one download may send, redirects not counted
    /// (each attempt, resume and restart is one); by default
    /// [`DEFAULT_MAX_REQUESTS`], `None` for no limit. Reaching it ends the
    /// download like the deadline does: what can be resumed is kept.
    pub max_requests: Option<u32>,
    /// Stops the download when set (the `vidapi` command sets it on SIGINT
    /// and SIGTERM); `None` (the default) for no such flag. Seen between two
    /// reads of the body and during a wait between attempts. A partial file
    /// that can be resumed is kept; one that cannot (no `ETag` or
    /// `Last-Modified` to prove it by) is removed with its sidecar, and the
    /// [`Error::File`] says which.
    pub cancel: Option<Cancel>,
    /// Compute the file's SHA-256 as its bytes are written
    /// ([`Downloaded::sha256`]), so it need not be read back to be hashed.
    /// A partial file resumed from an earlier run is read once, to hash
    /// what it already holds. Off by default.
    pub sha256: bool,
    /// Once the whole file is on disk, advise the kernel that its pages
    /// need not stay cached (Linux `POSIX_FADV_DONTNEED`; nothing elsewhere):
    /// mirroring thousands of files then neither fills the page cache nor
    /// pushes out what other programs use. Off by default, since a file
    /// just downloaded is often opened next.
    pub drop_cache: bool,
}

/// A flag that stops a download ([`Options::cancel`]); clones share it.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not set yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A flag that is `flag` (for a signal handler that sets an
    /// `AtomicBool`, as `signal_hook::flag::register` does).
    pub fn from_flag(flag: Arc<AtomicBool>) -> Cancel {
        Cancel(flag)
    }

    /// Sets the flag: the download stops at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Two flags are equal when they are the same flag.
impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cancel {}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_bytes: Some(DEFAULT_MAX_BYTES),
            overwrite: false,
            deadline: None,
            max_requests: Some(DEFAULT_MAX_REQUESTS),
            cancel: None,
            sha256: false,
            drop_cache: false,
        }
    }
}

/// How far a download is, reported after every chunk written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes in the partial file so far.
    pub downloaded: u64,
    /// The file's size, once the media host has said it.
    pub total: Option<u64>,
}

/// A finished download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Downloaded {
    /// Where the file is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The URL it was fetched from (before redirects), redacted
    /// ([`redact::media_url`]): no userinfo, no query, no fragment.
    pub url: String,
    /// How many times a partial file was resumed with `Range` (and the
    /// media host proved, through `If-Range`, that it was the same file).
    pub resumed: u32,
    /// How many times the download started over from byte 0: the media
    /// host ignored `Range`, or could not prove the partial file was the
    /// same file (another `ETag`, `Last-Modified`, length or start).
    pub restarted: u32,
    /// Bytes kept from an earlier run's partial file (0 when none was
    /// resumed).
    pub resumed_from: u64,
    /// The file's SHA-256 in lowercase hex, when [`Options::sha256`] asked
    /// for it.
    pub sha256: Option<String>,
}

/// Fetches media files over a credential-free connection; see the
/// [module docs](self).
#[derive(Clone, Debug)]
pub struct Downloader {
    media: Media,
    retry: RetryPolicy,
    options: Options,
}

/// Why an attempt ended early, and what may follow.
enum Stop {
    /// A cut or stalled connection, or an answer worth retrying.
    Retry(Error),
    /// The partial file is not the file the media host now has: start
    /// over at once (counted as a failed attempt, without a wait).
    Restart(Error),
    /// The deadline passed: stop, keeping the partial file.
    Halt(Error),
    /// Anything else: stop, removing the partial file.
    Fatal(Error),
    /// [`Options::cancel`] was set: stop, keeping the partial file only
    /// when it can be resumed.
    Cancelled,
}

/// What one attempt has to go on: the partial file and what is known of
/// the whole.
struct State {
    part: Part,
    /// What the sidecar says now (or will, once written).
    record: Sidecar,
    /// Whether the sidecar on disk is `record`. A fresh partial file's is
    /// written with the answer's validators, before its first byte: one
    /// write, not one before the request and another after.
    recorded: bool,
    written: u64,
    resumed: u32,
    restarted: u32,
    resumed_from: u64,
    started: Instant,
}

impl State {
    /// Starts the partial file over from byte 0, saying why.
    fn restart(&mut self, why: &str) -> Result<()> {
        tracing::warn!(
            url = %self.record.url,
            path = %self.part.path.display(),
            from = self.written,
            why,
            "media download restarted from byte 0"
        );
        self.part.truncate()?;
        self.written = 0;
        self.resumed_from = 0;
        self.restarted += 1;
        // The length first announced stays: a later answer that does not
        // say its length must still end exactly there.
        let length = self.record.length;
        self.record = Sidecar::new(&self.record.url);
        self.record.length = length;
        self.part.record(&self.record)?;
        self.recorded = true;
        Ok(())
    }
}

impl Downloader {
    /// A downloader with `config`'s proxy, user agent, timeouts (to connect;
    /// and for the answer and for each read of the body: a stall, not the
    /// whole file) and retry policy. Its errors name `provider`'s download.
    /// The config's base URL, credential-free by construction, is not used.
    pub fn new(provider: Provider, config: &Config) -> Result<Downloader> {
        Ok(Downloader {
            media: Media::new(Endpoint::new(provider, "download video"), config)?,
            retry: config.retry.clone(),
            options: Options::default(),
        })
    }

    /// The same downloader with these options.
    pub fn with_options(mut self, options: Options) -> Downloader {
        self.options = options;
        self
    }

    /// Downloads `url` to `path`, calling `progress` after every chunk.
    ///
    /// Before any request: `path`'s folder must exist
    /// ([`Error::InvalidArgument`] otherwise), a file at `path` is an
    /// [`Error::FileExists`] unless [`Options::overwrite`] (which still
    /// refuses anything but a regular file or a symbolic link), and
    /// `PATH.part` is taken: created exclusively, or opened without
    /// following a link, and locked. A `PATH.part` locked by another
    /// download, a symbolic link, or not a regular file is an
    /// [`Error::File`] and nothing is touched; one with no vidapi sidecar
    /// beside it is refused the same way unless `overwrite`.
    ///
    /// A connection cut or stalled mid-body (or a 429, 502, 503 or 504) is
    /// tried again after the policy's backoff, from where the partial file
    /// ends (`Range: bytes=<n>-` with `If-Range`); a media host that
    /// answers 200, or a 206 with another validator, length or start,
    /// restarts the file from its first byte. Failures in a row count
    /// against [`RetryPolicy::max_retries`]; an attempt that gets
    /// [`PROGRESS_FLOOR`] further than any before starts the count afresh.
    /// A 206 with no usable `Content-Range`, or a body longer than
    /// announced, is an [`Error::Media`]. Redirects are followed to https
    /// URLs, or plain http on loopback. Errors name the media host, and
    /// show URLs redacted.
    ///
    /// When it ends on a cut, a stall, the floor or the deadline with bytes
    /// kept and validators to resume them by, `PATH.part` and its sidecar
    /// stay and the error says so; otherwise both are removed.
    pub fn fetch(
        &self,
        url: &str,
        path: &Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<Downloaded> {
        if path.as_os_str().is_empty() {
            return Err(Error::invalid("download path", "must not be empty"));
        }
        check_destination(Some(path))?;
        let overwrite = self.options.overwrite;
        check_target(path, overwrite)?;
        let shown = redact::media_url(url);
        let host = redact::host(url).unwrap_or("?").to_owned();
        sidecar::check_place(&part_path(path))?;
        let (mut part, found) = Part::acquire(&part_path(path))?;
        if let Found::Existing { len, sidecar: None } = &found {
            if *len > 0 && !overwrite {
                let path = part.path.clone();
                drop(part);
                return Err(Error::File {
                    message: format!(
                        "is in the way: it is not a partial download vidapi can resume (no {} \
                         beside it); remove it, or pass --force (Options::overwrite) to replace it",
                        sidecar::path(&path).display()
                    ),
                    path,
                });
            }
        }
        part.seek_end()?;
        let mut state = State {
            part,
            record: Sidecar::new(&shown),
            recorded: false,
            written: 0,
            resumed: 0,
            restarted: 0,
            resumed_from: 0,
            started: Instant::now(),
        };
        let taken = self.take_over(&mut state, found).and_then(|()| {
            if self.options.sha256 {
                state.part.start_digest()
            } else {
                Ok(())
            }
        });
        if let Err(e) = taken {
            state.part.discard();
            return Err(e);
        }
        match self.fetch_into(url, &mut state, &mut progress) {
            Ok(()) => {
                let bytes = state.written;
                let sha256 = state.part.sha256();
                let check = || check_target(path, overwrite);
                let part_file = state.part.path.clone();
                let drop_cache = self.options.drop_cache;
                if let Err(e) = state.part.finish(path, drop_cache, check) {
                    let _ = std::fs::remove_file(&part_file);
                    Sidecar::remove(&part_file);
                    return Err(e);
                }
                Ok(Downloaded {
                    path: path.to_owned(),
                    bytes,
                    url: shown,
                    resumed: state.resumed,
                    restarted: state.restarted,
                    resumed_from: state.resumed_from,
                    sha256,
                })
            }
            Err(Stop::Retry(e) | Stop::Restart(e) | Stop::Halt(e))
                if state.written > 0 && state.record.validator().is_some() =>
            {
                let kept = format!(
                    "kept {} of {} bytes in {} (and {}): run the same download again to \
                     resume it",
                    state.written,
                    shown_len(state.record.length),
                    state.part.path.display(),
                    sidecar::path(&state.part.path).display()
                );
                state.part.keep();
                Err(annotate(e, &host, Some(&kept)))
            }
            Err(Stop::Retry(e) | Stop::Restart(e) | Stop::Halt(e) | Stop::Fatal(e)) => {
                state.part.discard();
                Err(annotate(e, &host, None))
            }
            Err(Stop::Cancelled) => {
                let path = state.part.path.clone();
                let record = sidecar::path(&path);
                let message = if state.written > 0 && state.record.validator().is_some() {
                    state.part.keep();
                    format!(
                        "download interrupted: kept {} of {} bytes here (and {}): run the same \
                         download again to resume it",
                        state.written,
                        shown_len(state.record.length),
                        record.display()
                    )
                } else {
                    state.part.discard();
                    let why = if state.written == 0 {
                        "nothing had arrived"
                    } else {
                        "the media host sent no ETag or Last-Modified, so it could never be resumed"
                    };
                    format!(
                        "download interrupted: removed it and {} ({} bytes; {why})",
                        record.display(),
                        state.written
                    )
                };
                Err(Error::File { path, message })
            }
        }
    }

    /// Decides what to do with what was at `PATH.part`: resume it (a vidapi
    /// partial download of the same URL, with a validator to prove it by),
    /// or start it over. A partial file that keeps bytes has its sidecar
    /// before any request; an empty one gets it with the answer, before its
    /// first byte ([`Downloader::note_file`]), so a run killed at any point
    /// leaves either an empty partial file or one a later run recognises.
    fn take_over(&self, state: &mut State, found: Found) -> Result<()> {
        if let Found::Existing { len, sidecar } = found {
            match sidecar {
                Some(record)
                    if len > 0
                        && record.url == state.record.url
                        && record.validator().is_some()
                        && record.length.is_none_or(|total| len <= total) =>
                {
                    // A whole file whose run died before the rename: ask
                    // again for its last byte only, so the media host still
                    // proves (through If-Range) that it is the same file.
                    let len = if record.length == Some(len) {
                        state.part.truncate_to(len - 1)?;
                        len - 1
                    } else {
                        len
                    };
                    tracing::info!(
                        url = %record.url,
                        path = %state.part.path.display(),
                        bytes = len,
                        "resuming a partial download from an earlier run"
                    );
                    state.written = len;
                    state.resumed_from = len;
                    state.record = record;
                    state.recorded = true;
                    return Ok(());
                }
                Some(_) if len > 0 => {
                    state.written = len;
                    state.restart("the partial file's record does not match this download")?;
                    return Ok(());
                }
                _ => state.part.truncate()?,
            }
        }
        // An empty partial file: its sidecar comes with the answer.
        Ok(())
    }

    fn fetch_into(
        &self,
        url: &str,
        state: &mut State,
        progress: &mut impl FnMut(Progress),
    ) -> std::result::Result<(), Stop> {
        let mut buffer = vec![0u8; BUFFER];
        let mut failures = 0;
        let mut furthest = state.written;
        let mut requests = 0u32;
        loop {
            self.check_deadline(state)?;
            self.check_cancel()?;
            requests += 1;
            let (error, wait) = match self.attempt(url, state, &mut buffer, progress) {
                Ok(()) => break,
                Err(Stop::Retry(error)) => (error, true),
                Err(Stop::Restart(error)) => (error, false),
                Err(stop @ (Stop::Fatal(_) | Stop::Halt(_) | Stop::Cancelled)) => {
                    return Err(stop);
                }
            };
            // A read cut by the deadline is the deadline's doing.
            self.check_deadline(state)?;
            if self
                .options
                .max_requests
                .is_some_and(|limit| requests >= limit)
            {
                let note = format!(
                    "{requests} requests for this one download, the most it may send \
                     (Options::max_requests), with {} of {} bytes arrived",
                    state.written,
                    shown_len(state.record.length)
                );
                return Err(Stop::Halt(annotate(error, "", Some(&note))));
            }
            let progressed = state.written >= furthest.saturating_add(PROGRESS_FLOOR);
            if progressed {
                failures = 0;
            }
            furthest = furthest.max(state.written);
            if failures >= self.retry.max_retries {
                if progressed {
                    return Err(Stop::Retry(error));
                }
                if matches!(error, Error::Transport { connect: true, .. }) {
                    // Not a slow host but none reached (a name that does
                    // not resolve, a refused port): say that.
                    let note = format!(
                        "{} attempts in a row could not connect to the media host {}",
                        failures + 1,
                        redact::host(url).unwrap_or("?")
                    );
                    return Err(Stop::Retry(annotate(error, "", Some(&note))));
                }
                let note = format!(
                    "{} attempts in a row gained less than {} KiB each",
                    failures + 1,
                    PROGRESS_FLOOR / 1024
                );
                return Err(Stop::Retry(annotate(error, "", Some(&note))));
            }
            if wait {
                match self.retry.delay(failures, error.retry_after()) {
                    Some(pause) => self.pause(self.within_deadline(state, pause))?,
                    None => return Err(Stop::Retry(error)),
                }
            }
            failures += 1;
        }
        // Synced once, by `Part::finish`, before the rename.
        Ok(())
    }

    fn check_cancel(&self) -> std::result::Result<(), Stop> {
        match &self.options.cancel {
            Some(cancel) if cancel.is_cancelled() => Err(Stop::Cancelled),
            _ => Ok(()),
        }
    }

    /// Sleeps `pause`, in slices short enough to see a cancel promptly.
    fn pause(&self, pause: Duration) -> std::result::Result<(), Stop> {
        let until = Instant::now() + pause;
        loop {
            self.check_cancel()?;
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            std::thread::sleep(left.min(Duration::from_millis(100)));
        }
    }

    /// A pause shortened to what is left of the deadline.
    fn within_deadline(&self, state: &State, pause: Duration) -> Duration {
        match self.options.deadline {
            Some(deadline) => pause.min(deadline.saturating_sub(state.started.elapsed())),
            None => pause,
        }
    }

    /// What is left of the deadline, if there is one.
    fn time_left(&self, state: &State) -> Option<Duration> {
        let deadline = self.options.deadline?;
        Some(deadline.saturating_sub(state.started.elapsed()))
    }

    fn check_deadline(&self, state: &State) -> std::result::Result<(), Stop> {
        match self.options.deadline {
            Some(deadline) if state.started.elapsed() >= deadline => {
                Err(Stop::Halt(Error::Timeout {
                    endpoint: self.media.endpoint(),
                    phase: format!(
                        "the download's deadline of {}s passed after {} bytes",
                        deadline.as_secs_f64(),
                        state.written
                    ),
                }))
            }
            _ => Ok(()),
        }
    }

    /// One request, from where the partial file ends, read to its end.
    fn attempt(
        &self,
        url: &str,
        state: &mut State,
        buffer: &mut [u8],
        progress: &mut impl FnMut(Progress),
    ) -> std::result::Result<(), Stop> {
        let endpoint = self.media.endpoint();
        if state.written > 0 && state.record.validator().is_none() {
            state
                .restart(
                    "the media host sent no ETag or Last-Modified, so a resume could not be \
                     proven to be the same file",
                )
                .map_err(Stop::Fatal)?;
        }
        let asked = state.written;
        let if_range = state.record.validator().map(str::to_owned);
        let mut answer = self
            .media
            .get(url, asked, if_range.as_deref(), self.time_left(state))
            .map_err(|e| {
                if e.is_retryable() || matches!(e, Error::Timeout { .. } | Error::Transport { .. })
                {
                    Stop::Retry(e)
                } else if matches!(e, Error::Media { .. }) {
                    // An encoded answer: nothing of it was written, and
                    // what the partial file holds is still good.
                    Stop::Halt(e)
                } else {
                    Stop::Fatal(e)
                }
            })?;
        let status = answer.status;
        let media_error = |message: String| Error::Media {
            endpoint,
            status,
            message,
        };
        let inconsistent = |message: String| Stop::Fatal(media_error(message));
        // Where this answer's bytes end in the whole file, when known.
        let end = if status == 206 {
            let Some((first, last, size)) = answer.range.as_deref().and_then(content_range) else {
                return Err(inconsistent(format!(
                    "206 without a usable Content-Range ({:?})",
                    answer.range
                )));
            };
            if size.is_some_and(|size| last + 1 != size) {
                return Err(inconsistent(format!(
                    "Content-Range ends at byte {last} of {size:?}, but the rest of the file was asked for"
                )));
            }
            if answer
                .length
                .is_some_and(|length| length != last + 1 - first)
            {
                return Err(inconsistent(format!(
                    "Content-Length {:?} does not match Content-Range {:?}",
                    answer.length, answer.range
                )));
            }
            let mismatch = if first != asked {
                Some(format!(
                    "Content-Range starts at byte {first}, but byte {asked} was asked for"
                ))
            } else if asked > 0
                && !state
                    .record
                    .same_file(answer.etag.as_deref(), answer.last_modified.as_deref())
            {
                Some(format!(
                    "the media host's file changed: ETag {:?} / Last-Modified {:?} where the \
                     partial file has {:?} / {:?}",
                    answer.etag,
                    answer.last_modified,
                    state.record.etag,
                    state.record.last_modified
                ))
            } else {
                match (state.record.length, size) {
                    (Some(known), Some(size)) if asked > 0 && known != size => Some(format!(
                        "the file was {known} bytes and is now {size}: it changed between requests"
                    )),
                    (Some(known), None) if last + 1 != known => Some(format!(
                        "Content-Range ends at byte {last} of an unstated size, but the file \
                         was announced as {known} bytes"
                    )),
                    _ => None,
                }
            };
            if let Some(why) = mismatch {
                drop(answer);
                state.restart(&why).map_err(Stop::Fatal)?;
                return Err(Stop::Restart(media_error(why)));
            }
            if asked > 0 {
                state.resumed += 1;
            }
            let (etag, modified, date) = answer.validators();
            self.note_file(state, etag, modified, date, size)?;
            Some(last + 1)
        } else {
            // The whole file from its first byte: start over if there was
            // a partial one (a media host that ignores Range, or answers
            // If-Range with the whole of a changed file).
            if state.written > 0 {
                state
                    .restart("the media host answered the resume with the whole file (200)")
                    .map_err(Stop::Fatal)?;
            }
            let (etag, modified, date) = answer.validators();
            self.note_file(state, etag, modified, date, answer.length)?;
            // A body that does not say its length must still end at the
            // length announced before (in this run or the one it resumes).
            answer.length.or(state.record.length)
        };
        let too_large = |limit| {
            Stop::Fatal(Error::BodyTooLarge {
                endpoint,
                status,
                limit,
            })
        };
        if let (Some(limit), Some(size)) = (self.options.max_bytes, state.record.length.or(end)) {
            if size > limit {
                return Err(too_large(limit));
            }
        }
        progress(Progress {
            downloaded: state.written,
            total: state.record.length,
        });
        loop {
            self.check_deadline(state)?;
            self.check_cancel()?;
            let n = match answer.read(buffer) {
                Ok(n) => n,
                Err(e @ Error::Timeout { .. }) => return Err(Stop::Retry(e)),
                Err(e) => {
                    return Err(Stop::Retry(media_error(format!(
                        "body cut off after byte {} of {}: {e}",
                        state.written,
                        shown_len(end)
                    ))));
                }
            };
            if n == 0 {
                break;
            }
            let after = state.written + n as u64;
            if end.is_some_and(|end| after > end) {
                return Err(inconsistent(format!(
                    "body longer than announced: more than {} bytes",
                    shown_len(end)
                )));
            }
            if let Some(limit) = self.options.max_bytes.filter(|limit| after > *limit) {
                return Err(too_large(limit));
            }
            state.part.write(&buffer[..n]).map_err(Stop::Fatal)?;
            state.written = after;
            progress(Progress {
                downloaded: state.written,
                total: state.record.length,
            });
        }
        match end {
            Some(end) if state.written < end => Err(Stop::Retry(media_error(format!(
                "body ended after byte {} of {end}",
                state.written
            )))),
            _ => Ok(()),
        }
    }

    /// Records the file's validators and length in the sidecar when they
    /// are new (or no sidecar was written yet), before any of its bytes are
    /// written.
    ///
    /// `Last-Modified` is kept only when it is a strong validator (RFC 9110
    /// §8.8.2.2): `Date` at least one second later. A file changed within
    /// the second it was last modified keeps the same date, so a host that
    /// compares `If-Range` dates as strings would splice two files.
    fn note_file(
        &self,
        state: &mut State,
        etag: Option<String>,
        last_modified: Option<String>,
        date: Option<String>,
        length: Option<u64>,
    ) -> std::result::Result<(), Stop> {
        let mut record = state.record.clone();
        record.etag = etag;
        record.last_modified = strong_date(last_modified, date.as_deref());
        record.length = length.or(record.length);
        if !state.recorded || record != state.record {
            state.part.record(&record).map_err(Stop::Fatal)?;
            state.record = record;
            state.recorded = true;
        }
        Ok(())
    }
}

/// `last_modified` when `date` is at least one second after it, else
/// `None` (a date validator is weak without a `Date` to prove it).
fn strong_date(last_modified: Option<String>, date: Option<&str>) -> Option<String> {
    let modified = httpdate::parse_http_date(last_modified.as_deref()?).ok()?;
    let date = httpdate::parse_http_date(date?).ok()?;
    date.duration_since(modified)
        .is_ok_and(|gap| gap >= Duration::from_secs(1))
        .then_some(last_modified?)
}

/// `error` naming the media host `host` (unless empty), with `note` added
/// to its message; redirect targets redacted.
fn annotate(error: Error, host: &str, note: Option<&str>) -> Error {
    let with_note = |text: String| match note {
        Some(note) => format!("{text}; {note}"),
        None => text,
    };
    let named = |message: String| {
        if host.is_empty() {
            message
        } else if let Some(rest) = message.strip_prefix("media host: ") {
            format!("media host {host}: {rest}")
        } else if message.starts_with("media host ") {
            message
        } else {
            format!("media host {host}: {message}")
        }
    };
    match error {
        Error::Media {
            endpoint,
            status,
            message,
        } => Error::Media {
            endpoint,
            status,
            message: with_note(named(message)),
        },
        Error::Api {
            endpoint,
            status,
            code,
            message,
            hint,
        } => Error::Api {
            endpoint,
            status,
            code,
            message: with_note(named(message)),
            hint,
        },
        Error::RateLimited {
            endpoint,
            status,
            code,
            message,
            retry_after,
        } => Error::RateLimited {
            endpoint,
            status,
            code,
            message: with_note(named(message)),
            retry_after,
        },
        Error::Unauthorized {
            endpoint,
            status,
            code,
            message,
        } => Error::Unauthorized {
            endpoint,
            status,
            code,
            message: with_note(named(message)),
        },
        Error::Transport {
            endpoint,
            message,
            connect,
        } => Error::Transport {
            endpoint,
            message: with_note(if host.is_empty() || message.contains("media host") {
                message
            } else {
                format!("{message} (media host {host})")
            }),
            connect,
        },
        Error::Timeout { endpoint, phase } => Error::Timeout {
            endpoint,
            phase: with_note(if host.is_empty() || phase.contains("media host") {
                phase
            } else {
                format!("{phase} at media host {host}")
            }),
        },
        Error::Redirect {
            endpoint,
            status,
            location,
        } => Error::Redirect {
            endpoint,
            status,
            location: redact::media_url(&location),
        },
        other => other,
    }
}

/// Refuses, before any request, a destination whose folder is missing:
/// `to` ending in `/` (a folder to put the file in) must be a folder, and
/// any other `to` must be in one. `None` (the current folder) passes.
pub fn check_destination(to: Option<&Path>) -> Result<()> {
    let Some(to) = to else { return Ok(()) };
    if to.is_dir() {
        return Ok(());
    }
    let text = to.as_os_str().to_string_lossy();
    let missing = |folder: &Path| {
        Error::invalid(
            "download path",
            format!(
                "the folder {} does not exist (nothing was requested); create it first",
                folder.display()
            ),
        )
    };
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(missing(to));
    }
    match to.parent() {
        Some(folder) if !folder.as_os_str().is_empty() && !folder.is_dir() => Err(missing(folder)),
        _ => Ok(()),
    }
}

/// Whether a download may end at `path`: nothing there, or (with
/// `overwrite`) a regular file or a symbolic link.
fn check_target(path: &Path, overwrite: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(file_error(path, "cannot inspect", e)),
    };
    if !overwrite {
        return Err(Error::FileExists {
            path: path.to_owned(),
        });
    }
    let kind = meta.file_type();
    if kind.is_file() || kind.is_symlink() {
        return Ok(());
    }
    Err(Error::File {
        path: path.to_owned(),
        message: format!(
            "is {}; overwriting replaces only a regular file or a symbolic link",
            describe(&kind)
        ),
    })
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

fn shown_len(end: Option<u64>) -> String {
    end.map_or_else(|| "an unknown size".to_owned(), |e| e.to_string())
}

/// `bytes <first>-<last>/<size or *>` as numbers; `None` when it is not
/// that, or `last` is before `first`.
fn content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (span, size) = rest.split_once('/')?;
    let (first, last) = span.trim().split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last: u64 = last.trim().parse().ok()?;
    let size = match size.trim() {
        "*" => None,
        size => Some(size.parse::<u64>().ok()?),
    };
    (last >= first && size.is_none_or(|s| last < s)).then_some((first, last, size))
}

/// `PATH.part`: the path with `.part` added to its file name.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    path.with_file_name(name)
}

fn file_error(path: &Path, what: &str, error: std::io::Error) -> Error {
    Error::File {
        path: path.to_owned(),
        message: format!("{what}: {error}"),
    }
}

/// A file name for a video's download, from its id and its URL: the id with
/// every character other than ASCII letters, digits, `-`, `_` and `.`
/// replaced by `_` (useapi.net ids hold `:` and `@`), without leading dots,
/// at most 160 characters, and the URL's extension (`.mp4` when it has
/// none).
///
/// ```
/// let name = vidapi::download::default_file_name(
///     "user:1-pixverse:me@example.com-video:42",
///     "https://media.example.com/a/b.mov?sig=x",
/// );
/// assert_eq!(name, "user_1-pixverse_me_example.com-video_42.mov");
/// assert_eq!(vidapi::download::default_file_name("../..", "https://x/v"), "video.mp4");
/// ```
pub fn default_file_name(id: &str, url: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = safe.trim_start_matches(['.', '_']).trim_end_matches('.');
    let stem = if stem.chars().all(|c| matches!(c, '.' | '_')) {
        "video"
    } else {
        stem
    };
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    let ext = match last.rsplit_once('.') {
        Some((_, ext))
            if (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ext.to_ascii_lowercase()
        }
        _ => "mp4".to_owned(),
    };
    let room = MAX_NAME - ext.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_are_read_strictly() {
        assert_eq!(
            content_range("bytes 100-199/200"),
            Some((100, 199, Some(200)))
        );
        assert_eq!(content_range("bytes 0-9/*"), Some((0, 9, None)));
        for bad in [
            "",
            "bytes",
            "bytes 5-4/10",
            "bytes 0-10/10",
            "items 0-1/2",
            "bytes a-b/c",
            "bytes 0-1",
        ] {
            assert_eq!(content_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn part_files_sit_beside_their_target() {
        assert_eq!(
            part_path(Path::new("dir/v.mp4")),
            PathBuf::from("dir/v.mp4.part")
        );
    }

    #[test]
    fn default_names_are_safe() {
        for (id, expect) in [
            ("video_id_#2", "video_id__2.mp4"),
            (".hidden", "hidden.mp4"),
            ("a/b\\c", "a_b_c.mp4"),
            ("", "video.mp4"),
            ("é", "video.mp4"),
        ] {
            assert_eq!(default_file_name(id, "https://x/"), expect, "{id}");
        }
        let long = "x".repeat(500);
        assert_eq!(default_file_name(&long, "https://x/v.webm").len(), MAX_NAME);
    }
}
