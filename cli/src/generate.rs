//! `vidapi generate`: a prompt in, a video (and, when asked, its file) out,
//! through `vidapi::generate`: checked before anything is sent, created at
//! most once, then waited for and downloaded.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use vidapi::Provider;
use vidapi::accounts::{Accounts, Scope, WaitError};
use vidapi::download::Options;
use vidapi::generate::{Generator, Job, Plan, Submitted};
use vidapi::view::{ProviderVideo, Video};

use crate::{Failure, settings};

/// The providers that make videos.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Maker {
    Minimax,
    Pixverse,
    Hourone,
}

impl From<Maker> for Provider {
    fn from(maker: Maker) -> Provider {
        match maker {
            Maker::Minimax => Provider::MiniMax,
            Maker::Pixverse => Provider::PixVerse,
            Maker::Hourone => Provider::HourOne,
        }
    }
}

/// Make one video: check the job (exit 2 before any request), choose the
/// account with the most free capacity (unless --account/--email names
/// one), create it once, print its id as soon as the provider gives it,
/// then with --wait or --download poll until it is final and fetch its
/// file. A create that failed ambiguously (502/504, timeout, cut) is
/// reconciled, never sent twice. Exit 5 when the video ended failed or
/// moderated, 3 when --timeout ran out.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The provider: minimax, pixverse or hourone.
    #[arg(value_enum, required_unless_present = "batch")]
    provider: Option<Maker>,
    /// What the video shows (Hour One: the video's name).
    #[arg(long, value_name = "TEXT", required_unless_present = "batch")]
    prompt: Option<String>,
    /// A local PNG, JPEG, WebP or GIF image, the first frame.
    #[arg(long, value_name = "FILE")]
    image: Option<PathBuf>,
    /// The model, as the provider's docs name it
    ///
    /// For example MiniMax T2V-01, I2V-01; PixVerse v6, v5.6.
    #[arg(long, value_name = "M")]
    model: Option<String>,
    /// The MiniMax account to use (default: the one with most free capacity).
    #[arg(long, value_name = "NAME", conflicts_with = "email")]
    account: Option<String>,
    /// The PixVerse account email to use (default: the one with most free capacity).
    #[arg(long, value_name = "ADDR")]
    email: Option<String>,
    /// Another documented create field (repeatable): duration=5, …
    ///
    /// For example quality=720p, or source_draft_id=… (Hour One). VALUE is
    /// read as JSON when it parses as JSON, else as text.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Wait until the video is final.
    #[arg(long)]
    wait: bool,
    /// With --wait: give up waiting after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "wait", default_value_t = 600.0)]
    timeout: f64,
    /// Wait, then download the file to DIR/ (the default name in it) or FILE.
    #[arg(long, value_name = "DIR/|FILE")]
    download: Option<PathBuf>,
    /// Show the request and the account; send nothing
    ///
    /// Prints the request that would be sent and the account that would be
    /// used, and sends nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    batch: crate::batch::BatchArgs,
}

/// Polls quickly at first (a video of a few seconds is seen done within a
/// fraction of its time), then every few seconds.
const FIRST_INTERVAL: Duration = Duration::from_millis(250);
const FIRST_PHASE: Duration = Duration::from_secs(30);
const LATER_INTERVAL: Duration = Duration::from_secs(5);

fn job(args: &GenerateArgs) -> Result<Job, Failure> {
    let maker = args
        .provider
        .ok_or_else(|| Failure::Usage("give a provider".into()))?;
    let provider = Provider::from(maker);
    let account = match provider {
        Provider::MiniMax if args.email.is_some() => {
            return Err(Failure::Usage(
                "--email is for PixVerse; MiniMax takes --account".into(),
            ));
        }
        Provider::PixVerse if args.account.is_some() => {
            return Err(Failure::Usage(
                "--account is for MiniMax; PixVerse takes --email".into(),
            ));
        }
        Provider::HourOne if args.account.is_some() || args.email.is_some() => {
            return Err(Failure::Usage("Hour One has no accounts to choose".into()));
        }
        _ => args.account.clone().or_else(|| args.email.clone()),
    };
    let mut fields = Vec::new();
    for set in &args.set {
        let Some((name, value)) = set.split_once('=') else {
            return Err(Failure::Usage(format!(
                "--set {set:?}: expected FIELD=VALUE"
            )));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.into()));
        fields.push((name.trim().to_owned(), value));
    }
    Ok(Job {
        provider: Some(provider),
        prompt: args.prompt.clone().unwrap_or_default(),
        image: args.image.clone(),
        model: args.model.clone(),
        account,
        fields,
        key: None,
    })
}

