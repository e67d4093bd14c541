//! `eol`: editions leaving support.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::str::contains;
use support::{json, osimages, succeeds};

#[test]
fn eol_json_lists_editions_ending_within_the_window_or_ended() {
    let out = succeeds(osimages().args(["--json", "eol", "--within", "30", "--on", "2026-10-01"]));
    let rows = json(&out);
    let rows = rows.as_array().unwrap();
    // Windows 11 24H2's Pro family ends 2026-10-13: 12 days after 2026-10-01.
    assert!(rows.iter().any(|r| r["id"] == "Windows 11 24H2"
        && r["editionType"] == "professional"
        && r["supportEndDate"] == "2026-10-13"
        && r["daysLeft"] == 12));
    // Its Enterprise edition ends a year later: outside the window.
    assert!(
        !rows
            .iter()
            .any(|r| r["id"] == "Windows 11 24H2" && r["editionType"] == "enterprise")
    );
    // Ended editions are listed with negative days.
    assert!(
        rows.iter()
            .any(|r| r["id"] == "Windows 10 22H2" && r["daysLeft"].as_i64().unwrap() < 0)
    );
    // Sorted by end date.
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| r["supportEndDate"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);
}

#[test]
fn eol_table_and_bad_dates() {
    osimages()
        .args(["eol", "--on", "2026-10-01", "--within", "30"])
        .assert()
        .success()
        .stdout(contains("DAYS LEFT"))
        .stdout(contains("ended"));
    osimages()
        .args(["eol", "--on", "2026-02-30"])
        .assert()
        .code(2)
        .stderr(contains("2026-02-30"));
}
