//! Each jurisdiction profile's example, rendered by the real binary: the formal parts its
//! rules require are in the PDF's text, outline and page box.

mod common;

use std::path::{Path, PathBuf};

use common::*;

struct Expectation {
    case: &'static str,
    reference: &'static str,
    statement_of_truth: &'static str,
    declaration_starts: &'static str,
    instruction_dates: &'static [&'static str],
    draft: bool,
    /// Page width in points: A4 595, US Letter 612.
    page_width: f32,
    /// Body text size and paragraph-number size in points: the house's 11 and 0.92 of it,
    /// or, under the IAC's 12 pt minimum (para 1.6), 12 for both.
    sizes: (f64, f64),
}

/// The house style where the forum sets no minimum.
const HOUSE: (f64, f64) = (11.0, 0.92 * 11.0);

const UK_IAC_TRUTH: &str = "I confirm that I have made clear which facts and matters referred to in this report are within my own knowledge and which are not. Those that are within my own knowledge I confirm to be true. The opinions I have expressed represent my true and complete professional opinions on the matters to which they refer.";

fn check(expect: &Expectation) {
    let out = tempfile::tempdir().unwrap();
    let case = repo().join(expect.case);
    // The Typst source is kept to count the numbered paragraphs witness asked for.
    let pdf = render(&case, out.path(), &["--keep-typ"]);
    assert_eq!(
        pdf.file_name().unwrap().to_str().unwrap(),
        format!("{}.pdf", expect.reference)
    );
    let text = pdf_text(&pdf);
    let case_text = std::fs::read_to_string(&case).unwrap();
    let parsed: toml::Table = case_text.parse().unwrap();

    assert!(
        text.contains(expect.statement_of_truth),
        "exact statement of truth"
    );
    let contempt = "proceedings for contempt of court";
    assert_eq!(
        text.contains(contempt),
        expect.statement_of_truth.contains(contempt),
        "the contempt sentence only where the profile has it"
    );
    assert!(
        text.contains(expect.declaration_starts),
        "declaration of duty"
    );
    for date in expect.instruction_dates {
        assert!(text.contains(date), "instruction dated {date}");
    }
    let questions = parsed["questions"].as_array().unwrap();
    assert!(!questions.is_empty(), "the example has questions");
    for question in questions {
        for key in ["question", "answer"] {
            let words = normalise(question[key].as_str().unwrap());
            // The first dozen words are enough to find it, and stay clear of citations.
            let start: String = words.split(' ').take(12).collect::<Vec<_>>().join(" ");
            assert!(holds_across_lines(&text, &start), "{key}: {start}");
        }
    }
    let pages = page_count(&pdf);
    assert!(
        text.contains(&format!("Page 1 of {pages}")),
        "Page 1 of {pages}"
    );
    // Numbered paragraphs: the summary opens the report at paragraph 1, and they run on.
    assert!(
        text.contains("Summary of conclusions 1 "),
        "paragraph 1 follows the first heading"
    );
    let numbers = paragraph_numbers(&pdf, expect.sizes);
    assert!(!numbers.is_empty(), "the report has numbered paragraphs");
    let source = std::fs::read_to_string(
        out.path()
            .join(format!("{}.typst/main.typ", expect.reference)),
    )
    .unwrap();
    // Numbered paragraphs: plain ones, those marked as resting on the expert's own knowledge,
    // and, when there are any of those, the methodology's paragraph that lists them.
    let marked = source.matches("#np-own(").count();
    let paragraphs = source.matches("#np(").count() + marked + usize::from(marked > 0);
    eprintln!(
        "{} numbered paragraphs; the first: {:?}",
        numbers.len(),
        numbers[0]
    );
    assert_eq!(
        numbers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        (1..=paragraphs as u32).collect::<Vec<_>>(),
        "one number for each of the {paragraphs} numbered paragraphs, 1 to {paragraphs} in \
         order, none missing or repeated"
    );
    // The snapshot beside the PDF records each printed paragraph under the number it has in
    // print: its text starts as the PDF's line after that number does.
    let snapshot: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pdf.with_extension("snapshot.json")).unwrap(),
    )
    .unwrap();
    let served = snapshot["paragraphs"].as_array().unwrap();
    assert_eq!(
        served.len(),
        numbers.len(),
        "the snapshot has every printed paragraph"
    );
    let squeeze = |s: &str| normalise(s).replace(' ', "");
    for ((number, printed), recorded) in numbers.iter().zip(served) {
        assert_eq!(recorded["number"].as_u64(), Some(u64::from(*number)));
        // Up to the first note mark or own-knowledge mark, which print differently.
        let printed: String = squeeze(printed).chars().take(12).collect();
        let recorded = squeeze(recorded["text"].as_str().unwrap());
        assert!(
            recorded.starts_with(&printed),
            "para {number} in the snapshot starts {:?}, in print {printed:?}",
            recorded.chars().take(30).collect::<String>()
        );
    }
    let conclusions = squeeze(parsed["opinion"]["conclusions"].as_str().unwrap());
    assert!(
        numbers[0].1.len() >= 20 && conclusions.starts_with(&squeeze(&numbers[0].1)),
        "paragraph 1 is the summary of conclusions: {:?}",
        numbers[0].1
    );
    assert!(
        text.contains("This answer rests on para"),
        "answers cite paragraphs"
    );
    assert!(
        text.contains("available at: https://") && text.contains("[accessed "),
        "bibliography with accessed dates"
    );
    assert_eq!(
        text.contains("DRAFT"),
        expect.draft,
        "DRAFT watermark only on drafts"
    );
    assert_eq!(page_width(&pdf), expect.page_width);

    let outline = outline_titles(&pdf);
    for heading in [
        "Summary of conclusions",
        "Instructions and questions",
        "Methodology and sources",
        "Risk on return",
        "Range of opinion",
        "Limits of this opinion",
        "Answers to the questions put",
        "Declaration",
    ] {
        assert!(
            outline.iter().any(|t| t.contains(heading)),
            "outline has {heading}: {outline:?}"
        );
    }
    // A bibliography unless the case gives full references in the notes instead.
    let full_notes = std::fs::read_to_string(repo().join(expect.case))
        .unwrap()
        .contains("citations = \"full-notes\"");
    assert_eq!(
        outline.iter().any(|t| t.contains("Bibliography")),
        !full_notes,
        "{outline:?}"
    );
}

