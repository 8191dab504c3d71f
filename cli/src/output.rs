//! Tables for people, JSON for programs, both on stdout.

use std::io::{self, Write};

use comfy_table::presets::{UTF8_FULL, UTF8_FULL_CONDENSED};
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use serde::Serialize;

/// What a column holds, which says how it is fitted to the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The row's id: never cut, never hidden.
    Id,
    /// A URL: never cut, never hidden; shown under the id (one cell, two
    /// lines) when the id, the status and the URL do not fit side by side.
    Url,
    /// Shown whole or hidden: a status, a date, a number.
    Whole,
    /// Free text (titles, prompts, names), cut with `…` to its share of the
    /// room, by weight, before it is hidden.
    Text(u16),
}

/// One column of a table: its header, how it is fitted, and when it is
/// hidden.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    name: &'static str,
    role: Role,
    /// 0: never hidden. Otherwise, when the table does not fit, columns
    /// are hidden highest rank first (the rightmost first among equals).
    rank: u8,
}

impl Col {
    /// The row's id: never cut, never hidden.
    pub const fn id(name: &'static str) -> Col {
        Col {
            name,
            role: Role::Id,
            rank: 0,
        }
    }

    /// A URL: never cut, never hidden; goes under the id when the id,
    /// status and URL do not fit side by side.
    pub const fn url(name: &'static str) -> Col {
        Col {
            name,
            role: Role::Url,
            rank: 0,
        }
    }

    /// A column shown whole (a status, a date, a number); `rank` 0 never
    /// hides it, a higher rank hides it sooner.
    pub const fn keep(name: &'static str, rank: u8) -> Col {
        Col {
            name,
            role: Role::Whole,
            rank,
        }
    }

    /// A free-text column, shortened with `…` first when room runs out
    /// (`weight` is its share of the room relative to other text columns)
    /// and hidden by `rank` when even shortened it does not fit.
    pub const fn text(name: &'static str, weight: u16, rank: u8) -> Col {
        Col {
            name,
            role: Role::Text(weight),
            rank,
        }
    }
}

/// The narrowest a shortened text column gets, padding included.
const MIN_TEXT: usize = 8;

/// The variable that fits tables to a number of columns even when stdout is
/// not a terminal (and overrides the terminal's own width when it is).
pub const WIDTH_VAR: &str = "VIDAPI_COLUMNS";

/// How a table is laid out: fixed by its first piece.
#[derive(Debug)]
struct Layout {
    /// The columns shown, in table order (with `stacked`, without the URL).
    shown: Vec<usize>,
    /// Each shown column's width, padding included.
    widths: Vec<usize>,
    /// `(id, url)`: the URL is shown under the id, in the id's cell.
    stacked: Option<(usize, usize)>,
    /// Columns hidden to fit, in table order.
    hidden: Vec<usize>,
    /// The table's width when even its never-hidden columns are wider than
    /// the terminal.
    over: Option<usize>,
}

/// A table printed in pieces as pages arrive, under one header and in one
/// box: the first piece fixes the layout (which columns, how wide), later
/// pieces add rows, and [`Rows::finish`] closes the box.
pub struct Rows {
    columns: Vec<Col>,
    /// The width to fit, or `None` to never shorten (stdout is not a terminal).
    width: Option<u16>,
    layout: Option<Layout>,
    printed: usize,
    footer: Option<String>,
    hint_given: bool,
}

