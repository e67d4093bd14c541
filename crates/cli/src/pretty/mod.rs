//! serde_json's pretty layout (two spaces a level) started at a given depth, written straight into a byte buffer,
//! so an item is serialized already indented to sit inside a document, with no text of it in between.
//!
//! Hand-written as a `serde::Serializer` of its own rather than a `serde_json` formatter: serde_json's serializer
//! escapes every string byte by byte through the formatter and writes each indent and separator as a separate
//! write, which made writing the text cost more than fetching and decoding it (`list --all --json`, callgrind). Here
//! a string that needs no escaping (nearly all) is checked in one pass and copied whole, each line break and its
//! indent is one copy, and the buffer is a `Vec`. Strings that do need escaping, numbers and map keys other than
//! strings go through serde_json itself, so the text is always serde_json's (the tests here and in `sink.rs`
//! compare the bytes with serde_json's own pretty output).

use std::fmt;

use serde::Serialize;
use serde::ser;
use serde_json::ser::{CompactFormatter, Formatter};

use escape::needs_escape;
use keys::{MapKey, RawText};

mod escape;
mod keys;
#[cfg(test)]
mod tests;

/// The struct name serde_json's `RawValue` serializes under: its text is written as it is.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A line break followed by the indent of up to 32 levels, sliced for each line.
const LINE_BREAKS: &[u8; 65] =
    b"\n                                                                ";

/// Why a value cannot be written as JSON (a map key that is no string or number, a `RawValue` of the wrong shape,
/// or a `Serialize` impl's own error).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// Appends `value`'s pretty JSON to `out` as it reads `depth` levels deep: each line after the first indented by
/// `depth` more levels than serde_json's `to_string_pretty` would (the first line's indent is the caller's).
pub fn write_pretty_at<T: ?Sized + Serialize>(
    out: &mut Vec<u8>,
    depth: usize,
    value: &T,
) -> Result {
    value.serialize(&mut Pretty {
        out,
        depth,
        base: depth,
        members: None,
    })
}

/// Which members of every object are written, and in what order: a snapshot's policy (`snapshot.rs`).
#[derive(Clone, Copy)]
pub struct Members {
    /// Whether a member is written at all.
    pub keep: fn(&str) -> bool,
    /// Members are written by rank, then by name.
    pub rank: fn(&str) -> usize,
}

/// [`write_pretty_at`], every object's members chosen and ordered by `members`; a kept value's text is read and
/// written the same way. The same text as serializing a `serde_json::Value` of `value` with those members, without
/// the `Value`.
pub fn write_members_at<T: ?Sized + Serialize>(
    out: &mut Vec<u8>,
    depth: usize,
    value: &T,
    members: Members,
) -> Result {
    value.serialize(&mut Pretty {
        out,
        depth,
        base: depth,
        members: Some(members),
    })
}

/// The serializer: the buffer, the current depth and the depth the value started at.
struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
    /// A `RawValue`'s line breaks are indented by this depth, as re-indenting the whole text did.
    base: usize,
    /// Objects' members chosen and ordered ([`write_members_at`]).
    members: Option<Members>,
}

