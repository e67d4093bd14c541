//! Which strings JSON escapes, found a word at a time.

/// Whether a string holds a quote, a backslash or a control character, which JSON escapes: eight bytes at a time
/// (the bit tricks of "Bit Twiddling Hacks", `haszero` and `hasless`), exact as a yes or no.
pub(super) fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    /// The high bit of each byte of `x` below `n` (`n` at most 128); nonzero exactly when there is one (bytes
    /// above a match may be marked too, which a yes or no does not mind).
    fn below(x: u64, n: u8) -> u64 {
        x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH
    }
    // One test of the three marks or'ed, not three branches.
    let escaped = |x: u64| {
        below(x, 0x20)
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            != 0
    };
    match bytes.last_chunk::<8>() {
        None => bytes.iter().any(|b| *b < 0x20 || *b == b'"' || *b == b'\\'),
        // The last eight bytes, overlapping the words before: no byte by byte tail.
        Some(last) => {
            escaped(u64::from_ne_bytes(*last))
                || (bytes.as_chunks::<8>().0)
                    .iter()
                    .any(|word| escaped(u64::from_ne_bytes(*word)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte that JSON escapes is found at every position of a string of every length up to 20, and no other.
    #[test]
    fn the_escape_check_finds_exactly_the_bytes_json_escapes() {
        for len in 1..20 {
            for at in 0..len {
                for byte in 0..=127_u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    let json_escapes = serde_json::to_string(std::str::from_utf8(&text).unwrap())
                        .unwrap()
                        .len()
                        != len + 2;
                    assert_eq!(needs_escape(&text), json_escapes, "{byte} at {at} of {len}");
                }
            }
        }
        assert!(!needs_escape(
            "\u{e9}\u{1f600}\u{7f}\u{2028} long enough for two words".as_bytes()
        ));
    }
}
