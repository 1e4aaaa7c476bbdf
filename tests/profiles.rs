//! Each jurisdiction profile's example, rendered by the real binary: the formal parts its
//! rules require are in the PDF's text, outline and page box.

mod common;

use std::path::Path;

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
}

const UK_IAC_TRUTH: &str = "I confirm that I have made clear which facts and matters referred to in this report are within my own knowledge and which are not. Those that are within my own knowledge I confirm to be true. The opinions I have expressed represent my true and complete professional opinions on the matters to which they refer.";

fn check(expect: &Expectation) {
    let out = tempfile::tempdir().unwrap();
    let case = repo().join(expect.case);
    let pdf = render(&case, out.path(), &[]);
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
    for question in parsed["questions"].as_array().unwrap() {
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
    assert!(
        text.contains(" 20 "),
        "paragraph numbers run through the report"
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
        "Bibliography",
    ] {
        assert!(
            outline.iter().any(|t| t.contains(heading)),
            "outline has {heading}: {outline:?}"
        );
    }
}

fn page_width(pdf: &Path) -> f32 {
    let document = lopdf::Document::load(pdf).unwrap();
    let page = document.get_pages()[&1];
    let dict = document.get_object(page).unwrap().as_dict().unwrap();
    let media_box = dict.get(b"MediaBox").unwrap().as_array().unwrap();
    media_box[2].as_float().unwrap().round()
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
        draft: false,
        page_width: 595.0,
    });
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
    let pdf = std::fs::read(out.join("KGZ-2026-014.pdf")).unwrap();
    let xmp = String::from_utf8_lossy(&pdf);
    assert!(
        xmp.contains("pdfaid:part") || xmp.contains("pdfaid"),
        "PDF/A identification in the XMP metadata"
    );
}
