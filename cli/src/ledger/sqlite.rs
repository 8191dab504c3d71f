//! [`SqliteLedger`]: the ledger in one SQLite file, in WAL mode.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{
    Change, FileRecord, Filter, FoundVideo, Job, Ledger, LedgerError, NewJob, Planned, Result,
    State, redact_request,
};

/// The schema, one step per version: `PRAGMA user_version` says how many
/// steps a file has had. A step is only ever appended, never edited, so a
/// ledger written by an older vidapi is brought up to date in place.
const MIGRATIONS: &[&str] = &[
    // 1: the jobs.
    "CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        batch TEXT,
        line INTEGER,
        provider TEXT NOT NULL,
        request TEXT,
        state TEXT NOT NULL CHECK (state IN
            ('planned', 'submitting', 'submitted', 'final', 'downloaded', 'failed', 'unknown')),
        account TEXT,
        video_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        path TEXT,
        size INTEGER,
        sha256 TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX jobs_state ON jobs (state, id);
    CREATE INDEX jobs_batch ON jobs (batch, state, line, id);",
];

/// The columns of a [`Job`], in [`job`]'s order.
const COLUMNS: &str = "id, key, batch, line, provider, request, state, account, video_id, \
                       attempts, last_error, path, size, sha256, created_at, updated_at";

/// How long a call waits for another process's write to finish.
const BUSY: Duration = Duration::from_secs(10);

/// The ledger in one SQLite file. Its calls may come from several threads
/// (one connection, taken in turn) and several processes (SQLite's locks;
/// a writer waits up to 10 s for another).
pub struct SqliteLedger {
    db: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteLedger")
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn job(row: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = row.get(6)?;
    Ok(Job {
        id: row.get(0)?,
        key: row.get(1)?,
        batch: row.get(2)?,
        line: row.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
        provider: row.get(4)?,
        request: row.get(5)?,
        state: State::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                6,
                rusqlite::types::Type::Text,
                format!("unknown job state {state:?}").into(),
            )
        })?,
        account: row.get(7)?,
        video_id: row.get(8)?,
        attempts: row.get::<_, i64>(9)?.clamp(0, i64::from(u32::MAX)) as u32,
        last_error: row.get(10)?,
        path: row.get(11)?,
        size: row.get::<_, Option<i64>>(12)?.map(|n| n.max(0) as u64),
        sha256: row.get(13)?,
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
    })
}

/// `'a', 'b'`: the states as an SQL list (fixed names, never user input).
fn sql_list(states: &[State]) -> String {
    states
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SqliteLedger {
    /// Opens the ledger at `path`, creating it (and its folder) when
    /// missing, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteLedger> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                LedgerError::Format(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let db = Connection::open(path)?;
        db.busy_timeout(BUSY)?;
        // WAL: readers never block the writer, and a commit is one append.
        // FULL: a committed intent is on disk before the create is sent,
        // power loss included, not only a killed process.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        let ledger = SqliteLedger { db: Mutex::new(db) };
        ledger.migrate()?;
        Ok(ledger)
    }

    pub(super) fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies the steps of [`MIGRATIONS`] the file has not had, each in
    /// its own transaction with the version it reaches.
    fn migrate(&self) -> Result<()> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(LedgerError::Format(format!(
                "this ledger has schema version {version}, newer than this vidapi knows \
                 ({known}); use a newer vidapi"
            )));
        }
        for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", step as i64 + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The schema version of the file (`PRAGMA user_version`).
    #[cfg_attr(not(test), allow(dead_code, reason = "the migration tests read it"))]
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .db()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn state_of(db: &Connection, id: i64) -> Result<Option<State>> {
        let state: Option<String> = db
            .query_row("SELECT state FROM jobs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(state.as_deref().and_then(State::parse))
    }

    /// Moves job `id` to `to` within `db` (a connection or an open
    /// transaction).
    fn transition_in(db: &Connection, id: i64, to: State, change: Change) -> Result<Job> {
        let sql = format!(
            "UPDATE jobs SET state = ?2, updated_at = ?3,
                 account = COALESCE(?4, account),
                 video_id = COALESCE(?5, video_id),
                 last_error = COALESCE(?6, last_error),
                 path = COALESCE(?7, path),
                 size = COALESCE(?8, size),
                 sha256 = COALESCE(?9, sha256)
             WHERE id = ?1 AND state IN ({})
             RETURNING {COLUMNS}",
            sql_list(to.allowed_from())
        );
        let file = change.file.as_ref();
        let moved = db
            .prepare_cached(&sql)?
            .query_row(
                params![
                    id,
                    to.as_str(),
                    now(),
                    change.account,
                    change.video_id,
                    change.error,
                    file.map(|f| &f.path),
                    file.map(|f| i64::try_from(f.size).unwrap_or(i64::MAX)),
                    file.map(|f| &f.sha256),
                ],
                job,
            )
            .optional()?;
        match moved {
            Some(job) => Ok(job),
            None => Err(LedgerError::Transition {
                id,
                from: Self::state_of(db, id)?,
                to,
            }),
        }
    }
}

