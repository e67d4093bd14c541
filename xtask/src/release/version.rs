//! `MAJOR.MINOR.PATCH` versions and the three kinds of bump.

use std::fmt;

/// A release version without pre-release or build parts (the workspace releases plain versions only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Incompatible changes.
    pub major: u64,
    /// Compatible additions.
    pub minor: u64,
    /// Fixes.
    pub patch: u64,
}

/// Which part of the version a release bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `X+1.0.0`.
    Major,
    /// `X.Y+1.0`.
    Minor,
    /// `X.Y.Z+1`.
    Patch,
}

impl Level {
    /// Parses `major`, `minor` or `patch`.
    pub fn parse(text: &str) -> Result<Level, String> {
        match text {
            "major" => Ok(Level::Major),
            "minor" => Ok(Level::Minor),
            "patch" => Ok(Level::Patch),
            other => Err(format!(
                "bump level must be major, minor or patch, not `{other}`"
            )),
        }
    }
}

impl Version {
    /// Parses `MAJOR.MINOR.PATCH`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let invalid = || format!("version `{text}` is not MAJOR.MINOR.PATCH");
        let mut parts = text.split('.').map(|part| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                Err(invalid())
            } else {
                part.parse::<u64>().map_err(|_| invalid())
            }
        });
        let version = Version {
            major: parts.next().ok_or_else(invalid)??,
            minor: parts.next().ok_or_else(invalid)??,
            patch: parts.next().ok_or_else(invalid)??,
        };
        if parts.next().is_some() {
            return Err(invalid());
        }
        Ok(version)
    }

    /// The next version at `level`.
    pub fn bump(self, level: Level) -> Version {
        match level {
            Level::Major => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Level::Minor => Version {
                major: self.major,
                minor: self.minor + 1,
                patch: 0,
            },
            Level::Patch => Version {
                patch: self.patch + 1,
                ..self
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_each_level() {
        let v = Version::parse("1.4.7").unwrap();
        assert_eq!(v.bump(Level::Major).to_string(), "2.0.0");
        assert_eq!(v.bump(Level::Minor).to_string(), "1.5.0");
        assert_eq!(v.bump(Level::Patch).to_string(), "1.4.8");
    }

    #[test]
    fn rejects_anything_but_three_numbers() {
        for bad in ["1.2", "1.2.3.4", "1.2.3-alpha", "v1.2.3", "", "1..3"] {
            let err = Version::parse(bad).unwrap_err();
            assert!(err.contains("MAJOR.MINOR.PATCH"), "{bad}: {err}");
        }
        assert!(Level::parse("huge").unwrap_err().contains("`huge`"));
    }
}
