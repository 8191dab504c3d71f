//! Media downloads: a finished video's file, from the provider's media host
//! to disk.
//!
//! The media host is not the API host: a [`Downloader`] is made from a
//! [`Config`] alone and holds no credential, so none can be sent to it. It
//! streams the body to `PATH.part` through a fixed 64 KiB buffer (a
//! multi-GB file is never held in memory), resumes a cut connection with an
//! HTTP `Range` request from where the partial file ends, checks
//! `Content-Length` and `Content-Range`, and renames the file into place
//! only when every byte arrived. On failure nothing is left at `PATH` and
//! no `.part` file remains.
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

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::config::{Config, RetryPolicy};
use crate::error::{Endpoint, Error, Provider, Result};
use crate::stage::Stage;
use crate::transport::Media;
use crate::view::Video;

/// How much of the body is held in memory at a time.
const BUFFER: usize = 64 * 1024;
/// The longest file name [`default_file_name`] makes, extension included.
const MAX_NAME: usize = 160;

/// Settings of one download.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The largest file accepted, in bytes; `None` (the default) for no
    /// limit. The API's body limit ([`Config::max_body_bytes`]) does not
    /// apply to media. A file announced larger is refused before a byte is
    /// written; one that grows past it stops there.
    pub max_bytes: Option<u64>,
    /// Replace a file already at the path (atomically, by the final
    /// rename). Off by default: an existing file is an
    /// [`Error::FileExists`] and nothing is downloaded.
    pub overwrite: bool,
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
    /// The URL it was fetched from (before redirects).
    pub url: String,
    /// How many times a cut connection was resumed with `Range`.
    pub resumed: u32,
    /// How many times the download started over because the media host
    /// ignored `Range` and sent the whole file again.
    pub restarted: u32,
}

/// Fetches media files over a credential-free connection; see the
/// [module docs](self).
#[derive(Clone, Debug)]
pub struct Downloader {
    media: Media,
    retry: RetryPolicy,
    options: Options,
}

/// Why an attempt ended early, and whether another may continue it.
enum Stop {
    /// A cut or stalled connection, or an answer worth retrying.
    Retry(Error),
    /// Anything else.
    Fatal(Error),
}

