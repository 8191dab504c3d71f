//! A local emulator of every provider, for demos and tests — yours included.
//!
//! It serves every endpoint of [`ENDPOINTS`](crate::endpoints::ENDPOINTS)
//! over loopback HTTP from the documented samples, routed by the table's
//! method and path patterns: an endpoint whose answer depends on the request
//! (MiniMax's `limit`/`lastVideoId` paging, memories.ai's filters, the
//! single-video lookups, Hour One's videos) has a handler of its own, any
//! other answers its documented sample. It checks credentials the way each
//! provider does, pages like the real APIs, serves the finished videos'
//! files as a media host would (`GET /media/…`, no credential, `Range`
//! honoured), and can be told to misbehave for the next few answers.
//! Every request it receives is recorded, with the instant it arrived, and
//! the TCP connections are counted, so tests can assert exactly what a
//! client sent and when. It can also enforce a rate limit on a path
//! ([`Emulator::rate_limit`]) the way a provider counts: a sliding window;
//! and it serves as a forward proxy to itself (`CONNECT` to its own
//! address), so that a client's proxy settings can be tested too.
//!
//! ```
//! use vidapi::emulator::{Emulator, Fault};
//! use vidapi::{Config, Memories, RetryPolicy};
//!
//! let emulator = Emulator::start()?;
//! let config = Config::new().base_url(emulator.base_url()).retry(RetryPolicy::none());
//! let mem = Memories::with_config(vidapi::emulator::MEMORIES_KEY, config)?;
//!
//! emulator.fail_next(1, Fault::html(502));
//! let err = mem.list_videos(&Default::default()).unwrap_err();
//! assert_eq!(err.status(), Some(502));
//!
//! let page = mem.list_videos(&Default::default())?;
//! assert!(page.total().unwrap() > 0);
//! assert_eq!(emulator.requests().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod data;
mod fault;
mod http;
mod jobs;
mod media;
mod routes;
mod template;

use std::collections::VecDeque;
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::Provider;

pub use data::{MEDIA_SIZE, media_bytes};
pub use fault::Fault;
pub use jobs::{
    Account, AfterAccept, CreatedJob, Generation, MARK_FAILED, MARK_MODERATED, MARK_REFUSED,
    MINIMAX_ACCOUNT, PIXVERSE_EMAIL,
};
pub use media::MediaMode;

/// The useapi.net token the emulator accepts (MiniMax and PixVerse).
pub const USEAPI_TOKEN: &str = "user:1-emulator-token";
/// The Hour One API key the emulator accepts.
pub const HOURONE_KEY: &str = "emulator-hourone-key";
/// The memories.ai API key the emulator accepts.
pub const MEMORIES_KEY: &str = "emulator-memories-key";

/// One request as the emulator received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent, still percent-encoded, without the query.
    pub path: String,
    /// The query as sent, still encoded (empty when there was none).
    pub raw_query: String,
    /// The query, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Every header, names in lowercase, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When the emulator had read the whole request.
    pub received: Instant,
    /// Whether the request was refused by a rate limit
    /// ([`Emulator::rate_limit`]) rather than answered.
    pub rate_limited: bool,
}

impl RecordedRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter of that name, decoded.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// State shared between the emulator handle and its server threads.
pub(crate) struct Shared {
    /// `http://127.0.0.1:<port>`, for the media URLs of finished videos.
    base_url: String,
    data: data::Data,
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    limits: Mutex<Vec<RateLimit>>,
    media: Mutex<media::MediaHost>,
}

/// A rate limit on one path: at most `requests` in any window of `per`,
/// counting every request received (refused ones too), as a sliding window.
struct RateLimit {
    path: String,
    requests: usize,
    per: Duration,
    /// When the requests still inside the window arrived.
    seen: VecDeque<Instant>,
}

impl RateLimit {
    /// Counts a request arriving `at`; whether it is one too many.
    fn refuses(&mut self, at: Instant) -> bool {
        while self
            .seen
            .front()
            .is_some_and(|first| at.duration_since(*first) >= self.per)
        {
            self.seen.pop_front();
        }
        let over = self.seen.len() >= self.requests;
        self.seen.push_back(at);
        over
    }
}

