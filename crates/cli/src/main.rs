//! The `osimages` command-line tool.
fn main() {}
