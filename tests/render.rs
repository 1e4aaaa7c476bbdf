//! End to end through the real binary and the real typst: case file in, PDF text checked.

mod common;

use common::*;

#[test]
fn the_example_renders_to_a_multi_page_report_with_its_content() {
    let out = tempfile::tempdir().unwrap();
    let pdf = render(&example_case(), out.path(), &[]);
    assert_eq!(pdf.file_name().unwrap(), "KGZ-2026-014.pdf");

    let pages = page_count(&pdf);
    assert!((10..=30).contains(&pages), "{pages} pages");

    let text = pdf_text(&pdf);
    for expected in [
        "Daniyar Temirbekov",
        "KGZ-2026-014",
        // Each selected topic's title, from its section's front matter.
        "History and political context",
        "Freedom of speech and the media",
        "Online freedom, censorship and surveillance",
        "Application to the Appellant",
        // A footnote citation, with the accessed date the note style adds.
        "Committee to Protect Journalists",
        "[accessed 28 October 2026]",
        "Illustrative content",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "the PDF's text lacks {expected:?}");
    }

    let provenance: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("KGZ-2026-014.provenance.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(provenance["pages"], pages);
    assert_eq!(
        provenance["sections"].as_array().unwrap().len(),
        3,
        "history, freedom of speech, surveillance"
    );
    assert_eq!(provenance["typst_version"], "0.15.1");
    assert_eq!(
        provenance["pdf_sha256"],
        sha256_of(&std::fs::read(&pdf).unwrap())
    );
    // The example draws on the built-in briefs, which are this repository's country-briefs.
    assert_provenance_matches(
        &out.path().join("KGZ-2026-014.provenance.json"),
        &example_case(),
        &repo().join("country-briefs"),
    );

    // Nothing but the PDF and its provenance is left in the output folder.
    assert_eq!(
        names_in(out.path()),
        [
            "KGZ-2026-014.pdf",
            "KGZ-2026-014.provenance.json",
            "KGZ-2026-014.snapshot.json"
        ]
    );
}

#[test]
fn two_renders_of_the_same_inputs_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = std::fs::read(render(&example_case(), a.path(), &[])).unwrap();
    let second = std::fs::read(render(&example_case(), b.path(), &[])).unwrap();
    assert!(first == second, "the two PDFs differ");
}

/// Strings that would change a Typst document's structure or run code if they were not escaped.
const HOSTILE: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "a ] closing bracket",
    "*bold* and _under_",
    "$x^2$ maths",
    "<l> a label",
    "@l a reference",
    "// c line comment",
    "/* c block comment",
    "= h heading",
    "- l list item",
    "1. x enum item",
    "+ plus item",
    "back\\slash",
    "say \"quoted\" it",
    "~ tilde -- dashes ... dots",
    "#set page(paper: \"a6\")",
    "`raw` text",
    "/ term: description",
    "Emoji 😀 here",
    "Кыргызстан Cyrillic",
    "مرحبا Arabic",
];

#[test]
fn typst_syntax_in_case_text_is_printed_literally() {
    let dir = tempfile::tempdir().unwrap();
    // Each string is a paragraph of its own, so line breaking never splits it. The analysis
    // is Markdown, so each string is written as Markdown writes text literally (every ASCII
    // punctuation mark backslash-escaped), then with each backslash doubled for TOML.
    let paragraphs: String = HOSTILE
        .iter()
        .map(|s| {
            let markdown: String = s
                .chars()
                .map(|c| match c {
                    c if c.is_ascii_punctuation() => format!("\\{c}"),
                    c => c.to_string(),
                })
                .collect();
            format!("{}\n\n", markdown.replace('\\', "\\\\"))
        })
        .collect();
    let case = example_variant(
        dir.path(),
        &[
            (
                "name = \"Daniyar Temirbekov\"",
                "name = \"Ayşe <b>#strong[O'Brien]</b> $1\"",
            ),
            (
                "surveillance = \"\"\"\n",
                &format!("surveillance = \"\"\"\n{paragraphs}"),
            ),
        ],
    );

    let out = dir.path().join("out");
    let pdf = render(&case, &out, &[]);
    let text = pdf_text(&pdf);
    // Literal means: the same characters, with whitespace folded and straight quotes possibly
    // set as typographic ones (see `normalise`), and right-to-left runs in either order.
    for hostile in HOSTILE {
        assert!(holds(&text, hostile), "the PDF's text lacks {hostile:?}");
    }
    assert!(
        text.contains("Ayşe <b>#strong[O'Brien]</b> $1"),
        "the applicant's name is literal"
    );
    assert!(!text.contains("root:x:0:0"), "no file was read");
    let width = page_width(&pdf);
    assert_eq!(
        width, 595.0,
        "still A4, not changed by `#set page`: {width}"
    );
}

