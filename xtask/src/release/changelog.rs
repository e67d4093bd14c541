//! CHANGELOG.md in Keep a Changelog form: the `## [Unreleased]` section and the dated version sections.

const UNRELEASED: &str = "## [Unreleased]";

/// The index of the header line `## [name]` (alone or followed by ` - date`) and the section's lines, until the
/// next `## ` header or the link reference definitions at the bottom. `None` when there is no such header.
fn section<'a>(changelog: &'a str, name: &str) -> Option<(usize, Vec<&'a str>)> {
    let header = format!("## [{name}]");
    let is_header = |line: &str| {
        line.strip_prefix(&header).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    };
    let mut lines = changelog.lines().enumerate();
    let (index, _) = lines.by_ref().find(|(_, line)| is_header(line.trim_end()))?;
    let is_end =
        |line: &&str| line.starts_with("## ") || line.starts_with('[') && line.contains("]: ");
    Some((index, lines.map(|(_, line)| line).take_while(|line| !is_end(line)).collect()))
}

/// True when a section body says something: more than blank lines, `###` sub-headings and HTML comments.
fn has_entries(body: &[&str]) -> bool {
    body.iter().any(|line| {
        let line = line.trim();
        let comment = line.starts_with("<!--") && line.ends_with("-->");
        !(line.is_empty() || line.starts_with("###") || comment)
    })
}

/// True when the changelog has a `## [name]` section (the repository checks want `Unreleased`).
pub fn has_section(changelog: &str, name: &str) -> bool {
    section(changelog, name).is_some()
}

/// True when the changelog has a section for `version` (`## [X.Y.Z] - date`) with at least one entry.
pub fn has_release_entry(changelog: &str, version: &str) -> bool {
    section(changelog, version).is_some_and(|(_, body)| has_entries(&body))
}

/// The changelog with its Unreleased entries moved under `## [version] - date` and a fresh, empty
/// `## [Unreleased]` above them. Refuses an empty Unreleased section and a version that already has a section.
pub fn release_unreleased(changelog: &str, version: &str, date: &str) -> Result<String, String> {
    let (index, body) =
        section(changelog, "Unreleased").ok_or("CHANGELOG.md has no `## [Unreleased]` section")?;
    if !has_entries(&body) {
        return Err(format!(
            "missing changelog entry: the `{UNRELEASED}` section of CHANGELOG.md is empty; \
             describe the changes of {version} there first"
        ));
    }
    if has_section(changelog, version) {
        return Err(format!("CHANGELOG.md already has a `## [{version}]` section"));
    }
    let mut lines: Vec<String> = changelog.lines().map(str::to_owned).collect();
    lines[index] = format!("{UNRELEASED}\n\n## [{version}] - {date}");
    let mut text = lines.join("\n");
    if changelog.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n- listing\n\n## [0.1.0] - 2025-01-02\n\n- first\n";

    #[test]
    fn unreleased_entries_move_under_the_dated_version() {
        let released = release_unreleased(LOG, "0.2.0", "2025-03-04").unwrap();
        assert_eq!(
            released,
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2025-03-04\n\n### Added\n- listing\n\n\
             ## [0.1.0] - 2025-01-02\n\n- first\n"
        );
        assert!(has_release_entry(&released, "0.2.0"));
        assert!(has_release_entry(&released, "0.1.0"));
        assert!(!has_release_entry(&released, "0.3.0"));
    }

    #[test]
    fn an_empty_unreleased_section_is_refused() {
        let empty = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n<!-- nothing yet -->\n\n## [0.1.0] - 2025-01-02\n- x\n";
        let err = release_unreleased(empty, "0.2.0", "2025-03-04").unwrap_err();
        assert!(err.starts_with("missing changelog entry"), "{err}");
        let at_end =
            "# Changelog\n\n## [Unreleased]\n\n[Unreleased]: https://example.invalid/compare\n";
        assert!(release_unreleased(at_end, "0.2.0", "2025-03-04").is_err());
    }

    #[test]
    fn an_existing_version_section_or_no_unreleased_is_refused() {
        let err = release_unreleased(LOG, "0.1.0", "2025-03-04").unwrap_err();
        assert!(err.contains("already has a `## [0.1.0]`"), "{err}");
        let err = release_unreleased("# Changelog\n", "0.1.0", "2025-03-04").unwrap_err();
        assert!(err.contains("no `## [Unreleased]`"), "{err}");
    }
}