/// The width tables fit: `VIDAPI_COLUMNS` when set, else `COLUMNS` (the
/// shell's name for it, honoured the same way); else the terminal's width
/// when stdout is one (80 when it cannot be read); `None` otherwise (a pipe
/// gets every cell whole, no column hidden).
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    for var in [WIDTH_VAR, "COLUMNS"] {
        let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) else {
            continue;
        };
        match value
            .to_str()
            .and_then(|v| v.trim().parse::<u16>().ok())
            .filter(|w| *w > 0)
        {
            Some(width) => return Some(width),
            None => eprintln!(
                "vidapi: warning: {var}={value:?} is not a number of columns (1 to \
                 65535); ignored"
            ),
        }
    }
    if io::stdout().is_terminal() {
        Some(Table::new().width().filter(|w| *w > 0).unwrap_or(80))
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

/// A cell as a table shows it: each control character (a tab, a line
/// break, an escape, …) and each Unicode line or paragraph separator
/// becomes one space, so that a cell is one line and cannot move the
/// cursor. `--json` keeps them as sent.
pub fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// "1 video", "2 videos": a count and its noun (plural with an `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The width of a table whose columns are this wide (padding included):
/// one border character per column, plus the closing one.
fn table_width(widths: impl IntoIterator<Item = usize>) -> usize {
    let mut total = 1;
    for w in widths {
        total += w + 1;
    }
    total
}

impl Rows {
    /// A table for stdout: fitted to the terminal (or `VIDAPI_COLUMNS`),
    /// or never shortened when stdout is not a terminal.
    pub fn new(columns: &[Col]) -> Rows {
        Rows::with_width(columns, terminal_width())
    }

    /// A table fitted to `width` columns (`None`: never shortened).
    pub fn with_width(columns: &[Col], width: Option<u16>) -> Rows {
        Rows {
            columns: columns.to_vec(),
            width,
            layout: None,
            printed: 0,
            footer: None,
            hint_given: false,
        }
    }

    /// The first id column and the first URL column, when there are both.
    fn id_and_url(&self) -> Option<(usize, usize)> {
        let find = |role| self.columns.iter().position(|c| c.role == role);
        Some((find(Role::Id)?, find(Role::Url)?))
    }

    /// The header of the id's cell when the URL is shown under it.
    fn stacked_name(&self, (id, url): (usize, usize)) -> String {
        format!("{} / {}", self.columns[id].name, self.columns[url].name)
    }

    /// The least width column `i` can have: a text column shortened to
    /// [`MIN_TEXT`], any other whole (the id with the URL under it: the
    /// wider of the two).
    fn least(&self, i: usize, natural: &[usize], stacked: Option<(usize, usize)>) -> usize {
        match stacked {
            Some((id, url)) if i == id => natural[id]
                .max(natural[url])
                .max(display_width(&self.stacked_name((id, url))) + 2),
            _ => match self.columns[i].role {
                Role::Text(_) => natural[i].min(MIN_TEXT),
                _ => natural[i],
            },
        }
    }

    /// Which columns to show: all, less those hidden (highest rank first,
    /// the rightmost among equals) until the rest fits at its least width
    /// or only never-hidden columns are left.
    fn choose(
        &self,
        natural: &[usize],
        stacked: Option<(usize, usize)>,
        width: usize,
    ) -> Vec<usize> {
        let mut shown: Vec<usize> = (0..self.columns.len())
            .filter(|i| stacked.is_none_or(|(_, url)| *i != url))
            .collect();
        let mut order: Vec<usize> = shown
            .iter()
            .copied()
            .filter(|i| self.columns[*i].rank > 0)
            .collect();
        order.sort_by_key(|i| std::cmp::Reverse((self.columns[*i].rank, *i)));
        for hide in order {
            let least = shown.iter().map(|i| self.least(*i, natural, stacked));
            if table_width(least) <= width {
                break;
            }
            shown.retain(|i| *i != hide);
        }
        shown
    }

    /// The layout for these rows: each column as wide as its content
    /// (padding included) when that fits; otherwise columns hidden by rank
    /// (the URL first moved under the id when the never-hidden columns do
    /// not fit side by side), never-hidden columns whole and text columns
    /// sharing what is left by weight (at least [`MIN_TEXT`] each, or their
    /// content).
    fn fit(&self, rows: &[Vec<String>]) -> Layout {
        let natural: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let widest = rows
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| display_width(c)))
                    .max()
                    .unwrap_or(0);
                widest.max(display_width(col.name)) + 2
            })
            .collect();
        let all: Vec<usize> = (0..self.columns.len()).collect();
        let natural_layout = |natural: Vec<usize>| Layout {
            shown: all.clone(),
            widths: natural,
            stacked: None,
            hidden: Vec::new(),
            over: None,
        };
        let Some(width) = self.width.map(usize::from) else {
            return natural_layout(natural);
        };
        if table_width(natural.iter().copied()) <= width {
            return natural_layout(natural);
        }
        let essentials = all.iter().filter(|i| self.columns[**i].rank == 0);
        let side_by_side = table_width(essentials.map(|i| natural[*i]));
        let stacked = self.id_and_url().filter(|_| side_by_side > width);
        let shown = self.choose(&natural, stacked, width);
        let mut widths: Vec<usize> = shown
            .iter()
            .map(|i| self.least(*i, &natural, stacked))
            .collect();
        // Text columns share the room the others leave, narrowest need
        // first: one that needs less than its share takes what it needs
        // and leaves the rest to the others.
        let fixed: usize = shown
            .iter()
            .zip(&widths)
            .filter(|(i, _)| !matches!(self.columns[**i].role, Role::Text(_)))
            .map(|(_, w)| w)
            .sum();
        let mut left = width.saturating_sub(table_width([]) + shown.len() + fixed);
        let weight = |i: usize| match self.columns[i].role {
            Role::Text(w) => u64::from(w.max(1)),
            _ => 1,
        };
        let mut open: Vec<usize> = (0..shown.len())
            .filter(|k| matches!(self.columns[shown[*k]].role, Role::Text(_)))
            .collect();
        open.sort_by_key(|k| natural[shown[*k]] as u64 * 1000 / weight(shown[*k]));
        for (n, k) in open.iter().enumerate() {
            let i = shown[*k];
            let total: u64 = open[n..].iter().map(|k| weight(shown[*k])).sum();
            let share = (left as u64 * weight(i) / total.max(1)) as usize;
            let given = natural[i].min(share).max(widths[*k]);
            widths[*k] = given;
            left = left.saturating_sub(given);
        }
        let total = table_width(widths.iter().copied());
        let hidden = all
            .iter()
            .copied()
            .filter(|i| !shown.contains(i) && stacked.is_none_or(|(_, url)| *i != url))
            .collect();
        Layout {
            shown,
            widths,
            stacked,
            hidden,
            over: (total > width).then_some(total),
        }
    }

    /// The header cells of this layout.
    fn header(&self, layout: &Layout) -> Vec<String> {
        layout
            .shown
            .iter()
            .map(|i| match layout.stacked {
                Some((id, url)) if *i == id => self.stacked_name((id, url)),
                _ => self.columns[*i].name.to_owned(),
            })
            .collect()
    }

    /// A table in this layout's style and widths.
    fn table(&self, layout: &Layout) -> Table {
        let mut table = Table::new();
        table
            .load_preset(if layout.stacked.is_some() {
                UTF8_FULL
            } else {
                UTF8_FULL_CONDENSED
            })
            .set_content_arrangement(ContentArrangement::Disabled);
        table
    }

    /// The text for these rows: the header and the box's top before the
    /// first piece; the box's bottom is held back for [`Rows::finish_text`].
    /// Nothing for an empty piece.
    pub fn render(&mut self, rows: Vec<Vec<String>>) -> String {
        if rows.is_empty() {
            return String::new();
        }
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|row| row.iter().map(|c| plain(c)).collect())
            .collect();
        let first = self.layout.is_none();
        let layout = match self.layout.take() {
            Some(layout) => layout,
            None => self.fit(&rows),
        };
        let mut table = self.table(&layout);
        if first {
            table.set_header(self.header(&layout));
        }
        self.printed += rows.len();
        let cut = self.width.is_some();
        for row in &rows {
            let cell = |i: usize| row.get(i).cloned().unwrap_or_default();
            let cells = layout.shown.iter().zip(&layout.widths).map(|(i, width)| {
                match (layout.stacked, self.columns[*i].role) {
                    (Some((id, url)), _) if *i == id => {
                        let url = cell(url);
                        if url.is_empty() {
                            cell(id)
                        } else {
                            format!("{}\n{url}", cell(id))
                        }
                    }
                    (_, Role::Text(_)) if cut => truncate(&cell(*i), width.saturating_sub(2)),
                    _ => cell(*i),
                }
            });
            table.add_row(cells.collect::<Vec<_>>());
        }
        for ((column, width), i) in table
            .column_iter_mut()
            .zip(&layout.widths)
            .zip(&layout.shown)
        {
            let width = Width::Fixed(u16::try_from(*width).unwrap_or(u16::MAX));
            // Text cells were cut to fit; anything else may grow its column
            // (a later piece's longer id) rather than wrap.
            column.set_constraint(match self.columns[*i].role {
                Role::Text(_) if cut => ColumnConstraint::Absolute(width),
                _ => ColumnConstraint::LowerBoundary(width),
            });
        }
        let rendered = table.to_string();
        let mut lines: Vec<String> = rendered.lines().map(str::to_owned).collect();
        let bottom = lines.pop().unwrap_or_default();
        if !first && !lines.is_empty() {
            let top = lines.remove(0);
            if layout.stacked.is_some() {
                // Rows with the URL under the id are divided by lines:
                // the one between this piece and the last.
                let divider = top
                    .chars()
                    .map(|c| match c {
                        '┌' => '├',
                        '┬' => '┼',
                        '┐' => '┤',
                        '─' => '╌',
                        other => other,
                    })
                    .collect();
                lines.insert(0, divider);
            }
        }
        self.layout = Some(layout);
        self.footer = Some(bottom);
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }

    /// The box's bottom line, or, when no row came at all, the header alone.
    pub fn finish_text(&mut self) -> String {
        match self.footer.take() {
            Some(bottom) => bottom + "\n",
            None if self.printed == 0 && self.layout.is_none() => {
                let layout = self.fit(&[]);
                let mut table = self.table(&layout);
                table.set_header(self.header(&layout));
                self.layout = Some(layout);
                table.to_string() + "\n"
            }
            None => String::new(),
        }
    }

    /// The one line for stderr naming the columns hidden to fit (and
    /// saying when even ids and URLs alone are wider than the terminal),
    /// once the layout is made; `None` when the table fits whole, or again.
    pub fn take_hint(&mut self) -> Option<String> {
        let layout = self.layout.as_ref()?;
        let width = self.width?;
        if self.hint_given {
            return None;
        }
        let names: Vec<&str> = layout
            .hidden
            .iter()
            .map(|i| self.columns[*i].name)
            .collect();
        let hidden = match names.len() {
            0 => None,
            n => Some(format!(
                "{} hidden to fit {width} columns: {}",
                count(n, "column"),
                names.join(", ")
            )),
        };
        let over = layout.over.map(|total| {
            format!("{total} columns wide, wider than {width}: ids and URLs are never cut")
        });
        let what = match (hidden, over) {
            (None, None) => return None,
            (Some(hidden), None) => hidden,
            (None, Some(over)) => format!("the table is {over}"),
            (Some(hidden), Some(over)) => format!("{hidden}; the table is still {over}"),
        };
        self.hint_given = true;
        Some(format!("vidapi: {what} (widen the terminal or use --json)"))
    }

    /// Prints these rows (a piece of the table) on stdout.
    pub fn print(&mut self, rows: Vec<Vec<String>>) -> io::Result<()> {
        let text = self.render(rows);
        io::stdout().lock().write_all(text.as_bytes())
    }

    /// Closes the table on stdout, then names on stderr the columns hidden
    /// to fit, if any.
    pub fn finish(&mut self) -> io::Result<()> {
        let text = self.finish_text();
        io::stdout().lock().write_all(text.as_bytes())?;
        io::stdout().lock().flush()?;
        if let Some(hint) = self.take_hint() {
            eprintln!("{hint}");
        }
        Ok(())
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
            Col::id("id"),
            Col::keep("status", 0),
            Col::text("prompt", 1, 1),
            Col::url("url"),
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
    fn at_180_columns_ids_and_urls_stay_whole_and_prompts_are_cut() {
        let long =
            "a cat walks along a very long beach at sunset while the waves roll in ".repeat(3);
        let mut table = Rows::with_width(&columns(), Some(180));
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
        assert!(widths[0] <= 180, "{text}");
        assert_eq!(table.take_hint(), None, "nothing hidden");
    }

    #[test]
    fn at_100_columns_the_url_goes_under_the_id_in_divided_rows() {
        let mut table = Rows::with_width(&columns(), Some(100));
        let mut text = table.render(vec![row("one"), row("two")]);
        text += &table.render(vec![row("three")]);
        text += &table.finish_text();
        for line in text.lines() {
            assert!(display_width(line) <= 100, "{line}\n{text}");
        }
        assert!(
            text.contains("id / url") && text.contains("three"),
            "{text}"
        );
        assert_eq!(text.matches(ID).count(), 3, "{text}");
        assert_eq!(text.matches(URL).count(), 3, "{text}");
        // Three rows, two dividers (one of them between the pieces).
        assert_eq!(text.matches('├').count(), 2, "{text}");
        assert_eq!(table.take_hint(), None, "nothing hidden: {text}");
    }

    #[test]
    fn hidden_columns_are_named_once_and_overflow_is_said() {
        let cols = [
            Col::id("id"),
            Col::keep("status", 0),
            Col::keep("created", 2),
            Col::text("prompt", 1, 1),
            Col::url("url"),
        ];
        let mut table = Rows::with_width(&cols, Some(40));
        let row = vec![
            ID.to_owned(),
            "completed".into(),
            "2024-11-11 12:34".into(),
            "a prompt".into(),
            URL.into(),
        ];
        let text = table.render(vec![row]) + &table.finish_text();
        assert!(
            !text.contains("created") && !text.contains("prompt"),
            "{text}"
        );
        assert!(text.contains(ID) && text.contains(URL), "{text}");
        let hint = table.take_hint().expect("a hint");
        assert!(
            hint.starts_with("vidapi: 2 columns hidden to fit 40 columns: created, prompt; ")
                && hint.contains("still")
                && hint.ends_with("(widen the terminal or use --json)"),
            "{hint}"
        );
        assert_eq!(table.take_hint(), None, "given once");
    }

    #[test]
    fn control_characters_become_spaces_and_counts_agree() {
        assert_eq!(
            plain("a\tb\nc\u{1b}[31md\u{85}e\u{2028}f"),
            "a b c [31md e f"
        );
        assert_eq!(count(1, "video"), "1 video");
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(2, "column"), "2 columns");
        let mut table = Rows::with_width(&columns(), None);
        let text = table.render(vec![row("tab\there"), row("plain")]);
        assert!(!text.contains('\t'), "{text}");
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
        let mut table = Rows::with_width(&columns(), Some(200));
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
