//! `vidapi demo`: the real clients against the built-in emulator, offline.

use std::time::Duration;

use vidapi::accounts::Accounts;
use vidapi::download::Options;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::generate::{Generator, Job, Submitted};
use vidapi::hourone::CreateVideoRequest;
use vidapi::memories::ListVideosRequest;
use vidapi::{Config, HourOne, Memories, Provider, RetryPolicy, UseApi};

use crate::output::line;
use crate::{Failure, calls, commands};

fn heading(text: &str) -> Result<(), Failure> {
    line("")?;
    line(&format!("== {text}"))?;
    Ok(())
}

pub fn run() -> Result<(), Failure> {
    let emulator =
        Emulator::start().map_err(|e| Failure::Api(format!("cannot start the emulator: {e}")))?;
    line(&format!(
        "vidapi demo: every endpoint through the real client, against the built-in emulator at {}",
        emulator.base_url()
    ))?;
    let config = Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        });
    let useapi = UseApi::with_config(USEAPI_TOKEN, config.clone())?;
    let hour = HourOne::with_config(HOURONE_KEY, config.clone())?;
    let mem = Memories::with_config(MEMORIES_KEY, config.clone())?;

    heading("MiniMax  GET /v1/minimax/videos/?account=demo")?;
    commands::minimax_videos(&useapi, false, Some("demo"))?;
    heading("MiniMax  GET /v1/minimax/files/?limit=3")?;
    commands::minimax_files(&useapi, false, None, Some(3))?;

    let minimax_id = "user:user_id-minimax:account-video:video_id_#2";
    heading(&format!("MiniMax  GET /v1/minimax/videos/{minimax_id}"))?;
    commands::minimax_video(&useapi, false, minimax_id, None)?;

    heading("PixVerse  GET /v2/pixverse/videos/?email=me+demo@example.com&limit=5")?;
    commands::pixverse_videos(&useapi, false, Some("me+demo@example.com"), Some(5), None)?;
    let all = useapi
        .pixverse()
        .videos_iter(None)
        .collect::<Result<Vec<_>, _>>()?;
    line(&format!(
        "videos_iter followed next_offset through {} videos",
        all.len()
    ))?;
    let pixverse_id = "user:<userid>-pixverse:me@example.com-video:1001";
    heading(&format!("PixVerse  GET /v2/pixverse/videos/{pixverse_id}"))?;
    commands::pixverse_video(&useapi, false, pixverse_id)?;

    // Every other endpoint of the table whose command is declared in
    // calls.rs, as its command runs it.
    for spec in vidapi::endpoints::ENDPOINTS {
        let Some(call) = calls::parse(spec.command) else {
            continue;
        };
        heading(&format!(
            "{}  {} {}  (vidapi {})",
            spec.provider, spec.method, spec.path, spec.command
        ))?;
        call.run(&useapi, false)?;
    }

    heading("Hour One  POST /videos (workspace-id: demo-workspace), then GET /videos/{id}")?;
    let body = CreateVideoRequest {
        name: Some("vidapi demo".into()),
        source_draft_id: Some("draft_123".into()),
        ..Default::default()
    };
    let made = hour.create_video(&body, Some("demo-workspace"), None)?;
    let id = made.id.as_deref().unwrap_or_default().to_owned();
    commands::hourone_video(&hour, false, &id)?;
    heading(&format!("Hour One  GET /videos/{id}/metadata"))?;
    commands::hourone_metadata(&hour, false, &id)?;
    heading("Hour One  GET /videos")?;
    commands::hourone_videos(&hour, false)?;

    heading("memories.ai  POST /serve/api/video/list_videos {\"size\": 5}")?;
    let filter = ListVideosRequest {
        size: Some(5),
        ..Default::default()
    };
    commands::memories_videos(&mem, false, &filter)?;
    heading(
        "memories.ai  POST /serve/api/v1/list_videos {\"unique_id\": \"project-a\", \"size\": 3}",
    )?;
    let filter = vidapi::memories::ListVideosV1Request {
        unique_id: Some("project-a".into()),
        size: Some(3),
        ..Default::default()
    };
    commands::memories_videos_v1(&mem, false, &filter)?;

    let accounts = Accounts {
        useapi: Some(useapi.clone()),
        hourone: Some(hour.clone()),
        memories: Some(mem),
    };
    heading("Every provider in one view (vidapi list)")?;
    let listing = accounts.list();
    line(&format!(
        "{} videos across {} providers; {} failures",
        listing.videos.len(),
        accounts.providers().len(),
        listing.failures.len()
    ))?;

    heading(&format!(
        "Waiting for Hour One video {id}, then downloading it (vidapi wait --download)"
    ))?;
    let folder = std::env::temp_dir().join(format!("vidapi-demo-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let waited = commands::wait(
        &accounts,
        false,
        commands::Target {
            provider: Provider::HourOne,
            id: &id,
            scope: &Default::default(),
        },
        Duration::from_secs(10),
        Duration::from_millis(50),
        Some((Some(folder.as_path()), Options::default())),
    );
    let _ = std::fs::remove_dir_all(&folder);
    waited?;

    heading("Generate one video on each of MiniMax, PixVerse and Hour One (vidapi generate)")?;
    // MiniMax answers 502 after accepting the first: reconciled, not resent.
    emulator.after_accept(1, vidapi::emulator::AfterAccept::Status(502));
    let mut generator = Generator::new().useapi(&useapi).hourone(&hour, None);
    let before = creates_sent(&emulator);
    // A first frame for both, uploaded once to each (raw bytes, POST …/files/).
    let frame = std::env::temp_dir().join(format!("vidapi-demo-{}.png", std::process::id()));
    vidapi::fsio::write_atomic(&frame, b"\x89PNG\r\n\x1a\nvidapi demo frame")?;
    let jobs = [
        Job {
            image: Some(frame.clone()),
            ..Job::new(Provider::MiniMax, "a red kite over the sea")
        },
        Job {
            image: Some(frame.clone()),
            ..Job::new(Provider::PixVerse, "a lighthouse at dawn")
        },
        Job {
            fields: vec![("source_draft_id".into(), "draft_123".into())],
            ..Job::new(Provider::HourOne, "vidapi demo, generated")
        },
    ];
    for job in jobs {
        let plan = job.plan()?;
        let made = match generator.submit(&plan)? {
            Submitted::Created(made) => made,
            other => return Err(Failure::Api(format!("the demo's job ended {other:?}"))),
        };
        let done = accounts
            .wait_for(
                made.provider,
                &made.id,
                &Default::default(),
                Duration::from_secs(10),
                Duration::from_millis(50),
                |_| {},
            )
            .map_err(|e| Failure::Api(e.to_string()))?;
        line(&format!(
            "{} {} on {}: {} ({} create call{}{})",
            made.provider,
            made.id,
            made.account.as_deref().unwrap_or("-"),
            done.status_text().unwrap_or_default(),
            made.creates,
            if made.creates == 1 { "" } else { "s" },
            if made.reconciled {
                ", found by reconciliation after a 502"
            } else {
                ""
            }
        ))?;
    }
    let _ = std::fs::remove_file(&frame);
    let plan = Job::new(Provider::MiniMax, "a job to cancel").plan()?;
    if let Submitted::Created(made) = generator.submit(&plan)? {
        heading(&format!(
            "MiniMax  POST /v1/minimax/videos/cancel {{\"videoId\": \"{}\"}}  (vidapi minimax cancel)",
            made.id
        ))?;
        calls::parse(&format!("minimax cancel {}", made.id))
            .ok_or_else(|| Failure::Api("`minimax cancel ID` does not parse".into()))?
            .run(&useapi, false)?;
    }
    line(&format!(
        "the emulator received {} create calls for the 4 jobs",
        creates_sent(&emulator) - before
    ))?;

    heading("Errors are values")?;
    emulator.fail_next(1, Fault::rate_limited(Some("0")));
    let videos = useapi.minimax().videos(None)?;
    line(&format!(
        "a 429 with Retry-After: 0 was retried; got {} videos",
        videos.len()
    ))?;
    let stranger = Memories::with_config("wrong-key", config)?;
    if let Err(e) = stranger.list_videos(&ListVideosRequest::default()) {
        line(&format!("wrong memories.ai key -> {e}"))?;
    }

    heading("Done")?;
    covered(&emulator)?;
    line(&format!(
        "{} requests answered by the emulator over {} TCP connections",
        emulator.requests().len(),
        emulator.connections()
    ))?;
    Ok(())
}

