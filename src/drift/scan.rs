//! Drift recording as a second, byte-level pass over a body that has
//! already decoded.
//!
//! Why a second pass and not a wrapper around the decoder: the typed decode
//! is the hot path, and every layer put between serde and its visitor cost
//! more than the check itself (a `Deserializer` wrapper came to 1.4× the
//! decode on the 2,000-video PixVerse page). This scan needs none of serde:
//! the body is known to be valid JSON (the decode just accepted it), so it
//! only has to find where each value starts and ends, look each key up in
//! the compiled schema and compare the value's JSON type with what the
//! schema accepts. Strings are not copied, unescaped or validated; numbers
//! are not parsed. Only a value that is drift is parsed, into a `Value`, for
//! the finding's example.
//!
//! Being schema-guided and independent of the generated types, it has none
//! of serde's blind spots: keys inside untagged enums, flattened types or
//! values a type skips are all seen.

use serde_json::Value;

use super::record::{Path, Recorder};
use super::schema::{ANY, Extra, NodeId, Scalar, Schema, Types, UNDECLARED};

/// Checks `json`, a complete and valid JSON text, against the node `top`.
pub(crate) fn scan(json: &[u8], top: NodeId, rec: &Recorder<'_>) {
    let mut cursor = Cursor {
        json,
        at: 0,
        orders: Vec::new(),
    };
    cursor.value(top, &Path::Root, rec);
}

struct Cursor<'j> {
    json: &'j [u8],
    at: usize,
    /// Per object node, its declared keys (indices into its `properties`)
    /// in the order objects there have sent them (see [`learn`]). The
    /// objects of one array nearly always list their keys in one order, so
    /// the next key is predicted and checked with one comparison against
    /// the text, instead of being read and then looked up.
    orders: Vec<Vec<u32>>,
}

/// How far ahead in a learned order a key is looked for: the keys skipped
/// are ones this object left out (an optional field omitted).
const RESYNC: usize = 16;

/// After a key the order did not predict: when the key comes a little later
/// in the order, the object left out the ones between, and the prediction
/// continues after it; otherwise the key is new here and is learned in
/// place. So objects that omit different optional keys, or add one, cost
/// one lookup per difference, not one per key from there on.
fn learn(order: &mut Vec<u32>, position: &mut usize, index: u32, declared: usize) {
    let ahead = order
        .iter()
        .skip(*position)
        .take(RESYNC)
        .position(|&i| i == index);
    match ahead {
        Some(skipped) => *position += skipped + 1,
        // Bounded, whatever order keys come in.
        None if order.len() < 2 * declared => {
            order.insert(*position, index);
            *position += 1;
        }
        None => {}
    }
}

impl<'j> Cursor<'j> {
    #[inline]
    fn peek(&self) -> u8 {
        self.json.get(self.at).copied().unwrap_or(0)
    }

