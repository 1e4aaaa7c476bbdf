//! The forms of Pandoc's manual ("Citation syntax"), each with what it must parse to.

use super::*;

/// `(key, locator, prefix, suffix, suppress_author)` per cite, per group, in Markdown.
type Parsed = Vec<Vec<(String, Option<String>, Option<String>, Option<String>, bool)>>;

fn parsed(markdown: &str) -> Parsed {
    find_in_markdown(markdown)
        .into_iter()
        .map(|g| {
            g.cites
                .into_iter()
                .map(|c| (c.key, c.locator, c.prefix, c.suffix, c.suppress_author))
                .collect()
        })
        .collect()
}

fn cite(key: &str) -> (String, Option<String>, Option<String>, Option<String>, bool) {
    (key.into(), None, None, None, false)
}

fn s(text: &str) -> Option<String> {
    Some(text.into())
}

#[test]
fn bracketed_forms() {
    let table: Vec<(&str, Parsed)> = vec![
        ("A claim [@hrw-2025].", vec![vec![cite("hrw-2025")]]),
        (
            "[@fh-2024, p. 12]",
            vec![vec![("fh-2024".into(), s("p. 12"), None, None, false)]],
        ),
        (
            "[see @a, pp. 33-35; also @b, chap. 1]",
            vec![vec![
                ("a".into(), s("pp. 33-35"), s("see"), None, false),
                ("b".into(), s("chap. 1"), s("also"), None, false),
            ]],
        ),
        (
            "[@a p. 33]",
            vec![vec![("a".into(), s("p. 33"), None, None, false)]],
        ),
        (
            "[@a, pp. 33-35, and passim]",
            vec![vec![(
                "a".into(),
                s("pp. 33-35"),
                None,
                s(", and passim"),
                false,
            )]],
        ),
        ("[@a.]", vec![vec![("a".into(), None, None, s("."), false)]]),
        ("[-@a]", vec![vec![("a".into(), None, None, None, true)]]),
        ("[@{a b}]", vec![vec![cite("a b")]]),
        (
            "[@a, {pp. iv, vi-xi}]",
            vec![vec![("a".into(), s("pp. iv, vi-xi"), None, None, false)]],
        ),
        (
            "[*see* @a]",
            vec![vec![("a".into(), None, s("*see*"), None, false)]],
        ),
        (
            "text [see @a,\np. 3] across a line",
            vec![vec![("a".into(), s("p. 3"), s("see"), None, false)]],
        ),
        (
            "[@a; @b, para 4]",
            vec![vec![
                cite("a"),
                ("b".into(), s("para 4"), None, None, false),
            ]],
        ),
        ("[@usdos.hr:2024]", vec![vec![cite("usdos.hr:2024")]]),
    ];
    for (markdown, expected) in table {
        assert_eq!(parsed(markdown), expected, "{markdown:?}");
    }
}

#[test]
fn in_text_forms() {
    assert_eq!(parsed("@a says"), vec![vec![cite("a")]]);
    assert_eq!(
        parsed("@a [p. 33] says"),
        vec![vec![("a".into(), s("p. 33"), None, None, false)]]
    );
    assert_eq!(parsed("As @smith04. said"), vec![vec![cite("smith04")]]);
    assert_eq!(parsed("@{a b} says"), vec![vec![cite("a b")]]);
    assert_eq!(parsed("@hrw's report"), vec![vec![cite("hrw")]]);
    let group = &find_in_markdown("So @a [p. 33] says")[0];
    assert!(group.in_text);
    assert_eq!(group.span, 3..13);
}

#[test]
fn what_is_never_a_citation() {
    for text in [
        "[not a cite] and [@] and [@ x] and mail a@b.org",
        "escaped \\@key and [\\@key]",
        "an entity &#64;key",
        "code `[@a]` and `@b`",
        "```\n[@a]\n```",
        "a link [see @a](https://example.org)",
        "https://example.org/@user and www.example.org/@user",
        "<a href=\"https://x.org/@a\">",
        "see [the page][1]\n\n[1]: https://x.org/@user",
        "![a photo](https://x.org/@user/p.png)",
    ] {
        assert!(
            find_in_markdown(text).is_empty(),
            "{text:?}: {:?}",
            find_in_markdown(text)
        );
    }
    // A bracket that is not a group leaves its `@a` an in-text citation, as in Pandoc.
    let inside = find_in_markdown("[@a and more; see x]");
    assert_eq!((inside.len(), inside[0].in_text), (1, true));
    // Nor does a group run over a blank line.
    let apart = find_in_markdown("[see @a,\n\np. 3]");
    assert_eq!((apart.len(), apart[0].in_text), (1, true));
    // Literal text has no in-text citations and no escapes.
    assert!(find("@a says").is_empty());
    assert_eq!(find("see [@a]")[0].cites[0].key, "a");
}

#[test]
fn odd_text_never_panics() {
    // The Kelvin sign lowercases to a one-byte `k`: a locator term must be matched in place.
    for text in [
        "[@a, boo\u{212A} 3]",
        "[@a, \u{212A}\u{212A}]",
        "[@a \u{130}p. 3]",
    ] {
        let _ = find_in_markdown(text);
    }
    // A long run of `[{` is not scanned again from every bracket.
    let long = "[{".repeat(20_000);
    assert!(find_in_markdown(&long).is_empty());
}

#[test]
fn split_keeps_the_text_around_groups() {
    let pieces = split("see [x] [@k] end");
    assert_eq!(pieces.len(), 3);
    assert_eq!(pieces[0], Piece::Text("see [x] "));
    assert_eq!(pieces[2], Piece::Text(" end"));
}
