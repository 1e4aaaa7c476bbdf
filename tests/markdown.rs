//! The expert's own text is Markdown (docs/case-file.md): read back from the real PDF, its
//! emphasis is set in an italic font, a list prints one line per item, a quotation loses its
//! `>`, a heading becomes a subheading, and GFM's task lists, autolinks and table alignment
//! take effect; the literal fields print the same marks as they are. A field may also come
//! from a Markdown file beside the case, and findings in it name that file's line.

mod common;

use common::*;
use witness::preflight::{Line, Measurement, measure_file};

/// The Markdown fields of the case file, each given the same kinds of Markdown with words
/// unique to the field (`conclusions-one`, …), so that each field is seen to take effect.
const FIELDS: [(&str, &str); 9] = [
    (
        "conclusions = \"\"\"\nThe applicant is at risk.\n\"\"\"",
        "conclusions",
    ),
    (
        "limitations = \"\"\"\nI have not met the applicant.\n\"\"\"",
        "limitations",
    ),
    (
        "risk_on_return = \"\"\"\nDetention on arrival is likely.\n\"\"\"",
        "risk",
    ),
    (
        "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"",
        "surveillance",
    ),
    (
        "answer = \"\"\"\nYes, for the reasons given [@recent-a].\n\"\"\"",
        "answer",
    ),
    (
        "qualifications = \"\"\"\nI have studied Testland for twenty years.\n\"\"\"",
        "qualifications",
    ),
    (
        "range_of_opinion = \"\"\"\nSome disagree; I explain why I do not.\n\"\"\"",
        "range",
    ),
    (
        "own_knowledge = \"\"\"\nNothing in this report is within my own knowledge except where I say so.\n\"\"\"",
        "knowledge",
    ),
    // The fixture leaves `approach` out; it is added before `own_knowledge`.
    ("[methodology]\n", "approach"),
];

/// A field's Markdown: a paragraph that is all emphasis (so that its line's font is the
/// italic one), a three-item list, a quotation, and a heading.
fn markdown_for(word: &str) -> String {
    format!(
        "Plain {word} opening.\n\n*{word} emphasised throughout*\n\n\
         - {word}-one\n- {word}-two\n- {word}-three\n\n> {word} quoted words\n\n\
         ## {word} heading\n\nAfter {word} heading.\n"
    )
}

fn case_with_markdown() -> (tempfile::TempDir, std::path::PathBuf) {
    let replacements: Vec<(String, String)> = FIELDS
        .iter()
        .map(|(from, word)| {
            let to = match from.split_once(" = ") {
                Some((key, _)) => format!("{key} = \"\"\"\n{}\"\"\"", markdown_for(word)),
                None => format!("{from}{word} = \"\"\"\n{}\"\"\"\n", markdown_for(word)),
            };
            (from.to_string(), to)
        })
        .collect();
    let mut all: Vec<(&str, &str)> = replacements
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    // A literal field keeps every mark.
    all.push((
        "question = \"Is the applicant at risk?\"",
        "question = \"Is *the applicant* at risk > 1? # - 2\"",
    ));
    fixture(&all)
}

fn lines(measurement: &Measurement) -> Vec<&Line> {
    measurement.pages.iter().flat_map(|p| &p.lines).collect()
}

fn lines_with<'m>(measurement: &'m Measurement, needle: &str) -> Vec<&'m Line> {
    lines(measurement)
        .into_iter()
        .filter(|l| l.text.contains(needle))
        .collect()
}

fn font_of<'m>(measurement: &'m Measurement, line: &Line) -> &'m str {
    measurement
        .line_font(line)
        .map_or("", |font| font.name.as_str())
}

