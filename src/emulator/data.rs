//! What the emulator serves: the documented samples, grown into data sets
//! large enough to page through, and Hour One's videos, which change.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Value, json};

const MINIMAX_VIDEOS: &str = include_str!("../../tests/fixtures/minimax/videos.json");
const MINIMAX_FILES: &str = include_str!("../../tests/fixtures/minimax/files.json");
const PIXVERSE_VIDEOS: &str = include_str!("../../tests/fixtures/pixverse/videos.json");
const HOURONE_VIDEOS: &str = include_str!("../../tests/fixtures/hourone/videos.json");
const HOURONE_METADATA: &str = include_str!("../../tests/fixtures/hourone/metadata.json");
const MEMORIES_VIDEOS: &str = include_str!("../../tests/fixtures/memories/list-videos.json");

/// How many files MiniMax has (more than the default `limit` of 10).
pub(crate) const MINIMAX_FILE_COUNT: usize = 12;
/// How many videos MiniMax pages through (`limit`/`lastVideoId`): two full
/// pages of the default 30 and a short third one.
pub(crate) const MINIMAX_VIDEO_COUNT: usize = 75;
/// The `unique_id`s memories.ai's v1 endpoint files the videos under, in turn.
pub(crate) const MEMORIES_UNIQUE_IDS: [&str; 3] = ["default", "project-a", "project-b"];
/// How many videos PixVerse has: the `total` of the documented sample.
pub(crate) const PIXVERSE_VIDEO_COUNT: usize = 55;
/// How many videos memories.ai has.
pub(crate) const MEMORIES_VIDEO_COUNT: usize = 45;

/// The size of every media file the emulator serves (`/media/<name>`):
/// a few MiB, so that downloads take many reads.
pub const MEDIA_SIZE: usize = 3 * 1024 * 1024 + 4321;

