//! Bad input fails to decode with an error that names the problem.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{DateError, Edition, OsImage, parse_graph_date};

fn decode_error(json: &str) -> String {
    serde_json::from_str::<OsImage>(json)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_date_with_a_time_names_the_value_and_the_layout() {
    let msg = decode_error(
        r#"{"supportedEditions":[{"editionType":"enterprise","supportEndDate":"2016-12-31T00:00:00Z"}]}"#,
    );
    assert!(msg.contains("2016-12-31T00:00:00Z"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn a_us_date_names_the_value_and_the_layout() {
    let msg = decode_error(r#"{"supportedEditions":[{"supportEndDate":"12/31/2016"}]}"#);
    assert!(msg.contains("12/31/2016"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn an_impossible_day_says_so() {
    let msg = decode_error(r#"{"supportedEditions":[{"supportEndDate":"2023-02-30"}]}"#);
    assert!(msg.contains("2023-02-30"), "{msg}");
    assert!(msg.contains("not a real calendar date"), "{msg}");
    assert!(msg.contains("line 1"), "the position is given: {msg}");
}

#[test]
fn a_date_of_the_wrong_type_names_what_was_expected() {
    let msg = serde_json::from_str::<Edition>(r#"{"supportEndDate":20161231}"#)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn a_null_date_reads_as_absent() {
    let e: Edition = serde_json::from_str(r#"{"supportEndDate":null}"#).unwrap();
    assert_eq!(e.support_end_date, None);
}

#[test]
fn parse_graph_date_is_strict() {
    assert_eq!(
        parse_graph_date("2016-12-31").unwrap().to_string(),
        "2016-12-31"
    );
    assert_eq!(
        parse_graph_date("2024-02-29").unwrap().to_string(),
        "2024-02-29"
    );
    for layout in [
        "2016-12-31T00:00:00Z",
        "12/31/2016",
        "2016-1-31",
        " 2016-12-31",
        "",
        "２０１６-12-31",
        "+016-12-31",
    ] {
        assert_eq!(
            parse_graph_date(layout),
            Err(DateError::Layout),
            "{layout:?}"
        );
    }
    for impossible in [
        "2023-02-30",
        "2023-02-29",
        "2016-13-01",
        "2016-00-10",
        "2016-12-00",
    ] {
        assert_eq!(
            parse_graph_date(impossible),
            Err(DateError::NotACalendarDate),
            "{impossible:?}"
        );
    }
}

#[test]
fn wrong_json_types_fail_with_the_expected_shape() {
    let msg = decode_error(r#"{"supportedArchitectures":"x64"}"#);
    assert!(msg.contains("sequence") || msg.contains("array"), "{msg}");
    let msg = decode_error(r#"{"availableUpdates":[{"releaseMonth":"12"}]}"#);
    assert!(msg.contains("i32") || msg.contains("integer"), "{msg}");
}
