//! Literal case text into Typst: paragraphs, with `[@key]` citations.
//!
//! The text others wrote (a question as put, an instruction, a translation) is pasted from
//! correspondence; it is not Markdown, so `*`, `-` and `1.` mean what they say. Only a blank
//! line (new paragraph) and a bracketed citation group have meaning.

use crate::citation::{self, Piece};

use super::{cite, escape};

/// Prose as Typst paragraphs: numbered paragraphs (`#np`) for the body of the report, with
/// IDs `<ids>.1`, `<ids>.2`…, when `ids` is given; plain paragraphs without.
pub fn to_typst(text: &str, ids: Option<&str>, origin: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    out.push_str(&format!("// origin: {}\n", escape::comment(origin)));
    for (i, mut lines) in paragraph_lines(text).into_iter().enumerate() {
        let own = own_knowledge(&mut lines);
        let id = ids.map(|ids| format!("{ids}.{}", i + 1));
        out.push_str(&paragraph_open(own, id.as_deref()));
        push_inline(&mut out, &lines.join("\n"));
        out.push_str("]\n\n");
    }
    out.push_str(crate::typeset::ORIGIN_END);
    out
}

/// What opens a paragraph in Typst: numbered (`#np`) with its stable ID in the body of the
/// report, or plain (`#par`) without one, and marked as resting on the expert's own
/// knowledge (`-own`) or not. The ID is written as a string literal, whatever it holds.
pub fn paragraph_open(own_knowledge: bool, id: Option<&str>) -> String {
    let own = if own_knowledge { "-own" } else { "" };
    match id {
        Some(id) => format!("#np{own}(id: {})[", escape::string(id)),
        None => format!("#par{own}["),
    }
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

/// One line of prose (a name, a title) with its citations, for use inside other markup:
/// line breaks and blank lines are spaces.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    push_inline(&mut out, text.trim());
    out
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

/// Literal text with its citation groups turned into Typst citations. Citations are found
/// in the text as written, as the check finds them (`citation::find` on the field), so both
/// see the same groups, across a line break too.
pub fn push_inline(out: &mut String, text: &str) {
    for piece in citation::split(text) {
        match piece {
            // Line breaks print as spaces, and typst sets a run of spaces as one.
            Piece::Text(text) => escape::push_markup(out, text),
            // Literal text has bracketed groups only, so no in-text names.
            Piece::Cites(group) => {
                cite::push_group(out, &group, &escape::markup, &cite::Names::new())
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
            Some("analysis.history"),
            "case.toml: analysis.history",
        );
        assert_eq!(
            out,
            "// origin: case.toml: analysis.history\n#np(id: \"analysis.history.1\")[One line\\.]\n\n#np(id: \"analysis.history.2\")[Two #cite(label(\"k\"), supplement: [p\\. 3])\\.]\n\n// origin ends\n"
        );
    }

    #[test]
    fn a_citation_across_a_line_break_is_one_citation_as_the_check_sees_it() {
        let text = "Acts nationally [@usdos-hr-2024\n]. Also [@a,\np. 3].";
        assert_eq!(crate::citation::find(text).len(), 2, "the check finds both");
        let out = to_typst(text, Some("o"), "o");
        assert_eq!(out.matches("#cite").count(), 2, "{out}");
        assert!(out.contains("supplement: [p\\. 3]"), "{out}");
        // Over a blank line it is text, for the check and the report alike.
        let apart = "Acts [@usdos-hr-2024\n\n]";
        assert!(crate::citation::find(apart).is_empty());
        assert!(!inline(apart).contains("#cite"), "{}", inline(apart));
        assert_eq!(inline("a [@k]\nb"), "a #cite(label(\"k\")) b");
    }

    #[test]
    fn markdown_and_typst_syntax_stay_literal() {
        let out = inline("*bold* - l 1. x = h");
        assert_eq!(out, "\\*bold\\* \\- l 1\\. x \\= h");
    }
}
