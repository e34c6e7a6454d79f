//! JSON that keeps its objects' keys in file order, so rewriting another program's
//! configuration file changes only what mailscope set (serde_json's own map sorts keys).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// A JSON value whose objects are lists of (key, value) in their original order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ordered {
    /// null, a boolean, a number or a string.
    Leaf(Value),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    pub(crate) fn string(s: &str) -> Ordered {
        Ordered::Leaf(Value::String(s.to_string()))
    }

    /// The entries of an object, or `None` for any other value.
    pub(crate) fn as_object_mut(&mut self) -> Option<&mut Vec<(String, Ordered)>> {
        match self {
            Ordered::Object(entries) => Some(entries),
            _ => None,
        }
    }
}

/// Sets `key` in `entries` in place (keeping its position), or appends it.
pub(crate) fn set(entries: &mut Vec<(String, Ordered)>, key: &str, value: Ordered) {
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => entries.push((key.to_string(), value)),
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Leaf(v) => v.serialize(s),
            Ordered::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = Ordered;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Ordered, E> {
        Ok(Ordered::Leaf(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ordered, E> {
        Ok(Ordered::Leaf(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ordered, E> {
        Ok(Ordered::Leaf(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ordered, E> {
        Ok(Ordered::Leaf(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Ordered, E> {
        Ok(Ordered::string(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Ordered, E> {
        Ok(Ordered::Leaf(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Ordered::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
            entries.push((k, v));
        }
        Ok(Ordered::Object(entries))
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        d.deserialize_any(OrderedVisitor)
    }
}

/// The indentation the file already uses (a tab, or its first indented line's spaces), so a
/// rewrite looks like the original; four spaces for a file with no indented line.
pub(crate) fn indentation(text: &str) -> String {
    for line in text.lines().skip(1) {
        let ws: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if !ws.is_empty() && line.len() > ws.len() {
            return if ws.starts_with('\t') {
                "\t".to_string()
            } else {
                ws
            };
        }
    }
    "    ".to_string()
}

/// Pretty JSON with `indent`, ending in a newline.
pub(crate) fn to_pretty(value: &Ordered, indent: &str) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    value.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order_through_a_round_trip() {
        let text = "{\n  \"zeta\": 1,\n  \"alpha\": {\"b\": [true, null, 2.5], \"a\": \"x\"}\n}\n";
        let v: Ordered = serde_json::from_str(text).expect("parse");
        let out = to_pretty(&v, &indentation(text)).expect("write");
        assert_eq!(
            out,
            "{\n  \"zeta\": 1,\n  \"alpha\": {\n    \"b\": [\n      true,\n      null,\n      2.5\n    ],\n    \"a\": \"x\"\n  }\n}\n"
        );
        assert_eq!(indentation("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(indentation("{}"), "    ");
    }
}
