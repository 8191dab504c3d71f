use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::*;

fn open(dir: &Path) -> SqliteLedger {
    SqliteLedger::open(&dir.join(".vidapi/ledger.sqlite")).unwrap()
}

fn lines(batch: &str, n: u64) -> Vec<NewJob> {
    (1..=n)
        .map(|line| NewJob {
            batch: batch.to_owned(),
            line,
            key: line_key("digest", line, "{\"prompt\":\"a cat\"}"),
            provider: "minimax".to_owned(),
            request: serde_json::json!({"prompt": "a cat", "line": line}),
            account: None,
        })
        .collect()
}

/// Puts job `id` in `state` behind the state machine's back, to test every
/// move from every state.
fn force(ledger: &SqliteLedger, id: i64, state: State) {
    ledger
        .db()
        .execute(
            "UPDATE jobs SET state = ?2 WHERE id = ?1",
            rusqlite::params![id, state.as_str()],
        )
        .unwrap();
}

#[test]
fn a_batch_walks_its_states_and_cannot_walk_back() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    assert_eq!(
        ledger.plan(&lines("b.jsonl", 2)).unwrap(),
        Planned {
            added: 2,
            already: 0
        }
    );
    let job = ledger.claim_next("b.jsonl").unwrap().unwrap();
    assert_eq!(
        (job.line, job.state, job.attempts),
        (Some(1), State::Submitting, 1)
    );
    let job = ledger.submitted(job.id, "acc", "vid-1").unwrap();
    assert_eq!(job.video_id.as_deref(), Some("vid-1"));
    assert_eq!(ledger.by_key(&job.key).unwrap().as_ref(), Some(&job));
    assert_eq!(ledger.by_key("no such key").unwrap(), None);
    // The answer is in: the job can never be planned (resent) again.
    let refused = ledger.reconciled_absent(job.id).unwrap_err();
    assert!(matches!(
        refused,
        LedgerError::Transition {
            from: Some(State::Submitted),
            to: State::Planned,
            ..
        }
    ));
    ledger.finished(job.id).unwrap();
    let file = FileRecord {
        path: "v/vid-1.mp4".into(),
        size: 10,
        sha256: sha256_hex(b"0123456789"),
    };
    let done = ledger.downloaded(job.id, file.clone()).unwrap();
    assert_eq!(
        (done.state, done.size, done.sha256.as_deref()),
        (State::Downloaded, Some(10), Some(file.sha256.as_str()))
    );
    assert!(ledger.submitted(done.id, "acc", "other").is_err());
    // The second line is next, then nothing.
    let second = ledger.claim_next("b.jsonl").unwrap().unwrap();
    assert_eq!(second.line, Some(2));
    assert_eq!(ledger.claim_next("b.jsonl").unwrap(), None);
    assert!(
        ledger
            .transition(999, State::Final, Change::default())
            .is_err()
    );
}

#[test]
fn every_move_the_table_forbids_is_refused_and_every_other_made() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.plan(&lines("b", 1)).unwrap();
    let id = ledger.jobs(&Filter::default()).unwrap()[0].id;
    let mut allowed = 0;
    for from in State::ALL {
        for to in State::ALL {
            force(&ledger, id, from);
            let moved = ledger.transition(id, to, Change::default());
            let state = ledger.jobs(&Filter::default()).unwrap()[0].state;
            if to.allowed_from().contains(&from) {
                allowed += 1;
                assert_eq!(moved.unwrap().state, to, "{from} → {to}");
                assert_eq!(state, to);
            } else {
                assert!(moved.is_err(), "{from} → {to} was allowed");
                assert_eq!(state, from, "{from} → {to} changed the row");
            }
        }
    }
    // The life of a job, and its exits, and nothing more.
    assert_eq!(allowed, 14);
    for (from, to) in [
        (State::Submitted, State::Submitting),
        (State::Downloaded, State::Planned),
        (State::Unknown, State::Submitting),
        (State::Final, State::Submitted),
    ] {
        assert!(!to.allowed_from().contains(&from), "{from} → {to}");
    }
}

#[test]
fn planning_again_adds_nothing_and_identical_lines_are_two_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.plan(&lines("b", 3)).unwrap();
    assert_eq!(
        ledger.plan(&lines("b", 3)).unwrap(),
        Planned {
            added: 0,
            already: 3
        }
    );
    assert_eq!(ledger.jobs(&Filter::default()).unwrap().len(), 3);
    let keys: std::collections::HashSet<_> = lines("b", 3).into_iter().map(|j| j.key).collect();
    assert_eq!(keys.len(), 3, "the same text on two lines made one key");
}