#[test]
fn markdown_in_every_field_of_the_experts_own_text_takes_effect_in_the_pdf() {
    let (dir, case) = case_with_markdown();
    let out = dir.path().join("out");
    let pdf = render(&case, &out, &[]);
    let measured = measure_file(&pdf).unwrap();
    assert!(!lines(&measured).is_empty(), "the PDF has text");
    let body_font = font_of(&measured, lines_with(&measured, "conclusions opening")[0]).to_string();
    assert!(!body_font.contains("Italic"), "{body_font}");

    for (_, word) in FIELDS {
        let emphasised = lines_with(&measured, &format!("{word} emphasised"));
        assert_eq!(emphasised.len(), 1, "{word}: one emphasised line");
        let font = font_of(&measured, emphasised[0]);
        assert!(font.contains("Italic"), "{word}: emphasis in {font}");
        assert!(!emphasised[0].text.contains('*'), "{}", emphasised[0].text);

        // One line per item, each with its bullet, and no item marker left as text.
        let items: Vec<&Line> = ["one", "two", "three"]
            .iter()
            .map(|n| {
                let found = lines_with(&measured, &format!("{word}-{n}"));
                assert_eq!(found.len(), 1, "{word}-{n} on a line of its own");
                found[0]
            })
            .collect();
        for item in &items {
            assert!(item.text.starts_with('•'), "{}", item.text);
            assert!(!item.text.contains("- "), "{}", item.text);
        }
        let baselines: std::collections::BTreeSet<i64> =
            items.iter().map(|l| (l.baseline * 10.0) as i64).collect();
        assert_eq!(baselines.len(), 3, "{word}: three lines");

        // The quotation without its `>`, set in from the paragraph before it.
        let quoted = lines_with(&measured, &format!("{word} quoted words"));
        assert_eq!(quoted.len(), 1, "{word}: the quotation");
        assert!(!quoted[0].text.contains('>'), "{}", quoted[0].text);
        let opening = lines_with(&measured, &format!("{word} opening"))[0];
        assert!(
            quoted[0].x_start > opening.x_start,
            "{word}: quotation set in"
        );

        // A heading: its own line, in a heading's font (a `##` is two levels below the part
        // that holds it, which the house style sets in bold or italic), without its `##`.
        let heading = lines_with(&measured, &format!("{word} heading"));
        let heading: Vec<&&Line> = heading
            .iter()
            .filter(|l| !l.text.contains("After"))
            .collect();
        assert_eq!(heading.len(), 1, "{word}: the heading");
        assert!(!heading[0].text.contains('#'), "{}", heading[0].text);
        let font = font_of(&measured, heading[0]);
        assert!(
            font != body_font && (font.contains("Bold") || font.contains("Italic")),
            "{word}: heading in {font}"
        );
    }

    // The literal field prints its marks as written (the question is printed twice: in the
    // instructions and over its answer).
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Is *the applicant* at risk > 1? # - 2"),
        "the literal question"
    );
    for (_, word) in FIELDS {
        assert!(
            !text.contains(&format!("*{word}")),
            "no stars left for {word}"
        );
        assert!(!text.contains(&format!("> {word}")), "no > left for {word}");
    }
}

