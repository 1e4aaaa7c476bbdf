//! The preflight: every PDF is read back and held against its forum's rules before it is
//! moved into place. A final report that breaks one is refused; a draft is written with a
//! warning. Each test runs the real binary.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The warnings of a case's JSON record that contain `code`.
fn warnings_with<'a>(record: &'a Value, code: &str) -> Vec<&'a str> {
    record["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains(code))
        .collect()
}

fn uk_cpr_example() -> PathBuf {
    repo().join("examples/kyrgyzstan-uzbek-minority/case.toml")
}

/// `witness render CASE --out-dir OUT --format json`: the output and the case's record.
fn render_json(case: &Path, out: &Path) -> (std::process::Output, Value) {
    let output = run(witness()
        .arg("render")
        .arg(case)
        .arg("--out-dir")
        .arg(out)
        .args(["--format", "json"]));
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let record = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|record| record["type"] == "case")
        .expect("a record for the case");
    (output, record)
}

#[test]
fn a_final_report_under_no_typography_rule_is_measured_and_recorded() {
    let out = tempfile::tempdir().unwrap();
    let (output, record) = render_json(&uk_cpr_example(), out.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let preflight = &record["preflight"];
    assert!(preflight.is_object(), "{record:#}");
    assert_eq!(preflight["paper"]["name"], "A4", "{preflight:#}");
    assert_eq!(preflight["paper"]["required"], "A4");
    assert_eq!(preflight["paper"]["matches"], true);
    assert_eq!(preflight["paper"]["width"], 595.28);
    // uk-cpr sets no minimum, so the house style's 11 pt body.
    assert_eq!(preflight["body_size"], 11.0);
    assert_eq!(preflight["min_text_size"], Value::Null);
    assert_eq!(preflight["failures"], serde_json::json!([]));
    assert_eq!(preflight["pages"], record["pages"]);
    assert!(preflight["links"].as_u64().unwrap() > 0);
    assert!(preflight["line_spacing"]["samples"].as_u64().unwrap() >= 10);
    let from_preflight: Vec<&Value> = record["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w.as_str().is_some_and(|w| w.contains("[W40")))
        .collect();
    assert!(from_preflight.is_empty(), "{from_preflight:?}");
    // The provenance records the same.
    let provenance: Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("KGZ-2026-021.provenance.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(provenance["preflight"], *preflight);
}

/// A workspace whose own templates override two built-in files (the rest come from the
/// binary, file by file): the uk-cpr profile with an 8 pt minimum, and the house style
/// with its footnotes at `footnote_size`. The uk-cpr example is copied in as `case.toml`.
fn workspace(dir: &Path, footnote_size: &str) -> PathBuf {
    let case = verified_workspace(dir);
    let config = dir.join("witness.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[folders]", "[folders]\ntemplates = \"report-templates\""),
    )
    .unwrap();
    let templates = dir.join("report-templates");
    std::fs::create_dir_all(templates.join("jurisdictions")).unwrap();
    std::fs::create_dir_all(templates.join("common")).unwrap();
    let profile =
        std::fs::read_to_string(repo().join("report-templates/jurisdictions/uk-cpr.toml")).unwrap();
    std::fs::write(
        templates.join("jurisdictions/uk-cpr.toml"),
        format!(
            "{profile}\n[typography]\nmin_text_size = 8.0\n\
             rule = \"the Test Practice Direction, para 9\"\n"
        ),
    )
    .unwrap();
    set_footnotes(dir, footnote_size);
    case
}

fn set_footnotes(dir: &Path, size: &str) {
    let house = "show footnote.entry: set text(size: small-size)";
    let style = std::fs::read_to_string(repo().join("report-templates/common/style.typ")).unwrap();
    assert!(
        style.contains(house),
        "the house style sets footnotes as expected"
    );
    let style = style.replace(
        house,
        &format!("show footnote.entry: set text(size: {size})"),
    );
    std::fs::write(dir.join("report-templates/common/style.typ"), style).unwrap();
}

fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_final_report_breaking_the_rule_is_refused_and_a_draft_warns() {
    let dir = tempfile::tempdir().unwrap();
    let case = workspace(dir.path(), "6pt");
    let out = dir.path().join("out");
    let render = |case: &Path| run(witness().arg("render").arg(case).arg("--out-dir").arg(&out));

    // Final, 6 pt footnotes under an 8 pt minimum: refused, nothing written.
    let output = render(&case);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("error[E402]"), "{message}");
    assert!(message.contains("the smallest text is 6 pt"), "{message}");
    assert!(
        message.contains("the Test Practice Direction, para 9 requires at least 8 pt"),
        "{message}"
    );
    assert!(message.contains("the PDF was not written"), "{message}");
    assert!(message.contains("report.jurisdiction"), "{message}");
    assert_eq!(
        files_in(&out),
        Vec::<String>::new(),
        "no PDF, no build folder"
    );

    // At the house's 8.5 pt it meets the rule and is written.
    set_footnotes(dir.path(), "8.5pt");
    let output = render(&case);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("402"), "{}", stderr(&output));
    let pdf = out.join("KGZ-2026-021.pdf");
    let written = std::fs::read(&pdf).unwrap();
    let provenance = std::fs::read(out.join("KGZ-2026-021.provenance.json")).unwrap();

    // Refused again at 6 pt: the earlier PDF and its provenance stay as they were.
    set_footnotes(dir.path(), "6pt");
    let output = render(&case);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("error[E402]"));
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        written,
        "the earlier PDF is kept"
    );
    assert_eq!(
        std::fs::read(out.join("KGZ-2026-021.provenance.json")).unwrap(),
        provenance
    );
    assert_eq!(
        files_in(&out),
        [
            "KGZ-2026-021.pdf",
            "KGZ-2026-021.provenance.json",
            "KGZ-2026-021.snapshot.json"
        ]
    );

    // As a draft it is written, with a warning naming the size and the rule.
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replace("status = \"final\"", "status = \"draft\""),
    )
    .unwrap();
    let (output, record) = render_json(&case, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let warnings = warnings_with(&record, "[W40");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("warning[W402]"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("the smallest text is 6 pt")
            && warnings[0].contains("requires at least 8 pt"),
        "{}",
        warnings[0]
    );
    assert_ne!(
        std::fs::read(&pdf).unwrap(),
        written,
        "the draft replaced it"
    );
    let failures = &record["preflight"]["failures"];
    assert_eq!(failures[0]["rule"], "min_text_size", "{record:#}");
    assert_eq!(record["preflight"]["smallest"]["size"], 6.0);
    assert!(record["preflight"]["share_below_minimum"].as_f64().unwrap() > 0.0);
}