    #[inline]
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.json.get(self.at) {
            self.at += 1;
        }
    }

    /// Past the string that starts (at its quote) here; its raw content,
    /// and whether it has escapes.
    #[inline]
    fn string(&mut self) -> (&'j [u8], bool) {
        let start = self.at + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match self.json.get(i..).and_then(quote_or_escape) {
                Some(off) if self.json[i + off] == b'"' => {
                    i += off;
                    break;
                }
                Some(off) => {
                    escaped = true;
                    i += off + 2;
                }
                None => {
                    i = self.json.len();
                    break;
                }
            }
        }
        let end = i.min(self.json.len());
        self.at = end + 1;
        (&self.json[start..end], escaped)
    }

    /// Past the number, `true`, `false` or `null` that starts here; its type.
    #[inline]
    fn literal(&mut self) -> Types {
        let first = self.peek();
        let start = self.at;
        let mut fraction = false;
        while let Some(&b) = self.json.get(self.at) {
            match b {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => fraction = true,
                b'a'..=b'z' => {}
                _ => break,
            }
            self.at += 1;
        }
        match first {
            b't' | b'f' => Types::BOOLEAN,
            b'n' => Types::NULL,
            _ if fraction => Types::NUMBER,
            // Short integers fit 64 bits; `-0` is the one serde_json reads
            // as a float. Only longer ones are looked at closely.
            _ if self.at - start <= 2 => match &self.json[start..self.at] {
                b"-0" => Types::NUMBER,
                _ => Types::INTEGER,
            },
            _ if self.at - start <= 18 => Types::INTEGER,
            _ => long_integer(&self.json[start..self.at]),
        }
    }

    /// Past the value that starts here; its JSON type and its bytes.
    fn typed_skip(&mut self) -> (Types, &'j [u8]) {
        let start = self.at;
        let seen = match self.peek() {
            b'{' => Types::OBJECT,
            b'[' => Types::ARRAY,
            b'"' => Types::STRING,
            _ => {
                let seen = self.literal();
                return (seen, &self.json[start..self.at.min(self.json.len())]);
            }
        };
        self.at = start;
        (seen, self.skip())
    }

    /// Past the value that starts here, whatever it is; its bytes.
    fn skip(&mut self) -> &'j [u8] {
        let start = self.at;
        match self.peek() {
            b'"' => {
                self.string();
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&b) = self.json.get(self.at) {
                    match b {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                self.literal();
            }
        }
        &self.json[start..self.at.min(self.json.len())]
    }

    /// Checks the value that starts here against `id`, and moves past it.
    fn value(&mut self, id: NodeId, path: &Path<'_>, rec: &Recorder<'_>) {
        self.skip_space();
        match id {
            ANY => {
                self.skip();
                return;
            }
            UNDECLARED => {
                let (seen, raw) = self.typed_skip();
                rec.undeclared_raw(path, seen, raw);
                return;
            }
            _ => {}
        }
        let node = rec.node(id);
        let start = self.at;
        let seen = match self.peek() {
            b'{' => Types::OBJECT,
            b'[' => Types::ARRAY,
            b'"' => Types::STRING,
            // Scanned here already, to tell integers from other numbers.
            _ => self.literal(),
        };
        if !node.accepts.contains(seen) {
            // Drift: the finding a walk of the parsed value gives, with the
            // type the scan saw.
            self.at = start;
            let raw = self.skip();
            rec.mismatch(id, path, seen, raw);
            return;
        }
        match seen {
            Types::OBJECT if !node.leaf => return self.object(id, path, rec),
            Types::ARRAY if !node.leaf => return self.array(node.items, path, rec),
            Types::OBJECT | Types::ARRAY => {
                self.skip();
                return;
            }
            Types::STRING => {
                self.string();
            }
            _ => {}
        }
        if node.known.is_some() {
            let raw = &self.json[start..self.at.min(self.json.len())];
            match scalar(raw, seen) {
                Some(value) => rec.scalar(id, path, &value),
                // Escaped text or an odd number: parsed in full.
                None => match parse(raw) {
                    Some(value) => rec.walk(id, path, &value),
                    None => rec.unreadable_value(id, path, seen, raw),
                },
            }
        }
    }

    fn object(&mut self, id: NodeId, path: &Path<'_>, rec: &Recorder<'_>) {
        self.at += 1; // {
        let node = rec.node(id);
        let slot = id as usize;
        if self.orders.len() <= slot {
            self.orders.resize_with(slot + 1, Vec::new);
        }
        // Taken out while this object is scanned (a nested object of the
        // same node starts without a prediction), and put back after.
        let mut order = std::mem::take(&mut self.orders[slot]);
        // Where in `order` the next key is expected.
        let mut position = 0;
        // Undeclared members, recorded when the object ends so that a key
        // sent twice is one finding, of the value kept (the last, as the
        // decode keeps it). Empty, and so never allocated, for most objects.
        let mut undeclared: Vec<(Vec<u8>, Types, &'j [u8])> = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                b'"' => {}
                b'}' => {
                    self.at += 1;
                    break;
                }
                // A comma between members; anything else cannot occur in
                // JSON the decoder accepted, and ends the scan of this object.
                b',' => {
                    self.at += 1;
                    continue;
                }
                _ => break,
            }
            let predicted = order
                .get(position)
                .and_then(|&index| node.properties.get(index as usize));
            let unescaped;
            let (key, child) = match predicted {
                Some((name, child)) if self.key_is(name.as_bytes()) => {
                    self.at += name.len() + 2;
                    position += 1;
                    (name.as_bytes(), *child)
                }
                _ => {
                    let (raw, escaped) = self.string();
                    let key = if escaped {
                        unescaped = unescape(raw);
                        unescaped.as_bytes()
                    } else {
                        raw
                    };
                    let index = node.declared(key);
                    if let Some(index) = index {
                        learn(
                            &mut order,
                            &mut position,
                            index as u32,
                            node.properties.len(),
                        );
                    }
                    let child = index.map_or_else(|| node.undeclared(), |i| node.properties[i].1);
                    (key, child)
                }
            };
            self.skip_space();
            if self.peek() == b':' {
                self.at += 1;
            }
            if child == UNDECLARED {
                self.skip_space();
                let (seen, raw) = self.typed_skip();
                note_undeclared(&mut undeclared, key, seen, raw);
                continue;
            }
            self.value(child, &Path::Key(path, key), rec);
        }
        for (key, seen, raw) in &undeclared {
            rec.undeclared_raw(&Path::Key(path, key), *seen, raw);
        }
        self.orders[slot] = order;
    }

    /// Whether the string here is exactly `"name"`, with no escapes.
    #[inline]
    fn key_is(&self, name: &[u8]) -> bool {
        let start = self.at + 1;
        let end = start + name.len();
        self.json.get(end) == Some(&b'"')
            && self
                .json
                .get(start..end)
                .is_some_and(|text| same_bytes(text, name))
    }

    fn array(&mut self, items: NodeId, path: &Path<'_>, rec: &Recorder<'_>) {
        self.at += 1; // [
        let here = Path::Item(path);
        loop {
            self.skip_space();
            match self.peek() {
                b']' => {
                    self.at += 1;
                    return;
                }
                b',' => self.at += 1,
                0 if self.at >= self.json.len() => return,
                _ => self.value(items, &here, rec),
            }
        }
    }
}