impl Ledger for SqliteLedger {
    fn plan(&self, jobs: &[NewJob]) -> Result<Planned> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut planned = Planned::default();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO jobs (key, batch, line, provider, request, state, account,
                                   created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?7)
                 ON CONFLICT (key) DO NOTHING",
            )?;
            let at = now();
            for job in jobs {
                let request = redact_request(&job.request).to_string();
                let line = i64::try_from(job.line).unwrap_or(i64::MAX);
                let added = insert.execute(params![
                    job.key,
                    job.batch,
                    line,
                    job.provider,
                    request,
                    job.account,
                    at
                ])?;
                if added == 1 {
                    planned.added += 1;
                } else {
                    planned.already += 1;
                }
            }
        }
        tx.commit()?;
        Ok(planned)
    }

    fn claim_next(&self, batch: &str) -> Result<Option<Job>> {
        // One statement: the pick and the move are one atomic step, so two
        // runners never claim the same job.
        let sql = format!(
            "UPDATE jobs SET state = 'submitting', attempts = attempts + 1, updated_at = ?2
             WHERE id = (SELECT id FROM jobs WHERE batch = ?1 AND state = 'planned'
                         ORDER BY line, id LIMIT 1)
             RETURNING {COLUMNS}"
        );
        let db = self.db();
        let mut claim = db.prepare_cached(&sql)?;
        Ok(claim.query_row(params![batch, now()], job).optional()?)
    }

    fn transition(&self, id: i64, to: State, change: Change) -> Result<Job> {
        Self::transition_in(&self.db(), id, to, change)
    }

    fn downloaded_all(&self, files: Vec<(i64, FileRecord)>) -> Result<Vec<Result<Job>>> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let moved = files
            .into_iter()
            .map(|(id, file)| {
                let change = Change {
                    file: Some(file),
                    ..Change::default()
                };
                Self::transition_in(&tx, id, State::Downloaded, change)
            })
            .collect();
        tx.commit()?;
        Ok(moved)
    }

    fn note_error(&self, id: i64, error: &str) -> Result<()> {
        let db = self.db();
        let changed = db.execute(
            "UPDATE jobs SET last_error = ?2, attempts = attempts + 1, updated_at = ?3
             WHERE id = ?1",
            params![id, error, now()],
        )?;
        if changed == 0 {
            return Err(LedgerError::Transition {
                id,
                from: None,
                to: State::Failed,
            });
        }
        Ok(())
    }

    fn by_key(&self, key: &str) -> Result<Option<Job>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE key = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row([key], job)
            .optional()?)
    }

    fn jobs(&self, filter: &Filter) -> Result<Vec<Job>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs
             WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR batch = ?2)
             ORDER BY id"
        );
        let db = self.db();
        let mut query = db.prepare_cached(&sql)?;
        let rows = query.query_map(params![filter.state.map(State::as_str), filter.batch], job)?;
        Ok(rows.collect::<rusqlite::Result<Vec<Job>>>()?)
    }

    fn retry(&self, include_unknown: bool) -> Result<u64> {
        let from: &[State] = if include_unknown {
            &[State::Failed, State::Unknown]
        } else {
            &[State::Failed]
        };
        let sql = format!(
            "UPDATE jobs SET state = 'planned', updated_at = ?1 WHERE state IN ({})",
            sql_list(from)
        );
        Ok(self.db().execute(&sql, [now()])? as u64)
    }

    fn found_all(&self, videos: &[FoundVideo]) -> Result<Vec<Job>> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let mut jobs = Vec::with_capacity(videos.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO jobs (key, batch, provider, state, account, video_id,
                                   created_at, updated_at)
                 VALUES (?1, 'sync', ?2, 'final', ?3, ?4, ?5, ?5)
                 ON CONFLICT (key) DO NOTHING",
            )?;
            let mut select =
                tx.prepare_cached(&format!("SELECT {COLUMNS} FROM jobs WHERE key = ?1"))?;
            for v in videos {
                insert.execute(params![v.key, v.provider, v.account, v.video_id, at])?;
                jobs.push(select.query_row([&v.key], job)?);
            }
        }
        tx.commit()?;
        Ok(jobs)
    }
}
