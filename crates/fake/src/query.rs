//! OData system query options: reading them from the query string and refusing what cannot be evaluated.
//!
//! Names are matched ignoring ASCII case and with or without the `$` (Graph's beta endpoint makes the `$`
//! optional). Names and values are decoded as Graph's web front end decodes a query string: `+` is a space (form
//! encoding, which curl, Python's `urlencode` and browsers send) and `%XX` is a byte, so a real plus is `%2B`.
//! The emulator and the in-process transport therefore read a query the same way. Parameters that are not system
//! query options are ignored, as custom options are.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use intune_osimages_model::OsImage;
use percent_encoding::percent_decode_str;

use crate::filter::Filter;
use crate::reply::GraphError;

/// Whether `$select` may name this property (the model's schema says).
fn selectable(name: &str) -> bool {
    OsImage::SCHEMA.property(name).is_some_and(|p| p.selectable)
}

/// Whether `$orderby` may name this property (the model's schema says).
fn sortable(name: &str) -> bool {
    OsImage::SCHEMA.property(name).is_some_and(|p| p.sortable)
}

/// The names of the properties `$select` (or `$orderby`) may name, for messages.
fn names(allowed: fn(&str) -> bool, quote: bool) -> String {
    OsImage::SCHEMA
        .wire_names()
        .filter(|n| allowed(n))
        .map(|n| {
            if quote {
                format!("'{n}'")
            } else {
                n.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A system query option this service knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opt {
    Filter,
    Select,
    Top,
    Skip,
    OrderBy,
    Count,
    SkipToken,
    Format,
}

impl Opt {
    /// The option's canonical name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Opt::Filter => "$filter",
            Opt::Select => "$select",
            Opt::Top => "$top",
            Opt::Skip => "$skip",
            Opt::OrderBy => "$orderby",
            Opt::Count => "$count",
            Opt::SkipToken => "$skiptoken",
            Opt::Format => "$format",
        }
    }

    fn from_name(lower: &str) -> Option<Opt> {
        Some(match lower {
            "filter" => Opt::Filter,
            "select" => Opt::Select,
            "top" => Opt::Top,
            "skip" => Opt::Skip,
            "orderby" => Opt::OrderBy,
            "count" => Opt::Count,
            "skiptoken" => Opt::SkipToken,
            "format" => Opt::Format,
            _ => return None,
        })
    }
}

/// OData options this service recognizes but cannot evaluate for this resource.
const UNSUPPORTED: [(&str, &str); 7] = [
    (
        "expand",
        "this resource has no navigation properties to expand",
    ),
    (
        "search",
        "this resource does not support full-text search; use $filter",
    ),
    ("apply", "aggregation is not supported"),
    ("compute", "computed properties are not supported"),
    ("levels", "this resource has no navigation properties"),
    (
        "deltatoken",
        "delta queries are not supported by this resource",
    ),
    ("index", "$index is not supported"),
];

/// The system query options of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub(crate) filter: Option<Filter>,
    /// `$select`; `None` when absent or `*`.
    pub(crate) select: Option<Vec<String>>,
    pub(crate) top: Option<usize>,
    pub(crate) skip: Option<usize>,
    /// Whether `$orderby` asks for descending `id` order.
    pub(crate) descending: bool,
    pub(crate) count: bool,
    /// `$skiptoken`: the id of the last image of the previous page.
    pub(crate) skiptoken: Option<String>,
    /// The options present, in order.
    pub(crate) present: Vec<Opt>,
    /// The raw `name=value` pairs other than `$skiptoken`, as they arrived, for `@odata.nextLink`.
    pub(crate) kept: Vec<String>,
}

impl Query {
    /// Parses a raw query string (without the `?`).
    pub(crate) fn parse(raw: Option<&str>, strict_enums: bool) -> Result<Query, GraphError> {
        let mut q = Query::default();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(raw_name, "query parameter name")?;
            let lower = name.to_ascii_lowercase();
            let bare = lower.strip_prefix('$').unwrap_or(&lower);
            if let Some((_, why)) = UNSUPPORTED.iter().find(|(n, _)| *n == bare) {
                return Err(GraphError::bad_request(format!(
                    "The query option '{name}' is not supported: {why}"
                )));
            }
            let Some(opt) = Opt::from_name(bare) else {
                if lower.starts_with('$') {
                    return Err(GraphError::bad_request(format!(
                        "The query option '{name}' is not supported; supported: $filter, $select, $top, $skip, \
                         $orderby, $count"
                    )));
                }
                q.kept.push(pair.to_owned());
                continue;
            };
            if q.present.contains(&opt) {
                return Err(GraphError::bad_request(format!(
                    "The query option '{}' is given more than once",
                    opt.name()
                )));
            }
            q.present.push(opt);
            if opt != Opt::SkipToken {
                q.kept.push(pair.to_owned());
            }
            let value = decode(raw_value, opt.name())?;
            q.apply(opt, &value, strict_enums)?;
        }
        Ok(q)
    }

    fn apply(&mut self, opt: Opt, value: &str, strict_enums: bool) -> Result<(), GraphError> {
        match opt {
            Opt::Filter => {
                let parsed = if strict_enums {
                    Filter::parse(value)
                } else {
                    Filter::parse_lenient(value)
                };
                self.filter = Some(parsed.map_err(|e| {
                    GraphError::bad_request(format!(
                        "Invalid $filter: {} at position {} of '{value}'",
                        e.message(),
                        e.position()
                    ))
                })?);
            }
            Opt::Select => self.select = parse_select(value)?,
            Opt::Top => self.top = Some(non_negative(opt, value)?),
            Opt::Skip => self.skip = Some(non_negative(opt, value)?),
            Opt::SkipToken => {
                let last = URL_SAFE_NO_PAD
                    .decode(value)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| {
                        GraphError::bad_request(format!(
                            "The $skiptoken '{value}' was not issued by this service; follow @odata.nextLink as given"
                        ))
                    })?;
                self.skiptoken = Some(last);
            }
            Opt::OrderBy => self.descending = parse_orderby(value)?,
            Opt::Count => {
                self.count = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(GraphError::bad_request(format!(
                            "The value '{value}' of $count is not valid; use true or false"
                        )));
                    }
                };
            }
            Opt::Format => {
                if !matches!(
                    value.to_ascii_lowercase().as_str(),
                    "json" | "application/json"
                ) {
                    return Err(GraphError::bad_request(format!(
                        "The $format '{value}' is not supported; only json is"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Refuses every option present that is not in `allowed`, naming it and what it was applied to.
    pub(crate) fn allow_only(&self, allowed: &[Opt], target: &str) -> Result<(), GraphError> {
        match self.present.iter().find(|o| !allowed.contains(o)) {
            None => Ok(()),
            Some(opt) => Err(GraphError::bad_request(format!(
                "The query option '{}' cannot be applied to {target}",
                opt.name()
            ))),
        }
    }
}

fn decode(raw: &str, what: &str) -> Result<String, GraphError> {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| GraphError::bad_request(format!("The {what} does not decode to UTF-8 text")))
}

/// The `$skiptoken` of the page after the image `last`: its id in URL-safe base64, opaque to clients (who follow
/// `@odata.nextLink` as given) and safe in a query string without escaping.
pub(crate) fn skiptoken(last: &str) -> String {
    URL_SAFE_NO_PAD.encode(last)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn non_negative(opt: Opt, value: &str) -> Result<usize, GraphError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|_| is_digits(value))
        .ok_or_else(|| {
            GraphError::bad_request(format!(
                "The value '{value}' of {} is not valid; it must be a non-negative integer",
                opt.name()
            ))
        })
}

fn parse_select(value: &str) -> Result<Option<Vec<String>>, GraphError> {
    let mut out = Vec::new();
    for item in value.split(',').map(str::trim) {
        if item == "*" {
            return Ok(None);
        }
        if item.is_empty() {
            return Err(GraphError::bad_request(
                "$select has an empty item; write a comma-separated list of properties",
            ));
        }
        if !selectable(item) {
            return Err(GraphError::bad_request(format!(
                "Could not find a property named '{item}' on type \
                 'microsoft.graph.managedDeviceWindowsOperatingSystemImage' in $select (properties: {})",
                names(selectable, false)
            )));
        }
        if !out.iter().any(|s| s == item) {
            out.push(item.to_owned());
        }
    }
    Ok(Some(out))
}

/// Reads `$orderby`; only `id` can be ordered (the collections cannot; the schema says which). Returns whether the
/// order is descending.
fn parse_orderby(value: &str) -> Result<bool, GraphError> {
    let mut descending = None;
    for item in value.split(',') {
        let words: Vec<&str> = item.split_whitespace().collect();
        let (prop, dir) = match words.as_slice() {
            [prop] => (*prop, "asc"),
            [prop, dir] => (*prop, *dir),
            [] => {
                return Err(GraphError::bad_request(
                    "$orderby has an empty item; write 'id' or 'id desc'",
                ));
            }
            _ => {
                return Err(GraphError::bad_request(format!(
                    "The $orderby item '{}' is not valid; write a property and optionally asc or desc",
                    item.trim()
                )));
            }
        };
        if !sortable(prop) {
            let only = names(sortable, true);
            let why = if OsImage::SCHEMA.declares(prop) {
                format!("'{prop}' is a collection and cannot be ordered by; only {only} can")
            } else {
                format!(
                    "Could not find a property named '{prop}' on type \
                     'microsoft.graph.managedDeviceWindowsOperatingSystemImage'; only {only} can be ordered by"
                )
            };
            return Err(GraphError::bad_request(format!("Invalid $orderby: {why}")));
        }
        let desc = match dir.to_ascii_lowercase().as_str() {
            "asc" => false,
            "desc" => true,
            _ => {
                return Err(GraphError::bad_request(format!(
                    "Invalid $orderby: the direction '{dir}' is not asc or desc"
                )));
            }
        };
        // Later keys on the same property cannot change the order the first one set.
        descending.get_or_insert(desc);
    }
    Ok(descending.unwrap_or(false))
}
