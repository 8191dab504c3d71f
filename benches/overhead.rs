//! What one call through vidapi costs next to the same call written by hand
//! with ureq, against one in-process static server (not the emulator: its
//! routing and recording would be measured too). The server answers every
//! request on a kept-alive connection with one precomputed response.
//!
//! Rows, per payload:
//! - `vidapi`: the client method (URL building, auth, retries armed, body
//!   limit, decode from the buffered body, drift recording on: the default);
//! - `vidapi, drift recording off`;
//! - `raw ureq + from_slice`: `agent.get(url).header(auth).call()`, the body
//!   read to a `Vec`, `serde_json::from_slice` into the same generated type;
//! - `raw ureq + from_reader`: the same, decoding straight from the stream;
//! - (MiniMax list) `raw ureq + from_slice, ureq global timeout`: the raw
//!   call with the timeout the transport used to set.
//!
//! Where `python3` with `requests` is installed, `benches/requests_session.py`
//! then runs a `requests.Session` against the same server, and the calls per
//! second of both are printed side by side.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

mod pages;

use criterion::{Criterion, criterion_group, criterion_main};
use pages::{fixture, pixverse_page};
use vidapi::{Config, UseApi, minimax, pixverse};

const TOKEN: &str = "user:1-bench";

/// Connections the static servers accepted: a client that reuses its
/// connection opens one per server.
static CONNECTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A loopback server that answers every request with `body`, keeping each
/// connection open; one thread per connection. Lives as long as the bench.
fn static_server(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            std::thread::spawn(move || serve(stream, response));
        }
    });
    addr
}

/// Reads request heads (GETs: no body) and answers each with `response`.
fn serve(stream: TcpStream, response: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        // The head ends at the first empty line.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" || line == "\n" => break,
                Ok(_) => {}
            }
        }
        if writer.write_all(response).is_err() {
            return;
        }
    }
}

