//! Citation groups into Typst: the report's note style, with Pandoc's prefixes, suffixes and
//! in-text citations.
//!
//! typst's `cite` has no prefix, and a `cite` inside a footnote makes a note of its own in
//! a note style. So a plain group (`[@a, p. 3; @b]`) is typst's own note, with CSL's first
//! and subsequent forms; a group with a prefix or suffix (`[see @a, p. 3; also @b]`) is a
//! footnote witness writes, each source in it in full (`form: "full"`); an in-text citation
//! (`@a says`) names the author in the text, with such a footnote after it. (An author named
//! by typst counts as the source's first citation, so typst's own note after it would be
//! the short, subsequent form.)

use std::collections::HashMap;

use crate::citation::{Cite, CiteGroup};

use super::escape;

/// What an in-text citation names for a source without an author (typst's author form
/// would print nothing): its publisher or organisation, by key.
pub type Names = HashMap<String, String>;

/// Appends the Typst for `group`; `affix` turns a prefix or suffix, as written, into markup
/// (literal text in a literal field, inline Markdown in the expert's own text).
pub fn push_group(
    out: &mut String,
    group: &CiteGroup,
    affix: &dyn Fn(&str) -> String,
    names: &Names,
) {
    if group.in_text {
        for cite in &group.cites {
            match names.get(&cite.key) {
                Some(name) => escape::push_markup(out, name),
                None => push_cite(out, cite, Some("author"), false),
            }
            push_footnote(out, std::slice::from_ref(cite), affix);
        }
    } else if group.is_plain() {
        // Adjacent citations are one note, as typst groups them.
        for cite in &group.cites {
            push_cite(out, cite, None, true);
        }
    } else {
        push_footnote(out, &group.cites, affix);
    }
}

/// A footnote witness writes for `cites`: each with its prefix, the source in full, its
/// locator and its suffix.
fn push_footnote(out: &mut String, cites: &[Cite], affix: &dyn Fn(&str) -> String) {
    out.push_str("#footnote[");
    for (i, cite) in cites.iter().enumerate() {
        if i > 0 {
            out.push_str("\\; ");
        }
        if let Some(prefix) = &cite.prefix {
            // A note starts with a capital, as citeproc gives it: "See …".
            let prefix = if i == 0 {
                capitalised(prefix)
            } else {
                prefix.clone()
            };
            out.push_str(&affix(&prefix));
            out.push(' ');
        }
        push_cite(out, cite, Some("full"), false);
        if let Some(locator) = &cite.locator {
            out.push_str(", ");
            escape::push_markup(out, locator);
        }
        if let Some(suffix) = &cite.suffix {
            if !suffix.starts_with([',', '.', ';', ':', ')', '!', '?']) {
                out.push(' ');
            }
            out.push_str(&affix(suffix));
        }
    }
    let last = cites.last();
    let ends_in_stop = last
        .and_then(|c| c.suffix.as_deref())
        .is_some_and(|s| s.trim_end().ends_with(['.', '!', '?']));
    if !ends_in_stop {
        out.push_str("\\.");
    }
    out.push(']');
}

/// `#cite(label("key"), form: …, supplement: [locator])`.
fn push_cite(out: &mut String, cite: &Cite, form: Option<&str>, with_locator: bool) {
    out.push_str("#cite(label(");
    out.push_str(&escape::string(&cite.key));
    out.push(')');
    if let Some(form) = form {
        out.push_str(&format!(", form: \"{form}\""));
    }
    if with_locator && let Some(locator) = &cite.locator {
        out.push_str(", supplement: [");
        escape::push_markup(out, locator);
        out.push(']');
    }
    out.push(')');
}

/// `text` with its first letter in capitals, past any Markdown before it (`*see*`).
pub fn capitalised(text: &str) -> String {
    match text.char_indices().find(|(_, c)| c.is_alphanumeric()) {
        Some((at, first)) => {
            let rest = &text[at + first.len_utf8()..];
            format!("{}{}{rest}", &text[..at], first.to_uppercase())
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::find_in_markdown;

    fn typst(markdown: &str) -> String {
        let mut out = String::new();
        for group in find_in_markdown(markdown) {
            push_group(&mut out, &group, &escape::markup, &Names::new());
        }
        out
    }

    #[test]
    fn plain_groups_are_typsts_own_notes() {
        assert_eq!(
            typst("[@a, p. 3; @b]"),
            "#cite(label(\"a\"), supplement: [p\\. 3])#cite(label(\"b\"))"
        );
    }

    #[test]
    fn affixes_make_a_footnote_with_each_source_in_full() {
        assert_eq!(
            typst("[see @a, pp. 33-35; also @b, chap. 1]"),
            "#footnote[See #cite(label(\"a\"), form: \"full\"), pp\\. 33\\-35\\; also \
             #cite(label(\"b\"), form: \"full\"), chap\\. 1\\.]"
        );
        assert_eq!(
            typst("[@a, p. 3, and passim.]"),
            "#footnote[#cite(label(\"a\"), form: \"full\"), p\\. 3, and passim\\.]"
        );
    }

    #[test]
    fn in_text_names_the_author_then_the_note() {
        assert_eq!(
            typst("@a [p. 33] says"),
            "#cite(label(\"a\"), form: \"author\")#footnote[#cite(label(\"a\"), form: \"full\"), p\\. 33\\.]"
        );
    }
}