#[test]
fn retry_requeues_failed_jobs_and_unknown_ones_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.plan(&lines("b", 2)).unwrap();
    let a = ledger.claim_next("b").unwrap().unwrap();
    let b = ledger.claim_next("b").unwrap().unwrap();
    ledger.failed(a.id, "moderated").unwrap();
    ledger
        .unknown(b.id, "502 after send; not in scheduler")
        .unwrap();
    assert_eq!(ledger.retry(false).unwrap(), 1);
    let state = |id: usize| ledger.jobs(&Filter::default()).unwrap()[id].state;
    assert_eq!((state(0), state(1)), (State::Planned, State::Unknown));
    assert_eq!(ledger.retry(true).unwrap(), 1);
    assert_eq!(state(1), State::Planned);
    let listed = ledger
        .jobs(&Filter {
            state: Some(State::Planned),
            batch: Some("b".into()),
        })
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        listed[1].last_error.as_deref(),
        Some("502 after send; not in scheduler")
    );
}

#[test]
fn secrets_in_a_request_are_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let mut job = lines("b", 1).remove(0);
    job.request = serde_json::json!({
        "prompt": "a cat",
        "token": "user:1-secret",
        "nested": [{"apiKey": "sk-1"}],
    });
    ledger.plan(&[job]).unwrap();
    let stored = ledger
        .jobs(&Filter::default())
        .unwrap()
        .remove(0)
        .request
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({
            "prompt": "a cat",
            "token": "[redacted]",
            "nested": [{"apiKey": "[redacted]"}],
        })
    );
    let bytes = std::fs::read(dir.path().join(".vidapi/ledger.sqlite")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("user:1-secret") && !text.contains("sk-1"));
}

#[test]
fn the_schema_is_versioned_and_a_newer_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    {
        let ledger = SqliteLedger::open(&path).unwrap();
        assert_eq!(ledger.schema_version().unwrap(), MIGRATIONS_LEN);
        let mode: String = ledger
            .db()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        ledger.plan(&lines("b", 1)).unwrap();
    }
    // Reopened: nothing migrated twice, the rows kept.
    let ledger = SqliteLedger::open(&path).unwrap();
    assert_eq!(ledger.jobs(&Filter::default()).unwrap().len(), 1);
    ledger
        .db()
        .pragma_update(None, "user_version", 99_i64)
        .unwrap();
    drop(ledger);
    let newer = SqliteLedger::open(&path).unwrap_err();
    assert!(newer.to_string().contains("schema version 99"), "{newer}");
}

const MIGRATIONS_LEN: i64 = 1;

#[test]
fn two_threads_never_claim_the_same_job() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.plan(&lines("b", 200)).unwrap();
    let claimed: Vec<i64> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while let Some(job) = ledger.claim_next("b").unwrap() {
                        mine.push(job.id);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let unique: std::collections::HashSet<_> = claimed.iter().collect();
    assert_eq!((claimed.len(), unique.len()), (200, 200));
}

#[test]
fn two_processes_share_one_ledger_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path());
    let second = open(dir.path());
    first.plan(&lines("b", 2)).unwrap();
    let a = second.claim_next("b").unwrap().unwrap();
    let b = first.claim_next("b").unwrap().unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(second.submitting().unwrap().len(), 2);
}

/// What a child process does for the crash tests, told by its environment.
const CHILD: &str = "VIDAPI_LEDGER_TEST_CHILD";

/// Not a test of its own: the body of the child process the crash tests
/// start (this test binary again) and kill.
#[test]
#[ignore = "run by the crash tests as their child process"]
fn crash_child() {
    let Ok(what) = std::env::var(CHILD) else {
        return;
    };
    let (what, dir) = what.split_once(':').unwrap();
    let ledger = open(Path::new(dir));
    match what {
        "claim" => {
            let job = ledger.claim_next("b").unwrap().unwrap();
            // The intent is committed; the create would be sent now.
            println!("claimed {}", job.id);
        }
        "plan" => {
            println!("planning");
            ledger.plan(&lines("big", 20_000)).unwrap();
            println!("planned");
        }
        _ => unreachable!(),
    }
    std::thread::sleep(Duration::from_secs(60));
}

