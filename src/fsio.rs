//! Replacing a file so that its path always holds a whole file.
//!
//! [`write_atomic`] is how `vidapi schema update` writes a schema: the new
//! text goes to a temporary file created exclusively beside the target (it
//! never opens, follows or truncates anything already there), is flushed to
//! the disk, then renamed over the target, and the directory is flushed so
//! the rename itself survives a crash. A reader sees the old file or the new
//! one, never a mix, and an error leaves the target as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many temporary names are tried before giving up. Each is random, so a
/// clash means something is planting files at our names.
const NAME_ATTEMPTS: usize = 16;

/// Replaces the contents of `path` with `bytes`, atomically.
///
/// - A symlink at `path` is followed (the whole chain) and its final target
///   is updated; the symlink stays a symlink.
/// - The target keeps its permission bits (a `0640` file stays `0640`) and,
///   where the process may set them, its owner and group. A new file gets
///   `0666` less the umask.
/// - A target with more than one hard link is refused
///   ([`io::ErrorKind::InvalidInput`], naming the file): renaming a new file
///   into place would split it from its other names, and writing in place
///   would not be atomic.
/// - A target that exists and is not a regular file (a directory, a FIFO, a
///   device) is refused the same way.
/// - The temporary file, `.NAME.RANDOM.tmp` in the target's directory, is
///   created with `O_CREAT | O_EXCL | O_NOFOLLOW`: if something already sits
///   at that name (a planted symlink included) another random name is tried,
///   and nothing existing is ever opened. On any error it is removed.
///
/// # Errors
///
/// Any I/O error on the way; the target is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, |_| Ok(()))
}

/// [`write_atomic`], with `before_rename` called on the flushed temporary
/// file just before the rename (tests make it fail there).
fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve(path)?;
    let existing = match fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        check_replaceable(&target, meta)?;
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| invalid(format!("{}: not a file name", target.display())))?
        .to_string_lossy()
        .into_owned();

    let (mut file, temporary) = create_temporary(&dir, &name)?;
    let guard = RemoveOnDrop(Some(temporary.clone()));
    file.write_all(bytes)?;
    if let Some(meta) = &existing {
        keep_attributes(&file, meta)?;
    }
    file.sync_all()?;
    drop(file);
    before_rename(&temporary)?;
    fs::rename(&temporary, &target)?;
    guard.disarm();
    sync_dir(&dir)
}

/// Follows a symlink chain at `path` to the file it names. A path that is not
/// a symlink (or does not exist) is returned as it is.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{}: cannot resolve the symlink: {e}", path.display()),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

fn check_replaceable(target: &Path, meta: &fs::Metadata) -> io::Result<()> {
    if !meta.is_file() {
        return Err(invalid(format!(
            "{}: not a regular file; refusing to replace it",
            target.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(invalid(format!(
                "{}: has {} hard links; replacing it would split them and writing in place \
                 would not be atomic, so it is left untouched (give it a copy of its own)",
                target.display(),
                meta.nlink()
            )));
        }
    }
    Ok(())
}

/// Creates a new file at a random name in `dir`, never opening an existing
/// one and never following a symlink.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..NAME_ATTEMPTS {
        let candidate = dir.join(format!(".{name}.{:016x}.tmp", fastrand::u64(..)));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .mode(0o666)
                .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        match options.open(&candidate) {
            Ok(file) => return Ok((file, candidate)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("{}: cannot create a temporary file: {e}", dir.display()),
                ));
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{}: {NAME_ATTEMPTS} random temporary names were all taken ({})",
            dir.display(),
            last.map(|e| e.to_string()).unwrap_or_default()
        ),
    ))
}

/// Gives the temporary file the target's permission bits, and its owner and
/// group when the process may (a group change is allowed to members; an
/// owner change only to root), so the rename changes the contents only.
fn keep_attributes(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = file.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            // Best effort: someone else's file edited by its group keeps
            // what the process may keep.
            if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
                let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
            }
            // chown may clear set-id bits: put the mode back.
            file.set_permissions(meta.permissions())?;
        }
    }
    Ok(())
}

