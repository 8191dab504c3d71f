//! The keyword-level rules of the diff: `required`, closed `enum`s,
//! `additionalProperties`, titles, `x-known-values` and keywords this
//! module does not interpret.

use serde_json::{Map, Value};

use super::{Differ, Effect, KNOWN, field_type, required_names};
use crate::schema::{definition, nullable_branch, same_known_value};

impl<'a> Differ<'a> {
    /// Names added to or removed from `required`. typify makes a required
    /// field bare (`String`, or `Option<String>` if it may be null) and an
    /// optional one an `Option` (a `Vec` or map stays bare): the API effect
    /// is whether that type changes. A response without a newly required
    /// field fails to decode.
    pub(super) fn required(
        &mut self,
        at: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) {
        let (before, after) = (required_names(old), required_names(new));
        fn prop<'m>(m: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
            m.get("properties")?.get(name)
        }
        let api = |name: &str, was: bool, is: bool| -> (Effect, String) {
            match (prop(old, name), prop(new, name)) {
                (Some(o), Some(n)) => {
                    let a = field_type(o, self.old_root, was);
                    let b = field_type(n, self.new_root, is);
                    let effect = if a == b {
                        Effect::None
                    } else {
                        Effect::Breaking
                    };
                    (effect, format!(" ({a} → {b})"))
                }
                // A required name with no property generates no field.
                _ => (Effect::None, String::new()),
            }
        };
        let mut found = Vec::new();
        for name in after.iter().filter(|n| !before.contains(n)) {
            let (effect, types) = api(name, false, true);
            found.push((
                format!("{at}.{name}"),
                "required-added",
                effect,
                Effect::Breaking,
                format!("{name} is now required: a response without it fails to decode{types}"),
            ));
        }
        for name in before.iter().filter(|n| !after.contains(n)) {
            let (effect, types) = api(name, true, false);
            found.push((
                format!("{at}.{name}"),
                "required-removed",
                effect,
                Effect::Additive,
                format!("{name} is no longer required{types}"),
            ));
        }
        for (here, rule, api, decoding, detail) in found {
            self.report(&here, rule, api, decoding, detail);
        }
    }

    pub(super) fn enums(&mut self, at: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        match (
            old.get("enum").and_then(Value::as_array),
            new.get("enum").and_then(Value::as_array),
        ) {
            (None, None) => {}
            (None, Some(_)) => self.report(
                at,
                "enum-added",
                Effect::Breaking,
                Effect::Breaking,
                "now a closed enum: any other value fails to decode".to_string(),
            ),
            (Some(_), None) => self.report(
                at,
                "enum-removed",
                Effect::Breaking,
                Effect::Additive,
                "no longer a closed enum".to_string(),
            ),
            (Some(before), Some(after)) => {
                for v in after.iter().filter(|v| !before.contains(v)) {
                    self.report(
                        at,
                        "enum-value-added",
                        Effect::Breaking,
                        Effect::Additive,
                        format!("value {v} added: matches on the enum are no longer exhaustive"),
                    );
                }
                for v in before.iter().filter(|v| !after.contains(v)) {
                    self.report(
                        at,
                        "enum-value-removed",
                        Effect::Breaking,
                        Effect::Breaking,
                        format!("value {v} removed: a response carrying it fails to decode"),
                    );
                }
            }
        }
    }

    pub(super) fn additional(
        &mut self,
        at: &str,
        old: &'a Map<String, Value>,
        new: &'a Map<String, Value>,
    ) {
        let (o, n) = (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        );
        let denied = |v: Option<&Value>| v == Some(&Value::Bool(false));
        let schema = |v: Option<&Value>| matches!(v, Some(Value::Object(_)));
        if denied(o) == denied(n) && schema(o) == schema(n) {
            if let (Some(o @ Value::Object(_)), Some(n @ Value::Object(_))) = (o, n) {
                self.node_as(&format!("{at}.*"), o, n, (true, true));
            }
            return;
        }
        if denied(n) {
            self.report(
                at,
                "additional-properties-denied",
                Effect::None,
                Effect::Breaking,
                "`additionalProperties: false`: any new field fails the whole response".to_string(),
            );
        } else if denied(o) {
            self.report(
                at,
                "additional-properties-allowed",
                Effect::None,
                Effect::Additive,
                "unknown fields are accepted again".to_string(),
            );
        } else if schema(n) {
            self.report(
                at,
                "additional-properties-added",
                Effect::Additive,
                Effect::None,
                "unknown members are now kept in an extra map".to_string(),
            );
        } else {
            self.report(
                at,
                "additional-properties-removed",
                Effect::Breaking,
                Effect::None,
                "unknown members are no longer kept".to_string(),
            );
        }
    }

    pub(super) fn title(&mut self, at: &str, old: &Value, new: &Value) {
        let (o, n) = (old.get("title"), new.get("title"));
        if o != n {
            let show = |v: Option<&Value>| v.map_or("(none)".to_string(), compact);
            // typify names a definition after its key, whatever its title;
            // the root and inline objects after their title.
            let definition_body =
                definition(self.new_root, at).is_some_and(|d| std::ptr::eq(d, new));
            let (api, what) = if definition_body {
                (Effect::None, "the Rust type keeps its definition's name")
            } else {
                (Effect::Breaking, "the Rust type is renamed")
            };
            self.report(
                at,
                "title-changed",
                api,
                Effect::None,
                format!("{what}: {} → {}", show(o), show(n)),
            );
        }
    }

    pub(super) fn known_values(&mut self, at: &str, old: &Value, new: &Value) {
        let list = |v: &Value| -> Vec<Value> {
            v.get("x-known-values")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (before, after) = (list(old), list(new));
        for v in after
            .iter()
            .filter(|v| !before.iter().any(|b| same_known_value(b, v)))
        {
            self.report(
                at,
                "known-value-added",
                Effect::Additive,
                Effect::None,
                format!(
                    "value {v} is now known: the `Status` enum gains an arm (additive: the enum is `#[non_exhaustive]`, so every match outside the crate already has a wildcard arm)"
                ),
            );
        }
        for v in before
            .iter()
            .filter(|v| !after.iter().any(|a| same_known_value(a, v)))
        {
            self.report(
                at,
                "known-value-removed",
                Effect::None,
                Effect::None,
                format!("value {v} is no longer known"),
            );
        }
    }

    pub(super) fn unknown_keywords(&mut self, at: &str, old: &Value, new: &Value) {
        let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
            return;
        };
        let wrapper = |node: &Value| nullable_branch(node).map(|(_, key)| key);
        let skip = |key: &str| {
            KNOWN.contains(&key) || Some(key) == wrapper(old) || Some(key) == wrapper(new)
        };
        let mut keys: Vec<&String> = o.keys().collect();
        keys.extend(n.keys().filter(|k| !o.contains_key(*k)));
        for key in keys {
            if skip(key) {
                continue;
            }
            let (a, b) = (o.get(key), n.get(key));
            if a != b {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_string(), compact);
                self.report(
                    at,
                    "unknown-keyword-changed",
                    Effect::Breaking,
                    Effect::Breaking,
                    format!("`{key}` changed: {} → {}; review by hand", show(a), show(b)),
                );
            }
        }
    }
}

pub(super) fn compact(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}
