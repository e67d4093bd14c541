//! OData system query options.

use crate::ids::encode_query_value;

/// The OData options of a GET, written in a fixed order with percent-encoded values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pub(crate) filter: Option<String>,
    pub(crate) select: Vec<String>,
    pub(crate) top: Option<u32>,
    pub(crate) skip: Option<u32>,
    pub(crate) orderby: Vec<String>,
    pub(crate) count: bool,
    pub(crate) extra: Vec<(String, String)>,
}

impl Query {
    /// `?$filter=...&...`, or `""` when no option is set.
    pub(crate) fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(f) = &self.filter {
            parts.push(format!("$filter={}", encode_query_value(f)));
        }
        if !self.select.is_empty() {
            parts.push(format!(
                "$select={}",
                encode_query_value(&self.select.join(","))
            ));
        }
        if let Some(t) = self.top {
            parts.push(format!("$top={t}"));
        }
        if let Some(s) = self.skip {
            parts.push(format!("$skip={s}"));
        }
        if !self.orderby.is_empty() {
            parts.push(format!(
                "$orderby={}",
                encode_query_value(&self.orderby.join(","))
            ));
        }
        if self.count {
            parts.push("$count=true".to_owned());
        }
        for (k, v) in &self.extra {
            parts.push(format!(
                "{}={}",
                encode_query_value(k),
                encode_query_value(v)
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Quotes a string as an OData literal, doubling single quotes: `it's` becomes `'it''s'`.
///
/// ```
/// assert_eq!(intune_osimages::odata_string("it's"), "'it''s'");
/// ```
pub fn odata_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_encoded_in_order() {
        let q = Query {
            filter: Some("id eq 'Windows 11 24H2'".into()),
            select: vec!["id".into(), "supportedEditions".into()],
            top: Some(10),
            skip: Some(5),
            orderby: vec!["id desc".into()],
            count: true,
            extra: vec![],
        };
        assert_eq!(
            q.to_query_string(),
            "?$filter=id%20eq%20%27Windows%2011%2024H2%27&$select=id%2CsupportedEditions&$top=10&$skip=5&$orderby=id%20desc&$count=true"
        );
        assert_eq!(Query::default().to_query_string(), "");
    }

    #[test]
    fn ampersands_and_hashes_cannot_escape_a_value() {
        let q = Query {
            filter: Some("id eq 'a&$top=1#x'".into()),
            ..Query::default()
        };
        assert_eq!(
            q.to_query_string(),
            "?$filter=id%20eq%20%27a%26%24top%3D1%23x%27"
        );
    }
}
