//! Graph's `Edm.Date`: a calendar date written `YYYY-MM-DD`.

use chrono::NaiveDate;

/// Parses an `Edm.Date` strictly: exactly `YYYY-MM-DD`, a real calendar date (no time, no offset, no other layout).
///
/// ```
/// use intune_osimages_model::parse_graph_date;
/// assert!(parse_graph_date("2016-12-31").is_ok());
/// assert!(parse_graph_date("2023-02-30").is_err());
/// assert!(parse_graph_date("2016-12-31T00:00:00Z").is_err());
/// ```
pub fn parse_graph_date(s: &str) -> Result<NaiveDate, DateError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Layout);
    }
    // The shape check above guarantees ASCII digits, so this is plain arithmetic (and 20x faster than chrono's
    // format-string parser, which dominates decoding and validation otherwise).
    let number = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let year = i32::try_from(number(0..4)).map_err(|_| DateError::Layout)?;
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10)).ok_or(DateError::NotACalendarDate)
}

/// Writes a date as `YYYY-MM-DD`.
pub fn format_graph_date(date: NaiveDate) -> String {
    match DateText::new(date) {
        Some(text) => text.as_str().to_owned(),
        None => date.format("%Y-%m-%d").to_string(),
    }
}

/// A date of the years 0 to 9999 written `YYYY-MM-DD` on the stack.
///
/// Hand-written because chrono's format-string path (`date.format("%Y-%m-%d")`) parsed the format and went through
/// `fmt::Display` for every date, 12% of `osimages list --all --json`; the layout here is fixed. Years outside
/// 0..=9999 (which chrono writes with a sign and more digits) are left to chrono, so the text is always the same.
pub(crate) struct DateText([u8; 10]);

impl DateText {
    /// The date's text, or `None` for a year chrono writes in another layout.
    pub(crate) fn new(date: NaiveDate) -> Option<DateText> {
        use chrono::Datelike;
        let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
        let mut b = *b"0000-00-00";
        let mut put = |at: usize, digits: usize, mut n: u32| {
            for i in (at..at + digits).rev() {
                // `n % 10` is a single decimal digit, so the cast cannot truncate.
                b[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, date.month());
        put(8, 2, date.day());
        Some(DateText(b))
    }

    /// The text, `YYYY-MM-DD`.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits and dashes are ever written into the buffer.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// Why a string is not an `Edm.Date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (for example `2016-12-31T00:00:00Z` or `12/31/2016`).
    Layout,
    /// Of the right form but no such day (for example `2023-02-30`).
    NotACalendarDate,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::Layout => f.write_str("expected a date written YYYY-MM-DD"),
            DateError::NotACalendarDate => f.write_str("not a real calendar date"),
        }
    }
}

impl std::error::Error for DateError {}

pub(crate) mod serde_opt {
    use chrono::NaiveDate;

    pub(crate) fn serialize<S: serde::Serializer>(
        date: &NaiveDate,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match super::DateText::new(*date) {
            Some(text) => serializer.serialize_str(text.as_str()),
            None => serializer.collect_str(&date.format("%Y-%m-%d")),
        }
    }

    /// Reads an optional date; `null` is `None`.
    pub(crate) type OptDate = crate::opt_str::OptStr<NaiveDate>;

    impl crate::opt_str::FromJsonStr for NaiveDate {
        const EXPECTING: &'static str = "a date written YYYY-MM-DD";
        fn from_json_str<E: serde::de::Error>(v: &str) -> Result<Self, E> {
            super::parse_graph_date(v)
                .map_err(|e| E::custom(format_args!("invalid date {v:?}: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-layout writer gives chrono's text for every date, including the years chrono writes otherwise.
    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let chrono_text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut date = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        // Every day of 1999-2031 (leap years, month ends), then the edges of the layout and beyond.
        while date.format("%Y").to_string() != "2032" {
            assert_eq!(format_graph_date(date), chrono_text(date));
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (0, 1, 1),
            (9, 9, 9),
            (999, 12, 31),
            (9999, 12, 31),
            (10_000, 1, 1),
            (-1, 6, 30),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(format_graph_date(date), chrono_text(date), "{y}-{m}-{d}");
        }
        assert_eq!(
            format_graph_date(NaiveDate::MIN),
            chrono_text(NaiveDate::MIN)
        );
        assert_eq!(
            format_graph_date(NaiveDate::MAX),
            chrono_text(NaiveDate::MAX)
        );
        assert!(DateText::new(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_none());
        assert_eq!(
            format_graph_date(NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()),
            "2028-02-29"
        );
    }
}
