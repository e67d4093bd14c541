//! The schema decoder's reader: a position in the JSON text and the few token readers the model's types need. Every
//! reader returns `None` for anything outside the narrow forms it knows, which makes the whole decode give up and
//! leave the text to serde_json; none of them judges what serde_json would make of it.

use serde_json::value::RawValue;

use crate::Extra;

/// Objects and arrays an unknown property's value may open before the decoder gives up: far below serde_json's
/// recursion limit of 128 even under the deepest known nesting (a page's image's edition), so a value serde_json
/// refuses as too deep is never accepted here.
const MAX_RAW_NESTING: usize = 64;

/// Whether a string's bytes up to its first quote are its whole value: no escape (a backslash, which would also
/// mean the quote is escaped) and no control character, which serde_json refuses. Without an early exit, so the
/// compiler checks many bytes at a time; the strings are short.
pub(crate) fn plain(span: &[u8]) -> bool {
    !span
        .iter()
        .fold(false, |bad, &b| bad | (b == b'\\') | (b < 0x20))
}

/// A position in the text being decoded.
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips JSON's whitespace (the four bytes serde_json skips).
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte` after any whitespace.
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Whitespace, then the end of the text.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.ws();
        (self.pos == self.text.len()).then_some(())
    }

    /// A string without escapes or control characters, borrowed from the text.
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let span = self.quoted()?;
        plain(span.as_bytes()).then_some(span)
    }

    /// The text from an opening quote to the next quote, consumed through that quote: the string's value when it
    /// is one of the names the caller knows (none has a backslash, so the quote closes it), else only when
    /// [`plain`].
    pub(crate) fn quoted(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = start + memchr::memchr(b'"', self.rest())?;
        self.pos = end + 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        self.text.get(start..end)
    }

    /// Whether the next value is the string `text` (without escapes), consumed when it is: compared in place.
    #[inline(always)]
    pub(crate) fn literal(&mut self, text: &str) -> bool {
        self.ws();
        let n = text.len();
        // One bounds check for the quoted text; the comparisons inside it need none.
        let is_text = self.rest().get(..n + 2).is_some_and(|quoted| {
            quoted.first() == Some(&b'"')
                && quoted.last() == Some(&b'"')
                && quoted.get(1..=n) == Some(text.as_bytes())
        });
        if is_text {
            self.pos += n + 2;
        }
        is_text
    }

    /// A string of exactly `N` bytes (an `Edm.Date`), found without a scan; the caller judges its bytes (an escape
    /// or a control character in them makes it no date either).
    pub(crate) fn fixed_str<const N: usize>(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        if self.text.as_bytes().get(start + N) != Some(&b'"') {
            return None;
        }
        let value = self.text.get(start..start + N)?;
        self.pos = start + N + 1;
        Some(value)
    }

    /// An integer as serde_json reads one into an integer type (`-`? then `0` or digits without a leading zero, no
    /// fraction or exponent) that fits an `i64`; `-0`, which serde_json reads as a float, is not one.
    pub(crate) fn int(&mut self) -> Option<i64> {
        self.ws();
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let bytes = self.text.as_bytes();
        let first = self.pos;
        let mut magnitude = 0u64;
        while let Some(&d) = bytes.get(self.pos).filter(|d| d.is_ascii_digit()) {
            magnitude = magnitude
                .checked_mul(10)?
                .checked_add(u64::from(d - b'0'))?;
            self.pos += 1;
        }
        let digits = self.pos - first;
        if digits == 0 || (digits > 1 && bytes.get(first) == Some(&b'0')) {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        if negative {
            // As serde_json: a negative magnitude up to 2^63 is an `i64`, and `-0` is a float.
            (magnitude != 0).then(|| 0i64.checked_sub_unsigned(magnitude))?
        } else {
            i64::try_from(magnitude).ok()
        }
    }

    /// `null`, consumed, or `false` with nothing consumed but whitespace.
    fn null(&mut self) -> bool {
        self.ws();
        let is_null = self.rest().starts_with(b"null");
        if is_null {
            self.pos += 4;
        }
        is_null
    }

    /// `null` as `None`, else the value `read` reads.
    pub(crate) fn opt<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.null() {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// An object: `member` reads each member (its key with [`Cursor::key`] or [`Cursor::other_key`], then its
    /// value), in text order.
    pub(crate) fn object(&mut self, member: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.sequence(b'{', b'}', member)
    }

    /// An array: `element` reads each element in order.
    pub(crate) fn array(&mut self, element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.sequence(b'[', b']', element)
    }

    /// `open`, items separated by commas (none after the last, as serde_json requires), `close`.
    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b if b == close => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Whether the next key is `name` (a schema's wire name, without escapes), consumed with its colon when it
    /// is: compared in place, with no scan for the closing quote.
    #[inline(always)]
    pub(crate) fn key(&mut self, name: &'static str) -> bool {
        let at = self.pos;
        if !self.literal(name) {
            return false;
        }
        if self.eat(b':').is_some() {
            true
        } else {
            self.pos = at;
            false
        }
    }

    /// A key that no [`Cursor::key`] call matched, with its colon: for [`Cursor::unknown`]. (It is none of the
    /// names those calls tried: each would have matched the same text.)
    pub(crate) fn other_key(&mut self) -> Option<&'a str> {
        let key = self.quoted()?;
        self.eat(b':')?;
        Some(key)
    }

    /// An unknown member: its key (checked as [`Cursor::str`] checks a string) and its value as its exact text,
    /// kept in `extra` as serde_json's visitors keep it.
    pub(crate) fn unknown(&mut self, key: &str, extra: &mut Extra) -> Option<()> {
        if !plain(key.as_bytes()) {
            return None;
        }
        extra.insert_raw(key, self.raw()?);
        Some(())
    }

    /// Any JSON value, as its exact text: read by serde_json itself (the same `RawValue` reader its own decode of
    /// an unknown property runs), so what it accepts and the text it keeps are serde_json's by construction.
    fn raw(&mut self) -> Option<Box<RawValue>> {
        self.ws();
        let rest = self.text.get(self.pos..)?;
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let value = values.next()?.ok()?;
        let nesting = value
            .get()
            .bytes()
            .filter(|b| matches!(b, b'{' | b'['))
            .count();
        if nesting > MAX_RAW_NESTING {
            return None;
        }
        self.pos += values.byte_offset();
        Some(value.to_owned())
    }
}
