//! What one decode found: paths, the per-decode recorder, and the walk of
//! an already parsed value (for schemas that no generated type comes from).

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use super::Kind;
use super::schema::{ANY, Node, NodeId, Scalar, Schema, Types, UNDECLARED};
use crate::redact::{REDACTED, Secrets, is_secret_field, userinfo_in_text};

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

/// Longest example shown, in characters of JSON text.
const EXAMPLE_CHARS: usize = 80;

/// Longest example text kept before redaction, in bytes: far more than is
/// shown, so that a credential is whole when it is looked for, and bounded,
/// so that a huge value costs no more than this.
const EXAMPLE_KEEP: usize = 16 * 1024;

/// One finding of one decode, before it is merged into a client's log.
/// `example` is the value's text, not yet redacted or shortened (see
/// [`Redactor::example`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Local {
    pub path: String,
    pub kind: Kind,
    pub seen: &'static str,
    pub expected: String,
    pub example: String,
    pub count: u64,
}

/// Removes credentials from an example and then shortens it: the order
/// matters, since a credential cut in two no longer matches itself.
#[derive(Clone, Debug, Default)]
pub(crate) struct Redactor {
    /// Texts never shown, longest first (a URL goes whole before its parts).
    secrets: Secrets,
}

/// The shortest start of a credential that is redacted where an example is
/// cut (a shorter one is too likely to be a coincidence).
const PARTIAL_MIN: usize = 4;

impl Redactor {
    /// A redactor of `secrets` (empty ones are ignored).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        Redactor {
            secrets: Secrets::new(secrets),
        }
    }

    /// The example as shown: every secret and every URL's `user:password@`
    /// replaced by `[redacted]`, then cut to [`EXAMPLE_CHARS`] characters,
    /// and a cut that ends in the start of a secret loses that start too.
    pub fn example(&self, text: &str) -> String {
        let clean = userinfo_in_text(&self.secrets.text(text));
        if clean.chars().count() <= EXAMPLE_CHARS {
            return clean;
        }
        let mut short: String = clean.chars().take(EXAMPLE_CHARS).collect();
        if let Some(partial) = self.partial_suffix(&short) {
            short.truncate(short.len() - partial);
            short.push_str(REDACTED);
        }
        short.push('…');
        short
    }

    /// The length of the longest end of `shown` that starts a secret.
    fn partial_suffix(&self, shown: &str) -> Option<usize> {
        let mut longest = None;
        for secret in self.secrets.iter() {
            let most = secret.len().min(shown.len());
            for len in (PARTIAL_MIN.min(secret.len())..=most).rev() {
                if len > 0
                    && shown.is_char_boundary(shown.len() - len)
                    && secret.is_char_boundary(len)
                    && shown.ends_with(&secret[..len])
                {
                    longest = longest.max(Some(len));
                    break;
                }
            }
        }
        longest
    }
}

