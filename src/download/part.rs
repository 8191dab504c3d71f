//! `PATH.part`: the one partial file of a download, owned by one writer.
//!
//! It is created exclusively (`O_CREAT|O_EXCL`, which never follows a
//! symbolic link) or, to resume, opened with `O_NOFOLLOW`; either way it
//! must be a regular file, and an advisory lock (`flock`, released by the
//! kernel when the process ends, however it ends) is held on it for the
//! whole download. A second download to the same path finds the lock taken
//! and stops before touching anything. The partial file is only ever
//! truncated, removed or renamed by the process holding its lock.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::file_error;
use super::open::{create_exclusive, open_no_follow};
use super::sidecar::{self, Sidecar};

/// The partial file, locked.
#[derive(Debug)]
pub(super) struct Part {
    pub path: PathBuf,
    file: File,
    /// The SHA-256 of everything the file holds, kept up as it is written,
    /// once [`Part::start_digest`] asked for it.
    digest: Option<Digest>,
}

/// A running SHA-256 of the partial file's bytes, from its first.
struct Digest(ring::digest::Context);

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Digest(SHA-256)")
    }
}

/// What was at `PATH.part` when it was taken.
pub(super) enum Found {
    /// Nothing: the file was just created.
    Fresh,
    /// A partial file of `len` bytes, and its sidecar when vidapi wrote one.
    Existing { len: u64, sidecar: Option<Sidecar> },
}

impl Part {
    /// Creates or opens `part` and locks it. Fails, touching nothing, when
    /// it is a symbolic link, not a regular file, has other hard links, or
    /// another download holds its lock.
    pub fn acquire(part: &Path) -> Result<(Part, Found)> {
        // A few tries: the file may be renamed away or removed by the
        // download that held it between our open and our lock.
        for _ in 0..3 {
            match create_exclusive(part) {
                Ok(file) => {
                    lock(part, &file)?;
                    let taken = Part {
                        path: part.to_owned(),
                        file,
                        digest: None,
                    };
                    return Ok((taken, Found::Fresh));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(file_error(part, "cannot create", e)),
            }
            let file = match open_no_follow(part, true) {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    let link = std::fs::symlink_metadata(part).is_ok_and(|m| m.is_symlink());
                    return Err(if link {
                        Error::File {
                            path: part.to_owned(),
                            message: "is a symbolic link; a partial download is never \
                                      followed through one (remove it)"
                                .to_owned(),
                        }
                    } else {
                        file_error(part, "cannot open", e)
                    });
                }
            };
            let meta = file
                .metadata()
                .map_err(|e| file_error(part, "cannot read", e))?;
            if !meta.is_file() {
                return Err(Error::File {
                    path: part.to_owned(),
                    message: "is not a regular file; refusing to write a download there".into(),
                });
            }
            refuse_shared(part, &meta)?;
            lock(part, &file)?;
            if !same_inode(part, &file) {
                continue;
            }
            let sidecar = Sidecar::read(part);
            let taken = Part {
                path: part.to_owned(),
                file,
                digest: None,
            };
            return Ok((
                taken,
                Found::Existing {
                    len: meta.len(),
                    sidecar,
                },
            ));
        }
        Err(busy(part))
    }

