//! `DELETE .../managedDeviceWindowsOSImages/{id}`.

use crate::graph::ServiceState;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::store::Undo;

/// Answers 204 after removing the image, or 404.
pub(super) fn delete(graph: &ServiceState, query: &Query, key: &str) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Format], "a delete")?;
    graph.store.write(|images| {
        let old = images
            .remove(key)
            .ok_or_else(|| GraphError::no_image(key))?;
        Ok((Reply::NoContent, Undo::Restore(key.to_owned(), old)))
    })
}
