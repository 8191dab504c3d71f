//! Tables fit the terminal (issue 20, item 1): every table the command
//! line prints, at 80 and at 120 columns (`VIDAPI_COLUMNS`, and once
//! through a real pseudo-terminal), against the emulator: no line wider
//! than the terminal, every id and URL whole, the hidden columns named in
//! one line on stderr; a pipe gets the table untouched. And a control
//! character in a cell cannot break a table's alignment (item 14).

use std::process::Command as Process;

use vidapi::emulator::Emulator;

mod common;
use common::{Run, run, vidapi, vidapi_process};

const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";
const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";

/// Headers of columns that are never cut: ids and URLs.
const WHOLE: &[&str] = &["id", "video id", "file id", "video no", "field", "url"];

/// Every command that prints a table.
fn tables() -> Vec<Vec<&'static str>> {
    vec![
        vec!["list"],
        vec!["wait", "pixverse", PIXVERSE_COMPLETED, "--interval", "0.05"],
        vec!["wait", "hourone", "vid_02", "--interval", "0.05"],
        vec!["wait", "minimax", MINIMAX_COMPLETED, "--interval", "0.05"],
        vec!["minimax", "videos"],
        vec!["minimax", "videos", "--all"],
        vec!["minimax", "video", MINIMAX_COMPLETED],
        vec!["minimax", "files"],
        vec!["pixverse", "videos"],
        vec!["pixverse", "videos", "--all"],
        vec!["pixverse", "video", PIXVERSE_COMPLETED],
        vec!["hourone", "videos"],
        vec!["hourone", "video", "vid_02"],
        vec!["hourone", "metadata", "vid_02"],
        vec!["memories", "videos"],
        vec!["memories", "videos", "--all"],
    ]
}

/// Columns a line takes. The emulator's data and the box are all one
/// column wide per character; a wide character would make this count
/// wrong, so none may appear.
fn width(line: &str) -> usize {
    for c in line.chars() {
        let boxed = ('\u{2500}'..='\u{257f}').contains(&c) || c == '…';
        assert!(
            u32::from(c) < 0x1100 || boxed,
            "unexpected wide character {c:?} in {line}"
        );
    }
    line.chars().count()
}

/// The cells of a table's rows (`│ a ┆ b │` lines after the header), by
/// the header's column names; the header is the first `│` line.
fn cells(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let split = |line: &str| -> Vec<String> {
        line.trim_matches('│')
            .split(['┆', '│'])
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let mut lines = text.lines().filter(|l| l.starts_with('│'));
    let header = lines.next().map(split).unwrap_or_default();
    (header, lines.map(split).collect())
}

/// Every id and URL a table shows when nothing is cut (stdout a pipe).
fn whole_values(piped: &str) -> Vec<String> {
    let (header, rows) = cells(piped);
    let mut values = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if WHOLE.contains(&name.as_str()) {
            values.extend(
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .filter(|c| !c.is_empty())
                    .cloned(),
            );
        }
    }
    values
}

fn at_width(emulator: &Emulator, columns: Option<u16>, args: &[&str]) -> Run {
    let mut cmd = vidapi(emulator);
    match columns {
        Some(w) => cmd.env("VIDAPI_COLUMNS", w.to_string()),
        None => cmd.env_remove("VIDAPI_COLUMNS"),
    };
    let out = run(&mut cmd, args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out
}

/// The stderr lines that name hidden columns or an overflow.
fn hints(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("(widen the terminal or use --json)"))
        .collect()
}

#[test]
fn every_table_fits_80_and_120_columns_with_ids_and_urls_whole() {
    let emulator = Emulator::start().unwrap();
    for args in tables() {
        let piped = at_width(&emulator, None, &args);
        let whole = whole_values(&piped.stdout);
        assert!(!whole.is_empty(), "{args:?} shows no id: {}", piped.stdout);
        for columns in [80u16, 120] {
            let fitted = at_width(&emulator, Some(columns), &args);
            let text = &fitted.stdout;
            for line in text.lines() {
                assert!(
                    width(line) <= usize::from(columns),
                    "{args:?} at {columns}: {} columns: {line}\n{text}",
                    width(line)
                );
            }
            for value in &whole {
                assert!(
                    text.lines().any(|l| l.contains(value.as_str())),
                    "{args:?} at {columns}: {value} is not whole on one line\n{text}"
                );
            }
            // One box, its lines all as wide as its top.
            let top = text.lines().next().unwrap_or_default();
            assert!(top.starts_with('┌'), "{args:?}: {text}");
            assert!(
                text.lines().all(|l| width(l) == width(top)),
                "{args:?} at {columns}: misaligned\n{text}"
            );
            assert!(hints(&fitted.stderr).len() <= 1, "{}", fitted.stderr);
        }
    }
}

