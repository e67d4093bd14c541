//! The client.

use std::sync::Arc;

use crate::builder::ClientBuilder;
use crate::os_images::OsImages;
use crate::pipeline::Pipeline;

/// A client for Intune's Windows OS image catalog. Cheap to clone (an `Arc` inside); share one per process so
/// connections and tokens are reused.
#[derive(Debug, Clone)]
pub struct Client {
    pipeline: Arc<Pipeline>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client over the in-memory fake Graph service with its sample catalog: no network, no credentials.
    #[cfg(feature = "fake")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
    pub fn sample() -> Result<Self, crate::Error> {
        ClientBuilder::default()
            .fake(intune_osimages_fake::FakeGraph::with_sample_catalog())
            .build()
    }

    pub(crate) fn from_pipeline(pipeline: Pipeline) -> Self {
        Client {
            pipeline: Arc::new(pipeline),
        }
    }

    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The base URL requests go to, such as `https://graph.microsoft.com/beta`.
    pub fn base_url(&self) -> &str {
        &self.pipeline.base_url
    }

    /// The OS image catalog: `/deviceManagement/managedDeviceWindowsOSImages`.
    pub fn os_images(&self) -> OsImages {
        OsImages::new(self.clone())
    }
}
