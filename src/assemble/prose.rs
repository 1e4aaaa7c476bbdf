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
    for paragraph in paragraphs(text) {
        out.push_str(if numbered { "#np[" } else { "#par[" });
        push_inline(&mut out, &paragraph);
        out.push_str("]\n\n");
    }
    out
}

/// One line of prose (a name, a title) with its citations, for use inside other markup.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    push_inline(&mut out, &collapse_whitespace(text));
    out
}

/// Paragraphs separated by blank lines, each with its whitespace collapsed.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line.trim());
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
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
            "// origin: case.toml: analysis.history\n#np[One line\\.]\n\n#np[Two #cite(label(\"k\"), supplement: [p\\. 3])\\.]\n\n"
        );
    }

    #[test]
    fn markdown_and_typst_syntax_stay_literal() {
        let out = inline("*bold* - l 1. x = h");
        assert_eq!(out, "\\*bold\\* \\- l 1\\. x \\= h");
    }
}
