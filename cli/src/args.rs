//! The command line's grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Blocking clients for AI-video APIs: MiniMax and PixVerse (useapi.net),
/// Hour One and memories.ai.
///
/// Credentials come from the environment: USEAPI_TOKEN (MiniMax and PixVerse),
/// HOURONE_API_KEY, MEMORIES_API_KEY. Base URLs default to the production
/// hosts and can be changed with USEAPI_BASE_URL, HOURONE_BASE_URL and
/// MEMORIES_BASE_URL (for a proxy, or the emulator); plain http on a host
/// other than loopback needs VIDAPI_ALLOW_HTTP=1. A proxy for every
/// request: VIDAPI_PROXY (http, https, socks4, socks4a, socks5, socks5h).
/// Files read by `drift` and `schema`: at most VIDAPI_MAX_INPUT_BYTES
/// (64 MiB by default). Processes pace memories.ai's list together
/// (see --no-shared-pacing). Request timeouts: VIDAPI_REQUEST_TIMEOUT and
/// VIDAPI_CONNECT_TIMEOUT, in seconds (see --request-timeout).
///
/// Exit codes: 0 success; 1 an API, network, decoding or download error (or,
/// for `list`, any provider failing; for `download`, a video with no
/// finished file, a file already at the path, or another download to it
/// under way); 2 bad usage or missing configuration (or a download folder
/// that does not exist), caught before any request;
/// 3 `wait` timed out before the video's status was final; 4 `drift` found
/// drift, `schema update --check` would change the file, or `schema diff`
/// found a breaking change; 5 `wait` saw the video end failed, moderated,
/// stopped or cancelled.
#[derive(Debug, Parser)]
#[command(name = "vidapi", version, max_term_width = 100)]
pub struct Cli {
    /// Print the payload as JSON on stdout, exactly as the provider sent it
    /// (its own envelope, field names, values and key order), instead of a
    /// table. `--all` prints a JSON array of the videos as sent; `list` its
    /// own cross-provider records.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,

    /// Save every 2xx response body verbatim in DIR (created if missing),
    /// as PROVIDER-TYPE-NNNN.json, never replacing a file: check them with
    /// `vidapi drift PROVIDER TYPE DIR/PROVIDER-TYPE-*`.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "DIR")]
    pub save_bodies: Option<std::path::PathBuf>,

    /// Also print, on stderr, the drift the responses showed: fields their
    /// schemas do not declare, values of another type, unknown statuses.
    /// Stdout and the exit code stay as they are.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub drift: bool,

    /// Print a line on stderr for every HTTP attempt: provider, endpoint,
    /// method, path (query values and account-carrying ids redacted), status, bytes,
    /// duration, retry number, the pacing wait before it and the wait before
    /// the next one. Never a credential or a body; stdout stays as it is.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,

    /// Keep memories.ai's rate (5 list requests per second) within this
    /// process only. By default every vidapi process on this machine using
    /// the same key and host shares it, through a small state file in
    /// $XDG_CACHE_HOME/vidapi/pace (else ~/.cache/vidapi/pace; VIDAPI_PACE_DIR
    /// names another folder). VIDAPI_SHARED_PACING=0 does the same as this flag.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_shared_pacing: bool,

    /// Give each HTTP attempt at most this many seconds (fractions allowed,
    /// at most 86400) to send the request, get the answer's head and read
    /// its body, each phase; default 60. A timed-out attempt is not retried
    /// (exit 1). Also VIDAPI_REQUEST_TIMEOUT, which this flag overrides.
    /// (`wait --timeout` is the whole wait's deadline, not this.)
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "SECS",
        value_parser = positive_seconds,
        allow_negative_numbers = true
    )]
    pub request_timeout: Option<f64>,

    /// Give connecting (DNS, TCP, TLS) at most this many seconds (fractions
    /// allowed, at most 86400); default 10. Also VIDAPI_CONNECT_TIMEOUT,
    /// which this flag overrides.
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "SECS",
        value_parser = positive_seconds,
        allow_negative_numbers = true
    )]
    pub connect_timeout: Option<f64>,

    #[command(subcommand)]
    pub command: Command,
}

/// The heading the options every command takes are listed under, apart
/// from each command's own.
const GLOBAL: &str = "Global options";

