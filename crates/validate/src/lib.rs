#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod context;
mod edition_rules;
mod finding;
mod image_rules;
mod json_text;
mod object_rules;
mod pointer;
mod policy;
mod report;
mod schema_rules;
mod suggest;
mod update_rules;
mod value_rules;

use intune_osimages_model::{OsImage, OsImagePatch};
use serde_json::Value;

pub use context::describe_json;
pub use finding::{Finding, Rule, Severity};
pub use json_text::{MAX_EXACT_INTEGER, check_json_text};
pub use policy::{Operation, Policy};
pub use report::Report;

use context::{Ctx, YearSource, system_year};
use pointer::Pointer;

/// Validates a raw JSON body for `operation` and reports every finding at once. Never panics, whatever the JSON.
///
/// ```
/// use intune_osimages_validate::{validate, Operation, Policy, Rule};
/// let body = serde_json::json!({"supportedArchitectures": ["ARM64"]});
/// let report = validate(&body, Operation::Update, Policy::allow_read_only());
/// let finding = &report.findings()[0];
/// assert_eq!((finding.path.as_str(), finding.rule), ("/supportedArchitectures/0", Rule::EnumValue));
/// assert_eq!(finding.suggestion.as_deref(), Some(r#"did you mean "arM64"?"#));
/// ```
pub fn validate(body: &Value, operation: Operation, policy: Policy) -> Report {
    validate_with_year(body, operation, policy, system_year)
}

/// [`validate`] with the current year (for the `releaseYear` plausibility warning) taken from `year`.
pub(crate) fn validate_with_year(
    body: &Value,
    operation: Operation,
    policy: Policy,
    year: YearSource,
) -> Report {
    let mut ctx = Ctx::new(operation, policy, year);
    image_rules::check_image(&mut ctx, body);
    Report::from(ctx.findings)
}

/// Validates a typed image for `operation`, by validating the JSON it serializes to (so it catches what the types
/// allow but Graph does not: a month of 13, an unknown enum value, a read-only property).
pub fn validate_image(image: &OsImage, operation: Operation, policy: Policy) -> Report {
    validate_serialized(image, operation, policy)
}

/// Validates a typed update body: [`validate`] of its JSON for [`Operation::Update`].
pub fn validate_patch(patch: &OsImagePatch, policy: Policy) -> Report {
    validate_serialized(patch, Operation::Update, policy)
}

fn validate_serialized<T: serde::Serialize>(
    value: &T,
    operation: Operation,
    policy: Policy,
) -> Report {
    match serde_json::to_value(value) {
        Ok(body) => validate(&body, operation, policy),
        Err(e) => {
            let mut ctx = Ctx::new(operation, policy, system_year);
            ctx.error(
                &Pointer::Root,
                Rule::Type,
                format!("the value cannot be written as JSON: {e}"),
            );
            Report::from(ctx.findings)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Operation, Policy, Rule, Severity, validate_with_year};
    use serde_json::json;

    fn year_2026() -> i32 {
        2026
    }

    fn year_findings(year: serde_json::Value) -> Vec<(Rule, Severity)> {
        let body = json!({"availableUpdates": [
            {"buildVersion": "10.0.26100.1", "releaseMonth": 1, "releaseYear": year}
        ]});
        validate_with_year(
            &body,
            Operation::Update,
            Policy::allow_read_only(),
            year_2026,
        )
        .into_iter()
        .map(|f| (f.rule, f.severity))
        .collect()
    }

    #[test]
    fn release_year_plausibility_follows_the_clock() {
        assert!(year_findings(json!(1985)).is_empty());
        assert!(year_findings(json!(2031)).is_empty());
        assert_eq!(
            year_findings(json!(1984)),
            [(Rule::Range, Severity::Warning)]
        );
        assert_eq!(
            year_findings(json!(2032)),
            [(Rule::Range, Severity::Warning)]
        );
        assert_eq!(year_findings(json!(-1)), [(Rule::Range, Severity::Error)]);
        assert_eq!(
            year_findings(json!(2147483648_i64)),
            [(Rule::Range, Severity::Error)]
        );
        assert_eq!(
            year_findings(json!(u64::MAX)),
            [(Rule::Range, Severity::Error)]
        );
    }

    #[test]
    fn a_clock_set_in_the_past_is_not_believed() {
        fn year_1970() -> i32 {
            1970
        }
        let allow = Policy::allow_read_only();
        let body = json!({"availableUpdates": [
            {"buildVersion": "10.0.26100.1", "releaseMonth": 1, "releaseYear": 2031}
        ]});
        let report = validate_with_year(&body, Operation::Update, allow, year_1970);
        assert!(report.is_empty(), "{report}");
        let later = json!({"availableUpdates": [
            {"buildVersion": "10.0.26100.1", "releaseMonth": 1, "releaseYear": 2032}
        ]});
        let report = validate_with_year(&later, Operation::Update, allow, year_1970);
        assert_eq!(report.warnings().count(), 1, "{report}");
    }

    #[test]
    fn a_later_clock_moves_the_bound() {
        fn year_2040() -> i32 {
            2040
        }
        let body = json!({"availableUpdates": [
            {"buildVersion": "10.0.26100.1", "releaseMonth": 1, "releaseYear": 2045}
        ]});
        let report = validate_with_year(
            &body,
            Operation::Update,
            Policy::allow_read_only(),
            year_2040,
        );
        assert!(report.is_empty(), "{report}");
    }
}
