//! Inline text into Typst: a citation's prefix or suffix as inline Markdown, and running
//! text with GFM's extended autolinks.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::marked::Marked;
use super::{Settings, Writer, options};
use crate::assemble::escape;

/// A citation's prefix or suffix, as inline Markdown (`*see*`), into Typst markup.
pub(super) fn inline_typst(markdown: &str) -> String {
    let settings = Settings {
        heading_base: 1,
        numbered: false,
        paragraph_ids: String::new(),
        origin: String::new(),
        first_line: 1,
        field: None,
        own_knowledge: false,
        names: Default::default(),
    };
    let marked = Marked::new(&markdown.replace('@', "\\@"));
    let footnotes = HashMap::new();
    let mut writer = Writer::new(&settings, &footnotes, &marked);
    // Inside a note: paragraphs add no call of their own.
    writer.depth = 1;
    for event in Parser::new_ext(&marked.source, options()) {
        if !matches!(
            event,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        ) {
            writer.event(event);
        }
    }
    writer.flush_text();
    writer.out.trim().to_string()
}

/// Text with GFM's extended autolinks: a bare `https://…` or `www.…` address and an e-mail
/// address become links (see [`autolinks`]), and the rest is literal text (its citations are
/// tokens by now, see [`marked`]).
pub(super) fn push_autolinked(out: &mut String, text: &str) {
    for (written, target) in autolinks(text) {
        match target {
            Some(target) => {
                out.push_str("#link(");
                out.push_str(&escape::string(&target));
                out.push_str(")[");
                escape::push_markup(out, written);
                out.push(']');
            }
            None => escape::push_markup(out, written),
        }
    }
}

/// `text` cut into runs, each with the address it links to when it is one of GFM's extended
/// autolinks: `www.` gets `http://`, as GFM says, and an e-mail address `mailto:`. Both the
/// Typst and the HTML writer link the same addresses.
pub(super) fn autolinks(text: &str) -> Vec<(&str, Option<String>)> {
    let mut finder = linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    finder
        .spans(text)
        .map(|span| {
            let written = span.as_str();
            let target = match span.kind() {
                Some(linkify::LinkKind::Email) => Some(format!("mailto:{written}")),
                Some(linkify::LinkKind::Url) if written.contains("://") => {
                    Some(written.to_string())
                }
                // Without a scheme only `www.` counts, as in GFM; linkify would take `example.org`.
                Some(linkify::LinkKind::Url) if written.starts_with("www.") => {
                    Some(format!("http://{written}"))
                }
                _ => None,
            };
            (written, target)
        })
        .collect()
}
