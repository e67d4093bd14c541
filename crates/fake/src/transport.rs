//! The in-process transport over the fake service.

use intune_osimages_transport::{Request, Response, Transport, TransportError};

use crate::FakeGraph;

/// A [`Transport`] that answers from a [`FakeGraph`] in process: no sockets, no reqwest. Scripted faults and latency
/// apply. Cloning shares the service.
#[derive(Debug, Clone, Default)]
pub struct FakeTransport {
    graph: FakeGraph,
}

impl FakeTransport {
    /// A transport over `graph`; keep a clone of `graph` to script faults and inspect requests.
    pub fn new(graph: FakeGraph) -> Self {
        FakeTransport { graph }
    }

    /// A transport over a service holding the sample catalog.
    pub fn sample() -> Self {
        Self::new(FakeGraph::with_sample_catalog())
    }

    /// The service behind the transport.
    pub fn graph(&self) -> &FakeGraph {
        &self.graph
    }
}

#[async_trait::async_trait]
impl Transport for FakeTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.graph.handle(request).await
    }
}
