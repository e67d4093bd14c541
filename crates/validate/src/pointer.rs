//! JSON Pointers (RFC 6901) built on the stack while walking, and rendered only when a finding needs one.

use std::fmt::Write;

/// A location in the body: a chain of borrowed segments, so walking a valid body allocates nothing.
#[derive(Clone, Copy)]
pub(crate) enum Pointer<'a> {
    /// The whole body (`""`).
    Root,
    /// A property of the object at the parent location.
    Key(&'a Pointer<'a>, &'a str),
    /// An element of the array at the parent location.
    Index(&'a Pointer<'a>, usize),
}

impl<'a> Pointer<'a> {
    /// The location of property `name` inside this one.
    pub(crate) fn key(&'a self, name: &'a str) -> Pointer<'a> {
        Pointer::Key(self, name)
    }

    /// The location of element `index` inside this one.
    pub(crate) fn index(&'a self, index: usize) -> Pointer<'a> {
        Pointer::Index(self, index)
    }

    /// The RFC 6901 string: `""` for the root, `/a~1b/0` for element 0 of property `a/b`.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out);
        out
    }

    fn write_into(&self, out: &mut String) {
        match self {
            Pointer::Root => {}
            Pointer::Key(parent, name) => {
                parent.write_into(out);
                out.push('/');
                out.push_str(&escape_segment(name));
            }
            Pointer::Index(parent, index) => {
                parent.write_into(out);
                // Writing to a String cannot fail.
                let _ = write!(out, "/{index}");
            }
        }
    }
}

/// One reference token of a pointer: `~` written `~0` and `/` written `~1` (RFC 6901 section 3).
pub(crate) fn escape_segment(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains(['~', '/']) {
        return std::borrow::Cow::Borrowed(name);
    }
    std::borrow::Cow::Owned(name.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn renders_rfc6901_escapes() {
        let root = Pointer::Root;
        assert_eq!(root.render(), "");
        let a = root.key("a/b~c");
        let i = a.index(3);
        let k = i.key("");
        assert_eq!(a.render(), "/a~1b~0c");
        assert_eq!(i.render(), "/a~1b~0c/3");
        assert_eq!(k.render(), "/a~1b~0c/3/");
    }
}
