//! The types `$filter` knows for this resource: what each property is, so the checker can reject a comparison
//! Graph would reject. Which properties exist, their types and whether `$filter` may name them come from the
//! model's schema tables; this module only maps the model's types onto the ones the checker evaluates.

use intune_osimages_model::schema::{ObjectSchema, PropertyType};
use intune_osimages_model::{Architecture, Edition, EditionType, OsImage, OsUpdate};

/// One of the resource's two enum types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnumKind {
    Architecture,
    EditionType,
}

impl EnumKind {
    /// Graph's type name.
    pub(crate) fn graph_name(self) -> &'static str {
        match self {
            EnumKind::Architecture => "microsoft.graph.managedDeviceArchitecture",
            EnumKind::EditionType => {
                "microsoft.graph.managedDeviceWindowsOperatingSystemEditionType"
            }
        }
    }

    /// The wire spelling of every member.
    pub(crate) fn members(self) -> &'static [&'static str] {
        match self {
            EnumKind::Architecture => Architecture::WIRE_NAMES,
            EnumKind::EditionType => EditionType::WIRE_NAMES,
        }
    }
}

/// A type in a `$filter` expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    Enum(EnumKind),
    Date,
    Int,
    Bool,
    /// The type of the `null` literal, comparable with anything.
    Null,
    /// `managedDeviceWindowsOperatingSystemImage`.
    Image,
    /// `managedDeviceWindowsOperatingSystemEdition`.
    Edition,
    /// `managedDeviceWindowsOperatingSystemUpdate`.
    Update,
    /// A collection; the payload is the element type.
    Collection(Elem),
}

/// The element type of one of the image's collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    Architecture,
    Edition,
    Update,
}

impl Elem {
    /// The type a lambda variable over this collection has.
    pub(crate) fn ty(self) -> Ty {
        match self {
            Elem::Architecture => Ty::Enum(EnumKind::Architecture),
            Elem::Edition => Ty::Edition,
            Elem::Update => Ty::Update,
        }
    }
}

impl Ty {
    /// Graph's name of a structured type, for messages.
    pub(crate) fn graph_name(self) -> &'static str {
        match self {
            Ty::String => "Edm.String",
            Ty::Enum(k) => k.graph_name(),
            Ty::Date => "Edm.Date",
            Ty::Int => "Edm.Int32",
            Ty::Bool => "Edm.Boolean",
            Ty::Null => "null",
            Ty::Image => "microsoft.graph.managedDeviceWindowsOperatingSystemImage",
            Ty::Edition => "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
            Ty::Update => "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
            Ty::Collection(Elem::Architecture) => {
                "Collection(microsoft.graph.managedDeviceArchitecture)"
            }
            Ty::Collection(Elem::Edition) => {
                "Collection(microsoft.graph.managedDeviceWindowsOperatingSystemEdition)"
            }
            Ty::Collection(Elem::Update) => {
                "Collection(microsoft.graph.managedDeviceWindowsOperatingSystemUpdate)"
            }
        }
    }

    /// The type of property `name` of this structured type, if it declares one that `$filter` may name.
    pub(crate) fn property(self, name: &str) -> Option<Ty> {
        let schema: &ObjectSchema = match self {
            Ty::Image => &OsImage::SCHEMA,
            Ty::Edition => &Edition::SCHEMA,
            Ty::Update => &OsUpdate::SCHEMA,
            _ => return None,
        };
        let property = schema.property(name).filter(|p| p.filterable)?;
        Ty::from_schema(&property.ty)
    }

    /// The checker's type for a type of the model's schema; `None` for one it cannot evaluate.
    fn from_schema(ty: &PropertyType) -> Option<Ty> {
        Some(match ty {
            PropertyType::String => Ty::String,
            PropertyType::Int32 => Ty::Int,
            PropertyType::Date => Ty::Date,
            PropertyType::Enum(e) if **e == Architecture::SCHEMA => {
                Ty::Enum(EnumKind::Architecture)
            }
            PropertyType::Enum(e) if **e == EditionType::SCHEMA => Ty::Enum(EnumKind::EditionType),
            PropertyType::Complex(o) if **o == Edition::SCHEMA => Ty::Edition,
            PropertyType::Complex(o) if **o == OsUpdate::SCHEMA => Ty::Update,
            PropertyType::Collection(element) => Ty::Collection(match Ty::from_schema(element)? {
                Ty::Enum(EnumKind::Architecture) => Elem::Architecture,
                Ty::Edition => Elem::Edition,
                Ty::Update => Elem::Update,
                _ => return None,
            }),
            _ => return None,
        })
    }

    /// Whether values of this type can appear in a comparison.
    pub(crate) fn is_primitive(self) -> bool {
        matches!(
            self,
            Ty::String | Ty::Enum(_) | Ty::Date | Ty::Int | Ty::Bool | Ty::Null
        )
    }

    /// Whether the type is text (a string or an enum, which Graph compares with string literals).
    pub(crate) fn is_textual(self) -> bool {
        matches!(self, Ty::String | Ty::Enum(_))
    }
}