    /// Empties the file, to start it over.
    pub fn truncate(&mut self) -> Result<()> {
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)).map(drop))
            .map_err(|e| file_error(&self.path, "cannot restart", e))?;
        if self.digest.is_some() {
            self.digest = Some(Digest(ring::digest::Context::new(&ring::digest::SHA256)));
        }
        Ok(())
    }

    /// Cuts the file to its first `len` bytes and moves to its end.
    pub fn truncate_to(&mut self, len: u64) -> Result<()> {
        self.file
            .set_len(len)
            .and_then(|()| self.file.seek(SeekFrom::End(0)).map(drop))
            .map_err(|e| file_error(&self.path, "cannot resume", e))?;
        if self.digest.is_some() {
            self.start_digest()?;
        }
        Ok(())
    }

    /// Keeps a SHA-256 of the file from now on: what it already holds (a
    /// resumed partial file, read back once) and every byte written after.
    /// The file must be at its end, as it is after taking it over.
    pub fn start_digest(&mut self) -> Result<()> {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        let cannot = |e| file_error(&self.path, "cannot read", e);
        let end = self.file.stream_position().map_err(cannot)?;
        if end > 0 {
            self.file.seek(SeekFrom::Start(0)).map_err(cannot)?;
            let mut prefix = (&self.file).take(end);
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let n = prefix.read(&mut buffer).map_err(cannot)?;
                if n == 0 {
                    break;
                }
                context.update(&buffer[..n]);
            }
            self.file.seek(SeekFrom::Start(end)).map_err(cannot)?;
        }
        self.digest = Some(Digest(context));
        Ok(())
    }

    /// The SHA-256 of the whole file, in lowercase hex, when
    /// [`Part::start_digest`] was called.
    pub fn sha256(&self) -> Option<String> {
        let digest = self.digest.as_ref()?.0.clone().finish();
        Some(digest.as_ref().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Moves to the end of the file, to append.
    pub fn seek_end(&mut self) -> Result<u64> {
        self.file
            .seek(SeekFrom::End(0))
            .map_err(|e| file_error(&self.path, "cannot resume", e))
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| file_error(&self.path, "cannot write", e))?;
        if let Some(Digest(context)) = &mut self.digest {
            context.update(bytes);
        }
        Ok(())
    }

    /// Records `sidecar` beside the file.
    pub fn record(&self, sidecar: &Sidecar) -> Result<()> {
        sidecar
            .write(&self.path)
            .map_err(|e| file_error(&sidecar::path(&self.path), "cannot write", e))
    }

    /// Syncs the file to disk.
    pub fn sync(&self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| file_error(&self.path, "cannot write", e))
    }

    /// Renames the whole file to `target` (after `check` passes, just
    /// before), removes the sidecar and syncs the folder; the lock is
    /// released when the file closes.
    ///
    /// With `drop_cache`, the kernel is told, once the file is on disk,
    /// that its pages need not stay in memory (Linux: `POSIX_FADV_DONTNEED`).
    pub fn finish(
        self,
        target: &Path,
        drop_cache: bool,
        check: impl Fn() -> Result<()>,
    ) -> Result<()> {
        self.sync()?;
        if drop_cache {
            release_cache(&self.file);
        }
        check()?;
        std::fs::rename(&self.path, target)
            .map_err(|e| file_error(target, "cannot move into place", e))?;
        Sidecar::remove(&self.path);
        sync_folder(target);
        Ok(())
    }

    /// Keeps the file and its sidecar for a later run.
    pub fn keep(self) {
        let _ = self.file.sync_all();
    }

    /// Removes the file and its sidecar, while still holding the lock, and
    /// only when the path still names the file locked.
    pub fn discard(self) {
        if same_inode(&self.path, &self.file) {
            let _ = std::fs::remove_file(&self.path);
            Sidecar::remove(&self.path);
        }
    }
}

/// Refuses a partial file with other names (hard links): writing,
/// truncating or removing it would change another file's content, whatever
/// `--force` says. (`schema update` refuses such a target the same way.)
fn refuse_shared(part: &Path, meta: &std::fs::Metadata) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(Error::File {
                path: part.to_owned(),
                message: format!(
                    "has {} hard links: writing it would change another file too, so it is left \
                     untouched (even with --force); remove this name (rm), the other file keeps \
                     its content",
                    meta.nlink()
                ),
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (part, meta);
    Ok(())
}

fn busy(part: &Path) -> Error {
    Error::File {
        path: part.to_owned(),
        message: "another download to the same file is under way (it holds this partial \
                  file's lock); nothing was touched"
            .to_owned(),
    }
}

/// Advises the kernel that `file`'s cached pages (all clean after a sync)
/// will not be read soon: a mirror of thousands of files then leaves the
/// page cache to what else the machine is doing, and a new file's writes
/// reuse the memory the last one freed. Advice only: an error changes
/// nothing.
fn release_cache(file: &File) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = file;
}

/// Syncs the folder holding `path`, so a rename in it survives a crash.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Whether `path` still names `file` (not a file put in its place).
fn same_inode(path: &Path, file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(path), file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
    }
}

/// Takes the advisory lock of `file` without waiting.
#[cfg(unix)]
fn lock(part: &Path, file: &File) -> Result<()> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(busy(part)),
        Err(e) => Err(file_error(part, "cannot lock", e.into())),
    }
}

/// Takes the advisory lock of `file` without waiting.
#[cfg(not(unix))]
#[allow(clippy::incompatible_msrv)]
fn lock(part: &Path, file: &File) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(busy(part)),
        Err(std::fs::TryLockError::Error(e)) => Err(file_error(part, "cannot lock", e)),
    }
}
