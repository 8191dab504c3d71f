//! The response bodies themselves, from the clients' body tap
//! ([`vidapi::Config::on_body`]): kept for `--json`, which prints what the
//! provider sent rather than the decoded values re-serialised, and written
//! to a folder for `--save-bodies`.

use std::collections::{HashMap, VecDeque};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use vidapi::view::ProviderVideo;
use vidapi::{Body, Config, hourone, memories, minimax, pixverse};

use crate::Failure;

/// One body kept for `--json`: the type it was read as, and its bytes.
pub struct Kept {
    pub type_name: String,
    pub bytes: Vec<u8>,
}

/// Bodies kept since the command last took them. `--all` takes them page
/// by page, so at most a page or two is held.
static KEPT: Mutex<Vec<Kept>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The settings every client starts from: a body tap when `keep` (the
/// command prints bodies as sent) or `save` (`--save-bodies`) asks for one;
/// no tap otherwise, so nothing is copied.
pub fn config(keep: bool, save: Option<Arc<Saver>>) -> Config {
    if !keep && save.is_none() {
        return Config::new();
    }
    Config::new().on_body(move |body: &Body<'_>| {
        if let Some(saver) = &save {
            saver.save(body);
        }
        if keep {
            lock(&KEPT).push(Kept {
                type_name: body.type_name.to_owned(),
                bytes: body.bytes.to_vec(),
            });
        }
    })
}

/// Every body kept so far, oldest first, taken out.
pub fn take() -> Vec<Kept> {
    std::mem::take(&mut *lock(&KEPT))
}

/// The last body kept (the answer of a one-call command), dropping the rest.
pub fn last() -> Result<Kept, Failure> {
    take()
        .pop()
        .ok_or_else(|| Failure::Api("no response body was kept to print as sent".into()))
}

/// The items of a body as sent, by the drift type it was read as: the body
/// itself for one video; the elements of a bare array (`VideoList`,
/// `FileList`, `Video[]`); PixVerse's `data`; memories.ai's `data.videos`.
pub fn items<'a>(type_name: &str, bytes: &'a [u8]) -> serde_json::Result<Vec<&'a RawValue>> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow, default)]
        data: Option<Vec<&'a RawValue>>,
    }
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow, default)]
        data: Option<Videos<'a>>,
    }
    #[derive(Deserialize)]
    struct Videos<'a> {
        #[serde(borrow, default)]
        videos: Option<Vec<&'a RawValue>>,
    }
    Ok(match type_name {
        "VideoPage" => serde_json::from_slice::<Page>(bytes)?
            .data
            .unwrap_or_default(),
        "ListVideosResponse" => serde_json::from_slice::<Envelope>(bytes)?
            .data
            .and_then(|d| d.videos)
            .unwrap_or_default(),
        name if name.ends_with("[]") || name.ends_with("List") => serde_json::from_slice(bytes)?,
        _ => vec![serde_json::from_slice(bytes)?],
    })
}

/// A video type whose items `--all` matches to their bodies by id.
pub trait Keyed {
    fn key(&self) -> Option<&str>;
}

impl Keyed for minimax::Video {
    fn key(&self) -> Option<&str> {
        self.id()
    }
}

impl Keyed for pixverse::Video {
    fn key(&self) -> Option<&str> {
        self.id()
    }
}

impl Keyed for memories::Video {
    fn key(&self) -> Option<&str> {
        self.id()
    }
}

/// The items of the pages `--all` has fetched, as sent, in order, waiting
/// to be matched to the decoded items the pager yields.
#[derive(Default)]
pub struct Pending {
    queue: VecDeque<Box<RawValue>>,
}

impl Pending {
    /// The item as sent that the pager yielded as `item`. The pager yields
    /// the items of each page in order and may leave some out (MiniMax's
    /// repeated ids), never reorder them, so items are skipped until one
    /// with the same id comes.
    pub fn as_sent<T: Keyed + DeserializeOwned>(
        &mut self,
        item: &T,
    ) -> Result<Box<RawValue>, Failure> {
        for kept in take() {
            let found = items(&kept.type_name, &kept.bytes).map_err(|e| {
                Failure::Api(format!(
                    "a {} body does not split into items: {e}",
                    kept.type_name
                ))
            })?;
            self.queue.extend(found.into_iter().map(ToOwned::to_owned));
        }
        while let Some(raw) = self.queue.pop_front() {
            let same = serde_json::from_str::<T>(raw.get()).is_ok_and(|v| v.key() == item.key());
            if same {
                return Ok(raw);
            }
        }
        Err(Failure::Api(format!(
            "the video {:?} is not among the items the provider sent",
            item.key().unwrap_or_default()
        )))
    }
}

