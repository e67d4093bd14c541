//! The `osimages` command-line tool's emulator (`osimages serve`), as a library so tests and benchmarks can start it
//! in process.

pub mod serve;
