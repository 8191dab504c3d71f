//! Tolerant wire types: what providers really send, read without failing.
//!
//! This is the one description of the tolerant types; the schema tools, the
//! generator and the README point here.
//!
//! # What they are
//!
//! Every schema under `schemas/` types its leaf fields with one of five
//! definitions, and the generator (`src/codegen.rs`, run by `build.rs`) maps
//! each onto the type here instead of generating one:
//!
//! | definition     | Rust type          | reads                                                        | default `x-wire-types` |
//! |----------------|--------------------|--------------------------------------------------------------|------------------------|
//! | `FlexText`     | [`FlexText`]       | any value; numbers and booleans as their JSON text           | `string`               |
//! | `FlexInt`      | [`FlexInt`]        | a whole number, as a JSON number or a numeric string         | `integer`              |
//! | `FlexNumber`   | [`FlexNumber`]     | a number, as a JSON number or a numeric string               | `number`, `integer`    |
//! | `FlexBool`     | [`FlexBool`]       | `true`/`false`, `0`/`1`, `"true"`/`"false"`/`"0"`/`"1"`      | `boolean`              |
//! | `NullableText` | [`NullableText`]   | text where `"null"` or `""` means no value                   | `string`               |
//!
//! Each type reads every JSON value: a value it cannot interpret is kept raw
//! (the `Other` arm of the number and flag types) rather than failing the whole response, because one odd
//! field the caller never looks at must not cost them the other forty-seven.
//! `null` reads as absent. Tolerant numbers compare with plain ones
//! (`FlexInt == 3`, `FlexNumber == 5.5`, `FlexBool == true`).
//!
//! # How the schemas use them
//!
//! - A schema file carries the definitions it uses, with fixed bodies
//!   (`vidapi::schema::Flex::definition`), so each file stands alone.
//! - `x-wire-types` on a leaf lists the JSON types it is known to arrive as;
//!   without it the default above applies. A value of another type still
//!   decodes, and is reported as drift.
//! - Request schemas (`"x-vidapi-direction": "request"`) are written by this
//!   client and never use them: the build refuses a `Flex*` reference there.
//! - `vidapi schema update` moves a leaf to a wider definition when a sample
//!   cannot be read (`FlexInt` → `FlexNumber` → `FlexText`, `FlexBool` →
//!   `FlexInt` or `FlexText`) and widens `x-wire-types` when it can.
//! - The benchmarks compare them with strict twins (`FlexText` → `String`,
//!   `FlexInt` → `i64`, …; `cargo bench --features bench-strict`).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// One JSON value as it came off the wire, before a tolerant type interprets it.
enum Scalar {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    Other(Value),
}

/// Reads any JSON value straight into the tolerant type `T`: each visit
/// builds `T` from the [`Scalar`] it saw, and inlining folds the two steps
/// into one, so a string costs the one allocation a `String` field makes
/// and a number none. (Returning a `Scalar` from its own visitor first cost
/// a move of the whole enum and a call per field.)
struct Direct<T>(std::marker::PhantomData<T>);

impl<'de, T: From<Scalar>> Visitor<'de> for Direct<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    #[inline]
    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok(T::from(Scalar::Bool(v)))
    }
    #[inline]
    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::from(Scalar::Int(v)))
    }
    #[inline]
    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::from(i64::try_from(v).map_or_else(
            |_| Scalar::Other(Value::from(v)),
            Scalar::Int,
        )))
    }
    #[inline]
    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Ok(T::from(Scalar::Float(v)))
    }
    #[inline]
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::from(Scalar::Text(v.to_owned())))
    }
    #[inline]
    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::from(Scalar::Text(v)))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::from(Scalar::Other(Value::Null)))
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::from(Scalar::Other(Value::Null)))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq))
            .map(|v| T::from(Scalar::Other(v)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|v| T::from(Scalar::Other(v)))
    }
}