/// A value's text for an example: bounded to [`EXAMPLE_KEEP`] bytes (at a
/// character boundary).
pub(crate) fn keep(text: &str) -> String {
    if text.len() <= EXAMPLE_KEEP {
        return text.to_owned();
    }
    let mut end = EXAMPLE_KEEP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
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

    /// A value of a type the node does not accept (`seen`, as the scan saw
    /// it), with its source text: the finding a walk of the parsed value
    /// gives, without parsing it (which can fail on what serde cannot hold).
    #[cold]
    pub fn mismatch(&self, id: NodeId, path: &Path<'_>, seen: Types, raw: &[u8]) {
        let node = self.schema.node(id);
        self.record(path, Kind::TypeMismatch, seen, || {
            (node.accepts.declared(), source_example(raw))
        });
    }

    /// A key the schema does not declare, with its value's type as the scan
    /// saw it and its source text.
    #[cold]
    pub fn undeclared_raw(&self, path: &Path<'_>, seen: Types, raw: &[u8]) {
        self.record(path, Kind::UnknownField, seen, || {
            (String::new(), source_example(raw))
        });
    }

    /// A value at a place that lists its known values, which cannot be
    /// read as a value (a lone surrogate): it is none of the known ones.
    #[cold]
    pub fn unreadable_value(&self, id: NodeId, path: &Path<'_>, seen: Types, raw: &[u8]) {
        let node = self.schema.node(id);
        self.record(path, Kind::UnknownValue, seen, || {
            (known_list(node), source_example(raw))
        });
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
                (node.accepts.declared(), value.to_value().to_string())
            });
        } else if seen != Types::NULL && !node.knows(value) {
            self.record(path, Kind::UnknownValue, seen, || {
                (known_list(node), value.to_value().to_string())
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
            (node.accepts.declared(), value_example(value))
        });
        false
    }

    /// A key the schema does not declare, with its value.
    pub fn undeclared(&self, path: &Path<'_>, value: &Value) {
        self.record(path, Kind::UnknownField, Types::of(value), || {
            (String::new(), value_example(value))
        });
    }

    #[cold]
    fn record(
        &self,
        path: &Path<'_>,
        kind: Kind,
        seen: Types,
        detail: impl FnOnce() -> (String, String),
    ) {
        let rendered = path.render();
        let mut found = self.found.borrow_mut();
        let key = (rendered, kind, seen.name());
        if let Some(local) = found.get_mut(&key) {
            local.count += 1;
            return;
        }
        let (expected, example) = detail();
        let example = if path.last_key().is_some_and(is_secret_field) {
            REDACTED.to_owned()
        } else {
            example
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

/// A parsed value's text for an example, bounded.
fn value_example(value: &Value) -> String {
    keep(&value.to_string())
}

/// A value's example from its source text: compact JSON when serde can
/// hold the value, else the text as sent (a number beyond `f64`, nesting
/// deeper than serde's limit, a lone surrogate), bounded.
fn source_example(raw: &[u8]) -> String {
    // The bytes as sent, with only the whitespace between tokens taken out:
    // never re-rendered through a parsed value, which would show `-0` as
    // `-0.0`, `1e3` as `1000.0` and `"\u0041"` as `"A"`.
    let end = raw.len().min(EXAMPLE_KEEP);
    let mut out = Vec::with_capacity(end);
    let (mut in_string, mut escaped) = (false, false);
    for &b in &raw[..end] {
        if in_string {
            out.push(b);
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if !b.is_ascii_whitespace() {
            in_string = b == b'"';
            out.push(b);
        }
    }
    keep(String::from_utf8_lossy(&out).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_go_before_the_cut() {
        let key = "sk-live-0123456789abcdef";
        let redactor = Redactor::new([key.to_owned()]);
        // The key straddles character 80: cutting first would leave most
        // of it, which then no longer matches the key.
        let text = format!("\"{}{key} tail\"", "x".repeat(66));
        let shown = redactor.example(&text);
        assert!(!shown.contains("sk-live-0123"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        // Only a start of the key in the text, cut at the boundary.
        let text = format!("\"{}sk-live-01", "y".repeat(69));
        let shown = redactor.example(&format!("{text}{}\"", "z".repeat(40)));
        assert!(!shown.contains("sk-live"), "{shown}");
        let text = format!("{}sk-l", "y".repeat(76));
        let shown = redactor.example(&format!("{text}{}", "q".repeat(40)));
        assert!(
            shown.ends_with("[redacted]…") && !shown.contains("sk-l"),
            "{shown}"
        );
    }

    #[test]
    fn userinfo_of_any_url_is_redacted() {
        let shown = Redactor::default()
            .example(r#"{"proxy":"http://alice:s3cret@proxy.lan:3128/x","m":"https://cdn/x@y"}"#);
        assert_eq!(
            shown,
            r#"{"proxy":"http://[redacted]@proxy.lan:3128/x","m":"https://cdn/x@y"}"#
        );
        let proxy = "http://proxy.lan:3128";
        let shown = Redactor::new([proxy.to_owned()]).example(&format!("\"{proxy}\""));
        assert_eq!(shown, "\"[redacted]\"");
    }
}
