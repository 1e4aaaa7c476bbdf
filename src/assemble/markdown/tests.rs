//! Brief and case Markdown into Typst: the calls each construct becomes.

use super::*;

fn convert(md: &str) -> String {
    to_typst(
        md,
        &Settings {
            heading_base: 3,
            numbered: true,
            paragraph_ids: "history".into(),
            origin: "brief/history.md".into(),
            first_line: 5,
            field: None,
            own_knowledge: false,
            names: Default::default(),
        },
    )
}

#[test]
fn paragraphs_are_numbered_and_traced_to_their_line() {
    let out = convert("First *claim* [@hrw].\n\nSecond.");
    assert!(
        out.starts_with(
            "// origin: brief/history.md:5\n#np(id: \"history.1\")[First #emph[claim] #cite(label(\"hrw\"))\\.]"
        ),
        "{out}"
    );
    assert!(
        out.contains("// origin: brief/history.md:7\n#np(id: \"history.2\")[Second\\.]"),
        "{out}"
    );
}

#[test]
fn a_paragraph_may_set_its_own_id_and_the_others_keep_theirs() {
    let out = convert("First.\n\nThe summons *reads* so. {#summons}\n\nThird {#not an id}");
    assert!(out.contains("#np(id: \"history.1\")[First\\.]"), "{out}");
    assert!(
        out.contains("#np(id: \"summons\")[The summons #emph[reads] so\\.]"),
        "the marker is the ID, not text: {out}"
    );
    // Not an ID (it has spaces): the text stays, and the paragraph keeps its place's ID.
    assert!(
        out.contains("#np(id: \"history.3\")[Third {\\#not"),
        "{out}"
    );
}

#[test]
fn headings_lists_and_quotes_become_calls() {
    let out = convert("## Sub\n\n- a\n- b\n\n> q\n");
    assert!(out.contains("#heading(level: 4)[Sub]"), "{out}");
    assert!(out.contains("#list([a], [b], )"), "{out}");
    assert!(out.contains("#quote(block: true)[q]"), "{out}");
}

#[test]
fn typst_syntax_in_text_stays_text() {
    // `@l` would be a citation in Markdown; escaped, it is text.
    let out = convert("#read(\"/etc/passwd\") $x$ <l> \\@l");
    assert!(
        out.contains("\\#read\\(\"\\/etc\\/passwd\"\\) \\$x\\$ \\<l\\> \\@l"),
        "{out}"
    );
}

#[test]
fn footnote_cycles_stay_literal_and_repeats_point_at_the_first() {
    // A footnote citing itself once overflowed the stack (found by fuzzing).
    let out = convert("Text[^a].\n\n[^a]: See [^a] and [^b].\n\n[^b]: B.\n\nAgain[^a].");
    assert!(out.contains("See \\[^a\\] and #footnote[B\\.]<"), "{out}");
    let label = out
        .split("]<")
        .nth(2)
        .and_then(|s| s.split('>').next())
        .unwrap();
    assert!(out.contains(&format!("Again#footnote(<{label}>)")), "{out}");
}

#[test]
fn nesting_deeper_than_typst_allows_is_flattened_but_keeps_its_text() {
    // 184 quotes in quotes made source typst could not parse (found by fuzzing).
    let deep = format!("{}deep text\n", ">".repeat(184));
    let out = convert(&deep);
    assert_eq!(out.matches("#quote(").count(), MAX_NESTING, "{out}");
    assert!(out.contains("deep text"), "{out}");
    let lists: String = (0..40)
        .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
        .collect();
    let out = convert(&lists);
    assert_eq!(out.matches("#list(").count(), MAX_NESTING, "{out}");
    assert!(out.contains("item 39"), "{out}");
    let notes: String = (0..40)
        .map(|i| format!("[^{i}]: see[^{}]\n\n", i + 1))
        .collect();
    let out = convert(&format!("Text[^0].\n\n{notes}"));
    assert_eq!(out.matches("#footnote[").count(), MAX_NESTING, "{out}");
}

#[test]
fn a_link_without_an_address_is_its_text() {
    // typst refuses `#link("")` (found by fuzzing).
    assert!(convert("[text]()").contains("#[text]"));
}

#[test]
fn footnotes_are_inlined_and_code_is_raw() {
    let out = convert("Text[^n].\n\n[^n]: Note *x*.\n\n```\nlet a = [1];\n```\n");
    assert!(out.contains("Text#footnote[Note #emph[x]\\.]"), "{out}");
    assert!(
        out.contains("#raw(block: true, \"let a = [1];\\n\")"),
        "{out}"
    );
}
