//! Literal text, always: arbitrary strings, weighted toward what Typst (and Markdown) give a
//! meaning to, go into case fields and into a brief section, and each one must come out of
//! the real PDF as the same text.
//!
//! One proptest case is one rendered report holding about fifty generated strings, so the
//! property is tried on some 1,700 strings in a few seconds of typst time.
//!
//! **What "the same text" allows.** The PDF's text is extracted with pdf-extract, and both it
//! and each expected string are compared after exactly these changes (`comparable`):
//!
//! 1. white space is left out of the comparison entirely, on both sides. Layout decides where
//!    lines break, and pdf-extract infers spaces from the gaps between glyphs, so it adds some
//!    where the text has none (at a change of font or a wide kerning gap: `x ж`, `12 N3rR`).
//!    Every other character must be there, in order, with nothing between;
//! 2. typographic quotes `‘ ’ “ ”` and primes `′ ″` count as the straight `' "`: Typst sets
//!    straight quotes typographically, and after a digit as primes (`5'10"` as `5′10″`);
//! 3. bidirectional control marks, which PDF text extraction adds, are dropped (the strings
//!    here have no right-to-left text; tests/render.rs covers Arabic).
//!
//! Nothing else: `\`, `#`, `*`, `//`, `$`, `<`, `@` and the rest must all be there.
//!
//! **Where a string may be split.** Case prose is literal text in which only a blank line has
//! a meaning, a new paragraph (docs/case-file.md), and paragraphs get numbers in the margin; so
//! a string with a blank line is expected as its paragraphs, each found on its own. In
//! single-line fields (questions, documents, names) a blank line is just white space.
//!
//! **What is not generated.** Citation syntax (`[@key]`, the one other thing with a meaning in
//! case text, tested in tests/render.rs) is filtered out, for briefs too: witness looks for
//! citations in a brief's text after Markdown has removed its escapes, so even `\[\@key\]`
//! cites there; so are control characters other than
//! tab and newline (witness drops them by design, see `escape::markup`), characters no bundled
//! font has a glyph for, and invisible format characters, which a PDF's text cannot carry.
//! Strings are kept under a line's length so that line breaking cannot hyphenate them.
//!
//! **Brief Markdown.** A brief section *is* Markdown, so `*x*` there rightly becomes emphasis
//! and could not be found as `*x*`. What must hold for briefs is that text whose Markdown
//! meaning is plain text reaches the PDF literally, whatever Typst would make of it. So each
//! string is written into the brief with every ASCII punctuation character backslash-escaped
//! (CommonMark's own way to write it literally) and leading white space dropped from each line
//! (which would otherwise make an indented code block), and the unescaped string is expected.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// Strings (paragraphs) looked for so far, for the figures in docs/testing.md.
static CHECKED: AtomicUsize = AtomicUsize::new(0);

/// Longest paragraph generated, in characters: well under one line of the report's text.
const MAX_CHARS: usize = 44;

/// Characters and sequences that mean something to Typst markup, Typst code or Markdown.
#[rustfmt::skip]
const ACTIVE: &[&str] = &[
    "#", "[", "]", "$", "*", "_", "~", "<", ">", "@", "=", "-", "+", "/", "\\", ":", "\"", "'",
    "`", "(", ")", ".", ";", ",", "{", "}", "|", "!", "?", "%", "^", "&", "//", "/*", "*/", "--",
    "---", "...", "-?", "\\u{41}", "\\u{1F600}", "\\\\", "\\#", "#set page(paper: \"a6\")",
    "#read(\"/etc/passwd\")", "#{1+1}", "#let x = 1", "$x^2$", "<label>", "@label", "`raw`",
    "```", "~~~", "**bold**", "_em_", "https://example.org/a_b?c=d#e", "http://x.y/*z*/",
    "[link](https://e.org)", "<b>html</b>", "&amp;", "&#65;", "[^1]", "| a | b |", "{{name}}",
    "'single'", "\"double\"", "it's", "1. ", "- ", "+ ", "= ", "/ term: ", "> ", "* ",
];

/// Markers that mean something only at the start of a line, and line and paragraph breaks.
#[rustfmt::skip]
const LINE_STARTS: &[&str] = &[
    "\n", "\n\n", "\n- ", "\n+ ", "\n1. ", "\n= ", "\n== ", "\n# ", "\n> ", "\n/ t: ",
    "\n    code", "\n---\n", "\n\n\n", "\n \n", "\t", "  ", "\u{a0}",
];