/// A running emulator. It listens on `127.0.0.1` until dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    base_url: String,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Locks a mutex even if a handler thread panicked while holding it: the
/// recorded data stays usable for the test that wants to see it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Emulator {
    /// Starts on a free port of `127.0.0.1`.
    pub fn start() -> std::io::Result<Emulator> {
        Self::start_on(0)
    }

    /// Starts on the given port of `127.0.0.1` (0 picks a free one).
    pub fn start_on(port: u16) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            base_url: base_url.clone(),
            data: data::Data::load(),
            faults: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            limits: Mutex::new(Vec::new()),
            media: Mutex::new(media::MediaHost::default()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (shared, stop) = (shared.clone(), stop.clone());
            std::thread::Builder::new()
                .name("vidapi-emulator".into())
                .spawn(move || accept_loop(&listener, &shared, &stop))?
        };
        Ok(Emulator {
            addr,
            shared,
            stop,
            accept: Some(accept),
            base_url,
        })
    }

    /// `http://127.0.0.1:<port>`: the base URL for every client
    /// ([`Config::base_url`](crate::Config::base_url)); the paths below it
    /// are the providers' own (`/v1/minimax/…`, `/v2/pixverse/…`, `/videos…`,
    /// `/serve/api/…`), and the media host's `/media/<name>`, which serves
    /// [`media_bytes`]`(<name>)` to anyone (`Range: bytes=<n>-` or
    /// `bytes=<n>-<m>` answered with 206 and `Content-Range`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Replaces every media file: from now on `/media/<name>` serves other
    /// bytes of the same size ([`media_file`](Self::media_file)), with
    /// another `ETag` and a later `Last-Modified`, as a media host does
    /// when a file is regenerated under the same URL.
    pub fn replace_media(&self) {
        lock(&self.shared.media).generation += 1;
    }

    /// The bytes `/media/<name>` serves now: [`media_bytes`]`(name)` until
    /// [`replace_media`](Self::replace_media) is called.
    pub fn media_file(&self, name: &str) -> Vec<u8> {
        media::file(name, lock(&self.shared.media).generation)
    }

    /// The `ETag` and `Last-Modified` `/media/<name>` is served with now.
    pub fn media_validators(&self, name: &str) -> (String, String) {
        media::validators(name, lock(&self.shared.media).generation)
    }

    /// How the media host sends its bodies from now on ([`MediaMode`]):
    /// cut or stalled after some bytes of every answer, or endless.
    pub fn set_media_mode(&self, mode: MediaMode) {
        lock(&self.shared.media).mode = mode;
    }

    /// Makes the next `times` answers misbehave as `fault` says, whatever
    /// the endpoint. Faults queue in the order given.
    pub fn fail_next(&self, times: usize, fault: Fault) {
        let mut queue = lock(&self.shared.faults);
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// How many queued faults have not been used yet.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len()
    }

    /// Drops faults that have not been used yet.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Enforces a rate limit on `path` (as sent, without the query): from
    /// now on, a request that would make more than `requests` in any window
    /// of `per` (a sliding window, counting every request received, refused
    /// ones too) is refused: memories.ai's paths (`/serve/…`) with its
    /// documented `0429` envelope under HTTP 200, others with HTTP 429 in
    /// useapi.net's error shape, without `Retry-After`. Refusals are marked
    /// [`RecordedRequest::rate_limited`]; they take no queued fault. A
    /// second call for the same path replaces its limit.
    ///
    /// ```
    /// use std::time::Duration;
    /// use vidapi::emulator::{Emulator, MEMORIES_KEY};
    /// use vidapi::{Config, Memories, RetryPolicy};
    /// let emulator = Emulator::start()?;
    /// emulator.rate_limit("/serve/api/video/list_videos", 5, Duration::from_secs(1));
    /// let config = Config::new().base_url(emulator.base_url()).retry(RetryPolicy::none());
    /// let unpaced = Memories::with_config(MEMORIES_KEY, config.clone().pacing(false))?;
    /// let results: Vec<_> = (0..6).map(|_| unpaced.list_videos(&Default::default())).collect();
    /// assert_eq!(results[5].as_ref().unwrap_err().retry_after(), None);
    /// assert!(emulator.requests()[5].rate_limited);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rate_limit(&self, path: &str, requests: usize, per: Duration) {
        let mut limits = lock(&self.shared.limits);
        limits.retain(|limit| limit.path != path);
        limits.push(RateLimit {
            path: path.to_owned(),
            requests,
            per,
            seen: VecDeque::new(),
        });
    }

    /// Gives the emulated PixVerse account `count` videos (55 until told
    /// otherwise: the `total` of the documented sample), for paging through
    /// a large account: the list and the single-video lookup both see them.
    /// They are made from the documented videos as they are asked for, so
    /// a million of them cost no memory.
    ///
    /// ```
    /// use vidapi::emulator::{Emulator, USEAPI_TOKEN};
    /// use vidapi::{Config, UseApi};
    /// let emulator = Emulator::start()?;
    /// emulator.set_pixverse_video_count(100_000);
    /// let useapi = UseApi::with_config(USEAPI_TOKEN, Config::new().base_url(emulator.base_url()))?;
    /// let page = useapi.pixverse().videos(None, Some(40), Some(99_980))?;
    /// assert_eq!(page.data.map(|videos| videos.len()), Some(20));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_pixverse_video_count(&self, count: usize) {
        self.shared.data.pixverse.set_count(count);
    }

    /// Sets up (or replaces) a useapi.net account of `provider` (MiniMax
    /// account name or PixVerse email): its capacity, credits and hold.
    /// The emulator starts with [`MINIMAX_ACCOUNT`] and [`PIXVERSE_EMAIL`],
    /// each with [`Account::default`].
    ///
    /// ```
    /// use vidapi::emulator::{Account, Emulator};
    /// use vidapi::{Config, Provider, UseApi};
    /// let emulator = Emulator::start()?;
    /// emulator.set_account(Provider::MiniMax, "spare", Account { max_jobs: 2, ..Account::default() });
    /// let useapi = UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, Config::new().base_url(emulator.base_url()))?;
    /// let capacity = useapi.minimax().scheduler_available()?;
    /// assert_eq!(capacity.available.unwrap().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_account(&self, provider: Provider, name: &str, account: Account) {
        self.shared.data.jobs.set_account(provider, name, account);
    }

    /// Removes every account of `provider` (then add others with
    /// [`set_account`](Self::set_account)).
    pub fn remove_accounts(&self, provider: Provider) {
        self.shared.data.jobs.remove_accounts(provider);
    }

    /// The account of `provider` named `name` as it is now (credits spent).
    pub fn account(&self, provider: Provider, name: &str) -> Option<Account> {
        self.shared.data.jobs.account(provider, name)
    }

    /// How long created videos stay queued and generating from now on.
    pub fn set_generation(&self, generation: Generation) {
        self.shared.data.jobs.set_generation(generation);
    }

    /// Makes the next `times` creates that the emulator accepts end as
    /// `what` says instead of with their 200: the job is made and counted,
    /// as when MiniMax answers 502 after it has queued the video.
    pub fn after_accept(&self, times: usize, what: AfterAccept) {
        self.shared.data.jobs.after_accept(times, what);
    }

    /// Every create the emulator accepted, oldest first (whatever it then
    /// answered).
    pub fn created(&self) -> Vec<CreatedJob> {
        self.shared.data.jobs.created()
    }

    /// How many creates of `provider` the emulator accepted on `account`.
    pub fn creates_on(&self, provider: Provider, account: &str) -> usize {
        let created = self.created();
        created
            .iter()
            .filter(|c| c.provider == provider && c.account == account)
            .count()
    }

    /// How many files were uploaded to `provider`'s `account`.
    pub fn uploads_on(&self, provider: Provider, account: &str) -> usize {
        self.shared.data.jobs.uploads_on(provider, account)
    }

    /// How many creates the emulator accepted with this `replyRef`.
    pub fn creates_with_ref(&self, reply_ref: &str) -> usize {
        let created = self.created();
        created
            .iter()
            .filter(|c| c.reply_ref.as_deref() == Some(reply_ref))
            .count()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets recorded requests and connections.
    pub fn reset_records(&self) {
        lock(&self.shared.requests).clear();
        self.shared.connections.store(0, Ordering::SeqCst);
    }

    /// How many distinct TCP connections carried the requests so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Emulator {
    /// Makes the media host wait this long before each answer (a distant
    /// CDN), so that concurrent downloads can be told from sequential ones.
    pub fn set_media_latency(&self, latency: Duration) {
        lock(&self.shared.media).latency = latency;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop with a connection of our own.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// How long an idle keep-alive connection is kept before the emulator closes it.
const IDLE: Duration = Duration::from_secs(30);

/// Accepts connections until stopped; each one is served on its own thread,
/// so a stalled answer never holds up the others.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: &Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let (shared, stop) = (shared.clone(), stop.clone());
        // Out of threads: the connection is dropped and its client sees it
        // close, which is what an overloaded server does.
        let _ = std::thread::Builder::new()
            .name("vidapi-emulator-conn".into())
            .spawn(move || serve_connection(stream, &shared, &stop));
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while !stop.load(Ordering::SeqCst) {
        let Ok(Some(incoming)) = http::read_request(&mut reader) else {
            break;
        };
        let recorded = record(shared, incoming);
        if recorded.method == "CONNECT" {
            if tunnel(shared, &recorded, &mut writer) {
                continue;
            }
            break;
        }
        let close = recorded
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let fault = if recorded.rate_limited {
            Some(routes::rate_limited(&recorded))
        } else {
            lock(&shared.faults).pop_front()
        };
        let outcome = match fault {
            Some(fault) => fault::act(fault, &mut writer),
            None => fault::Outcome::Answer,
        };
        let keep = match outcome {
            fault::Outcome::Answered => true,
            fault::Outcome::Close => false,
            fault::Outcome::Answer
                if recorded.method == "POST" && recorded.path == "/emulator/media" =>
            {
                media::control(&shared.media, &recorded)
                    .write_to(&mut writer, close)
                    .is_ok()
            }
            fault::Outcome::Answer
                if recorded.method == "GET" && recorded.path.starts_with("/media/") =>
            {
                let name = routes::decoded(&recorded.path["/media/".len()..]);
                media::serve(&shared.media, &recorded, &name, &mut writer, close, stop)
            }
            fault::Outcome::Answer => routes::answer(&shared.data, &shared.base_url, &recorded)
                .write_to(&mut writer, close)
                .is_ok(),
        };
        if !keep || close {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// Acts as a forward proxy to itself: a `CONNECT` to the emulator's own
/// address is answered 200 and the connection then carries requests to the
/// emulator, as a tunnel through a proxy would; any other target is
/// refused with 502. Whether the connection goes on.
fn tunnel(shared: &Shared, recorded: &RecordedRequest, writer: &mut TcpStream) -> bool {
    let own = shared.base_url.trim_start_matches("http://");
    let target = recorded.path.as_str();
    let to_self = target == own || target == own.replacen("127.0.0.1", "localhost", 1);
    let head: &[u8] = if to_self {
        b"HTTP/1.1 200 Connection Established\r\n\r\n"
    } else {
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    };
    use std::io::Write;
    writer.write_all(head).and_then(|_| writer.flush()).is_ok() && to_self
}

fn record(shared: &Shared, incoming: http::Incoming) -> RecordedRequest {
    let (path, raw_query) = incoming
        .target
        .split_once('?')
        .unwrap_or((incoming.target.as_str(), ""));
    let received = Instant::now();
    // One limit per path at most (`rate_limit` replaces an earlier one).
    let rate_limited = lock(&shared.limits)
        .iter_mut()
        .find(|limit| limit.path == path)
        .is_some_and(|limit| limit.refuses(received));
    let recorded = RecordedRequest {
        received,
        rate_limited,
        method: incoming.method,
        path: path.to_owned(),
        raw_query: raw_query.to_owned(),
        query: form_urlencoded::parse(raw_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        headers: incoming.headers,
        body: incoming.body,
    };
    lock(&shared.requests).push(recorded.clone());
    recorded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides() {
        let mut limit = RateLimit {
            path: "/p".into(),
            requests: 2,
            per: Duration::from_secs(1),
            seen: VecDeque::new(),
        };
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        assert!(!limit.refuses(ms(0)));
        assert!(!limit.refuses(ms(400)));
        // A third within one second of the first: refused, and counted.
        assert!(limit.refuses(ms(999)));
        // 1000 ms after the first, the window holds 400 and 999.
        assert!(limit.refuses(ms(1000)));
        // 1400: the window (400, 1400] holds 999 and 1000.
        assert!(limit.refuses(ms(1400)));
        // 2401: 999, 1000 and 1400 are all a second or more ago.
        assert!(!limit.refuses(ms(2401)));
    }
}
