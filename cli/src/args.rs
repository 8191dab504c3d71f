//! The command line's grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Blocking clients for AI-video APIs: MiniMax and PixVerse (useapi.net),
/// Hour One and memories.ai.
///
/// Credentials come from the environment: USEAPI_TOKEN (MiniMax and PixVerse),
/// HOURONE_API_KEY, MEMORIES_API_KEY. Base URLs default to the production
/// hosts and can be changed with USEAPI_BASE_URL, HOURONE_BASE_URL and
/// MEMORIES_BASE_URL (for a proxy, or the emulator: `vidapi emulator` prints
/// the lines to export); plain http on a host other than loopback needs
/// VIDAPI_ALLOW_HTTP=1. A proxy for every request: VIDAPI_PROXY (http,
/// https, socks4, socks4a, socks5, socks5h). Files read by `drift` and
/// `schema`: at most VIDAPI_MAX_INPUT_BYTES (64 MiB by default). Table
/// width: the terminal's, or COLUMNS / VIDAPI_COLUMNS. Processes pace
/// memories.ai's list together (see --no-shared-pacing). Request timeouts:
/// VIDAPI_REQUEST_TIMEOUT and VIDAPI_CONNECT_TIMEOUT, in seconds (see
/// --request-timeout).
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
///
/// `-h` is this summary; `--help` says everything, for every command.
#[derive(Debug, Parser)]
#[command(name = "vidapi", version, max_term_width = 100)]
pub struct Cli {
    /// Print JSON on stdout: the payload exactly as the provider sent it
    ///
    /// Instead of a table: the response body byte for byte (its own
    /// envelope, field names, values and key order). `--all` prints a JSON
    /// array of the videos as sent; `list` and `download` print their own
    /// records.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,

    /// Also save every response body verbatim in DIR
    ///
    /// Every 2xx body, as DIR/PROVIDER-TYPE-NNNN.json (DIR is created if
    /// missing; a file is never replaced: the next number is taken), for
    /// `vidapi drift PROVIDER TYPE DIR/PROVIDER-TYPE-*`. Only for commands
    /// that call a provider.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "DIR")]
    pub save_bodies: Option<std::path::PathBuf>,

    /// Also print, on stderr, the drift the responses showed
    ///
    /// Fields their schemas do not declare, values of another type, unknown
    /// statuses. Stdout and the exit code stay as they are.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub drift: bool,

    /// Print a line on stderr for every HTTP attempt
    ///
    /// Provider, endpoint, method, path (query values and account-carrying
    /// ids redacted), status, bytes, duration, retry number, the pacing wait
    /// before it and the wait before the next one, as `tracing` events of
    /// target vidapi::transport::log. Never a credential or a body; stdout
    /// stays as it is.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,

    /// Pace memories.ai's list within this process only
    ///
    /// memories.ai allows 5 list requests per second. By default every
    /// vidapi process on this machine using the same key and host shares
    /// that rate, through a small state file in $XDG_CACHE_HOME/vidapi/pace
    /// (else ~/.cache/vidapi/pace; VIDAPI_PACE_DIR names another folder).
    /// VIDAPI_SHARED_PACING=0 does the same as this flag.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_shared_pacing: bool,

    /// Each HTTP attempt's limit, in seconds [default: 60]
    ///
    /// At most this many seconds (fractions allowed, at most 86400) for
    /// each of sending the request, getting the answer's head and reading
    /// its body. A timed-out attempt is not retried (exit 1). Also
    /// VIDAPI_REQUEST_TIMEOUT, which this flag overrides. (`wait --timeout`
    /// is the whole wait's deadline, not this.)
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "SECS",
        value_parser = positive_seconds,
        allow_negative_numbers = true
    )]
    pub request_timeout: Option<f64>,

    /// Connecting's limit, in seconds [default: 10]
    ///
    /// At most this many seconds (fractions allowed, at most 86400) for DNS,
    /// TCP and TLS. Also VIDAPI_CONNECT_TIMEOUT, which this flag overrides.
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

