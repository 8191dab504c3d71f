//! What the emulator serves: the documented samples, grown into data sets
//! large enough to page through, and Hour One's videos, which change.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::jobs::Jobs;
use super::template::{Template, escaped, number};

const MINIMAX_VIDEOS: &str = include_str!("../../tests/fixtures/minimax/videos.json");
const MINIMAX_FILES: &str = include_str!("../../tests/fixtures/minimax/files.json");
const PIXVERSE_VIDEOS: &str = include_str!("../../tests/fixtures/pixverse/videos.json");
const HOURONE_VIDEOS: &str = include_str!("../../tests/fixtures/hourone/videos.json");
const HOURONE_METADATA: &str = include_str!("../../tests/fixtures/hourone/metadata.json");
const MEMORIES_VIDEOS: &str = include_str!("../../tests/fixtures/memories/list-videos.json");
const USEAPI_401: &str = include_str!("../../tests/fixtures/useapi/error-401.json");
const MEMORIES_0401: &str = include_str!("../../tests/fixtures/memories/error-0401.json");

/// How many files MiniMax has (more than the default `limit` of 10).
pub(crate) const MINIMAX_FILE_COUNT: usize = 12;
/// How many videos MiniMax pages through (`limit`/`lastVideoId`): two full
/// pages of the default 30 and a short third one.
pub(crate) const MINIMAX_VIDEO_COUNT: usize = 75;
/// The `unique_id`s memories.ai's v1 endpoint files the videos under, in turn.
pub(crate) const MEMORIES_UNIQUE_IDS: [&str; 3] = ["default", "project-a", "project-b"];
/// How many videos PixVerse has unless told otherwise
/// ([`Emulator::set_pixverse_video_count`](super::Emulator::set_pixverse_video_count)):
/// the `total` of the documented sample.
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
    /// What a paged request pages through, newest first: the documented
    /// videos, then more made from them.
    pub minimax_library: Vec<Value>,
    /// Each of `minimax_library`, serialised.
    pub minimax_library_json: Vec<Box<[u8]>>,
    /// MiniMax's files, each serialised.
    pub minimax_files_json: Vec<Box<[u8]>>,
    pub pixverse: PixVerseVideos,
    /// Each video with where it is filed: memories.ai filters by folder
    /// (original endpoint) and by `unique_id` (v1) but lists neither.
    pub memories_videos: Vec<MemoriesVideo>,
    /// memories.ai's answer around a page of videos, with holes for the
    /// videos, the page, its size and the count (see [`MEMORIES_HOLES`]).
    pub memories_page: Template,
    pub hourone_metadata: Value,
    pub hourone: Mutex<HourOneStore>,
    /// useapi.net's 401 answer, serialised.
    pub useapi_401: Vec<u8>,
    /// memories.ai's bad-key envelope, serialised.
    pub memories_0401: Vec<u8>,
    /// The videos created through MiniMax's and PixVerse's create
    /// endpoints, and the accounts that pay for them.
    pub jobs: Jobs,
}

/// The holes of [`Data::memories_page`], in the order their fillers are
/// numbered: the videos, `current_page`, `page_size`, `total_count`.
pub(crate) const MEMORIES_HOLES: [&str; 4] = [
    "\"@@videos@@\"",
    "\"@@page@@\"",
    "\"@@size@@\"",
    "\"@@total@@\"",
];

/// One memories.ai video and where it is filed.
pub(crate) struct MemoriesVideo {
    pub video: Value,
    /// The video as the original endpoint sends it, serialised.
    pub original_json: Box<[u8]>,
    /// The video as v1 sends it ([`newer`]), serialised.
    pub v1_json: Box<[u8]>,
    pub folder_id: i64,
    pub unique_id: &'static str,
}

/// A video as memories.ai's newer version sends it: numbers as numbers, no
/// `cause`.
fn newer(video: &Value) -> Value {
    let mut video = video.clone();
    if let Some(fields) = video.as_object_mut() {
        fields.remove("cause");
        for key in ["duration", "size", "create_time"] {
            let number = fields
                .get(key)
                .and_then(Value::as_str)
                .and_then(|t| t.parse::<i64>().ok());
            if let Some(number) = number {
                fields.insert(key.to_owned(), json!(number));
            }
        }
    }
    video
}

