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
//! **Where a string is looked for.** Only in its own field's text, not anywhere in the PDF
//! (where a short string such as `#` or `a` is found by chance). Each generated string is
//! bracketed by sentinel words, `‡N‡` with a number unique in the report (`sentinel`), which
//! nothing generated contains and which mean nothing to Typst or Markdown. In prose and in the
//! brief the sentinels are paragraphs of their own between the strings; in a single-line field
//! the value is `‡N‡ string ‡M‡`. Wherever a field is printed (a question is printed three
//! times), the text between its sentinels must hold the string: exactly, for a single-line
//! field; each of its paragraphs in order, for prose and the brief (their paragraph numbers lie
//! between). A field whose sentinels are not in the PDF at all is a failure too.
//!
//! **Where a string may be split.** In the expert's own text (Markdown) and in a brief a blank
//! line starts a new paragraph, and paragraphs get numbers in the margin; so a string with a
//! blank line is expected as its paragraphs, each found on its own. In the literal fields
//! (questions, documents, names) a blank line is just white space.
//!
//! **What is not generated.** Citation syntax (`[@key]`, the one other thing with a meaning in
//! case text, tested in tests/render.rs) is filtered out, for briefs too: witness looks for
//! citations in a brief's text after Markdown has removed its escapes, so even `\[\@key\]`
//! cites there; so are control characters other than
//! tab and newline (witness drops them by design, see `escape::markup`), characters no bundled
//! font has a glyph for, and invisible format characters, which a PDF's text cannot carry.
//! Strings are kept under a line's length so that line breaking cannot hyphenate them.
//!
//! **Two kinds of field.** A brief section and the expert's own text (analysis, answers,
//! opinion, methodology, qualifications: docs/case-file.md) *are* Markdown, so `*x*` there
//! rightly becomes emphasis and could not be found as `*x*`. What must hold for them is that
//! text whose Markdown meaning is plain text reaches the PDF literally, whatever Typst would
//! make of it. So each string is written into them with every ASCII punctuation character
//! backslash-escaped (CommonMark's own way to write it literally) and leading white space
//! dropped from each line (which would otherwise make an indented code block), and the
//! unescaped string is expected. The literal fields (questions as put, documents, names)
//! get the strings as they are, and must print every `*`, `>` and `#` of them; that Markdown
//! keeps its meaning in the Markdown fields is tested in tests/markdown.rs.

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
const LINE_FIELDS: [&str; 8] = [
    "questions[0].question",
    "questions[1].question",
    "questions[2].question",
    "methodology.documents[0]",
    "methodology.documents[1]",
    "methodology.documents[2]",
    "applicant.name",
    "instructing.firm",
];

fn document() -> impl Strategy<Value = Document> {
    (
        proptest::collection::vec(proptest::collection::vec(text(), 3), PROSE_FIELDS.len()),
        proptest::collection::vec(text(), LINE_FIELDS.len()),
        proptest::collection::vec(text(), 10),
    )
        .prop_map(|(prose, lines, brief)| Document {
            prose,
            lines,
            brief,
        })
}

/// A sentinel word: `‡`, a number, `‡`. Nothing generated contains `‡` (it is in no list
/// above), it means nothing to Typst or Markdown, and no line break or hyphen can fall inside
/// it, so each sentinel is found in the PDF's text exactly once per place it is printed.
fn sentinel(n: usize) -> String {
    format!("\u{2021}{n}\u{2021}")
}

/// One generated string as the report holds it: the text expected between two sentinels.
#[derive(Debug)]
struct Placed {
    /// Where it went, for the failure message.
    field: String,
    open: String,
    close: String,
    /// What must be found between the sentinels: the string's paragraphs (prose and brief),
    /// or the whole string as one line (single-line fields).
    paragraphs: Vec<String>,
    /// Whether the sentinels hold exactly the string and nothing else (single-line fields);
    /// prose paragraphs are separate paragraphs, so paragraph numbers lie between them.
    exact: bool,
}

