//! Files the commands read (`drift`, `schema update | infer | diff`), read
//! with a size limit so that `/dev/zero`, an endless pipe or a 10 GB file
//! gets a clear error instead of filling memory. The limit holds for all
//! the files of one command together (`schema infer` keeps every sample in
//! memory at once), and a FIFO nobody writes to is refused at once instead
//! of blocking the command forever.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Failure;

/// The variable that sets the limit, in bytes.
pub const LIMIT_VARIABLE: &str = "VIDAPI_MAX_INPUT_BYTES";

/// The limit when [`LIMIT_VARIABLE`] is not set: 64 MiB, far above any
/// schema or saved payload.
pub const DEFAULT_LIMIT: u64 = 64 * 1024 * 1024;

/// The input limit in bytes: [`LIMIT_VARIABLE`] when set (a positive whole
/// number of bytes), else [`DEFAULT_LIMIT`]. Anything else is a usage error.
pub fn limit() -> Result<u64, Failure> {
    match std::env::var(LIMIT_VARIABLE) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_LIMIT),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Failure::Usage(format!(
                "{LIMIT_VARIABLE} must be a positive number of bytes, not {text:?}"
            ))),
        },
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::Usage(format!(
            "{LIMIT_VARIABLE} must be a positive number of bytes"
        ))),
    }
}

/// Bytes read so far by this process, against the one limit they share.
static READ_SO_FAR: AtomicU64 = AtomicU64::new(0);

/// Reads `path` whole, refusing more than what is left of `limit` after
/// the files this process read before (one command's files share it): a
/// regular file larger than that is refused from its size before anything
/// is read; a pipe, a device or anything else without a known size is read
/// up to one byte past it and refused there. A FIFO is opened without
/// waiting for a writer, and one with none is refused. The message says
/// why, without the path (callers put it in front).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let before = READ_SO_FAR.load(Ordering::SeqCst);
    let left = limit.saturating_sub(before);
    let shared = if before == 0 {
        String::new()
    } else {
        format!(" (shared with the files read before: {before} bytes read, {left} bytes left)")
    };
    let file = open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("cannot read: is a directory".into());
    }
    if meta.is_file() && meta.len() > left {
        return Err(format!(
            "is {} bytes, over the input limit of {limit} bytes{shared} (set {LIMIT_VARIABLE} \
             to raise it)",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    // Sized from the file when it has a size; the limit bounds it either way.
    if meta.is_file() {
        bytes.reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    }
    file.take(left.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > left {
        return Err(format!(
            "more than the input limit of {limit} bytes{shared} (a device or pipe without \
             end?); set {LIMIT_VARIABLE} to raise it"
        ));
    }
    if bytes.is_empty() && is_fifo(&meta) {
        return Err(
            "cannot read: is a FIFO (named pipe) with nothing writing to it; start the \
             writer first, or pass a regular file"
                .into(),
        );
    }
    READ_SO_FAR.fetch_add(bytes.len() as u64, Ordering::SeqCst);
    Ok(bytes)
}

/// Opens `path` for reading. On Unix it is opened with `O_NONBLOCK`, so a
/// FIFO with no writer does not block the open, then switched back to
/// blocking reads: a pipe with a writer is read as it comes, and one with
/// none reads as empty at once.
fn open(path: &Path) -> std::io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(path)?;
        let flags = rustix::fs::fcntl_getfl(&file)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
        Ok(file)
    }
    #[cfg(not(unix))]
    File::open(path)
}

fn is_fifo(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test for everything that counts against the process-wide total,
    /// so parallel tests cannot disturb each other's counts.
    #[test]
    fn files_share_one_limit_and_a_fifo_without_writer_is_refused() {
        READ_SO_FAR.store(0, Ordering::SeqCst);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, b"{\"a\":1}").unwrap();
        assert_eq!(read(&file, 7).unwrap(), b"{\"a\":1}");
        READ_SO_FAR.store(0, Ordering::SeqCst);
        assert!(
            read(&file, 6)
                .unwrap_err()
                .contains("7 bytes, over the input limit of 6")
        );
        // Three 7-byte files against a limit of 20: the third is refused.
        assert!(read(&file, 20).is_ok());
        READ_SO_FAR.store(14, Ordering::SeqCst);
        let err = read(&file, 20).unwrap_err();
        assert!(err.contains("14 bytes read, 6 bytes left"), "{err}");
        READ_SO_FAR.store(0, Ordering::SeqCst);
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
            let err = read(&fifo, 100).unwrap_err();
            assert!(err.contains("FIFO"), "{err}");
        }
        assert_eq!(READ_SO_FAR.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_huge_sparse_file_is_refused_from_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.json");
        File::create(&file)
            .unwrap()
            .set_len(10 * 1024 * 1024 * 1024)
            .unwrap();
        let err = read(&file, DEFAULT_LIMIT).unwrap_err();
        assert!(err.contains("is 10737418240 bytes"), "{err}");
    }

    #[test]
    fn dev_zero_stops_one_byte_past_the_limit() {
        let err = read(Path::new("/dev/zero"), 4096).unwrap_err();
        assert!(
            err.contains("more than the input limit of 4096 bytes"),
            "{err}"
        );
    }

    #[test]
    fn a_directory_or_missing_file_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path(), 10).unwrap_err().starts_with("cannot read"));
        assert!(
            read(&dir.path().join("missing"), 10)
                .unwrap_err()
                .starts_with("cannot read")
        );
    }
}
