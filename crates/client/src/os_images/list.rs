//! Listing, with OData options and paging across `@odata.nextLink`.

use std::collections::HashSet;
use std::sync::Arc;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use intune_osimages_model::{OsImage, Page};
use intune_osimages_transport::{Deadline, TransportError, TransportErrorKind};

use super::query::Query;
use crate::call::Call;
use crate::decode::decode_model;
use crate::{Client, Error};

/// A list (or `getAll`) request; set OData options, then take one [`page`](ListRequest::page), every page as a
/// [`stream`](ListRequest::stream) of images, or [`all`](ListRequest::all) of them.
#[derive(Debug, Clone)]
#[must_use]
pub struct ListRequest {
    client: Client,
    operation: &'static str,
    /// The image a bound function is called on (`getAll`), for the operation's tracing span.
    id: Option<Arc<str>>,
    path: Result<String, Error>,
    query: Query,
    max_pages: Option<u32>,
}

/// Where a listing stands between pages.
struct Paging {
    next: Option<Result<String, Error>>,
    seen: HashSet<String>,
    /// Set when the first page is asked for: all pages share the operation deadline.
    deadline: Option<Deadline>,
    pages: u32,
}

impl ListRequest {
    pub(super) fn new(
        client: Client,
        operation: &'static str,
        id: Option<&str>,
        path: Result<String, Error>,
    ) -> Self {
        ListRequest {
            client,
            operation,
            id: id.map(Arc::from),
            path,
            query: Query::default(),
            max_pages: None,
        }
    }

