//! `managedDeviceWindowsOperatingSystemEdition` elements of `supportedEditions`.

use intune_osimages_model::schema::ObjectSchema;
use intune_osimages_model::{Edition, EditionType};
use serde_json::Value;

use crate::context::Ctx;
use crate::object_rules::{is_annotation, odata_type, required, unknown_property};
use crate::pointer::Pointer;
use crate::schema_rules::check_declared;
use crate::value_rules::{date, enum_member, string};
use crate::{Rule, Severity};

const EDITION: &ObjectSchema = &Edition::SCHEMA;

/// Checks one element of `supportedEditions`.
pub(crate) fn check_edition(ctx: &mut Ctx, at: &Pointer<'_>, value: &Value) {
    let object = match value {
        Value::Object(object) => object,
        Value::Null => {
            return ctx.null(
                at,
                "an element of supportedEditions",
                "remove the element or send an edition object",
            );
        }
        other => {
            return ctx.wrong_type(
                at,
                "an element of supportedEditions",
                "a managedDeviceWindowsOperatingSystemEdition object",
                other,
            );
        }
    };
    for (key, value) in object {
        let here = at.key(key);
        match key.as_str() {
            "@odata.type" => odata_type(ctx, &here, value, EDITION),
            "editionType" => {
                if let Some(s) = string(ctx, &here, "editionType", value, "send an edition type") {
                    edition_type(ctx, &here, s);
                }
            }
            "supportEndDate" => {
                if let Some(s) = string(ctx, &here, "supportEndDate", value, "send a date") {
                    date(ctx, &here, "supportEndDate", s);
                }
            }
            k if is_annotation(k) => {}
            k => match EDITION.property(k) {
                Some(property) => check_declared(ctx, &here, property, value),
                None => unknown_property(ctx, &here, k, EDITION),
            },
        }
    }
    // A collection of complex values is replaced whole, so each element must be complete.
    required(
        ctx,
        at,
        object,
        EDITION
            .properties
            .iter()
            .filter(|p| p.non_nullable)
            .map(|p| p.wire_name),
        "Graph marks every property of an edition non-nullable",
    );
}

fn edition_type(ctx: &mut Ctx, at: &Pointer<'_>, value: &str) {
    if value == EditionType::UnknownFutureValue.as_str() {
        ctx.push(
            at,
            Rule::EnumValue,
            Severity::Warning,
            format!("{value:?} is Graph's evolvable-enum sentinel, not an edition"),
            None,
        );
        return;
    }
    enum_member(
        ctx,
        at,
        value,
        "managedDeviceWindowsOperatingSystemEditionType",
        EditionType::WIRE_NAMES,
    );
}
