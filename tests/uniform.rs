//! One surface across providers: the same accessors on every video type,
//! `Display` on every status, plain-number comparisons on tolerant numbers,
//! typed memories.ai filters, and clients from the environment.

use std::collections::HashMap;
use std::time::Duration;

use vidapi::accounts::{Accounts, Scope};
use vidapi::emulator::{Emulator, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::memories::{ListVideosRequest, ListVideosV1Request};
use vidapi::provider::{Page, VideoRecord};
use vidapi::view::{ProviderVideo, Video};
use vidapi::wire::{FlexBool, FlexInt, FlexNumber, FlexText};
use vidapi::{
    Config, Error, HourOne, Memories, Provider, UseApi, hourone, memories, minimax, pixverse,
};

fn config(emulator: &Emulator) -> Config {
    Config::new().base_url(emulator.base_url())
}

#[test]
fn every_video_type_answers_the_same_accessors() {
    let emulator = Emulator::start().unwrap();
    let useapi = UseApi::with_config(USEAPI_TOKEN, config(&emulator)).unwrap();
    let mini = useapi.minimax().videos(None).unwrap();
    let done = mini.iter().find(|v| v.id() == Some("video_id_#2")).unwrap();
    assert!(done.title().is_some());
    assert_eq!(done.status(), Some(minimax::Status::Completed));
    assert!(done.is_final() && !done.is_failed());
    assert!(done.playable_url().is_some());
    assert_eq!(done.created_at(), None, "MiniMax sends no creation time");

    let page = useapi.pixverse().videos(None, Some(10), Some(0)).unwrap();
    assert_eq!(page.total(), Some(55));
    assert_eq!(page.next_offset(), Some(10));
    let last = useapi.pixverse().videos(None, Some(10), Some(50)).unwrap();
    assert_eq!(last.next_offset(), None, "the last page has no next offset");
    let video = &page.videos()[1];
    assert!(video.id().unwrap().ends_with("-video:1001"));
    assert_eq!(video.title(), Some("prompt #2"));
    assert!(video.is_final() && !video.is_failed() && video.playable_url().is_some());
    assert!(video.created_at().is_some());

    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    let videos = hour.videos().unwrap();
    let ready = videos
        .iter()
        .find(|v| v.status() == Some(hourone::Status::Ready))
        .unwrap();
    assert!(ready.id().is_some() && ready.is_final() && !ready.is_failed());
    assert_eq!(ready.created_at(), None, "Hour One sends no creation time");
    let _ = ready.title();

    let mem = Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap();
    let page = mem.list_videos(&ListVideosRequest::default()).unwrap();
    assert_eq!(page.total(), Some(45));
    let first = &page.videos()[0];
    assert!(first.id().is_some() && first.title().is_some() && first.created_at().is_some());
    assert_eq!(first.playable_url(), None, "memories.ai has no media URL");
    assert!(first.is_final() && !first.is_failed());

    // The same through the provider-neutral wrapper.
    let any = ProviderVideo::PixVerse(video.clone());
    assert_eq!(any.provider(), Provider::PixVerse);
    assert_eq!(any.id(), video.id());
    assert_eq!(any.status_text().as_deref(), Some("completed"));
    assert_eq!(
        serde_json::to_value(&any).unwrap(),
        serde_json::to_value(video).unwrap()
    );
}

/// What the contract answers for one video: the same as the inherent
/// accessors (checked by the caller) and consistent with itself.
fn through_the_contract<V: VideoRecord>(video: &V, provider: Provider) -> Video {
    assert_eq!(video.provider(), provider);
    let stage = video.stage();
    assert_eq!(video.is_failed(), stage == Some(vidapi::Stage::Failed));
    if let Some(stage) = &stage {
        if !matches!(stage, vidapi::Stage::Unknown(_)) {
            assert_eq!(video.is_final(), stage.is_final(), "{provider}");
        }
    }
    assert_eq!(video.status_text().is_some(), stage.is_some());
    if video.file_url().is_some() {
        assert_eq!(
            stage,
            Some(vidapi::Stage::Completed),
            "{provider}: a file once done"
        );
    }
    let record = Video::from(video);
    assert_eq!(record.id, video.id().unwrap_or_default());
    assert_eq!(record.title.as_deref(), video.title());
    assert_eq!(record.created, video.created_at());
    assert_eq!(record.video_url.as_deref(), video.playable_url());
    assert_eq!(record.file_url.as_deref(), video.file_url());
    // The same through `&dyn`, as a provider enum hands it out.
    let dynamic: &dyn VideoRecord = video;
    assert_eq!(Video::from(dynamic), record);
    record
}

/// The page contract: items, total and cursor as the page's own accessors say.
fn page_contract<P: Page>(page: &P, provider: Provider) -> Vec<Video> {
    page.items()
        .iter()
        .map(|v| through_the_contract(v, provider))
        .collect()
}

#[test]
fn every_provider_implements_the_contract() {
    let emulator = Emulator::start().unwrap();
    let useapi = UseApi::with_config(USEAPI_TOKEN, config(&emulator)).unwrap();

    let mini = useapi.minimax().videos(None).unwrap();
    let records = page_contract(&mini, Provider::MiniMax);
    assert_eq!(records.len(), mini.len());
    assert_eq!(Page::total(&mini), None, "MiniMax says no total");
    assert_eq!(mini.next_cursor().as_deref(), mini.last().unwrap().id());
    let done = mini.iter().find(|v| v.id() == Some("video_id_#2")).unwrap();
    assert_eq!(VideoRecord::stage(done), Some(vidapi::Stage::Completed));
    assert_eq!(VideoRecord::thumbnail_url(done), done.cover_url());
    assert!(VideoRecord::file_url(done).is_some());

    let query = pixverse::VideosQuery {
        limit: Some(10),
        offset: Some(50),
        ..Default::default()
    };
    let page = useapi.pixverse().videos_page(&query).unwrap();
    assert_eq!(
        emulator.requests().last().unwrap().query_param("offset"),
        Some("50")
    );
    assert_eq!(page.items().len(), 5);
    assert_eq!(Page::total(&page), Some(55));
    assert_eq!(page.next_cursor(), None, "the last page");
    let first = useapi.pixverse().videos(None, Some(10), None).unwrap();
    assert_eq!(first.next_cursor(), Some(10));
    let records = page_contract(&first, Provider::PixVerse);
    assert!(records.iter().any(|r| r.file_url.is_some()));
    assert!(records.iter().all(|r| r.created.is_some()));

    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    let videos = hour.videos().unwrap();
    let records = page_contract(&videos, Provider::HourOne);
    assert_eq!(Page::total(&videos), Some(videos.len() as u64));
    assert!(videos.next_cursor().is_none());
    assert!(records.iter().all(|r| r.created.is_none()));

    let mem = Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap();
    let page = mem.list_videos(&ListVideosRequest::default()).unwrap();
    let records = page_contract(&page, Provider::Memories);
    assert!(
        records
            .iter()
            .all(|r| r.file_url.is_none() && r.video_url.is_none())
    );
    assert_eq!(Page::total(&page), Some(45));
    assert_eq!(page.next_cursor(), Some(2), "page 1 of 20 of 45");
    let last = mem
        .list_videos(&ListVideosRequest {
            page: Some(3),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(last.next_cursor(), None, "page 3 of 20 of 45 is the last");

    // The provider-neutral wrapper answers the contract too.
    let any = ProviderVideo::MiniMax(done.clone());
    assert_eq!(
        through_the_contract(&any, Provider::MiniMax),
        Video::from(done)
    );
    assert_eq!(any.record().id(), done.id());
}

#[test]
fn statuses_display_as_their_providers_spell_them() {
    assert_eq!(minimax::Status::Moderated.to_string(), "moderated");
    assert_eq!(
        minimax::Status::Unknown("42".into()).to_string(),
        "unknown (42)"
    );
    assert_eq!(pixverse::Status::Generating.to_string(), "generating");
    assert_eq!(hourone::Status::NotStarted.to_string(), "not_started");
    assert_eq!(hourone::Status::Cancelled.to_string(), "cancelled");
    assert_eq!(memories::Status::Parsed.to_string(), "PARSE");
    assert_eq!(memories::Status::Unparsed.to_string(), "UNPARSE");
    assert_eq!(vidapi::Stage::Processing.to_string(), "processing");
    assert_eq!(
        serde_json::to_value(vidapi::Stage::Unknown("x".into())).unwrap(),
        "unknown (x)"
    );
    for known in memories::Status::FILTER_VALUES {
        let parsed = memories::Status::parse(known);
        assert!(!matches!(parsed, memories::Status::Unknown(_)), "{known}");
    }
}

#[test]
fn tolerant_numbers_compare_with_plain_ones() {
    let read = |json: &str| serde_json::from_str::<FlexInt>(json).unwrap();
    assert!(read("3") == 3 && read("\"3\"") == 3 && read("3.0") == 3);
    assert!(read("\"three\"") != 3);
    assert!(3 == read("3"));
    let number: FlexNumber = serde_json::from_str("\"5.5\"").unwrap();
    assert!(number == 5.5);
    assert!(5.5 == number, "either side");
    let flag: FlexBool = serde_json::from_str("1").unwrap();
    assert!(flag == true);
    assert!(read("4") != 3);
    let text = FlexText::from("PARSE");
    assert!(text == "PARSE");
    assert!("PARSE" == text, "either side");
}

#[test]
fn the_memories_status_filter_takes_the_status_enum_or_a_raw_value() {
    let emulator = Emulator::start().unwrap();
    let mem = Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap();
    let done = ListVideosRequest::default().with_status(memories::Status::Done);
    assert_eq!(done.status_filter(), Some(memories::Status::Done));
    let page = mem.list_videos(&done).unwrap();
    assert_eq!(
        emulator.requests().last().unwrap().json().unwrap()["status"],
        "DONE"
    );
    assert!(
        page.videos()
            .iter()
            .all(|v| v.status() == Some(memories::Status::Done))
    );
    assert!(!page.videos().is_empty());

    // A value the enum folds (PARSE_ERROR reads as Failed) or does not know: raw.
    let raw =
        ListVideosV1Request::default().with_status(memories::Status::Unknown("PARSE_ERROR".into()));
    let page = mem.list_videos_v1(&raw).unwrap();
    assert_eq!(
        emulator.requests().last().unwrap().json().unwrap()["status"],
        "PARSE_ERROR"
    );
    assert!(page.videos().iter().all(|v| v.is_failed()));
    assert!(!page.videos().is_empty());
}

#[test]
fn accounts_from_the_environment() {
    let emulator = Emulator::start().unwrap();
    let base = emulator.base_url().to_owned();
    let vars: HashMap<&str, String> = HashMap::from([
        ("USEAPI_TOKEN", USEAPI_TOKEN.to_owned()),
        ("USEAPI_BASE_URL", base.clone()),
        ("MEMORIES_API_KEY", MEMORIES_KEY.to_owned()),
        ("MEMORIES_BASE_URL", base.clone()),
        ("HOURONE_API_KEY", "   ".to_owned()), // blank: not set
    ]);
    let accounts = Accounts::from_vars(|name| vars.get(name).cloned()).unwrap();
    assert_eq!(
        accounts.providers(),
        [Provider::MiniMax, Provider::PixVerse, Provider::Memories]
    );
    assert_eq!(accounts.useapi.as_ref().unwrap().base_url(), base);
    assert!(accounts.require(Provider::PixVerse).is_ok());
    let missing = accounts.require(Provider::HourOne).unwrap_err();
    assert!(
        matches!(&missing, Error::NotConfigured { variables, .. } if variables == &["HOURONE_API_KEY"])
    );
    assert_eq!(
        missing.to_string(),
        "HOURONE_API_KEY is not set (Hour One needs it)"
    );
    let found = accounts
        .find_in(
            Provider::PixVerse,
            "user:<userid>-pixverse:me@example.com-video:1001",
            &Scope::default(),
        )
        .unwrap();
    assert!(found.is_some());

    let none = Accounts::from_vars(|_| None).unwrap_err();
    assert!(
        none.to_string()
            .contains("USEAPI_TOKEN, HOURONE_API_KEY or MEMORIES_API_KEY")
    );
    let one = UseApi::from_vars(|_| None).unwrap_err();
    assert_eq!(
        one.to_string(),
        "USEAPI_TOKEN is not set (MiniMax and PixVerse need it)"
    );

    // Plain http: refused with the variable that allows it, accepted with it.
    let insecure = |allow: Option<&str>| {
        let allow = allow.map(str::to_owned);
        HourOne::from_vars(move |name| match name {
            "HOURONE_API_KEY" => Some("k".into()),
            "HOURONE_BASE_URL" => Some("http://api.example.com/api/v1".into()),
            "VIDAPI_ALLOW_HTTP" => allow.clone(),
            _ => None,
        })
    };
    let refused = insecure(None).unwrap_err().to_string();
    assert!(
        refused.contains("HOURONE_BASE_URL") && refused.contains("VIDAPI_ALLOW_HTTP=1"),
        "{refused}"
    );
    assert!(insecure(Some("0")).is_err());
    assert_eq!(
        insecure(Some("1")).unwrap().base_url(),
        "http://api.example.com/api/v1"
    );
    assert!(insecure(Some("maybe")).is_err());

    // The proxy variable reaches every client (shown redacted).
    let proxied = Memories::from_vars(|name| match name {
        "MEMORIES_API_KEY" => Some("k".into()),
        "VIDAPI_PROXY" => Some("http://user:pw@proxy.lan:3128".into()),
        _ => None,
    })
    .unwrap();
    assert!(format!("{proxied:?}").contains("proxy.lan:3128"));
}

#[test]
fn wait_for_ends_with_the_providers_own_video() {
    let emulator = Emulator::start().unwrap();
    let accounts = Accounts {
        memories: Some(Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap()),
        ..Default::default()
    };
    let (timeout, every) = (Duration::from_secs(5), Duration::from_millis(10));
    let failed = accounts
        .wait_for(
            Provider::Memories,
            "VI700000000000000003",
            &Scope::default(),
            timeout,
            every,
            |_| {},
        )
        .unwrap();
    let ProviderVideo::Memories(video) = &failed else {
        panic!("{failed:?}")
    };
    assert_eq!(video.status, Some("PARSE_ERROR".into()));
    assert!(failed.is_final() && failed.is_failed());
}