/// Whether `raw` is the provider's object of the video `target`: it
/// decodes as that provider's video with the same id.
fn is_video(raw: &RawValue, target: &ProviderVideo) -> bool {
    fn same<T: DeserializeOwned>(raw: &RawValue, id: impl Fn(&T) -> bool) -> bool {
        serde_json::from_str::<T>(raw.get()).is_ok_and(|v| id(&v))
    }
    match target {
        ProviderVideo::MiniMax(t) => same(raw, |v: &minimax::Video| v.id() == t.id()),
        ProviderVideo::PixVerse(t) => same(raw, |v: &pixverse::Video| v.id() == t.id()),
        ProviderVideo::HourOne(t) => same(raw, |v: &hourone::Video| v.id() == t.id()),
        ProviderVideo::Memories(t) => same(raw, |v: &memories::Video| v.id() == t.id()),
    }
}

/// The object of `target` as sent, from the bodies kept since the last
/// call (newest first), which are then dropped.
pub fn video_as_sent(target: &ProviderVideo) -> Option<Box<RawValue>> {
    take().iter().rev().find_map(|kept| {
        items(&kept.type_name, &kept.bytes)
            .ok()?
            .into_iter()
            .find(|raw| is_video(raw, target))
            .map(ToOwned::to_owned)
    })
}

/// `--save-bodies DIR`: writes each body to `DIR/PROVIDER-TYPE-NNNN.json`,
/// whole or not at all, never over a file already there (the next number
/// is taken instead).
pub struct Saver {
    dir: PathBuf,
    /// The next number to try for each `PROVIDER-TYPE`; the lock also makes
    /// bodies that arrive at once (from `list`'s threads) save in turn.
    next: Mutex<HashMap<String, u32>>,
    /// The first body that could not be saved, and why.
    failed: Mutex<Option<String>>,
}

impl Saver {
    /// Creates `dir` (and its parents) if missing; it must be a folder.
    pub fn new(dir: &Path) -> Result<Saver, Failure> {
        fs::create_dir_all(dir).map_err(|e| {
            Failure::Usage(format!(
                "--save-bodies: cannot create {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Saver {
            dir: dir.to_owned(),
            next: Mutex::new(HashMap::new()),
            failed: Mutex::new(None),
        })
    }

    fn save(&self, body: &Body<'_>) {
        let stem = format!("{}-{}", body.provider, body.type_name);
        let mut next = lock(&self.next);
        let number = next.entry(stem.clone()).or_insert(1);
        if let Err(e) = self.write(&stem, number, body.bytes) {
            lock(&self.failed).get_or_insert_with(|| {
                format!("cannot save a {} body in {}: {e}", stem, self.dir.display())
            });
        }
    }

    /// A temporary file created exclusively in the folder, written and
    /// synced, then linked to the first free name (a link never replaces a
    /// file) and removed. Where links are not supported, renamed instead,
    /// to a name checked free just before.
    fn write(&self, stem: &str, number: &mut u32, bytes: &[u8]) -> io::Result<PathBuf> {
        let (temp, mut file) = (0..1000)
            .find_map(|n| {
                let temp = self
                    .dir
                    .join(format!(".{stem}.{}-{n}.tmp", std::process::id()));
                match OpenOptions::new().write(true).create_new(true).open(&temp) {
                    Ok(file) => Some(Ok((temp, file))),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                    Err(e) => Some(Err(e)),
                }
            })
            .unwrap_or_else(|| Err(io::Error::other("no free temporary name")))?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        let placed = written.and_then(|()| self.place(&temp, stem, number));
        let _ = fs::remove_file(&temp);
        placed
    }

    fn place(&self, temp: &Path, stem: &str, number: &mut u32) -> io::Result<PathBuf> {
        loop {
            let path = self.dir.join(format!("{stem}-{number:04}.json"));
            *number = number
                .checked_add(1)
                .ok_or_else(|| io::Error::other("no free name"))?;
            match fs::hard_link(temp, &path) {
                Ok(()) => return Ok(path),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(_) if fs::symlink_metadata(&path).is_ok() => continue,
                Err(_) => {
                    fs::rename(temp, &path)?;
                    return Ok(path);
                }
            }
        }
    }

    /// The first body that could not be saved, as the command's error.
    pub fn outcome(&self) -> Result<(), Failure> {
        match lock(&self.failed).take() {
            Some(problem) => Err(Failure::Api(problem)),
            None => Ok(()),
        }
    }
}
