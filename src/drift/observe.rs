//! Drift recording in the same pass as decoding.
//!
//! [`Observe`] wraps the JSON deserializer that a generated type reads from.
//! It hands every call through unchanged, and on the way sees each value the
//! parser produces, next to the schema node that value belongs to. That is
//! why it sees what `serde_ignored` cannot: an untagged enum or a flattened
//! struct buffers its input by asking *this* deserializer for every value,
//! so those values pass the same checks. Nothing here can fail a decode that
//! would have succeeded without it; an undeclared key's value is read into a
//! `Value` (to report it) and then replayed to the type.

use std::fmt;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::record::{Path, Recorder};
use super::schema::{ANY, NodeId, Scalar, Types, UNDECLARED};

/// Where a value sits: its schema node, its path, and the recorder.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub node: NodeId,
    pub path: &'a Path<'a>,
    pub rec: &'a Recorder<'a>,
}

impl<'a> At<'a> {
    fn scalar(&self, value: Scalar<'_>) {
        self.rec.scalar(self.node, self.path, &value);
    }

    /// Checks a container's type; the node its contents are checked
    /// against, or `None` when they are not looked into.
    fn container(&self, seen: Types) -> Option<NodeId> {
        if self.rec.container(self.node, self.path, seen) {
            Some(self.node)
        } else {
            None
        }
    }
}

/// A deserializer that records drift while another type reads from it.
pub(crate) struct Observe<'a, D> {
    pub de: D,
    pub at: At<'a>,
}

/// Forwards a `deserialize_*` method: untouched below an `ANY` node; through
/// a captured `Value` for an undeclared key; else with a watching visitor.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            match self.at.node {
                ANY => self.de.$method($($arg,)* visitor),
                UNDECLARED => {
                    let value = self.undeclared()?;
                    value.$method($($arg,)* visitor).map_err(de::Error::custom)
                }
                _ => self.de.$method($($arg,)* Watch { inner: visitor, at: self.at }),
            }
        }
    )*};
}

impl<'a, 'de, D: Deserializer<'de>> Observe<'a, D> {
    fn undeclared(self) -> Result<Value, D::Error> {
        let value = Value::deserialize(self.de)?;
        self.at.rec.undeclared(self.at.path, &value);
        Ok(value)
    }
}

impl<'a, 'de, D: Deserializer<'de>> Deserializer<'de> for Observe<'a, D> {
    type Error = D::Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// A value the type skips is still checked: the JSON parser would skip
    /// it without showing it to any visitor, so it is read as "any" instead.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.at.node {
            ANY => self.de.deserialize_ignored_any(visitor),
            UNDECLARED => {
                self.undeclared()?;
                visitor.visit_unit()
            }
            _ => self.de.deserialize_any(Watch {
                inner: visitor,
                at: self.at,
            }),
        }
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that checks each value against its node, then passes it on.
struct Watch<'a, V> {
    inner: V,
    at: At<'a>,
}

impl<'a, 'de, V: Visitor<'de>> Visitor<'de> for Watch<'a, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Bool(v));
        self.inner.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Int(i128::from(v)));
        self.inner.visit_i64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Int(v));
        self.inner.visit_i128(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Int(i128::from(v)));
        self.inner.visit_u64(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.at
            .scalar(i128::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int));
        self.inner.visit_u128(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Float(v));
        self.inner.visit_f64(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Text(v.encode_utf8(&mut [0; 4])));
        self.inner.visit_char(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Text(v));
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Text(v));
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Text(&v));
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.inner.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Null);
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.at.scalar(Scalar::Null);
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Observe { de: d, at: self.at })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner
            .visit_newtype_struct(Observe { de: d, at: self.at })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        match self.at.container(Types::ARRAY) {
            Some(node) => {
                let items = self.at.rec.node(node).items;
                self.inner.visit_seq(Items {
                    seq,
                    items,
                    path: Path::Item(self.at.path),
                    rec: self.at.rec,
                })
            }
            None => self.inner.visit_seq(seq),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        match self.at.container(Types::OBJECT) {
            Some(node) => self.inner.visit_map(Members {
                map,
                node,
                parent: self.at.path,
                rec: self.at.rec,
                key: None,
                child: ANY,
            }),
            None => self.inner.visit_map(map),
        }
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        // JSON has no enums: serde_json only gets here when a type asked
        // for one (a closed string enum). Its payload is not looked into.
        self.inner.visit_enum(data)
    }
}

/// A seed that reads its value through [`Observe`].
struct Seeded<'a, S> {
    seed: S,
    at: At<'a>,
}

impl<'a, 'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seeded<'a, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Observe { de: d, at: self.at })
    }
}

struct Items<'a, A> {
    seq: A,
    items: NodeId,
    path: Path<'a>,
    rec: &'a Recorder<'a>,
}

impl<'a, 'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'a, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let at = At {
            node: self.items,
            path: &self.path,
            rec: self.rec,
        };
        self.seq.next_element_seed(Seeded { seed, at })
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// An object key as the parser hands it over: borrowed from the input when
/// it has no escapes, so a declared key costs no allocation.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

struct Members<'a, 'de, A> {
    map: A,
    node: NodeId,
    parent: &'a Path<'a>,
    rec: &'a Recorder<'a>,
    /// The key whose value comes next.
    key: Option<Key<'de>>,
    child: NodeId,
}

impl<'a, 'de, A: MapAccess<'de>> MapAccess<'de> for Members<'a, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // The key is read here, looked up in the schema, and then given to
        // the type's own key reader: JSON keys are always strings.
        let Some(key) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        self.child = self.rec.node(self.node).property(key.as_str());
        let value = match &key {
            Key::Borrowed(s) => seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(s)),
            Key::Owned(s) => seed.deserialize(StrDeserializer::<A::Error>::new(s)),
        }?;
        self.key = Some(key);
        Ok(Some(value))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let key = self.key.take();
        let path = Path::Key(self.parent, key.as_ref().map_or("?", Key::as_str));
        let at = At {
            node: self.child,
            path: &path,
            rec: self.rec,
        };
        self.map.next_value_seed(Seeded { seed, at })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}
