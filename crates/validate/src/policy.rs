//! What a body is for, and how strict validation is.

/// The operation a body is sent with; the rules differ (a create names its key, an update must not change it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `POST /deviceManagement/managedDeviceWindowsOSImages`.
    Create,
    /// `PATCH /deviceManagement/managedDeviceWindowsOSImages/{id}`.
    Update,
}

impl Operation {
    /// `"create"` or `"update"`, as the CLI's `--for` flag spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How strict validation is. The default is strict: a read-only property in a body is an error.
///
/// Graph documents every property of this resource as read-only, yet its own PATCH example writes three of them;
/// a caller who means to send them opts in with [`Policy::allow_read_only`], and the body then validates without a
/// `read-only` finding.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// Accept read-only properties in create and update bodies (no `read-only` finding).
    pub allow_read_only: bool,
}

impl Policy {
    /// The default policy: read-only properties in a body are errors.
    pub fn strict() -> Policy {
        Policy {
            allow_read_only: false,
        }
    }

    /// A policy that accepts read-only properties, for callers who send them on purpose (as the seed's example does).
    pub fn allow_read_only() -> Policy {
        Policy {
            allow_read_only: true,
        }
    }
}