/// Letters of the scripts the report's fonts cover, and typographic punctuation.
#[rustfmt::skip]
const UNICODE: &[&str] = &[
    "é", "ß", "ñ", "ø", "Å", "ç", "ş", "ł", "ő", "Ž", "ğ", "İ", "α", "Ω", "λ", "Σ", "а", "Я", "ж",
    "ң", "ү", "ө", "Қ", "ё", "–", "—", "‘", "’", "“", "”", "…", "•", "€", "£", "§", "©", "°", "±",
    "×", "÷", "½", "№", "«", "»",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(list).prop_map(str::to_string)
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => pick(ACTIVE),
        2 => pick(LINE_STARTS),
        3 => "[a-zA-Z0-9]{1,7}",
        2 => pick(UNICODE),
        2 => Just(" ".to_string()),
    ]
}

/// A string to find in the PDF: a few atoms, at least one visible character, no citation,
/// and no paragraph longer than [`MAX_CHARS`].
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(atom(), 1..9)
        .prop_map(|atoms| atoms.concat())
        .prop_filter("has visible text", |s| {
            s.chars().any(|c| !c.is_whitespace())
        })
        .prop_filter("no citation", |s| witness::citation::find(s).is_empty())
        .prop_filter("short enough for one line", |s| {
            folded(s).chars().count() <= MAX_CHARS
        })
}

