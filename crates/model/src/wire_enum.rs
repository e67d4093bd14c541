//! A macro for Graph's string enums: every known member plus `Other(String)`, so a value Microsoft adds later is
//! read, kept and written back byte-for-byte instead of failing the parse or turning into `null`.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $graph_name:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        // Graph adds members (the edition type is an evolvable enum): a downstream `match` needs a `_` arm, so a
        // member added here later is not a breaking change.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know; kept exactly as it arrived and written back unchanged.
            Other(String),
        }

        impl $name {
            /// Every known member, in Graph's declaration order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The exact wire spelling of every known member, in Graph's declaration order.
            pub const WIRE_NAMES: &'static [&'static str] = &[ $( $wire, )+ ];

            #[doc = concat!("The schema of `", $graph_name, "`: its name and members.")]
            pub const SCHEMA: $crate::schema::EnumSchema = $crate::schema::EnumSchema {
                graph_name: $graph_name,
                members: Self::WIRE_NAMES,
            };

            /// The value as Graph spells it on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Reads a wire value; an unknown spelling (including a known member in the wrong case) becomes
            /// `Other`, because Graph's enum values are case-sensitive.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Whether this is one of the members this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl $crate::fast_decode::FastRead for $name {
            // A known member is compared as it stands; anything else is read as any string.
            fn fast_read(cursor: &mut $crate::fast_decode::Cursor<'_>) -> Option<Self> {
                let text = cursor.quoted()?;
                match Self::from_wire(text) {
                    $name::Other(_) if !$crate::fast_decode::plain(text.as_bytes()) => None,
                    value => Some(value),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok(match $name::from_wire(&v) {
                            $name::Other(_) => $name::Other(v),
                            known => known,
                        })
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

pub(crate) use wire_enum;
