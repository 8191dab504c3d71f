//! What a batch says: its events (on stderr, or JSON lines with `--json`),
//! the summary table at the end and the `--dry-run` plan.

use std::path::Path;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use super::BatchArgs;
use super::lines::Line;
use crate::Failure;
use crate::jobs::default_ledger;
use crate::ledger::{Job, Ledger, SqliteLedger, State};
use crate::output::{Col, Rows};

/// Says what happened, on stderr, or as one JSON object a line on stdout.
pub(super) struct Events {
    pub(super) json: bool,
    pub(super) out: Mutex<()>,
    /// The counts last shown, so that only changes are.
    pub(super) shown: Mutex<Option<[usize; 5]>>,
    /// The status line on a terminal (hidden elsewhere).
    pub(super) bar: indicatif::ProgressBar,
}

impl Events {
    pub(super) fn new(json: bool) -> Events {
        let bar = if json {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        Events {
            json,
            out: Mutex::new(()),
            shown: Mutex::new(None),
            bar,
        }
    }

    /// How many jobs are planned, generating, downloading, done and failed
    /// (failed or unknown): the status line on a terminal, a `progress`
    /// event with `--json`; only when the counts changed.
    pub(super) fn progress(&self, jobs: &[Job]) {
        let mut counts = [0; 5];
        for job in jobs {
            let slot = match job.state {
                State::Planned | State::Submitting => 0,
                State::Submitted => 1,
                State::Final => 2,
                State::Downloaded => 3,
                State::Failed | State::Unknown => 4,
            };
            counts[slot] += 1;
        }
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if *shown == Some(counts) {
            return;
        }
        *shown = Some(counts);
        let [planned, generating, downloading, done, failed] = counts;
        if self.json {
            let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
            let event = json!({"event": "progress", "planned": planned, "generating": generating,
                "downloading": downloading, "done": done, "failed": failed});
            let _ = crate::output::line(&event.to_string());
        } else {
            self.bar.set_message(format!(
                "planned {planned} · generating {generating} · downloading {downloading} · done {done} · failed {failed}"
            ));
            self.bar.tick();
        }
    }

    pub(super) fn emit(&self, event: &str, job: &Job, extra: Value) {
        let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if self.json {
            let mut object = json!({
                "event": event,
                "line": job.line,
                "job": job.id,
                "provider": job.provider,
                "account": job.account,
                "video_id": job.video_id,
            });
            if let (Value::Object(into), Value::Object(more)) = (&mut object, extra) {
                into.extend(more);
            }
            let _ = crate::output::line(&object.to_string());
        } else {
            let line = job.line.unwrap_or_default();
            let what = match (&job.video_id, extra.as_object()) {
                (_, Some(m)) if m.contains_key("error") => {
                    m["error"].as_str().unwrap_or_default().to_owned()
                }
                (_, Some(m)) if m.contains_key("path") => {
                    m["path"].as_str().unwrap_or_default().to_owned()
                }
                (Some(id), _) => id.clone(),
                _ => String::new(),
            };
            let text = format!("line {line}: {event} {} {what}", job.provider);
            if self.bar.is_hidden() {
                eprintln!("{text}");
            } else {
                self.bar.println(text);
            }
        }
    }
}

pub(super) const COLUMNS: &[Col] = &[
    Col::id("line"),
    Col::keep("state", 0),
    Col::keep("provider", 0),
    Col::keep("account", 1),
    Col::keep("video", 1),
    Col::keep("file / last error", 2),
];

/// The table of the batch's jobs and their totals (`--json`: one
/// `summary` event).
pub(super) fn summary(jobs: &[Job], json_out: bool) -> Result<(), Failure> {
    let mut counts: Vec<(State, usize)> = Vec::new();
    for state in State::ALL {
        let n = jobs.iter().filter(|j| j.state == state).count();
        if n > 0 {
            counts.push((state, n));
        }
    }
    if json_out {
        let by_state: Map<String, Value> = counts
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), json!(n)))
            .collect();
        let out = json!({"event": "summary", "jobs": jobs.len(), "states": by_state});
        crate::output::line(&out.to_string())?;
        return Ok(());
    }
    let rows = jobs
        .iter()
        .map(|j| {
            vec![
                j.line.map(|l| l.to_string()).unwrap_or_default(),
                j.state.to_string(),
                j.provider.clone(),
                j.account.clone().unwrap_or_default(),
                j.video_id.clone().unwrap_or_default(),
                j.path
                    .clone()
                    .or_else(|| j.last_error.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Rows::new(COLUMNS).print_all(rows)?;
    let totals: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    crate::output::line(&format!("{} jobs: {}", jobs.len(), totals.join(", ")))?;
    Ok(())
}

/// `--dry-run`: each line's request and where it stands; nothing sent,
/// nothing written.
pub(super) fn show_plan(
    lines: &[Line],
    batch: &str,
    args: &BatchArgs,
    out: &Path,
    json_out: bool,
) -> Result<(), Failure> {
    let ledger_path = args.ledger.clone().unwrap_or_else(|| default_ledger(out));
    // An existing ledger says where each line stands; none is created.
    let ledger = if ledger_path.is_file() {
        Some(SqliteLedger::open(&ledger_path)?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for line in lines {
        let plan = &line.plan;
        let state = match &ledger {
            Some(ledger) => ledger
                .by_key(plan.key())?
                .map_or("new", |j| j.state.as_str())
                .to_owned(),
            None => "new".to_owned(),
        };
        let account = plan
            .account()
            .unwrap_or("chosen when sent (most free capacity)")
            .to_owned();
        let body = Value::Object(plan.body(plan.account(), None));
        if json_out {
            let shown = json!({
                "dry_run": true,
                "line": line.number,
                "provider": plan.provider().slug(),
                "key": plan.key(),
                "ledger": state,
                "account": plan.account(),
                "image": plan.image().map(|i| i.path.display().to_string()),
                "body": body,
            });
            crate::output::line(&shown.to_string())?;
        } else {
            rows.push(vec![
                line.number.to_string(),
                state,
                plan.provider().slug().to_owned(),
                account,
                body.to_string(),
            ]);
        }
    }
    if !json_out {
        crate::output::line(&format!(
            "dry run: nothing sent; batch {batch}, {} jobs",
            lines.len()
        ))?;
        const PLAN: &[Col] = &[
            Col::id("line"),
            Col::keep("ledger", 0),
            Col::keep("provider", 0),
            Col::keep("account", 1),
            Col::keep("request", 2),
        ];
        Rows::new(PLAN).print_all(rows)?;
    }
    Ok(())
}