/// One character drawn on a page: where its origin is (PDF points, from the bottom left), its
/// size in points, and how far it advances.
struct Glyph {
    page: u32,
    x: f64,
    y: f64,
    size: f64,
    advance: f64,
    text: String,
}

/// Collects every character pdf-extract finds, in the order the page draws them.
#[derive(Default)]
struct Glyphs {
    page: u32,
    glyphs: Vec<Glyph>,
}

impl pdf_extract::OutputDev for Glyphs {
    fn begin_page(
        &mut self,
        page: u32,
        _: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.page = page;
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The report's text is upright and unskewed, so the matrix only scales and moves.
        let size = font_size * (trm.m11 * trm.m22).abs().sqrt();
        self.glyphs.push(Glyph {
            page: self.page,
            x: trm.m31,
            y: trm.m32,
            size,
            advance: width * size,
            text: text.to_string(),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// The paragraph numbers printed in the PDF, in page order, each with the start of its
/// paragraph's text (about forty characters of its first line, white space folded).
///
/// The house style (report-templates/common/style.typ, `np`) hangs each number in a grid
/// column 2.6em wide, at 0.92em of the 11 pt body text. So a paragraph number is a run of
/// digits at 10.12 pt, and the paragraph's first character starts 2.6em (28.6 pt) to the
/// right of the number's start. Headings, footnotes, the contents and dates in the text
/// have digits too, but at other sizes or with text right after them.
fn paragraph_numbers(pdf: &Path, (body, number_size): (f64, f64)) -> Vec<(u32, String)> {
    let document = pdf_extract::Document::load(pdf).unwrap();
    let mut collected = Glyphs::default();
    pdf_extract::output_doc(&document, &mut collected).unwrap();
    let glyphs = collected.glyphs;
    let is_digit = |g: &Glyph| !g.text.is_empty() && g.text.chars().all(|c| c.is_ascii_digit());
    let mut found = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        let first = &glyphs[i];
        if !is_digit(first) || (first.size - number_size).abs() > 0.01 {
            i += 1;
            continue;
        }
        // The digits of one number: same page, line and size, each right after the last.
        let mut end = i + 1;
        while end < glyphs.len()
            && is_digit(&glyphs[end])
            && glyphs[end].page == first.page
            && (glyphs[end].y - first.y).abs() < 0.01
            && (glyphs[end].size - first.size).abs() < 0.01
            && (glyphs[end].x - (glyphs[end - 1].x + glyphs[end - 1].advance)).abs() < 0.5
        {
            end += 1;
        }
        let hangs = glyphs.get(end).is_some_and(|next| {
            next.page == first.page
                && (next.y - first.y).abs() < 0.5 * body
                && (next.x - first.x - 2.6 * body).abs() < 0.5
        });
        if hangs {
            let number: String = glyphs[i..end].iter().map(|g| g.text.as_str()).collect();
            let line_y = glyphs[end].y;
            let start: String = glyphs[end..]
                .iter()
                .take_while(|g| g.page == first.page && (g.y - line_y).abs() < 0.01)
                .take(40)
                .map(|g| g.text.as_str())
                .collect();
            found.push((number.parse().unwrap(), normalise(&start)));
        }
        i = end;
    }
    found
}

fn outline_titles(pdf: &Path) -> Vec<String> {
    let document = lopdf::Document::load(pdf).unwrap();
    document
        .get_toc()
        .unwrap()
        .toc
        .into_iter()
        .map(|entry| entry.title)
        .collect()
}

#[test]
fn uk_iac_journalist() {
    check(&Expectation {
        case: "examples/kyrgyzstan-journalist/case.toml",
        reference: "KGZ-2026-014",
        statement_of_truth: UK_IAC_TRUTH,
        declaration_starts: "I understand that my duty in writing this report is to help the Tribunal",
        instruction_dates: &["14 September 2026", "2 October 2026"],
        draft: true,
        page_width: 595.0,
        sizes: (12.0, 12.0),
    });
}

#[test]
fn uk_cpr_ethnic_uzbek() {
    check(&Expectation {
        case: "examples/kyrgyzstan-uzbek-minority/case.toml",
        reference: "KGZ-2026-021",
        statement_of_truth: "I confirm that I have made clear which facts and matters referred to in this report are within my own knowledge and which are not. Those that are within my own knowledge I confirm to be true. The opinions I have expressed represent my true and complete professional opinions on the matters to which they refer. I understand that proceedings for contempt of court may be brought against anyone who makes, or causes to be made, a false statement in a document verified by a statement of truth without an honest belief in its truth.",
        declaration_starts: "I am aware of the requirements of Part 35 of the Civil Procedure Rules, Practice Direction 35 and the Guidance for the Instruction of Experts in Civil Claims 2014",
        instruction_dates: &["3 August 2026", "19 August 2026", "22 September 2026"],
        // A draft until its brief is verified (E130).
        draft: true,
        page_width: 595.0,
        sizes: HOUSE,
    });

    // Final, on a brief the workspace has verified, it carries no DRAFT mark.
    let dir = tempfile::tempdir().unwrap();
    let output = run(witness().arg("init").arg(dir.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    sign_off_brief(&dir.path().join("country-briefs/kyrgyzstan"));
    let example = repo().join("examples/kyrgyzstan-uzbek-minority");
    let case_folder = dir.path().join("cases/uzbek");
    std::fs::create_dir_all(&case_folder).unwrap();
    for entry in std::fs::read_dir(&example).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, case_folder.join(path.file_name().unwrap())).unwrap();
        }
    }
    let case = case_folder.join("case.toml");
    let text = std::fs::read_to_string(&case).unwrap();
    assert!(text.contains("status = \"draft\""));
    std::fs::write(
        &case,
        text.replacen("status = \"draft\"", "status = \"final\"", 1),
    )
    .unwrap();
    let pdf = render(&case, &dir.path().join("out"), &[]);
    assert!(
        !pdf_text(&pdf).contains("DRAFT"),
        "no DRAFT watermark on a final report"
    );
}

#[test]
fn us_eoir_karakalpak_with_translation() {
    check(&Expectation {
        case: "examples/uzbekistan-karakalpak-us/case.toml",
        reference: "UZB-2026-007",
        statement_of_truth: "I declare under penalty of perjury under the laws of the United States of America that the foregoing is true and correct.",
        declaration_starts: "I have been asked to give my independent opinion",
        instruction_dates: &["8 September 2026", "14 October 2026"],
        draft: true,
        page_width: 612.0,
        sizes: HOUSE,
    });
    let out = tempfile::tempdir().unwrap();
    let pdf = render(
        &repo().join("examples/uzbekistan-karakalpak-us/case.toml"),
        out.path(),
        &[],
    );
    let text = pdf_text(&pdf);
    for part in [
        "Executed on 12 November 2026",
        "Certificate of translation",
        "competent to translate from Karakalpak into English",
        "true and accurate",
        "12 Example Street, Springfield",
        "Telephone: +1 555 0100",
    ] {
        assert!(text.contains(part), "{part}");
    }
}

#[test]
fn standards_pass_through_and_the_page_limit_warns() {
    let dir = tempfile::tempdir().unwrap();
    // Forty copies of a long paragraph push the uk-iac example past its 20-page limit.
    let long =
        "The Appellant's outlet published investigations of the kind documented above. ".repeat(12);
    let analysis = format!(
        "freedom-of-speech = \"\"\"\n{}\n",
        vec![long; 40].join("\n\n")
    );
    let case = example_variant(dir.path(), &[("freedom-of-speech = \"\"\"\n", &analysis)]);
    let out = dir.path().join("out");
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out)
        .args(["--standard", "a-2b"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("warning[W401]"), "{message}");
    assert!(message.contains("accepts at most 20"), "{message}");
    let xmp = xmp_metadata(&out.join("KGZ-2026-014.pdf"));
    assert_eq!(
        xmp_property(&xmp, "pdfaid:part").as_deref(),
        Some("2"),
        "PDF/A-2 in the XMP metadata: {xmp}"
    );
    assert_eq!(
        xmp_property(&xmp, "pdfaid:conformance").as_deref(),
        Some("B"),
        "level B: {xmp}"
    );
}

/// The XMP packet the PDF's catalog names as its /Metadata, as text.
fn xmp_metadata(pdf: &Path) -> String {
    let document = lopdf::Document::load(pdf).unwrap();
    let catalog = document.catalog().unwrap();
    let stream = catalog
        .get_deref(b"Metadata", &document)
        .expect("the catalog has /Metadata")
        .as_stream()
        .unwrap();
    String::from_utf8(stream.decompressed_content().unwrap()).unwrap()
}

/// The value of the simple XMP property `name` (`prefix:local`), written as an element or as
/// an attribute, provided its prefix is bound to the namespace XMP gives it.
fn xmp_property(xmp: &str, name: &str) -> Option<String> {
    let (prefix, _) = name.split_once(':').unwrap();
    let namespace = match prefix {
        "pdfaid" => "http://www.aiim.org/pdfa/ns/id/",
        "pdfuaid" => "http://www.aiim.org/pdfua/ns/id/",
        other => panic!("no namespace known for {other}"),
    };
    let bound = [
        format!("xmlns:{prefix}=\"{namespace}\""),
        format!("xmlns:{prefix}='{namespace}'"),
    ];
    if !bound.iter().any(|b| xmp.contains(b.as_str())) {
        return None;
    }
    let open = format!("<{name}>");
    if let Some(at) = xmp.find(&open) {
        let rest = &xmp[at + open.len()..];
        return rest
            .find(&format!("</{name}>"))
            .map(|end| rest[..end].trim().to_string());
    }
    let attribute = format!("{name}=\"");
    xmp.find(&attribute).map(|at| {
        let rest = &xmp[at + attribute.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    })
}

/// `--standard ua-1` (PDF/UA-1, for screen readers): the XMP metadata says so, and the
/// catalog has what PDF/UA requires: marked content, a structure tree, and a language.
#[test]
fn ua_1_is_declared_in_the_metadata_and_the_pdf_is_tagged() {
    let out = tempfile::tempdir().unwrap();
    let pdf = render(&example_case(), out.path(), &["--standard", "ua-1"]);
    let xmp = xmp_metadata(&pdf);
    assert_eq!(
        xmp_property(&xmp, "pdfuaid:part").as_deref(),
        Some("1"),
        "PDF/UA-1 in the XMP metadata: {xmp}"
    );

    let document = lopdf::Document::load(&pdf).unwrap();
    let catalog = document.catalog().unwrap();
    let mark_info = catalog
        .get_deref(b"MarkInfo", &document)
        .expect("the catalog has /MarkInfo")
        .as_dict()
        .unwrap();
    assert!(
        mark_info.get(b"Marked").unwrap().as_bool().unwrap(),
        "/MarkInfo /Marked true"
    );
    let tree = catalog
        .get_deref(b"StructTreeRoot", &document)
        .expect("the catalog has a /StructTreeRoot")
        .as_dict()
        .unwrap();
    assert_eq!(
        tree.get(b"Type").unwrap().as_name().unwrap(),
        b"StructTreeRoot"
    );
    let kids = tree
        .get_deref(b"K", &document)
        .expect("the tree has content");
    assert!(
        kids.as_dict().is_ok() || kids.as_array().is_ok_and(|k| !k.is_empty()),
        "the structure tree is not empty: {kids:?}"
    );
    // The house style sets the text in British English (report-templates/common/style.typ).
    let lang =
        lopdf::decode_text_string(catalog.get_deref(b"Lang", &document).expect("/Lang")).unwrap();
    assert_eq!(lang, "en-GB");

    // Without the option the same report makes no such claim, so the claim above is the
    // option's doing.
    let plain = tempfile::tempdir().unwrap();
    let pdf = render(&example_case(), plain.path(), &[]);
    assert_eq!(xmp_property(&xmp_metadata(&pdf), "pdfuaid:part"), None);
}

#[test]
fn each_forum_prints_its_own_words_and_none_of_the_others() {
    let out = tempfile::tempdir().unwrap();
    let us = pdf_text(&render(
        &repo().join("examples/uzbekistan-karakalpak-us/case.toml"),
        &out.path().join("us"),
        &[],
    ));
    for words in [
        "Respondent",
        "A-number",
        "Immigration Court",
        "Retained by",
        "Declaration of",
    ] {
        assert!(us.contains(words), "the US declaration says {words:?}");
    }
    for uk in [
        "Appellant",
        "Tribunal",
        "Appeal number",
        "Claimant",
        "Instructed by",
        "Expert report",
    ] {
        assert!(!us.contains(uk), "a UK word on a US filing: {uk:?}");
    }
    let uk = pdf_text(&render(&example_case(), &out.path().join("uk"), &[]));
    for words in [
        "Appellant",
        "Tribunal",
        "Appeal number",
        "Instructed by",
        "Expert report",
    ] {
        assert!(uk.contains(words), "the IAC report says {words:?}");
    }
    for us_word in [
        "A-number",
        "Immigration Court",
        "Retained by",
        "Declaration of",
    ] {
        assert!(
            !uk.contains(us_word),
            "a US word on a UK report: {us_word:?}"
        );
    }
}

#[test]
fn headings_contents_and_covers_are_never_hyphenated() {
    let out = tempfile::tempdir().unwrap();
    let mut hyphenated_body_lines = 0;
    for case in [
        "examples/kyrgyzstan-journalist/case.toml",
        "examples/kyrgyzstan-uzbek-minority/case.toml",
        "examples/uzbekistan-karakalpak-us/case.toml",
    ] {
        let pdf = render(
            &repo().join(case),
            &out.path().join(case.replace('/', "-")),
            &[],
        );
        let measured = witness::preflight::measure_file(&pdf).unwrap();
        let body = measured.body_size.expect("a body size");
        // Where the contents end: the page on which paragraph 1, the summary, begins.
        let first_body_page = measured
            .pages
            .iter()
            .find(|p| {
                p.lines
                    .iter()
                    .any(|l| l.text.starts_with("1 Summary of conclusions") && l.size > body + 0.05)
            })
            .map(|p| p.number)
            .expect("the summary's heading");
        assert!(
            first_body_page >= 3,
            "{case}: a cover and contents come first"
        );
        // A line ending in a hyphen that its source does not have there is one typst
        // hyphenated: its last word, hyphen included, is in none of the texts it came from.
        let mut sources = std::fs::read_to_string(repo().join(case)).unwrap();
        for folder in ["country-briefs", "report-templates"] {
            for file in walk(&repo().join(folder)) {
                sources.push_str(&std::fs::read_to_string(file).unwrap_or_default());
            }
        }
        let typst_hyphenated = |text: &str| {
            text.strip_suffix('-').is_some_and(|before| {
                let fragment = before.rsplit(' ').next().unwrap_or(before);
                !fragment.is_empty() && !sources.contains(&format!("{fragment}-"))
            })
        };
        let mut lines = 0;
        for page in &measured.pages {
            for line in &page.lines {
                lines += 1;
                if !typst_hyphenated(&line.text) {
                    continue;
                }
                assert!(
                    page.number >= first_body_page,
                    "{case}: a word hyphenated on the cover or contents, page {}: {:?}",
                    page.number,
                    line.text
                );
                assert!(
                    line.size <= body + 0.05,
                    "{case}: a heading hyphenated, page {}: {:?}",
                    page.number,
                    line.text
                );
                hyphenated_body_lines += 1;
            }
        }
        assert!(lines > 100, "{case}: the PDF's lines are read");
    }
    // The test sees hyphenation where it is allowed: justified body text.
    assert!(hyphenated_body_lines > 0, "body text is still hyphenated");
}

/// Every file below `folder`.
fn walk(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
