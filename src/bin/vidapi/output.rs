//! Tables for people, JSON for programs, both on stdout.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use serde::Serialize;

/// A table that can be printed in pieces as pages arrive: the first piece
/// fixes the column widths, so later pieces line up under it.
pub struct Rows {
    columns: Vec<&'static str>,
    weights: Vec<u16>,
    widths: Vec<u16>,
    printed: usize,
}

/// The terminal's width, or a generous one when stdout is not a terminal
/// (a pipe should not cut text).
fn terminal_width() -> u16 {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() {
        Table::new().width().unwrap_or(120)
    } else {
        240
    }
}

impl Rows {
    /// Columns with relative weights, used when the content is wider than the terminal.
    pub fn new(columns: &[(&'static str, u16)]) -> Rows {
        Rows {
            columns: columns.iter().map(|(name, _)| *name).collect(),
            weights: columns.iter().map(|(_, weight)| *weight).collect(),
            widths: Vec::new(),
            printed: 0,
        }
    }

    /// Each column as wide as its content, or, when that does not fit the
    /// terminal, a share of the room by weight.
    fn fit(&self, rows: &[Vec<String>]) -> Vec<u16> {
        let natural: Vec<u16> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let widest = rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
                // Two characters of padding per cell.
                (widest.max(name.len()) + 2).min(u16::MAX as usize) as u16
            })
            .collect();
        // One border character per column, plus the closing one.
        let room = terminal_width().saturating_sub(self.columns.len() as u16 + 1);
        if natural.iter().map(|w| u32::from(*w)).sum::<u32>() <= u32::from(room) {
            return natural;
        }
        let total = u32::from(self.weights.iter().sum::<u16>().max(1));
        self.weights
            .iter()
            .map(|weight| (u32::from(room) * u32::from(*weight) / total).max(6) as u16)
            .collect()
    }

    /// Prints these rows; the header only before the first piece.
    pub fn print(&mut self, rows: Vec<Vec<String>>) -> io::Result<()> {
        if rows.is_empty() && self.printed > 0 {
            return Ok(());
        }
        if self.widths.is_empty() {
            self.widths = self.fit(&rows);
        }
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if self.printed == 0 {
            table.set_header(self.columns.clone());
        }
        self.printed += rows.len();
        for row in rows {
            table.add_row(row);
        }
        for (column, width) in table.column_iter_mut().zip(&self.widths) {
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(*width)));
        }
        let mut out = io::stdout().lock();
        writeln!(out, "{table}")
    }

    /// How many rows were printed.
    pub fn count(&self) -> usize {
        self.printed
    }
}

/// Prints one value as pretty JSON.
pub fn json(value: &impl Serialize) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// Writes a JSON array one element at a time, so `--all` never holds every page.
pub struct JsonStream {
    started: bool,
}

impl JsonStream {
    pub fn new() -> JsonStream {
        JsonStream { started: false }
    }

    pub fn push(&mut self, value: &impl Serialize) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(if self.started { b",\n" } else { b"[\n" })?;
        self.started = true;
        serde_json::to_writer(&mut out, value).map_err(io::Error::other)
    }

    pub fn finish(self) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(if self.started { b"\n]\n" } else { b"[]\n" })
    }
}

/// Prints one plain line on stdout.
pub fn line(text: &str) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{text}")
}

/// Optional text for a cell.
pub fn cell(text: Option<&str>) -> String {
    text.unwrap_or("").to_owned()
}

/// Prints text as it is (it carries its own line ends).
pub fn text(text: &str) -> io::Result<()> {
    io::stdout().lock().write_all(text.as_bytes())
}
