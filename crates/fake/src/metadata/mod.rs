//! `GET /beta/$metadata`: the CSDL (OData's XML schema) that every `@odata.context` points at, for this entity set
//! only: the `deviceManagement` singleton and its `managedDeviceWindowsOSImages`, the image type and its two complex
//! types and two enums, and the bound `getAllManagedDeviceWindowsOSImages()` function, as Graph's published beta
//! metadata declares them (no property marked required, the image type not open).

use http::Method;
use intune_osimages_transport::Request;

use crate::reply::{GraphError, Reply};

/// The CSDL document.
pub(crate) const CSDL: &str = include_str!("csdl.xml");

/// Whether `request` is for the service's `$metadata` (`/beta/$metadata`, segments ignoring case, `$` possibly
/// percent-encoded).
pub(crate) fn is_metadata(request: &Request) -> bool {
    let Some((version, last)) = request
        .uri()
        .path()
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
    else {
        return false;
    };
    version.eq_ignore_ascii_case(crate::route::VERSION)
        && (last.eq_ignore_ascii_case("$metadata") || last.eq_ignore_ascii_case("%24metadata"))
}

/// The CSDL as `application/xml`; 405 for another method than GET.
pub(crate) fn answer(request: &Request) -> Result<Reply, GraphError> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(GraphError::method_not_allowed(
            request.method(),
            "$metadata",
            "GET",
        ));
    }
    Ok(Reply::Xml(http::StatusCode::OK, CSDL))
}

#[cfg(test)]
mod tests {
    use intune_osimages_model::{Architecture, Edition, EditionType, OsImage, OsUpdate};

    use super::CSDL;

    #[test]
    fn declares_exactly_the_properties_and_members_of_the_model_schema() {
        let schemas = [&OsImage::SCHEMA, &Edition::SCHEMA, &OsUpdate::SCHEMA];
        let mut declared = 0;
        for schema in schemas {
            assert!(
                CSDL.contains(&format!("Name=\"{}\"", schema.graph_name)),
                "{}",
                schema.graph_name
            );
            for property in schema.properties {
                assert!(
                    CSDL.contains(&format!("<Property Name=\"{}\"", property.wire_name)),
                    "{}",
                    property.wire_name
                );
                declared += 1;
            }
        }
        // The same count: `id` of the image is declared once, on its base type `entity`.
        assert_eq!(CSDL.matches("<Property ").count(), declared);
        for name in Architecture::WIRE_NAMES
            .iter()
            .chain(EditionType::WIRE_NAMES)
        {
            assert!(CSDL.contains(&format!("<Member Name=\"{name}\"")), "{name}");
        }
        assert!(!CSDL.contains("OpenType"));
        assert!(!CSDL.contains("Core.Required"));
    }
}
