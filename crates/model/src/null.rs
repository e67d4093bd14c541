//! Known properties sent as `null`: Graph declares them non-nullable, but a `null` that arrives is kept and written
//! back rather than silently dropped (validation reports it when it would be sent).

use crate::Extra;

/// Puts a decoded known property in place: a value goes to its field, a `null` is remembered in `extra` under the
/// property's name so it is written back as it came.
pub(crate) fn place<T>(slot: &mut Option<T>, extra: &mut Extra, key: &str, value: Option<T>) {
    match value {
        Some(v) => {
            *slot = Some(v);
            // Nearly every object has no extra property; skip the map walk then.
            if !extra.is_empty() {
                extra.remove(key);
            }
        }
        None => {
            *slot = None;
            extra.insert_raw(key, serde_json::value::RawValue::NULL.to_owned());
        }
    }
}
