//! The filterable properties of one stored image, parsed once when the image is stored, so `$filter` reads them
//! without parsing the image's text again (that made a filtered list of 1,000 images cost 20 times a plain one).
//!
//! Only the properties the schema marks filterable are kept (for a complex type: its filterable members, inside the
//! collection that holds it), and in a compact form: one flat array of 12-byte nodes and one buffer of the strings'
//! text, so the store's memory stays near the catalog's JSON size (a `serde_json::Value` of the same properties
//! would cost several times the image's text). Any expression the checker accepts names only these properties, so
//! it evaluates here exactly as on the whole image parsed into a `Value`.

use std::borrow::Cow;
use std::sync::LazyLock;

use intune_osimages_model::schema::{ObjectSchema, PropertyType};
use intune_osimages_model::{Edition, OsImage, OsUpdate};
use serde_json::Value;
use serde_json::value::RawValue;

use super::eval::{Tree, Val};
use super::schema::Ty;
use crate::json_text;

/// Every filterable property's wire name, from the schema tables; a node's key is its index here.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys: Vec<&'static str> = Vec::new();
    for schema in [&OsImage::SCHEMA, &Edition::SCHEMA, &OsUpdate::SCHEMA] {
        for property in schema.properties.iter().filter(|p| p.filterable) {
            if !keys.contains(&property.wire_name) {
                keys.push(property.wire_name);
            }
        }
    }
    keys
});

/// What a node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    /// A number that is an `i64` (as `serde_json::Value::as_i64` reads it); `a` and `b` hold its two halves.
    Int,
    /// A string: `a` is where its text starts in the strings buffer, `b` its length.
    Str,
    /// An array: its elements are the nodes `a..a + b`.
    List,
    /// An object: its filterable members are the nodes `a..a + b`, each with its key.
    Object,
    /// A value of another shape (a float, an object where a string belongs, ...): it matches nothing.
    Other,
}

/// One value: a member's key (an index into [`KEYS`], unused outside an object), what it is, and two numbers whose
/// meaning the kind gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Node {
    key: u8,
    kind: Kind,
    a: u32,
    b: u32,
}

impl Node {
    const fn of(kind: Kind) -> Node {
        Node {
            key: 0,
            kind,
            a: 0,
            b: 0,
        }
    }
}

/// The filterable properties of one image; the image object itself is the first node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterFields {
    nodes: Box<[Node]>,
    strings: Box<str>,
}

impl FilterFields {
    /// The filterable properties of the image whose (valid, compact) JSON object text is `text`; an empty object
    /// when `text` is not an object.
    pub(crate) fn of_image(text: &str) -> FilterFields {
        // The root's slot comes first, so the image is node 0 and its members follow it.
        let mut builder = Builder {
            nodes: vec![Node::of(Kind::Object)],
            strings: String::new(),
        };
        if let Ok(members) = json_text::members(text) {
            let root = builder.object(&members, &OsImage::SCHEMA);
            if let Some(slot) = builder.nodes.first_mut() {
                *slot = root;
            }
        }
        FilterFields {
            nodes: builder.nodes.into_boxed_slice(),
            strings: builder.strings.into_boxed_str(),
        }
    }

    /// The image, to evaluate a filter on.
    pub(crate) fn root(&self) -> Cursor<'_> {
        Cursor {
            fields: self,
            at: 0,
        }
    }

    fn node(&self, at: u32) -> Option<&Node> {
        self.nodes.get(at as usize)
    }
}

/// Collects nodes; containers reserve their children's slots first so each container's children are contiguous.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    strings: String,
}