/// What one attempt has to go on: the partial file and what is known of
/// the whole.
struct State {
    path: PathBuf,
    file: File,
    written: u64,
    total: Option<u64>,
    resumed: u32,
    restarted: u32,
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
    /// The bytes go to `path` with `.part` appended; the partial file is
    /// renamed to `path` once complete. A connection cut or stalled mid-body
    /// (or a 429, 502, 503 or 504) is tried again after the policy's backoff,
    /// from where the partial file ends (`Range: bytes=<n>-`); a media host
    /// that answers 200 instead of 206 restarts the file from its first
    /// byte. Failures in a row count against
    /// [`RetryPolicy::max_retries`]; an attempt that gets further than any
    /// before starts the count afresh. A `206` whose `Content-Range` is not
    /// the range asked for, or a body longer than announced, is an
    /// [`Error::Media`]; a body that stays short after the retries too.
    /// Redirects are followed to https URLs, or plain http on loopback.
    pub fn fetch(
        &self,
        url: &str,
        path: &Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<Downloaded> {
        if path.as_os_str().is_empty() {
            return Err(Error::invalid("download path", "must not be empty"));
        }
        if !self.options.overwrite && path.exists() {
            return Err(Error::FileExists {
                path: path.to_owned(),
            });
        }
        let part = part_path(path);
        let outcome = self.fetch_into(url, &part, &mut progress).and_then(|done| {
            if !self.options.overwrite && path.exists() {
                return Err(Error::FileExists {
                    path: path.to_owned(),
                });
            }
            std::fs::rename(&part, path)
                .map_err(|e| file_error(path, "cannot move into place", e))?;
            Ok(Downloaded {
                path: path.to_owned(),
                ..done
            })
        });
        if outcome.is_err() {
            // Whatever failed, no partial file stays behind.
            let _ = std::fs::remove_file(&part);
        }
        outcome
    }

    fn fetch_into(
        &self,
        url: &str,
        part: &Path,
        progress: &mut impl FnMut(Progress),
    ) -> Result<Downloaded> {
        let file = File::create(part).map_err(|e| file_error(part, "cannot create", e))?;
        let mut state = State {
            path: part.to_owned(),
            file,
            written: 0,
            total: None,
            resumed: 0,
            restarted: 0,
        };
        let mut buffer = vec![0u8; BUFFER];
        let mut failures = 0;
        let mut furthest = 0;
        loop {
            let error = match self.attempt(url, &mut state, &mut buffer, progress) {
                Ok(()) => break,
                Err(Stop::Fatal(error)) => return Err(error),
                Err(Stop::Retry(error)) => error,
            };
            if state.written > furthest {
                furthest = state.written;
                failures = 0;
            }
            if failures >= self.retry.max_retries {
                return Err(error);
            }
            match self.retry.delay(failures, error.retry_after()) {
                Some(wait) => std::thread::sleep(wait),
                None => return Err(error),
            }
            failures += 1;
            if state.written > 0 {
                state.resumed += 1;
            }
        }
        state
            .file
            .sync_all()
            .map_err(|e| file_error(part, "cannot write", e))?;
        Ok(Downloaded {
            path: part.to_owned(),
            bytes: state.written,
            url: url.to_owned(),
            resumed: state.resumed,
            restarted: state.restarted,
        })
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
        let mut answer = self.media.get(url, state.written).map_err(|e| {
            if e.is_retryable() || matches!(e, Error::Timeout { .. } | Error::Transport { .. }) {
                Stop::Retry(e)
            } else {
                Stop::Fatal(e)
            }
        })?;
        let status = answer.status;
        let inconsistent = |message: String| {
            Stop::Fatal(Error::Media {
                endpoint,
                status,
                message,
            })
        };
        // Where this answer's bytes end in the whole file, when known.
        let end = if status == 206 {
            let Some((first, last, size)) = answer.range.as_deref().and_then(content_range) else {
                return Err(inconsistent(format!(
                    "206 without a usable Content-Range ({:?})",
                    answer.range
                )));
            };
            if first != state.written {
                return Err(inconsistent(format!(
                    "Content-Range starts at byte {first}, but byte {} was asked for",
                    state.written
                )));
            }
            if size.is_some_and(|size| last + 1 != size) {
                return Err(inconsistent(format!(
                    "Content-Range ends at byte {last} of {size:?}, but the rest of the file was asked for"
                )));
            }
            if let (Some(known), Some(size)) = (state.total, size) {
                if known != size {
                    return Err(inconsistent(format!(
                        "the file was {known} bytes and is now {size}: it changed between requests"
                    )));
                }
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
            state.total = size.or(state.total);
            Some(last + 1)
        } else {
            // The whole file from its first byte: start over if there was
            // a partial one (a media host that ignores Range).
            if state.written > 0 {
                state
                    .file
                    .set_len(0)
                    .and_then(|()| state.file.seek(SeekFrom::Start(0)).map(|_| ()))
                    .map_err(|e| Stop::Fatal(file_error(&state.path, "cannot restart", e)))?;
                state.written = 0;
                state.restarted += 1;
            }
            state.total = answer.length;
            answer.length
        };
        let too_large = |limit| {
            Stop::Fatal(Error::BodyTooLarge {
                endpoint,
                status,
                limit,
            })
        };
        if let (Some(limit), Some(size)) = (self.options.max_bytes, state.total.or(end)) {
            if size > limit {
                return Err(too_large(limit));
            }
        }
        progress(Progress {
            downloaded: state.written,
            total: state.total,
        });
        loop {
            let n = match answer.read(buffer) {
                Ok(n) => n,
                Err(e @ Error::Timeout { .. }) => return Err(Stop::Retry(e)),
                Err(e) => {
                    return Err(Stop::Retry(Error::Media {
                        endpoint,
                        status,
                        message: format!(
                            "body cut off after byte {} of {}: {e}",
                            state.written,
                            shown(end)
                        ),
                    }));
                }
            };
            if n == 0 {
                break;
            }
            let after = state.written + n as u64;
            if end.is_some_and(|end| after > end) {
                return Err(inconsistent(format!(
                    "body longer than announced: more than {} bytes",
                    shown(end)
                )));
            }
            if self.options.max_bytes.is_some_and(|limit| after > limit) {
                return Err(too_large(self.options.max_bytes.unwrap_or_default()));
            }
            state
                .file
                .write_all(&buffer[..n])
                .map_err(|e| Stop::Fatal(file_error(&state.path, "cannot write", e)))?;
            state.written = after;
            progress(Progress {
                downloaded: state.written,
                total: state.total,
            });
        }
        match end {
            Some(end) if state.written < end => Err(Stop::Retry(Error::Media {
                endpoint,
                status,
                message: format!("body ended after byte {} of {end}", state.written),
            })),
            _ => Ok(()),
        }
    }
}

fn shown(end: Option<u64>) -> String {
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

/// The finished file of `video`, or why there is none: still queued or
/// processing, failed, completed without a file URL, or a provider whose
/// answers carry no media URL (memories.ai).
pub fn file_url(video: &Video) -> Result<&str> {
    let no_media = |reason: String| Error::NoMedia {
        provider: video.provider,
        id: video.id.clone(),
        reason,
    };
    if let Some(url) = video.file_url.as_deref() {
        return Ok(url);
    }
    Err(no_media(match (&video.stage, video.provider) {
        (_, Provider::Memories) => {
            "memories.ai's list carries no media URL to download from".to_owned()
        }
        (Stage::Queued | Stage::Processing, _) => {
            format!("it is still {}; wait for it first", video.stage)
        }
        (Stage::Failed, _) => "it failed: there is no file".to_owned(),
        (Stage::Completed, _) => "it is completed, but the provider sent no file URL".to_owned(),
        (Stage::Unknown(_), _) => format!("its status is {}", video.stage),
    }))
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
