//! Tables for people, JSON for programs, both on stdout.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use serde::Serialize;

/// One column of a table: its header and whether it may be shortened.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    name: &'static str,
    /// `None`: never shortened or wrapped (ids, URLs, statuses, dates,
    /// numbers). `Some(weight)`: free text (titles, prompts, names), cut
    /// with `…` to its share of the room left, by weight.
    text: Option<u16>,
}

impl Col {
    /// A column kept at its full width: an id, a URL, a status, a number.
    pub const fn keep(name: &'static str) -> Col {
        Col { name, text: None }
    }

    /// A free-text column, shortened with `…` first when room runs out;
    /// `weight` is its share of the room relative to other text columns.
    pub const fn text(name: &'static str, weight: u16) -> Col {
        Col {
            name,
            text: Some(weight),
        }
    }
}

/// The narrowest a shortened text column gets, padding included.
const MIN_TEXT: usize = 8;

/// A table printed in pieces as pages arrive, under one header and in one
/// box: the first piece fixes the column widths, later pieces add rows,
/// and [`Rows::finish`] closes the box.
pub struct Rows {
    columns: Vec<Col>,
    /// The width to fit, or `None` to never shorten (stdout is not a terminal).
    width: Option<u16>,
    widths: Vec<usize>,
    printed: usize,
    footer: Option<String>,
}

/// The terminal's width when stdout is one; `None` otherwise (a pipe gets
/// every cell whole, no wrapping).
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() {
        Some(Table::new().width().unwrap_or(80))
    } else {
        None
    }
}

/// Columns a character takes on a terminal (Unicode's East Asian width:
/// 2 for wide characters, 0 for combining marks and controls).
fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The columns `text` takes on a terminal.
pub fn display_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// `text` cut to at most `max` columns, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

impl Rows {
    /// A table for stdout: fitted to the terminal, or never shortened when
    /// stdout is not a terminal.
    pub fn new(columns: &[Col]) -> Rows {
        Rows::with_width(columns, terminal_width())
    }

    /// A table fitted to `width` columns (`None`: never shortened).
    pub fn with_width(columns: &[Col], width: Option<u16>) -> Rows {
        Rows {
            columns: columns.to_vec(),
            width,
            widths: Vec::new(),
            printed: 0,
            footer: None,
        }
    }

