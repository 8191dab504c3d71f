//! Issue 17, items 3, 5, 7 and 9: `schema update` writes through a symlink,
//! keeps the file's mode, refuses hard links and never follows a planted
//! temporary name; `socks*://` proxies work (through a SOCKS server written
//! here, on loopback) and odd proxy URLs are clear errors, never a panic;
//! `drift` and `schema update | infer | diff` read their files with a size
//! limit (`/dev/zero`, an endless FIFO, a sparse 10 GB file).
//!
//! RELIABILITY.md's "Files and inputs" section lists [`ROWS`]; the test
//! `reliability_files_and_inputs_section_lists_every_case` checks it.

#![cfg(unix)]

use std::fs;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use vidapi::emulator::{Emulator, USEAPI_TOKEN};
use vidapi::{Config, Error, RetryPolicy, UseApi};

mod common;
use common::{Run, bare, run, vidapi};

/// The rows of RELIABILITY.md's "Files and inputs" section: case, outcome.
const ROWS: [(&str, &str); 15] = [
    (
        "`schema update` on a symlink (a chain of two)",
        "the target file updated; both links stay symlinks",
    ),
    (
        "`schema update` on a file with mode 0640",
        "updated, still 0640",
    ),
    (
        "`schema update` on a file with two hard links",
        "refused, exit 1, naming the file; both names unchanged",
    ),
    (
        "`schema update` with a symlink planted at the old temporary name",
        "not followed; the victim and the symlink untouched",
    ),
    (
        "a symlink planted at the random temporary name (unit test)",
        "another name is tried; nothing existing is opened",
    ),
    (
        "an error before the rename (unit test)",
        "temporary removed, target untouched",
    ),
    (
        "`socks5://` proxy, no authentication",
        "works: CONNECT to the API through the proxy",
    ),
    (
        "`socks5://user:password@` proxy",
        "works; a wrong password is a Transport error without it",
    ),
    (
        "`socks5h://`, `socks4://`, `socks4a://` and `socks://` proxies",
        "work",
    ),
    (
        "`ftp://`, `http://`, `::::` and `socks5://u:p@` as proxy",
        "InvalidArgument (CLI exit 2), no panic",
    ),
    (
        "a SOCKS proxy that refuses connections",
        "Transport error, no panic",
    ),
    (
        "`/dev/zero` to `drift`, `schema update` (schema or sample), `schema infer`, `schema diff`",
        "exit 1, \"more than the input limit\", bounded memory",
    ),
    (
        "a sparse 10 GB file to each of them",
        "exit 1 from its size, before reading",
    ),
    (
        "a FIFO whose writer never stops",
        "exit 1 at the limit; the writer gets a broken pipe",
    ),
    ("`VIDAPI_MAX_INPUT_BYTES` not a positive number", "exit 2"),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn schema_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/schema-cases/standalone/minimax-videos.json")
}

/// A sample that changes `schemas/minimax/videos.json`.
fn drifted_sample() -> PathBuf {
    fixture("minimax/videos-drift.json")
}

fn cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    run(&mut bare(), args)
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Names in `dir` that look like temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.contains("vidapi-update"))
        .collect()
}

/// What `schema update` writes for the drifted sample, from a plain copy.
fn expected_update() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("videos.json");
    fs::copy(schema_source(), &copy).unwrap();
    let out = cli(&["schema", "update", &arg(&copy), &arg(&drifted_sample())]);
    assert_eq!(out.code, 0, "{out:?}");
    let updated = fs::read(&copy).unwrap();
    assert_ne!(updated, fs::read(schema_source()).unwrap());
    updated
}

#[test]
fn schema_file_symlinked_updates_the_target_and_keeps_the_links() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let target = real.join("videos.json");
    fs::copy(schema_source(), &target).unwrap();
    symlink("real/videos.json", dir.path().join("hop.json")).unwrap();
    let link = dir.path().join("videos.json");
    symlink("hop.json", &link).unwrap();

    let out = cli(&["schema", "update", &arg(&link), &arg(&drifted_sample())]);
    assert_eq!(out.code, 0, "{out:?}");

    for name in ["videos.json", "hop.json"] {
        let meta = fs::symlink_metadata(dir.path().join(name)).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "{name} is no longer a symlink"
        );
    }
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("hop.json"));
    assert_eq!(fs::read(&target).unwrap(), expected_update());
    assert!(temporaries(dir.path()).is_empty());
    assert!(temporaries(&real).is_empty());
}

