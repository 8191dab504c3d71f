//! Where a video is in its life, whatever the provider calls it, and the one
//! finality rule. Below the providers: each provider's `Status` maps onto a
//! [`Stage`]; the cross-provider [`view`](crate::view) and
//! [`accounts`](crate::accounts) build on it.

use serde::Serialize;

/// Where a video is in its life, whatever the provider calls it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Stage {
    /// Accepted, waiting for its turn.
    Queued,
    /// Being generated or processed.
    Processing,
    /// Done and usable.
    Completed,
    /// Ended without a usable result (failed, moderated, stopped, cancelled).
    Failed,
    /// A status vidapi does not know, as the provider sent it.
    Unknown(String),
}

impl Stage {
    /// Whether the stage will not change any more. Unknown stages are not
    /// final: waiting on them ends by timeout, not by guess.
    pub fn is_final(&self) -> bool {
        matches!(self, Stage::Completed | Stage::Failed)
    }
}

/// Whether a video is final: known stages decide; for an unknown or missing
/// status, the provider's own "final" flag does (absent means not final).
pub(crate) fn final_or_flag(stage: Option<Stage>, flag: Option<&crate::wire::FlexBool>) -> bool {
    match stage {
        Some(Stage::Completed | Stage::Failed) => true,
        Some(Stage::Queued | Stage::Processing) => false,
        Some(Stage::Unknown(_)) | None => flag.and_then(crate::wire::FlexBool::get) == Some(true),
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Queued => f.write_str("queued"),
            Stage::Processing => f.write_str("processing"),
            Stage::Completed => f.write_str("completed"),
            Stage::Failed => f.write_str("failed"),
            Stage::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}
