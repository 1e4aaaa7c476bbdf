//! `witness cv`: the expert's CV as a PDF of its own, from the same Markdown as Appendix A.

mod common;

use common::*;

#[test]
fn the_cv_renders_on_its_own_in_the_house_style() {
    let out = tempfile::tempdir().unwrap();
    let output = run(witness()
        .arg("cv")
        .arg(example_case())
        .arg("--out-dir")
        .arg(out.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    // Named for the report's reference, beside where the report would go.
    let pdf = out.path().join("KGZ-2026-014-cv.pdf");
    assert_eq!(names_in(out.path()), ["KGZ-2026-014-cv.pdf"]);
    let text = pdf_text(&pdf);
    let cv = std::fs::read_to_string(example_case().with_file_name("cv.md")).unwrap();
    assert!(
        text.starts_with("Curriculum vitae of Dr Helen Marsh"),
        "{text}"
    );
    // Every heading of the CV, unnumbered, and its first entry.
    let headings: Vec<&str> = cv.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert!(headings.len() >= 4, "{headings:?}");
    for heading in &headings {
        assert!(text.contains(heading), "{heading}");
        assert!(
            !text.contains(&format!("1 {heading}")),
            "{heading} is numbered"
        );
    }
    assert!(holds(&text, "Senior Lecturer in Central Asian Politics"));
    // The report is a draft, but the CV is not the report: no watermark, no report text.
    assert!(!text.contains("DRAFT"));
    assert!(!text.contains("Summary of conclusions"));
    assert_eq!(page_width(&pdf), 595.0);
}

#[test]
fn a_case_whose_expert_names_no_cv_is_refused_and_nothing_is_written() {
    let (dir, case) = fixture(&[]);
    let out = dir.path().join("out");
    let output = run(witness().arg("cv").arg(&case).arg("--out-dir").arg(&out));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("names no CV"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists() || names_in(&out).is_empty());
}
