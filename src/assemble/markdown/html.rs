//! Markdown into HTML, for the web article: pulldown-cmark's own HTML writer over the events,
//! filtered so that only Markdown's structure becomes markup.
//!
//! Raw HTML in a brief is shown as text, an image keeps only its words, only web and e-mail
//! addresses become links, a brief's notes to the expert (`> [!NOTE]`) are left out, and
//! headings are kept below the part that holds them without skipping a level. Citations are
//! taken out first, as tokens ([`marked`]), exactly as for Typst; the caller's [`Notes`]
//! decides what stands in the text for each.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use super::marked::{self, Marked, Run};
use super::{
    inline::autolinks, opens_with_own_knowledge, options, prose, split_footnotes, topic_of,
};
use crate::citation::CiteGroup;

/// Where the notes of an HTML page are kept: each citation and footnote becomes one.
pub trait Notes {
    /// The HTML that stands in the text for a citation group: its note's number, linked.
    fn cite(&mut self, group: &CiteGroup) -> String;
    /// A note for a Markdown footnote whose body is `html`.
    fn footnote(&mut self, html: String) -> NoteMark;
}

/// What stands in the text for a note: where it is first referred to, and where again (a
/// Markdown footnote may be referred to more than once; its body is written once).
pub struct NoteMark {
    /// The first reference, which the note's back-link returns to.
    pub first: String,
    /// Any later reference: a link to the same note.
    pub again: String,
}

/// How a piece of Markdown sits in the page.
pub struct HtmlSettings<'a> {
    /// The HTML level of a `#` heading (`##` is one deeper), as [`super::Settings`] gives it.
    pub heading_base: usize,
    /// The shallowest level a heading may take: one below the heading of the part.
    pub floor: usize,
    /// The page's id of a topic's section, for a brief's `[…](#topic)` link; `None` when the
    /// page has no such section (the link's words stay, unlinked).
    pub topic_anchor: &'a dyn Fn(&str) -> Option<String>,
    /// Whether a paragraph opening with `[own knowledge]` is marked (the expert's own text).
    pub own_knowledge: bool,
}

/// Converts `markdown` to HTML; citations and footnotes go to `notes`.
pub fn to_html(markdown: &str, settings: &HtmlSettings, notes: &mut dyn Notes) -> String {
    let marked = Marked::new(markdown);
    // Straight quotes become typographic ones, as typst sets them in the PDF.
    let options = options() | pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION;
    let (footnotes, body) =
        split_footnotes(Parser::new_ext(&marked.source, options).into_offset_iter());
    let mut filter = Filter::new(settings, &marked, &footnotes);
    for (event, range) in body {
        if let Event::Start(Tag::Paragraph) = event
            && filter.depth == 0
        {
            let paragraph = &marked.source[range];
            filter.explicit_id = crate::served::explicit_id(paragraph).map(|(id, _)| id.into());
            filter.own_knowledge = settings.own_knowledge && opens_with_own_knowledge(paragraph);
        }
        filter.event(event, notes);
    }
    filter.flush(notes);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, filter.out.into_iter());
    html
}

/// A citation's prefix or suffix, as inline Markdown (`*see*`), into inline HTML.
pub fn inline_html(markdown: &str) -> String {
    struct NoNotes;
    impl Notes for NoNotes {
        fn cite(&mut self, _: &CiteGroup) -> String {
            String::new()
        }
        fn footnote(&mut self, _: String) -> NoteMark {
            NoteMark {
                first: String::new(),
                again: String::new(),
            }
        }
    }
    let settings = HtmlSettings {
        heading_base: 6,
        floor: 6,
        topic_anchor: &|_| None,
        own_knowledge: false,
    };
    // An affix cites nothing: its `@` is text.
    let html = to_html(&markdown.replace('@', "\\@"), &settings, &mut NoNotes);
    let html = html.trim();
    let html = html.strip_prefix("<p>").unwrap_or(html);
    html.strip_suffix("</p>").unwrap_or(html).to_string()
}

