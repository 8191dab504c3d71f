//! The `vidapi` command: every endpoint from the shell, one list across
//! providers, a wait-until-done, and an offline demo against the emulator.

mod args;
mod batch;
mod calls;
mod commands;
mod demo;
mod drift;
mod generate;
mod input;
mod jobs;
mod ledger;
mod output;
mod raw;
mod schema;
mod settings;
mod signals;
mod sync;

use std::process::ExitCode;
use std::time::Duration;

use clap::FromArgMatches;

use args::{Cli, Command, HourOne, Memories, MemoriesApi, Minimax, Pixverse};

/// Why a command failed, and so which exit code it ends with.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or missing configuration: exit 2.
    Usage(String),
    /// A call failed: exit 1.
    Api(String),
    /// Already reported on stderr (a provider failed in `list`): exit 1.
    Reported,
    /// `wait` ran out of time: exit 3.
    WaitTimeout(String),
    /// `wait` saw the video end failed, moderated, stopped or cancelled: exit 5.
    VideoFailed(String),
    /// Drift found, a schema that would change, a breaking difference:
    /// exit 4, with a message when the output has not said it already.
    Found(Option<String>),
    /// Writing the output failed.
    Output(std::io::Error),
}

impl From<vidapi::Error> for Failure {
    fn from(e: vidapi::Error) -> Self {
        match e {
            vidapi::Error::InvalidArgument { .. } | vidapi::Error::NotConfigured { .. } => {
                Failure::Usage(e.to_string())
            }
            other => Failure::Api(other.to_string()),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

fn main() -> ExitCode {
    let parsed = args::parser()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        // Usage errors carry the same `vidapi: error:` prefix as every
        // other error (clap's own starts at `error:`).
        Err(e) if e.use_stderr() => {
            let text = e.render().to_string();
            match text.strip_prefix("error: ") {
                Some(rest) => eprint!("vidapi: error: {rest}"),
                None => eprint!("{text}"),
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
        // --help, --version.
        Err(e) => e.exit(),
    };
    if cli.verbose {
        verbose();
    }
    settings::share_pacing(!cli.no_shared_pacing);
    settings::timeouts(cli.request_timeout, cli.connect_timeout);
    let report_drift = cli.drift;
    let outcome = run(cli);
    if report_drift {
        drift::report(settings::drift());
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`vidapi … | head`): not an error.
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            let (code, message) = match failure {
                Failure::Usage(m) => (2, Some(m)),
                Failure::Api(m) => (1, Some(m)),
                Failure::Reported => (1, None),
                Failure::WaitTimeout(m) => (3, Some(m)),
                Failure::VideoFailed(m) => (5, Some(m)),
                Failure::Found(m) => (4, m),
                Failure::Output(e) => (1, Some(format!("cannot write output: {e}"))),
            };
            if let Some(message) = message {
                eprintln!("vidapi: error: {message}");
            }
            ExitCode::from(code)
        }
    }
}

/// `-v`: every `tracing` event of vidapi at DEBUG and above, one line each
/// on stderr (timestamp, level, target, message, fields). Other crates'
/// events are left out.
fn verbose() {
    use tracing_subscriber::layer::SubscriberExt;
    let only_vidapi =
        tracing_subscriber::filter::Targets::new().with_target("vidapi", tracing::Level::DEBUG);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::DEBUG)
        .finish()
        .with(only_vidapi);
    // Only fails if a subscriber is already set, which nothing else does.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Commands whose output has no JSON form: `--json` is refused, not ignored.
fn refuse_json(command: &Command) -> Result<(), Failure> {
    let name = match command {
        Command::Demo => "demo",
        Command::Emulator { .. } => "emulator",
        Command::Completions { .. } => "completions",
        _ => return Ok(()),
    };
    Err(Failure::Usage(format!(
        "--json does not apply to `{name}`, whose output is not JSON; leave it out"
    )))
}

/// Commands that call no provider: `--save-bodies` is refused, not ignored.
fn refuse_save_bodies(command: &Command) -> Result<(), Failure> {
    let name = match command {
        Command::Demo => "demo",
        Command::Emulator { .. } => "emulator",
        Command::Completions { .. } => "completions",
        Command::Drift { .. } => "drift",
        Command::Schema(_) => "schema",
        Command::Jobs(_) => "jobs",
        _ => return Ok(()),
    };
    Err(Failure::Usage(format!(
        "--save-bodies does not apply to `{name}`, which calls no provider; leave it out"
    )))
}

/// Sets up the clients' body tap: `--json` keeps the bodies to print them
/// as sent (except for `list` and `download`, which print their own
/// records), `--save-bodies` writes them. Runs the command, then reports a
/// body that could not be saved.
fn run(cli: Cli) -> Result<(), Failure> {
    let keep = cli.json && !matches!(cli.command, Command::List { .. } | Command::Download { .. })
        // `sync` writes each video's JSON as the provider sent it.
        || matches!(cli.command, Command::Sync(_));
    let saver = match &cli.save_bodies {
        Some(dir) => {
            refuse_save_bodies(&cli.command)?;
            Some(std::sync::Arc::new(raw::Saver::new(dir)?))
        }
        None => None,
    };
    settings::start_from(raw::config(keep, saver.clone()));
    let outcome = command(cli);
    match saver.map(|saver| saver.outcome()) {
        Some(Err(Failure::Api(problem))) if outcome.is_err() => {
            eprintln!("vidapi: error: {problem}");
            outcome
        }
        Some(saved) => outcome.and(saved),
        None => outcome,
    }
}

fn command(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    if json {
        refuse_json(&cli.command)?;
    }
    match cli.command {
        Command::Demo => demo::run(),
        Command::Generate(args) => generate::run(args, json),
        Command::Emulator { port } => serve_emulator(port),
        Command::Minimax(Minimax::Videos {
            account,
            limit,
            last_video_id,
            all,
        }) => {
            let useapi = settings::useapi()?;
            if all {
                commands::minimax_all(&useapi, json, account.as_deref(), limit)
            } else {
                let query = vidapi::minimax::VideosQuery {
                    account,
                    limit,
                    last_video_id,
                    ..Default::default()
                };
                commands::minimax_videos_page(&useapi, json, &query)
            }
        }
        Command::Minimax(Minimax::Video { video_id, account }) => {
            commands::minimax_video(&settings::useapi()?, json, &video_id, account.as_deref())
        }
        Command::Minimax(Minimax::Calls(call)) => call.run(&settings::useapi()?, json),
        Command::Pixverse(Pixverse::Calls(call)) => call.run(&settings::useapi()?, json),
        Command::Pixverse(Pixverse::Video { video_id }) => {
            commands::pixverse_video(&settings::useapi()?, json, &video_id)
        }
        Command::Minimax(Minimax::Files { account, limit }) => {
            commands::minimax_files(&settings::useapi()?, json, account.as_deref(), limit)
        }
        Command::Pixverse(Pixverse::Videos {
            email,
            limit,
            offset,
            all,
        }) => {
            let useapi = settings::useapi()?;
            if all {
                commands::pixverse_all(&useapi, json, email.as_deref(), limit)
            } else {
                commands::pixverse_videos(&useapi, json, email.as_deref(), limit, offset)
            }
        }
        Command::Hourone(command) => {
            let hour = settings::hourone()?;
            match command {
                HourOne::Videos => commands::hourone_videos(&hour, json),
                HourOne::Video { video_id } => commands::hourone_video(&hour, json, &video_id),
                HourOne::Metadata { video_id } => {
                    commands::hourone_metadata(&hour, json, &video_id)
                }
                HourOne::Create(create) => commands::hourone_create(
                    &hour,
                    json,
                    &create.body.into(),
                    create.workspace_id.as_deref(),
                    create.team_id.as_deref(),
                ),
            }
        }
        Command::Memories(Memories::Videos { filter, api, all }) => {
            let mem = settings::memories()?;
            match api {
                MemoriesApi::Original if all => {
                    commands::memories_all(&mem, json, filter.original()?)
                }
                MemoriesApi::Original => commands::memories_videos(&mem, json, &filter.original()?),
                MemoriesApi::V1 if all => commands::memories_all_v1(&mem, json, filter.v1()?),
                MemoriesApi::V1 => commands::memories_videos_v1(&mem, json, &filter.v1()?),
            }
        }
        Command::Jobs(args) => jobs::run(args, json),
        Command::Sync(args) => sync::run(args, json),
        Command::List { scope } => commands::list(&settings::accounts()?, json, &scope.scope()?),
        Command::Completions { shell } => {
            // Generated whole, then written: a closed pipe is an output
            // error (not a panic inside the generator).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut args::offered(), "vidapi", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
            Ok(())
        }
        Command::Drift {
            provider,
            type_name,
            files,
        } => drift::files(json, &provider, &type_name, &files),
        Command::Schema(command) => schema::run(json, command),
        Command::Wait {
            provider,
            video_id,
            timeout,
            interval,
            scope,
            download,
            file,
        } => commands::wait(
            &settings::accounts_for(provider.into())?,
            json,
            commands::Target {
                provider: provider.into(),
                id: &video_id,
                scope: &scope.scope()?,
            },
            Duration::from_secs_f64(timeout),
            Duration::from_secs_f64(interval),
            download.as_ref().map(|to| (to.as_deref(), file.options())),
        ),
        Command::Download {
            provider,
            video_id,
            output,
            file,
        } => commands::download(
            &settings::accounts_for(provider.into())?,
            json,
            provider.into(),
            &video_id,
            output.as_deref(),
            &file.options(),
        ),
    }
}

fn serve_emulator(port: u16) -> Result<(), Failure> {
    let emulator = vidapi::emulator::Emulator::start_on(port)
        .map_err(|e| Failure::Usage(format!("cannot start the emulator on port {port}: {e}")))?;
    let base = emulator.base_url();
    output::line(base)?;
    eprintln!("vidapi emulator listening on {base}; stop it with Ctrl-C. To use it:");
    eprintln!(
        "  export USEAPI_BASE_URL={base} USEAPI_TOKEN={}",
        vidapi::emulator::USEAPI_TOKEN
    );
    eprintln!(
        "  export HOURONE_BASE_URL={base} HOURONE_API_KEY={}",
        vidapi::emulator::HOURONE_KEY
    );
    eprintln!(
        "  export MEMORIES_BASE_URL={base} MEMORIES_API_KEY={}",
        vidapi::emulator::MEMORIES_KEY
    );
    loop {
        std::thread::park();
    }
}
