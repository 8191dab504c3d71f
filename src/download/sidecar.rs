//! `PATH.part.json`: what a later run needs to resume `PATH.part` safely.
//!
//! The sidecar holds the media URL **redacted** ([`crate::redact::media_url`]:
//! no userinfo, and no query string at all), the validators the media host
//! sent (`ETag`, `Last-Modified`) and the file's length. Signed media URLs
//! change their signature every time the provider is asked, so the
//! redacted URL is also the right identity to compare: the same file on the
//! same host and path, whatever its current signature. That the bytes are
//! the same file is then proven by the media host itself through
//! `If-Range`. No secret is ever written to disk.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The largest sidecar read; anything longer is not one of ours.
const MAX_SIDECAR: u64 = 16 * 1024;
/// The format written in [`Sidecar::format`].
const FORMAT: &str = "vidapi partial download v1";

/// The record kept beside a `.part` file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Sidecar {
    /// Always [`FORMAT`]: tells a vidapi sidecar from any other JSON.
    pub format: String,
    /// The media URL, redacted.
    pub url: String,
    /// The media host's `ETag` for the file, when it sent one.
    pub etag: Option<String>,
    /// The media host's `Last-Modified` for the file, when it sent one.
    pub last_modified: Option<String>,
    /// The whole file's size, when the media host said it.
    pub length: Option<u64>,
}

impl Sidecar {
    /// A record for `url` (already redacted) with nothing known yet.
    pub fn new(url: &str) -> Sidecar {
        Sidecar {
            format: FORMAT.to_owned(),
            url: url.to_owned(),
            ..Sidecar::default()
        }
    }

    /// What `If-Range` carries: a strong `ETag`, else `Last-Modified`
    /// (a weak `ETag` cannot be used there); `None` when the media host
    /// sent neither, so a resume could not be proven.
    pub fn validator(&self) -> Option<&str> {
        self.etag
            .as_deref()
            .filter(|tag| !tag.starts_with("W/"))
            .or(self.last_modified.as_deref())
    }

    /// Whether an answer with these validators is the same file as this
    /// record: the validator sent in `If-Range` must come back unchanged.
    pub fn same_file(&self, etag: Option<&str>, last_modified: Option<&str>) -> bool {
        match self.etag.as_deref().filter(|tag| !tag.starts_with("W/")) {
            Some(tag) => etag == Some(tag),
            None => self.last_modified.is_some() && last_modified == self.last_modified.as_deref(),
        }
    }

    /// The sidecar of `part`, when there is one that vidapi wrote:
    /// `None` when it is missing, a symbolic link, not a regular file,
    /// too large or not in vidapi's format.
    pub fn read(part: &Path) -> Option<Sidecar> {
        let file = super::open::open_no_follow(&path(part), false).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut text = String::new();
        file.take(MAX_SIDECAR).read_to_string(&mut text).ok()?;
        let mut sidecar: Sidecar = serde_json::from_str(&text).ok()?;
        // A validator that could not be sent as a header (a CR, LF or other
        // control character: an edited or damaged record) proves nothing:
        // dropped, the partial file restarts instead of failing every time.
        for validator in [&mut sidecar.etag, &mut sidecar.last_modified] {
            if validator.as_deref().is_some_and(|v| !header_safe(v)) {
                *validator = None;
            }
        }
        (sidecar.format == FORMAT).then_some(sidecar)
    }

    /// Writes the sidecar of `part` atomically: a temporary file created
    /// exclusively beside it, synced, then renamed over the old one (a
    /// symbolic link there is replaced, never followed).
    pub fn write(&self, part: &Path) -> std::io::Result<()> {
        let target = path(part);
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let temp = super::open::temp_beside(&target);
        let mut file = super::open::create_exclusive(&temp)?;
        let written = file
            .write_all(&text)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, &target));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Removes the sidecar of `part`, if any.
    pub fn remove(part: &Path) {
        let _ = std::fs::remove_file(path(part));
    }
}

/// Refuses, before anything is touched, a folder (or anything but a
/// regular file or a link, which the atomic write replaces) where the
/// sidecar of `part` goes: the record could never be written there.
pub(super) fn check_place(part: &Path) -> crate::error::Result<()> {
    let at = path(part);
    match std::fs::symlink_metadata(&at) {
        Ok(meta) if meta.is_dir() => Err(crate::error::Error::File {
            message: format!(
                "is a folder where vidapi keeps the record of {}; nothing was touched: remove \
                 the folder (rm -r {}) and run the download again",
                part.display(),
                at.display()
            ),
            path: at,
        }),
        _ => Ok(()),
    }
}

/// Whether `value` can be sent as a header value: visible ASCII, spaces
/// and tabs.
fn header_safe(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// `PATH.part.json` for `PATH.part`.
pub(super) fn path(part: &Path) -> PathBuf {
    let mut name = part.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    part.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_prefer_a_strong_etag() {
        let mut record = Sidecar::new("https://h/v.mp4");
        assert_eq!(record.validator(), None);
        assert!(!record.same_file(None, None), "no validator proves nothing");
        record.last_modified = Some("Mon, 01 Jan 2024 00:00:00 GMT".into());
        assert_eq!(record.validator(), record.last_modified.as_deref());
        record.etag = Some("W/\"weak\"".into());
        assert_eq!(record.validator(), record.last_modified.as_deref());
        record.etag = Some("\"a\"".into());
        assert_eq!(record.validator(), Some("\"a\""));
        assert!(record.same_file(Some("\"a\""), None));
        assert!(!record.same_file(Some("\"b\""), record.last_modified.as_deref()));
        assert!(!record.same_file(None, record.last_modified.as_deref()));
    }

    #[test]
    fn sidecars_round_trip_and_sit_beside_the_part() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("v.mp4.part");
        assert_eq!(path(&part), dir.path().join("v.mp4.part.json"));
        assert_eq!(Sidecar::read(&part), None);
        let mut record = Sidecar::new("https://h/v.mp4?sig=[redacted]");
        record.etag = Some("\"e\"".into());
        record.length = Some(10);
        record.write(&part).unwrap();
        record.write(&part).unwrap();
        assert_eq!(Sidecar::read(&part), Some(record));
        std::fs::write(path(&part), b"{\"format\":\"other\"}").unwrap();
        assert_eq!(Sidecar::read(&part), None);
    }
}
