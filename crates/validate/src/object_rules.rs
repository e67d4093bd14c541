//! Rules about an object's properties as a whole: annotations, `@odata.type`, unknown and missing properties.

use intune_osimages_model::odata_type_matches;
use intune_osimages_model::schema::ObjectSchema;
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::pointer::Pointer;
use crate::suggest::closest;
use crate::{Rule, Severity};

/// Whether a key is an OData annotation (`@odata.context`, `@microsoft.graph.x`, `supportedEditions@odata.type`)
/// rather than a property: OData JSON marks every annotation with `@`.
pub(crate) fn is_annotation(key: &str) -> bool {
    key.contains('@')
}

/// Checks an `@odata.type` value against the type of the object carrying it.
pub(crate) fn odata_type(ctx: &mut Ctx, at: &Pointer<'_>, value: &Value, ty: &ObjectSchema) {
    let named = match value {
        Value::String(named) => named,
        Value::Null => {
            let fix = format!("send {:?} or leave @odata.type out", ty.odata_type);
            return ctx.null(at, "@odata.type", &fix);
        }
        other => return ctx.wrong_type(at, "@odata.type", "a string", other),
    };
    if !odata_type_matches(named, ty.odata_type) {
        ctx.error_with(
            at,
            Rule::OdataType,
            format!(
                "@odata.type names {named:?}, but this object is a {}",
                ty.graph_name
            ),
            format!("use {:?}", ty.odata_type),
        );
    }
}

/// Reports a property the type does not have, suggesting the known one it most likely means.
pub(crate) fn unknown_property(ctx: &mut Ctx, at: &Pointer<'_>, key: &str, ty: &ObjectSchema) {
    let message = format!(
        "{key:?} is not a property of {} (it would be sent as is)",
        ty.graph_name
    );
    let names: Vec<&str> = ty.wire_names().collect();
    let suggestion = closest(key, &names).map(|p| format!("did you mean {p:?}?"));
    ctx.push(
        at,
        Rule::UnknownProperty,
        Severity::Warning,
        message,
        suggestion,
    );
}

/// Reports each of `required` that `object` lacks, at the pointer where it belongs.
pub(crate) fn required<'a>(
    ctx: &mut Ctx,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
    required: impl IntoIterator<Item = &'a str>,
    why: &str,
) {
    for name in required {
        if !object.contains_key(name) {
            ctx.error(
                &at.key(name),
                Rule::Required,
                format!("{name} is missing; {why}"),
            );
        }
    }
}
