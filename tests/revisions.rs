//! The appeal's back-and-forth after a report is served: stable paragraph IDs and the snapshot
//! beside every PDF, `witness diff` with its summary and redline, and addendum reports that cite
//! the original by the numbers it was served with. Through the binary, on the JSON and on the
//! PDFs' text.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The opening of the example's own-knowledge paragraph about the summons, `{#summons}`.
const SUMMONS: &str = "In interviews I held in Bishkek between 2011 and 2024";
/// The sentence of the example's analysis that a test rewrites.
const COPY: &str = "I have seen only a copy, and I cannot vouch for its authenticity.";

fn snapshot(pdf: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("snapshot.json")).unwrap())
        .unwrap()
}

/// Each paragraph's ID with its text, in order.
fn ids_and_texts(snapshot: &Value) -> Vec<(String, String)> {
    let paragraphs = snapshot["paragraphs"].as_array().unwrap();
    assert!(!paragraphs.is_empty(), "the snapshot has paragraphs");
    paragraphs
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `witness diff OLD NEW --format json` (with `extra`), which must succeed.
fn diff(old: &Path, new: &Path, extra: &[&str]) -> Value {
    let output = run(witness()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--format", "json"])
        .args(extra));
    assert!(output.status.success(), "diff failed: {}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn numbers(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect()
}

/// The example rendered into `dir/out`, its snapshot kept as served in `dir/served.json`.
fn served_example(dir: &Path, replacements: &[(&str, &str)]) -> (PathBuf, PathBuf) {
    let case = example_variant(dir, replacements);
    let pdf = render(&case, &dir.join("out"), &[]);
    let served = dir.join("served.json");
    std::fs::copy(pdf.with_extension("snapshot.json"), &served).unwrap();
    (case, served)
}

#[test]
fn ids_stay_the_same_across_an_edit_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (case, _) = served_example(dir.path(), &[]);
    let before = ids_and_texts(&snapshot(&dir.path().join("out/KGZ-2026-014.pdf")));
    // A second paragraph in the history analysis, early in the report.
    let text = std::fs::read_to_string(&case).unwrap().replacen(
        "fits that chronology.\n",
        "fits that chronology.\n\nHis outlet was founded in 2014.\n",
        1,
    );
    std::fs::write(&case, text).unwrap();
    let after_pdf = render(&case, &dir.path().join("out2"), &[]);
    let after = ids_and_texts(&snapshot(&after_pdf));

    // Every paragraph of before is in after with the same ID and text, and after has exactly
    // one more: the new one, with the ID of its place. (The methodology's list of
    // own-knowledge paragraphs keeps its ID; its text is their numbers, which moved on.)
    let numbering = |id: &str| id == "methodology.own-knowledge-list";
    for paragraph in &before {
        let kept = after.contains(paragraph)
            || (numbering(&paragraph.0) && after.iter().any(|p| p.0 == paragraph.0));
        assert!(kept, "{} kept its ID and text", paragraph.0);
    }
    let added: Vec<&(String, String)> = after
        .iter()
        .filter(|p| !numbering(&p.0) && !before.contains(p))
        .collect();
    assert_eq!(
        added,
        [&(
            "analysis.history.2".to_string(),
            "His outlet was founded in 2014.".to_string()
        )]
    );
    // The expert's own IDs are there, unchanged, on the paragraphs they end.
    let summons = after
        .iter()
        .find(|(id, _)| id == "summons")
        .expect("{#summons}");
    assert!(summons.1.starts_with(SUMMONS), "{}", summons.1);
    assert!(!summons.1.contains("{#"), "the marker is not text");
}

#[test]
fn a_rewritten_sentence_is_struck_once_and_inserted_once() {
    let dir = tempfile::tempdir().unwrap();
    let (case, served) = served_example(dir.path(), &[]);
    let rewritten = "Without the original I cannot vouch for the copy I have seen.";
    let text = std::fs::read_to_string(&case)
        .unwrap()
        .replacen(COPY, rewritten, 1);
    std::fs::write(&case, text).unwrap();
    let out = dir.path().join("redline");
    let summary = diff(
        &served,
        &case,
        &["--out-dir", out.to_str().unwrap(), "--keep-typ"],
    );

    let served_json = snapshot(&dir.path().join("out/KGZ-2026-014.pdf"));
    let number = served_json["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"] == COPY)
        .map(|p| p["number"].as_u64().unwrap())
        .expect("the sentence is a paragraph of its own");
    assert_eq!(
        numbers(&summary["changed"]),
        [number],
        "only that paragraph changed"
    );
    assert_eq!(numbers(&summary["added"]), Vec::<u64>::new());
    assert_eq!(numbers(&summary["deleted"]), Vec::<u64>::new());
    assert_eq!(summary["summary"][0], format!("para {number} changed"));

    // In the redline's text, the old words and the new each once; in its source, the one
    // struck and the other inserted.
    let pdf = PathBuf::from(summary["redline"].as_str().unwrap());
    assert_eq!(pdf, out.join("KGZ-2026-014-redline.pdf"));
    let text = pdf_text(&pdf);
    assert_eq!(text.matches("only a copy").count(), 1, "old words once");
    assert_eq!(
        text.matches("Without the original").count(),
        1,
        "new words once"
    );
    assert!(
        text.contains(&format!("paras {number} changed"))
            || text.contains(&format!("para {number} changed"))
    );
    let source = std::fs::read_to_string(out.join("KGZ-2026-014-redline.typst/main.typ")).unwrap();
    assert!(
        source.contains("#del[only a copy,]") || source.contains("#del[I have seen only a copy,"),
        "{}",
        &source[source.find("#del[").unwrap_or(0)..][..200]
    );
    assert!(
        source.contains("#ins[Without the original"),
        "the new words are marked inserted"
    );
}

