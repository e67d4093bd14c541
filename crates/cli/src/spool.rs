//! Items written in id order whatever order they arrive in, at memory that does not grow with their text.
//!
//! `export` sorts images by id, so it has to see every image before it writes the first (Graph's `$orderby`
//! collation is not byte order, and pages cannot be trusted to arrive sorted). Holding every image's text would make
//! its memory grow with the catalog; the spool keeps the text in an unnamed temporary file and only the ids, with
//! where each text lies, in memory (some tens of bytes an image, against 1 to 2 KB of text).

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

/// Texts keyed by id, spooled to a temporary file that the system removes when the spool is dropped.
pub struct Spool {
    file: BufWriter<File>,
    end: u64,
    /// Each id with where its text lies; sorted once, at the end. A vector of boxed ids takes about a third of a
    /// map's memory per entry, which is what grows with the catalog.
    index: Vec<(Box<str>, u64, u32)>,
}

impl Spool {
    /// An empty spool in the system's temporary directory.
    pub fn new() -> std::io::Result<Self> {
        Ok(Spool {
            file: BufWriter::new(tempfile::tempfile()?),
            end: 0,
            index: Vec::new(),
        })
    }

    /// How many items the spool holds.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Keeps `text` under `id`.
    pub fn insert(&mut self, id: &str, text: &str) -> std::io::Result<()> {
        let len = u32::try_from(text.len()).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "an item of 4 GiB or more")
        })?;
        self.file.write_all(text.as_bytes())?;
        self.index.push((id.into(), self.end, len));
        self.end += u64::from(len);
        Ok(())
    }

    /// Hands every text to `write`, in byte order of the ids; an id held twice is an error naming it, before
    /// anything is written.
    pub fn drain_sorted(
        mut self,
        mut write: impl FnMut(&str) -> std::io::Result<()>,
    ) -> Result<(), Drained> {
        self.index.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(twice) = self.index.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Drained::Duplicate(twice[0].0.to_string()));
        }
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| Drained::Io(e.into_error()))?;
        let mut buffer = Vec::new();
        // Texts that arrived in id order lie one after another: no seek is needed between them.
        let mut position = self.end;
        for (_, offset, len) in self.index {
            if position != offset {
                file.seek(SeekFrom::Start(offset))?;
            }
            buffer.resize(len as usize, 0);
            file.read_exact(&mut buffer)?;
            position = offset + u64::from(len);
            let text = std::str::from_utf8(&buffer)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            write(text)?;
        }
        Ok(())
    }
}

/// Why [`Spool::drain_sorted`] stopped.
#[derive(Debug)]
pub enum Drained {
    /// Two items had this id; nothing was written.
    Duplicate(String),
    /// Reading the spool or writing an item failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for Drained {
    fn from(e: std::io::Error) -> Self {
        Drained::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of `spool`, in the order `drain_sorted` hands them out.
    fn drained(spool: Spool) -> Vec<String> {
        let mut out = Vec::new();
        spool
            .drain_sorted(|text| {
                out.push(text.to_owned());
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn texts_come_back_in_id_order_whatever_order_they_arrived_in() {
        let mut spool = Spool::new().unwrap();
        for (id, text) in [
            ("b", "{\"id\":\"b\"}"),
            ("a", "{\"id\":\"a\"}"),
            ("c", "{\"id\":\"c\", \"é\":1}"),
        ] {
            spool.insert(id, text).unwrap();
        }
        assert_eq!(spool.len(), 3);
        let out = drained(spool);
        assert_eq!(
            out,
            [
                "{\"id\":\"a\"}",
                "{\"id\":\"b\"}",
                "{\"id\":\"c\", \"é\":1}"
            ]
        );
    }

    #[test]
    fn an_id_held_twice_is_named_before_anything_is_written() {
        let mut spool = Spool::new().unwrap();
        for id in ["b", "a", "b"] {
            spool.insert(id, "{}").unwrap();
        }
        let mut written = 0;
        let result = spool.drain_sorted(|_| {
            written += 1;
            Ok(())
        });
        assert!(matches!(result, Err(Drained::Duplicate(id)) if id == "b"));
        assert_eq!(written, 0);
    }

    #[test]
    fn texts_in_order_and_an_empty_spool_read_back_whole() {
        let mut spool = Spool::new().unwrap();
        let texts: Vec<String> = (0..1000)
            .map(|i| format!("{{\"id\":\"{i:04}\"}}"))
            .collect();
        for (i, text) in texts.iter().enumerate() {
            spool.insert(&format!("{i:04}"), text).unwrap();
        }
        let out = drained(spool);
        assert_eq!(out, texts);

        let mut calls = 0;
        Spool::new()
            .unwrap()
            .drain_sorted(|_| {
                calls += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(calls, 0);
    }
}
