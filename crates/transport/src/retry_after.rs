//! Reading the `Retry-After` header.

use std::time::{Duration, SystemTime};

/// Reads a `Retry-After` value (RFC 9110 §10.2.3) as a delay from `now`: either delta-seconds (`"120"`) or an
/// HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`). A date in the past gives a zero delay. Returns `None` for anything
/// else (negative or fractional numbers, garbage), so the caller falls back to its own backoff.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use http::HeaderValue;
/// use intune_osimages_transport::parse_retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
/// assert_eq!(parse_retry_after(&HeaderValue::from_static("3"), now), Some(Duration::from_secs(3)));
/// let date = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"); // 1_445_412_480
/// assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after(&HeaderValue::from_static("soon"), now), None);
/// ```
pub fn parse_retry_after(value: &http::HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is still "a very long time", not garbage.
        let seconds = text.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn delta_seconds() {
        let now = at(1_000);
        for (text, want) in [("0", 0), ("1", 1), (" 42 ", 42), ("007", 7)] {
            let value = HeaderValue::from_str(text).unwrap();
            assert_eq!(
                parse_retry_after(&value, now),
                Some(Duration::from_secs(want)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn huge_delta_saturates() {
        let value = HeaderValue::from_static("99999999999999999999999");
        assert_eq!(
            parse_retry_after(&value, at(0)),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn http_dates_in_all_three_formats() {
        // 1994-11-06T08:49:37Z
        let now = at(784_111_777 - 30);
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            let value = HeaderValue::from_str(text).unwrap();
            assert_eq!(
                parse_retry_after(&value, now),
                Some(Duration::from_secs(30)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn past_date_is_zero() {
        let value = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_retry_after(&value, at(784_111_777 + 500)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn garbage_is_none() {
        for text in ["", "  ", "-1", "1.5", "soon", "Sun, 06 Nov 1994", "1e3"] {
            let value = HeaderValue::from_str(text).unwrap();
            assert_eq!(parse_retry_after(&value, at(0)), None, "{text:?}");
        }
    }

    #[test]
    fn non_ascii_is_none() {
        let value = HeaderValue::from_bytes(b"\xff\xfe").unwrap();
        assert_eq!(parse_retry_after(&value, at(0)), None);
    }
}
