//! `managedDeviceWindowsOperatingSystemUpdate` elements of `availableUpdates`.

use intune_osimages_model::UPDATE_ODATA_TYPE;
use serde_json::Value;

use crate::context::Ctx;
use crate::object_rules::{ObjectType, is_annotation, odata_type, required, unknown_property};
use crate::pointer::Pointer;
use crate::value_rules::{release_month, release_year, string};

const UPDATE: ObjectType = ObjectType {
    name: "managedDeviceWindowsOperatingSystemUpdate",
    odata_type: UPDATE_ODATA_TYPE,
    properties: &["buildVersion", "releaseMonth", "releaseYear"],
};

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
            "@odata.type" => odata_type(ctx, &here, value, &UPDATE),
            "buildVersion" => {
                string(ctx, &here, "buildVersion", value, "send a build version");
            }
            "releaseMonth" => release_month(ctx, &here, "releaseMonth", value),
            "releaseYear" => release_year(ctx, &here, "releaseYear", value),
            k if is_annotation(k) => {}
            k => unknown_property(ctx, &here, k, &UPDATE),
        }
    }
    // A collection of complex values is replaced whole, so each element must be complete.
    required(
        ctx,
        at,
        object,
        UPDATE.properties,
        "Graph marks every property of an update non-nullable",
    );
}