/// `--json` on a command with no JSON output: accepted by the parser (so
/// that the command says why it is refused, exit 2) but not offered in its
/// help or completions.
fn refused_json() -> clap::Arg {
    clap::Arg::new("json")
        .long("json")
        .action(clap::ArgAction::SetTrue)
        .hide(true)
}

/// `--save-bodies` on a command that calls no provider: accepted, refused
/// by the command (exit 2), not offered.
fn refused_save_bodies() -> clap::Arg {
    clap::Arg::new("save_bodies")
        .long("save-bodies")
        .value_name("DIR")
        .value_parser(clap::value_parser!(PathBuf))
        .hide(true)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the built-in emulator, call every endpoint through the real
    /// client, and print what came back. Needs no network and no credentials.
    #[command(arg = refused_json(), arg = refused_save_bodies())]
    Demo,
    /// Run the provider emulator in the foreground and print its base URL.
    #[command(arg = refused_json(), arg = refused_save_bodies())]
    Emulator {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        port: u16,
    },
    /// MiniMax through useapi.net (needs USEAPI_TOKEN).
    #[command(subcommand)]
    Minimax(Minimax),
    /// PixVerse through useapi.net (needs USEAPI_TOKEN).
    #[command(subcommand)]
    Pixverse(Pixverse),
    /// Hour One (needs HOURONE_API_KEY).
    #[command(subcommand)]
    Hourone(HourOne),
    /// memories.ai (needs MEMORIES_API_KEY).
    #[command(subcommand)]
    Memories(Memories),
    /// Every configured provider's videos in one table: provider, id,
    /// status (queued, processing, completed, failed or unknown), title or
    /// prompt, created, URL. A provider that fails is
    /// reported on stderr; the others are still listed.
    List {
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Decode saved JSON files as a generated type and print, one line each,
    /// the drift they show (exit 4 if any, 1 if a file cannot be decoded).
    Drift {
        /// The schema folder: minimax, pixverse, hourone, memories, useapi.
        provider: String,
        /// The root type (the schema's title), e.g. VideoList, VideoPage,
        /// ListVideosResponse; `Video[]` for a bare array of Video.
        #[arg(value_name = "TYPE")]
        type_name: String,
        /// Saved JSON files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Keep the schemas in step with what providers send.
    #[command(subcommand)]
    Schema(Schema),
    /// Poll a video until its status is final, then print it (one request
    /// per poll where the provider can look a video up; --json: the
    /// provider's own video object). Exit 0 when it completed, 5 when it
    /// ended failed, moderated, stopped or cancelled, 3 on timeout.
    Wait {
        /// The provider the video is on.
        provider: ProviderArg,
        /// The video's id as the provider gives it.
        video_id: String,
        /// Give up after this many seconds (exit code 3).
        #[arg(long, default_value_t = 600.0, value_parser = positive_seconds, allow_negative_numbers = true)]
        timeout: f64,
        /// Seconds between polls.
        #[arg(long, default_value_t = 5.0, value_parser = positive_seconds, allow_negative_numbers = true)]
        interval: f64,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Then download the finished file to PATH (a file or a folder;
        /// default: a name made from the id, in the current folder). Where
        /// it went is printed on stderr. A missing folder is refused before
        /// waiting (exit 2).
        #[arg(long, value_name = "PATH", num_args = 0..=1)]
        download: Option<Option<PathBuf>>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Make one video on MiniMax, PixVerse or Hour One, never paying twice.
    Generate(crate::generate::GenerateArgs),
    /// Print a shell completion script on stdout. For example, bash:
    /// `vidapi completions bash > ~/.local/share/bash-completion/completions/vidapi`.
    #[command(arg = refused_json(), arg = refused_save_bodies())]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Download a finished video's file: the provider's download link where
    /// it has one (MiniMax downloadURL, Hour One download_url), else its
    /// playable URL (MiniMax videoURL, PixVerse url). The provider's
    /// credential is never sent to the media host. Prints where the file
    /// went. A video still processing or failed, or a memories.ai video
    /// (no media URL), is an error (exit 1) and no file is created.
    Download {
        /// The provider the video is on.
        provider: ProviderArg,
        /// The video's id as the provider gives it (for MiniMax and PixVerse,
        /// useapi.net's videoId / video_id is looked up directly).
        video_id: String,
        /// Where to put the file: a file, or a folder (an existing one, or
        /// DIR/) to put the default name in (default: a name made from the
        /// id, in the current folder). A missing folder is refused before
        /// any request (exit 2). An interrupted download of the same file
        /// to the same PATH is resumed from its PATH.part.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// The job ledger (`sync`'s record of what is on disk) as a table or
    /// --json; `jobs retry --failed` requeues failed jobs.
    Jobs(crate::jobs::JobsArgs),
    /// Mirror every finished video of every configured account to
    /// DIR/<provider>/<account>/<id>.<ext>, with the provider's JSON of it
    /// beside it (<id>.json). Incremental: a rerun fetches only what is
    /// new. Exit 1 when a file could not be fetched (run it again).
    Sync(crate::sync::SyncArgs),
}

/// Which account at providers where one credential serves several.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// The MiniMax account (needed when several are configured at useapi.net).
    #[arg(long)]
    pub account: Option<String>,
    /// The PixVerse account email (needed when several are configured).
    #[arg(long)]
    pub email: Option<String>,
}

impl ScopeArgs {
    /// The scope; a blank `--account` or `--email` is bad usage.
    pub fn scope(self) -> Result<vidapi::accounts::Scope, crate::Failure> {
        for (flag, value) in [("--account", &self.account), ("--email", &self.email)] {
            if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                return Err(crate::Failure::Usage(format!(
                    "{flag} must not be empty when given"
                )));
            }
        }
        Ok(vidapi::accounts::Scope {
            minimax_account: self.account,
            pixverse_email: self.email,
        })
    }
}

/// How a download treats the file system.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Replace a file already at PATH (atomically, when the download is
    /// complete) if it is a regular file or a symbolic link (the link, never
    /// its target); anything else there is refused. Also replaces a
    /// PATH.part that is not a vidapi partial download. Without it an
    /// existing file is an error (exit 1).
    #[arg(long)]
    pub force: bool,
    /// Refuse a file larger than this many bytes, announced or not
    /// (default: 4294967296, 4 GiB).
    #[arg(
        long,
        value_name = "BYTES",
        value_parser = byte_count,
        allow_negative_numbers = true
    )]
    pub max_bytes: Option<u64>,
    /// Give up after this many seconds of downloading, keeping PATH.part for
    /// a later run to resume (default: no deadline).
    #[arg(long, value_name = "SECS", value_parser = positive_seconds, allow_negative_numbers = true)]
    pub deadline: Option<f64>,
}

