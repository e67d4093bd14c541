//! The types `$filter` knows for this resource: what each property is, so the checker can reject a comparison
//! Graph would reject.

use intune_osimages_model::{Architecture, EditionType};

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

    /// The type of property `name` of this structured type, if it has one.
    pub(crate) fn property(self, name: &str) -> Option<Ty> {
        Some(match (self, name) {
            (Ty::Image, "id") => Ty::String,
            (Ty::Image, "supportedEditions") => Ty::Collection(Elem::Edition),
            (Ty::Image, "supportedArchitectures") => Ty::Collection(Elem::Architecture),
            (Ty::Image, "availableUpdates") => Ty::Collection(Elem::Update),
            (Ty::Edition, "editionType") => Ty::Enum(EnumKind::EditionType),
            (Ty::Edition, "supportEndDate") => Ty::Date,
            (Ty::Update, "buildVersion") => Ty::String,
            (Ty::Update, "releaseMonth" | "releaseYear") => Ty::Int,
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
