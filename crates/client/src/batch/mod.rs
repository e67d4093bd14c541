//! JSON batching: many operations in few `POST /$batch` requests, each step with its own typed result.
//!
//! ```
//! # async fn run(client: intune_osimages::Client, patch: intune_osimages::OsImagePatch) -> Result<(), intune_osimages::Error> {
//! let images = client.os_images();
//! let mut batch = client.batch();
//! let before = batch.get("Windows 11 24H2");
//! let updated = batch.add(images.update("Windows 11 24H2", &patch).allow_read_only());
//! batch.depends_on(&updated, &before);
//! let count = batch.add(images.count().filter("startswith(id,'Windows 11')"));
//! let results = batch.send().await?;
//! let image = results.get(&before)?;           // Result<OsImage, Error>: this step's own result
//! let updated = results.get(&updated)?;        // Result<Updated, Error>
//! let n: u64 = results.get(&count)?;
//! # let _ = (image, updated, n);
//! # Ok(()) }
//! ```
//!
//! - Steps are sent 20 to a `$batch` request (Graph's limit); more are split over several requests, each group of
//!   steps linked by [`Batch::depends_on`] kept whole in one of them (a group of more than 20 is refused before
//!   anything is sent).
//! - Every body is validated before anything is sent; a finding is reported at `/requests/{position}/body/...`.
//! - An item answered 429, 503 or 504 (the client's [`RetryPolicy`](crate::transport::RetryPolicy) statuses) did not
//!   run, so it is sent again in a later `$batch` after its own `Retry-After` (or the policy's backoff), together with
//!   the items that got 424 only because of it, up to the policy's number of retries per step; a `Retry-After`
//!   beyond the policy's maximum delay is not waited out. The `$batch` request itself goes through the client's
//!   usual stack (auth, telemetry, retry of 429/503/504 and of failures that never reached the server).
//! - Each `$batch` request is one `osimages.batch` tracing span with its step count and round.

mod plan;
mod send;
mod step;

use std::sync::atomic::{AtomicU64, Ordering};

use intune_osimages_model::{OsImage, OsImagePatch, Page};
use intune_osimages_transport::Response;

pub use step::{BatchStep, RawStep, Step, StepOutput, StepResponse};

pub(crate) use step::{BodySpec, StepSpec};

use crate::{Client, Error};

/// The most steps one `$batch` request holds, as Graph allows.
pub const MAX_STEPS_PER_BATCH: usize = 20;

/// Tells batches apart, so a [`Step`] of one cannot read another's results.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Steps to send together with JSON batching; get one from [`Client::batch`], add steps, then
/// [`send`](Batch::send) it.
#[derive(Debug)]
#[must_use]
pub struct Batch {
    client: Client,
    token: u64,
    steps: Vec<StepSpec>,
    depends_on: Vec<Vec<usize>>,
    allow_read_only: bool,
    mistakes: Vec<String>,
}

impl Batch {
    pub(crate) fn new(client: Client) -> Self {
        Batch {
            client,
            token: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            steps: Vec::new(),
            depends_on: Vec::new(),
            allow_read_only: false,
            mistakes: Vec::new(),
        }
    }

    /// Adds any step: an operation builder of [`OsImages`](crate::OsImages) with its options set (a `get` with
    /// `select`, a `list` with `filter` and `top` for one page, a `count` with `filter`, a `create` or `update` with
    /// `allow_read_only`, a `delete`), or a [`RawStep`].
    pub fn add<S: BatchStep>(&mut self, step: S) -> Step<S::Output> {
        let index = self.steps.len();
        self.steps.push(step.into_spec());
        self.depends_on.push(Vec::new());
        Step::new(index, self.token)
    }

    /// Reads one image (`GET .../{id}`).
    pub fn get(&mut self, id: impl AsRef<str>) -> Step<OsImage> {
        let request = self.client.os_images().get(id);
        self.add(request)
    }

    /// Reads the first page of the catalog (`GET .../managedDeviceWindowsOSImages`); for options, `add` a
    /// [`list`](crate::OsImages::list) request. Follow the page's `next_link` with
    /// [`OsImages::next_page`](crate::OsImages::next_page).
    pub fn list_page(&mut self) -> Step<Page<OsImage>> {
        let request = self.client.os_images().list();
        self.add(request)
    }

    /// Creates an image (`POST`), validated like [`OsImages::create`](crate::OsImages::create).
    pub fn create(&mut self, image: &OsImage) -> Step<OsImage> {
        let request = self.client.os_images().create(image);
        self.add(request)
    }