#[test]
fn schema_file_mode_0640_stays_0640() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("videos.json");
    fs::copy(schema_source(), &file).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let inode_before = fs::metadata(&file).unwrap().ino();

    let out = cli(&["schema", "update", &arg(&file), &arg(&drifted_sample())]);
    assert_eq!(out.code, 0, "{out:?}");

    let meta = fs::metadata(&file).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    // Replaced by rename (a new inode), with the new contents.
    assert_ne!(meta.ino(), inode_before);
    assert_eq!(fs::read(&file).unwrap(), expected_update());
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn schema_file_hard_linked_is_refused_and_both_names_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("videos.json");
    fs::copy(schema_source(), &file).unwrap();
    let other = dir.path().join("also.json");
    fs::hard_link(&file, &other).unwrap();
    let before = fs::read(&file).unwrap();

    let out = cli(&["schema", "update", &arg(&file), &arg(&drifted_sample())]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("videos.json"), "{}", out.stderr);
    assert!(out.stderr.contains("2 hard links"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);

    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(fs::read(&other).unwrap(), before);
    assert_eq!(fs::metadata(&file).unwrap().nlink(), 2);
    assert!(temporaries(dir.path()).is_empty());

    // `--check` still only reports.
    let out = cli(&[
        "schema",
        "update",
        "--check",
        &arg(&file),
        &arg(&drifted_sample()),
    ]);
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(fs::read(&file).unwrap(), before);
}

#[test]
fn schema_temp_symlink_planted_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("videos.json");
    fs::copy(schema_source(), &file).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    // The name the previous version wrote through, and a few guesses.
    let planted = [
        ".videos.json.vidapi-update",
        ".videos.json.tmp",
        "videos.json.tmp",
    ];
    for name in planted {
        symlink(&victim, dir.path().join(name)).unwrap();
    }

    let out = cli(&["schema", "update", &arg(&file), &arg(&drifted_sample())]);
    assert_eq!(out.code, 0, "{out:?}");

    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    for name in planted {
        let meta = fs::symlink_metadata(dir.path().join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name}");
    }
    assert_eq!(fs::read(&file).unwrap(), expected_update());
    let mut left = temporaries(dir.path());
    left.sort();
    let mut expected: Vec<String> = planted
        .iter()
        .filter(|n| n.ends_with(".tmp") || n.contains("vidapi-update"))
        .map(|n| n.to_string())
        .collect();
    expected.sort();
    assert_eq!(left, expected, "a temporary file was left behind");
}

// ---------------------------------------------------------------- SOCKS

/// A SOCKS4/4a/5 server on loopback that CONNECTs to whatever it is asked
/// and relays bytes both ways; with `auth`, SOCKS5 demands that user name
/// and password (RFC 1929). `seen` records each accepted CONNECT.
struct Socks {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Socks {
    fn start(auth: Option<(&'static str, &'static str)>) -> Socks {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                thread::spawn(move || {
                    let _ = serve(stream, auth, &log);
                });
            }
        });
        Socks { addr, seen }
    }

    fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_u8(s: &mut TcpStream) -> io::Result<u8> {
    let mut b = [0u8; 1];
    s.read_exact(&mut b)?;
    Ok(b[0])
}

fn read_n(s: &mut TcpStream, n: usize) -> io::Result<Vec<u8>> {
    let mut b = vec![0u8; n];
    s.read_exact(&mut b)?;
    Ok(b)
}

fn read_until_nul(s: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        match read_u8(s)? {
            0 => return Ok(out),
            b => out.push(b),
        }
    }
}

