//! Rules read from the model's schema tables: a declared property that has no rule of its own (in `image_rules`,
//! `edition_rules`, `update_rules`) is checked by its declared type, so a property added to the model's table is
//! validated (type, `null`, enum members, dates, nested objects) without an edit here.

use intune_osimages_model::schema::{ObjectSchema, Property, PropertyType};
use serde_json::Value;

use crate::context::Ctx;
use crate::object_rules::{is_annotation, odata_type, required, unknown_property};
use crate::pointer::Pointer;
use crate::value_rules::{array, date, enum_member, integer, string};

/// Checks a declared property's value by its declared type.
pub(crate) fn check_declared(ctx: &mut Ctx, at: &Pointer<'_>, property: &Property, value: &Value) {
    check_typed(ctx, at, property.wire_name, &property.ty, value);
}

/// Checks `value` against `ty`; `name` is how messages name it.
fn check_typed(ctx: &mut Ctx, at: &Pointer<'_>, name: &str, ty: &PropertyType, value: &Value) {
    match ty {
        PropertyType::String => {
            string(ctx, at, name, value, "send a string");
        }
        PropertyType::Int32 => {
            integer(ctx, at, name, value);
        }
        PropertyType::Date => {
            if let Some(s) = string(ctx, at, name, value, "send a date") {
                date(ctx, at, name, s);
            }
        }
        PropertyType::Enum(e) => {
            let fix = format!("send a {} value", e.graph_name);
            if let Some(s) = string(ctx, at, name, value, &fix) {
                enum_member(ctx, at, s, e.graph_name, e.members);
            }
        }
        PropertyType::Complex(schema) => check_complex(ctx, at, name, schema, value),
        PropertyType::Collection(element) => {
            if let Some(items) = array(ctx, at, name, value) {
                let element_name = format!("an element of {name}");
                for (i, item) in items.iter().enumerate() {
                    check_typed(ctx, &at.index(i), &element_name, element, item);
                }
            }
        }
        // A type added to the schema later is written back as given; nothing to check it against here.
        _ => {}
    }
}

/// Checks an object of a complex type: its `@odata.type`, each declared property by type, unknown properties, and
/// that every non-nullable property is present (a complex value is replaced whole).
fn check_complex(
    ctx: &mut Ctx,
    at: &Pointer<'_>,
    name: &str,
    schema: &ObjectSchema,
    value: &Value,
) {
    let object = match value {
        Value::Object(object) => object,
        Value::Null => {
            let fix = format!("send a {} object", schema.graph_name);
            return ctx.null(at, name, &fix);
        }
        other => {
            let expected = format!("a {} object", schema.graph_name);
            return ctx.wrong_type(at, name, &expected, other);
        }
    };
    for (key, value) in object {
        let here = at.key(key);
        match key.as_str() {
            "@odata.type" => odata_type(ctx, &here, value, schema),
            k if is_annotation(k) => {}
            k => match schema.property(k) {
                Some(property) => check_declared(ctx, &here, property, value),
                None => unknown_property(ctx, &here, k, schema),
            },
        }
    }
    let why = format!("Graph marks it non-nullable in {}", schema.graph_name);
    required(
        ctx,
        at,
        object,
        schema
            .properties
            .iter()
            .filter(|p| p.non_nullable)
            .map(|p| p.wire_name),
        &why,
    );
}

#[cfg(test)]
mod tests {
    use intune_osimages_model::{Edition, OsImage, OsUpdate};
    use serde_json::json;

    use super::check_declared;
    use crate::context::Ctx;
    use crate::pointer::Pointer;
    use crate::{Operation, Policy, Rule};

    fn findings(schema_property: &str, value: serde_json::Value) -> Vec<(String, Rule)> {
        let property = OsImage::SCHEMA
            .property(schema_property)
            .or_else(|| Edition::SCHEMA.property(schema_property))
            .or_else(|| OsUpdate::SCHEMA.property(schema_property))
            .unwrap();
        let mut ctx = Ctx::new(Operation::Update, Policy::default(), || 2026);
        let root = Pointer::Root;
        check_declared(&mut ctx, &root.key(property.wire_name), property, &value);
        ctx.findings.into_iter().map(|f| (f.path, f.rule)).collect()
    }

    // These properties have rules of their own; checking them by their declared type alone must still catch what
    // a type can catch, which is what a newly declared property gets.
    #[test]
    fn a_declared_type_alone_catches_type_enum_date_and_missing_member_problems() {
        assert!(findings("supportedArchitectures", json!(["x64", "arM64"])).is_empty());
        assert_eq!(
            findings("supportedArchitectures", json!(["x64", "ARM64", 3])),
            [
                ("/supportedArchitectures/1".to_owned(), Rule::EnumValue),
                ("/supportedArchitectures/2".to_owned(), Rule::Type)
            ]
        );
        assert_eq!(
            findings("supportedArchitectures", json!(null)),
            [("/supportedArchitectures".to_owned(), Rule::Null)]
        );
        assert_eq!(
            findings(
                "supportedEditions",
                json!([{"editionType": "enterprise", "supportEndDate": "10/12/2027", "colour": 1}])
            ),
            [
                // serde_json's map is ordered by key.
                (
                    "/supportedEditions/0/colour".to_owned(),
                    Rule::UnknownProperty
                ),
                (
                    "/supportedEditions/0/supportEndDate".to_owned(),
                    Rule::DateFormat
                )
            ]
        );
        assert_eq!(
            findings(
                "availableUpdates",
                json!([{"buildVersion": "1", "releaseMonth": 1.5}])
            ),
            [
                ("/availableUpdates/0/releaseMonth".to_owned(), Rule::Type),
                ("/availableUpdates/0/releaseYear".to_owned(), Rule::Required)
            ]
        );
        assert_eq!(findings("id", json!(7)), [("/id".to_owned(), Rule::Type)]);
    }
}
