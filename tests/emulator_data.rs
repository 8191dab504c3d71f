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