    /// Each column as wide as its content (padding included); when that
    /// does not fit, kept columns stay whole and text columns share what
    /// is left by weight (at least [`MIN_TEXT`] each, or their content).
    fn fit(&self, rows: &[Vec<String>]) -> Vec<usize> {
        let natural: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let widest = rows.iter().map(|r| display_width(&r[i])).max().unwrap_or(0);
                widest.max(display_width(col.name)) + 2
            })
            .collect();
        let Some(width) = self.width else {
            return natural;
        };
        // One border character per column, plus the closing one.
        let room = usize::from(width).saturating_sub(self.columns.len() + 1);
        if natural.iter().sum::<usize>() <= room {
            return natural;
        }
        let kept: usize = self
            .columns
            .iter()
            .zip(&natural)
            .filter(|(c, _)| c.text.is_none())
            .map(|(_, w)| w)
            .sum();
        let mut left = room.saturating_sub(kept);
        let mut widths = natural.clone();
        // Text columns, narrowest need first: one that needs less than its
        // share takes what it needs and leaves the rest to the others.
        let mut open: Vec<usize> = (0..self.columns.len())
            .filter(|i| self.columns[*i].text.is_some())
            .collect();
        let weight = |i: usize| u64::from(self.columns[i].text.unwrap_or(1).max(1));
        open.sort_by_key(|i| natural[*i] as u64 * 1000 / weight(*i));
        while let Some(&i) = open.first() {
            let total: u64 = open.iter().map(|j| weight(*j)).sum();
            let share = (left as u64 * weight(i) / total.max(1)) as usize;
            let floor = natural[i].min(MIN_TEXT);
            let given = natural[i].min(share).max(floor);
            widths[i] = given;
            left = left.saturating_sub(given);
            open.remove(0);
        }
        widths
    }

    /// The text for these rows: the header and the box's top before the
    /// first piece; the box's bottom is held back for [`Rows::finish_text`].
    /// Nothing for an empty piece.
    pub fn render(&mut self, rows: Vec<Vec<String>>) -> String {
        if rows.is_empty() {
            return String::new();
        }
        let first = self.widths.is_empty();
        if first {
            self.widths = self.fit(&rows);
        }
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if first {
            table.set_header(self.columns.iter().map(|c| c.name));
        }
        self.printed += rows.len();
        for row in rows {
            let cells =
                row.into_iter()
                    .zip(&self.columns)
                    .zip(&self.widths)
                    .map(|((text, col), width)| match (col.text, self.width) {
                        (Some(_), Some(_)) => truncate(&text, width.saturating_sub(2)),
                        _ => text,
                    });
            table.add_row(cells.collect::<Vec<_>>());
        }
        for ((column, width), col) in table.column_iter_mut().zip(&self.widths).zip(&self.columns) {
            let width = Width::Fixed(u16::try_from(*width).unwrap_or(u16::MAX));
            // Text cells were cut to fit; anything else may grow its column
            // rather than wrap.
            column.set_constraint(match (col.text, self.width) {
                (Some(_), Some(_)) => ColumnConstraint::Absolute(width),
                _ => ColumnConstraint::LowerBoundary(width),
            });
        }
        let rendered = table.to_string();
        let mut lines: Vec<&str> = rendered.lines().collect();
        let bottom = lines.pop().unwrap_or_default().to_owned();
        if !first && !lines.is_empty() {
            lines.remove(0);
        }
        self.footer = Some(bottom);
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }

    /// The box's bottom line, or, when no row came at all, the header alone.
    pub fn finish_text(&mut self) -> String {
        match self.footer.take() {
            Some(bottom) => bottom + "\n",
            None if self.printed == 0 && self.widths.is_empty() => {
                let mut table = Table::new();
                table
                    .load_preset(UTF8_FULL_CONDENSED)
                    .set_header(self.columns.iter().map(|c| c.name));
                self.widths = vec![0];
                table.to_string() + "\n"
            }
            None => String::new(),
        }
    }

    /// Prints these rows (a piece of the table) on stdout.
    pub fn print(&mut self, rows: Vec<Vec<String>>) -> io::Result<()> {
        let text = self.render(rows);
        io::stdout().lock().write_all(text.as_bytes())
    }

    /// Closes the table on stdout.
    pub fn finish(&mut self) -> io::Result<()> {
        let text = self.finish_text();
        io::stdout().lock().write_all(text.as_bytes())
    }

    /// Prints a whole table.
    pub fn print_all(mut self, rows: Vec<Vec<String>>) -> io::Result<()> {
        self.print(rows)?;
        self.finish()
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

/// Prints a body as it was sent, byte for byte, ending the line if it
/// does not end in one.
pub fn as_sent(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    if !bytes.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes a JSON array one element at a time, so `--all` never holds every page.
pub struct JsonStream {
    started: bool,
}

impl JsonStream {
    pub fn new() -> JsonStream {
        JsonStream { started: false }
    }

    /// Adds one element as it was sent (raw JSON), byte for byte.
    pub fn push_raw(&mut self, value: &serde_json::value::RawValue) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(if self.started { b",\n" } else { b"[\n" })?;
        self.started = true;
        out.write_all(value.get().as_bytes())
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

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "user:1234-pixverse:someone.with.a.long.name@example.com-video:1001";
    const URL: &str = "https://media.pixverse.example.com/outputs/2026/11/23/1001-upscaled.mp4";

    fn columns() -> [Col; 4] {
        [
            Col::keep("id"),
            Col::keep("status"),
            Col::text("prompt", 1),
            Col::keep("url"),
        ]
    }

    fn row(prompt: &str) -> Vec<String> {
        vec![ID.into(), "completed".into(), prompt.into(), URL.into()]
    }

    /// The rows of a rendered table (lines with a `│` border), cells trimmed.
    fn cells(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .filter(|l| l.starts_with('│'))
            .map(|l| {
                l.trim_matches('│')
                    .split(['┆', '│'])
                    .map(|c| c.trim().to_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn at_80_columns_ids_and_urls_stay_whole_and_prompts_are_cut() {
        let long =
            "a cat walks along a very long beach at sunset while the waves roll in ".repeat(3);
        let mut table = Rows::with_width(&columns(), Some(80));
        let text = table.render(vec![row(&long), row("short")]) + &table.finish_text();
        let rows = cells(&text);
        assert_eq!(rows.len(), 3, "{text}");
        for r in &rows[1..] {
            assert_eq!(r[0], ID, "{text}");
            assert_eq!(r[3], URL, "{text}");
        }
        assert!(
            rows[1][2].ends_with('…') && rows[1][2].len() < long.len(),
            "{text}"
        );
        assert_eq!(rows[2][2], "short");
        // Every line is as wide as the first: one box, nothing wrapped.
        let widths: Vec<usize> = text.lines().map(display_width).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    }

    #[test]
    fn text_that_fits_is_not_cut_and_no_width_means_no_cutting() {
        let long = "x".repeat(300);
        let mut fitted = Rows::with_width(&columns(), Some(400));
        let text = fitted.render(vec![row("fits")]);
        assert_eq!(cells(&text)[1][2], "fits");
        let mut piped = Rows::with_width(&columns(), None);
        let text = piped.render(vec![row(&long)]);
        assert_eq!(cells(&text)[1][2], long, "{text}");
        assert_eq!(
            text.lines().count(),
            4,
            "top, header, rule, one row: {text}"
        );
    }

    #[test]
    fn pieces_stream_under_one_header_in_one_box() {
        let mut table = Rows::with_width(&columns(), Some(80));
        let mut text = table.render(vec![row("one"), row("two")]);
        text += &table.render(vec![]);
        text += &table.render(vec![row("three")]);
        text += &table.finish_text();
        assert_eq!(text.matches("prompt").count(), 1, "{text}");
        assert_eq!(text.matches('┌').count(), 1, "{text}");
        assert_eq!(text.matches('└').count(), 1, "{text}");
        assert!(text.trim_end().ends_with('┘'), "{text}");
        let rows = cells(&text);
        assert_eq!(rows.len(), 4, "{text}");
        assert_eq!(rows[3][2], "three");
        assert_eq!(table.count(), 3);
    }

    #[test]
    fn an_empty_table_still_shows_its_header() {
        let mut table = Rows::with_width(&columns(), Some(80));
        let text = table.render(vec![]) + &table.finish_text();
        assert!(text.contains("prompt") && text.contains('└'), "{text}");
    }

    #[test]
    fn truncation_counts_wide_characters() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abcde…");
        assert_eq!(display_width(&truncate("猫が歩く海辺の夕日", 7)), 7);
        assert!(truncate("猫が歩く海辺の夕日", 7).ends_with('…'));
    }
}
