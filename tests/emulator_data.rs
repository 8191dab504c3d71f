//! The emulator serves one MiniMax data set, and sensible values where the
//! docs' web pages left artefacts (the verbatim fixtures keep them).

use vidapi::emulator::{Emulator, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::{Config, Memories, UseApi};

#[test]
fn the_minimax_list_is_one_data_set() {
    let emulator = Emulator::start().unwrap();
    let config = Config::new().base_url(emulator.base_url());
    let useapi = UseApi::with_config(USEAPI_TOKEN, config).unwrap();
    let first = useapi.minimax().videos(None).unwrap();
    let all: Vec<_> = useapi
        .minimax()
        .videos_iter(None)
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(all.len() > first.len(), "{} vs {}", all.len(), first.len());
    assert_eq!(
        first[..],
        all[..first.len()],
        "the seed answer is the list's first page"
    );
}

#[test]
fn served_samples_hold_no_web_page_artefacts() {
    let emulator = Emulator::start().unwrap();
    let config = Config::new().base_url(emulator.base_url());
    let useapi = UseApi::with_config(USEAPI_TOKEN, config.clone()).unwrap();
    let files = useapi.minimax().files(None, Some(12)).unwrap();
    let served = serde_json::to_string(&files).unwrap();
    assert!(!served.contains("<file ulr>"), "{served}");
    assert!(
        served.contains("https://cdn.hailuoai.example/files/image-1.jpeg"),
        "{served}"
    );

    let memories = Memories::with_config(MEMORIES_KEY, config).unwrap();
    let page = memories
        .list_videos(&vidapi::memories::ListVideosRequest {
            size: Some(45),
            ..Default::default()
        })
        .unwrap();
    let served = serde_json::to_string(&page).unwrap();
    assert!(!served.contains("email"), "{served}");
    assert!(served.contains("clip@studio_1747479033469"), "{served}");
    // The fixture itself stays verbatim, as test data.
    let fixture = include_str!("fixtures/memories/list-videos.json");
    assert!(fixture.contains("[email protected]"));
}

/// The emulator folder's modules form a tree: no module uses one that
/// uses it back, directly or through others (`mod.rs`, the root, aside).
#[test]
fn the_emulator_modules_form_a_tree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/emulator");
    let mut uses: Vec<(String, Vec<String>)> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut used: Vec<String> = code
            .match_indices("super::")
            .filter_map(|(at, _)| {
                let rest = &code[at + "super::".len()..];
                let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
                let word = &rest[..end];
                // A module path segment (lowercase, followed by `::`).
                (rest[end..].starts_with("::")
                    && word.chars().all(|c| c.is_lowercase() || c == '_'))
                .then(|| word.to_owned())
            })
            .collect();
        // `use super::{a, b::X}`: the lowercase names inside the braces.
        for (at, _) in code.match_indices("use super::{") {
            let inner = &code[at + "use super::{".len()..];
            let inner = &inner[..inner.find("};").unwrap_or(0)];
            for item in inner.split(',') {
                let head = item.trim().split("::").next().unwrap_or_default();
                if !head.is_empty() && head.chars().all(|c| c.is_lowercase() || c == '_') {
                    used.push(head.to_owned());
                }
            }
        }
        used.sort();
        used.dedup();
        uses.push((name, used));
    }
    assert!(uses.len() >= 6, "{uses:?}");
    // Depth-first: a module met again on the current path is a circle.
    fn visit(name: &str, uses: &[(String, Vec<String>)], path: &mut Vec<String>) {
        assert!(
            !path.iter().any(|p| p == name),
            "circle: {path:?} -> {name}"
        );
        path.push(name.to_owned());
        let next = uses.iter().find(|(n, _)| n == name).map(|(_, u)| u.clone());
        for used in next.unwrap_or_default() {
            visit(&used, uses, path);
        }
        path.pop();
    }
    for (name, _) in &uses {
        visit(name, &uses, &mut Vec::new());
    }
    let data = uses.iter().find(|(n, _)| n == "data").unwrap();
    assert!(!data.1.contains(&"routes".to_owned()), "{data:?}");
}

/// A raw `POST` to the emulator's controls: the status and body.
fn control(emulator: &Emulator, path_and_query: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = emulator.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[test]
fn a_shell_sets_the_pixverse_library_size_and_the_media_latency() {
    let emulator = Emulator::start().unwrap();
    let config = Config::new().base_url(emulator.base_url());
    let useapi = UseApi::with_config(USEAPI_TOKEN, config).unwrap();
    let count = |useapi: &UseApi| useapi.pixverse().videos_iter(None).count();
    assert_ne!(count(&useapi), 130);
    let (status, body) = control(&emulator, "/emulator/videos?provider=pixverse&count=130");
    assert_eq!(status, 200, "{body}");
    assert_eq!(count(&useapi), 130);
    assert_eq!(
        control(&emulator, "/emulator/videos?provider=pixverse").0,
        400
    );

    let (status, body) = control(&emulator, "/emulator/media?latency_ms=400");
    assert_eq!(status, 200, "{body}");
    let started = std::time::Instant::now();
    let media = format!("{}/media/pixverse/1001.mp4", emulator.base_url());
    let dir = tempfile::tempdir().unwrap();
    vidapi::download::Downloader::new(vidapi::Provider::PixVerse, &Config::new())
        .unwrap()
        .fetch(&media, &dir.path().join("v.mp4"), |_| {})
        .unwrap();
    // A lower bound only: the answer cannot come before the latency set.
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
    assert_eq!(control(&emulator, "/emulator/media?latency_ms=soon").0, 400);
}
