//! JSON objects handled as text: their members as `(key, raw value text)`, and compact text written from them.
//!
//! The store keeps images as text and merges writes at this level so a value it does not interpret (a property Graph
//! may add, a number wider than `f64`, a long decimal) is kept byte for byte: going through `serde_json::Value`
//! would turn `123456789012345678901234567890` into `1.2345678901234568e+29`, and serde_json's `arbitrary_precision`
//! feature would change number handling in every crate of a build that links this one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// One member of an object: its key (unescaped) and its value's JSON text as written.
pub(crate) type Member<'a> = (Cow<'a, str>, &'a RawValue);

/// The members of the JSON object `text`, in the order written (repeated keys included); an error when `text` is
/// not a JSON object.
pub(crate) fn members(text: &str) -> Result<Vec<Member<'_>>, serde_json::Error> {
    serde_json::from_str::<Members<'_>>(text).map(|m| m.0)
}

struct Members<'a>(Vec<Member<'a>>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Members(members))
    }
}

/// A key, borrowed from the text unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Appends valid JSON `text` without the whitespace between its tokens; strings (and so everything else: numbers,
/// literals) are copied as written.
///
/// Hand-written because what is wanted is exactly serde_json's own compact layout with the value's text untouched,
/// which no serializer gives without going through a lossy value; for text serde_json has already accepted, dropping
/// whitespace outside strings is all it takes.
pub(crate) fn push_compact(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|b| is_space(*b)) {
        out.extend_from_slice(bytes);
        return;
    }
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !is_space(b) {
            in_string = b == b'"';
            out.push(b);
        }
    }
}

/// JSON's insignificant whitespace (RFC 8259, section 2).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
pub(crate) fn push_string(out: &mut Vec<u8>, text: &str) {
    // serde_json escapes only `"`, a backslash and control characters; text without them (every context URL and key the
    // store writes, in practice) is copied between quotes, which is a fraction of serde_json's per-byte formatter.
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn compact(text: &str) -> String {
        let mut out = Vec::new();
        push_compact(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn members_keep_the_value_text_and_unescape_keys() {
        let text = r#"{ "n" : 123456789012345678901234567890, "a\"b": [1, 2.50], "n": null }"#;
        let members = members(text).unwrap();
        let shown: Vec<(&str, &str)> = members.iter().map(|(k, v)| (&**k, v.get())).collect();
        assert_eq!(
            shown,
            [
                ("n", "123456789012345678901234567890"),
                ("a\"b", "[1, 2.50]"),
                ("n", "null")
            ]
        );
        assert!(matches!(members[0].0, Cow::Borrowed(_)));
        assert!(super::members("[1]").is_err());
        assert!(super::members("{\"a\":}").is_err());
    }

    #[test]
    fn compact_drops_only_whitespace_outside_strings() {
        assert_eq!(
            compact("{\n  \"a b\" : [ 1 ,\t0.1000000000000000000001 ],\r\n \"c\": \" \\\" x \" }"),
            r#"{"a b":[1,0.1000000000000000000001],"c":" \" x "}"#
        );
        assert_eq!(compact(r#""\\" "#), r#""\\""#);
        assert_eq!(compact("[]"), "[]");
    }
}
