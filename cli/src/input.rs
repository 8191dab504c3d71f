//! Files the commands read (`drift`, `schema update | infer | diff`), read
//! with a size limit so that `/dev/zero`, an endless pipe or a 10 GB file
//! gets a clear error instead of filling memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

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

/// Reads `path` whole, refusing more than `limit` bytes: a regular file
/// larger than that is refused from its size before anything is read; a
/// pipe, a device or anything else without a known size is read up to one
/// byte past the limit and refused there. The message says why, without
/// the path (callers put it in front).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("cannot read: is a directory".into());
    }
    if meta.is_file() && meta.len() > limit {
        return Err(format!(
            "is {} bytes, over the input limit of {limit} bytes (set {LIMIT_VARIABLE} to raise it)",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    // Sized from the file when it has a size; the limit bounds it either way.
    if meta.is_file() {
        bytes.reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    }
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "more than the input limit of {limit} bytes (a device or pipe without end?); \
             set {LIMIT_VARIABLE} to raise it"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, b"{\"a\":1}").unwrap();
        assert_eq!(read(&file, 7).unwrap(), b"{\"a\":1}");
        assert!(
            read(&file, 6)
                .unwrap_err()
                .contains("7 bytes, over the input limit of 6")
        );
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
