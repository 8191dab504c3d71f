//! Opening the files of a download without following planted links: the
//! leaf both the partial file and its sidecar build on (so neither needs
//! the other to open a file).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// A temporary name beside `target`, unique to this process and moment.
pub(super) fn temp_beside(target: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(
        ".{}.{:016x}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    target.with_file_name(name)
}

/// Creates `path` for reading and writing; fails if anything (a symbolic
/// link included) is there.
pub(super) fn create_exclusive(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(no_follow(rustix::fs::OFlags::CLOEXEC));
    }
    options.open(path)
}

/// Opens an existing `path` without following a symbolic link (an error
/// then) and without blocking on a FIFO.
pub(super) fn open_no_follow(path: &Path, write: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(write);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(no_follow(
            rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC,
        ));
    }
    options.open(path)
}

/// `O_NOFOLLOW` and `more`, as `OpenOptionsExt::custom_flags` takes them.
#[cfg(unix)]
fn no_follow(more: rustix::fs::OFlags) -> i32 {
    (rustix::fs::OFlags::NOFOLLOW | more).bits() as i32
}
