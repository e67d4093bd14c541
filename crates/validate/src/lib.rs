//! intune-osimages-validate: see the crate README.