/// PixVerse's videos: as many as asked for ([`PIXVERSE_VIDEO_COUNT`] unless
/// told otherwise), made in turn from the documented ones, none of them
/// held: each listed video is its documented one serialised once, with its
/// number and the account's email filled in as it is answered.
pub(crate) struct PixVerseVideos {
    /// The documented videos.
    documented: Vec<Value>,
    /// Each documented video serialised, with holes for the email and the
    /// number in its `video_id` and the number in its `prompt`
    /// ([`PIXVERSE_HOLES`]).
    listed: Vec<Template>,
    /// The page around the videos: `data`, `next_offset`, `total`.
    page: Template,
    count: AtomicUsize,
}

/// The holes of a listed PixVerse video: the email, the number after
/// `-video:` in its id, the number in its prompt.
const PIXVERSE_HOLES: [&str; 3] = ["@@email@@", "@@id@@", "@@n@@"];
/// What comes before the email in a PixVerse `video_id`.
const PIXVERSE_ID_HEAD: &str = "user:<userid>-pixverse:";
/// What comes between the email and the number in a PixVerse `video_id`.
const PIXVERSE_ID_MIDDLE: &str = "-video:";
/// The number in the `video_id` of the first video.
const PIXVERSE_FIRST_ID: usize = 1000;

impl PixVerseVideos {
    fn new(documented: Vec<Value>) -> PixVerseVideos {
        let listed = documented
            .iter()
            .map(|video| {
                let mut video = video.clone();
                video["video_id"] = json!(format!(
                    "{PIXVERSE_ID_HEAD}@@email@@{PIXVERSE_ID_MIDDLE}@@id@@"
                ));
                video["prompt"] = json!("prompt #@@n@@");
                Template::new(&video, &PIXVERSE_HOLES)
            })
            .collect();
        let page = json!({"data": "@@data@@", "next_offset": "@@next@@", "total": "@@total@@"});
        PixVerseVideos {
            documented,
            listed,
            page: Template::new(&page, &["\"@@data@@\"", "\"@@next@@\"", "\"@@total@@\""]),
            count: AtomicUsize::new(PIXVERSE_VIDEO_COUNT),
        }
    }

    /// How many videos the account has.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Gives the account `count` videos.
    pub fn set_count(&self, count: usize) {
        self.count.store(count, Ordering::Relaxed);
    }

    /// The `index`th video as built from its documented one, its `video_id`
    /// holding `<email>` where the account's email goes.
    pub fn video(&self, index: usize) -> Option<Value> {
        if index >= self.count() || self.documented.is_empty() {
            return None;
        }
        let mut video = self.documented[index % self.documented.len()].clone();
        video["video_id"] = json!(format!(
            "{PIXVERSE_ID_HEAD}<email>{PIXVERSE_ID_MIDDLE}{}",
            PIXVERSE_FIRST_ID + index
        ));
        video["prompt"] = json!(format!("prompt #{}", index + 1));
        Some(video)
    }

    /// The video a full `video_id` (`<email>` filled in) names, and where
    /// it is in the list.
    pub fn find(&self, video_id: &str) -> Option<(usize, Value)> {
        let rest = video_id.strip_prefix(PIXVERSE_ID_HEAD)?;
        let (email, number) = rest.rsplit_once(PIXVERSE_ID_MIDDLE)?;
        if email.is_empty() || email.contains('/') {
            return None;
        }
        // The number exactly as listed: digits, no sign, no leading zero.
        if number.starts_with('0') || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let index = number
            .parse::<usize>()
            .ok()?
            .checked_sub(PIXVERSE_FIRST_ID)?;
        Some((index, self.video(index)?))
    }