/// What the report's fields and brief section hold: each generated string bracketed by
/// sentinels, and where each string is expected.
struct Layout {
    prose: Vec<String>,
    lines: Vec<String>,
    brief: String,
    placed: Vec<Placed>,
}

/// Brackets every generated string in `doc` with sentinels. In prose and in the brief the
/// sentinels are paragraphs of their own, shared by neighbours (`S0`, string, `S1`, string,
/// `S2` …), so each string still starts and ends its own paragraph, where line-start markers
/// have their meaning. A single-line field is `S string S'`.
fn layout(doc: &Document) -> Layout {
    let mut next = 0;
    let mut take = || {
        next += 1;
        sentinel(next)
    };
    let mut placed = Vec::new();
    let mut bracket = |field: &str, strings: &[String], written: &dyn Fn(&str) -> String| {
        let mut open = take();
        let mut parts = vec![open.clone()];
        for (i, string) in strings.iter().enumerate() {
            let close = take();
            parts.push(written(string));
            parts.push(close.clone());
            placed.push(Placed {
                field: format!("{field} #{i}"),
                open: std::mem::replace(&mut open, close.clone()),
                close,
                paragraphs: paragraphs(string),
                exact: false,
            });
        }
        parts.join("\n\n")
    };
    let prose: Vec<String> = doc
        .prose
        .iter()
        .zip(PROSE_FIELDS)
        .map(|(strings, field)| bracket(field, strings, &markdown_literal))
        .collect();
    let brief = bracket("brief history.md", &doc.brief, &markdown_literal);
    let lines = doc
        .lines
        .iter()
        .zip(LINE_FIELDS)
        .map(|(string, field)| {
            let (open, close) = (take(), take());
            let value = format!("{open} {string} {close}");
            placed.push(Placed {
                field: field.to_string(),
                open,
                close,
                paragraphs: vec![folded(string)],
                exact: true,
            });
            value
        })
        .collect();
    Layout {
        prose,
        lines,
        brief,
        placed,
    }
}

fn write_workspace(dir: &Path, layout: &Layout) {
    let prose = |i: usize| toml_string(&layout.prose[i]);
    let line = |i: usize| toml_string(&layout.lines[i]);
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
    std::fs::write(
        brief.join("history.md"),
        format!(
            "+++\ntitle = \"History\"\nreviewed = 2026-10-01\n+++\n\n{}\n",
            layout.brief
        ),
    )
    .unwrap();
}

/// Renders `doc` and returns the strings that are not found literally in the PDF, each
/// looked for only between its own sentinels.
fn missing(doc: &Document) -> Result<Vec<String>, String> {
    let temp = tempfile::tempdir().unwrap();
    let layout = layout(doc);
    write_workspace(temp.path(), &layout);
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
    let looked_for: usize = layout.placed.iter().map(|p| p.paragraphs.len()).sum();
    let checked = CHECKED.fetch_add(looked_for, Ordering::Relaxed) + looked_for;
    eprintln!("{checked} strings found in the PDFs so far");
    Ok(layout
        .placed
        .iter()
        .filter_map(|placed| not_found(&text, placed))
        .collect())
}

/// The parts of `text` between `placed`'s sentinels, one per place the field is printed.
fn regions<'t>(text: &'t str, placed: &Placed) -> Vec<&'t str> {
    let open = comparable(&placed.open);
    let close = comparable(&placed.close);
    text.match_indices(&open)
        .filter_map(|(at, _)| {
            let inside = &text[at + open.len()..];
            inside.find(&close).map(|end| &inside[..end])
        })
        .collect()
}

