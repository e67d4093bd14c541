//! intune-osimages-fake: see the crate README.