#[test]
fn hidden_columns_are_named_in_one_line_and_pipes_are_untouched() {
    let emulator = Emulator::start().unwrap();
    let fitted = at_width(&emulator, Some(80), &["list"]);
    let found = hints(&fitted.stderr);
    assert_eq!(
        found,
        [
            "vidapi: 2 columns hidden to fit 80 columns: title / prompt, created (widen the terminal or use --json)"
        ],
        "{}",
        fitted.stderr
    );
    let (header, rows) = cells(&fitted.stdout);
    assert!(
        !header
            .iter()
            .any(|h| h == "title / prompt" || h == "created"),
        "{header:?}"
    );
    // The provider stays (issue 27): `wait PROVIDER ID` needs it, in the
    // words `wait` takes.
    assert_eq!(
        header.first().map(String::as_str),
        Some("provider"),
        "{header:?}"
    );
    assert!(
        rows.iter()
            .any(|row| row.first().map(String::as_str) == Some("minimax")),
        "{}",
        fitted.stdout
    );
    // At 80 columns a PixVerse id and a URL do not fit side by side: the
    // URL goes under the id, in its cell.
    assert!(header.contains(&"id / url".to_owned()), "{header:?}");

    // Nothing hidden at 120 for hourone videos: no hint at all.
    let roomy = at_width(&emulator, Some(120), &["hourone", "videos"]);
    assert!(hints(&roomy.stderr).is_empty(), "{}", roomy.stderr);

    // A pipe: every column, nothing cut, no hint, wider than 120.
    let piped = at_width(&emulator, None, &["list"]);
    let (header, _) = cells(&piped.stdout);
    assert_eq!(
        header,
        [
            "provider",
            "id",
            "status",
            "title / prompt",
            "created",
            "url"
        ],
        "{}",
        piped.stdout
    );
    assert!(hints(&piped.stderr).is_empty(), "{}", piped.stderr);
    assert!(!piped.stdout.contains('…'), "{}", piped.stdout);
    assert!(piped.stdout.lines().any(|l| width(l) > 120));
}

#[test]
fn when_ids_and_urls_alone_are_too_wide_they_stay_whole_and_it_is_said() {
    // 40 columns: a PixVerse composite id (48 characters) cannot fit; the
    // table keeps the id (URL under it) and the status whole, wider than
    // asked, and says so.
    let emulator = Emulator::start().unwrap();
    let args = ["pixverse", "videos", "--limit", "3"];
    let whole = whole_values(&at_width(&emulator, None, &args).stdout);
    let narrow = at_width(&emulator, Some(40), &args);
    let (header, _) = cells(&narrow.stdout);
    assert_eq!(header, ["video id / url", "status"], "{}", narrow.stdout);
    for value in &whole {
        assert!(
            narrow.stdout.lines().any(|l| l.contains(value.as_str())),
            "{value}"
        );
    }
    let top = narrow.stdout.lines().next().unwrap_or_default();
    assert!(width(top) > 40);
    assert!(narrow.stdout.lines().all(|l| width(l) == width(top)));
    let found = hints(&narrow.stderr);
    assert_eq!(found.len(), 1, "{}", narrow.stderr);
    assert!(
        found[0].starts_with(
            "vidapi: 2 columns hidden to fit 40 columns: created, prompt; the table is still"
        ) && found[0].contains("ids and URLs are never cut"),
        "{}",
        found[0]
    );
}