fn float_value(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// A whole number in `i64` range, if `v` is one exactly.
fn exact_int(v: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    (v.is_finite() && v.fract() == 0.0 && v >= -(2f64.powi(63)) && v < 2f64.powi(63))
        .then_some(v as i64)
}

/// A whole number sent as a JSON number (`12`, `12.0`, `1e3`) or as a
/// numeric string (`"12"`). Anything else is kept as [`FlexInt::Other`].
#[derive(Clone, Debug, PartialEq)]
pub enum FlexInt {
    /// The value, read as a whole number.
    Int(i64),
    /// What was sent when it is not a whole number in `i64` range.
    Other(Box<Value>),
}

impl FlexInt {
    /// The number, when the provider sent one.
    pub fn get(&self) -> Option<i64> {
        match self {
            FlexInt::Int(v) => Some(*v),
            FlexInt::Other(_) => None,
        }
    }

    fn from_text(text: String) -> Self {
        let trimmed = text.trim();
        trimmed
            .parse::<i64>()
            .ok()
            .or_else(|| trimmed.parse::<f64>().ok().and_then(exact_int))
            .map_or(FlexInt::Other(Box::new(Value::String(text))), FlexInt::Int)
    }
}

impl From<i64> for FlexInt {
    fn from(v: i64) -> Self {
        FlexInt::Int(v)
    }
}

impl From<Scalar> for FlexInt {
    #[inline]
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Int(v) => FlexInt::Int(v),
            Scalar::Float(v) => {
                exact_int(v).map_or(FlexInt::Other(Box::new(float_value(v))), FlexInt::Int)
            }
            Scalar::Text(t) => FlexInt::from_text(t),
            Scalar::Bool(b) => FlexInt::Other(Box::new(Value::Bool(b))),
            Scalar::Other(v) => FlexInt::Other(Box::new(v)),
        }
    }
}

/// A number sent as a JSON number or as a numeric string (`"12.5"`).
/// Anything else is kept as [`FlexNumber::Other`].
#[derive(Clone, Debug, PartialEq)]
pub enum FlexNumber {
    /// The value, read as a finite number.
    Number(f64),
    /// What was sent when it is not a number.
    Other(Box<Value>),
}

impl FlexNumber {
    /// The number, when the provider sent one.
    pub fn get(&self) -> Option<f64> {
        match self {
            FlexNumber::Number(v) => Some(*v),
            FlexNumber::Other(_) => None,
        }
    }
}

impl From<f64> for FlexNumber {
    fn from(v: f64) -> Self {
        FlexNumber::Number(v)
    }
}

impl From<Scalar> for FlexNumber {
    #[inline]
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Int(v) => FlexNumber::Number(v as f64),
            Scalar::Float(v) => FlexNumber::Number(v),
            Scalar::Text(t) => match t.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => FlexNumber::Number(v),
                _ => FlexNumber::Other(Box::new(Value::String(t))),
            },
            Scalar::Bool(b) => FlexNumber::Other(Box::new(Value::Bool(b))),
            // An integer beyond `i64` (up to `u64::MAX`) is still a number.
            Scalar::Other(Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => {
                FlexNumber::Number(n.as_f64().unwrap_or_default())
            }
            Scalar::Other(v) => FlexNumber::Other(Box::new(v)),
        }
    }
}

/// A flag sent as a JSON boolean, as `0`/`1`, or as `"true"`/`"false"`/`"0"`/`"1"`.
/// Anything else is kept as [`FlexBool::Other`].
#[derive(Clone, Debug, PartialEq)]
pub enum FlexBool {
    /// The flag.
    Bool(bool),
    /// What was sent when it is not a recognisable flag.
    Other(Box<Value>),
}

impl FlexBool {
    /// The flag, when the provider sent a recognisable one.
    pub fn get(&self) -> Option<bool> {
        match self {
            FlexBool::Bool(v) => Some(*v),
            FlexBool::Other(_) => None,
        }
    }
}

