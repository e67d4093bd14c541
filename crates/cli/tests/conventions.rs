//! Conventions: `--top` is the page size and `--max` caps the total, `--output table|json|csv`, streaming `list
//! --all` into a closed pipe, shell completions and the man page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use support::{Emulator, json, osimages, succeeds};

/// A seed file of `n` images with ids `image-00000`...
pub fn seed_file(dir: &tempfile::TempDir, n: usize) -> String {
    let images: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("image-{i:05}"),
                "supportedArchitectures": ["x64", "arM64"],
                "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2030-10-08"}],
                "availableUpdates": [{"buildVersion": format!("10.0.26100.{i}"), "releaseMonth": 5, "releaseYear": 2025}]
            })
        })
        .collect();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, serde_json::to_vec(&images).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn top_is_the_page_size_and_max_caps_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_file(&dir, 25);
    let emulator = Emulator::start(&["--seed", &seed]);
    let base = ["--base-url", emulator.base_url.as_str(), "--json"];
    // One page of 10, with the link to the next.
    let out = osimages()
        .args(base)
        .args(["list", "--top", "10"])
        .output()
        .unwrap();
    let page = json(&out);
    assert_eq!(page["value"].as_array().unwrap().len(), 10);
    assert!(page["@odata.nextLink"].is_string(), "{page}");
    // --all reads every page of 10: all 25, not 10.
    let out = osimages()
        .args(base)
        .args(["list", "--top", "10", "--all"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["value"].as_array().unwrap().len(), 25);
    // --max caps the total, across pages.
    let out = osimages()
        .args(base)
        .args(["list", "--top", "10", "--all", "--max", "13"])
        .output()
        .unwrap();
    let ids: Vec<String> = json(&out)["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 13);
    assert_eq!(ids.last().unwrap(), "image-00012");
    // The help says which is which.
    let help = osimages().args(["list", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("page size"), "{help}");
    assert!(help.contains("--max"), "{help}");
}

#[test]
fn list_all_as_json_or_csv_streams_every_page_and_a_closed_pipe_ends_it_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_file(&dir, 3000);
    let emulator = Emulator::start(&["--seed", &seed, "--page-size", "100"]);
    for format in ["json", "csv", "table"] {
        let out = emulator
            .osimages()
            .args(["--output", format])
            .args(["list", "--all"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" => {
                let all: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(all["value"].as_array().unwrap().len(), 3000);
            }
            "csv" => {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                let header = reader.headers().unwrap().clone();
                assert_eq!(&header[0], "ID");
                let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
                assert_eq!(rows.len(), 3000);
                assert_eq!(&rows[0][1], "x64, arM64");
            }
            _ => assert_eq!(text.lines().count(), 3001, "a header and a row per image"),
        }
    }
    // A reader that stops early (`| head -c 200`): exit 0, no panic, no error message.
    for format in ["json", "csv", "table"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_osimages"))
            .args(["--base-url", &emulator.base_url, "--output", format])
            .args(["list", "--all"])
            .env_remove("GRAPH_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0_u8; 200];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error"),
            "{stderr}"
        );
    }
}

#[test]
fn output_csv_is_for_spreadsheets_and_json_is_the_short_form_of_output_json() {
    let out = osimages()
        .args(["--fake", "--output", "csv", "eol", "--on", "2025-10-01"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["ID", "EDITION", "END OF SUPPORT", "DAYS LEFT"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    // The number itself, for a spreadsheet.
    assert!(rows.iter().all(|r| r[3].parse::<i64>().is_ok()), "{text}");

    let long = osimages()
        .args(["--fake", "--output", "json", "list"])
        .output()
        .unwrap();
    let short = osimages()
        .args(["--fake", "--json", "list"])
        .output()
        .unwrap();
    assert_eq!(long.stdout, short.stdout);
    osimages()
        .args(["--fake", "--json", "--output", "csv", "list"])
        .assert()
        .code(2);
}

#[test]
fn completions_for_each_shell_and_a_man_page() {
    for (shell, marker) in [
        ("bash", "_osimages()"),
        ("zsh", "#compdef osimages"),
        ("fish", "complete -c osimages"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = osimages().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("export") && text.contains("apply"), "{shell}");
    }
    osimages().args(["completions", "tcsh"]).assert().code(2);
    let out = succeeds(osimages().arg("man"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH osimages"),
        "{text}"
    );
    assert!(
        text.contains("\\-\\-timeout") || text.contains("timeout"),
        "{text}"
    );
}
