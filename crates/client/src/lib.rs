//! intune-osimages: see the crate README.