fn serve(
    mut client: TcpStream,
    auth: Option<(&str, &str)>,
    log: &Mutex<Vec<String>>,
) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let upstream = match read_u8(&mut client)? {
        5 => {
            let count = read_u8(&mut client)? as usize;
            let methods = read_n(&mut client, count)?;
            let mut who = String::from("no auth");
            match auth {
                None if methods.contains(&0) => client.write_all(&[5, 0])?,
                Some((user, password)) if methods.contains(&2) => {
                    client.write_all(&[5, 2])?;
                    let _version = read_u8(&mut client)?;
                    let n = read_u8(&mut client)? as usize;
                    let got_user = read_n(&mut client, n)?;
                    let n = read_u8(&mut client)? as usize;
                    let got_password = read_n(&mut client, n)?;
                    if got_user != user.as_bytes() || got_password != password.as_bytes() {
                        client.write_all(&[1, 1])?;
                        return Ok(());
                    }
                    client.write_all(&[1, 0])?;
                    who = format!("user {user}");
                }
                _ => {
                    client.write_all(&[5, 0xff])?;
                    return Ok(());
                }
            }
            let head = read_n(&mut client, 4)?;
            assert_eq!(head[1], 1, "only CONNECT is expected");
            let host = match head[3] {
                1 => Ipv4Addr::from(<[u8; 4]>::try_from(read_n(&mut client, 4)?).unwrap())
                    .to_string(),
                3 => {
                    let n = read_u8(&mut client)? as usize;
                    String::from_utf8_lossy(&read_n(&mut client, n)?).into_owned()
                }
                4 => format!(
                    "[{}]",
                    Ipv6Addr::from(<[u8; 16]>::try_from(read_n(&mut client, 16)?).unwrap())
                ),
                _ => return Ok(()),
            };
            let port = u16::from_be_bytes(<[u8; 2]>::try_from(read_n(&mut client, 2)?).unwrap());
            let kind = if head[3] == 3 { "name" } else { "address" };
            let target = format!("{host}:{port}");
            let upstream = connect(&target);
            let status = if upstream.is_some() { 0 } else { 5 };
            client.write_all(&[5, status, 0, 1, 127, 0, 0, 1, 0, 0])?;
            log.lock()
                .unwrap()
                .push(format!("socks5 {who} {kind} {target}"));
            upstream
        }
        4 => {
            let _command = read_u8(&mut client)?;
            let port = u16::from_be_bytes(<[u8; 2]>::try_from(read_n(&mut client, 2)?).unwrap());
            let ip = read_n(&mut client, 4)?;
            let _user = read_until_nul(&mut client)?;
            let (version, host) = if ip[..3] == [0, 0, 0] && ip[3] != 0 {
                let name = read_until_nul(&mut client)?;
                ("socks4a", String::from_utf8_lossy(&name).into_owned())
            } else {
                (
                    "socks4",
                    Ipv4Addr::from(<[u8; 4]>::try_from(ip).unwrap()).to_string(),
                )
            };
            let target = format!("{host}:{port}");
            let upstream = connect(&target);
            let status = if upstream.is_some() { 0x5a } else { 0x5b };
            client.write_all(&[0, status, 0, 0, 0, 0, 0, 0])?;
            log.lock().unwrap().push(format!("{version} {target}"));
            upstream
        }
        _ => None,
    };
    let Some(upstream) = upstream else {
        return Ok(());
    };
    client.set_read_timeout(None)?;
    let mut from_client = client.try_clone()?;
    let mut to_upstream = upstream.try_clone()?;
    let forward = thread::spawn(move || {
        let _ = io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(std::net::Shutdown::Write);
    });
    let mut from_upstream = upstream;
    let _ = io::copy(&mut from_upstream, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

fn connect(target: &str) -> Option<TcpStream> {
    target
        .to_socket_addrs()
        .ok()?
        .find_map(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(10)).ok())
}

fn emulator_authority(emulator: &Emulator) -> String {
    emulator
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

fn through(emulator: &Emulator, proxy: &str) -> vidapi::Result<UseApi> {
    UseApi::with_config(
        USEAPI_TOKEN,
        Config::new()
            .base_url(emulator.base_url())
            .proxy(proxy)
            .retry(RetryPolicy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30)),
    )
}

#[test]
fn socks_url_socks5_without_authentication_reaches_the_api() {
    let emulator = Emulator::start().unwrap();
    let socks = Socks::start(None);
    let useapi = through(&emulator, &socks.url("socks5")).unwrap();
    let page = useapi.minimax().videos(None).unwrap();
    assert!(!format!("{page:?}").is_empty());
    let authority = emulator_authority(&emulator);
    assert_eq!(
        socks.seen(),
        vec![format!("socks5 no auth address {authority}")]
    );
    // The emulator saw the API call itself, not an HTTP CONNECT.
    let sent = emulator.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "GET");
    assert_eq!(sent[0].path, "/v1/minimax/videos/");
}

