//! One problem found in a body.

use serde::{Deserialize, Serialize};

/// How serious a finding is: errors stop a request from being sent; warnings are reported and the body goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The body would be rejected by Graph or would not do what the caller means.
    Error,
    /// The body is accepted but something in it looks wrong.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule a finding comes from. Each has a stable id (see [`Rule::as_str`] and `docs/validation-rules.md`) that
/// scripts may match on; the message text may change between versions, the id does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// `read-only`: a property Graph documents as read-only is in a create or update body.
    ReadOnly,
    /// `enum-value`: a string that is not a member of the property's enum (members are case-sensitive).
    EnumValue,
    /// `date-format`: a date that is not a real calendar date written `YYYY-MM-DD`.
    DateFormat,
    /// `type`: a value of the wrong JSON type (string, integer, array, object).
    Type,
    /// `range`: a number outside the values the property can take, or implausible for it.
    Range,
    /// `required`: a property the operation needs is missing.
    Required,
    /// `null`: `null` in a property that is not nullable.
    Null,
    /// `unknown-property`: a property this resource does not have.
    UnknownProperty,
    /// `odata-type`: an `@odata.type` annotation that names another type.
    OdataType,
    /// `addressable`: an id that no request could address afterwards (`.`, `..`, control characters).
    Addressable,
    /// `duplicate-key`: a key given twice in one JSON object (readers keep one of them; Graph answers 400).
    DuplicateKey,
    /// `inexact-integer`: an integer beyond ±(2^53 - 1), which readers storing numbers as doubles change.
    InexactInteger,
}

impl Rule {
    /// Every rule, in documentation order.
    pub const ALL: [Rule; 12] = [
        Rule::ReadOnly,
        Rule::EnumValue,
        Rule::DateFormat,
        Rule::Type,
        Rule::Range,
        Rule::Required,
        Rule::Null,
        Rule::UnknownProperty,
        Rule::OdataType,
        Rule::Addressable,
        Rule::DuplicateKey,
        Rule::InexactInteger,
    ];

    /// The stable rule id, such as `"read-only"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ReadOnly => "read-only",
            Rule::EnumValue => "enum-value",
            Rule::DateFormat => "date-format",
            Rule::Type => "type",
            Rule::Range => "range",
            Rule::Required => "required",
            Rule::Null => "null",
            Rule::UnknownProperty => "unknown-property",
            Rule::OdataType => "odata-type",
            Rule::Addressable => "addressable",
            Rule::DuplicateKey => "duplicate-key",
            Rule::InexactInteger => "inexact-integer",
        }
    }

    /// The rule with this id, if there is one.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == id)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Rule::from_id(&id).ok_or_else(|| {
            serde::de::Error::custom(format_args!("unknown validation rule id {id:?}"))
        })
    }
}

/// One problem in a body: where (a JSON Pointer), which rule, how serious, what is wrong and, where one exists, what
/// to write instead.
///
/// Serializes as `{"path","rule","severity","message","suggestion"?}`; displays as
/// `error[read-only] /supportedEditions: ...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// RFC 6901 JSON Pointer to the value at fault (`""` is the whole body; `~` and `/` in names are escaped as `~0`
    /// and `~1`). For a missing property it points where the property belongs.
    pub path: String,
    /// The rule that produced the finding.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, for people.
    pub message: String,
    /// What to write instead, when there is a likely fix (`did you mean "arM64"?`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Finding {
    /// Whether this finding is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "(body)"
        } else {
            &self.path
        };
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.rule, path, self.message
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; {s}")?;
        }
        Ok(())
    }
}
