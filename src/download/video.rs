//! The cross-provider entry points of downloads: a looked-up video's
//! finished file ([`file_url`]) and [`Accounts::download`] /
//! [`Accounts::download_video`], which find a video and fetch its file with
//! a [`Downloader`]. Above [`accounts`](crate::accounts) and
//! [`view`](crate::view); the rest of [`download`](super) knows no provider
//! type.

use std::path::{Path, PathBuf};

use crate::accounts::Accounts;
use crate::config::Config;
use crate::error::{Error, Provider, Result};
use crate::stage::Stage;
use crate::view::Video;

use super::{Downloaded, Downloader, Options, Progress, check_destination, default_file_name};

/// The finished file of `video`, or why there is none: still queued or
/// processing, failed, completed without a file URL, or a provider whose
/// answers carry no media URL (memories.ai).
pub fn file_url(video: &Video) -> Result<&str> {
    let no_media = |reason: String| Error::NoMedia {
        provider: video.provider,
        id: video.id.clone(),
        reason,
    };
    if let Some(url) = video.file_url.as_deref() {
        return Ok(url);
    }
    Err(no_media(match (&video.stage, video.provider) {
        (_, Provider::Memories) => {
            "memories.ai's list carries no media URL to download from".to_owned()
        }
        (Stage::Queued | Stage::Processing, _) => {
            format!("it is still {}; wait for it first", video.stage)
        }
        (Stage::Failed, _) => "it failed: there is no file".to_owned(),
        (Stage::Completed, _) => "it is completed, but the provider sent no file URL".to_owned(),
        (Stage::Unknown(_), _) => format!("its status is {}", video.stage),
    }))
}

impl Accounts {
    /// Looks the video up ([`Accounts::find`]) and downloads its finished
    /// file ([`Accounts::download_video`]). A video the provider does not
    /// have, or that has no finished file, is an [`Error::NoMedia`] and no
    /// file is created. A `to` whose folder does not exist is an
    /// [`Error::InvalidArgument`] before any request
    /// ([`check_destination`]).
    pub fn download(
        &self,
        provider: Provider,
        id: &str,
        to: Option<&Path>,
        options: &Options,
        progress: impl FnMut(Progress),
    ) -> Result<Downloaded> {
        check_destination(to)?;
        let video = self.find(provider, id)?.ok_or_else(|| Error::NoMedia {
            provider,
            id: id.to_owned(),
            reason: "the provider has no such video".to_owned(),
        })?;
        self.download_video(&video, to, options, progress)
    }

    /// Downloads the finished file of a video already looked up (by
    /// [`find`](Self::find) or [`wait`](Self::wait)): its
    /// [`file_url`](Video::file_url), fetched by a [`Downloader`] with the
    /// provider client's settings and without its credential. `to` is the
    /// target file, or a folder to put it in (an existing folder, or a path
    /// ending in `/`, which must exist); by default the current folder. A
    /// missing folder is an [`Error::InvalidArgument`] before any request.
    /// The file name, when not given, is
    /// [`default_file_name`] of the video's id and URL.
    pub fn download_video(
        &self,
        video: &Video,
        to: Option<&Path>,
        options: &Options,
        progress: impl FnMut(Progress),
    ) -> Result<Downloaded> {
        check_destination(to)?;
        let url = file_url(video)?;
        let config = self
            .client_config(video.provider)
            .ok_or_else(|| Self::not_configured(video.provider))?;
        let name = || PathBuf::from(default_file_name(&video.id, url));
        let path = match to {
            Some(dir) if dir.is_dir() => dir.join(name()),
            Some(file) => file.to_owned(),
            None => name(),
        };
        Downloader::new(video.provider, config)?
            .with_options(options.clone())
            .fetch(url, &path, progress)
            .map_err(|e| match e {
                // The URL came from the provider's answer, not from the
                // caller: a URL that cannot be fetched is the video's
                // problem, not an invalid argument.
                Error::InvalidArgument {
                    name: "media URL",
                    reason,
                } => Error::NoMedia {
                    provider: video.provider,
                    id: video.id.clone(),
                    reason: format!("the file URL the provider sent cannot be fetched: {reason}"),
                },
                other => other,
            })
    }
}

impl Accounts {
    /// The settings of the client that serves `provider`, when configured:
    /// a download uses them, never its credential.
    fn client_config(&self, provider: Provider) -> Option<&Config> {
        match provider {
            Provider::MiniMax | Provider::PixVerse => self.useapi.as_ref().map(|c| c.config()),
            Provider::HourOne => self.hourone.as_ref().map(|c| c.config()),
            Provider::Memories => self.memories.as_ref().map(|c| c.config()),
        }
    }
}