impl From<bool> for FlexBool {
    fn from(v: bool) -> Self {
        FlexBool::Bool(v)
    }
}

impl From<Scalar> for FlexBool {
    #[inline]
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Bool(b) => FlexBool::Bool(b),
            Scalar::Int(0) => FlexBool::Bool(false),
            Scalar::Int(1) => FlexBool::Bool(true),
            Scalar::Int(v) => FlexBool::Other(Box::new(Value::from(v))),
            Scalar::Float(v) => FlexBool::Other(Box::new(float_value(v))),
            Scalar::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => FlexBool::Bool(true),
                "false" | "0" => FlexBool::Bool(false),
                _ => FlexBool::Other(Box::new(Value::String(t))),
            },
            Scalar::Other(v) => FlexBool::Other(Box::new(v)),
        }
    }
}

/// Text as the provider sends it. Numbers and booleans are read as their
/// JSON text (`12` becomes `"12"`), objects and arrays as their JSON text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlexText(String);

impl FlexText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, or `None` when it is empty: providers send `""` for
    /// "not there yet" (a URL before rendering, for one).
    pub fn non_empty(&self) -> Option<&str> {
        (!self.0.trim().is_empty()).then_some(self.0.as_str())
    }

    /// The text as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for FlexText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for FlexText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for FlexText {
    fn from(v: &str) -> Self {
        FlexText(v.to_owned())
    }
}

impl From<String> for FlexText {
    fn from(v: String) -> Self {
        FlexText(v)
    }
}

impl From<Scalar> for FlexText {
    #[inline]
    fn from(s: Scalar) -> Self {
        FlexText(match s {
            Scalar::Text(t) => t,
            Scalar::Int(v) => v.to_string(),
            Scalar::Float(v) => float_value(v).to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Other(Value::Null) => String::new(),
            Scalar::Other(v) => v.to_string(),
        })
    }
}

/// Text where the provider writes the string `"null"` (or `""`) to mean
/// "no value" — memories.ai's `cause`, for one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NullableText(Option<String>);

impl NullableText {
    /// The text, or `None` when the provider meant "no value".
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl From<Option<String>> for NullableText {
    fn from(v: Option<String>) -> Self {
        NullableText(v.filter(|t| !means_absent(t)))
    }
}

fn means_absent(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t.eq_ignore_ascii_case("null")
}

impl From<Scalar> for NullableText {
    #[inline]
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Other(Value::Null) => NullableText(None),
            other => Some(FlexText::from(other).0).into(),
        }
    }
}

/// Each tolerant type reads through [`Direct`], serializes in its normalized
/// form (numbers as numbers, text as text), and parses from text the same way
/// it reads a JSON string.
macro_rules! tolerant {
    ($($ty:ident),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            #[inline]
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(Direct::<$ty>(std::marker::PhantomData))
            }
        }

        impl FromStr for $ty {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($ty::from(Scalar::Text(s.to_owned())))
            }
        }
    )*};
}

tolerant!(FlexInt, FlexNumber, FlexBool, FlexText, NullableText);

impl Serialize for FlexInt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FlexInt::Int(v) => s.serialize_i64(*v),
            FlexInt::Other(v) => v.serialize(s),
        }
    }
}

impl Serialize for FlexNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FlexNumber::Number(v) => s.serialize_f64(*v),
            FlexNumber::Other(v) => v.serialize(s),
        }
    }
}

impl Serialize for FlexBool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FlexBool::Bool(v) => s.serialize_bool(*v),
            FlexBool::Other(v) => v.serialize(s),
        }
    }
}

impl Serialize for FlexText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Serialize for NullableText {
    /// Writes the provider's own spelling of "no value", the string `"null"`,
    /// so that a re-serialized payload reads back the same.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_deref().unwrap_or("null"))
    }
}

impl fmt::Display for FlexInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlexInt::Int(v) => write!(f, "{v}"),
            FlexInt::Other(v) => write!(f, "{v}"),
        }
    }
}

