//! The body itself: a `managedDeviceWindowsOperatingSystemImage`.

use intune_osimages_model::schema::ObjectSchema;
use intune_osimages_model::{Architecture, OsImage};
use serde_json::Value;

use crate::Operation;
use crate::Rule;
use crate::context::Ctx;
use crate::edition_rules::check_edition;
use crate::object_rules::{is_annotation, odata_type, required, unknown_property};
use crate::pointer::Pointer;
use crate::schema_rules::check_declared;
use crate::update_rules::check_update;
use crate::value_rules::{array, enum_member, string};

const IMAGE: &ObjectSchema = &OsImage::SCHEMA;

/// Checks a whole body.
pub(crate) fn check_image(ctx: &mut Ctx, body: &Value) {
    let root = Pointer::Root;
    let Value::Object(object) = body else {
        return ctx.wrong_type(
            &root,
            "the body",
            "a JSON object (a managedDeviceWindowsOperatingSystemImage)",
            body,
        );
    };
    for (key, value) in object {
        let at = root.key(key);
        if IMAGE.property(key).is_some_and(|p| p.read_only) {
            read_only(ctx, &at, key);
        }
        match key.as_str() {
            "@odata.type" => odata_type(ctx, &at, value, IMAGE),
            "id" => check_id(ctx, &at, value),
            "supportedEditions" => {
                if let Some(items) = array(ctx, &at, "supportedEditions", value) {
                    for (i, item) in items.iter().enumerate() {
                        check_edition(ctx, &at.index(i), item);
                    }
                }
            }
            "supportedArchitectures" => {
                if let Some(items) = array(ctx, &at, "supportedArchitectures", value) {
                    for (i, item) in items.iter().enumerate() {
                        check_architecture(ctx, &at.index(i), item);
                    }
                }
            }
            "availableUpdates" => {
                if let Some(items) = array(ctx, &at, "availableUpdates", value) {
                    for (i, item) in items.iter().enumerate() {
                        check_update(ctx, &at.index(i), item);
                    }
                }
            }
            k if is_annotation(k) => {}
            k => match IMAGE.property(k) {
                Some(property) => check_declared(ctx, &at, property, value),
                None => unknown_property(ctx, &at, k, IMAGE),
            },
        }
    }
    if ctx.operation == Operation::Create {
        required(
            ctx,
            &root,
            object,
            IMAGE
                .properties
                .iter()
                .filter(|p| p.required_on_create)
                .map(|p| p.wire_name),
            "Graph lists it as required when an image is created",
        );
    }
}

/// `id` names the image being created; in an update it is the key in the URL and may not change.
fn check_id(ctx: &mut Ctx, at: &Pointer<'_>, value: &Value) {
    if ctx.operation == Operation::Update && !ctx.policy.allow_read_only {
        ctx.error_with(
            at,
            Rule::ReadOnly,
            "id is read-only: it is the image's key, named by the request URL, and an update cannot change it"
                .to_owned(),
            "leave id out of an update body".to_owned(),
        );
    }
    let Some(id) = string(ctx, at, "id", value, "send the image's id") else {
        return;
    };
    if ctx.operation == Operation::Create && id.is_empty() {
        ctx.error(
            at,
            Rule::Required,
            "id is empty; a create needs the image's key, such as \"Windows 11 24H2\"".to_owned(),
        );
    }
    if ctx.operation == Operation::Create {
        check_addressable(ctx, at, id);
    }
}

/// An id is one path segment of every later request (`.../managedDeviceWindowsOSImages/{id}`). `.` and `..` are
/// dot segments that URL normalisation removes, so no request can name them; control characters cannot be typed in
/// a terminal or a script reliably and are refused by many servers. Graph may accept such a create, after which
/// the image cannot be read, changed or deleted by id.
fn check_addressable(ctx: &mut Ctx, at: &Pointer<'_>, id: &str) {
    if id == "." || id == ".." {
        ctx.error_with(
            at,
            Rule::Addressable,
            format!(
                "id {id:?} is a URL dot segment: no request could address the image afterwards"
            ),
            "choose an id with other characters, such as \"Windows 11 24H2\"".to_owned(),
        );
    } else if let Some(c) = id.chars().find(|c| c.is_control()) {
        ctx.error_with(
            at,
            Rule::Addressable,
            format!(
                "id contains the control character U+{:04X}: the image could not be addressed reliably afterwards",
                u32::from(c)
            ),
            "remove control characters (tabs, line breaks, escapes) from the id".to_owned(),
        );
    }
}

/// Reports a read-only property in a create or update body, unless the policy allows them.
fn read_only(ctx: &mut Ctx, at: &Pointer<'_>, name: &str) {
    if ctx.policy.allow_read_only {
        return;
    }
    ctx.error_with(
        at,
        Rule::ReadOnly,
        format!(
            "{name} is read-only: Graph documents it as read-only, so {} body should not send it",
            match ctx.operation {
                Operation::Create => "a create",
                Operation::Update => "an update",
            }
        ),
        format!(
            "leave {name} out, or allow read-only properties (Policy::allow_read_only, --allow-read-only) to send it"
        ),
    );
}

fn check_architecture(ctx: &mut Ctx, at: &Pointer<'_>, value: &Value) {
    if let Some(s) = string(
        ctx,
        at,
        "an element of supportedArchitectures",
        value,
        "remove the element or send an architecture",
    ) {
        enum_member(
            ctx,
            at,
            s,
            "managedDeviceArchitecture",
            Architecture::WIRE_NAMES,
        );
    }
}
