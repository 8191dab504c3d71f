//! One function per command, shared by the command line and the demo.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vidapi::accounts::{Accounts, Scope, WaitError};
use vidapi::download::{Downloaded, Options, Progress};
use vidapi::provider::Page;
use vidapi::view::{ProviderVideo, Video};
use vidapi::{HourOne, Memories, Provider, UseApi, hourone, memories, minimax, pixverse};

use crate::Failure;
use crate::output::{Col, JsonStream, Rows, as_sent, cell, count, json};
use crate::raw::{self, Keyed, Pending};

type Outcome = Result<(), Failure>;

fn created(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(crate) fn text(field: &Option<vidapi::wire::FlexText>) -> String {
    cell(field.as_ref().and_then(|t| t.non_empty()))
}

pub(crate) fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// A provider status as tables show it: the status enum's `Display`.
fn status_cell<S: std::fmt::Display>(status: Option<S>) -> String {
    status.map(|s| s.to_string()).unwrap_or_default()
}

/// Prints the answer's body as sent (`--json`), or `items` as a table of
/// the given columns.
pub(crate) fn print<T>(
    as_json: bool,
    items: &[T],
    columns: &[Col],
    row: impl Fn(&T) -> Vec<String>,
) -> Outcome {
    if as_json {
        return Ok(as_sent(&raw::last()?.bytes)?);
    }
    Rows::new(columns).print_all(items.iter().map(row).collect())?;
    Ok(())
}

/// Prints the answer's body as sent (`--json`: the provider's one object),
/// or `item` as a one-row table.
fn print_one<T>(
    as_json: bool,
    item: &T,
    columns: &[Col],
    row: impl Fn(&T) -> Vec<String>,
) -> Outcome {
    if as_json {
        return Ok(as_sent(&raw::last()?.bytes)?);
    }
    Rows::new(columns).print_all(vec![row(item)])?;
    Ok(())
}

const MINIMAX_VIDEO_COLUMNS: &[Col] = &[
    Col::id("id"),
    Col::keep("status", 0),
    Col::keep("final", 2),
    Col::text("prompt", 1, 1),
    Col::url("url"),
];

/// The URL shown is the file `download` fetches (`downloadURL`, later
/// docs) once there is one, else what plays (`videoURL`).
fn minimax_video_row(v: &minimax::Video) -> Vec<String> {
    vec![
        cell(v.id()),
        status_cell(v.status()),
        v.is_final().to_string(),
        cell(v.title()),
        cell(v.file_url().or_else(|| v.playable_url())),
    ]
}

pub fn minimax_videos(useapi: &UseApi, as_json: bool, account: Option<&str>) -> Outcome {
    let query = minimax::VideosQuery {
        account: account.map(str::to_owned),
        ..Default::default()
    };
    minimax_videos_page(useapi, as_json, &query)
}

/// One page of MiniMax videos; with `limit` or `lastVideoId`, a line on
/// stderr says how to ask for the next page.
pub fn minimax_videos_page(
    useapi: &UseApi,
    as_json: bool,
    query: &minimax::VideosQuery,
) -> Outcome {
    let videos = useapi.minimax().videos_page(query)?;
    print(as_json, &videos, MINIMAX_VIDEO_COLUMNS, minimax_video_row)?;
    if as_json || (query.limit.is_none() && query.last_video_id.is_none()) {
        return Ok(());
    }
    let limit = query.limit.unwrap_or(minimax::DEFAULT_PAGE_SIZE) as usize;
    match videos.next_cursor() {
        Some(last) if videos.len() >= limit => {
            eprintln!(
                "{}; next page: --last-video-id {last}",
                count(videos.len(), "video")
            )
        }
        _ => eprintln!("{}; the last page", count(videos.len(), "video")),
    }
    Ok(())
}

pub fn minimax_all(
    useapi: &UseApi,
    as_json: bool,
    account: Option<&str>,
    limit: Option<u32>,
) -> Outcome {
    let page_size = limit.unwrap_or(minimax::DEFAULT_PAGE_SIZE).max(1);
    let bar = progress("MiniMax videos");
    let items = useapi.minimax().videos_iter_with(minimax::VideosQuery {
        account: account.map(str::to_owned),
        limit: Some(page_size),
        ..Default::default()
    });
    stream(
        as_json,
        items,
        MINIMAX_VIDEO_COLUMNS,
        minimax_video_row,
        &bar,
        page_size as usize,
    )
}

/// `GET /v1/minimax/videos/{videoId}`: one video, as a table row or JSON.
/// A MiniMax short id (what tables show, `video_id_#2`) is looked for in
/// the list of `account` (else the default account) first
/// ([`minimax::MiniMax::find`]), which then looks its composite id up.
pub fn minimax_video(
    useapi: &UseApi,
    as_json: bool,
    video_id: &str,
    account: Option<&str>,
) -> Outcome {
    if account.is_some_and(|a| a.trim().is_empty()) {
        return Err(Failure::Usage(
            "--account must not be empty when given".into(),
        ));
    }
    if minimax::is_composite_id(video_id) {
        let video = useapi.minimax().video(video_id)?;
        return print_one(as_json, &video, MINIMAX_VIDEO_COLUMNS, minimax_video_row);
    }
    let video = useapi.minimax().find(video_id, account)?.ok_or_else(|| {
        let list = match account {
            Some(account) => format!("account {account:?}'s list"),
            None => "the default account's list".to_owned(),
        };
        Failure::Api(format!(
            "MiniMax video {video_id:?}: the provider has no such video in {list} (a short \
             id is looked for there; \
             for another account add --account A, or give the composite id \
             user:…-minimax:…-video:…)"
        ))
    })?;
    if as_json {
        let native = ProviderVideo::MiniMax(video);
        let sent = raw::video_as_sent(&native).ok_or_else(|| {
            Failure::Api(format!(
                "MiniMax video {video_id:?} is not in the answer as sent"
            ))
        })?;
        return Ok(as_sent(sent.get().as_bytes())?);
    }
    print_one(false, &video, MINIMAX_VIDEO_COLUMNS, minimax_video_row)
}

pub fn minimax_files(
    useapi: &UseApi,
    as_json: bool,
    account: Option<&str>,
    limit: Option<u32>,
) -> Outcome {
    let files = useapi.minimax().files(account, limit)?;
    print(
        as_json,
        &files,
        &[
            Col::id("file id"),
            Col::text("name", 1, 1),
            Col::keep("type", 2),
            Col::url("url"),
        ],
        |f: &minimax::File| {
            vec![
                text(&f.file_id),
                text(&f.file_name),
                text(&f.file_type),
                text(&f.cdn_url),
            ]
        },
    )?;
    // The server sends at most `limit` files: as many means there may be more.
    let asked = limit.unwrap_or(minimax::DEFAULT_FILES_LIMIT);
    if files.len() >= asked as usize {
        let flag = if limit.is_some() {
            "a higher --limit"
        } else {
            "--limit"
        };
        eprintln!(
            "{}, as many as the limit ({asked}): there may be more; ask with {flag}",
            count(files.len(), "file")
        );
    }
    Ok(())
}

const PIXVERSE_COLUMNS: &[Col] = &[
    Col::id("video id"),
    Col::keep("status", 0),
    Col::keep("created", 2),
    Col::text("prompt", 1, 1),
    Col::url("url"),
];

fn pixverse_row(v: &pixverse::Video) -> Vec<String> {
    vec![
        cell(v.id()),
        status_cell(v.status()),
        created(v.created_at()),
        cell(v.title()),
        cell(v.playable_url()),
    ]
}

pub fn pixverse_videos(
    useapi: &UseApi,
    as_json: bool,
    email: Option<&str>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Outcome {
    let page = useapi.pixverse().videos(email, limit, offset)?;
    if as_json {
        return Ok(as_sent(&raw::last()?.bytes)?);
    }
    let videos = page.videos();
    Rows::new(PIXVERSE_COLUMNS).print_all(videos.iter().map(pixverse_row).collect())?;
    eprintln!(
        "{} from offset {}; next_offset {}, total {}",
        count(videos.len(), "video"),
        offset.unwrap_or(0),
        shown(&page.next_offset),
        shown(&page.total)
    );
    Ok(())
}

/// `GET /v2/pixverse/videos/{video_id}`: one video, as a table row or JSON.
pub fn pixverse_video(useapi: &UseApi, as_json: bool, video_id: &str) -> Outcome {
    let video = useapi.pixverse().video(video_id)?;
    print_one(as_json, &video, PIXVERSE_COLUMNS, pixverse_row)
}

/// A progress counter on stderr (the total is not known until the end);
/// hidden when stderr is not a terminal.
fn progress(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} fetched") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar
}

/// Streams every item: rows are printed page by page; `--json` elements
/// one by one, each the item as the provider sent it.
fn stream<T: Keyed + DeserializeOwned>(
    as_json: bool,
    items: impl Iterator<Item = vidapi::Result<T>>,
    columns: &[Col],
    row: impl Fn(&T) -> Vec<String>,
    bar: &ProgressBar,
    page_size: usize,
) -> Outcome {
    let mut table = Rows::new(columns);
    let mut json_out = JsonStream::new();
    let mut sent = Pending::default();
    let mut pending = Vec::with_capacity(page_size);
    let flush = |pending: &mut Vec<T>, table: &mut Rows| -> std::io::Result<()> {
        let rows = pending.drain(..).map(|item| row(&item)).collect();
        if !as_json { table.print(rows) } else { Ok(()) }
    };
    for item in items {
        let item = item?;
        bar.inc(1);
        if as_json {
            json_out.push_raw(&sent.as_sent(&item)?)?;
        } else {
            pending.push(item);
            if pending.len() >= page_size {
                flush(&mut pending, &mut table)?;
            }
        }
    }
    flush(&mut pending, &mut table)?;
    bar.finish_and_clear();
    if as_json {
        json_out.finish()?;
    } else {
        table.finish()?;
        eprintln!("{}", count(table.count(), "video"));
    }
    Ok(())
}

pub fn pixverse_all(
    useapi: &UseApi,
    as_json: bool,
    email: Option<&str>,
    limit: Option<u32>,
) -> Outcome {
    let page_size = limit.unwrap_or(pixverse::DEFAULT_PAGE_SIZE).max(1);
    let bar = progress("PixVerse videos");
    let items = useapi.pixverse().videos_iter_with(pixverse::VideosQuery {
        email: email.map(str::to_owned),
        limit: Some(page_size),
        ..Default::default()
    });
    stream(
        as_json,
        items,
        PIXVERSE_COLUMNS,
        pixverse_row,
        &bar,
        page_size as usize,
    )
}

const HOURONE_COLUMNS: &[Col] = &[
    Col::id("id"),
    Col::text("name", 1, 1),
    Col::keep("status", 0),
    Col::keep("progress", 2),
    Col::url("url"),
];

fn hourone_row(v: &hourone::Video) -> Vec<String> {
    vec![
        cell(v.id()),
        cell(v.title()),
        status_cell(v.status()),
        v.progress().map(|p| format!("{p}%")).unwrap_or_default(),
        cell(v.playable_url()),
    ]
}

pub fn hourone_videos(hour: &HourOne, as_json: bool) -> Outcome {
    print(as_json, &hour.videos()?, HOURONE_COLUMNS, hourone_row)
}

pub fn hourone_video(hour: &HourOne, as_json: bool, id: &str) -> Outcome {
    print_one(as_json, &hour.video(id)?, HOURONE_COLUMNS, hourone_row)
}

pub fn hourone_metadata(hour: &HourOne, as_json: bool, id: &str) -> Outcome {
    let meta = hour.video_metadata(id)?;
    if as_json {
        return Ok(as_sent(&raw::last()?.bytes)?);
    }
    let value = serde_json::to_value(&meta).map_err(std::io::Error::other)?;
    let rows = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, value)| vec![key.clone(), value.to_string()])
        .collect();
    Rows::new(&[Col::id("field"), Col::text("value", 1, 1)]).print_all(rows)?;
    Ok(())
}

