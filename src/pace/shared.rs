//! Pacing shared by every process on the machine that opts in: one small
//! state file per limit, provider host and credential, in a directory the
//! caller names ([`Config::shared_pacing`](crate::Config::shared_pacing);
//! the `vidapi` command uses [`default_dir`]).
//!
//! The file holds the send times (unix nanoseconds) of the last requests
//! let through, as many as the rate allows in one window (at most 64),
//! oldest first. A request takes an exclusive advisory lock on the file,
//! reads the times, takes the earliest free slot, writes the times back
//! with its own added, and unlocks; only then does it sleep until its
//! slot. The lock is held for that read and write alone, never while
//! sleeping. The slot is the earliest time at or after now that keeps the
//! `k`-th newest time `k` spacings back ([`Rate::spacing`]): requests leave
//! one spacing apart, and any `n + 1` of them span `n` spacings, 1.1
//! windows. A request that wakes late (a busy machine) writes its real
//! send time in place of its slot, so the requests that reserve after it
//! count from when it really went.
//!
//! The file is named after the limit and a SHA-256 of the host and the
//! credential (never the credential itself), created `0600` in a `0700`
//! directory, and opened without following a symbolic link. It is
//! rewritten in place under its lock, not replaced: a lock follows the
//! file, so a renamed-in copy would be a second, unlocked one. A torn or
//! corrupt content reads as corrupt and starts afresh.
//!
//! Nothing here ever stops a request: a state that cannot be used (a
//! directory that cannot be made, a symbolic link or other non-file at
//! the path, a lock not granted within 2 s, a system other than Unix)
//! leaves the request paced within its process only, with one warning
//! per limiter (target `vidapi::pace`). Times more than two windows' worth of
//! spacings ahead of the clock (a clock set back, a file tampered with) are
//! dropped with a warning, so a state file can make a request wait at most
//! that long.
//!
//! A state only its own user can write is trusted: a directory owned by
//! another user or writable by group or others, or a state file with more
//! than one name (a hard link planted at the path), owned by another user or
//! writable by others, is not used (paced within the process, with the
//! warning) and never written.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::Rate;

/// The first line of a state file: its format.
const HEADER: &str = "vidapi-pace 1";
/// The most send times a state file keeps.
const MAX_KEPT: usize = 64;
/// Times further ahead of the clock than this many windows (of `kept`
/// spacings) are nonsense or tampering: no queue of honest requests ahead
/// of this one is kept that long.
const MAX_AHEAD_WINDOWS: u64 = 2;
/// The most of a state file read: more is corrupt.
const MAX_STATE_BYTES: u64 = 4096;
/// How long a request waits for the lock before pacing in-process only.
const LOCK_PATIENCE: Duration = Duration::from_secs(2);
/// A request that wakes later than its slot by more than this writes its
/// real send time back.
const LATE: Duration = Duration::from_millis(1);

/// The directory the `vidapi` command shares its pacing in:
/// `$XDG_CACHE_HOME/vidapi/pace` when that variable holds an absolute
/// path, else `$HOME/.cache/vidapi/pace`; `None` when neither is set.
/// The library itself never reads it: a client shares its pacing only
/// when given a directory with
/// [`Config::shared_pacing`](crate::Config::shared_pacing).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(cache.join("vidapi").join("pace"))
}

/// The shared half of one limiter: its state file and spacing.
#[derive(Debug)]
pub(crate) struct SharedLane {
    dir: PathBuf,
    path: PathBuf,
    /// The gap kept between two sends, in nanoseconds.
    spacing: u64,
    /// How many send times the file keeps.
    kept: usize,
    /// Whether the warning about an unusable state was given already.
    warned: AtomicBool,
}

/// Why the state could not be used this time.
#[derive(Debug)]
pub(crate) enum Unusable {
    /// Opening, locking, reading or writing failed.
    Io(io::Error),
    /// Something other than a regular file is at the path.
    NotAFile,
    /// Another process held the lock longer than [`LOCK_PATIENCE`].
    Busy,
    /// The directory or file could be written by another user, or the file
    /// has other names: what it says cannot be trusted.
    Untrusted(String),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Io(e) => write!(f, "{e}"),
            Unusable::NotAFile => f.write_str("not a regular file"),
            Unusable::Busy => write!(f, "still locked after {LOCK_PATIENCE:?}"),
            Unusable::Untrusted(why) => f.write_str(why),
        }
    }
}

impl From<io::Error> for Unusable {
    fn from(e: io::Error) -> Self {
        Unusable::Io(e)
    }
}

