//! The endpoint table (`vidapi::endpoints`) against the files it describes:
//! every failure names the next step of "Adding an endpoint" in docs/architecture.md.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

use vidapi::Provider;
use vidapi::emulator::{Emulator, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::endpoints::{self, ENDPOINTS, Emulated};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const CHECKLIST: &str = "of 'Adding an endpoint' in docs/architecture.md";

/// Every `*.json` below `dir` (relative to the crate root), one folder deep.
fn json_files(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(root().join(dir)).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "json") {
                let name = file.strip_prefix(root()).unwrap().to_string_lossy();
                out.push(name.replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Each schema is some endpoint's response, request or error type, and
/// each response and error type has a fixture that exists.
#[test]
fn every_schema_has_an_endpoint_and_a_fixture() {
    let mut problems = Vec::new();
    for schema in json_files("schemas") {
        let payloads: Vec<_> = ENDPOINTS
            .iter()
            .flat_map(|spec| {
                spec.payloads()
                    .enumerate()
                    .map(move |(i, p)| (spec, i == 0, p))
            })
            .filter(|(_, _, p)| p.schema_file() == schema)
            .collect();
        let stem = schema
            .strip_prefix("schemas/")
            .and_then(|s| s.strip_suffix(".json"))
            .unwrap_or(&schema)
            .to_owned();
        let fixture = format!("tests/fixtures/{stem}.json");
        if payloads.is_empty() {
            let step = if root().join(&fixture).is_file() {
                format!(
                    "{schema} has no endpoint: step 3 {CHECKLIST}: add its entry to ENDPOINTS in \
                     src/endpoints.rs (provider, name, method, path, response type with its \
                     fixtures, emulator answer, command)"
                )
            } else {
                format!(
                    "{schema} has no fixture: step 2 {CHECKLIST}: add {fixture}, the documented \
                     sample verbatim"
                )
            };
            problems.push(step);
            continue;
        }
        let mut fixtures: Vec<&str> = Vec::new();
        for (spec, is_response, payload) in &payloads {
            if *is_response {
                fixtures.extend(spec.response_fixtures());
            } else {
                fixtures.extend(payload.fixtures());
            }
        }
        let is_request = payloads.iter().all(|(spec, is_response, p)| {
            !is_response
                && spec
                    .request
                    .is_some_and(|r| r.schema_file() == p.schema_file())
        });
        if fixtures.is_empty() && !is_request {
            problems.push(format!(
                "{schema} has no fixture: step 2 {CHECKLIST}: add {fixture}, the documented \
                 sample verbatim, and list it for its endpoint in src/endpoints.rs"
            ));
        }
        for f in fixtures {
            if !root().join(f).is_file() {
                problems.push(format!(
                    "{f} is listed in src/endpoints.rs but missing: step 2 {CHECKLIST}: add it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every fixture file belongs to one endpoint's payload.
#[test]
fn every_fixture_belongs_to_an_endpoint() {
    let listed: Vec<&str> = endpoints::fixtures().iter().map(|(f, _)| *f).collect();
    let mut on_disk = json_files("tests/fixtures");
    on_disk.extend(json_files("tests/lookup-fixtures"));
    assert!(on_disk.len() > 30, "{on_disk:?}");
    let stray: Vec<String> = on_disk
        .iter()
        .filter(|f| !listed.contains(&f.as_str()))
        .map(|f| {
            format!(
                "{f} belongs to no endpoint: step 3 {CHECKLIST}: list it in the fixtures of \
                 its endpoint's payload in src/endpoints.rs"
            )
        })
        .collect();
    assert!(stray.is_empty(), "{}", stray.join("\n"));
    // And no fixture is listed twice, for two types.
    for (fixture, payload) in endpoints::fixtures() {
        for spec in ENDPOINTS {
            for other in spec.payloads() {
                let lists = other.fixtures().contains(&fixture)
                    || (std::ptr::eq(other, &spec.response)
                        && spec.response_fixtures().any(|f| f == fixture));
                assert!(
                    !lists || other.type_name() == payload.type_name(),
                    "{fixture} is listed as {} and as {}",
                    payload.type_name(),
                    other.type_name()
                );
            }
        }
    }
}

/// A GET or POST to the emulator with the provider's credential; the
/// status and body.
fn call(emulator: &Emulator, provider: Provider, method: &str, path: &str) -> (u16, String) {
    let address = emulator.base_url().strip_prefix("http://").unwrap();
    let auth = match provider {
        Provider::MiniMax | Provider::PixVerse => format!("Authorization: Bearer {USEAPI_TOKEN}"),
        Provider::HourOne => format!("api-key: {HOURONE_KEY}"),
        _ => format!("Authorization: {MEMORIES_KEY}"),
    };
    let mut stream = TcpStream::connect(address).unwrap();
    let body = if method == "POST" { "{}" } else { "" };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{auth}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// The emulator answers every endpoint: with a handler of its own or with
/// its documented sample, which it serves byte for byte.
#[test]
fn the_emulator_answers_every_endpoint() {
    let emulator = Emulator::start().unwrap();
    for spec in ENDPOINTS {
        let path: String = spec
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let (status, body) = call(&emulator, spec.provider, spec.method, &path);
        assert!(
            status != 501 && !body.contains("no route for"),
            "{} {} {}: the emulator has no answer: step 3 {CHECKLIST}: give its entry in \
             src/endpoints.rs a sample (Emulated::Sample), or a handler in HANDLERS in \
             src/emulator/routes.rs ({status} {body})",
            spec.provider,
            spec.method,
            spec.path
        );
        if let Emulated::Sample(fixture, _) = spec.emulated {
            let text = std::fs::read_to_string(root().join(fixture)).unwrap();
            assert_eq!((status, body), (200, text), "{fixture}");
        }
    }
}

/// The command line knows every endpoint's command, and the guide lists it.
#[test]
fn every_endpoint_has_a_command_listed_in_the_guide() {
    let guide = std::fs::read_to_string(root().join("docs/command-line.md")).unwrap();
    let list = guide
        .split("\n## Commands\n")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("docs/command-line.md has a command list under ## Commands");
    for spec in ENDPOINTS {
        let mut words: Vec<&str> = spec.command.split_whitespace().collect();
        words.push("--help");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vidapi"))
            .args(&words)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`vidapi {}` does not exist: step 5 {CHECKLIST}: declare it in \
             cli/src/calls.rs\n{}",
            spec.command,
            String::from_utf8_lossy(&out.stderr)
        );
        let (first, rest) = spec.command.split_once(' ').unwrap_or((spec.command, ""));
        let listed = list.lines().any(|line| {
            line.contains(&format!("vidapi [--json] {}", spec.command))
                || (line.starts_with(&format!("vidapi [--json] {first} "))
                    && line.contains(&format!("| {rest}")))
        });
        assert!(
            listed,
            "`vidapi {}` is not in docs/command-line.md's command list: step 6 {CHECKLIST}: add its line",
            spec.command
        );
    }
}
