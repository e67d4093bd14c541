//! Known properties sent as `null`: Graph declares them non-nullable, but a `null` that arrives is kept and written
//! back rather than silently dropped (validation reports it when it would be sent).

use crate::Extra;

/// Puts the decoded known properties of one object in place: a value goes to its field, a `null` is remembered in
/// `extra` under the property's name so it is written back as it came.
#[derive(Default)]
pub(crate) struct Nulls {
    /// Whether a `null` has been remembered in this object's `extra`: until one has, no known name can be there
    /// (an unknown key is never a known name), and a value is placed without a map search.
    any: bool,
}

impl Nulls {
    /// Places the value (`None` for `null`) of the known property `key`.
    #[inline]
    pub(crate) fn place<T>(
        &mut self,
        slot: &mut Option<T>,
        extra: &mut Extra,
        key: &str,
        value: Option<T>,
    ) {
        match value {
            Some(v) => {
                *slot = Some(v);
                if self.any {
                    extra.remove(key);
                }
            }
            None => {
                *slot = None;
                self.any = true;
                extra.insert_raw(key, serde_json::value::RawValue::NULL.to_owned());
            }
        }
    }
}
