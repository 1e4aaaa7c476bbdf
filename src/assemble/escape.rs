//! Text into Typst source that can only ever be literal text.
//!
//! Case files and briefs are written by people who do not know Typst and paste from e-mails;
//! nothing they write may change the document's structure or run code. Every piece of such
//! text passes through one of these two functions on its way into the generated source.

/// `text` as Typst markup that shows exactly `text`.
///
/// Every ASCII character that markup gives a meaning to (or that could continue an embedded
/// expression just before it, such as `(`, `[` and `.`) is escaped with a backslash, which in
/// Typst always yields the character itself. Line breaks become spaces, since a blank line
/// would start a paragraph; other control characters are dropped. Straight quotes are left
/// alone so that Typst sets them as typographic quotes.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_markup(&mut out, text);
    out
}

/// Appends [`markup`] of `text` to `out`, without allocating a new string.
pub fn push_markup(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '=' | '-' | '+' | '/' | ':'
            | '~' | '[' | ']' | '.' | '(' | ')' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c if c.is_control() => {}
            // Typst would fold a soft hyphen or zero-width space into the layout; keep as is.
            c => out.push(c),
        }
    }
}

/// `text` as a Typst string literal, quotes included, for code such as `title: "..."`.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A line of a `//` comment in generated source: nothing after it can leave the comment.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_active_character() {
        assert_eq!(markup("#read(\"x\")"), "\\#read\\(\"x\"\\)");
        assert_eq!(markup("= h"), "\\= h");
        assert_eq!(markup("1. x"), "1\\. x");
        assert_eq!(markup("a\n\nb"), "a  b");
        assert_eq!(markup("// c"), "\\/\\/ c");
        assert_eq!(markup("Кыргызстан"), "Кыргызстан");
    }

    #[test]
    fn strings_are_closed_and_escaped() {
        assert_eq!(string("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(string("\u{1}"), "\"\\u{1}\"");
    }
}
