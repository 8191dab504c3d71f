//! Reconciling a job a killed run left `submitting`, on every account it
//! may be on, before anything is sent again.

use std::time::SystemTime;

use vidapi::UseApi;
use vidapi::generate::{Generator, Plan, Reconciled};

use super::capacity::free_slots;
use crate::ledger::{Filter, Ledger};

/// Reconciles a killed run's job. The account it went to is known when
/// its line names one; otherwise it may be any of the provider's accounts,
/// so each one `scheduler/available` lists is asked: found on one is
/// found, undecidable on one (and found on none) is unknown, and only
/// absent from all of them is absent.
pub(super) fn reconcile_anywhere(
    generator: &Generator<'_>,
    useapi: Option<&UseApi>,
    plan: &Plan,
    account: Option<&str>,
    sent: SystemTime,
) -> Reconciled {
    let candidates: Vec<Option<String>> = match account {
        Some(a) => vec![Some(a.to_owned())],
        None => match free_slots(useapi, plan.provider()) {
            Ok(capacity) if !capacity.accounts.is_empty() => {
                let mut names: Vec<String> = capacity.accounts.into_keys().collect();
                names.sort();
                names.into_iter().map(Some).collect()
            }
            Ok(_) => vec![None],
            Err(e) => {
                return Reconciled::Unknown(vec![format!(
                    "the accounts it may have gone to could not be read: {e}"
                )]);
            }
        },
    };
    let mut unknown: Option<Vec<String>> = None;
    for candidate in candidates {
        match generator.reconcile(plan, candidate.as_deref(), sent) {
            found @ Reconciled::Found { .. } => return found,
            Reconciled::Unknown(mut seen) => {
                if let Some(a) = &candidate {
                    seen.insert(0, format!("account {a}:"));
                }
                unknown.get_or_insert_with(Vec::new).extend(seen);
            }
            Reconciled::Absent => {}
        }
    }
    unknown.map_or(Reconciled::Absent, Reconciled::Unknown)
}

/// The line of another job of the ledger that holds video `id`.
pub(super) fn owner(
    ledger: &dyn Ledger,
    id: &str,
    except: i64,
) -> crate::ledger::Result<Option<u64>> {
    Ok(ledger
        .jobs(&Filter::default())?
        .into_iter()
        .find(|j| j.id != except && j.video_id.as_deref() == Some(id))
        .map(|j| j.line.unwrap_or_default()))
}