impl fmt::Display for FlexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlexNumber::Number(v) => write!(f, "{v}"),
            FlexNumber::Other(v) => write!(f, "{v}"),
        }
    }
}

impl fmt::Display for FlexBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlexBool::Bool(v) => write!(f, "{v}"),
            FlexBool::Other(v) => write!(f, "{v}"),
        }
    }
}

impl fmt::Display for FlexText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for NullableText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or(""))
    }
}

// Comparisons with plain values, so that checks read naturally
// (`video.status == Some(FlexInt::from(2))` becomes `status == 2`). A value
// that is not a number (or boolean) equals no number (or boolean).

impl PartialEq<i64> for FlexInt {
    /// Whether the value read as this whole number: `FlexInt` from `3`,
    /// `"3"` or `3.0` equals `3`.
    ///
    /// ```
    /// let status: vidapi::wire::FlexInt = serde_json::from_str(r#""3""#)?;
    /// assert!(status == 3);
    /// assert!(status != 4);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    fn eq(&self, other: &i64) -> bool {
        self.get() == Some(*other)
    }
}

impl PartialEq<FlexInt> for i64 {
    fn eq(&self, other: &FlexInt) -> bool {
        other == self
    }
}

impl PartialEq<f64> for FlexNumber {
    /// Whether the value read as this number: `FlexNumber` from `5.5` or
    /// `"5.5"` equals `5.5`.
    fn eq(&self, other: &f64) -> bool {
        self.get() == Some(*other)
    }
}

impl PartialEq<FlexNumber> for f64 {
    fn eq(&self, other: &FlexNumber) -> bool {
        other == self
    }
}

impl PartialEq<bool> for FlexBool {
    /// Whether the value read as this boolean (`true`, `1`, `"true"`, …).
    fn eq(&self, other: &bool) -> bool {
        self.get() == Some(*other)
    }
}

impl PartialEq<FlexBool> for bool {
    fn eq(&self, other: &FlexBool) -> bool {
        other == self
    }
}

