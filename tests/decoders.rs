//! Property tests: decoders never panic, and drifted payloads still decode.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use vidapi::wire::{FlexBool, FlexInt, FlexNumber, FlexText, NullableText};
use vidapi::{hourone, memories, minimax, pixverse};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("null"),
            Just(""),
            Just("12"),
            Just("1e3"),
            Just("true"),
            Just("-1"),
            Just("DONE")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every payload type of the endpoint table (`vidapi::endpoints`): a value
/// either does not decode, or decodes and comes back the same when written
/// and read again.
fn every_type(value: &Value) {
    let text = value.to_string();
    for spec in vidapi::endpoints::ENDPOINTS {
        for payload in spec.payloads() {
            let outcome = payload.round_trip(text.as_bytes());
            assert!(
                !matches!(outcome, vidapi::endpoints::RoundTrip::Changed(_)),
                "{} {}: {outcome:?}",
                payload.provider(),
                payload.type_name()
            );
        }
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Adds extra members to an object and replaces its status field.
fn drift(mut item: Value, extra: &Map<String, Value>, status_field: &str, status: &Value) -> Value {
    if let Value::Object(map) = &mut item {
        for (k, v) in extra {
            map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        map.insert(status_field.to_owned(), status.clone());
    }
    item
}

/// A status as a provider might send a new one: a number or a word.
fn any_status() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        "[A-Za-z_]{1,16}".prop_map(Value::from),
        Just(Value::Null)
    ]
}

fn extras() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x_[a-z]{1,8}", any_json(), 0..5)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_any_decoder(value in any_json()) {
        every_type(&value);
        // And wrapped the way each endpoint nests it.
        every_type(&json!([value.clone()]));
        every_type(&json!({"data": [value.clone()], "total": value.clone()}));
        every_type(&json!({"code": "0000", "data": {"videos": [value.clone()], "total_count": value}}));
    }

    #[test]
    fn tolerant_types_read_every_json_value(value in any_json()) {
        let text = value.to_string();
        // Any value at all decodes: that is the point of these types.
        prop_assert!(serde_json::from_str::<FlexInt>(&text).is_ok());
        prop_assert!(serde_json::from_str::<FlexNumber>(&text).is_ok());
        prop_assert!(serde_json::from_str::<FlexBool>(&text).is_ok());
        prop_assert!(serde_json::from_str::<FlexText>(&text).is_ok());
        prop_assert!(serde_json::from_str::<NullableText>(&text).is_ok());
    }

    #[test]
    fn documented_fixtures_with_extra_fields_and_new_statuses_still_decode(
        extra in extras(),
        status in any_status(),
    ) {
        let videos: Vec<Value> = fixture("minimax/videos.json").as_array().unwrap().iter()
            .map(|v| drift(v.clone(), &extra, "status", &status)).collect();
        let decoded: Vec<minimax::Video> = serde_json::from_value(Value::from(videos)).unwrap();
        prop_assert!(decoded.iter().all(|v| v.status().is_some() || status.is_null()));

        let mut page = fixture("pixverse/videos.json");
        let data: Vec<Value> = page["data"].as_array().unwrap().iter()
            .map(|v| drift(v.clone(), &extra, "video_status", &status)).collect();
        page["data"] = Value::from(data);
        let decoded: pixverse::VideoPage = serde_json::from_value(page).unwrap();
        for video in decoded.data.unwrap() {
            let _ = (video.status(), video.is_final(), video.playable_url(), video.created_at());
        }

        let listed: Vec<Value> = fixture("hourone/videos.json").as_array().unwrap().iter()
            .map(|v| drift(v.clone(), &extra, "status", &status)).collect();
        let decoded: Vec<hourone::Video> = serde_json::from_value(Value::from(listed)).unwrap();
        for video in decoded {
            let _ = (video.status(), video.is_final(), video.progress(), video.playable_url());
        }

        let mut envelope = fixture("memories/list-videos.json");
        let videos: Vec<Value> = envelope["data"]["videos"].as_array().unwrap().iter()
            .map(|v| drift(v.clone(), &extra, "status", &status)).collect();
        envelope["data"]["videos"] = Value::from(videos);
        let decoded: memories::ListVideosResponse = serde_json::from_value(envelope).unwrap();
        for video in decoded.data.unwrap().videos.unwrap() {
            let _ = (video.status(), video.created_at(), video.cause(), video.duration_secs());
        }
    }

    #[test]
    fn mutated_fixture_bytes_never_panic(
        name in prop::sample::select(
            vidapi::endpoints::fixtures().into_iter().map(|(path, _)| path).collect::<Vec<_>>()
        ),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut bytes = std::fs::read(path).unwrap();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        for spec in vidapi::endpoints::ENDPOINTS {
            for payload in spec.payloads() {
                let _ = payload.round_trip(&bytes);
                let _ = payload.check(&bytes);
            }
        }
    }
}

/// Found by `arbitrary_json_never_panics_any_decoder`: without serde_json's
/// `float_roundtrip`, this float re-read one ULP off after a round trip.
#[test]
fn floats_survive_a_round_trip_exactly() {
    let text = r#"{"detail": [-5.6729538301667565e264], "duration": 12.345678901234567}"#;
    let error: hourone::ValidationError = serde_json::from_str(text).unwrap();
    let again: hourone::ValidationError =
        serde_json::from_str(&serde_json::to_string(&error).unwrap()).unwrap();
    assert_eq!(error, again);
    let meta: hourone::VideoMetadata = serde_json::from_str(text).unwrap();
    assert_eq!(meta.duration_secs(), Some(12.345678901234567));
    let again: hourone::VideoMetadata =
        serde_json::from_str(&serde_json::to_string(&meta).unwrap()).unwrap();
    assert_eq!(meta, again);
}