/// A workspace made by `witness init` whose Kyrgyzstan brief the expert has verified (marked
/// so, with its notes to the expert done and deleted), with the uk-cpr case in it as a final
/// report: nothing in the inputs stops it.
fn verified_workspace(dir: &Path) -> PathBuf {
    let output = run(witness().arg("init").arg(dir));
    assert!(output.status.success(), "{}", stderr(&output));
    sign_off_brief(&dir.join("country-briefs/kyrgyzstan"));
    let folder = dir.join("cases/uzbek");
    std::fs::create_dir_all(&folder).unwrap();
    let case = folder.join("case.toml");
    let text = std::fs::read_to_string(uk_cpr_example()).unwrap();
    std::fs::write(
        &case,
        text.replacen("status = \"draft\"", "status = \"final\"", 1),
    )
    .unwrap();
    case
}

#[test]
fn a_placeholder_that_reaches_the_page_unseen_by_the_check_is_caught_in_print() {
    let dir = tempfile::tempdir().unwrap();
    let case = verified_workspace(dir.path());
    let out = dir.path().join("out");
    let (output, _) = render_json(&case, &out);
    assert!(
        output.status.success(),
        "the final report renders: {}",
        stderr(&output)
    );

    // A workspace template that prints a placeholder of its own: no input holds it.
    let config = dir.path().join("witness.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[folders]", "[folders]\ntemplates = \"report-templates\""),
    )
    .unwrap();
    let partials = dir.path().join("report-templates/expert-report/partials");
    std::fs::create_dir_all(&partials).unwrap();
    let cover = std::fs::read_to_string(
        repo().join("report-templates/expert-report/partials/cover.typ.hbs"),
    )
    .unwrap();
    std::fs::write(
        partials.join("cover.typ.hbs"),
        format!("{cover}\nExpert fee: TBC\n"),
    )
    .unwrap();
    let before = std::fs::read(out.join("KGZ-2026-021.pdf")).unwrap();
    let check = run(witness().arg("check").arg(&case));
    assert!(
        check.status.success(),
        "the check sees nothing: {}",
        stderr(&check)
    );

    let (output, record) = render_json(&case, &out);
    assert_eq!(output.status.code(), Some(1), "the final report is refused");
    let error = record["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("E403") || error.contains("placeholder `TBC`"),
        "{record:#}"
    );
    assert_eq!(
        std::fs::read(out.join("KGZ-2026-021.pdf")).unwrap(),
        before,
        "the earlier PDF is kept"
    );

    // As a draft it is written, with the placeholder told once, with its page.
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("status = \"final\"", "status = \"draft\"", 1),
    )
    .unwrap();
    let (output, record) = render_json(&case, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let warnings = warnings_with(&record, "W403");
    assert_eq!(warnings.len(), 1, "{record:#}");
    // The cover is page 1; the template's line follows it, on page 2.
    assert!(warnings[0].contains("`TBC` on page 2"), "{warnings:?}");
}
