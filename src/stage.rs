//! Where a video is in its life, whatever the provider calls it, and the one
//! finality rule. Below the providers: each provider's `Status` maps onto a
//! [`Stage`]; the cross-provider [`view`](crate::view) and
//! [`accounts`](crate::accounts) build on it.

/// Where a video is in its life, whatever the provider calls it.
///
/// Shown ([`Display`](std::fmt::Display)) and serialized as one lowercase
/// word, the vocabulary of `vidapi list` in tables and JSON alike:
/// `queued`, `processing`, `completed`, `failed`, or `unknown (<raw>)`.
///
/// ```
/// use vidapi::Stage;
/// assert_eq!(Stage::Completed.to_string(), "completed");
/// assert_eq!(serde_json::to_value(Stage::Failed)?, "failed");
/// assert_eq!(Stage::Unknown("9".into()).to_string(), "unknown (9)");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

    /// Whether the video ended without a usable result (failed, moderated,
    /// stopped, cancelled).
    pub fn is_failed(&self) -> bool {
        *self == Stage::Failed
    }
}

impl serde::Serialize for Stage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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
