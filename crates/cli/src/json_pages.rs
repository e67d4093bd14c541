//! `list --all --json`'s pages written on a thread of their own while the next page is fetched and decoded.
//!
//! Writing the pretty text of a page costs about as much CPU as fetching and decoding it, so on one thread the two
//! add up; here they overlap. The channel holds one page, so memory stays at a few pages however long the listing.

use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use serde::Serialize;

use crate::sink::JsonArray;

enum Message<T> {
    Page(Vec<T>),
    /// The end of the listing, with the `@odata.count` to write after the array.
    Finish(Option<i64>),
}

/// `{"value": [...]}` on standard output, page by page, from a writer thread.
pub struct JsonPages<T> {
    /// Dropped to tell the writer no more is coming.
    sender: Option<SyncSender<Message<T>>>,
    /// Taken once joined.
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl<T: Serialize + Send + 'static> JsonPages<T> {
    /// Starts the writer thread.
    pub fn start() -> Self {
        let (sender, receiver) = sync_channel::<Message<T>>(1);
        let thread = std::thread::spawn(move || {
            // Locked once; the array writes its text in large pieces.
            let mut json = JsonArray::new(std::io::stdout().lock())?;
            // Without `Finish` (the listing failed) the items written so far are flushed as they were before.
            for message in receiver {
                match message {
                    Message::Page(items) => {
                        for item in &items {
                            json.item(item)?;
                        }
                        // Each page reaches the reader as it arrives.
                        json.flush()?;
                    }
                    Message::Finish(count) => {
                        let members: Vec<(&str, serde_json::Value)> = count
                            .map(|c| ("@odata.count", serde_json::Value::from(c)))
                            .into_iter()
                            .collect();
                        drop(json.finish(&members)?);
                        return Ok(());
                    }
                }
            }
            json.flush()
        });
        JsonPages {
            sender: Some(sender),
            thread: Some(thread),
        }
    }

    /// Hands a page to the writer; waits while the one before is still being written (the runtime has nothing
    /// else to do meanwhile). Fails with the writer's error once it stopped.
    pub fn page(&mut self, items: Vec<T>) -> std::io::Result<()> {
        let sent = self.sender.as_ref().map(|s| s.send(Message::Page(items)));
        if matches!(sent, Some(Ok(()))) {
            return Ok(());
        }
        self.stopped()
    }

    /// Closes the array (adding `@odata.count` when given) and waits for the writer.
    pub fn finish(mut self, count: Option<i64>) -> std::io::Result<()> {
        let sent = self.sender.take().map(|s| s.send(Message::Finish(count)));
        if !matches!(sent, Some(Ok(()))) {
            return self.stopped();
        }
        match self.thread.take() {
            Some(thread) => join(thread),
            None => Err(stopped_error()),
        }
    }

    /// The writer's own error once it stopped (a send fails only then).
    fn stopped(&mut self) -> std::io::Result<()> {
        match self.thread.take() {
            Some(thread) => join(thread).and(Err(stopped_error())),
            None => Err(stopped_error()),
        }
    }
}

/// A listing that failed part way: what was written reaches the output before the process reports the error and
/// exits.
impl<T> Drop for JsonPages<T> {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn stopped_error() -> std::io::Error {
    std::io::Error::other("the output writer stopped")
}

fn join(thread: JoinHandle<std::io::Result<()>>) -> std::io::Result<()> {
    thread
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the output writer panicked")))
}