/// The events on their way to the HTML writer.
struct Filter<'s, 'e> {
    out: Vec<Event<'static>>,
    /// Consecutive text, joined so that a citation token is seen whole.
    text: String,
    settings: &'s HtmlSettings<'s>,
    marked: &'s Marked,
    footnotes: &'s HashMap<String, Vec<Event<'e>>>,
    /// Footnotes whose body is being written: a reference to one from inside itself stays text.
    expanding: Vec<String>,
    /// The marks of footnotes already written, by label, shared with the filters of their
    /// bodies: each body is written once, so references in references cannot multiply it.
    written: std::rc::Rc<std::cell::RefCell<HashMap<String, NoteMark>>>,
    /// Container blocks (lists, quotes, tables) around the current event.
    depth: usize,
    /// Inside a note to the expert, how deep: its events are dropped.
    skipping: usize,
    /// For each open link: whether it was kept as a link.
    links: Vec<bool>,
    /// The level given to each open heading, and to the last one closed.
    headings: Vec<HeadingLevel>,
    last_level: usize,
    /// The `{#id}` ending the paragraph being opened, taken off its last text.
    explicit_id: Option<String>,
    /// The paragraph being opened rests on the expert's own knowledge.
    own_knowledge: bool,
    /// The marker is still to be taken off the paragraph's first text.
    marker_pending: bool,
    /// The open paragraph is marked and gets the mark at its end.
    marked_paragraph: bool,
}

impl<'s, 'e> Filter<'s, 'e> {
    fn new(
        settings: &'s HtmlSettings<'s>,
        marked: &'s Marked,
        footnotes: &'s HashMap<String, Vec<Event<'e>>>,
    ) -> Self {
        Self {
            out: Vec::new(),
            text: String::new(),
            settings,
            marked,
            footnotes,
            expanding: Vec::new(),
            written: Default::default(),
            depth: 0,
            skipping: 0,
            links: Vec::new(),
            headings: Vec::new(),
            last_level: settings.floor.saturating_sub(1),
            explicit_id: None,
            own_knowledge: false,
            marker_pending: false,
            marked_paragraph: false,
        }
    }

