//! `witness doctor --format json` through the real binary: the shape of the report, that its
//! summary agrees with its checks, and that a broken workspace is an error naming the file.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use serde_json::Value;

/// `witness doctor --format json` run in `dir`: the parsed object, and the process's output.
fn doctor_json(dir: &Path) -> (Value, Output) {
    let output = run(witness()
        .current_dir(dir)
        .args(["doctor", "--format", "json"]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "one line of JSON: {stdout}");
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (report, output)
}

fn checks(report: &Value) -> &Vec<Value> {
    report["checks"].as_array().expect("checks is a list")
}

fn with_status<'a>(report: &'a Value, status: &str) -> Vec<&'a Value> {
    checks(report)
        .iter()
        .filter(|c| c["status"] == status)
        .collect()
}

/// The summary counts exactly the error and warning checks, and the exit status follows the
/// errors: success with none, failure with any.
fn assert_summary_agrees(report: &Value, output: &Output) {
    let errors = with_status(report, "error").len();
    let warnings = with_status(report, "warning").len();
    assert_eq!(report["summary"]["errors"], errors, "{report:#}");
    assert_eq!(report["summary"]["warnings"], warnings, "{report:#}");
    assert_eq!(output.status.success(), errors == 0, "{report:#}");
}

fn init(dir: &Path) -> std::path::PathBuf {
    let output = run(witness().current_dir(dir).args(["init", "reports"]));
    assert!(output.status.success(), "init: {}", stderr(&output));
    dir.join("reports")
}

#[test]
fn doctor_json_in_a_new_workspace_reports_typst_every_brief_and_a_true_summary() {
    // The typst witness would use, installed by the library if this machine lacks it (as any
    // render would), so that doctor, which never installs, finds it.
    let typst = witness::typeset::locate::locate(&Default::default()).expect("typst");
    let dir = tempfile::tempdir().unwrap();
    let workspace = init(dir.path());
    let (report, output) = doctor_json(&workspace);

    let typst_checks: Vec<&Value> = checks(&report)
        .iter()
        .filter(|c| c["what"] == "typst")
        .collect();
    assert_eq!(typst_checks.len(), 1, "{report:#}");
    assert_eq!(typst_checks[0]["status"], "ok", "{report:#}");
    assert!(
        typst_checks[0]["detail"]
            .as_str()
            .unwrap()
            .contains(witness::typeset::PINNED_VERSION),
        "{report:#}"
    );
    assert_eq!(report["typst"]["version"], "0.15.1", "{report:#}");
    assert_eq!(report["typst"]["pinned"], true);
    assert_eq!(report["typst"]["path"], typst.path.display().to_string());

    let mut built_in: Vec<String> = std::fs::read_dir(repo().join("country-briefs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("brief.toml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    built_in.sort();
    assert!(!built_in.is_empty());
    let countries: Vec<&str> = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for country in &built_in {
        assert!(
            countries.contains(&country.as_str()),
            "{country}: {report:#}"
        );
    }
    let line = checks(&report)
        .iter()
        .find(|c| c["what"] == "countries")
        .expect("a countries check");
    assert_eq!(line["status"], "ok");
    assert!(
        line["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}: ", countries.len())),
        "{line}"
    );

    assert_eq!(report["workspace"], "witness.toml", "{report:#}");
    assert!(
        !report["fonts"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    // The new workspace's expert is still a placeholder: a warning, not an error.
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(with_status(&report, "warning")[0]["what"], "expert");
    assert_summary_agrees(&report, &output);
    // Colour is a property of the text output, not a finding.
    assert!(checks(&report).iter().all(|c| c["what"] != "colour"));
}

#[test]
fn doctor_names_a_broken_witness_toml_or_brief_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = init(dir.path());

    // A brief.toml missing a required key: its country is left out, the file named.
    let brief = workspace.join("country-briefs/kyrgyzstan/brief.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("adjective ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text, "the brief has an adjective");
    std::fs::write(&brief, without).unwrap();
    let (report, output) = doctor_json(&workspace);
    assert!(!output.status.success());
    let errors = with_status(&report, "error");
    let named = errors
        .iter()
        .find(|c| c["what"] == "brief")
        .unwrap_or_else(|| panic!("an error about the brief: {report:#}"));
    let file = "country-briefs/kyrgyzstan/brief.toml";
    assert!(named["detail"].as_str().unwrap().contains(file), "{named}");
    assert!(
        named["detail"].as_str().unwrap().contains("adjective"),
        "{named}"
    );
    assert_eq!(named["diagnostic"]["file"], file, "{named}");
    assert!(
        !report["countries"]
            .as_array()
            .unwrap()
            .contains(&"kyrgyzstan".into())
    );
    assert_summary_agrees(&report, &output);
    let text = run(witness().current_dir(&workspace).arg("doctor"));
    assert!(!text.status.success());
    let lines = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        lines
            .lines()
            .any(|l| l.starts_with("error    brief") && l.contains(file)),
        "{lines}"
    );

    // witness.toml that is not TOML: the workspace is an error located in that file.
    std::fs::write(workspace.join("witness.toml"), "[folders\nbriefs = 1\n").unwrap();
    let (report, output) = doctor_json(&workspace);
    assert!(!output.status.success());
    let errors = with_status(&report, "error");
    let named = errors
        .iter()
        .find(|c| c["what"] == "workspace")
        .unwrap_or_else(|| panic!("an error about the workspace: {report:#}"));
    assert_eq!(named["diagnostic"]["file"], "witness.toml", "{named}");
    assert_eq!(named["diagnostic"]["line"], 1, "{named}");
    assert_eq!(report["workspace"], Value::Null);
    assert_summary_agrees(&report, &output);
    let text = run(witness().current_dir(&workspace).arg("doctor"));
    assert!(!text.status.success());
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("error    workspace      witness.toml"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
    // The text output shows the problem in full, with the offending line, on stderr.
    assert!(
        stderr(&text).contains("witness.toml:1:"),
        "{}",
        stderr(&text)
    );
}
