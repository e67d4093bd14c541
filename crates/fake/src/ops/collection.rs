//! The collection reads: list, the `getAllManagedDeviceWindowsOSImages()` function, and `$count`.
//!
//! Order of evaluation: `$filter`, then `@odata.count` (of the filtered set), `$orderby` (only `id`; ascending by
//! default), `$skip`, then paging, then `$select`. Paging follows Graph: a page holds at most `$top` images (or the
//! server's page size, whichever is smaller) and an `@odata.nextLink` leads to the rest; with neither, one page
//! holds everything. `$top=0` answers an empty page with no link.

use std::borrow::Cow;

use crate::graph::ServiceState;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::route::Route;
use crate::shape;
use crate::stored::{StoredImage, page_body};

const COLLECTION_OPTIONS: [Opt; 8] = [
    Opt::Filter,
    Opt::Select,
    Opt::Top,
    Opt::Skip,
    Opt::OrderBy,
    Opt::Count,
    Opt::SkipToken,
    Opt::Format,
];

/// `GET .../managedDeviceWindowsOSImages`.
pub(super) fn list(
    graph: &ServiceState,
    route: &Route,
    query: &Query,
) -> Result<Reply, GraphError> {
    query.allow_only(&COLLECTION_OPTIONS, "the collection")?;
    let context = shape::set_context(&route.service_root, query.select.as_deref());
    page(graph, route, query, &context)
}

/// `GET .../managedDeviceWindowsOSImages/{id}/getAllManagedDeviceWindowsOSImages()`: the function is bound to one
/// image but returns the whole catalog, like list (with the same query options); 404 when the bound id is unknown.
pub(super) fn get_all(
    graph: &ServiceState,
    route: &Route,
    query: &Query,
    key: &str,
) -> Result<Reply, GraphError> {
    query.allow_only(&COLLECTION_OPTIONS, "getAllManagedDeviceWindowsOSImages()")?;
    if !graph.store.read().contains_key(key) {
        return Err(GraphError::no_image(key));
    }
    let context = format!(
        "{}/$metadata#Collection(microsoft.graph.managedDeviceWindowsOperatingSystemImage)",
        route.service_root
    );
    page(graph, route, query, &context)
}

/// `GET .../managedDeviceWindowsOSImages/$count`: the number of images matching `$filter`, as `text/plain`.
pub(super) fn count(graph: &ServiceState, query: &Query) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Filter, Opt::Format], "$count")?;
    let images = graph.store.read();
    let n = match &query.filter {
        Some(f) => images
            .values()
            .filter(|v| f.matches_fields(v.fields()))
            .count(),
        None => images.len(),
    };
    Ok(Reply::Text(http::StatusCode::OK, n.to_string()))
}

fn page(
    graph: &ServiceState,
    route: &Route,
    query: &Query,
    context: &str,
) -> Result<Reply, GraphError> {
    let images = graph.store.read();
    // `$filter` reads the filterable properties kept parsed beside each text; a list only copies the texts.
    let mut matched: Vec<(&String, &StoredImage)> = match &query.filter {
        Some(f) => images
            .iter()
            .filter(|(_, v)| f.matches_fields(v.fields()))
            .collect(),
        None => images.iter().collect(),
    };
    let count = query.count.then_some(matched.len());
    if query.descending {
        matched.reverse();
    }
    // A keyset token: the page starts after the last id the previous page held, so an image created or deleted
    // between pages moves no other image across the page boundary (an offset would skip or repeat one). `$skip`
    // applied to the first page only; the token already carries where it left off.
    let window = match &query.skiptoken {
        Some(last) => {
            let start = matched.partition_point(|(id, _)| {
                if query.descending {
                    id.as_str() >= last.as_str()
                } else {
                    id.as_str() <= last.as_str()
                }
            });
            matched.get(start..).unwrap_or_default()
        }
        None => matched.get(query.skip.unwrap_or(0)..).unwrap_or_default(),
    };
    let size = match (query.top, graph.page_size) {
        (Some(top), Some(server)) => Some(top.min(server)),
        (top, server) => top.or(server),
    };
    let (items, more) = match size {
        Some(n) if n < window.len() => (window.get(..n).unwrap_or_default(), n > 0),
        _ => (window, false),
    };
    let value: Vec<Cow<'_, [u8]>> = items
        .iter()
        .map(|(_, v)| shape::project(v, query.select.as_deref()))
        .collect();
    let next_link = items
        .last()
        .filter(|_| more)
        .map(|(last, _)| next_link(route, query, last));
    let texts: Vec<&[u8]> = value.iter().map(|v| v.as_ref()).collect();
    let body = page_body(context, count, next_link.as_deref(), &texts);
    Ok(Reply::Json(http::StatusCode::OK, body.into()))
}

/// The absolute link to the page after the image `last`: same path, the original options, and `$skiptoken`.
fn next_link(route: &Route, query: &Query, last: &str) -> String {
    let mut pairs = query.kept.clone();
    pairs.push(format!("$skiptoken={}", crate::query::skiptoken(last)));
    format!("{}{}?{}", route.origin(), route.raw_path, pairs.join("&"))
}