#[test]
fn an_inserted_paragraph_shifts_the_numbers_after_it_and_the_summary_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (case, served) = served_example(dir.path(), &[]);
    let old = snapshot(&dir.path().join("out/KGZ-2026-014.pdf"));
    let total = old["paragraphs"].as_array().unwrap().len() as u64;
    let summons_was = old["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "summons")
        .unwrap()["number"]
        .as_u64()
        .unwrap();
    // A new paragraph in the middle of the analysis, just before the summons paragraph.
    let text = std::fs::read_to_string(&case).unwrap().replacen(
        "[own knowledge] In interviews",
        "Editors I spoke to in 2025 described the same pattern.\n\n[own knowledge] In interviews",
        1,
    );
    std::fs::write(&case, text).unwrap();
    let summary = diff(&served, &case, &["--summary-only"]);
    assert_eq!(numbers(&summary["added"]), [summons_was]);
    // Only the list of own-knowledge paragraphs changed: it names the summons paragraph's
    // new number.
    let changed: Vec<&Value> = summary["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["fate"] == "changed")
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["id"], "methodology.own-knowledge-list");
    let runs = summary["renumbered"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["first"], summons_was + 1);
    assert_eq!(runs[0]["was"], summons_was);
    assert_eq!(runs[0]["last"], total + 1);
    let sentences: Vec<&str> = summary["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        sentences.contains(&format!("para {summons_was} added").as_str()),
        "{sentences:?}"
    );
    assert!(
        sentences.contains(
            &format!(
                "paras {}–{} were {}–{}",
                summons_was + 1,
                total + 1,
                summons_was,
                total
            )
            .as_str()
        ),
        "{sentences:?}"
    );
    assert!(
        summary["redline"].is_null(),
        "--summary-only typesets nothing"
    );
}

