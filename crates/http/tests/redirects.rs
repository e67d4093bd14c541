#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The transport's own redirect policy, against real servers: each table row is a request, the redirects it meets
//! and what the caller gets (the harness is in `support/`).

mod support;

use http::Method;
use intune_osimages_transport::TransportErrorKind;
use support::{Case, Expect, Limit, To, check};

use To::{Away, AwayOverHttps, Home, Nowhere, Url};

fn followed(method: Method, body: bool, credentials: bool) -> Expect {
    Expect::Followed {
        method,
        body,
        credentials,
    }
}

#[tokio::test]
async fn what_a_followed_redirect_keeps() {
    check(vec![
        Case::new(
            "302 to another port drops authorization and cookie",
            Method::GET,
            &[(302, Away)],
            followed(Method::GET, false, false),
        ),
        Case::new(
            "307 on the same origin keeps authorization, method and body",
            Method::POST,
            &[(307, Home)],
            followed(Method::POST, true, true),
        )
        .body(r#"{"id":"a"}"#),
        Case::new(
            "credentials stay dropped when a later hop comes back",
            Method::GET,
            &[(302, Away), (302, Home)],
            followed(Method::GET, false, false),
        ),
        Case::new(
            "303 turns a POST into a bodiless GET on the same origin",
            Method::POST,
            &[(303, Home)],
            followed(Method::GET, false, true),
        )
        .body(r#"{"id":"a"}"#),
        Case::new(
            "301 keeps a PATCH and 308 keeps its body",
            Method::PATCH,
            &[(301, Home), (308, Home)],
            followed(Method::PATCH, true, true),
        )
        .body(r#"{"description":"x"}"#),
        Case::new(
            "301 and 302 turn a POST into a GET",
            Method::POST,
            &[(301, Home), (302, Home)],
            followed(Method::GET, false, true),
        )
        .body(r#"{"id":"a"}"#),
    ])
    .await;
}

#[tokio::test]
async fn the_redirect_limit() {
    check(vec![
        Case::new(
            "five redirects are followed by default",
            Method::GET,
            &[(302, Home); 5],
            followed(Method::GET, false, true),
        )
        .limit(Limit::Default),
        Case::new(
            "a sixth redirect fails and its Location is never requested",
            Method::GET,
            &[(302, Home); 6],
            Expect::Refused {
                says: &["stopped after 5 redirects", "/r/6"],
                names_hop: true,
                sent: 6,
            },
        )
        .limit(Limit::Default),
        Case::new(
            "a limit of 1 stops the second",
            Method::GET,
            &[(302, Home); 2],
            Expect::Refused {
                says: &["stopped after 1 redirects"],
                names_hop: true,
                sent: 2,
            },
        )
        .limit(Limit::Of(1)),
        Case::new(
            "a limit of 0 follows none",
            Method::GET,
            &[(302, Home); 2],
            Expect::Refused {
                says: &["stopped after 0 redirects"],
                names_hop: true,
                sent: 1,
            },
        )
        .limit(Limit::Of(0)),
    ])
    .await;
}

#[tokio::test]
async fn where_a_redirect_may_lead() {
    check(vec![
        Case::new(
            "a redirect to plain http on a remote host is refused",
            Method::GET,
            &[(302, Url("http://graph.example.com/steal"))],
            Expect::Refused {
                says: &["graph.example.com", "plain http"],
                names_hop: false,
                sent: 1,
            },
        ),
        // The target speaks plain HTTP, so the TLS handshake fails: a connect error, which shows the redirect
        // itself was allowed (a refused redirect is a Redirect error and nothing is attempted).
        Case::new(
            "an upgrade to https is followed",
            Method::GET,
            &[(301, AwayOverHttps)],
            Expect::Fails(TransportErrorKind::Connect),
        ),
    ])
    .await;
}

#[tokio::test]
async fn answers_that_are_not_followed() {
    check(vec![
        Case::new(
            "a redirect without Location is returned as is",
            Method::GET,
            &[(302, Nowhere)],
            Expect::Returned,
        ),
        Case::new(
            "304 is not a redirect",
            Method::GET,
            &[(304, Home)],
            Expect::Returned,
        ),
    ])
    .await;
}
