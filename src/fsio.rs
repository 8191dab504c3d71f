//! Replacing a file so that its path always holds a whole file.
//!
//! [`write_atomic`] is how `vidapi schema update` writes a schema: the new
//! text goes to a temporary file created exclusively beside the target (it
//! never opens, follows or truncates anything already there), is flushed to
//! the disk, then renamed over the target, and the directory is flushed so
//! the rename itself survives a crash. A reader sees the old file or the new
//! one, never a mix, and an error leaves the target as it was.
//!
//! Writers of one folder take turns: each holds an advisory lock on the
//! folder (`flock`) from its checks to the rename. Under it, the temporary
//! files an earlier writer left (killed before its rename) are removed, and
//! [`replace_unchanged`] checks that the target still holds what the caller
//! read, so two read-modify-write updates of one file never lose one of
//! them. The new file keeps the old one's mode, owner and extended
//! attributes (ACLs among them).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    write_atomic_with(path, bytes, None, |_| Ok(()))
}

/// [`write_atomic`] for a read-modify-write: `unchanged` is given what the
/// target holds now (empty when it is missing), under the folder's lock,
/// and must say whether that is still what the new `bytes` were made from.
/// When it is not (another update, or an edit, came in between), nothing
/// is written and the error ([`io::ErrorKind::Other`], naming the file)
/// says to run the update again.
///
/// # Errors
///
/// That, or any error of [`write_atomic`].
pub fn replace_unchanged(
    path: &Path,
    bytes: &[u8],
    unchanged: impl FnOnce(&[u8]) -> bool,
) -> io::Result<()> {
    write_atomic_with(path, bytes, Some(Box::new(unchanged)), |_| Ok(()))
}

/// The check [`replace_unchanged`] makes.
type Unchanged<'a> = Box<dyn FnOnce(&[u8]) -> bool + 'a>;

/// The most of a target [`replace_unchanged`] reads back to compare.
const MAX_COMPARED: u64 = 256 * 1024 * 1024;

/// [`write_atomic`], with `before_rename` called on the flushed temporary
/// file just before the rename (tests make it fail there).
fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    unchanged: Option<Unchanged<'_>>,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve(path)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| invalid(format!("{}: not a file name", target.display())))?
        .to_string_lossy()
        .into_owned();
    let _turn = lock_folder(&dir)?;
    remove_stale_temporaries(&dir, &name);
    let existing = match fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        check_replaceable(&target, meta)?;
    }
    if let Some(unchanged) = unchanged {
        let now = match &existing {
            Some(_) => {
                let mut now = Vec::new();
                File::open(&target)?
                    .take(MAX_COMPARED)
                    .read_to_end(&mut now)?;
                now
            }
            None => Vec::new(),
        };
        if !unchanged(&now) {
            return Err(io::Error::other(format!(
                "{}: changed since it was read (another update or an edit came in between); \
                 nothing was written: run the update again",
                target.display()
            )));
        }
    }

    let (mut file, temporary) = create_temporary(&dir, &name)?;
    let guard = RemoveOnDrop(Some(temporary.clone()));
    file.write_all(bytes)?;
    if let Some(meta) = &existing {
        keep_attributes(&file, meta)?;
        keep_extended_attributes(&target, &file)?;
    }
    file.sync_all()?;
    drop(file);
    before_rename(&temporary)?;
    fs::rename(&temporary, &target)?;
    guard.disarm();
    sync_dir(&dir)
}

