//! The redirect cases of `redirects.rs` and `cross_origin.rs` as rows of one table: a case names the request, the
//! redirects the servers answer with, and the outcome; [`check`] builds the servers, sends, and asserts the outcome
//! with the case's name in every failure message.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_http::HttpTransport;
use intune_osimages_transport::{Transport, TransportErrorKind};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The credential every request carries: as the bearer token, as an API key and in the token form.
pub const SECRET: &str = "cs-SECRET-42";

/// Every redirect status the transport follows.
pub const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// The body of every redirect answer, so a redirect returned as is can be told apart from the final answer.
const REDIRECT_BODY: &str = "nowhere to go";

/// The body of the final answer.
const ARRIVED: &str = "arrived";

/// Who sends the first request, which decides its headers and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A Graph call: `Authorization`, a cookie, an `x-api-key` (all credentials), `x-keep` (not one), and
    /// `content-type: application/json` when there is a body.
    Api,
    /// A client-credentials token request: a form with the secret in it.
    TokenForm,
    /// A managed identity token request: `x-identity-header` and a `resource` query.
    ManagedIdentity,
}

/// Where a redirect's `Location` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The server the caller addressed (a relative `Location` when the redirect comes from there).
    Home,
    /// A second server on another port: another origin.
    Away,
    /// The second server's port over https (which it does not speak).
    AwayOverHttps,
    /// A fixed URL.
    Url(&'static str),
    /// Nowhere: the answer has no `Location`.
    Nowhere,
}

/// How the transport is built for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Every way a caller can build it (none of the cases comes near a limit).
    Any,
    /// `HttpTransport::new()`, for the default limit.
    Default,
    /// `HttpTransport::builder().max_redirects(n)`.
    Of(usize),
}

/// What the caller gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Every redirect is followed and the last URL answers 200. Every request after the first goes with `method`,
    /// with the body (and its `content-type`) or without, and with the credential headers or without.
    Followed {
        /// The method of every re-sent request.
        method: Method,
        /// Whether the body goes along.
        body: bool,
        /// Whether `Authorization`, `Cookie` and `x-api-key` go along.
        credentials: bool,
    },
    /// A `Redirect` error that may have been sent, whose message holds each of `says` (and, when `names_hop`, the
    /// refused status and target); exactly `sent` requests went out, along the case's path.
    Refused {
        /// Words the message must hold.
        says: &'static [&'static str],
        /// Whether the message names the redirect status and the target it refused.
        names_hop: bool,
        /// How many requests went out in all.
        sent: usize,
    },
    /// An error of this kind after following the redirects.
    Fails(TransportErrorKind),
    /// The first answer comes back as it is, and nothing more is sent.
    Returned,
}

/// One row of a redirect table.
#[derive(Debug, Clone)]
pub struct Case {
    /// Shown in every failure message.
    pub name: String,
    /// Who sends.
    pub caller: Caller,
    /// The first request's method.
    pub method: Method,
    /// The first request's body (`Caller::TokenForm` ignores it and sends its form).
    pub body: &'static str,
    /// The servers' answers in turn: the status and where its `Location` points. The request before the first
    /// redirect goes to `To::Home`.
    pub hops: Vec<(u16, To)>,
    /// How the transport is built.
    pub limit: Limit,
    /// The outcome.
    pub expect: Expect,
}

impl Case {
    /// A Graph call with no body, following `hops`, run on every way of building the transport.
    pub fn new(
        name: impl Into<String>,
        method: Method,
        hops: &[(u16, To)],
        expect: Expect,
    ) -> Self {
        Case {
            name: name.into(),
            caller: Caller::Api,
            method,
            body: "",
            hops: hops.to_vec(),
            limit: Limit::Any,
            expect,
        }
    }

    /// The same case sending `body`.
    pub fn body(mut self, body: &'static str) -> Self {
        self.body = body;
        self
    }

    /// The same case sent by `caller`.
    pub fn caller(mut self, caller: Caller) -> Self {
        self.caller = caller;
        self
    }

    /// The same case on a transport built as `limit` says.
    pub fn limit(mut self, limit: Limit) -> Self {
        self.limit = limit;
        self
    }
}

/// Every way a caller can build the transport.
fn transports() -> Vec<(&'static str, HttpTransport)> {
    let all = vec![
        ("HttpTransport::new", HttpTransport::new().unwrap()),
        (
            "HttpTransport::builder with 10 redirects",
            HttpTransport::builder().max_redirects(10).build().unwrap(),
        ),
    ];
    #[cfg(feature = "native-tls")]
    let all = {
        let mut all = all;
        all.push((
            "HttpTransport::builder().native_tls()",
            HttpTransport::builder().native_tls().build().unwrap(),
        ));
        all
    };
    all
}