#[test]
fn a_change_in_the_brief_shows_as_a_changed_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let init = run(witness().arg("init").arg(dir.path().join("ws")));
    assert!(init.status.success(), "{}", stderr(&init));
    let cases = dir.path().join("ws/cases/journalist");
    std::fs::create_dir_all(&cases).unwrap();
    let case = example_variant(&cases, &[]);
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let served = pdf.with_extension("snapshot.json");
    let old = snapshot(&pdf);

    let section = dir
        .path()
        .join("ws/country-briefs/kyrgyzstan/freedom-of-speech.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let sentence =
        "Kyrgyzstan ranked 122nd in Reporters Without Borders' World Press Freedom Index";
    assert!(text.contains(sentence));
    std::fs::write(&section, text.replacen(sentence, "Kyrgyzstan was ranked 122nd in the World Press Freedom Index of Reporters Without Borders", 1)).unwrap();
    let summary = diff(&served, &case, &["--summary-only"]);

    let number = old["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["text"]
                .as_str()
                .unwrap()
                .starts_with("Kyrgyzstan ranked 122nd")
        })
        .unwrap()["number"]
        .as_u64()
        .unwrap();
    assert_eq!(
        numbers(&summary["changed"]),
        [number],
        "that paragraph and no other"
    );
    assert_eq!(numbers(&summary["added"]), Vec::<u64>::new());
    assert_eq!(
        summary["unchanged"].as_u64().unwrap() + 1,
        old["paragraphs"].as_array().unwrap().len() as u64
    );
}