impl Builder {
    /// An object node holding the filterable members of `schema` found among `members` (the last of a repeated key,
    /// as a `Value` keeps it).
    fn object(&mut self, members: &[json_text::Member<'_>], schema: &ObjectSchema) -> Node {
        let mut kept: Vec<(u8, &RawValue, &'static PropertyType)> = Vec::new();
        for (name, raw) in members {
            let Some(property) = schema.property(name).filter(|p| p.filterable) else {
                continue;
            };
            let Some(key) = KEYS.iter().position(|k| *k == property.wire_name) else {
                continue;
            };
            let key = u8::try_from(key).unwrap_or(u8::MAX);
            match kept.iter_mut().find(|(k, _, _)| *k == key) {
                Some(slot) => slot.1 = raw,
                None => kept.push((key, raw, &property.ty)),
            }
        }
        let children = kept.iter().map(|(key, raw, ty)| (*key, *raw, *ty));
        self.container(Kind::Object, children)
    }

    /// A container node whose children are built from `(key, text, declared type)` in order.
    fn container<'a>(
        &mut self,
        kind: Kind,
        children: impl ExactSizeIterator<Item = (u8, &'a RawValue, &'static PropertyType)>,
    ) -> Node {
        let start = self.nodes.len();
        let len = children.len();
        self.nodes.resize(start + len, Node::of(Kind::Null));
        for (i, (key, raw, ty)) in children.enumerate() {
            let mut node = self.value(raw, ty);
            node.key = key;
            if let Some(slot) = self.nodes.get_mut(start + i) {
                *slot = node;
            }
        }
        Node {
            key: 0,
            kind,
            a: u32::try_from(start).unwrap_or(u32::MAX),
            b: u32::try_from(len).unwrap_or(0),
        }
    }

    /// The node for one value whose declared type is `ty`: a collection's elements and a complex type's filterable
    /// members are kept; any other array or object is of the wrong shape for a filter and kept as [`Kind::Other`].
    fn value(&mut self, raw: &RawValue, ty: &'static PropertyType) -> Node {
        let text = raw.get();
        match (text.as_bytes().first(), ty) {
            (Some(b'['), PropertyType::Collection(element)) => {
                match serde_json::from_str::<Vec<&RawValue>>(text) {
                    Ok(items) => {
                        self.container(Kind::List, items.into_iter().map(|raw| (0, raw, *element)))
                    }
                    Err(_) => Node::of(Kind::Other),
                }
            }
            (Some(b'{'), PropertyType::Complex(schema)) => match json_text::members(text) {
                Ok(members) => self.object(&members, schema),
                Err(_) => Node::of(Kind::Other),
            },
            (Some(b'[' | b'{'), _) => Node::of(Kind::Other),
            _ => self.leaf(text),
        }
    }

    /// A null, boolean, number or string, read as `serde_json::Value` reads it.
    fn leaf(&mut self, text: &str) -> Node {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Null) => Node::of(Kind::Null),
            Ok(Value::Bool(b)) => Node {
                a: u32::from(b),
                ..Node::of(Kind::Bool)
            },
            Ok(Value::Number(n)) => match n.as_i64() {
                Some(i) => {
                    let bits = i.cast_unsigned();
                    Node {
                        a: (bits >> 32) as u32,
                        b: bits as u32,
                        ..Node::of(Kind::Int)
                    }
                }
                None => Node::of(Kind::Other),
            },
            Ok(Value::String(s)) => {
                let start = self.strings.len();
                self.strings.push_str(&s);
                Node {
                    a: u32::try_from(start).unwrap_or(u32::MAX),
                    b: u32::try_from(s.len()).unwrap_or(0),
                    ..Node::of(Kind::Str)
                }
            }
            _ => Node::of(Kind::Other),
        }
    }
}

/// One node of an image's [`FilterFields`], as the evaluator walks them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'a> {
    fields: &'a FilterFields,
    at: u32,
}

impl<'a> Cursor<'a> {
    fn node(self) -> Option<&'a Node> {
        self.fields.node(self.at)
    }

    fn children(self, kind: Kind) -> Option<std::ops::Range<u32>> {
        let node = self.node()?;
        (node.kind == kind).then(|| node.a..node.a.saturating_add(node.b))
    }
}