impl FileArgs {
    pub fn options(&self) -> vidapi::download::Options {
        vidapi::download::Options {
            max_bytes: Some(
                self.max_bytes
                    .unwrap_or(vidapi::download::DEFAULT_MAX_BYTES),
            ),
            overwrite: self.force,
            deadline: self.deadline.map(std::time::Duration::from_secs_f64),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Schema {
    /// Fold saved samples into a schema file, in place: add the properties
    /// the samples have and the schema lacks, widen types they contradict.
    /// Prints each change and the Rust type it generates.
    Update {
        /// The schema file (e.g. schemas/minimax/videos.json).
        schema_file: PathBuf,
        /// Saved JSON responses.
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// Write nothing; exit 4 if the file would change.
        #[arg(long)]
        check: bool,
        /// Write even when a change destroys structure (an object or array
        /// typing replaced by "anything") or narrows what decodes; without
        /// it such an update is refused with exit 4 and nothing is written.
        #[arg(long)]
        allow_breaking: bool,
    },
    /// Print a new schema, in the project's conventions, that every sample fits.
    Infer {
        /// Saved JSON responses.
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// The root type's name.
        #[arg(long)]
        title: String,
    },
    /// List the changes between two versions of a schema, each classified by
    /// its effect on the generated Rust API and on decoding; exit 4 if any
    /// is breaking.
    Diff {
        /// The old version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum Minimax {
    /// GET /v1/minimax/videos/: the account's videos (one page with --limit
    /// or --last-video-id, all of them with --all).
    Videos {
        /// The MiniMax account (needed when several are configured at useapi.net).
        #[arg(long)]
        account: Option<String>,
        /// Videos per page, at least 1 (server default 30; later versions of
        /// the docs).
        #[arg(long, value_parser = at_least_one, allow_negative_numbers = true)]
        limit: Option<u32>,
        /// Start after this video: the id of the previous page's last video.
        #[arg(long, conflicts_with = "all")]
        last_video_id: Option<String>,
        /// Page through every video (limit and lastVideoId), streaming rows
        /// as pages arrive.
        #[arg(long)]
        all: bool,
    },
    /// GET /v1/minimax/videos/{videoId}: one video (404: removed or moderated).
    Video {
        /// useapi.net's videoId (user:…-minimax:…-video:…), as `minimax videos
        /// --json` shows it.
        video_id: String,
    },
    /// GET /v1/minimax/files/: images used for generation.
    Files {
        /// The MiniMax account (needed when several are configured at useapi.net).
        #[arg(long)]
        account: Option<String>,
        /// How many files, at least 1 (server default 10). When as many come
        /// back, a line on stderr says there may be more.
        #[arg(long, value_parser = at_least_one, allow_negative_numbers = true)]
        limit: Option<u32>,
    },
    /// The commands declared in calls.rs.
    #[command(flatten)]
    Calls(crate::calls::MinimaxCalls),
}

#[derive(Debug, Subcommand)]
pub enum Pixverse {
    /// GET /v2/pixverse/videos/: one page of videos, or all with --all.
    Videos {
        /// The PixVerse account email (needed when several are configured).
        #[arg(long)]
        email: Option<String>,
        /// Videos per page, at least 1 (server default 40).
        #[arg(long, value_parser = at_least_one, allow_negative_numbers = true)]
        limit: Option<u32>,
        /// Where to start (the previous page's next_offset).
        #[arg(long, conflicts_with = "all", allow_negative_numbers = true)]
        offset: Option<u32>,
        /// Page through every video, streaming rows as pages arrive.
        #[arg(long)]
        all: bool,
    },
    /// GET /v2/pixverse/videos/{video_id}: one video (404 while it is still
    /// queued or generating, as for an unknown id).
    Video {
        /// useapi.net's video_id (user:…-pixverse:<email>-video:…).
        video_id: String,
    },
    /// The commands declared in calls.rs.
    #[command(flatten)]
    Calls(crate::calls::PixverseCalls),
}

#[derive(Debug, Subcommand)]
pub enum HourOne {
    /// GET /videos: every video.
    Videos,
    /// GET /videos/{video_id}: one video.
    Video {
        /// The video's id.
        video_id: String,
    },
    /// GET /videos/{video_id}/metadata: a video's metadata.
    Metadata {
        /// The video's id.
        video_id: String,
    },
    /// POST /videos: create a video from a source draft or a recipe.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub body: CreateBody,
    /// Sent as the workspace-id header.
    #[arg(long)]
    pub workspace_id: Option<String>,
    /// Sent as the team-id header.
    #[arg(long)]
    pub team_id: Option<String>,
}

/// The request body's fields, one flag each.
#[derive(Debug, Args)]
pub struct CreateBody {
    /// Name of the project the request creates.
    #[arg(long)]
    pub name: Option<String>,
    /// The project the video is based on.
    #[arg(long)]
    pub source_draft_id: Option<String>,
    /// The recipe the video is based on.
    #[arg(long)]
    pub recipe_id: Option<String>,
    /// The folder the video is based on.
    #[arg(long)]
    pub folder_id: Option<String>,
    /// A color palette instead of the source project's.
    #[arg(long)]
    pub palette_id: Option<String>,
    /// A character instead of the source project's.
    #[arg(long)]
    pub character_id: Option<String>,
    /// A voice instead of the source project's.
    #[arg(long)]
    pub voice_id: Option<String>,
}

impl From<CreateBody> for vidapi::hourone::CreateVideoRequest {
    fn from(b: CreateBody) -> Self {
        vidapi::hourone::CreateVideoRequest {
            name: b.name,
            source_draft_id: b.source_draft_id,
            recipe_id: b.recipe_id,
            folder_id: b.folder_id,
            palette_id: b.palette_id,
            character_id: b.character_id,
            voice_id: b.voice_id,
            ..Default::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Memories {
    /// POST /serve/api/video/list_videos (or /serve/api/v1/list_videos with
    /// --api v1): one page of videos, or all with --all.
    Videos {
        #[command(flatten)]
        filter: MemoriesFilter,
        /// The list endpoint: `original` (/serve/api/video/list_videos,
        /// filters by --folder-id) or `v1` (/serve/api/v1/list_videos, newer
        /// docs, filters by --unique-id).
        #[arg(long, value_enum, default_value_t = MemoriesApi::Original)]
        api: MemoriesApi,
        /// Page through every matching video, streaming rows as pages arrive.
        #[arg(long)]
        all: bool,
    },
}

/// The list request's fields, one flag each.
#[derive(Debug, Args)]
pub struct MemoriesFilter {
    /// Page number, from 1 (server default 1).
    #[arg(long, conflicts_with = "all", value_parser = at_least_one, allow_negative_numbers = true)]
    pub page: Option<u32>,
    /// Videos per page, at least 1 (server default 20).
    #[arg(long, value_parser = at_least_one, allow_negative_numbers = true)]
    pub size: Option<u32>,
    /// Only videos whose name contains this.
    #[arg(long)]
    pub video_name: Option<String>,
    /// Only the video with this id.
    #[arg(long)]
    pub video_no: Option<String>,
    /// Only videos in this folder (original endpoint only).
    #[arg(long, conflicts_with = "unique_id", allow_negative_numbers = true)]
    pub folder_id: Option<i64>,
    /// Only videos uploaded under this unique_id (with --api v1 only).
    #[arg(long)]
    pub unique_id: Option<String>,
    /// Only videos with this status, as memories.ai spells it (the table's
    /// status column shows the same words; any case is accepted).
    #[arg(long, value_parser = memories_status(), ignore_case = true)]
    pub status: Option<String>,
}

impl MemoriesFilter {
    /// The body for the original endpoint, which has no `unique_id`.
    pub fn original(self) -> Result<vidapi::memories::ListVideosRequest, crate::Failure> {
        if self.unique_id.is_some() {
            return Err(crate::Failure::Usage(
                "--unique-id is a filter of the v1 endpoint: add --api v1".into(),
            ));
        }
        Ok(vidapi::memories::ListVideosRequest {
            page: self.page,
            size: self.size,
            video_name: self.video_name,
            video_no: self.video_no,
            folder_id: self.folder_id,
            status: self.status,
            ..Default::default()
        })
    }

    /// The body for the v1 endpoint, which has no `folder_id`.
    pub fn v1(self) -> Result<vidapi::memories::ListVideosV1Request, crate::Failure> {
        if self.folder_id.is_some() {
            return Err(crate::Failure::Usage(
                "--folder-id is not a filter of the v1 endpoint: use --unique-id".into(),
            ));
        }
        Ok(vidapi::memories::ListVideosV1Request {
            page: self.page,
            size: self.size,
            video_name: self.video_name,
            video_no: self.video_no,
            unique_id: self.unique_id,
            status: self.status,
            ..Default::default()
        })
    }
}

/// `--status`: one of the values memories.ai's filter is known to take
/// ([`vidapi::memories::Status::FILTER_VALUES`]), listed in the help and in
/// the error for any other value.
fn memories_status() -> impl clap::builder::TypedValueParser<Value = String> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(vidapi::memories::Status::FILTER_VALUES)
        .map(|raw| raw.to_ascii_uppercase())
}

/// memories.ai's list endpoints, for `--api`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MemoriesApi {
    /// POST /serve/api/video/list_videos (the documented default).
    Original,
    /// POST /serve/api/v1/list_videos (newer docs).
    V1,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProviderArg {
    Minimax,
    Pixverse,
    Hourone,
    Memories,
}

impl From<ProviderArg> for vidapi::Provider {
    fn from(p: ProviderArg) -> Self {
        match p {
            ProviderArg::Minimax => vidapi::Provider::MiniMax,
            ProviderArg::Pixverse => vidapi::Provider::PixVerse,
            ProviderArg::Hourone => vidapi::Provider::HourOne,
            ProviderArg::Memories => vidapi::Provider::Memories,
        }
    }
}

/// The most seconds `--timeout` and `--interval` take: one day.
const MAX_SECONDS: f64 = 86_400.0;

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_SECONDS => Ok(v),
        _ => Err(format!(
            "{text:?} is not a number of seconds greater than 0 and at most 86400 \
             (fractions allowed, e.g. 0.5)"
        )),
    }
}

/// A count that must be at least 1: pages, page sizes, limits.
fn at_least_one(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(format!(
            "{text:?} is not a whole number from 1 to {}",
            u32::MAX
        )),
    }
}

/// A number of bytes: a whole number from 0 up.
fn byte_count(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!(
            "{text:?} is not a whole number of bytes from 0 to {}",
            u64::MAX
        )
    })
}