/// An undeclared member, replacing an earlier one of the same key.
#[cold]
fn note_undeclared<'j>(
    pending: &mut Vec<(Vec<u8>, Types, &'j [u8])>,
    key: &[u8],
    seen: Types,
    raw: &'j [u8],
) {
    match pending.iter_mut().find(|(k, _, _)| k == key) {
        Some(earlier) => {
            earlier.1 = seen;
            earlier.2 = raw;
        }
        None => pending.push((key.to_vec(), seen, raw)),
    }
}

/// An integer literal of 19 or more characters: an `integer` when it fits
/// `i64` (what `FlexInt` holds), else a `number` (`FlexNumber` reads it; a
/// `FlexInt` field cannot, so it is a finding there).
#[cold]
fn long_integer(text: &[u8]) -> Types {
    let fits = std::str::from_utf8(text).is_ok_and(|t| t.parse::<i64>().is_ok());
    if fits { Types::INTEGER } else { Types::NUMBER }
}

/// Checks the root's shape against `top` (see [`crate::drift::Type::check`]
/// for the rules); `list` when `top` is the array of the root type. `json`
/// is valid JSON. The reason names what was found instead.
pub(crate) fn shape(json: &[u8], top: NodeId, schema: &Schema, list: bool) -> Result<(), String> {
    let mut cursor = Cursor {
        json,
        at: 0,
        orders: Vec::new(),
    };
    cursor.skip_space();
    let (seen, _) = cursor.typed_skip();
    let node = schema.node(top);
    if !node.accepts.contains(seen) {
        return Err(format!(
            "the payload is {} {seen}, where {} is declared",
            article(seen),
            node.accepts.declared()
        ));
    }
    if !list {
        return object_shape(&mut cursor, 0, top, schema, "the payload");
    }
    if seen != Types::ARRAY {
        return Ok(());
    }
    cursor.at = 0;
    cursor.skip_space();
    cursor.at += 1; // [
    let mut index = 0;
    loop {
        cursor.skip_space();
        match cursor.peek() {
            b']' | 0 => return Ok(()),
            b',' => cursor.at += 1,
            _ => {
                let start = cursor.at;
                let (seen, _) = cursor.typed_skip();
                let item = schema.node(node.items);
                let what = format!("item {index}");
                if !item.accepts.contains(seen) {
                    return Err(format!(
                        "{what} is {} {seen}, where {} is declared",
                        article(seen),
                        item.accepts.declared()
                    ));
                }
                let end = cursor.at;
                object_shape(&mut cursor, start, node.items, schema, &what)?;
                cursor.at = end;
                index += 1;
            }
        }
    }
}