impl<'a> Tree<'a> for Cursor<'a> {
    type Items = CursorItems<'a>;

    fn member(self, name: &str) -> Option<Self> {
        let fields = self.fields;
        self.children(Kind::Object)?
            .find(|at| {
                fields
                    .node(*at)
                    .and_then(|n| KEYS.get(usize::from(n.key)))
                    .is_some_and(|k| *k == name)
            })
            .map(|at| Cursor { fields, at })
    }

    fn items(self) -> Option<Self::Items> {
        Some(CursorItems {
            fields: self.fields,
            range: self.children(Kind::List)?,
        })
    }

    fn read(self, ty: Ty) -> Val<'a> {
        // The same reading as `Tree::read` for a `Value`: a missing or null property is `null`, a value of another
        // type than the schema's is of the wrong shape.
        let Some(node) = self.node() else {
            return Val::Null;
        };
        match (node.kind, ty) {
            (Kind::Null, _) => Val::Null,
            (Kind::Bool, Ty::Bool) => Val::Bool(node.a != 0),
            (Kind::Int, Ty::Int) => {
                Val::Int(((u64::from(node.a) << 32) | u64::from(node.b)).cast_signed())
            }
            (Kind::Str, Ty::String | Ty::Enum(_)) => Val::Str(Cow::Borrowed(self.text(node))),
            (Kind::Str, Ty::Date) => {
                intune_osimages_model::parse_graph_date(self.text(node)).map_or(Val::Bad, Val::Date)
            }
            _ => Val::Bad,
        }
    }
}

impl<'a> Cursor<'a> {
    /// A string node's text.
    fn text(self, node: &Node) -> &'a str {
        let start = node.a as usize;
        self.fields
            .strings
            .get(start..start.saturating_add(node.b as usize))
            .unwrap_or_default()
    }
}

/// The elements of a list node.
pub(crate) struct CursorItems<'a> {
    fields: &'a FilterFields,
    range: std::ops::Range<u32>,
}

impl<'a> Iterator for CursorItems<'a> {
    type Item = Cursor<'a>;

