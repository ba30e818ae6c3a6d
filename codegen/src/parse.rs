//! JSON text to `serde_json::Value`, rejecting duplicate keys.
//!
//! `serde_json` keeps the last of two equal keys without a word; a spec
//! with two actions of the same name must be an error instead.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::diag::{Diag, child, index};

pub(crate) fn parse(text: &str, d: &mut Diag) -> Option<Value> {
    let dups = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Node {
        path: String::new(),
        dups: &dups,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    for (path, key) in dups.into_inner() {
        d.report(&path, format!("duplicate key \"{key}\""));
    }
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            d.report("", format!("not valid JSON: {e}"));
            None
        }
    }
}

struct Node<'a> {
    path: String,
    dups: &'a RefCell<Vec<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Node {
            path: index(&self.path, items.len()),
            dups: self.dups,
        })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = child(&self.path, &key);
            let v = map.next_value_seed(Node {
                path: path.clone(),
                dups: self.dups,
            })?;
            if out.insert(key.clone(), v).is_some() {
                self.dups.borrow_mut().push((path, key));
            }
        }
        Ok(Value::Object(out))
    }
}