/// Flushes the directory entry of a rename (a no-op where directories
/// cannot be opened).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Removes the temporary file unless the rename consumed it.
struct RemoveOnDrop(Option<PathBuf>);

impl RemoveOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn replaces_a_plain_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn creates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fresh.json");
        write_atomic(&file, b"{}").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"{}");
    }

    #[test]
    fn a_symlink_chain_updates_its_target_and_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).unwrap();
        let target = real_dir.join("schema.json");
        fs::write(&target, "old").unwrap();
        let hop = dir.path().join("hop.json");
        symlink(&target, &hop).unwrap();
        let link = dir.path().join("link.json");
        symlink("hop.json", &link).unwrap();

        write_atomic(&link, b"new").unwrap();

        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(fs::symlink_metadata(&hop).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("hop.json"));
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert!(leftovers(&real_dir).is_empty());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn keeps_the_permission_bits() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(fs::metadata(&file).unwrap().mode() & 0o7777, 0o640);
        fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&file, b"newer").unwrap();
        assert_eq!(fs::metadata(&file).unwrap().mode() & 0o7777, 0o600);
        assert_eq!(fs::read_to_string(&file).unwrap(), "newer");
    }

    #[test]
    fn refuses_a_hard_linked_file_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        fs::hard_link(&file, dir.path().join("b.json")).unwrap();
        let err = write_atomic(&file, b"new").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a.json"), "{err}");
        assert!(err.to_string().contains("2 hard links"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(
            fs::read_to_string(dir.path().join("b.json")).unwrap(),
            "old"
        );
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn refuses_a_directory_or_fifo_target() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let err = write_atomic(&sub, b"x").unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert!(sub.is_dir());

        let fifo = dir.path().join("fifo");
        make_fifo(&fifo);
        let err = write_atomic(&fifo, b"x").unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_planted_symlink_at_a_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        // Plant a symlink at a name the temporary file could take: with the
        // random generator seeded, the first candidate is known.
        fastrand::seed(7);
        let first = format!(".a.json.{:016x}.tmp", fastrand::u64(..));
        symlink(&victim, dir.path().join(&first)).unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();

        fastrand::seed(7);
        write_atomic(&file, b"new").unwrap();

        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(
            fs::symlink_metadata(dir.path().join(&first))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        // The seeded generator did offer the planted name first.
        fastrand::seed(7);
        let (_, offered) = create_temporary(dir.path(), "a.json").unwrap();
        assert_ne!(offered.file_name().unwrap().to_str().unwrap(), first);
        fs::remove_file(offered).unwrap();
        assert!(leftovers(dir.path()) == vec![first]);
    }

    #[test]
    fn create_temporary_never_opens_an_existing_name() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        fastrand::seed(11);
        let names: Vec<String> = (0..NAME_ATTEMPTS)
            .map(|_| format!(".a.json.{:016x}.tmp", fastrand::u64(..)))
            .collect();
        for name in &names {
            symlink(&victim, dir.path().join(name)).unwrap();
        }
        fastrand::seed(11);
        let err = create_temporary(dir.path(), "a.json").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn an_error_removes_the_temporary_and_leaves_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        let mut seen = None;
        let err = write_atomic_with(&file, b"new", |temporary| {
            assert_eq!(fs::read(temporary).unwrap(), b"new");
            seen = Some(temporary.to_path_buf());
            Err(io::Error::other("disk gone"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk gone");
        assert!(!seen.unwrap().exists());
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
        assert!(leftovers(dir.path()).is_empty());

        // A rename that fails (a non-empty directory took the target's
        // place after the checks) removes the temporary too.
        let err = write_atomic_with(&file, b"new", |_| {
            fs::remove_file(&file)?;
            fs::create_dir(&file)?;
            fs::write(file.join("inside"), "kept")
        })
        .unwrap_err();
        assert_ne!(err.kind(), io::ErrorKind::NotFound, "{err}");
        assert_eq!(fs::read_to_string(file.join("inside")).unwrap(), "kept");
        assert!(leftovers(dir.path()).is_empty());
    }

    fn make_fifo(path: &Path) {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
    }
}
