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
    // The whole folder (the case keeps a field's Markdown in a subfolder), but not the
    // reports rendered there by hand.
    for entry in std::fs::read_dir(example_case().parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        let target = dir.join(path.file_name().unwrap());
        if path.is_file() {
            std::fs::copy(&path, &target).unwrap();
        } else if path.file_name().is_some_and(|name| name != "out") {
            copy_tree(&path, &target);
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

/// Every name in `folder`, sorted; panics if the folder cannot be read.
pub fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Copies the folder `from`, with everything in it, to `to` (made if missing).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The child processes of `pid` whose name is `typst` (Linux: from /proc; elsewhere none).
pub fn typst_children_of(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|children| {
            children
                .split_whitespace()
                .filter_map(|c| c.parse().ok())
                .collect::<Vec<u32>>()
        })
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/comm"))
                .is_ok_and(|comm| comm.trim() == "typst")
        })
        .collect()
}

/// Whether process `pid` still runs (Linux: from /proc). A zombie has been stopped; it only
/// waits to be reaped.
pub fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// The width of the PDF's first page in points, rounded: A4 595, US Letter 612.
pub fn page_width(pdf: &Path) -> f32 {
    let document = lopdf::Document::load(pdf).unwrap();
    let page = document.get_pages()[&1];
    let dict = document.get_object(page).unwrap().as_dict().unwrap();
    let media_box = dict.get(b"MediaBox").unwrap().as_array().unwrap();
    media_box[2].as_float().unwrap().round()
}

/// SHA-256 of `bytes` in lower-case hex, computed here rather than by witness.
pub fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a provenance record against the files on disk: `case_sha256` is the hash of the
/// case file's bytes, and `sections` names exactly the case's topics, in order, each with the
/// `reviewed` date of its section file's front matter and the hash of that whole file, as
/// found in `briefs` (the folder holding the country folders).
pub fn assert_provenance_matches(provenance: &Path, case: &Path, briefs: &Path) {
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(provenance).unwrap()).unwrap();
    let case_bytes = std::fs::read(case).unwrap();
    assert_eq!(
        record["case_sha256"],
        sha256_of(&case_bytes),
        "case_sha256 is the hash of {}",
        case.display()
    );
    let parsed: toml::Table = std::str::from_utf8(&case_bytes).unwrap().parse().unwrap();
    let country = parsed["report"]["country"].as_str().unwrap();
    let topics: Vec<&str> = parsed["report"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(!topics.is_empty(), "the case names topics");
    let sections = record["sections"].as_array().unwrap();
    let recorded: Vec<&str> = sections
        .iter()
        .map(|s| s["topic"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, topics, "one section record per topic, in order");
    for (section, topic) in sections.iter().zip(&topics) {
        let file = briefs.join(country).join(format!("{topic}.md"));
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            section["file"]
                .as_str()
                .unwrap()
                .ends_with(&format!("country-briefs/{country}/{topic}.md")),
            "{section}"
        );
        assert_eq!(
            section["sha256"],
            sha256_of(&bytes),
            "the hash of {}",
            file.display()
        );
        assert_eq!(
            section["reviewed"],
            front_matter_reviewed(std::str::from_utf8(&bytes).unwrap()),
            "the reviewed date in {}",
            file.display()
        );
    }
}

/// The `reviewed` date in a brief section's `+++` front matter, as `YYYY-MM-DD`.
pub fn front_matter_reviewed(section: &str) -> String {
    let mut fences = section.match_indices("+++\n").map(|(at, _)| at);
    let (open, close) = (fences.next().unwrap(), fences.next().unwrap());
    assert_eq!(open, 0, "the section starts with its front matter");
    let front: toml::Table = section[4..close].parse().unwrap();
    front["reviewed"].as_datetime().unwrap().to_string()
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

/// What an expert does before a final report may rest on a workspace's copy of a brief:
/// verify it and mark it so (`illustrative = false`), and do what its notes to the expert ask
/// and delete them (`> [!NOTE]` blocks).
pub fn sign_off_brief(brief: &Path) {
    let info = std::fs::read_to_string(brief.join("brief.toml")).unwrap();
    assert!(info.contains("illustrative = true"), "{}", brief.display());
    std::fs::write(
        brief.join("brief.toml"),
        info.replace("illustrative = true", "illustrative = false"),
    )
    .unwrap();
    for entry in std::fs::read_dir(brief).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut in_note = false;
            let kept: String = text
                .lines()
                .filter(|line| {
                    in_note = line.starts_with("> [!") || (in_note && line.starts_with('>'));
                    !in_note
                })
                .map(|line| format!("{line}\n"))
                .collect();
            std::fs::write(&path, kept).unwrap();
        }
    }
}

/// A copy of the check fixture workspace with `replacements` applied to its case file.
pub fn fixture(replacements: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/check"), dir.path());
    let case = dir.path().join("case.toml");
    let mut text = std::fs::read_to_string(&case).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "the fixture contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&case, text).unwrap();
    (dir, case)
}

/// Runs `witness check --format json` and returns each finding, in the order printed, and
/// the exit code; every finding has the fields the JSON format promises.
pub fn check_findings(case: &Path) -> (Vec<serde_json::Value>, i32) {
    let output = run(witness().arg("check").arg("--format").arg("json").arg(case));
    let findings = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let object: serde_json::Value =
                serde_json::from_str(line).expect("one JSON object per line");
            for key in [
                "severity", "file", "line", "column", "field", "message", "help",
            ] {
                assert!(object.get(key).is_some(), "{key} in {line}");
            }
            object
        })
        .collect();
    (findings, output.status.code().unwrap())
}

/// Runs `witness check --format json` and returns the codes found and the exit code.
pub fn check_codes(case: &Path) -> (Vec<String>, i32) {
    let (findings, status) = check_findings(case);
    let codes = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    (codes, status)
}

/// Characters and sequences that mean something to Typst markup, Typst code or Markdown.
#[rustfmt::skip]
pub const ACTIVE: &[&str] = &[
    "#", "[", "]", "$", "*", "_", "~", "<", ">", "@", "=", "-", "+", "/", "\\", ":", "\"", "'",
    "`", "(", ")", ".", ";", ",", "{", "}", "|", "!", "?", "%", "^", "&", "//", "/*", "*/", "--",
    "---", "...", "-?", "\\u{41}", "\\u{1F600}", "\\\\", "\\#", "#set page(paper: \"a6\")",
    "#read(\"/etc/passwd\")", "#{1+1}", "#let x = 1", "$x^2$", "<label>", "@label", "`raw`",
    "```", "~~~", "**bold**", "_em_", "https://example.org/a_b?c=d#e", "http://x.y/*z*/",
    "[link](https://e.org)", "<b>html</b>", "&amp;", "&#65;", "[^1]", "| a | b |", "{{name}}",
    "'single'", "\"double\"", "it's", "1. ", "- ", "+ ", "= ", "/ term: ", "> ", "* ",
];
