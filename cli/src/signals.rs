//! SIGINT and SIGTERM during a download. Without a handler the process dies
//! at once and a partial file that can never be resumed (the media host
//! sent no `ETag` or `Last-Modified`) stays behind, possibly gigabytes of it.
//! With one, the download stops at its next read, removes what cannot be
//! resumed, keeps what can, says which, and the command exits 128 + the
//! signal's number (130 for SIGINT, 143 for SIGTERM), as a killed one
//! would. A second signal ends the process at once, leaving files as they
//! are. Handlers are installed only when a download starts, so every other
//! command keeps the default behaviour.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use vidapi::download::Cancel;

/// The flag the handlers set, and which signal set it.
struct Armed {
    flag: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

static ARMED: OnceLock<Option<Armed>> = OnceLock::new();

/// A cancel flag set by SIGINT or SIGTERM, installing the handlers on the
/// first call; `None` where they cannot be installed (the download then
/// dies with the process, as before).
pub fn download_cancel() -> Option<Cancel> {
    let armed = ARMED.get_or_init(arm).as_ref()?;
    Some(Cancel::from_flag(armed.flag.clone()))
}

/// 128 + the number of the signal that stopped the download, if one did.
pub fn exit_code() -> Option<i32> {
    let armed = ARMED.get()?.as_ref()?;
    armed
        .flag
        .load(Ordering::SeqCst)
        .then(|| 128 + armed.which.load(Ordering::SeqCst) as i32)
}

#[cfg(unix)]
fn arm() -> Option<Armed> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = Arc::new(AtomicBool::new(false));
    let which = Arc::new(AtomicUsize::new(0));
    for signal in [SIGINT, SIGTERM] {
        // In this order: a signal arriving with the flag already set ends
        // the process; the first one only sets it.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, flag.clone())
            .ok()?;
        signal_hook::flag::register_usize(signal, which.clone(), signal as usize).ok()?;
        signal_hook::flag::register(signal, flag.clone()).ok()?;
    }
    Some(Armed { flag, which })
}

#[cfg(not(unix))]
fn arm() -> Option<Armed> {
    None
}