/// Starts this test binary as [`crash_child`] doing `what` in `dir`; its
/// stdout, line by line.
fn child(what: &str, dir: &Path) -> (std::process::Child, impl Iterator<Item = String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ledger::tests::crash_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, format!("{what}:{}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out.lines().map_while(|l| l.ok()))
}

#[test]
fn a_process_killed_after_its_intent_leaves_the_job_submitting() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.plan(&lines("b", 3)).unwrap();
    let (mut process, mut out) = child("claim", dir.path());
    // libtest may print the test's name on the same line first.
    let said = out.find(|l| l.contains("claimed ")).unwrap();
    process.kill().unwrap(); // SIGKILL
    process.wait().unwrap();
    let id: i64 = said
        .rsplit("claimed ")
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let ledger_again = open(dir.path());
    let left = ledger_again.submitting().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].id, left[0].attempts), (id, 1));
    assert_eq!(
        ledger.jobs(&Filter::default()).unwrap().len(),
        3,
        "a row was lost"
    );
    // The next run reconciles it (absent) and claims it again first.
    ledger_again.reconciled_absent(id).unwrap();
    let again = ledger_again.claim_next("b").unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (id, 2));
}

#[test]
fn a_plan_killed_midway_is_all_there_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..6_u64 {
        let (mut process, mut out) = child("plan", dir.path());
        out.find(|l| l.contains("planning")).unwrap();
        std::thread::sleep(Duration::from_millis(fastrand_ms(round)));
        process.kill().unwrap();
        process.wait().unwrap();
        let ledger = open(dir.path());
        let rows = ledger.jobs(&Filter::default()).unwrap().len();
        assert!(rows == 0 || rows == 20_000, "round {round}: {rows} rows");
        if rows == 20_000 {
            return;
        }
    }
}

/// A kill moment spread over a plan's likely length (a few to a few
/// hundred milliseconds), different each round.
fn fastrand_ms(round: u64) -> u64 {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    (seed ^ (round * 7919)) % 400
}

fn sync_video(n: u64) -> FoundVideo {
    FoundVideo {
        key: format!("sync:pixverse:me@example.com:{n}"),
        provider: "pixverse".to_owned(),
        account: "me@example.com".to_owned(),
        video_id: n.to_string(),
    }
}

#[test]
fn found_videos_are_written_once_in_one_transaction_and_keep_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let videos: Vec<FoundVideo> = (1..=500).map(sync_video).collect();
    let jobs = ledger.found_all(&videos).unwrap();
    assert_eq!(jobs.len(), 500);
    assert!(jobs.iter().all(|j| j.state == State::Final));
    assert!(
        jobs.iter()
            .zip(&videos)
            .all(|(j, v)| j.key == v.key && j.video_id.as_deref() == Some(v.video_id.as_str()))
    );
    let file = |n: i64| FileRecord {
        path: format!("/mirror/{n}.mp4"),
        size: 3,
        sha256: "ab".repeat(32),
    };
    let first = jobs[0].id;
    ledger.downloaded(first, file(first)).unwrap();
    // Found again (a second sync): nothing new, and a downloaded job stays
    // downloaded.
    let again = ledger.found_all(&videos).unwrap();
    assert_eq!(
        again.iter().map(|j| j.id).collect::<Vec<_>>(),
        jobs.iter().map(|j| j.id).collect::<Vec<_>>()
    );
    assert_eq!(again[0].state, State::Downloaded);
    assert_eq!(ledger.jobs(&Filter::default()).unwrap().len(), 500);
}

#[test]
fn downloaded_all_moves_each_job_it_may_and_refuses_the_others_alone() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let jobs = ledger
        .found_all(&(1..=3).map(sync_video).collect::<Vec<_>>())
        .unwrap();
    // The second job is a batch's, still submitted: it cannot become
    // downloaded, and that must not stop the others.
    force(&ledger, jobs[1].id, State::Submitted);
    let file = |n: i64| FileRecord {
        path: format!("/mirror/{n}.mp4"),
        size: n as u64,
        sha256: format!("{n:064x}"),
    };
    let moved = ledger
        .downloaded_all(jobs.iter().map(|j| (j.id, file(j.id))).collect())
        .unwrap();
    assert_eq!(moved.len(), 3);
    assert!(
        moved[0]
            .as_ref()
            .is_ok_and(|j| j.state == State::Downloaded)
    );
    assert!(
        matches!(
            &moved[1],
            Err(LedgerError::Transition {
                from: Some(State::Submitted),
                ..
            })
        ),
        "{:?}",
        moved[1]
    );
    let third = moved[2].as_ref().unwrap();
    assert_eq!(third.size, Some(jobs[2].id as u64));
    assert_eq!(
        third.sha256.as_deref(),
        Some(format!("{:064x}", jobs[2].id).as_str())
    );
    // Committed: another connection sees it.
    let other = open(dir.path());
    let states: Vec<State> = other
        .jobs(&Filter::default())
        .unwrap()
        .iter()
        .map(|j| j.state)
        .collect();
    assert_eq!(
        states,
        [State::Downloaded, State::Submitted, State::Downloaded]
    );
    // Nothing at all: no transaction needed, nothing moved.
    assert!(ledger.downloaded_all(Vec::new()).unwrap().is_empty());
}