/// Rules 2 and 3 for the object (if it is one) starting at `start`.
fn object_shape(
    cursor: &mut Cursor<'_>,
    start: usize,
    id: NodeId,
    schema: &Schema,
    what: &str,
) -> Result<(), String> {
    cursor.at = start;
    cursor.skip_space();
    if cursor.peek() != b'{' {
        return Ok(());
    }
    let node = schema.node(id);
    let open = !matches!(node.extra, Extra::Undeclared);
    cursor.at += 1;
    let (mut declared, mut others) = (0usize, Vec::new());
    loop {
        cursor.skip_space();
        match cursor.peek() {
            b'"' => {}
            b',' => {
                cursor.at += 1;
                continue;
            }
            _ => break,
        }
        let (raw, escaped) = cursor.string();
        let key = if escaped {
            unescape(raw).into_bytes()
        } else {
            raw.to_vec()
        };
        cursor.skip_space();
        if cursor.peek() == b':' {
            cursor.at += 1;
        }
        cursor.skip_space();
        let (seen, _) = cursor.typed_skip();
        let Some(index) = node.declared(&key) else {
            if others.len() < 4 {
                others.push(String::from_utf8_lossy(&key).into_owned());
            }
            continue;
        };
        declared += 1;
        let child = schema.node(node.properties[index].1);
        let structural = !child.leaf
            && (!child.properties.is_empty()
                || !matches!(child.extra, Extra::Undeclared)
                || child.items != ANY);
        if structural && seen != Types::NULL && !child.accepts.contains(seen) {
            return Err(format!(
                "{what}'s `{}` is {} {seen}, where {} is declared",
                String::from_utf8_lossy(&key),
                article(seen),
                child.accepts.declared()
            ));
        }
    }
    if declared == 0 && !others.is_empty() && !node.properties.is_empty() && !open {
        let names: Vec<&str> = node.properties.iter().map(|(n, _)| &**n).collect();
        let list = |names: &[&str]| {
            let mut text = names[..names.len().min(3)].join(", ");
            if names.len() > 3 {
                text.push_str(", …");
            }
            text
        };
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        return Err(format!(
            "{what} has none of the declared keys ({}), only others ({})",
            list(&names),
            list(&others)
        ));
    }
    Ok(())
}

fn article(t: Types) -> &'static str {
    if matches!(t, Types::INTEGER | Types::ARRAY | Types::OBJECT) {
        "an"
    } else {
        "a"
    }
}

/// Where the first `"` or `\\` is, eight bytes at a time: most strings
/// in a payload are short (keys, ids, statuses), too short for a SIMD
/// search to pay for its setup.
#[inline]
fn quote_or_escape(text: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = text.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A byte of `word ^ pattern` is zero where the text has that byte;
        // the lowest flagged byte is exact (carries only run upwards).
        let quote = word ^ (ONES * u64::from(b'"'));
        let escape = word ^ (ONES * u64::from(b'\\'));
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        let found = zero(quote) | zero(escape);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|at| offset + at)
}

/// Equality of two byte strings of the same length, eight bytes at a time
/// and inlined: keys are short, and a `memcmp` call for each cost more than
/// the comparison itself.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut left, mut right) = (a.chunks_exact(8), b.chunks_exact(8));
    let words = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().unwrap_or_default());
    if !(&mut left)
        .zip(&mut right)
        .all(|(x, y)| words(x) == words(y))
    {
        return false;
    }
    left.remainder() == right.remainder()
}

/// An escaped key as text (rare: keys are plain names).
#[cold]
fn unescape(raw: &[u8]) -> String {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).unwrap_or_default()
}

/// A scalar's value, for a place that lists its known values.
fn scalar(raw: &[u8], seen: Types) -> Option<Scalar<'_>> {
    let text = std::str::from_utf8(raw).ok()?;
    Some(match seen {
        Types::STRING => {
            let inner = text.strip_prefix('"')?.strip_suffix('"')?;
            if inner.contains('\\') {
                return None;
            }
            Scalar::Text(inner)
        }
        Types::INTEGER => Scalar::Int(text.parse().ok()?),
        Types::NUMBER => Scalar::Float(text.parse().ok()?),
        Types::BOOLEAN => Scalar::Bool(text == "true"),
        _ => Scalar::Null,
    })
}