    /// The serialised answer to a list request: `limit` videos from
    /// `offset`, each `video_id` with `email` in it.
    pub fn page(&self, email: &str, offset: usize, limit: usize) -> Vec<u8> {
        let total = self.count();
        let start = offset.min(total);
        let end = start.saturating_add(limit).min(total);
        let email = escaped(email);
        let per_video = self
            .listed
            .iter()
            .map(Template::fixed_len)
            .max()
            .unwrap_or(0)
            + email.len()
            + 24;
        let mut out = Vec::with_capacity(self.page.fixed_len() + 48 + (end - start) * per_video);
        self.page.render(&mut out, |hole, out| match hole {
            0 => {
                out.push(b'[');
                for index in start..end {
                    if index > start {
                        out.push(b',');
                    }
                    let template = &self.listed[index % self.listed.len()];
                    template.render(out, |hole, out| match hole {
                        0 => out.extend_from_slice(&email),
                        1 => number(out, PIXVERSE_FIRST_ID + index),
                        _ => number(out, index + 1),
                    });
                }
                out.push(b']');
            }
            1 => number(out, end),
            _ => number(out, total),
        });
        out
    }
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
        let minimax_files: Vec<Value> = (0..MINIMAX_FILE_COUNT)
            .map(|i| {
                let mut file = files[i % files.len()].clone();
                file["file_id"] = json!(format!(
                    "user:user_id-minimax:account-file:file_id_#{}",
                    i + 1
                ));
                let name = format!(
                    "image-{}.{}",
                    i + 1,
                    file["file_type"].as_str().unwrap_or("png")
                );
                // The docs' placeholders (`<file ulr>`, a typo in the page)
                // stay in the verbatim fixture; the emulator serves a URL.
                file["cdn_url"] = json!(format!("https://cdn.hailuoai.example/files/{name}"));
                file["file_name"] = json!(name);
                file
            })
            .collect();

        let minimax_videos = parse(MINIMAX_VIDEOS);
        let documented = items(minimax_videos.clone());
        let minimax_library: Vec<Value> = (0..MINIMAX_VIDEO_COUNT)
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
        let pixverse = PixVerseVideos::new(items(sample["data"].clone()));

        let memories = parse(MEMORIES_VIDEOS);
        let documented = items(memories["data"]["videos"].clone());
        let statuses = ["PARSE", "UNPARSE", "DONE", "PARSE_ERROR"];
        let memories_videos = (0..MEMORIES_VIDEO_COUNT)
            .map(|i| {
                let mut video = documented[i % documented.len()].clone();
                // "[email protected]" is the docs web page's e-mail obfuscation
                // of a name with an `@`; the verbatim fixture keeps it.
                if let Some(name) = video["video_name"].as_str() {
                    let name = name.replace("[email protected]", "clip@studio");
                    video["video_name"] = json!(name);
                }
                if i >= documented.len() {
                    video["video_no"] = json!(format!("VI7000000000000{i:05}"));
                    video["video_name"] = json!(format!("upload-{i:02}"));
                    video["status"] = json!(statuses[i % statuses.len()]);
                    video["create_time"] =
                        json!((1_754_037_217_992_i64 - i as i64 * 60_000).to_string());
                }
                MemoriesVideo {
                    original_json: serialised(&video),
                    v1_json: serialised(&newer(&video)),
                    video,
                    folder_id: (i % 3) as i64 + 1,
                    unique_id: MEMORIES_UNIQUE_IDS[i % MEMORIES_UNIQUE_IDS.len()],
                }
            })
            .collect();
        let memories_page = json!({
            "code": "0000",
            "msg": "success",
            "data": {
                "videos": "@@videos@@",
                "current_page": "@@page@@",
                "page_size": "@@size@@",
                "total_count": "@@total@@",
            },
            "success": true,
            "failed": false,
        });

        Data {
            minimax_library_json: minimax_library.iter().map(serialised).collect(),
            minimax_library,
            minimax_files_json: minimax_files.iter().map(serialised).collect(),
            pixverse,
            memories_videos,
            memories_page: Template::new(&memories_page, &MEMORIES_HOLES),
            hourone_metadata: parse(HOURONE_METADATA),
            hourone: Mutex::new(HourOneStore {
                videos: items(parse(HOURONE_VIDEOS)),
                stages: HashMap::new(),
                created: 0,
            }),
            useapi_401: serialised(&parse(USEAPI_401)).into(),
            memories_0401: serialised(&parse(MEMORIES_0401)).into(),
            jobs: Jobs::default(),
        }
    }
}

