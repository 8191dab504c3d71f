//! Answers serialised once: a JSON value is turned into text when the
//! emulator starts, with holes where what changes between requests goes (an
//! email, a number, a list of items), so that an answer costs little more
//! than copying bytes, and is byte for byte what serialising the value with
//! the holes filled in would give.

use std::io::Write;

use serde_json::Value;

/// A JSON text with holes. A hole is a marker written into the value before
/// it was serialised: inside a string (`"prompt #@@n@@"`) it is filled with
/// text already escaped for a JSON string; as a whole value (the string
/// `"@@data@@"`, quotes included) with any JSON.
#[derive(Debug)]
pub(crate) struct Template {
    /// The text between the holes: one more than there are holes.
    parts: Vec<Box<[u8]>>,
    /// Which marker (its index in the list given to [`Template::new`]) each
    /// hole is, in the order they come in the text: object keys are ordered
    /// as serde_json orders them, which depends on its features.
    holes: Vec<usize>,
}

impl Template {
    /// Serialises `value` and cuts it at each of `markers` (searched for
    /// as they appear in the text), each of which must appear exactly once.
    ///
    /// # Panics
    /// When a marker is missing or appears twice: the values are built from
    /// the compiled-in fixtures, so this is a bug in the emulator.
    pub fn new(value: &Value, markers: &[&str]) -> Template {
        let text = serde_json::to_vec(value).expect("a JSON value serialises");
        let mut found: Vec<(usize, usize)> = markers
            .iter()
            .enumerate()
            .map(|(which, marker)| {
                let mut at = find_all(&text, marker.as_bytes());
                let first = at
                    .next()
                    .unwrap_or_else(|| panic!("{marker} not in template"));
                assert!(at.next().is_none(), "{marker} twice in template");
                (first, which)
            })
            .collect();
        found.sort_unstable();
        let mut parts = Vec::with_capacity(found.len() + 1);
        let mut from = 0;
        for &(at, which) in &found {
            assert!(at >= from, "markers overlap in template");
            parts.push(text[from..at].into());
            from = at + markers[which].len();
        }
        parts.push(text[from..].into());
        Template {
            parts,
            holes: found.into_iter().map(|(_, which)| which).collect(),
        }
    }

    /// How many bytes the template has besides its holes.
    pub fn fixed_len(&self) -> usize {
        self.parts.iter().map(|part| part.len()).sum()
    }

    /// Appends the text to `out`, with `fill(marker, out)` writing what goes
    /// into each hole.
    pub fn render(&self, out: &mut Vec<u8>, mut fill: impl FnMut(usize, &mut Vec<u8>)) {
        out.extend_from_slice(&self.parts[0]);
        for (&which, part) in self.holes.iter().zip(&self.parts[1..]) {
            fill(which, out);
            out.extend_from_slice(part);
        }
    }
}

/// Where `needle` starts in `haystack`, every time, without overlaps.
fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = haystack[from..]
            .windows(needle.len())
            .position(|window| window == needle)?
            + from;
        from = at + needle.len();
        Some(at)
    })
}

/// Appends a number's decimal digits.
pub(crate) fn number(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

/// `text` as it goes inside a JSON string: serde_json's escaping, without
/// the quotes.
pub(crate) fn escaped(text: &str) -> Vec<u8> {
    let mut quoted = serde_json::to_vec(text).unwrap_or_default();
    quoted.pop();
    quoted.remove(0);
    quoted
}

/// A JSON array of the given items, already serialised: `[a,b,…]`, as
/// serde_json writes a `Vec<Value>`.
pub(crate) fn array<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a [u8]>) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_filled_template_is_the_filled_value_serialised() {
        let value = json!({"z": "@@list@@", "id": "a:@@who@@:b", "n": "@@n@@"});
        let template = Template::new(&value, &["\"@@list@@\"", "@@who@@", "\"@@n@@\""]);
        let mut out = Vec::new();
        let who = "q\"uote/ü";
        template.render(&mut out, |hole, out| match hole {
            0 => array(out, [&b"1"[..], b"{}"]),
            1 => out.extend_from_slice(&escaped(who)),
            _ => number(out, 42),
        });
        let expected = json!({"z": [1, {}], "id": format!("a:{who}:b"), "n": 42});
        assert_eq!(out, serde_json::to_vec(&expected).unwrap());
        assert_eq!(template.fixed_len(), out.len() - 6 - escaped(who).len() - 2);
    }
}