    fn flush(&mut self, notes: &mut dyn Notes) {
        if self.text.is_empty() {
            return;
        }
        let mut text = std::mem::take(&mut self.text);
        if std::mem::take(&mut self.marker_pending) && opens_with_own_knowledge(&text) {
            text = text[prose::OWN_KNOWLEDGE.len()..].trim_start().to_string();
        }
        let in_link = !self.links.is_empty();
        let mut runs = marked::runs(&text, &self.marked.groups)
            .into_iter()
            .peekable();
        while let Some(run) = runs.next() {
            // A note's number sits against the word it follows ("neighbours¹"), as a
            // footnote's mark does in the PDF, whatever space the Markdown had before it.
            let run = match run {
                Run::Text(text) if matches!(runs.peek(), Some(Run::Group(g)) if !g.in_text) => {
                    Run::Text(text.trim_end())
                }
                run => run,
            };
            match run {
                Run::Group(group) => self.out.push(Event::InlineHtml(notes.cite(group).into())),
                Run::Text(text) if in_link => self.push_text(text),
                Run::Text(text) => {
                    for (written, target) in autolinks(text) {
                        match target {
                            Some(target) => {
                                self.out.push(Event::Start(link(target)));
                                self.push_text(written);
                                self.out.push(Event::End(TagEnd::Link));
                            }
                            None => self.push_text(written),
                        }
                    }
                }
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.out.push(Event::Text(text.to_string().into()));
        }
    }

    fn event(&mut self, event: Event<'_>, notes: &mut dyn Notes) {
        // A note to the expert is not for the reader of a web page.
        if self.skipping > 0 {
            match event {
                Event::Start(Tag::BlockQuote(_)) => self.skipping += 1,
                Event::End(TagEnd::BlockQuote(_)) => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        if let Event::Text(text) = &event {
            self.text.push_str(text);
            return;
        }
        // `… the summons. {#summons}`: the paragraph's ID is not part of its text.
        if matches!(event, Event::End(TagEnd::Paragraph))
            && self.depth == 0
            && let Some(id) = self.explicit_id.take()
        {
            let marker = format!("{{#{id}}}");
            if let Some(kept) = self.text.trim_end().strip_suffix(&marker).map(str::len) {
                self.text.truncate(kept);
                self.text.truncate(self.text.trim_end().len());
            }
        }
        self.flush(notes);
        match event {
            Event::Start(Tag::BlockQuote(Some(_))) => self.skipping = 1,
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            // Raw HTML is the brief's words, not markup.
            Event::Html(html) | Event::InlineHtml(html) => self.push_text(&html),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.push_text(&math),
            Event::FootnoteReference(label) => self.footnote(&label, notes),
            Event::Code(code) => self.out.push(Event::Code(code.to_string().into())),
            Event::SoftBreak => self.out.push(Event::SoftBreak),
            Event::HardBreak => self.out.push(Event::HardBreak),
            Event::Rule => self.out.push(Event::Rule),
            Event::TaskListMarker(done) => self.out.push(Event::TaskListMarker(done)),
            Event::Text(_) => unreachable!("handled above"),
        }
    }

    fn footnote(&mut self, label: &str, notes: &mut dyn Notes) {
        let Some(events) = self.footnotes.get(label) else {
            return self.push_text(&format!("[^{label}]"));
        };
        if self.expanding.iter().any(|l| l == label) {
            return self.push_text(&format!("[^{label}]"));
        }
        if let Some(mark) = self.written.borrow().get(label) {
            self.out.push(Event::InlineHtml(mark.again.clone().into()));
            return;
        }
        // The body on its own: its own events through a filter of its own, into HTML.
        let mut inner = Filter::new(self.settings, self.marked, self.footnotes);
        inner.expanding = self.expanding.clone();
        inner.expanding.push(label.to_string());
        inner.written = self.written.clone();
        inner.depth = 1;
        for event in events.iter().cloned() {
            inner.event(event, notes);
        }
        inner.flush(notes);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, inner.out.into_iter());
        let html = html.trim();
        let html = html.strip_prefix("<p>").unwrap_or(html);
        let html = html.strip_suffix("</p>").unwrap_or(html).to_string();
        let mark = notes.footnote(html);
        self.out.push(Event::InlineHtml(mark.first.clone().into()));
        self.written.borrow_mut().insert(label.to_string(), mark);
    }

    fn start(&mut self, tag: Tag<'_>) {
        let tag: Tag<'static> = match tag {
            Tag::Paragraph => {
                if self.depth == 0 {
                    self.marked_paragraph = std::mem::take(&mut self.own_knowledge);
                    self.marker_pending = self.marked_paragraph;
                }
                Tag::Paragraph
            }
            Tag::Heading { level, .. } => {
                let wanted = self.settings.heading_base + level as usize - 1;
                let level = wanted
                    .max(self.settings.floor)
                    .min(self.last_level + 1)
                    .min(6);
                let level = HeadingLevel::try_from(level).unwrap_or(HeadingLevel::H6);
                self.headings.push(level);
                Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }
            }
            Tag::BlockQuote(_) => {
                self.depth += 1;
                Tag::BlockQuote(None)
            }
            Tag::List(start) => {
                self.depth += 1;
                Tag::List(start)
            }
            Tag::Table(alignments) => {
                self.depth += 1;
                Tag::Table(alignments)
            }
            Tag::CodeBlock(kind) => Tag::CodeBlock(match kind {
                pulldown_cmark::CodeBlockKind::Fenced(lang) => {
                    pulldown_cmark::CodeBlockKind::Fenced(lang.to_string().into())
                }
                pulldown_cmark::CodeBlockKind::Indented => pulldown_cmark::CodeBlockKind::Indented,
            }),
            // Raw HTML blocks are shown as text, in a paragraph of their own.
            Tag::HtmlBlock => Tag::Paragraph,
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let target = self.link_target(link_type, &dest_url);
                self.links.push(target.is_some());
                match target {
                    Some(target) => link(target),
                    None => return,
                }
            }
            // An image would load from outside the page: its words are kept, emphasised.
            Tag::Image { .. } => Tag::Emphasis,
            Tag::Item => Tag::Item,
            Tag::TableHead => Tag::TableHead,
            Tag::TableRow => Tag::TableRow,
            Tag::TableCell => Tag::TableCell,
            Tag::Emphasis => Tag::Emphasis,
            Tag::Strong => Tag::Strong,
            Tag::Strikethrough => Tag::Strikethrough,
            Tag::Superscript => Tag::Superscript,
            Tag::Subscript => Tag::Subscript,
            Tag::FootnoteDefinition(_)
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => return,
        };
        self.out.push(Event::Start(tag));
    }

    fn end(&mut self, tag: TagEnd) {
        let tag = match tag {
            TagEnd::Paragraph => {
                if self.depth == 0 && std::mem::take(&mut self.marked_paragraph) {
                    self.out.push(Event::InlineHtml(
                        " <em class=\"own-knowledge\">(own knowledge)</em>".into(),
                    ));
                }
                TagEnd::Paragraph
            }
            TagEnd::Heading(_) => {
                let level = self.headings.pop().unwrap_or(HeadingLevel::H6);
                self.last_level = level as usize;
                TagEnd::Heading(level)
            }
            TagEnd::BlockQuote(_) => {
                self.depth = self.depth.saturating_sub(1);
                TagEnd::BlockQuote(None)
            }
            TagEnd::List(ordered) => {
                self.depth = self.depth.saturating_sub(1);
                TagEnd::List(ordered)
            }
            TagEnd::Table => {
                self.depth = self.depth.saturating_sub(1);
                TagEnd::Table
            }
            TagEnd::HtmlBlock => TagEnd::Paragraph,
            TagEnd::Link => {
                if !self.links.pop().unwrap_or(false) {
                    return;
                }
                TagEnd::Link
            }
            TagEnd::Image => TagEnd::Emphasis,
            TagEnd::FootnoteDefinition
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => return,
            other => other,
        };
        self.out.push(Event::End(tag));
    }

    /// Where a Markdown link may go on the page: a topic's section on it, a web address, or
    /// an e-mail address. Anything else (`javascript:`, a file, another page's fragment)
    /// keeps its words without a link.
    fn link_target(&self, link_type: LinkType, destination: &str) -> Option<String> {
        if let Some((topic, _)) = topic_of(destination) {
            return (self.settings.topic_anchor)(topic).map(|id| format!("#{id}"));
        }
        let destination = destination.trim();
        if matches!(link_type, LinkType::Email) && !destination.contains(':') {
            return Some(format!("mailto:{destination}"));
        }
        is_web_address(destination).then(|| destination.to_string())
    }
}

