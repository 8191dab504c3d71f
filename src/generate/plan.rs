//! A job, checked before anything is sent, and its idempotency key.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Provider, Result};
use crate::{hourone, minimax, pixverse};

/// MiniMax's documented models.
const MINIMAX_MODELS: &[&str] = &["T2V-01", "I2V-01", "I2V-01-live", "S2V-01"];
/// PixVerse's documented models (2026, and the v3/v4 eras).
const PIXVERSE_MODELS: &[&str] = &[
    "v6",
    "v5.6",
    "v5.5",
    "v5",
    "v5-fast",
    "pixverse-c1",
    "seedance-2.0",
    "kling-v3",
    "veo-3.1-fast",
    "sora-2",
    "v4.5",
    "v4",
    "v3.5",
    "v3",
];
/// The longest prompt each provider documents: MiniMax's is not documented;
/// 2000 is the bound its web app enforces. PixVerse: 5,000 (2026).
const MINIMAX_PROMPT_MAX: usize = 2000;
const PIXVERSE_PROMPT_MAX: usize = 5000;
/// The longest image file the docs take (5 GB).
const IMAGE_MAX: u64 = 5 * 1024 * 1024 * 1024;

/// What to make: a provider, a prompt, the provider's documented create
/// fields, an optional local image and an optional account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Job {
    /// MiniMax, PixVerse or Hour One.
    pub provider: Option<Provider>,
    /// What the video shows (Hour One: the video's `name`).
    pub prompt: String,
    /// A local image, the first frame (MiniMax and PixVerse).
    pub image: Option<PathBuf>,
    /// The model (MiniMax `model`, PixVerse `model`), checked against the docs.
    pub model: Option<String>,
    /// The account to use (MiniMax account, PixVerse email); `None` lets
    /// the generator choose.
    pub account: Option<String>,
    /// Other documented create fields, as JSON values (`duration` = 5).
    pub fields: Vec<(String, Value)>,
    /// The idempotency key (sent as `replyRef`); `None` makes one.
    pub key: Option<String>,
}

/// A local image read and recognised by its magic bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Where it was read from.
    pub path: PathBuf,
    /// `image/png`, `image/jpeg`, `image/webp` or `image/gif`.
    pub content_type: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The SHA-256 of the bytes, in hex: the upload cache's key.
    pub sha256: String,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("path", &self.path)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// A checked job: what will be sent (but for the account and the image's
/// upload id, which depend on where it goes) and its idempotency key.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    provider: Provider,
    prompt: String,
    account: Option<String>,
    image: Option<Image>,
    body: Map<String, Value>,
    key: String,
}

impl Job {
    /// A job for `provider` with `prompt` and nothing else.
    pub fn new(provider: Provider, prompt: impl Into<String>) -> Job {
        Job {
            provider: Some(provider),
            prompt: prompt.into(),
            ..Job::default()
        }
    }

