#![allow(clippy::unwrap_used, clippy::expect_used)]
//! No request body, no write and no token request ever leaves for an origin the caller did not address, on every
//! redirect status and with every way of building the transport: tables of every status, method and origin (the
//! harness is in `support/`).

mod support;

use http::Method;
use support::{Caller, Case, Expect, REDIRECTS, To, check};

/// A `Redirect` error naming the status and the target, after the first request only.
const REFUSED: Expect = Expect::Refused {
    says: &[],
    names_hop: true,
    sent: 1,
};

#[tokio::test]
async fn a_write_redirected_to_another_origin_is_not_re_sent_on_any_status() {
    let mut cases = Vec::new();
    for status in REDIRECTS {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            let body = if method == Method::DELETE {
                ""
            } else {
                r#"{"a":1}"#
            };
            cases.push(
                Case::new(
                    format!("{method} after {status} to another origin"),
                    method,
                    &[(status, To::Away)],
                    REFUSED,
                )
                .body(body),
            );
        }
    }
    check(cases).await;
}

#[tokio::test]
async fn a_get_with_a_body_is_not_carried_to_another_origin() {
    let cases = [307, 308].map(|status| {
        Case::new(
            format!("GET with a body after {status} to another origin"),
            Method::GET,
            &[(status, To::Away)],
            REFUSED,
        )
        .body(support::SECRET)
    });
    check(cases.to_vec()).await;
}

#[tokio::test]
async fn a_token_request_follows_no_redirect_even_on_the_same_origin() {
    let mut cases = Vec::new();
    for status in REDIRECTS {
        for to in [To::Home, To::Away] {
            cases.push(
                Case::new(
                    format!("token request after {status} to {to:?}"),
                    Method::POST,
                    &[(status, to)],
                    Expect::Refused {
                        says: &["token request"],
                        names_hop: true,
                        sent: 1,
                    },
                )
                .caller(Caller::TokenForm),
            );
        }
    }
    check(cases).await;
}

#[tokio::test]
async fn a_managed_identity_request_follows_no_redirect() {
    check(vec![
        Case::new(
            "managed identity request after 302 to another origin",
            Method::GET,
            &[(302, To::Away)],
            REFUSED,
        )
        .caller(Caller::ManagedIdentity),
    ])
    .await;
}

#[tokio::test]
async fn a_get_is_still_followed_on_the_same_origin_and_across_without_credentials() {
    let mut cases = Vec::new();
    for status in REDIRECTS {
        for (to, credentials) in [(To::Home, true), (To::Away, false)] {
            cases.push(Case::new(
                format!("GET after {status} to {to:?}"),
                Method::GET,
                &[(status, to)],
                Expect::Followed {
                    method: Method::GET,
                    body: false,
                    credentials,
                },
            ));
        }
    }
    check(cases).await;
}