/// The bytes of the media file `name` (the path after `/media/`, decoded):
/// [`MEDIA_SIZE`] bytes, different for every name and the same every time,
/// so a test can compare a download with what was served.
pub fn media_bytes(name: &str) -> Vec<u8> {
    // FNV-1a of the name seeds an xorshift generator.
    let mut state = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    let mut bytes = Vec::with_capacity(MEDIA_SIZE + 8);
    while bytes.len() < MEDIA_SIZE {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(MEDIA_SIZE);
    bytes
}

/// The stages a created Hour One video goes through, one per read.
const HOURONE_STAGES: [(&str, i64); 4] = [
    ("not_started", 0),
    ("started", 10),
    ("processing", 60),
    ("ready", 100),
];

pub(crate) struct Data {
    /// The documented sample: the answer to the seed request, which names
    /// neither `limit` nor `lastVideoId`.
    pub minimax_videos: Value,
    /// What a paged request pages through, newest first: the documented
    /// videos, then more made from them.
    pub minimax_library: Vec<Value>,
    pub minimax_files: Vec<Value>,
    pub pixverse_videos: Vec<Value>,
    /// Each video with where it is filed: memories.ai filters by folder
    /// (original endpoint) and by `unique_id` (v1) but lists neither.
    pub memories_videos: Vec<MemoriesVideo>,
    pub hourone_metadata: Value,
    pub hourone: Mutex<HourOneStore>,
}

/// One memories.ai video and where it is filed.
pub(crate) struct MemoriesVideo {
    pub video: Value,
    pub folder_id: i64,
    pub unique_id: &'static str,
}

pub(crate) struct HourOneStore {
    pub videos: Vec<Value>,
    /// Stage index of each video this emulator created.
    stages: HashMap<String, usize>,
    created: u32,
}

fn parse(text: &str) -> Value {
    // The fixtures are compiled in and checked by the tests.
    serde_json::from_str(text).expect("emulator fixture is valid JSON")
}

fn items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

impl Data {
    pub fn load() -> Data {
        let files = items(parse(MINIMAX_FILES));
        let minimax_files = (0..MINIMAX_FILE_COUNT)
            .map(|i| {
                let mut file = files[i % files.len()].clone();
                file["file_id"] = json!(format!(
                    "user:user_id-minimax:account-file:file_id_#{}",
                    i + 1
                ));
                file["file_name"] = json!(format!(
                    "image-{}.{}",
                    i + 1,
                    file["file_type"].as_str().unwrap_or("png")
                ));
                file
            })
            .collect();

        let minimax_videos = parse(MINIMAX_VIDEOS);
        let documented = items(minimax_videos.clone());
        let minimax_library = (0..MINIMAX_VIDEO_COUNT)
            .map(|i| {
                let mut video = documented[i % documented.len()].clone();
                if i >= documented.len() {
                    let id = format!("video_id_#{}", i + 1);
                    video["videoId"] = json!(format!("user:user_id-minimax:account-video:{id}"));
                    video["id"] = json!(id);
                    video["desc"] = json!(format!("prompt #{}", i + 1));
                }
                video
            })
            .collect();

        let sample = parse(PIXVERSE_VIDEOS);
        let templates = items(sample["data"].clone());
        let pixverse_videos = (0..PIXVERSE_VIDEO_COUNT)
            .map(|i| {
                let mut video = templates[i % templates.len()].clone();
                video["video_id"] =
                    json!(format!("user:<userid>-pixverse:<email>-video:{}", 1000 + i));
                video["prompt"] = json!(format!("prompt #{}", i + 1));
                video
            })
            .collect();

        let memories = parse(MEMORIES_VIDEOS);
        let documented = items(memories["data"]["videos"].clone());
        let statuses = ["PARSE", "UNPARSE", "DONE", "PARSE_ERROR"];
        let memories_videos = (0..MEMORIES_VIDEO_COUNT)
            .map(|i| {
                let mut video = documented[i % documented.len()].clone();
                if i >= documented.len() {
                    video["video_no"] = json!(format!("VI7000000000000{i:05}"));
                    video["video_name"] = json!(format!("upload-{i:02}"));
                    video["status"] = json!(statuses[i % statuses.len()]);
                    video["create_time"] =
                        json!((1_754_037_217_992_i64 - i as i64 * 60_000).to_string());
                }
                MemoriesVideo {
                    video,
                    folder_id: (i % 3) as i64 + 1,
                    unique_id: MEMORIES_UNIQUE_IDS[i % MEMORIES_UNIQUE_IDS.len()],
                }
            })
            .collect();

        Data {
            minimax_videos,
            minimax_library,
            minimax_files,
            pixverse_videos,
            memories_videos,
            hourone_metadata: parse(HOURONE_METADATA),
            hourone: Mutex::new(HourOneStore {
                videos: items(parse(HOURONE_VIDEOS)),
                stages: HashMap::new(),
                created: 0,
            }),
        }
    }
}

impl HourOneStore {
    /// Adds a video for a create request and returns it.
    pub fn create(&mut self, body: &serde_json::Map<String, Value>) -> Value {
        self.created += 1;
        let id = format!("vid_emu_{:04}", self.created);
        let (status, progress) = HOURONE_STAGES[0];
        let mut video = json!({
            "id": id,
            "status": status,
            "progress": progress,
            "req_id": format!("req_emu_{:04}", self.created),
            "draft_id": format!("draft_emu_{:04}", self.created),
            "video_player_url": format!("https://app.hourone.example/player/{id}"),
        });
        for field in [
            "name",
            "source_draft_id",
            "recipe_id",
            "palette_id",
            "character_id",
            "voice_id",
        ] {
            if let Some(value) = body.get(field) {
                video[field] = value.clone();
            }
        }
        self.stages.insert(id, 0);
        self.videos.push(video.clone());
        video
    }

    /// Whether a video with this id exists.
    pub fn contains(&self, id: &str) -> bool {
        self.videos.iter().any(|v| v["id"] == id)
    }

    /// The video with this id; a video this emulator created moves one
    /// stage on with every read, until it is ready, when its `download_url`
    /// points at the emulator's media host below `base`.
    pub fn read(&mut self, id: &str, base: &str) -> Option<Value> {
        let video = self.videos.iter_mut().find(|v| v["id"] == id)?;
        if let Some(stage) = self.stages.get_mut(id) {
            *stage = (*stage + 1).min(HOURONE_STAGES.len() - 1);
            let (status, progress) = HOURONE_STAGES[*stage];
            video["status"] = json!(status);
            video["progress"] = json!(progress);
            if status == "ready" {
                let name = super::routes::media_segment(id);
                video["download_url"] = json!(format!("{base}/media/hourone/{name}.mp4"));
            }
        }
        Some(video.clone())
    }
}
