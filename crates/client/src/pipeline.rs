//! The pipeline: the stages every call goes through, built in one place in their documented order.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};
use intune_osimages_transport::headers::REQUEST_ID;
use intune_osimages_transport::{
    AttemptTimeout, BearerAuth, BodyLimit, Clock, OperationDeadline, Request, Response, Retry,
    RetryPolicy, Telemetry, TokenProvider, Transport, TransportError,
};
use tracing::Instrument;

use crate::Error;
use crate::builder::SDK_VERSION;
use crate::call::{Call, JSON};
use crate::decode::{graph_error, header_str};

/// The settings of the stages, checked by [`ClientBuilder::build`](crate::ClientBuilder::build).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    /// The clock retries wait on; `None` for real time.
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    pub(crate) max_response_body: usize,
}

/// The stages of every call, outermost first:
///
/// 1. **telemetry**: `client-request-id` (one for all attempts of a call), `SdkVersion`, `User-Agent`;
/// 2. **operation deadline**: the whole call, retries and `Retry-After` waits included, within
///    [`operation_timeout`](crate::ClientBuilder::operation_timeout); a listing's pages share one deadline;
/// 3. **retry**: the [`RetryPolicy`], never starting a wait that would pass the deadline;
/// 4. **per-attempt timeout**: each attempt within [`timeout`](crate::ClientBuilder::timeout);
/// 5. **auth**: a bearer token for each attempt, when credentials are set;
/// 6. **transport**: HTTP, the fake, or the caller's own, with answers larger than
///    [`max_response_body`](crate::ClientBuilder::max_response_body) refused.
///
/// Above the stages, [`Pipeline::send`] turns a [`Call`] into a request and the answer into a response or an
/// [`Error`] (decoding is [`crate::decode`]'s job).
#[derive(Debug)]
pub(crate) struct Pipeline {
    stages: Arc<dyn Transport>,
    /// The base URL without a trailing slash, such as `https://graph.microsoft.com/beta`.
    pub(crate) base_url: String,
    /// The base URL's origin, the only one next links may point to.
    origin: url::Origin,
    operation_timeout: Duration,
    /// The retry policy the stack applies, which batching also follows for items answered 429, 503 or 504.
    pub(crate) retry: RetryPolicy,
    /// The clock retries wait on.
    pub(crate) clock: Arc<dyn Clock>,
}

impl Pipeline {
    /// Builds the stages over `transport`, authorizing with `token` when given.
    pub(crate) fn new(
        transport: Arc<dyn Transport>,
        token: Option<Arc<dyn TokenProvider>>,
        settings: Settings,
        base_url: &str,
        origin: url::Origin,
    ) -> Self {
        let retry_policy = settings.retry.clone();
        let clock = settings
            .clock
            .clone()
            .unwrap_or_else(|| Arc::new(intune_osimages_transport::TokioClock));
        let limited: Arc<dyn Transport> =
            Arc::new(BodyLimit::new(transport, settings.max_response_body));
        let authed: Arc<dyn Transport> = match token {
            Some(provider) => Arc::new(BearerAuth::new(limited, provider)),
            None => limited,
        };
        let timed = AttemptTimeout::new(authed, settings.attempt_timeout);
        let retried = retry(timed, &settings);
        let bounded = OperationDeadline::new(retried, settings.operation_timeout);
        let stages = Arc::new(Telemetry::new(bounded, SDK_VERSION));
        Pipeline {
            stages,
            base_url: base_url.trim_end_matches('/').to_owned(),
            origin,
            operation_timeout: settings.operation_timeout,
            retry: retry_policy,
            clock,
        }
    }

    /// The stages a token request goes through: retry, the per-attempt timeout and the body limit over `transport`
    /// (the operation deadline of the call that needs the token bounds it too).
    pub(crate) fn token_stages(
        transport: Arc<dyn Transport>,
        settings: &Settings,
    ) -> Arc<dyn Transport> {
        let limited = BodyLimit::new(transport, settings.max_response_body);
        Arc::new(retry(
            AttemptTimeout::new(limited, settings.attempt_timeout),
            settings,
        ))
    }

    /// The bound on one operation (a listing: on all of its pages).
    pub(crate) fn operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// Sends one call and returns the answer when its status is a success; an error status becomes
    /// [`Error::Graph`], a failure to get an answer [`Error::Transport`] or [`Error::Credential`].
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "osimages.operation",
            operation = call.operation,
            id = call.id,
            method = %call.method,
            url = call.url,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let request = request(call)?;
        // Without a subscriber that wants the span, it is not entered on every poll of the call.
        if span.is_disabled() {
            return answer(self.stages.send(request).await, &span);
        }
        async { answer(self.stages.send(request).await, &tracing::Span::current()) }
            .instrument(span)
            .await
    }

    /// The full URL of a path under the base URL.
    pub(crate) fn url(&self, path: &str) -> String {
        self.url_with_query(path, "")
    }

    /// The full URL of a path and its query string (`""` or `?...`) under the base URL, built in one buffer.
    pub(crate) fn url_with_query(&self, path: &str, query: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len() + query.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        url.push_str(query);
        url
    }

    /// Checks that a next link stays on the configured origin, so the token is never sent elsewhere.
    pub(crate) fn check_next_link(&self, link: &str) -> Result<(), Error> {
        let parsed = url::Url::parse(link).map_err(|e| {
            Error::Transport(TransportError::invalid_request(format!(
                "@odata.nextLink {link:?} is not an absolute URL: {e}"
            )))
        })?;
        if parsed.origin() != self.origin {
            return Err(Error::Transport(TransportError::invalid_request(format!(
                "refused to follow @odata.nextLink to {}: not the configured origin {}",
                parsed.origin().ascii_serialization(),
                self.origin.ascii_serialization()
            ))));
        }
        Ok(())
    }
}

/// The answer to a call: the response when its status is a success, else the error, recorded in the call's span.
fn answer(
    result: Result<Response, TransportError>,
    span: &tracing::Span,
) -> Result<Response, Error> {
    match result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            if let Some(id) = header_str(response.headers(), REQUEST_ID) {
                span.record("request_id", id);
            }
            if response.status().is_success() {
                Ok(response)
            } else {
                let error = graph_error(&response);
                tracing::debug!(code = %error.code, "Graph answered with an error");
                Err(Error::Graph(Box::new(error)))
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, "transport failure");
            Err(Error::from(e))
        }
    }
}

fn retry<T>(inner: T, settings: &Settings) -> Retry<T> {
    let retry = Retry::new(inner, settings.retry.clone());
    match &settings.clock {
        Some(clock) => retry.with_clock(clock.clone()),
        None => retry,
    }
}

/// The request for a call, set field by field: the header values are the calls' constant media types, taken as
/// they are (`from_static`) rather than copied and checked again for every request as the builder does.
fn request(call: Call<'_>) -> Result<Request, Error> {
    let url = call.url;
    let uri = http::Uri::try_from(url)
        .map_err(|e| Error::configuration(format!("cannot build a request for {url:?}: {e}")))?;
    let has_body = call.body.is_some();
    let mut request = http::Request::new(call.body.unwrap_or_default());
    *request.method_mut() = call.method;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static(call.accept));
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    if let Some(deadline) = call.deadline {
        request.extensions_mut().insert(deadline);
    }
    Ok(request)
}