/// The grammar the command line is parsed with: [`Cli`], plus, on the
/// commands that refuse `--json` or `--save-bodies`, those flags hidden (so
/// that the command can say why it refuses them, exit 2) and, where
/// `--json` means something else, that meaning in the command's help.
pub fn parser() -> clap::Command {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    for name in NO_JSON {
        cli = cli.mut_subcommand(name, |c| c.arg(hidden_json()).arg(hidden_save_bodies()));
    }
    cli.mut_subcommand("drift", |c| {
        c.arg(own_json(
            "Print the findings as one JSON array, each naming its file",
        ))
        .arg(hidden_save_bodies())
    })
    .mut_subcommand("schema", |c| {
        c.arg(hidden_save_bodies())
            .mut_subcommand("update", |c| {
                c.arg(own_json("Print the changes as one JSON array"))
                    .arg(hidden_save_bodies())
            })
            .mut_subcommand("diff", |c| {
                c.arg(own_json("Print the differences as one JSON array"))
                    .arg(hidden_save_bodies())
            })
            // Its output is a schema, JSON already: the flag changes nothing.
            .mut_subcommand("infer", |c| c.arg(hidden_json()).arg(hidden_save_bodies()))
    })
    .mut_subcommand("jobs", |c| {
        c.arg(own_json(JOBS_JSON))
            .arg(hidden_save_bodies())
            .mut_subcommand("retry", |c| {
                c.arg(own_json(RETRY_JSON)).arg(hidden_save_bodies())
            })
    })
    .mut_subcommand("sync", |c| c.arg(own_json(SYNC_JSON)))
    .mut_subcommand("list", |c| c.arg(own_json(LIST_JSON)))
    .mut_subcommand("download", |c| c.arg(own_json(DOWNLOAD_JSON)))
    .mut_subcommand("generate", |c| c.arg(own_json(GENERATE_JSON)))
}

/// What `--json` prints for the commands whose output is their own, not a
/// provider's payload.
const JOBS_JSON: &str = "Print the jobs as one JSON array";
const RETRY_JSON: &str = "Print how many jobs were requeued as one JSON object";
const SYNC_JSON: &str = "Print the summary as one JSON object";
const LIST_JSON: &str = "Print vidapi's cross-provider records as one JSON array";
const DOWNLOAD_JSON: &str = "Print the download's report as one JSON object";
const GENERATE_JSON: &str =
    "Print one JSON object: provider, id, account, status, path (--batch: one event a line)";

/// The grammar as completion scripts offer it: no command is offered a flag
/// it refuses. Completion generators list hidden flags too, so here
/// `--json` and `--save-bodies` are not global: each is added to exactly
/// the commands that take it.
pub fn offered() -> clap::Command {
    use clap::CommandFactory;
    let cli = Cli::command();
    let json = cli.get_arguments().find(|a| a.get_id() == "json").cloned();
    let save = cli
        .get_arguments()
        .find(|a| a.get_id() == "save_bodies")
        .cloned();
    let (json, save) = (
        json.expect("--json").global(false),
        save.expect("--save-bodies").global(false),
    );
    let cli = cli
        .mut_arg("json", |a| a.global(false))
        .mut_arg("save_bodies", |a| a.global(false));
    offer(cli, "", &json, &save)
}

/// Adds `--json` and `--save-bodies` to each command below `cmd` (at
/// `path`, e.g. "schema update") that takes them.
fn offer(cmd: clap::Command, path: &str, json: &clap::Arg, save: &clap::Arg) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    names.into_iter().fold(cmd, |cmd, name| {
        let path = format!("{path} {name}").trim_start().to_owned();
        cmd.mut_subcommand(&name, |sub| {
            let root = path.split(' ').next().unwrap_or_default();
            let mut sub = match path.as_str() {
                "drift" => sub.arg(own_json(
                    "Print the findings as one JSON array, each naming its file",
                )),
                "schema update" => sub.arg(own_json("Print the changes as one JSON array")),
                "schema diff" => sub.arg(own_json("Print the differences as one JSON array")),
                "jobs" => sub.arg(own_json(JOBS_JSON)),
                "jobs retry" => sub.arg(own_json(RETRY_JSON)),
                "sync" => sub.arg(own_json(SYNC_JSON)),
                "list" => sub.arg(own_json(LIST_JSON)),
                "download" => sub.arg(own_json(DOWNLOAD_JSON)),
                "generate" => sub.arg(own_json(GENERATE_JSON)),
                _ if NO_JSON.contains(&root) || root == "schema" || root == "help" => sub,
                _ => sub.arg(json.clone()),
            };
            if !(NO_JSON.contains(&root) || NO_PROVIDER.contains(&root) || root == "help") {
                sub = sub.arg(save.clone());
            }
            offer(sub, &path, json, save)
        })
    })
}

/// Commands whose output has no JSON form (and that call no provider).
pub const NO_JSON: [&str; 3] = ["demo", "emulator", "completions"];
/// Commands that read files and call no provider: no `--save-bodies`.
const NO_PROVIDER: [&str; 3] = ["drift", "schema", "jobs"];

