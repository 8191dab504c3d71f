//! `vidapi generate --batch` against the emulator: one create per line by
//! the emulator's counters, whole files, reruns after SIGKILL and Ctrl-C,
//! bad lines refused before anything is sent, and the dry run.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{run, vidapi, vidapi_process};
use serde_json::Value;
use vidapi::Provider;
use vidapi::emulator::{Account, AfterAccept, Emulator, Generation, media_bytes};

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vidapi-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A batch file of `lines` MiniMax jobs (lines 1 and 2 identical: two jobs).
fn batch_file(dir: &Path, lines: usize) -> PathBuf {
    let mut text = String::new();
    for i in 1..=lines {
        let prompt = if i == 2 {
            "a kite number 1".to_owned()
        } else {
            format!("a kite number {i}")
        };
        text.push_str(&format!(
            "{{\"provider\": \"minimax\", \"prompt\": \"{prompt}\", \"promptOptimization\": false}}\n"
        ));
    }
    let file = dir.join("batch.jsonl");
    std::fs::write(&file, text).unwrap();
    file
}

fn create_calls(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/videos/create"))
        .count()
}

fn media_calls(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/media/"))
        .count()
}

/// The ledger's jobs, through `vidapi jobs --json`.
fn ledger_jobs(emulator: &Emulator, out: &Path) -> Vec<Value> {
    let ledger = out.join(".vidapi/ledger.sqlite");
    let shown = run(
        &mut vidapi(emulator),
        &["--json", "jobs", "--ledger", ledger.to_str().unwrap()],
    );
    assert_eq!(shown.code, 0, "{shown:?}");
    serde_json::from_str::<Value>(&shown.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Every line created exactly once (by its `replyRef`, the emulator's
/// per-replyRef counter), every job downloaded, every file whole.
fn assert_complete(emulator: &Emulator, out: &Path, lines: usize) {
    let jobs = ledger_jobs(emulator, out);
    assert_eq!(jobs.len(), lines, "one job a line");
    let created = emulator.created();
    assert_eq!(created.len(), lines, "one create a line: {created:#?}");
    let mut per_ref: HashMap<&str, usize> = HashMap::new();
    for c in &created {
        *per_ref.entry(c.reply_ref.as_deref().unwrap()).or_default() += 1;
    }
    for job in &jobs {
        let key = job["key"].as_str().unwrap();
        assert_eq!(per_ref.get(key), Some(&1), "line {}: {job}", job["line"]);
        assert_eq!(emulator.creates_with_ref(key), 1);
        assert_eq!(job["state"], "downloaded", "{job}");
        let path = job["path"].as_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        let id = job["video_id"].as_str().unwrap();
        let number = id.rsplit_once("-video:").unwrap().1;
        let served = media_bytes(&format!("minimax/video_id_{number}.mp4"));
        assert!(bytes == served, "{path} is not the served file");
        assert_eq!(job["size"].as_u64(), Some(served.len() as u64));
        let sha = ring::digest::digest(&ring::digest::SHA256, &served);
        let sha: String = sha.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(job["sha256"].as_str(), Some(sha.as_str()));
    }
}

fn batch_args<'a>(file: &'a Path, out: &'a str) -> Vec<&'a str> {
    vec!["generate", "--batch", file.to_str().unwrap(), "--out", out]
}

#[test]
fn twenty_lines_complete_with_one_create_each_and_a_rerun_sends_nothing() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("twenty");
    let file = batch_file(&dir, 20);
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stdout.contains("20 jobs: 20 downloaded"),
        "{}",
        done.stdout
    );
    assert_eq!(create_calls(&emulator), 20);
    assert_complete(&emulator, Path::new(&out), 20);
    // Polled by the account's list page, not one lookup per job per round:
    // the only lookups are the downloads' own (a fresh media URL each).
    let gets = |lookups: bool| {
        emulator
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/v1/minimax/videos/"))
            .filter(|r| (r.path.len() > "/v1/minimax/videos/".len()) == lookups)
            .count()
    };
    assert_eq!(gets(true), 20, "one lookup a download");
    assert!(gets(false) >= 1, "the list page was read");
    // The same command again: no create, no media request.
    let media = media_calls(&emulator);
    let again = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(create_calls(&emulator), 20, "nothing created again");
    assert_eq!(media_calls(&emulator), media, "nothing fetched again");
    // The dry run shows where each line stands, and sends nothing.
    let mut dry = batch_args(&file, &out);
    dry.push("--dry-run");
    let shown = run(&mut vidapi(&emulator), &dry);
    assert_eq!(shown.code, 0, "{shown:?}");
    assert_eq!(
        shown.stdout.matches("downloaded").count(),
        20,
        "{}",
        shown.stdout
    );
    assert_eq!(create_calls(&emulator), 20);
    // A file changed on disk is fetched again (and only that one).
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    std::fs::write(jobs[4]["path"].as_str().unwrap(), b"damaged").unwrap();
    let mended = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(mended.code, 0, "{mended:?}");
    assert_eq!(create_calls(&emulator), 20);
    assert_complete(&emulator, Path::new(&out), 20);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_prints_one_event_a_line() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("json");
    let file = batch_file(&dir, 3);
    let out = format!("{}/videos/", dir.display());
    let mut args = vec!["--json"];
    args.extend(batch_args(&file, &out));
    let done = run(&mut vidapi(&emulator), &args);
    assert_eq!(done.code, 0, "{done:?}");
    let events: Vec<Value> = done
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let named = |name: &str| events.iter().filter(|e| e["event"] == name).count();
    assert_eq!(named("submitted"), 3);
    assert_eq!(named("downloaded"), 3);
    // Progress: the counts each time they change, ending all done.
    let progress: Vec<&Value> = events.iter().filter(|e| e["event"] == "progress").collect();
    assert!(progress.len() >= 3, "{progress:?}");
    assert_eq!(progress[0]["planned"], 3, "{progress:?}");
    let end = progress.last().unwrap();
    assert_eq!(
        (end["done"].as_u64(), end["planned"].as_u64()),
        (Some(3), Some(0))
    );
    let last = events.last().unwrap();
    assert_eq!(last["event"], "summary");
    assert_eq!(last["states"]["downloaded"], 3);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small random number generator (the test needs no crate for it).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[cfg(unix)]
#[test]
fn killed_at_20_random_moments_in_502_after_accept_mode_then_rerun_creates_each_line_once() {
    let emulator = Emulator::start().unwrap();
    // Every create is accepted, then answered 502: each one is reconciled.
    emulator.after_accept(10_000, AfterAccept::Status(502));
    emulator.set_generation(Generation {
        queued: Duration::from_millis(100),
        // Long enough that a video accepted just before a kill is still
        // running when the rerun reconciles it (MiniMax's list cannot date a
        // finished one: it would end unknown).
        generating: Duration::from_millis(2500),
    });
    let dir = folder("kill");
    let lines = 12;
    let file = batch_file(&dir, lines);
    let out = format!("{}/videos/", dir.display());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(seed | 1);
    eprintln!("seed {seed}");
    let mut killed = 0;
    for _ in 0..20 {
        let mut child = vidapi_process(&emulator)
            .args(batch_args(&file, &out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(50 + rng.below(1200)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(killed >= 10, "most runs were killed mid-way ({killed})");
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert_complete(&emulator, Path::new(&out), lines);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_submitting_says_how_to_resume_and_a_rerun_completes() {
    let emulator = Emulator::start().unwrap();
    emulator.set_generation(Generation {
        queued: Duration::from_millis(100),
        generating: Duration::from_millis(1000),
    });
    let dir = folder("sigint");
    let lines = 8;
    let file = batch_file(&dir, lines);
    let out = format!("{}/videos/", dir.display());
    let mut child = vidapi_process(&emulator)
        .args(batch_args(&file, &out))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let started = Instant::now();
    // Interrupted once the first job is submitted (the emulator's
    // `maxJobs` 3 holds the rest back until videos finish).
    while !seen.contains(": submitted") && started.elapsed() < Duration::from_secs(30) {
        stderr.read_line(&mut seen).unwrap();
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(rest.contains("run the same command to resume"), "{rest}");
    assert!(rest.contains("vidapi generate --batch"), "{rest}");
    let sent = emulator.created().len();
    assert!(sent < lines, "it stopped submitting ({sent} of {lines})");
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    assert!(
        jobs.iter().all(|j| j["state"] != "submitting"),
        "no intent left undecided: {jobs:#?}"
    );
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert_complete(&emulator, Path::new(&out), lines);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_malformed_line_exits_2_naming_the_line_and_sends_nothing() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("bad");
    let good = r#"{"provider": "minimax", "prompt": "a kite"}"#;
    let cases = [
        (r#"{"provider": "minimax", "prompt": "#, "json"),
        (r#"{"provider": "youtube", "prompt": "a kite"}"#, "provider"),
        (
            r#"{"provider": "minimax", "prompt": "a kite", "colour": "red"}"#,
            "colour",
        ),
        (
            r#"{"provider": "minimax", "prompt": "a kite", "image": "no-such-cat.png"}"#,
            "image",
        ),
        (r#"{"provider": "pixverse", "prompt": 5}"#, "prompt"),
        (
            r#"{"provider": "minimax", "prompt": "a kite", "model": "T9"}"#,
            "model",
        ),
    ];
    for (bad, field) in cases {
        let file = dir.join("bad.jsonl");
        std::fs::write(&file, format!("{good}\n{bad}\n{good}\n")).unwrap();
        let out = format!("{}/videos/", dir.display());
        let refused = run(&mut vidapi(&emulator), &batch_args(&file, &out));
        assert_eq!(refused.code, 2, "{bad}: {refused:?}");
        assert!(
            refused.stderr.contains("line 2"),
            "{bad}: {}",
            refused.stderr
        );
        assert!(refused.stderr.contains(field), "{bad}: {}", refused.stderr);
        assert!(!dir.join("videos").exists(), "nothing written for {bad}");
    }
    // Usage: --batch needs --out, and takes no provider or prompt of its own.
    let file = dir.join("bad.jsonl");
    let no_out = run(
        &mut vidapi(&emulator),
        &["generate", "--batch", file.to_str().unwrap()],
    );
    assert_eq!(no_out.code, 2, "{no_out:?}");
    let both = run(
        &mut vidapi(&emulator),
        &[
            "generate",
            "minimax",
            "--batch",
            file.to_str().unwrap(),
            "--out",
            "x/",
        ],
    );
    assert_eq!(both.code, 2, "{both:?}");
    assert!(emulator.requests().is_empty(), "nothing sent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dry_run_shows_the_plan_and_sends_nothing() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("dry");
    let file = batch_file(&dir, 4);
    let out = format!("{}/videos/", dir.display());
    let mut args = batch_args(&file, &out);
    args.push("--dry-run");
    let shown = run(&mut vidapi(&emulator), &args);
    assert_eq!(shown.code, 0, "{shown:?}");
    assert!(
        shown.stdout.contains("dry run: nothing sent"),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("a kite number 4"), "{}", shown.stdout);
    assert!(emulator.requests().is_empty(), "nothing sent");
    assert_eq!(create_calls(&emulator), 0);
    assert!(!dir.join("videos").exists(), "no ledger written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_run_killed_after_its_create_was_accepted_is_reconciled_not_resent() {
    let emulator = Emulator::start().unwrap();
    // The first create is accepted and its answer held back: the process
    // is killed with the job `submitting` in the ledger.
    emulator.after_accept(1, AfterAccept::Stall(Duration::from_secs(30)));
    emulator.set_generation(Generation {
        queued: Duration::from_millis(100),
        generating: Duration::from_millis(3000),
    });
    let dir = folder("accepted");
    let file = batch_file(&dir, 3);
    let out = format!("{}/videos/", dir.display());
    let mut child = vidapi_process(&emulator)
        .args(batch_args(&file, &out))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while emulator.created().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    let states: Vec<&str> = jobs.iter().map(|j| j["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["submitting", "planned", "planned"]);
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stderr.contains("line 1: reconciled minimax"),
        "{}",
        done.stderr
    );
    assert_eq!(create_calls(&emulator), 3, "line 1 was not sent again");
    assert_complete(&emulator, Path::new(&out), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lines_naming_a_small_account_wait_for_its_capacity_without_a_429() {
    let emulator = Emulator::start().unwrap();
    let one_at_a_time = Account {
        max_jobs: 1,
        ..Account::default()
    };
    emulator.set_account(Provider::MiniMax, "second", one_at_a_time);
    let dir = folder("small");
    let mut text = String::new();
    for i in 1..=3 {
        text.push_str(&format!(
            "{{\"provider\": \"minimax\", \"prompt\": \"a kite {i}\", \"account\": \"second\"}}\n"
        ));
    }
    let file = dir.join("small.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    // The default account's free slots are not spent on "second": one
    // create at a time there, none refused with 429.
    assert_eq!(create_calls(&emulator), 3, "{}", done.stderr);
    assert_eq!(emulator.creates_on(Provider::MiniMax, "second"), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn an_identical_line_never_takes_its_twin_s_video_on_reconciliation() {
    let emulator = Emulator::start().unwrap();
    emulator.set_account(
        Provider::MiniMax,
        "account",
        Account {
            max_jobs: 1,
            ..Account::default()
        },
    );
    emulator.set_generation(Generation {
        queued: Duration::from_millis(100),
        generating: Duration::from_millis(4000),
    });
    let dir = folder("twins");
    // Lines 1 and 2 are the same job text: two jobs.
    let file = batch_file(&dir, 2);
    let out = format!("{}/videos/", dir.display());
    let mut child = vidapi_process(&emulator)
        .args(batch_args(&file, &out))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while emulator.created().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let line 1's answer be recorded; line 2 waits for capacity.
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    // As if the run had been killed after line 2's intent, before its create.
    let db = rusqlite::Connection::open(Path::new(&out).join(".vidapi/ledger.sqlite")).unwrap();
    let moved = db
        .execute(
            "UPDATE jobs SET state = 'submitting' WHERE line = 2 AND state = 'planned'",
            [],
        )
        .unwrap();
    assert_eq!(moved, 1);
    drop(db);
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    // Line 1's video has the same prompt: it is not taken for line 2's.
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    assert_eq!(jobs[0]["state"], "downloaded", "{jobs:#?}");
    assert_eq!(jobs[1]["state"], "unknown", "{jobs:#?}");
    assert_ne!(jobs[0]["video_id"], jobs[1]["video_id"]);
    assert!(
        jobs[1]["last_error"]
            .as_str()
            .unwrap()
            .contains("line 1's video")
    );
    assert_eq!(done.code, 1, "{done:?}");
    assert_eq!(create_calls(&emulator), 1, "line 2 not sent on a guess");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_429_past_the_short_wait_puts_the_job_back_to_planned_and_it_is_sent_later() {
    let emulator = Emulator::start().unwrap();
    // Capacity says 3 free, but the create answers 429 to all but one
    // request in any 2.6 s (refusals count): the second line's retries
    // within its 4 s are all refused, it goes back to `planned`, the
    // provider is left alone 5 s, and the line is sent then.
    emulator.rate_limit("/v1/minimax/videos/create", 1, Duration::from_millis(2600));
    let dir = folder("429");
    let file = batch_file(&dir, 2);
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stderr.contains("line 2: no capacity"),
        "{}",
        done.stderr
    );
    let refused = emulator
        .requests()
        .iter()
        .filter(|r| r.rate_limited)
        .count();
    assert!(refused >= 2, "{refused} refusals");
    assert_eq!(
        done.stderr.matches("line 2: no capacity").count(),
        1,
        "left alone after a 429, not asked every round: {}",
        done.stderr
    );
    assert_complete(&emulator, Path::new(&out), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_and_moderated_lines_end_failed_with_why_and_the_others_complete() {
    use vidapi::emulator::{MARK_FAILED, MARK_MODERATED, MARK_REFUSED};
    let emulator = Emulator::start().unwrap();
    let dir = folder("failures");
    let prompts = [
        "a kite".to_owned(),
        format!("a kite {MARK_FAILED}"),
        format!("a kite {MARK_REFUSED}"),
        format!("a kite {MARK_MODERATED}"),
    ];
    let text: String = prompts
        .iter()
        .map(|p| {
            format!(
                "{}\n",
                serde_json::json!({"provider": "minimax", "prompt": p})
            )
        })
        .collect();
    let file = dir.join("mixed.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 1, "{done:?}");
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    let states: Vec<&str> = jobs.iter().map(|j| j["state"].as_str().unwrap()).collect();
    assert_eq!(
        states,
        ["downloaded", "failed", "failed", "failed"],
        "{jobs:#?}"
    );
    assert!(
        jobs[2]["last_error"]
            .as_str()
            .unwrap()
            .contains("moderated")
    );
    assert!(
        done.stdout.contains("1 downloaded, 3 failed"),
        "{}",
        done.stdout
    );
    // Rerunning sends nothing: failed jobs stay failed until `jobs retry`.
    let creates = create_calls(&emulator);
    let again = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(create_calls(&emulator), creates);
    // `vidapi jobs retry --failed` requeues them; the same command sends
    // those three again (and only those).
    let ledger = Path::new(&out).join(".vidapi/ledger.sqlite");
    let retry = run(
        &mut vidapi(&emulator),
        &[
            "jobs",
            "retry",
            "--failed",
            "--ledger",
            ledger.to_str().unwrap(),
        ],
    );
    assert_eq!(retry.code, 0, "{retry:?}");
    let third = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(third.code, 1, "{third:?}");
    assert_eq!(create_calls(&emulator), creates + 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_submitted_video_the_provider_no_longer_has_ends_failed_not_waited_for_forever() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("gone");
    let file = batch_file(&dir, 2);
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    // As if line 2's video had been removed at the provider while it was
    // being made.
    let db = rusqlite::Connection::open(Path::new(&out).join(".vidapi/ledger.sqlite")).unwrap();
    let moved = db
        .execute(
            "UPDATE jobs SET state = 'submitted', path = NULL, size = NULL, sha256 = NULL, \
             video_id = 'user:1-minimax:account-video:7777777' WHERE line = 2",
            [],
        )
        .unwrap();
    assert_eq!(moved, 1);
    drop(db);
    let again = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(again.code, 1, "{again:?}");
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    assert_eq!(jobs[1]["state"], "failed", "{jobs:#?}");
    assert!(
        jobs[1]["last_error"]
            .as_str()
            .unwrap()
            .contains("no longer")
    );
    assert_eq!(create_calls(&emulator), 2, "never resent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_image_named_by_several_lines_is_uploaded_once_per_account() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("image");
    // A PNG by its first bytes, beside the batch file (its paths are read
    // from the batch file's folder).
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0; 64]);
    std::fs::write(dir.join("cat.png"), &png).unwrap();
    let text: String = (1..=3)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"provider": "minimax", "prompt": format!("a cat {i}"),
                    "image": "cat.png", "account": "account", "model": "I2V-01"})
            )
        })
        .collect();
    let file = dir.join("cats.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = format!("{}/videos/", dir.display());
    let elsewhere = std::env::temp_dir();
    let done = run(
        vidapi(&emulator).current_dir(&elsewhere),
        &batch_args(&file, &out),
    );
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(emulator.uploads_on(Provider::MiniMax, "account"), 1);
    assert_complete(&emulator, Path::new(&out), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_killed_create_on_another_account_is_found_there_not_resent() {
    let emulator = Emulator::start().unwrap();
    // Two PixVerse accounts; the second has more room, so an unnamed line
    // goes there. Its create is accepted, its answer held back, the run
    // killed; the video finishes before the rerun.
    emulator.set_account(
        Provider::PixVerse,
        "second@example.com",
        Account {
            max_jobs: 9,
            ..Account::default()
        },
    );
    emulator.after_accept(1, AfterAccept::Stall(Duration::from_secs(30)));
    let dir = folder("elsewhere");
    let file = dir.join("one.jsonl");
    std::fs::write(
        &file,
        "{\"provider\": \"pixverse\", \"prompt\": \"a kite far away\"}\n",
    )
    .unwrap();
    let out = format!("{}/videos/", dir.display());
    let mut child = vidapi_process(&emulator)
        .args(batch_args(&file, &out))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while emulator.created().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(emulator.created()[0].account, "second@example.com");
    std::thread::sleep(Duration::from_millis(1000)); // finished by now
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stderr.contains("line 1: reconciled"),
        "{}",
        done.stderr
    );
    assert_eq!(
        create_calls(&emulator),
        1,
        "found on its account, not sent again"
    );
    let jobs = ledger_jobs(&emulator, Path::new(&out));
    assert_eq!(jobs[0]["state"], "downloaded", "{jobs:#?}");
    assert_eq!(jobs[0]["account"], "second@example.com");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hour_one_lines_complete_too() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("hourone");
    let text: String = (1..=3)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"provider": "hourone", "prompt": format!("a talk {i}"),
                    "source_draft_id": "draft_1"})
            )
        })
        .collect();
    let file = dir.join("talks.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = format!("{}/videos/", dir.display());
    let done = run(&mut vidapi(&emulator), &batch_args(&file, &out));
    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stdout.contains("3 jobs: 3 downloaded"),
        "{}",
        done.stdout
    );
    let creates = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/videos")
        .count();
    assert_eq!(creates, 3, "one create a line");
    for job in ledger_jobs(&emulator, Path::new(&out)) {
        let size = std::fs::metadata(job["path"].as_str().unwrap())
            .unwrap()
            .len();
        assert_eq!(Some(size), job["size"].as_u64());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
