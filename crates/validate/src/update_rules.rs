//! `managedDeviceWindowsOperatingSystemUpdate` elements of `availableUpdates`.

use intune_osimages_model::OsUpdate;
use intune_osimages_model::schema::ObjectSchema;
use serde_json::Value;

use crate::context::Ctx;
use crate::object_rules::{is_annotation, odata_type, required, unknown_property};
use crate::pointer::Pointer;
use crate::schema_rules::check_declared;
use crate::value_rules::{release_month, release_year, string};

const UPDATE: &ObjectSchema = &OsUpdate::SCHEMA;

/// Checks one element of `availableUpdates`.
pub(crate) fn check_update(ctx: &mut Ctx, at: &Pointer<'_>, value: &Value) {
    let object = match value {
        Value::Object(object) => object,
        Value::Null => {
            return ctx.null(
                at,
                "an element of availableUpdates",
                "remove the element or send an update object",
            );
        }
        other => {
            return ctx.wrong_type(
                at,
                "an element of availableUpdates",
                "a managedDeviceWindowsOperatingSystemUpdate object",
                other,
            );
        }
    };
    for (key, value) in object {
        let here = at.key(key);
        match key.as_str() {
            "@odata.type" => odata_type(ctx, &here, value, UPDATE),
            "buildVersion" => {
                string(ctx, &here, "buildVersion", value, "send a build version");
            }
            "releaseMonth" => release_month(ctx, &here, "releaseMonth", value),
            "releaseYear" => release_year(ctx, &here, "releaseYear", value),
            k if is_annotation(k) => {}
            k => match UPDATE.property(k) {
                Some(property) => check_declared(ctx, &here, property, value),
                None => unknown_property(ctx, &here, k, UPDATE),
            },
        }
    }
    // A collection of complex values is replaced whole, so each element must be complete.
    required(
        ctx,
        at,
        object,
        UPDATE
            .properties
            .iter()
            .filter(|p| p.non_nullable)
            .map(|p| p.wire_name),
        "Graph marks every property of an update non-nullable",
    );
}