/// Whether `address` is a web or e-mail address, the only ones a page links to.
pub fn is_web_address(address: &str) -> bool {
    let lower = address.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

fn link(target: String) -> Tag<'static> {
    Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(target),
        title: CowStr::from(""),
        id: CowStr::from(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbered(usize);
    impl Notes for Numbered {
        fn cite(&mut self, group: &CiteGroup) -> String {
            self.0 += 1;
            format!("<sup>{}:{}</sup>", self.0, group.cites[0].key)
        }
        fn footnote(&mut self, html: String) -> NoteMark {
            self.0 += 1;
            NoteMark {
                first: format!("<sup>{}:{html}</sup>", self.0),
                again: format!("<sup>again {}</sup>", self.0),
            }
        }
    }

    fn html(markdown: &str) -> String {
        let settings = HtmlSettings {
            heading_base: 2,
            floor: 3,
            topic_anchor: &|topic| (topic == "minorities").then(|| "topic-minorities".into()),
            own_knowledge: true,
        };
        to_html(markdown, &settings, &mut Numbered(0))
    }

    #[test]
    fn raw_html_and_unsafe_links_are_text() {
        let out = html(
            "<script>alert(1)</script>\n\nA <b>bold</b> [x](javascript:alert(1)) ![pic](x.png)",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("&lt;b&gt;bold&lt;/b&gt;"), "{out}");
        assert!(!out.contains("href=\"javascript"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("<em>pic</em>"), "{out}");
    }

    #[test]
    fn citations_links_and_headings() {
        let out = html(
            "Text [see @a, p. 3] and www.example.org.\n\n#### Deep\n\n[the minorities](#minorities) \
             and [returnees](#returnees?)\n\n> [!NOTE]\n> For the expert only.\n\n[own knowledge] I saw it. {#seen}",
        );
        assert!(out.contains("<sup>1:a</sup>"), "{out}");
        assert!(
            out.contains("<a href=\"http://www.example.org\">www.example.org</a>"),
            "{out}"
        );
        assert!(out.contains("<h3>Deep</h3>"), "no level is skipped: {out}");
        assert!(
            out.contains("<a href=\"#topic-minorities\">the minorities</a>"),
            "{out}"
        );
        assert!(out.contains(" and returnees"), "{out}");
        assert!(!out.contains("For the expert"), "{out}");
        assert!(
            out.contains("<p>I saw it. <em class=\"own-knowledge\">"),
            "{out}"
        );
        assert!(!out.contains("{#seen}"), "{out}");
    }

    #[test]
    fn a_footnote_is_written_once_however_often_it_is_referred_to() {
        // Each body refers twice to the next: written out each time, 2^12 notes.
        let mut markdown = String::from("Start[^f0].\n\n");
        for i in 0..12 {
            markdown.push_str(&format!("[^f{i}]: Then[^f{}] and[^f{}].\n\n", i + 1, i + 1));
        }
        markdown.push_str("[^f12]: End.\n");
        let out = html(&markdown);
        assert_eq!(out.matches("again").count(), 12, "{out}");
        assert!(out.len() < 10_000, "{} bytes", out.len());
    }

    #[test]
    fn footnotes_become_notes() {
        let out = html("A claim.[^1]\n\n[^1]: Said by [@b].");
        assert!(out.contains("<sup>2:Said by<sup>1:b</sup>.</sup>"), "{out}");
    }
}
