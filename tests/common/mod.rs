//! Helpers shared by the end-to-end tests: run the real `witness` binary, read the real PDF.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example_case() -> PathBuf {
    repo().join("examples/kyrgyzstan-journalist/case.toml")
}

/// The witness binary, with colour off so messages can be matched.
pub fn witness() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_witness"));
    command.env("NO_COLOR", "1");
    command
}

pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("witness runs");
    eprintln!("stderr: {}", String::from_utf8_lossy(&output.stderr));
    output
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Renders `case` into `out_dir` and returns the PDF's path; panics with witness's message on failure.
pub fn render(case: &Path, out_dir: &Path, extra: &[&str]) -> PathBuf {
    let output = run(witness()
        .arg("render")
        .arg(case)
        .arg("--out-dir")
        .arg(out_dir)
        .args(extra));
    assert!(
        output.status.success(),
        "render failed: {}",
        stderr(&output)
    );
    let pdfs: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "one PDF in {}", out_dir.display());
    pdfs.into_iter().next().unwrap()
}

/// The PDF's text as a reader would search it: whitespace folded to single spaces, typographic
/// quotes as straight ones, and bidirectional control marks (which PDF text extraction adds
/// around right-to-left runs) removed.
pub fn pdf_text(pdf: &Path) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text can be extracted");
    normalise(&text)
}

pub fn normalise(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn page_count(pdf: &Path) -> usize {
    lopdf::Document::load(pdf).unwrap().get_pages().len()
}

/// Copies the example case (and the files it names) into a fresh folder, applying text
/// replacements to the case file.
pub fn example_variant(dir: &Path, replacements: &[(&str, &str)]) -> PathBuf {
    let example_folder = example_case().parent().unwrap().to_path_buf();
    for entry in std::fs::read_dir(&example_folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut text = std::fs::read_to_string(example_case()).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "the example contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join("case.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `text` with each run of right-to-left letters reversed: the visual order in which a PDF
/// stores them, and in which pdf-extract (which does no bidi reordering) returns them.
pub fn visual_order(text: &str) -> String {
    witness::sample::leak::visual_order(text)
}

/// Whether the extracted `text` holds `wanted` literally, in logical or visual order.
pub fn holds(text: &str, wanted: &str) -> bool {
    let wanted = normalise(wanted);
    text.contains(&wanted) || text.contains(&visual_order(&wanted))
}

/// Whether the extracted `text` holds `wanted` where typst may have hyphenated one of its
/// words at a line end (pdf-extract gives "sum -" and a line break for "summons"): spaces
/// and hyphens are ignored on both sides. For prose, not for text that must be literal.
pub fn holds_across_lines(text: &str, wanted: &str) -> bool {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}'))
            .collect()
    };
    holds(text, wanted) || squeeze(text).contains(&squeeze(&normalise(wanted)))
}
