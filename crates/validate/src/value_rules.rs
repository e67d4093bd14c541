//! Rules about single values: JSON type, null, enum members, dates, integers.

use intune_osimages_model::{DateError, parse_graph_date};
use serde_json::Value;

use crate::context::Ctx;
use crate::pointer::Pointer;
use crate::suggest::closest;
use crate::{Rule, Severity};

/// The value as a string, or `None` after reporting `null` or `type`.
pub(crate) fn string<'v>(
    ctx: &mut Ctx,
    at: &Pointer<'_>,
    name: &str,
    value: &'v Value,
    null_fix: &str,
) -> Option<&'v str> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => {
            ctx.null(at, name, null_fix);
            None
        }
        other => {
            ctx.wrong_type(at, name, "a string", other);
            None
        }
    }
}

/// The value as an array, or `None` after reporting `null` or `type`.
pub(crate) fn array<'v>(
    ctx: &mut Ctx,
    at: &Pointer<'_>,
    name: &str,
    value: &'v Value,
) -> Option<&'v [Value]> {
    match value {
        Value::Array(items) => Some(items),
        Value::Null => {
            ctx.null(
                at,
                name,
                &format!("send [] for an empty list, or leave {name} out"),
            );
            None
        }
        other => {
            ctx.wrong_type(at, name, "an array", other);
            None
        }
    }
}

/// An integer as JSON carried it.
pub(crate) enum Int {
    /// Fits an `i64`.
    Small(i64),
    /// A positive integer beyond `i64` (still an integer, so a `range` problem rather than a `type` one).
    Huge,
}

/// The value as an integer, or `None` after reporting `null` or `type` (a fraction or exponent is not an integer).
pub(crate) fn integer(ctx: &mut Ctx, at: &Pointer<'_>, name: &str, value: &Value) -> Option<Int> {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(Int::Small(i))
            } else if n.is_u64() {
                Some(Int::Huge)
            } else {
                ctx.wrong_type(at, name, "an integer", value);
                None
            }
        }
        Value::Null => {
            ctx.null(at, name, "send an integer");
            None
        }
        other => {
            ctx.wrong_type(at, name, "an integer", other);
            None
        }
    }
}

/// Checks that `value` is exactly one of `members` (Graph's enum members are case-sensitive).
pub(crate) fn enum_member(
    ctx: &mut Ctx,
    at: &Pointer<'_>,
    value: &str,
    enum_name: &str,
    members: &[&str],
) {
    if members.contains(&value) {
        return;
    }
    match closest(value, members) {
        Some(member) => ctx.error_with(
            at,
            Rule::EnumValue,
            format!("{value:?} is not a {enum_name} value (enum values are case-sensitive)"),
            format!("did you mean {member:?}?"),
        ),
        None => ctx.error(
            at,
            Rule::EnumValue,
            format!(
                "{value:?} is not a {enum_name} value; known values: {}",
                members.join(", ")
            ),
        ),
    }
}

/// Checks an `Edm.Date`: exactly `YYYY-MM-DD` and a real calendar day.
pub(crate) fn date(ctx: &mut Ctx, at: &Pointer<'_>, name: &str, value: &str) {
    match parse_graph_date(value) {
        Ok(_) => {}
        Err(DateError::NotACalendarDate) => ctx.error(
            at,
            Rule::DateFormat,
            format!("{name} {value:?} is not a real calendar date"),
        ),
        Err(DateError::Layout) => {
            let message = format!("{name} must be a date written YYYY-MM-DD, found {value:?}");
            match likely_date(value) {
                Some(fixed) => ctx.error_with(
                    at,
                    Rule::DateFormat,
                    message,
                    format!("did you mean {fixed:?}?"),
                ),
                None => ctx.error(at, Rule::DateFormat, message),
            }
        }
    }
}

/// The `YYYY-MM-DD` a wrongly written date most likely means: a date-time's date part, a padded date, or a US
/// `MM/DD/YYYY` date.
fn likely_date(value: &str) -> Option<String> {
    let trimmed = value.trim();
    let candidate = if parse_graph_date(trimmed).is_ok() {
        Some(trimmed.to_owned())
    } else if let Some(prefix) = trimmed.get(..10)
        && parse_graph_date(prefix).is_ok()
        && trimmed
            .get(10..)
            .is_some_and(|rest| rest.starts_with(['T', 't', ' ']))
    {
        Some(prefix.to_owned())
    } else {
        chrono::NaiveDate::parse_from_str(trimmed, "%m/%d/%Y")
            .ok()
            .map(intune_osimages_model::format_graph_date)
    };
    candidate.filter(|c| parse_graph_date(c).is_ok())
}

/// The first year a Windows release could plausibly name (Windows 1.0 shipped in 1985).
pub(crate) const FIRST_WINDOWS_YEAR: i64 = 1985;
/// How many years past the current one a release year may be before it looks wrong.
pub(crate) const YEARS_AHEAD: i64 = 5;
/// The year this crate was written: a clock that reads earlier is wrong, and is not believed.
pub(crate) const EARLIEST_CURRENT_YEAR: i32 = 2026;

/// Checks `releaseYear`: an Int32 that is not negative (errors), and plausible for a Windows update (a warning).
pub(crate) fn release_year(ctx: &mut Ctx, at: &Pointer<'_>, name: &str, value: &Value) {
    let Some(int) = integer(ctx, at, name, value) else {
        return;
    };
    let year = match int {
        Int::Small(y) if y < 0 => {
            return ctx.error(
                at,
                Rule::Range,
                format!("{name} must not be negative, found {value}"),
            );
        }
        Int::Small(y) if y <= i64::from(i32::MAX) => y,
        _ => {
            return ctx.error(
                at,
                Rule::Range,
                format!(
                    "{name} must fit an Int32 (at most {}), found {value}",
                    i32::MAX
                ),
            );
        }
    };
    // Years up to the earliest possible "now" plus the margin are plausible whatever the clock says: skip reading it.
    if (FIRST_WINDOWS_YEAR..=i64::from(EARLIEST_CURRENT_YEAR) + YEARS_AHEAD).contains(&year) {
        return;
    }
    let last = i64::from(ctx.current_year()) + YEARS_AHEAD;
    if (FIRST_WINDOWS_YEAR..=last).contains(&year) {
        return;
    }
    let message = format!(
        "{name} {year} is implausible for a Windows update (expected {FIRST_WINDOWS_YEAR} to {last})"
    );
    // A two-digit year is the likeliest slip (the seed's own example writes 11).
    let suggestion = match year {
        0..=84 => Some(format!("did you mean {}?", 2000 + year)),
        85..=99 => Some(format!("did you mean {}?", 1900 + year)),
        _ => None,
    };
    ctx.push(at, Rule::Range, Severity::Warning, message, suggestion);
}

/// Checks `releaseMonth`: an integer from 1 to 12.
pub(crate) fn release_month(ctx: &mut Ctx, at: &Pointer<'_>, name: &str, value: &Value) {
    match integer(ctx, at, name, value) {
        Some(Int::Small(1..=12)) | None => {}
        Some(_) => ctx.error(
            at,
            Rule::Range,
            format!("{name} must be a month from 1 to 12, found {value}"),
        ),
    }
}
