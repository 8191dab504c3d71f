//! Decoding cost of the generated, tolerant types, compared within one run
//! (the machine is shared: read the ratios, not the absolute times).
//!
//! - a 2,000-video PixVerse page into `pixverse::VideoPage` vs into an
//!   untyped `serde_json::Value` (the floor any JSON client pays);
//! - the same page through a reader (how the transport decodes, no full
//!   copy of the body) vs from a slice;
//! - memories.ai's stringly numbers through the tolerant types.

use std::hint::black_box;
use std::io::BufReader;

mod pages;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pages::{fixture, pixverse_page};

/// The same structs as the library's, with plain leaves instead of the
/// tolerant types (`build.rs` writes them for the benchmarks only).
#[allow(dead_code, clippy::all)]
mod strict {
    pub mod pixverse {
        include!(concat!(env!("OUT_DIR"), "/strict-pixverse.rs"));
    }
    pub mod memories {
        include!(concat!(env!("OUT_DIR"), "/strict-memories.rs"));
    }
}
use serde_json::{Value, json};
use vidapi::{memories, pixverse};

/// The same page where every video has an undeclared field and two
/// numbers sent as strings: drift on every item, the recorder's worst case.
fn drifted_pixverse_page(videos: usize) -> Vec<u8> {
    let mut page: Value = serde_json::from_slice(&pixverse_page(videos, videos)).unwrap();
    for video in page["data"].as_array_mut().unwrap() {
        video["camera_model"] = json!("A7");
        video["seed"] = json!("42");
        video["output_width"] = json!("1920");
    }
    serde_json::to_vec(&page).unwrap()
}

fn memories_page(videos: usize) -> Vec<u8> {
    let mut envelope = fixture("memories/list-videos.json");
    let sample = envelope["data"]["videos"].clone();
    let list: Vec<Value> = (0..videos).map(|i| sample[i % 3].clone()).collect();
    envelope["data"]["videos"] = Value::from(list);
    serde_json::to_vec(&envelope).unwrap()
}

/// `page` as the tolerant types write it back: every leaf in its declared
/// type (`"12"` becomes `12`), which the strict structs can read too.
fn normalised<T: serde::de::DeserializeOwned + serde::Serialize>(page: &[u8]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::from_slice::<T>(page).unwrap()).unwrap()
}

fn decode(c: &mut Criterion) {
    // Compared on the normalised page, read by both kinds of types.
    let page = normalised::<pixverse::VideoPage>(&pixverse_page(2000, 2000));
    serde_json::from_slice::<strict::pixverse::VideoPage>(&page).expect("strict types read it");
    let mut group = c.benchmark_group("pixverse 2000 videos");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("generated types, from slice", |b| {
        b.iter(|| serde_json::from_slice::<pixverse::VideoPage>(black_box(&page)).unwrap())
    });
    group.bench_function("IgnoredAny, from slice (the parse floor)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&page)).unwrap())
    });
    group.bench_function("strict structs, from slice", |b| {
        b.iter(|| serde_json::from_slice::<strict::pixverse::VideoPage>(black_box(&page)).unwrap())
    });
    group.bench_function("generated types, from reader", |b| {
        b.iter(|| {
            serde_json::from_reader::<_, pixverse::VideoPage>(BufReader::new(black_box(&page[..])))
                .unwrap()
        })
    });
    group.bench_function("serde_json::Value, from slice", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&page)).unwrap())
    });
    // What the transport does: the same decode, with and without drift recording.
    group.bench_function("transport decode, drift recording off", |b| {
        b.iter(|| vidapi::drift::decode::<pixverse::VideoPage>(black_box(&page), false).unwrap())
    });
    group.bench_function("transport decode, drift recording on", |b| {
        b.iter(|| vidapi::drift::decode::<pixverse::VideoPage>(black_box(&page), true).unwrap())
    });
    let drifted = drifted_pixverse_page(2000);
    group.bench_function(
        "transport decode, drift recording on, every video drifted",
        |b| {
            b.iter(|| {
                vidapi::drift::decode::<pixverse::VideoPage>(black_box(&drifted), true).unwrap()
            })
        },
    );
    group.finish();

    let page = normalised::<memories::ListVideosResponse>(&memories_page(2000));
    serde_json::from_slice::<strict::memories::ListVideosResponse>(&page)
        .expect("strict types read it");
    let mut group = c.benchmark_group("memories 2000 videos");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("IgnoredAny, from slice (the parse floor)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&page)).unwrap())
    });
    group.bench_function("strict structs, from slice", |b| {
        b.iter(|| {
            serde_json::from_slice::<strict::memories::ListVideosResponse>(black_box(&page))
                .unwrap()
        })
    });
    group.bench_function("generated types, from slice", |b| {
        b.iter(|| serde_json::from_slice::<memories::ListVideosResponse>(black_box(&page)).unwrap())
    });
    group.bench_function("transport decode, drift recording on", |b| {
        b.iter(|| {
            vidapi::drift::decode::<memories::ListVideosResponse>(black_box(&page), true).unwrap()
        })
    });
    group.bench_function("serde_json::Value, from slice", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&page)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = decode
}
criterion_main!(benches);