#[test]
fn gfm_task_lists_autolinks_and_aligned_columns() {
    let analysis = "surveillance = \"\"\"\n\
        - [ ] open-task\n- [x] done-task\n\n\
        Write to someone@example.org, see www.example.org or https://example.net/a/b, \
        or <office@example.com>.\n\n\
        | Place | Count |\n|:------|------:|\n| left-a | 1 |\n| left-bb | 10000 |\n\n\
        Seen[^n] twice[^n].\n\n[^n]: The analysis-note.\n\"\"\"";
    // Two fields of one case file, each with a footnote referred to twice: their labels must
    // not meet.
    let (dir, case) = fixture(&[
        (
            "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"",
            analysis,
        ),
        (
            "The applicant is at risk.",
            "The applicant is at risk[^n], as said[^n].\n\n[^n]: The conclusions-note.",
        ),
    ]);
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let measured = measure_file(&pdf).unwrap();

    for note in ["The analysis-note.", "The conclusions-note."] {
        assert_eq!(lines_with(&measured, note).len(), 1, "{note} once");
    }
    let open = lines_with(&measured, "open-task");
    let done = lines_with(&measured, "done-task");
    assert_eq!((open.len(), done.len()), (1, 1));
    assert!(
        open[0].text.contains('☐') && !open[0].text.contains("[ ]"),
        "{}",
        open[0].text
    );
    assert!(
        done[0].text.contains('☑') && !done[0].text.contains("[x]"),
        "{}",
        done[0].text
    );

    let mut uris: Vec<&str> = measured
        .links
        .iter()
        .map(|l| l.uri.as_str())
        .filter(|u| u.contains("example."))
        // The fixture's bibliography links its sources to https://example.org/….
        .filter(|u| !u.starts_with("https://example.org/"))
        .collect();
    uris.sort();
    uris.dedup();
    assert_eq!(
        uris,
        [
            "http://www.example.org",
            "https://example.net/a/b",
            "mailto:office@example.com",
            "mailto:someone@example.org",
        ]
    );

    // `:---` starts its cells together; `---:` ends them together.
    let cell = |needle: &str| {
        let found = lines_with(&measured, needle);
        assert_eq!(found.len(), 1, "{needle}");
        found[0]
    };
    let (a, bb) = (cell("left-a"), cell("left-bb"));
    assert!(
        (a.x_start - bb.x_start).abs() < 0.5,
        "left column starts together"
    );
    let end_of = |line: &Line, text: &str| -> f64 {
        // The row is one line: its last glyph is the right column's.
        assert!(line.text.trim_end().ends_with(text), "{}", line.text);
        line.x_end
    };
    let (one, many) = (end_of(a, "1"), end_of(bb, "10000"));
    assert!(
        (one - many).abs() < 0.5,
        "right column ends together: {one} {many}"
    );
}

#[test]
fn a_field_may_come_from_a_markdown_file_and_its_findings_name_that_file() {
    let (dir, case) = fixture(&[(
        "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"",
        "surveillance = { file = \"analysis/surveillance.md\" }",
    )]);
    let folder = dir.path().join("analysis");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("surveillance.md"),
        "The site was *blocked* in 2023.\n\nA second paragraph cites [@no-such-key].\n",
    )
    .unwrap();
    let (findings, _) = check_findings(&case);
    let findings: Vec<serde_json::Value> = findings
        .into_iter()
        .filter(|f| f["code"] == "E201")
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert!(
        finding["file"]
            .as_str()
            .unwrap()
            .ends_with("analysis/surveillance.md"),
        "{finding}"
    );
    assert_eq!(finding["line"], 3, "{finding}");
    assert_eq!(finding["column"], 26, "{finding}");
    assert_eq!(finding["field"], "analysis.surveillance", "{finding}");

    // Fixed, it renders, and the file's Markdown is in the report.
    std::fs::write(
        folder.join("surveillance.md"),
        "The site was *blocked* in 2023.\n",
    )
    .unwrap();
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let measured = measure_file(&pdf).unwrap();
    let line = lines_with(&measured, "The site was");
    assert_eq!(line.len(), 1);
    assert!(!line[0].text.contains('*'), "{}", line[0].text);
}

#[test]
fn a_file_outside_the_case_folder_is_refused_at_the_field() {
    let (dir, case) = fixture(&[(
        "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"",
        "surveillance = { file = \"analysis/elsewhere.md\" }",
    )]);
    // A link from inside the case's folder to a file outside it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "Not for the report.").unwrap();
    std::fs::create_dir_all(dir.path().join("analysis")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("analysis/elsewhere.md"),
    )
    .unwrap();
    let output = run(witness().arg("check").arg(&case));
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains("analysis.surveillance"), "{message}");
    assert!(message.contains("case.toml:"), "{message}");
    assert!(message.contains("lies outside"), "{message}");
    assert!(!message.contains("Not for the report"), "{message}");
}