/// What was read from a state file.
#[derive(Debug, PartialEq)]
enum State {
    /// The send times, oldest first.
    Times(Vec<u64>),
    /// Not a state this version wrote (or a torn write).
    Corrupt,
}

impl SharedLane {
    /// The shared limiter of the limit `name` at `rate`, for requests to
    /// `base` with `secret`, its state kept in `dir`.
    pub(crate) fn new(
        dir: &Path,
        name: &str,
        rate: Rate,
        base: &str,
        secret: &SecretString,
    ) -> SharedLane {
        let spacing = u64::try_from(rate.spacing().as_nanos())
            .unwrap_or(u64::MAX)
            .max(1);
        SharedLane {
            dir: dir.to_owned(),
            path: dir.join(file_name(name, base, secret)),
            spacing,
            kept: usize::try_from(rate.requests)
                .unwrap_or(MAX_KEPT)
                .clamp(1, MAX_KEPT),
            warned: AtomicBool::new(false),
        }
    }

    /// Reserves this request's slot and sleeps until it; returns how long
    /// it slept. A state that cannot be used is warned about (once) and
    /// costs no wait: the in-process limiter has paced the request.
    pub(crate) fn wait(&self) -> Duration {
        let slot = match self.reserve(unix_nanos()) {
            Ok(slot) => slot,
            Err(e) => {
                self.warn_once(&e);
                return Duration::ZERO;
            }
        };
        let start = Instant::now();
        let now = unix_nanos();
        if slot > now {
            std::thread::sleep(Duration::from_nanos(slot - now));
        }
        let sent = unix_nanos();
        if sent > slot.saturating_add(nanos(LATE)) {
            if let Err(e) = self.settle(slot, sent) {
                self.warn_once(&e);
            }
        }
        start.elapsed()
    }

    /// Reserves the earliest free slot at or after `now` (unix nanos).
    pub(crate) fn reserve(&self, now: u64) -> Result<u64, Unusable> {
        let mut slot = now;
        self.update(|times| {
            let slots = MAX_AHEAD_WINDOWS * self.kept as u64;
            let ahead = now.saturating_add(self.spacing.saturating_mul(slots));
            if times.iter().any(|&t| t > ahead) {
                tracing::warn!(
                    target: "vidapi::pace",
                    path = %self.path.display(),
                    "shared pacing state holds times far in the future (clock set back?); starting afresh"
                );
                times.clear();
            }
            slot = next_slot(times, now, self.spacing);
            times.push(slot);
            let extra = times.len().saturating_sub(self.kept);
            times.drain(..extra);
        })?;
        Ok(slot)
    }

    /// Writes `sent`, the real send time, in place of the reserved `slot`.
    fn settle(&self, slot: u64, sent: u64) -> Result<(), Unusable> {
        self.update(|times| {
            if let Some(time) = times.iter_mut().find(|t| **t == slot) {
                *time = sent.max(slot);
            }
        })
    }

    /// Opens and locks the state file, hands its times to `change`, writes
    /// them back and unlocks. A corrupt state is warned about and starts
    /// empty.
    fn update(&self, change: impl FnOnce(&mut Vec<u64>)) -> Result<(), Unusable> {
        let mut file = self.open()?;
        lock(&file)?;
        let outcome = (|| {
            let mut times = match read_state(&mut file)? {
                State::Times(times) => times,
                State::Corrupt => {
                    tracing::warn!(
                        target: "vidapi::pace",
                        path = %self.path.display(),
                        "shared pacing state is corrupt; starting afresh"
                    );
                    Vec::new()
                }
            };
            change(&mut times);
            write_state(&mut file, &times)?;
            Ok(())
        })();
        // Closing the file releases the lock too; unlocking first says so.
        unlock(&file);
        outcome
    }

    /// The state file, created `0600` (its directory `0700`) if missing,
    /// never through a symbolic link, and only if it is a regular file.
    fn open(&self) -> Result<File, Unusable> {
        create_dir(&self.dir)?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // No following a planted link; no blocking on a planted FIFO.
            let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
            options.mode(0o600).custom_flags(flags.bits() as i32);
        }
        trusted_dir(&self.dir)?;
        let file = options.open(&self.path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(Unusable::NotAFile);
        }
        trusted_file(&meta)?;
        Ok(file)
    }

    fn warn_once(&self, e: &Unusable) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                target: "vidapi::pace",
                path = %self.path.display(),
                error = %e,
                "shared pacing state unusable; pacing within this process only"
            );
        }
    }
}