#[test]
fn socks_url_socks5_with_user_and_password() {
    const PASSWORD: &str = "s3cret-Proxy-pw";
    let emulator = Emulator::start().unwrap();
    let socks = Socks::start(Some(("proxyuser", PASSWORD)));
    let good = format!("socks5://proxyuser:{PASSWORD}@{}", socks.addr);
    let useapi = through(&emulator, &good).unwrap();
    useapi.minimax().videos(None).unwrap();
    let authority = emulator_authority(&emulator);
    assert_eq!(
        socks.seen(),
        vec![format!("socks5 user proxyuser address {authority}")]
    );

    // A wrong password: a Transport error that does not carry it.
    let wrong = format!("socks5://proxyuser:not-{PASSWORD}@{}", socks.addr);
    let error = through(&emulator, &wrong)
        .unwrap()
        .minimax()
        .videos(None)
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert_eq!(socks.seen().len(), 1, "a CONNECT got through");

    // No authentication offered to a proxy that demands it.
    let error = through(&emulator, &socks.url("socks5"))
        .unwrap()
        .minimax()
        .videos(None)
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[test]
fn socks_url_other_socks_versions_work() {
    let emulator = Emulator::start().unwrap();
    let socks = Socks::start(None);
    let authority = emulator_authority(&emulator);
    let port = authority.rsplit(':').next().unwrap().to_owned();
    // By name: the proxy resolves `localhost` (socks5h, socks4a).
    let by_name = format!("http://localhost:{port}");
    for (scheme, base, expected) in [
        (
            "socks",
            emulator.base_url(),
            format!("socks5 no auth address {authority}"),
        ),
        (
            "socks5h",
            &by_name,
            format!("socks5 no auth name localhost:{port}"),
        ),
        ("socks4", emulator.base_url(), format!("socks4 {authority}")),
        ("socks4a", &by_name, format!("socks4a localhost:{port}")),
    ] {
        let before = socks.seen().len();
        let useapi = UseApi::with_config(
            USEAPI_TOKEN,
            Config::new()
                .base_url(base)
                .proxy(socks.url(scheme))
                .retry(RetryPolicy::none()),
        )
        .unwrap();
        useapi
            .minimax()
            .videos(None)
            .unwrap_or_else(|e| panic!("{scheme}: {e:?}"));
        let seen = socks.seen();
        assert_eq!(seen.len(), before + 1, "{scheme}: {seen:?}");
        assert_eq!(seen[before], expected, "{scheme}");
    }
}

#[test]
fn socks_url_odd_proxy_urls_are_clear_errors_never_panics() {
    let emulator = Emulator::start().unwrap();
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // Refused when the client is built.
    for url in [
        "ftp://127.0.0.1:1".to_owned(),
        "http://".into(),
        "socks5://".into(),
        "socks5://u:p@".into(),
        "::::".into(),
        "socks5://[::1".into(),
        "".into(),
        // Issue 24: no host, or a port no proxy can listen on.
        "socks5://127.0.0.1:99999".into(),
        "socks5://:0".into(),
        "http://127.0.0.1:-1".into(),
    ] {
        match through(&emulator, &url) {
            Err(Error::InvalidArgument { .. }) => {}
            other => panic!("{url:?}: {other:?}"),
        }
    }
    // Accepted, then a clear Transport error from a proxy nobody answers.
    let accepted: Vec<String> = ["socks5", "socks5h", "socks4", "socks4a", "socks"]
        .iter()
        .map(|scheme| format!("{scheme}://127.0.0.1:{closed}"))
        .collect();
    for url in accepted {
        let error = through(&emulator, &url)
            .unwrap()
            .minimax()
            .videos(None)
            .unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{url}: {error:?}");
    }
    // A bare host name is an HTTP proxy by that name: accepted.
    assert!(through(&emulator, "garbage").is_ok());
    assert!(emulator.requests().is_empty());
}

#[test]
fn socks_url_through_the_command_line() {
    let emulator = Emulator::start().unwrap();
    let socks = Socks::start(None);
    let out = run(
        vidapi(&emulator).env("VIDAPI_PROXY", socks.url("socks5")),
        &["--json", "minimax", "videos"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.trim_start().starts_with('{') || out.stdout.trim_start().starts_with('['));
    assert_eq!(socks.seen().len(), 1);

    for url in ["ftp://127.0.0.1:1", "socks5://u:p@", "::::"] {
        let out = run(
            vidapi(&emulator).env("VIDAPI_PROXY", url),
            &["minimax", "videos"],
        );
        assert_eq!(out.code, 2, "{url}: {out:?}");
        assert!(
            out.stderr.contains("invalid proxy"),
            "{url}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{url}: {}", out.stderr);
    }
}

// ---------------------------------------------------------------- input caps

/// Every command that reads files, with `input` in the place named.
fn reading_commands(input: &Path) -> Vec<(&'static str, Vec<String>)> {
    let schema = arg(&schema_source());
    let sample = arg(&fixture("minimax/videos.json"));
    let input = arg(input);
    vec![
        (
            "drift",
            vec![
                "drift".into(),
                "minimax".into(),
                "VideoList".into(),
                input.clone(),
            ],
        ),
        (
            "schema update (sample)",
            vec![
                "schema".into(),
                "update".into(),
                schema.clone(),
                input.clone(),
            ],
        ),
        (
            "schema update (schema)",
            vec!["schema".into(), "update".into(), input.clone(), sample],
        ),
        (
            "schema infer",
            vec![
                "schema".into(),
                "infer".into(),
                "--title".into(),
                "T".into(),
                input.clone(),
            ],
        ),
        (
            "schema diff (old)",
            vec![
                "schema".into(),
                "diff".into(),
                input.clone(),
                schema.clone(),
            ],
        ),
        (
            "schema diff (new)",
            vec!["schema".into(), "diff".into(), schema, input],
        ),
    ]
}

/// The largest resident set of any child process waited for so far, in bytes.
fn children_peak_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn input_caps_dev_zero_to_each_command() {
    for (what, args) in reading_commands(Path::new("/dev/zero")) {
        let out = run(bare().env("VIDAPI_MAX_INPUT_BYTES", "1048576"), &args);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert!(
            out.stderr
                .contains("/dev/zero: more than the input limit of 1048576 bytes"),
            "{what}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{what}");
    }
    // The default limit, 64 MiB, holds too.
    let out = cli(&["schema", "infer", "--title", "T", "/dev/zero"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("more than the input limit of 67108864 bytes"),
        "{}",
        out.stderr
    );
    // Bounded memory: the issue saw 5-7 GB; the limit plus the binary's own.
    let peak = children_peak_rss();
    assert!(peak < 512 * 1024 * 1024, "a child peaked at {peak} bytes");
}

#[test]
fn input_caps_sparse_10_gb_file_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    fs::File::create(&big)
        .unwrap()
        .set_len(10 * 1024 * 1024 * 1024)
        .unwrap();
    // Sparse: it takes (almost) no disk.
    assert!(fs::metadata(&big).unwrap().blocks() < 1024);
    for (what, args) in reading_commands(&big) {
        let out = cli(&args);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert!(
            out.stderr
                .contains("big.json: is 10737418240 bytes, over the input limit of 67108864 bytes"),
            "{what}: {}",
            out.stderr
        );
    }
    // A small file over a small limit, the same way.
    let small = dir.path().join("small.json");
    fs::write(&small, vec![b' '; 2000]).unwrap();
    let out = run(
        bare().env("VIDAPI_MAX_INPUT_BYTES", "1000"),
        &["schema", "infer", "--title", "T", &arg(&small)],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("is 2000 bytes, over the input limit of 1000 bytes"),
        "{}",
        out.stderr
    );
}

#[test]
fn input_caps_fifo_with_an_endless_writer() {
    let dir = tempfile::tempdir().unwrap();
    for (what, args) in reading_commands(&dir.path().join("fifo")) {
        let fifo = dir.path().join("fifo");
        let _ = fs::remove_file(&fifo);
        make_fifo(&fifo);
        let path = fifo.clone();
        let writer = thread::spawn(move || -> io::Error {
            let mut pipe = fs::OpenOptions::new().write(true).open(path).unwrap();
            let chunk = vec![b'['; 64 * 1024];
            loop {
                if let Err(e) = pipe.write_all(&chunk) {
                    return e;
                }
            }
        });
        let out = run(bare().env("VIDAPI_MAX_INPUT_BYTES", "4194304"), &args);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert!(
            out.stderr
                .contains("fifo: more than the input limit of 4194304 bytes"),
            "{what}: {}",
            out.stderr
        );
        let ended = writer.join().unwrap();
        assert_eq!(ended.kind(), io::ErrorKind::BrokenPipe, "{what}");
    }
}

#[test]
fn input_caps_limit_variable_must_be_a_positive_number() {
    let sample = arg(&fixture("minimax/videos.json"));
    for value in ["0", "lots", "-5", "1.5"] {
        let out = run(
            bare().env("VIDAPI_MAX_INPUT_BYTES", value),
            &["drift", "minimax", "VideoList", &sample],
        );
        assert_eq!(out.code, 2, "{value}: {out:?}");
        assert!(
            out.stderr.contains("VIDAPI_MAX_INPUT_BYTES"),
            "{}",
            out.stderr
        );
    }
    // A limit the file fits in: read as before.
    let out = run(
        bare().env("VIDAPI_MAX_INPUT_BYTES", "1000000"),
        &["drift", "minimax", "VideoList", &sample],
    );
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn reliability_files_and_inputs_section_lists_every_case() {
    let report =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md")).unwrap();
    let section = report
        .split("\n## Files and inputs\n")
        .nth(1)
        .expect("RELIABILITY.md has a \"## Files and inputs\" section");
    let section = section.split("\n## ").next().unwrap();
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| case ") && !l.starts_with("|---"))
        .collect();
    let expected: Vec<String> = ROWS
        .iter()
        .map(|(case, outcome)| format!("| {case} | {outcome} |"))
        .collect();
    assert_eq!(rows, expected);
}

fn make_fifo(path: &std::path::Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
}
