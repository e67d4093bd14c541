//! `$filter`: a tokenizer, a recursive-descent parser, a type checker and an evaluator for the subset of OData this
//! resource supports.
//!
//! Supported: `eq ne gt ge lt le`, `and or not`, parentheses, `in ('a','b')`, `startswith`, `endswith`, `contains`,
//! `tolower`, `toupper`, `any`/`all` lambdas over `supportedArchitectures`, `supportedEditions` and
//! `availableUpdates` (and `any()` for "not empty"), string literals with doubled quotes (`'it''s'`), unquoted dates
//! (`2026-10-13`), integers, `true`, `false`, `null`. Keywords, function and property names are case-sensitive.
//! `not` binds looser than a comparison: `not id eq 'x'` is `not (id eq 'x')`.

mod ast;
mod check;
mod eval;
mod fields;
mod lexer;
mod parser;
mod schema;

use std::fmt;

use serde_json::Value;

pub(crate) use fields::FilterFields;

/// A parsed and type-checked `$filter` expression over images stored as JSON.
///
/// ```
/// use intune_osimages_fake::filter::Filter;
/// let f = Filter::parse("supportedEditions/any(e: e/editionType eq 'enterprise' and e/supportEndDate lt 2026-10-13)")
///     .unwrap();
/// let image = serde_json::json!({"id": "Windows 10 22H2",
///     "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2025-10-14"}]});
/// assert!(f.matches(&image));
/// let err = Filter::parse("supportedArchitectures/any(a: a eq 'ARM64')").unwrap_err();
/// assert!(err.message().contains("did you mean 'arM64'"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    expr: check::Expr,
}

impl Filter {
    /// Parses `input`; a string compared with an enum property must be one of the enum's members, as Graph requires.
    pub fn parse(input: &str) -> Result<Filter, FilterError> {
        Self::parse_with(input, true)
    }

    /// Parses `input`, accepting any string compared with an enum property (for values Microsoft may add later).
    pub fn parse_lenient(input: &str) -> Result<Filter, FilterError> {
        Self::parse_with(input, false)
    }

    fn parse_with(input: &str, strict_enums: bool) -> Result<Filter, FilterError> {
        let tokens = lexer::tokenize(input)?;
        let ast = parser::parse(&tokens)?;
        let expr = check::check(&ast, strict_enums)?;
        Ok(Filter { expr })
    }

    /// Whether `image` (one stored JSON object) satisfies the filter. Properties of the wrong shape never match.
    pub fn matches(&self, image: &Value) -> bool {
        let mut stack = vec![image];
        eval::eval(&self.expr, &mut stack)
    }

    /// Whether the image whose filterable properties are `fields` satisfies the filter: the same answer as
    /// [`Filter::matches`] on the whole image, without parsing its text.
    pub(crate) fn matches_fields(&self, fields: &FilterFields) -> bool {
        let mut stack = vec![fields.root()];
        eval::eval(&self.expr, &mut stack)
    }
}

/// Why a `$filter` expression was refused: what is wrong and the 1-based character position where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    position: usize,
    message: String,
}

impl FilterError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        FilterError {
            position,
            message: message.into(),
        }
    }

    /// The 1-based character position in the expression where the problem is.
    pub fn position(&self) -> usize {
        self.position
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at position {})", self.message, self.position)
    }
}

impl std::error::Error for FilterError {}
