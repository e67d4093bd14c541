//! The map that keeps properties a type does not know.

/// Properties of a Graph object that this version of the model does not know, kept by name and written back
/// unchanged (in name order), so a newer Graph field survives a read-modify-write cycle. A known property that arrived
/// as `null` is remembered here too, and written back as `null` unless its field has been given a value since.
pub type Extra = serde_json::Map<String, serde_json::Value>;
