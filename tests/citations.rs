//! Pandoc's citation forms in the expert's own Markdown, each rendered by the real binary and
//! found in the PDF's text as the report's note style must print it: the prefix before the
//! source, the locator after it, the author in the text for an in-text citation, and no
//! citation syntax left over. The sources are the check fixture's (Example Watch, ‘Annual
//! report 2026: Testland’ and so on); notes print publisher, title in quotes, date, address.

mod common;

use common::*;

/// What is written, and what the PDF's text must then hold (quotes straightened, white space
/// folded, as `pdf_text` gives it).
const FORMS: &[(&str, &[&str])] = &[
    // A prefix and a locator on each of two sources, in one note.
    (
        "[see @recent-a, pp. 33-35; also @recent-b, chap. 1]",
        &[
            "See Example Watch, 'Annual report 2026: Testland'",
            "2026], pp. 33-35; also Example Ministry, 'Testland country report'",
            "2026], chap. 1.",
        ],
    ),
    // In-text: the author named in the sentence, the reference in the note.
    (
        "As @old-a says, the law is new.",
        &["As Example Watch", "says, the law is new."],
    ),
    (
        "Then @old-b [p. 33] adds a point.",
        &[
            "Then Example Institute",
            "adds a point.",
            "'Testland review 2016', 1 June 2016",
        ],
    ),
    // A locator without a comma.
    (
        "Shown [@recent-b p. 7].",
        &["Testland country report', p. 7."],
    ),
    // A braced key, and a braced locator.
    (
        "Braced [@{old-a}, {pp. iv, vi-xi}].",
        &["Testland in 2015', pp. iv, vi-xi."],
    ),
    // Emphasis in a prefix, and a citation across a line break.
    (
        "Compared [*compare* @old-b,\npara 4].",
        &[
            "Compare Example Institute, 'Testland review 2016'",
            "2026], para 4.",
        ],
    ),
    // A suffix after a locator.
    (
        "Passim [@recent-a, p. 2, and passim].",
        &["Annual report 2026: Testland'", "2026], p. 2, and passim."],
    ),
    // An escape and code: printed as written.
    (
        "Mail \\@recent-a or `[@recent-b]`.",
        &["Mail @recent-a or [@recent-b]."],
    ),
];

#[test]
fn each_pandoc_citation_form_prints_as_a_note_style_must() {
    let analysis: String = FORMS
        .iter()
        .map(|(written, _)| format!("{}\n\n", written.replace('\\', "\\\\")))
        .collect();
    let (dir, case) = fixture(&[(
        "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"",
        &format!("surveillance = \"\"\"\n{analysis}\"\"\""),
    )]);
    // Full notes: every first citation of a source gives it in full.
    let case_text = std::fs::read_to_string(&case).unwrap().replacen(
        "status = \"draft\"",
        "status = \"draft\"\ncitations = \"full-notes\"",
        1,
    );
    std::fs::write(&case, case_text).unwrap();

    let check = run(witness().arg("check").arg(&case));
    assert!(check.status.success(), "{}", stderr(&check));
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    assert!(!FORMS.is_empty());
    // pdf-extract guesses spaces from the gaps between glyphs (it puts one before the comma
    // after a closing bracket), so white space is left out of the comparison.
    let squeezed = |s: &str| -> String { normalise(s).split_whitespace().collect() };
    let all = squeezed(&text);
    for (written, expected) in FORMS {
        for wanted in *expected {
            assert!(
                all.contains(&squeezed(wanted)),
                "{written:?}: the PDF lacks {wanted:?}"
            );
        }
    }
    // No citation syntax reaches the page but the two written to be literal.
    assert_eq!(text.matches('@').count(), 2, "{text}");
    for leftover in ["[see", "[*compare", "{old-a}", "{pp.", "[p. 33]", "-@"] {
        assert!(!text.contains(leftover), "{leftover:?} is left in the text");
    }
}

