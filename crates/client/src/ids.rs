//! Keys as one path segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Everything but RFC 3986's unreserved characters is encoded, so a key can never add a segment, a query or a
/// fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'~')
    .remove(b'.');

/// Encodes an id as a single path segment: `Windows 11 22H2` becomes `Windows%2011%2022H2`, `a/b` becomes `a%2Fb`.
/// Empty ids and the dot segments `.` and `..` are refused, because URL normalisation would turn them into a
/// different path.
pub(crate) fn encode_id(id: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(id.len() + 8);
    push_encoded_id(&mut out, id)?;
    Ok(out)
}

/// Appends [`encode_id`]'s segment to `out`, so a path is built in one buffer.
pub(crate) fn push_encoded_id(out: &mut String, id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::configuration("the id is empty"));
    }
    if id == "." || id == ".." {
        return Err(Error::configuration(format!(
            "the id {id:?} is a dot segment and cannot be addressed without changing the path"
        )));
    }
    out.extend(utf8_percent_encode(id, SEGMENT));
    Ok(())
}

/// Encodes a query option's value.
pub(crate) fn encode_query_value(value: &str) -> String {
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'~')
        .remove(b'.');
    utf8_percent_encode(value, QUERY).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_one_segment() {
        assert_eq!(encode_id("Windows 11 22H2").unwrap(), "Windows%2011%2022H2");
        assert_eq!(encode_id("a/b").unwrap(), "a%2Fb");
        assert_eq!(encode_id("../x?y#z").unwrap(), "..%2Fx%3Fy%23z");
        assert_eq!(encode_id("it's 100%").unwrap(), "it%27s%20100%25");
        assert_eq!(encode_id("é").unwrap(), "%C3%A9");
    }

    #[test]
    fn dot_segments_and_empty_ids_are_refused() {
        assert!(encode_id("..").is_err());
        assert!(encode_id(".").is_err());
        assert!(encode_id("").is_err());
        assert_eq!(encode_id("...").unwrap(), "...");
    }
}