impl Pretty<'_> {
    /// A line break and the current depth's indent: the whole prepared text copied (a copy of a fixed size, a few
    /// instructions where one of a computed size is a call) and cut to the indent.
    fn line(&mut self) {
        let width = self.depth * 2;
        let start = self.out.len();
        self.out.extend_from_slice(LINE_BREAKS);
        if width < LINE_BREAKS.len() {
            self.out.truncate(start + 1 + width);
        } else {
            self.out.resize(start + 1 + width, b' ');
        }
    }

    /// Before an element or member: the separator after the one before, and a line of its own.
    fn next(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
        self.line();
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
    }

    /// `]` or `}`, on a line of its own when something was written in it.
    fn close(&mut self, bracket: u8, empty: bool) {
        self.depth -= 1;
        if !empty {
            self.line();
        }
        self.out.push(bracket);
    }

    fn string(&mut self, value: &str) -> Result {
        if needs_escape(value.as_bytes()) {
            return serde_json::to_writer(&mut *self.out, value).map_err(ser::Error::custom);
        }
        self.out.reserve(value.len() + 2);
        self.out.push(b'"');
        self.out.extend_from_slice(value.as_bytes());
        self.out.push(b'"');
        Ok(())
    }

    /// A value kept as the text it arrived in: written as it is, but a line break in it (between its tokens: JSON
    /// strings hold none) is indented by the base depth.
    fn raw(&mut self, text: &str) {
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            self.out.extend_from_slice(first.as_bytes());
        }
        for line in lines {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + self.base * 2, b' ');
            self.out.extend_from_slice(line.as_bytes());
        }
    }

    /// `{` and the one key of an externally tagged enum variant, before its value.
    fn variant_key(&mut self, variant: &str) -> Result {
        self.open(b'{');
        self.line();
        self.string(variant)?;
        self.out.extend_from_slice(b": ");
        Ok(())
    }

    /// A number or other scalar as serde_json's formatter writes it (the formatter writes into a `Vec`, which
    /// cannot fail).
    fn scalar(
        &mut self,
        write: impl FnOnce(&mut CompactFormatter, &mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result {
        write(&mut CompactFormatter, self.out).map_err(ser::Error::custom)
    }
}

macro_rules! scalars {
    ($($method:ident($t:ty) => $write:ident),* $(,)?) => {
        $(
            fn $method(self, value: $t) -> Result {
                self.scalar(|f, out| f.$write(out, value))
            }
        )*
    };
}

impl<'p, 'a> ser::Serializer for &'p mut Pretty<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'p, 'a>;
    type SerializeTuple = Compound<'p, 'a>;
    type SerializeTupleStruct = Compound<'p, 'a>;
    type SerializeTupleVariant = Compound<'p, 'a>;
    type SerializeMap = Compound<'p, 'a>;
    type SerializeStruct = Compound<'p, 'a>;
    type SerializeStructVariant = Compound<'p, 'a>;

    scalars!(
        serialize_bool(bool) => write_bool,
        serialize_i8(i8) => write_i8,
        serialize_i16(i16) => write_i16,
        serialize_i32(i32) => write_i32,
        serialize_i64(i64) => write_i64,
        serialize_i128(i128) => write_i128,
        serialize_u8(u8) => write_u8,
        serialize_u16(u16) => write_u16,
        serialize_u32(u32) => write_u32,
        serialize_u64(u64) => write_u64,
        serialize_u128(u128) => write_u128,
    );

    fn serialize_f32(self, value: f32) -> Result {
        if value.is_finite() {
            self.scalar(|f, out| f.write_f32(out, value))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_f64(self, value: f64) -> Result {
        if value.is_finite() {
            self.scalar(|f, out| f.write_f64(out, value))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_char(self, value: char) -> Result {
        self.string(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result {
        self.string(value)
    }

    fn serialize_bytes(self, value: &[u8]) -> Result {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.variant_key(variant)?;
        value.serialize(&mut *self)?;
        self.close(b'}', false);
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'p, 'a>> {
        self.open(b'[');
        Ok(Compound::new(self, b']', false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'p, 'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'p, 'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'p, 'a>> {
        self.variant_key(variant)?;
        self.open(b'[');
        Ok(Compound::new(self, b']', true))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'p, 'a>> {
        self.open(b'{');
        Ok(Compound::new(self, b'}', false))
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'p, 'a>> {
        if name == RAW_VALUE_TOKEN {
            let mut raw = Compound::new(self, 0, false);
            raw.raw = true;
            return Ok(raw);
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'p, 'a>> {
        self.variant_key(variant)?;
        self.open(b'{');
        Ok(Compound::new(self, b'}', true))
    }
}

/// An array or object being written.
struct Compound<'p, 'a> {
    ser: &'p mut Pretty<'a>,
    /// Nothing written in it yet.
    first: bool,
    /// `]` or `}`.
    bracket: u8,
    /// Inside an enum variant's `{"Variant": ...}`, closed after it.
    variant: bool,
    /// A `RawValue`: its one field is its text.
    raw: bool,
    /// Where the text inside the brackets starts.
    body: usize,
    /// With [`Members`]: each member written so far, to be put in order at the end.
    entries: Vec<Entry>,
    /// With [`Members`]: the member being written is not kept; its text is cut back to here (and whether it was
    /// the first) once written.
    dropping: Option<(usize, bool)>,
}

/// A member's text in the buffer: `"key": value`, without the separator and indent before it.
struct Entry {
    rank: usize,
    /// The key's JSON text, quotes included.
    key: std::ops::Range<usize>,
    text: std::ops::Range<usize>,
}

/// A key's name from its JSON text (quotes included): borrowed unless it holds an escape.
fn key_name(text: &[u8]) -> Result<std::borrow::Cow<'_, str>> {
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .ok_or_else(|| Error("a map key was not written as a string".into()))?;
    if inner.contains(&b'\\') {
        return serde_json::from_slice::<String>(text)
            .map(std::borrow::Cow::Owned)
            .map_err(ser::Error::custom);
    }
    std::str::from_utf8(inner)
        .map(std::borrow::Cow::Borrowed)
        .map_err(ser::Error::custom)
}

/// Whether `a` goes after `b` among a snapshot's members: by rank, then by name.
fn after(buf: &[u8], offset: usize, a: &Entry, b: &Entry) -> Result<std::cmp::Ordering> {
    // Names are read only for members of one rank (those outside the order): known keys differ in rank.
    if a.rank != b.rank {
        return Ok(a.rank.cmp(&b.rank));
    }
    let name = |e: &Entry| key_name(&buf[e.key.start - offset..e.key.end - offset]);
    Ok(name(a)?.cmp(&name(b)?))
}

impl<'p, 'a> Compound<'p, 'a> {
    fn new(ser: &'p mut Pretty<'a>, bracket: u8, variant: bool) -> Self {
        let body = ser.out.len();
        Compound {
            ser,
            first: true,
            bracket,
            variant,
            raw: false,
            body,
            entries: Vec::new(),
            dropping: None,
        }
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.ser.next(self.first);
        self.first = false;
        value.serialize(&mut *self.ser)
    }

    fn key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        let separator = self.ser.out.len();
        let was_first = self.first;
        self.ser.next(self.first);
        self.first = false;
        let start = self.ser.out.len();
        key.serialize(MapKey(&mut *self.ser))?;
        let end = self.ser.out.len();
        if let Some(members) = self.ser.members {
            let name = key_name(&self.ser.out[start..end])?;
            if (members.keep)(&name) {
                let rank = (members.rank)(&name);
                self.entries.push(Entry {
                    rank,
                    key: start..end,
                    text: start..end,
                });
            } else {
                self.dropping = Some((separator, was_first));
            }
        }
        self.ser.out.extend_from_slice(b": ");
        Ok(())
    }

    /// A member's value is written: a member not kept is cut out, a kept one's end noted.
    fn member_written(&mut self) {
        if let Some((separator, was_first)) = self.dropping.take() {
            self.ser.out.truncate(separator);
            self.first = was_first;
        } else if let Some(entry) = self.entries.last_mut()
            && self.ser.members.is_some()
        {
            entry.text.end = self.ser.out.len();
        }
    }

    /// With [`Members`]: the members rewritten in order, when they were not written in it.
    fn order_members(&mut self) -> Result {
        let mut in_order = true;
        for pair in self.entries.windows(2) {
            if after(self.ser.out, 0, &pair[0], &pair[1])?.is_gt() {
                in_order = false;
                break;
            }
        }
        if in_order {
            return Ok(());
        }
        let written = self.ser.out.split_off(self.body);
        let mut entries = std::mem::take(&mut self.entries);
        let mut failed = None;
        entries.sort_by(|a, b| {
            after(&written, self.body, a, b).unwrap_or_else(|e| {
                failed = Some(e);
                std::cmp::Ordering::Equal
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        for (i, entry) in entries.iter().enumerate() {
            self.ser.next(i == 0);
            self.ser.out.extend_from_slice(
                &written[entry.text.start - self.body..entry.text.end - self.body],
            );
        }
        Ok(())
    }

    fn end(mut self) -> Result {
        if self.raw {
            return Ok(());
        }
        if self.entries.len() > 1 {
            self.order_members()?;
        }
        self.ser.close(self.bracket, self.first);
        if self.variant {
            self.ser.close(b'}', false);
        }
        Ok(())
    }
}

/// The four kinds of sequence are written alike: each element on a line of its own.
macro_rules! sequences {
    ($($kind:ident::$method:ident),* $(,)?) => {
        $(
            impl ser::$kind for Compound<'_, '_> {
                type Ok = ();
                type Error = Error;
                fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
                    self.element(value)
                }
                fn end(self) -> Result {
                    Compound::end(self)
                }
            }
        )*
    };
}

sequences!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.ser)?;
        self.member_written();
        Ok(())
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

/// A struct's fields are written as a map's members, a struct variant's inside its `{"Variant": ...}`.
macro_rules! structs {
    ($($kind:ident),* $(,)?) => {
        $(
            impl ser::$kind for Compound<'_, '_> {
                type Ok = ();
                type Error = Error;
                fn serialize_field<T: ?Sized + Serialize>(
                    &mut self,
                    key: &'static str,
                    value: &T,
                ) -> Result {
                    if self.raw {
                        return value.serialize(RawText(&mut *self.ser));
                    }
                    self.key(key)?;
                    value.serialize(&mut *self.ser)?;
                    self.member_written();
                    Ok(())
                }
                fn end(self) -> Result {
                    Compound::end(self)
                }
            }
        )*
    };
}

structs!(SerializeStruct, SerializeStructVariant);