pub fn hourone_create(
    hour: &HourOne,
    as_json: bool,
    body: &hourone::CreateVideoRequest,
    workspace_id: Option<&str>,
    team_id: Option<&str>,
) -> Outcome {
    // A blank id would create a video from nothing meant: refused by its
    // flag's name before any request.
    let headers = [("workspace_id", workspace_id), ("team_id", team_id)];
    for (name, value) in body.ids().into_iter().chain(headers) {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(Failure::Usage(format!(
                "--{} must not be empty when given",
                name.replace('_', "-")
            )));
        }
    }
    if body.source_draft_id.is_none() && body.recipe_id.is_none() {
        // "Create a video based on a source draft or a recipe_id": one of
        // the two is what the video is made from.
        return Err(Failure::Usage(
            "hourone create needs --source-draft-id or --recipe-id: the video is made from a \
             source draft or a recipe"
                .into(),
        ));
    }
    let made = hour.create_video(body, workspace_id, team_id)?;
    print_one(as_json, &made, HOURONE_COLUMNS, hourone_row)
}

const MEMORIES_COLUMNS: &[Col] = &[
    Col::id("video no"),
    Col::text("name", 1, 1),
    Col::keep("status", 0),
    Col::keep("seconds", 3),
    Col::keep("bytes", 4),
    Col::keep("created", 2),
];

