//! `vidapi::generate` against the emulator's accounts and faults: every
//! create is counted by the emulator, so "never twice" is checked, not
//! assumed.

use std::time::Duration;

use vidapi::emulator::{
    Account, AfterAccept, Emulator, Generation, MARK_MODERATED, MARK_REFUSED, MINIMAX_ACCOUNT,
    PIXVERSE_EMAIL, USEAPI_TOKEN,
};
use vidapi::generate::{Attempt, Backoff, Generator, Job, Reconciled, Submitted};
use vidapi::{Config, CreateRefusal, Error, Provider, RetryPolicy, UseApi};

fn useapi(emulator: &Emulator) -> UseApi {
    let config = Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        });
    UseApi::with_config(USEAPI_TOKEN, config).unwrap()
}

fn fast() -> Backoff {
    Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(200),
        deadline: Duration::from_secs(10),
    }
}

fn created(outcome: Submitted) -> vidapi::generate::Created {
    match outcome {
        Submitted::Created(created) => created,
        other => panic!("not created: {other:?}"),
    }
}

fn creates_posted(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/videos/create"))
        .count()
}

#[test]
fn a_plain_job_is_created_once_with_its_key_as_reply_ref() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "a kite").plan().unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    assert_eq!(made.account.as_deref(), Some(MINIMAX_ACCOUNT));
    assert_eq!(made.creates, 1);
    assert!(!made.reconciled);
    assert_eq!(emulator.creates_with_ref(plan.key()), 1);
    let sent = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/minimax/videos/create")
        .unwrap();
    let body = sent.json().unwrap();
    assert_eq!(body["replyRef"], plan.key());
    assert_eq!(body["account"], MINIMAX_ACCOUNT);
    assert_eq!(body["prompt"], "a kite");
    // One scheduler read chose the account.
    let reads = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/minimax/scheduler/available")
        .count();
    assert_eq!(reads, 1);
    // The key is stable for the plan and differs between plans.
    let again = Job::new(Provider::MiniMax, "a kite").plan().unwrap();
    assert_ne!(again.key(), plan.key());
    assert!(plan.key().starts_with("vidapi-"));
}

#[test]
fn the_account_with_most_free_capacity_is_chosen() {
    let emulator = Emulator::start().unwrap();
    emulator.set_account(
        Provider::MiniMax,
        "roomy",
        Account {
            max_jobs: 8,
            ..Account::default()
        },
    );
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "a boat").plan().unwrap();
    let generator = Generator::new().useapi(&client);
    assert_eq!(
        generator.choose_account(&plan).unwrap().as_deref(),
        Some("roomy")
    );
    // A job that names its account reads nothing to choose.
    emulator.reset_records();
    let named = Job {
        account: Some("account".into()),
        ..Job::new(Provider::MiniMax, "a boat")
    }
    .plan()
    .unwrap();
    assert_eq!(
        generator.choose_account(&named).unwrap().as_deref(),
        Some("account")
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn a_502_after_accept_is_reconciled_by_reply_ref_and_not_sent_again() {
    let emulator = Emulator::start().unwrap();
    emulator.after_accept(1, AfterAccept::Status(502));
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "a lighthouse").plan().unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    assert!(made.reconciled);
    assert_eq!(made.creates, 1);
    assert_eq!(emulator.creates_with_ref(plan.key()), 1);
    assert_eq!(creates_posted(&emulator), 1, "no second create was sent");
    assert_eq!(made.id, emulator.created()[0].video_id);
}

#[test]
fn a_cut_after_accept_is_reconciled_too_on_pixverse() {
    let emulator = Emulator::start().unwrap();
    emulator.after_accept(1, AfterAccept::Cut);
    let client = useapi(&emulator);
    let plan = Job::new(Provider::PixVerse, "a harbour at dawn")
        .plan()
        .unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    assert!(made.reconciled);
    assert_eq!(made.account.as_deref(), Some(PIXVERSE_EMAIL));
    assert_eq!(emulator.creates_with_ref(plan.key()), 1);
    assert_eq!(creates_posted(&emulator), 1);
}

