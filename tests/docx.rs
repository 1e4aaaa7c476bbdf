//! `witness render --to docx`: the Word document holds the report the PDF holds. Through the
//! binary; the DOCX is read as Word reads it, the XML parts of its zip, and compared with the
//! PDF made in the same run (its snapshot, its outline, its text).

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The parts of the DOCX at `path`, by name.
fn parts(path: &Path) -> HashMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            parts.insert(file.name().to_string(), text);
        }
    }
    parts
}

/// Each `w:p` of a part: its style, whether it is in the report's numbered list, and its text.
fn paragraphs(xml: &str) -> Vec<(String, bool, String)> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|n| n.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            let numbered = p
                .descendants()
                .find(|n| n.has_tag_name((W, "numId")))
                .and_then(|n| n.attribute((W, "val")))
                == Some(NUMBERED_LIST);
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect();
            (style, numbered, text)
        })
        .collect()
}

/// The Word list witness puts the report's numbered paragraphs in.
const NUMBERED_LIST: &str = "10";

/// The text of each footnote, in order (Word's separators, ids -1 and 0, left out).
fn footnotes(xml: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name((W, "footnote")))
        .filter(|n| {
            n.attribute((W, "id"))
                .and_then(|id| id.parse::<i64>().ok())
                .is_some_and(|id| id > 0)
        })
        .map(|n| {
            n.descendants()
                .filter(|t| t.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

/// Renders `case` as PDF and DOCX into `out`; returns both paths.
fn both(case: &Path, out: &Path) -> (PathBuf, PathBuf) {
    let output = run(witness()
        .arg("render")
        .arg(case)
        .args(["--to", "pdf,docx", "--out-dir"])
        .arg(out));
    assert!(
        output.status.success(),
        "render failed: {}",
        stderr(&output)
    );
    let stem = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF");
    (stem.clone(), stem.with_extension("docx"))
}

/// Text compared as a reader reads it: quotes straight, white space single.
fn plain(text: &str) -> String {
    normalise(text)
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
}

#[test]
fn the_docx_has_the_pdfs_numbered_paragraphs_headings_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(dir.path(), &[]);
    let (pdf, docx) = both(&case, &dir.path().join("out"));
    let parts = parts(&docx);
    let body = paragraphs(&parts["word/document.xml"]);

    // The numbered paragraphs: as many as the PDF prints (its snapshot, which
    // tests/profiles.rs finds in print), in order, with the same text. The snapshot writes a
    // citation as `[@key]` where Word has a note mark, and keeps the lists under a paragraph
    // on lines of its own, which Word has as list items.
    let snapshot: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pdf.with_extension("snapshot.json")).unwrap(),
    )
    .unwrap();
    let printed: Vec<String> = snapshot["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let first = p["text"].as_str().unwrap().lines().next().unwrap_or("");
            let without_cites = regex_lite_remove_cites(first);
            plain(&without_cites)
        })
        .collect();
    let numbered: Vec<String> = body
        .iter()
        .filter(|(_, numbered, _)| *numbered)
        .map(|(_, _, text)| plain(text))
        .collect();
    assert!(!printed.is_empty());
    assert_eq!(
        numbered.len(),
        printed.len(),
        "one Word paragraph per numbered paragraph"
    );
    for (i, (word, pdf)) in numbered.iter().zip(&printed).enumerate() {
        assert_eq!(
            word.replace(' ', ""),
            pdf.replace(' ', ""),
            "para {}",
            i + 1
        );
    }

    // Headings in Word's heading styles, the same as the PDF's outline, both ways.
    let headings: Vec<String> = body
        .iter()
        .filter(|(style, _, _)| style == "Heading1" || style == "Heading2")
        .map(|(_, _, text)| plain(text))
        .collect();
    let outline: Vec<String> = lopdf::Document::load(&pdf)
        .unwrap()
        .get_toc()
        .unwrap()
        .toc
        .into_iter()
        .filter(|entry| entry.level <= 2)
        .map(|entry| plain(&entry.title))
        .collect();
    assert!(!outline.is_empty());
    assert_eq!(
        headings, outline,
        "Word's headings, with their numbers, are the PDF's bookmarks"
    );
    let styles = &parts["word/styles.xml"];
    assert!(
        styles.contains(r#"w:styleId="Heading1""#) && styles.contains(r#"<w:outlineLvl w:val="0""#)
    );

    // Real footnotes, each with the text of the PDF's note of the same number.
    let notes = footnotes(&parts["word/footnotes.xml"]);
    assert!(
        notes.len() > 20,
        "the example cites on every page: {}",
        notes.len()
    );
    let text = pdf_text(&pdf);
    for (i, note) in notes.iter().enumerate() {
        let opening: String = note
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            holds_across_lines(&text, &format!("{} {opening}", i + 1)),
            "note {} of the DOCX, {opening:?}, is note {} of the PDF",
            i + 1,
            i + 1
        );
    }
    assert!(
        !holds_across_lines(&text, &format!("\n{} Human Rights Watch", notes.len() + 1)),
        "the PDF has no note the DOCX lacks"
    );

    // The page, the type and the running parts.
    let document = &parts["word/document.xml"];
    assert!(
        document.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "A4"
    );
    assert!(
        styles.contains(r#"<w:sz w:val="24" />"#),
        "12 pt body text: {}",
        &styles[..400.min(styles.len())]
    );
    assert!(
        styles.contains(r#"w:line="360""#),
        "1.5 line spacing (360 of 240)"
    );
    let header: String = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/header"))
        .map(|(_, x)| x.as_str())
        .collect();
    assert!(header.contains("KGZ-2026-014") && header.contains("Draft"));
    let footer: String = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/footer"))
        .map(|(_, x)| x.as_str())
        .collect();
    assert!(
        footer.contains("PAGE") && footer.contains("NUMPAGES"),
        "Page X of Y fields"
    );
    assert!(header.contains(r#"string="DRAFT""#), "a draft's watermark");
    let core = &parts["docProps/core.xml"];
    assert!(
        core.contains("<dc:creator>Dr Helen Marsh</dc:creator>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:title>KGZ-2026-014: expert report on Kyrgyzstan</dc:title>"),
        "{core}"
    );
    assert!(core.contains("2026-11-20"), "dated as the report");
    assert!(
        parts.keys().any(|n| n.starts_with("word/media/")),
        "the signature image"
    );
    // The provenance records the DOCX, beside the PDF's own.
    let provenance =
        std::fs::read_to_string(docx.with_file_name("KGZ-2026-014.docx.provenance.json")).unwrap();
    assert!(provenance.contains(&sha256_of(&std::fs::read(&docx).unwrap())));
}

/// `text` without its `[@key]` citations.
fn regex_lite_remove_cites(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("[@") {
        out.push_str(&rest[..at]);
        match rest[at..].find(']') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn hostile_text_is_literal_in_the_docx() {
    let dir = tempfile::tempdir().unwrap();
    // Every active string, in literal fields: a question put, a document read.
    let hostile: Vec<&str> = ACTIVE
        .iter()
        .copied()
        .filter(|s| !s.contains("[@") && !s.contains('@'))
        .collect();
    let joined = hostile.join(" ‡ ");
    let toml_text = toml_escape(&joined);
    let case = example_variant(
        dir.path(),
        &[(
            "\"The Respondent's refusal letter of 2 July 2026\",",
            &format!("\"The Respondent's refusal letter of 2 July 2026\",\n  {toml_text},"),
        )],
    );
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .args(["--to", "docx", "--out-dir"])
        .arg(dir.path().join("out")));
    assert!(output.status.success(), "{}", stderr(&output));
    let parts = parts(&dir.path().join("out/KGZ-2026-014.docx"));
    let text: String = paragraphs(&parts["word/document.xml"])
        .into_iter()
        .map(|(_, _, t)| t + "\n")
        .collect();
    let item = text
        .lines()
        .find(|l| l.contains(" ‡ "))
        .expect("the document's line");
    for (got, want) in item.split(" ‡ ").zip(&hostile) {
        assert_eq!(plain(got), plain(want), "literal, not markup");
    }
    assert_eq!(
        item.split(" ‡ ").count(),
        hostile.len(),
        "every string, none split or merged"
    );
    // Nothing reached the XML as markup: the parser found only text there.
    assert!(!parts["word/document.xml"].contains("<b>html</b>"));
}

fn toml_escape(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn a_failed_docx_keeps_the_previous_file_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(dir.path(), &[]);
    let out = dir.path().join("out");
    let made = run(witness()
        .arg("render")
        .arg(&case)
        .args(["--to", "docx", "--out-dir"])
        .arg(&out));
    assert!(made.status.success(), "{}", stderr(&made));
    let docx = out.join("KGZ-2026-014.docx");
    let before = std::fs::read(&docx).unwrap();

    // A workspace whose citation style is broken: the DOCX cannot format its notes.
    std::fs::write(
        dir.path().join("witness.toml"),
        "[folders]\ntemplates = \"templates\"\n",
    )
    .unwrap();
    let common = dir.path().join("templates/common");
    std::fs::create_dir_all(&common).unwrap();
    std::fs::write(common.join("coi-notes.csl"), "<style>not a style</style>").unwrap();
    let failed = run(witness()
        .arg("render")
        .arg(&case)
        .args(["--to", "docx", "--out-dir"])
        .arg(&out));
    assert!(!failed.status.success(), "a broken style fails the DOCX");
    assert!(
        stderr(&failed).contains("citation style"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(
        std::fs::read(&docx).unwrap(),
        before,
        "the earlier DOCX is intact"
    );
    assert_eq!(
        names_in(&out),
        ["KGZ-2026-014.docx", "KGZ-2026-014.docx.provenance.json"],
        "no partial file, no build folder"
    );
}

#[test]
fn a_batch_makes_both_outputs_of_every_case_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let first = example_variant(&cases, &[]);
    let second = cases.join("second.toml");
    let text = std::fs::read_to_string(&first)
        .unwrap()
        .replacen("KGZ-2026-014", "KGZ-2026-015", 1);
    std::fs::write(&second, text).unwrap();
    let out = dir.path().join("out");
    let output = run(witness()
        .arg("render")
        .arg(&cases)
        .args(["--to", "pdf,docx", "--format", "json", "--out-dir"])
        .arg(&out));
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["type"] == "case")
        .collect();
    assert_eq!(records.len(), 2);
    for record in &records {
        let outputs: Vec<&str> = record["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap())
            .collect();
        assert_eq!(outputs.len(), 2, "{record}");
        assert!(
            outputs[0].ends_with(".pdf") && outputs[1].ends_with(".docx"),
            "{outputs:?}"
        );
        for output in outputs {
            assert!(Path::new(output).is_file(), "{output}");
        }
    }
    // -o names one file of the kind asked for.
    let wrong = run(witness()
        .arg("render")
        .arg(&first)
        .args(["--to", "docx", "-o"])
        .arg(dir.path().join("x.pdf")));
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("does not end in .docx"),
        "{}",
        stderr(&wrong)
    );
}