/// `--json` on a command with no JSON output: accepted by the parser (so
/// that the command says why it is refused, exit 2) but not offered in its
/// help.
fn hidden_json() -> clap::Arg {
    clap::Arg::new("json")
        .long("json")
        .action(clap::ArgAction::SetTrue)
        .hide(true)
}

/// `--json` where it means something else than the payload as sent.
fn own_json(help: &'static str) -> clap::Arg {
    clap::Arg::new("json")
        .long("json")
        .action(clap::ArgAction::SetTrue)
        .help(help)
}

/// `--save-bodies` on a command that calls no provider: accepted, refused
/// by the command (exit 2), not offered.
fn hidden_save_bodies() -> clap::Arg {
    clap::Arg::new("save_bodies")
        .long("save-bodies")
        .value_name("DIR")
        .value_parser(clap::value_parser!(PathBuf))
        .hide(true)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Call every endpoint against the built-in emulator and show the answers
    ///
    /// Starts the emulator, calls every endpoint through the real client and
    /// prints what came back. Needs no network and no credentials.
    Demo,
    /// Run the provider emulator in the foreground and print its base URL
    ///
    /// On stderr it prints the `export` lines that point vidapi (and
    /// `from_env()` in the library) at it. Stop it with Ctrl-C.
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
    /// Every configured provider's videos in one table
    ///
    /// Provider, id, status (queued, processing, completed, failed or
    /// unknown), title or prompt, created, URL; each provider paged in full.
    /// A provider that fails is reported on stderr (exit 1); the others are
    /// still listed. Providers without a credential are named on stderr.
    List {
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Check saved JSON files for drift from a generated type
    ///
    /// Decodes each file as TYPE and prints, one line each, the drift it
    /// shows: undeclared fields, values of another JSON type, unknown
    /// statuses. Exit 4 if any, 1 if a file is not JSON, does not decode or
    /// is not a TYPE.
    Drift {
        /// The schema folder: minimax, pixverse, hourone, memories, useapi.
        provider: String,
        /// The root type (a schema's title): VideoList, VideoPage, Video[], …
        ///
        /// Any schema's title, e.g. VideoList, VideoPage,
        /// ListVideosResponse; `Video[]` for a bare array of Video. An
        /// unknown name lists the valid ones.
        #[arg(value_name = "TYPE")]
        type_name: String,
        /// Saved JSON files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Keep the schemas in step with what providers send.
    #[command(subcommand)]
    Schema(Schema),
    /// Poll a video until its status is final, then print it
    ///
    /// One request per poll where the provider can look a video up; --json
    /// prints the provider's own video object. Exit 0 when it completed, 5
    /// when it ended failed, moderated, stopped or cancelled, 3 on timeout.
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
        /// Then download the finished file to PATH (a file or a folder)
        ///
        /// Default: a name made from the id, in the current folder. Where
        /// it went is printed on stderr. A missing folder is refused before
        /// waiting (exit 2).
        #[arg(long, value_name = "PATH", num_args = 0..=1)]
        download: Option<Option<PathBuf>>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Make one video on MiniMax, PixVerse or Hour One, never paying twice
    Generate(crate::generate::GenerateArgs),
    /// Print a shell completion script on stdout
    ///
    /// For example, bash:
    /// `vidapi completions bash > ~/.local/share/bash-completion/completions/vidapi`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Download a finished video's file and print where it went
    ///
    /// The provider's download link where it has one (MiniMax downloadURL,
    /// Hour One download_url), else its playable URL (MiniMax videoURL,
    /// PixVerse url). The provider's credential is never sent to the media
    /// host. A video still processing or failed, or a memories.ai video (no
    /// media URL), is an error (exit 1) and no file is created. The file is
    /// written to PATH.part and renamed when whole; an interrupted download
    /// resumes when run again.
    Download {
        /// The provider the video is on.
        provider: ProviderArg,
        /// The video's id, as a table or the provider shows it
        ///
        /// For MiniMax and PixVerse, useapi.net's videoId / video_id is
        /// looked up directly; a MiniMax short id (video_id_#2) is found in
        /// the account's list first.
        video_id: String,
        /// Where to put the file: a file, or a folder (DIR/)
        ///
        /// A file, or a folder (an existing one, or DIR/) to put the default
        /// name in (default: a name made from the id, in the current
        /// folder). A missing folder is refused before any request (exit 2).
        /// An interrupted download of the same file to the same PATH is
        /// resumed from its PATH.part.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Show the job ledger; `jobs retry --failed` requeues failed jobs
    ///
    /// The ledger is the SQLite record of every job and of what `sync` put
    /// on disk, shown as a table or with --json.
    Jobs(crate::jobs::JobsArgs),
    /// Mirror every finished video of every configured account into DIR
    ///
    /// Each goes to DIR/<provider>/<account>/<id>.<ext>, with the provider's
    /// JSON of it beside it (<id>.json). Incremental: a rerun fetches only
    /// what is new. Exit 1 when a file could not be fetched (run it again).
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
    /// Replace a file already at PATH
    ///
    /// Atomically, when the download is complete, if it is a regular file or
    /// a symbolic link (the link, never its target); anything else there is
    /// refused. Also replaces a PATH.part that is not a vidapi partial
    /// download. Without it an existing file is an error (exit 1).
    #[arg(long)]
    pub force: bool,
    /// Refuse a file larger than this, announced or not [default: 4 GiB]
    ///
    /// In bytes; the default is 4294967296 (4 GiB).
    #[arg(
        long,
        value_name = "BYTES",
        value_parser = byte_count,
        allow_negative_numbers = true
    )]
    pub max_bytes: Option<u64>,
    /// Give up after this many seconds of downloading, keeping PATH.part
    ///
    /// A later run of the same command resumes from PATH.part. Default: no
    /// deadline. It bounds the wall time: a stalled read is cut when it
    /// passes, not after the request timeout; apart from it a download sends
    /// at most 256 requests.
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
            ..Default::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Schema {
    /// Fold saved samples into a schema file, in place
    ///
    /// Adds the properties the samples have and the schema lacks, widens
    /// types they contradict, and prints each change and the Rust type it
    /// generates. A change that drops structure or narrows decoding is
    /// refused (exit 4) unless --allow-breaking.
    Update {
        /// The schema file (e.g. schemas/minimax/videos.json).
        schema_file: PathBuf,
        /// Saved JSON responses.
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// Write nothing; exit 4 if the file would change.
        #[arg(long)]
        check: bool,
        /// Write even a change that drops structure or narrows decoding
        ///
        /// An object or array typing replaced by "anything", or a type that
        /// decodes less; without this flag such an update is refused with
        /// exit 4 and nothing is written.
        #[arg(long)]
        allow_breaking: bool,
    },
    /// Print a new schema, in the project's conventions, that every sample fits
    Infer {
        /// Saved JSON responses.
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// The root type's name.
        #[arg(long)]
        title: String,
    },
    /// List the changes between two versions of a schema
    ///
    /// Each is classified by its effect on the generated Rust API and on
    /// decoding; exit 4 if any is breaking.
    Diff {
        /// The old version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum Minimax {
    /// GET /v1/minimax/videos/: the account's videos
    ///
    /// One page (with --limit or --last-video-id: the next page's id is
    /// printed on stderr), or all of them with --all.
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
        /// Page through every video, streaming rows as pages arrive
        #[arg(long)]
        all: bool,
    },
    /// GET /v1/minimax/videos/{videoId}: one video (404: removed or moderated).
    Video {
        /// useapi.net's videoId (user:…-minimax:…-video:…), or the short id
        /// a table shows (video_id_#2), looked up in the account's list
        video_id: String,
        /// The MiniMax account whose list a short id is looked up in
        /// (default: useapi.net's default account).
        #[arg(long)]
        account: Option<String>,
    },
    /// GET /v1/minimax/files/: images used for generation.
    Files {
        /// The MiniMax account (needed when several are configured at useapi.net).
        #[arg(long)]
        account: Option<String>,
        /// How many files, at least 1 (server default 10)
        ///
        /// When as many come back, a line on stderr says there may be more.
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
    /// GET /v2/pixverse/videos/{video_id}: one video
    ///
    /// useapi.net answers 404 while it is still queued or generating, as for
    /// an unknown id.
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
    /// POST /serve/api/video/list_videos: one page of videos, or all with --all
    ///
    /// With --api v1: POST /serve/api/v1/list_videos (newer docs).
    Videos {
        #[command(flatten)]
        filter: MemoriesFilter,
        /// The list endpoint: original (--folder-id) or v1 (--unique-id)
        ///
        /// `original` is /serve/api/video/list_videos, which filters by
        /// --folder-id; `v1` is /serve/api/v1/list_videos (newer docs), which
        /// filters by --unique-id.
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
    /// Only videos with this status, as memories.ai spells it
    ///
    /// The table's status column shows the same words; any case is accepted.
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

/// The provider as `wait`, `download` and the provider commands name it
/// (`minimax`, `hourone`, …).
pub fn provider_word(provider: vidapi::Provider) -> &'static str {
    match provider {
        vidapi::Provider::MiniMax => "minimax",
        vidapi::Provider::PixVerse => "pixverse",
        vidapi::Provider::HourOne => "hourone",
        vidapi::Provider::Memories => "memories",
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