#[test]
fn a_citation_that_names_no_source_is_an_error_with_a_suggestion() {
    for written in [
        "[see @recent-c, p. 3]",
        "As @recent-c says.",
        "[-@recent-c]",
    ] {
        let (_dir, case) = fixture(&[(
            "The applicant's site was blocked.",
            &format!("The applicant's site was blocked {written}"),
        )]);
        let output = run(witness().arg("check").arg(&case));
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{written}: {message}");
        assert!(message.contains("error[E201]"), "{written}: {message}");
        assert!(message.contains("`@recent-c`"), "{written}: {message}");
        // `recent-a` and `recent-b` are equally near.
        assert!(
            message.contains("did you mean `recent-"),
            "{written}: {message}"
        );
    }
}

/// The applicant's own article, as a case's own bibliography gives it.
const CASE_SOURCES: &str = "applicant-article:
  type: web
  title: \"Who builds the new roads?\"
  publisher: Testland Times
  date: 2026-03-02
  url:
    value: https://example.net/roads
    date: 2026-10-01
";

#[test]
fn a_cases_own_sources_are_cited_beside_the_briefs() {
    let (dir, case) = fixture(&[(
        "The applicant's site was blocked.",
        "The applicant's site was blocked after his article [@applicant-article, para 3] [@recent-a].",
    )]);
    std::fs::write(dir.path().join("sources.yml"), CASE_SOURCES).unwrap();
    let check = run(witness().arg("check").arg(&case));
    assert!(check.status.success(), "{}", stderr(&check));
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    for wanted in [
        "Testland Times, 'Who builds the new roads?'",
        "Example Watch, 'Annual report 2026: Testland'",
    ] {
        assert!(holds(&text, wanted), "the PDF lacks {wanted:?}");
    }
    // The provenance names the file with its digest.
    let provenance = std::fs::read_to_string(pdf.with_extension("provenance.json")).unwrap();
    assert!(provenance.contains("sources.yml\""), "{provenance}");

    // The same as BibLaTeX, named by the case.
    std::fs::remove_file(dir.path().join("sources.yml")).unwrap();
    std::fs::write(
        dir.path().join("own.bib"),
        "@online{applicant-article,\n  title = {Who builds the new roads?},\n  organization = {Testland Times},\n  \
         date = {2026-03-02},\n  url = {https://example.net/roads},\n  urldate = {2026-10-01},\n}\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&case).unwrap().replacen(
        "status = \"draft\"",
        "status = \"draft\"\nsources = \"own.bib\"",
        1,
    );
    std::fs::write(&case, text).unwrap();
    let check = run(witness().arg("check").arg(&case));
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_key_in_both_and_an_incomplete_case_source_are_errors_in_the_cases_file() {
    let (dir, case) = fixture(&[]);
    let clash = "recent-a:\n  type: web\n  title: \"Mine\"\n  publisher: Me\n  date: 2026-01-01\n  \
                 url:\n    value: https://example.net/mine\n    date: 2026-10-01\n\
                 untitled:\n  type: web\n  publisher: Someone\n  date: 2026-01-01\n  \
                 url:\n    value: https://example.net/u\n    date: 2026-10-01\n";
    std::fs::write(dir.path().join("sources.yml"), clash).unwrap();
    std::fs::write(
        &case,
        std::fs::read_to_string(&case).unwrap().replacen(
            "[@recent-a]",
            "[@recent-a; @untitled]",
            1,
        ),
    )
    .unwrap();
    let (findings, status) = check_findings(&case);
    assert_eq!(status, 1);
    let findings: Vec<serde_json::Value> = findings
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E203", "E202"], "{findings:?}");
    let case_sources = dir.path().join("sources.yml");
    for finding in &findings {
        assert_eq!(
            std::path::Path::new(finding["file"].as_str().unwrap()),
            case_sources,
            "{finding}"
        );
    }
    assert_eq!(findings[0]["line"], 1, "{}", findings[0]);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`recent-a`") && message.contains("testland/sources.yml"),
        "{message}"
    );
    assert!(
        findings[1]["message"]
            .as_str()
            .unwrap()
            .contains("`untitled` has no title")
    );
}