fn memories_row(v: &memories::Video) -> Vec<String> {
    vec![
        cell(v.id()),
        cell(v.title()),
        // As sent (PARSE_ERROR stays PARSE_ERROR): the value `--status` takes.
        text(&v.status),
        v.duration_secs().map(|d| d.to_string()).unwrap_or_default(),
        v.size_bytes().map(|s| s.to_string()).unwrap_or_default(),
        created(v.created_at()),
    ]
}

pub fn memories_videos(
    mem: &Memories,
    as_json: bool,
    filter: &memories::ListVideosRequest,
) -> Outcome {
    memories_page(as_json, mem.list_videos(filter)?)
}

/// One page from memories.ai's v1 endpoint (`--api v1`).
pub fn memories_videos_v1(
    mem: &Memories,
    as_json: bool,
    filter: &memories::ListVideosV1Request,
) -> Outcome {
    memories_page(as_json, mem.list_videos_v1(filter)?)
}

/// `--json`: memories.ai's whole answer as sent, envelope (`code`, `msg`,
/// `data`, …) included.
fn memories_page(as_json: bool, page: memories::VideoPage) -> Outcome {
    if as_json {
        return Ok(as_sent(&raw::last()?.bytes)?);
    }
    Rows::new(MEMORIES_COLUMNS).print_all(page.videos().iter().map(memories_row).collect())?;
    eprintln!(
        "page {} ({} per page), {} matching in all",
        shown(&page.current_page),
        shown(&page.page_size),
        page.total()
            .map(|t| t.to_string())
            .unwrap_or_else(|| "?".into())
    );
    Ok(())
}