fn transports_for(limit: Limit) -> Vec<(&'static str, HttpTransport)> {
    match limit {
        Limit::Any => transports(),
        Limit::Default => vec![("HttpTransport::new", HttpTransport::new().unwrap())],
        Limit::Of(n) => vec![(
            "HttpTransport::builder with a limit",
            HttpTransport::builder().max_redirects(n).build().unwrap(),
        )],
    }
}

/// Runs every case on every transport its limit names.
pub async fn check(cases: Vec<Case>) {
    for case in cases {
        for (transport_name, transport) in transports_for(case.limit) {
            run(
                &case,
                &format!("{} ({transport_name})", case.name),
                &transport,
            )
            .await;
        }
    }
}

/// The two servers of one run.
struct Servers {
    home: MockServer,
    away: MockServer,
}

impl Servers {
    fn server(&self, to: To) -> Option<&MockServer> {
        match to {
            To::Home => Some(&self.home),
            To::Away => Some(&self.away),
            _ => None,
        }
    }

    /// The `Location` of a redirect from `from` to request number `n` at `to`.
    fn location(&self, from: To, to: To, n: usize) -> Option<String> {
        match to {
            _ if to == from => Some(format!("/r/{n}")),
            To::Home | To::Away => Some(format!("{}/r/{n}", self.server(to)?.uri())),
            To::AwayOverHttps => Some(format!(
                "https://127.0.0.1:{}/r/{n}",
                self.away.address().port()
            )),
            To::Url(url) => Some(url.to_owned()),
            To::Nowhere => None,
        }
    }

    /// The absolute form of a redirect target, as an error message shows it.
    fn absolute(&self, to: To, n: usize) -> String {
        match to {
            To::Home | To::Away => format!("{}/r/{n}", self.server(to).unwrap().uri()),
            To::AwayOverHttps => format!("https://127.0.0.1:{}/r/{n}", self.away.address().port()),
            To::Url(url) => url.to_owned(),
            To::Nowhere => String::new(),
        }
    }
}

fn first_request(case: &Case, url: &str) -> http::Request<Bytes> {
    let builder = http::Request::builder().method(case.method.clone());
    let builder = match case.caller {
        Caller::Api => {
            let builder = builder
                .uri(url)
                .header("authorization", format!("Bearer {SECRET}"))
                .header("cookie", "session=abc")
                .header("x-api-key", SECRET)
                .header("x-keep", "yes");
            if case.body.is_empty() {
                builder.body(Bytes::from_static(case.body.as_bytes()))
            } else {
                builder
                    .header("content-type", "application/json")
                    .body(Bytes::from_static(case.body.as_bytes()))
            }
        }
        Caller::TokenForm => builder
            .uri(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from(format!(
                "grant_type=client_credentials&client_id=app&client_secret={SECRET}&scope=s"
            ))),
        Caller::ManagedIdentity => builder
            .uri(format!("{url}?resource=x"))
            .header("x-identity-header", SECRET)
            .body(Bytes::new()),
    };
    builder.unwrap()
}

/// A header of a received request as text, or `None` when it is missing (so a failure names the case).
fn header<'a>(received: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    received
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