/// The advisory lock of a folder, held while one writer checks and renames;
/// released when dropped (or when the process ends, however it ends).
struct FolderTurn(#[allow(dead_code)] Option<File>);

/// How long a writer waits for another writer of the same folder.
const TURN_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// Takes `dir`'s lock, waiting up to [`TURN_PATIENCE`] for another writer.
#[cfg(unix)]
fn lock_folder(dir: &Path) -> io::Result<FolderTurn> {
    use rustix::fs::{FlockOperation, flock};
    let folder = File::open(dir)?;
    let started = std::time::Instant::now();
    loop {
        match flock(&folder, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(FolderTurn(Some(folder))),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK && started.elapsed() < TURN_PATIENCE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "{}: another writer has held this folder for {}s; nothing was written",
                        dir.display(),
                        TURN_PATIENCE.as_secs()
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(not(unix))]
fn lock_folder(_: &Path) -> io::Result<FolderTurn> {
    Ok(FolderTurn(None))
}

/// Whether `file` is a name [`create_temporary`] gives for `name`:
/// `.NAME.` then 16 hex digits then `.tmp`.
fn is_temporary_of(file: &str, name: &str) -> bool {
    file.strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The temporary-looking files (`.X.<16 hex>.tmp`) found in each folder
/// this process has written to, by [`FolderId`]: a folder
/// is listed once, not once per file written into it (a mirror of
/// thousands of files would otherwise list thousands of names per write).
/// A temporary left after that listing, by another process killed mid-
/// write, is removed by the next process that writes there.
static FOUND_TEMPORARIES: Mutex<Option<HashMap<FolderId, Vec<OsString>>>> = Mutex::new(None);

/// A folder's device, inode and creation time: an inode number alone is
/// reused by a folder made after another was removed.
type FolderId = (u64, u64, std::time::SystemTime);

/// Whether `file` looks like a name [`create_temporary`] gives.
fn is_temporary(file: &str) -> bool {
    file.starts_with('.')
        && file.strip_suffix(".tmp").is_some_and(|rest| {
            rest.rsplit_once('.').is_some_and(|(_, hex)| {
                hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit())
            })
        })
}

/// The folder's identity, for [`FOUND_TEMPORARIES`]; `None` where the
/// file system keeps no creation time (the folder is then listed on every
/// write, as it always was).
fn folder_id(dir: &Path) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(dir).ok()?;
        Some((meta.dev(), meta.ino(), meta.created().ok()?))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Removes the temporary files of `name` that a writer killed before its
/// rename left in `dir` (called under the folder's lock, so none is being
/// written). Only regular files with one name go: a symbolic link or
/// anything else planted at such a name is left alone.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let list = || -> Vec<OsString> {
        fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name())
                    .filter(|f| is_temporary(&f.to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let stale: Vec<OsString> = match folder_id(dir) {
        Some(id) => {
            let mut found = FOUND_TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
            let files = found
                .get_or_insert_with(HashMap::new)
                .entry(id)
                .or_insert_with(list);
            let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(files)
                .into_iter()
                .partition(|f| is_temporary_of(&f.to_string_lossy(), name));
            *files = others;
            mine
        }
        None => list()
            .into_iter()
            .filter(|f| is_temporary_of(&f.to_string_lossy(), name))
            .collect(),
    };
    for file in stale {
        let path = dir.join(file);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        #[cfg(unix)]
        let single = {
            use std::os::unix::fs::MetadataExt;
            meta.nlink() == 1
        };
        #[cfg(not(unix))]
        let single = true;
        if meta.is_file() && single {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Copies the extended attributes of `target` (user attributes, and ACLs as
/// `system.posix_acl_*`) to the new `file`. Attributes only a privileged
/// process may set (`security.*`, `trusted.*`) are copied where allowed and
/// otherwise skipped; a file system without extended attributes has none
/// to keep.
#[cfg(unix)]
fn keep_extended_attributes(target: &Path, file: &File) -> io::Result<()> {
    use rustix::io::Errno;
    let size = match rustix::fs::listxattr_query(target) {
        Ok(size) => size,
        Err(e) if e == Errno::NOTSUP || e == Errno::NOSYS => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if size == 0 {
        return Ok(());
    }
    let mut names = vec![0u8; size];
    let len = rustix::fs::listxattr(target, &mut names[..])?;
    for name in names[..len].split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::ffi::CStr::from_bytes_with_nul(&[name, b"\0"].concat())
            .map(std::ffi::CStr::to_owned)
            .map_err(io::Error::other)?;
        let value_size = rustix::fs::getxattr_query(target, name.as_c_str())?;
        let mut value = vec![0u8; value_size];
        let value_len = rustix::fs::getxattr(target, name.as_c_str(), &mut value[..])?;
        let set = rustix::fs::fsetxattr(
            file,
            name.as_c_str(),
            &value[..value_len],
            rustix::fs::XattrFlags::empty(),
        );
        let required = name.to_bytes().starts_with(b"user.")
            || name.to_bytes().starts_with(b"system.posix_acl");
        if let Err(e) = set {
            if required {
                return Err(io::Error::new(
                    io::Error::from(e).kind(),
                    format!(
                        "{}: cannot keep its extended attribute {}: {e}",
                        target.display(),
                        name.to_string_lossy()
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_extended_attributes(_: &Path, _: &File) -> io::Result<()> {
    Ok(())
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
        let err = write_atomic_with(&file, b"new", None, |temporary| {
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
        let err = write_atomic_with(&file, b"new", None, |_| {
            fs::remove_file(&file)?;
            fs::create_dir(&file)?;
            fs::write(file.join("inside"), "kept")
        })
        .unwrap_err();
        assert_ne!(err.kind(), io::ErrorKind::NotFound, "{err}");
        assert_eq!(fs::read_to_string(file.join("inside")).unwrap(), "kept");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_change_since_the_read_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "read").unwrap();
        replace_unchanged(&file, b"first", |now| now == b"read").unwrap();
        // A second update made from the same read finds "first" there.
        let err = replace_unchanged(&file, b"second", |now| now == b"read").unwrap_err();
        assert!(
            err.to_string().contains("changed since it was read"),
            "{err}"
        );
        assert!(err.to_string().contains("a.json"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "first");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn concurrent_read_modify_writes_lose_no_update() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("count");
        fs::write(&file, "0").unwrap();
        let (mut refused, mut written) = (0, 0);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        let (mut refused, mut written) = (0, 0);
                        while written < 10 {
                            let read = fs::read(&file).unwrap();
                            let n: u64 = String::from_utf8_lossy(&read).parse().unwrap();
                            let next = (n + 1).to_string();
                            match replace_unchanged(&file, next.as_bytes(), |now| now == read) {
                                Ok(()) => written += 1,
                                Err(e) if e.to_string().contains("changed since") => refused += 1,
                                Err(e) => panic!("{e}"),
                            }
                        }
                        (refused, written)
                    })
                })
                .collect();
            for worker in workers {
                let (r, w) = worker.join().unwrap();
                refused += r;
                written += w;
            }
        });
        assert_eq!(written, 40);
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            "40",
            "{refused} refused"
        );
    }

    #[test]
    fn stale_temporaries_of_the_file_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        let stale = dir.path().join(".a.json.0123456789abcdef.tmp");
        fs::write(&stale, "half").unwrap();
        let other = dir.path().join(".b.json.0123456789abcdef.tmp");
        fs::write(&other, "another file's").unwrap();
        let odd = dir.path().join(".a.json.notmine.tmp");
        fs::write(&odd, "not ours").unwrap();
        write_atomic(&file, b"new").unwrap();
        assert!(!stale.exists());
        assert!(other.exists() && odd.exists());
        assert!(is_temporary_of(".a.json.0123456789ABCDEF.tmp", "a.json"));
        assert!(!is_temporary_of(".a.json.0123.tmp", "a.json"));
    }

    #[test]
    fn a_folder_made_where_another_was_removed_is_listed_afresh() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("mirror");
        for round in 0..20 {
            fs::create_dir(&dir).unwrap();
            let stale = dir.join(format!(".a.json.{:016x}.tmp", round));
            fs::write(&stale, "half").unwrap();
            write_atomic(&dir.join("a.json"), b"new").unwrap();
            assert!(!stale.exists(), "round {round}");
            fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn extended_attributes_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, "old").unwrap();
        let set = rustix::fs::setxattr(
            &file,
            "user.vidapi.test",
            b"kept",
            rustix::fs::XattrFlags::empty(),
        );
        if let Err(e) = set {
            eprintln!(
                "skipped: the file system of {} refuses user extended attributes ({e})",
                dir.path().display()
            );
            return;
        }
        write_atomic(&file, b"new").unwrap();
        let mut value = [0u8; 16];
        let len = rustix::fs::getxattr(&file, "user.vidapi.test", &mut value[..]).unwrap();
        assert_eq!(&value[..len], b"kept");
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
    }

    fn make_fifo(path: &Path) {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
    }
}