pub fn memories_all(mem: &Memories, as_json: bool, filter: memories::ListVideosRequest) -> Outcome {
    let page_size = filter.size.unwrap_or(memories::DEFAULT_PAGE_SIZE).max(1) as usize;
    let bar = progress("memories.ai videos");
    stream(
        as_json,
        mem.videos_iter(filter),
        MEMORIES_COLUMNS,
        memories_row,
        &bar,
        page_size,
    )
}

/// Every matching video from memories.ai's v1 endpoint (`--api v1 --all`).
pub fn memories_all_v1(
    mem: &Memories,
    as_json: bool,
    filter: memories::ListVideosV1Request,
) -> Outcome {
    let page_size = filter.size.unwrap_or(memories::DEFAULT_PAGE_SIZE).max(1) as usize;
    let bar = progress("memories.ai videos");
    stream(
        as_json,
        mem.videos_iter_v1(filter),
        MEMORIES_COLUMNS,
        memories_row,
        &bar,
        page_size,
    )
}

/// The provider outlasts titles and dates when room runs out: `wait` and
/// `download` need it next to the id. It is shown as those commands take it.
const VIEW_COLUMNS: &[Col] = &[
    Col::keep("provider", 1),
    Col::id("id"),
    Col::keep("status", 0),
    Col::text("title / prompt", 1, 2),
    Col::keep("created", 3),
    Col::url("url"),
];