#[test]
fn a_failed_typeset_keeps_the_previous_pdf_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(dir.path(), &[]);
    let out = dir.path().join("out");
    let pdf = render(&case, &out, &[]);
    let before = std::fs::read(&pdf).unwrap();
    let snapshot = pdf.with_extension("snapshot.json");
    let served = std::fs::read(&snapshot).unwrap();

    // A workspace whose template has a Typst error: typst fails after witness has assembled.
    std::fs::write(
        dir.path().join("witness.toml"),
        "[folders]\ntemplates = \"templates\"\n",
    )
    .unwrap();
    let broken = dir.path().join("templates/expert-report");
    std::fs::create_dir_all(&broken).unwrap();
    let main = std::fs::read_to_string(repo().join("report-templates/expert-report/main.typ.hbs"))
        .unwrap();
    std::fs::write(broken.join("main.typ.hbs"), main + "\n#let broken = (\n").unwrap();

    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out));
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("typst could not typeset the report"),
        "{message}"
    );
    assert!(
        message.contains("in the report template's own text, at line"),
        "names the template and the generated line: {message}"
    );
    assert!(
        !message.contains(".witness-build-"),
        "no path into a build folder that is gone: {message}"
    );

    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        before,
        "the earlier PDF is intact"
    );
    assert_eq!(
        names_in(&out),
        [
            "KGZ-2026-014.pdf",
            "KGZ-2026-014.provenance.json",
            "KGZ-2026-014.snapshot.json"
        ],
        "only the earlier PDF, provenance and snapshot remain"
    );
    assert_eq!(
        std::fs::read(&snapshot).unwrap(),
        served,
        "the snapshot still records what the earlier PDF printed"
    );

    // The message names the line of the generated source where the template's error is: the
    // source itself is gone, so it says how to keep it; with --keep-typ it names the file.
    let kept = dir.path().join("kept");
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(&kept)
        .arg("--keep-typ"));
    assert!(!output.status.success());
    let main_typ = kept.join("KGZ-2026-014.typst/main.typ");
    let source = std::fs::read_to_string(&main_typ).unwrap();
    let line = source
        .lines()
        .position(|l| l.starts_with("#let broken = ("))
        .expect("the kept source holds the broken line")
        + 1;
    let kept_message = stderr(&output);
    assert!(
        kept_message.contains(&format!("KGZ-2026-014.typst/main.typ:{line}")),
        "names the kept file and line {line}: {kept_message}"
    );
    assert!(
        message.contains(&format!("at line {line} of the generated source")),
        "names the line {line} of the generated source: {message}"
    );
}

#[test]
fn keep_typ_keeps_the_source_that_typst_compiles_on_its_own() {
    let out = tempfile::tempdir().unwrap();
    render(&example_case(), out.path(), &["--keep-typ"]);
    let main = out.path().join("KGZ-2026-014.typst/main.typ");
    let source = std::fs::read_to_string(&main).unwrap();
    assert!(source.contains("// origin: "), "origins are marked");
    assert!(source.contains("#import \"style.typ\""));
}

#[test]
fn own_knowledge_marks_are_printed_and_listed_by_paragraph_number() {
    let dir = tempfile::tempdir().unwrap();
    // Two marked paragraphs in different fields; the marker itself never prints.
    let case = example_variant(
        dir.path(),
        &[
            (
                "The Appellant's pages were blocked in 2023.",
                "[own knowledge] Editors I interviewed in 2023 described the same blocking.\n\nThe Appellant's pages were blocked in 2023.",
            ),
            (
                "The Appellant's reporting began",
                "[Own knowledge] I met two of his opposition sources in 2022.\n\nThe Appellant's reporting began",
            ),
        ],
    );
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    assert!(
        !text.to_lowercase().contains("[own knowledge]"),
        "the marker is not printed"
    );
    // The number printed before each marked paragraph.
    let number_before = |opening: &str| -> String {
        let at = text
            .find(opening)
            .unwrap_or_else(|| panic!("{opening:?} is printed"));
        text[..at].split_whitespace().last().unwrap().to_string()
    };
    let numbers = [
        number_before("Editors I interviewed in 2023"),
        number_before("I met two of his opposition sources"),
    ];
    for number in &numbers {
        assert!(
            number.parse::<u32>().is_ok(),
            "a paragraph number: {number:?}"
        );
    }
    let already = std::fs::read_to_string(example_case())
        .unwrap()
        .to_lowercase()
        .matches("[own knowledge]")
        .count();
    let marked = already + 2;
    assert_eq!(
        text.matches("(own knowledge)").count(),
        marked + 1,
        "each marked paragraph carries the mark, and the methodology names it once"
    );
    // "Paragraphs 12, 29 and 31 rest on my own knowledge": every marked paragraph, by number.
    let sentence = text
        .split("Paragraphs ")
        .find_map(|rest| {
            rest.split_once(" rest on my own knowledge")
                .map(|(list, _)| list)
        })
        .expect("the methodology lists the paragraphs");
    let listed: Vec<&str> = sentence
        .split([',', ' '])
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    assert_eq!(
        listed.len(),
        marked,
        "every marked paragraph is listed: {listed:?}"
    );
    for number in &numbers {
        assert!(
            listed.contains(&number.as_str()),
            "{number} is listed in {listed:?}"
        );
    }
}