    /// Checks the job without sending anything; [`Error::InvalidArgument`]
    /// says what is wrong.
    pub fn plan(&self) -> Result<Plan> {
        let provider = match self.provider {
            Some(p @ (Provider::MiniMax | Provider::PixVerse | Provider::HourOne)) => p,
            Some(other) => {
                return Err(Error::invalid(
                    "provider",
                    format!("{other} cannot make videos: minimax, pixverse or hourone"),
                ));
            }
            None => return Err(Error::invalid("provider", "is required")),
        };
        let prompt = self.prompt.trim().to_owned();
        if prompt.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Error::invalid("prompt", "holds control characters"));
        }
        let max = match provider {
            Provider::PixVerse => PIXVERSE_PROMPT_MAX,
            _ => MINIMAX_PROMPT_MAX,
        };
        let length = prompt.chars().count();
        if length > max {
            return Err(Error::invalid(
                "prompt",
                format!("is {length} characters long; {provider} takes at most {max}"),
            ));
        }
        let image = match &self.image {
            Some(_) if provider == Provider::HourOne => {
                return Err(Error::invalid(
                    "image",
                    "Hour One makes videos from a draft or a recipe, not an image",
                ));
            }
            Some(path) => Some(read_image(path)?),
            None => None,
        };
        let mut body = Map::new();
        for (name, value) in &self.fields {
            check_field(provider, name)?;
            body.insert(name.clone(), value.clone());
        }
        if provider == Provider::HourOne {
            if !body.contains_key("source_draft_id") && !body.contains_key("recipe_id") {
                return Err(Error::invalid(
                    "fields",
                    "Hour One makes a video from a draft or a recipe: set source_draft_id=… or recipe_id=…",
                ));
            }
            if !prompt.is_empty() {
                body.insert("name".into(), Value::String(prompt.clone()));
            }
        } else {
            if prompt.is_empty() && image.is_none() && !body.contains_key("template_id") {
                return Err(Error::invalid(
                    "prompt",
                    "is empty, and there is no image: give a prompt, an image or both",
                ));
            }
            if !prompt.is_empty() {
                body.insert("prompt".into(), Value::String(prompt.clone()));
            }
        }
        if let Some(model) = &self.model {
            let known = match provider {
                Provider::MiniMax => MINIMAX_MODELS,
                Provider::PixVerse => PIXVERSE_MODELS,
                _ => &[][..],
            };
            if !known.contains(&model.as_str()) {
                return Err(Error::invalid(
                    "model",
                    format!(
                        "{model:?} is not a {provider} model the docs list ({})",
                        if known.is_empty() {
                            "Hour One takes none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
            body.insert("model".into(), Value::String(model.clone()));
        }
        if let Some(account) = &self.account
            && (account.trim().is_empty() || account.chars().any(char::is_control))
        {
            return Err(Error::invalid(
                "account",
                "must be a name without control characters",
            ));
        }
        let key = match &self.key {
            Some(key) if key.is_empty() || key.chars().count() > 1024 => {
                return Err(Error::invalid(
                    "key",
                    "must be 1 to 1024 characters (replyRef)",
                ));
            }
            Some(key) => key.clone(),
            None => new_key(provider, &body, image.as_ref()),
        };
        if provider != Provider::HourOne {
            body.insert("replyRef".into(), Value::String(key.clone()));
        }
        check_body(provider, &body)?;
        Ok(Plan {
            provider,
            prompt,
            account: self.account.clone(),
            image,
            body,
            key,
        })
    }
}

/// The generated request type of a create body.
pub(super) fn typed<T: serde::de::DeserializeOwned>(body: Map<String, Value>) -> Result<T> {
    serde_json::from_value(Value::Object(body))
        .map_err(|e| Error::invalid("fields", format!("do not fit the documented request: {e}")))
}

/// Checks that `body` fits the provider's documented request type.
fn check_body(provider: Provider, body: &Map<String, Value>) -> Result<()> {
    let body = body.clone();
    match provider {
        Provider::MiniMax => typed::<minimax::CreateVideoRequest>(body).map(drop),
        Provider::PixVerse => typed::<pixverse::CreateVideoRequest>(body).map(drop),
        _ => typed::<hourone::CreateVideoRequest>(body).map(drop),
    }
}

/// Refuses a field the provider's create does not document, and the ones
/// the generator sets itself.
fn check_field(provider: Provider, name: &str) -> Result<()> {
    let (documented, own): (&[&str], &[&str]) = match provider {
        Provider::MiniMax => (
            &["promptOptimization", "replyUrl", "maxJobs", "fileID"],
            &["account", "prompt", "model", "replyRef"],
        ),
        Provider::PixVerse => (
            &[
                "negative_prompt",
                "first_frame_path",
                "last_frame_path",
                "template_id",
                "duration",
                "quality",
                "motion_mode",
                "aspect_ratio",
                "style",
                "seed",
                "audio",
                "replyUrl",
                "maxJobs",
            ],
            &["email", "prompt", "model", "replyRef"],
        ),
        _ => (
            &[
                "source_draft_id",
                "recipe_id",
                "folder_id",
                "palette_id",
                "character_id",
                "voice_id",
            ],
            &["name"],
        ),
    };
    if own.contains(&name) {
        return Err(Error::invalid(
            "field",
            format!(
                "{name} is set by its own option (--prompt, --model, --account/--email), not --set"
            ),
        ));
    }
    if !documented.contains(&name) {
        return Err(Error::invalid(
            "field",
            format!(
                "{name:?} is not a documented {provider} create field ({})",
                documented.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The image at `path`, if the docs take its type (by its first bytes).
fn read_image(path: &Path) -> Result<Image> {
    let file_error =
        |e: std::io::Error| Error::invalid("image", format!("{}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(file_error)?;
    if !meta.is_file() {
        return Err(Error::invalid(
            "image",
            format!("{} is not a file", path.display()),
        ));
    }
    if meta.len() > IMAGE_MAX {
        return Err(Error::invalid(
            "image",
            "is larger than the documented 5 GB",
        ));
    }
    let bytes = std::fs::read(path).map_err(file_error)?;
    let content_type = sniff(&bytes).ok_or_else(|| {
        Error::invalid(
            "image",
            format!(
                "{} is not a PNG, JPEG, WebP or GIF image (by its first bytes)",
                path.display()
            ),
        )
    })?;
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    Ok(Image {
        path: path.to_owned(),
        content_type,
        sha256: hex(digest.as_ref()),
        bytes,
    })
}

/// The image type the docs take that `bytes` start like.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        None
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key that names this job and no other: the job's content (so a log
/// shows which jobs were alike) and a random part (two runs of the same
/// job are two videos).
fn new_key(provider: Provider, body: &Map<String, Value>, image: Option<&Image>) -> String {
    let mut content = format!("{provider}\n{}", Value::Object(body.clone()));
    if let Some(image) = image {
        content.push('\n');
        content.push_str(&image.sha256);
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, content.as_bytes());
    format!(
        "vidapi-{}-{:08x}",
        &hex(digest.as_ref())[..16],
        fastrand::u32(..)
    )
}

impl Plan {
    /// The provider.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The idempotency key, sent as `replyRef`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The prompt, trimmed.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// The account the job named, if any.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The image, read and recognised.
    pub fn image(&self) -> Option<&Image> {
        self.image.as_ref()
    }

    /// The create body as it is sent to `account` (MiniMax `account`,
    /// PixVerse `email`), with the upload's id (`fileID`,
    /// `first_frame_path`) when there is an image.
    pub fn body(&self, account: Option<&str>, upload: Option<&str>) -> Map<String, Value> {
        let mut body = self.body.clone();
        let (account_field, image_field) = match self.provider {
            Provider::MiniMax => ("account", "fileID"),
            Provider::PixVerse => ("email", "first_frame_path"),
            _ => return body,
        };
        if let Some(account) = account {
            body.insert(account_field.into(), Value::String(account.to_owned()));
        }
        if let Some(upload) = upload {
            body.insert(image_field.into(), Value::String(upload.to_owned()));
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"GIF89a"), Some("image/gif"));
        assert_eq!(sniff(b"%PDF-1.7"), None);
    }
}