async fn run(case: &Case, name: &str, transport: &HttpTransport) {
    let servers = Servers {
        home: MockServer::start().await,
        away: MockServer::start().await,
    };
    // path[n] is where request n goes; request n asks for `/r/n`.
    let path_of: Vec<To> = std::iter::once(To::Home)
        .chain(case.hops.iter().map(|&(_, to)| to))
        .collect();
    for (n, &(status, to)) in case.hops.iter().enumerate() {
        let from = path_of[n];
        let server = servers
            .server(from)
            .unwrap_or_else(|| panic!("{name}: hop {n} starts where no server is"));
        let mut answer = ResponseTemplate::new(status).set_body_string(REDIRECT_BODY);
        if let Some(location) = servers.location(from, to, n + 1) {
            answer = answer.insert_header("location", location);
        }
        Mock::given(path(format!("/r/{n}")))
            .respond_with(answer)
            .mount(server)
            .await;
    }
    let last = case.hops.len();
    if let Some(server) = servers.server(path_of[last]) {
        Mock::given(path(format!("/r/{last}")))
            .respond_with(ResponseTemplate::new(200).set_body_string(ARRIVED))
            .mount(server)
            .await;
    }

    let request = first_request(case, &format!("{}/r/0", servers.home.uri()));
    let sent_body = request.body().clone();
    let outcome = transport.send(request).await;

    let sent = match &case.expect {
        Expect::Followed { .. } => last + 1,
        Expect::Refused { sent, .. } => *sent,
        Expect::Fails(_) => path_of
            .iter()
            .take_while(|to| servers.server(**to).is_some())
            .count(),
        Expect::Returned => 1,
    };
    let home = servers.home.received_requests().await.unwrap();
    let away = servers.away.received_requests().await.unwrap();
    let went = |to: To| path_of[..sent].iter().filter(|&&at| at == to).count();
    assert_eq!(
        home.len(),
        went(To::Home),
        "{name}: requests at the caller's server"
    );
    assert_eq!(
        away.len(),
        went(To::Away),
        "{name}: requests at the other server"
    );
    assert_eq!(
        home[0].method, case.method,
        "{name}: the first request's method"
    );
    assert_eq!(
        home[0].body,
        sent_body.as_ref(),
        "{name}: the first request's body"
    );
    if case.caller == Caller::Api {
        assert_eq!(
            header(&home[0], "authorization"),
            Some(format!("Bearer {SECRET}").as_str()),
            "{name}: the first request carries its token"
        );
    }

    match &case.expect {
        Expect::Followed {
            method,
            body,
            credentials,
        } => {
            let answer = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(answer.status(), StatusCode::OK, "{name}");
            assert_eq!(answer.body().as_ref(), ARRIVED.as_bytes(), "{name}");
            // The requests after the first, in the order they were sent.
            let mut at = (1_usize, 0_usize);
            for (n, to) in path_of.iter().enumerate().skip(1) {
                let received = match to {
                    To::Home => {
                        at.0 += 1;
                        &home[at.0 - 1]
                    }
                    _ => {
                        at.1 += 1;
                        &away[at.1 - 1]
                    }
                };
                let hop = format!("{name}: request {n}");
                assert_eq!(received.url.path(), format!("/r/{n}"), "{hop}");
                assert_eq!(received.method, *method, "{hop}");
                assert_eq!(header(received, "x-keep"), Some("yes"), "{hop}");
                if *body {
                    assert_eq!(
                        received.body,
                        sent_body.as_ref(),
                        "{hop}: the body goes along"
                    );
                    assert_eq!(
                        header(received, "content-type"),
                        Some("application/json"),
                        "{hop}"
                    );
                } else {
                    assert!(received.body.is_empty(), "{hop}: the body is dropped");
                    assert!(received.headers.get("content-type").is_none(), "{hop}");
                    assert!(received.headers.get("content-length").is_none(), "{hop}");
                }
                if *credentials {
                    assert_eq!(
                        header(received, "authorization"),
                        Some(format!("Bearer {SECRET}").as_str()),
                        "{hop}: the same origin keeps the token"
                    );
                    assert_eq!(header(received, "cookie"), Some("session=abc"), "{hop}");
                } else {
                    for (header, value) in &received.headers {
                        assert!(
                            !value.to_str().unwrap_or("").contains(SECRET),
                            "{hop}: {header} carried the secret to another origin"
                        );
                    }
                    assert!(received.headers.get("cookie").is_none(), "{hop}");
                }
            }
        }
        Expect::Refused {
            says, names_hop, ..
        } => {
            let error = outcome.expect_err(name);
            assert_eq!(
                error.kind(),
                TransportErrorKind::Redirect,
                "{name}: {error}"
            );
            assert!(error.may_have_been_sent(), "{name}: {error}");
            let message = error.to_string();
            for word in *says {
                assert!(message.contains(word), "{name}: `{word}` in {message}");
            }
            if *names_hop {
                let (status, to) = case.hops[sent - 1];
                assert!(message.contains(&status.to_string()), "{name}: {message}");
                let target = servers.absolute(to, sent);
                assert!(message.contains(&target), "{name}: `{target}` in {message}");
            }
            assert!(!message.contains(SECRET), "{name}: {message}");
        }
        Expect::Fails(kind) => {
            let error = outcome.expect_err(name);
            assert_eq!(error.kind(), *kind, "{name}: {error}");
        }
        Expect::Returned => {
            let answer = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
            let status = case.hops[0].0;
            assert_eq!(answer.status().as_u16(), status, "{name}");
            // A 304 has no body (RFC 9110 §15.4.5), whatever the server wrote.
            let body = if status == 304 { "" } else { REDIRECT_BODY };
            assert_eq!(answer.body().as_ref(), body.as_bytes(), "{name}");
        }
    }
}