#[test]
fn a_timeout_after_sending_is_reconciled_not_resent() {
    let emulator = Emulator::start().unwrap();
    emulator.after_accept(1, AfterAccept::Stall(Duration::from_secs(2)));
    emulator.set_generation(Generation {
        queued: Duration::from_secs(5),
        generating: Duration::from_secs(5),
    });
    let config = Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_millis(400))
        .retry(RetryPolicy::none());
    let client = UseApi::with_config(USEAPI_TOKEN, config).unwrap();
    let plan = Job::new(Provider::MiniMax, "a slow answer").plan().unwrap();
    let generator = Generator::new().useapi(&client);
    let attempt = generator.create_once(&plan, None, None);
    assert!(
        matches!(attempt, Attempt::Ambiguous(Error::Timeout { .. })),
        "{attempt:?}"
    );
    let made = created(
        Generator::new()
            .useapi(&client)
            .submit(&Job::new(Provider::MiniMax, "b").plan().unwrap())
            .unwrap(),
    );
    assert!(
        !made.reconciled,
        "the stall was used up by the first create"
    );
    let seen = generator.reconcile(&plan, None, std::time::SystemTime::now());
    assert!(matches!(seen, Reconciled::Found { .. }), "{seen:?}");
    assert_eq!(emulator.creates_with_ref(plan.key()), 1);
}

#[test]
fn a_job_that_finished_before_reconciling_is_found_in_the_list() {
    let emulator = Emulator::start().unwrap();
    // Finished at once: the scheduler no longer lists it, the list does.
    emulator.set_generation(Generation {
        queued: Duration::ZERO,
        generating: Duration::ZERO,
    });
    emulator.after_accept(1, AfterAccept::Status(504));
    let client = useapi(&emulator);
    let plan = Job::new(Provider::PixVerse, "a mill in the rain")
        .plan()
        .unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    assert!(made.reconciled);
    assert_eq!(creates_posted(&emulator), 1);
}

#[test]
fn minimax_cannot_tell_a_finished_job_from_an_older_one_so_it_ends_unknown() {
    let emulator = Emulator::start().unwrap();
    emulator.set_generation(Generation {
        queued: Duration::ZERO,
        generating: Duration::ZERO,
    });
    emulator.after_accept(1, AfterAccept::Status(502));
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "a quiet street")
        .plan()
        .unwrap();
    let outcome = Generator::new().useapi(&client).submit(&plan).unwrap();
    let Submitted::Unknown { evidence, account } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(account.as_deref(), Some(MINIMAX_ACCOUNT));
    assert!(evidence[0].contains("HTTP 502"), "{evidence:?}");
    assert!(
        evidence.iter().any(|e| e.contains("same prompt")),
        "{evidence:?}"
    );
    assert_eq!(creates_posted(&emulator), 1, "never a second paid create");
}

#[test]
fn reconciliation_proves_absence_before_a_resend() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "never sent").plan().unwrap();
    let generator = Generator::new().useapi(&client);
    let seen = generator.reconcile(&plan, Some(MINIMAX_ACCOUNT), std::time::SystemTime::now());
    assert_eq!(seen, Reconciled::Absent);
    // A failing read is no proof of absence.
    emulator.fail_next(10, vidapi::emulator::Fault::html(500));
    let seen = generator.reconcile(&plan, Some(MINIMAX_ACCOUNT), std::time::SystemTime::now());
    assert!(matches!(seen, Reconciled::Unknown(_)), "{seen:?}");
}

#[test]
fn no_capacity_waits_and_tries_again() {
    let emulator = Emulator::start().unwrap();
    emulator.remove_accounts(Provider::MiniMax);
    emulator.set_account(
        Provider::MiniMax,
        "single",
        Account {
            max_jobs: 1,
            ..Account::default()
        },
    );
    emulator.set_generation(Generation {
        queued: Duration::from_millis(100),
        generating: Duration::from_millis(200),
    });
    let client = useapi(&emulator);
    let mut generator = Generator::new().useapi(&client).backoff(fast());
    let first = Job::new(Provider::MiniMax, "first").plan().unwrap();
    let second = Job::new(Provider::MiniMax, "second").plan().unwrap();
    created(generator.submit(&first).unwrap());
    let made = created(generator.submit(&second).unwrap());
    assert!(made.creates >= 2, "a 429 came first: {made:?}");
    let statuses: Vec<bool> = emulator
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/videos/create"))
        .map(|r| r.json().unwrap()["prompt"] == "second")
        .collect();
    assert!(statuses.len() >= 3);
    assert_eq!(emulator.creates_with_ref(second.key()), 1);
}