/// A value whose known values are checked, parsed in full; `None` when
/// serde cannot hold it (a lone surrogate).
#[cold]
fn parse(raw: &[u8]) -> Option<Value> {
    serde_json::from_slice(raw).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::schema::Schema;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::compile(&json!({
            "title": "Page",
            "type": "object",
            "properties": {
                "items": {"type": ["array", "null"], "items": {"$ref": "#/definitions/Item"}},
                "total": {"$ref": "#/definitions/FlexInt"},
                "meta": {"type": "object", "additionalProperties": {"$ref": "#/definitions/FlexText"}},
                "blob": {}
            },
            "definitions": {
                "FlexInt": {"type": ["integer", "number", "string", "null"]},
                "FlexText": {"type": ["string", "number", "boolean", "null"]},
                "Item": {"type": "object", "properties": {
                    "id": {"$ref": "#/definitions/FlexText"},
                    "size": {"$ref": "#/definitions/FlexInt"},
                    "status": {"$ref": "#/definitions/FlexText", "x-known-values": ["DONE", "PARSE"]},
                    "code": {"$ref": "#/definitions/FlexInt", "x-known-values": [1, 5]}
                }}
            }
        }))
        .unwrap()
    }

    fn findings(
        schema: &Schema,
        json: &str,
    ) -> (
        Vec<super::super::record::Local>,
        Vec<super::super::record::Local>,
    ) {
        let scanned = Recorder::new(schema);
        scan(json.as_bytes(), schema.root, &scanned);
        let walked = Recorder::new(schema);
        let value: Value = serde_json::from_str(json).unwrap();
        walked.walk(schema.root, &Path::Root, &value);
        // The scan shows an example's bytes as sent, the walk can only
        // render the parsed value: compared as the values they denote.
        let same = |found: Vec<super::super::record::Local>| {
            found
                .into_iter()
                .map(|mut local| {
                    if let Ok(v) = serde_json::from_str::<Value>(&local.example) {
                        local.example = v.to_string();
                    }
                    local
                })
                .collect::<Vec<_>>()
        };
        (same(scanned.finish()), same(walked.finish()))
    }

    /// A finding's example is the value's bytes as sent (bar whitespace
    /// between tokens): `-0`, `1e3`, an escape, never a re-rendering.
    #[test]
    fn examples_show_the_bytes_as_sent() {
        let schema = schema();
        for (text, example) in [
            (r#"{"items":[{"size":-0}]}"#, "-0"),
            (r#"{"items":[{"size":1e3}]}"#, "1e3"),
            (r#"{"items":[{"size":1.50}]}"#, "1.50"),
            (r#"{"items":[{"size":"\u0031 2"}]}"#, r#""\u0031 2""#),
            (r#"{"items":[{"size":{ "a" : [1, 2] }}]}"#, r#"{"a":[1,2]}"#),
            (r#"{"items":[{"size":"a  b"}]}"#, r#""a  b""#),
        ] {
            let rec = Recorder::new(&schema);
            scan(text.as_bytes(), schema.root, &rec);
            let found = rec.finish();
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].example, example, "{text}");
        }
    }

    /// The scan must find exactly what a walk of the parsed value finds,
    /// whatever the layout and escapes of the text.
    #[test]
    fn the_scan_finds_what_a_walk_finds() {
        let schema = schema();
        let texts = [
            r#"{"items":[{"id":"a","size":3,"status":"DONE","code":1}],"total":1}"#,
            // Pretty-printed, with every kind of whitespace.
            "{\n\t\"items\" : [ {\r\n \"id\" : 7 , \"size\" : \"12\" } ] ,\n \"total\" : 2.5 }",
            // Escaped quotes and backslashes inside strings and keys.
            r#"{"items":[{"id":"a \"quoted\" \\ name","st\u0061tus":"DONE","new\"key":{"x":[1,"]"]}}]}"#,
            // An escaped status that is known once unescaped; one that is not.
            r#"{"items":[{"status":"D\u004fNE"},{"status":"PARSE_ERROR"},{"status":" parse "}]}"#,
            // Numbers: negative, exponent, too long for 64 bits, known codes.
            r#"{"items":[{"size":-4,"code":5},{"size":1e3,"code":7},{"size":123456789012345678901234}]}"#,
            // Containers where scalars are declared, and the reverse.
            r#"{"items":{"id":1},"total":[1,2],"meta":{"a":"x","b":{"deep":[{"k":"}"}]}}}"#,
            // Untyped places are not looked into; nulls are accepted.
            r#"{"blob":{"anything":[{"at":"all"}]},"items":null,"total":null,"meta":{"n":null}}"#,
            // Unicode in keys and values.
            r#"{"items":[{"id":"vidéo ✓","größe":"x"}],"ключ":true}"#,
            r#"[1,2]"#,
            r#""text""#,
            "  {}  ",
        ];
        for text in texts {
            let (scanned, walked) = findings(&schema, text);
            assert_eq!(scanned, walked, "{text}");
        }
        // The cases above do find drift: the comparison is not vacuous.
        let (found, _) = findings(&schema, texts[2]);
        let places: Vec<_> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(places, ["items[].new\"key"]);
    }

    /// The vendored JSONTestSuite-style values, straight through the scan
    /// (no typed decode in front): as an undeclared key and as a declared
    /// key of another type, each is one finding of the type its text has.
    #[test]
    fn y_values_are_one_finding_of_their_type() {
        let schema = schema();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jsontestsuite/values");
        let mut seen = 0;
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let trimmed = text.trim();
            let expected = match trimmed.as_bytes()[0] {
                b'{' => "object",
                b'[' => "array",
                b'"' => "string",
                b't' | b'f' => "boolean",
                b'n' => "null",
                _ if trimmed.contains(['.', 'e', 'E']) || trimmed == "-0" => "number",
                _ if trimmed.parse::<i64>().is_ok() => "integer",
                _ => "number",
            };
            let field = if expected == "string" { "size" } else { "id" };
            for (json, place, kind) in [
                (
                    format!(r#"{{"items":[{{"new":{text}}}]}}"#),
                    "items[].new",
                    crate::drift::Kind::UnknownField,
                ),
                (
                    format!(r#"{{"items":[{{"{field}":{text}}}]}}"#),
                    if field == "id" {
                        "items[].id"
                    } else {
                        "items[].size"
                    },
                    crate::drift::Kind::TypeMismatch,
                ),
            ] {
                let rec = Recorder::new(&schema);
                scan(json.as_bytes(), schema.root, &rec);
                let found = rec.finish();
                if expected == "null" && kind == crate::drift::Kind::TypeMismatch {
                    assert!(found.is_empty(), "{path:?}: {found:?}");
                    continue;
                }
                assert_eq!(found.len(), 1, "{path:?}: {found:?}");
                assert_eq!(
                    (found[0].path.as_str(), found[0].kind, found[0].seen),
                    (place, kind, expected),
                    "{path:?}"
                );
            }
            seen += 1;
        }
        assert!(seen >= 40, "{seen}");
    }

    #[test]
    fn quote_search_finds_the_first_quote_or_backslash() {
        let text = b"0123456789abcdef\\\"";
        for start in 0..text.len() {
            let expected = text[start..].iter().position(|&b| b == b'"' || b == b'\\');
            assert_eq!(quote_or_escape(&text[start..]), expected, "from {start}");
        }
        assert_eq!(quote_or_escape(b"no quote here at all"), None);
        assert_eq!(quote_or_escape(b""), None);
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            "items", "total", "meta", "blob", "id", "size", "status", "code", "new", "a\"b", "é",
        ])
        .prop_map(str::to_owned);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(Value::from),
            prop::sample::select(vec![
                "DONE",
                "PARSE",
                "x\"y",
                "back\\slash",
                "ü",
                "5",
                " done "
            ])
            .prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Any JSON, compact or pretty: the scan and the walk agree.
        #[test]
        fn the_scan_agrees_with_the_walk_on_any_json(value in any_json()) {
            let schema = schema();
            for text in [value.to_string(), serde_json::to_string_pretty(&value).unwrap()] {
                let (scanned, walked) = findings(&schema, &text);
                proptest::prop_assert_eq!(scanned, walked, "{}", text);
            }
        }
    }
}
