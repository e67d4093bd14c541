//! intune-osimages-http: see the crate README.