    /// Follows at most `pages` pages: a server still handing out an `@odata.nextLink` after that many ends the
    /// stream with a [`LimitExceeded`](TransportErrorKind::LimitExceeded) transport error, so a listing that would
    /// never end is refused instead of followed. No cap by default (the operation deadline still bounds the
    /// listing, see [`ClientBuilder::operation_timeout`](crate::ClientBuilder::operation_timeout)).
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// `$filter`, such as `supportedArchitectures/any(a: a eq 'arM64')`. Quote string literals with
    /// [`odata_string`](crate::odata_string).
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.query.filter = Some(filter.into());
        self
    }

    /// `$select`: the properties to return.
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.query.select = properties.into_iter().map(Into::into).collect();
        self
    }

    /// `$top`: at most this many items per page. Graph (and the fake) may answer with an `@odata.nextLink` to the
    /// rest, which [`page`](ListRequest::page) leaves alone and [`stream`](ListRequest::stream) and
    /// [`all`](ListRequest::all) follow; to stop after `n` items, take `n` from the stream.
    pub fn top(mut self, top: u32) -> Self {
        self.query.top = Some(top);
        self
    }

    /// `$skip`: skip this many items.
    pub fn skip(mut self, skip: u32) -> Self {
        self.query.skip = Some(skip);
        self
    }

    /// `$orderby`, such as `id desc`; call again to add a further key.
    pub fn orderby(mut self, order: impl Into<String>) -> Self {
        self.query.orderby.push(order.into());
        self
    }

    /// `$count=true`: ask for `@odata.count`, the size of the filtered collection.
    pub fn count(mut self, count: bool) -> Self {
        self.query.count = count;
        self
    }

    /// Any other query option, sent as given (encoded), for options this version does not model.
    pub fn query_option(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.extra.push((name.into(), value.into()));
        self
    }

    fn first_url(&self) -> Result<String, Error> {
        let path = self.path.clone()?;
        Ok(self
            .client
            .pipeline()
            .url_with_query(&path, &self.query.to_query_string()))
    }

    /// The first page, with `@odata.nextLink` and `@odata.count` as Graph sent them.
    pub async fn page(self) -> Result<Page<OsImage>, Error> {
        let url = self.first_url()?;
        fetch_page(&self.client, self.operation, self.id.as_deref(), &url, None).await
    }

    /// Every page, following `@odata.nextLink` through the same auth and retry stack. A link to another origin is an
    /// error (the token is never sent there); a link already followed ends the stream. All pages share one
    /// operation deadline ([`ClientBuilder::operation_timeout`](crate::ClientBuilder::operation_timeout), from the
    /// first request): once it has passed, the next page is a timeout error. [`max_pages`](ListRequest::max_pages)
    /// caps the number of pages.
    ///
    /// The stream is `Unpin` (boxed once per listing), so `try_next()` works on it directly.
    pub fn pages(
        self,
    ) -> impl Stream<Item = Result<Page<OsImage>, Error>> + Send + Unpin + 'static {
        let start = Paging {
            next: Some(self.first_url()),
            seen: HashSet::new(),
            deadline: None,
            pages: 0,
        };
        let client = self.client;
        let operation = self.operation;
        let id = self.id;
        let max_pages = self.max_pages;
        Box::pin(stream::try_unfold(start, move |mut paging| {
            let client = client.clone();
            let id = id.clone();
            async move {
                let url = match paging.next.take() {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(e),
                    Some(Ok(url)) => url,
                };
                let timeout = client.pipeline().operation_timeout();
                let deadline = *paging
                    .deadline
                    .get_or_insert_with(|| Deadline::after(timeout));
                let past_deadline = |paging: &Paging| {
                    Error::Transport(TransportError::timeout(format!(
                        "the listing did not finish within the operation timeout of {} s; stopped after {} page(s)",
                        timeout.as_secs_f64(),
                        paging.pages
                    )))
                };
                if paging.pages > 0 && deadline.remaining().is_zero() {
                    return Err(past_deadline(&paging));
                }
                if let Some(cap) = max_pages
                    && paging.pages >= cap
                {
                    return Err(Error::Transport(TransportError::new(
                        TransportErrorKind::LimitExceeded,
                        format!(
                            "stopped after {cap} page(s) (ListRequest::max_pages): the server still offers an @odata.nextLink"
                        ),
                    )));
                }
                let page = match fetch_page(&client, operation, id.as_deref(), &url, Some(deadline))
                    .await
                {
                    Ok(page) => page,
                    // Cut off by the listing's deadline: say so for the listing as a whole.
                    Err(Error::Transport(e))
                        if e.kind() == TransportErrorKind::Timeout
                            && deadline.remaining().is_zero() =>
                    {
                        return Err(past_deadline(&paging));
                    }
                    Err(e) => return Err(e),
                };
                paging.pages += 1;
                paging.seen.insert(url);
                paging.next = match &page.next_link {
                    None => None,
                    Some(link) if paging.seen.contains(link) => {
                        tracing::warn!(link = %link, "@odata.nextLink repeats a page already read; stopping");
                        None
                    }
                    // A refused link still hands out this page first; the error comes in its place next.
                    Some(link) => Some(
                        client
                            .pipeline()
                            .check_next_link(link)
                            .map(|()| link.clone()),
                    ),
                };
                Ok(Some((page, paging)))
            }
        }))
    }

    /// Every image across every page, one at a time; memory stays at one page. `Unpin`, like
    /// [`pages`](ListRequest::pages).
    pub fn stream(self) -> impl Stream<Item = Result<OsImage, Error>> + Send + Unpin + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every image across every page, collected.
    pub async fn all(self) -> Result<Vec<OsImage>, Error> {
        self.stream().try_collect().await
    }

    /// Every page merged into one: all items, the first page's `@odata.count` and `@odata.context`, no next link.
    pub async fn all_as_page(self) -> Result<Page<OsImage>, Error> {
        let mut pages = self.pages();
        let mut merged: Option<Page<OsImage>> = None;
        while let Some(page) = pages.next().await {
            let page = page?;
            match merged.as_mut() {
                None => merged = Some(page),
                Some(m) => m.value.extend(page.value),
            }
        }
        let mut merged = merged.unwrap_or_default();
        merged.next_link = None;
        Ok(merged)
    }

    /// The request for its first page, as a batch step.
    pub(crate) fn into_step_spec(self) -> crate::batch::StepSpec {
        let query = self.query.to_query_string();
        crate::batch::StepSpec {
            operation: self.operation,
            method: http::Method::GET,
            url: self.path.map(|p| format!("{p}{query}")),
            headers: Vec::new(),
            body: None,
            id: None,
        }
    }
}

pub(super) async fn fetch_page(
    client: &Client,
    operation: &'static str,
    id: Option<&str>,
    url: &str,
    deadline: Option<Deadline>,
) -> Result<Page<OsImage>, Error> {
    let pipeline = client.pipeline();
    pipeline.check_next_link(url)?;
    let mut call = Call::get(operation, url).id(id);
    if let Some(deadline) = deadline {
        call = call.deadline(deadline);
    }
    let response = pipeline.send(call).await?;
    decode_model(&response)
}
