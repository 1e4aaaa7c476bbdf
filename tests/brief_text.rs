//! Brief text as the reader of a report meets it: notes to the expert stay out of final
//! reports, links between topics become section numbers, and words about "this brief" are
//! caught. Through the real binary, on the check fixture's Testland brief.

mod common;

use std::path::PathBuf;

use common::*;

/// The check fixture (a clean draft on Testland, topics history, freedom-of-speech and
/// surveillance), with `append` added to the end of the brief's `section`.
fn fixture_with(
    section: &str,
    append: &str,
    case_edits: &[(&str, &str)],
) -> (tempfile::TempDir, PathBuf) {
    let (dir, case) = fixture(case_edits);
    let file = dir
        .path()
        .join(format!("country-briefs/testland/{section}.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{}\n\n{append}\n", text.trim_end())).unwrap();
    (dir, case)
}

fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

const NOTE: &str = "> [!NOTE]\n> Check the 2026 figures before use.";
const FINAL: (&str, &str) = ("status = \"draft\"", "status = \"final\"");

#[test]
fn a_note_to_the_expert_is_shown_in_a_draft_and_refuses_a_final_report() {
    let (_dir, case) = fixture_with("surveillance", NOTE, &[]);
    assert_eq!(check_codes(&case), (vec!["W150".to_string()], 0));
    let (dir, case) = fixture_with("surveillance", NOTE, &[FINAL]);
    assert_eq!(check_codes(&case), (vec!["E150".to_string()], 1));
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(dir.path().join("out")));
    assert_eq!(
        output.status.code(),
        Some(1),
        "a final report with a note is refused"
    );
    let out = dir.path().join("out");
    assert!(
        !out.exists() || names_in(&out).is_empty(),
        "nothing written"
    );

    // In a draft, the note is printed as a marked box, and its words are there.
    let (dir, case) = fixture_with("surveillance", NOTE, &[]);
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Note to the expert, not part of the report."),
        "{text}"
    );
    assert!(text.contains("Check the 2026 figures before use."));
    // A quotation that is not an alert stays a quotation.
    let (_dir, case) = fixture_with("surveillance", "> An ordinary quotation.", &[FINAL]);
    assert_eq!(check_codes(&case), (vec![], 0));
}

#[test]
fn a_topic_link_becomes_the_sections_number_and_title() {
    let link = "The same law is used against bloggers ([the surveillance section](#surveillance)).";
    let (dir, case) = fixture_with("freedom-of-speech", link, &[]);
    assert_eq!(check_codes(&case), (vec![], 0));
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    // The number the report gives the surveillance heading, read from its own contents.
    let numbered = text
        .split("Surveillance")
        .next()
        .and_then(|before| before.trim_end().rsplit(' ').next())
        .expect("the contents list the section")
        .to_string();
    assert!(
        numbered.chars().all(|c| c.is_ascii_digit() || c == '.') && numbered.contains('.'),
        "a section number before the title: {numbered:?}"
    );
    // A link's text is extracted with spaces at its edges: compare without whitespace.
    let wanted = format!("against bloggers (section {numbered}, Surveillance).");
    assert!(
        squeezed(&text).contains(&squeezed(&wanted)),
        "the link reads as the section's number and title: {text}"
    );
}

#[test]
fn a_link_to_a_topic_the_report_leaves_out_is_an_error_unless_optional() {
    let plain = "Minorities fare worse ([the minorities section](#minorities)).";
    let (_dir, case) = fixture_with("freedom-of-speech", plain, &[]);
    assert_eq!(check_codes(&case), (vec!["E151".to_string()], 1));
    let output = run(witness().arg("check").arg(&case));
    assert!(
        stderr(&output).contains("(#minorities?)"),
        "the help shows the optional form: {}",
        stderr(&output)
    );

    let optional = "The same holds for [ethnic minorities](#minorities?).";
    let (dir, case) = fixture_with("freedom-of-speech", optional, &[]);
    assert_eq!(check_codes(&case), (vec![], 0));
    let pdf = render(&case, &dir.path().join("out"), &[]);
    assert!(squeezed(&pdf_text(&pdf)).contains("Thesameholdsforethnicminorities."));

    let nowhere = "See [elsewhere](#no-such-topic).";
    let (_dir, case) = fixture_with("freedom-of-speech", nowhere, &[]);
    assert_eq!(check_codes(&case), (vec!["E151".to_string()], 1));
}

#[test]
fn words_about_this_brief_are_warned_about() {
    let (_dir, case) = fixture_with(
        "surveillance",
        "As noted elsewhere in this brief, blocking is common.",
        &[],
    );
    assert_eq!(
        check_codes(&case),
        (vec!["W152".to_string()], 0),
        "one finding, not two"
    );
}