pub fn run(args: GenerateArgs, json_out: bool) -> Result<(), Failure> {
    if args.batch.batch.is_some() {
        return crate::batch::run(&args.batch, json_out, args.dry_run);
    }
    let plan = job(&args)?.plan()?;
    let provider = plan.provider();
    if let Some(to) = &args.download {
        check_download_target(to)?;
    }
    if args.dry_run {
        return dry_run(&plan, json_out);
    }
    let accounts = settings::accounts_for(provider)?;
    let mut generator = Generator::new();
    if let Some(useapi) = &accounts.useapi {
        generator = generator.useapi(useapi);
    }
    if let Some(hourone) = &accounts.hourone {
        generator = generator.hourone(hourone, None);
    }
    let created = match generator.submit(&plan)? {
        Submitted::Created(created) => created,
        Submitted::Moderated { message, account } => {
            let shown = summary(provider, None, account.as_deref(), "moderated", None);
            if json_out {
                crate::output::line(&shown.to_string())?;
            }
            return Err(Failure::VideoFailed(format!(
                "{provider} refused the prompt (moderated): {message}"
            )));
        }
        Submitted::Unknown { account, evidence } => {
            let shown = summary(provider, None, account.as_deref(), "unknown", None);
            if json_out {
                crate::output::line(&shown.to_string())?;
            }
            return Err(Failure::Api(format!(
                "{provider}: the create may or may not have been accepted, and it was not sent \
                 again (a second create would be paid twice); look for replyRef {} in `vidapi \
                 {} capacity` or the account's videos: {}",
                plan.key(),
                args.provider
                    .and_then(|p| p.to_possible_value())
                    .map(|v| v.get_name().to_owned())
                    .unwrap_or_default(),
                evidence.join("; ")
            )));
        }
    };
    let id = created.id.clone();
    let account = created.account.clone();
    if !json_out {
        crate::output::line(&id)?;
    }
    let resume = match (&account, provider) {
        (Some(a), Provider::MiniMax) => format!(" --account {a}"),
        (Some(a), Provider::PixVerse) => format!(" --email {a}"),
        _ => String::new(),
    };
    let maker = args.provider.and_then(|p| p.to_possible_value());
    let maker = maker.as_ref().map_or("", |v| v.get_name());
    eprintln!(
        "{provider}: created {id}{} (replyRef {}{}); `vidapi wait {maker} '{id}'{resume}` waits for it",
        account
            .as_deref()
            .map(|a| format!(" on {a:?}"))
            .unwrap_or_default(),
        created.key,
        if created.reconciled {
            ", found by reconciliation after an ambiguous failure, not sent again"
        } else {
            ""
        },
    );
    if !args.wait && args.download.is_none() {
        if json_out {
            let shown = summary(provider, Some(&id), account.as_deref(), "submitted", None);
            crate::output::line(&shown.to_string())?;
        }
        return Ok(());
    }
    let scope = Scope {
        minimax_account: (provider == Provider::MiniMax)
            .then(|| account.clone())
            .flatten(),
        pixverse_email: (provider == Provider::PixVerse)
            .then(|| account.clone())
            .flatten(),
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let video = match wait(&accounts, provider, &id, &scope, timeout) {
        Ok(video) => video,
        Err(WaitError::Timeout(last)) => {
            if json_out {
                let status = last
                    .status
                    .clone()
                    .unwrap_or_else(|| last.stage.to_string());
                let shown = summary(provider, Some(&id), account.as_deref(), &status, None);
                crate::output::line(&shown.to_string())?;
            }
            return Err(Failure::WaitTimeout(format!(
                "{provider} video {id:?} was not final after {} s (last seen {}); `vidapi wait {maker} '{id}'{resume}` goes on waiting",
                args.timeout, last.stage
            )));
        }
        Err(WaitError::NotFound) => {
            return Err(Failure::Api(format!(
                "{provider} has no video {id:?} to wait for"
            )));
        }
        Err(WaitError::Api(e)) => return Err(e.into()),
    };
    let shown = Video::from(&video);
    let status = video
        .status_text()
        .unwrap_or_else(|| shown.stage.to_string());
    if shown.stage.is_failed() {
        if json_out {
            let out = summary(provider, Some(&id), account.as_deref(), &status, None);
            crate::output::line(&out.to_string())?;
        }
        return Err(Failure::VideoFailed(format!(
            "{provider} video {id:?} ended {status}"
        )));
    }
    let mut path = None;
    if let Some(to) = &args.download {
        let done = accounts.download_video(&shown, Some(to), &Options::default(), |_| {})?;
        eprintln!("downloaded {} ({} bytes)", done.path.display(), done.bytes);
        path = Some(done.path);
    }
    if json_out {
        let out = summary(
            provider,
            Some(&id),
            account.as_deref(),
            &status,
            path.as_ref(),
        );
        crate::output::line(&out.to_string())?;
    } else if let Some(path) = &path {
        crate::output::line(&path.display().to_string())?;
    }
    Ok(())
}

/// Waits quickly at first, then every few seconds, within `timeout`,
/// showing each state on stderr.
fn wait(
    accounts: &Accounts,
    provider: Provider,
    id: &str,
    scope: &Scope,
    timeout: Duration,
) -> Result<ProviderVideo, WaitError> {
    let started = Instant::now();
    let mut last = String::new();
    let mut on_poll = |native: &ProviderVideo| {
        let v = Video::from(native);
        let now = v.status.clone().unwrap_or_else(|| v.stage.to_string());
        if now != last {
            eprintln!("{provider} {id}: {now}");
            last = now;
        }
    };
    let first = timeout.min(FIRST_PHASE);
    match accounts.wait_for(provider, id, scope, first, FIRST_INTERVAL, &mut on_poll) {
        Err(WaitError::Timeout(_)) if timeout > first => {
            let rest = timeout
                .saturating_sub(started.elapsed())
                .max(Duration::from_millis(1));
            accounts.wait_for(provider, id, scope, rest, LATER_INTERVAL, on_poll)
        }
        other => other,
    }
}

/// A folder named with a trailing `/` must exist; so must a file's folder.
fn check_download_target(to: &std::path::Path) -> Result<(), Failure> {
    vidapi::download::check_destination(Some(to)).map_err(Failure::from)
}

fn summary(
    provider: Provider,
    id: Option<&str>,
    account: Option<&str>,
    status: &str,
    path: Option<&PathBuf>,
) -> Value {
    json!({
        "provider": provider.to_string().to_lowercase().replace(' ', ""),
        "id": id,
        "account": account,
        "status": status,
        "path": path.map(|p| p.display().to_string()),
    })
}

fn dry_run(plan: &Plan, json_out: bool) -> Result<(), Failure> {
    let provider = plan.provider();
    let (method_path, account) = match provider {
        Provider::MiniMax => ("POST /v1/minimax/videos/create", plan.account()),
        Provider::PixVerse => ("POST /v2/pixverse/videos/create", plan.account()),
        _ => ("POST /videos", None),
    };
    let chosen = match (provider, account) {
        (Provider::HourOne, _) => "Hour One has no accounts".to_owned(),
        (_, Some(a)) => a.to_owned(),
        (_, None) => {
            "chosen when sent: the one with most free capacity in scheduler/available".to_owned()
        }
    };
    let upload = plan.image().map(|i| {
        format!(
            "{} ({}, {} bytes, sha256 {})",
            i.path.display(),
            i.content_type,
            i.bytes.len(),
            i.sha256
        )
    });
    let body = Value::Object(plan.body(account, None));
    if json_out {
        let out = json!({
            "dry_run": true,
            "provider": provider.to_string(),
            "request": method_path,
            "account": account,
            "body": body,
            "image": upload,
        });
        crate::output::line(&out.to_string())?;
        return Ok(());
    }
    crate::output::line(&format!(
        "dry run: nothing sent\n{method_path}\naccount: {chosen}"
    ))?;
    if let Some(upload) = upload {
        crate::output::line(&format!("image to upload first: {upload}"))?;
    }
    let pretty = serde_json::to_string_pretty(&body).unwrap_or_default();
    crate::output::line(&pretty)?;
    Ok(())
}
