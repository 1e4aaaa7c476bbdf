//! Case-file prose into Typst: literal text in paragraphs, with `[@key]` citations.
//!
//! Case text is written by the expert and pasted from correspondence; it is not Markdown, so
//! `*`, `-` and `1.` mean what they say. Only a blank line (new paragraph) and a citation
//! group have meaning.

use crate::citation::{self, Piece};

use super::escape;

/// Prose as Typst paragraphs; numbered paragraphs (`#np`) for the body of the report.
pub fn to_typst(text: &str, numbered: bool, origin: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    out.push_str(&format!("// origin: {}\n", escape::comment(origin)));
    for mut lines in paragraph_lines(text) {
        let own = own_knowledge(&mut lines);
        out.push_str(match (numbered, own) {
            (true, false) => "#np[",
            (true, true) => "#np-own[",
            (false, false) => "#par[",
            (false, true) => "#par-own[",
        });
        push_lines(&mut out, lines.into_iter());
        out.push_str("]\n\n");
    }
    out.push_str(crate::typeset::ORIGIN_END);
    out
}

/// What opens a paragraph that rests on the expert's own knowledge (PD35 3.2(4)); it is
/// matched in any case, and printed as a restrained mark instead.
pub const OWN_KNOWLEDGE: &str = "[own knowledge]";

/// Whether a paragraph opens with [`OWN_KNOWLEDGE`]; if so, the marker is taken off.
fn own_knowledge(lines: &mut Vec<&str>) -> bool {
    let Some(first) = lines.first_mut() else {
        return false;
    };
    let Some(head) = first.get(..OWN_KNOWLEDGE.len()) else {
        return false;
    };
    if !head.eq_ignore_ascii_case(OWN_KNOWLEDGE) {
        return false;
    }
    let rest = first[OWN_KNOWLEDGE.len()..].trim_start();
    if rest.is_empty() {
        lines.remove(0);
    } else {
        *first = rest;
    }
    true
}

/// Whether any paragraph of `text` is marked as resting on the expert's own knowledge.
pub fn marks_own_knowledge(text: &str) -> bool {
    paragraph_lines(text)
        .into_iter()
        .any(|mut lines| own_knowledge(&mut lines))
}

/// One line of prose (a name, a title) with its citations, for use inside other markup.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let lines: Vec<String> = text.lines().map(collapse_whitespace).collect();
    push_lines(
        &mut out,
        lines.iter().map(String::as_str).filter(|l| !l.is_empty()),
    );
    out
}

/// Lines joined by spaces, each with its citations. Citations are looked for line by line,
/// as the check looks for them (`citation::find` on the field): a citation broken across two
/// lines is literal text in both. (Joining the lines first made `[@key` + newline + `]` a
/// citation the check never saw, so a wrong key reached typst; found by fuzzing.)
fn push_lines<'a>(out: &mut String, lines: impl Iterator<Item = &'a str>) {
    for (i, line) in lines.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_inline(out, line);
    }
}

/// The trimmed lines of each paragraph; paragraphs are separated by blank lines.
fn paragraph_lines(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Paragraphs separated by blank lines, each with its whitespace collapsed.
pub fn paragraphs(text: &str) -> Vec<String> {
    paragraph_lines(text)
        .into_iter()
        .map(|lines| lines.join(" "))
        .collect()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Literal text with its citation groups turned into Typst citations.
pub fn push_inline(out: &mut String, text: &str) {
    for piece in citation::split(text) {
        match piece {
            Piece::Text(text) => escape::push_markup(out, text),
            Piece::Cites(group) => {
                for cite in group.cites {
                    out.push_str("#cite(label(");
                    out.push_str(&escape::string(&cite.key));
                    out.push(')');
                    if let Some(locator) = cite.locator {
                        out.push_str(", supplement: [");
                        escape::push_markup(out, &locator);
                        out.push(']');
                    }
                    out.push(')');
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_separate_numbered_paragraphs() {
        let out = to_typst(
            "One\nline.\n\n\nTwo [@k, p. 3].",
            true,
            "case.toml: analysis.history",
        );
        assert_eq!(
            out,
            "// origin: case.toml: analysis.history\n#np[One line\\.]\n\n#np[Two #cite(label(\"k\"), supplement: [p\\. 3])\\.]\n\n// origin ends\n"
        );
    }

    #[test]
    fn a_citation_broken_across_lines_stays_literal_as_the_check_sees_it() {
        let text = "Acts nationally [@usdos-hr-2024\n]. Also [@a,\np. 3].";
        assert!(
            crate::citation::find(text).is_empty(),
            "the check finds none"
        );
        let out = to_typst(text, true, "o");
        assert!(!out.contains("#cite"), "{out}");
        assert!(out.contains("\\[\\@usdos\\-hr\\-2024 \\]"), "{out}");
        assert!(!inline(text).contains("#cite"));
        assert_eq!(inline("a  [@k]\n  b"), "a #cite(label(\"k\")) b");
    }

    #[test]
    fn markdown_and_typst_syntax_stay_literal() {
        let out = inline("*bold* - l 1. x = h");
        assert_eq!(out, "\\*bold\\* \\- l 1\\. x \\= h");
    }
}
