//! The state of one validation: what the body is for, and the findings so far.

use serde_json::Value;

use crate::pointer::Pointer;
use crate::value_rules::EARLIEST_CURRENT_YEAR;
use crate::{Finding, Operation, Policy, Rule, Severity};

/// Where the current year comes from, so tests can pin it.
pub(crate) type YearSource = fn() -> i32;

/// The system clock's current year (UTC).
pub(crate) fn system_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

pub(crate) struct Ctx {
    pub(crate) operation: Operation,
    pub(crate) policy: Policy,
    pub(crate) findings: Vec<Finding>,
    year_source: YearSource,
    year: Option<i32>,
}

impl Ctx {
    pub(crate) fn new(operation: Operation, policy: Policy, year_source: YearSource) -> Self {
        Ctx {
            operation,
            policy,
            findings: Vec::new(),
            year_source,
            year: None,
        }
    }

    /// The current year, read from the clock at most once per validation (and never before
    /// [`EARLIEST_CURRENT_YEAR`], so a machine whose clock was reset does not flag this year's updates).
    pub(crate) fn current_year(&mut self) -> i32 {
        let source = self.year_source;
        *self
            .year
            .get_or_insert_with(|| source().max(EARLIEST_CURRENT_YEAR))
    }

    pub(crate) fn push(
        &mut self,
        at: &Pointer<'_>,
        rule: Rule,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.findings.push(Finding {
            path: at.render(),
            rule,
            severity,
            message,
            suggestion,
        });
    }

    pub(crate) fn error(&mut self, at: &Pointer<'_>, rule: Rule, message: String) {
        self.push(at, rule, Severity::Error, message, None);
    }

    pub(crate) fn error_with(
        &mut self,
        at: &Pointer<'_>,
        rule: Rule,
        message: String,
        suggestion: String,
    ) {
        self.push(at, rule, Severity::Error, message, Some(suggestion));
    }

    /// Reports `null` where `name` may not be null; `fix` says what to send instead.
    pub(crate) fn null(&mut self, at: &Pointer<'_>, name: &str, fix: &str) {
        self.error_with(
            at,
            Rule::Null,
            format!("{name} is not nullable, but the body sends null"),
            fix.to_owned(),
        );
    }

    /// Reports a value of the wrong JSON type.
    pub(crate) fn wrong_type(
        &mut self,
        at: &Pointer<'_>,
        name: &str,
        expected: &str,
        found: &Value,
    ) {
        self.error(
            at,
            Rule::Type,
            format!("{name} must be {expected}, found {}", describe_json(found)),
        );
    }
}

/// A JSON value's kind with its article, for messages: `a string`, `an array`, `null`.
pub fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction or exponent",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
