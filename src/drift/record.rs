//! What one decode found: paths, the per-decode recorder, and the walk of
//! an already parsed value (for schemas that no generated type comes from).

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use super::Kind;
use super::schema::{ANY, Node, NodeId, Scalar, Schema, Types, UNDECLARED};

/// Where a value sits in its payload, as a chain up to the root. Built on
/// the stack while decoding and rendered only when something is recorded.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    /// A member, by its key as sent (JSON text, so UTF-8 once decoded).
    Key(&'a Path<'a>, &'a [u8]),
    /// Any element of an array: indices are collapsed, so 2,000 videos with
    /// the same new field are one finding.
    Item(&'a Path<'a>),
}

impl Path<'_> {
    /// `data.videos[].status`; the root itself is the empty string.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&String::from_utf8_lossy(key));
            }
            Path::Item(parent) => {
                parent.write(out);
                out.push_str("[]");
            }
        }
    }

    fn last_key(&self) -> Option<&[u8]> {
        match self {
            Path::Root => None,
            Path::Key(_, key) => Some(key),
            Path::Item(parent) => parent.last_key(),
        }
    }
}

/// Longest example kept, in characters of JSON text.
const EXAMPLE_CHARS: usize = 80;

/// One finding of one decode, before it is merged into a client's log.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Local {
    pub path: String,
    pub kind: Kind,
    pub seen: &'static str,
    pub expected: String,
    pub example: String,
    pub count: u64,
}

/// Collects the findings of one decode. Single-threaded by design (one
/// decode is); the client's shared log takes the result in one lock.
pub(crate) struct Recorder<'s> {
    schema: &'s Schema,
    found: RefCell<HashMap<(String, Kind, &'static str), Local>>,
}

impl<'s> Recorder<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        Recorder {
            schema,
            found: RefCell::new(HashMap::new()),
        }
    }

    #[inline]
    pub fn node(&self, id: NodeId) -> &Node {
        self.schema.node(id)
    }

    pub fn finish(self) -> Vec<Local> {
        let mut found: Vec<Local> = self.found.into_inner().into_values().collect();
        found.sort_by(|a, b| (&a.path, a.kind, a.seen).cmp(&(&b.path, b.kind, b.seen)));
        found
    }

    /// Checks a scalar's type and, where the node lists them, its value.
    /// Inlined: it runs for every leaf, and almost always finds nothing.
    #[inline]
    pub fn scalar(&self, id: NodeId, path: &Path<'_>, value: &Scalar<'_>) {
        let node = self.schema.node(id);
        if node.known.is_none() && node.accepts.contains(value.types()) {
            return;
        }
        self.scalar_drift(node, path, value);
    }

    #[cold]
    #[inline(never)]
    fn scalar_drift(&self, node: &Node, path: &Path<'_>, value: &Scalar<'_>) {
        let seen = value.types();
        if !node.accepts.contains(seen) {
            self.record(path, Kind::TypeMismatch, seen, || {
                (node.accepts.declared(), value.to_value())
            });
        } else if seen != Types::NULL && !node.knows(value) {
            self.record(path, Kind::UnknownValue, seen, || {
                (known_list(node), value.to_value())
            });
        }
    }

    /// Checks an object's or array's type; whether to look inside it.
    fn container(&self, id: NodeId, path: &Path<'_>, value: &Value) -> bool {
        let node = self.schema.node(id);
        let seen = Types::of(value);
        if node.accepts.contains(seen) {
            return !node.leaf;
        }
        self.record(path, Kind::TypeMismatch, seen, || {
            (node.accepts.declared(), value.clone())
        });
        false
    }

    /// A key the schema does not declare, with its value.
    pub fn undeclared(&self, path: &Path<'_>, value: &Value) {
        self.record(path, Kind::UnknownField, Types::of(value), || {
            (String::new(), value.clone())
        });
    }

    #[cold]
    fn record(
        &self,
        path: &Path<'_>,
        kind: Kind,
        seen: Types,
        detail: impl FnOnce() -> (String, Value),
    ) {
        let rendered = path.render();
        let mut found = self.found.borrow_mut();
        let key = (rendered, kind, seen.name());
        if let Some(local) = found.get_mut(&key) {
            local.count += 1;
            return;
        }
        let (expected, example) = detail();
        let example = if path.last_key().is_some_and(looks_secret) {
            "[redacted]".to_owned()
        } else {
            shorten(&example)
        };
        found.insert(
            key.clone(),
            Local {
                path: key.0,
                kind,
                seen: seen.name(),
                expected,
                example,
                count: 1,
            },
        );
    }

    /// Checks an already parsed value; the same findings as scanning its
    /// text with [`super::scan::scan`] records (a test holds them equal).
    pub fn walk(&self, id: NodeId, path: &Path<'_>, value: &Value) {
        match id {
            ANY => return,
            UNDECLARED => return self.undeclared(path, value),
            _ => {}
        }
        match value {
            Value::Array(items) => {
                if self.container(id, path, value) {
                    let items_node = self.node(id).items;
                    let here = Path::Item(path);
                    for item in items {
                        self.walk(items_node, &here, item);
                    }
                }
            }
            Value::Object(members) => {
                if self.container(id, path, value) {
                    for (key, member) in members {
                        let child = self.node(id).property(key.as_bytes());
                        self.walk(child, &Path::Key(path, key.as_bytes()), member);
                    }
                }
            }
            Value::Null => self.scalar(id, path, &Scalar::Null),
            Value::Bool(b) => self.scalar(id, path, &Scalar::Bool(*b)),
            Value::String(s) => self.scalar(id, path, &Scalar::Text(s)),
            Value::Number(n) => {
                let scalar = match (n.as_i64(), n.as_u64()) {
                    (Some(v), _) => Scalar::Int(i128::from(v)),
                    (None, Some(v)) => Scalar::Int(i128::from(v)),
                    _ => Scalar::Float(n.as_f64().unwrap_or(f64::NAN)),
                };
                self.scalar(id, path, &scalar);
            }
        }
    }
}

fn known_list(node: &Node) -> String {
    let values = node.known.as_deref().unwrap_or_default();
    let shown: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("known: {}", shown.join(", "))
}

/// Field names whose values are never quoted in a finding.
fn looks_secret(key: &[u8]) -> bool {
    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "credential",
        "cookie",
    ]
    .iter()
    .any(|word| key.contains(word))
}

fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= EXAMPLE_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(EXAMPLE_CHARS).collect();
    short.push('…');
    short
}