fn view_row(v: &Video) -> Vec<String> {
    vec![
        crate::args::provider_word(v.provider).to_owned(),
        v.id.clone(),
        v.stage.to_string(),
        cell(v.title.as_deref()),
        created(v.created),
        cell(v.video_url.as_deref()),
    ]
}

pub fn list(accounts: &Accounts, as_json: bool, scope: &Scope) -> Outcome {
    if let Some(skipped) = not_listed(accounts) {
        eprintln!("vidapi: not listed: {skipped}");
    }
    let listing = accounts.list_in(scope);
    for failure in &listing.failures {
        eprintln!("vidapi: error: {failure}");
    }
    // `--json`: vidapi's own cross-provider records, not a payload.
    if as_json {
        json(&listing.videos)?;
    } else {
        Rows::new(VIEW_COLUMNS).print_all(listing.videos.iter().map(view_row).collect())?;
    }
    if listing.failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}

/// The providers `list` leaves out because their credential is not set,
/// each with the variable that would add it (`MiniMax and PixVerse (set
/// USEAPI_TOKEN), Hour One (set HOURONE_API_KEY)`); `None` when none is.
fn not_listed(accounts: &Accounts) -> Option<String> {
    let listed = accounts.providers();
    let mut missing: Vec<(&str, Vec<String>)> = Vec::new();
    for provider in Provider::ALL.into_iter().filter(|p| !listed.contains(p)) {
        let variable = vidapi::env::credential_variable(provider);
        match missing.iter_mut().find(|(v, _)| *v == variable) {
            Some((_, names)) => names.push(provider.to_string()),
            None => missing.push((variable, vec![provider.to_string()])),
        }
    }
    (!missing.is_empty()).then(|| {
        missing
            .iter()
            .map(|(variable, names)| format!("{} (set {variable})", names.join(" and ")))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// A status as `wait` shows it: the provider's status as sent, then the
/// cross-provider stage in parentheses when it is another word
/// (`PARSE_ERROR (failed)`, `generating (processing)`, `completed`).
fn status_and_stage(v: &Video) -> String {
    let stage = v.stage.to_string();
    match v.status.as_deref() {
        Some(status) if status != stage => format!("{status} ({stage})"),
        _ => stage,
    }
}

/// The video `wait` waits for: on which provider, its id, in which account.
pub struct Target<'a> {
    pub provider: Provider,
    pub id: &'a str,
    pub scope: &'a Scope,
}

/// Waits for the video and prints it: `--json`, the provider's own final
/// video object (as `… video ID --json` prints it); a table, the
/// cross-provider row. A video that ended failed, moderated, stopped or
/// cancelled is printed too, then exits 5 (and is not downloaded). With
/// `download`, a completed video's file is then fetched to the path given
/// (or the default name) and where it went is said on stderr, so that
/// stdout stays the video.
pub fn wait(
    accounts: &Accounts,
    as_json: bool,
    target: Target<'_>,
    timeout: Duration,
    interval: Duration,
    download: Option<(Option<&Path>, Options)>,
) -> Outcome {
    let Target {
        provider,
        id,
        scope,
    } = target;
    if let Some((to, _)) = &download {
        // A missing folder is refused before waiting, not after.
        vidapi::download::check_destination(*to)?;
    }
    // `--json`: the video's object as the last poll's answer sent it.
    let mut last_sent = None;
    let on_poll = |native: &ProviderVideo| {
        if as_json {
            last_sent = raw::video_as_sent(native);
        }
        let v = Video::from(native);
        eprintln!("{} {}: {}", v.provider, v.id, status_and_stage(&v))
    };
    match accounts.wait_for(provider, id, scope, timeout, interval, on_poll) {
        Ok(native) => {
            let video = Video::from(&native);
            if as_json {
                let sent = last_sent.ok_or_else(|| {
                    Failure::Api(format!(
                        "{provider} video {id:?} is not in the answer as sent"
                    ))
                })?;
                as_sent(sent.get().as_bytes())?;
            } else {
                Rows::new(VIEW_COLUMNS).print_all(vec![view_row(&video)])?;
            }
            if video.stage.is_failed() {
                let status = native
                    .status_text()
                    .unwrap_or_else(|| video.stage.to_string());
                return Err(Failure::VideoFailed(format!(
                    "{provider} video {id:?} ended {status}"
                )));
            }
            let Some((to, options)) = download else {
                return Ok(());
            };
            let options = with_signals(&options);
            let bar = download_bar();
            let done = accounts
                .download_video(&video, to, &options, |p| show_progress(&bar, p))
                .map_err(download_failure);
            bar.finish_and_clear();
            let done = done.map_err(exit_on_signal)?;
            eprintln!(
                "downloaded {} ({} bytes{})",
                done.path.display(),
                done.bytes,
                resume_note(&done)
            );
            Ok(())
        }
        Err(WaitError::Api(e)) => Err(e.into()),
        // The words `download` uses for the same fact (`Error::NoMedia`).
        Err(WaitError::NotFound) => Err(Failure::Api(format!(
            "{provider} video {id:?}: the provider has no such video"
        ))),
        Err(WaitError::Timeout(last)) => Err(Failure::WaitTimeout(format!(
            "{provider} video {id:?} still {} after {}s",
            status_and_stage(&last),
            timeout.as_secs_f64()
        ))),
    }
}

/// A byte progress bar on stderr when it is a terminal; hidden otherwise.
fn download_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn show_progress(bar: &ProgressBar, progress: Progress) {
    if let Some(total) = progress.total {
        bar.set_length(total);
    }
    bar.set_position(progress.downloaded);
}

/// `options` stopped by SIGINT and SIGTERM (see `signals`).
fn with_signals(options: &Options) -> Options {
    Options {
        cancel: crate::signals::download_cancel(),
        ..options.clone()
    }
}

/// A download that a signal stopped ends the process now, with 128 + the
/// signal's number, after saying what became of its files.
fn exit_on_signal(failure: Failure) -> Failure {
    if let (Some(code), Failure::Api(message)) = (crate::signals::exit_code(), &failure) {
        eprintln!("vidapi: error: {message}");
        std::process::exit(code);
    }
    failure
}

/// A download error as the command reports it: a file in the way names
/// `--force`.
fn download_failure(e: vidapi::Error) -> Failure {
    match e {
        vidapi::Error::FileExists { path } => Failure::Api(format!(
            "{} already exists; pass --force to replace it",
            path.display()
        )),
        other => other.into(),
    }
}

/// What a download's line on stderr adds: whether it resumed an earlier
/// run's partial file, and restarts.
fn resume_note(done: &Downloaded) -> String {
    let mut note = String::new();
    if done.resumed_from > 0 {
        note.push_str(&format!(
            "; resumed an earlier run's partial file at byte {}",
            done.resumed_from
        ));
    }
    if done.restarted > 0 {
        note.push_str(&format!(
            "; restarted from byte 0 {} time{} (the media host's file changed or ignored Range)",
            done.restarted,
            if done.restarted == 1 { "" } else { "s" }
        ));
    }
    note
}

/// What `download --json` prints. `url` is redacted.
#[derive(Serialize)]
struct DownloadReport<'a> {
    provider: &'static str,
    id: &'a str,
    path: String,
    bytes: u64,
    url: &'a str,
    resumed: u32,
    restarted: u32,
    resumed_from: u64,
}

/// `download`: looks the video up, fetches its file, prints the path (or,
/// with `--json`, an object with path, size and URL).
pub fn download(
    accounts: &Accounts,
    as_json: bool,
    provider: Provider,
    id: &str,
    to: Option<&Path>,
    options: &Options,
) -> Outcome {
    let options = with_signals(options);
    let bar = download_bar();
    let done = accounts
        .download(provider, id, to, &options, |p| show_progress(&bar, p))
        .map_err(download_failure);
    bar.finish_and_clear();
    let done: Downloaded = done.map_err(exit_on_signal)?;
    if as_json {
        return Ok(json(&DownloadReport {
            provider: provider.slug(),
            id,
            path: done.path.display().to_string(),
            bytes: done.bytes,
            url: &done.url,
            resumed: done.resumed,
            restarted: done.restarted,
            resumed_from: done.resumed_from,
        })?);
    }
    crate::output::line(&done.path.display().to_string())?;
    eprintln!("{} bytes{}", done.bytes, resume_note(&done));
    Ok(())
}