/// How many create calls the emulator has received, on any provider.
fn creates_sent(emulator: &Emulator) -> usize {
    let requests = emulator.requests();
    let creates = requests.iter().filter(|r| {
        r.method == "POST"
            && (r.path.ends_with("/videos/create")
                || r.path.strip_prefix("/api/v1").unwrap_or(&r.path) == "/videos")
    });
    creates.count()
}

/// Checks that the demo called every endpoint of `vidapi::endpoints`, and
/// says so: an endpoint added to the table without a way for the demo to
/// call it fails the demo.
fn covered(emulator: &Emulator) -> Result<(), Failure> {
    let requests = emulator.requests();
    let missed: Vec<String> = vidapi::endpoints::ENDPOINTS
        .iter()
        .filter(|spec| {
            !requests.iter().any(|r| {
                let path = match spec.provider {
                    Provider::HourOne => r.path.strip_prefix("/api/v1").unwrap_or(&r.path),
                    _ => &r.path,
                };
                r.method == spec.method && spec.path_params(path).is_some()
            })
        })
        .map(|spec| format!("{} {} (vidapi {})", spec.method, spec.path, spec.command))
        .collect();
    if !missed.is_empty() {
        return Err(Failure::Api(format!(
            "the demo called no {}: declare its command in cli/src/calls.rs",
            missed.join(", ")
        )));
    }
    line(&format!(
        "all {} endpoints of vidapi::endpoints::ENDPOINTS were called",
        vidapi::endpoints::ENDPOINTS.len()
    ))?;
    Ok(())
}
