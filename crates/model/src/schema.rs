//! The resource's schema, declared once: every property of every type with its wire name, Rust field name, type and
//! what Graph allows with it (read-only, nullable, `$filter`, `$orderby`, `$select`).
//!
//! The tables are built by the same macro invocation that declares each type's fields and its serde (see
//! `object.rs`), so a field without a row, or a row without a field, does not compile. Validation, the fake's query
//! options (`$select`, `$orderby`, `$filter`), its update rules and the property tests read these tables instead of
//! listing property names themselves.
//!
//! ```
//! use intune_osimages_model::OsImage;
//! use intune_osimages_model::schema::PropertyType;
//! let schema = OsImage::SCHEMA;
//! assert_eq!(schema.graph_name, "managedDeviceWindowsOperatingSystemImage");
//! let archs = schema.property("supportedArchitectures").unwrap();
//! assert_eq!(archs.rust_name, "supported_architectures");
//! assert!(archs.read_only && archs.selectable && !archs.sortable);
//! assert!(matches!(archs.ty, PropertyType::Collection(PropertyType::Enum(e)) if e.graph_name == "managedDeviceArchitecture"));
//! assert!(schema.property("displayName").is_none()); // not declared by the type
//! ```

/// One structured Graph type (an entity or a complex type) and the properties it declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectSchema {
    /// The type's name without namespace, such as `managedDeviceWindowsOperatingSystemEdition`.
    pub graph_name: &'static str,
    /// The type's `@odata.type` in the form this crate writes (see [`crate::odata_type_matches`]).
    pub odata_type: &'static str,
    /// The declared properties, in the order they are written. `@odata.type` is an annotation, not a property,
    /// and is not listed (every object reads and writes it).
    pub properties: &'static [Property],
}

impl ObjectSchema {
    /// The declared property with this exact (case-sensitive) wire name.
    pub fn property(&self, wire_name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|p| p.wire_name == wire_name)
    }

    /// Whether the type declares a property with this exact wire name.
    pub fn declares(&self, wire_name: &str) -> bool {
        self.property(wire_name).is_some()
    }

    /// The wire names of every declared property, in order.
    pub fn wire_names(&self) -> impl Iterator<Item = &'static str> + 'static {
        self.properties.iter().map(|p| p.wire_name)
    }
}

/// One declared property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Property {
    /// The name on the wire, such as `supportedEditions`.
    pub wire_name: &'static str,
    /// The Rust field that holds it, such as `supported_editions`.
    pub rust_name: &'static str,
    /// Its Graph type.
    pub ty: PropertyType,
    /// The entity's key (`id`): named by the request URL, so an update may not change it.
    pub key: bool,
    /// Graph's documentation marks it read-only (DESIGN.md: validation reports it in a write unless allowed).
    pub read_only: bool,
    /// Graph's metadata marks it non-nullable: `null` is refused in a write.
    pub non_nullable: bool,
    /// A create must carry it. Graph's metadata marks no property of the image required (its docs' "required when you
    /// create" table is boilerplate: their own create example sends no `id`), so only complex-type members are.
    pub required_on_create: bool,
    /// `$filter` may name it (for a nested property: inside a lambda over its collection).
    pub filterable: bool,
    /// `$orderby` may name it.
    pub sortable: bool,
    /// `$select` may name it.
    pub selectable: bool,
}

impl Property {
    /// A property with no capability set; the builder methods below add them (used by the tables).
    pub(crate) const fn new(
        wire_name: &'static str,
        rust_name: &'static str,
        ty: PropertyType,
    ) -> Property {
        Property {
            wire_name,
            rust_name,
            ty,
            key: false,
            read_only: false,
            non_nullable: false,
            required_on_create: false,
            filterable: false,
            sortable: false,
            selectable: false,
        }
    }

    pub(crate) const fn key(mut self) -> Property {
        self.key = true;
        self
    }

    pub(crate) const fn read_only(mut self) -> Property {
        self.read_only = true;
        self
    }

    pub(crate) const fn non_nullable(mut self) -> Property {
        self.non_nullable = true;
        self
    }

    pub(crate) const fn filterable(mut self) -> Property {
        self.filterable = true;
        self
    }

    pub(crate) const fn sortable(mut self) -> Property {
        self.sortable = true;
        self
    }

    pub(crate) const fn selectable(mut self) -> Property {
        self.selectable = true;
        self
    }
}

/// A property's Graph type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropertyType {
    /// `Edm.String`.
    String,
    /// `Edm.Int32`.
    Int32,
    /// `Edm.Date`, written `YYYY-MM-DD`.
    Date,
    /// One of Graph's enum types.
    Enum(&'static EnumSchema),
    /// A complex type.
    Complex(&'static ObjectSchema),
    /// A collection of the element type.
    Collection(&'static PropertyType),
}

impl PropertyType {
    /// Graph's name of the type, such as `Edm.Date` or
    /// `Collection(microsoft.graph.managedDeviceArchitecture)`.
    pub fn graph_name(&self) -> String {
        match self {
            PropertyType::String => "Edm.String".to_owned(),
            PropertyType::Int32 => "Edm.Int32".to_owned(),
            PropertyType::Date => "Edm.Date".to_owned(),
            PropertyType::Enum(e) => format!("microsoft.graph.{}", e.graph_name),
            PropertyType::Complex(o) => format!("microsoft.graph.{}", o.graph_name),
            PropertyType::Collection(element) => format!("Collection({})", element.graph_name()),
        }
    }
}

/// One of Graph's enum types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumSchema {
    /// The type's name without namespace, such as `managedDeviceArchitecture`.
    pub graph_name: &'static str,
    /// The exact wire spelling of every known member, in Graph's declaration order.
    pub members: &'static [&'static str],
}
