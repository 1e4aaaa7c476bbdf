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