/// Why `placed` is not found in `text`, or `None` if it is: the field must be printed at
/// least once with both sentinels, and every place it is printed must hold the string
/// (exactly, for a single-line field; each paragraph in order, for prose). A question is
/// printed three times (the list of questions, the contents, its answer's heading), the
/// applicant's name and the firm twice.
fn not_found(text: &str, placed: &Placed) -> Option<String> {
    let regions = regions(text, placed);
    if regions.is_empty() {
        return Some(format!(
            "{}: the sentinels {} … {} are not in the PDF",
            placed.field, placed.open, placed.close
        ));
    }
    let wanted: Vec<String> = placed.paragraphs.iter().map(|p| comparable(p)).collect();
    let holds = |region: &str| {
        if placed.exact {
            region == wanted.concat()
        } else {
            let mut rest = region;
            wanted
                .iter()
                .all(|paragraph| match rest.find(paragraph.as_str()) {
                    Some(at) => {
                        rest = &rest[at + paragraph.len()..];
                        true
                    }
                    None => false,
                })
        }
    };
    if regions.iter().all(|region| holds(region)) {
        None
    } else {
        Some(format!(
            "{}: {:?} not found between {} and {}, which hold {regions:?}",
            placed.field, placed.paragraphs, placed.open, placed.close
        ))
    }
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

    // A string counts only between its own sentinels, and in every place it is printed.
    let line = Placed {
        field: "f".into(),
        open: sentinel(1),
        close: sentinel(2),
        paragraphs: vec!["#".into()],
        exact: true,
    };
    let text = |s: &str| comparable(&s.replace('S', "\u{2021}"));
    assert!(not_found(&text("# S1S#S2S"), &line).is_none());
    assert!(not_found(&text("# S1S#S2S S1S # S2S"), &line).is_none());
    assert!(not_found(&text("#S1S\\#S2S"), &line).is_some(), "exact");
    assert!(
        not_found(&text("S1S#S2S S1S*S2S"), &line).is_some(),
        "everywhere"
    );
    assert!(
        not_found(&text("# S1S S2S #"), &line).is_some(),
        "not outside"
    );
    assert!(
        not_found(&text("# S11S#S2S"), &line).is_some(),
        "no such sentinel"
    );
    let prose = Placed {
        paragraphs: vec!["a".into(), "b".into()],
        exact: false,
        ..line
    };
    assert!(not_found(&text("S1S 4 a 5 b S2S"), &prose).is_none());
    assert!(
        not_found(&text("S1S 4 b 5 a S2S"), &prose).is_some(),
        "in order"
    );
    let doc = Document {
        prose: vec![vec!["p".into(), "q\n\nr".into(), "s".into()]; PROSE_FIELDS.len()],
        lines: vec!["l".into(); LINE_FIELDS.len()],
        brief: vec!["*b*".into()],
    };
    let layout = layout(&doc);
    assert_eq!(
        layout.prose[0],
        "\u{2021}1\u{2021}\n\np\n\n\u{2021}2\u{2021}\n\nq\n\nr\n\n\u{2021}3\u{2021}\n\ns\n\n\u{2021}4\u{2021}"
    );
    assert_eq!(
        layout.brief,
        "\u{2021}45\u{2021}\n\n\\*b\\*\n\n\u{2021}46\u{2021}"
    );
    assert_eq!(layout.lines[0], "\u{2021}47\u{2021} l \u{2021}48\u{2021}");
    assert_eq!(layout.placed[1].paragraphs, ["q", "r"]);
    assert_eq!(
        layout.placed.len(),
        PROSE_FIELDS.len() * 3 + 1 + LINE_FIELDS.len()
    );
    let markdown = witness::assemble::markdown::to_typst(
        &markdown_literal("*x* `y` <b> # h"),
        &witness::assemble::markdown::Settings {
            heading_base: 1,
            numbered: false,
            paragraph_ids: String::new(),
            origin: "t".into(),
            first_line: 1,
            field: None,
            own_knowledge: false,
            names: Default::default(),
        },
    );
    assert!(
        markdown.contains("#par[\\*x\\* \\`y\\` \\<b\\> \\# h]"),
        "escaped Markdown is plain text: {markdown}"
    );
}