    fn next(&mut self) -> Option<Cursor<'a>> {
        let at = self.range.next()?;
        Some(Cursor {
            fields: self.fields,
            at,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::filter::Filter;
    use crate::stored::StoredImage;

    /// Images of every shape a seed may hold: the usual, nulls, absent, wrong types, escapes, repeated nested keys,
    /// numbers that are not `i64`s, unknown members.
    const IMAGES: &[&str] = &[
        r##"{"id":"Windows 11 24H2","supportedArchitectures":["x64","arM64"],
            "supportedEditions":[{"@odata.type":"#x","editionType":"enterprise","supportEndDate":"2027-10-12"},
                                 {"editionType":"education","supportEndDate":"2026-10-13","extra":[1]}],
            "availableUpdates":[{"buildVersion":"10.0.26100.7171","releaseMonth":11,"releaseYear":2026}],
            "unknown":{"id":"nested"}}"##,
        r#"{"id":null,"supportedArchitectures":null,"supportedEditions":[],"availableUpdates":{}}"#,
        r#"{"supportedEditions":[{"editionType":"pro","editionType":"enterprise","supportEndDate":"not a date"},
            "enterprise",null,[],{"supportEndDate":20270101}]}"#,
        r#"{"id":"it's \"quoted\" \u00e9","supportedArchitectures":["x86",5,null,{"a":1},"x\u0036\u0034"]}"#,
        r#"{"id":5,"availableUpdates":[{"buildVersion":7,"releaseMonth":11.0,"releaseYear":1e3},
            {"releaseMonth":-9223372036854775808,"releaseYear":18446744073709551615},
            {"releaseMonth":123456789012345678901234567890,"releaseYear":true},{"releaseYear":2026}]}"#,
        r#"{"id":["Windows"],"supportedArchitectures":"x64","supportedEditions":{"editionType":"pro"}}"#,
        "{}",
    ];

    const FILTERS: &[&str] = &[
        "id eq 'Windows 11 24H2'",
        "id eq null",
        "id ne null",
        "id gt 'A'",
        "startswith(id,'it''s')",
        "contains(tolower(id),'\"quoted\" é')",
        "id in ('Windows 11 24H2', 'x')",
        "supportedArchitectures/any(a: a eq 'x64')",
        "supportedArchitectures/any(a: a eq null)",
        "supportedArchitectures/all(a: a ne 'x86')",
        "supportedArchitectures/any()",
        "not supportedArchitectures/any()",
        "supportedEditions/any(e: e/editionType eq 'enterprise')",
        "supportedEditions/any(e: e/editionType eq null)",
        "supportedEditions/all(e: e/supportEndDate ge 2026-10-13)",
        "supportedEditions/any(e: e/supportEndDate eq null)",
        "supportedEditions/any()",
        "availableUpdates/any(u: u/releaseYear eq 2026 and u/releaseMonth ge 11)",
        "availableUpdates/any(u: u/releaseMonth lt 0)",
        "availableUpdates/any(u: u/releaseYear eq null)",
        "availableUpdates/all(u: startswith(u/buildVersion,'10.0'))",
        "availableUpdates/any(u: u/buildVersion eq null or u/releaseYear gt 3000)",
        "supportedEditions/any(e: supportedArchitectures/any(a: a eq 'x64') and e/editionType ne 'pro')",
    ];

    #[test]
    fn every_filter_answers_on_the_fields_as_on_the_whole_image() {
        for text in IMAGES {
            let value: Value = serde_json::from_str(text).unwrap();
            let stored = StoredImage::from_json(text).unwrap();
            for filter in FILTERS {
                let filter = Filter::parse_lenient(filter).unwrap();
                assert_eq!(
                    filter.matches_fields(stored.fields()),
                    filter.matches(&value),
                    "{filter:?} on {text}"
                );
            }
        }
    }

    #[test]
    fn the_fields_answer_what_the_image_says() {
        let matches = |image: &str, filter: &str| {
            let stored = StoredImage::from_json(image).unwrap();
            Filter::parse_lenient(filter)
                .unwrap()
                .matches_fields(stored.fields())
        };
        let [usual, nulls, odd, escaped, numbers, wrong, empty] = IMAGES else {
            unreachable!()
        };
        assert!(matches(
            usual,
            "supportedEditions/any(e: e/editionType eq 'education')"
        ));
        assert!(matches(
            usual,
            "availableUpdates/any(u: u/releaseMonth eq 11)"
        ));
        assert!(!matches(
            usual,
            "supportedEditions/all(e: e/supportEndDate gt 2027-01-01)"
        ));
        // A repeated member: the last one counts, as in a `Value`.
        assert!(matches(
            odd,
            "supportedEditions/any(e: e/editionType eq 'enterprise')"
        ));
        assert!(!matches(
            odd,
            "supportedEditions/any(e: e/editionType eq 'pro')"
        ));
        assert!(matches(escaped, "id eq 'it''s \"quoted\" é'"));
        assert!(matches(
            escaped,
            "supportedArchitectures/any(a: a eq 'x64')"
        ));
        assert!(matches(
            numbers,
            "availableUpdates/any(u: u/releaseMonth lt -9223372036854775807)"
        ));
        // Numbers that are not `i64`s and values of the wrong type match nothing, not even `ne`'s opposite.
        assert!(!matches(
            numbers,
            "availableUpdates/any(u: u/releaseYear eq 1000)"
        ));
        assert!(!matches(wrong, "supportedArchitectures/any(a: a eq 'x64')"));
        assert!(matches(
            wrong,
            "supportedEditions/all(e: e/editionType eq 'none')"
        ));
        assert!(matches(
            nulls,
            "id eq null and not supportedArchitectures/any()"
        ));
        assert!(matches(empty, "id eq null"));
    }

    #[test]
    fn only_filterable_properties_are_kept() {
        let stored = StoredImage::from_json(IMAGES[0]).unwrap();
        let strings = &stored.fields().strings;
        assert!(strings.contains("Windows 11 24H2") && strings.contains("10.0.26100.7171"));
        assert!(!strings.contains("nested") && !strings.contains("#x"));
    }
}