/// The example addendum in `dir/addendum`, adding to the snapshot at `original`.
fn addendum_variant(dir: &Path, original: &Path, replacements: &[(&str, &str)]) -> PathBuf {
    let folder = dir.join("addendum");
    copy_tree(
        &repo().join("examples/kyrgyzstan-journalist-addendum"),
        &folder,
    );
    let _ = std::fs::remove_dir_all(folder.join("out"));
    let case = folder.join("case.toml");
    let mut text = std::fs::read_to_string(&case).unwrap().replacen(
        "original = \"../kyrgyzstan-journalist/served/KGZ-2026-014.snapshot.json\"",
        &format!("original = {:?}", original.display().to_string()),
        1,
    );
    for (from, to) in replacements {
        assert!(text.contains(from), "the addendum contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&case, text).unwrap();
    case
}

#[test]
fn the_addendum_cites_the_original_by_the_numbers_it_has_in_print() {
    let dir = tempfile::tempdir().unwrap();
    let (_, served) = served_example(dir.path(), &[]);
    let original_text = pdf_text(&dir.path().join("out/KGZ-2026-014.pdf"));
    let case = addendum_variant(dir.path(), &served, &[]);
    let pdf = render(&case, &dir.path().join("addendum-out"), &[]);
    let text = pdf_text(&pdf);

    // "This response rests on paras 29 and 42 of my report of 20 November 2026."
    let cited: Vec<Vec<u64>> = text
        .match_indices("This response rests on ")
        .map(|(at, _)| {
            let rest = &text[at + "This response rests on ".len()..];
            let list = &rest[..rest
                .find(" of my report of 20 November 2026")
                .expect("names the report")];
            list.split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|n| n.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(cited.len(), 2, "one cross-reference for each point");
    // Point 1 rests on {#summons} and answer 1; point 2 on {#profile} and the risk on return.
    let starts = [
        ("summons", SUMMONS),
        ("answer 1", "Yes. The Appellant describes three things"),
        ("profile", "The Appellant's outlet published investigations"),
        (
            "risk on return",
            "Journalists at Temirov Live, whose investigations",
        ),
    ];
    let expected = [&starts[..2], &starts[2..]];
    for (numbers, wanted) in cited.iter().zip(expected) {
        assert!(!numbers.is_empty());
        // Each number cited is where the original, in print, has the paragraph meant.
        for (what, start) in wanted {
            let found = numbers
                .iter()
                .any(|n| original_text.contains(&format!("{n} {start}")));
            assert!(
                found,
                "{what}: none of paras {numbers:?} opens with {start:?} in the original's PDF"
            );
        }
    }
    for (what, start) in starts {
        let printed = original_text
            .find(start)
            .unwrap_or_else(|| panic!("{what} is in the original"));
        assert!(printed > 0);
    }
    // The formalities: the original's reference and date, the permission it needs, the
    // declaration and statement of truth.
    for wanted in [
        "Addendum to the report of Dr Helen Marsh of 20 November 2026",
        "KGZ-2026-014, of 20 November 2026",
        "This addendum answers the Respondent's review of 8 January 2027",
        "served with a written application, with reasons, for the Tribunal's permission to rely on it (Practice Direction, para 9.2)",
        "The review, paragraph 14",
        "The summons produced by the Appellant is not consistent with the practice",
        "I confirm that I have made clear which facts",
    ] {
        assert!(holds(&text, wanted), "the addendum says {wanted:?}");
    }
}

#[test]
fn a_point_resting_on_a_vanished_paragraph_names_the_id_and_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let (_, served) = served_example(dir.path(), &[]);
    let case = addendum_variant(
        dir.path(),
        &served,
        &[(
            "rests_on = [\"summons\", \"answer-1\"]",
            "rests_on = [\"sumons\", \"answer-9\"]",
        )],
    );
    let (findings, status) = check_findings(&case);
    assert_eq!(status, 1, "an error stops the addendum");
    let vanished: Vec<&Value> = findings.iter().filter(|f| f["code"] == "E181").collect();
    assert_eq!(vanished.len(), 2, "{findings:?}");
    assert!(
        vanished[0]["message"]
            .as_str()
            .unwrap()
            .contains("`sumons`")
    );
    assert!(
        vanished[0]["message"]
            .as_str()
            .unwrap()
            .contains("served.json"),
        "names the original's file"
    );
    assert!(
        vanished[0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `summons`?")
    );
    assert!(
        vanished[1]["message"]
            .as_str()
            .unwrap()
            .contains("`answer-9`")
    );
    assert_eq!(vanished[0]["field"], "points[0].rests_on");
    let others: Vec<&Value> = findings
        .iter()
        .filter(|f| f["severity"] == "error" && f["code"] != "E181")
        .collect();
    assert!(others.is_empty(), "nothing else: {others:?}");
}

#[test]
fn an_addendum_needs_an_original_it_can_read_and_answers_every_point() {
    let dir = tempfile::tempdir().unwrap();
    let case = addendum_variant(
        dir.path(),
        &dir.path().join("nowhere.snapshot.json"),
        &[(
            "The Appellant is a low-profile journalist. Those at risk are prominent journalists, editors and founders of outlets; the Appellant is none of these, and would not come to the adverse attention of the authorities on return.",
            "",
        )],
    );
    let (codes, status) = check_codes(&case);
    assert_eq!(status, 1);
    assert_eq!(
        codes,
        ["E180", "E182"],
        "the unreadable original, the point that quotes nothing"
    );
}

#[test]
fn a_paragraph_id_set_twice_is_refused_where_it_is_set_again() {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(
        dir.path(),
        &[(
            "fits that chronology.\n",
            "fits that chronology. {#summons}\n",
        )],
    );
    let (findings, status) = check_findings(&case);
    assert_eq!(status, 1);
    let twice: Vec<&Value> = findings.iter().filter(|f| f["code"] == "E183").collect();
    assert_eq!(twice.len(), 1, "{findings:?}");
    // The history analysis comes first in the case file, so the real `{#summons}` is the
    // second place.
    assert_eq!(
        twice[0]["field"], "analysis.freedom-of-speech",
        "the second place, in file order"
    );
    assert!(
        twice[0]["help"]
            .as_str()
            .unwrap()
            .contains("`analysis.history`"),
        "names the first"
    );
}

#[test]
fn a_final_addendum_to_a_drafts_snapshot_is_warned() {
    let dir = tempfile::tempdir().unwrap();
    let (_, served) = served_example(dir.path(), &[]);
    let draft = addendum_variant(dir.path(), &served, &[]);
    let (codes, _) = check_codes(&draft);
    assert!(
        !codes.contains(&"W184".to_string()),
        "a draft addendum: {codes:?}"
    );
    let case = addendum_variant(
        dir.path(),
        &served,
        &[("status = \"draft\"", "status = \"final\"")],
    );
    let (findings, _) = check_findings(&case);
    let warned: Vec<&Value> = findings.iter().filter(|f| f["code"] == "W184").collect();
    assert_eq!(warned.len(), 1, "{findings:?}");
    assert_eq!(warned[0]["field"], "addendum.original");
}

#[test]
fn questions_added_and_reordered_show_as_added_and_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (case, served) = served_example(dir.path(), &[]);
    let old = snapshot(&dir.path().join("out/KGZ-2026-014.pdf"));
    let number_of = |id: &str| {
        old["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["number"]
            .as_u64()
            .unwrap()
    };
    let (second, third) = (number_of("answer-2.1"), number_of("answer-3.1"));
    // Question 3 put before question 2, and a fourth question at the end.
    let text = std::fs::read_to_string(&case).unwrap();
    let start = text
        .find("[[questions]]\nquestion = \"Would the Appellant be at risk")
        .unwrap();
    let middle = text[start..]
        .find("[[questions]]\nquestion = \"Could the Appellant")
        .unwrap()
        + start;
    let end = text.find("[analysis]").unwrap();
    let reordered = format!(
        "{}{}{}{}[[questions]]\nquestion = \"Could he work as a journalist on return?\"\nanswer = \"Not without the risk described in answer 2.\"\n\n{}",
        &text[..start],
        &text[middle..end],
        &text[start..middle],
        "",
        &text[end..]
    );
    std::fs::write(&case, reordered).unwrap();
    let summary = diff(&served, &case, &["--summary-only"]);
    // The new answer comes after the three others.
    assert_eq!(numbers(&summary["added"]), [third + 1]);
    let moved = summary["moved"].as_array().unwrap();
    assert_eq!(
        moved.len(),
        1,
        "one of the two answers moved past the other: {moved:?}"
    );
    assert!([second, third].contains(&moved[0]["was"].as_u64().unwrap()));
    // The list of questions under the instructions changed with them.
    let changed: Vec<&str> = summary["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["fate"] == "changed")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["instructions.questions"]);
}

#[test]
fn a_report_naming_an_original_is_refused_without_loading_it() {
    // A report (not an addendum) whose [addendum] names the report itself: loading it must
    // not load it again, and again.
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(dir.path(), &[]);
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        format!("{text}\n[addendum]\noriginal = \"case.toml\"\nanswers = \"nothing\"\n"),
    )
    .unwrap();
    let (findings, status) = check_findings(&case);
    assert_eq!(status, 1);
    let refused: Vec<&Value> = findings.iter().filter(|f| f["code"] == "E180").collect();
    assert_eq!(refused.len(), 1, "{findings:?}");
    assert_eq!(refused[0]["field"], "addendum");
}

#[test]
fn a_paragraph_id_that_names_a_part_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(
        dir.path(),
        &[(
            "fits that chronology.\n",
            "fits that chronology. {#history}\n",
        )],
    );
    let (findings, status) = check_findings(&case);
    assert_eq!(status, 1);
    let named: Vec<&Value> = findings.iter().filter(|f| f["code"] == "E183").collect();
    assert_eq!(named.len(), 1, "{findings:?}");
    assert!(
        named[0]["message"]
            .as_str()
            .unwrap()
            .contains("the name of a part")
    );
    assert_eq!(named[0]["field"], "analysis.history");
}