#[test]
fn a_bad_width_override_is_named_and_ignored() {
    let emulator = Emulator::start().unwrap();
    let mut cmd = vidapi(&emulator);
    cmd.env("VIDAPI_COLUMNS", "wide");
    let out = run(&mut cmd, &["hourone", "videos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("VIDAPI_COLUMNS=\"wide\" is not a number of columns"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Quarterly update"),
        "not cut: {}",
        out.stdout
    );
}

/// Runs the binary on a pseudo-terminal `columns` wide (python3's `pty`
/// module); stdout and stderr both come back, as the terminal shows them.
fn on_terminal(emulator: &Emulator, columns: u16, args: &[&str]) -> Option<String> {
    const DRIVER: &str = r#"
import fcntl, os, pty, struct, sys, termios
cols, argv = int(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    os.execv(argv[0], argv)
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let binary = vidapi_process(emulator).get_program().to_owned();
    let mut python = Process::new("python3");
    for (key, value) in vidapi_process(emulator).get_envs() {
        match value {
            Some(value) => python.env(key, value),
            None => python.env_remove(key),
        };
    }
    python
        .env_remove("VIDAPI_COLUMNS")
        .arg("-c")
        .arg(DRIVER)
        .arg(columns.to_string())
        .arg(binary)
        .args(args);
    let out = match python.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("python3: {e}"),
    };
    let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert!(out.status.success(), "{args:?} on a terminal: {text}");
    Some(text)
}

#[test]
fn a_real_80_column_terminal_gets_fitting_tables() {
    let emulator = Emulator::start().unwrap();
    for args in [
        vec!["list"],
        vec!["pixverse", "videos"],
        vec!["memories", "videos"],
    ] {
        let whole = whole_values(&at_width(&emulator, None, &args).stdout);
        let Some(text) = on_terminal(&emulator, 80, &args) else {
            eprintln!("python3 not found: the pseudo-terminal test did not run");
            return;
        };
        let table: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
            .collect();
        assert!(table.len() > 3, "{args:?}: {text}");
        for line in &table {
            assert!(width(line) <= 80, "{args:?}: {line}\n{text}");
        }
        for value in &whole {
            assert!(
                table.iter().any(|l| l.contains(value.as_str())),
                "{value}\n{text}"
            );
        }
        assert!(
            text.contains(" hidden to fit 80 columns: "),
            "{args:?}: the hint is on the terminal: {text}"
        );
    }
}

#[test]
fn control_characters_in_a_name_keep_the_table_aligned() {
    let emulator = Emulator::start().unwrap();
    let name = "tab\there\u{1b}[31mred\nnext";
    let made = at_width(
        &emulator,
        None,
        &["hourone", "create", "--name", name, "--recipe-id", "r1"],
    );
    assert!(
        made.stdout.contains("tab here [31mred next"),
        "{}",
        made.stdout
    );
    let listed = at_width(&emulator, None, &["hourone", "videos"]);
    let text = &listed.stdout;
    assert!(text.contains("tab here [31mred next"), "{text}");
    assert!(!text.contains(['\t', '\u{1b}']), "{text:?}");
    let top = text.lines().next().unwrap_or_default();
    assert!(text.lines().all(|l| width(l) == width(top)), "{text}");
    // `--json` keeps the name as sent.
    let json = at_width(&emulator, None, &["--json", "hourone", "videos"]);
    assert!(
        json.stdout.contains(r#"tab\there\u001b[31mred\nnext"#),
        "{}",
        json.stdout
    );
}

#[test]
fn counts_of_one_are_singular() {
    let emulator = Emulator::start().unwrap();
    let videos = at_width(&emulator, None, &["minimax", "videos", "--limit", "1"]);
    assert!(
        videos
            .stderr
            .contains("1 video; next page: --last-video-id"),
        "{}",
        videos.stderr
    );
    let files = at_width(&emulator, None, &["minimax", "files", "--limit", "1"]);
    assert!(
        files.stderr.contains("1 file, as many as the limit (1)"),
        "{}",
        files.stderr
    );
    let page = at_width(&emulator, None, &["pixverse", "videos", "--limit", "1"]);
    assert!(
        page.stderr.contains("1 video from offset 0"),
        "{}",
        page.stderr
    );
    let many = at_width(&emulator, None, &["pixverse", "videos", "--limit", "2"]);
    assert!(
        many.stderr.contains("2 videos from offset 0"),
        "{}",
        many.stderr
    );
}