    /// Updates an image (`PATCH .../{id}`), validated like [`OsImages::update`](crate::OsImages::update).
    pub fn update(&mut self, id: impl AsRef<str>, patch: &OsImagePatch) -> Step<crate::Updated> {
        let request = self.client.os_images().update(id, patch);
        self.add(request)
    }

    /// Deletes an image (`DELETE .../{id}`).
    pub fn delete(&mut self, id: impl AsRef<str>) -> Step<()> {
        let request = self.client.os_images().delete(id);
        self.add(request)
    }

    /// Counts the catalog (`GET .../$count`); for a filter, `add` a [`count`](crate::OsImages::count) request.
    pub fn count(&mut self) -> Step<u64> {
        let request = self.client.os_images().count();
        self.add(request)
    }

    /// Adds a request in Graph's batch format.
    pub fn raw(&mut self, step: RawStep) -> Step<StepResponse> {
        self.add(step)
    }

    /// Runs `step` only after `on` succeeded; if `on` fails, `step` answers 424 and is not run. `on` must have been
    /// added before `step`, to this batch (otherwise [`send`](Batch::send) refuses the batch).
    pub fn depends_on<A, B>(&mut self, step: &Step<A>, on: &Step<B>) -> &mut Self {
        if step.batch != self.token || on.batch != self.token {
            self.mistakes
                .push("depends_on was given a step of another batch".to_owned());
        } else if on.index >= step.index {
            self.mistakes.push(format!(
                "step {} cannot depend on step {}, which was added after it (or is itself)",
                step.index, on.index
            ));
        } else if let Some(deps) = self.depends_on.get_mut(step.index)
            && !deps.contains(&on.index)
        {
            deps.push(on.index);
        }
        self
    }

    /// Sends read-only properties as given in every create, update and raw body instead of refusing them.
    pub fn allow_read_only(mut self) -> Self {
        self.allow_read_only = true;
        self
    }

    /// How many steps the batch holds.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the batch holds no step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Validates every step, then sends them in as few `$batch` requests as the limit of 20 and the dependency
    /// groups allow, retrying throttled items (see [`Client::batch`](crate::Client::batch)).
    ///
    /// `Err` means nothing was sent: a body failed validation (every finding, at `/requests/{position}/body...`),
    /// a step is unusable (a bad id or URL, a repeated id, a dependency group over 20). Once anything is sent the
    /// answer is `Ok`, and each step's own result, including a `$batch` request that failed as a whole, is read
    /// with [`BatchResults::get`].
    pub async fn send(self) -> Result<BatchResults, Error> {
        if let Some(mistake) = self.mistakes.first() {
            return Err(Error::configuration(mistake.clone()));
        }
        let prepared = send::prepare(self.steps, self.depends_on, self.allow_read_only)?;
        send::run(&self.client, self.token, prepared).await
    }
}

/// The answers of a sent [`Batch`]: each step's own typed result, and every item as Graph answered it.
#[derive(Debug, Clone)]
pub struct BatchResults {
    token: u64,
    entries: Vec<Entry>,
    requests_sent: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    response: StepResponse,
    answer: Result<Response, Error>,
}

impl BatchResults {
    /// The step's own result: its typed value, or its error (the Graph error of the item with its code and
    /// `request-id`; a transport error when its `$batch` request got no answer; 424 when a dependency failed).
    pub fn get<T: StepOutput>(&self, step: &Step<T>) -> Result<T, Error> {
        if step.batch != self.token {
            return Err(Error::configuration(
                "BatchResults::get was given a step of another batch",
            ));
        }
        let entry = self
            .entries
            .get(step.index)
            .ok_or_else(|| Error::configuration("no such step in this batch"))?;
        match &entry.answer {
            Ok(answer) => T::from_answer(answer, &entry.response),
            Err(e) => Err(e.clone()),
        }
    }

    /// Every step's answer, in the order the steps were added.
    pub fn responses(&self) -> impl ExactSizeIterator<Item = &StepResponse> {
        self.entries.iter().map(|e| &e.response)
    }

    /// Whether every step got a success status.
    pub fn all_succeeded(&self) -> bool {
        self.entries.iter().all(|e| e.response.succeeded())
    }

    /// How many `$batch` requests were sent, retry rounds included.
    pub fn requests_sent(&self) -> usize {
        self.requests_sent
    }
}

impl Client {
    /// Starts a JSON batch (`POST /$batch`): add steps, then [`send`](Batch::send) them together.
    pub fn batch(&self) -> Batch {
        Batch::new(self.clone())
    }
}