fn raw_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn raw_from_slice<T: serde::de::DeserializeOwned>(agent: &ureq::Agent, url: &str) -> T {
    let mut response = agent
        .get(url)
        .header("Authorization", format!("Bearer {TOKEN}"))
        .call()
        .unwrap();
    let body = response
        .body_mut()
        .with_config()
        .limit(32 << 20)
        .read_to_vec()
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn raw_from_reader<T: serde::de::DeserializeOwned>(agent: &ureq::Agent, url: &str) -> T {
    let mut response = agent
        .get(url)
        .header("Authorization", format!("Bearer {TOKEN}"))
        .call()
        .unwrap();
    serde_json::from_reader(response.body_mut().as_reader()).unwrap()
}

fn client(addr: SocketAddr, record_drift: bool) -> UseApi {
    let config = Config::new()
        .base_url(format!("http://{addr}"))
        .record_drift(record_drift);
    UseApi::with_config(TOKEN, config).unwrap()
}

fn overhead(c: &mut Criterion) {
    let page = pixverse_page(40, 400);
    let addr = static_server(page.clone());
    let url = format!("http://{addr}/v2/pixverse/videos/?limit=40&offset=0");
    let (on, off, agent) = (client(addr, true), client(addr, false), raw_agent());
    let mut group = c.benchmark_group(format!(
        "pixverse page, 40 videos ({} KB)",
        page.len() / 1024
    ));
    group.bench_function("vidapi", |b| {
        b.iter(|| black_box(on.pixverse().videos(None, Some(40), Some(0)).unwrap()))
    });
    group.bench_function("vidapi, drift recording off", |b| {
        b.iter(|| black_box(off.pixverse().videos(None, Some(40), Some(0)).unwrap()))
    });
    group.bench_function("raw ureq + from_slice", |b| {
        b.iter(|| black_box(raw_from_slice::<pixverse::VideoPage>(&agent, &url)))
    });
    group.bench_function("raw ureq + from_reader", |b| {
        b.iter(|| black_box(raw_from_reader::<pixverse::VideoPage>(&agent, &url)))
    });
    group.finish();
    println!(
        "connections so far: {}",
        CONNECTIONS.load(std::sync::atomic::Ordering::Relaxed)
    );

    let list = serde_json::to_vec(&fixture("minimax/videos.json")).unwrap();
    let addr = static_server(list);
    let url = format!("http://{addr}/v1/minimax/videos/");
    let (on, off) = (client(addr, true), client(addr, false));
    let mut group = c.benchmark_group("minimax list, 2 videos");
    group.bench_function("vidapi", |b| {
        b.iter(|| black_box(on.minimax().videos(None).unwrap()))
    });
    group.bench_function("vidapi, drift recording off", |b| {
        b.iter(|| black_box(off.minimax().videos(None).unwrap()))
    });
    group.bench_function("raw ureq + from_slice", |b| {
        b.iter(|| black_box(raw_from_slice::<minimax::VideoList>(&agent, &url)))
    });
    // Why the transport bounds each phase and not the whole call: the same
    // raw call with ureq's global timeout, which resets the socket's
    // timeouts before every read and write.
    let global: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    group.bench_function("raw ureq + from_slice, ureq global timeout", |b| {
        b.iter(|| black_box(raw_from_slice::<minimax::VideoList>(&global, &url)))
    });
    group.bench_function("raw ureq + from_reader", |b| {
        b.iter(|| black_box(raw_from_reader::<minimax::VideoList>(&agent, &url)))
    });
    group.finish();

    oversized(c);
    against_python(&pixverse_page(40, 400));
}

/// Rejecting an answer larger than `max_body_bytes`: with a
/// `Content-Length` over the limit it fails before reading; without one it
/// reads up to the limit and stops, so the time grows with the limit, in
/// proportion (4 MiB and 32 MiB limits; answers of twice the limit).
fn oversized(c: &mut Criterion) {
    let mut group = c.benchmark_group("oversized answer rejected");
    group.sample_size(10);
    for limit in [4u64 << 20, 32 << 20] {
        let body = vec![b' '; 2 * limit as usize];
        for announced in [true, false] {
            let addr = oversized_server(body.clone(), announced);
            let client = UseApi::with_config(
                TOKEN,
                Config::new()
                    .base_url(format!("http://{addr}"))
                    .max_body_bytes(limit)
                    .retry(vidapi::RetryPolicy::none()),
            )
            .unwrap();
            let name = format!(
                "{} MiB limit, {}",
                limit >> 20,
                if announced {
                    "with Content-Length"
                } else {
                    "without Content-Length"
                }
            );
            group.bench_function(name, |b| {
                b.iter(|| {
                    let error = client.minimax().videos(None).unwrap_err();
                    assert!(
                        matches!(error, vidapi::Error::BodyTooLarge { .. }),
                        "{error}"
                    );
                })
            });
        }
    }
    group.finish();
}

/// A server that answers each connection once with `body`, announced by
/// `Content-Length` or ended by closing the connection.
fn oversized_server(body: Vec<u8>, announced: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let head = if announced {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
    } else {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_owned()
    };
    let body: &'static [u8] = Box::leak(body.into_boxed_slice());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let head = head.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut stream = stream;
                // The client hangs up once it has seen enough.
                let _ = stream
                    .write_all(head.as_bytes())
                    .and_then(|_| stream.write_all(body));
            });
        }
    });
    addr
}

/// vidapi's calls per second beside Python `requests.Session`'s, on the
/// same kind of server and page; skipped when Python or requests is absent.
fn against_python(page: &[u8]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/requests_session.py");
    let has_requests = Command::new("python3")
        .args(["-c", "import requests"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_requests {
        println!("requests.Session: skipped (python3 with `requests` is not installed)");
        return;
    }
    let addr = static_server(page.to_vec());
    let url = format!("http://{addr}/v2/pixverse/videos/?limit=40&offset=0");
    let vidapi = client(addr, true);
    let run_for = Duration::from_secs(3);
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < run_for {
        black_box(vidapi.pixverse().videos(None, Some(40), Some(0)).unwrap());
        calls += 1;
    }
    let ours = calls as f64 / start.elapsed().as_secs_f64();
    let out = Command::new("python3")
        .args([script, &url, TOKEN, &run_for.as_secs().to_string()])
        .output()
        .expect("python3 runs");
    let theirs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} printed no rate: {out:?}"));
    println!(
        "calls/s on the 40-video page: vidapi {ours:.0}, python requests.Session {theirs:.0} ({:.1}x)",
        ours / theirs
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = overhead
}
criterion_main!(benches);
