//! The `osimages` command-line tool's emulator (`osimages serve`), as a library so tests and benchmarks can start it
//! in process.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod serve;