/// A value as the emulator sends it.
fn serialised(value: &Value) -> Box<[u8]> {
    serde_json::to_vec(value).unwrap_or_default().into()
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
                video["download_url"] = json!(local_media(id, base));
            }
        }
        Some(served(video, base))
    }

    /// Every video as the list answers it.
    pub fn list(&self, base: &str) -> Value {
        Value::from(
            self.videos
                .iter()
                .map(|v| served(v, base))
                .collect::<Vec<_>>(),
        )
    }
}

/// The emulator's own media URL for a Hour One video.
fn local_media(id: &str, base: &str) -> String {
    let name = super::http::media_segment(id);
    format!("{base}/media/hourone/{name}.mp4")
}

/// A video as the emulator serves it: the docs' samples name a media host
/// (`cdn.example`) that a test or the demo must never try to reach, so a
/// `download_url` always points at the emulator's own media host.
fn served(video: &Value, base: &str) -> Value {
    let mut video = video.clone();
    if video.get("download_url").is_some_and(Value::is_string) {
        let id = video["id"].as_str().unwrap_or_default().to_owned();
        video["download_url"] = json!(local_media(&id, base));
    }
    video
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page as the emulator used to make it: each video a value, the
    /// email put into its id, the whole serialised per request.
    fn made_from_values(data: &Data, email: &str, offset: usize, limit: usize) -> Vec<u8> {
        let total = data.pixverse.count();
        let videos: Vec<Value> = (offset..total)
            .take(limit)
            .map(|index| {
                let mut video = data.pixverse.video(index).unwrap();
                let id = video["video_id"]
                    .as_str()
                    .unwrap()
                    .replace("<email>", email);
                video["video_id"] = json!(id);
                video
            })
            .collect();
        let next_offset = offset.min(total) + videos.len();
        serde_json::to_vec(&json!({"data": videos, "next_offset": next_offset, "total": total}))
            .unwrap()
    }

    #[test]
    fn a_precomputed_pixverse_page_is_the_page_serialised() {
        let data = Data::load();
        for (email, offset, limit) in [
            ("me@example.com", 0, 40),
            ("q\"uote\\back/slash-ü\n", 50, 10),
            ("x", 60, 5),
            ("x", 3, usize::MAX),
            ("x", 0, 0),
        ] {
            assert_eq!(
                String::from_utf8(data.pixverse.page(email, offset, limit)).unwrap(),
                String::from_utf8(made_from_values(&data, email, offset, limit)).unwrap(),
                "{email} {offset} {limit}"
            );
        }
        data.pixverse.set_count(100_000);
        assert_eq!(
            data.pixverse.page("me@example.com", 99_990, 40),
            made_from_values(&data, "me@example.com", 99_990, 40)
        );
    }

    #[test]
    fn a_pixverse_video_is_found_by_its_listed_id() {
        let data = Data::load();
        let id = |number: &str| format!("user:<userid>-pixverse:me@example.com-video:{number}");
        let (index, video) = data.pixverse.find(&id("1054")).unwrap();
        assert_eq!(index, 54);
        assert_eq!(video["prompt"], "prompt #55");
        assert_eq!(data.pixverse.find(&id("1000")).unwrap().0, 0);
        for missing in ["1055", "999", "01001", "+1001", "1001x", ""] {
            assert!(data.pixverse.find(&id(missing)).is_none(), "{missing}");
        }
        assert!(
            data.pixverse
                .find("user:<userid>-pixverse:-video:1001")
                .is_none()
        );
        assert!(
            data.pixverse
                .find("user:<userid>-pixverse:a/b-video:1001")
                .is_none()
        );
        let odd = "user:<userid>-pixverse:a-video:7-video:1001";
        assert_eq!(data.pixverse.find(odd).unwrap().0, 1);
        data.pixverse.set_count(100_000);
        assert_eq!(data.pixverse.find(&id("100999")).unwrap().0, 99_999);
        assert!(data.pixverse.find(&id("101000")).is_none());
    }
}
