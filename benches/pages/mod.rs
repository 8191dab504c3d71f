//! Payloads the benchmarks share, built from the documented samples.

use serde_json::{Value, json};

/// A fixture under `tests/fixtures/`, parsed.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A PixVerse page of `videos` videos (the two documented ones, in turn,
/// each with its own id) out of `total`.
pub fn pixverse_page(videos: usize, total: usize) -> Vec<u8> {
    let sample = fixture("pixverse/videos.json");
    let data: Vec<Value> = (0..videos)
        .map(|i| {
            let mut v = sample["data"][i % 2].clone();
            v["video_id"] = json!(format!("user:1-pixverse:me@example.com-video:{i}"));
            v
        })
        .collect();
    serde_json::to_vec(&json!({"data": data, "next_offset": videos, "total": total})).unwrap()
}
