//! Commands that are one call and one table: each is one variant and one
//! arm here, and nothing else (args.rs flattens these into `vidapi minimax
//! …` and `vidapi pixverse …`; the demo runs every one of them by the
//! command its entry in `vidapi::endpoints::ENDPOINTS` names).

use clap::{Parser, Subcommand};
use vidapi::UseApi;

use crate::Failure;
use crate::commands::{print, shown, text};
use crate::output::Col;

type Outcome = Result<(), Failure>;

/// `vidapi minimax …` commands declared here.
#[derive(Debug, Subcommand)]
pub enum MinimaxCalls {
    /// GET /v1/minimax/scheduler/available: each account's capacity (max
    /// jobs, running, available), then the jobs running now with their
    /// replyRef.
    Capacity,
    /// POST /v1/minimax/videos/cancel: stop making a video (its composite
    /// id, user:…-minimax:…-video:…).
    Cancel {
        /// useapi.net's composite video id.
        video_id: String,
    },
}

impl MinimaxCalls {
    pub fn run(self, useapi: &UseApi, json: bool) -> Outcome {
        match self {
            MinimaxCalls::Cancel { video_id } => {
                let answer = useapi.minimax().cancel(&video_id)?;
                if json {
                    let shown = serde_json::to_string(&answer)
                        .map_err(|e| crate::Failure::Api(e.to_string()))?;
                    crate::output::line(&shown)?;
                } else {
                    crate::output::line(&format!("cancelled {video_id}"))?;
                }
                Ok(())
            }
            MinimaxCalls::Capacity => {
                let answer = useapi.minimax().scheduler_available()?;
                let accounts = answer.available.unwrap_or_default();
                print(
                    json,
                    &accounts,
                    &[
                        Col::id("account"),
                        Col::keep("max jobs", 0),
                        Col::keep("executing", 0),
                        Col::keep("available", 0),
                    ],
                    |a| {
                        vec![
                            text(&a.account),
                            shown(&a.max_jobs),
                            shown(&a.executing),
                            shown(&a.available),
                        ]
                    },
                )?;
                if json {
                    return Ok(());
                }
                let jobs = answer.executing.unwrap_or_default();
                print(
                    false,
                    &jobs,
                    &[
                        Col::id("running video id"),
                        Col::keep("elapsed", 2),
                        Col::keep("replyRef", 1),
                    ],
                    |j| vec![text(&j.video_id), text(&j.elapsed), text(&j.reply_ref)],
                )
            }
        }
    }
}

/// `vidapi pixverse …` commands declared here.
#[derive(Debug, Subcommand)]
pub enum PixverseCalls {
    /// GET /v2/pixverse/scheduler/available: each account's capacity (max
    /// jobs, running, available), then the jobs running now.
    Capacity,
}

impl PixverseCalls {
    pub fn run(self, useapi: &UseApi, json: bool) -> Outcome {
        match self {
            PixverseCalls::Capacity => {
                let answer = useapi.pixverse().scheduler_available()?;
                let accounts = answer.available.unwrap_or_default();
                print(
                    json,
                    &accounts,
                    &[
                        Col::id("email"),
                        Col::keep("max jobs", 0),
                        Col::keep("executing", 0),
                        Col::keep("available", 0),
                    ],
                    |a| {
                        vec![
                            text(&a.email),
                            shown(&a.max_jobs),
                            shown(&a.executing),
                            shown(&a.available),
                        ]
                    },
                )?;
                if json {
                    return Ok(());
                }
                let jobs = answer.executing.unwrap_or_default();
                print(
                    false,
                    &jobs,
                    &[
                        Col::id("running video id"),
                        Col::keep("started", 1),
                        Col::keep("elapsed", 2),
                    ],
                    |j| vec![text(&j.video_id), text(&j.started), text(&j.elapsed)],
                )
            }
        }
    }
}

/// A command line of one of these calls, without `vidapi`.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct Words {
    #[command(subcommand)]
    call: Call,
}

/// One of these calls.
#[derive(Debug, Subcommand)]
pub enum Call {
    #[command(subcommand)]
    Minimax(MinimaxCalls),
    #[command(subcommand)]
    Pixverse(PixverseCalls),
}

impl Call {
    pub fn run(self, useapi: &UseApi, json: bool) -> Outcome {
        match self {
            Call::Minimax(call) => call.run(useapi, json),
            Call::Pixverse(call) => call.run(useapi, json),
        }
    }
}

/// `command` (`"pixverse capacity"`, without `vidapi`) as one of these
/// calls; `None` if it is not one.
pub fn parse(command: &str) -> Option<Call> {
    Words::try_parse_from(command.split_whitespace())
        .ok()
        .map(|words| words.call)
}