/// The earliest slot at or after `now` that keeps the `k`-th newest of
/// `times` (oldest first) at least `k` spacings back.
pub(crate) fn next_slot(times: &[u64], now: u64, spacing: u64) -> u64 {
    times
        .iter()
        .rev()
        .zip(1u64..)
        .map(|(&time, k)| time.saturating_add(spacing.saturating_mul(k)))
        .fold(now, u64::max)
}

/// `limit-name-<32 hex digits>.state`: the limit, readable; the host and
/// credential only as a SHA-256, so the name tells nothing of the key.
fn file_name(name: &str, base: &str, secret: &SecretString) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [name, base, secret.expose_secret()] {
        context.update(&(part.len() as u64).to_be_bytes());
        context.update(part.as_bytes());
    }
    let digest = context.finish();
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{slug}-{hex}.state")
}

/// Refuses a pace directory another user owns or that group or others may
/// write to: they could plant or replace state files in it.
#[cfg(unix)]
fn trusted_dir(dir: &Path) -> Result<(), Unusable> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir)?;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(Unusable::Untrusted(format!(
            "the pace folder belongs to user {}, not to this one ({me})",
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Unusable::Untrusted(format!(
            "the pace folder is writable by others (mode {:o}); chmod 700 it",
            meta.mode() & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn trusted_dir(_: &Path) -> Result<(), Unusable> {
    Ok(())
}

/// Refuses a state file with another name (a hard link: writing it would
/// change that file), another owner, or write access for others.
#[cfg(unix)]
fn trusted_file(meta: &std::fs::Metadata) -> Result<(), Unusable> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.nlink() > 1 {
        return Err(Unusable::Untrusted(format!(
            "the state file has {} hard links; it is left untouched",
            meta.nlink()
        )));
    }
    if meta.uid() != me {
        return Err(Unusable::Untrusted(format!(
            "the state file belongs to user {}, not to this one ({me})",
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Unusable::Untrusted(format!(
            "the state file is writable by others (mode {:o})",
            meta.mode() & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn trusted_file(_: &std::fs::Metadata) -> Result<(), Unusable> {
    Ok(())
}

fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Takes the exclusive lock (`flock`), trying for up to [`LOCK_PATIENCE`]:
/// it is held for microseconds, so a longer wait means a stopped holder.
#[cfg(unix)]
fn lock(file: &File) -> Result<(), Unusable> {
    use rustix::fs::{FlockOperation, flock};
    let start = Instant::now();
    loop {
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK || e == rustix::io::Errno::INTR => {
                if start.elapsed() >= LOCK_PATIENCE {
                    return Err(Unusable::Busy);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(io::Error::from(e).into()),
        }
    }
}

/// Elsewhere the state is not shared (std's `File::lock` needs a newer
/// Rust than this crate asks for): in-process pacing only.
#[cfg(not(unix))]
fn lock(_: &File) -> Result<(), Unusable> {
    Err(Unusable::Io(io::Error::new(
        io::ErrorKind::Unsupported,
        "shared pacing needs a Unix system",
    )))
}

#[cfg(unix)]
fn unlock(file: &File) {
    let _ = rustix::fs::flock(file, rustix::fs::FlockOperation::Unlock);
}

#[cfg(not(unix))]
fn unlock(_: &File) {}

fn read_state(file: &mut File) -> io::Result<State> {
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    file.take(MAX_STATE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(parse(&bytes))
}

/// A state file's content: empty (just created), or the header and one
/// time per line.
fn parse(bytes: &[u8]) -> State {
    if bytes.is_empty() {
        return State::Times(Vec::new());
    }
    if bytes.len() as u64 > MAX_STATE_BYTES {
        return State::Corrupt;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return State::Corrupt;
    };
    let Some(rest) = text
        .strip_prefix(HEADER)
        .and_then(|rest| rest.strip_prefix('\n'))
    else {
        return State::Corrupt;
    };
    // A whole file ends with a newline; a torn one does not.
    let Some(rest) = rest
        .strip_suffix('\n')
        .or((rest.is_empty()).then_some(rest))
    else {
        return State::Corrupt;
    };
    if rest.is_empty() {
        return State::Times(Vec::new());
    }
    let times: Option<Vec<u64>> = rest.split('\n').map(|line| line.parse().ok()).collect();
    match times {
        Some(times) if times.len() <= MAX_KEPT => State::Times(times),
        _ => State::Corrupt,
    }
}

fn write_state(file: &mut File, times: &[u64]) -> io::Result<()> {
    let mut text = format!("{HEADER}\n");
    for time in times {
        text.push_str(&time.to_string());
        text.push('\n');
    }
    file.seek(SeekFrom::Start(0))?;
    file.set_len(0)?;
    file.write_all(text.as_bytes())
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Now, in unix nanoseconds (0 for a clock before 1970).
fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn lane(dir: &Path) -> SharedLane {
        SharedLane::new(
            dir,
            "memories.ai list",
            Rate::per_second(5),
            "http://127.0.0.1:1",
            &SecretString::from("key"),
        )
    }

    #[test]
    fn slots_keep_the_spacing_and_the_window() {
        let spacing = 220 * MS;
        // Nothing sent yet, or long ago: now.
        assert_eq!(next_slot(&[], 1000 * MS, spacing), 1000 * MS);
        assert_eq!(next_slot(&[1, 2], 1000 * MS, spacing), 1000 * MS);
        // One spacing after the newest.
        assert_eq!(next_slot(&[900 * MS], 1000 * MS, spacing), 1120 * MS);
        // A newest that went out late pushes the next back from its real time.
        let late = [0, 220 * MS, 440 * MS, 660 * MS, 990 * MS];
        assert_eq!(next_slot(&late, 1000 * MS, spacing), 1210 * MS);
        // An oldest that went out late keeps the sixth 5 spacings after it.
        let early_late = [150 * MS, 220 * MS, 440 * MS, 660 * MS, 880 * MS];
        assert_eq!(next_slot(&early_late, 900 * MS, spacing), 1250 * MS);
        // Far ends do not overflow.
        assert_eq!(next_slot(&[u64::MAX], 0, spacing), u64::MAX);
    }

    #[test]
    fn reservations_follow_each_other_and_the_file_keeps_one_window() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane(dir.path());
        let now = 1_000_000 * MS;
        let slots: Vec<u64> = (0..8).map(|_| lane.reserve(now).unwrap()).collect();
        let expected: Vec<u64> = (0..8).map(|k| now + k * 220 * MS).collect();
        assert_eq!(slots, expected);
        let text = std::fs::read_to_string(&lane.path).unwrap();
        let kept: Vec<&str> = text.lines().collect();
        assert_eq!(kept[0], HEADER);
        assert_eq!(kept.len(), 1 + 5, "{text}");
        // A late sender's real time replaces its slot.
        lane.settle(slots[7], slots[7] + 50 * MS).unwrap();
        assert_eq!(lane.reserve(now).unwrap(), slots[7] + 270 * MS);
    }

    #[test]
    fn file_and_directory_are_private_and_named_without_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let pace = dir.path().join("a").join("pace");
        let lane = lane(&pace);
        lane.reserve(1).unwrap();
        let name = lane.path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(name.starts_with("memories-ai-list-"), "{name}");
        assert!(!name.contains("key"));
        // Another key, another host: another file.
        let other = SharedLane::new(
            &pace,
            "memories.ai list",
            Rate::per_second(5),
            "http://127.0.0.1:1",
            &SecretString::from("other"),
        );
        assert_ne!(other.path, lane.path);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&lane.path), 0o600);
            assert_eq!(mode(&pace), 0o700);
        }
    }

    #[test]
    fn corrupt_states_start_afresh() {
        for content in [
            &b"garbage"[..],
            b"vidapi-pace 1\n12\nnot a number\n",
            b"vidapi-pace 1\n12\n34",
            b"vidapi-pace 2\n12\n",
            b"\xff\xfe",
            &[b'1'; 5000][..],
        ] {
            assert_eq!(parse(content), State::Corrupt, "{content:?}");
            let dir = tempfile::tempdir().unwrap();
            let lane = lane(dir.path());
            std::fs::write(&lane.path, content).unwrap();
            assert_eq!(lane.reserve(77).unwrap(), 77);
            let text = std::fs::read_to_string(&lane.path).unwrap();
            assert_eq!(text, format!("{HEADER}\n77\n"));
        }
        assert_eq!(parse(b""), State::Times(vec![]));
        assert_eq!(parse(b"vidapi-pace 1\n"), State::Times(vec![]));
        assert_eq!(parse(b"vidapi-pace 1\n1\n2\n"), State::Times(vec![1, 2]));
    }

    #[test]
    fn times_far_ahead_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane(dir.path());
        // A clock set back by an hour: the old times are an hour ahead.
        let hour = 3_600_000 * MS;
        std::fs::write(&lane.path, format!("{HEADER}\n{}\n", 5 * hour)).unwrap();
        assert_eq!(lane.reserve(4 * hour).unwrap(), 4 * hour);
        // Within two windows (10 spacings of 220 ms), they are a queue and
        // are kept; 10 s ahead is not a queue of 5 a second: dropped, so a
        // state file imposes no more than 2.2 s on one request.
        std::fs::write(&lane.path, format!("{HEADER}\n{}\n", 2_000 * MS)).unwrap();
        assert_eq!(lane.reserve(0).unwrap(), 2_220 * MS);
        std::fs::write(&lane.path, format!("{HEADER}\n{}\n", 10_000 * MS)).unwrap();
        assert_eq!(lane.reserve(0).unwrap(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_at_the_state_path_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane(dir.path());
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::hard_link(&victim, &lane.path).unwrap();
        let err = lane.reserve(1).unwrap_err();
        assert!(err.to_string().contains("2 hard links"), "{err}");
        assert_eq!(lane.wait(), Duration::ZERO);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn folders_and_files_others_can_write_are_not_trusted() {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, mode| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
        };
        let dir = tempfile::tempdir().unwrap();
        let pace = dir.path().join("pace");
        std::fs::create_dir(&pace).unwrap();
        let lane = lane(&pace);
        std::fs::write(&lane.path, format!("{HEADER}\n{}\n", 2_000 * MS)).unwrap();
        set(&lane.path, 0o600);
        set(&pace, 0o777);
        let err = lane.reserve(0).unwrap_err();
        assert!(err.to_string().contains("writable by others"), "{err}");
        set(&pace, 0o700);
        set(&lane.path, 0o666);
        let err = lane.reserve(0).unwrap_err();
        assert!(err.to_string().contains("writable by others"), "{err}");
        set(&lane.path, 0o600);
        assert_eq!(lane.reserve(0).unwrap(), 2_220 * MS);
        // Owned by another user (only root can hand a folder over).
        if rustix::process::geteuid().is_root() {
            let nobody = Some(rustix::process::Uid::from_raw(65534));
            rustix::fs::chown(&pace, nobody, None).unwrap();
            let err = lane.reserve(0).unwrap_err();
            assert!(err.to_string().contains("belongs to user 65534"), "{err}");
            rustix::fs::chown(&pace, Some(rustix::process::geteuid()), None).unwrap();
            rustix::fs::chown(&lane.path, nobody, None).unwrap();
            let err = lane.reserve(0).unwrap_err();
            assert!(err.to_string().contains("belongs to user 65534"), "{err}");
        } else {
            eprintln!("skipped the other-owner case: only root can chown to another user");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane(dir.path());
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, &lane.path).unwrap();
        assert!(matches!(lane.reserve(1), Err(Unusable::Io(_))));
        // A dangling link is not followed to create its target either.
        let dangling = dir.path().join("made");
        std::fs::remove_file(&lane.path).unwrap();
        std::os::unix::fs::symlink(&dangling, &lane.path).unwrap();
        assert!(lane.reserve(1).is_err());
        assert!(!dangling.exists());
        // The request still goes: no wait from the shared state.
        assert_eq!(lane.wait(), Duration::ZERO);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_directory_at_the_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane(dir.path());
        std::fs::create_dir(&lane.path).unwrap();
        assert!(lane.reserve(1).is_err());
        std::fs::remove_dir(&lane.path).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&lane.path)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            assert!(matches!(lane.reserve(1), Err(Unusable::NotAFile)));
        }
        // A directory that cannot be made: a file in its place.
        let blocked = SharedLane::new(
            &dir.path().join("victim-file").join("pace"),
            "x",
            Rate::per_second(5),
            "b",
            &SecretString::from("k"),
        );
        std::fs::write(dir.path().join("victim-file"), "x").unwrap();
        assert!(blocked.reserve(1).is_err());
        assert_eq!(blocked.wait(), Duration::ZERO);
    }

    #[test]
    fn threads_with_lanes_of_their_own_never_share_a_slot() {
        let dir = tempfile::tempdir().unwrap();
        let now = unix_nanos();
        let slots = std::sync::Mutex::new(Vec::new());
        // Rounds of 8 at once, the clock moving 8 spacings between rounds:
        // a queue never longer than the two windows a state may impose.
        let round = std::sync::Barrier::new(8);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    // Each thread opens the file itself, like a process.
                    let lane = lane(dir.path());
                    for r in 0..25u64 {
                        round.wait();
                        let slot = lane.reserve(now + r * 8 * 220 * MS).unwrap();
                        slots.lock().unwrap().push(slot);
                        round.wait();
                    }
                });
            }
        });
        let mut slots = slots.into_inner().unwrap();
        slots.sort();
        assert_eq!(slots.len(), 200);
        // 200 distinct slots, exactly one spacing apart: none reserved twice.
        for (k, slot) in slots.iter().enumerate() {
            assert_eq!(*slot, now + k as u64 * 220 * MS);
        }
    }
}