#[test]
fn out_of_credits_moves_to_the_next_account_and_on_hold_stops_one() {
    let emulator = Emulator::start().unwrap();
    emulator.remove_accounts(Provider::MiniMax);
    let broke = Account {
        max_jobs: 9,
        credits: Some(0),
        on_hold: false,
    };
    let held = Account {
        max_jobs: 8,
        on_hold: true,
        ..Account::default()
    };
    emulator.set_account(Provider::MiniMax, "broke", broke);
    emulator.set_account(Provider::MiniMax, "held", held);
    emulator.set_account(Provider::MiniMax, "fine", Account::default());
    let client = useapi(&emulator);
    let mut generator = Generator::new().useapi(&client).backoff(fast());
    let plan = Job::new(Provider::MiniMax, "a fox").plan().unwrap();
    let made = created(generator.submit(&plan).unwrap());
    assert_eq!(made.account.as_deref(), Some("fine"));
    assert!(generator.is_skipped(Provider::MiniMax, "broke"));
    assert!(generator.is_skipped(Provider::MiniMax, "held"));
    // Later jobs of the run do not try them again.
    emulator.reset_records();
    let next = Job::new(Provider::MiniMax, "a hare").plan().unwrap();
    created(generator.submit(&next).unwrap());
    let tried: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/videos/create"))
        .map(|r| r.json().unwrap()["account"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tried, ["fine"]);
    assert_eq!(emulator.creates_on(Provider::MiniMax, "broke"), 0);
}

#[test]
fn every_account_spent_is_an_error_and_a_named_account_is_not_left() {
    let emulator = Emulator::start().unwrap();
    emulator.set_account(
        Provider::PixVerse,
        PIXVERSE_EMAIL,
        Account {
            credits: Some(0),
            ..Account::default()
        },
    );
    let client = useapi(&emulator);
    let plan = Job::new(Provider::PixVerse, "a bridge").plan().unwrap();
    let err = Generator::new().useapi(&client).submit(&plan).unwrap_err();
    assert!(
        err.to_string().contains("out of credits or on hold"),
        "{err}"
    );
    let named = Job {
        account: Some(PIXVERSE_EMAIL.into()),
        ..Job::new(Provider::PixVerse, "a bridge")
    }
    .plan()
    .unwrap();
    let err = Generator::new().useapi(&client).submit(&named).unwrap_err();
    assert_eq!(err.create_refusal(), Some(CreateRefusal::OutOfCredits));
    assert_eq!(emulator.created().len(), 0);
}

#[test]
fn a_moderated_prompt_fails_the_job_without_a_retry() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, format!("bad {MARK_REFUSED}"))
        .plan()
        .unwrap();
    let generator = Generator::new().useapi(&client);
    let attempt = generator.create_once(&plan, None, None);
    assert!(
        matches!(attempt, Attempt::Refused(CreateRefusal::Moderated, _)),
        "{attempt:?}"
    );
    let outcome = Generator::new().useapi(&client).submit(&plan).unwrap();
    assert!(
        matches!(outcome, Submitted::Moderated { .. }),
        "{outcome:?}"
    );
    assert_eq!(creates_posted(&emulator), 2, "one per call above, no retry");
}

#[test]
fn a_created_video_goes_queued_generating_completed_and_serves_media() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "a comet").plan().unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    let first = client.minimax().video(&made.id).unwrap();
    assert!(!first.is_final());
    let listed = client.minimax().videos(Some(MINIMAX_ACCOUNT)).unwrap();
    assert_eq!(
        listed[0].lookup_id(),
        Some(made.id.as_str()),
        "newest first"
    );
    std::thread::sleep(Duration::from_millis(600));
    let done = client.minimax().video(&made.id).unwrap();
    assert_eq!(done.status(), Some(vidapi::minimax::Status::Completed));
    assert!(done.file_url().unwrap().starts_with(emulator.base_url()));

    let bad = Job::new(Provider::PixVerse, format!("x {MARK_MODERATED}"))
        .plan()
        .unwrap();
    let bad = created(Generator::new().useapi(&client).submit(&bad).unwrap());
    assert!(
        client.pixverse().video(&bad.id).unwrap_err().is_not_found(),
        "404 while made"
    );
    std::thread::sleep(Duration::from_millis(600));
    let ended = client.pixverse().video(&bad.id).unwrap();
    assert!(ended.is_failed());
}