impl PartialEq<str> for FlexText {
    /// Whether the text is exactly this.
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FlexText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<FlexText> for str {
    fn eq(&self, other: &FlexText) -> bool {
        other == self
    }
}

impl PartialEq<FlexText> for &str {
    fn eq(&self, other: &FlexText) -> bool {
        other == *self
    }
}

impl PartialEq<str> for NullableText {
    /// Whether the text is exactly this (`"null"` and `null` equal no text).
    fn eq(&self, other: &str) -> bool {
        self.get() == Some(other)
    }
}

impl PartialEq<&str> for NullableText {
    fn eq(&self, other: &&str) -> bool {
        self.get() == Some(*other)
    }
}

/// What every tolerant type can be read as, whichever of them a field is.
///
/// `vidapi schema update` may widen a field (`FlexBool` → `FlexInt` →
/// `FlexNumber` → `FlexText`) when a provider starts sending values the old
/// type cannot read; code that reads fields through this trait (as the
/// hand-written accessors do, via `wire::int`, `wire::number` and `wire::flag`) keeps
/// compiling and keeps its meaning across such a widening, which is why
/// `vidapi schema diff` counts a widening between two `Flex*` types as
/// additive for the Rust API.
pub trait Tolerant: fmt::Display {
    /// The value as a whole number in `i64` range: an integer, a number with
    /// no fractional part, or text that parses as one.
    fn int(&self) -> Option<i64>;
    /// The value as a finite number, or text that parses as one.
    fn number(&self) -> Option<f64>;
    /// The value as a flag: a boolean, `0`/`1`, or the text `true`/`false`/`0`/`1`.
    fn flag(&self) -> Option<bool>;
}

fn text_int(text: &str) -> Option<i64> {
    match FlexInt::from_text(text.to_owned()) {
        FlexInt::Int(v) => Some(v),
        FlexInt::Other(_) => None,
    }
}

fn text_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn text_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn int_flag(v: i64) -> Option<bool> {
    match v {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

impl Tolerant for FlexInt {
    fn int(&self) -> Option<i64> {
        self.get()
    }
    fn number(&self) -> Option<f64> {
        self.get().map(|v| v as f64)
    }
    fn flag(&self) -> Option<bool> {
        self.get().and_then(int_flag)
    }
}

impl Tolerant for FlexNumber {
    fn int(&self) -> Option<i64> {
        self.get().and_then(exact_int)
    }
    fn number(&self) -> Option<f64> {
        self.get()
    }
    fn flag(&self) -> Option<bool> {
        self.get().and_then(exact_int).and_then(int_flag)
    }
}

impl Tolerant for FlexBool {
    fn int(&self) -> Option<i64> {
        self.get().map(i64::from)
    }
    fn number(&self) -> Option<f64> {
        self.get().map(|b| if b { 1.0 } else { 0.0 })
    }
    fn flag(&self) -> Option<bool> {
        self.get()
    }
}

impl Tolerant for FlexText {
    fn int(&self) -> Option<i64> {
        text_int(&self.0)
    }
    fn number(&self) -> Option<f64> {
        text_number(&self.0)
    }
    fn flag(&self) -> Option<bool> {
        text_flag(&self.0)
    }
}

impl Tolerant for NullableText {
    fn int(&self) -> Option<i64> {
        self.get().and_then(text_int)
    }
    fn number(&self) -> Option<f64> {
        self.get().and_then(text_number)
    }
    fn flag(&self) -> Option<bool> {
        self.get().and_then(text_flag)
    }
}

/// The text of an optional tolerant field, `None` when absent or empty.
pub(crate) fn text(field: &Option<FlexText>) -> Option<&str> {
    field.as_ref().and_then(FlexText::non_empty)
}

/// The whole number of an optional tolerant field of any `Flex*` type,
/// `None` when absent or not one.
pub(crate) fn int<T: Tolerant>(field: &Option<T>) -> Option<i64> {
    field.as_ref().and_then(Tolerant::int)
}

/// The number of an optional tolerant field of any `Flex*` type, `None`
/// when absent or not a number.
pub(crate) fn number<T: Tolerant>(field: &Option<T>) -> Option<f64> {
    field.as_ref().and_then(Tolerant::number)
}

/// The flag of an optional tolerant field of any `Flex*` type, `None` when
/// absent or not a recognisable flag.
pub(crate) fn flag<T: Tolerant>(field: &Option<T>) -> Option<bool> {
    field.as_ref().and_then(Tolerant::flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn int_reads_numbers_strings_and_keeps_junk() {
        assert_eq!(read::<FlexInt>("12").get(), Some(12));
        assert_eq!(read::<FlexInt>("\" 12 \"").get(), Some(12));
        assert_eq!(read::<FlexInt>("12.0").get(), Some(12));
        assert_eq!(read::<FlexInt>("1e3").get(), Some(1000));
        assert_eq!(read::<FlexInt>("\"1e3\"").get(), Some(1000));
        assert_eq!(read::<FlexInt>("-1").get(), Some(-1));
        assert_eq!(
            read::<FlexInt>("12.5"),
            FlexInt::Other(Box::new(Value::from(12.5)))
        );
        assert_eq!(
            read::<FlexInt>("\"abc\""),
            FlexInt::Other(Box::new(Value::from("abc")))
        );
        assert_eq!(read::<FlexInt>("18446744073709551615").get(), None);
        assert_eq!(read::<FlexInt>("1e300").get(), None);
        assert_eq!(read::<FlexInt>("{\"a\":1}").get(), None);
        assert_eq!(read::<FlexInt>("true").get(), None);
    }

    /// Every widening `schema update` may write keeps the accessors' answers:
    /// a value read as `FlexInt` reads the same through the trait as
    /// `FlexNumber` or `FlexText`, a `FlexBool` the same as `FlexInt` or
    /// `FlexText`.
    #[test]
    fn the_trait_reads_alike_across_widenings() {
        fn all(json: &str) -> [(Option<i64>, Option<f64>, Option<bool>); 3] {
            let int: FlexInt = read(json);
            let num: FlexNumber = read(json);
            let text: FlexText = read(json);
            [&int as &dyn Tolerant, &num, &text].map(|t| (t.int(), t.number(), t.flag()))
        }
        for json in ["1", "0", "12", "\"7\"", "-3", "1e3"] {
            let [a, b, c] = all(json);
            assert_eq!(a, b, "{json}");
            assert_eq!(a, c, "{json}");
        }
        let [_, b, c] = all("1080.5");
        assert_eq!(
            (b, c),
            ((None, Some(1080.5), None), (None, Some(1080.5), None))
        );
        for json in ["true", "false", "1", "0", "\"true\""] {
            let flag: FlexBool = read(json);
            let int: FlexInt = read(json);
            let text: FlexText = read(json);
            assert_eq!(flag.flag(), text.flag(), "{json}");
            if json.starts_with(['0', '1']) {
                assert_eq!(flag.flag(), int.flag(), "{json}");
                assert_eq!(flag.int(), int.int(), "{json}");
            }
        }
        assert_eq!(int(&Some(FlexText::from("42"))), Some(42));
        assert_eq!(number(&Some(FlexInt::from(4))), Some(4.0));
        assert_eq!(flag(&Some(FlexNumber::from(1.0))), Some(true));
        assert_eq!(flag::<FlexInt>(&None), None);
    }

    #[test]
    fn number_bool_text_and_nullable() {
        assert_eq!(read::<FlexNumber>("\"61\"").get(), Some(61.0));
        assert_eq!(read::<FlexNumber>("\"NaN\"").get(), None);
        assert_eq!(read::<FlexBool>("1").get(), Some(true));
        assert_eq!(read::<FlexBool>("\"false\"").get(), Some(false));
        assert_eq!(read::<FlexBool>("2").get(), None);
        assert_eq!(read::<FlexText>("42").as_str(), "42");
        assert_eq!(read::<FlexText>("true").as_str(), "true");
        assert_eq!(read::<FlexText>("[1,2]").as_str(), "[1,2]");
        assert_eq!(read::<FlexText>("\"\"").non_empty(), None);
        assert_eq!(read::<NullableText>("\"null\"").get(), None);
        assert_eq!(read::<NullableText>("\"NULL\"").get(), None);
        assert_eq!(read::<NullableText>("\"\"").get(), None);
        assert_eq!(
            read::<NullableText>("\"disk full\"").get(),
            Some("disk full")
        );
        assert_eq!(read::<Option<NullableText>>("null"), None);
    }

    #[test]
    fn serializing_then_reading_gives_the_same_value() {
        for json in [
            "12",
            "\"12\"",
            "12.5",
            "\"x\"",
            "{\"a\":[1]}",
            "true",
            "null",
            "1e300",
        ] {
            let int: FlexInt = read(json);
            assert_eq!(
                read::<FlexInt>(&serde_json::to_string(&int).unwrap()),
                int,
                "{json}"
            );
            let num: FlexNumber = read(json);
            assert_eq!(
                read::<FlexNumber>(&serde_json::to_string(&num).unwrap()),
                num,
                "{json}"
            );
            let flag: FlexBool = read(json);
            assert_eq!(
                read::<FlexBool>(&serde_json::to_string(&flag).unwrap()),
                flag,
                "{json}"
            );
            let text: FlexText = read(json);
            assert_eq!(
                read::<FlexText>(&serde_json::to_string(&text).unwrap()),
                text,
                "{json}"
            );
            let nullable: NullableText = read(json);
            let again = serde_json::to_string(&nullable).unwrap();
            assert_eq!(read::<NullableText>(&again), nullable, "{json}");
        }
    }
}