/// `text` with its white space folded, as one line.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The paragraphs of case prose or of a brief: separated by lines that are blank.
fn paragraphs(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            found.push(std::mem::take(&mut current));
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    found.push(current);
    found
        .into_iter()
        .map(|p| folded(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// A TOML basic string holding exactly `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as Markdown whose meaning is exactly `text` (white space aside): ASCII punctuation
/// backslash-escaped, leading white space of each line dropped.
fn markdown_literal(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.trim_start()
                .chars()
                .map(|c| {
                    if c.is_ascii_punctuation() {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Generated strings for one report.
#[derive(Debug, Clone)]
struct Document {
    /// One entry per prose field; the strings of a field become its paragraphs.
    prose: Vec<Vec<String>>,
    /// Questions, documents read, and the applicant's name and the firm: one string each.
    lines: Vec<String>,
    /// Paragraphs of the brief section.
    brief: Vec<String>,
}

const PROSE_FIELDS: [&str; 11] = [
    "expert.qualifications",
    "methodology.approach",
    "methodology.own_knowledge",
    "analysis.history",
    "opinion.conclusions",
    "opinion.range_of_opinion",
    "opinion.risk_on_return",
    "opinion.limitations",
    "questions[0].answer",
    "questions[1].answer",
    "questions[2].answer",
];
const LINE_FIELDS: usize = 8;

fn document() -> impl Strategy<Value = Document> {
    (
        proptest::collection::vec(proptest::collection::vec(text(), 3), PROSE_FIELDS.len()),
        proptest::collection::vec(text(), LINE_FIELDS),
        proptest::collection::vec(text(), 10),
    )
        .prop_map(|(prose, lines, brief)| Document {
            prose,
            lines,
            brief,
        })
}

fn write_workspace(dir: &Path, doc: &Document) {
    let prose = |i: usize| toml_string(&doc.prose[i].join("\n\n"));
    let line = |i: usize| toml_string(&doc.lines[i]);
    let case = format!(
        r#"[report]
reference = "LIT-1"
date = 2026-11-20
country = "testland"
jurisdiction = "uk-iac"
status = "draft"
topics = ["history"]

[expert]
name = "Dr Test Expert"
qualifications = {q}

[instructing]
firm = {firm}
solicitor = "Ms Test"

[methodology]
approach = {approach}
own_knowledge = {own}
documents = [{d0}, {d1}, {d2}]

[applicant]
name = {name}

[[questions]]
question = {q0}
answer = {a0}

[[questions]]
question = {q1}
answer = {a1}

[[questions]]
question = {q2}
answer = {a2}

[analysis]
history = {history}

[opinion]
conclusions = {c}
range_of_opinion = {r}
risk_on_return = {k}
limitations = {l}
"#,
        q = prose(0),
        approach = prose(1),
        own = prose(2),
        history = prose(3),
        c = prose(4),
        r = prose(5),
        k = prose(6),
        l = prose(7),
        a0 = prose(8),
        a1 = prose(9),
        a2 = prose(10),
        q0 = line(0),
        q1 = line(1),
        q2 = line(2),
        d0 = line(3),
        d1 = line(4),
        d2 = line(5),
        name = line(6),
        firm = line(7),
    );
    std::fs::write(dir.join("case.toml"), case).unwrap();
    std::fs::write(dir.join("witness.toml"), "[folders]\nbriefs = \"briefs\"\n").unwrap();
    let brief = dir.join("briefs/testland");
    std::fs::create_dir_all(&brief).unwrap();
    std::fs::write(
        brief.join("brief.toml"),
        "name = \"Testland\"\nadjective = \"Testish\"\nregion = \"Nowhere\"\n\
         summary = \"A fictional country.\"\nlast_reviewed = 2026-10-01\nreviewer = \"tests\"\n",
    )
    .unwrap();
    std::fs::write(
        brief.join("sources.yml"),
        "src-a:\n  type: web\n  title: \"Report\"\n  publisher: Example\n  date: 2026-02-01\n",
    )
    .unwrap();
    let body: Vec<String> = doc.brief.iter().map(|s| markdown_literal(s)).collect();
    std::fs::write(
        brief.join("history.md"),
        format!(
            "+++\ntitle = \"History\"\nreviewed = 2026-10-01\n+++\n\n{}\n",
            body.join("\n\n")
        ),
    )
    .unwrap();
}

/// Renders `doc` and returns the strings that are not found literally in the PDF.
fn missing(doc: &Document) -> Result<Vec<String>, String> {
    let temp = tempfile::tempdir().unwrap();
    write_workspace(temp.path(), doc);
    let output = witness()
        .current_dir(temp.path())
        // Draft and forced: generated text may contain a placeholder word such as TODO, which
        // the checks rightly report; here only the typesetting of the text is under test.
        .args(["render", "case.toml", "--force", "--out-dir", "out"])
        .output()
        .unwrap();
    if !output.status.success() {
        return Err(format!("render failed:\n{}", stderr(&output)));
    }
    let text = comparable(&pdf_text(&temp.path().join("out/LIT-1.pdf")));
    let expected = doc
        .prose
        .iter()
        .flatten()
        .chain(&doc.brief)
        .flat_map(|s| paragraphs(s))
        .chain(doc.lines.iter().map(|s| folded(s)));
    let expected: Vec<String> = expected.collect();
    let checked = CHECKED.fetch_add(expected.len(), Ordering::Relaxed) + expected.len();
    eprintln!("{checked} strings found in the PDFs so far");
    Ok(expected
        .into_iter()
        .filter(|wanted| !text.contains(&comparable(wanted)))
        .collect())
}

/// `text` as compared (see the header): `normalise`d, primes as straight quotes, and no
/// white space at all.
fn comparable(text: &str) -> String {
    normalise(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2032}' => '\'',
            '\u{2033}' => '"',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(Config {
        cases: 32,
        // Each case is a whole render; shrinking a failure still takes only a minute or two.
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    })]

    #[test]
    fn generated_text_in_case_fields_and_briefs_is_found_literally_in_the_pdf(doc in document()) {
        match missing(&doc) {
            Ok(missing) => prop_assert!(
                missing.is_empty(),
                "not found literally in the PDF: {missing:#?}"
            ),
            Err(error) => prop_assert!(false, "{error}"),
        }
    }
}

/// The generator's own rules, so that a passing property means what the header says.
#[test]
fn the_helpers_do_what_the_property_relies_on() {
    assert_eq!(paragraphs("a\n\n b \n \nc\nd"), ["a", "b", "c d"]);
    assert_eq!(
        markdown_literal("  *x* [@k]\n1. y"),
        "\\*x\\* \\[\\@k\\]\n1\\. y"
    );
    assert_eq!(toml_string("a\"\\\n\u{1}"), "\"a\\\"\\\\\\n\\u0001\"");
    let markdown = witness::assemble::markdown::to_typst(
        &markdown_literal("*x* `y` <b> # h"),
        &witness::assemble::markdown::Settings {
            heading_base: 1,
            numbered: false,
            origin: "t".into(),
            first_line: 1,
        },
    );
    assert!(
        markdown.contains("#par[\\*x\\* \\`y\\` \\<b\\> \\# h]"),
        "escaped Markdown is plain text: {markdown}"
    );
}