#[test]
fn bad_jobs_are_refused_before_anything_is_sent() {
    let dir = std::env::temp_dir().join(format!("vidapi-generate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("not-an-image.png");
    std::fs::write(&pdf, b"%PDF-1.7 not an image").unwrap();
    let bad = [
        Job::new(Provider::MiniMax, "  "),
        Job::new(Provider::MiniMax, "x".repeat(2001)),
        Job::new(Provider::PixVerse, "x".repeat(5001)),
        Job {
            model: Some("T9-99".into()),
            ..Job::new(Provider::MiniMax, "a")
        },
        Job {
            model: Some("T2V-01".into()),
            ..Job::new(Provider::PixVerse, "a")
        },
        Job {
            image: Some(dir.join("missing.png")),
            ..Job::new(Provider::MiniMax, "a")
        },
        Job {
            image: Some(pdf),
            ..Job::new(Provider::MiniMax, "a")
        },
        Job {
            fields: vec![("duration".into(), serde_json::json!("five"))],
            ..Job::new(Provider::PixVerse, "a")
        },
        Job {
            fields: vec![("colour".into(), serde_json::json!("red"))],
            ..Job::new(Provider::PixVerse, "a")
        },
        Job::new(Provider::HourOne, "no draft"),
        Job::new(Provider::Memories, "a"),
    ];
    for job in bad {
        let err = job.plan().unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "{job:?}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn png(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("vidapi-gen-{name}-{}.png", std::process::id()));
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(name.as_bytes());
    std::fs::write(&path, bytes).unwrap();
    path
}

fn uploads(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/files/"))
        .count()
}

#[test]
fn an_image_is_uploaded_once_per_file_and_account() {
    let emulator = Emulator::start().unwrap();
    emulator.set_account(Provider::MiniMax, "second", Account::default());
    let client = useapi(&emulator);
    let image = png("once");
    let mut generator = Generator::new().useapi(&client);
    let job = |account: &str| Job {
        image: Some(image.clone()),
        account: Some(account.into()),
        ..Job::new(Provider::MiniMax, "the picture, moving")
    };
    for account in [MINIMAX_ACCOUNT, MINIMAX_ACCOUNT, "second"] {
        created(generator.submit(&job(account).plan().unwrap()).unwrap());
    }
    assert_eq!(emulator.uploads_on(Provider::MiniMax, MINIMAX_ACCOUNT), 1);
    assert_eq!(emulator.uploads_on(Provider::MiniMax, "second"), 1);
    let upload = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/minimax/files/")
        .unwrap();
    assert_eq!(upload.header("content-type"), Some("image/png"));
    assert_eq!(upload.body, std::fs::read(&image).unwrap(), "the raw bytes");
    let creates: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/videos/create"))
        .map(|r| r.json().unwrap())
        .collect();
    assert!(
        creates
            .iter()
            .all(|c| c["fileID"].as_str().unwrap().contains(&format!(
                "-minimax:{}-file:",
                c["account"].as_str().unwrap()
            ))),
        "each create uses its own account's file: {creates:?}"
    );
    let _ = std::fs::remove_file(image);
}

#[test]
fn a_pixverse_upload_serves_every_account() {
    let emulator = Emulator::start().unwrap();
    emulator.set_account(Provider::PixVerse, "two@example.com", Account::default());
    let client = useapi(&emulator);
    let image = png("pix");
    let mut generator = Generator::new().useapi(&client);
    for email in [PIXVERSE_EMAIL, "two@example.com"] {
        let job = Job {
            image: Some(image.clone()),
            account: Some(email.into()),
            ..Job::new(Provider::PixVerse, "")
        };
        created(generator.submit(&job.plan().unwrap()).unwrap());
    }
    assert_eq!(uploads(&emulator), 1);
    let create = emulator
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/videos/create"))
        .unwrap();
    assert_eq!(create.json().unwrap()["first_frame_path"], "upload/1.png");
    assert!(create.json().unwrap().get("prompt").is_none(), "image only");
    let _ = std::fs::remove_file(image);
}

#[test]
fn a_cancelled_minimax_video_ends_failed() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let plan = Job::new(Provider::MiniMax, "to be cancelled")
        .plan()
        .unwrap();
    let made = created(Generator::new().useapi(&client).submit(&plan).unwrap());
    client.minimax().cancel(&made.id).unwrap();
    let sent = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/minimax/videos/cancel")
        .unwrap();
    assert_eq!(
        sent.json().unwrap(),
        serde_json::json!({"videoId": made.id})
    );
    let video = client.minimax().video(&made.id).unwrap();
    assert!(video.is_final() && video.is_failed(), "{video:?}");
    let again = client.minimax().cancel(&made.id).unwrap_err();
    assert_eq!(again.status(), Some(400), "no longer running");
    let unknown = client
        .minimax()
        .cancel("user:1-minimax:account-video:1")
        .unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");
}
